"""The read side of the follow-up documents (rendered by transcripts/minutes/followup_docx.py
and followup_xlsx.py), staff only, like the figures:

- 办理情况汇总表 (:func:`summary`): every item referred to a unit (follow-up items included,
  withdrawn ones left out) from the sessions held in a period, grouped by unit: the item, its
  hall and session, its status, deadline and reply; overdue and on time as the figures count
  them (facilitation/tracking_counts.py).
- 专报 "金点子·好建议" (:func:`special_report`): the suggestions staff chose, by item id.
- 报送单 (:func:`cover`): a hall's approved minutes of a period (topic, date, version, issue
  number) and their items, sent to the 主送 / 抄送 of the hall's document settings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING

from facilitation.documents import issue_number
from facilitation.errors import InvalidInput, NotFound
from facilitation.model import HallDocument
from facilitation.tracking import (
    WITH_UNIT,
    Conversion,
    ItemKind,
    ItemStatus,
    Satisfaction,
)
from facilitation.tracking_counts import REPLIED, overdue_through
from facilitation.tracking_figures import (
    Hall,
    Period,
    Requester,
    choose_halls,
    seen_halls,
    within,
)
from facilitation.tracking_services import MAX_ROW_ID

if TYPE_CHECKING:
    from facilitation.ports import TrackingUnitOfWork

MAX_REPORT_ITEMS = 100


@dataclass(frozen=True)
class ItemRecord:
    """One tracked item as the documents show it (read in one query, not replayed)."""

    item_id: int
    chat_id: int
    session_id: int
    topic: str
    held_at: datetime  # the session's start (or the opening of its sign-in)
    kind: ItemKind
    number: int | None
    text: str
    proposers: tuple[str, ...]
    category: str | None
    status: ItemStatus
    unit: str | None  # the directory's name of its unit, else the name as written
    deadline: date | None
    conversion: Conversion | None
    reference: str | None
    reply: str | None  # the latest reply's text, else its document's reference
    settled_at: datetime | None
    satisfaction: Satisfaction | None


@dataclass(frozen=True)
class ItemsQuery:
    """Items of sessions held in [start, end) of the halls ``chat_ids`` (None: all), or
    those of ``item_ids``; ``referred_only``: items ever 交办. Withdrawn ones never."""

    start: datetime | None = None
    end: datetime | None = None
    chat_ids: tuple[int, ...] | None = None
    item_ids: tuple[int, ...] | None = None
    referred_only: bool = False


@dataclass(frozen=True)
class HeldMinutes:
    """A session held in the period whose minutes are approved."""

    session_id: int
    topic: str
    held_at: datetime
    version: int  # the latest approved


@dataclass(frozen=True)
class ItemLine:
    """An item with what the documents say about it beside its record."""

    record: ItemRecord
    hall: str
    held_on: date  # local
    overdue: bool
    on_time: bool | None  # None: not replied, or no deadline
    replied_on: date | None  # local; None while not replied (or reopened)


@dataclass(frozen=True)
class Summary:
    period: Period
    scope: str | None  # a hall or a town; None: the whole county
    units: tuple[tuple[str | None, tuple[ItemLine, ...]], ...]  # by unit (None: no unit yet)
    at: datetime
    as_of: date  # the day of ``at`` in the halls' time zone


@dataclass(frozen=True)
class CoverMinutes:
    minutes: HeldMinutes
    held_on: date
    number: str | None  # 期号, when the hall numbers its minutes


@dataclass(frozen=True)
class Cover:
    hall: str
    period: Period
    document: HallDocument
    minutes: tuple[CoverMinutes, ...]
    items: tuple[ItemLine, ...]
    at: datetime
    as_of: date


def _line(r: ItemRecord, hall: Hall | None, through: date, tz: tzinfo) -> ItemLine:
    replied = (r.settled_at.astimezone(tz).date()
               if r.settled_at is not None and r.status in REPLIED else None)
    on_time = None
    if r.deadline is not None and replied is not None:
        on_time = replied <= r.deadline  # as TrackedItem.settled_on_time
    overdue = r.status in WITH_UNIT and r.deadline is not None and r.deadline <= through
    return ItemLine(r, hall.label if hall else str(r.chat_id), r.held_at.astimezone(tz).date(),
                    overdue, on_time, replied)


def _lines(records: Sequence[ItemRecord], halls: dict[int, Hall], now: datetime,
           tz: tzinfo) -> list[ItemLine]:
    through = overdue_through(now, tz)
    return [_line(r, halls.get(r.chat_id), through, tz) for r in records]


async def summary(uow: TrackingUnitOfWork, *, by: Requester, period: Period,
                  hall: str | None = None, now: datetime, tz: tzinfo) -> Summary:
    """办理情况汇总表 of the period: items referred, by unit (the units in name order, those
    without a unit last), each unit's items by deadline."""
    async with uow:
        seen = await seen_halls(uow, by)
        known = within(await uow.figures.halls(until=period.end_at(tz)), seen)
        scope, halls = choose_halls(known, hall)
        whole = (hall is None or not hall.strip()) and seen is None
        records = await uow.figures.items(ItemsQuery(
            period.start_at(tz), period.end_at(tz),
            None if whole else tuple(h.chat_id for h in halls), referred_only=True))
    units: dict[str | None, list[ItemLine]] = {}
    for line in _lines(records, {h.chat_id: h for h in known}, now, tz):
        units.setdefault(line.record.unit, []).append(line)
    ordered = sorted(units.items(), key=lambda kv: (kv[0] is None, kv[0] or ""))
    return Summary(period, scope, tuple(
        (unit, tuple(sorted(lines, key=lambda x: (x.record.deadline or date.max,
                                                  x.record.item_id))))
        for unit, lines in ordered), now, now.astimezone(tz).date())


