"""aiosqlite under SQLAlchemy, with as few trips to aiosqlite's thread as a transaction needs.

aiosqlite runs each call on its own thread; SQLAlchemy's adapter makes four calls for one
statement (open a cursor, execute, fetch the rows, close the cursor), and every trip costs a
thread hand-off and a wake-up of the event loop: most of the time of a short use case went
there. This adapter does the four in one function on that thread. Behaviour is the same:
same sqlite3 connection, same transaction, same rows, errors translated the same way.
It leans on SQLAlchemy's adapter classes (pinned <2.2 in pyproject); the storage tests run
every repository through it.

A writer's transaction (BEGIN IMMEDIATE: a bot update's, a use case's) runs on the event
loop: it begins there when that needs no wait (busy_timeout 0; else it begins on the thread,
which waits for the other process's lock), its statements follow there, and its COMMIT goes
to the thread (a checkpoint may write the database file). A reader's transaction, which may
be long (a report, an export), and what runs inside ``on_thread(...)`` (a prune) stay on the
thread, where sqlite3 lets the loop go on while SQLite works.

Statements whose outcome nobody reads go with the next trip instead of one of their own:
the SAVEPOINT / RELEASE / ROLLBACK TO of SQLAlchemy's nested transactions (a bot update's
units of work, storage/shared.py) always, and any statement run inside ``deferred(...)``
(what an update owes and its mark, written right before its commit). They run on the same
connection in the order they were issued, before the next statement or with the COMMIT;
a rollback drops them with everything else. A savepoint's error surfaces with the statement
it went with; a deferred write must be followed by the COMMIT (a statement in between is
refused), so its error is the COMMIT's, which then undoes the whole transaction.
"""

from __future__ import annotations

import collections
import contextlib
import sqlite3
from collections.abc import Iterator
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.util import EMPTY_DICT, await_only

Outcome = tuple[Any, list[Any], int, int | None]  # description, rows, rowcount, lastrowid
Pending = list[tuple[str, Any, bool]]  # operation, parameters, many
NO_OUTCOME: Outcome = (None, [], -1, None)
BUSY_TIMEOUT_MS = 5000  # how long a statement waits for another process's lock
_CONTROL = ("SAVEPOINT ", "RELEASE SAVEPOINT ", "ROLLBACK TO SAVEPOINT ")
_NO_EFFECT = ("SAVEPOINT ", "RELEASE SAVEPOINT ")  # before COMMIT, alone: nothing to do


def _execute(on: sqlite3.Connection | sqlite3.Cursor, operation: str, parameters: Any,
             many: bool) -> None:
    if many:
        on.executemany(operation, parameters)
    elif parameters is None:
        on.execute(operation)
    else:
        on.execute(operation, parameters)


def _before(connection: sqlite3.Connection, begin: str | None, pending: Pending) -> None:
    if begin is not None:
        connection.execute(begin)
    for operation, parameters, many in pending:
        _execute(connection, operation, parameters, many)


def _run(connection: sqlite3.Connection, operation: str, parameters: Any,
         many: bool = False, begin: str | None = None, pending: Pending | None = None
         ) -> Outcome:
    """The statement, its rows and its counts, cursor closed (on aiosqlite's thread, or on the
    event loop inside a begun transaction); ``begin`` first when the transaction it opens is
    still to be begun, then the deferred statements."""
    _before(connection, begin, pending or [])
    cursor = connection.cursor()
    try:
        _execute(cursor, operation, parameters, many)
        rows = cursor.fetchall() if cursor.description else []
        return cursor.description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


class _Busy(Exception):
    """The transaction could not begin without waiting: nothing was done."""


