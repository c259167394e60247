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
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiohttp import FormData
from aiohttp.test_utils import TestClient, TestServer

from bot.catalog import t
from facilitation import floor, minutes, record, services, voice
from facilitation.audit import AuditAction, Operator
from facilitation.model import Mark
from facilitation.people import PersonRef, forget_person
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
from storage.audio_files import FolderAudioFiles
from storage.engine import make_engine
from storage.uow import make_uow_factory
from transcripts.minutes.drafts import approve_draft

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
    audio_dir: Path = Path("/nonexistent")

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

    async def status_as(self, actor: Actor, path: str) -> int:
        """The status another browser, logged in as ``actor``, gets for ``path``."""
        other = await self.other_browser()
        try:
            await self.log_in(actor, other)
            return (await other.get(path, allow_redirects=False)).status
        finally:
            await other.close()

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
async def desk(db_url: str, tmp_path: Path) -> AsyncIterator[Desk]:
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
        session_key=b"k" * 32, on_item_change=lambda: woken.append(1),
        audio_dir=tmp_path / "audio", audio_files=FolderAudioFiles(tmp_path / "audio")))
    client = TestClient(TestServer(build_web_app(deps)))
    await client.start_server()
    try:
        yield Desk(uow, clock, client, woken=woken, audio_dir=tmp_path / "audio")
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


# ------------------------------------------------------------------ the minutes' files
async def _closed_session_id(desk: Desk) -> int:
    async with desk.uow() as uow:
        session = await uow.sessions.by_code("AAAA2345")
    assert session is not None and session.id is not None
    return session.id


