"""The workbench's filters (issue 13), on both databases through aiohttp's test client: the
sessions of a period (a year, a quarter, a month of the halls' time zone) found in the query,
beyond the newest 200 the list reads, a value that is not a period ignored; the follow-up
board of one state (settled ones too), still overdue first, with the unit filter and pages;
and both kept to one's halls."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.catalog import t
from facilitation.audit import Operator
from facilitation.model import SessionStatus
from facilitation.ports import TrackingUnitOfWorkFactory
from facilitation.roles import Role, grant_role
from facilitation.session import Session
from facilitation.staff_desk import LISTED
from facilitation.tracking import Conversion, ItemStatus
from facilitation.tracking_access import LiveRoles
from facilitation.tracking_desk import TrackScope, track_page
from facilitation.tracking_services import convert, record_reply, refer, reserve
from portal.app import RoomDeps, WebDeps, build_web_app
from storage.engine import make_engine
from storage.uow import make_uow_factory
from tests.portal.test_staff import (
    ADMIN,
    CLERK,
    START,
    VIEWER,
    A,
    B,
    Clock,
    Desk,
    _items,
    _session,
    _topics,
    _tracked,
)

TZ = timezone(timedelta(hours=8))  # the halls' (RoomDeps' default, Asia/Shanghai)
OLD_A, OLD_B, NEW_YEAR = "旧年路灯", "旧年河道", "元旦茶话"
ACTION, SUGGESTION_A, SUGGESTION_B = ("县住建局完成村道硬化设计", "建议村道两侧加装路灯。",
                                      "建议每季度清淤一次。")
STAFF = replace(ADMIN, config_admin=True)


async def _many(uow: TrackingUnitOfWorkFactory, chat_id: int, moderator_id: int, count: int,
                newest: datetime) -> None:
    """``count`` closed sessions, a minute apart before ``newest``, in one transaction (the
    use cases would open and close each)."""
    async with uow() as work:
        for n in range(count):
            await work.sessions.add(Session(
                chat_id=chat_id, code=f"M{n:07d}", topic=f"例会{n}", moderator_id=moderator_id,
                created_at=newest - timedelta(minutes=n), turn_limit_s=180,
                status=SessionStatus.CLOSED, hall="东头村议事堂"))
        await work.commit()


async def _moderator(uow: TrackingUnitOfWorkFactory) -> int:
    async with uow() as work:
        [session] = await work.sessions.recent(A, limit=1)
    return session.moderator_id


@pytest.fixture
async def desk(db_url: str, tmp_path: Path) -> AsyncIterator[Desk]:
    """Hall A: a session of March 2025, one of 1 January 2026 at 01:00 in the halls' time
    (still 2025 in UTC), then LISTED closed ones of December 2026 and an open one; hall B: a
    session of March 2025 and an open one. A viewer of A, staff of B."""
    engine = make_engine(db_url)
    uow = make_uow_factory(engine)
    await _session(uow, A, "OLDA2345", OLD_A, "东头村议事堂", datetime(2025, 3, 10, 2, tzinfo=UTC),
                   close=True)
    await _session(uow, B, "OLDB2345", OLD_B, "西头村议事堂", datetime(2025, 3, 12, 2, tzinfo=UTC),
                   close=True)
    await _session(uow, A, "NEWY2345", NEW_YEAR, "东头村议事堂",
                   datetime(2025, 12, 31, 17, tzinfo=UTC), close=True)
    await _many(uow, A, await _moderator(uow), LISTED, START - timedelta(days=3))
    await _session(uow, A, "AAAA2345", "村道硬化", "东头村议事堂", START - timedelta(days=2))
    await _session(uow, B, "BBBB2345", "河道清淤", "西头村议事堂", START - timedelta(hours=3))
    for actor, role, hall in ((VIEWER, Role.VIEWER, A), (CLERK, Role.STAFF, B)):
        await grant_role(uow(), by=Operator("root"), role=role, hall_chat_id=hall, now=START,
                         telegram_user_id=actor.user_id)
    clock = Clock()
    client = TestClient(TestServer(build_web_app(WebDeps(uow, clock, poll_s=30.0, room=RoomDeps(
        t, staff_user_ids=frozenset({ADMIN.user_id}), session_key=b"k" * 32)))))
    await client.start_server()
    try:
        yield Desk(uow, clock, client)
    finally:
        await client.close()
        await engine.dispose()


async def test_a_period_finds_sessions_beyond_the_newest_listed(desk: Desk) -> None:
    await desk.log_in(ADMIN)
    _, html = await desk.page()
    listed = _topics(html)
    assert len(listed) == LISTED and listed[:2] == ["河道清淤", "村道硬化"]
    assert OLD_A not in listed and NEW_YEAR not in listed
    status, html = await desk.page("/staff?period=2025Q1")
    assert status == 200 and _topics(html) == [OLD_B, OLD_A]  # newest first, both halls
    assert t("zh", "figures_period_quarter", year="2025", quarter="1") in html
    assert 'name="period" type="text" value="2025Q1"' in html
    assert _topics((await desk.page(f"/staff?period=2025-03&hall={A}"))[1]) == [OLD_A]
    assert _topics((await desk.page("/staff?period=2025-3&state=signin_open"))[1]) == []
    # by the day in the halls' time zone: 01:00 on 1 January there is 2026's
    assert _topics((await desk.page("/staff?period=2025"))[1]) == [OLD_B, OLD_A]
    assert _topics((await desk.page("/staff?period=2026-01"))[1]) == [NEW_YEAR]
    _, html = await desk.page("/staff?period=2026-12&state=signin_open")
    assert _topics(html) == ["河道清淤", "村道硬化"]
    assert len(_topics((await desk.page("/staff?period=2026Q4&hall=" + str(A)))[1])) == LISTED


async def test_a_value_that_is_not_a_period_is_ignored(desk: Desk) -> None:
    await desk.log_in(ADMIN)
    for said in ("2026Q9", "2026-13", "last%20year", "1800", "2" * 40, ""):
        status, html = await desk.page(f"/staff?period={said}")
        assert status == 200 and len(_topics(html)) == LISTED, said
        assert 'name="period" type="text" value=""' in html
        assert 'data-testid="period-shown"' not in html


async def test_a_period_keeps_to_ones_halls(desk: Desk) -> None:
    await desk.log_in(VIEWER)  # hall A
    assert _topics((await desk.page("/staff?period=2025"))[1]) == [OLD_A]
    _, html = await desk.page(f"/staff?period=2025&hall={B}")
    assert _topics(html) == [] and t("zh", "staff_sessions_none") in html
    await desk.log_in(CLERK)  # staff of hall B
    assert _topics((await desk.page("/staff?period=2025Q1"))[1]) == [OLD_B]
    assert _topics((await desk.page("/staff?period=2026"))[1]) == ["河道清淤"]
    assert _topics((await desk.page(f"/staff?period=2026Q4&hall={A}"))[1]) == []


# ------------------------------------------------------------------ the follow-up board
async def _item(uow: TrackingUnitOfWorkFactory, text: str) -> int:
    async with uow() as work:
        items = [i for s in await work.sessions.recent(None, 10)
                 for i in await work.tracked.for_session(s.id or 0)]
    return next(i.id for i in items if i.text == text and i.id is not None)


async def _settle_some(uow: TrackingUnitOfWorkFactory) -> None:
    """The action (referred, overdue since 1 December) replied to: 已办结; hall A's suggestion
    referred to the same unit, due on 31 January; hall B's kept for reference."""
    await refer(uow(), item_id=await _item(uow, SUGGESTION_A), unit="县住建局",
                deadline=date(2027, 1, 31), actor=STAFF, roles=LiveRoles(), now=START, tz=TZ)
    action = await _item(uow, ACTION)
    assert [r.text for r in (await track_page(
        uow(), actor=STAFF, roles=LiveRoles(), scope=TrackScope(status=ItemStatus.REFERRED),
        now=START, tz=TZ)).rows] == [ACTION, SUGGESTION_A]  # overdue first
    await record_reply(uow(), item_id=action, text="已完成设计。", actor=STAFF,
                       roles=LiveRoles(), now=START)
    await reserve(uow(), item_id=await _item(uow, SUGGESTION_B), reason="列入明年计划",
                  actor=STAFF, roles=LiveRoles(), now=START)


