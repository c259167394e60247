"""The directory of responsible units (facilitation/units.py): units with their aliases and
liaisons, the mappings staff made of written names, the names still waiting for one, and the
one-time invites that make whoever opens them a unit's liaison.

A unit is three tables; reading n units is three queries, never one per unit. Exact names
are unique in the database too: a second unit with a taken canonical name or alias fails
with sqlalchemy.exc.IntegrityError at the call (the domain's check_names_free says so first,
in words; the database also holds it against two writers at once).
"""

from __future__ import annotations

import builtins
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Select, delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from facilitation.ports import UnitInvite
from facilitation.units import Unit, UnitDirectory, UnitMapping, UnknownUnitName, unit_key
from storage import tracking_mapping as m
from storage.repositories import RowRepository, table_of
from storage.rows import (
    UnitAliasRow,
    UnitInviteRow,
    UnitLiaisonRow,
    UnitMappingRow,
    UnitRow,
    UnknownUnitNameRow,
)

UNITS = table_of(UnitRow)
ALIASES = table_of(UnitAliasRow)
LIAISONS = table_of(UnitLiaisonRow)
MAPPINGS = table_of(UnitMappingRow)
UNKNOWN = table_of(UnknownUnitNameRow)
INVITES = table_of(UnitInviteRow)


class SqlAlchemyUnitRepository(RowRepository):
    async def get(self, unit_id: int) -> Unit | None:
        found = await self._units(select(UNITS).where(UNITS.c.id == unit_id))
        return found[0] if found else None

    async def directory(self) -> UnitDirectory:
        mappings = await self._all(select(MAPPINGS).order_by(MAPPINGS.c.id), m.to_mapping)
        return UnitDirectory(tuple(await self.list()), tuple(mappings))

    async def add(self, unit: Unit) -> Unit:
        unit.id = await self._insert(UNITS, m.unit_values(unit))
        await self._add_names(unit.id, unit.aliases, unit.liaisons)
        return unit

    async def save(self, unit: Unit) -> None:
        """Write back its name and level; aliases and liaisons it lost go, new ones come
        (those it kept keep their rows, and so their order)."""
        await self._update(UNITS, unit.id, m.unit_values(unit))
        assert unit.id is not None
        await self._session.execute(delete(ALIASES).where(
            ALIASES.c.unit_id == unit.id, ALIASES.c.alias.not_in(unit.aliases)))
        await self._session.execute(delete(LIAISONS).where(
            LIAISONS.c.unit_id == unit.id, LIAISONS.c.telegram_user_id.not_in(unit.liaisons)))
        stored = await self._names(unit.id)
        await self._add_names(unit.id, [a for a in unit.aliases if a not in stored[0]],
                              [u for u in unit.liaisons if u not in stored[1]])

    async def by_liaison(self, telegram_user_id: int) -> builtins.list[Unit]:
        served = select(LIAISONS.c.unit_id).where(
            LIAISONS.c.telegram_user_id == telegram_user_id)
        return await self._units(select(UNITS).where(UNITS.c.id.in_(served))
                                 .order_by(UNITS.c.id))

    async def add_mapping(self, mapping: UnitMapping) -> None:
        """One mapping per normalised form: a second one fails (IntegrityError)."""
        await self._session.execute(insert(MAPPINGS).values(**m.mapping_values(mapping)))

    async def unknown(self) -> builtins.list[UnknownUnitName]:
        return await self._all(select(UNKNOWN).order_by(UNKNOWN.c.seen_at, UNKNOWN.c.id),
                               m.to_unknown)

    async def add_unknown(self, name: UnknownUnitName) -> None:
        """Kept as first seen: a later sighting of the same normalised form changes nothing
        (also when another writer records it at the same time)."""
        dialect = postgresql if self._postgres else sqlite
        await self._session.execute(
            dialect.insert(UNKNOWN).values(**m.unknown_values(name))
            .on_conflict_do_nothing(index_elements=[UNKNOWN.c.key]))

    async def drop_unknown(self, written: str) -> None:
        await self._session.execute(delete(UNKNOWN).where(UNKNOWN.c.key == unit_key(written)))

    # ------------------------------------------------------------------ invites
    async def add_invite(self, invite: UnitInvite) -> UnitInvite:
        """A code already taken fails (IntegrityError): codes are unique."""
        row_id = await self._insert(INVITES, {
            "code": invite.code, "unit_id": invite.unit_id, "created_by": invite.created_by,
            "created_at": invite.created_at, "expires_at": invite.expires_at,
            "used_by": invite.used_by, "used_at": invite.used_at})
        return replace(invite, id=row_id)

    async def invite(self, code: str) -> UnitInvite | None:
        return await self._one(select(INVITES).where(INVITES.c.code == code), _to_invite)

    async def use_invite(self, code: str, telegram_user_id: int, at: datetime) -> bool:
        """One conditional UPDATE: of two writers at once, one finds it unused."""
        result = await self._session.execute(
            update(INVITES).where(INVITES.c.code == code, INVITES.c.used_at.is_(None))
            .values(used_by=telegram_user_id, used_at=at))
        return cast(CursorResult[Any], result).rowcount == 1

    async def list(self) -> builtins.list[Unit]:
        """Every unit, in the order they were added."""
        return await self._units(select(UNITS).order_by(UNITS.c.id))

    # ------------------------------------------------------------------ the machinery
    async def _units(self, statement: Select[Any]) -> builtins.list[Unit]:
        rows = (await self._session.execute(statement)).all()
        ids = [r.id for r in rows]
        aliases: dict[int, builtins.list[str]] = defaultdict(builtins.list)
        liaisons: dict[int, builtins.list[int]] = defaultdict(builtins.list)
        if ids:
            for a in await self._session.execute(
                    select(ALIASES.c.unit_id, ALIASES.c.alias)
                    .where(ALIASES.c.unit_id.in_(ids)).order_by(ALIASES.c.id)):
                aliases[a.unit_id].append(a.alias)
            for li in await self._session.execute(
                    select(LIAISONS.c.unit_id, LIAISONS.c.telegram_user_id)
                    .where(LIAISONS.c.unit_id.in_(ids)).order_by(LIAISONS.c.id)):
                liaisons[li.unit_id].append(li.telegram_user_id)
        return [m.to_unit(r, aliases[r.id], liaisons[r.id]) for r in rows]

    async def _names(self, unit_id: int) -> tuple[set[str], set[int]]:
        aliases = await self._session.scalars(
            select(ALIASES.c.alias).where(ALIASES.c.unit_id == unit_id))
        liaisons = await self._session.scalars(
            select(LIAISONS.c.telegram_user_id).where(LIAISONS.c.unit_id == unit_id))
        return set(aliases), set(liaisons)

    async def _add_names(self, unit_id: int, aliases: Sequence[str],
                         liaisons: Sequence[int]) -> None:
        if aliases:
            await self._session.execute(insert(ALIASES), [
                {"unit_id": unit_id, "alias": alias} for alias in aliases])
        if liaisons:
            await self._session.execute(insert(LIAISONS), [
                {"unit_id": unit_id, "telegram_user_id": user} for user in liaisons])


def _to_invite(r: Any) -> UnitInvite:
    return UnitInvite(code=r.code, unit_id=r.unit_id, created_at=r.created_at,
                      expires_at=r.expires_at, created_by=r.created_by, used_by=r.used_by,
                      used_at=r.used_at, id=r.id)
