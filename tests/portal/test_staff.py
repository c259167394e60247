"""The staff's login and session list on the web (portal/login.py, portal/staff.py) through
aiohttp's test client, on both databases, with a clock the test moves: the one-time link
(a page with a button, used once, within ten minutes), the idle end of a web session, the
CSRF token, logout, and who sees which halls' sessions, with roles read at every request."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.catalog import t
from facilitation import floor, minutes, record, services, voice
from facilitation.audit import AuditAction, Operator
from facilitation.model import Mark
from facilitation.ports import TrackingUnitOfWorkFactory
from facilitation.roles import Role, grant_role, revoke_role
from facilitation.services import Actor
from facilitation.speech import Segment, Transcript
from facilitation.staff_desk import issue_login_link
from facilitation.tracking_access import LiveRoles
from facilitation.tracking_services import track_approved
from facilitation.tracking_units import add_unit
from facilitation.units import UnitLevel
from portal.app import DEPS, RoomDeps, WebDeps, build_web_app
from portal.login import COOKIE
from storage.engine import make_engine
from storage.uow import make_uow_factory

A, B = -100601, -100602
START = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
ADMIN = Actor(800000001, "办公室老陈")
VIEWER = Actor(800000002, "查看者小林")
CLERK = Actor(800000003, "工作人员小周")
MODERATOR = Actor(800000009, "主持人")
ROOT = Operator("root")


@dataclass
class Clock:
    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Desk:
    uow: TrackingUnitOfWorkFactory
    clock: Clock
    client: TestClient
    tokens: list[str] = field(default_factory=list)
    woken: list[int] = field(default_factory=list)  # on_item_change calls

    async def link(self, actor: Actor) -> str:
        token = await issue_login_link(self.uow(), actor, bootstrap_ids={ADMIN.user_id},
                                       now=self.clock())
        return f"/login/{token}"

    async def log_in(self, actor: Actor, client: TestClient | None = None) -> None:
        response = await (client or self.client).post(await self.link(actor),
                                                       allow_redirects=False)
        assert response.status == 303 and response.headers["Location"] == "/staff"

    async def page(self, path: str = "/staff") -> tuple[int, str]:
        response = await self.client.get(path, allow_redirects=False)
        return response.status, await response.text()

    async def other_browser(self) -> TestClient:
        other = TestClient(TestServer(self.client.app))
        await other.start_server()
        return other


async def _session(uow: TrackingUnitOfWorkFactory, chat_id: int, code: str, topic: str,
                   hall: str, at: datetime, *, close: bool = False) -> None:
    await services.open_session(uow(), chat_id=chat_id, topic=topic, actor=MODERATOR, now=at,
                                new_code=lambda: code, turn_limit_s=180, hall=hall)
    if close:
        await floor.close_session(uow(), chat_id=chat_id, actor=MODERATOR, now=at)


@pytest.fixture
async def desk(db_url: str) -> AsyncIterator[Desk]:
    engine = make_engine(db_url)
    uow = make_uow_factory(engine)
    await _session(uow, A, "AAAA2345", "村道硬化", "东头村议事堂", START - timedelta(days=2),
                   close=True)
    await _session(uow, A, "AAAB2345", "垃圾分类", "东头村议事堂", START - timedelta(days=1))
    await _session(uow, B, "BBBB2345", "河道清淤", "西头村议事堂", START - timedelta(hours=3))
    await grant_role(uow(), by=ROOT, role=Role.VIEWER, hall_chat_id=A, now=START,
                     telegram_user_id=VIEWER.user_id)
    await grant_role(uow(), by=ROOT, role=Role.STAFF, hall_chat_id=B, now=START,
                     telegram_user_id=CLERK.user_id)
    clock = Clock()
    woken: list[int] = []
    deps = WebDeps(uow, clock, poll_s=30.0, room=RoomDeps(
        t, staff_user_ids=frozenset({ADMIN.user_id}), bot_username="yishitang_bot",
        session_key=b"k" * 32, on_item_change=lambda: woken.append(1)))
    client = TestClient(TestServer(build_web_app(deps)))
    await client.start_server()
    try:
        yield Desk(uow, clock, client, woken=woken)
    finally:
        await client.close()
        await engine.dispose()


def _topics(html: str) -> list[str]:
    return re.findall(
        r"<tr data-session=\"\d+\">\s*<td><a href=\"/staff/s/\d+\">([^<]*)</a></td>", html)


async def test_not_logged_in_is_sent_to_the_page_that_says_send_portal(desk: Desk) -> None:
    status, _ = await desk.page()
    response = await desk.client.get("/staff", allow_redirects=False)
    assert status == 303 and response.headers["Location"] == "/login"
    status, html = await desk.page("/login")
    assert status == 200 and "/portal" in html and "@yishitang_bot" in html


async def test_the_link_shows_a_button_and_works_once(desk: Desk) -> None:
    link = await desk.link(VIEWER)
    for _ in range(2):  # a preview or a scanner fetching the page uses nothing
        status, html = await desk.page(link)
        assert status == 200 and f'action="{link}"' in html and 'method="post"' in html
    response = await desk.client.post(link, allow_redirects=False)
    assert response.status == 303
    status, html = await desk.page()
    assert status == 200 and "垃圾分类" in html
    other = await desk.other_browser()
    try:
        again = await other.post(link, allow_redirects=False)
        assert again.status == 404 and "只能用一次" in await again.text()
        assert (await other.get("/staff", allow_redirects=False)).status == 303
    finally:
        await other.close()
    async with desk.uow() as u:
        logins = [e for e in await u.audit.entries() if e.action == AuditAction.LOGIN]
    assert len(logins) == 1


async def test_the_link_expires_after_ten_minutes(desk: Desk) -> None:
    link = await desk.link(VIEWER)
    desk.clock.advance(minutes=10)
    response = await desk.client.post(link, allow_redirects=False)
    assert response.status == 404 and "已过期" in await response.text()
    assert (await desk.page())[0] == 303
    fresh = await desk.link(VIEWER)
    desk.clock.advance(minutes=9, seconds=59)
    assert (await desk.client.post(fresh, allow_redirects=False)).status == 303


async def test_a_post_from_another_site_cannot_use_a_link(desk: Desk) -> None:
    link = await desk.link(VIEWER)
    response = await desk.client.post(link, headers={"Origin": "https://evil.example"},
                                      allow_redirects=False)
    assert response.status == 403
    assert (await desk.client.post(link, allow_redirects=False)).status == 303  # still unused


async def test_a_web_session_ends_after_thirty_idle_minutes(desk: Desk) -> None:
    await desk.log_in(CLERK)
    desk.clock.advance(minutes=29)
    assert (await desk.page())[0] == 200
    desk.clock.advance(minutes=29)  # each request starts the thirty minutes again
    assert (await desk.page())[0] == 200
    desk.clock.advance(minutes=30, seconds=1)
    assert (await desk.page())[0] == 303
    desk.clock.advance(seconds=1)
    assert (await desk.page())[0] == 303  # the session was ended, not only refused once


async def test_logout_needs_the_csrf_token_and_is_logged(desk: Desk) -> None:
    await desk.log_in(CLERK)
    _, html = await desk.page()
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None
    refused = await desk.client.post("/logout", data={"csrf": "forged"}, allow_redirects=False)
    assert refused.status == 403
    assert (await desk.client.post("/logout", allow_redirects=False)).status == 403
    assert (await desk.page())[0] == 200  # still logged in
    done = await desk.client.post("/logout", data={"csrf": found.group(1)},
                                  allow_redirects=False)
    assert done.status == 303 and done.headers["Location"] == "/login"
    assert (await desk.page())[0] == 303
    async with desk.uow() as u:
        actions = [e.action for e in await u.audit.entries()]
    assert actions[-2:] == [AuditAction.LOGIN, AuditAction.LOGOUT]


async def test_a_viewer_of_a_hall_sees_only_its_sessions(desk: Desk) -> None:
    await desk.log_in(VIEWER)
    _, html = await desk.page()
    assert _topics(html) == ["垃圾分类", "村道硬化"]  # newest first; B's not at all
    assert "西头村议事堂" not in html
    _, html = await desk.page(f"/staff?hall={B}")
    assert _topics(html) == [] and t("zh", "staff_sessions_none") in html
    _, html = await desk.page(f"/staff?hall={A}&state=closed")
    assert _topics(html) == ["村道硬化"] and "签到人数" in html


async def test_an_admin_sees_every_hall_and_filters(desk: Desk) -> None:
    await desk.log_in(ADMIN)
    _, html = await desk.page()
    assert _topics(html) == ["河道清淤", "垃圾分类", "村道硬化"]
    assert t("zh", "staff_role_admin") in html
    _, html = await desk.page(f"/staff?hall={B}")
    assert _topics(html) == ["河道清淤"]
    _, html = await desk.page("/staff?state=signin_open&hall=nonsense")
    assert _topics(html) == ["河道清淤", "垃圾分类"]
    # topic, hall, date (hall time), state, signed in (the moderator)
    row = re.search(r">河道清淤</a></td>(.*?)</tr>", html, re.S)
    assert row is not None
    assert re.findall(r"<td>([^<]*)</td>", row.group(1)) == [
        "西头村议事堂", "2026-12-07 07:00", t("zh", "web_status_signin_open"), "1"]


async def test_a_role_revoked_is_refused_at_the_next_request(desk: Desk) -> None:
    await desk.log_in(CLERK)
    _, html = await desk.page()
    assert _topics(html) == ["河道清淤"]
    await revoke_role(desk.uow(), by=ROOT, role=Role.STAFF, hall_chat_id=B, now=START,
                      telegram_user_id=CLERK.user_id)
    status, html = await desk.page()
    assert status == 403 and t("zh", "staff_no_role") in html
    assert (await desk.page())[0] == 303  # the web session was ended with it


async def test_a_login_outlives_a_restart_only_with_the_same_key(
        desk: Desk, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="portal.login")
    await desk.log_in(VIEWER)
    cookie = desk.client.session.cookie_jar.filter_cookies(desk.client.make_url("/"))[COOKIE]
    deps = desk.client.app[DEPS]
    for key, status in ((b"k" * 32, 200), (None, 303)):
        restarted = WebDeps(desk.uow, desk.clock, poll_s=30.0,
                            room=replace(deps.room, session_key=key))
        async with TestClient(TestServer(build_web_app(restarted))) as client:
            response = await client.get("/staff", headers={"Cookie": f"{COOKIE}={cookie.value}"},
                                        allow_redirects=False)
            assert response.status == status
    assert "YISHITANG_WEB_SECRET is not set" in caplog.text


async def _spoken(uow: TrackingUnitOfWorkFactory, at: datetime) -> int:
    """In hall B's open session: a resident signs in, types a turn the moderator marks as a
    suggestion, and sends a voice note Whisper was unsure of (待核对)."""
    resident = Actor(800000020, "张大姐")
    await services.sign_in(uow(), actor=resident, now=at, chat_id=B)
    typed = await record.record_group_text(uow(), chat_id=B, actor=resident, now=at,
                                           text="建议在河埠头装一道护栏。")
    assert typed is not None
    await minutes.toggle_mark(uow(), contribution_id=typed.contribution.id,
                              mark=Mark.SUGGESTION, actor=MODERATOR)
    accepted = await voice.accept_group_voice(
        uow(), actor=resident, now=at,
        audio=voice.AudioMessage(chat_id=B, message_id=77, file_id="f77", duration_s=6))
    assert accepted is not None
    await voice.complete_voice(uow(), job_id=accepted.job.id, now=at, transcript=Transcript(
        "河道里淤泥有三尺厚", "zh", 6.0,
        (Segment(0.0, 6.0, "河道里淤泥有三尺厚", avg_logprob=-0.9),), "fake", "fake"))
    return accepted.session.id


async def test_a_session_page_shows_attendance_transcript_marks_and_turns_to_check(
        desk: Desk) -> None:
    session_id = await _spoken(desk.uow, START)
    await desk.log_in(CLERK)
    _, listing = await desk.page()
    assert f'href="/staff/s/{session_id}"' in listing
    status, html = await desk.page(f"/staff/s/{session_id}")
    assert status == 200 and 'data-testid="topic">河道清淤<' in html
    attendance = re.search(r'data-testid="attendance">(.*?)</table>', html, re.S)
    assert attendance is not None and "张大姐" in attendance.group(1)
    assert t("zh", "kind_moderator") in attendance.group(1)
    turns = re.findall(r'<li id="t(\d+)" data-seq="\d+"( class="to-check")?', html)
    assert turns == [("1", ""), ("2", ' class="to-check"')]
    assert 'data-mark="suggestion"' in html and "建议在河埠头装一道护栏" in html
    assert t("zh", "staff_to_check_count", n=1) in html


async def test_a_session_of_another_hall_is_not_found(desk: Desk) -> None:
    session_id = await _spoken(desk.uow, START)
    await desk.log_in(VIEWER)  # hall A only
    status, html = await desk.page(f"/staff/s/{session_id}")
    assert status == 404 and "张大姐" not in html
    for bad in ("0", "99999999", "9" * 13, "x1"):
        assert (await desk.page(f"/staff/s/{bad}"))[0] == 404
    await grant_role(desk.uow(), by=ROOT, role=Role.VIEWER, hall_chat_id=B, now=START,
                     telegram_user_id=VIEWER.user_id)
    assert (await desk.page(f"/staff/s/{session_id}"))[0] == 200  # read at this request


async def _tracked(uow: TrackingUnitOfWorkFactory) -> None:
    """Followed-up items: hall A's closed session has an action of the county housing bureau
    overdue since 1 December and a pending suggestion; hall B's open one a suggestion."""
    tz = timezone(timedelta(hours=8))
    await add_unit(uow(), name="县住房和城乡建设局", level=UnitLevel.COUNTY, aliases=["县住建局"],
                   actor=replace(ADMIN, config_admin=True), roles=LiveRoles(), now=START,
                   tz=tz)
    for code, body in (("AAAA2345", {"suggestions": [
            {"seq": 1, "text": "建议村道两侧加装路灯。", "number": 1, "proposers": []}],
            "actions": [{"seq": 1, "text": "县住建局完成村道硬化设计", "unit": "县住建局",
                         "deadline": "2026-12-01"}]}),
                       ("BBBB2345", {"suggestions": [
            {"seq": 1, "text": "建议每季度清淤一次。", "number": 1, "proposers": []}],
            "actions": []})):
        async with uow() as u:
            session = await u.sessions.by_code(code)
        assert session is not None and session.id is not None
        await track_approved(uow(), session_id=session.id, minutes_json=body, version=1,
                             now=START - timedelta(days=10), tz=tz)


