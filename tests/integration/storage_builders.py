"""Domain objects and fixed times for the storage tests."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta, timezone

from facilitation.model import ParticipantKind, Person, SessionStatus
from facilitation.ports import UnitOfWork, UnitOfWorkFactory
from facilitation.session import Session
from storage.uow import SqlAlchemyUnitOfWork

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


def tracking_uow(uow_factory: UnitOfWorkFactory) -> SqlAlchemyUnitOfWork:
    """A unit of work of the factory: a TrackingUnitOfWork (mypy checks the factory's
    ``__call__`` says so), with its connection at hand for the tests' own queries."""
    uow = uow_factory()
    assert isinstance(uow, SqlAlchemyUnitOfWork)
    return uow


Claim = Callable[[SqlAlchemyUnitOfWork, datetime], Awaitable[bool]]


async def claimed_by_two_writers(uow_factory: UnitOfWorkFactory,
                                 claim: Claim) -> dict[str, bool]:
    """Two writers ``claim`` the same row (a compare and set) in their own units of work:
    the second claims while the first, which claimed already, may still hold its transaction
    open (then it waits for it) or after it committed. {"first": ..., "second": ...}."""
    first_marked, second_starting = asyncio.Event(), asyncio.Event()
    results: dict[str, bool] = {}

    async def first() -> None:
        async with tracking_uow(uow_factory) as uow:
            results["first"] = await claim(uow, at(1))
            first_marked.set()
            await second_starting.wait()
            await uow.commit()

    async def second() -> None:
        await first_marked.wait()
        second_starting.set()
        async with tracking_uow(uow_factory) as uow:
            results["second"] = await claim(uow, at(2))
            await uow.commit()

    await asyncio.gather(first(), second())
    return results
