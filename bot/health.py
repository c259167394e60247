"""The bot's own health: when it last reached the database and Telegram, and since when the
database has been out of reach, kept in memory and written to ``DATA_DIR/health.json`` for
`yishitang health` (a container's health check runs as another process).

A database outage (SQLite locked by another process beyond busy_timeout, PostgreSQL gone) is
waited out, not let stop the bot: the loops that touch the database (poller, timekeeper,
scribe) retry with ``Backoff`` and report here, which logs once when an outage begins
(warning) and once when it ends (info). Which errors are outages is storage's to say
(storage/availability.py); the composition root passes that test in as ``unavailable``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")
HEALTH_FILE = "health.json"
WRITE_EVERY_S = 5.0  # the file is rewritten at most this often, and at once when an outage
#                      begins or ends


def never(_error: BaseException) -> bool:
    return False


class Backoff:
    """Waits between retries: ``first`` seconds, doubling up to ``most``, until reset."""

    def __init__(self, first: float = 0.5, most: float = 30.0) -> None:
        self._first, self._most = first, most
        self._next = first

    def next(self) -> float:
        wait, self._next = self._next, min(self._next * 2, self._most)
        return wait

    def reset(self) -> None:
        self._next = self._first


class Health:
    """What the process knows of itself; ``path`` None keeps it in memory only (tests)."""

    def __init__(self, path: Path | None = None, *,
                 unavailable: Callable[[BaseException], bool] = never,
                 every_s: float = WRITE_EVERY_S, now: Callable[[], float] = time.time) -> None:
        self.path, self._unavailable, self._every_s, self._now = path, unavailable, every_s, now
        self.last_database_ok: float | None = None
        self.last_poll: float | None = None
        self.down_since: float | None = None
        self.error: str | None = None
        self._written_at: float | None = None
        self._write_failed = False
        self._watchers: set[asyncio.Event] = set()

    def unavailable(self, error: BaseException) -> bool:
        """Whether ``error`` is a database outage, to be waited out."""
        return self._unavailable(error)

    @property
    def healthy(self) -> bool:
        return self.down_since is None

    def database_down(self, error: BaseException, where: str) -> None:
        if self.down_since is None:
            self.down_since, self.error = self._now(), describe(error)
            log.warning("the database is unavailable (%s, seen by the %s): retrying until it "
                        "is back", self.error, where)
            self._write(force=True)
        else:
            self._write()

    def database_up(self) -> None:
        self.last_database_ok = self._now()
        if self.down_since is not None:
            log.info("the database is available again, after %.1f s",
                     self.last_database_ok - self.down_since)
            self.down_since = self.error = None
            self._write(force=True)
        else:
            self._write()

    def polled(self) -> None:
        """getUpdates answered."""
        self.last_poll = self._now()
        self._write()

    def as_json(self) -> dict[str, Any]:
        return {"healthy": self.healthy, "pid": os.getpid(), "written_at": _iso(self._now()),
                "last_database_ok": _iso(self.last_database_ok),
                "last_poll": _iso(self.last_poll),
                "database_down_since": _iso(self.down_since), "database_error": self.error}

    def _write(self, *, force: bool = False) -> None:
        now = self._now()
        if self.path is None or (not force and self._written_at is not None \
                and now - self._written_at < self._every_s):
            return
        self._written_at = now
        partial = self.path.with_name(self.path.name + ".tmp")
        try:
            partial.write_text(json.dumps(self.as_json(), indent=1) + "\n", encoding="utf-8")
            os.replace(partial, self.path)  # a reader never sees half a file
            for watcher in self._watchers:
                watcher.set()
        except OSError as error:  # a full disk must not stop the bot; it will look unhealthy
            if not self._write_failed:
                log.warning("cannot write %s: %s", self.path, error)
                self._write_failed = True


async def written_until(health: Health, condition: Callable[[], bool],
                        timeout: float) -> bool:  # noqa: ASYNC109
    """Wait, woken by each write of the health file, until ``condition`` holds (for whoever
    reads that file, e.g. tests); False if ``timeout`` passed first."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    written = asyncio.Event()
    health._watchers.add(written)
    try:
        while not condition():
            left = deadline - loop.time()
            if left <= 0:
                return False
            written.clear()
            try:
                await asyncio.wait_for(written.wait(), left)
            except TimeoutError:
                return condition()
        return True
    finally:
        health._watchers.discard(written)


async def until_available(health: Health, where: str, attempt: Callable[[], Awaitable[T]],
                          backoff: Backoff | None = None) -> T:
    """``attempt()`` until it does not fail for a database outage (it must open its own unit
    of work each time). Other errors pass."""
    backoff = backoff or Backoff()
    while True:
        try:
            result = await attempt()
        except Exception as error:
            if not health.unavailable(error):
                raise
            health.database_down(error, where)
            await asyncio.sleep(backoff.next())  # a pause before retrying, not synchronisation
            continue
        health.database_up()
        return result


def describe(error: BaseException) -> str:
    """The driver's own words, one line, without the statement or its parameters (which may
    hold people's messages)."""
    inner = getattr(error, "orig", None)
    shown = inner if isinstance(inner, BaseException) else error
    words = str(shown).strip().splitlines()
    return f"{type(shown).__name__}: {words[0][:200] if words else ''}".rstrip(": ")


def health_problem(path: Path, now: float) -> str | None:
    """None when ``path`` says the database is reachable (or does not exist: whether the bot
    runs at all is the heartbeat's to say), else what is wrong."""
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
        since = state.get("database_down_since")
        down_for = now - datetime.fromisoformat(since).timestamp() if since else None
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError, AttributeError) as error:
        return f"cannot read {path}: {error}"
    if down_for is None:
        return None
    return (f"the database has been unavailable for {max(down_for, 0):.0f} s "
            f"({state.get('database_error')})")


def _iso(moment: float | None) -> str | None:
    return None if moment is None else datetime.fromtimestamp(moment, UTC).isoformat()
