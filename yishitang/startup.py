"""Why `yishitang run` cannot start: one line that says what to do, and a documented exit code.

Checked before anything starts, cheapest first: the settings (Settings itself), that there is
a token, that DATA_DIR is writable, that the database answers and is not newer than this code,
that Telegram accepts the token. The network (database and Bot API) is tried again with
backoff; a rejected token or a missing database fails at once. A webhook left on the token is
deleted, since polling and a webhook exclude each other (Telegram refuses getUpdates while one
is set); that is logged. In webhook mode (WEBHOOK_URL) the webhook is set instead, once the web
app that receives it is up (``set_webhook``). No message ever holds the token, the webhook's
secret or a database password.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import tempfile
from collections.abc import Awaitable, Callable, Iterator
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import urlsplit

from pydantic import ValidationError

from yishitang.settings import SECRET_FIELDS, Settings, env_name

if TYPE_CHECKING:
    from telegram import Bot

    from storage.engine import DatabaseUnreachable

log = logging.getLogger(__name__)
T = TypeVar("T")
MAX_DELAY_S = 15.0


class ExitCode(IntEnum):
    """What `yishitang` exits with; README lists them (a test keeps the list whole)."""

    OK = 0
    UNEXPECTED = 1  # a bug: the traceback is logged
    CONFIG = 2  # a setting is missing or wrong (also: a wrong command line)
    TOKEN = 3  # Telegram rejected the token
    TELEGRAM = 4  # the Bot API cannot be reached, or is not a Bot API server
    DATABASE = 5  # the database cannot be reached or used
    DATA_DIR = 6  # DATA_DIR is not a writable directory
    INTERRUPTED = 130  # Ctrl-C before the bot was up


class StartupFailure(Exception):
    """One line for the operator and the exit code that goes with it."""

    def __init__(self, code: ExitCode, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def describe_invalid(error: ValidationError) -> str:
    """Pydantic's errors as one line: the variable, its value (never a secret's), what's wrong,
    and what would do."""
    fields = Settings.model_fields
    parts = []
    for item in error.errors():
        name = str(item["loc"][0]) if item["loc"] else ""
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] != "value_error" and name in fields:  # pydantic's words: add ours
            info = fields[name]
            default = info.get_default(call_default_factory=True)
            message = f"{message[:1].lower()}{message[1:]} ({info.description}; default {default})"
        shown = "" if name in SECRET_FIELDS else f"={item['input']!r}"
        parts.append(f"{env_name(name)}{shown}: {message}")
    return "configuration: " + "; ".join(parts)


def require_token(settings: Settings) -> str:
    if settings.telegram_token is None:
        raise StartupFailure(ExitCode.CONFIG, f"{env_name('telegram_token')} is not set: create "
                             "a bot with @BotFather (/newbot), then put its token in the "
                             "environment or in ./.env")
    return settings.telegram_token.get_secret_value()


def check_data_dir(path: Path) -> None:
    """DATA_DIR exists (made if need be) and a file can be written in it."""
    where = f"{env_name('data_dir')}={path}"
    if path.exists() and not path.is_dir():
        raise StartupFailure(ExitCode.DATA_DIR, f"{where} is a file, not a directory: point it "
                             "at a directory (it is made if missing)")
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".write-test-"):
            pass
    except OSError as exc:
        raise StartupFailure(ExitCode.DATA_DIR, f"{where} is not writable "
                             f"({exc.strerror or exc}): point it at a directory the bot's user "
                             "may write, or give that user the directory (chown)") from exc


def check_webhook(settings: Settings) -> None:
    """Webhook mode needs its secret and the web app that receives the updates."""
    if settings.webhook_url is None:
        return
    url = env_name("webhook_url")
    if settings.webhook_secret is None:
        raise StartupFailure(ExitCode.CONFIG, f"{url} is set but {env_name('webhook_secret')} "
                             "is not: give a secret of 1 to 256 letters, digits, _ and - "
                             "(e.g. `openssl rand -hex 32`); Telegram sends it with every "
                             "update, and anything without it is refused")
    if settings.web_port == 0:
        from portal.webhook import PATH

        raise StartupFailure(ExitCode.CONFIG, f"{url} is set but {env_name('web_port')}=0: "
                             "updates come in through the web app, so serve it (e.g. 8080) "
                             f"and pass {settings.webhook_url}{PATH} on to it; or "
                             f"unset {url} to poll")


async def set_webhook(settings: Settings, bot: Bot) -> None:
    """Webhook mode: Telegram posts the updates to WEBHOOK_URL from now on (those it holds are
    kept). A URL Telegram refuses is a configuration error."""
    from telegram.error import BadRequest

    from bot.poller import ALLOWED_UPDATES
    from portal.webhook import PATH

    assert settings.webhook_url is not None and settings.webhook_secret is not None
    url, secret = settings.webhook_url + PATH, settings.webhook_secret.get_secret_value()

    async def attempt() -> None:
        try:
            await bot.set_webhook(url=url, secret_token=secret, allowed_updates=ALLOWED_UPDATES,
                                  drop_pending_updates=False)
        except BadRequest as exc:
            raise StartupFailure(ExitCode.CONFIG, f"Telegram refused the webhook {url} "
                                 f"({_first_line(exc)}): {env_name('webhook_url')} must be a "
                                 "public HTTPS address on port 443, 80, 88 or 8443 (plain HTTP "
                                 "only with a self-hosted Bot API server in --local mode)"
                                 ) from None

    await with_telegram(settings, attempt)
    log.info("webhook mode: Telegram posts the updates to %s", url)


async def retrying(attempt: Callable[[], Awaitable[T]], *, attempts: int,
                   transient: Callable[[Exception], float | None], what: str) -> T:
    """``attempt()`` up to ``attempts`` times, 1, 2, 4… s apart (at most MAX_DELAY_S), while
    ``transient(error)`` says it may pass: None if not, else the least wait in seconds."""
    delay, number = 1.0, 1
    while True:
        try:
            return await attempt()
        except Exception as error:
            wait = transient(error)
            if wait is None or number >= attempts:
                raise
            delay = max(delay, wait)
            log.warning("cannot reach %s yet (%s); attempt %d of %d in %.0f s", what,
                        _first_line(error), number + 1, attempts, delay)
            await asyncio.sleep(delay)
            delay, number = min(delay * 2, MAX_DELAY_S), number + 1


def _first_line(error: BaseException) -> str:
    """The gist: a DatabaseUnreachable's reason, python-telegram-bot's message without the
    body it could not parse."""
    text = str(getattr(error, "reason", None) or error).strip().splitlines()
    return text[0].split(". Parsing the server response")[0] if text else type(error).__name__


async def reach_database(settings: Settings, *, known: bool = True) -> None:
    """The database answers, exists, and (``known``) is not at a revision this code does not
    know."""
    from storage.engine import DatabaseUnreachable, check_database, mask_url
    from storage.migrate import current_async, head, is_known

    url, shown = settings.db_url, mask_url(settings.db_url)

    def transient(error: Exception) -> float | None:
        return 0.0 if isinstance(error, DatabaseUnreachable) and error.transient else None

    attempts = settings.startup_attempts
    try:
        await retrying(lambda: check_database(url), attempts=attempts, transient=transient,
                       what=f"the database {shown}")
    except DatabaseUnreachable as exc:
        raise StartupFailure(ExitCode.DATABASE, _database_problem(exc, shown, attempts)) from exc
    revision = await current_async(url) if known else None
    if revision is not None and not is_known(revision):
        raise StartupFailure(ExitCode.DATABASE, f"the database {shown} is at schema revision "
                             f"{revision}, which this version does not know (its newest is "
                             f"{head()}): a newer version upgraded it; run that version, or "
                             "restore the backup taken before the upgrade")


def _database_problem(exc: DatabaseUnreachable, shown: str, attempts: int) -> str:
    reason = exc.reason.splitlines()[0]
    if exc.missing:
        return (f"the database {shown} does not exist ({reason}): create it (see README, "
                f"PostgreSQL) or correct {env_name('database_url')}")
    if exc.transient:
        return (f"cannot reach the database {shown} ({reason}) after {attempts} attempt(s): is "
                f"the server running and reachable from here? ({env_name('database_url')})")
    return (f"cannot use the database {shown} ({reason}): check the user, password and "
            f"database name in {env_name('database_url')}, or that the SQLite file's folder "
            "is writable")


async def reach_telegram(settings: Settings, token: str) -> str:
    """getMe (the token is accepted), then no webhook: returns the bot's username."""
    from telegram import Bot

    try:
        bot = Bot(token, base_url=settings.api_base_url, base_file_url=settings.file_base_url)
    except RuntimeError as exc:  # httpx read a SOCKS proxy from ALL_PROXY or HTTPS_PROXY
        if "socks" not in str(exc).lower():
            raise
        raise StartupFailure(ExitCode.CONFIG, "the proxy (ALL_PROXY or HTTPS_PROXY) is a SOCKS "
                             "proxy, which needs `pip install 'python-telegram-bot[socks]'`; "
                             "or give an HTTP proxy (http://host:port)") from None

    async def attempt() -> str:
        await bot.initialize()  # getMe
        if settings.webhook_url is None:
            await _no_webhook(bot)
        return bot.username

    try:
        return await with_telegram(settings, attempt)
    finally:
        await bot.shutdown()


