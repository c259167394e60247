"""The figures of the halls (/stats, ``yishitang report``): per hall, per town and for the
whole county, over a period (a year, a quarter or a month of the halls' time zone).

A **hall** is a group chat (``sessions.chat_id``); its name is the ``hall`` text of its latest
session that has one; its **town** is ``halls.town`` when staff set it, else the 乡镇/街道 its
name starts with (平桥镇…, 城关街道…, 石门乡…), else 未分镇. A town's figures are the sum of its
halls', the county's the sum of all. The period [start, end) runs from local midnight to local
midnight in the halls' time zone (settings ``timezone``).

Each figure, for a hall and a period P:

- ``sessions``: its sessions *held* in P: those whose start (the first speaker called; for a
  session that never started, the opening of its sign-in) falls in P. Sessions never opened
  are not held.
- ``participants``: sign-ins (attendance rows) of those sessions, everyone who signed in
  (present, remote, by proxy, left early), by the kind they signed in as.
- *items*: the tracked items (facilitation.tracking) of those sessions, **withdrawn ones left
  out**, in whatever state they are in now. The cohort is "what P's sessions produced": an
  item of a December session replied in January counts for December.
- ``suggestions`` / ``follow_ups``: items of kind 意见建议 / 下一步工作.
- ``converted`` (提案 ``proposal``, 社情民意信息 ``opinion``, 专报 ``report``): items 已转化,
  by what they were converted into. ``reserved``: items 留作参考.
- ``referred``: items ever 交办, follow-up items included (they start 已交办): by the state
  machine these are exactly the items now 已交办, 已接收, 办理中, 再办理, 已办结 or 已评价
  (nothing leads back to 待处理, and converting or reserving needs 待处理).
- ``settled``: items settled now (``TrackedItem.settled``: 已转化, 留作参考, 已办结, 已评价).
- ``replied``: items the unit has replied to and that are not reopened (已办结, 已评价).
- ``settled_on_time`` / ``due_replied``: of the replied items with a deadline
  (``due_replied``), those replied by the end of the deadline day, local time
  (``TrackedItem.settled_on_time`` is True: reply time < ``overdue_from(deadline)``).
- ``overdue``: items with their unit whose deadline day has ended, as of now
  (``TrackedItem.is_overdue(now, tz)``). ``open``: items neither settled nor withdrawn.
- ``evaluated``: items with a rating of the proposer (the latest one: an item reopened by a
  不满意 counts as 不满意 until it is rated again); ``satisfied``, ``basically``,
  ``unsatisfied``: by rating. The satisfaction rate is (满意 + 基本满意) / evaluated.

:func:`item_figures` says the same per item, in Python, with the domain's own predicates; the
storage computes the figures with SQL aggregates (storage/figures_repository.py) and the
tests hold the two to each other.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING

from facilitation.audit import Operator
from facilitation.errors import InvalidInput, NotFound, PermissionDenied
from facilitation.services import Actor
from facilitation.tracking import (
    WITH_UNIT,
    Conversion,
    ItemKind,
    ItemStatus,
    Satisfaction,
    TrackedItem,
    overdue_from,
)

if TYPE_CHECKING:
    from facilitation.ports import TrackingUnitOfWork

UNASSIGNED_TOWN = "未分镇"
REPLIED = frozenset({ItemStatus.DONE, ItemStatus.EVALUATED})
# ever 交办: with the unit, or past it (see the module docstring)
REFERRED = WITH_UNIT | REPLIED
_TOWN = re.compile(r"^(.{1,12}?(?:街道|镇|乡))(?![村贤亲])")
_PERIOD = re.compile(r"^(\d{4})(?:[-/.](\d{1,2})|[Qq]([1-4]))?$")

Requester = Actor | Operator  # an operator of the command line is trusted


@dataclass(frozen=True)
class Period:
    """[first, end) in days of the halls' time zone, with its label (2026, 2026Q4, 2026-12)."""

    label: str
    first: date
    end: date  # the day after the last

    def start_at(self, tz: tzinfo) -> datetime:
        return datetime.combine(self.first, time(0), tzinfo=tz)

    def end_at(self, tz: tzinfo) -> datetime:
        return datetime.combine(self.end, time(0), tzinfo=tz)


