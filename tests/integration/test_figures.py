"""The halls' figures (storage/figures_repository.py through the use case) against plain SQL
written here and against the domain's own predicates, on both databases, over a generated
year with items in every state: converted, reserved, referred, accepted, in progress,
replied on time, late and on the very edge of the deadline day, evaluated, reopened,
overdue, withdrawn; sessions on either side of the period's bounds, never started, never
opened; halls named, renamed, unnamed, with a town set."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.tracking_data import Generated, Shape, generate, write
from facilitation.audit import Operator
from facilitation.errors import NotFound, PermissionDenied
from facilitation.ports import UnitOfWorkFactory
from facilitation.services import Actor
from facilitation.tracking import EventKind, ItemStatus
from facilitation.tracking_counts import Figures, item_figures, total
from facilitation.tracking_figures import Period, Report, parse_period, report_figures
from storage.uow import SqlAlchemyUnitOfWork

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)  # 11:00 in the halls
SHAPE = Shape(halls=18, sessions=6, items=8, people=6)
STAFF = Operator("tester")
HELD = "COALESCE(s.started_at, s.signin_opened_at)"
ITEM_FROM = (f"FROM tracked_items i JOIN sessions s ON s.id = i.session_id "
             f"WHERE {HELD} >= :start AND {HELD} < :end AND i.status <> 'withdrawn'")
WITH_UNIT = "('referred', 'accepted', 'in_progress', 'reopened')"
REPLIED = "i.status IN ('done', 'evaluated')"
# what counts, for each figure, as plain SQL over the rows (deadline-day end: see _on_time)
CONDITIONS = {
    "suggestions": "i.kind = 'suggestion'",
    "follow_ups": "i.kind = 'follow_up'",
    "proposal": "i.status = 'converted' AND i.conversion = 'proposal'",
    "opinion": "i.status = 'converted' AND i.conversion = 'opinion'",
    "report": "i.status = 'converted' AND i.conversion = 'report'",
    "reserved": "i.status = 'reserved'",
    # ever 交办, read from the history itself
    "referred": "EXISTS (SELECT 1 FROM item_events e WHERE e.item_id = i.id "
                "AND e.to_status = 'referred')",
    "settled": "i.status IN ('converted', 'reserved', 'done', 'evaluated')",
    "replied": REPLIED,
    "due_replied": f"{REPLIED} AND i.deadline IS NOT NULL",
    "overdue": f"i.status IN {WITH_UNIT} AND i.deadline < :today",
    "open": "i.status NOT IN ('converted', 'reserved', 'done', 'evaluated')",
    "evaluated": "i.satisfaction IS NOT NULL",
    "satisfied": "i.satisfaction = 'satisfied'",
    "basically": "i.satisfaction = 'basically'",
    "unsatisfied": "i.satisfaction = 'unsatisfied'",
}


def _on_time(dialect: str) -> str:
    """Replied before the deadline day ended in Shanghai (UTC+8 all year, no DST)."""
    if dialect == "sqlite":  # stored as UTC text 'YYYY-MM-DD HH:MM:SS.ffffff'
        return f"{REPLIED} AND i.settled_at < datetime(i.deadline, '+1 day', '-8 hours')"
    return (f"{REPLIED} AND i.settled_at < "
            "((i.deadline + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')")


def _params(dialect: str, period: Period) -> dict[str, Any]:
    start, end = period.start_at(TZ), period.end_at(TZ)
    today = NOW.astimezone(TZ).date()
    if dialect == "sqlite":
        stamp = "%Y-%m-%d %H:%M:%S.%f"
        return {"start": start.astimezone(UTC).strftime(stamp),
                "end": end.astimezone(UTC).strftime(stamp), "today": today.isoformat()}
    return {"start": start, "end": end, "today": today}


async def _plain_sql(engine: AsyncEngine, period: Period) -> dict[int, Figures]:
    dialect = engine.dialect.name
    params = _params(dialect, period)
    counts: dict[str, dict[int, int]] = {}
    async with engine.connect() as connection:
        async def grouped(sql: str) -> list[Any]:
            return list(await connection.execute(text(sql), params))

        sessions = {r[0]: r[1] for r in await grouped(
            f"SELECT s.chat_id, count(*) FROM sessions s WHERE {HELD} >= :start "
            f"AND {HELD} < :end GROUP BY s.chat_id")}
        people: dict[int, dict[str, int]] = {}
        for chat_id, kind, n in await grouped(
                f"SELECT s.chat_id, a.kind, count(*) FROM attendance a JOIN sessions s "
                f"ON s.id = a.session_id WHERE {HELD} >= :start AND {HELD} < :end "
                f"GROUP BY s.chat_id, a.kind"):
            people.setdefault(chat_id, {})[kind] = n
        for name, condition in {**CONDITIONS, "settled_on_time": _on_time(dialect)}.items():
            counts[name] = {r[0]: r[1] for r in await grouped(
                f"SELECT s.chat_id, count(*) {ITEM_FROM} AND {condition} GROUP BY s.chat_id")}
    return {chat_id: Figures(sessions=n, participants=people.get(chat_id, {}),
                             **{name: by_hall.get(chat_id, 0) for name, by_hall in counts.items()})
            for chat_id, n in sessions.items()}


def _domain(data: Generated, period: Period, now: datetime) -> dict[int, Figures]:
    """The same figures from the items as the domain made them, one by one."""
    sessions = {s.id: s for s in data.sessions}
    held = {s.id: s.started_at or s.signin_opened_at for s in data.sessions}
    start, end = period.start_at(TZ), period.end_at(TZ)
    found: dict[int, list[Figures]] = {}
    for item in data.items:
        when = held[item.session_id]
        if when is not None and start <= when < end:
            found.setdefault(sessions[item.session_id].chat_id, []).append(
                item_figures(item, now, TZ))
    return {chat_id: total(f) for chat_id, f in found.items()}


def _by_chat(report: Report) -> dict[int, Figures]:
    """The halls that held sessions in the period (the others are listed with zeros)."""
    return {line.chat_id: line.figures for line in report.halls
            if line.chat_id is not None and line.figures.sessions}


@pytest.fixture
async def data(engine: AsyncEngine) -> Generated:
    generated = generate(SHAPE, TZ, NOW)
    await write(engine, generated)
    return generated


def test_the_data_set_has_items_in_every_state_and_every_edge(data: Generated) -> None:
    statuses = Counter(i.status for i in data.items)
    assert set(statuses) == set(ItemStatus)
    on_time = Counter(i.settled_on_time(TZ) for i in data.items if i.reply)
    assert on_time[True] > 10 and on_time[False] > 10
    edges = Counter(e.at.astimezone(TZ).time().isoformat() for i in data.items
                    for e in i.history if e.kind == EventKind.REPLIED)
    assert edges["23:59:59.999999"] > 0 and edges["00:00:00"] > 0
    assert sum(i.is_overdue(NOW, TZ) for i in data.items) > 10
    assert sum(i.reopens for i in data.items) > 0


@pytest.mark.parametrize("label", ["2026", "2026Q1", "2026Q4", "2026-03", "2025"])
async def test_every_figure_agrees_with_plain_sql_and_with_the_domain(
        engine: AsyncEngine, uow_factory: UnitOfWorkFactory, data: Generated,
        label: str) -> None:
    period = parse_period(label)
    uow = uow_factory()
    assert isinstance(uow, SqlAlchemyUnitOfWork)
    report = await report_figures(uow, by=STAFF, period=period, now=NOW, tz=TZ)
    ours = _by_chat(report)
    expected = await _plain_sql(engine, period)
    assert ours == expected
    domain = _domain(data, period, NOW)
    without_sessions = {chat: replace(f, sessions=0, participants={}) for chat, f in ours.items()
                        if f.items}
    assert without_sessions == domain
    assert report.total.figures == total(expected.values())
    assert sum(t.figures.sessions for t in report.towns) == report.total.figures.sessions
    if label == "2025":  # only the sessions held in the last instant of 2025
        assert report.total.figures.sessions == len([h for h in range(SHAPE.halls)
                                                     if h % 5 == 1])


async def test_towns_names_and_the_scope_of_one_hall_or_town(
        uow_factory: UnitOfWorkFactory, data: Generated) -> None:
    period = parse_period("2026")
    county = await report_figures(uow_factory(), by=STAFF, period=period, now=NOW, tz=TZ)
    towns = {line.name: line for line in county.towns}
    assert {"平桥镇", "城关街道", "石门乡", "未分镇"} <= set(towns)
    # hall 10 (第10议事驿站, town set to 黄坡镇), hall 16 (never named, 未分镇)
    hall_10 = next(line for line in county.halls if line.name == "第10议事驿站")
    assert hall_10.town == "黄坡镇"
    assert any(line.name == str(-100_000_016) and line.town == "未分镇" for line in county.halls)
    assert any(line.name == "平桥镇第1议事堂（新址）" for line in county.halls)  # the latest name
    assert sum(t.halls for t in county.towns) == len(county.halls) == SHAPE.halls

    one = await report_figures(uow_factory(), by=STAFF, period=period, hall="第10议事驿站",
                               now=NOW, tz=TZ)
    assert [line.name for line in one.halls] == ["第10议事驿站"]
    assert one.total.figures == hall_10.figures
    town = await report_figures(uow_factory(), by=STAFF, period=period, hall="石门乡",
                                now=NOW, tz=TZ)
    assert town.scope == "石门乡" and town.total.figures == towns["石门乡"].figures
    by_id = await report_figures(uow_factory(), by=STAFF, period=period,
                                 hall=str(-100_000_016), now=NOW, tz=TZ)
    assert by_id.total.figures.sessions > 0
    with pytest.raises(NotFound):
        await report_figures(uow_factory(), by=STAFF, period=period, hall="无此议事堂",
                             now=NOW, tz=TZ)


async def test_only_staff_get_figures(uow_factory: UnitOfWorkFactory, data: Generated) -> None:
    with pytest.raises(PermissionDenied):
        await report_figures(uow_factory(), by=Actor(5, "张三"), period=parse_period("2026"),
                             now=NOW, tz=TZ)
    staff = Actor(6, "督导", config_admin=True)
    report = await report_figures(uow_factory(), by=staff, period=parse_period("2026"),
                                  now=NOW, tz=TZ)
    assert report.total.figures.items > 0


async def test_overdue_counts_move_with_now_as_the_domain_says(
        uow_factory: UnitOfWorkFactory, data: Generated) -> None:
    """The instant a deadline day ends, its items become overdue, not a moment before."""
    deadline = min(i.deadline for i in data.items
                   if i.is_overdue(NOW, TZ) and i.deadline is not None)
    edge = datetime.combine(deadline + timedelta(days=1), datetime.min.time(), tzinfo=TZ)
    for now in (edge - timedelta(microseconds=1), edge):
        report = await report_figures(uow_factory(), by=STAFF, period=parse_period("2026"),
                                      now=now, tz=TZ)
        assert report.total.figures.overdue == sum(
            f.overdue for f in _domain(data, parse_period("2026"), now).values())
    assert isinstance(deadline, date)


async def test_open_snapshots_are_the_replayed_items_without_their_history(
        uow_factory: UnitOfWorkFactory, data: Generated) -> None:
    """/track's list reads the snapshot columns (one query); they hold what replaying gives."""
    uow = uow_factory()
    assert isinstance(uow, SqlAlchemyUnitOfWork)
    async with uow:
        replayed = await uow.tracked.open_items()
        snapshots = await uow.tracked.open_snapshots()
        unit = next(i.unit_id for i in replayed if i.unit_id is not None)
        of_unit = await uow.tracked.open_snapshots(unit_id=unit)
    assert len(replayed) > 50
    assert snapshots == [replace(i, history=[], reply=None, reason=None) for i in replayed]
    assert of_unit == [s for s in snapshots if s.unit_id == unit]