def _begin_here(connection: sqlite3.Connection, operation: str, parameters: Any, many: bool,
                begin: str, pending: Pending) -> Outcome:
    """On the event loop: begin and run the first statement if that needs no wait (no other
    process holds the lock: the bot's own writers take turns at the gate, storage/sqlite_gate.py),
    else raise _Busy having done nothing, to begin on the thread, where waiting blocks nobody."""
    connection.execute("PRAGMA busy_timeout=0")
    try:
        try:
            connection.execute(begin)
        except sqlite3.OperationalError as error:
            if not _is_busy(error):
                raise
            raise _Busy from error
        try:  # a reader's lock is taken by its first read: that too without waiting
            return _run(connection, operation, parameters, many, None, pending)
        except sqlite3.OperationalError as error:
            if not _is_busy(error):
                raise
            connection.rollback()  # nothing of it ran
            raise _Busy from error
    finally:
        connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def _is_busy(error: sqlite3.OperationalError) -> bool:
    return getattr(error, "sqlite_errorcode", None) in (sqlite3.SQLITE_BUSY, 517) or \
        "locked" in str(error)


def _commit(connection: sqlite3.Connection, begin: str | None, pending: Pending) -> None:
    """On aiosqlite's thread: the deferred statements, then COMMIT. If one fails, the
    transaction is rolled back before the error is raised: nothing of it stays, and the
    connection is ready for the next."""
    try:
        _before(connection, begin, pending)
    except BaseException:
        if connection.in_transaction:
            connection.rollback()
        raise
    connection.commit()


async def _nothing() -> None:
    return None


@contextlib.contextmanager
def deferred(connection: AsyncConnection) -> Iterator[None]:
    """Statements executed inside go with the next trip (see the module's docstring): for
    writes whose outcome (row count, new id) the caller does not read. Elsewhere than on this
    adapter (PostgreSQL) they run as usual."""
    raw = _adapter(connection)
    if raw is None:
        yield
        return
    raw.deferring += 1
    try:
        yield
    finally:
        raw.deferring -= 1


@contextlib.contextmanager
def on_thread(connection: AsyncConnection) -> Iterator[None]:
    """Statements executed inside run on aiosqlite's thread even in a writer's transaction:
    for the long ones (a prune of thousands of rows), during which the event loop goes on.
    Elsewhere than on this adapter they run as usual."""
    raw = _adapter(connection)
    if raw is None:
        yield
        return
    raw.on_thread += 1
    try:
        yield
    finally:
        raw.on_thread -= 1


