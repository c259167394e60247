"""SQLAlchemy implementations of the repository ports in facilitation/ports.py (turns and
contributions are in turn_repositories.py).

Each repository works in the AsyncSession of its unit of work. ``add`` and ``save`` flush at
once, so writes reach the database in the order the use case made them and a broken
constraint surfaces at the call that broke it (as sqlalchemy.exc.IntegrityError).
In classes with a ``list`` method it comes last, so ``list[...]`` above it means the builtin.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from facilitation.model import Attendance, Hand, HandStatus, Person, SessionStatus
from facilitation.session import Session
from storage import mapping
from storage.rows import (
    AttendanceRow,
    Base,
    HandRow,
    PersonRow,
    SessionRow,
)

RowT = TypeVar("RowT", bound=Base)

_CLOSED = SessionStatus.CLOSED.value
_PENDING = HandStatus.PENDING.value


class RowRepository:
    """What every repository does with rows: insert, write back, query."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def _insert(self, row: RowT) -> RowT:
        self._session.add(row)
        await self._session.flush()
        return row

    async def _update(
        self, row_type: type[Base], row_id: int | None, values: dict[str, Any]
    ) -> None:
        if row_id is None:
            raise ValueError(f"cannot save to {row_type.__tablename__}: the object has no id")
        row = await self._session.get(row_type, row_id)
        if row is None:
            raise LookupError(f"no row {row_id} in {row_type.__tablename__}")
        for name, value in values.items():
            setattr(row, name, value)
        await self._session.flush()

    async def _rows(self, statement: Select[RowT]) -> list[RowT]:
        return list((await self._session.scalars(statement)).all())

    async def _row(self, statement: Select[RowT]) -> RowT | None:
        return (await self._session.scalars(statement.limit(1))).first()

    async def _count(self, statement: Select[int]) -> int:
        return (await self._session.scalar(statement)) or 0


class SqlAlchemyPersonRepository(RowRepository):
    async def get(self, person_id: int) -> Person | None:
        row = await self._session.get(PersonRow, person_id)
        return mapping.to_person(row) if row is not None else None

    async def get_many(self, person_ids: Sequence[int]) -> dict[int, Person]:
        if not person_ids:
            return {}
        rows = await self._rows(select(PersonRow).where(PersonRow.id.in_(set(person_ids))))
        return {row.id: mapping.to_person(row) for row in rows}

    async def by_telegram_id(self, telegram_user_id: int) -> Person | None:
        row = await self._row(
            select(PersonRow).where(PersonRow.telegram_user_id == telegram_user_id)
        )
        return mapping.to_person(row) if row is not None else None

    async def add(self, person: Person) -> Person:
        row = await self._insert(PersonRow(**mapping.person_values(person)))
        person.id = row.id
        return person

    async def save(self, person: Person) -> None:
        await self._update(PersonRow, person.id, mapping.person_values(person))


def _newest_sessions(chat_id: int | None) -> Select[SessionRow]:
    statement = select(SessionRow).order_by(SessionRow.created_at.desc(), SessionRow.id.desc())
    return statement if chat_id is None else statement.where(SessionRow.chat_id == chat_id)


class SqlAlchemySessionRepository(RowRepository):
    async def get(self, session_id: int) -> Session | None:
        row = await self._session.get(SessionRow, session_id)
        return mapping.to_session(row) if row is not None else None

    async def by_code(self, code: str) -> Session | None:
        row = await self._row(select(SessionRow).where(SessionRow.code == code))
        return mapping.to_session(row) if row is not None else None

    async def open_in_chat(self, chat_id: int) -> Session | None:
        """The chat's session that is not closed (at most one, by a partial unique index)."""
        row = await self._row(
            select(SessionRow).where(SessionRow.chat_id == chat_id, SessionRow.status != _CLOSED)
        )
        return mapping.to_session(row) if row is not None else None

    async def latest(self, chat_id: int | None = None) -> Session | None:
        row = await self._row(_newest_sessions(chat_id))
        return mapping.to_session(row) if row is not None else None

    async def recent(self, chat_id: int | None = None, limit: int = 10) -> list[Session]:
        """The newest sessions first."""
        rows = await self._rows(_newest_sessions(chat_id).limit(limit))
        return [mapping.to_session(row) for row in rows]

    async def open_sessions(self) -> list[Session]:
        rows = await self._rows(
            select(SessionRow).where(SessionRow.status != _CLOSED).order_by(SessionRow.id)
        )
        return [mapping.to_session(row) for row in rows]

    async def add(self, session: Session) -> Session:
        row = await self._insert(SessionRow(**mapping.session_values(session)))
        session.id = row.id
        return session

    async def save(self, session: Session) -> None:
        await self._update(SessionRow, session.id, mapping.session_values(session))

    async def lock(self, session_id: int) -> Session | None:
        """SELECT ... FOR UPDATE on PostgreSQL; on SQLite, BEGIN IMMEDIATE already serialises."""
        statement = (
            select(SessionRow)
            .where(SessionRow.id == session_id)
            .execution_options(populate_existing=True)
        )
        if self._session.get_bind().dialect.name == "postgresql":
            statement = statement.with_for_update()
        row = await self._row(statement)
        return mapping.to_session(row) if row is not None else None


class SqlAlchemyAttendanceRepository(RowRepository):
    async def get(self, session_id: int, person_id: int) -> Attendance | None:
        row = await self._row(
            select(AttendanceRow).where(
                AttendanceRow.session_id == session_id, AttendanceRow.person_id == person_id
            )
        )
        return mapping.to_attendance(row) if row is not None else None

    async def count_present(self, session_id: int) -> int:
        return await self._count(
            select(func.count())
            .select_from(AttendanceRow)
            .where(AttendanceRow.session_id == session_id, AttendanceRow.left_at.is_(None))
        )

    async def add(self, attendance: Attendance) -> Attendance:
        row = await self._insert(AttendanceRow(**mapping.attendance_values(attendance)))
        attendance.id = row.id
        return attendance

    async def save(self, attendance: Attendance) -> None:
        await self._update(AttendanceRow, attendance.id, mapping.attendance_values(attendance))

    async def list(self, session_id: int) -> list[Attendance]:
        rows = await self._rows(
            select(AttendanceRow)
            .where(AttendanceRow.session_id == session_id)
            .order_by(AttendanceRow.signed_in_at, AttendanceRow.id)
        )
        return [mapping.to_attendance(row) for row in rows]


class SqlAlchemyHandRepository(RowRepository):
    async def get(self, hand_id: int) -> Hand | None:
        row = await self._session.get(HandRow, hand_id)
        return mapping.to_hand(row) if row is not None else None

    async def pending_for(self, session_id: int, person_id: int) -> Hand | None:
        row = await self._row(
            select(HandRow).where(
                HandRow.session_id == session_id,
                HandRow.person_id == person_id,
                HandRow.status == _PENDING,
            )
        )
        return mapping.to_hand(row) if row is not None else None

    async def pending(self, session_id: int) -> list[Hand]:
        """Pending hands by arrival (seq); the queue order itself is the domain's business."""
        rows = await self._rows(
            select(HandRow)
            .where(HandRow.session_id == session_id, HandRow.status == _PENDING)
            .order_by(HandRow.seq, HandRow.id)
        )
        return [mapping.to_hand(row) for row in rows]

    async def add(self, hand: Hand) -> Hand:
        row = await self._insert(HandRow(**mapping.hand_values(hand)))
        hand.id = row.id
        return hand

    async def save(self, hand: Hand) -> None:
        await self._update(HandRow, hand.id, mapping.hand_values(hand))
