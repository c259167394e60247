"""Async engines for SQLite (aiosqlite) and PostgreSQL (asyncpg) from one database URL."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import event, text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine as AsyncEngine  # re-exported for the wiring
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

from storage.sqlite_driver import BUSY_TIMEOUT_MS, OneTripConnection, OneTripDBAPI

_ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
}

# PostgreSQL's pool, as SQLAlchemy's defaults (storage/writers.py leaves a few to readers)
POOL_SIZE, MAX_OVERFLOW, POOL_TIMEOUT_S = 5, 10, 30.0
# A connection's execution options for a transaction that only reads (storage/uow.py): on
# SQLite it begins DEFERRED (no write lock), on PostgreSQL READ ONLY (asyncpg's option)
READ_ONLY_OPTION = "yishitang_read_only"
READ_ONLY = {READ_ONLY_OPTION: True, "postgresql_readonly": True}
CHECK_TIMEOUT_S = 10.0


class DatabaseUnreachable(RuntimeError):
    """The database named by a URL cannot be reached (the message masks the password).

    ``reason`` is the driver's own words (``database "x" does not exist``); ``transient``
    says whether trying again may help (nothing answers yet, or the server is starting);
    ``missing``, that the server answered and the database does not exist.
    """

    def __init__(self, message: str, *, reason: str = "", transient: bool = False,
                 missing: bool = False) -> None:
        super().__init__(message)
        self.reason, self.transient, self.missing = reason or message, transient, missing


def async_url(url: str | URL) -> URL:
    """The URL with the async driver we use for its database (aiosqlite or asyncpg)."""
    parsed = make_url(url)
    driver = _ASYNC_DRIVERS.get(parsed.drivername)
    if driver is None:
        raise ValueError(
            f"unsupported database URL {mask_url(parsed)}: use sqlite:///path or postgresql://..."
        )
    return parsed.set(drivername=driver)


def check_url(url: str) -> None:
    """Raise ValueError, saying what would do, when ``url`` is not a database URL we use."""
    try:
        async_url(url)
    except ArgumentError as exc:
        raise ValueError(
            "not a database URL: use sqlite:///path/file.db or postgresql://user@host/db"
        ) from exc


def mask_url(url: str | URL) -> str:
    """The URL as text with its password replaced by ***, for messages and logs."""
    return make_url(url).render_as_string(hide_password=True)


def is_sqlite(url: str | URL) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_file(url: URL) -> Path | None:
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return None
    return Path(database)


def make_engine(url: str | URL, *, echo: bool = False, foreign_keys: bool = True) -> AsyncEngine:
    """An AsyncEngine for ``url``; plain ``sqlite://`` and ``postgresql://`` URLs are accepted.

    On SQLite every transaction starts with BEGIN IMMEDIATE, so concurrent writers queue on
    busy_timeout instead of failing when a read transaction tries to become a write one.
    ``foreign_keys=False`` is for migrations only: SQLite batch operations recreate tables, and
    with enforcement on, dropping the old table would cascade deletes into its children.
    """
    target = async_url(url)
    if target.get_backend_name() != "sqlite":
        return create_async_engine(target, echo=echo, pool_pre_ping=True, pool_size=POOL_SIZE,
                                   max_overflow=MAX_OVERFLOW, pool_timeout=POOL_TIMEOUT_S)
    path = _sqlite_file(target)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(target, echo=echo, module=OneTripDBAPI())
    _configure_sqlite(engine, foreign_keys=foreign_keys)
    return engine


def _configure_sqlite(engine: AsyncEngine, *, foreign_keys: bool) -> None:
    # SQLAlchemy's documented recipe: the driver stops emitting BEGIN itself, we emit our own.
    def on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        finally:
            cursor.close()

    def on_begin(connection: Connection) -> None:
        # Sent with the transaction's first statement, in the same trip to aiosqlite's thread
        # (storage/sqlite_driver.py): the transaction begins right before its first statement,
        # as it would anyway, without a trip of its own. A reader's begins DEFERRED: it reads
        # one snapshot (WAL) without the write lock.
        dbapi_connection = connection.connection.dbapi_connection
        assert isinstance(dbapi_connection, OneTripConnection)
        reading = connection.get_execution_options().get(READ_ONLY_OPTION, False)
        dbapi_connection.begin = "BEGIN" if reading else "BEGIN IMMEDIATE"
        dbapi_connection.writing = not reading

    event.listen(engine.sync_engine, "connect", on_connect)
    event.listen(engine.sync_engine, "begin", on_begin)


async def check_database(url: str | URL) -> None:
    """Connect once and run ``SELECT 1``; raise DatabaseUnreachable naming the URL if not.

    Gives up after CHECK_TIMEOUT_S (a silently dropping firewall would otherwise hold us for
    the driver's own, much longer, connect timeout).
    """
    engine: AsyncEngine | None = None
    try:
        engine = make_engine(url)
        async with asyncio.timeout(CHECK_TIMEOUT_S), engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as exc:  # OS, driver and SQLAlchemy errors alike; the cause stays chained
        root = _root_cause(exc)
        reason = f"{type(root).__name__}: {root}".strip()
        raise DatabaseUnreachable(
            f"database {mask_url(url)} is unreachable ({reason})", reason=reason,
            transient=isinstance(root, _TRANSIENT),
            missing=isinstance(root, asyncpg.InvalidCatalogNameError)) from exc
    finally:
        if engine is not None:
            await engine.dispose()


# Nothing answers yet (refused, name not resolvable yet, silence), or the server is starting.
_TRANSIENT = (ConnectionError, socket.gaierror, TimeoutError, asyncpg.CannotConnectNowError)


def _root_cause(exc: BaseException) -> BaseException:
    """The driver's own error under SQLAlchemy's wrappers (DBAPIError.orig, __cause__)."""
    seen = {id(exc)}
    while (inner := exc.__cause__ or getattr(exc, "orig", None)) is not None:
        if id(inner) in seen or not isinstance(inner, BaseException):
            break
        seen.add(id(inner))
        exc = inner
    return exc
