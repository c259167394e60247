"""The figures of the halls (/stats, ``yishitang report``): per hall, per town and for the
whole county, over a period (a year, a quarter or a month of the halls' time zone).

A **hall** is a group chat (``sessions.chat_id``); its name is the ``hall`` text of its latest
session that has one; its **town** is ``halls.town`` when staff set it, else the 乡镇/街道 its
name starts with (平桥镇…, 城关街道…, 石门乡…), else 未分镇. A town's figures are the sum of its
halls', the county's the sum of all. The period [start, end) runs from local midnight to local
midnight in the halls' time zone (settings ``timezone``).

The figures themselves, what each counts, are facilitation/tracking_counts.py's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from typing import TYPE_CHECKING

from facilitation.audit import Operator
from facilitation.errors import InvalidInput, NotFound, PermissionDenied
from facilitation.services import Actor, standing_of_actor
from facilitation.tracking import overdue_from
from facilitation.tracking_counts import Figures, FiguresQuery, overdue_through, total

if TYPE_CHECKING:
    from facilitation.ports import TrackingUnitOfWork

UNASSIGNED_TOWN = "未分镇"
HALL_NAME_SHOWN = 40  # of a hall's name as typed, said back in a refusal
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

    def words(self) -> tuple[str, dict[str, object]]:
        """The catalogue's key and parameters that name the period (the bot's and the web's
        words: 2026年, 2026年第4季度, 2026年12月)."""
        year, rest = self.label[:4], self.label[4:]
        if rest.startswith("Q"):
            return "figures_period_quarter", {"year": year, "quarter": rest[1:]}
        if rest.startswith("-"):
            return "figures_period_month", {"year": year, "month": int(rest[1:])}
        return "figures_period_year", {"year": year}


def parse_period(text: str) -> Period:
    """``2026`` (a year), ``2026Q4`` (a quarter), ``2026-12`` (a month)."""
    found = _PERIOD.match(text.strip())
    if found is None or not 1900 < int(found[1]) < 3000:
        raise InvalidInput("figures_bad_period", period=text.strip()[:20])
    year = int(found[1])
    if found[2] is not None:
        month = int(found[2])
        if not 1 <= month <= 12:
            raise InvalidInput("figures_bad_period", period=text.strip()[:20])
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
        raise NotFound("figures_hall_unknown", hall=key[:HALL_NAME_SHOWN])
    if len(found) > 1:
        raise InvalidInput("figures_hall_ambiguous", hall=key[:HALL_NAME_SHOWN],
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


async def seen_halls(uow: TrackingUnitOfWork, by: Requester) -> frozenset[int] | None:
    """The halls whose figures ``by`` may read, now (inside the open unit of work): staff
    and viewers their halls; None: every hall (an admin, a grant for every hall, or an
    operator of the command line). Refused when none."""
    if not isinstance(by, Actor):
        return None
    halls = (await standing_of_actor(uow, by)).halls_seen()
    if halls is not None and not halls:
        raise PermissionDenied("not_staff")
    return halls


def within(known: Sequence[Hall], seen: frozenset[int] | None) -> list[Hall]:
    return [h for h in known if seen is None or h.chat_id in seen]


async def report_figures(uow: TrackingUnitOfWork, *, by: Requester, period: Period,
                         hall: str | None = None, now: datetime, tz: tzinfo) -> Report:
    """The figures of every hall (or of one hall or town) for ``period``, as of ``now``:
    staff only (an operator of the command line is trusted)."""
    async with uow:
        seen = await seen_halls(uow, by)
        known = within(await uow.figures.halls(until=period.end_at(tz)), seen)
        scope, halls = choose_halls(known, hall)
        whole = (hall is None or not hall.strip()) and seen is None
        counts = await uow.figures.counts(figures_query(period, None if whole else halls,
                                                        now, tz))
    return build_report(period, scope, halls, counts, now, tz)

