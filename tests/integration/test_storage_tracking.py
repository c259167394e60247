"""Following items up: units, mappings, unknown names, tracked items and their events, stored
and read back as the domain made them, on both databases."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, date, datetime
from types import MappingProxyType

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from facilitation.ports import UnitOfWorkFactory
from facilitation.tracking import (
    Conversion,
    ItemStatus,
    Satisfaction,
    TrackedItem,
    Who,
    new_follow_up,
    new_suggestion,
)
from facilitation.units import (
    Match,
    Unit,
    UnitLevel,
    UnitMapping,
    UnknownUnitName,
    map_name,
    new_unit,
    resolve_unit,
    unknown_name,
)
from storage.tracking_repository import StaleItem
from tests.integration.storage_builders import (
    BEIJING,
    add_person,
    add_session,
    at,
    tracking_uow,
)

STAFF = Who(operator="cli:root")


async def _session(uow_factory: UnitOfWorkFactory, code: str = "ABC123",
                   chat_id: int = -100) -> tuple[int, int]:
    """(session id, moderator's person id)"""
    async with uow_factory() as uow:
        moderator = await uow.people.by_telegram_id(2**40 + 1) or await add_person(uow)
        session = await add_session(uow, moderator, code=code, chat_id=chat_id)
        await uow.commit()
    assert session.id is not None and moderator.id is not None
    return session.id, moderator.id


async def _unit(uow_factory: UnitOfWorkFactory, name: str, *aliases: str,
                level: UnitLevel = UnitLevel.COUNTY) -> Unit:
    async with tracking_uow(uow_factory) as uow:
        unit = await uow.units.add(new_unit(name, level, aliases))
        await uow.commit()
    return unit


# ------------------------------------------------------------------ units
async def test_unit_round_trip_and_save(uow_factory: UnitOfWorkFactory) -> None:
    unit = new_unit("县住房和城乡建设局", UnitLevel.COUNTY, ["县住建局", "住建局"])
    unit.add_liaison(2**40 + 9)
    unit.add_liaison(7)  # kept in the order added, not by number
    async with tracking_uow(uow_factory) as uow:
        added = await uow.units.add(replace(unit))
        await uow.commit()
    assert added.id is not None
    async with tracking_uow(uow_factory) as uow:
        assert await uow.units.get(added.id) == added
        assert await uow.units.list() == [added]
        assert await uow.units.by_liaison(7) == [added]
        assert await uow.units.get(added.id + 1) is None
        added.name, added.level = "县住建局（新）", UnitLevel.TOWN
        added.aliases = ("住建局", "县住房城乡建设局")  # one dropped, one added
        added.remove_liaison(2**40 + 9)
        added.add_liaison(8)
        await uow.units.save(added)
        await uow.commit()
    async with tracking_uow(uow_factory) as uow:
        assert await uow.units.get(added.id) == added
        assert await uow.units.by_liaison(2**40 + 9) == []
        assert [u.id for u in await uow.units.by_liaison(8)] == [added.id]


async def test_units_list_in_the_order_added_with_their_names(
        uow_factory: UnitOfWorkFactory) -> None:
    first = await _unit(uow_factory, "县民政局", "民政局")
    second = await _unit(uow_factory, "平桥镇城建办", level=UnitLevel.TOWN)
    async with tracking_uow(uow_factory) as uow:
        second.add_liaison(11)
        first.add_liaison(11)  # one person, two units
        await uow.units.save(first)
        await uow.units.save(second)
        await uow.commit()
    async with tracking_uow(uow_factory) as uow:
        assert await uow.units.list() == [first, second]
        assert await uow.units.by_liaison(11) == [first, second]


async def test_alias_and_name_are_unique_across_units(uow_factory: UnitOfWorkFactory) -> None:
    await _unit(uow_factory, "县住房和城乡建设局", "住建局")
    async with tracking_uow(uow_factory) as uow:
        with pytest.raises(IntegrityError):
            await uow.units.add(Unit("住建部门", UnitLevel.COUNTY, aliases=("住建局",)))
    async with tracking_uow(uow_factory) as uow:
        with pytest.raises(IntegrityError):
            await uow.units.add(Unit("县住房和城乡建设局", UnitLevel.TOWN))
    async with tracking_uow(uow_factory) as uow:
        other = await uow.units.add(Unit("县交通运输局", UnitLevel.COUNTY))
        other.add_alias("住建局")
        with pytest.raises(IntegrityError):
            await uow.units.save(other)
    async with tracking_uow(uow_factory) as uow:
        assert [u.name for u in await uow.units.list()] == ["县住房和城乡建设局"]


async def test_mapping_is_remembered_and_resolves(uow_factory: UnitOfWorkFactory) -> None:
    roads = await _unit(uow_factory, "县交通运输局", "交通局")
    person = (await _session(uow_factory))[1]
    async with tracking_uow(uow_factory) as uow:
        directory = await uow.units.directory()
        assert resolve_unit("路政所", directory).match == Match.UNKNOWN
        mapping = map_name("路政所", roads, by=person, at=at(5), directory=directory)
        await uow.units.add_mapping(mapping)
        await uow.commit()
    async with tracking_uow(uow_factory) as uow:
        directory = await uow.units.directory()
        assert directory.mappings == (UnitMapping("路政所", roads.id or 0, person, at(5)),)
        assert directory.units == (roads,)
        found = resolve_unit("县 路政所", directory)  # the same normalised form
        assert (found.match, found.unit) == (Match.MAPPING, roads)
        with pytest.raises(IntegrityError):  # one mapping per normalised form
            await uow.units.add_mapping(UnitMapping("县路政所", roads.id or 0))


async def test_unknown_names_once_per_form_until_mapped(uow_factory: UnitOfWorkFactory) -> None:
    session_id, _ = await _session(uow_factory)
    a = await _unit(uow_factory, "区城建办", level=UnitLevel.COUNTY)
    b = await _unit(uow_factory, "县城建办", level=UnitLevel.COUNTY)  # the same form 城建办
    async with tracking_uow(uow_factory) as uow:
        directory = await uow.units.directory()
        vague = unknown_name(resolve_unit("城建办", directory), session_id=session_id,
                             item_id=None, at=at(10))
        lost = unknown_name(resolve_unit("水务站", directory), session_id=None, item_id=None,
                            at=at(20))
        assert vague is not None and lost is not None and vague.candidates
        await uow.units.add_unknown(lost)
        await uow.units.add_unknown(vague)
        await uow.units.add_unknown(replace(vague, written="城建办 ", seen_at=at(30)))
        await uow.commit()
    async with tracking_uow(uow_factory) as uow:
        assert await uow.units.unknown() == [vague, lost]  # the oldest first
        assert set(vague.candidates) == {a.id, b.id}
        await uow.units.drop_unknown("城建办公室")  # 办公室 is read as 办: the same form
        await uow.commit()
    async with tracking_uow(uow_factory) as uow:
        assert await uow.units.unknown() == [lost]
        assert lost == UnknownUnitName("水务站", seen_at=at(20))


# ------------------------------------------------------------------ tracked items
def _suggestion(session_id: int, seq: int = 3,
                text: str = "建议在北门增设非机动车停放点") -> TrackedItem:
    return new_suggestion(session_id, seq, text, number=1, proposers=("王秀英", "李四"),
                          category="交通", version=1, at=at(100).astimezone(BEIJING))


async def test_item_round_trip_through_its_whole_life(uow_factory: UnitOfWorkFactory) -> None:
    session_id, person = await _session(uow_factory)
    unit = await _unit(uow_factory, "县住房和城乡建设局", "住建局")
    assert unit.id is not None
    liaison = Who(person_id=person)
    item = _suggestion(session_id)
    async with tracking_uow(uow_factory) as uow:
        await uow.tracked.add(item)
        await uow.commit()
    assert item.id is not None
    steps = [
        lambda t: t.refer(unit.id, "住建局", date(2026, 12, 31), who=STAFF, at=at(200)),
        lambda t: t.accept(who=liaison, at=at(300)),
        lambda t: t.progress("已现场查看", who=liaison, at=at(400)),
        lambda t: t.change_deadline(date(2027, 1, 15), reason="需协调用地", who=STAFF,
                                    at=at(450)),
        lambda t: t.reply_with("已增设50个车位", "docs/reply-1.pdf", who=liaison, at=at(500)),
        lambda t: t.evaluate(Satisfaction.UNSATISFIED, who=Who(person_id=person), at=at(600)),
        lambda t: t.reply_with("又增设20个", who=liaison, at=at(700)),
        lambda t: t.evaluate(Satisfaction.BASICALLY, who=Who(person_id=person), at=at(800)),
    ]
    for step in steps:  # one unit of work per action, as the use cases will do
        async with tracking_uow(uow_factory) as uow:
            loaded = await uow.tracked.lock(item.id)
            assert loaded == item
            step(item)
            step(loaded)
            await uow.tracked.save(loaded)
            await uow.commit()
    async with tracking_uow(uow_factory) as uow:
        stored = await uow.tracked.get(item.id)
        events = await uow.tracked.events(item.id)
    assert stored == item
    assert stored is not None and stored.status == ItemStatus.EVALUATED and stored.reopens == 1
    assert stored.reply is not None and stored.reply.text == "又增设20个"
    assert tuple(events) == item.events and len(events) == 1 + len(steps)
    assert all(e.at.tzinfo is UTC for e in events)
    assert events[0].detail["proposers"] == ["王秀英", "李四"]
    assert isinstance(events[0].detail, MappingProxyType)


async def test_other_lives_round_trip(uow_factory: UnitOfWorkFactory) -> None:
    session_id, person = await _session(uow_factory)
    unit = await _unit(uow_factory, "县交通运输局")
    assert unit.id is not None
    converted = _suggestion(session_id, 1, "建议将停车难问题形成提案")
    converted.convert(Conversion.PROPOSAL, None, who=STAFF, at=at(110))
    converted.number_conversion("政协提案第12号", who=STAFF, at=at(120))
    reserved = _suggestion(session_id, 2, "建议修建地下停车场")
    reserved.reserve("投资过大，留作参考", who=STAFF, at=at(130))
    follow = new_follow_up(session_id, 5, "修复北门路灯", unit_name="路政所", unit_id=None,
                           deadline=date(2026, 12, 1), version=1, at=at(140))
    follow.map_unit(unit.id, who=Who(person_id=person), at=at(150))
    withdrawn = _suggestion(session_id, 4, "建议延长公交末班车")
    withdrawn.withdraw(version=2, who=STAFF, at=at(160), reason="纪要第2版删去")
    async with tracking_uow(uow_factory) as uow:
        for item in (converted, reserved, follow, withdrawn):
            await uow.tracked.add(item)
        await uow.commit()
    async with tracking_uow(uow_factory) as uow:
        stored = await uow.tracked.for_session(session_id)
    assert stored == [converted, reserved, withdrawn, follow]  # suggestions, then the rest
    assert stored[0].reference == "政协提案第12号" and stored[2].status == ItemStatus.WITHDRAWN


async def test_events_are_append_only(uow_factory: UnitOfWorkFactory) -> None:
    session_id, _ = await _session(uow_factory)
    item = _suggestion(session_id)
    async with tracking_uow(uow_factory) as uow:
        await uow.tracked.add(item)
        await uow.tracked.save(item)  # nothing new: nothing appended
        item.reserve("已有类似项目", who=STAFF, at=at(200))
        await uow.tracked.save(item)
        await uow.tracked.save(item)
        await uow.commit()
    assert item.id is not None
    original = item.events
    # an earlier event changed in hand is not written back
    item.history[0] = replace(item.history[0], at=at(1), who=Who(operator="forged"))
    async with tracking_uow(uow_factory) as uow:
        await uow.tracked.save(item)
        await uow.commit()
    # the last stored one changed in hand: the history does not go on from the stored one
    item.history[1] = replace(item.history[1], detail=MappingProxyType({"reason": "改写"}))
    async with tracking_uow(uow_factory) as uow:
        with pytest.raises(StaleItem):
            await uow.tracked.save(item)
    async with tracking_uow(uow_factory) as uow:
        assert tuple(await uow.tracked.events(item.id)) == original
        assert await uow.tracked.get(item.id) == replace(item, history=list(original))
        count = (await uow.session.execute(text(
            "SELECT count(*), min(n), max(n) FROM item_events"))).one()
    assert tuple(count) == (2, 1, 2)


async def test_a_stale_item_is_refused(uow_factory: UnitOfWorkFactory) -> None:
    session_id, _ = await _session(uow_factory)
    item = _suggestion(session_id)
    async with tracking_uow(uow_factory) as uow:
        await uow.tracked.add(item)
        await uow.commit()
    assert item.id is not None
    async with tracking_uow(uow_factory) as uow:
        stale = await uow.tracked.get(item.id)
    async with tracking_uow(uow_factory) as uow:
        fresh = await uow.tracked.lock(item.id)
        assert fresh is not None
        fresh.reserve("留作参考", who=STAFF, at=at(200))
        await uow.tracked.save(fresh)
        await uow.commit()
    assert stale is not None
    async with tracking_uow(uow_factory) as uow:
        with pytest.raises(StaleItem):
            await uow.tracked.save(stale)  # fewer events than are stored
        stale.convert(Conversion.OPINION, "社情民意第3期", who=STAFF, at=at(210))
        with pytest.raises(StaleItem):  # as many, but its event 2 is not the stored one
            await uow.tracked.save(stale)
        with pytest.raises(LookupError):
            await uow.tracked.save(replace(stale, id=item.id + 100))
        with pytest.raises(ValueError, match="no id"):
            await uow.tracked.save(replace(stale, id=None))
    async with tracking_uow(uow_factory) as uow:
        assert await uow.tracked.get(item.id) == fresh
        assert await uow.tracked.get(item.id + 100) is None
        assert await uow.tracked.events(item.id + 100) == []


async def test_open_items_overdue_first(uow_factory: UnitOfWorkFactory) -> None:
    session_id, _ = await _session(uow_factory)
    other_session, _ = await _session(uow_factory, code="XYZ789", chat_id=-200)
    roads = await _unit(uow_factory, "县交通运输局")
    water = await _unit(uow_factory, "县水利局")
    assert roads.id is not None and water.id is not None

    def follow(session: int, seq: int, unit: Unit, deadline: date | None) -> TrackedItem:
        return new_follow_up(session, seq, f"事项{seq}", unit_name=unit.name, unit_id=unit.id,
                             deadline=deadline, at=at(seq))

    late = follow(session_id, 1, roads, date(2026, 11, 1))
    soon = follow(session_id, 2, roads, date(2026, 12, 20))
    undated = follow(other_session, 3, roads, None)
    earliest = follow(other_session, 4, roads, date(2026, 10, 1))
    elsewhere = follow(session_id, 5, water, date(2026, 9, 1))
    done = follow(session_id, 6, roads, date(2026, 9, 1))
    done.accept(who=STAFF, at=at(10))
    done.reply_with("已完成", who=STAFF, at=at(11))
    pending = _suggestion(session_id, 7)
    async with tracking_uow(uow_factory) as uow:
        for item in (late, soon, undated, earliest, elsewhere, done, pending):
            await uow.tracked.add(item)
        await uow.commit()
    async with tracking_uow(uow_factory) as uow:
        by_unit = await uow.tracked.open_items(unit_id=roads.id)
        in_session = await uow.tracked.open_items(session_id=session_id)
        in_hall = await uow.tracked.open_items(chat_id=-200)
        everywhere = await uow.tracked.open_items()
        both = await uow.tracked.open_items(unit_id=roads.id, session_id=session_id)
        per_unit = await uow.tracked.open_per_unit()
    assert by_unit == [earliest, late, soon, undated]
    assert in_session == [elsewhere, late, soon, pending]
    assert in_hall == [earliest, undated]
    assert everywhere == [elsewhere, earliest, late, soon, pending, undated]
    assert both == [late, soon]
    assert per_unit == {roads.id: 4, water.id: 1}
    now = datetime(2026, 11, 15, tzinfo=UTC)
    assert [t.is_overdue(now, BEIJING) for t in by_unit] == [True, True, False, False]


async def test_open_items_without_a_unit(uow_factory: UnitOfWorkFactory) -> None:
    session_id, _ = await _session(uow_factory)
    other_session, _ = await _session(uow_factory, code="XYZ789", chat_id=-200)
    roads = await _unit(uow_factory, "县交通运输局")

    def follow(session: int, seq: int, unit_id: int | None,
               deadline: date | None) -> TrackedItem:
        return new_follow_up(session, seq, f"事项{seq}", unit_name="县交通局",
                             unit_id=unit_id, deadline=deadline, at=at(seq))

    waiting = follow(session_id, 1, None, date(2026, 12, 1))
    undated = follow(session_id, 2, None, None)
    earliest = follow(other_session, 3, None, date(2026, 10, 1))
    given = follow(session_id, 4, roads.id, date(2026, 9, 1))
    gone = follow(session_id, 5, None, date(2026, 9, 1))
    gone.withdraw(version=2, who=STAFF, at=at(10))
    pending = _suggestion(session_id, 6)
    async with tracking_uow(uow_factory) as uow:
        for item in (waiting, undated, earliest, given, gone, pending):
            await uow.tracked.add(item)
        await uow.commit()
    async with tracking_uow(uow_factory) as uow:
        assert await uow.tracked.open_without_unit() == [earliest, waiting, undated, pending]


async def test_lock_serialises_writers_of_an_item(uow_factory: UnitOfWorkFactory) -> None:
    session_id, _ = await _session(uow_factory)
    unit = await _unit(uow_factory, "县水利局")
    item = new_follow_up(session_id, 1, "疏通排水沟", unit_name=unit.name, unit_id=unit.id,
                         deadline=date(2026, 12, 1), at=at(1))
    item.accept(who=STAFF, at=at(2))
    async with tracking_uow(uow_factory) as uow:
        await uow.tracked.add(item)
        await uow.commit()
    assert item.id is not None
    item_id = item.id

    async def note(k: int) -> None:
        async with tracking_uow(uow_factory) as uow:
            locked = await uow.tracked.lock(item_id)
            assert locked is not None
            locked.progress(f"进展{k}", who=STAFF, at=at(10 + k))
            await uow.tracked.save(locked)
            await uow.commit()

    await asyncio.gather(*(note(k) for k in range(8)))
    async with tracking_uow(uow_factory) as uow:
        stored = await uow.tracked.get(item_id)
    assert stored is not None and stored.status == ItemStatus.IN_PROGRESS
    assert [e.n for e in stored.events] == list(range(1, 11))
    assert sorted(e.detail["note"] for e in stored.events[2:]) == [f"进展{k}" for k in range(8)]
