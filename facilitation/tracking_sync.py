"""From approved minutes to tracked items: what to create, keep and withdraw.

Each approval of a session's minutes (version 1, 2, ...) is compared with the items already
tracked for that session.

Identity rule. A suggestion or follow-up item of the new version *is* a tracked item when
  1. both are of the same kind (suggestion / follow-up item),
  2. both come from the same turn of the record (the same source ``seq``), and
  3. their substance is unchanged: the texts, normalised (:func:`substance`: NFKC, spaces and
     punctuation dropped), have a similarity (difflib's ratio) of at least
     :data:`SAME_SUBSTANCE`.
Pairs are taken one to one, the most similar first (ties: the earlier in the minutes, the
older item). Why: the source turn is what staff and the proposer recognise an item by, and
between versions editors mostly correct wording (a mis-heard character, 繁→简, a
punctuation mark); such a correction must not throw away a referral in progress, while a
rewrite that changes what is asked is a different item. A suggestion moved to another turn
is treated as a new one: the turn says who proposed it.

An item no longer in the minutes is withdrawn (its history kept); one that comes back is
reinstated. A kept item takes the new wording (REVISED); a kept follow-up item whose unit or
deadline changed in the minutes (against what the minutes said before, not against staff's
changes since) is reassigned / given the new deadline while it is with its unit, the
minutes' version being the reason.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from facilitation.tracking import (
    SYSTEM,
    WITH_UNIT,
    EventKind,
    ItemKind,
    ItemStatus,
    TrackedItem,
    Who,
    new_follow_up,
    new_suggestion,
)

SAME_SUBSTANCE = 0.8
_NOISE = re.compile(r"[\W_]+", re.UNICODE)


@dataclass(frozen=True)
class MinutesItem:
    """A suggestion (意见建议) or follow-up item (下一步工作) as approved minutes give it
    (the interchange format's "suggestions" and "actions")."""

    kind: ItemKind
    seq: int
    text: str
    number: int | None = None
    proposers: tuple[str, ...] = ()
    category: str | None = None
    unit: str | None = None  # 责任单位 as written
    deadline: date | None = None


def minutes_items(document: Mapping[str, Any]) -> list[MinutesItem]:
    """The items of minutes in their JSON form (transcripts' render_json)."""
    items = [MinutesItem(ItemKind.SUGGESTION, int(s["seq"]), str(s["text"]),
                         number=s.get("number"), proposers=tuple(s.get("proposers") or ()),
                         category=s.get("category"))
             for s in document.get("suggestions") or ()]
    items += [MinutesItem(ItemKind.FOLLOW_UP, int(a["seq"]), str(a["text"]),
                          unit=a.get("unit") or None,
                          deadline=date.fromisoformat(a["deadline"]) if a.get("deadline")
                          else None)
              for a in document.get("actions") or ()]
    return items


def substance(text: str) -> str:
    return _NOISE.sub("", unicodedata.normalize("NFKC", text)).lower()


def similarity(a: str, b: str) -> float:
    x, y = substance(a), substance(b)
    if x == y:
        return 1.0
    return difflib.SequenceMatcher(None, x, y, autojunk=False).ratio()


@dataclass(frozen=True)
class Kept:
    item: TrackedItem
    source: MinutesItem
    similarity: float

    @property
    def reinstated(self) -> bool:
        return self.item.status == ItemStatus.WITHDRAWN

    @property
    def text_changed(self) -> bool:
        return " ".join(self.source.text.split()) != self.item.text

    @property
    def unit_changed(self) -> bool:
        """The minutes name another unit than they did (staff's 改交办 since stands while the
        minutes keep their word)."""
        said, _ = minutes_said(self.item)
        return (self.item.kind == ItemKind.FOLLOW_UP and self.source.unit is not None
                and self.source.unit != said and self.source.unit != self.item.unit_name)

    @property
    def deadline_changed(self) -> bool:
        """The minutes give another deadline than they did (a deadline staff changed with a
        reason stands while the minutes keep theirs)."""
        _, said = minutes_said(self.item)
        return (self.item.kind == ItemKind.FOLLOW_UP and self.source.deadline is not None
                and self.source.deadline != said and self.source.deadline != self.item.deadline)


def minutes_said(item: TrackedItem) -> tuple[str | None, date | None]:
    """The unit name and deadline the minutes last gave a follow-up item: those it was created
    with, or given by a later version (the system's changes), not staff's."""
    unit: str | None = None
    deadline: date | None = None
    for event in item.events:
        if event.who != SYSTEM:
            continue
        d = event.detail
        if event.kind in (EventKind.CREATED, EventKind.REASSIGNED):
            unit = d.get("unit_name")
        if event.kind in (EventKind.CREATED, EventKind.REASSIGNED, EventKind.DEADLINE_CHANGED):
            deadline = date.fromisoformat(d["deadline"]) if d.get("deadline") else None
    return unit, deadline


@dataclass(frozen=True)
class SyncPlan:
    create: tuple[MinutesItem, ...]
    keep: tuple[Kept, ...]
    withdraw: tuple[TrackedItem, ...]


def plan_tracking(items: Sequence[MinutesItem], tracked: Sequence[TrackedItem]) -> SyncPlan:
    """What approving minutes with ``items`` does to the session's ``tracked`` items
    (withdrawn ones included: they may come back)."""
    pairs = sorted(
        ((similarity(m.text, t.text), i, j)
         for i, m in enumerate(items) for j, t in enumerate(tracked)
         if m.kind == t.kind and m.seq == t.seq),
        key=lambda p: (-p[0], p[1], p[2]))
    taken_items: set[int] = set()
    taken_tracked: set[int] = set()
    keep: list[tuple[int, Kept]] = []
    for score, i, j in pairs:
        if score < SAME_SUBSTANCE or i in taken_items or j in taken_tracked:
            continue
        taken_items.add(i)
        taken_tracked.add(j)
        keep.append((i, Kept(tracked[j], items[i], score)))
    return SyncPlan(
        create=tuple(m for i, m in enumerate(items) if i not in taken_items),
        keep=tuple(k for _, k in sorted(keep, key=lambda p: p[0])),
        withdraw=tuple(t for j, t in enumerate(tracked)
                       if j not in taken_tracked and t.status != ItemStatus.WITHDRAWN))


UnitLookup = Callable[[str], int | None]  # a unit name as written → its unit's id, if it has one


def apply_plan(plan: SyncPlan, *, session_id: int, version: int, unit_of: UnitLookup,
               who: Who, at: datetime) -> tuple[list[TrackedItem], list[TrackedItem]]:
    """Carry the plan out: (new items, changed items). The caller stores both."""
    created = [_create(m, session_id, version, unit_of, who, at) for m in plan.create]
    changed: list[TrackedItem] = []
    for kept in plan.keep:
        item = kept.item
        before = len(item.history)
        if kept.reinstated:
            item.reinstate(version=version, who=who, at=at)
        item.revise(kept.source.text, version=version, who=who, at=at)
        if item.status in WITH_UNIT:
            _follow_minutes(kept, version, unit_of, who, at)
        if len(item.history) > before:
            changed.append(item)
    for item in plan.withdraw:
        item.withdraw(version=version, who=who, at=at)
        changed.append(item)
    return created, changed


def _create(m: MinutesItem, session_id: int, version: int, unit_of: UnitLookup, who: Who,
            at: datetime) -> TrackedItem:
    if m.kind == ItemKind.SUGGESTION:
        return new_suggestion(session_id, m.seq, m.text, number=m.number,
                              proposers=m.proposers, category=m.category, version=version,
                              who=who, at=at)
    return new_follow_up(session_id, m.seq, m.text, unit_name=m.unit,
                         unit_id=unit_of(m.unit) if m.unit else None, deadline=m.deadline,
                         version=version, who=who, at=at)


def _follow_minutes(kept: Kept, version: int, unit_of: UnitLookup, who: Who,
                    at: datetime) -> None:
    item, source = kept.item, kept.source
    reason = f"纪要第{version}版"
    if kept.unit_changed and source.unit is not None:
        # a name no unit answers to yet leaves the item with no unit, for staff to map
        item.reassign(unit_of(source.unit), source.unit, reason=reason, who=who, at=at)
    if kept.deadline_changed:
        item.change_deadline(source.deadline, reason=reason, who=who, at=at)


def unresolved(items: Iterable[TrackedItem]) -> list[TrackedItem]:
    """Follow-up items with a unit name that no unit answers to yet (for staff to map)."""
    return [t for t in items if t.status in WITH_UNIT and t.unit_id is None and t.unit_name]