def _adapter(connection: AsyncConnection) -> OneTripConnection | None:
    sync = connection.sync_connection
    raw = sync.connection.dbapi_connection if sync is not None else None
    return raw if isinstance(raw, OneTripConnection) else None


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    """A cursor that holds what its one trip brought back; it has no aiosqlite cursor."""

    __slots__ = ("_arraysize", "_outcome")

    def __init__(self, adapt_connection: Any) -> None:  # no cursor of its own to open
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._outcome: Outcome = (None, [], -1, None)
        self._arraysize = 1  # sqlite3's default

    @property
    def arraysize(self) -> int:
        return self._arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._arraysize = value

    def nextset(self) -> None:
        return None  # sqlite3 has one result set per statement

    def setinputsizes(self, *inputsizes: Any) -> None:
        return None

    @property
    def description(self) -> Any:
        return self._outcome[0]

    @property
    def rowcount(self) -> int:
        return self._outcome[2]

    @property
    def lastrowid(self) -> Any:
        return self._outcome[3]

    async def _async_soft_close(self) -> None:
        return None  # the rows are fetched and the sqlite3 cursor closed already

    def close(self) -> None:
        self._rows.clear()

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        return self._trip(operation, parameters, many=False)

    def executemany(self, operation: Any, seq_of_parameters: Any) -> Any:
        return self._trip(operation, seq_of_parameters, many=True)

    def _trip(self, operation: Any, parameters: Any, *, many: bool) -> None:
        connection = self._adapt_connection
        assert isinstance(connection, OneTripConnection)
        control = isinstance(operation, str) and operation.startswith(_CONTROL)
        if not (connection.deferring or control) and any(
                not queued.startswith(_CONTROL) for queued, _, _ in connection.pending):
            # its error would be blamed on this statement, and what came after it dropped
            raise RuntimeError("deferred writes go with the COMMIT: nothing may run between")
        if connection.deferring or control:
            connection.pending.append((operation, parameters, many))
            self._outcome = NO_OUTCOME
            self._rows = collections.deque()
            await_only(_nothing())  # SQLAlchemy's async API insists a statement awaits
            return
        try:
            self._outcome = await_only(self._in_thread(operation, parameters, many))
        except Exception as error:
            self._adapt_connection._handle_exception(error)
        self._rows = collections.deque(self._outcome[1])

    async def _in_thread(self, operation: Any, parameters: Any, many: bool) -> Outcome:
        driver: Any = self._connection  # an aiosqlite.Connection: _execute runs on its thread
        connection = self._adapt_connection
        assert isinstance(connection, OneTripConnection)
        async with connection._execute_mutex:
            begin, connection.begin = connection.begin, None
            pending, connection.pending = connection.pending, []
            here = connection.writing and not connection.on_thread
            if here and begin is None and driver._conn.in_transaction:
                return _run(driver._conn, operation, parameters, many, None, pending)
            if here and begin is not None and not driver._conn.in_transaction:
                try:
                    return _begin_here(driver._conn, operation, parameters, many, begin,
                                       pending)
                except _Busy:
                    pass  # another process holds the lock: wait for it on the thread
            outcome: Outcome = await driver._execute(_run, driver._conn, operation, parameters,
                                                     many, begin, pending)
            return outcome


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    """``begin``: a statement such as BEGIN IMMEDIATE, sent with the next statement (in its
    trip) rather than in a trip of its own; ``pending``: the deferred statements, likewise;
    ``deferring``: inside ``deferred(...)`` (a depth)."""

    __slots__ = ("begin", "deferring", "on_thread", "pending", "writing")
    _cursor_cls = OneTripCursor

    def __init__(self, dbapi: Any, connection: Any) -> None:
        super().__init__(dbapi, connection)
        self.begin: str | None = None
        self.pending: Pending = []
        self.deferring = 0
        self.writing = False  # the transaction begins (or began) IMMEDIATE: a writer's
        self.on_thread = 0  # inside on_thread(...) (a depth)

    def _idle(self) -> bool:
        """Nothing begun on the sqlite3 connection: commit and rollback have nothing to do
        (the pool rolls back every connection it gets back: most often there is nothing)."""
        self.begin = None  # a transaction that ran no statement was never begun
        driver: Any = self._connection
        return driver._connection is not None and not driver._conn.in_transaction

    def rollback(self) -> None:
        self.pending = []  # undone with the rest, never run
        if not self._idle():
            super().rollback()

    def commit(self) -> None:
        pending, self.pending = self.pending, []
        if any(not operation.startswith(_NO_EFFECT) for operation, _, _ in pending):
            # a deferred write or ROLLBACK TO: they and COMMIT, in one trip
            begin, self.begin = self.begin, None
            driver: Any = self._connection
            try:
                await_only(driver._execute(_commit, driver._conn, begin, pending))
            except Exception as error:
                self._handle_exception(error)
            return
        # savepoints alone: with no statement between them they did nothing; otherwise the
        # statements since ran them (nothing is pending behind a statement that ran)
        if not self._idle():
            super().commit()


class OneTripDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """Pass as ``create_async_engine(..., module=OneTripDBAPI())``."""

    def __init__(self) -> None:
        super().__init__(aiosqlite, sqlite3)

    def connect(self, *arg: Any, **kw: Any) -> AsyncAdapt_aiosqlite_connection:
        stock = super().connect(*arg, **{**kw, "check_same_thread": False})
        return OneTripConnection(self, stock._connection)
