"""The figures' definitions (facilitation/tracking_counts.py, tracking_figures.py): periods,
towns, what one item adds up to by the domain's own predicates, the last overdue deadline,
choosing halls, and towns summed from halls."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from facilitation.errors import InvalidInput, NotFound
from facilitation.tracking import (
    Conversion,
    ItemStatus,
    Satisfaction,
    TrackedItem,
    Who,
    new_follow_up,
    new_suggestion,
    overdue_from,
)
from facilitation.tracking_counts import Figures, item_figures, overdue_through, total
from facilitation.tracking_figures import (
    Hall,
    build_report,
    choose_halls,
    looks_like_period,
    parse_period,
    this_year,
    town_of,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")  # daylight saving time: offsets change
T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
STAFF = Who(operator="cli:test")
DUE = date(2026, 3, 31)


@pytest.mark.parametrize(("text", "label", "first", "end"), [
    ("2026", "2026", date(2026, 1, 1), date(2027, 1, 1)),
    ("2026Q1", "2026Q1", date(2026, 1, 1), date(2026, 4, 1)),
    ("2026q4", "2026Q4", date(2026, 10, 1), date(2027, 1, 1)),
    ("2026-12", "2026-12", date(2026, 12, 1), date(2027, 1, 1)),
    (" 2026-2 ", "2026-02", date(2026, 2, 1), date(2026, 3, 1)),
])
def test_periods(text: str, label: str, first: date, end: date) -> None:
    period = parse_period(text)
    assert (period.label, period.first, period.end) == (label, first, end)
    assert period.start_at(SHANGHAI) == datetime(first.year, first.month, 1, tzinfo=SHANGHAI)
    assert period.start_at(SHANGHAI).astimezone(UTC).hour == 16  # the day before, in UTC


@pytest.mark.parametrize("text", ["2026Q5", "2026-13", "2026-0", "26", "平桥镇", "2026Q", ""])
def test_periods_that_will_not_do(text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_period(text)
    assert refused.value.code == "figures_bad_period"


def test_what_is_taken_for_a_period_and_this_year() -> None:
    assert looks_like_period("2026Q5") and looks_like_period("2026")
    assert not looks_like_period("平桥镇议事堂") and not looks_like_period("-100123")
    late = datetime(2026, 12, 31, 17, 0, tzinfo=UTC)  # already 2027 in Shanghai
    assert this_year(late, SHANGHAI).label == "2027"
    assert this_year(late, NEW_YORK).label == "2026"


@pytest.mark.parametrize(("hall", "town", "expected"), [
    ("平桥镇民生议事堂", None, "平桥镇"),
    ("城关街道幸福里议事堂", None, "城关街道"),
    ("石门乡议事驿站", None, "石门乡"),
    ("新乡村议事堂", None, "未分镇"),  # 乡 of 乡村 is no township
    ("乡贤议事会", None, "未分镇"),
    ("第十议事驿站", None, "未分镇"),
    ("第十议事驿站", "黄坡镇", "黄坡镇"),  # staff set it: it wins
    ("平桥镇议事堂", "  ", "平桥镇"),
    (None, None, "未分镇"),
])
def test_towns(hall: str | None, town: str | None, expected: str) -> None:
    assert town_of(hall, town) == expected


# ------------------------------------------------------------------ one item's figures
def _referred(deadline: date = DUE) -> TrackedItem:
    item = new_suggestion(1, 1, "建议在东门划停车位", number=1, at=T0)
    item.refer(7, "县住建局", deadline, who=STAFF, at=T0 + timedelta(days=1))
    item.accept(who=STAFF, at=T0 + timedelta(days=2))
    return item


def _edge(day: date, tz: ZoneInfo = SHANGHAI) -> datetime:
    return overdue_from(day, tz)


def test_an_item_replied_in_the_last_instant_of_its_deadline_day_is_on_time() -> None:
    on_time, late = _referred(), _referred()
    on_time.reply_with("已办理", who=STAFF, at=_edge(DUE) - timedelta(microseconds=1))
    late.reply_with("已办理", who=STAFF, at=_edge(DUE))
    f, g = item_figures(on_time, T0, SHANGHAI), item_figures(late, T0, SHANGHAI)
    assert (f.replied, f.due_replied, f.settled_on_time, f.settled) == (1, 1, 1, 1)
    assert (g.replied, g.due_replied, g.settled_on_time, g.settled) == (1, 1, 0, 1)
    assert f.referred == g.referred == 1 and f.open == g.open == 0


def test_an_item_is_overdue_from_the_instant_its_deadline_day_ends() -> None:
    item = _referred()
    before = item_figures(item, _edge(DUE) - timedelta(microseconds=1), SHANGHAI)
    after = item_figures(item, _edge(DUE), SHANGHAI)
    assert (before.overdue, after.overdue) == (0, 1)
    assert before.open == after.open == 1


def test_reopened_items_count_their_rating_and_are_open_again() -> None:
    item = _referred()
    item.reply_with("已办理", who=STAFF, at=T0 + timedelta(days=3))
    item.evaluate(Satisfaction.UNSATISFIED, who=STAFF, at=T0 + timedelta(days=4))
    assert item.status == ItemStatus.REOPENED
    f = item_figures(item, T0 + timedelta(days=5), SHANGHAI)
    assert (f.evaluated, f.unsatisfied, f.replied, f.settled, f.open, f.due_replied) == (
        1, 1, 0, 0, 1, 0)
    item.reply_with("再次办理", who=STAFF, at=T0 + timedelta(days=6))
    item.evaluate(Satisfaction.BASICALLY, who=STAFF, at=T0 + timedelta(days=7))
    f = item_figures(item, T0 + timedelta(days=8), SHANGHAI)
    assert (f.evaluated, f.basically, f.unsatisfied, f.replied, f.settled_on_time) == (
        1, 1, 0, 1, 1)
    assert f.satisfaction == 1.0


def test_conversions_reservations_follow_ups_and_withdrawn_items() -> None:
    converted = new_suggestion(1, 2, "转为提案", at=T0)
    converted.convert(Conversion.OPINION, "第3期", who=STAFF, at=T0)
    reserved = new_suggestion(1, 3, "留作参考", at=T0)
    reserved.reserve("已在推进", who=STAFF, at=T0)
    follow_up = new_follow_up(1, 4, "施划停车位", unit_name="某单位", unit_id=None,
                              deadline=None, at=T0)
    withdrawn = new_suggestion(1, 5, "删去的建议", at=T0)
    withdrawn.withdraw(version=2, who=STAFF, at=T0)
    figures = [item_figures(i, T0, SHANGHAI)
               for i in (converted, reserved, follow_up, withdrawn)]
    assert (figures[0].opinion, figures[0].converted, figures[0].settled) == (1, 1, 1)
    assert (figures[0].referred, figures[0].replied, figures[0].open) == (0, 0, 0)
    assert (figures[1].reserved, figures[1].settled, figures[1].suggestions) == (1, 1, 1)
    # a follow-up item starts 已交办: referred, open; no deadline: never overdue
    assert (figures[2].follow_ups, figures[2].referred, figures[2].open) == (1, 1, 1)
    assert item_figures(follow_up, T0 + timedelta(days=999), SHANGHAI).overdue == 0
    assert figures[3] == Figures()
    summed = total(figures)
    assert (summed.items, summed.settled, summed.converted) == (3, 2, 1)


def test_figures_add_up_kinds_and_rates() -> None:
    a = Figures(sessions=1, participants={"member": 2}, evaluated=2, satisfied=1,
                due_replied=4, settled_on_time=3)
    b = Figures(sessions=2, participants={"member": 1, "resident": 5}, evaluated=2,
                basically=1, unsatisfied=1)
    both = a + b
    assert both.participants == {"member": 3, "resident": 5} and both.people == 8
    assert (both.sessions, both.satisfaction, both.on_time_rate) == (3, 0.5, 0.75)
    assert Figures().satisfaction is None and Figures().on_time_rate is None


@pytest.mark.parametrize("tz", [SHANGHAI, NEW_YORK])
def test_the_last_overdue_deadline_agrees_with_is_overdue(tz: ZoneInfo) -> None:
    """What the SQL compares deadlines with, around midnights and a change of clocks."""
    start = datetime(2026, 3, 6, tzinfo=tz)  # New York moves its clocks on 8 March
    nows = [start + timedelta(hours=h, microseconds=m) for h in range(0, 24 * 5, 1)
            for m in (-1, 0)]
    for now in nows:
        through = overdue_through(now, tz)
        for day in (through - timedelta(days=1), through, through + timedelta(days=1)):
            assert (day <= through) == _referred(day).is_overdue(now, tz), (now, day)


# ------------------------------------------------------------------ halls and the report
HALLS = [Hall(-1, "平桥镇第一议事堂"), Hall(-2, "平桥镇第二议事堂"), Hall(-3, "石门乡议事堂"),
         Hall(-4, "第十议事驿站", "黄坡镇"), Hall(-5, None)]


def test_choosing_a_hall_a_town_or_all() -> None:
    assert choose_halls(HALLS, None) == (None, HALLS)
    assert choose_halls(HALLS, " ") == (None, HALLS)
    assert choose_halls(HALLS, "石门乡议事堂") == ("石门乡议事堂", [HALLS[2]])
    assert choose_halls(HALLS, "第一") == ("平桥镇第一议事堂", [HALLS[0]])
    assert choose_halls(HALLS, "平桥镇") == ("平桥镇", HALLS[:2])
    assert choose_halls(HALLS, "黄坡镇") == ("黄坡镇", [HALLS[3]])
    assert choose_halls(HALLS, "-5") == ("-5", [HALLS[4]])
    with pytest.raises(InvalidInput) as ambiguous:
        choose_halls(HALLS, "议事堂")
    assert ambiguous.value.code == "figures_hall_ambiguous"
    assert "平桥镇第一议事堂" in ambiguous.value.params["halls"]
    with pytest.raises(NotFound):
        choose_halls(HALLS, "东岗乡")


def test_towns_are_the_sums_of_their_halls() -> None:
    counts = {-1: Figures(sessions=2, suggestions=5), -2: Figures(sessions=1, suggestions=1),
              -3: Figures(sessions=4, suggestions=2)}
    report = build_report(parse_period("2026"), None, HALLS, counts, T0, SHANGHAI)
    towns = {line.name: (line.halls, line.figures.sessions) for line in report.towns}
    assert towns == {"平桥镇": (2, 3), "石门乡": (1, 4), "黄坡镇": (1, 0), "未分镇": (1, 0)}
    assert report.total.figures.sessions == 7 and report.total.halls == 5
    assert [line.chat_id for line in report.halls][:2] == [-1, -2]  # by town, then name
    assert report.as_of == date(2026, 3, 2)
