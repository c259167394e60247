"""The inbox of bot updates: stored on arrival, marked processed by the unit of work that
handled them, so a restart or a redelivery never handles an update twice.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Executable, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from storage.rows import InboxRow
from storage.sqlite_driver import on_thread

# What a row holds when an update was marked processed without ever being stored.
NO_PAYLOAD = "null"


def _insert(session: AsyncSession) -> postgresql.Insert | sqlite.Insert:
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(InboxRow)
    return sqlite.insert(InboxRow)


@functools.cache
def _marking(dialect: str) -> Executable:
    """INSERT the update as processed, or set processed_at if it is not set (built once)."""
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(InboxRow)
    return statement.on_conflict_do_update(
        index_elements=[InboxRow.update_id],
        set_={"processed_at": statement.excluded.processed_at},
        where=InboxRow.processed_at.is_(None),
    )


async def mark_processed_in(connection: AsyncConnection, update_id: int,
                            now: datetime) -> None:
    """Mark ``update_id`` processed in the connection's transaction; the first mark stands.

    An update that was never stored gets a row of its own, so the mark is never lost.
    """
    await connection.execute(_marking(connection.dialect.name), {
        "update_id": update_id, "payload": NO_PAYLOAD, "received_at": now, "processed_at": now})


class Inbox:
    """Updates (update_id, payload JSON text) waiting to be handled, and those handled."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = session_factory

    async def store(self, updates: Sequence[tuple[int, str]], now: datetime) -> int:
        """Store new updates in one transaction, ignoring known ones; return how many were new."""
        if not updates:
            return 0
        async with self._sessions.begin() as session:
            statement = (
                _insert(session)
                .values(
                    [
                        {"update_id": update_id, "payload": payload, "received_at": now}
                        for update_id, payload in updates
                    ]
                )
                .on_conflict_do_nothing(index_elements=[InboxRow.update_id])
                .returning(InboxRow.update_id)
            )
            return len((await session.scalars(statement)).all())

    async def pending(self, limit: int = 100) -> list[tuple[int, str]]:
        """Unprocessed updates as (update_id, payload), in the order they were stored."""
        async with self._sessions() as session:
            result = await session.execute(
                select(InboxRow.update_id, InboxRow.payload)
                .where(InboxRow.processed_at.is_(None))
                .order_by(InboxRow.id)
                .limit(limit)
            )
            return [(update_id, payload) for update_id, payload in result]

    async def mark_processed(self, update_id: int, now: datetime) -> None:
        async with self._sessions.begin() as session:
            await mark_processed_in(await session.connection(), update_id, now)

    async def is_processed(self, update_id: int) -> bool:
        async with self._sessions() as session:
            processed_at = await session.scalar(
                select(InboxRow.processed_at).where(InboxRow.update_id == update_id)
            )
            return processed_at is not None

    async def prune(self, older_than: datetime) -> int:
        """Delete processed updates received before ``older_than``; return how many went."""
        async with self._sessions.begin() as session:
            with on_thread(await session.connection()):  # thousands of rows, maybe
                result = await session.execute(
                    delete(InboxRow).where(
                        InboxRow.processed_at.is_not(None), InboxRow.received_at < older_than
                    )
                )
            return cast(CursorResult[Any], result).rowcount

    async def max_update_id(self) -> int | None:
        """The highest update_id ever stored (and not pruned): where polling resumes."""
        async with self._sessions() as session:
            return await session.scalar(select(func.max(InboxRow.update_id)))
