"""The groups' live boards (facilitation.ports.BoardRepository; facilitation/board.py).

A board has a table of its own rather than columns of ``sessions``: a session's row is written
back whole by every step of the queue (``SessionRepository.save``), which would put back a
board's message id from before it was known.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Row, and_, bindparam, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from facilitation.model import SessionStatus
from facilitation.ports import BoardState
from facilitation.session import Session
from storage import mapping
from storage.repositories import RowRepository, table_of
from storage.rows import BoardRow, SessionRow

BOARDS = table_of(BoardRow)
SESSIONS = table_of(SessionRow)
_CLOSED = SessionStatus.CLOSED.value


def _state(row: Any) -> BoardState:
    return BoardState(row.session_id, row.chat_id, row.message_id, row.text, row.pinned,
                      row.head)


_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
_DUE = (
    select(SESSIONS, *(column.label(f"b_{column.name}") for column in BOARDS.c))
    .outerjoin(BOARDS, BOARDS.c.session_id == SESSIONS.c.id)
    .where(or_(and_(SESSIONS.c.status != _CLOSED, SESSIONS.c.chat_id < 0,
                    SESSIONS.c.created_at >= bindparam("since"),
                    or_(BOARDS.c.session_id.is_(None), BOARDS.c.finished.is_(False))),
               and_(BOARDS.c.session_id.is_not(None), BOARDS.c.finished.is_(False),
                    SESSIONS.c.status == _CLOSED)))
    .order_by(SESSIONS.c.id)
)


def _due(row: Row[Any]) -> tuple[Session, BoardState | None]:
    values = row._mapping
    board = None
    if values["b_session_id"] is not None:
        board = BoardState(values["b_session_id"], values["b_chat_id"], values["b_message_id"],
                           values["b_text"], values["b_pinned"], values["b_head"])
    return mapping.to_session(row), board


class SqlAlchemyBoardRepository(RowRepository):
    async def due(self, since: datetime | None = None
                  ) -> list[tuple[Session, BoardState | None]]:
        rows = await self._session.execute(_DUE, {"since": since or _EPOCH})
        return [_due(row) for row in rows]

    async def get(self, session_id: int) -> BoardState | None:
        return await self._one(select(BOARDS).where(BOARDS.c.session_id == session_id,
                                                    BOARDS.c.finished.is_(False)), _state)

    async def add(self, board: BoardState) -> bool:
        dialect = postgresql if self._postgres else sqlite
        result = await self._session.execute(
            dialect.insert(BOARDS).values(
                session_id=board.session_id, chat_id=board.chat_id,
                message_id=board.message_id, text=board.text, pinned=board.pinned,
                head=board.head)
            .on_conflict_do_nothing(index_elements=[BOARDS.c.session_id]))
        return cast(CursorResult[Any], result).rowcount == 1

    async def put(self, board: BoardState) -> None:
        values = {"session_id": board.session_id, "chat_id": board.chat_id,
                  "message_id": board.message_id, "text": board.text, "pinned": board.pinned,
                  "head": board.head, "finished": False}
        dialect = postgresql if self._postgres else sqlite
        statement = dialect.insert(BOARDS).values(**values)
        await self._session.execute(statement.on_conflict_do_update(
            index_elements=[BOARDS.c.session_id],
            set_={key: value for key, value in values.items() if key != "session_id"}))

    async def remove(self, session_id: int) -> None:
        await self._session.execute(delete(BOARDS).where(BOARDS.c.session_id == session_id))

    async def finish(self, session_id: int) -> None:
        await self._session.execute(update(BOARDS).where(BOARDS.c.session_id == session_id)
                                    .values(finished=True, text="", head=None))
