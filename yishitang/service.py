"""What a deployment runs around the bot: `yishitang --version`, `yishitang prepare-model`
(an image assembles the Whisper model at build time) and `yishitang health` (a container's or
a supervisor's health check).

The bot proves it is alive by a heartbeat: the poller touches ``DATA_DIR/heartbeat`` after
every getUpdates that succeeded, which happens at least every POLL_TIMEOUT seconds while
Telegram answers. A file, not a port, because the bot serves nothing over HTTP (long polling)
and a container's health check runs as a separate process. Beside it, ``DATA_DIR/health.json``
(bot/health.py) says whether the database is reachable: during an outage (SQLite locked by
another process, PostgreSQL gone) the bot waits and retries, and is unhealthy meanwhile.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
import urllib.error
import urllib.request
from importlib import metadata
from pathlib import Path

from bot.health import HEALTH_FILE, health_problem
from yishitang.settings import Settings

log = logging.getLogger(__name__)
HEARTBEAT = "heartbeat"
DEFAULT_MAX_AGE_S = 180.0  # a long poll lasts at most 50 s; Telegram's hiccups heal in minutes


def version() -> str:
    try:
        return metadata.version("yishitang")
    except metadata.PackageNotFoundError:
        return "unknown (not installed: pip install -e .)"


def heartbeat_path(settings: Settings) -> Path:
    return settings.data_dir / HEARTBEAT


class Heartbeat:
    """The poller's ``on_poll``: touches the file; a failure is logged once, never raised (a
    full disk must not stop the bot, it makes it look unhealthy)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._warned = False

    def __call__(self) -> None:
        try:
            self.path.touch()
        except OSError as error:
            if not self._warned:
                log.warning("cannot write the heartbeat %s: %s", self.path, error)
                self._warned = True


def heartbeat_problem(path: Path, max_age_s: float, now: float) -> str | None:
    """None when ``path`` was touched within ``max_age_s`` of ``now``, else what is wrong."""
    try:
        age = now - path.stat().st_mtime
    except FileNotFoundError:
        return f"no heartbeat at {path}: the bot has not polled Telegram yet (or never ran here)"
    except OSError as error:
        return f"cannot read the heartbeat {path}: {error.strerror or error}"
    if age > max_age_s:
        return f"the bot last polled Telegram {age:.0f} s ago (more than {max_age_s:.0f} s)"
    return None


def url_problem(url: str, timeout_s: float = 5.0) -> str | None:
    """None when ``url`` answers 200 (asr-serve's /health), else what went wrong."""
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:
            status = int(response.status)
    except urllib.error.HTTPError as error:
        status = error.code
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        return f"{url} does not answer: {reason}"
    return None if status == 200 else f"{url} answered {status}"


def add_parsers(parser: argparse.ArgumentParser,
                commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser.add_argument("--version", action="version", version=f"yishitang {version()}")
    commands.add_parser(
        "prepare-model", help="assemble (or download) the model of YISHITANG_WHISPER_MODEL into "
                              "MODEL_CACHE_DIR, check it, and print its folder")
    health = commands.add_parser(
        "health", help="exit 0 when the bot polled Telegram within --max-age seconds (its "
                       "heartbeat in DATA_DIR) and reaches its database (DATA_DIR/health.json), "
                       "or when --url answers 200; else print why, exit 1")
    health.add_argument("--max-age", type=float, default=DEFAULT_MAX_AGE_S, metavar="SECONDS")
    health.add_argument("--url", help="check this URL instead, e.g. asr-serve's "
                                      "http://127.0.0.1:8090/health")


def run(settings: Settings, args: argparse.Namespace) -> int:
    if args.command == "prepare-model":
        return _prepare_model(settings)
    if args.url:
        problem = url_problem(args.url)
    else:
        now = time.time()
        problem = health_problem(settings.data_dir / HEALTH_FILE, now) or heartbeat_problem(
            heartbeat_path(settings), args.max_age, now)
    if problem:
        print(f"unhealthy: {problem}", file=sys.stderr)
        return 1
    print("healthy")
    return 0


def _prepare_model(settings: Settings) -> int:
    from transcripts.model_files import ModelUnavailable, resolve_model

    try:
        settings.models_dir.mkdir(parents=True, exist_ok=True)
        resolved = resolve_model(settings.whisper_model, settings.models_dir)
    except (ModelUnavailable, OSError) as error:
        print(f"cannot prepare the Whisper model: {error}", file=sys.stderr)
        return 2
    print(resolved.path)
    return 0
