"""Use cases of the directory of responsible units (staff only): adding units and liaisons,
and mapping a unit name of the minutes that no unit answered to.

A mapping is remembered (later minutes writing the name so resolve to the unit) and applied
at once to every open item waiting with that name; so is a new unit, to the items whose
written name it now answers to. Either way the name stops waiting, and the items' reminders
start.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, tzinfo

from facilitation.ports import TrackingUnitOfWork
from facilitation.reminders import DEFAULT_LEAD_DAYS, REMINDER_TIME
from facilitation.services import Actor, person_for
from facilitation.tracking import TrackedItem, Who
from facilitation.tracking_access import TrackingRoles, require_staff
from facilitation.tracking_reminding import Reminding, holding, reschedule
from facilitation.tracking_services import unit_by_ref
from facilitation.tracking_sync import unresolved
from facilitation.units import (
    Unit,
    UnitLevel,
    UnitMapping,
    UnknownUnitName,
    map_name,
    new_unit,
    resolve_unit,
    unit_key,
)


@dataclass(frozen=True)
class UnitAssigned:
    """A mapping made, or a unit added, and the waiting items it gave a unit to."""

    unit: Unit
    items: tuple[TrackedItem, ...]
    mapping: UnitMapping | None = None


async def _assign(uow: TrackingUnitOfWork, unit: Unit, matches: Iterable[TrackedItem],
                  who: Who, now: datetime, reminding: Reminding) -> tuple[TrackedItem, ...]:
    """Give ``unit`` to the waiting items ``matches`` picks (each reloaded locked)."""
    assert unit.id is not None
    done: list[TrackedItem] = []
    names: set[str] = set()
    for waiting in matches:
        assert waiting.id is not None
        item = await uow.tracked.lock(waiting.id)
        if item is None or item.unit_id is not None:
            continue
        before = holding(item)
        item.map_unit(unit.id, who=who, at=now)
        await uow.tracked.save(item)
        await reschedule(uow, item, before, now, reminding)
        done.append(item)
        names.add(item.unit_name or "")
    for name in names - {""}:
        await uow.units.drop_unknown(name)
    return tuple(done)


async def map_unit_name(uow: TrackingUnitOfWork, *, written: str, unit: int | str,
                        actor: Actor, roles: TrackingRoles, now: datetime,
                        lead_days: Iterable[int] = DEFAULT_LEAD_DAYS,
                        remind_at: time = REMINDER_TIME, tz: tzinfo) -> UnitAssigned:
    """Staff say once which unit ``written`` means: remembered, applied to every open item
    with that name (compared normalised), and the name stops waiting."""
    reminding = Reminding.of(tz, lead_days, remind_at)
    async with uow:
        await require_staff(uow, roles, actor)
        target = await unit_by_ref(uow, unit)
        person = await person_for(uow, actor)
        mapping = map_name(written, target, by=person.id, at=now,
                           directory=await uow.units.directory())
        await uow.units.add_mapping(mapping)
        key = unit_key(mapping.written)
        waiting = [t for t in unresolved(await uow.tracked.open_without_unit())
                   if unit_key(t.unit_name or "") == key]
        items = await _assign(uow, target, waiting, Who(person_id=person.id), now, reminding)
        await uow.units.drop_unknown(mapping.written)
        await uow.commit()
        return UnitAssigned(target, items, mapping)


async def add_unit(uow: TrackingUnitOfWork, *, name: str, level: UnitLevel,
                   aliases: Iterable[str] = (), actor: Actor, roles: TrackingRoles,
                   now: datetime, lead_days: Iterable[int] = DEFAULT_LEAD_DAYS,
                   remind_at: time = REMINDER_TIME, tz: tzinfo) -> UnitAssigned:
    """A new unit; open items whose written unit name now resolves to it get it."""
    reminding = Reminding.of(tz, lead_days, remind_at)
    async with uow:
        await require_staff(uow, roles, actor)
        unit = await uow.units.add(new_unit(name, level, aliases, await uow.units.list()))
        directory = await uow.units.directory()
        waiting = [t for t in unresolved(await uow.tracked.open_without_unit())
                   if (found := resolve_unit(t.unit_name or "", directory).unit) is not None
                   and found.id == unit.id]
        who = Who(person_id=(await person_for(uow, actor)).id)
        items = await _assign(uow, unit, waiting, who, now, reminding)
        await uow.commit()
        return UnitAssigned(unit, items)


async def add_liaison(uow: TrackingUnitOfWork, *, unit: int | str, telegram_user_id: int,
                      actor: Actor, roles: TrackingRoles) -> Unit:
    """A liaison (联络员) of a unit, by Telegram user id: they receive its items."""
    async with uow:
        await require_staff(uow, roles, actor)
        target = await unit_by_ref(uow, unit)
        target.add_liaison(telegram_user_id)
        await uow.units.save(target)
        await uow.commit()
        return target


async def waiting_names(uow: TrackingUnitOfWork, *, actor: Actor,
                        roles: TrackingRoles) -> list[UnknownUnitName]:
    """Unit names of minutes waiting for staff to map them, the oldest first."""
    async with uow:
        await require_staff(uow, roles, actor)
        return await uow.units.unknown()
