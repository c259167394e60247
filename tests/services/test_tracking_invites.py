"""Invites that make a unit's liaison, and staff's desk (the /track pages, the units to refer
to, the directory's overview), on in-memory fakes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from facilitation.errors import InvalidState, NotFound, PermissionDenied
from facilitation.tracking import ItemKind, ItemStatus
from facilitation.tracking_desk import TrackScope, refer_choices, track_page, units_overview
from facilitation.tracking_invites import (
    INVITE_CODE_CHARS,
    create_invite,
    invite_code,
    redeem_invite,
)
from facilitation.tracking_services import refer
from facilitation.tracking_units import add_unit
from facilitation.units import UnitLevel
from tests.fakes import FakeClock
from tests.services.scenes import STAFF, A, B
from tests.services.test_tracking_services import (
    LIAISON,
    NOW,
    ROLES,
    TZ,
    V1_BODY,
    approved,
    item,
    world,
)
from tests.services.tracking_fakes import FakeTrackingUowFactory


async def test_an_invite_makes_its_opener_a_liaison_once(
        tracking: FakeTrackingUowFactory, clock: FakeClock) -> None:
    await world(tracking, clock)
    made = await create_invite(tracking(), unit="县住建局", actor=STAFF, roles=ROLES, now=NOW,
                               new_code=lambda: "Abc123Def456Ghi7")
    assert (made.unit.name, made.invite.code) == ("县住房和城乡建设局", "Abc123Def456Ghi7")
    assert made.invite.expires_at == NOW + timedelta(days=7)
    assert made.invite.created_by is not None and made.invite.used_at is None

    done = await redeem_invite(tracking(), code="Abc123Def456Ghi7", actor=A,
                               now=NOW + timedelta(days=1))
    assert (done.unit.name, done.already) == ("县住房和城乡建设局", False)
    [unit] = tracking.store.units.values()
    assert unit.liaisons == (LIAISON.user_id, A.user_id)
    stored = tracking.store.invites["Abc123Def456Ghi7"]
    assert (stored.used_by, stored.used_at) == (A.user_id, NOW + timedelta(days=1))

    again = await redeem_invite(tracking(), code="Abc123Def456Ghi7", actor=A,
                                now=NOW + timedelta(days=2))
    assert again.already  # the same person again: told so, nothing changed
    with pytest.raises(InvalidState) as used:
        await redeem_invite(tracking(), code="Abc123Def456Ghi7", actor=B, now=NOW)
    assert used.value.code == "invite_used"
    assert tracking.store.units[unit.id].liaisons == (LIAISON.user_id, A.user_id)


async def test_expired_unknown_and_forged_invites_are_refused(
        tracking: FakeTrackingUowFactory, clock: FakeClock) -> None:
    await world(tracking, clock)
    made = await create_invite(tracking(), unit="县住建局", actor=STAFF, roles=ROLES, now=NOW)
    assert len(made.invite.code) == INVITE_CODE_CHARS and made.invite.code.isalnum()
    with pytest.raises(InvalidState) as expired:
        await redeem_invite(tracking(), code=made.invite.code, actor=A,
                            now=NOW + timedelta(days=7))
    assert expired.value.code == "invite_expired"
    for code in ("NoSuchCode123456", "short", "bad-code_with+signs", "x" * 200):
        with pytest.raises(NotFound) as unknown:
            await redeem_invite(tracking(), code=code, actor=A, now=NOW)
        assert unknown.value.code == "invite_unknown"
    assert tracking.store.invites[made.invite.code].used_at is None
    [unit] = tracking.store.units.values()
    assert A.user_id not in unit.liaisons


async def test_only_staff_invite(tracking: FakeTrackingUowFactory, clock: FakeClock) -> None:
    await world(tracking, clock)
    with pytest.raises(PermissionDenied) as denied:
        await create_invite(tracking(), unit="县住建局", actor=LIAISON, roles=ROLES, now=NOW)
    assert denied.value.code == "not_staff"
    with pytest.raises(NotFound):
        await create_invite(tracking(), unit="环保局", actor=STAFF, roles=ROLES, now=NOW)
    with pytest.raises(NotFound) as beyond:  # past the database's keys: never looked up
        await create_invite(tracking(), unit="#99999999999", actor=STAFF, roles=ROLES, now=NOW)
    assert (beyond.value.code, beyond.value.params["unit"]) == ("unit_not_found", "#99999999999")
    with pytest.raises(NotFound) as long_name:  # a name said back no longer than a unit's
        await create_invite(tracking(), unit="环" * 500, actor=STAFF, roles=ROLES, now=NOW)
    assert long_name.value.params["unit"] == "环" * 64
    assert tracking.store.invites == {}


def test_invite_codes_differ_and_fit_a_start_payload() -> None:
    codes = {invite_code() for _ in range(50)}
    assert len(codes) == 50
    assert all(len(c) == INVITE_CODE_CHARS and c.isascii() and c.isalnum() for c in codes)


# ------------------------------------------------------------------ staff's desk
async def test_track_pages_overdue_first_and_narrowed(tracking: FakeTrackingUowFactory,
                                                      clock: FakeClock) -> None:
    session_id = await world(tracking, clock)
    await approved(tracking, session_id, V1_BODY, 1)
    late = NOW + timedelta(days=40)  # past both follow-up deadlines (12-20 and 12-31)
    first = await track_page(tracking(), actor=STAFF, roles=ROLES, scope=TrackScope(),
                             page=1, page_size=3, now=late, tz=TZ)
    assert (first.total, first.pages, first.overdue, first.can_manage) == (4, 2, 2, True)
    assert [r.overdue for r in first.rows] == [True, True, False]
    assert first.rows[0].unit == "交警队"  # 12-20: the longest overdue leads
    beyond = await track_page(tracking(), actor=STAFF, roles=ROLES, scope=TrackScope(),
                              page=9, page_size=3, now=late, tz=TZ)
    assert beyond.page == 2 and len(beyond.rows) == 1
    overdue = await track_page(tracking(), actor=STAFF, roles=ROLES,
                               scope=TrackScope(overdue=True), now=late, tz=TZ)
    assert overdue.total == 2
    unit = await track_page(tracking(), actor=STAFF, roles=ROLES,
                            scope=TrackScope(unit="住建局"), now=late, tz=TZ)
    assert (unit.total, unit.unit_name) == (1, "县住房和城乡建设局")
    assert isinstance(unit.scope.unit, int)  # by id from now on (a button's data)
    liaison = await track_page(tracking(), actor=LIAISON, roles=ROLES, scope=TrackScope(),
                               now=late, tz=TZ)
    assert (liaison.total, liaison.can_manage) == (1, False)
    with pytest.raises(PermissionDenied):
        await track_page(tracking(), actor=A, roles=ROLES, scope=TrackScope(), now=late, tz=TZ)


async def test_the_units_an_item_names_come_first(tracking: FakeTrackingUowFactory,
                                                  clock: FakeClock) -> None:
    session_id = await world(tracking, clock)
    for name in ("县交通运输局", "县公安局交警大队"):
        await add_unit(tracking(), name=name, level=UnitLevel.COUNTY, actor=STAFF,
                       roles=ROLES, now=NOW, tz=TZ)
    body = V1_BODY.replace("建议整治夜间违停。", "建议县公安局交警大队整治夜间违停。")
    await approved(tracking, session_id, body, 1)
    park = item(tracking, ItemKind.SUGGESTION, 2)
    choices = await refer_choices(tracking(), item_id=park.id, actor=STAFF, roles=ROLES)
    assert choices.named == 1
    assert [u.name for u in choices.units] == ["县公安局交警大队", "县住房和城乡建设局",
                                               "县交通运输局"]
    with pytest.raises(PermissionDenied):
        await refer_choices(tracking(), item_id=park.id, actor=LIAISON, roles=ROLES)
    with pytest.raises(NotFound):
        await refer_choices(tracking(), item_id=999, actor=STAFF, roles=ROLES)


async def test_the_overview_counts_open_items_and_lists_waiting_names(
        tracking: FakeTrackingUowFactory, clock: FakeClock) -> None:
    session_id = await world(tracking, clock)
    await approved(tracking, session_id, V1_BODY, 1)
    lamp = item(tracking, ItemKind.SUGGESTION, 1)
    await refer(tracking(), item_id=lamp.id, unit="县住建局", deadline=None, actor=STAFF,
                roles=ROLES, now=NOW, tz=TZ)
    found = await units_overview(tracking(), actor=STAFF, roles=ROLES)
    [summary] = found.units
    assert (summary.unit.name, summary.open_items, len(summary.unit.liaisons)) == (
        "县住房和城乡建设局", 2, 1)
    assert [n.written for n in found.waiting] == ["交警队"]
    assert item(tracking, ItemKind.SUGGESTION, 1).status == ItemStatus.REFERRED
    with pytest.raises(PermissionDenied):
        await units_overview(tracking(), actor=LIAISON, roles=ROLES)


def test_what_track_is_narrowed_to_as_staff_type_it() -> None:
    assert TrackScope.said("") == TrackScope()
    assert TrackScope.said(" 逾期 ") == TrackScope(overdue=True) == TrackScope.said("Overdue")
    assert TrackScope.said("12") == TrackScope(session=12)
    assert TrackScope.said("#3") == TrackScope(unit="#3")
    assert TrackScope.said("县 住建局") == TrackScope(unit="县 住建局")
    assert TrackScope.said("１２") == TrackScope(unit="１２")  # not ASCII digits: a name
    for beyond in ("0", "2147483648", "9999999999"):  # no session has it: none is looked up
        with pytest.raises(NotFound) as refused:
            TrackScope.said(beyond)
        assert refused.value.code == "no_session"
