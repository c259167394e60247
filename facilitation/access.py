"""Who may read what: the read side's access rules, in one place for the bot and the web.

Roles are decided live at every call: ``Actor.is_staff`` comes from configuration for this
request; nothing stored says someone is staff. A request comes from a ``Place``: a group chat
(the hall's own), or a private one.
"""

from __future__ import annotations

from dataclasses import dataclass

from facilitation.model import SessionStatus
from facilitation.ports import SearchHit, UnitOfWork
from facilitation.services import Actor
from facilitation.session import Session

LISTED = 10


@dataclass(frozen=True)
class Place:
    """Where a request comes from: a group's id, or None for a private chat or the web."""

    group_chat_id: int | None = None


async def _attended(uow: UnitOfWork, actor: Actor, limit: int) -> list[Session]:
    person = await uow.people.by_telegram_id(actor.user_id)
    if person is None or person.id is None:
        return []
    return await uow.sessions.taken_part(person.id, limit)


async def readable_sessions(uow: UnitOfWork, actor: Actor, place: Place,
                            limit: int = LISTED) -> list[Session]:
    """Closed sessions to list, newest first: a group's own; staff's, every hall's; anyone
    else's, those they moderated or signed in to."""
    async with uow:
        if place.group_chat_id is not None or actor.is_staff:
            found = [s for s in await uow.sessions.recent(place.group_chat_id, limit=limit * 3)
                     if s.status == SessionStatus.CLOSED]
        else:
            found = await _attended(uow, actor, limit)
        return found[:limit]


async def may_read_minutes(uow: UnitOfWork, actor: Actor, place: Place,
                           session: Session) -> bool:
    """Approved minutes (full or public version): staff, the hall's own group, and whoever
    moderated or signed in to the session."""
    if actor.is_staff or (place.group_chat_id is not None
                          and session.chat_id == place.group_chat_id):
        return True
    async with uow:
        return session.id in {s.id for s in await _attended(uow, actor, 1000)}


async def search(uow: UnitOfWork, actor: Actor, place: Place, query: str) -> list[SearchHit]:
    """What was said: in a group, its own sessions; for staff, every hall's; else the sessions
    the user moderated or signed in to (nothing if none)."""
    async with uow:
        if place.group_chat_id is not None:
            return await uow.search.search(query, chat_id=place.group_chat_id)
        if actor.is_staff:
            return await uow.search.search(query)
        person = await uow.people.by_telegram_id(actor.user_id)
        if person is None or person.id is None:
            return []
        return await uow.search.search(query, person_id=person.id)
