"""A simulated year of halls, sessions and followed-up items, written fast.

Everything is made by the domain (Session, Attendance, TrackedItem and its actions: refer,
accept, progress, reply_with, evaluate, convert, reserve, withdraw), so every item's history
is one the use cases could have written; it is then written with bulk INSERTs (executemany,
RETURNING the ids) of exactly the columns the repositories write (storage/mapping.py,
storage/tracking_mapping.py), not one use case at a time. Used by ``python -m bench
tracking`` and by tests/integration/test_figures.py (a small shape, both databases).

Each item draws a fate: pending, converted (提案 / 社情民意信息 / 专报), reserved, or referred to a
unit (follow-up items always are) and then accepted, in progress, replied on time or late
(some exactly at the last instant of the deadline day or the first of the next, local time),
evaluated 满意 / 基本满意 / 不满意 (the first 不满意 reopens it, and some are replied again);
some are withdrawn. An action that would come after ``now`` does not happen, so items whose
deadline has passed unreplied are overdue.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.ext.asyncio import AsyncEngine

from facilitation.model import Attendance, ParticipantKind, Person, SessionStatus, SignInMethod
from facilitation.session import Session
from facilitation.tracking import (
    Conversion,
    ItemStatus,
    Satisfaction,
    TrackedItem,
    Who,
    new_follow_up,
    new_suggestion,
)
from facilitation.units import Unit, UnitLevel
from storage import mapping
from storage import tracking_mapping as tm
from storage.repositories import table_of
from storage.rows import (
    AttendanceRow,
    HallRow,
    ItemEventRow,
    MinutesVersionRow,
    PersonRow,
    SessionRow,
    TrackedItemRow,
    UnitRow,
)

TOWNS = ("平桥镇", "城关街道", "石门乡", "五里镇", "新华街道", "黄坡镇", "东岗乡", "龙井镇")
UNITS = ("县住建局", "县交通运输局", "县民政局", "县教育局", "县卫健委", "县城管局",
         "县自然资源局", "县水利局", "供电公司", "县市场监管局")
KINDS = (ParticipantKind.MEMBER, ParticipantKind.RESIDENT, ParticipantKind.RESIDENT,
         ParticipantKind.ELDER, ParticipantKind.DEPARTMENT, ParticipantKind.EXPERT,
         ParticipantKind.BUSINESS, ParticipantKind.OTHER)
STAFF = Who(operator="bench")


@dataclass(frozen=True)
class Shape:
    halls: int = 50
    sessions: int = 24  # held per hall, over the year (and one never opened)
    items: int = 8  # per session: suggestions and follow-up items
    people: int = 12  # sign-ins per session
    year: int = 2026
    seed: int = 11


@dataclass
class Generated:
    people: list[Person] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    sessions: list[Session] = field(default_factory=list)
    attendance: list[Attendance] = field(default_factory=list)
    items: list[TrackedItem] = field(default_factory=list)
    towns: dict[int, str] = field(default_factory=dict)  # chat id -> halls.town
    versions: list[tuple[int, int, datetime]] = field(default_factory=list)  # (session, v, at)


def _local(day: date, hours: float, tz: tzinfo) -> datetime:
    return (datetime.combine(day, time(0), tzinfo=tz) + timedelta(hours=hours)).astimezone(UTC)


class _Maker:
    def __init__(self, shape: Shape, tz: tzinfo, now: datetime) -> None:
        self.shape, self.tz, self.now = shape, tz, now
        self.rng = random.Random(shape.seed)
        self.out = Generated()

    def hall_name(self, h: int) -> str | None:
        if h % 17 == 16:
            return None  # a hall whose sessions never named it: 未分镇
        if h % 11 == 10:
            return f"第{h}议事驿站"  # no town in its name: set in halls.town, or 未分镇
        return f"{TOWNS[h % len(TOWNS)]}第{h // len(TOWNS) + 1}议事堂"

    def make(self) -> Generated:
        s = self.shape
        self.out.people = [Person(f"居民{i}", KINDS[i % len(KINDS)], telegram_user_id=10**9 + i,
                                  id=i + 1) for i in range(max(s.people * 2, 20))]
        self.out.units = [Unit(name, UnitLevel.COUNTY, id=i + 1) for i, name in enumerate(UNITS)]
        for h in range(s.halls):
            chat_id = -100_000_000 - h
            if h % 11 == 10 and h % 2 == 0:
                self.out.towns[chat_id] = TOWNS[(h + 3) % len(TOWNS)]
            for k in range(s.sessions):
                self.session(h, chat_id, k)
        return self.out

    def session(self, h: int, chat_id: int, k: int) -> None:
        s, rng = self.shape, self.rng
        year_start = date(s.year, 1, 1)
        day = year_start + timedelta(days=int(365 * (k + rng.random()) / s.sessions))
        held = _local(day, rng.choice((9, 14.5, 19)), self.tz)
        if k == 0 and h % 5 == 0:  # the first instant of the year, local: in it
            held = _local(year_start, 0, self.tz)
        if k == 0 and h % 5 == 1:  # the last instant of the year before: not in it
            held = _local(year_start, 0, self.tz) - timedelta(microseconds=1)
        index = len(self.out.sessions) + 1  # its id in a fresh database
        name = self.hall_name(h)
        session = Session(chat_id=chat_id, code=f"S{index:06d}", topic=f"议题{h}-{k}",
                          moderator_id=1, id=index, created_at=held - timedelta(hours=1),
                          turn_limit_s=180, status=SessionStatus.CLOSED,
                          hall=name if k % 7 != 3 else "", closed_at=held + timedelta(hours=2))
        if k == s.sessions - 1 and h % 9 == 0:
            session.hall = f"{name}（新址）" if name else None  # renamed: the latest name wins
        if k % 19 == 7:  # one more, never opened: not held, no items
            self.out.sessions.append(replace(session, status=SessionStatus.CREATED,
                                             code=f"N{index:06d}", closed_at=None))
            session.id = index = index + 1
            session.code = f"S{index:06d}"
        if k % 13 == 5:
            session.signin_opened_at = held  # never started: held by its sign-in
        else:
            session.signin_opened_at, session.started_at = held - timedelta(minutes=20), held
        self.out.sessions.append(session)
        for p in rng.sample(self.out.people, min(s.people, len(self.out.people))):
            assert p.id is not None
            self.out.attendance.append(Attendance(index, p.id, p.display_name, p.kind,
                                                  held, SignInMethod.GROUP))
        approved = held + timedelta(days=1)
        if approved <= self.now:
            self.out.versions.append((index, 1, approved))
            if k % 6 == 1:
                self.out.versions.append((index, 2, approved + timedelta(days=1)))
            for seq in range(1, s.items + 1):
                self.out.items.append(self.item(index, seq, approved))

    def item(self, session: int, seq: int, at: datetime) -> TrackedItem:
        rng = self.rng
        if seq % 4 == 0:
            unit = rng.choice(self.out.units) if rng.random() > 0.1 else None
            item = new_follow_up(session, seq, f"工作事项{seq}", unit_name=unit.name if unit
                                 else "某未知单位", unit_id=unit.id if unit else None,
                                 deadline=self.deadline(at), version=1, at=at)
        else:
            item = new_suggestion(session, seq, f"意见建议{seq}", number=seq,
                                  proposers=(f"居民{seq}",), version=1, at=at)
            fate = rng.random()
            t = at + timedelta(days=rng.randint(1, 10))
            if t > self.now or fate < 0.12:
                return self.maybe_withdrawn(item, at)
            if fate < 0.30:
                item.convert(rng.choice(list(Conversion)), f"第{seq}号", who=STAFF, at=t)
                return self.maybe_withdrawn(item, t)
            if fate < 0.36:
                item.reserve("留作参考", who=STAFF, at=t)
                return item
            unit = rng.choice(self.out.units)
            assert unit.id is not None
            item.refer(unit.id, unit.name, self.deadline(t), who=STAFF, at=t)
            at = t
        return self.maybe_withdrawn(self.handle(item, at), at)

    def deadline(self, at: datetime) -> date:
        return at.astimezone(self.tz).date() + timedelta(days=self.rng.choice((15, 30, 45)))

    def handle(self, item: TrackedItem, at: datetime) -> TrackedItem:
        """Accepted, in progress, replied (on time, late, on the edge), evaluated."""
        rng = self.rng
        if item.unit_id is None or rng.random() < 0.1:
            return item
        t = at + timedelta(days=rng.randint(1, 4))
        if t > self.now:
            return item
        item.accept(who=STAFF, at=t)
        if rng.random() < 0.5:
            t += timedelta(days=1)
            if t > self.now:
                return item
            item.progress("正在办理", who=STAFF, at=t)
        for _ in range(2):  # once more after a 不满意
            replied = self.reply_time(item, t)
            if replied > self.now or rng.random() < 0.08:
                return item
            item.reply_with("已办理", who=STAFF, at=replied)
            t = replied + timedelta(days=rng.randint(1, 6))
            if t > self.now or rng.random() < 0.15:
                return item
            rating = rng.choices(list(Satisfaction), (6, 3, 1))[0]
            item.evaluate(rating, who=STAFF, at=t)
            if item.status != ItemStatus.REOPENED:
                return item
        return item

    def reply_time(self, item: TrackedItem, after: datetime) -> datetime:
        assert item.deadline is not None
        edge = datetime.combine(item.deadline + timedelta(days=1), time(0), tzinfo=self.tz)
        pick = self.rng.random()
        if pick < 0.1:
            return max(after, edge - timedelta(microseconds=1))  # the deadline's last instant
        if pick < 0.2:
            return max(after, edge)  # the first instant after it: late
        days = (edge - after).total_seconds() / 86400
        return after + timedelta(days=self.rng.uniform(0.2, max(0.5, days * 1.3)))

    def maybe_withdrawn(self, item: TrackedItem, at: datetime) -> TrackedItem:
        if self.rng.random() < 0.05:
            t = at + timedelta(hours=1)
            if t <= self.now:
                item.withdraw(version=2, who=STAFF, at=t)
        return item


def generate(shape: Shape, tz: tzinfo, now: datetime) -> Generated:
    return _Maker(shape, tz, now).make()


async def _ids(connection: Any, table: Table, rows: list[dict[str, Any]]) -> list[int]:
    if not rows:
        return []
    result = await connection.execute(
        insert(table).returning(table.c.id, sort_by_parameter_order=True), rows)
    return [int(r[0]) for r in result]


async def _same_ids(connection: Any, table: Table, rows: list[dict[str, Any]],
                    made: list[Any]) -> None:
    """Insert rows whose objects carry the ids a fresh database gives them (1, 2, 3 ...):
    the items' histories name sessions and units by those ids."""
    ids = await _ids(connection, table, rows)
    if ids != [m.id for m in made]:
        raise RuntimeError(f"{table.name}: write into an empty database (ids {ids[:3]}...)")


