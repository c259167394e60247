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
        if item.kind == ItemKind.FOLLOW_UP:
            session = await uow.sessions.get(item.session_id)
            return session is not None and session.moderator_id == person.id
        turns = [c for c in await uow.contributions.list(item.session_id) if c.seq == item.seq]
        if any(c.person_id == person.id for c in turns):
            return True
        # a joint suggestion names its other proposers; names are only trusted for people
        # who signed in to that session
        return (person.display_name in item.proposers
                and await uow.attendance.get(item.session_id, person.id) is not None)


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
