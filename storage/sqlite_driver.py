"""aiosqlite under SQLAlchemy, with one trip to aiosqlite's thread per statement.

aiosqlite runs each call on its own thread; SQLAlchemy's adapter makes four calls for one
statement (open a cursor, execute, fetch the rows, close the cursor), and every trip costs a
thread hand-off and a wake-up of the event loop: most of the time of a short use case went
there. This adapter does the four in one function on that thread. Behaviour is the same:
same sqlite3 connection, same transaction, same rows, errors translated the same way.
It leans on SQLAlchemy's adapter classes (pinned <2.2 in pyproject); the storage tests run
every repository through it.
"""

from __future__ import annotations

import collections
import sqlite3
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT, await_only

Outcome = tuple[Any, list[Any], int, int | None]  # description, rows, rowcount, lastrowid


def _run(connection: sqlite3.Connection, operation: str, parameters: Any,
         many: bool = False, begin: str | None = None) -> Outcome:
    """On aiosqlite's thread: the statement, its rows and its counts, cursor closed; ``begin``
    first when the transaction it opens is still to be begun."""
    if begin is not None:
        connection.execute(begin)
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        rows = cursor.fetchall() if cursor.description else []
        return cursor.description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


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
            outcome: Outcome = await driver._execute(_run, driver._conn, operation, parameters,
                                                     many, begin)
            return outcome


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    """``begin``: a statement such as BEGIN IMMEDIATE, sent with the next statement (in its
    trip) rather than in a trip of its own."""

    __slots__ = ("begin",)
    _cursor_cls = OneTripCursor

    def __init__(self, dbapi: Any, connection: Any) -> None:
        super().__init__(dbapi, connection)
        self.begin: str | None = None

    def _idle(self) -> bool:
        """Nothing begun on the sqlite3 connection: commit and rollback have nothing to do
        (the pool rolls back every connection it gets back: most often there is nothing)."""
        self.begin = None  # a transaction that ran no statement was never begun
        driver: Any = self._connection
        return driver._connection is not None and not driver._conn.in_transaction

    def rollback(self) -> None:
        if not self._idle():
            super().rollback()

    def commit(self) -> None:
        if not self._idle():
            super().commit()


class OneTripDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """Pass as ``create_async_engine(..., module=OneTripDBAPI())``."""

    def __init__(self) -> None:
        super().__init__(aiosqlite, sqlite3)

    def connect(self, *arg: Any, **kw: Any) -> AsyncAdapt_aiosqlite_connection:
        stock = super().connect(*arg, **kw)
        return OneTripConnection(self, stock._connection)
