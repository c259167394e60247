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
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any, Generic, TypeVar

from telegram import InlineKeyboardMarkup

from bot.common import wait_or_timeout
from bot.health import Backoff, Health
from bot.limits import Priority
from bot.outbox import Outbox, Owed

T = TypeVar("T")
log = logging.getLogger(__name__)


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


class ClaimingSender(ABC, Generic[T]):
    """A loop that claims what is owed in the database, batch after batch, writes the
    messages it owes as outbox rows in the same transaction (``owe``), and has the outbox
    send them: woken by ``kick`` after a commit of this process, every ``max_wait_s``
    anyway (other processes change things too), catching up at start. Subclasses say how
    to take a batch (``take``), and how many it claimed and wrote (``claimed``/``written``)."""

    where = "notices"  # for the health report and the log

    def __init__(self, health: Health, outbox: Outbox, max_wait_s: float,
                 batch: int = 100) -> None:
        self._health, self._outbox = health, outbox
        self._max_wait_s, self._batch = max_wait_s, batch
        self._wake = asyncio.Event()

    def kick(self) -> None:
        """Something committed: something may be owed now."""
        self._wake.set()

    @abstractmethod
    async def take(self) -> tuple[T, list[Owed]]:
        """Claim the next batch (at most ``self._batch``); the rows it owes."""

    @abstractmethod
    def claimed(self, taken: T) -> int:
        """How many it claimed (fewer than a batch: nothing is left)."""

    @abstractmethod
    def written(self, taken: T) -> int:
        """How many messages it wrote."""

    async def owe(self) -> T:
        """Claim the next batch and write what it owes, in one transaction; nothing is
        sent here."""
        return await owe(self._outbox, self.take)

    async def tick(self) -> int:
        """Everything owed, batch after batch; then send. Returns the messages written."""
        written = 0
        while True:
            taken = await self.owe()
            written += self.written(taken)
            if self.claimed(taken) < self._batch:
                break
        if written:
            log.info("%s: %d messages written", self.where, written)
            await self._outbox.send_pending()
        return written

    async def run(self) -> None:
        async def tick() -> float:
            await self.tick()
            return self._max_wait_s

        await keep_ticking(tick, wake=self._wake, health=self._health, where=self.where,
                           retry_s=self._max_wait_s, logger=log,
                           failed=f"writing the {self.where} failed")
