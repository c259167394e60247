"""The notices items' events owe, on both databases: events stored unnotified, read in the
order they were stored, claimed once (also by writers racing each other), and the hall's
switch for the group's notice; the use case taking them over real storage."""

from __future__ import annotations

import asyncio
from datetime import date

from facilitation.model import HallDocument
from facilitation.ports import UnitOfWorkFactory
from facilitation.tracking import Satisfaction, TrackedItem, Who, new_follow_up, new_suggestion
from facilitation.tracking_notices import NoticeKind
from facilitation.tracking_notifying import take_notices
from facilitation.units import Unit, UnitLevel
from tests.integration.storage_builders import (
    BEIJING,
    add_person,
    add_session,
    at,
    claimed_by_two_writers,
    tracking_uow,
)

STAFF, LIAISON = Who(operator="cli:root"), Who(operator="cli:liaison")
LIAISON_ID, STAFF_ID = 2**40 + 50, 2**40 + 60
DUE = date(2026, 12, 31)


async def _world(uow_factory: UnitOfWorkFactory, chat_id: int = -100,
                 code: str = "ABC123") -> tuple[int, list[TrackedItem]]:
    """A session with a follow-up item referred to a unit that has a liaison, and a pending
    suggestion: (session id, the items)."""
    async with tracking_uow(uow_factory) as uow:
        moderator = await uow.people.by_telegram_id(2**40 + 1) or await add_person(uow)
        session = await add_session(uow, moderator, chat_id=chat_id, code=code)
        assert session.id is not None
        unit = await uow.units.get(1) or await uow.units.add(
            Unit("县住建局", UnitLevel.COUNTY, liaisons=(LIAISON_ID,)))
        items = [await uow.tracked.add(new_follow_up(
                     session.id, 2, "住建局牵头完成施划", unit_name=unit.name, unit_id=unit.id,
                     deadline=DUE, at=at(1))),
                 await uow.tracked.add(new_suggestion(session.id, 1, "建议增设停车位",
                                                      at=at(1)))]
        await uow.commit()
    return session.id, items


async def test_unnotified_events_in_order_filtered_and_claimed_once(
        uow_factory: UnitOfWorkFactory) -> None:
    first, (action, _suggestion) = await _world(uow_factory)
    second, (other, _) = await _world(uow_factory, chat_id=-200, code="XYZ789")
    async with tracking_uow(uow_factory) as uow:
        everything = await uow.tracked.unnotified()
        assert [e.item_id for e in everything] == [action.id, _suggestion.id, other.id,
                                                   _.id]
        assert [e.event_id for e in everything] == sorted(e.event_id for e in everything)
        assert {e.n for e in everything} == {1}
        of_second = await uow.tracked.unnotified(session_id=second)
        assert [e.item_id for e in of_second] == [other.id, _.id]
        after = await uow.tracked.unnotified(after=everything[1].event_id, limit=1)
        assert [e.item_id for e in after] == [other.id]
        assert await uow.tracked.mark_notified(everything[0].event_id, at(2))
        assert not await uow.tracked.mark_notified(everything[0].event_id, at(3))
        await uow.commit()
    async with tracking_uow(uow_factory) as uow:
        assert [e.item_id for e in await uow.tracked.unnotified(session_id=first)] == [
            _suggestion.id]
        # a new event of a notified item is owed again
        assert action.id is not None
        item = await uow.tracked.lock(action.id)
        assert item is not None
        item.accept(who=LIAISON, at=at(4))
        await uow.tracked.save(item)
        await uow.commit()
    async with tracking_uow(uow_factory) as uow:
        owed = await uow.tracked.unnotified(session_id=first)
        assert [(e.item_id, e.n) for e in owed] == [(_suggestion.id, 1), (action.id, 2)]


async def test_an_event_is_claimed_once_by_two_writers_at_the_same_moment(
        uow_factory: UnitOfWorkFactory) -> None:
    await _world(uow_factory)
    async with tracking_uow(uow_factory) as uow:
        event_id = (await uow.tracked.unnotified())[0].event_id
    results = await claimed_by_two_writers(
        uow_factory, lambda uow, when: uow.tracked.mark_notified(event_id, when))
    assert results == {"first": True, "second": False}


