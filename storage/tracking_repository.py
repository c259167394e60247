"""Tracked items with their append-only events, and the reminders of their deadlines.

An item is its events: reading replays them (facilitation.tracking.replay), so what is read
is exactly what the domain would have made. The item's row is a snapshot of the replayed
state, rewritten by every ``save``, for the queries (open items of a unit, overdue ones...).
Events are only ever inserted: ``save`` appends those numbered after the last one stored and
never writes a stored one again (the one exception is ``redact``, which rewrites the details
of stored events when a person is forgotten: facilitation.tracking says why). A writer whose
item is stale (another one appended since it read it) is refused (StaleItem); two appending
at the same moment collide on the unique (item_id, n) (sqlalchemy.exc.IntegrityError);
``lock`` keeps them apart beforehand.
"""

from __future__ import annotations

import builtins
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    CursorResult,
    Select,
    and_,
    case,
    delete,
    func,
    insert,
    select,
    update,
)

from facilitation.ports import ScheduledReminder, UnnotifiedEvent
from facilitation.tracking import (
    SETTLED,
    Conversion,
    ItemEvent,
    ItemKind,
    ItemStatus,
    Satisfaction,
    TrackedItem,
)
from storage import tracking_mapping as m
from storage.repositories import SESSIONS, RowRepository, table_of
from storage.rows import ItemEventRow, MinutesVersionRow, ScheduledReminderRow, TrackedItemRow

ITEMS = table_of(TrackedItemRow)
EVENTS = table_of(ItemEventRow)
REMINDERS = table_of(ScheduledReminderRow)
VERSIONS = table_of(MinutesVersionRow)

CHUNK = 5000  # ids per IN (...): well under the drivers' limits on bound parameters
OPEN_STATUSES = tuple(sorted(s.value for s in ItemStatus
                             if s not in SETTLED and s != ItemStatus.WITHDRAWN))
# The order of the minutes: suggestions, then follow-up items, each by source turn; items of
# one turn by age (what facilitation.tracking_sync takes as "the older item").
_MINUTES_ORDER = (case((ITEMS.c.kind == ItemKind.SUGGESTION.value, 0), else_=1),
                  ITEMS.c.seq, ITEMS.c.id)
# The earliest deadline first: those overdue come before the rest; no deadline last.
_DEADLINE_ORDER = (ITEMS.c.deadline.is_(None), ITEMS.c.deadline, ITEMS.c.session_id,
                   ITEMS.c.seq, ITEMS.c.id)


def _open(statement: Select[Any], unit_id: int | None, session_id: int | None,
          chat_id: int | None, statuses: Sequence[str] = OPEN_STATUSES) -> Select[Any]:
    """Open items (or those in ``statuses``; by the index on status and deadline), narrowed,
    the earliest deadline first."""
    statement = statement.where(ITEMS.c.status.in_(statuses))
    if unit_id is not None:
        statement = statement.where(ITEMS.c.unit_id == unit_id)
    if session_id is not None:
        statement = statement.where(ITEMS.c.session_id == session_id)
    if chat_id is not None:
        statement = statement.join(SESSIONS, and_(SESSIONS.c.id == ITEMS.c.session_id,
                                                  SESSIONS.c.chat_id == chat_id))
    return statement.order_by(*_DEADLINE_ORDER)


_SNAPSHOT = [c for c in ITEMS.c if c.name not in ("created_at", "updated_at")]


def _snapshot(r: Any) -> TrackedItem:
    """An item as its row's snapshot columns have it (storage.tracking_mapping.item_values)."""
    return TrackedItem(
        r.session_id, ItemKind(r.kind), r.seq, r.text, ItemStatus(r.status), r.number,
        tuple(p for p in r.proposers.split("\n") if p), r.category, r.unit_name, r.unit_id,
        r.deadline, Conversion(r.conversion) if r.conversion else None, r.reference,
        satisfaction=Satisfaction(r.satisfaction) if r.satisfaction else None,
        reopens=r.reopens, settled_at=r.settled_at, version=r.version, id=r.id)


class StaleItem(RuntimeError):
    """The item in hand does not go on from its stored history: someone changed it since it
    was read (read it with ``lock`` to be its only writer)."""


