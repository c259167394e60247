"""What the group hears of what was done on the web (issue 12): the room notices the phone
page and the console write with their changes, claimed and read here for the bot to send
(bot/room_notices.py), once each, in the session's words: a written submission relayed as
one sent privately to the bot is, the floor given as /next announces it, the close as /end.
Read when sent: a person forgotten in between is named by their label, never by the old name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from facilitation.floor import FloorChange
from facilitation.ports import RoomNotice, UnitOfWork


@dataclass(frozen=True)
class Relayed:
    """A written submission from the phone page."""

    chat_id: int
    language: str
    name: str
    text: str


@dataclass(frozen=True)
class FloorAnnounced:
    chat_id: int
    language: str
    change: FloorChange


@dataclass(frozen=True)
class Closed:
    chat_id: int
    language: str
    topic: str
    present: int
    contributions: int


RoomMessage = Relayed | FloorAnnounced | Closed


@dataclass(frozen=True)
class TakenNotices:
    messages: tuple[RoomMessage, ...]
    claimed: int  # notices claimed, whether they still owed a message or not


async def _read(uow: UnitOfWork, notice: RoomNotice) -> RoomMessage | None:
    session = await uow.sessions.get(notice.session_id)
    if session is None:
        return None
    chat, language, params = notice.chat_id, session.language, notice.params
    if notice.key == "written":
        found = await uow.contributions.get(int(params["contribution_id"]))
        if found is None or not found.final:
            return None
        return Relayed(chat, language, found.speaker_name, found.text)
    if notice.key == "floor_given":
        turn = await uow.turns.get(int(params["turn_id"]))
        ended_id = params.get("ended_turn_id")
        ended = await uow.turns.get(int(ended_id)) if ended_id is not None else None
        speaker = await uow.people.get(turn.person_id) if turn is not None else None
        if turn is None or speaker is None:
            return None
        ended_by = await uow.people.get(ended.person_id) if ended is not None else None
        return FloorAnnounced(chat, language, FloorChange(
            session, ended, ended_by.display_name if ended_by else None, turn, speaker,
            int(params.get("waiting", 0))))
    if notice.key == "closed":
        assert session.id is not None
        return Closed(chat, language, session.topic,
                      await uow.attendance.count_present(session.id),
                      await uow.contributions.count(session.id))
    return None


async def take_room_notices(uow: UnitOfWork, *, now: datetime, limit: int = 100) -> TakenNotices:
    """Claim the next notices and read what each owes, inside the caller's transaction (the
    outbox's: the messages are written with the claims, or neither is)."""
    async with uow:
        taken: list[RoomMessage] = []
        notices = await uow.web.unnotified(limit)
        for notice in notices:
            assert notice.id is not None
            if not await uow.web.mark_notified(notice.id, now):
                continue  # another process claimed it
            message = await _read(uow, notice)
            if message is not None:
                taken.append(message)
        await uow.commit()
        return TakenNotices(tuple(taken), len(notices))
