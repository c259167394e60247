"""Per-hall roles (issue 13): who may see and who may edit which halls, and who may grant.

An admin (the office) sees and edits every hall and grants roles; staff see and edit their
halls; a viewer only reads their halls. A hall is its group's chat id; a grant without one
covers every hall. The global list of staff ids (configuration) stays as the bootstrap: those
people are admins without any grant. Roles are read at every request and action, never kept.
Unit liaisons are another matter (facilitation/tracking_units.py).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from facilitation.audit import AuditAction, Operator, audit_entry
from facilitation.errors import InvalidInput, NotFound, PermissionDenied
from facilitation.model import Person
from facilitation.ports import UnitOfWork


class Role(StrEnum):
    ADMIN = "admin"
    STAFF = "staff"
    VIEWER = "viewer"


@dataclass(frozen=True)
class RoleGrant:
    person_id: int
    role: Role
    hall_chat_id: int | None  # None: every hall
    granted_at: datetime
    granted_by: int | None = None  # the admin's person id; None from the command line
    operator: str | None = None  # who granted from the command line, e.g. "cli:root"
    id: int | None = None


@dataclass(frozen=True)
class Standing:
    """What one person may do now: from their grants, and the bootstrap list."""

    person_id: int
    grants: tuple[RoleGrant, ...] = ()
    bootstrap_admin: bool = False
    # the units (ids) whose liaison the person is, where the caller read them (the web's
    # login: staff_desk.login_standing); a liaison holds no role, only their units' items
    liaison_units: frozenset[int] = frozenset()

    @property
    def is_admin(self) -> bool:
        return self.bootstrap_admin or any(g.role == Role.ADMIN for g in self.grants)

    @property
    def has_role(self) -> bool:
        return self.is_admin or bool(self.grants)

    @property
    def may_log_in(self) -> bool:
        """A role, or a unit to answer for (the web's follow-up board, their items only)."""
        return self.has_role or bool(self.liaison_units)

    def _halls(self, roles: Collection[Role]) -> frozenset[int] | None:
        """The halls of these roles' grants; None: every hall."""
        if self.is_admin:
            return None
        chosen = [g for g in self.grants if g.role in roles]
        if any(g.hall_chat_id is None for g in chosen):
            return None
        return frozenset(g.hall_chat_id for g in chosen if g.hall_chat_id is not None)

    def halls_seen(self) -> frozenset[int] | None:
        """The halls whose sessions this person may see; None: every hall."""
        return self._halls((Role.STAFF, Role.VIEWER))

    def halls_edited(self) -> frozenset[int] | None:
        return self._halls((Role.STAFF,))

    def may_see(self, chat_id: int) -> bool:
        halls = self.halls_seen()
        return halls is None or chat_id in halls

    def may_edit(self, chat_id: int) -> bool:
        halls = self.halls_edited()
        return halls is None or chat_id in halls

    @property
    def may_grant(self) -> bool:
        return self.is_admin


def standing_of(person: Person, grants: Collection[RoleGrant],
                bootstrap_ids: Collection[int]) -> Standing:
    assert person.id is not None
    bootstrap = (person.telegram_user_id is not None and person.forgotten_at is None
                 and person.telegram_user_id in bootstrap_ids)
    return Standing(person.id, tuple(g for g in grants if g.person_id == person.id), bootstrap)


async def standing_for(uow: UnitOfWork, person: Person,
                       bootstrap_ids: Collection[int]) -> Standing:
    """Read live (inside an open unit of work): nothing is cached between requests."""
    assert person.id is not None
    return standing_of(person, await uow.roles.grants(person_id=person.id), bootstrap_ids)


def managers_of(grants: Collection[RoleGrant], chat_id: int) -> set[int]:
    """The people (ids) who manage the hall's items by their grants: admins, and staff of the
    hall or of every hall (configuration's admins are the caller's to add)."""
    return {g.person_id for g in grants
            if g.role == Role.ADMIN
            or (g.role == Role.STAFF and g.hall_chat_id in (None, chat_id))}


Granter = Person | Operator


def check_grant(role: Role, hall_chat_id: int | None) -> None:
    if role == Role.ADMIN and hall_chat_id is not None:
        raise InvalidInput("role_admin_every_hall")


async def _require_granter(uow: UnitOfWork, by: Granter, bootstrap_ids: Collection[int]) -> None:
    """The command line's operator is trusted (they can read the database anyway)."""
    if isinstance(by, Person) and not (await standing_for(uow, by, bootstrap_ids)).may_grant:
        raise PermissionDenied("role_not_admin")


async def _subject(uow: UnitOfWork, person_id: int | None, telegram_user_id: int | None,
                   *, create: bool = False) -> Person:
    """The person by our id, or by Telegram id: someone granted a role who never wrote to the
    bot yet is recorded now (named by the id until they do), so an office can be set up first."""
    if person_id is not None:
        found = await uow.people.get(person_id)
    elif telegram_user_id is not None:
        found = await uow.people.by_telegram_id(telegram_user_id)
        if found is None and create:
            found = await uow.people.add(Person(display_name=str(telegram_user_id),
                                                telegram_user_id=telegram_user_id))
    else:
        found = None
    if found is None or found.id is None or found.forgotten_at is not None:
        raise NotFound("person_not_found", ref=f"#{person_id}" if person_id else
                       str(telegram_user_id))
    return found


@dataclass(frozen=True)
class RoleChange:
    grant: RoleGrant
    changed: bool  # False: it was so already (granted before, or not granted to revoke)


async def grant_role(uow: UnitOfWork, *, by: Granter, role: Role, hall_chat_id: int | None,
                     now: datetime, person_id: int | None = None,
                     telegram_user_id: int | None = None,
                     bootstrap_ids: Collection[int] = ()) -> RoleChange:
    check_grant(role, hall_chat_id)
    async with uow:
        await _require_granter(uow, by, bootstrap_ids)
        person = await _subject(uow, person_id, telegram_user_id, create=True)
        assert person.id is not None
        for held in await uow.roles.grants(person_id=person.id):
            if held.role == role and held.hall_chat_id == hall_chat_id:
                return RoleChange(held, False)
        grant = await uow.roles.add(RoleGrant(
            person.id, role, hall_chat_id, now, by.id if isinstance(by, Person) else None,
            by.label if isinstance(by, Operator) else None))
        await uow.audit.add(audit_entry(AuditAction.GRANTED, by, at=now, chat_id=hall_chat_id,
                                        subject_id=person.id, role=role.value))
        await uow.commit()
        return RoleChange(grant, True)


async def revoke_role(uow: UnitOfWork, *, by: Granter, role: Role, hall_chat_id: int | None,
                      now: datetime, person_id: int | None = None,
                      telegram_user_id: int | None = None,
                      bootstrap_ids: Collection[int] = ()) -> RoleGrant:
    async with uow:
        await _require_granter(uow, by, bootstrap_ids)
        person = await _subject(uow, person_id, telegram_user_id)
        assert person.id is not None
        held = [g for g in await uow.roles.grants(person_id=person.id)
                if g.role == role and g.hall_chat_id == hall_chat_id]
        if not held or held[0].id is None:
            raise NotFound("role_not_granted")
        await uow.roles.remove(held[0].id)
        await uow.audit.add(audit_entry(AuditAction.REVOKED, by, at=now, chat_id=hall_chat_id,
                                        subject_id=person.id, role=role.value))
        await uow.commit()
        return held[0]


async def list_grants(uow: UnitOfWork, *,
                      hall_chat_id: int | None = None) -> list[tuple[RoleGrant, Person]]:
    """Every grant (of one hall, and those of every hall, with ``hall_chat_id``)."""
    async with uow:
        grants = await uow.roles.grants()
        if hall_chat_id is not None:
            grants = [g for g in grants if g.hall_chat_id in (None, hall_chat_id)]
        people = await uow.people.get_many(sorted({g.person_id for g in grants}))
        return [(g, people[g.person_id]) for g in grants if g.person_id in people]


@dataclass(frozen=True)
class RolesPage:
    """The grants an admin manages, and the halls a grant may name (chat id, name)."""

    grants: tuple[tuple[RoleGrant, Person], ...]
    halls: tuple[tuple[int, str], ...]


HALLS_LOOKED_AT = 1000  # recent sessions whose halls a grant may name


async def roles_page(uow: UnitOfWork, *, by: Granter, bootstrap_ids: Collection[int] = ()
                     ) -> RolesPage:
    """Every grant with its person, for whoever may grant (an admin), and the known halls."""
    async with uow:
        await _require_granter(uow, by, bootstrap_ids)
        grants = await uow.roles.grants()
        people = await uow.people.get_many(sorted({g.person_id for g in grants}))
        names: dict[int, str] = {}
        for s in await uow.sessions.recent(None, limit=HALLS_LOOKED_AT):  # newest first
            names.setdefault(s.chat_id, s.hall or str(s.chat_id))
    order = {Role.ADMIN: 0, Role.STAFF: 1, Role.VIEWER: 2}
    listed = sorted(((g, people[g.person_id]) for g in grants if g.person_id in people),
                    key=lambda gp: (order[gp[0].role], gp[0].hall_chat_id or 0,
                                    gp[1].display_name))
    return RolesPage(tuple(listed), tuple(sorted(names.items(), key=lambda kv: kv[1])))