def _items(html: str) -> list[tuple[str, str]]:
    """(overdue class, text) of each row, in order."""
    return [(cls, text) for cls, text in re.findall(
        r'<tr data-item="\d+"( class="overdue")?>.*?<br>([^<]*)</td>', html, re.S)]


async def test_the_follow_up_board_lists_ones_halls_items_overdue_first(desk: Desk) -> None:
    await _tracked(desk.uow)
    await desk.log_in(ADMIN)
    status, html = await desk.page("/staff/items")
    assert status == 200 and _items(html) == [
        (' class="overdue"', "县住建局完成村道硬化设计"), ("", "建议村道两侧加装路灯。"),
        ("", "建议每季度清淤一次。")]
    assert t("zh", "staff_items_head", total=3, overdue=1, page=1, pages=1) in html
    assert t("zh", "tk_due_overdue", days=6, date="2026-12-01") in html
    _, html = await desk.page("/staff/items?overdue=1")
    assert [text for _, text in _items(html)] == ["县住建局完成村道硬化设计"]
    unit = re.search(r'href="/staff/items\?unit=(\d+)">县住房和城乡建设局<', html)
    assert unit is not None
    _, html = await desk.page(f"/staff/items?unit={unit.group(1)}")
    assert [text for _, text in _items(html)] == ["县住建局完成村道硬化设计"]


