"""Taking due reminders for sending (facilitation.tracking_reminding.take_due_reminders), on
in-memory fakes: each is marked sent and its item's next one scheduled in one unit of work;
what is moot or stale leaves the due ones without a message; a late start sends one, not a
burst."""

from __future__ import annotations

from datetime import date, timedelta

from facilitation.ports import ScheduledReminder
from facilitation.reminders import ReminderKind
from facilitation.tracking import ItemKind
from facilitation.tracking_reminding import Reminding, next_reminder_due, take_due_reminders
from tests.fakes import FakeClock
from tests.services.test_tracking_services import (
    LIAISON,
    NOW,
    TZ,
    V1_BODY,
    approved,
    item,
    local_nine,
    pending,
    world,
)
from tests.services.tracking_fakes import FakeTrackingUowFactory

REMINDING = Reminding.of(TZ)


async def test_a_due_reminder_is_taken_once_with_its_item_unit_and_topic(
        tracking: FakeTrackingUowFactory, clock: FakeClock) -> None:
    session_id = await world(tracking, clock)
    await approved(tracking, session_id, V1_BODY, 1)
    build = item(tracking, ItemKind.FOLLOW_UP, 2)
    at = local_nine(date(2026, 12, 24))
    assert await take_due_reminders(tracking(), at - timedelta(seconds=1), REMINDING) == []
    assert await next_reminder_due(tracking()) == at

    [due] = await take_due_reminders(tracking(), at, REMINDING)
    assert (due.item.id, due.kind, due.days, due.unit.liaisons, due.topic) == (
        build.id, ReminderKind.BEFORE, 7, (LIAISON.user_id,), "停车难")
    assert due.days_left(at, TZ) == 7
    assert pending(tracking, build.id) == [("2026-12-31/before/1", local_nine(date(2026, 12, 30)))]
    sent = [r for r in tracking.store.reminders.values() if r.sent_at is not None]
    assert [(r.key, r.sent_at) for r in sent] == [("2026-12-31/before/7", at)]
    # taken again (another sender, a restart): nothing
    assert await take_due_reminders(tracking(), at, REMINDING) == []
    assert await next_reminder_due(tracking()) == local_nine(date(2026, 12, 30))


async def test_a_late_start_sends_one_reminder_saying_how_overdue_then_the_next_week(
        tracking: FakeTrackingUowFactory, clock: FakeClock) -> None:
    session_id = await world(tracking, clock)
    await approved(tracking, session_id, V1_BODY, 1)
    build = item(tracking, ItemKind.FOLLOW_UP, 2)
    late = local_nine(date(2027, 1, 20)) + timedelta(hours=2)  # down since before Dec 24
    [due] = await take_due_reminders(tracking(), late, REMINDING)
    assert due.reminder.key == "2026-12-31/before/7" and due.days_left(late, TZ) == -20
    # the ones missed are not sent one by one: the next is the next weekly overdue one
    assert pending(tracking, build.id) == [("2026-12-31/overdue/3",
                                            local_nine(date(2027, 1, 22)))]
    assert await take_due_reminders(tracking(), late, REMINDING) == []


async def test_moot_and_stale_reminders_are_cleared_or_replaced_without_a_message(
        tracking: FakeTrackingUowFactory, clock: FakeClock) -> None:
    session_id = await world(tracking, clock)
    await approved(tracking, session_id, V1_BODY, 1)
    build, lamp = item(tracking, ItemKind.FOLLOW_UP, 2), item(tracking, ItemKind.SUGGESTION, 1)
    # left behind: one of a deadline the item no longer has, one of an item never referred
    for reminder in tracking.store.reminders.values():
        assert reminder.item_id == build.id
    tracking.store.reminders.clear()
    tracking.store.reminders[500] = ScheduledReminder(build.id, "2026-12-01/before/7",
                                                      NOW - timedelta(hours=1), id=500)
    tracking.store.reminders[501] = ScheduledReminder(lamp.id, "2026-12-01/before/7",
                                                      NOW - timedelta(hours=1), id=501)
    assert await take_due_reminders(tracking(), NOW, REMINDING) == []
    assert pending(tracking, lamp.id) == []
    assert pending(tracking, build.id) == [("2026-12-31/before/7", local_nine(date(2026, 12, 24)))]
    assert await next_reminder_due(tracking()) == local_nine(date(2026, 12, 24))  # none due