def parse_period(text: str) -> Period:
    """``2026`` (a year), ``2026Q4`` (a quarter), ``2026-12`` (a month)."""
    found = _PERIOD.match(text.strip())
    if found is None or not 1900 < int(found[1]) < 3000:
        raise InvalidInput("figures_bad_period", period=text.strip())
    year = int(found[1])
    if found[2] is not None:
        month = int(found[2])
        if not 1 <= month <= 12:
            raise InvalidInput("figures_bad_period", period=text.strip())
        return Period(f"{year}-{month:02d}", date(year, month, 1), _month_after(year, month))
    if found[3] is not None:
        quarter = int(found[3])
        return Period(f"{year}Q{quarter}", date(year, quarter * 3 - 2, 1),
                      _month_after(year, quarter * 3))
    return Period(str(year), date(year, 1, 1), date(year + 1, 1, 1))


def looks_like_period(text: str) -> bool:
    """Meant as a period (a year first), to be parsed as one, rather than a hall's name."""
    return re.match(r"^\d{4}(?:$|[-/.Qq])", text.strip()) is not None


def this_year(now: datetime, tz: tzinfo) -> Period:
    return parse_period(str(now.astimezone(tz).year))


def _month_after(year: int, month: int) -> date:
    return date(year + month // 12, month % 12 + 1, 1)


def town_of(hall: str | None, town: str | None = None) -> str:
    """The town staff set, else the 乡镇/街道 the hall's name starts with, else 未分镇."""
    if town and town.strip():
        return town.strip()
    found = _TOWN.match((hall or "").strip())
    return found[1] if found else UNASSIGNED_TOWN


# ------------------------------------------------------------------ the figures
@dataclass(frozen=True)
class Figures:
    """Counts that add up: a town's are the sum of its halls' (see the module docstring)."""

    sessions: int = 0
    participants: Mapping[str, int] = field(default_factory=dict)  # kind -> sign-ins
    suggestions: int = 0
    follow_ups: int = 0
    proposal: int = 0  # converted into a 提案
    opinion: int = 0  # into 社情民意信息
    report: int = 0  # into a 专报
    reserved: int = 0
    referred: int = 0
    settled: int = 0
    replied: int = 0
    due_replied: int = 0
    settled_on_time: int = 0
    overdue: int = 0
    open: int = 0
    evaluated: int = 0
    satisfied: int = 0
    basically: int = 0
    unsatisfied: int = 0

    @property
    def converted(self) -> int:
        return self.proposal + self.opinion + self.report

    @property
    def items(self) -> int:
        return self.suggestions + self.follow_ups

    @property
    def people(self) -> int:
        return sum(self.participants.values())

    @property
    def satisfaction(self) -> float | None:
        """(满意 + 基本满意) / evaluated; None when nothing was evaluated."""
        return (self.satisfied + self.basically) / self.evaluated if self.evaluated else None

    @property
    def on_time_rate(self) -> float | None:
        return self.settled_on_time / self.due_replied if self.due_replied else None

    def __add__(self, other: Figures) -> Figures:
        kinds = {**self.participants}
        for kind, n in other.participants.items():
            kinds[kind] = kinds.get(kind, 0) + n
        counts = {f.name: getattr(self, f.name) + getattr(other, f.name)
                  for f in fields(self) if f.name != "participants"}
        return Figures(participants=kinds, **counts)


def total(figures: Iterable[Figures]) -> Figures:
    result = Figures()
    for f in figures:
        result = result + f
    return result


def item_figures(item: TrackedItem, now: datetime, tz: tzinfo) -> Figures:
    """What one item adds to its hall's figures, by the domain's own predicates."""
    if item.status == ItemStatus.WITHDRAWN:
        return Figures()
    on_time = item.settled_on_time(tz)
    rating = item.satisfaction
    conversion = item.conversion if item.status == ItemStatus.CONVERTED else None
    return Figures(
        suggestions=int(item.kind == ItemKind.SUGGESTION),
        follow_ups=int(item.kind == ItemKind.FOLLOW_UP),
        proposal=int(conversion == Conversion.PROPOSAL),
        opinion=int(conversion == Conversion.OPINION),
        report=int(conversion == Conversion.REPORT),
        reserved=int(item.status == ItemStatus.RESERVED),
        referred=int(item.status in REFERRED),
        settled=int(item.settled),
        replied=int(item.status in REPLIED),
        due_replied=int(on_time is not None),
        settled_on_time=int(on_time is True),
        overdue=int(item.is_overdue(now, tz)),
        open=int(item.open),
        evaluated=int(rating is not None),
        satisfied=int(rating == Satisfaction.SATISFIED),
        basically=int(rating == Satisfaction.BASICALLY),
        unsatisfied=int(rating == Satisfaction.UNSATISFIED))


# ------------------------------------------------------------------ what storage is asked
@dataclass(frozen=True)
class Hall:
    chat_id: int
    name: str | None  # its latest session's hall text; None when no session named it
    town: str | None = None  # halls.town as staff set it

    @property
    def label(self) -> str:
        """Its name, else its chat id."""
        return self.name or str(self.chat_id)

    @property
    def town_name(self) -> str:
        return town_of(self.name, self.town)


@dataclass(frozen=True)
class FiguresQuery:
    """Sessions held in [start, end) of the halls ``chat_ids`` (None: every hall); items
    overdue when their deadline is ``overdue_through`` or earlier; an item replied on time
    when its reply came before ``on_time_before(deadline)``."""

    start: datetime
    end: datetime
    chat_ids: tuple[int, ...] | None
    overdue_through: date
    on_time_before: Callable[[date], datetime]


def overdue_through(now: datetime, tz: tzinfo) -> date:
    """The last deadline already overdue at ``now``: deadlines are overdue from
    ``overdue_from`` on, which grows with the deadline."""
    day = now.astimezone(tz).date() - timedelta(days=1)
    while overdue_from(day + timedelta(days=1), tz) <= now:
        day += timedelta(days=1)
    while overdue_from(day, tz) > now:
        day -= timedelta(days=1)
    return day


def figures_query(period: Period, halls: Sequence[Hall] | None, now: datetime,
                  tz: tzinfo) -> FiguresQuery:
    return FiguresQuery(period.start_at(tz), period.end_at(tz),
                        None if halls is None else tuple(h.chat_id for h in halls),
                        overdue_through(now, tz), lambda deadline: overdue_from(deadline, tz))


# ------------------------------------------------------------------ the report
@dataclass(frozen=True)
class Line:
    """One row of the report: a hall, a town or the county."""

    name: str
    figures: Figures
    town: str | None = None  # a hall's town
    halls: int = 1  # in a town or the county
    chat_id: int | None = None  # a hall's


@dataclass(frozen=True)
class Report:
    period: Period
    scope: str | None  # a town's name or a hall's; None: the whole county
    halls: tuple[Line, ...]
    towns: tuple[Line, ...]
    total: Line
    at: datetime  # as of (overdue, settled...)
    as_of: date  # the day of ``at`` in the halls' time zone


def choose_halls(halls: Sequence[Hall], wanted: str | None
                 ) -> tuple[str | None, list[Hall]]:
    """(the scope's name, its halls): every hall (None, the county); a hall by its chat id,
    its name or a part of it found in one hall's name only; or a town by its name."""
    if wanted is None or not wanted.strip():
        return None, list(halls)
    key = wanted.strip()
    if re.fullmatch(r"-?\d+", key):
        found = [h for h in halls if h.chat_id == int(key)]
    else:
        found = [h for h in halls if h.name == key]
        towns = [h for h in halls if h.town_name == key]
        if not found and towns:
            return key, towns
        found = found or [h for h in halls if h.name and key in h.name]
    if not found:
        raise NotFound("figures_hall_unknown", hall=key)
    if len(found) > 1:
        raise InvalidInput("figures_hall_ambiguous", hall=key,
                           halls="、".join(h.label for h in found[:8]))
    return found[0].label, found


def build_report(period: Period, scope: str | None, halls: Sequence[Hall],
                 counts: Mapping[int, Figures], at: datetime, tz: tzinfo) -> Report:
    rows = sorted((Line(h.label, counts.get(h.chat_id, Figures()), h.town_name,
                        chat_id=h.chat_id) for h in halls),
                  key=lambda line: (line.town or "", line.name))
    by_town: dict[str, list[Line]] = {}
    for row in rows:
        by_town.setdefault(row.town or UNASSIGNED_TOWN, []).append(row)
    towns = tuple(Line(name, total(r.figures for r in lines), halls=len(lines))
                  for name, lines in sorted(by_town.items()))
    return Report(period, scope, tuple(rows), towns,
                  Line(scope or "", total(r.figures for r in rows), halls=len(rows)), at,
                  at.astimezone(tz).date())


def require_staff(by: Requester) -> None:
    if isinstance(by, Actor) and not by.is_staff:
        raise PermissionDenied("not_staff")


async def report_figures(uow: TrackingUnitOfWork, *, by: Requester, period: Period,
                         hall: str | None = None, now: datetime, tz: tzinfo) -> Report:
    """The figures of every hall (or of one hall or town) for ``period``, as of ``now``:
    staff only (an operator of the command line is trusted)."""
    require_staff(by)
    async with uow:
        known = await uow.figures.halls(until=period.end_at(tz))
        scope, halls = choose_halls(known, hall)
        whole = hall is None or not hall.strip()
        counts = await uow.figures.counts(figures_query(period, None if whole else halls,
                                                        now, tz))
    return build_report(period, scope, halls, counts, now, tz)

