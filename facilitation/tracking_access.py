"""Who may act on a followed-up item: decided live at every call, as facilitation.access does.

Three roles. Staff (refer, convert, reserve, deadlines, units and their names) are the hall's
staff as the role grants and configuration's admins say now (``services.standing_of_actor``):
an item is managed by the staff of the hall its session was held in. A liaison (联络员) of the
item's unit (accept, progress, reply) is whoever the directory lists for that unit now. The
proposer (evaluate) is read from the record of the item's session. The caller supplies the
policy (:class:`TrackingRoles`); :class:`LiveRoles` is the one the rules above describe.
"""

from __future__ import annotations

from typing import Protocol

from facilitation.errors import InvalidState, PermissionDenied
from facilitation.model import Person
from facilitation.ports import TrackingUnitOfWork
from facilitation.roles import Standing
from facilitation.services import Actor, standing_of_actor
from facilitation.tracking import ItemKind, TrackedItem


class TrackingRoles(Protocol):
    async def standing(self, uow: TrackingUnitOfWork, actor: Actor) -> Standing:
        """What the actor may do in which halls, now."""
        ...

    async def is_liaison(self, uow: TrackingUnitOfWork, actor: Actor, unit_id: int) -> bool:
        """Whether the actor is a liaison of the unit, now."""
        ...

    async def is_proposer(self, uow: TrackingUnitOfWork, actor: Actor,
                          item: TrackedItem) -> bool:
        """Whether the actor is who may evaluate the item's reply."""
        ...


class LiveRoles:
    """Staff from the grants (``services.standing_of_actor``); liaisons from the directory;
    the proposer of a suggestion is the speaker of the turn it came from, or a participant of
    the session named among its proposers; a follow-up item (work the meeting set) is
    evaluated by the session's moderator.
    """

    async def standing(self, uow: TrackingUnitOfWork, actor: Actor) -> Standing:
        return await standing_of_actor(uow, actor)

    async def is_liaison(self, uow: TrackingUnitOfWork, actor: Actor, unit_id: int) -> bool:
        unit = await uow.units.get(unit_id)
        return unit is not None and actor.user_id in unit.liaisons

    async def is_proposer(self, uow: TrackingUnitOfWork, actor: Actor,
                          item: TrackedItem) -> bool:
        person = await uow.people.by_telegram_id(actor.user_id)
        if person is None or person.id is None:
            return False
        return any(p.id == person.id for p in await proposers_of(uow, item))


async def proposers_of(uow: TrackingUnitOfWork, item: TrackedItem) -> list[Person]:
    """Who may evaluate the item's reply, and so is told how it goes (bot/item_notices.py):
    for a suggestion, the speaker of the turn it came from, then the participants of the
    session named among its proposers (names are trusted only for people who signed in to
    that session); for a follow-up item (work the meeting set), the session's moderator.
    The one place this is decided, for the access check and the notices alike."""
    if item.kind == ItemKind.FOLLOW_UP:
        session = await uow.sessions.get(item.session_id)
        moderator = await uow.people.get(session.moderator_id) if session else None
        return [moderator] if moderator is not None else []
    ids = [c.person_id for c in await uow.contributions.list(item.session_id)
           if c.seq == item.seq and c.person_id is not None]
    named: list[int] = []
    if item.proposers:
        named = [a.person_id for a in await uow.attendance.list(item.session_id)]
    people = await uow.people.get_many(list(dict.fromkeys([*ids, *named])))
    found = [people[i] for i in ids if i in people]
    found += [people[i] for i in named
              if i in people and people[i].display_name in item.proposers]
    return list({p.id: p for p in found}.values())


async def hall_of(uow: TrackingUnitOfWork, item: TrackedItem) -> int | None:
    """The hall (group chat) the item's session was held in."""
    session = await uow.sessions.get(item.session_id)
    return session.chat_id if session is not None else None


def manages_any(standing: Standing) -> bool:
    """Staff of some hall (or of every hall)."""
    halls = standing.halls_edited()
    return halls is None or bool(halls)


async def require_staff(uow: TrackingUnitOfWork, roles: TrackingRoles, actor: Actor,
                        item: TrackedItem | None = None) -> None:
    """Staff of the item's hall; with no item (the unit directory, invitations), staff of
    some hall. Inside the open unit of work."""
    standing = await roles.standing(uow, actor)
    if item is None:
        allowed = manages_any(standing)
    else:
        hall = await hall_of(uow, item)
        allowed = hall is not None and standing.may_edit(hall)
    if not allowed:
        raise PermissionDenied("not_staff")


async def require_liaison(uow: TrackingUnitOfWork, roles: TrackingRoles, actor: Actor,
                          item: TrackedItem) -> None:
    if item.unit_id is None:
        raise InvalidState("item_no_unit")
    if not await roles.is_liaison(uow, actor, item.unit_id):
        raise PermissionDenied("item_not_liaison", item=item.id)


async def require_proposer(uow: TrackingUnitOfWork, roles: TrackingRoles, actor: Actor,
                           item: TrackedItem) -> None:
    if not await roles.is_proposer(uow, actor, item):
        raise PermissionDenied("item_not_proposer", item=item.id)


async def require_party(uow: TrackingUnitOfWork, roles: TrackingRoles, actor: Actor,
                        item: TrackedItem) -> None:
    """The hall's staff or viewers, a liaison of the item's unit, or its proposer: who may
    read its reply."""
    hall = await hall_of(uow, item)
    if hall is not None and (await roles.standing(uow, actor)).may_see(hall):
        return
    if item.unit_id is not None and await roles.is_liaison(uow, actor, item.unit_id):
        return
    if not await roles.is_proposer(uow, actor, item):
        raise PermissionDenied("item_not_party", item=item.id)
