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
    def api_base_url(self) -> str:
        return f"{self.telegram_api_url}/bot"

    @property
    def file_base_url(self) -> str:
        return f"{self.telegram_api_url}/file/bot"
