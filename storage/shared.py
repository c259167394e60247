"""One transaction for everything a bot update (or a timer tick) does: its use cases, the
messages it owes (the outbox) and the mark that it was handled commit together, or none of it.

Inside ``async with SharedTransaction(engine) as shared:`` every unit of work opened on the
same engine joins the shared connection as a SAVEPOINT: its ``commit()`` releases the
savepoint, leaving without committing rolls back to it (a refused use case changes nothing,
as alone). Nothing is durable until ``shared.commit()``; what the units of work would have
announced at their commit (``after_commit``) is announced then.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable
from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage.change_feed import announce

_CURRENT: contextvars.ContextVar[SharedTransaction | None] = contextvars.ContextVar(
    "shared_transaction", default=None)


class SharedTransaction:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._connection: AsyncConnection | None = None
        self._token: contextvars.Token[SharedTransaction | None] | None = None
        self._after: list[Callable[[], None]] = []
        self.committed = False
        self.open_units = 0  # units of work inside it not left yet (their savepoints)
        self.changed = False  # a unit of work committed in it: NOTIFY with the commit
        # the update it marks processed itself when it commits (storage/outbox.py: write):
        # its units of work, whose key is that update, leave the mark to it
        self.marks: int | None = None

    async def __aenter__(self) -> Self:
        if _CURRENT.get() is not None:
            raise RuntimeError("a shared transaction is already open in this context")
        connection = await self.engine.connect().start()
        try:
            await connection.begin()
        except BaseException:  # cancelled or failed before it was ours to close on exit
            await asyncio.shield(connection.close())
            raise
        self._connection = connection
        self._token = _CURRENT.set(self)
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._token is not None:
            _CURRENT.reset(self._token)
            self._token = None
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            if not self.committed:
                await connection.rollback()
        finally:
            if connection.in_transaction() or connection.dialect.name != "sqlite":
                # shielded: a second cancellation (shutdown) must not leave it unclosed
                await asyncio.shield(connection.close())
            else:  # SQLite, nothing begun: back to the pool without a rollback to make (an
                # overflow connection is closed, which aiosqlite finishes even if cancelled):
                await connection.close()  # nothing to cut short, no task for a shield

    @property
    def connection(self) -> AsyncConnection:
        if self._connection is None:
            raise RuntimeError("the shared transaction is not open")
        return self._connection

    def after_commit(self, callback: Callable[[], None]) -> None:
        self._after.append(callback)

    async def commit(self) -> None:
        await self._announce()
        await self.connection.commit()
        self.committed = True
        after, self._after = self._after, []
        for callback in after:
            callback()


    async def commit_and_continue(self) -> None:
        """Make what is done so far durable and go on in a new transaction (before the bot
        answers someone: what they did is stored before they see the answer)."""
        connection = self.connection
        await self._announce()
        await connection.commit()
        after, self._after = self._after, []
        for callback in after:
            callback()
        await connection.begin()

    async def _announce(self) -> None:
        """One NOTIFY for all the units of work it holds (storage/change_feed.py)."""
        if self.changed:
            self.changed = False
            await announce(self.connection)


def joined(engine: AsyncEngine) -> SharedTransaction | None:
    """The shared transaction open in this context on ``engine``, if any."""
    shared = _CURRENT.get()
    if shared is None or shared.engine is not engine or shared.committed:
        return None
    return shared
