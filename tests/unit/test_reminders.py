"""Reminder times of deadlines: 09:00 in the hall's time zone, before and after, as data."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from facilitation.errors import InvalidInput
from facilitation.reminders import (
    DEFAULT_LEAD_DAYS,
    ReminderKind,
    item_reminders,
    iter_reminders,
    lead_days_of,
    local_moment,
    next_reminder,
    reminders_until,
)
from facilitation.tracking import SYSTEM, Satisfaction, new_follow_up, new_suggestion

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
DUE = date(2026, 12, 31)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_the_schedule_in_shanghai() -> None:
    first = list(islice(iter_reminders(DUE, SHANGHAI), 5))
    assert DEFAULT_LEAD_DAYS == (7, 1)
    assert [(r.kind, r.days, r.due_at) for r in first] == [
        (ReminderKind.BEFORE, 7, utc(2026, 12, 24, 1)),
        (ReminderKind.BEFORE, 1, utc(2026, 12, 30, 1)),
        (ReminderKind.OVERDUE, 0, utc(2027, 1, 1, 1)),  # the first day overdue, 09:00 local
        (ReminderKind.OVERDUE, 1, utc(2027, 1, 8, 1)),
        (ReminderKind.OVERDUE, 2, utc(2027, 1, 15, 1)),
    ]
    assert [r.key for r in first[:3]] == ["2026-12-31/before/7", "2026-12-31/before/1",
                                          "2026-12-31/overdue/0"]
    assert all(r.due_at.tzinfo is UTC for r in first)


def test_nine_o_clock_local_across_daylight_saving() -> None:
    # Berlin changes to summer time on 2027-03-28: 09:00 is 08:00 UTC before, 07:00 after
    due = date(2027, 3, 29)
    times = [r.due_at for r in islice(iter_reminders(due, BERLIN), 4)]
    assert times == [utc(2027, 3, 22, 8), utc(2027, 3, 28, 7), utc(2027, 3, 30, 7),
                     utc(2027, 4, 6, 7)]
    assert all(t.astimezone(BERLIN).time() == time(9) for t in times)
    # and back in autumn (New York: 2026-11-01)
    fall = [r.due_at for r in islice(iter_reminders(date(2026, 10, 31), NEW_YORK), 3)]
    assert fall == [utc(2026, 10, 24, 13), utc(2026, 10, 30, 13), utc(2026, 11, 1, 14)]
    # Shanghai has no daylight saving: always 01:00 UTC
    assert {r.due_at.time() for r in islice(iter_reminders(date(2027, 3, 29), SHANGHAI), 10)
            } == {time(1)}


def test_local_times_in_a_gap_and_in_a_repeat() -> None:
    gap = local_moment(date(2027, 3, 28), time(2, 30), BERLIN)  # 02:00 → 03:00
    assert gap == utc(2027, 3, 28, 1, 30) and gap.astimezone(BERLIN).time() == time(3, 30)
    twice = local_moment(date(2026, 10, 25), time(2, 30), BERLIN)  # 03:00 → 02:00
    assert twice == utc(2026, 10, 25, 0, 30)  # the first 02:30


def test_reminders_between_referral_and_now() -> None:
    referred = utc(2026, 12, 27, 3)  # after the 7-day reminder was due
    now = utc(2027, 1, 9)
    due = reminders_until(DUE, SHANGHAI, now, after=referred)
    assert [r.key for r in due] == ["2026-12-31/before/1", "2026-12-31/overdue/0",
                                    "2026-12-31/overdue/1"]
    assert reminders_until(DUE, SHANGHAI, utc(2026, 12, 24, 1)) [-1].days == 7  # inclusive
    assert next_reminder(DUE, SHANGHAI, utc(2026, 12, 24, 1)).key == "2026-12-31/before/1"
    assert next_reminder(DUE, SHANGHAI, now).key == "2026-12-31/overdue/2"


def test_configured_lead_days() -> None:
    days = [r.days for r in islice(iter_reminders(DUE, SHANGHAI, lead_days=[1, 14, 3, 3, 0]), 4)]
    assert days == [14, 3, 1, 0]
    assert lead_days_of([]) == ()
    only_overdue = next(iter_reminders(DUE, SHANGHAI, lead_days=[]))
    assert only_overdue.kind == ReminderKind.OVERDUE
    for bad in ([-1], [400], [True], [1.5]):
        with pytest.raises(InvalidInput) as caught:
            lead_days_of(bad)  # type: ignore[arg-type]
        assert caught.value.code == "bad_lead_days"


def test_another_time_of_day() -> None:
    first = next(iter_reminders(DUE, SHANGHAI, at=time(17, 30)))
    assert first.due_at == utc(2026, 12, 24, 9, 30)


def test_only_items_with_their_unit_and_a_deadline_have_reminders() -> None:
    at = utc(2026, 11, 27)
    now = utc(2027, 1, 2)
    item = new_follow_up(7, 20, "安装路灯", unit_name="县住建局", unit_id=5, deadline=DUE, at=at)
    assert len(item_reminders(item, SHANGHAI, now)) == 3
    assert item_reminders(new_suggestion(7, 12, "增设路灯", at=at), SHANGHAI, now) == []
    undated = new_follow_up(7, 21, "研究", unit_name="县住建局", unit_id=5, deadline=None, at=at)
    assert item_reminders(undated, SHANGHAI, now) == []
    item.accept(who=SYSTEM, at=at)
    item.reply_with("已办", who=SYSTEM, at=at)
    assert item_reminders(item, SHANGHAI, now) == []
    item.evaluate(Satisfaction.UNSATISFIED, who=SYSTEM, at=at)  # 再办理: reminders again
    assert len(item_reminders(item, SHANGHAI, now)) == 3


ZONES = st.sampled_from([SHANGHAI, BERLIN, NEW_YORK, ZoneInfo("Australia/Lord_Howe"), UTC])


@given(st.dates(date(2000, 1, 1), date(2090, 12, 31)), ZONES,
       st.lists(st.integers(0, 60), max_size=4))
def test_reminders_are_ordered_local_and_keyed_uniquely(deadline: date, tz: ZoneInfo,
                                                        lead: list[int]) -> None:
    first = list(islice(iter_reminders(deadline, tz, lead_days=lead), len(set(lead)) + 6))
    assert [r.due_at for r in first] == sorted(r.due_at for r in first)
    assert len({r.key for r in first}) == len(first)
    for r in first:
        local = r.due_at.astimezone(tz)
        assert local.time() == time(9)  # Lord Howe shifts by 30 minutes, at 02:00
        if r.kind == ReminderKind.BEFORE:
            assert local.date() == deadline - timedelta(days=r.days)
        else:
            assert local.date() == deadline + timedelta(days=1 + 7 * r.days)
            assert r.due_at > datetime.combine(deadline, time(23, 59), tzinfo=tz)
