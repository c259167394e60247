"""Turn timers kept as deadlines in the database, so a restart re-arms them by itself."""

from __future__ import annotations

import asyncio
import logging

from telegram import Bot
from telegram.error import TelegramError

from bot.catalog import t
from bot.common import duration, wait_or_timeout
from bot.health import Backoff, Health
from bot.limits import Priority
from bot.outbox import Outbox
from facilitation import record
from facilitation.ports import Clock, UnitOfWorkFactory
from facilitation.record import TimerNotice

log = logging.getLogger(__name__)


class Timekeeper:
    """Sends the 30-second warning and the time-up notice of every turn, once each."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, bot: Bot,
                 max_wait_s: float = 30.0, health: Health | None = None,
                 outbox: Outbox | None = None) -> None:
        self._uow, self._clock, self._bot = uow, clock, bot
        self._outbox = outbox
        self._max_wait_s = max_wait_s
        self._health = health or Health()
        self._wake = asyncio.Event()

    def kick(self) -> None:
        """A turn started or ended: look at the deadlines again now."""
        self._wake.set()

    async def tick(self) -> list[TimerNotice]:
        """Mark the notices due as given and owe them, in one transaction; then send."""
        if self._outbox is None:
            notices = await record.due_notices(self._uow(), now=self._clock())
            for notice in notices:
                await self._send(notice)
            return notices
        # the timer is the moderator's: its notices go with the answers, in their order
        async with self._outbox.scope(level=Priority.ANSWER) as scope:
            notices = await record.due_notices(self._uow(), now=self._clock())
            for notice in notices:
                await self._send(notice)
            await scope.commit()
        await scope.answer()
        if notices:
            await self._outbox.send_pending()
        return notices

    async def _send(self, notice: TimerNotice) -> None:
        language = notice.session.language
        turn = notice.turn
        if notice.notice == "warning":
            text = t(language, "turn_warning", name=notice.speaker_name,
                     seconds=max(0, turn.remaining_s(self._clock())))
        else:
            text = t(language, "turn_timeup", name=notice.speaker_name,
                     minutes=duration(language, turn.limit_s))
        try:
            await self._bot.send_message(notice.session.chat_id, text)
        except TelegramError:
            log.warning("timer notice for turn %s not delivered", turn.id, exc_info=True)

    async def seconds_to_next(self) -> float:
        deadline = await record.next_deadline(self._uow())
        if deadline is None:
            return self._max_wait_s
        wait = (deadline - self._clock()).total_seconds()
        return min(max(wait, 0.0), self._max_wait_s)

    async def run(self) -> None:
        backoff = Backoff()
        while True:
            self._wake.clear()
            try:
                await self.tick()
                wait = await self.seconds_to_next()
                backoff.reset()
                self._health.database_up()
            except Exception as error:  # keep time anyway: a deadline missed is noticed late
                if self._health.unavailable(error):
                    self._health.database_down(error, "timekeeper")
                    wait = backoff.next()
                else:
                    log.exception("timekeeper tick failed")
                    wait = self._max_wait_s
            await wait_or_timeout(self._wake, wait)
