"""Reminders of deadlines sent to the liaisons of an item's unit and to staff, each once.

The reminders are kept by storage, one unsent per item (facilitation/tracking_reminding.py).
The sender sleeps until the earliest is due (at most ``max_wait_s``: another process, the
command line, may have scheduled one since; a change of an item wakes it at once through
``BotDeps.on_item_change``). Then, in one transaction (the outbox's, bot/sending.owe), it marks
the due reminders sent, schedules each item's next one and writes the messages they owe as
outbox rows; after the commit the outbox sends them. Killed before the commit, nothing of it
happened (the reminders are still due and sent later); after it, the outbox sends each row
once. Private chats are owed as rows here (written directly, not through the bot's request
hook, which would send them at once).

Who is told: every liaison of the item's unit, configuration's admins (``staff_user_ids``) and
those who manage the item's hall by a grant now (admins, the hall's staff), in private chats.
A unit with no liaison: staff are told so, and how to invite one. Reminders due at once for
the same person come as one message listing them (split only when it would pass Telegram's
length limit), so a session whose items share a deadline does not send a liaison ten messages
at 09:00. What a reminder says is as of when it goes out: how many days are left, or for how
long the item is overdue.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from zoneinfo import ZoneInfo

from telegram.constants import MessageLimit

from bot import sending
from bot.catalog import t
from bot.common import BotDeps
from bot.minutes_view import one_line, pack
from bot.outbox import Outbox, Owed
from bot.sending import notice_row
from facilitation.services import reachable
from facilitation.tracking_reminding import (
    DueReminder,
    Reminding,
    next_reminder_due,
    take_due_reminders,
)

log = logging.getLogger(__name__)
ITEM_TEXT_CHARS = 60  # of an item's text in a reminder: enough to know which one it is


@dataclass
class _Owed:
    """What one person is reminded of in one tick: items as liaison, items as staff."""

    liaison: list[DueReminder] = field(default_factory=list)
    staff: list[DueReminder] = field(default_factory=list)

    def items(self) -> list[tuple[DueReminder, bool]]:
        """(reminder, staff only) in deadline order, each item once (a liaison who is also
        staff is reminded as the liaison)."""
        mine = {d.item.id for d in self.liaison}
        both = [(d, False) for d in self.liaison]
        both += [(d, True) for d in self.staff if d.item.id not in mine]
        return sorted(both, key=lambda e: (e[0].item.deadline or date.max, e[0].item.id or 0))


def recipients(taken: Iterable[DueReminder], staff: Iterable[int]) -> dict[int, _Owed]:
    """Who is told of what: the unit's liaisons, configuration's admins and those who manage
    the item's hall by a grant (``DueReminder.managers``), private chats only."""
    configured = set(staff)
    owed: dict[int, _Owed] = {}
    for due in taken:
        for liaison in due.unit.liaisons:
            if reachable(liaison):
                owed.setdefault(liaison, _Owed()).liaison.append(due)
        for user in sorted(u for u in configured | set(due.managers) if reachable(u)):
            owed.setdefault(user, _Owed()).staff.append(due)
    return owed


def _when(language: str, days_left: int) -> str:
    if days_left > 1:
        return t(language, "reminder_left", days=days_left)
    if days_left == 1:
        return t(language, "reminder_left_one")
    if days_left == 0:
        return t(language, "reminder_today")
    if days_left == -1:
        return t(language, "reminder_overdue_one")
    return t(language, "reminder_overdue", days=-days_left)


