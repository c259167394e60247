"""Room notices (what the group must hear of the web) are claimed once, on both databases:
two senders taking at once write each message once, and nothing is owed after."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from facilitation import services, web_room
from facilitation.model import ParticipantKind
from facilitation.room_notices import Relayed, take_room_notices
from facilitation.services import Actor
from storage.engine import make_engine
from storage.uow import make_uow_factory

CHAT = -100555
NOW = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)
MODERATOR = Actor(700000021, "主持人")


async def test_a_notice_is_claimed_once_and_read_when_sent(db_url: str) -> None:
    engine = make_engine(db_url)
    uow = make_uow_factory(engine)
    try:
        await services.open_session(uow(), chat_id=CHAT, topic="停车难", actor=MODERATOR,
                                    now=NOW, new_code=lambda: "ROOM2345", turn_limit_s=180)
        joined = await web_room.join_on_web(
            uow(), code="ROOM2345", token=None, name="王秀英", kind=ParticipantKind.RESIDENT,
            unit=None, remote=False, notice_accepted=True, now=NOW)
        for text in ("建议一", "建议二"):
            await web_room.submit_on_web(uow(), code="ROOM2345", token=joined.token, text=text,
                                         now=NOW)
        first, second = await asyncio.gather(take_room_notices(uow(), now=NOW),
                                             take_room_notices(uow(), now=NOW))
        messages = [*first.messages, *second.messages]
        assert sorted(m.text for m in messages if isinstance(m, Relayed)) == ["建议一", "建议二"]
        assert {m.chat_id for m in messages} == {CHAT}
        assert (await take_room_notices(uow(), now=NOW)).messages == ()
    finally:
        await engine.dispose()