async def test_the_follow_up_board_shows_staff_and_viewers_their_halls_only(
        desk: Desk) -> None:
    await _tracked(desk.uow)
    await desk.log_in(CLERK)  # staff of hall B
    _, html = await desk.page("/staff/items")
    assert [text for _, text in _items(html)] == ["建议每季度清淤一次。"]
    other = await desk.other_browser()
    try:
        await desk.log_in(VIEWER, other)  # viewer of hall A
        html = await (await other.get("/staff/items")).text()
        assert [text for _, text in _items(html)] == ["县住建局完成村道硬化设计",
                                                      "建议村道两侧加装路灯。"]
    finally:
        await other.close()
    await revoke_role(desk.uow(), by=ROOT, role=Role.STAFF, hall_chat_id=B, now=START,
                      telegram_user_id=CLERK.user_id)
    assert (await desk.page("/staff/items"))[0] == 403  # read at this request


# ------------------------------------------------------------------ one item: act and history
async def _item_id(desk: Desk, text: str) -> int:
    async with desk.uow() as uow:
        items = [i for s in await uow.sessions.recent(None, 10)
                 for i in await uow.tracked.for_session(s.id)]
    return next(i.id for i in items if i.text == text)


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def _history(html: str) -> list[tuple[str, str]]:
    """(event kind, who) of each line of the item's history."""
    return re.findall(r'<tr data-event="([a-z_]+)">\s*<td>[^<]*</td><td>([^<]*)</td>', html)