def entry(language: str, due: DueReminder, *, staff_only: bool, now: datetime,
          tz: tzinfo) -> str:
    """One item of a reminder: its text, unit, deadline and how near, the session it came
    from; for staff, that its unit has no liaison to tell."""
    item = due.item
    assert item.deadline is not None
    deadline = t(language, "reminder_date", year=item.deadline.year, month=item.deadline.month,
                 day=item.deadline.day)
    lines = [t(language, "reminder_item", item=item.id, text=one_line(item.text, ITEM_TEXT_CHARS)),
             t(language, "reminder_unit", unit=due.unit.name),
             t(language, "reminder_deadline", date=deadline,
               when=_when(language, due.days_left(now, tz)))]
    if due.topic:
        lines.append(t(language, "reminder_source", topic=due.topic))
    if staff_only and not due.unit.liaisons:
        lines.append(t(language, "reminder_no_liaison", unit=due.unit.name,
                       unit_id=due.unit.id))
    return "\n".join(lines)


def messages(language: str, owed: _Owed, *, now: datetime, tz: tzinfo,
             limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """The messages one person gets: one listing every item, unless too long for one."""
    items = owed.items()
    head = (t(language, "reminder_head_one") if len(items) == 1
            else t(language, "reminder_head", n=len(items)))
    foot = [t(language, "reminder_hint_liaison")] if owed.liaison else []
    if any(staff_only for _due, staff_only in items):
        foot.append(t(language, "reminder_hint_staff"))
    blocks = [head, *(entry(language, due, staff_only=staff_only, now=now, tz=tz)
                      for due, staff_only in items), "\n".join(foot)]
    return pack((b[:limit] for b in blocks if b), limit, "\n\n")


def owed_messages(taken: list[DueReminder], staff: frozenset[int], language: str, *,
                  now: datetime, tz: tzinfo) -> list[Owed]:
    """The outbox rows the reminders taken owe, to each person in private."""
    owed = []
    for user_id, what in sorted(recipients(taken, staff).items()):
        owed += [notice_row(user_id, text) for text in messages(language, what, now=now, tz=tz)]
    told = {o.chat_id for o in owed}
    unheard = [d.item.id for d in taken if not told & {*d.unit.liaisons, *staff}]
    if unheard:
        log.warning("reminders of items %s had nobody to tell (no liaison, no staff)", unheard)
    return owed


class ReminderSender:
    """Sends the reminders as they fall due, once each, across restarts."""

    def __init__(self, deps: BotDeps, outbox: Outbox, max_wait_s: float = 900.0,
                 batch: int = 100) -> None:
        self._deps, self._outbox = deps, outbox
        self._max_wait_s, self._batch = max_wait_s, batch
        self._wake = asyncio.Event()
        # set while the loop waits with nothing to do: every tick begun before it was set
        # is over, its messages sent (a kick clears it)
        self.idle = asyncio.Event()

    def kick(self) -> None:
        """An item changed: look at the reminders again now."""
        self.idle.clear()
        self._wake.set()

    @property
    def _tz(self) -> tzinfo:
        return ZoneInfo(self._deps.timezone)

    async def tick(self) -> list[DueReminder]:
        """Mark the reminders due as sent, schedule the next ones and owe their messages, in
        one transaction; then send. Returns the reminders sent."""
        deps, tz = self._deps, self._tz
        options = deps.follow_up
        reminding = Reminding.of(tz, options.lead_days, options.remind_at)
        now = deps.clock()

        async def take() -> tuple[list[DueReminder], list[Owed]]:
            taken = await take_due_reminders(deps.uow(), now, reminding, self._batch)
            return taken, owed_messages(taken, deps.staff_user_ids, deps.language, now=now,
                                        tz=tz)

        taken = await sending.owe(self._outbox, take)
        if taken:
            log.info("%d reminders of deadlines sent", len(taken))
            await self._outbox.send_pending()
        return taken

    async def seconds_to_next(self) -> float:
        return sending.seconds_until(await next_reminder_due(self._deps.uow()),
                                     self._deps.clock(), self._max_wait_s)

    async def run(self) -> None:
        async def tick() -> float:
            await self.tick()
            return await self.seconds_to_next()

        await sending.keep_ticking(tick, wake=self._wake, health=self._deps.health,
                                   where="reminders", retry_s=self._max_wait_s, logger=log,
                                   failed="sending reminders failed", idle=self.idle)
