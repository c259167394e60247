"""The figures of the halls and the rows of the follow-up documents, as SQL aggregates.

Each figure is a SUM(CASE ...) over the snapshot columns of tracked_items (status, kind,
conversion, deadline, settled_at, satisfaction), GROUP BY the hall (sessions.chat_id): the
items are never loaded one by one. facilitation/tracking_counts.py defines the figures; what
the conditions below rest on is said there (e.g. "ever referred" is a set of statuses).

Times: sessions are held in [start, end) by their start (else the opening of their sign-in),
compared as instants. "Replied on time" compares each item's reply time with the instant its
deadline day ends in the halls' time zone, which the domain computes
(facilitation.tracking.overdue_from); those instants, one per deadline that occurs, are
joined in as a VALUES table, so SQLite needs no time zone rules and both databases compare
the same instants.
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Select,
    and_,
    case,
    column,
    func,
    select,
    values,
)

from facilitation.tracking import (
    SETTLED,
    WITH_UNIT,
    Conversion,
    ItemKind,
    ItemStatus,
    Satisfaction,
)
from facilitation.tracking_counts import REFERRED, REPLIED, Figures, FiguresQuery
from facilitation.tracking_documents import HeldMinutes, ItemRecord, ItemsQuery
from facilitation.tracking_figures import Hall
from storage.repositories import ATTENDANCE, SESSIONS, RowRepository, table_of
from storage.rows import (
    HallRow,
    ItemEventRow,
    MinutesVersionRow,
    TrackedItemRow,
    UnitRow,
    UtcDateTime,
)

ITEMS = table_of(TrackedItemRow)
EVENTS = table_of(ItemEventRow)
HALLS = table_of(HallRow)
UNITS = table_of(UnitRow)
VERSIONS = table_of(MinutesVersionRow)

HELD = func.coalesce(SESSIONS.c.started_at, SESSIONS.c.signin_opened_at)  # typed UtcDateTime
NOT_WITHDRAWN = ITEMS.c.status != ItemStatus.WITHDRAWN.value
OPEN = frozenset(ItemStatus) - SETTLED - {ItemStatus.WITHDRAWN}


def _in(statuses: frozenset[ItemStatus]) -> ColumnElement[bool]:
    return ITEMS.c.status.in_(sorted(s.value for s in statuses))


def _count(condition: ColumnElement[bool], name: str) -> Any:
    return func.sum(case((condition, 1), else_=0)).label(name)


def _held_in(start: datetime | None, end: datetime | None,
             chat_ids: Sequence[int] | None) -> list[ColumnElement[bool]]:
    where = []
    if start is not None:
        where.append(HELD >= start)
    if end is not None:
        where.append(HELD < end)
    if chat_ids is not None:
        where.append(SESSIONS.c.chat_id.in_(list(chat_ids)))
    return where


def _item_counts(query: FiguresQuery) -> Select[Any]:
    """One row per hall: every item figure but ``settled_on_time`` (see :func:`_on_time`)."""
    status, c = ITEMS.c.status, ITEMS.c
    replied = _in(REPLIED)
    return select(
        SESSIONS.c.chat_id,
        _count(c.kind == ItemKind.SUGGESTION.value, "suggestions"),
        _count(c.kind == ItemKind.FOLLOW_UP.value, "follow_ups"),
        *(_count(and_(status == ItemStatus.CONVERTED.value, c.conversion == kind.value),
                 kind.value) for kind in Conversion),
        _count(status == ItemStatus.RESERVED.value, "reserved"),
        _count(_in(REFERRED), "referred"),
        _count(_in(SETTLED), "settled"),
        _count(replied, "replied"),
        _count(and_(replied, c.settled_at.is_not(None), c.deadline.is_not(None)),
               "due_replied"),
        _count(and_(_in(WITH_UNIT), c.deadline <= query.overdue_through), "overdue"),
        _count(_in(OPEN), "open"),
        _count(c.satisfaction.is_not(None), "evaluated"),
        *(_count(c.satisfaction == rating.value, str(rating.value)) for rating in Satisfaction),
    ).select_from(ITEMS.join(SESSIONS, SESSIONS.c.id == c.session_id)).where(
        NOT_WITHDRAWN, *_held_in(query.start, query.end, query.chat_ids),
    ).group_by(SESSIONS.c.chat_id)


def _on_time(query: FiguresQuery, deadlines: Sequence[date]) -> Select[Any]:
    """Replied items, per hall, whose reply came before their deadline day ended: joined
    (an inner join: the few deadlines lead, each finds its items by the index on status and
    deadline) with a VALUES table of each deadline's end."""
    ends = values(column("deadline", Date), column("before", UtcDateTime),
                  name="deadline_ends").data(
        [(d, query.on_time_before(d)) for d in sorted(deadlines)]).cte("deadline_ends")
    return (select(SESSIONS.c.chat_id, func.count().label("n"))
            .select_from(ends.join(ITEMS, ITEMS.c.deadline == ends.c.deadline)
                         .join(SESSIONS, SESSIONS.c.id == ITEMS.c.session_id))
            .where(_in(REPLIED), ITEMS.c.settled_at < ends.c.before,
                   *_held_in(query.start, query.end, query.chat_ids))
            .group_by(SESSIONS.c.chat_id))