async def test_the_halls_switch_is_off_until_set_and_keeps_the_other_settings(
        uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        assert not await uow.halls.settled_notice(-100)
        await uow.halls.set_document(-100, HallDocument(to=("县政协办",)))
        await uow.halls.set_settled_notice(-100, True)
        await uow.halls.set_settled_notice(-300, True)  # a hall with nothing else set yet
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.halls.settled_notice(-100) and await uow.halls.settled_notice(-300)
        assert (await uow.halls.document(-100)).to == ("县政协办",)
        await uow.halls.set_settled_notice(-100, False)
        await uow.commit()
    async with uow_factory() as uow:
        assert not await uow.halls.settled_notice(-100)


async def test_many_takers_write_each_notice_once(uow_factory: UnitOfWorkFactory) -> None:
    """Four takers at once (as four processes would): the liaison is assigned the follow-up
    item once, and nothing is left owed."""
    for n in range(3):
        await _world(uow_factory, chat_id=-100 - n, code=f"CODE{n}")
    taken = await asyncio.gather(*(take_notices(
        tracking_uow(uow_factory), now=at(5), staff=[STAFF_ID], tz=BEIJING, limit=2)
        for _ in range(4)))
    while (more := await take_notices(tracking_uow(uow_factory), now=at(6), staff=[STAFF_ID],
                                      tz=BEIJING, limit=2)).events:
        taken.append(more)
    written = [(n.kind, n.to.chat_id, n.item.item_id) for t in taken for n in t.notices]
    assert sorted(written) == sorted(set(written))
    assert {(kind, chat) for kind, chat, _item in written} == {(NoticeKind.ASSIGNED,
                                                                 LIAISON_ID)}
    assert len(written) == 3
    async with tracking_uow(uow_factory) as uow:
        assert await uow.tracked.unnotified() == []


async def _act(uow_factory: UnitOfWorkFactory, item_id: int | None, *actions: str,
               minute: int) -> None:
    assert item_id is not None
    async with tracking_uow(uow_factory) as uow:
        item = await uow.tracked.lock(item_id)
        assert item is not None
        when = at(60 * minute)
        for action in actions:
            if action == "refer":
                item.refer(1, "县住建局", DUE, who=STAFF, at=when)
            elif action == "accept":
                item.accept(who=LIAISON, at=when)
            elif action == "reply":
                item.reply_with("已完成", who=LIAISON, at=when)
            elif action == "unsatisfied":
                item.evaluate(Satisfaction.UNSATISFIED, who=STAFF, at=when)
        await uow.tracked.save(item)
        await uow.commit()


async def test_the_group_hears_once_when_every_item_of_its_session_is_settled(
        uow_factory: UnitOfWorkFactory) -> None:
    session_id, (action, suggestion) = await _world(uow_factory)
    take = lambda: take_notices(tracking_uow(uow_factory), now=at(9000),  # noqa: E731
                                staff=[STAFF_ID], tz=BEIJING)
    await take()
    async with uow_factory() as uow:
        await uow.halls.set_settled_notice(-100, True)
        await uow.commit()
    await _act(uow_factory, action.id, "accept", "reply", minute=2)
    replied = await take()
    assert [n.kind for n in replied.notices] == [NoticeKind.REPLIED]  # to the moderator
    assert replied.notices[0].to.chat_id == 2**40 + 1
    assert replied.notices[0].item.held_on == at(0).astimezone(BEIJING).date()
    # both settled in one batch: the later reply tells the group, once
    await _act(uow_factory, action.id, "unsatisfied", minute=3)
    await _act(uow_factory, suggestion.id, "refer", "accept", "reply", minute=4)
    await _act(uow_factory, action.id, "reply", minute=5)
    notices = (await take()).notices
    settled = [n for n in notices if n.kind == NoticeKind.SETTLED]
    assert [(n.to.chat_id, n.items, n.item.item_id) for n in settled] == [(-100, 2, action.id)]
    # sent back and replied again, the suggestion referred and replied, before any of it was
    # written: the liaisons are not asked to handle what is closed now (the news was outran);
    # staff hear of the 不满意, the moderator of the last reply; the suggestion has no
    # proposer to tell (nobody spoke turn 1 in this record)
    assert [(n.kind, n.to.chat_id, n.item.item_id) for n in notices] == [
        (NoticeKind.UNSATISFIED, STAFF_ID, action.id),
        (NoticeKind.REPLIED, 2**40 + 1, action.id),
        (NoticeKind.SETTLED, -100, action.id)]
    assert (await take()).notices == ()
    async with uow_factory() as uow:
        await uow.halls.set_settled_notice(-100, False)
        await uow.commit()
    await _act(uow_factory, action.id, "unsatisfied", minute=6)  # stands: the second time
    assert [n.kind for n in (await take()).notices] == [NoticeKind.UNSATISFIED]
    assert session_id is not None
