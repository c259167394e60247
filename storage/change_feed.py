"""Changes committed by any process, told to the others: PostgreSQL's LISTEN/NOTIFY.

Every commit of a unit of work on PostgreSQL sends ``NOTIFY`` on ``CHANNEL`` inside its own
transaction (``announce``, called by storage/uow.py and storage/shared.py), so the notice is
delivered only if the commit is, and a transaction's identical notices arrive once. A
``ChangeListener`` holds one connection of its own that LISTENs, and calls its callback for
every notice: a web process that is not the bot's wakes its live pages (portal/notifier.py)
without waiting for their poll. SQLite has no such thing; its pages keep polling.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import asyncpg
from sqlalchemy import func, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.engine import is_sqlite, mask_url

log = logging.getLogger(__name__)

CHANNEL = "yishitang_changes"
_NOTIFY = text("SELECT pg_notify(:channel, :payload)")
_SENT = "yishitang_announced"  # connection.info: the transaction that has sent its NOTIFY


async def announce(connection: AsyncConnection, payload: str = "") -> None:
    """NOTIFY the listeners, delivered when (and if) the connection's transaction commits;
    the plain notice once per transaction (PostgreSQL would deliver it once anyway). Where
    in the transaction it is sent changes nothing: a writer may send it before it takes a
    lock (storage/web_repository.py), so that it holds the lock one trip less long."""
    if connection.dialect.name != "postgresql":
        return
    sync = connection.sync_connection
    begun = sync.get_transaction() if sync is not None else None
    if payload == "" and begun is not None and connection.info.get(_SENT) is begun:
        return
    await connection.execute(_NOTIFY, {"channel": CHANNEL, "payload": payload})
    if payload == "" and sync is not None:
        connection.info[_SENT] = sync.get_transaction()


# The same NOTIFY as a column of a statement the transaction makes anyway (a writer's lock of
# the session, storage/web_repository.py): one trip less; ``announced`` records it.
NOTIFY_COLUMN = func.pg_notify(CHANNEL, "").label("announced")


def announced(connection: AsyncConnection) -> None:
    """The connection's transaction has sent its plain NOTIFY (by ``NOTIFY_COLUMN``)."""
    sync = connection.sync_connection
    if sync is not None:
        connection.info[_SENT] = sync.get_transaction()


def _dsn(url: str | URL) -> str:
    """The URL as asyncpg takes it (no SQLAlchemy driver name)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class ChangeListener:
    """LISTEN on a dedicated connection, and reconnect with backoff when it drops.

    ``on_change(payload)`` is called for each notice, and once after every (re)connection:
    what was committed while nobody listened must be looked at too.
    """

    def __init__(self, url: str | URL, on_change: Callable[[str], None], *,
                 backoff_s: tuple[float, float] = (0.5, 30.0), check_s: float = 30.0,
                 channel: str = CHANNEL) -> None:
        self._dsn, self._shown = _dsn(url), mask_url(url)
        self._on_change = on_change
        self._first_s, self._max_s = backoff_s
        self._check_s = check_s  # a silent network drop shows only when we ask something
        self._channel = channel
        self._connection: asyncpg.Connection | None = None
        self._connected = asyncio.Condition()
        self.connections = 0  # how many times it has started listening

    @property
    def pid(self) -> int | None:
        """The server process of the listening connection (None while there is none)."""
        connection = self._connection
        return None if connection is None or connection.is_closed() else int(
            connection.get_server_pid())

    async def wait_listening(self, after: int = 0) -> int:
        """Until it listens on a connection later than its ``after``-th; that number."""
        async with self._connected:
            await self._connected.wait_for(lambda: self.connections > after)
            return self.connections

    async def run(self) -> None:
        """Listen until cancelled (the connection is closed then)."""
        delay = 0.0
        while True:
            try:
                await self._listen()
                delay = 0.0  # it had listened: the next attempt at once
            except (OSError, TimeoutError, asyncpg.PostgresError,
                    asyncpg.InterfaceError) as error:
                log.warning("change listener on %s: %s; again in %.1f s", self._shown,
                            error, delay)
            except Exception:  # never give up: the pages fall back on their poll meanwhile
                log.exception("change listener on %s failed; again in %.1f s", self._shown,
                              delay)
            await asyncio.sleep(delay)
            delay = min(max(delay * 2, self._first_s), self._max_s)

    async def _listen(self) -> None:
        lost = asyncio.Event()
        connection = await asyncpg.connect(self._dsn, timeout=10)
        self._connection = connection
        try:
            connection.add_termination_listener(lambda _c: lost.set())
            await connection.add_listener(self._channel, self._notified)
            async with self._connected:
                self.connections += 1
                self._connected.notify_all()
            self._on_change("")  # catch up with what was committed while nobody listened
            await self._until_lost(connection, lost)
            log.warning("change listener on %s: connection lost", self._shown)
        finally:
            self._connection = None
            await asyncio.shield(self._close(connection))

    async def _until_lost(self, connection: asyncpg.Connection, lost: asyncio.Event) -> None:
        while not lost.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(lost.wait(), self._check_s)
                return
            await connection.fetchval("SELECT 1", timeout=10)  # raises when it is gone

    def _notified(self, _connection: Any, _pid: int, _channel: str, payload: str) -> None:
        self._on_change(payload)

    @staticmethod
    async def _close(connection: asyncpg.Connection) -> None:
        try:
            await connection.close(timeout=5)
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError):
            connection.terminate()


@contextlib.asynccontextmanager
async def listening(url: str | URL,
                    on_change: Callable[[], None]) -> AsyncIterator[ChangeListener | None]:
    """A ChangeListener running for the block on PostgreSQL (None on SQLite), stopped and its
    connection closed at the end."""
    if is_sqlite(url):
        yield None
        return
    listener = ChangeListener(url, lambda _payload: on_change())
    task = asyncio.create_task(listener.run(), name="change-listener")
    try:
        yield listener
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
