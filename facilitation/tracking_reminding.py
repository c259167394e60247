"""Reminders of followed-up items, kept by storage one at a time per item.

An item with a unit and a deadline has exactly one unsent reminder: the next one
facilitation.reminders gives after the moment it was (re)scheduled. Sending it schedules the
one after (the weekly overdue reminders never end, so they cannot all be stored). Whenever
an item's holder (its unit) or deadline changes, its reminder is replaced; once it leaves its
unit (replied, withdrawn), it has none.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo

from facilitation.ports import ScheduledReminder, TrackingUnitOfWork
from facilitation.reminders import (
    DEFAULT_LEAD_DAYS,
    REMINDER_TIME,
    ReminderKind,
    lead_days_of,
    next_reminder,
)
from facilitation.roles import RoleGrant, managers_of
from facilitation.tracking import WITH_UNIT, TrackedItem
from facilitation.units import Unit

Holding = tuple[int, date] | None  # (unit id, deadline) while reminders run, else None


@dataclass(frozen=True)
class Reminding:
    """When reminders go: the hall's time zone, the lead days, the local time of day."""

    tz: tzinfo
    lead_days: tuple[int, ...] = DEFAULT_LEAD_DAYS
    at: time = REMINDER_TIME

    @classmethod
    def of(cls, tz: tzinfo, lead_days: Iterable[int] = DEFAULT_LEAD_DAYS,
           at: time = REMINDER_TIME) -> Reminding:
        return cls(tz, lead_days_of(lead_days), at)


def holding(item: TrackedItem) -> Holding:
    """What an item's reminders depend on; None when it has none."""
    if item.status in WITH_UNIT and item.unit_id is not None and item.deadline is not None:
        return item.unit_id, item.deadline
    return None


def wanted(item: TrackedItem, after: datetime,
           reminding: Reminding | None) -> list[ScheduledReminder]:
    """The item's one unsent reminder to keep: the next after ``after`` (none without a
    unit or a deadline)."""
    if item.id is None or holding(item) is None:
        return []
    assert item.deadline is not None
    if reminding is None:
        raise ValueError("scheduling a reminder needs the hall's time zone")
    nxt = next_reminder(item.deadline, reminding.tz, after, lead_days=reminding.lead_days,
                        at=reminding.at)
    return [ScheduledReminder(item.id, nxt.key, nxt.due_at)]


async def reschedule(uow: TrackingUnitOfWork, item: TrackedItem, before: Holding,
                     now: datetime, reminding: Reminding | None) -> None:
    """Replace the item's reminder when its holder or deadline changed (``before``: as it
    was); an unchanged item keeps its reminder, also one due and not sent yet."""
    if item.id is not None and holding(item) != before:
        await uow.reminders.schedule(item.id, wanted(item, now, reminding))


@dataclass(frozen=True)
class DueReminder:
    reminder: ScheduledReminder
    item: TrackedItem
    unit: Unit  # its liaisons are the ones to remind
    topic: str | None = None  # of the session the item came from (take_due_reminders)
    # Telegram ids of those who manage the item's hall by a grant now (admins, the hall's
    # staff); configuration's admins are the sender's to add
    managers: tuple[int, ...] = ()

    @property
    def kind(self) -> ReminderKind:
        return ReminderKind(self.reminder.key.split("/")[1])

    @property
    def days(self) -> int:
        """Before: days before the deadline; overdue: weeks since it became overdue."""
        return int(self.reminder.key.split("/")[2])

    def days_left(self, now: datetime, tz: tzinfo) -> int:
        """Days to the deadline from today in the hall; negative: days overdue. Said as of
        when it goes out, not as of its key (a reminder sent late says the truth)."""
        assert self.item.deadline is not None
        return (self.item.deadline - now.astimezone(tz).date()).days


def _current(reminder: ScheduledReminder, item: TrackedItem | None) -> bool:
    return (item is not None and holding(item) is not None and item.deadline is not None
            and reminder.key.startswith(item.deadline.isoformat() + "/"))


async def due_reminders(uow: TrackingUnitOfWork, now: datetime,
                        limit: int = 100) -> list[DueReminder]:
    """The reminders due at ``now``, with their items and units. A reminder of an item no
    longer with a unit is dropped (cleared, so it is not found again)."""
    async with uow:
        found: list[DueReminder] = []
        moot: set[int] = set()
        for reminder in await uow.reminders.due(now, limit):
            item = await uow.tracked.get(reminder.item_id)
            if item is None or holding(item) is None:
                moot.add(reminder.item_id)
                continue
            assert item.unit_id is not None
            unit = await uow.units.get(item.unit_id)
            if _current(reminder, item) and unit is not None:
                found.append(DueReminder(reminder, item, unit))
        for item_id in moot:
            await uow.reminders.schedule(item_id, [])
        await uow.commit()
        return found


async def mark_reminder_sent(uow: TrackingUnitOfWork, *, reminder_id: int, item_id: int,
                             now: datetime, lead_days: Iterable[int] = DEFAULT_LEAD_DAYS,
                             remind_at: time = REMINDER_TIME, tz: tzinfo) -> bool:
    """Record that a due reminder was sent and schedule the item's next one; False (and
    nothing done) when another sender marked it first."""
    reminding = Reminding.of(tz, lead_days, remind_at)
    async with uow:
        item = await uow.tracked.lock(item_id)
        if not await uow.reminders.mark_sent(reminder_id, now):
            return False
        if item is not None:
            await uow.reminders.schedule(item_id, wanted(item, now, reminding))
        await uow.commit()
        return True


async def take_due_reminders(uow: TrackingUnitOfWork, now: datetime, reminding: Reminding,
                             limit: int = 100) -> list[DueReminder]:
    """The reminders due at ``now``, each marked sent and followed by its item's next one, in
    one unit of work: the caller owes their messages in the same transaction (the outbox's,
    bot/reminder_sender.py), so a reminder is sent exactly once whatever moment the process
    dies. Every due reminder leaves the due ones: one of an item no longer with a unit is
    cleared, one that is not current (another deadline, its unit gone) gives way to the
    item's next; one another sender marked first is skipped."""
    async with uow:
        taken: list[DueReminder] = []
        grants: list[RoleGrant] | None = None
        for reminder in await uow.reminders.due(now, limit):
            item = await uow.tracked.lock(reminder.item_id)
            if item is None or item.unit_id is None or holding(item) is None:
                await uow.reminders.schedule(reminder.item_id, [])
                continue
            unit = await uow.units.get(item.unit_id)
            if unit is None or not _current(reminder, item):
                await uow.reminders.schedule(reminder.item_id, wanted(item, now, reminding))
                continue
            assert reminder.id is not None
            if not await uow.reminders.mark_sent(reminder.id, now):
                continue
            await uow.reminders.schedule(reminder.item_id, wanted(item, now, reminding))
            session = await uow.sessions.get(item.session_id)
            grants = await uow.roles.grants() if grants is None else grants
            people = await uow.people.get_many(
                sorted(managers_of(grants, session.chat_id)) if session is not None else [])
            managers = tuple(p.telegram_user_id for p in people.values()
                             if p.telegram_user_id is not None and p.forgotten_at is None)
            taken.append(DueReminder(reminder, item, unit,
                                     session.topic if session is not None else None,
                                     managers))
        await uow.commit()
        return taken


async def next_reminder_due(uow: TrackingUnitOfWork) -> datetime | None:
    """When the earliest unsent reminder is due: the sender sleeps until then."""
    async with uow:
        return await uow.reminders.next_due()