async def test_the_board_lists_one_states_items_settled_ones_too(desk: Desk) -> None:
    await _tracked(desk.uow)
    await _settle_some(desk.uow)
    await desk.log_in(ADMIN)
    assert _items((await desk.page("/staff/items"))[1]) == [("", SUGGESTION_A)]
    status, html = await desk.page("/staff/items?state=done")
    assert status == 200 and _items(html) == [("", ACTION)]
    assert t("zh", "staff_items_head_state", state="已办结", total=1, overdue=0, page=1,
             pages=1) in html
    assert '<option value="done" selected>' in html
    assert _items((await desk.page("/staff/items?state=reserved"))[1]) == [("", SUGGESTION_B)]
    assert _items((await desk.page("/staff/items?state=referred"))[1]) == [("", SUGGESTION_A)]
    _, html = await desk.page("/staff/items?state=evaluated")
    assert _items(html) == [] and t("zh", "staff_items_none_state", state="已评价") in html
    _, html = await desk.page("/staff/items?state=done")
    unit = re.search(r'href="/staff/items\?unit=(\d+)&state=done">', html)
    assert unit is not None  # the unit's link keeps the state
    _, html = await desk.page(f"/staff/items?unit={unit.group(1)}&state=done")
    assert _items(html) == [("", ACTION)] and "县住房和城乡建设局" in html
    assert _items((await desk.page(f"/staff/items?unit={unit.group(1)}&state=reserved"))[1]) \
        == []