async def with_telegram(settings: Settings, step: Callable[[], Awaitable[T]]) -> T:
    """``step()``, a call to the Bot API, tried again on a network error or a flood wait;
    what finally goes wrong becomes a StartupFailure (a bot starting up: getMe,
    setMyCommands)."""
    from telegram.error import InvalidToken, NetworkError, RetryAfter, TelegramError

    from bot.limits import retry_seconds

    root, token = settings.telegram_api_url, require_token(settings)

    def transient(error: Exception) -> float | None:
        if isinstance(error, RetryAfter):
            return retry_seconds(error)
        return 0.0 if isinstance(error, NetworkError) else None

    try:
        with _quiet(logging.getLogger("telegram.request")):  # its traceback of a non-JSON answer
            return await retrying(step, attempts=settings.startup_attempts,
                                  transient=transient, what=f"the Bot API at {root}")
    except InvalidToken as exc:  # its own text holds the token: only its cause is shown
        said = _first_line(exc.__cause__ or exc).replace(token, "<token>")
        raise _rejected(root, said) from None
    except NetworkError as exc:
        raise StartupFailure(ExitCode.TELEGRAM, f"cannot reach the Bot API at {root} "
                             f"({_first_line(exc).replace(token, '<token>')}) after "
                             f"{settings.startup_attempts} attempt(s): check the network or "
                             f"the proxy (HTTPS_PROXY), or {env_name('telegram_api_url')}"
                             ) from None
    except TelegramError as exc:
        raise StartupFailure(ExitCode.TELEGRAM, f"the Bot API at {root} answered "
                             f"{_first_line(exc).replace(token, '<token>')!r}: is "
                             f"{env_name('telegram_api_url')} the root of a Bot API server?"
                             ) from None


