"""Who may read what: the read side's access rules, in one place for the bot and the web.

Roles are decided live at every call, from the role grants and configuration's admins
(``services.standing_of_actor``); nothing kept says someone is staff. Staff and viewers read
their halls (an admin, and a grant for every hall, every hall). A request comes from a
``Place``: a group chat (the hall's own), or a private one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from facilitation.model import SessionStatus
from facilitation.ports import SearchHit, UnitOfWork
from facilitation.services import Actor, standing_of_actor
from facilitation.session import Session

LISTED = 10


@dataclass(frozen=True)
class Place:
    """Where a request comes from: a group's id, or None for a private chat or the web."""

    group_chat_id: int | None = None


async def _attended(uow: UnitOfWork, actor: Actor, limit: int) -> list[Session]:
    if not actor.has_private_chat:
        return []
    person = await uow.people.by_telegram_id(actor.user_id)
    if person is None or person.id is None:
        return []
    return await uow.sessions.taken_part(person.id, limit)


def _newest(sessions: list[Session]) -> list[Session]:
    unique = {s.id: s for s in sessions}.values()
    return sorted(unique, key=lambda s: (s.created_at, s.id or 0), reverse=True)


async def sessions_of_halls(uow: UnitOfWork, halls: frozenset[int] | None, limit: int, *,
                            held: tuple[datetime, datetime] | None = None,
                            status: SessionStatus | None = None) -> list[Session]:
    """The newest ``limit`` sessions of these halls (None: every hall), newest first, inside
    an open unit of work: the bot's archive and the staff's list alike; ``held`` and
    ``status`` narrow them in the query (``SessionRepository.recent``)."""
    if halls is None:
        return await uow.sessions.recent(None, limit=limit, held=held, status=status)
    found = [s for hall in sorted(halls)
             for s in await uow.sessions.recent(hall, limit=limit, held=held, status=status)]
    return _newest(found)[:limit]


async def readable_sessions(uow: UnitOfWork, actor: Actor, place: Place,
                            limit: int = LISTED) -> list[Session]:
    """Closed sessions to list, newest first: a group's own; in a private chat, those of the
    halls the person sees as staff or viewer (every hall's for an admin) and those they
    moderated or signed in to."""
    async with uow:
        if place.group_chat_id is not None:
            found = await uow.sessions.recent(place.group_chat_id, limit=limit * 3)
        else:
            halls = (await standing_of_actor(uow, actor)).halls_seen()
            found = await sessions_of_halls(uow, halls, limit * 3)
            if halls is not None:
                found += await _attended(uow, actor, limit)
        closed = [s for s in _newest(found) if s.status == SessionStatus.CLOSED]
        return closed[:limit]


async def may_read_minutes(uow: UnitOfWork, actor: Actor, place: Place,
                           session: Session) -> bool:
    """Approved minutes (full or public version): the hall's staff and viewers, the hall's
    own group, and whoever moderated or signed in to the session."""
    if place.group_chat_id is not None and session.chat_id == place.group_chat_id:
        return True
    async with uow:
        if (await standing_of_actor(uow, actor)).may_see(session.chat_id):
            return True
        return session.id in {s.id for s in await _attended(uow, actor, 1000)}


async def search(uow: UnitOfWork, actor: Actor, place: Place, query: str) -> list[SearchHit]:
    """What was said: in a group, its own sessions; in a private chat, the halls the person
    sees as staff or viewer (every hall for an admin) and the sessions they moderated or
    signed in to (nothing if none). Hits of one query rank alike whichever hall they are in."""
    async with uow:
        if place.group_chat_id is not None:
            return await uow.search.search(query, chat_id=place.group_chat_id)
        person = await uow.people.by_telegram_id(actor.user_id) \
            if actor.has_private_chat else None
        halls = (await standing_of_actor(uow, actor, person)).halls_seen()
        if halls is None:
            return await uow.search.search(query)
        hits: list[SearchHit] = []
        if person is not None and person.id is not None:
            hits += await uow.search.search(query, person_id=person.id)
        for hall in sorted(halls):
            hits += await uow.search.search(query, chat_id=hall)
        unique = {(h.session_id, h.seq): h for h in hits}.values()
        return sorted(unique, key=lambda h: -h.rank)[:10]
