"""In-memory fakes of the follow-up ports (units, tracked items, reminders), with the
semantics of storage/tracking_repository.py and storage/unit_repository.py: ``save`` appends
only the events not stored yet and refuses an item that does not go on from what is stored;
``schedule`` replaces an item's unsent reminders and never schedules a sent key again."""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from typing import Any

from facilitation.ports import ScheduledReminder, UnitInvite
from facilitation.tracking import (
    SETTLED,
    ItemEvent,
    ItemKind,
    ItemStatus,
    TrackedItem,
    replay,
    snapshot,
)
from facilitation.units import Unit, UnitDirectory, UnitMapping, UnknownUnitName, unit_key
from tests.fakes import FakeUnitOfWork, FakeUowFactory, Store


class StaleItem(RuntimeError):
    """As storage's: the item in hand does not go on from its stored history."""


@dataclass
class TrackingStore(Store):
    units: dict[int, Unit] = field(default_factory=dict)
    mappings: list[UnitMapping] = field(default_factory=list)
    unknown: list[UnknownUnitName] = field(default_factory=list)
    items: dict[int, list[ItemEvent]] = field(default_factory=dict)  # item id -> its history
    reminders: dict[int, ScheduledReminder] = field(default_factory=dict)
    invites: dict[str, UnitInvite] = field(default_factory=dict)  # by code

    def __deepcopy__(self, memo: dict[int, Any]) -> TrackingStore:
        """Events are immutable and hold read-only mappings (which cannot be copied): a copy
        of the store shares them and copies the lists."""
        memo.update({id(e): e for history in self.items.values() for e in history})
        clone = copy.copy(self)
        for f in fields(self):
            setattr(clone, f.name, copy.deepcopy(getattr(self, f.name), memo))
        return clone


class FakeUnits:
    def __init__(self, uow: FakeTrackingUnitOfWork) -> None:
        self._uow = uow

    @property
    def _s(self) -> TrackingStore:
        return self._uow.state  # type: ignore[return-value]

    async def get(self, unit_id: int) -> Unit | None:
        return copy.copy(self._s.units.get(unit_id))

    async def list(self) -> list[Unit]:
        return [copy.copy(u) for _, u in sorted(self._s.units.items())]

    async def directory(self) -> UnitDirectory:
        return UnitDirectory(tuple(await self.list()), tuple(self._s.mappings))

    async def add(self, unit: Unit) -> Unit:
        taken = {n for u in self._s.units.values() for n in u.names}
        if taken & set(unit.names):
            raise RuntimeError("unique violation: a unit's name or alias")
        unit.id = next(self._s.ids)
        self._s.units[unit.id] = copy.copy(unit)
        return unit

    async def save(self, unit: Unit) -> None:
        assert unit.id in self._s.units
        self._s.units[unit.id] = copy.copy(unit)

    async def by_liaison(self, telegram_user_id: int) -> list[Unit]:
        return [u for u in await self.list() if telegram_user_id in u.liaisons]

    async def add_mapping(self, mapping: UnitMapping) -> None:
        if any(unit_key(m.written) == unit_key(mapping.written) for m in self._s.mappings):
            raise RuntimeError("unique violation: one mapping per normalised name")
        self._s.mappings.append(mapping)

    async def unknown(self) -> list[UnknownUnitName]:
        return sorted(self._s.unknown, key=lambda n: n.seen_at or datetime.min)

    async def add_unknown(self, name: UnknownUnitName) -> None:
        if all(n.key != name.key for n in self._s.unknown):
            self._s.unknown.append(name)

    async def drop_unknown(self, written: str) -> None:
        self._s.unknown = [n for n in self._s.unknown if n.key != unit_key(written)]

    async def add_invite(self, invite: UnitInvite) -> UnitInvite:
        if invite.code in self._s.invites:
            raise RuntimeError("unique violation: an invite's code")
        stored = replace(invite, id=next(self._s.ids))
        self._s.invites[invite.code] = stored
        return stored

    async def invite(self, code: str) -> UnitInvite | None:
        return self._s.invites.get(code)

    async def use_invite(self, code: str, telegram_user_id: int, at: datetime) -> bool:
        found = self._s.invites.get(code)
        if found is None or found.used_at is not None:
            return False
        self._s.invites[code] = replace(found, used_by=telegram_user_id, used_at=at)
        return True


