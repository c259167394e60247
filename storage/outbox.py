"""The outbox table (storage side of bot/outbox.py): rows written in a caller's transaction,
read and marked by the sender, pruned with the inbox."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from facilitation.ports import OwedMessage, PendingMessage
from storage.inbox import mark_processed_in
from storage.rows import AudioJobRow, BoardRow, OutboxRow
from storage.shared import SharedTransaction
from storage.sqlite_driver import deferred, on_thread

JSON = dict[str, Any]


Owed = OwedMessage
Pending = PendingMessage


_INSERT = insert(OutboxRow)  # built once: an update's messages are written with every update


async def add(connection: AsyncConnection, owed: Sequence[Owed], now: datetime) -> None:
    """Write ``owed`` in the caller's transaction (the one of the change they report)."""
    if not owed:
        return
    await connection.execute(_INSERT, [
        {"chat_id": o.chat_id, "update_id": o.update_id, "kind": o.kind,
         "payload": json.dumps(o.payload, ensure_ascii=False), "audio_job_id": o.audio_job_id,
         "board_session_id": o.board_session_id, "created_at": now} for o in owed])


async def add_known(connection: AsyncConnection, sent: Sequence[tuple[int, int]],
                    now: datetime) -> None:
    """Messages the bot sent outside the outbox, (chat id, message id): never probed as a
    send cut off by a crash."""
    if sent:
        await connection.execute(_INSERT, [
            {"chat_id": chat_id, "kind": "direct", "payload": "{}", "created_at": now,
             "sent_at": now, "message_id": message_id} for chat_id, message_id in sent])


_OPEN = (OutboxRow.sent_at.is_(None), OutboxRow.failed.is_(None))


