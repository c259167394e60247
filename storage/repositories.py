"""SQLAlchemy implementations of the repository ports in facilitation/ports.py (turns and
contributions are in turn_repositories.py; the queue position query in queue_position.py).

Repositories run Core statements on the tables in their unit of work's connection and
transaction: no ORM identity map, no flush. An ``add`` is one INSERT ... RETURNING id, a
``save`` one UPDATE ... WHERE id, so writes reach the database in the order the use case made
them and a broken constraint surfaces at the call that broke it (as
sqlalchemy.exc.IntegrityError). Hot statements are built once, at import.
In classes with a ``list`` method it comes last, so ``list[...]`` above it means the builtin.
"""

from __future__ import annotations

import builtins
import functools
from collections.abc import Callable, Collection, Sequence
from datetime import datetime
from types import SimpleNamespace
from typing import Any, TypeVar, cast

from sqlalchemy import (
    CursorResult,
    Executable,
    Select,
    Table,
    and_,
    bindparam,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from facilitation.model import (
    Attendance,
    Hand,
    HandStatus,
    ParticipantKind,
    Person,
    SessionStatus,
    TurnKind,
)
from facilitation.ports import Participant
from facilitation.session import Session
from storage import mapping, search
from storage.queue_position import HEAD, POSITION
from storage.rows import AttendanceRow, Base, HandRow, PersonRow, SessionRow

T = TypeVar("T")

_CLOSED = SessionStatus.CLOSED.value
_PENDING = HandStatus.PENDING.value
ROW_ID = "row_id"  # the bind parameter of UPDATE ... WHERE id = :row_id (never a column name)


def table_of(row_type: type[Base]) -> Table:
    return cast(Table, row_type.__table__)


PEOPLE = table_of(PersonRow)
SESSIONS = table_of(SessionRow)
ATTENDANCE = table_of(AttendanceRow)
HANDS = table_of(HandRow)


# Statements are built once: SQLAlchemy then reuses their cache keys and compiled forms, and
# no time goes into building expressions for every call.
@functools.cache
def _inserting(table: Table) -> Executable:
    return insert(table).returning(table.c.id)


@functools.cache
def _updating(table: Table) -> Executable:
    return update(table).where(table.c.id == bindparam(ROW_ID))


class RowRepository:
    """What every repository does with a table: insert, write back, query."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._session = connection

    @property
    def _postgres(self) -> bool:
        return self._session.dialect.name == "postgresql"

    async def _insert(self, table: Table, values: mapping.Values) -> int:
        result = await self._session.execute(_inserting(table), values)
        return int(result.scalar_one())

    async def _update(self, table: Table, row_id: int | None, values: mapping.Values) -> None:
        """One UPDATE ... WHERE id: no SELECT first; a missing row fails loudly."""
        if row_id is None:
            raise ValueError(f"cannot save to {table.name}: the object has no id")
        result = await self._session.execute(_updating(table), {**values, ROW_ID: row_id})
        if cast(CursorResult[Any], result).rowcount == 0:
            raise LookupError(f"no row {row_id} in {table.name}")

    async def _all(self, statement: Executable, to: Callable[[Any], T]) -> list[T]:
        return [to(row) for row in await self._session.execute(statement)]

    async def _one(self, statement: Select[Any], to: Callable[[Any], T]) -> T | None:
        row = (await self._session.execute(statement.limit(1))).first()
        return to(row) if row is not None else None

    async def _by_id(self, table: Table, row_id: int, to: Callable[[Any], T]) -> T | None:
        return await self._one(select(table).where(table.c.id == row_id), to)

    async def _count(self, statement: Select[Any], params: dict[str, Any] | None = None) -> int:
        return int((await self._session.scalar(statement, params)) or 0)


@functools.lru_cache(maxsize=256)
def _columns_of(fields: tuple[str, ...], prefix: str) -> tuple[tuple[int, ...], tuple[str, ...]]:
    """Where the columns labelled ``<prefix><column>`` are in a row of these fields, and
    their names: worked out once per statement, not for every row (hot on the phone page)."""
    found = [(i, key[len(prefix):]) for i, key in enumerate(fields) if key.startswith(prefix)]
    return tuple(i for i, _ in found), tuple(name for _, name in found)


def _prefixed(row: Row[Any], prefix: str,
              fields: tuple[str, ...] | None = None) -> SimpleNamespace | None:
    """The columns of one joined table, labelled ``<prefix><column>``; None when outer-joined
    and absent. ``fields``: the row's, when the caller has them (SQLAlchemy builds them anew
    at each ask)."""
    places, names = _columns_of(fields if fields is not None else row._fields, prefix)
    values = dict(zip(names, (row[i] for i in places), strict=True))
    return None if values["id"] is None else SimpleNamespace(**values)


def _labelled(table: Table, prefix: str) -> list[Any]:
    return [column.label(f"{prefix}{column.name}") for column in table.c]


_PARTICIPANT = (
    select(*_labelled(PEOPLE, "p_"), *_labelled(ATTENDANCE, "a_"), *_labelled(HANDS, "h_"))
    .select_from(PEOPLE)
    .outerjoin(ATTENDANCE, and_(ATTENDANCE.c.person_id == PEOPLE.c.id,
                                ATTENDANCE.c.session_id == bindparam("session_id")))
    .outerjoin(HANDS, and_(HANDS.c.person_id == PEOPLE.c.id,
                           HANDS.c.session_id == bindparam("session_id"),
                           HANDS.c.status == _PENDING))
    .where(PEOPLE.c.telegram_user_id == bindparam("telegram_user_id"))
    .limit(1)
)


def _participant(row: Row[Any], fields: tuple[str, ...] | None = None) -> Participant | None:
    fields = fields if fields is not None else row._fields
    person, attendance, hand = (_prefixed(row, p, fields) for p in ("p_", "a_", "h_"))
    if person is None:
        return None
    return Participant(
        mapping.to_person(person),
        mapping.to_attendance(attendance) if attendance is not None else None,
        mapping.to_hand(hand) if hand is not None else None,
    )


class SqlAlchemyPersonRepository(RowRepository):
    async def get(self, person_id: int) -> Person | None:
        return await self._by_id(PEOPLE, person_id, mapping.to_person)

    async def get_many(self, person_ids: Sequence[int]) -> dict[int, Person]:
        if not person_ids:
            return {}
        people = await self._all(select(PEOPLE).where(PEOPLE.c.id.in_(set(person_ids))),
                                 mapping.to_person)
        return {person.id: person for person in people if person.id is not None}

    async def by_telegram_id(self, telegram_user_id: int) -> Person | None:
        return await self._one(select(PEOPLE).where(PEOPLE.c.telegram_user_id == telegram_user_id),
                               mapping.to_person)

    async def participant(self, session_id: int, telegram_user_id: int) -> Participant | None:
        """The person, their attendance and pending hand in the session: one SELECT."""
        row = (await self._session.execute(_PARTICIPANT, {
            "session_id": session_id, "telegram_user_id": telegram_user_id})).first()
        if row is None:
            return None
        return _participant(row)

    async def add(self, person: Person) -> Person:
        person.id = await self._insert(PEOPLE, mapping.person_values(person))
        return person

    async def save(self, person: Person) -> None:
        await self._update(PEOPLE, person.id, mapping.person_values(person))


# A session's day, as the workbench's list shows it: its start, else its creation (typed
# UtcDateTime by its first column, so bound times are converted alike on both databases).
_DAY = func.coalesce(SESSIONS.c.started_at, SESSIONS.c.created_at)


def _newest_sessions(chat_id: int | None) -> Select[Any]:
    statement = select(SESSIONS).order_by(SESSIONS.c.created_at.desc(), SESSIONS.c.id.desc())
    return statement if chat_id is None else statement.where(SESSIONS.c.chat_id == chat_id)


_OPEN = select(SESSIONS).where(SESSIONS.c.chat_id == bindparam("chat_id"),
                               SESSIONS.c.status != _CLOSED).limit(1)
_OPEN_LOCKED = _OPEN.with_for_update()
_OPEN_WITH = (
    select(*_labelled(SESSIONS, "s_"), *_labelled(PEOPLE, "p_"), *_labelled(ATTENDANCE, "a_"),
           *_labelled(HANDS, "h_"))
    .select_from(SESSIONS)
    .outerjoin(PEOPLE, PEOPLE.c.telegram_user_id == bindparam("telegram_user_id"))
    .outerjoin(ATTENDANCE, and_(ATTENDANCE.c.person_id == PEOPLE.c.id,
                                ATTENDANCE.c.session_id == SESSIONS.c.id))
    .outerjoin(HANDS, and_(HANDS.c.person_id == PEOPLE.c.id, HANDS.c.session_id == SESSIONS.c.id,
                           HANDS.c.status == _PENDING))
    .where(SESSIONS.c.chat_id == bindparam("chat_id"), SESSIONS.c.status != _CLOSED)
    .limit(1)
)
_OPEN_WITH_LOCKED = _OPEN_WITH.with_for_update(of=SESSIONS)  # not the outer-joined rows


class SqlAlchemySessionRepository(RowRepository):
    async def get(self, session_id: int) -> Session | None:
        return await self._by_id(SESSIONS, session_id, mapping.to_session)

    async def by_code(self, code: str) -> Session | None:
        return await self._one(select(SESSIONS).where(SESSIONS.c.code == code),
                               mapping.to_session)

    async def by_screen_code(self, screen_code: str) -> Session | None:
        return await self._one(select(SESSIONS).where(SESSIONS.c.screen_code == screen_code),
                               mapping.to_session)

    async def open_in_chat(self, chat_id: int, *, for_update: bool = False) -> Session | None:
        """The chat's session that is not closed (at most one, by a partial unique index).

        ``for_update`` locks its row on PostgreSQL (SELECT ... FOR UPDATE); on SQLite every
        transaction begins IMMEDIATE, which already serialises writers.
        """
        statement = _OPEN_LOCKED if for_update and self._postgres else _OPEN
        row = (await self._session.execute(statement, {"chat_id": chat_id})).first()
        return mapping.to_session(row) if row is not None else None

    async def open_with_participant(
        self, chat_id: int, telegram_user_id: int, *, for_update: bool = True
    ) -> tuple[Session, Participant | None] | None:
        statement = _OPEN_WITH_LOCKED if for_update and self._postgres else _OPEN_WITH
        row = (await self._session.execute(statement, {
            "chat_id": chat_id, "telegram_user_id": telegram_user_id})).first()
        if row is None:
            return None
        fields = row._fields
        return mapping.to_session(_prefixed(row, "s_", fields)), _participant(row, fields)

    async def latest(self, chat_id: int | None = None) -> Session | None:
        return await self._one(_newest_sessions(chat_id), mapping.to_session)

    async def recent(self, chat_id: int | None = None, limit: int = 10, *,
                     held: tuple[datetime, datetime] | None = None,
                     status: SessionStatus | None = None) -> list[Session]:
        """The newest sessions first; narrowed here, so an older period is found whatever
        the limit."""
        statement = _newest_sessions(chat_id)
        if held is not None:
            statement = statement.where(_DAY >= held[0], _DAY < held[1])
        if status is not None:
            statement = statement.where(SESSIONS.c.status == status.value)
        return await self._all(statement.limit(limit), mapping.to_session)

    async def taken_part(self, person_id: int, limit: int = 10) -> list[Session]:
        """The newest closed sessions the person moderated or signed in to."""
        attended = select(ATTENDANCE.c.session_id).where(ATTENDANCE.c.person_id == person_id)
        return await self._all(
            _newest_sessions(None).where(
                SESSIONS.c.status == _CLOSED,
                (SESSIONS.c.moderator_id == person_id) | SESSIONS.c.id.in_(attended))
            .limit(limit), mapping.to_session)

    async def open_sessions(self) -> list[Session]:
        return await self._all(
            select(SESSIONS).where(SESSIONS.c.status != _CLOSED).order_by(SESSIONS.c.id),
            mapping.to_session)

    async def add(self, session: Session) -> Session:
        session.id = await self._insert(SESSIONS, mapping.session_values(session))
        # Indexed once: a session's topic is fixed when it opens, so ``save`` (on every
        # step of the queue) need not look at it.
        await search.index_topic(self._session, session)
        return session

    async def save(self, session: Session) -> None:
        await self._update(SESSIONS, session.id, mapping.session_values(session))

    async def lock(self, session_id: int) -> Session | None:
        """SELECT ... FOR UPDATE on PostgreSQL; on SQLite, BEGIN IMMEDIATE already serialises."""
        statement = select(SESSIONS).where(SESSIONS.c.id == session_id)
        if self._postgres:
            statement = statement.with_for_update()
        return await self._one(statement, mapping.to_session)


_PRESENT = (select(func.count()).select_from(ATTENDANCE)
            .where(ATTENDANCE.c.session_id == bindparam("session_id"),
                   ATTENDANCE.c.left_at.is_(None)))


_PRESENT_BY_KIND = (select(ATTENDANCE.c.kind, func.count())
                    .where(ATTENDANCE.c.session_id == bindparam("session_id"),
                           ATTENDANCE.c.left_at.is_(None))
                    .group_by(ATTENDANCE.c.kind))


class SqlAlchemyAttendanceRepository(RowRepository):
    async def get(self, session_id: int, person_id: int) -> Attendance | None:
        return await self._one(
            select(ATTENDANCE).where(ATTENDANCE.c.session_id == session_id,
                                     ATTENDANCE.c.person_id == person_id),
            mapping.to_attendance)

    async def count_present(self, session_id: int) -> int:
        return await self._count(_PRESENT, {"session_id": session_id})

    async def present_by_kind(self, session_id: int) -> dict[ParticipantKind, int]:
        rows = (await self._session.execute(_PRESENT_BY_KIND, {"session_id": session_id})).all()
        return {ParticipantKind(kind): count for kind, count in rows}

    async def of_people(self, session_id: int, person_ids: Collection[int]
                        ) -> builtins.list[Attendance]:
        if not person_ids:
            return []
        return await self._all(
            select(ATTENDANCE).where(ATTENDANCE.c.session_id == session_id,
                                     ATTENDANCE.c.person_id.in_(set(person_ids))),
            mapping.to_attendance)

    async def add(self, attendance: Attendance) -> Attendance:
        attendance.id = await self._insert(ATTENDANCE, mapping.attendance_values(attendance))
        return attendance

    async def save(self, attendance: Attendance) -> None:
        await self._update(ATTENDANCE, attendance.id, mapping.attendance_values(attendance))

    async def list(self, session_id: int) -> list[Attendance]:
        return await self._all(
            select(ATTENDANCE).where(ATTENDANCE.c.session_id == session_id)
            .order_by(ATTENDANCE.c.signed_in_at, ATTENDANCE.c.id),
            mapping.to_attendance)


class SqlAlchemyHandRepository(RowRepository):
    async def get(self, hand_id: int) -> Hand | None:
        return await self._by_id(HANDS, hand_id, mapping.to_hand)

    async def pending_for(self, session_id: int, person_id: int) -> Hand | None:
        return await self._one(
            select(HANDS).where(HANDS.c.session_id == session_id,
                                HANDS.c.person_id == person_id, HANDS.c.status == _PENDING),
            mapping.to_hand)

    async def pending(self, session_id: int, kind: TurnKind | None = None) -> list[Hand]:
        """Pending hands by arrival (seq); the queue order itself is the domain's business."""
        statement = select(HANDS).where(HANDS.c.session_id == session_id,
                                        HANDS.c.status == _PENDING)
        if kind is not None:
            statement = statement.where(HANDS.c.kind == kind.value)
        return await self._all(statement.order_by(HANDS.c.seq, HANDS.c.id), mapping.to_hand)

    async def head(self, session_id: int, limit: int) -> list[Hand]:
        """The first ``limit`` pending hands in queue order, sorted in SQL (queue_position.py:
        order_queue's key)."""
        return [mapping.to_hand(row) for row in await self._session.execute(
            HEAD, {"session_id": session_id, "limit": limit})]

    async def count_pending(self, session_id: int) -> int:
        return await self._count(
            select(func.count()).select_from(HANDS)
            .where(HANDS.c.session_id == session_id, HANDS.c.status == _PENDING))

    async def position(self, hand_id: int) -> int | None:
        """The 1-based place of a pending hand in the speaker queue, counted in SQL (see
        queue_position.py); None when the hand is not pending."""
        row = (await self._session.execute(POSITION, {"hand_id": hand_id})).first()
        if row is None or row.status != _PENDING:
            return None
        return int(row.ahead) + 1

    async def add(self, hand: Hand) -> Hand:
        hand.id = await self._insert(HANDS, mapping.hand_values(hand))
        return hand

    async def save(self, hand: Hand) -> None:
        await self._update(HANDS, hand.id, mapping.hand_values(hand))
