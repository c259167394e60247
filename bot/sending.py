"""What the bot's own senders share: the timekeeper (bot/timekeeper.py), the reminders of
deadlines (bot/reminder_sender.py) and the notices of items' changes (bot/item_notices.py).

Each one is a loop that ticks, then waits until it is kicked (a change committed) or its wait
is over (:func:`keep_ticking`): a database outage is waited out with ``Backoff`` and reported
to ``Health``, any other failure is logged, and the loop goes on (late is better than never).
The senders of notices take what is due and owe its messages as outbox rows in one
transaction (:func:`owe`), then the outbox sends them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from telegram import InlineKeyboardMarkup

from bot.common import wait_or_timeout
from bot.health import Backoff, Health
from bot.limits import Priority
from bot.outbox import Outbox, Owed

T = TypeVar("T")


def notice_row(chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None) -> Owed:
    """An outbox row of a notice to ``chat_id`` (a private chat or a group), written
    directly: through the bot's request hook a private chat's would be sent at once."""
    payload: dict[str, Any] = {"method": "sendMessage", "chat_id": chat_id, "text": text,
                               "priority": int(Priority.NOTICE)}
    if markup is not None:
        payload["reply_markup"] = markup.to_dict()
    return Owed(chat_id, "message", payload)


async def owe(outbox: Outbox, take: Callable[[], Awaitable[tuple[T, Sequence[Owed]]]]) -> T:
    """Run ``take`` in the outbox's transaction: what it takes (marked as done in the
    database) and the rows it owes are committed together, or neither is. Nothing is sent
    here (``Outbox.send_pending`` does, after the commit)."""
    async with outbox.scope(level=Priority.NOTICE) as scope:
        taken, rows = await take()
        scope.owed.extend(rows)
        await scope.commit()
    return taken


def seconds_until(due: datetime | None, now: datetime, most: float) -> float:
    """How long to wait for ``due`` (None: nothing is due), at most ``most``: another
    process may have made something due sooner since."""
    if due is None:
        return most
    return min(max((due - now).total_seconds(), 0.0), most)


async def keep_ticking(tick: Callable[[], Awaitable[float]], *, wake: asyncio.Event,
                       health: Health, where: str, retry_s: float, logger: logging.Logger,
                       failed: str, idle: asyncio.Event | None = None) -> None:
    """Forever: ``tick`` (which returns how long to wait), then wait for ``wake`` at most
    that long. A database outage waits ``Backoff``'s time and is reported as seen by
    ``where``; another failure is logged (``failed``, on the sender's ``logger``) and waits
    ``retry_s``. ``idle``, when given, is set while the loop waits with no kick pending
    (every tick begun before is over)."""
    backoff = Backoff()
    while True:
        wake.clear()
        try:
            wait = await tick()
            backoff.reset()
            health.database_up()
        except Exception as error:  # keep going: late is better than never
            if health.unavailable(error):
                health.database_down(error, where)
                wait = backoff.next()
            else:
                logger.exception(failed)
                wait = retry_s
        if idle is not None and not wake.is_set():
            idle.set()
        await wait_or_timeout(wake, wait)
        if idle is not None:
            idle.clear()
