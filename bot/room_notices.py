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


class RoomNoticeSender(sending.ClaimingSender[TakenNotices]):
    """Writes the messages the web's room notices owe and has the outbox send them."""

    where = "room notices"

    def __init__(self, deps: BotDeps, outbox: Outbox, max_wait_s: float = 5.0,
                 batch: int = 100) -> None:
        super().__init__(deps.health, outbox, max_wait_s, batch)
        self._deps = deps

    async def take(self) -> tuple[TakenNotices, list[Owed]]:
        deps = self._deps
        taken = await take_room_notices(deps.uow(), now=deps.clock(), limit=self._batch)
        return taken, owed_messages(taken.messages)

    def claimed(self, taken: TakenNotices) -> int:
        return taken.claimed

    def written(self, taken: TakenNotices) -> int:
        return len(taken.messages)
