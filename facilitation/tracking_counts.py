"""What each of the halls' figures counts (the report of the figures, its halls, towns and
periods: facilitation/tracking_figures.py).

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

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta, tzinfo

from facilitation.tracking import (
    WITH_UNIT,
    Conversion,
    ItemKind,
    ItemStatus,
    Satisfaction,
    TrackedItem,
    overdue_from,
)

REPLIED = frozenset({ItemStatus.DONE, ItemStatus.EVALUATED})
# ever 交办: with the unit, or past it (see the module docstring)
REFERRED = WITH_UNIT | REPLIED


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