async def test_staff_refer_change_the_deadline_and_close_an_item_on_the_web(
        desk: Desk) -> None:
    await _tracked(desk.uow)
    item = await _item_id(desk, "建议村道两侧加装路灯。")
    await desk.log_in(ADMIN)
    status, html = await desk.page(f"/staff/items/{item}")
    assert status == 200 and 'data-testid="form-refer"' in html
    assert 'data-testid="form-deadline"' not in html  # not with a unit yet
    unit = re.search(r'<option value="(#\d+)">县住房和城乡建设局</option>', html)
    assert unit is not None
    csrf = _csrf(html)
    done = await desk.client.post(f"/staff/items/{item}/refer", data={
        "csrf": csrf, "unit": unit.group(1), "deadline": "2027-01-31"}, allow_redirects=False)
    assert done.status == 303 and done.headers["Location"] == f"/staff/items/{item}?done=refer"
    assert desk.woken == [1]  # the bot's senders: the liaison is told
    _, html = await desk.page(done.headers["Location"])
    assert t("zh", "staff_done_refer") in html
    assert re.search(r'data-testid="item-status">已交办<', html)
    assert re.search(r'data-testid="item-unit">县住房和城乡建设局<', html)
    assert re.search(r'data-testid="item-deadline">2027-01-31<', html)
    assert _history(html) == [("created", "系统"), ("referred", "办公室老陈")]
    # changing a deadline needs a reason: refused, what was typed stays
    refused = await desk.client.post(f"/staff/items/{item}/deadline", data={
        "csrf": csrf, "deadline": "2027-02-28", "reason": ""})
    assert refused.status == 400
    html = await refused.text()
    assert t("zh", "item_reason_required") in html and 'value="2027-02-28"' in html
    unreadable = await desk.client.post(f"/staff/items/{item}/deadline", data={
        "csrf": csrf, "deadline": "下辈子", "reason": "资金"})
    assert unreadable.status == 400
    assert t("zh", "deadline_unreadable", said="下辈子") in await unreadable.text()
    changed = await desk.client.post(f"/staff/items/{item}/deadline", data={
        "csrf": csrf, "deadline": "2027-02-28", "reason": "需协调资金"})
    assert changed.status == 200  # followed to the page
    html = await changed.text()
    assert re.search(r'data-testid="item-deadline">2027-02-28<', html)
    assert "原为 2027-01-31" in html and "需协调资金" in html
    closed = await desk.client.post(f"/staff/items/{item}/reply", data={
        "csrf": csrf, "text": "已列入明年路灯改造计划，春节前安装到位。"})
    html = await closed.text()
    assert closed.status == 200 and re.search(r'data-testid="item-status">已办结<', html)
    assert "已列入明年路灯改造计划" in html and 'data-testid="actions"' not in html
    assert [kind for kind, _ in _history(html)] == [
        "created", "referred", "deadline_changed", "accepted", "replied"]
    assert desk.woken == [1, 1, 1]
    async with desk.uow() as uow:
        stored = await uow.tracked.get(item)
    assert stored is not None and stored.status.value == "done"
    assert stored.reply is not None
    assert stored.reply.text == "已列入明年路灯改造计划，春节前安装到位。"