def _minutes_order(item: TrackedItem) -> tuple[int, int, int]:
    return (0 if item.kind == ItemKind.SUGGESTION else 1, item.seq, item.id or 0)


OPEN = frozenset(ItemStatus) - SETTLED - {ItemStatus.WITHDRAWN}


def _deadline_order(item: TrackedItem) -> tuple[bool, date, int, int, int]:
    return (item.deadline is None, item.deadline or date.max, item.session_id, item.seq,
            item.id or 0)


class FakeTrackedItems:
    def __init__(self, uow: FakeTrackingUnitOfWork) -> None:
        self._uow = uow
        self.locked: list[int] = []  # what was read for update, in order

    @property
    def _s(self) -> TrackingStore:
        return self._uow.state  # type: ignore[return-value]

    def _all(self) -> list[TrackedItem]:
        return [replay(history, item_id) for item_id, history in self._s.items.items()]

    async def get(self, item_id: int) -> TrackedItem | None:
        history = self._s.items.get(item_id)
        return replay(history, item_id) if history else None

    async def lock(self, item_id: int) -> TrackedItem | None:
        self.locked.append(item_id)
        return await self.get(item_id)

    async def for_session(self, session_id: int) -> list[TrackedItem]:
        return sorted((t for t in self._all() if t.session_id == session_id),
                      key=_minutes_order)

    async def open_items(self, *, unit_id: int | None = None, session_id: int | None = None,
                         chat_id: int | None = None) -> list[TrackedItem]:
        return self._narrowed(OPEN, unit_id, session_id, chat_id)

    def _narrowed(self, statuses: frozenset[ItemStatus], unit_id: int | None,
                  session_id: int | None, chat_id: int | None) -> list[TrackedItem]:
        chats = {s.id: s.chat_id for s in self._s.sessions.values()}
        return sorted((t for t in self._all()
                       if t.status in statuses
                       and (unit_id is None or t.unit_id == unit_id)
                       and (session_id is None or t.session_id == session_id)
                       and (chat_id is None or chats.get(t.session_id) == chat_id)),
                      key=_deadline_order)

    async def snapshots_in(self, status: ItemStatus, *, unit_id: int | None = None,
                           session_id: int | None = None,
                           chat_id: int | None = None) -> list[TrackedItem]:
        return [replace(t, history=[], reply=None, reason=None) for t in self._narrowed(
            frozenset({status}), unit_id, session_id, chat_id)]

    async def open_without_unit(self) -> list[TrackedItem]:
        return [t for t in await self.open_items() if t.unit_id is None]

    async def open_snapshots(self, *, unit_id: int | None = None,
                             session_id: int | None = None,
                             chat_id: int | None = None) -> list[TrackedItem]:
        """As storage's: the open items without their history (nor reply, nor reason)."""
        return [replace(t, history=[], reply=None, reason=None) for t in await self.open_items(
            unit_id=unit_id, session_id=session_id, chat_id=chat_id)]

    async def open_per_unit(self) -> dict[int, int]:
        return dict(Counter(t.unit_id for t in await self.open_items() if t.unit_id is not None))

    async def add(self, item: TrackedItem) -> TrackedItem:
        if not item.history:
            raise ValueError("an item's history starts with its creation")
        item.id = next(self._s.ids)
        self._s.items[item.id] = list(snapshot(item).history)
        return item

    async def save(self, item: TrackedItem) -> None:
        if item.id is None:
            raise ValueError("the item has no id")
        stored = self._s.items[item.id]
        if len(stored) > len(item.history) or item.history[len(stored) - 1] != stored[-1]:
            raise StaleItem(f"item {item.id}")
        stored.extend(item.history[len(stored):])

    async def events(self, item_id: int) -> list[ItemEvent]:
        return list(self._s.items.get(item_id, []))

    async def redact(self, item: TrackedItem) -> None:
        if item.id is None:
            raise ValueError("the item has no id")
        stored = self._s.items[item.id]
        if [replace(e, detail={}) for e in stored] != [replace(e, detail={})
                                                       for e in item.history]:
            raise StaleItem(f"item {item.id}")
        self._s.items[item.id] = list(item.history)

    async def untracked_approvals(self) -> list[tuple[int, int]]:
        latest: dict[int, int] = {}
        for v in self._uow.state.minutes.versions:
            latest[v.session_id] = max(v.version, latest.get(v.session_id, 0))
        tracked: dict[int, int] = {}
        for t in self._all():
            tracked[t.session_id] = max(t.version or 0, tracked.get(t.session_id, 0))
        return sorted((s, v) for s, v in latest.items() if tracked.get(s, 0) < v)


