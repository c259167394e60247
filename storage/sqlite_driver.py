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
         many: bool = False) -> Outcome:
    """On aiosqlite's thread: the statement, its rows and its counts, cursor closed."""
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
    __slots__ = ("_outcome",)

    def __init__(self, adapt_connection: Any) -> None:  # no cursor of its own to open
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._outcome: Outcome = (None, [], -1, None)

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
        async with self._adapt_connection._execute_mutex:
            outcome: Outcome = await driver._execute(_run, driver._conn, operation, parameters,
                                                     many)
            return outcome


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = OneTripCursor


class OneTripDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """Pass as ``create_async_engine(..., module=OneTripDBAPI())``."""

    def __init__(self) -> None:
        super().__init__(aiosqlite, sqlite3)

    def connect(self, *arg: Any, **kw: Any) -> AsyncAdapt_aiosqlite_connection:
        stock = super().connect(*arg, **kw)
        return OneTripConnection(self, stock._connection)
