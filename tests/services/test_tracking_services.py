"""Following items up, on in-memory fakes: approved minutes to items, every action, who may
take it, reminders rescheduled and cleared, the /track read side."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from facilitation.errors import DomainError, InvalidInput, InvalidState, NotFound, PermissionDenied
from facilitation.ports import ScheduledReminder
from facilitation.reminders import ReminderKind
from facilitation.services import Actor
from facilitation.tracking import (
    Conversion,
    EventKind,
    ItemKind,
    ItemStatus,
    Satisfaction,
    replay,
)
from facilitation.tracking_access import LiveRoles
from facilitation.tracking_reminding import due_reminders, mark_reminder_sent
from facilitation.tracking_services import (
    accept,
    change_deadline,
    convert,
    evaluate,
    progress,
    reassign,
    refer,
    reply,
    reserve,
    track_approved,
)
from facilitation.tracking_units import add_liaison, add_unit, map_unit_name, waiting_names
from facilitation.tracking_views import open_items
from facilitation.units import UnitLevel
from tests.fakes import FakeClock
from tests.services.scenes import MOD, STAFF, A, B, held
from tests.services.tracking_fakes import FakeTrackingUowFactory

LIAISON = Actor(7, "住建局联络员")
TZ = timezone(timedelta(hours=8))
ROLES = LiveRoles()
NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)  # 17:00 in the hall

LAMP = {"seq": 1, "text": "建议在小区东门划20个临时停车位。", "number": 1, "proposers": ["张三"]}
PARK = {"seq": 2, "text": "建议整治夜间违停。", "number": 2, "proposers": ["李四"]}
BUILD = {"seq": 2, "text": "县住建局牵头完成停车位施划", "unit": "县住建局",
         "deadline": "2026-12-31"}
PATROL = {"seq": 1, "text": "交警队加强夜间巡查", "unit": "交警队", "deadline": "2026-12-20"}
V1 = {"suggestions": [LAMP, PARK], "actions": [BUILD, PATROL]}


def minutes(suggestions: list[dict[str, Any]], actions: list[dict[str, Any]]) -> str:
    return json.dumps({"suggestions": suggestions, "actions": actions}, ensure_ascii=False)


V1_BODY = json.dumps(V1, ensure_ascii=False)


async def world(uow: FakeTrackingUowFactory, clock: FakeClock) -> int:
    """A closed session where 张三 (turn 1) and 李四 (turn 2) spoke, and the unit 县住房和城乡
    建设局 (also called 县住建局) with a liaison."""
    session_id = await held(uow, clock)
    added = await add_unit(uow(), name="县住房和城乡建设局", level=UnitLevel.COUNTY,
                           aliases=["县住建局"], actor=STAFF, roles=ROLES, now=NOW, tz=TZ)
    assert added.unit.id is not None
    await add_liaison(uow(), unit=added.unit.id, telegram_user_id=LIAISON.user_id, actor=STAFF,
                      roles=ROLES)
    return session_id


async def approved(uow: FakeTrackingUowFactory, session_id: int, body: str, version: int,
                   now: datetime = NOW) -> Any:
    return await track_approved(uow(), session_id=session_id, minutes_json=body,
                                version=version, now=now, tz=TZ)


def item(uow: FakeTrackingUowFactory, kind: ItemKind, seq: int) -> Any:
    found = [replay(h, i) for i, h in uow.store.items.items()]
    return next(t for t in found if t.kind == kind and t.seq == seq
                and t.status != ItemStatus.WITHDRAWN)


def pending(uow: FakeTrackingUowFactory, item_id: int) -> list[tuple[str, datetime]]:
    return [(r.key, r.due_at) for r in uow.store.reminders.values()
            if r.item_id == item_id and r.sent_at is None]


def local_nine(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 1, 0, tzinfo=UTC)  # 09:00 at UTC+8


def frozen(uow: FakeTrackingUowFactory) -> tuple[Any, ...]:
    store = uow.store
    return ({i: list(h) for i, h in store.items.items()}, dict(store.reminders),
            list(store.unknown), list(store.mappings), dict(store.units))


# ------------------------------------------------------------------ approving minutes
async def test_approving_creates_items_resolves_units_and_schedules_reminders(
        tracking: FakeTrackingUowFactory, clock: FakeClock) -> None:
    session_id = await world(tracking, clock)
    result = await approved(tracking, session_id, minutes([LAMP, PARK], [BUILD, PATROL]), 1)
    assert [(t.kind, t.seq, t.status) for t in result.created] == [
        (ItemKind.SUGGESTION, 1, ItemStatus.PENDING), (ItemKind.SUGGESTION, 2, ItemStatus.PENDING),
        (ItemKind.FOLLOW_UP, 2, ItemStatus.REFERRED), (ItemKind.FOLLOW_UP, 1, ItemStatus.REFERRED)]
    assert (result.kept, result.withdrawn, result.unknown_units) == ((), (), ("交警队",))
    build, patrol = item(tracking, ItemKind.FOLLOW_UP, 2), item(tracking, ItemKind.FOLLOW_UP, 1)
    unit = next(iter(tracking.store.units.values()))
    assert (build.unit_id, patrol.unit_id, patrol.unit_name) == (unit.id, None, "交警队")
    # the next reminder: 7 days before the deadline, at 09:00 in the hall
    assert pending(tracking, build.id) == [("2026-12-31/before/7", local_nine(date(2026, 12, 24)))]
    assert pending(tracking, patrol.id) == []  # no unit yet: nobody to remind
    [waiting] = tracking.store.unknown
    assert (waiting.written, waiting.session_id, waiting.item_id) == ("交警队", session_id,
                                                                      patrol.id)


async def test_tracking_is_idempotent_across_two_versions(
        tracking: FakeTrackingUowFactory, clock: FakeClock) -> None:
    session_id = await world(tracking, clock)
    v1 = minutes([LAMP, PARK], [BUILD, PATROL])
    await approved(tracking, session_id, v1, 1)
    build = item(tracking, ItemKind.FOLLOW_UP, 2)
    # staff move a deadline: a repeated run of version 1 must not undo it
    await change_deadline(tracking(), item_id=build.id, deadline=date(2027, 1, 15),
                          reason="施工期延长", actor=STAFF, roles=ROLES, now=NOW, tz=TZ)
    before = frozen(tracking)
    again = await approved(tracking, session_id, v1, 1)
    assert again.already and again.created == again.kept == again.withdrawn == ()
    assert frozen(tracking) == before

    # version 2: the lamp reworded (kept), 违停 dropped (withdrawn), a new suggestion, the
    # patrol dropped, the works given a new deadline by the minutes
    lamp2 = dict(LAMP, text="建议在小区东门施划20个临时停车位。")
    new = {"seq": 2, "text": "建议增设电动车充电桩。", "number": 2, "proposers": ["李四"]}
    build2 = dict(BUILD, deadline="2027-01-31")
    later = NOW + timedelta(days=1)
    v2 = minutes([lamp2, new], [build2])
    result = await approved(tracking, session_id, v2, 2, later)
    assert [t.text for t in result.kept] == ["建议在小区东门施划20个临时停车位。",
                                             "县住建局牵头完成停车位施划"]
    assert [t.text for t in result.created] == ["建议增设电动车充电桩。"]
    assert sorted(t.text for t in result.withdrawn) == ["交警队加强夜间巡查", "建议整治夜间违停。"]
    lamp = item(tracking, ItemKind.SUGGESTION, 1)
    assert [e.kind for e in lamp.history] == [EventKind.CREATED, EventKind.REVISED]
    build = item(tracking, ItemKind.FOLLOW_UP, 2)
    assert build.deadline == date(2027, 1, 31) and build.history[-1].detail["reason"] == "纪要第2版"
    assert pending(tracking, build.id) == [("2027-01-31/before/7", local_nine(date(2027, 1, 24)))]

    before = frozen(tracking)
    for version in (2, 1):  # repeated, and an older one arriving late
        assert (await approved(tracking, session_id, v2, version, later)).already
    assert frozen(tracking) == before

    # version 3 brings 违停 back: reinstated, not created anew
    v3 = minutes([lamp2, PARK, new], [build2])
    result = await approved(tracking, session_id, v3, 3, later)
    assert result.created == () and result.withdrawn == ()
    park = next(t for t in result.kept if t.text == PARK["text"])
    assert park.status == ItemStatus.PENDING and park.history[-1].kind == EventKind.REINSTATED


async def test_a_withdrawn_item_loses_its_reminder_and_a_reinstated_one_gets_it_back(
        tracking: FakeTrackingUowFactory, clock: FakeClock) -> None:
    session_id = await world(tracking, clock)
    await approved(tracking, session_id, minutes([], [BUILD]), 1)
    build = item(tracking, ItemKind.FOLLOW_UP, 2)
    assert pending(tracking, build.id) != []
    await approved(tracking, session_id, minutes([], []), 2)
    assert pending(tracking, build.id) == []
    await approved(tracking, session_id, minutes([], [BUILD]), 3)
    assert pending(tracking, build.id) == [("2026-12-31/before/7", local_nine(date(2026, 12, 24)))]


async def test_tracking_an_unknown_session_is_refused(tracking: FakeTrackingUowFactory) -> None:
    with pytest.raises(NotFound):
        await approved(tracking, 404, minutes([LAMP], []), 1)


# ------------------------------------------------------------------ staff's actions
async def test_staff_refer_a_suggestion_with_the_default_deadline(
        tracking: FakeTrackingUowFactory, clock: FakeClock) -> None:
    session_id = await world(tracking, clock)
    await approved(tracking, session_id, V1_BODY, 1)
    lamp = item(tracking, ItemKind.SUGGESTION, 1)
    with pytest.raises(PermissionDenied) as denied:
        await refer(tracking(), item_id=lamp.id, unit="住建局", deadline=None, actor=A,
                    roles=ROLES, now=NOW, tz=TZ)
    assert denied.value.code == "not_staff"
    with pytest.raises(NotFound) as unknown:
        await refer(tracking(), item_id=lamp.id, unit="环保局", deadline=None, actor=STAFF,
                    roles=ROLES, now=NOW, tz=TZ)
    assert unknown.value.code == "unit_not_found"
    referred = await refer(tracking(), item_id=lamp.id, unit="住建局", deadline=None,
                           actor=STAFF, roles=ROLES, now=NOW, tz=TZ)
    assert (referred.status, referred.unit_name, referred.deadline) == (
        ItemStatus.REFERRED, "县住房和城乡建设局", date(2026, 12, 27))  # 30 days on
    assert referred.history[-1].who.person_id is not None
    assert pending(tracking, lamp.id) == [("2026-12-27/before/7", local_nine(date(2026, 12, 20)))]
    with pytest.raises(NotFound) as missing:
        await refer(tracking(), item_id=999, unit="住建局", deadline=None, actor=STAFF,
                    roles=ROLES, now=NOW, tz=TZ)
    assert missing.value.code == "item_not_found"


async def test_staff_convert_number_and_reserve(tracking: FakeTrackingUowFactory,
                                               clock: FakeClock) -> None:
    session_id = await world(tracking, clock)
    await approved(tracking, session_id, V1_BODY, 1)
    lamp, park = item(tracking, ItemKind.SUGGESTION, 1), item(tracking, ItemKind.SUGGESTION, 2)
    with pytest.raises(PermissionDenied):
        await convert(tracking(), item_id=lamp.id, kind=Conversion.PROPOSAL, reference=None,
                      actor=LIAISON, roles=ROLES, now=NOW)
    done = await convert(tracking(), item_id=lamp.id, kind=Conversion.PROPOSAL, reference=None,
                         actor=STAFF, roles=ROLES, now=NOW)
    assert (done.status, done.conversion, done.reference) == (ItemStatus.CONVERTED,
                                                              Conversion.PROPOSAL, None)
    numbered = await convert(tracking(), item_id=lamp.id, kind=Conversion.PROPOSAL,
                             reference="第12号", actor=STAFF, roles=ROLES, now=NOW)
    assert numbered.reference == "第12号" and numbered.history[-1].kind == EventKind.NUMBERED
    with pytest.raises(InvalidInput) as no_reason:
        await reserve(tracking(), item_id=park.id, reason=" ", actor=STAFF, roles=ROLES, now=NOW)
    assert no_reason.value.code == "item_reason_required"
    with pytest.raises(PermissionDenied):
        await reserve(tracking(), item_id=park.id, reason="已纳入规划", actor=B, roles=ROLES,
                      now=NOW)
    kept = await reserve(tracking(), item_id=park.id, reason="已纳入规划", actor=STAFF,
                         roles=ROLES, now=NOW)
    assert (kept.status, kept.reason) == (ItemStatus.RESERVED, "已纳入规划")
    assert pending(tracking, park.id) == []


async def test_changing_a_deadline_reschedules_the_reminder(
        tracking: FakeTrackingUowFactory, clock: FakeClock) -> None:
    session_id = await world(tracking, clock)
    await approved(tracking, session_id, V1_BODY, 1)
    build = item(tracking, ItemKind.FOLLOW_UP, 2)
    with pytest.raises(PermissionDenied) as denied:
        await change_deadline(tracking(), item_id=build.id, deadline=date(2026, 12, 10),
                              reason="提前", actor=LIAISON, roles=ROLES, now=NOW, tz=TZ)
    assert denied.value.code == "not_staff"
    with pytest.raises(InvalidInput):
        await change_deadline(tracking(), item_id=build.id, deadline=date(2026, 12, 10),
                              reason=None, actor=STAFF, roles=ROLES, now=NOW, tz=TZ)
    changed = await change_deadline(tracking(), item_id=build.id, deadline=date(2026, 12, 10),
                                    reason="春节前完成", actor=STAFF, roles=ROLES, now=NOW, tz=TZ)
    assert changed.deadline == date(2026, 12, 10)
    assert pending(tracking, build.id) == [("2026-12-10/before/7", local_nine(date(2026, 12, 3)))]


async def test_reassigning_moves_an_item_to_another_unit_with_a_reason(
        tracking: FakeTrackingUowFactory, clock: FakeClock) -> None:
    session_id = await world(tracking, clock)
    await approved(tracking, session_id, V1_BODY, 1)
    await add_unit(tracking(), name="县交通运输局", level=UnitLevel.COUNTY, aliases=["交通局"],
                   actor=STAFF, roles=ROLES, now=NOW, tz=TZ)
    build, lamp = item(tracking, ItemKind.FOLLOW_UP, 2), item(tracking, ItemKind.SUGGESTION, 1)
    before = frozen(tracking)
    refusals: list[tuple[dict[str, Any], str]] = [
        (dict(item_id=build.id, unit="交通局", reason="不属本局", actor=LIAISON), "not_staff"),
        (dict(item_id=build.id, unit="交通局", reason=" ", actor=STAFF), "item_reason_required"),
        (dict(item_id=build.id, unit="环保局", reason="不属本局", actor=STAFF), "unit_not_found"),
        (dict(item_id=lamp.id, unit="交通局", reason="不属本局", actor=STAFF),
         "item_illegal_transition"),  # pending: 交办 (refer), not 改交办
    ]
    for said, code in refusals:
        with pytest.raises(DomainError) as refused:
            await reassign(tracking(), roles=ROLES, now=NOW, tz=TZ, **said)
        assert refused.value.code == code, said
    assert frozen(tracking) == before
    moved = await reassign(tracking(), item_id=build.id, unit="交通局", reason="道路施划属交通部门",
                           actor=STAFF, roles=ROLES, now=NOW, tz=TZ)
    assert (moved.status, moved.unit_name, moved.deadline) == (
        ItemStatus.REFERRED, "县交通运输局", date(2026, 12, 31))  # its deadline stays
    last = moved.history[-1]
    assert (last.kind, last.detail["reason"]) == (EventKind.REASSIGNED, "道路施划属交通部门")
    assert last.who.person_id is not None
    assert pending(tracking, build.id) == [("2026-12-31/before/7", local_nine(date(2026, 12, 24)))]
    again = await reassign(tracking(), item_id=build.id, unit=f"#{build.unit_id}",
                           reason="交通局答复不属其职责", deadline=date(2027, 1, 15),
                           actor=STAFF, roles=ROLES, now=NOW, tz=TZ)
    assert (again.unit_id, again.deadline) == (build.unit_id, date(2027, 1, 15))
    assert pending(tracking, build.id) == [("2027-01-15/before/7", local_nine(date(2027, 1, 8)))]


# ------------------------------------------------------------------ the unit's and the proposer's
async def test_a_liaison_accepts_reports_and_replies_and_the_proposer_evaluates(
        tracking: FakeTrackingUowFactory, clock: FakeClock) -> None:
    session_id = await world(tracking, clock)
    await approved(tracking, session_id, V1_BODY, 1)
    lamp = item(tracking, ItemKind.SUGGESTION, 1)
    await refer(tracking(), item_id=lamp.id, unit="县住建局", deadline=date(2026, 12, 20),
                actor=STAFF, roles=ROLES, now=NOW, tz=TZ)
    for actor in (A, STAFF):
        with pytest.raises(PermissionDenied) as denied:
            await accept(tracking(), item_id=lamp.id, actor=actor, roles=ROLES, now=NOW)
        assert denied.value.code == "item_not_liaison"
    assert (await accept(tracking(), item_id=lamp.id, actor=LIAISON, roles=ROLES,
                         now=NOW)).status == ItemStatus.ACCEPTED
    before = pending(tracking, lamp.id)
    noted = await progress(tracking(), item_id=lamp.id, note="已现场踏勘", actor=LIAISON,
                           roles=ROLES, now=NOW)
    assert noted.status == ItemStatus.IN_PROGRESS and pending(tracking, lamp.id) == before
    with pytest.raises(InvalidInput):
        await reply(tracking(), item_id=lamp.id, actor=LIAISON, roles=ROLES, now=NOW)
    done = await reply(tracking(), item_id=lamp.id, text="已施划20个车位", actor=LIAISON,
                       roles=ROLES, now=NOW)
    assert done.status == ItemStatus.DONE and pending(tracking, lamp.id) == []

    with pytest.raises(PermissionDenied) as denied:
        await evaluate(tracking(), item_id=lamp.id, satisfaction=Satisfaction.SATISFIED,
                       actor=B, roles=ROLES, now=NOW, tz=TZ)
    assert denied.value.code == "item_not_proposer"
    reopened = await evaluate(tracking(), item_id=lamp.id, satisfaction=Satisfaction.UNSATISFIED,
                              actor=A, roles=ROLES, now=NOW, tz=TZ)
    assert reopened.status == ItemStatus.REOPENED  # 再办理: reminders run again
    assert pending(tracking, lamp.id) == [("2026-12-20/before/7", local_nine(date(2026, 12, 13)))]
    await reply(tracking(), item_id=lamp.id, document="files/reply.pdf", actor=LIAISON,
                roles=ROLES, now=NOW)
    settled = await evaluate(tracking(), item_id=lamp.id, satisfaction=Satisfaction.BASICALLY,
                             actor=A, roles=ROLES, now=NOW, tz=TZ)
    assert settled.status == ItemStatus.EVALUATED and pending(tracking, lamp.id) == []


async def test_joint_proposers_and_the_moderator_for_follow_up_items(
        tracking: FakeTrackingUowFactory, clock: FakeClock) -> None:
    session_id = await world(tracking, clock)
    joint = dict(LAMP, proposers=["张三", "李四"])
    await approved(tracking, session_id, minutes([joint], [BUILD]), 1)
    lamp, build = item(tracking, ItemKind.SUGGESTION, 1), item(tracking, ItemKind.FOLLOW_UP, 2)
    await refer(tracking(), item_id=lamp.id, unit="县住建局", deadline=date(2026, 12, 20),
                actor=STAFF, roles=ROLES, now=NOW, tz=TZ)
    for item_id in (lamp.id, build.id):
        await accept(tracking(), item_id=item_id, actor=LIAISON, roles=ROLES, now=NOW)
        await reply(tracking(), item_id=item_id, text="已办", actor=LIAISON, roles=ROLES,
                    now=NOW)
    # 李四 signed in and is named: may evaluate; on the follow-up item only the moderator
    assert (await evaluate(tracking(), item_id=lamp.id, satisfaction=Satisfaction.SATISFIED,
                           actor=B, roles=ROLES, now=NOW, tz=TZ)).status == ItemStatus.EVALUATED
    with pytest.raises(PermissionDenied):
        await evaluate(tracking(), item_id=build.id, satisfaction=Satisfaction.SATISFIED,
                       actor=A, roles=ROLES, now=NOW, tz=TZ)
    assert (await evaluate(tracking(), item_id=build.id, satisfaction=Satisfaction.SATISFIED,
                           actor=MOD, roles=ROLES, now=NOW, tz=TZ)).status == ItemStatus.EVALUATED


async def test_a_refused_action_changes_nothing(tracking: FakeTrackingUowFactory,
                                               clock: FakeClock) -> None:
    session_id = await world(tracking, clock)
    await approved(tracking, session_id, V1_BODY, 1)
    build = item(tracking, ItemKind.FOLLOW_UP, 2)
    before = frozen(tracking)
    people = dict(tracking.store.people)
    with pytest.raises(DomainError):
        await evaluate(tracking(), item_id=build.id, satisfaction=Satisfaction.SATISFIED,
                       actor=MOD, roles=ROLES, now=NOW, tz=TZ)  # not replied yet
    with pytest.raises(PermissionDenied):
        await accept(tracking(), item_id=build.id, actor=Actor(55, "路人"), roles=ROLES, now=NOW)
    assert frozen(tracking) == before and tracking.store.people == people


# ------------------------------------------------------------------ units and their names
async def test_mapping_an_unknown_name_gives_every_waiting_item_its_unit(
        tracking: FakeTrackingUowFactory, clock: FakeClock) -> None:
    session_id = await world(tracking, clock)
    await approved(tracking, session_id, V1_BODY, 1)
    patrol = item(tracking, ItemKind.FOLLOW_UP, 1)
    police = await add_unit(tracking(), name="县公安局交通警察大队", level=UnitLevel.COUNTY,
                            aliases=["交警大队"], actor=STAFF, roles=ROLES, now=NOW, tz=TZ)
    assert police.items == ()  # "交警队" is none of its names
    assert [n.written for n in await waiting_names(tracking(), actor=STAFF, roles=ROLES)] == [
        "交警队"]
    with pytest.raises(PermissionDenied):
        await map_unit_name(tracking(), written="交警队", unit="交警大队", actor=LIAISON,
                            roles=ROLES, now=NOW, tz=TZ)
    mapped = await map_unit_name(tracking(), written="交警队", unit="交警大队", actor=STAFF,
                                 roles=ROLES, now=NOW, tz=TZ)
    assert [t.id for t in mapped.items] == [patrol.id]
    assert item(tracking, ItemKind.FOLLOW_UP, 1).unit_id == police.unit.id
    assert pending(tracking, patrol.id) == [("2026-12-20/before/7", local_nine(date(2026, 12, 13)))]
    assert tracking.store.unknown == []
    with pytest.raises(InvalidState) as again:
        await map_unit_name(tracking(), written="交警队", unit=police.unit.id or 0, actor=STAFF,
                            roles=ROLES, now=NOW, tz=TZ)
    assert again.value.code == "unit_already_resolved"
    # remembered: the next minutes writing the name resolve it
    extra = {"seq": 2, "text": "交警队清理僵尸车", "unit": "交警队", "deadline": "2027-01-10"}
    result = await approved(tracking, session_id, minutes([LAMP, PARK], [BUILD, PATROL, extra]),
                            2)
    assert result.unknown_units == ()
    assert [t.unit_id for t in result.created] == [police.unit.id]


async def test_a_new_unit_takes_the_items_waiting_for_its_name(
        tracking: FakeTrackingUowFactory, clock: FakeClock) -> None:
    session_id = await world(tracking, clock)
    town = {"seq": 1, "text": "镇城建办配合施划", "unit": "镇城建办", "deadline": "2026-12-31"}
    result = await approved(tracking, session_id, minutes([], [town]), 1)
    assert result.unknown_units == ("镇城建办",)
    with pytest.raises(PermissionDenied):
        await add_unit(tracking(), name="镇城建办", level=UnitLevel.TOWN, actor=A, roles=ROLES,
                       now=NOW, tz=TZ)
    added = await add_unit(tracking(), name="镇城建办", level=UnitLevel.TOWN, actor=STAFF,
                           roles=ROLES, now=NOW, tz=TZ)
    [waiting] = added.items
    assert waiting.unit_id == added.unit.id and tracking.store.unknown == []
    assert pending(tracking, waiting.id or 0) != []
    with pytest.raises(InvalidState) as taken:
        await add_unit(tracking(), name="城建办", level=UnitLevel.TOWN, aliases=["镇城建办"],
                       actor=STAFF, roles=ROLES, now=NOW, tz=TZ)
    assert taken.value.code == "unit_name_taken"


async def test_liaisons_are_added_by_staff_and_act_at_once(
        tracking: FakeTrackingUowFactory, clock: FakeClock) -> None:
    session_id = await world(tracking, clock)
    await approved(tracking, session_id, V1_BODY, 1)
    build = item(tracking, ItemKind.FOLLOW_UP, 2)
    second = Actor(8, "另一联络员")
    with pytest.raises(PermissionDenied):
        await add_liaison(tracking(), unit="县住建局", telegram_user_id=second.user_id,
                          actor=second, roles=ROLES)
    with pytest.raises(InvalidInput) as bad:
        await add_liaison(tracking(), unit="县住建局", telegram_user_id=-100, actor=STAFF,
                          roles=ROLES)
    assert bad.value.code == "bad_liaison"
    unit = await add_liaison(tracking(), unit="县住建局", telegram_user_id=second.user_id,
                             actor=STAFF, roles=ROLES)
    assert unit.liaisons == (LIAISON.user_id, second.user_id)
    assert (await accept(tracking(), item_id=build.id, actor=second, roles=ROLES,
                         now=NOW)).status == ItemStatus.ACCEPTED
    with pytest.raises(NotFound):
        await add_liaison(tracking(), unit="#999", telegram_user_id=5, actor=STAFF, roles=ROLES)


# ------------------------------------------------------------------ reminders
async def test_due_reminders_are_sent_once_and_the_next_one_follows(
        tracking: FakeTrackingUowFactory, clock: FakeClock) -> None:
    session_id = await world(tracking, clock)
    await approved(tracking, session_id, V1_BODY, 1)
    build = item(tracking, ItemKind.FOLLOW_UP, 2)
    assert await due_reminders(tracking(), NOW) == []
    at = local_nine(date(2026, 12, 24))
    [due] = await due_reminders(tracking(), at)
    assert (due.item.id, due.kind, due.days, due.unit.liaisons) == (
        build.id, ReminderKind.BEFORE, 7, (LIAISON.user_id,))
    assert due.reminder.id is not None
    sent = at + timedelta(minutes=1)
    assert await mark_reminder_sent(tracking(), reminder_id=due.reminder.id, item_id=build.id,
                                    now=sent, tz=TZ)
    assert not await mark_reminder_sent(tracking(), reminder_id=due.reminder.id,
                                        item_id=build.id, now=sent, tz=TZ)
    assert await due_reminders(tracking(), sent) == []
    assert pending(tracking, build.id) == [("2026-12-31/before/1", local_nine(date(2026, 12, 30)))]
    # overdue: the first day after the deadline, then weekly
    [overdue] = await due_reminders(tracking(), local_nine(date(2027, 1, 1)))
    assert overdue.kind == ReminderKind.BEFORE  # the one before was never sent: it comes first
    await mark_reminder_sent(tracking(), reminder_id=overdue.reminder.id or 0, item_id=build.id,
                             now=local_nine(date(2027, 1, 1)), tz=TZ)
    assert pending(tracking, build.id) == [("2026-12-31/overdue/1", local_nine(date(2027, 1, 8)))]


async def test_reminders_of_items_no_longer_with_a_unit_are_skipped_and_cleared(
        tracking: FakeTrackingUowFactory, clock: FakeClock) -> None:
    session_id = await world(tracking, clock)
    await approved(tracking, session_id, V1_BODY, 1)
    lamp = item(tracking, ItemKind.SUGGESTION, 1)
    assert lamp.id is not None
    # one left behind (e.g. by an older release) for a suggestion never referred
    tracking.store.reminders[500] = ScheduledReminder(lamp.id, "2026-12-01/before/7",
                                                      NOW - timedelta(hours=1), id=500)
    assert await due_reminders(tracking(), NOW) == []
    assert 500 not in tracking.store.reminders


# ------------------------------------------------------------------ the read side
async def test_open_items_list_overdue_first_and_only_what_the_actor_may_see(
        tracking: FakeTrackingUowFactory, clock: FakeClock) -> None:
    session_id = await world(tracking, clock)
    await approved(tracking, session_id, V1_BODY, 1)
    lamp, park = item(tracking, ItemKind.SUGGESTION, 1), item(tracking, ItemKind.SUGGESTION, 2)
    await refer(tracking(), item_id=lamp.id, unit="县住建局", deadline=date(2027, 3, 1),
                actor=STAFF, roles=ROLES, now=NOW, tz=TZ)
    await reserve(tracking(), item_id=park.id, reason="已纳入规划", actor=STAFF, roles=ROLES,
                  now=NOW)
    later = local_nine(date(2027, 1, 2))
    rows = await open_items(tracking(), actor=STAFF, roles=ROLES, now=later, tz=TZ)
    assert [(r.text, r.overdue, r.days_left, r.unit) for r in rows] == [
        ("交警队加强夜间巡查", True, -13, "交警队"),  # the name as written, while unmapped
        ("县住建局牵头完成停车位施划", True, -2, "县住房和城乡建设局"),
        ("建议在小区东门划20个临时停车位。", False, 58, "县住房和城乡建设局"),
    ]
    overdue = await open_items(tracking(), actor=STAFF, roles=ROLES, overdue_only=True,
                               now=later, tz=TZ)
    assert [r.text for r in overdue] == ["交警队加强夜间巡查", "县住建局牵头完成停车位施划"]
    mine = await open_items(tracking(), actor=LIAISON, roles=ROLES, now=later, tz=TZ)
    assert [r.text for r in mine] == ["县住建局牵头完成停车位施划",
                                      "建议在小区东门划20个临时停车位。"]
    by_name = await open_items(tracking(), actor=STAFF, roles=ROLES, unit="住建局",
                               session=session_id, now=later, tz=TZ)
    assert [r.item_id for r in by_name] == [r.item_id for r in mine]
    assert await open_items(tracking(), actor=STAFF, roles=ROLES, session=404, now=later,
                            tz=TZ) == []
    for actor, unit in ((A, None), (LIAISON, "#999")):
        with pytest.raises(DomainError):
            await open_items(tracking(), actor=actor, roles=ROLES, unit=unit, now=later, tz=TZ)

