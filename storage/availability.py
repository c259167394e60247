"""Whether a database error means "out of reach for now": the same work may pass later.

Two kinds of outage are waited out rather than let stop the bot:

* SQLite: another process holds the write lock for longer than ``busy_timeout``
  (``database is locked``: SQLITE_BUSY, SQLITE_LOCKED);
* PostgreSQL: the connection dropped or cannot be made (refused, reset, name not resolvable
  yet, server starting or shutting down, connection terminated), which SQLAlchemy reports as
  an error whose connection it invalidated, or as the driver's or the socket's own error.

Only SQLAlchemy's wrappers and the driver's errors are looked into, never an arbitrary
``__cause__``: a Telegram NetworkError caused by a refused socket is not a database outage.
"""

from __future__ import annotations

import errno
import socket
import sqlite3

import asyncpg
from sqlalchemy.exc import DBAPIError

_SQLITE_BUSY = ("SQLITE_BUSY", "SQLITE_LOCKED")  # and their extended codes (SQLITE_BUSY_...)
_NETWORK_ERRNOS = frozenset({errno.ECONNREFUSED, errno.ECONNRESET, errno.ECONNABORTED,
                             errno.EHOSTUNREACH, errno.ENETUNREACH, errno.ETIMEDOUT, errno.EPIPE})
_POSTGRES_GONE = (
    asyncpg.PostgresConnectionError,  # ConnectionDoesNotExistError, too many connections...
    asyncpg.CannotConnectNowError,  # the database system is starting up
    asyncpg.AdminShutdownError,  # terminating connection due to administrator command
    asyncpg.CrashShutdownError,
    asyncpg.IdleSessionTimeoutError,
)


def unavailable(error: BaseException) -> bool:
    """True when ``error`` says the database cannot be used right now (see the module)."""
    if isinstance(error, DBAPIError):
        if error.connection_invalidated:
            return True
        return any(_driver_says_unavailable(e) for e in _driver_chain(error.orig))
    return _driver_says_unavailable(error)


def _driver_chain(error: BaseException | None) -> list[BaseException]:
    """The driver's error and what caused it (SQLAlchemy's asyncpg adapter wraps asyncpg's
    own error in one of its classes)."""
    chain: list[BaseException] = []
    while error is not None and len(chain) < 4:
        chain.append(error)
        error = error.__cause__
    return chain


def _driver_says_unavailable(error: BaseException) -> bool:
    if isinstance(error, sqlite3.OperationalError):
        name = getattr(error, "sqlite_errorname", "")
        return name.startswith(_SQLITE_BUSY) or str(error) in (
            "database is locked", "database table is locked")
    if isinstance(error, _POSTGRES_GONE):
        return True
    if isinstance(error, ConnectionError | socket.gaierror | TimeoutError):
        return True
    return isinstance(error, OSError) and error.errno in _NETWORK_ERRNOS