class SqlAlchemyTrackedItemRepository(RowRepository):
    async def get(self, item_id: int) -> TrackedItem | None:
        found = await self._items(select(ITEMS.c.id).where(ITEMS.c.id == item_id))
        return found[0] if found else None

    async def lock(self, item_id: int) -> TrackedItem | None:
        """SELECT ... FOR UPDATE on PostgreSQL; on SQLite, BEGIN IMMEDIATE already serialises."""
        statement = select(ITEMS.c.id).where(ITEMS.c.id == item_id)
        if self._postgres:
            statement = statement.with_for_update()
        found = await self._items(statement)
        return found[0] if found else None

    async def for_session(self, session_id: int) -> builtins.list[TrackedItem]:
        return await self._items(select(ITEMS.c.id).where(ITEMS.c.session_id == session_id)
                                 .order_by(*_MINUTES_ORDER))

    async def open_items(self, *, unit_id: int | None = None, session_id: int | None = None,
                         chat_id: int | None = None) -> builtins.list[TrackedItem]:
        """Open items, the earliest deadline first (so the overdue ones lead), then those
        without a deadline; narrowed to a unit, a session or a hall (its chat)."""
        return await self._items(_open(select(ITEMS.c.id), unit_id, session_id, chat_id))

    async def open_without_unit(self) -> builtins.list[TrackedItem]:
        """By the index on unit id, status and deadline."""
        return await self._items(_open(select(ITEMS.c.id), None, None, None)
                                 .where(ITEMS.c.unit_id.is_(None)))

    async def open_snapshots(self, *, unit_id: int | None = None,
                             session_id: int | None = None,
                             chat_id: int | None = None) -> builtins.list[TrackedItem]:
        """As ``open_items``, read from the items' snapshot columns, not replayed: one query,
        no events (replaying every open item's events took most of /track's time). The items
        carry no history, reply nor reservation reason: for lists that only read them."""
        return await self._all(_open(select(*_SNAPSHOT), unit_id, session_id, chat_id),
                               _snapshot)

    async def snapshots_in(self, status: ItemStatus, *, unit_id: int | None = None,
                           session_id: int | None = None,
                           chat_id: int | None = None) -> builtins.list[TrackedItem]:
        """As ``open_snapshots``, one state's items (settled ones too)."""
        return await self._all(_open(select(*_SNAPSHOT), unit_id, session_id, chat_id,
                                     (status.value,)), _snapshot)

    async def open_per_unit(self) -> dict[int, int]:
        """One aggregate over the index on status."""
        rows = await self._session.execute(
            select(ITEMS.c.unit_id, func.count().label("n"))
            .where(ITEMS.c.status.in_(OPEN_STATUSES), ITEMS.c.unit_id.is_not(None))
            .group_by(ITEMS.c.unit_id))
        return {int(row.unit_id): int(row.n) for row in rows}

    async def add(self, item: TrackedItem) -> TrackedItem:
        """Store a new item with its history (at least its creation)."""
        if not item.history:
            raise ValueError("an item's history starts with its creation")
        item.id = await self._insert(ITEMS, m.item_values(item))
        await self._append(item.id, item.history)
        return item

    async def save(self, item: TrackedItem) -> None:
        """Append its events not stored yet and write back its snapshot. The history in
        hand must go on from the stored one (its event numbered like the last stored one is
        that event), else StaleItem and nothing is written."""
        if item.id is None:
            raise ValueError("cannot save to tracked_items: the item has no id")
        last = (await self._session.execute(
            select(EVENTS).where(EVENTS.c.item_id == item.id)
            .order_by(EVENTS.c.n.desc()).limit(1))).first()
        if last is None:  # every stored item has its creation
            raise LookupError(f"no row {item.id} in tracked_items")
        stored = int(last.n)
        if stored > len(item.history) or m.to_event(last) != item.history[stored - 1]:
            raise StaleItem(f"item {item.id}: its history in hand does not go on from the "
                            f"{stored} events stored")
        await self._append(item.id, item.history[stored:])
        await self._update(ITEMS, item.id, m.item_values(item))

    async def events(self, item_id: int) -> builtins.list[ItemEvent]:
        return await self._all(select(EVENTS).where(EVENTS.c.item_id == item_id)
                               .order_by(EVENTS.c.n), m.to_event)

    async def redact(self, item: TrackedItem) -> None:
        """Rewrite the details of the stored events that differ from the item's, and its
        snapshot; nothing but the details may differ (else StaleItem, nothing written)."""
        if item.id is None:
            raise ValueError("cannot redact in tracked_items: the item has no id")
        stored = await self.events(item.id)
        if [replace(e, detail={}) for e in stored] != [replace(e, detail={})
                                                       for e in item.history]:
            raise StaleItem(f"item {item.id}: its history in hand is not the stored one")
        for old, new in zip(stored, item.history, strict=True):
            if old.detail != new.detail:
                await self._session.execute(
                    update(EVENTS).where(EVENTS.c.item_id == item.id, EVENTS.c.n == new.n)
                    .values(detail=m.event_values(item.id, new)["detail"]))
        await self._update(ITEMS, item.id, m.item_values(item))

    async def untracked_approvals(self) -> builtins.list[tuple[int, int]]:
        """One grouped query over versions and items (both indexed by session)."""
        latest = (select(VERSIONS.c.session_id, func.max(VERSIONS.c.version).label("v"))
                  .group_by(VERSIONS.c.session_id).subquery())
        tracked = (select(ITEMS.c.session_id, func.max(ITEMS.c.version).label("t"))
                   .group_by(ITEMS.c.session_id).subquery())
        rows = await self._session.execute(
            select(latest.c.session_id, latest.c.v)
            .outerjoin(tracked, tracked.c.session_id == latest.c.session_id)
            .where(func.coalesce(tracked.c.t, 0) < latest.c.v)
            .order_by(latest.c.session_id))
        return [(int(row.session_id), int(row.v)) for row in rows]

    # ------------------------------------------------------------------ notices owed
    async def unnotified(self, *, after: int = 0, session_id: int | None = None,
                         limit: int = 100) -> builtins.list[UnnotifiedEvent]:
        """By the partial index of the events not notified (ix_item_events_unnotified)."""
        statement = (select(EVENTS.c.id, EVENTS.c.item_id, EVENTS.c.n)
                     .where(EVENTS.c.notified_at.is_(None), EVENTS.c.id > after))
        if session_id is not None:
            statement = statement.join(ITEMS, and_(ITEMS.c.id == EVENTS.c.item_id,
                                                   ITEMS.c.session_id == session_id))
        rows = await self._session.execute(statement.order_by(EVENTS.c.id).limit(limit))
        return [UnnotifiedEvent(int(row.id), int(row.item_id), int(row.n)) for row in rows]

    async def mark_notified(self, event_id: int, at: datetime) -> bool:
        """Compare and set, as ``SqlAlchemyReminderRepository.mark_sent``: a second writer
        finds it set (on PostgreSQL after waiting for the first's transaction)."""
        result = await self._session.execute(
            update(EVENTS).where(EVENTS.c.id == event_id, EVENTS.c.notified_at.is_(None))
            .values(notified_at=at))
        return cast(CursorResult[Any], result).rowcount == 1

    # ------------------------------------------------------------------ the machinery
    async def _append(self, item_id: int, events: Sequence[ItemEvent]) -> None:
        if events:
            await self._session.execute(insert(EVENTS),
                                        [m.event_values(item_id, e) for e in events])

    async def _items(self, ids: Select[Any]) -> builtins.list[TrackedItem]:
        """The items whose ids ``ids`` selects, in its order, each replayed from its events:
        one query for the ids, one for the events of every CHUNK of them."""
        order = [row[0] for row in await self._session.execute(ids)]
        history: dict[int, builtins.list[ItemEvent]] = defaultdict(builtins.list)
        for start in range(0, len(order), CHUNK):
            for row in await self._session.execute(
                    select(EVENTS).where(EVENTS.c.item_id.in_(order[start:start + CHUNK]))
                    .order_by(EVENTS.c.item_id, EVENTS.c.n)):
                history[row.item_id].append(m.to_event(row))
        return [m.to_item(item_id, history[item_id]) for item_id in order]


