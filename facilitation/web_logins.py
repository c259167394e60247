"""Logins without Telegram (issue 13): Telegram is out of reach for many offices, so an admin
invites a person by name with a role; the invitation is a one-time link (seven days, kept as
its token's SHA-256 only) on which the person chooses a login name and a password; then they
log in with those. Passwords are stored as argon2 hashes (the caller's :class:`Hasher`).
Roles are still read at every request (facilitation/staff_desk.web_standing)."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from datetime import datetime, timedelta
from typing import Protocol

from facilitation.audit import AuditAction, audit_entry
from facilitation.errors import InvalidInput, NotFound, PermissionDenied
from facilitation.model import Person, clean_text
from facilitation.ports import TrackingUnitOfWork, UnitOfWork
from facilitation.roles import Role, check_grant, grant_role, standing_for
from facilitation.services import Actor, person_for
from facilitation.staff_desk import login_standing, token_hash
from facilitation.staff_desk import new_token as _new_token

INVITE_VALID = timedelta(days=7)
LOGIN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{2,39}$")
MIN_PASSWORD = 10
MAX_PASSWORD = 200
NAME_MAX = 40


class Hasher(Protocol):
    """Slow on purpose (argon2): the adapter runs it off the event loop."""

    async def hash(self, password: str) -> str: ...
    async def verify(self, hashed: str, password: str) -> bool:
        """True when ``password`` is the one hashed (never raises for a wrong one)."""
        ...


async def invite_without_telegram(uow: UnitOfWork, *, by: Actor, name: str, role: Role,
                                  hall_chat_id: int | None, now: datetime,
                                  bootstrap_ids: Collection[int] = (),
                                  new_token: Callable[[], str] = _new_token) -> str:
    """An admin's invitation: a new person named ``name`` is given ``role`` (logged as any
    grant) and a one-time link to set their login; the token for {web}/invite/<token>."""
    check_grant(role, hall_chat_id)
    clean = clean_text(name, limit=NAME_MAX, field_name="name", required=True)
    assert clean is not None
    async with uow:
        granter = await person_for(uow, by)
        if not (await standing_for(uow, granter, bootstrap_ids)).may_grant:
            raise PermissionDenied("role_not_admin")
        person = await uow.people.add(Person(display_name=clean))
        assert person.id is not None
        token = new_token()
        await uow.roles.add_invite(token_hash(token), person.id, now, now + INVITE_VALID)
        await uow.commit()
    await grant_role(uow, by=granter, role=role, hall_chat_id=hall_chat_id, now=now,
                     person_id=person.id, bootstrap_ids=bootstrap_ids)
    return token


def _checked(login_name: str, password: str) -> str:
    name = login_name.strip()
    if not LOGIN_NAME.match(name):
        raise InvalidInput("login_name_bad")
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InvalidInput("password_length", n=MIN_PASSWORD)
    return name.lower()


async def accept_invitation(uow: UnitOfWork, *, token: str, login_name: str, password: str,
                            hasher: Hasher, now: datetime) -> Person:
    """Choose a login name and a password on the invitation's link, once, before it
    expires; a name someone else has is refused and the link stays unused."""
    name = _checked(login_name, password)
    hashed = await hasher.hash(password)
    async with uow:
        person_id = await uow.roles.use_login_link(token_hash(token), now, kind="invite")
        person = None if person_id is None else await uow.people.get(person_id)
        if person is None or person.id is None or person.forgotten_at is not None:
            raise NotFound("invite_link_invalid")
        if not await uow.roles.set_credentials(person.id, name, hashed, now):
            raise InvalidInput("login_name_taken")  # rolled back: the link stays unused
        await uow.commit()
        return person


async def password_log_in(uow: TrackingUnitOfWork, *, login_name: str, password: str,
                          hasher: Hasher, now: datetime,
                          bootstrap_ids: Collection[int] = ()) -> Person:
    """A login by name and password (logged as a login); the same refusal for an unknown
    name and a wrong password; someone whose role went is refused."""
    async with uow:
        found = await uow.roles.credentials(login_name.strip().lower()[:NAME_MAX])
        # an unknown name costs a hash, as a wrong password costs a check: nobody learns by
        # the time taken which names exist
        right = (await hasher.verify(found[1], password[:MAX_PASSWORD]) if found
                 else not await hasher.hash(password[:MAX_PASSWORD]))
        person = await uow.people.get(found[0]) if found and right else None
        if person is None or person.forgotten_at is not None:
            raise PermissionDenied("login_failed")
        if not (await login_standing(uow, person, bootstrap_ids)).may_log_in:
            raise PermissionDenied("staff_no_role")
        await uow.audit.add(audit_entry(AuditAction.LOGIN, person, at=now, method="password"))
        await uow.commit()
        return person