class FakeReminders:
    def __init__(self, uow: FakeTrackingUnitOfWork) -> None:
        self._uow = uow

    @property
    def _rows(self) -> dict[int, ScheduledReminder]:
        return self._uow.state.reminders  # type: ignore[attr-defined, no-any-return]

    def of(self, item_id: int) -> list[ScheduledReminder]:
        return sorted((r for r in self._rows.values() if r.item_id == item_id),
                      key=lambda r: (r.due_at, r.id or 0))

    async def schedule(self, item_id: int, reminders: Sequence[ScheduledReminder]) -> None:
        if any(r.item_id != item_id for r in reminders):
            raise ValueError(f"reminders of another item than {item_id}")
        wanted = {r.key: r for r in reminders}
        for row in self.of(item_id):
            if row.sent_at is None and row.key not in wanted:
                assert row.id is not None
                del self._rows[row.id]
        stored = {r.key: r for r in self.of(item_id)}
        for key, r in wanted.items():
            row = stored.get(key)
            if row is None:
                new_id = next(self._uow.state.ids)
                self._rows[new_id] = replace(r, sent_at=None, id=new_id)
            elif row.sent_at is None and row.due_at != r.due_at:
                assert row.id is not None
                self._rows[row.id] = replace(row, due_at=r.due_at)

    async def due(self, now: datetime, limit: int = 100) -> list[ScheduledReminder]:
        return sorted((r for r in self._rows.values()
                       if r.sent_at is None and r.due_at <= now),
                      key=lambda r: (r.due_at, r.id or 0))[:limit]

    async def next_due(self) -> datetime | None:
        return min((r.due_at for r in self._rows.values() if r.sent_at is None), default=None)

    async def mark_sent(self, reminder_id: int, at: datetime) -> bool:
        row = self._rows.get(reminder_id)
        if row is None or row.sent_at is not None:
            return False
        self._rows[reminder_id] = replace(row, sent_at=at)
        return True


class FakeTrackingUnitOfWork(FakeUnitOfWork):
    """A FakeUnitOfWork that also follows items up (a TrackingUnitOfWork)."""

    def __init__(self, store: TrackingStore, idempotency_key: int | None = None) -> None:
        super().__init__(store, idempotency_key)
        self.units = FakeUnits(self)
        self.tracked = FakeTrackedItems(self)
        self.reminders = FakeReminders(self)

    async def commit(self) -> None:
        await super().commit()
        for name in ("units", "mappings", "unknown", "items", "reminders", "invites"):
            setattr(self.store, name, getattr(self.state, name))


class FakeTrackingUowFactory(FakeUowFactory):
    def __init__(self) -> None:
        self.store: TrackingStore = TrackingStore()
        self.made: list[FakeTrackingUnitOfWork] = []

    def __call__(self, idempotency_key: int | None = None) -> FakeTrackingUnitOfWork:
        uow = FakeTrackingUnitOfWork(self.store, idempotency_key)
        self.made.append(uow)
        return uow
