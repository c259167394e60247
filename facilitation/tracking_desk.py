"""The read side of staff's desk for following items up: /track in pages, one item for a
button's follow-up question, the units an item may be referred (or reassigned) to (those its
text names first), and the directory with its open items (/units).

Access is decided here, as in facilitation.tracking_views (whose access rule /track uses):
staff only, but for /track, which a liaison may also read for their units.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo

from facilitation.errors import NotFound, PermissionDenied
from facilitation.ports import TrackingUnitOfWork
from facilitation.services import Actor
from facilitation.tracking import WITH_UNIT, EventKind, ItemEvent, ItemStatus, TrackedItem
from facilitation.tracking_access import (
    TrackingRoles,
    hall_of,
    manages_any,
    require_party,
    require_staff,
)
from facilitation.tracking_services import MAX_ROW_ID, item_by_id, unit_by_ref
from facilitation.tracking_views import TrackRow, open_items
from facilitation.units import Unit, UnitDirectory, UnknownUnitName, resolve_unit, unit_key

PAGE_SIZE = 8
OVERDUE_WORDS = frozenset({"逾期", "超期", "overdue"})


@dataclass(frozen=True)
class TrackScope:
    """Which open items: all, the overdue ones, a unit's (id, "#id" or name), a session's;
    ``status``: the items in that state instead of the open ones (settled ones too: the
    workbench asks for them; the bot's /track lists the open ones)."""

    overdue: bool = False
    unit: int | str | None = None
    session: int | None = None
    status: ItemStatus | None = None

    @classmethod
    def said(cls, words: str) -> TrackScope:
        """As staff type it after /track: nothing (all), 逾期, a session's number (ASCII
        digits), else a unit (a name, an alias or #id)."""
        said = " ".join(words.split())
        if not said:
            return cls()
        if said.lower() in OVERDUE_WORDS:
            return cls(overdue=True)
        if said.isascii() and said.isdigit() and len(said) <= 10:
            if not 0 < int(said) <= MAX_ROW_ID:
                raise NotFound("no_session")
            return cls(session=int(said))
        return cls(unit=said)


@dataclass(frozen=True)
class TrackPage:
    rows: tuple[TrackRow, ...]  # this page's
    page: int  # 1-based, within 1..pages
    pages: int
    total: int
    overdue: int  # of all the pages
    scope: TrackScope  # its unit, if any, by id
    unit_name: str | None  # the unit's, when narrowed to one
    can_manage: bool  # staff (may refer, convert, reserve, change deadlines)


async def track_page(uow: TrackingUnitOfWork, *, actor: Actor, roles: TrackingRoles,
                     scope: TrackScope, page: int = 1, page_size: int = PAGE_SIZE,
                     now: datetime, tz: tzinfo) -> TrackPage:
    """One page of the open items the actor may see, or of one state's (tracking_views.
    open_items' rule and order); a page past the last is the last."""
    unit: Unit | None = None
    if scope.unit is not None:
        async with uow:
            unit = await unit_by_ref(uow, scope.unit)
    async with uow:
        can_manage = manages_any(await roles.standing(uow, actor))
    rows = await open_items(uow, actor=actor, roles=roles,
                            unit=unit.id if unit is not None else None, session=scope.session,
                            overdue_only=scope.overdue, status=scope.status, now=now, tz=tz)
    pages = max(1, math.ceil(len(rows) / page_size))
    page = min(max(page, 1), pages)
    start = (page - 1) * page_size
    return TrackPage(tuple(rows[start:start + page_size]), page, pages, len(rows),
                     sum(r.overdue for r in rows),
                     replace(scope, unit=unit.id if unit else None),
                     unit.name if unit else None, can_manage)


async def staff_item(uow: TrackingUnitOfWork, *, item_id: int, actor: Actor,
                     roles: TrackingRoles) -> TrackedItem:
    """An item as staff see it, before a button asks them what to do with it."""
    async with uow:
        item = await item_by_id(uow, item_id)
        await require_staff(uow, roles, actor, item)
        return item


async def staff_unit(uow: TrackingUnitOfWork, *, unit: int | str, actor: Actor,
                     roles: TrackingRoles) -> Unit:
    """A unit as staff name it, before a button asks them why an item goes to it."""
    async with uow:
        await require_staff(uow, roles, actor)
        return await unit_by_ref(uow, unit)


@dataclass(frozen=True)
class ReferChoices:
    item: TrackedItem
    units: tuple[Unit, ...]  # those the item names first, then the directory's order
    named: int  # how many of them the item names
    current: Unit | None = None  # the unit an item with its unit is with (改交办)


def _named(item: TrackedItem, units: list[Unit], by_name: Unit | None) -> list[Unit]:
    """The units the item's unit name (when it resolves) or its text names, in the order
    its text names them."""
    text = unit_key(item.text)
    found = {u.id: text.find(unit_key(n)) for u in units for n in u.names
             if len(unit_key(n)) >= 2 and unit_key(n) in text}
    named = sorted((u for u in units if u.id in found), key=lambda u: found[u.id])
    if by_name is not None:
        named = [by_name, *(u for u in named if u.id != by_name.id)]
    return named


async def refer_choices(uow: TrackingUnitOfWork, *, item_id: int, actor: Actor,
                        roles: TrackingRoles) -> ReferChoices:
    """The units to offer for referring an item: the one its minutes name first; for one
    already with a unit (改交办), every unit but that one."""
    async with uow:
        item = await item_by_id(uow, item_id)
        await require_staff(uow, roles, actor, item)
        directory = await uow.units.directory()
    return _choices(item, directory)


def _choices(item: TrackedItem, directory: UnitDirectory) -> ReferChoices:
    current = item.unit_id if item.status in WITH_UNIT else None
    units = [u for u in directory.units if current is None or u.id != current]
    by_name = resolve_unit(item.unit_name, directory).unit if item.unit_name else None
    if by_name is not None and current is not None and by_name.id == current:
        by_name = None
    named = _named(item, units, by_name)
    ids = {u.id for u in named}
    holder = next((u for u in directory.units if current is not None and u.id == current), None)
    return ReferChoices(item, (*named, *(u for u in units if u.id not in ids)), len(named),
                        holder)


@dataclass(frozen=True)
class HistoryLine:
    event: ItemEvent
    who: str | None  # the person's name or the operator; None: the system (an approval)
    by_proposer: bool = False  # the proposer's own step, unnamed to a unit (as in the bot)


# What only a proposer does to an item: a unit's liaison reads that it was done, not by whom
# (the bot's liaison views leave the proposer's name out too)
PROPOSERS_STEPS = frozenset({EventKind.EVALUATED})


@dataclass(frozen=True)
class ItemPage:
    """One item as the workbench shows it: where it came from, every change, and what the
    visitor may do with it (the same rules the use cases check again when they act)."""

    item: TrackedItem
    topic: str
    hall: str | None
    held_at: datetime | None
    history: tuple[HistoryLine, ...]
    can_manage: bool  # staff of the item's hall: refer, convert, deadlines, the reply
    choices: ReferChoices | None  # the units to refer or reassign to (staff only)
    can_liaise: bool = False  # a liaison of its unit: accept, progress, the unit's reply


async def item_page(uow: TrackingUnitOfWork, *, item_id: int, actor: Actor,
                    roles: TrackingRoles) -> ItemPage:
    """An item for whoever may read its reply (``require_party``: the hall's staff and
    viewers, its unit's liaison, its proposer); any other number is not found."""
    async with uow:
        item = await item_by_id(uow, item_id) if 0 < item_id <= MAX_ROW_ID else None
        if item is None:
            raise NotFound("item_not_found", item=item_id)
        try:
            await require_party(uow, roles, actor, item)
        except PermissionDenied:
            raise NotFound("item_not_found", item=item_id) from None
        hall = await hall_of(uow, item)
        standing = await roles.standing(uow, actor)
        can_manage = hall is not None and standing.may_edit(hall)
        sees_people = hall is not None and standing.may_see(hall)  # staff and viewers
        can_liaise = item.unit_id is not None and await roles.is_liaison(uow, actor,
                                                                         item.unit_id)
        session = await uow.sessions.get(item.session_id)
        people = await uow.people.get_many(sorted(
            {e.who.person_id for e in item.history if e.who.person_id is not None}))
        directory = await uow.units.directory() if can_manage else None
    history = tuple(
        HistoryLine(e, None, by_proposer=True) if not sees_people and e.kind in PROPOSERS_STEPS
        else HistoryLine(e, people[e.who.person_id].display_name
                         if e.who.person_id in people else e.who.operator)
        for e in item.history)
    return ItemPage(item, session.topic if session else "", session.hall if session else None,
                    session.started_at if session else None, history, can_manage,
                    _choices(item, directory) if directory is not None else None, can_liaise)


@dataclass(frozen=True)
class UnitSummary:
    unit: Unit
    open_items: int


@dataclass(frozen=True)
class UnitsOverview:
    units: tuple[UnitSummary, ...]  # in the order they were added
    waiting: tuple[UnknownUnitName, ...]  # names of minutes no unit answers to, oldest first


async def units_overview(uow: TrackingUnitOfWork, *, actor: Actor,
                         roles: TrackingRoles) -> UnitsOverview:
    """Staff: every unit with its open items, and the names waiting to be mapped."""
    async with uow:
        await require_staff(uow, roles, actor)
        units = await uow.units.list()
        counts = await uow.tracked.open_per_unit()
        waiting = await uow.units.unknown()
    return UnitsOverview(tuple(UnitSummary(u, counts.get(u.id, 0) if u.id is not None else 0)
                               for u in units), tuple(waiting))
