"""Reminders of deadlines: scheduled in the database, found when due, each sent once, across
units of work, concurrent callers and a restart."""

from __future__ import annotations

import asyncio
import itertools
from datetime import date, datetime

from facilitation.ports import ScheduledReminder, UnitOfWorkFactory
from facilitation.reminders import iter_reminders
from facilitation.tracking import new_follow_up
from facilitation.units import UnitLevel, new_unit
from storage.engine import make_engine
from storage.uow import make_uow_factory
from tests.integration.storage_builders import (
    BEIJING,
    add_person,
    add_session,
    at,
    claimed_by_two_writers,
    tracking_uow,
)

DEADLINE = date(2026, 12, 31)


async def _items(uow_factory: UnitOfWorkFactory, count: int = 1) -> list[int]:
    async with tracking_uow(uow_factory) as uow:
        session = await add_session(uow, await add_person(uow))
        unit = await uow.units.add(new_unit("县住房和城乡建设局", UnitLevel.COUNTY))
        assert session.id is not None
        ids = []
        for seq in range(1, count + 1):
            item = await uow.tracked.add(new_follow_up(
                session.id, seq, f"事项{seq}", unit_name=unit.name, unit_id=unit.id,
                deadline=DEADLINE, at=at(seq)))
            assert item.id is not None
            ids.append(item.id)
        await uow.commit()
    return ids


def _planned(item_id: int, deadline: date = DEADLINE, count: int = 4) -> list[ScheduledReminder]:
    """7 and 1 days before, on the first day overdue, a week later (09:00 Beijing time)."""
    return [ScheduledReminder(item_id, r.key, r.due_at)
            for r in itertools.islice(iter_reminders(deadline, BEIJING), count)]


async def test_schedule_and_find_the_due_ones(uow_factory: UnitOfWorkFactory) -> None:
    first, second = await _items(uow_factory, 2)
    a, b = _planned(first), _planned(second)
    assert [r.key for r in a] == ["2026-12-31/before/7", "2026-12-31/before/1",
                                  "2026-12-31/overdue/0", "2026-12-31/overdue/1"]
    async with tracking_uow(uow_factory) as uow:
        await uow.reminders.schedule(first, a)
        await uow.reminders.schedule(second, b)
        await uow.reminders.schedule(first, a)  # again: nothing more
        await uow.commit()
    async with tracking_uow(uow_factory) as uow:
        assert await uow.reminders.due(datetime(2026, 12, 24, 8, 59, tzinfo=BEIJING)) == []
        on_the_day = await uow.reminders.due(a[0].due_at)  # due at ``now`` counts
        everything = await uow.reminders.due(datetime(2027, 2, 1, tzinfo=BEIJING))
        two = await uow.reminders.due(datetime(2027, 2, 1, tzinfo=BEIJING), limit=2)
    assert [(r.item_id, r.key) for r in on_the_day] == [(first, a[0].key), (second, b[0].key)]
    assert [(r.item_id, r.key, r.due_at, r.sent_at) for r in everything] == [
        (r.item_id, r.key, r.due_at, None) for pair in zip(a, b, strict=True) for r in pair]
    assert all(r.id is not None for r in everything) and two == everything[:2]


async def test_rescheduling_replaces_unsent_and_never_repeats_sent(
        uow_factory: UnitOfWorkFactory) -> None:
    (item_id,) = await _items(uow_factory)
    old = _planned(item_id)
    async with tracking_uow(uow_factory) as uow:
        await uow.reminders.schedule(item_id, old)
        sent = (await uow.reminders.due(old[0].due_at))[0]
        assert sent.id is not None and await uow.reminders.mark_sent(sent.id, old[0].due_at)
        await uow.commit()
    # the deadline moves: new keys; the old unsent ones go, the sent one stays sent
    new = _planned(item_id, date(2027, 1, 15), 2)
    async with tracking_uow(uow_factory) as uow:
        await uow.reminders.schedule(item_id, [*new, old[0]])  # a sent key is not scheduled
        await uow.commit()
    async with tracking_uow(uow_factory) as uow:
        everything = await uow.reminders.due(datetime(2028, 1, 1, tzinfo=BEIJING))
        assert [r.key for r in everything] == [r.key for r in new]
        # the same keys with another due time (the hall's time zone changed): moved
        later = [ScheduledReminder(r.item_id, r.key, at(10**8)) for r in new]
        await uow.reminders.schedule(item_id, later)
        await uow.reminders.schedule(item_id, [])  # nothing owed any more
        await uow.commit()
    async with tracking_uow(uow_factory) as uow:
        assert await uow.reminders.due(datetime(2099, 1, 1, tzinfo=BEIJING)) == []
        count = (await uow.session.exec_driver_sql(
            "SELECT count(*) FROM scheduled_reminders WHERE sent_at IS NOT NULL")).scalar_one()
    assert count == 1


async def test_mark_sent_once_under_two_concurrent_callers(
        uow_factory: UnitOfWorkFactory, db_url: str) -> None:
    """Both callers found the reminder due; only one gets to send it. The second updates
    while the first may still hold its transaction open (then it waits for it) or after it
    committed: either way it finds the reminder sent."""
    (item_id,) = await _items(uow_factory)
    async with tracking_uow(uow_factory) as uow:
        await uow.reminders.schedule(item_id, _planned(item_id, count=1))
        await uow.commit()
    async with tracking_uow(uow_factory) as uow:
        (reminder,) = await uow.reminders.due(datetime(2027, 1, 1, tzinfo=BEIJING))
    assert reminder is not None and reminder.id is not None
    reminder_id = reminder.id
    results = await claimed_by_two_writers(
        uow_factory, lambda uow, when: uow.reminders.mark_sent(reminder_id, when))
    assert results == {"first": True, "second": False}
    # a restart: another engine, as another process would have, finds it sent
    engine = make_engine(db_url)
    try:
        async with tracking_uow(make_uow_factory(engine)) as uow:
            assert await uow.reminders.due(datetime(2027, 1, 1, tzinfo=BEIJING)) == []
            assert not await uow.reminders.mark_sent(reminder_id, at(3))
            row = (await uow.session.exec_driver_sql(
                "SELECT sent_at FROM scheduled_reminders")).scalar_one()
    finally:
        await engine.dispose()
    assert row is not None


async def test_many_claimers_send_each_reminder_once(uow_factory: UnitOfWorkFactory) -> None:
    ids = await _items(uow_factory, 3)
    async with tracking_uow(uow_factory) as uow:
        for item_id in ids:
            await uow.reminders.schedule(item_id, _planned(item_id))
        await uow.commit()
    now = datetime(2027, 2, 1, tzinfo=BEIJING)
    claimed: list[int] = []

    async def sender() -> None:
        async with tracking_uow(uow_factory) as uow:
            due = await uow.reminders.due(now)
        for reminder in due:  # each claim in a unit of work of its own, as a sender would
            assert reminder.id is not None
            async with tracking_uow(uow_factory) as uow:
                if await uow.reminders.mark_sent(reminder.id, now):
                    claimed.append(reminder.id)
                await uow.commit()

    await asyncio.gather(*(sender() for _ in range(4)))
    assert sorted(claimed) == sorted(set(claimed)) and len(claimed) == 3 * 4