async def test_minutes_download_by_the_rule_the_bot_sends_them(desk: Desk) -> None:
    session_id = await _closed_session_id(desk)
    base = f"/staff/s/{session_id}/minutes"
    await desk.log_in(ADMIN)
    _, html = await desk.page(f"/staff/s/{session_id}")
    assert t("zh", "staff_minutes_draft") in html and f'href="{base}.docx"' in html
    draft = await desk.client.get(f"{base}.docx")
    assert draft.status == 200 and (await draft.read())[:2] == b"PK"  # a DOCX (zip)
    assert draft.headers["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert "filename*=UTF-8''" in draft.headers["Content-Disposition"]
    assert "%E8%8D%89%E7%A8%BF" in draft.headers["Content-Disposition"]  # 草稿
    not_yet = await desk.client.get(f"{base}.md?public=1")
    assert not_yet.status == 409 and t("zh", "minutes_not_approved_yet") in await not_yet.text()

    other = await desk.other_browser()
    try:
        await desk.log_in(VIEWER, other)  # viewer of hall A: no draft
        page = await (await other.get(f"/staff/s/{session_id}")).text()
        assert 'data-testid="no-minutes"' in page and f"{base}.docx" not in page
        assert (await other.get(f"{base}.md")).status == 403
        await approve_draft(desk.uow(), session_id=session_id, actor=replace(
            ADMIN, config_admin=True), now=START, tz=ZoneInfo("Asia/Shanghai"))
        page = await (await other.get(f"/staff/s/{session_id}")).text()
        assert t("zh", "staff_minutes_public") in page
        markdown = await other.get(f"{base}.md")
        assert markdown.status == 200 and "村道硬化" in await markdown.text()
        public = await other.get(f"{base}.json?public=1")
        document = await public.json()
        assert public.status == 200 and document["session"]["topic"] == "村道硬化"
        assert document["extra"]["public"] is True and document["version"] == 1
    finally:
        await other.close()
    clerk = await desk.other_browser()
    try:
        await desk.log_in(CLERK, clerk)  # staff of hall B only
        assert (await clerk.get(f"{base}.md")).status == 403
        assert (await clerk.get(f"/staff/s/{session_id}/minutes.exe")).status == 404
        assert (await clerk.get(f"/staff/s/{10**15}/minutes.md")).status == 404
    finally:
        await clerk.close()


# ------------------------------------------------------------------ figures and reports
async def test_figures_of_ones_halls_with_a_chart_and_the_summary_files(desk: Desk) -> None:
    await _tracked(desk.uow)
    await desk.log_in(ADMIN)
    status, html = await desk.page("/staff/figures?period=2026")
    assert status == 200 and 'data-testid="chart"' in html and "<svg" in html
    assert re.search(r'data-testid="total-suggestions">2<', html)
    assert re.search(r'data-testid="total-overdue">1<', html)
    assert "东头村议事堂" in html and "西头村议事堂" in html
    docx = await desk.client.get("/staff/figures/summary.docx?period=2026")
    assert docx.status == 200 and (await docx.read())[:2] == b"PK"
    assert "%E5%8A%9E%E7%90%86" in docx.headers["Content-Disposition"]  # 办理情况汇总表
    xlsx = await desk.client.get("/staff/figures/summary.xlsx?period=2026")
    assert xlsx.status == 200 and (await xlsx.read())[:2] == b"PK"
    bad = await desk.client.get("/staff/figures?period=2026Q9")
    assert bad.status == 400
    other = await desk.other_browser()
    try:
        await desk.log_in(CLERK, other)  # staff of hall B: its figures only
        html = await (await other.get("/staff/figures?period=2026")).text()
        assert re.search(r'data-testid="total-suggestions">1<', html)
        assert "东头村议事堂" not in html
        empty = await other.get("/staff/figures/summary.xlsx?period=2026")
        assert empty.status == 404 and "没有交办的事项" in await empty.text()
        assert (await other.get("/staff/figures/summary.pdf")).status == 404
    finally:
        await other.close()


# ------------------------------------------------------------------ admin: roles, audit
def _grants(html: str) -> list[tuple[str, str, str]]:
    """(name, role, hall) of each grant listed."""
    return re.findall(r'<tr data-grant="\d+"><td>([^<]*?) <span class="small">#\d+</span></td>'
                      r'<td>([^<]*)</td>\s*<td>([^<]*)</td>', html)


async def test_an_admin_gives_and_takes_back_roles_and_reads_the_audit_log(desk: Desk) -> None:
    await desk.log_in(ADMIN)
    status, html = await desk.page("/staff/admin/roles")
    # granted before they wrote to the bot: named by their Telegram id until they do
    assert status == 200 and sorted(_grants(html)) == [
        ("800000002", "查看者", "东头村议事堂"), ("800000003", "工作人员", "西头村议事堂")]
    csrf = _csrf(html)
    given = await desk.client.post("/staff/admin/roles/grant", data={
        "csrf": csrf, "person": "800000077", "role": "staff", "hall": str(A)},
        allow_redirects=False)
    assert given.status == 303 and given.headers["Location"] == "/staff/admin/roles?done=grant"
    _, html = await desk.page("/staff/admin/roles")
    assert ("800000077", "工作人员", "东头村议事堂") in _grants(html)
    for bad, code in (({"role": "owner"}, "role_unknown"),
                      ({"person": "someone"}, "role_person_unreadable"),
                      ({"role": "admin"}, "role_admin_every_hall"),
                      ({"hall": "东头"}, "role_hall_unknown")):
        refused = await desk.client.post("/staff/admin/roles/grant", data={
            "csrf": csrf, "person": "800000078", "role": "staff", "hall": str(A), **bad})
        assert refused.status == 400 and t("zh", code) in await refused.text(), code
    assert (await desk.client.post("/staff/admin/roles/grant", data={
        "csrf": "forged", "person": "800000079", "role": "viewer", "hall": ""},
        allow_redirects=False)).status == 403
    viewer = await desk.other_browser()
    try:
        await desk.log_in(VIEWER, viewer)
        person = re.search(r'<input type="hidden" name="person" value="(#\d+)"><input '
                           r'type="hidden" name="role" value="viewer">', html)
        assert person is not None
        taken = await desk.client.post("/staff/admin/roles/revoke", data={
            "csrf": csrf, "person": person.group(1), "role": "viewer", "hall": str(A)})
        assert taken.status == 200  # followed back to the list
        assert ("查看者小林", "查看者", "东头村议事堂") not in _grants(await taken.text())
        assert (await viewer.get("/staff", allow_redirects=False)).status == 403  # at once
    finally:
        await viewer.close()
    status, html = await desk.page("/staff/admin/audit")
    assert status == 200
    actions = re.findall(r'<tr data-action="([a-z_]+)"><td>[^<]*</td><td>([^<]*)</td>', html)
    assert actions[0] == ("revoked", "办公室老陈") and ("granted", "办公室老陈") in actions
    assert ("login", "查看者小林") in actions


async def test_only_an_admin_reaches_the_admin_pages(desk: Desk) -> None:
    await desk.log_in(CLERK)  # staff of hall B
    status, html = await desk.page("/staff/admin/roles")
    assert status == 403 and t("zh", "role_not_admin") in html
    _, listing = await desk.page("/staff")
    assert "/staff/admin/roles" not in listing  # not offered either
    refused = await desk.client.post("/staff/admin/roles/grant", data={
        "csrf": _csrf(listing), "person": str(CLERK.user_id), "role": "admin", "hall": ""})
    assert refused.status == 403
    assert (await desk.page("/staff/admin/audit"))[0] == 403
    async with desk.uow() as uow:
        clerk = await uow.people.by_telegram_id(CLERK.user_id)
        assert clerk is not None and clerk.id is not None
        assert [g.role for g in await uow.roles.grants(person_id=clerk.id)] == [Role.STAFF]


# ------------------------------------------------------------------ halls' document settings
def _template_docx() -> bytes:
    import io

    import docx

    document = docx.Document()
    document.add_paragraph("东头村议事堂 {{ title }}")
    document.add_paragraph("{{ number }}")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


async def test_staff_set_their_halls_addressees_and_template(desk: Desk) -> None:
    await desk.log_in(CLERK)  # staff of hall B only
    status, html = await desk.page("/staff/halls")
    assert status == 200 and re.findall(r'data-hall="(-?\d+)"', html) == [str(B)]
    csrf = _csrf(html)
    saved = await desk.client.post(f"/staff/halls/{B}/document", data={
        "csrf": csrf, "to": "西头镇党委\n西头镇人民政府", "cc": "县政协办公室",
        "issuer": "西头村民生议事堂", "numbering": "西头议事〔{year}〕{n}号"},
        allow_redirects=False)
    assert saved.status == 303
    async with desk.uow() as uow:
        document = await uow.halls.document(B)
    assert document.to == ("西头镇党委", "西头镇人民政府") and document.cc == ("县政协办公室",)
    assert document.issuer == "西头村民生议事堂" and document.numbering == "西头议事〔{year}〕{n}号"
    bad = await desk.client.post(f"/staff/halls/{B}/document", data={
        "csrf": csrf, "numbering": "第几号"})
    assert bad.status == 400 and "{n}" in await bad.text()
    other_hall = await desk.client.post(f"/staff/halls/{A}/document", data={
        "csrf": csrf, "issuer": "冒名"})
    assert other_hall.status == 403

    form = FormData()
    form.add_field("csrf", csrf)
    form.add_field("template", _template_docx(), filename="红头.docx",
                   content_type="application/vnd.openxmlformats-officedocument"
                                ".wordprocessingml.document")
    uploaded = await desk.client.post(f"/staff/halls/{B}/template", data=form,
                                      allow_redirects=False)
    assert uploaded.status == 303, await uploaded.text()
    async with desk.uow() as uow:
        assert await uow.halls.template(B) is not None
    junk = FormData()
    junk.add_field("csrf", csrf)
    junk.add_field("template", b"not a docx", filename="x.docx")
    refused = await desk.client.post(f"/staff/halls/{B}/template", data=junk)
    assert refused.status == 400
    cleared = FormData()
    cleared.add_field("csrf", csrf)
    cleared.add_field("clear", "yes")
    await desk.client.post(f"/staff/halls/{B}/template", data=cleared)
    async with desk.uow() as uow:
        assert await uow.halls.template(B) is None
        logged = [e.action.value for e in await uow.audit.entries(limit=100)]
    assert logged.count("hall") == 4 and logged.count("template") == 2
    assert await desk.status_as(VIEWER, "/staff/halls") == 403  # a viewer edits no hall


# ------------------------------------------------------------------ the minutes' editor
async def test_staff_edit_approve_and_compare_the_minutes_on_the_web(desk: Desk) -> None:
    session_id = await _spoken(desk.uow, START)
    await floor.close_session(desk.uow(), chat_id=B, actor=MODERATOR, now=START)
    base = f"/staff/s/{session_id}/draft"
    await desk.log_in(CLERK)  # staff of hall B
    _, html = await desk.page(f"/staff/s/{session_id}")
    assert f'href="{base}"' in html
    status, html = await desk.page(base)
    assert status == 200 and "在河埠头装一道护栏" in html
    csrf = _csrf(html)

    async def post(op: str, **data: str) -> tuple[int, str]:
        response = await desk.client.post(f"{base}/{op}", data={"csrf": csrf, **data},
                                          allow_redirects=False)
        return response.status, await response.text()

    assert (await post("addsug", seq="2", text="清理河道淤泥"))[0] == 303
    assert (await post("title", title="关于推进河道清淤工作的协商纪要"))[0] == 303
    status, html = await desk.page(base)
    suggestions = re.search(r'data-testid="suggestions">(.*?)</ol>', html, re.S)
    assert suggestions is not None and "清理河道淤泥" in suggestions.group(1)
    assert 'data-testid="doc-title">关于推进河道清淤工作的协商纪要<' in html
    preview = re.search(r'data-testid="preview">(.*?)</article>', html, re.S)
    assert preview is not None  # the document itself, as it now stands
    assert "<h1>关于推进河道清淤工作的协商纪要</h1>" in preview.group(1)
    assert "清理河道淤泥" in preview.group(1) and "（草稿）" in preview.group(1)
    status, text = await post("addsug", seq="x", text="什么")
    assert status == 400 and t("zh", "minutes_number_unreadable", said="x") in text
    assert (await post("addsug", seq="99", text="什么"))[0] == 404
    # turn #2 is still 待核对: approving asks first, and "anyway" approves
    status, text = await post("approve", fingerprint=_fingerprint(html))
    assert status == 409 and 'data-testid="unreviewed"' in text and 'name="anyway"' in text
    status, _ = await post("approve", fingerprint=_fingerprint(text), anyway="yes")
    assert status == 303 and desk.woken == [1]  # its items followed up, the senders woken
    async with desk.uow() as uow:
        tracked = await uow.tracked.for_session(session_id)
    assert {i.text for i in tracked} == {"在河埠头装一道护栏", "清理河道淤泥"}
    # a second version, then the two side by side
    assert (await post("fix", seq="2", text="河道里的淤泥有三尺厚，要清一清"))[0] == 303
    _, html = await desk.page(base)
    assert (await post("approve", fingerprint=_fingerprint(html)))[0] == 303
    status, html = await desk.page(f"/staff/s/{session_id}/versions?a=1&b=2")
    assert status == 200 and 'data-testid="diff"' in html
    assert "<ins>" in html and "要清一清" in html
    assert (await desk.page(f"/staff/s/{session_id}/versions?a=1&b=7"))[0] == 404


async def test_the_editor_is_for_the_halls_staff_only(desk: Desk) -> None:
    session_id = await _spoken(desk.uow, START)
    await floor.close_session(desk.uow(), chat_id=B, actor=MODERATOR, now=START)
    await desk.log_in(VIEWER)  # viewer of hall A
    assert (await desk.page(f"/staff/s/{session_id}/draft"))[0] == 403
    _, listing = await desk.page("/staff")
    refused = await desk.client.post(f"/staff/s/{session_id}/draft/addsug", data={
        "csrf": _csrf(listing), "seq": "1", "text": "冒名建议"})
    assert refused.status == 403
    async with desk.uow() as uow:
        assert await uow.minutes.edits(session_id) == []


def _fingerprint(html: str) -> str:
    found = re.search(r'name="fingerprint" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


async def test_a_voice_turns_kept_audio_plays_on_the_session_page(desk: Desk) -> None:
    session_id = await _spoken(desk.uow, START)
    async with desk.uow() as uow:
        job = await uow.audio_jobs.get(1)  # the database's first: the voice note's
    assert job is not None and job.session_id == session_id and job.audio_path is None
    job.audio_path = f"{session_id}/77.ogg"
    folder = desk.audio_dir / str(session_id)
    folder.mkdir(parents=True)
    (folder / "77.ogg").write_bytes(b"OggS" + bytes(2000))
    async with desk.uow() as uow:
        await uow.audio_jobs.save(job)
        await uow.commit()
    await desk.log_in(CLERK)
    _, html = await desk.page(f"/staff/s/{session_id}")
    assert f'src="/staff/s/{session_id}/audio/2"' in html  # the voice turn, #2
    assert f"/staff/s/{session_id}/audio/1" not in html  # a typed turn has none
    audio = await desk.client.get(f"/staff/s/{session_id}/audio/2")
    assert audio.status == 200 and (await audio.read())[:4] == b"OggS"
    part = await desk.client.get(f"/staff/s/{session_id}/audio/2",
                                 headers={"Range": "bytes=0-3"})
    assert part.status == 206 and await part.read() == b"OggS"  # the player can seek
    assert (await desk.client.get(f"/staff/s/{session_id}/audio/1")).status == 404
    (folder / "77.ogg").unlink()  # deleted after its retention
    assert (await desk.client.get(f"/staff/s/{session_id}/audio/2")).status == 404
    assert await desk.status_as(VIEWER, f"/staff/s/{session_id}/audio/2") == 404  # hall A only


# ------------------------------------------------------------------ units
async def test_staff_add_a_unit_map_a_name_and_invite_a_liaison(desk: Desk) -> None:
    await _tracked(desk.uow)
    async with desk.uow() as uow:
        session = await uow.sessions.by_code("AAAB2345")
    assert session is not None and session.id is not None
    await track_approved(desk.uow(), session_id=session.id, minutes_json={
        "suggestions": [], "actions": [
            {"seq": 1, "text": "修好村口的路灯", "unit": "东头村电工组", "deadline": "2027-01-15"},
            {"seq": 1, "text": "硬化通组道路", "unit": "县交通局", "deadline": "2027-03-31"}]},
        version=1, now=START, tz=timezone(timedelta(hours=8)))
    await desk.log_in(ADMIN)
    status, html = await desk.page("/staff/units")
    assert status == 200 and "县住房和城乡建设局" in html
    waiting = re.search(r'data-testid="waiting">(.*?)</ul>', html, re.S)
    assert waiting is not None and "县交通局" in waiting.group(1)
    csrf = _csrf(html)
    added = await desk.client.post("/staff/units/add", data={
        "csrf": csrf, "name": "县交通运输局", "aliases": "县交通局", "level": ""},
        allow_redirects=False)
    assert added.status == 303 and desk.woken == [1]  # the waiting item got its unit
    unknown = await desk.client.post("/staff/units/add", data={
        "csrf": csrf, "name": "电工组", "aliases": "", "level": ""})
    assert unknown.status == 400 and "level" in await unknown.text()  # no level in the name
    mapped = await desk.client.post("/staff/units/map", data={
        "csrf": csrf, "written": "东头村电工组", "unit": "县交通运输局"}, allow_redirects=False)
    assert mapped.status == 303
    async with desk.uow() as uow:
        units = {u.name: u.id for u in await uow.units.list()}
        items = {i.text: i.unit_id for i in await uow.tracked.for_session(session.id)}
    assert items == {"修好村口的路灯": units["县交通运输局"], "硬化通组道路": units["县交通运输局"]}
    made = await desk.client.post("/staff/units/invite", data={
        "csrf": csrf, "unit": f"#{units['县交通运输局']}"})
    html = await made.text()
    link = re.search(r'data-testid="invite-link">https://t\.me/yishitang_bot\?start=(u_\w+)<',
                     html)
    assert made.status == 200 and link is not None
    assert await desk.status_as(VIEWER, "/staff/units") == 403  # a viewer manages no units


# ------------------------------------------------------------------ admin: personal data
async def test_an_admin_sees_what_is_stored_and_forgets_a_person(desk: Desk) -> None:
    session_id = await _spoken(desk.uow, START)
    await desk.log_in(ADMIN)
    status, html = await desk.page("/staff/admin/people?who=800000020")
    assert status == 200 and 'data-testid="footprint"' in html and "张大姐" in html
    person = re.search(r'name="who" value="(#\d+)"', html)
    assert person is not None
    csrf = _csrf(html)
    unconfirmed = await desk.client.post("/staff/admin/people/forget", data={
        "csrf": csrf, "who": person.group(1)})
    assert unconfirmed.status == 400
    assert t("zh", "forget_confirm_needed") in await unconfirmed.text()
    done = await desk.client.post("/staff/admin/people/forget", data={
        "csrf": csrf, "who": person.group(1), "confirm": "yes"})
    html = await done.text()
    assert done.status == 200 and 'data-testid="done"' in html
    async with desk.uow() as uow:
        forgotten = await uow.people.get(int(person.group(1)[1:]))
        said = [c.speaker_name for c in await uow.contributions.list(session_id)]
    assert forgotten is not None and forgotten.forgotten_at is not None
    assert "张大姐" not in said and len(said) == 2  # the turns stay, anonymised
    _, html = await desk.page(f"/staff/admin/people?who=%23{person.group(1)[1:]}")
    assert t("zh", "staff_people_forgotten") in html
    assert (await desk.page("/staff/admin/people?who=nobody-at-all"))[0] == 404
    # staff, not an admin
    assert await desk.status_as(CLERK, "/staff/admin/people?who=800000020") == 403


async def test_search_finds_what_was_said_in_the_sessions_one_may_read(desk: Desk) -> None:
    session_id = await _spoken(desk.uow, START)
    await desk.log_in(CLERK)  # staff of hall B
    status, html = await desk.page("/staff/search?q=%E6%8A%A4%E6%A0%8F")  # 护栏
    assert status == 200 and f'href="/staff/s/{session_id}#t1"' in html
    assert "河埠头装一道护栏" in html
    _, html = await desk.page("/staff/search?q=")
    assert 'data-testid="hits"' not in html and 'data-testid="search-none"' not in html
    other = await desk.other_browser()
    try:
        await desk.log_in(VIEWER, other)  # hall A only: nothing of hall B
        html = await (await other.get("/staff/search?q=%E6%8A%A4%E6%A0%8F")).text()
        assert 'data-testid="search-none"' in html and "河埠头" not in html
    finally:
        await other.close()



# ------------------------------------------------------------------ logins without Telegram
async def test_someone_without_telegram_is_invited_sets_a_password_and_logs_in(
        desk: Desk) -> None:
    await desk.log_in(ADMIN)
    _, html = await desk.page("/staff/admin/roles")
    made = await desk.client.post("/staff/admin/invite", data={
        "csrf": _csrf(html), "name": "王会计", "role": "staff", "hall": str(B)})
    html = await made.text()
    link = re.search(r'data-testid="invite-link">http://[^/]+(/invite/[A-Za-z0-9_-]+)<', html)
    assert made.status == 200 and link is not None
    assert ("王会计", "工作人员", "西头村议事堂") in _grants(html)
    newcomer = await desk.other_browser()
    try:
        assert (await newcomer.get(link.group(1))).status == 200
        for fields, code in (({"again": "different-pass"}, "password_mismatch"),
                             ({"login_name": "王", }, "login_name_bad"),
                             ({"password": "short", "again": "short"}, "password_length")):
            refused = await newcomer.post(link.group(1), data={
                "login_name": "wang.kj", "password": "a-long-password", "again": "a-long-password",
                **fields})
            assert refused.status == 400, code
        accepted = await newcomer.post(link.group(1), data={
            "login_name": "Wang.KJ", "password": "a-long-password", "again": "a-long-password"},
            allow_redirects=False)
        assert accepted.status == 303 and accepted.headers["Location"] == "/login?done=set"
        again = await newcomer.post(link.group(1), data={
            "login_name": "other", "password": "a-long-password", "again": "a-long-password"})
        assert again.status == 404  # one use
        for name, password in (("wang.kj", "not-the-password"), ("nobody", "a-long-password")):
            wrong = await newcomer.post("/password-login", data={
                "login_name": name, "password": password})
            assert wrong.status == 403 and t("zh", "login_failed") in await wrong.text()
        right = await newcomer.post("/password-login", data={
            "login_name": "wang.kj", "password": "a-long-password"}, allow_redirects=False)
        assert right.status == 303 and right.headers["Location"] == "/staff"
        listing = await (await newcomer.get("/staff")).text()
        assert "河道清淤" in listing and "村道硬化" not in listing  # hall B's only
    finally:
        await newcomer.close()
    async with desk.uow() as uow:
        logged = [(e.action.value, e.detail.get("method"))
                  for e in await uow.audit.entries(limit=100)]
        found = await uow.roles.credentials("wang.kj")
    assert ("login", "password") in logged and found is not None
    await revoke_role(desk.uow(), by=ROOT, role=Role.STAFF, hall_chat_id=B, now=START,
                      person_id=found[0])
    gone = await desk.client.post("/password-login", data={
        "login_name": "wang.kj", "password": "a-long-password"})
    assert gone.status == 403 and t("zh", "staff_no_role") in await gone.text()
    await forget_person(desk.uow(), ref=PersonRef(person_id=found[0]), by=ROOT, now=START,
                        audio=FolderAudioFiles(desk.audio_dir))
    async with desk.uow() as uow:
        assert await uow.roles.credentials("wang.kj") is None  # forgotten: the login too