async def test_convert_then_number_an_item_and_a_form_needs_its_token(desk: Desk) -> None:
    await _tracked(desk.uow)
    item = await _item_id(desk, "建议村道两侧加装路灯。")
    await desk.log_in(ADMIN)
    _, html = await desk.page(f"/staff/items/{item}")
    forged = await desk.client.post(f"/staff/items/{item}/convert", data={
        "csrf": "forged", "kind": "proposal"}, allow_redirects=False)
    assert forged.status == 403
    other_site = await desk.client.post(f"/staff/items/{item}/convert", data={
        "csrf": _csrf(html), "kind": "proposal"}, headers={"Origin": "https://evil.example"},
        allow_redirects=False)
    assert other_site.status == 403
    async with desk.uow() as uow:
        stored = await uow.tracked.get(item)
    assert stored is not None and stored.status.value == "pending"  # nothing done
    await desk.client.post(f"/staff/items/{item}/convert", data={
        "csrf": _csrf(html), "kind": "proposal", "reference": ""})
    _, html = await desk.page(f"/staff/items/{item}")
    assert re.search(r'data-testid="item-status">已转化 · 提案<', html)
    assert 'data-testid="form-number"' in html and 'data-testid="form-refer"' not in html
    await desk.client.post(f"/staff/items/{item}/convert", data={
        "csrf": _csrf(html), "kind": "proposal", "reference": "〔2027〕3号"})
    _, html = await desk.page(f"/staff/items/{item}")
    assert "提案 〔2027〕3号" in html
    assert [kind for kind, _ in _history(html)] == ["created", "converted", "numbered"]
    assert (await desk.client.post(f"/staff/items/{item}/explode", data={
        "csrf": _csrf(html)})).status == 404


async def test_a_viewer_reads_an_item_and_may_not_act_other_halls_are_not_found(
        desk: Desk) -> None:
    await _tracked(desk.uow)
    ours = await _item_id(desk, "建议村道两侧加装路灯。")  # hall A
    theirs = await _item_id(desk, "建议每季度清淤一次。")  # hall B
    await desk.log_in(VIEWER)  # viewer of hall A
    status, html = await desk.page(f"/staff/items/{ours}")
    assert status == 200 and 'data-testid="read-only"' in html
    assert "<form" not in html.split("</header>", 1)[1]  # no action forms
    refused = await desk.client.post(f"/staff/items/{ours}/refer", data={
        "csrf": _csrf(await (await desk.client.get("/staff")).text()), "unit": "县住建局"})
    assert refused.status == 403 and t("zh", "not_staff") in await refused.text()
    for other in (theirs, 0, 99999999, 10**15):
        assert (await desk.page(f"/staff/items/{other}"))[0] == 404
    async with desk.uow() as uow:
        stored = await uow.tracked.get(ours)
    assert stored is not None and stored.status.value == "pending"