class OutboxStore:
    """The sender's reads and marks, each in a short transaction of its own."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def chats(self) -> list[int]:
        """Chats with something still to send, the oldest first."""
        async with self.engine.connect() as connection:
            rows = await connection.execute(
                select(OutboxRow.chat_id, func.min(OutboxRow.id).label("first"))
                .where(*_OPEN).group_by(OutboxRow.chat_id).order_by("first"))
            return [chat_id for chat_id, _first in rows]

    async def pending(self, chat_id: int, limit: int = 200) -> list[Pending]:
        async with self.engine.connect() as connection:
            rows = await connection.execute(
                select(OutboxRow.id, OutboxRow.chat_id, OutboxRow.kind, OutboxRow.payload,
                       OutboxRow.audio_job_id, OutboxRow.attempt)
                .where(OutboxRow.chat_id == chat_id, *_OPEN)
                .order_by(OutboxRow.id).limit(limit))
            return [Pending(row.id, row.chat_id, row.kind, json.loads(row.payload),
                            row.audio_job_id, json.loads(row.attempt) if row.attempt else None)
                    for row in rows]

    async def owed_for_job(self, audio_job_id: int) -> Pending | None:
        """The message still owed for an audio job (its "transcribing…" reply), if any."""
        async with self.engine.connect() as connection:
            row = (await connection.execute(
                select(OutboxRow.id, OutboxRow.chat_id, OutboxRow.kind, OutboxRow.payload,
                       OutboxRow.audio_job_id, OutboxRow.attempt)
                .where(OutboxRow.audio_job_id == audio_job_id, *_OPEN)
                .order_by(OutboxRow.id).limit(1))).first()
        if row is None:
            return None
        return Pending(row.id, row.chat_id, row.kind, json.loads(row.payload), row.audio_job_id,
                       json.loads(row.attempt) if row.attempt else None)

    async def sent_ids(self, chat_id: int) -> tuple[int, set[int]]:
        """The highest message id the bot is known to have sent in the chat, and all of them
        above ``floor`` (for recognising a send cut off by a crash)."""
        async with self.engine.connect() as connection:
            ids = {message_id for message_id in (await connection.scalars(
                select(OutboxRow.message_id).where(OutboxRow.chat_id == chat_id,
                                                   OutboxRow.message_id.is_not(None)))).all()
                   if message_id is not None}
        return max(ids, default=0), ids

    async def known(self, chat_id: int, message_id: int) -> None:
        """A message the bot sent outside the outbox (a file, a caption): its id is known."""
        async with self.engine.begin() as connection:
            await add_known(connection, [(chat_id, message_id)], datetime.now(UTC))

    async def attempting(self, ids: Sequence[int], attempt: JSON, now: datetime) -> None:
        """Before a send goes on the wire: what it is, so a crash leaves it recognisable."""
        async with self.engine.begin() as connection:
            await connection.execute(
                update(OutboxRow).where(OutboxRow.id.in_(ids))
                .values(attempt=json.dumps(attempt, ensure_ascii=False), attempted_at=now))

    async def sent(self, ids: Sequence[int], message_id: int | None, now: datetime) -> bool:
        """Mark them sent as ``message_id``; an audio job or a board waiting for it learns
        it. True when a board did (its keeper has something to do now)."""
        async with self.engine.begin() as connection:
            await connection.execute(
                update(OutboxRow).where(OutboxRow.id.in_(ids))
                .values(sent_at=now, message_id=message_id))
            if message_id is None:
                return False
            links = (await connection.execute(
                select(OutboxRow.audio_job_id, OutboxRow.board_session_id).where(
                    OutboxRow.id.in_(ids), or_(OutboxRow.audio_job_id.is_not(None),
                                               OutboxRow.board_session_id.is_not(None))))).all()
            jobs = [job for job, _board in links if job is not None]
            boards = [board for _job, board in links if board is not None]
            if jobs:
                await connection.execute(
                    update(AudioJobRow).where(AudioJobRow.id.in_(jobs),
                                              AudioJobRow.reply_message_id.is_(None))
                    .values(reply_message_id=message_id))
            if boards:
                await connection.execute(
                    update(BoardRow).where(BoardRow.session_id.in_(boards),
                                           BoardRow.message_id.is_(None),
                                           BoardRow.finished.is_(False))
                    .values(message_id=message_id))
            return bool(boards)

    async def owed_for_board(self, session_id: int) -> bool:
        async with self.engine.connect() as connection:
            return (await connection.execute(
                select(OutboxRow.id).where(OutboxRow.board_session_id == session_id, *_OPEN)
                .limit(1))).first() is not None

    async def rewrite(self, row_id: int, payload: JSON) -> bool:
        """A row not put on the wire yet says ``payload`` instead; False if it has been."""
        async with self.engine.begin() as connection:
            result = await connection.execute(
                update(OutboxRow).where(OutboxRow.id == row_id, *_OPEN,
                                        OutboxRow.attempt.is_(None))
                .values(payload=json.dumps(payload, ensure_ascii=False)))
            return cast(CursorResult[Any], result).rowcount == 1

    async def failed(self, ids: Sequence[int], reason: str) -> None:
        async with self.engine.begin() as connection:
            await connection.execute(
                update(OutboxRow).where(OutboxRow.id.in_(ids)).values(failed=reason[:500]))

    async def retry(self, ids: Sequence[int]) -> None:
        """Known not to have arrived: send them afresh."""
        async with self.engine.begin() as connection:
            await connection.execute(
                update(OutboxRow).where(OutboxRow.id.in_(ids))
                .values(attempt=None, attempted_at=None))

    async def prune(self, older_than: datetime) -> int:
        """Delete rows sent (or given up) before ``older_than``: they hold people's words."""
        async with self.engine.begin() as connection:
            with on_thread(connection):  # many rows, maybe
                result = await connection.execute(delete(OutboxRow).where(
                    OutboxRow.created_at < older_than,
                    or_(OutboxRow.sent_at.is_not(None), OutboxRow.failed.is_not(None))))
            return cast(CursorResult[Any], result).rowcount


class UpdateTransaction(SharedTransaction):
    """The shared transaction of an update or a tick, which also writes what it owes."""

    async def write(self, owed: Sequence[Owed], known: Sequence[tuple[int, int]],
                    update_id: int | None, now: datetime) -> None:
        """Right before the commit (or a checkpoint's): nothing reads their outcome, so on
        SQLite they go to the database with the COMMIT, in one trip (storage/sqlite_driver.py)."""
        connection = self.connection
        with deferred(connection):
            await add(connection, owed, now)
            await add_known(connection, known, now)
            if update_id is not None:
                await mark_processed_in(connection, update_id, now)