async def special_report(uow: TrackingUnitOfWork, *, by: Requester, item_ids: Sequence[int],
                         now: datetime, tz: tzinfo) -> tuple[ItemLine, ...]:
    """专报 "金点子·好建议": the chosen suggestions, in the order given."""
    wanted = tuple(dict.fromkeys(item_ids))
    if not wanted:
        raise InvalidInput("report_no_items")
    if len(wanted) > MAX_REPORT_ITEMS:
        raise InvalidInput("report_too_many", limit=MAX_REPORT_ITEMS)
    for item_id in wanted:
        if not 0 < item_id <= MAX_ROW_ID:  # no row has it (and PostgreSQL refuses it)
            raise NotFound("item_not_found", item=item_id)
    async with uow:
        seen = await seen_halls(uow, by)
        records = {r.item_id: r for r in await uow.figures.items(ItemsQuery(item_ids=wanted))
                   if seen is None or r.chat_id in seen}
        halls = {h.chat_id: h for h in await uow.figures.halls(until=now)}
    for item_id in wanted:
        record = records.get(item_id)
        if record is None:
            raise NotFound("item_not_found", item=item_id)
        if record.kind != ItemKind.SUGGESTION:
            raise InvalidInput("report_not_suggestion", item=item_id)
    return tuple(_lines([records[i] for i in wanted], halls, now, tz))


async def cover(uow: TrackingUnitOfWork, *, by: Requester, hall: str, period: Period,
                now: datetime, tz: tzinfo) -> Cover:
    """报送单 of one hall's approved minutes of the period and their items."""
    async with uow:
        known = within(await uow.figures.halls(until=period.end_at(tz)),
                       await seen_halls(uow, by))
        _, chosen = choose_halls(known, hall)
        if len(chosen) != 1:
            raise InvalidInput("report_cover_one_hall", hall=hall)
        the_hall = chosen[0]
        held = await uow.figures.minutes_held(the_hall.chat_id, period.start_at(tz),
                                              period.end_at(tz))
        document = await uow.halls.document(the_hall.chat_id)
        first = await uow.minutes.first_approvals(the_hall.chat_id)
        records = await uow.figures.items(ItemsQuery(period.start_at(tz), period.end_at(tz),
                                                     (the_hall.chat_id,)))
    approved = {m.session_id for m in held}
    minutes = tuple(CoverMinutes(m, m.held_at.astimezone(tz).date(),
                                 issue_number(document, first, m.session_id, tz))
                    for m in held)
    items = _lines([r for r in records if r.session_id in approved],
                   {the_hall.chat_id: the_hall}, now, tz)
    return Cover(the_hall.label, period, document, minutes, tuple(items), now,
                 now.astimezone(tz).date())