@contextlib.contextmanager
def _quiet(logger: logging.Logger) -> Iterator[None]:
    """``logger`` says nothing meanwhile: what went wrong becomes our one line."""
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def _rejected(root: str, said: str) -> StartupFailure:
    if "not found" in said.lower():  # a wrong URL (Telegram's answer to a malformed token too)
        return StartupFailure(ExitCode.TELEGRAM, f"{root} answered {said!r} for this bot: is "
                              f"{env_name('telegram_api_url')} a Bot API server's root? (and "
                              f"{env_name('telegram_token')} the token from @BotFather?)")
    return StartupFailure(ExitCode.TOKEN, f"Telegram rejected the bot token ({said}): copy "
                          f"the current token from @BotFather (/token) into "
                          f"{env_name('telegram_token')}; a revoked token stops working at once")


async def _no_webhook(bot: Bot) -> None:
    """`run` polls: a webhook left on the token (another deployment, an old setup) is deleted,
    with the updates Telegram holds kept for us."""
    info = await bot.get_webhook_info()
    if info.url:
        await bot.delete_webhook(drop_pending_updates=False)
        log.warning("deleted the webhook to %s that was set on this bot: `yishitang run` polls "
                    "for updates instead (%d pending updates kept)",
                    urlsplit(info.url).netloc or "?", info.pending_update_count)


async def preflight(settings: Settings) -> str:
    """Everything `run` needs from the outside world, or a StartupFailure; returns the bot's
    username."""
    token = require_token(settings)
    check_webhook(settings)
    check_data_dir(settings.data_dir)
    await reach_database(settings)
    return await reach_telegram(settings, token)
