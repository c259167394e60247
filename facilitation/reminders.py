"""When to remind a unit's liaison and staff of an item's deadline, as data.

Deadlines are dates; reminders go at a local time of day (09:00) in the hall's time zone:
``lead_days`` before the deadline (7 and 1 by default), then on the first day the item is
overdue, then every week after. Every reminder has a ``key`` naming it within its item
(``2026-12-31/before/7``), so storage can keep the due ones and a sender can send each once
across restarts: a changed deadline makes new keys, and reminders of the old one are moot.

A local time that does not exist on a day (a daylight-saving gap) is read with the offset
in force before the gap (02:30 in a gap from 02:00 to 03:00 is 03:30 after it); one that
exists twice, as its first occurrence. Times returned are in UTC.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum

from facilitation.errors import InvalidInput
from facilitation.tracking import WITH_UNIT, TrackedItem

DEFAULT_LEAD_DAYS = (7, 1)
REMINDER_TIME = time(9, 0)
OVERDUE_EVERY_DAYS = 7
MAX_LEAD_DAYS = 366


class ReminderKind(StrEnum):
    BEFORE = "before"  # ``days`` before the deadline
    OVERDUE = "overdue"  # ``days`` weeks after becoming overdue (0: the first day)


@dataclass(frozen=True)
class Reminder:
    due_at: datetime  # UTC
    kind: ReminderKind
    days: int
    deadline: date

    @property
    def key(self) -> str:
        return f"{self.deadline.isoformat()}/{self.kind.value}/{self.days}"


def lead_days_of(values: Iterable[int]) -> tuple[int, ...]:
    """Configured lead days, checked: whole days from 0 (the deadline day itself) to a year,
    without repeats, the farthest first."""
    days = list(values)
    if any(isinstance(d, bool) or not isinstance(d, int) or not 0 <= d <= MAX_LEAD_DAYS
           for d in days):
        raise InvalidInput("bad_lead_days", limit=MAX_LEAD_DAYS)
    return tuple(sorted(set(days), reverse=True))


def local_moment(day: date, at: time, tz: tzinfo) -> datetime:
    """``at`` on ``day`` in ``tz``, in UTC."""
    return datetime.combine(day, at.replace(tzinfo=None, fold=0), tzinfo=tz).astimezone(UTC)


def iter_reminders(deadline: date, tz: tzinfo, *, lead_days: Iterable[int] = DEFAULT_LEAD_DAYS,
                   at: time = REMINDER_TIME) -> Iterator[Reminder]:
    """Every reminder for ``deadline`` in time order; the weekly overdue ones never end."""
    for days in lead_days_of(lead_days):
        yield Reminder(local_moment(deadline - timedelta(days=days), at, tz),
                       ReminderKind.BEFORE, days, deadline)
    week = 0
    while True:
        day = deadline + timedelta(days=1 + OVERDUE_EVERY_DAYS * week)
        yield Reminder(local_moment(day, at, tz), ReminderKind.OVERDUE, week, deadline)
        week += 1


def reminders_until(deadline: date, tz: tzinfo, until: datetime, *,
                    after: datetime | None = None,
                    lead_days: Iterable[int] = DEFAULT_LEAD_DAYS,
                    at: time = REMINDER_TIME) -> list[Reminder]:
    """The reminders due after ``after`` (exclusive; e.g. when the item was referred) and up
    to ``until`` (inclusive; e.g. now)."""
    found = []
    for reminder in iter_reminders(deadline, tz, lead_days=lead_days, at=at):
        if reminder.due_at > until:
            break
        if after is None or reminder.due_at > after:
            found.append(reminder)
    return found


def next_reminder(deadline: date, tz: tzinfo, after: datetime, *,
                  lead_days: Iterable[int] = DEFAULT_LEAD_DAYS,
                  at: time = REMINDER_TIME) -> Reminder:
    """The first reminder due after ``after`` (there always is one: overdue is weekly)."""
    return next(r for r in iter_reminders(deadline, tz, lead_days=lead_days, at=at)
                if r.due_at > after)


def item_reminders(item: TrackedItem, tz: tzinfo, until: datetime, *,
                   after: datetime | None = None,
                   lead_days: Iterable[int] = DEFAULT_LEAD_DAYS,
                   at: time = REMINDER_TIME) -> list[Reminder]:
    """The reminders an item has due in (``after``, ``until``]: none unless it is with its
    unit and has a deadline."""
    if item.status not in WITH_UNIT or item.deadline is None:
        return []
    return reminders_until(item.deadline, tz, until, after=after, lead_days=lead_days, at=at)