async def test_an_unknown_state_is_ignored_and_states_page(desk: Desk) -> None:
    await _tracked(desk.uow)
    await desk.log_in(ADMIN)
    open_items = _items((await desk.page("/staff/items"))[1])
    assert len(open_items) == 3
    for said in ("nonsense", "DONE", "", "withdrawn%20"):
        status, html = await desk.page(f"/staff/items?state={said}")
        assert status == 200 and _items(html) == open_items, said
        assert t("zh", "staff_items_head", total=3, overdue=1, page=1, pages=1) in html
    paged = await track_page(desk.uow(), actor=STAFF, roles=LiveRoles(),
                             scope=TrackScope(status=ItemStatus.PENDING), page=2, page_size=1,
                             now=START, tz=TZ)
    assert (paged.total, paged.pages, paged.page, paged.scope.status) == (
        2, 2, 2, ItemStatus.PENDING)
    assert [r.text for r in paged.rows] == [SUGGESTION_B]  # same deadline (none): by session
    await convert(desk.uow(), item_id=await _item(desk.uow, SUGGESTION_A),
                  kind=Conversion.PROPOSAL, reference=None, actor=STAFF, roles=LiveRoles(),
                  now=START)
    assert _items((await desk.page("/staff/items?state=converted"))[1]) == [("", SUGGESTION_A)]


async def test_a_state_keeps_to_ones_halls(desk: Desk) -> None:
    await _tracked(desk.uow)
    await _settle_some(desk.uow)
    await desk.log_in(CLERK)  # staff of hall B
    assert _items((await desk.page("/staff/items?state=done"))[1]) == []
    assert _items((await desk.page("/staff/items?state=reserved"))[1]) == [("", SUGGESTION_B)]
    await desk.log_in(VIEWER)  # viewer of hall A
    assert _items((await desk.page("/staff/items?state=done"))[1]) == [("", ACTION)]
    assert _items((await desk.page("/staff/items?state=reserved"))[1]) == []
    assert _items((await desk.page("/staff/items?state=referred"))[1]) == [("", SUGGESTION_A)]
