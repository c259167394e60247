"""Per-hall roles in the follow-up use cases (issue 13), on in-memory fakes: an item is
managed by the staff of the hall its session was held in, read by its viewers, reminded to
them; another hall's staff neither act on it nor see it; roles are read at each call."""

from __future__ import annotations

from datetime import date

import pytest

from facilitation.audit import Operator
from facilitation.errors import PermissionDenied
from facilitation.roles import Role, grant_role, revoke_role
from facilitation.services import Actor
from facilitation.tracking import ItemKind
from facilitation.tracking_desk import TrackScope, track_page
from facilitation.tracking_reminding import Reminding, take_due_reminders
from facilitation.tracking_services import refer
from facilitation.tracking_views import open_items
from tests.fakes import FakeClock
from tests.services.scenes import CHAT
from tests.services.test_tracking_services import (
    NOW,
    ROLES,
    TZ,
    V1_BODY,
    approved,
    item,
    local_nine,
    world,
)
from tests.services.tracking_fakes import FakeTrackingUowFactory

HALL_STAFF = Actor(21, "小周")
OTHER_STAFF = Actor(22, "小吴")
VIEWER = Actor(23, "小王")
OTHER_HALL = -2002
ROOT = Operator("test")


async def _grant(uow: FakeTrackingUowFactory, actor: Actor, role: Role, hall: int | None) -> None:
    await grant_role(uow(), by=ROOT, role=role, hall_chat_id=hall, now=NOW,
                     telegram_user_id=actor.user_id)


@pytest.fixture
async def hall(tracking: FakeTrackingUowFactory, clock: FakeClock) -> FakeTrackingUowFactory:
    session_id = await world(tracking, clock)
    await approved(tracking, session_id, V1_BODY, 1)
    await _grant(tracking, HALL_STAFF, Role.STAFF, CHAT)
    await _grant(tracking, OTHER_STAFF, Role.STAFF, OTHER_HALL)
    await _grant(tracking, VIEWER, Role.VIEWER, CHAT)
    return tracking


async def test_the_halls_staff_refer_its_items_others_may_not(
        hall: FakeTrackingUowFactory) -> None:
    lamp = item(hall, ItemKind.SUGGESTION, 1)
    for outsider in (OTHER_STAFF, VIEWER, Actor(24, "路人")):
        with pytest.raises(PermissionDenied) as denied:
            await refer(hall(), item_id=lamp.id, unit="县住建局", deadline=date(2026, 12, 31),
                        actor=outsider, roles=ROLES, now=NOW, tz=TZ)
        assert denied.value.code == "not_staff"
    done = await refer(hall(), item_id=lamp.id, unit="县住建局", deadline=date(2026, 12, 31),
                       actor=HALL_STAFF, roles=ROLES, now=NOW, tz=TZ)
    assert done.unit_name == "县住房和城乡建设局"


async def test_items_are_listed_to_their_halls_staff_and_viewers_only(
        hall: FakeTrackingUowFactory) -> None:
    everyone = {r.item_id for r in await open_items(hall(), actor=HALL_STAFF, roles=ROLES,
                                                    now=NOW, tz=TZ)}
    assert len(everyone) == 4
    seen = {r.item_id for r in await open_items(hall(), actor=VIEWER, roles=ROLES, now=NOW,
                                                tz=TZ)}
    assert seen == everyone
    assert await open_items(hall(), actor=OTHER_STAFF, roles=ROLES, now=NOW, tz=TZ) == []
    page = await track_page(hall(), actor=VIEWER, roles=ROLES, scope=TrackScope(), now=NOW,
                            tz=TZ)
    assert page.total == 4 and not page.can_manage  # a viewer is offered no buttons
    page = await track_page(hall(), actor=HALL_STAFF, roles=ROLES, scope=TrackScope(),
                            now=NOW, tz=TZ)
    assert page.can_manage

    await revoke_role(hall(), by=ROOT, role=Role.VIEWER, hall_chat_id=CHAT, now=NOW,
                      telegram_user_id=VIEWER.user_id)
    with pytest.raises(PermissionDenied):  # read at this call: nothing left to see
        await open_items(hall(), actor=VIEWER, roles=ROLES, now=NOW, tz=TZ)


async def test_reminders_go_to_the_halls_managers(hall: FakeTrackingUowFactory) -> None:
    lamp = item(hall, ItemKind.SUGGESTION, 1)
    await refer(hall(), item_id=lamp.id, unit="县住建局", deadline=date(2026, 12, 31),
                actor=HALL_STAFF, roles=ROLES, now=NOW, tz=TZ)
    await _grant(hall, Actor(25, "办公室"), Role.ADMIN, None)
    taken = await take_due_reminders(hall(), local_nine(date(2026, 12, 24)), Reminding.of(TZ))
    mine = [d for d in taken if d.item.id == lamp.id]
    assert mine and set(mine[0].managers) == {HALL_STAFF.user_id, 25}

