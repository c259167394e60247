"""The read side of following items up (/track): open items (or one state's, the settled
too) as rows, overdue first, with the access rule inside: staff see every item; a liaison,
the items of their units.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from facilitation.errors import PermissionDenied
from facilitation.ports import TrackingUnitOfWork
from facilitation.services import Actor
from facilitation.tracking import ItemKind, ItemStatus, TrackedItem
from facilitation.tracking_access import TrackingRoles
from facilitation.tracking_services import unit_by_ref


@dataclass(frozen=True)
class ItemHead:
    """What every list and notice of items says of one first (TrackRow here, the notices'
    ItemBrief in facilitation.tracking_notifying)."""

    item_id: int
    session_id: int
    kind: ItemKind
    number: int | None  # the suggestion's number in the minutes
    text: str
    status: ItemStatus


@dataclass(frozen=True)
class TrackRow(ItemHead):
    """An item in a list (the open ones, or one state's). No proposer's name: a liaison
    reads these too."""

    unit_id: int | None
    unit: str | None  # the unit's name; the name as written while no unit answers to it
    deadline: date | None
    overdue: bool
    days_left: int | None  # to the deadline, in the hall's days; negative once overdue
    reopens: int


def _row(item: TrackedItem, names: dict[int, str], now: datetime, tz: tzinfo) -> TrackRow:
    assert item.id is not None
    today = now.astimezone(tz).date()
    unit = names.get(item.unit_id) if item.unit_id is not None else None
    return TrackRow(item.id, item.session_id, item.kind, item.number, item.text, item.status,
                    item.unit_id, unit or item.unit_name, item.deadline,
                    item.is_overdue(now, tz),
                    (item.deadline - today).days if item.deadline else None, item.reopens)


def _order(row: TrackRow) -> tuple[bool, bool, date, int, int]:
    return (not row.overdue, row.deadline is None, row.deadline or date.max, row.session_id,
            row.item_id)


Scope = tuple[int | None, int | None]  # (unit id, hall's chat id); None: any


async def _visible(uow: TrackingUnitOfWork, actor: Actor, roles: TrackingRoles,
                   unit_id: int | None, as_liaison: bool) -> list[Scope]:
    """What the actor may list: staff and viewers, their halls' items (every hall's: None);
    a liaison, their units' items (``as_liaison``: only those)."""
    halls = frozenset[int]() if as_liaison else (await roles.standing(uow, actor)).halls_seen()
    if halls is None:
        return [(unit_id, None)]
    scopes: list[Scope] = [(unit_id, hall) for hall in sorted(halls)]
    if unit_id is not None:
        served = [unit_id] if await roles.is_liaison(uow, actor, unit_id) else []
    else:
        served = [u.id for u in await uow.units.by_liaison(actor.user_id)
                  if u.id is not None and await roles.is_liaison(uow, actor, u.id)]
    scopes += [(unit, None) for unit in served]
    if not scopes:
        raise PermissionDenied("item_not_liaison")
    return scopes


async def open_items(uow: TrackingUnitOfWork, *, actor: Actor, roles: TrackingRoles,
                     unit: int | str | None = None, session: int | None = None,
                     overdue_only: bool = False, as_liaison: bool = False,
                     status: ItemStatus | None = None, now: datetime,
                     tz: tzinfo) -> list[TrackRow]:
    """Items not settled nor withdrawn (``status``: the items in that state instead, settled
    ones too), overdue ones first (the longest overdue leading), then by deadline, those
    without one last; narrowed to a unit (id or name) or a session."""
    async with uow:
        unit_id = (await unit_by_ref(uow, unit)).id if unit is not None else None
        found: dict[int, TrackedItem] = {}
        for visible, hall in await _visible(uow, actor, roles, unit_id, as_liaison):
            listed = (await uow.tracked.open_snapshots(
                unit_id=visible, session_id=session, chat_id=hall) if status is None
                else await uow.tracked.snapshots_in(status, unit_id=visible,
                                                    session_id=session, chat_id=hall))
            for item in listed:
                if item.id is not None:
                    found[item.id] = item
        names = {u.id: u.name for u in await uow.units.list() if u.id is not None}
        rows = [_row(item, names, now, tz) for item in found.values()]
        return sorted((r for r in rows if r.overdue or not overdue_only), key=_order)