_ITEM_FIELDS = ("suggestions", "follow_ups", "proposal", "opinion", "report", "reserved",
                "referred", "settled", "replied", "due_replied", "overdue", "open", "evaluated",
                "satisfied", "basically", "unsatisfied")
assert {c.value for c in Conversion} | {s.value for s in Satisfaction} <= set(_ITEM_FIELDS)

# The latest reply of an item: its text, else the reference of its document.
_REPLY = (select(EVENTS.c.detail).where(EVENTS.c.item_id == ITEMS.c.id,
                                        EVENTS.c.kind == "replied")
          .order_by(EVENTS.c.n.desc()).limit(1).scalar_subquery())
_MINUTES_ORDER = (SESSIONS.c.chat_id, HELD, SESSIONS.c.id,
                  case((ITEMS.c.kind == ItemKind.SUGGESTION.value, 0), else_=1), ITEMS.c.seq,
                  ITEMS.c.id)


class SqlAlchemyFiguresRepository(RowRepository):
    async def halls(self, *, until: datetime) -> builtins.list[Hall]:
        named = await self._session.execute(
            select(SESSIONS.c.chat_id, SESSIONS.c.hall, func.max(SESSIONS.c.id).label("last"),
                   func.min(HELD).label("first_held"))
            .group_by(SESSIONS.c.chat_id, SESSIONS.c.hall))
        held: set[int] = set()
        names: dict[int, tuple[int, str]] = {}
        for row in named:
            if row.first_held is not None and row.first_held < until:
                held.add(row.chat_id)
            name = (row.hall or "").strip()
            if name and row.last > names.get(row.chat_id, (-1, ""))[0]:
                names[row.chat_id] = (row.last, name)
        towns = {row.chat_id: row.town for row in await self._session.execute(
            select(HALLS.c.chat_id, HALLS.c.town).where(HALLS.c.town.is_not(None)))}
        return [Hall(chat_id, names[chat_id][1] if chat_id in names else None,
                     towns.get(chat_id)) for chat_id in sorted(held)]

    async def counts(self, query: FiguresQuery) -> dict[int, Figures]:
        where = _held_in(query.start, query.end, query.chat_ids)
        sessions = {row.chat_id: int(row.n) for row in await self._session.execute(
            select(SESSIONS.c.chat_id, func.count().label("n")).where(*where)
            .group_by(SESSIONS.c.chat_id))}
        people: dict[int, dict[str, int]] = {}
        for row in await self._session.execute(
                select(SESSIONS.c.chat_id, ATTENDANCE.c.kind, func.count().label("n"))
                .select_from(ATTENDANCE.join(SESSIONS, SESSIONS.c.id == ATTENDANCE.c.session_id))
                .where(*where).group_by(SESSIONS.c.chat_id, ATTENDANCE.c.kind)):
            people.setdefault(row.chat_id, {})[row.kind] = int(row.n)
        items = {row.chat_id: row for row in await self._session.execute(_item_counts(query))}
        on_time = await self._on_time(query)
        return {chat_id: Figures(
            sessions=n, participants=people.get(chat_id, {}),
            settled_on_time=on_time.get(chat_id, 0),
            **{name: int(getattr(items[chat_id], name) or 0) if chat_id in items else 0
               for name in _ITEM_FIELDS}) for chat_id, n in sessions.items()}

    async def _on_time(self, query: FiguresQuery) -> dict[int, int]:
        """``settled_on_time`` per hall: the deadlines replied items have, then their ends."""
        deadlines = [row[0] for row in await self._session.execute(
            select(ITEMS.c.deadline).distinct()
            .select_from(ITEMS.join(SESSIONS, SESSIONS.c.id == ITEMS.c.session_id))
            .where(_in(REPLIED), ITEMS.c.deadline.is_not(None),
                   *_held_in(query.start, query.end, query.chat_ids)))]
        if not deadlines:
            return {}
        return {row.chat_id: int(row.n)
                for row in await self._session.execute(_on_time(query, deadlines))}

    async def items(self, query: ItemsQuery) -> builtins.list[ItemRecord]:
        c = ITEMS.c
        statement = (
            select(c.id, SESSIONS.c.chat_id, c.session_id, SESSIONS.c.topic,
                   HELD.label("held_at"), SESSIONS.c.created_at, c.kind, c.number, c.text,
                   c.proposers, c.category, c.status, c.unit_name, UNITS.c.name.label("unit"),
                   c.deadline, c.conversion, c.reference, c.settled_at, c.satisfaction,
                   _REPLY.label("reply"))
            .select_from(ITEMS.join(SESSIONS, SESSIONS.c.id == c.session_id)
                         .outerjoin(UNITS, UNITS.c.id == c.unit_id))
            .where(NOT_WITHDRAWN, *_held_in(query.start, query.end, query.chat_ids))
            .order_by(*_MINUTES_ORDER))
        if query.item_ids is not None:
            statement = statement.where(c.id.in_(list(query.item_ids)))
        if query.referred_only:
            statement = statement.where(_in(REFERRED))
        return await self._all(statement, _record)

    async def minutes_held(self, chat_id: int, start: datetime,
                           end: datetime) -> builtins.list[HeldMinutes]:
        latest = (select(VERSIONS.c.session_id, func.max(VERSIONS.c.version).label("v"))
                  .group_by(VERSIONS.c.session_id).subquery())
        return await self._all(
            select(SESSIONS.c.id, SESSIONS.c.topic, HELD.label("held_at"), latest.c.v)
            .join(latest, latest.c.session_id == SESSIONS.c.id)
            .where(*_held_in(start, end, [chat_id])).order_by(HELD, SESSIONS.c.id),
            lambda r: HeldMinutes(r.id, r.topic, r.held_at, int(r.v)))


def _reply(detail: str | None) -> str | None:
    if detail is None:
        return None
    d = json.loads(detail)
    reply = d.get("text") or d.get("document")
    return str(reply) if reply else None


def _record(r: Any) -> ItemRecord:
    return ItemRecord(
        item_id=r.id, chat_id=r.chat_id, session_id=r.session_id, topic=r.topic,
        held_at=r.held_at or r.created_at, kind=ItemKind(r.kind), number=r.number,
        text=r.text, proposers=tuple(p for p in r.proposers.split("\n") if p),
        category=r.category, status=ItemStatus(r.status), unit=r.unit or r.unit_name,
        deadline=r.deadline, conversion=Conversion(r.conversion) if r.conversion else None,
        reference=r.reference, reply=_reply(r.reply), settled_at=r.settled_at,
        satisfaction=Satisfaction(r.satisfaction) if r.satisfaction else None)
