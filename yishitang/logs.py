"""Logging for the CLI: one format on stderr, secrets masked, other libraries' chatter quiet."""

from __future__ import annotations

import logging

from yishitang.settings import Settings

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Alembic's start-up notes, on every start; its "Running upgrade a -> b" lines stay.
ALEMBIC_CHATTER = ("Context impl ", "Will assume ")


class MaskingFormatter(logging.Formatter):
    """Replaces the token (and other secrets) wherever they would be written, tracebacks
    included: python-telegram-bot puts the token in the request URL and in the message of
    InvalidToken."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__(FORMAT)
        self.secrets = [s for s in secrets if s]

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        for secret in self.secrets:
            text = text.replace(secret, "<secret>")
        return text


class DropAlembicChatter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(ALEMBIC_CHATTER)


def configure_logging(settings: Settings, *, quiet: tuple[str, ...] = ()) -> None:
    """Root logging at LOG_LEVEL on stderr; ``quiet`` loggers only from WARNING."""
    secrets = [s.get_secret_value() for s in (settings.telegram_token, settings.asr_api_key)
               if s is not None]
    handler = logging.StreamHandler()
    handler.setFormatter(MaskingFormatter(secrets))
    logging.basicConfig(level=settings.log_level, handlers=[handler])
    for name in ("httpx", "alembic.runtime.plugins", *quiet):
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.getLogger("alembic.runtime.migration").addFilter(DropAlembicChatter())
