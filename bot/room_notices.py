"""The group hears what was done on the web (issue 12): a written submission from the phone
page, the floor given or the session closed from the moderator's console.

The web writes a room notice with each such change (facilitation/web_room.py announce), in
the change's transaction, whichever process serves the web. This sender is woken after a
commit of this process (``kick``), looks every ``max_wait_s`` anyway (the web may run in
another process) and catches up at start. As the item notices (bot/item_notices.py): in one
transaction it claims the notices and writes the group's messages as outbox rows; after the
commit the outbox sends them, in the group's order and under its rate limit. Killed before
the commit, the notices are still unclaimed; after it, each message is sent once.
"""

from __future__ import annotations

import asyncio
import logging

from bot import sending
from bot.catalog import t
from bot.common import BotDeps
from bot.handlers.queue import announce_floor
from bot.handlers.texts import relay_text
from bot.outbox import Outbox, Owed
from bot.sending import notice_row
from facilitation.room_notices import (
    FloorAnnounced,
    Relayed,
    RoomMessage,
    TakenNotices,
    take_room_notices,
)

log = logging.getLogger(__name__)


def room_text(message: RoomMessage) -> str:
    language = message.language
    if isinstance(message, Relayed):
        return relay_text(language, message.name, message.text, "written_relay_web")
    if isinstance(message, FloorAnnounced):
        return announce_floor(language, message.change)
    return t(language, "session_closed_web", topic=message.topic, present=message.present,
             contributions=message.contributions)


def owed_messages(messages: tuple[RoomMessage, ...]) -> list[Owed]:
    return [notice_row(m.chat_id, room_text(m)) for m in messages]


class RoomNoticeSender:
    """Writes the messages the web's room notices owe and has the outbox send them."""

    def __init__(self, deps: BotDeps, outbox: Outbox, max_wait_s: float = 5.0,
                 batch: int = 100) -> None:
        self._deps, self._outbox = deps, outbox
        self._max_wait_s, self._batch = max_wait_s, batch
        self._wake = asyncio.Event()

    def kick(self) -> None:
        """Something committed: a room notice may be owed now."""
        self._wake.set()

    async def owe(self) -> TakenNotices:
        deps = self._deps

        async def take() -> tuple[TakenNotices, list[Owed]]:
            taken = await take_room_notices(deps.uow(), now=deps.clock(), limit=self._batch)
            return taken, owed_messages(taken.messages)

        return await sending.owe(self._outbox, take)

    async def tick(self) -> int:
        """Every notice owed, batch after batch; then send. Returns the messages written."""
        written = 0
        while True:
            taken = await self.owe()
            written += len(taken.messages)
            if taken.claimed < self._batch:
                break
        if written:
            log.info("%d messages for what was done on the web written", written)
            await self._outbox.send_pending()
        return written

    async def run(self) -> None:
        async def tick() -> float:
            await self.tick()
            return self._max_wait_s

        await sending.keep_ticking(tick, wake=self._wake, health=self._deps.health,
                                   where="room notices", retry_s=self._max_wait_s, logger=log,
                                   failed="writing the group's messages of the web failed")
