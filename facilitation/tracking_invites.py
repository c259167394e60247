"""Invites that make a unit's liaison (联络员): staff create a one-time link for a unit; whoever
opens it becomes a liaison of that unit, who then receives its items.

An invite's code is unguessable (:func:`invite_code`: 16 letters and digits, about 95 bits),
stored with the unit, who made it and when it expires (:data:`INVITE_DAYS` later). It is used
once: redeeming it adds the liaison and marks it used in one transaction, and of two people
opening it at the same moment one gets it (storage marks it used with one conditional
update). Opening it again as the one who used it says so, and changes nothing.
"""

from __future__ import annotations

import re
import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from facilitation.errors import InvalidState, NotFound
from facilitation.ports import TrackingUnitOfWork, UnitInvite
from facilitation.services import Actor, person_for
from facilitation.tracking_access import TrackingRoles, require_staff
from facilitation.tracking_services import unit_by_ref
from facilitation.units import Unit

INVITE_DAYS = 7
INVITE_CODE_CHARS = 16
_ALPHABET = string.ascii_letters + string.digits
_CODE = re.compile(r"[A-Za-z0-9]{8,32}")  # what a code may look like before it is looked up

# Every code this module raises, for the adapters' catalogues.
INVITE_ERROR_CODES = ("invite_unknown", "invite_expired", "invite_used")


START_PREFIX = "u_"  # the bot's /start u_<code>: an invite, not a session's code


def invite_start(code: str) -> str:
    """What the invite's deep link carries to the bot's /start."""
    return START_PREFIX + code


def invite_code() -> str:
    """A fresh code: letters and digits only, so it fits a /start payload as it is."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(INVITE_CODE_CHARS))


@dataclass(frozen=True)
class Invitation:
    invite: UnitInvite
    unit: Unit


@dataclass(frozen=True)
class Redeemed:
    unit: Unit
    already: bool = False  # they had used this very invite before: nothing changed


async def create_invite(uow: TrackingUnitOfWork, *, unit: int | str, actor: Actor,
                        roles: TrackingRoles, now: datetime, days: int = INVITE_DAYS,
                        new_code: Callable[[], str] = invite_code) -> Invitation:
    """Staff: a one-time invite to become a liaison of ``unit`` (by id or name)."""
    async with uow:
        await require_staff(uow, roles, actor)
        target = await unit_by_ref(uow, unit)
        assert target.id is not None
        person = await person_for(uow, actor)
        invite = await uow.units.add_invite(UnitInvite(
            new_code(), target.id, now, now + timedelta(days=days), created_by=person.id))
        await uow.commit()
        return Invitation(invite, target)


def check_redeemable(invite: UnitInvite | None, user_id: int, now: datetime) -> UnitInvite:
    """The invite, if it can make ``user_id`` a liaison now; why not, otherwise."""
    if invite is None:
        raise NotFound("invite_unknown")
    if invite.used_at is not None and invite.used_by != user_id:
        raise InvalidState("invite_used")
    if invite.used_at is None and now >= invite.expires_at:
        raise InvalidState("invite_expired")
    return invite


async def redeem_invite(uow: TrackingUnitOfWork, *, code: str, actor: Actor,
                        now: datetime) -> Redeemed:
    """Whoever opens the invite becomes a liaison of its unit; the invite is then used."""
    if not _CODE.fullmatch(code):
        raise NotFound("invite_unknown")
    async with uow:
        invite = check_redeemable(await uow.units.invite(code), actor.user_id, now)
        unit = await uow.units.get(invite.unit_id)
        if unit is None:
            raise NotFound("invite_unknown")
        if invite.used_at is not None:  # by them, before
            return Redeemed(unit, already=True)
        if not await uow.units.use_invite(code, actor.user_id, now):
            raise InvalidState("invite_used")  # someone else, a moment ago
        unit.add_liaison(actor.user_id)
        await uow.units.save(unit)
        await uow.commit()
        return Redeemed(unit)