async def write(engine: AsyncEngine, data: Generated) -> dict[str, int]:
    """Bulk INSERTs, one transaction, into an empty database; how many rows of each table."""
    async with engine.begin() as connection:
        await _same_ids(connection, table_of(PersonRow),
                        [mapping.person_values(p) for p in data.people], data.people)
        await _same_ids(connection, table_of(UnitRow), [tm.unit_values(u) for u in data.units],
                        data.units)
        await _same_ids(connection, table_of(SessionRow),
                        [mapping.session_values(s) for s in data.sessions], data.sessions)
        await _ids(connection, table_of(AttendanceRow),
                   [mapping.attendance_values(a) for a in data.attendance])
        await _ids(connection, table_of(MinutesVersionRow), [
            {"session_id": i, "version": v, "body": "{}", "approved_by": 1, "approved_at": at}
            for i, v, at in data.versions])
        if data.towns:
            await connection.execute(insert(table_of(HallRow)), [
                {"chat_id": chat, "glossary": "", "town": town}
                for chat, town in data.towns.items()])
        items = await _ids(connection, table_of(TrackedItemRow),
                           [tm.item_values(item) for item in data.items])
        events = [{**tm.event_values(item_id, e), "notified_at": e.at}  # no notices owed
                  for item_id, item in zip(items, data.items, strict=True)
                  for e in item.history]
        for start in range(0, len(events), 5000):
            await connection.execute(insert(table_of(ItemEventRow)), events[start:start + 5000])
        for item, item_id in zip(data.items, items, strict=True):
            item.id = item_id
    return {"people": len(data.people), "units": len(data.units),
            "sessions": len(data.sessions),
            "attendance": len(data.attendance), "versions": len(data.versions),
            "items": len(items), "events": len(events)}