class SqlAlchemyReminderRepository(RowRepository):
    async def schedule(self, item_id: int, reminders: Sequence[ScheduledReminder]) -> None:
        """The item's unsent reminders become ``reminders``: unsent ones with other keys go,
        kept keys take the new due time, a key already sent is left as it is."""
        wanted = {r.key: r for r in reminders}
        if any(r.item_id != item_id for r in reminders):
            raise ValueError(f"reminders of another item than {item_id}")
        await self._session.execute(delete(REMINDERS).where(
            REMINDERS.c.item_id == item_id, REMINDERS.c.sent_at.is_(None),
            REMINDERS.c.key.not_in(list(wanted))))
        stored = {row.key: row for row in await self._session.execute(
            select(REMINDERS.c.id, REMINDERS.c.key, REMINDERS.c.due_at, REMINDERS.c.sent_at)
            .where(REMINDERS.c.item_id == item_id))}
        new = [m.reminder_values(item_id, r) for key, r in wanted.items() if key not in stored]
        for key, r in wanted.items():
            row = stored.get(key)
            if row is not None and row.sent_at is None and row.due_at != r.due_at:
                await self._session.execute(update(REMINDERS).where(REMINDERS.c.id == row.id)
                                            .values(due_at=r.due_at))
        if new:
            await self._session.execute(insert(REMINDERS), new)

    async def due(self, now: datetime, limit: int = 100) -> builtins.list[ScheduledReminder]:
        return await self._all(
            select(REMINDERS).where(REMINDERS.c.sent_at.is_(None), REMINDERS.c.due_at <= now)
            .order_by(REMINDERS.c.due_at, REMINDERS.c.id).limit(limit), m.to_reminder)

    async def next_due(self) -> datetime | None:
        """When the earliest unsent reminder is due (the partial index on due_at)."""
        result = await self._session.execute(
            select(func.min(REMINDERS.c.due_at)).where(REMINDERS.c.sent_at.is_(None)))
        return cast(datetime | None, result.scalar_one())

    async def mark_sent(self, reminder_id: int, at: datetime) -> bool:
        """Compare and set: only the first caller finds sent_at NULL (on PostgreSQL a second
        UPDATE waits for the first's transaction, then matches no row; on SQLite writers are
        serialised by BEGIN IMMEDIATE). Durable with the unit of work's commit."""
        result = await self._session.execute(
            update(REMINDERS).where(REMINDERS.c.id == reminder_id,
                                    REMINDERS.c.sent_at.is_(None)).values(sent_at=at))
        return cast(CursorResult[Any], result).rowcount == 1
