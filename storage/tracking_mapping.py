"""Rows <-> the dataclasses of following items up (facilitation/tracking.py, units.py),
field by field, as mapping.py does for the rest.

A tracked item is rebuilt by replaying its events (facilitation.tracking.replay), the way the
domain defines it; the item's row is a snapshot of that state, written for queries only.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from types import MappingProxyType

from facilitation.ports import ScheduledReminder
from facilitation.tracking import EventKind, ItemEvent, ItemStatus, TrackedItem, Who, replay
from facilitation.units import Unit, UnitLevel, UnitMapping, UnknownUnitName, unit_key
from storage.mapping import RowLike, Values


def unit_values(u: Unit) -> Values:
    return {"name": u.name, "level": u.level.value}


def to_unit(r: RowLike, aliases: Iterable[str], liaisons: Iterable[int]) -> Unit:
    return Unit(name=r.name, level=UnitLevel(r.level), aliases=tuple(aliases),
                liaisons=tuple(liaisons), id=r.id)


def mapping_values(m: UnitMapping) -> Values:
    return {"written": m.written, "key": unit_key(m.written), "unit_id": m.unit_id,
            "person_id": m.by, "at": m.at}


def to_mapping(r: RowLike) -> UnitMapping:
    return UnitMapping(written=r.written, unit_id=r.unit_id, by=r.person_id, at=r.at)


def unknown_values(u: UnknownUnitName) -> Values:
    return {"written": u.written, "key": u.key, "session_id": u.session_id,
            "item_id": u.item_id, "seen_at": u.seen_at,
            "candidates": ",".join(str(c) for c in u.candidates)}


def to_unknown(r: RowLike) -> UnknownUnitName:
    return UnknownUnitName(written=r.written, session_id=r.session_id, item_id=r.item_id,
                           seen_at=r.seen_at,
                           candidates=tuple(int(c) for c in r.candidates.split(",") if c))


def item_values(t: TrackedItem) -> Values:
    """The snapshot columns of an item (its history must hold at least its creation)."""
    return {
        "session_id": t.session_id,
        "kind": t.kind.value,
        "seq": t.seq,
        "number": t.number,
        "text": t.text,
        "proposers": "\n".join(t.proposers),
        "category": t.category,
        "unit_id": t.unit_id,
        "unit_name": t.unit_name,
        "deadline": t.deadline,
        "status": t.status.value,
        "conversion": t.conversion.value if t.conversion else None,
        "reference": t.reference,
        "satisfaction": t.satisfaction.value if t.satisfaction else None,
        "reopens": t.reopens,
        "settled_at": t.settled_at,
        "version": t.version,
        "created_at": t.history[0].at,
        "updated_at": t.history[-1].at,
    }


def event_values(item_id: int, e: ItemEvent) -> Values:
    return {
        "item_id": item_id,
        "n": e.n,
        "kind": e.kind.value,
        "at": e.at,
        "person_id": e.who.person_id,
        "operator": e.who.operator,
        "from_status": e.from_status.value if e.from_status else None,
        "to_status": e.to_status.value,
        "detail": json.dumps(dict(e.detail), ensure_ascii=False, sort_keys=True),
    }


def to_event(r: RowLike) -> ItemEvent:
    return ItemEvent(
        n=r.n,
        kind=EventKind(r.kind),
        at=r.at,
        who=Who(person_id=r.person_id, operator=r.operator),
        from_status=ItemStatus(r.from_status) if r.from_status is not None else None,
        to_status=ItemStatus(r.to_status),
        detail=MappingProxyType(json.loads(r.detail)),
    )


def to_item(item_id: int, events: Iterable[ItemEvent]) -> TrackedItem:
    """The item its stored events make (they are the truth; the row is a snapshot)."""
    return replay(events, item_id)


def reminder_values(item_id: int, r: ScheduledReminder) -> Values:
    return {"item_id": item_id, "key": r.key, "due_at": r.due_at, "sent_at": r.sent_at}


def to_reminder(r: RowLike) -> ScheduledReminder:
    return ScheduledReminder(item_id=r.item_id, key=r.key, due_at=r.due_at, sent_at=r.sent_at,
                             id=r.id)
