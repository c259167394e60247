"""Domain objects and fixed times for the storage tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from facilitation.model import ParticipantKind, Person, SessionStatus
from facilitation.ports import UnitOfWork
from facilitation.session import Session

T0 = datetime(2025, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)
BEIJING = timezone(timedelta(hours=8))
CHAT = -1001234567890123  # supergroup ids need 64 bits


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def new_person(n: int = 1, **changes: object) -> Person:
    person = Person(
        display_name=f"Person {n}", kind=ParticipantKind.RESIDENT, telegram_user_id=2**40 + n
    )
    for name, value in changes.items():
        setattr(person, name, value)
    return person


async def add_person(uow: UnitOfWork, n: int = 1, **changes: object) -> Person:
    return await uow.people.add(new_person(n, **changes))


async def add_session(
    uow: UnitOfWork,
    moderator: Person,
    *,
    chat_id: int = CHAT,
    code: str = "ABC123",
    created_at: datetime = T0,
    status: SessionStatus = SessionStatus.SIGNIN_OPEN,
) -> Session:
    session = Session.create(
        chat_id=chat_id,
        code=code,
        topic="Parking on Elm Street",
        moderator=moderator,
        now=created_at,
        turn_limit_s=180,
    )
    session.status = status
    return await uow.sessions.add(session)
