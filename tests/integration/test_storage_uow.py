"""The unit of work: all or nothing, idempotent updates, and concurrent writers."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from facilitation.ports import UnitOfWorkFactory
from storage.inbox import NO_PAYLOAD, Inbox
from tests.integration.storage_builders import add_person, add_session, at, new_person


class Boom(Exception):
    pass


async def test_leaving_without_commit_keeps_nothing(uow_factory: UnitOfWorkFactory) -> None:
    with pytest.raises(Boom):
        async with uow_factory() as uow:
            moderator = await add_person(uow)
            await add_session(uow, moderator)
            raise Boom
    async with uow_factory() as uow:
        await add_person(uow, 2)  # no commit, no exception
    async with uow_factory() as uow:
        assert await uow.sessions.recent() == []
        assert await uow.people.get_many(range(1, 100)) == {}


async def test_rollback_discards_and_commit_keeps(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        dropped = await add_person(uow, 1)
        await uow.rollback()
        kept = await add_person(uow, 2)
        await uow.commit()
    assert dropped.id is not None and kept.id is not None
    async with uow_factory() as uow:
        assert await uow.people.get(kept.id) == kept
        assert await uow.people.by_telegram_id(2**40 + 1) is None


async def test_saving_unknown_objects_fails_loudly(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        with pytest.raises(ValueError, match="no id"):
            await uow.people.save(new_person())
        with pytest.raises(LookupError):
            await uow.people.save(new_person(id=12345))


async def test_unit_of_work_needs_entering(uow_factory: UnitOfWorkFactory) -> None:
    uow = uow_factory()
    with pytest.raises(RuntimeError, match="not open"):
        await uow.commit()
    async with uow:
        with pytest.raises(RuntimeError, match="already in use"):
            await uow.__aenter__()


async def test_idempotency_key_marks_the_update_with_the_change(
    uow_factory: UnitOfWorkFactory,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    inbox = Inbox(session_factory)
    assert await inbox.store([(500, '{"update_id": 500}'), (501, "{}")], at(0)) == 2
    with pytest.raises(Boom):
        async with uow_factory(idempotency_key=500) as uow:
            await add_person(uow, 1)
            await uow.commit()  # the failure comes after: the commit must stand
            raise Boom
    async with uow_factory(idempotency_key=501) as uow:
        await add_person(uow, 2)  # never committed: the update stays pending
    assert await inbox.is_processed(500)
    assert not await inbox.is_processed(501)
    assert await inbox.pending() == [(501, "{}")]
    async with uow_factory() as uow:
        assert await uow.people.by_telegram_id(2**40 + 1) is not None
        assert await uow.people.by_telegram_id(2**40 + 2) is None


async def test_the_factory_remembers_the_keys_it_committed(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """So the poller need not mark those updates a second time: once per key, and only for
    a commit that happened."""
    async with uow_factory(idempotency_key=550) as uow:
        await add_person(uow, 1)
        await uow.commit()
    async with uow_factory(idempotency_key=551) as uow:
        await add_person(uow, 2)  # left without commit
    with pytest.raises(IntegrityError):
        async with uow_factory(idempotency_key=552) as uow:
            await add_person(uow, 1)  # the same Telegram user again: the commit fails
            await uow.commit()
    async with uow_factory() as uow:
        await add_person(uow, 3)
        await uow.commit()
    assert uow_factory.committed(550)
    assert not uow_factory.committed(550)  # answered once, then forgotten
    assert not uow_factory.committed(551)
    assert not uow_factory.committed(552)
    assert not uow_factory.committed(999)


async def test_failed_change_leaves_the_update_pending(
    uow_factory: UnitOfWorkFactory,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    inbox = Inbox(session_factory)
    await inbox.store([(600, "{}")], at(0))
    async with uow_factory() as uow:
        await add_person(uow, 1)
        await uow.commit()
    with pytest.raises(IntegrityError):
        async with uow_factory(idempotency_key=600) as uow:
            await add_person(uow, 1)  # the same Telegram user again: the change fails
            await uow.commit()
    assert not await inbox.is_processed(600)


async def test_idempotency_key_of_an_unstored_update(
    uow_factory: UnitOfWorkFactory,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    """Marking works even when the update never went through the inbox (e.g. a webhook)."""
    inbox = Inbox(session_factory)
    async with uow_factory(idempotency_key=700) as uow:
        await add_person(uow)
        await uow.commit()
    assert await inbox.is_processed(700)
    assert await inbox.pending() == []
    assert await inbox.store([(700, "{}")], at(1)) == 0
    assert await inbox.max_update_id() == 700
    assert NO_PAYLOAD == "null"


async def test_two_writers_from_two_tasks_both_commit(uow_factory: UnitOfWorkFactory) -> None:
    """The second writer starts while the first holds its transaction open, and waits."""
    first_holds = asyncio.Event()
    second_starting = asyncio.Event()

    async def first() -> None:
        async with uow_factory() as uow:
            await add_person(uow, 1)
            first_holds.set()
            await second_starting.wait()
            await uow.commit()

    async def second() -> None:
        await first_holds.wait()
        second_starting.set()
        async with uow_factory() as uow:
            await uow.people.by_telegram_id(2**40 + 1)  # a read first, then a write
            await add_person(uow, 2)
            await uow.commit()

    await asyncio.gather(first(), second())
    async with uow_factory() as uow:
        assert len(await uow.people.get_many(range(1, 10))) == 2


async def test_lock_serialises_read_modify_write(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        session = await add_session(uow, await add_person(uow))
        await uow.commit()
    assert session.id is not None
    session_id = session.id

    async def bump() -> None:
        async with uow_factory() as uow:
            locked = await uow.sessions.lock(session_id)
            assert locked is not None
            locked.next_hand_seq += 1
            await uow.sessions.save(locked)
            await uow.commit()

    await asyncio.gather(*(bump() for _ in range(8)))
    async with uow_factory() as uow:
        stored = await uow.sessions.get(session_id)
    assert stored is not None and stored.next_hand_seq == 1 + 8
