"""Who may act on a followed-up item: decided live at every call, as facilitation.access does.

Three roles. Staff (refer, convert, reserve, deadlines, units and their names) are decided by
the adapter for this request, from configuration (``Actor.is_staff``). A liaison (联络员) of the
item's unit (accept, progress, reply) is whoever the directory lists for that unit now. The
proposer (evaluate) is read from the record of the item's session. The caller supplies the
policy (:class:`TrackingRoles`); :class:`LiveRoles` is the one the rules above describe.
"""

from __future__ import annotations

from typing import Protocol

from facilitation.errors import InvalidState, PermissionDenied
from facilitation.model import Person
from facilitation.ports import TrackingUnitOfWork
from facilitation.services import Actor
from facilitation.tracking import ItemKind, TrackedItem


class TrackingRoles(Protocol):
    def is_staff(self, actor: Actor) -> bool: ...

    async def is_liaison(self, uow: TrackingUnitOfWork, actor: Actor, unit_id: int) -> bool:
        """Whether the actor is a liaison of the unit, now."""
        ...

    async def is_proposer(self, uow: TrackingUnitOfWork, actor: Actor,
                          item: TrackedItem) -> bool:
        """Whether the actor is who may evaluate the item's reply."""
        ...


class LiveRoles:
    """Staff from ``Actor.is_staff``; liaisons from the directory; the proposer of a suggestion
    is the speaker of the turn it came from, or a participant of the session named among its
    proposers; a follow-up item (work the meeting set) is evaluated by the session's moderator.
    """

    def is_staff(self, actor: Actor) -> bool:
        return actor.is_staff

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


def require_staff(roles: TrackingRoles, actor: Actor) -> None:
    if not roles.is_staff(actor):
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
    """Staff, a liaison of the item's unit, or its proposer: who may read its reply."""
    if roles.is_staff(actor):
        return
    if item.unit_id is not None and await roles.is_liaison(uow, actor, item.unit_id):
        return
    if not await roles.is_proposer(uow, actor, item):
        raise PermissionDenied("item_not_party", item=item.id)
