"""Turn timers kept as deadlines in the database, so a restart re-arms them by itself."""

from __future__ import annotations

import asyncio
import logging

from telegram import Bot
from telegram.error import TelegramError

from bot.catalog import t
from bot.common import duration
from bot.health import Health
from bot.limits import Priority
from bot.outbox import Outbox
from bot.sending import keep_ticking, seconds_until
from facilitation import record
from facilitation.ports import Clock, UnitOfWorkFactory
from facilitation.record import TimerNotice

log = logging.getLogger(__name__)


class Timekeeper:
    """Gives the 30-second warning and the time-up notice of every turn, once each."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, bot: Bot,
                 max_wait_s: float = 30.0, health: Health | None = None,
                 outbox: Outbox | None = None, *, warn_on_board: bool = False) -> None:
        self._uow, self._clock, self._bot = uow, clock, bot
        self._outbox = outbox
        # the warning is shown on the group's live board (bot/board.py), which the commit of
        # its mark wakes, instead of a message: the time-up is still a message of its own
        self._warn_on_board = warn_on_board
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
        if notice.notice == "warning" and self._warn_on_board:
            return
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
        return seconds_until(await record.next_deadline(self._uow()), self._clock(),
                             self._max_wait_s)

    async def run(self) -> None:
        async def tick() -> float:
            await self.tick()
            return await self.seconds_to_next()

        await keep_ticking(tick, wake=self._wake, health=self._health, where="timekeeper",
                           retry_s=self._max_wait_s, logger=log,
                           failed="timekeeper tick failed")
