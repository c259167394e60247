"""The phone page (/j/<code>) and the moderator's console (/m/<token>) through aiohttp's test
client, on both databases: a participant without Telegram signs in, raises a hand, is called
from the console, writes in; the moderator marks, shows the closing, removes, ends. Each
write is checked in the record, and what the group must hear of it as a room notice."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.catalog import t
from facilitation import console, floor, record, services
from facilitation.errors import PermissionDenied
from facilitation.model import Mark, ParticipantKind, SignInMethod, TurnKind
from facilitation.people import Operator, PersonRef, forget_person
from facilitation.ports import TrackingUnitOfWorkFactory
from facilitation.services import Actor
from facilitation.web_room import TOKEN_AGE, live_token, participant_token
from portal.app import RoomDeps, WebDeps, build_web_app
from portal.limits import Buckets
from portal.notifier import ScreenNotifier
from portal.room import COOKIE, LIMITS
from storage.audio_files import FolderAudioFiles
from storage.engine import make_engine
from storage.uow import make_uow_factory
from tests.portal.sse import next_event

CHAT = -100777
CODE = "WEBR2345"
NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
MODERATOR = Actor(700000011, "主持人老王")
STAFF = Actor(700000012, "工作人员小周", config_admin=True)
LI = Actor(700000013, "李四")
SIGN_IN = {"name": "王秀英", "kind": "resident", "unit": "东头村", "where": "present",
           "notice": "yes"}


@dataclass
class Web:
    uow: TrackingUnitOfWorkFactory
    client: TestClient
    screen_code: str
    rung: list[int]
    moment: list[datetime]  # the app's clock: moment[0]

    async def phone(self) -> TestClient:
        """A second browser (its own cookies) on the same app."""
        other = TestClient(TestServer(self.client.app))
        await other.start_server()
        return other


@pytest.fixture
async def web(db_url: str) -> AsyncIterator[Web]:
    engine = make_engine(db_url)
    notifier = ScreenNotifier()
    uow = make_uow_factory(engine, on_change=notifier.wake)
    session = await services.open_session(
        uow(), chat_id=CHAT, topic="村道硬化", actor=MODERATOR, now=NOW,
        new_code=lambda: CODE, turn_limit_s=180, hall="东头村议事堂")
    assert session.screen_code is not None
    rung: list[int] = []
    moment = [NOW]
    deps = WebDeps(uow, lambda: moment[0], notifier, poll_s=30.0, room=RoomDeps(
        t, staff_user_ids=frozenset({STAFF.user_id}), bot_username="yishitang_bot",
        on_room_notice=lambda: rung.append(1)))
    client = TestClient(TestServer(build_web_app(deps)))
    await client.start_server()
    try:
        yield Web(uow, client, session.screen_code, rung, moment)
    finally:
        await client.close()
        await engine.dispose()


async def _signed_in(web: Web, fields: dict[str, str] = SIGN_IN) -> None:
    response = await web.client.post(f"/j/{CODE}/signin", data=fields, allow_redirects=False)
    assert response.status == 303, await response.text()
    assert web.client.session.cookie_jar.filter_cookies(
        web.client.make_url("/j/")).get(COOKIE) is not None


async def _notices(web: Web) -> list[tuple[str, dict[str, object]]]:
    async with web.uow() as uow:
        return [(n.key, n.params) for n in await uow.web.unnotified()]


async def test_the_phone_page_offers_sign_in_and_the_bot(web: Web) -> None:
    response = await web.client.get(f"/j/{CODE.lower()}")
    html = await response.text()
    assert response.status == 200
    assert "村道硬化" in html and 'data-testid="signin-form"' in html
    assert "https://t.me/yishitang_bot?start=WEBR2345" in html
    assert "群众代表" in html and "公开版不显示群众的姓名" in html
    assert (await web.client.get("/j/NOSUCH99")).status == 404


async def test_a_sign_in_needs_the_notice_and_a_known_kind(web: Web) -> None:
    refused = await web.client.post(f"/j/{CODE}/signin", data={**SIGN_IN, "notice": ""})
    assert refused.status == 400
    html = await refused.text()
    assert "请先阅读并同意" in html and 'value="王秀英"' in html  # what was typed stays
    refused = await web.client.post(f"/j/{CODE}/signin", data={**SIGN_IN, "kind": "moderator"})
    assert refused.status == 400
    async with web.uow() as uow:
        assert len(await uow.attendance.list(1)) == 1  # the moderator alone


async def test_a_web_participant_signs_in_raises_a_hand_and_is_called(web: Web) -> None:
    await _signed_in(web)
    html = await (await web.client.get(f"/j/{CODE}")).text()
    assert "王秀英，您已签到" in html and 'data-testid="hand-form"' in html
    async with web.uow() as uow:
        signed = [a for a in await uow.attendance.list(1) if a.method == SignInMethod.WEB]
        assert [(a.name, a.unit, a.remote) for a in signed] == [("王秀英", "东头村", False)]
        person = await uow.people.get(signed[0].person_id)
        assert person is not None and person.telegram_user_id is None
        assert person.notice_accepted_at == NOW
    await services.sign_in(web.uow(), actor=LI, now=NOW, chat_id=CHAT)
    await floor.raise_hand(web.uow(), chat_id=CHAT, actor=LI, kind=TurnKind.SPEECH,
                           addressee=None, now=NOW)
    raised = await web.client.post(f"/j/{CODE}/hand", data={"kind": "question",
                                                            "addressee": "交通局"},
                                   allow_redirects=False)
    assert raised.status == 303
    html = await (await web.client.get(f"/j/{CODE}")).text()
    assert "已举手：提问" in html and "您在发言队列第 2 位（共 2 人排队）" in html
    # the moderator's console calls her up (a chosen hand, not the head of the queue)
    token = await console.console_link_for(web.uow(), chat_id=CHAT, actor=MODERATOR, now=NOW)
    page = await (await web.client.get(f"/m/{token}")).text()
    hand_id = page.split('action="/m/' + token + '/next"><input type="hidden" name="hand" '
                         'value="')[2].split('"')[0]
    called = await web.client.post(f"/m/{token}/next", data={"hand": hand_id},
                                   allow_redirects=False)
    assert called.status == 303 and web.rung
    html = await (await web.client.get(f"/j/{CODE}")).text()
    deadline = (NOW + timedelta(seconds=180)).isoformat()
    assert "请您发言" in html and f'data-deadline="{deadline}"' in html
    assert ("floor_given", {"turn_id": 1, "ended_turn_id": None, "waiting": 1}) \
        in await _notices(web)
    screen = await (await web.client.get(f"/s/{web.screen_code}")).text()
    assert "王秀英" in screen.split('data-testid="current-speaker"')[1]


async def test_a_written_submission_is_recorded_and_owed_to_the_group(web: Web) -> None:
    await _signed_in(web)
    sent = await web.client.post(f"/j/{CODE}/written", data={"text": "建议村道加装路灯"},
                                 allow_redirects=False)
    assert sent.status == 303 and sent.headers["Location"].endswith("?note=sent-1")
    html = await (await web.client.get(sent.headers["Location"])).text()
    assert "已提交书面发言（第 1 条）" in html
    found = (await record.load_record(web.uow(), session_id=1)).contributions
    assert [(c.speaker_name, c.kind.value, c.text) for c in found] == [
        ("王秀英", "written", "建议村道加装路灯")]
    assert await _notices(web) == [("written", {"contribution_id": found[0].id})]
    empty = await web.client.post(f"/j/{CODE}/written", data={"text": "  "})
    assert empty.status == 400


async def test_writes_without_a_sign_in_or_from_another_site_are_refused(web: Web) -> None:
    stranger = await web.client.post(f"/j/{CODE}/hand", data={"kind": "speech"})
    assert stranger.status == 404 and "请重新签到" in await stranger.text()
    await _signed_in(web)
    forged = await web.client.post(f"/j/{CODE}/hand", data={"kind": "speech"},
                                   headers={"Origin": "https://evil.example"})
    assert forged.status == 403
    odd = await web.client.post(f"/j/{CODE}/hand", data={"kind": "filibuster"})
    assert odd.status == 400
    async with web.uow() as uow:
        assert await uow.hands.pending(1) == []


async def test_a_participant_token_expires_on_the_server_too(web: Web) -> None:
    await _signed_in(web)
    jar = web.client.session.cookie_jar
    token = jar.filter_cookies(web.client.make_url("/j/"))[COOKIE].value
    stamp, _, secret = token.partition(".")
    web.moment[0] = NOW + TOKEN_AGE - timedelta(minutes=1)
    kept = await web.client.post(f"/j/{CODE}/hand", data={"kind": "speech"},
                                 allow_redirects=False)
    assert kept.status == 303  # still within two days of sign-in
    # a stamp moved forward does not match the stored hash: nobody
    moved = f"{int(stamp, 16) + 3600:x}.{secret}"
    jar.update_cookies({COOKIE: moved}, web.client.make_url("/j/"))
    refused = await web.client.post(f"/j/{CODE}/lower", allow_redirects=False)
    assert refused.status == 404 and "请重新签到" in await refused.text()
    jar.update_cookies({COOKIE: token}, web.client.make_url("/j/"))
    web.moment[0] = NOW + TOKEN_AGE + timedelta(minutes=1)  # whatever the browser still holds
    refused = await web.client.post(f"/j/{CODE}/lower", allow_redirects=False)
    assert refused.status == 404 and "请重新签到" in await refused.text()
    page = await (await web.client.get(f"/j/{CODE}")).text()
    assert 'data-testid="signin-form"' in page  # the page asks for a sign-in again
    async with web.uow() as uow:
        assert len(await uow.hands.pending(1)) == 1  # the expired token lowered nothing


def test_a_token_names_its_issue_time_and_nothing_else_passes() -> None:
    token = participant_token(NOW)
    assert live_token(token, NOW) == token
    assert live_token(token, NOW + TOKEN_AGE) == token
    assert live_token(token, NOW + TOKEN_AGE + timedelta(seconds=1)) is None
    assert live_token(token, NOW - timedelta(hours=1)) is None  # issued in the future
    for bad in (None, "", "no-dot-token", ".secret", "zz.secret", "1234abcd.", "f" * 13 + ".x",
                "-1.secret"):
        assert live_token(bad, NOW) is None, bad


async def test_a_participant_is_rate_limited(web: Web) -> None:
    web.client.app[LIMITS].person = Buckets(rate=0.001, burst=3)
    await _signed_in(web)  # the first write of this browser's token is its sign-in: no token
    statuses = []
    for _ in range(4):
        response = await web.client.post(f"/j/{CODE}/lower", allow_redirects=False)
        statuses.append(response.status)
    assert statuses[:3] == [409, 409, 409]  # no hand to lower: refused by the rule, not limited
    assert statuses[3] == 429


async def test_a_raised_hand_is_lowered_from_the_phone(web: Web) -> None:
    await _signed_in(web)
    raised = await web.client.post(f"/j/{CODE}/hand", data={"kind": "speech"},
                                   allow_redirects=False)
    lowered = await web.client.post(f"/j/{CODE}/lower", allow_redirects=False)
    assert (raised.status, lowered.status) == (303, 303)
    async with web.uow() as uow:
        assert await uow.hands.pending(1) == []
    html = await (await web.client.get(f"/j/{CODE}")).text()
    assert 'data-testid="hand-form"' in html and "您在发言队列" not in html


async def test_the_same_browser_signs_in_again_as_the_same_person(web: Web) -> None:
    await _signed_in(web)
    await _signed_in(web, {**SIGN_IN, "name": "王秀英（东头）", "where": "remote"})
    async with web.uow() as uow:
        signed = [a for a in await uow.attendance.list(1) if a.method == SignInMethod.WEB]
        assert len(signed) == 1 and signed[0].remote


async def test_the_console_is_refused_to_whoever_may_not_run_the_session(web: Web) -> None:
    assert (await web.client.get("/m/not-a-token")).status == 404
    await services.sign_in(web.uow(), actor=STAFF, now=NOW, chat_id=CHAT)
    token = await console.console_link_for(web.uow(), chat_id=CHAT, actor=STAFF, now=NOW)
    assert (await web.client.get(f"/m/{token}")).status == 200
    # staff no more (configuration says so now): the same link is refused, live
    with pytest.raises(PermissionDenied, match="not_moderator"):
        await console.console_of(web.uow(), token=token, staff=frozenset())
    with pytest.raises(PermissionDenied, match="not_moderator"):
        await console.console_link_for(web.uow(), chat_id=CHAT, actor=LI, now=NOW)


async def test_the_console_marks_shows_the_closing_removes_and_ends(web: Web) -> None:
    await _signed_in(web)
    token = await console.console_link_for(web.uow(), chat_id=CHAT, actor=MODERATOR, now=NOW)
    await record.record_group_text(web.uow(), chat_id=CHAT, actor=MODERATOR,
                                   text="大家同意明年三月前硬化村道。", now=NOW)
    async with web.uow() as uow:
        said = (await uow.contributions.list(1))[0]
    marked = await web.client.post(f"/m/{token}/mark", data={
        "contribution": str(said.id), "mark": Mark.CONSENSUS.value}, allow_redirects=False)
    assert marked.status == 303
    async with web.uow() as uow:
        assert Mark.CONSENSUS.value in ((await uow.contributions.get(said.id or 0)).marks or ())
    page = await (await web.client.get(f"/m/{token}")).text()
    person = page.split('name="person" value="')[1].split('"')[0]
    removed = await web.client.post(f"/m/{token}/remove-web", data={"person": person},
                                    allow_redirects=False)
    assert removed.status == 303
    assert 'data-testid="signin-form"' in await (await web.client.get(f"/j/{CODE}")).text()
    limit = await web.client.post(f"/m/{token}/limit", data={"minutes": "5"},
                                  allow_redirects=False)
    assert limit.status == 303
    ended = await web.client.post(f"/m/{token}/end", allow_redirects=False)
    assert ended.status == 303
    shown = await web.client.post(f"/m/{token}/closing", data={"shown": "yes"},
                                  allow_redirects=False)
    assert shown.status == 303
    screen = await (await web.client.get(f"/s/{web.screen_code}")).text()
    closing = screen.split('data-testid="closing"')[1].split("</section>")[0]
    assert "硬化村道" in closing
    assert [k for k, _ in await _notices(web)] == ["closed"]
    async with web.uow() as uow:
        session = await uow.sessions.get(1)
        assert session is not None and session.turn_limit_s == 300
        assert session.closing_shown_at == NOW
        assert [h.status for h in await uow.hands.pending(1)] == []


async def test_the_phone_stream_follows_the_participants_place(web: Web) -> None:
    await _signed_in(web)
    response = await web.client.get(f"/j/{CODE}/events")
    first = await next_event(response.content)
    assert 'data-testid="hand-form"' in first
    await web.client.post(f"/j/{CODE}/hand", data={"kind": "speech"}, allow_redirects=False)
    second = await next_event(response.content)
    assert "您在发言队列第 1 位" in second
    response.close()


async def test_forgetting_a_web_participant_signs_their_browser_out(web: Web,
                                                                   tmp_path: Path) -> None:
    await _signed_in(web)
    async with web.uow() as uow:
        person_id = next(a.person_id for a in await uow.attendance.list(1)
                         if a.method == SignInMethod.WEB)
    done = await forget_person(web.uow(), ref=PersonRef(person_id=person_id),
                               by=Operator("test"), now=NOW, audio=FolderAudioFiles(tmp_path))
    assert not done.already
    html = await (await web.client.get(f"/j/{CODE}")).text()
    assert 'data-testid="signin-form"' in html and "王秀英" not in html
    refused = await web.client.post(f"/j/{CODE}/hand", data={"kind": "speech"})
    assert refused.status == 404


class _Unreachable(Exception):
    """Stands for a database error that storage/availability.py calls unavailable."""


class _DownUow:
    async def __aenter__(self) -> _DownUow:
        raise _Unreachable("database is locked")

    async def __aexit__(self, *exc: object) -> None:
        return None


async def test_a_database_out_of_reach_is_a_503_to_try_again() -> None:
    deps = WebDeps(lambda key=None: _DownUow(), lambda: NOW,  # type: ignore[arg-type]
                   room=RoomDeps(t), unavailable=lambda e: isinstance(e, _Unreachable))
    async with TestClient(TestServer(build_web_app(deps))) as client:
        busy = await client.post(f"/j/{CODE}/signin", data=SIGN_IN)
        assert busy.status == 503 and busy.headers["Retry-After"] == "2"
        assert "系统正忙" in await busy.text()


async def test_a_console_link_acts_on_its_own_session_only(web: Web) -> None:
    """A link from a closed session cannot run the chat's next session (the floor's use
    cases act on the chat's open one), nor mark another session's turns."""
    old = await console.console_link_for(web.uow(), chat_id=CHAT, actor=MODERATOR, now=NOW)
    await floor.close_session(web.uow(), chat_id=CHAT, actor=MODERATOR, now=NOW)
    await services.open_session(web.uow(), chat_id=CHAT, topic="下一次", actor=MODERATOR,
                                now=NOW, new_code=lambda: "NEXT2345", turn_limit_s=180)
    await services.sign_in(web.uow(), actor=LI, now=NOW, chat_id=CHAT)
    await floor.raise_hand(web.uow(), chat_id=CHAT, actor=LI, kind=TurnKind.SPEECH,
                           addressee=None, now=NOW)
    for action in ("next", "end", "limit"):
        refused = await web.client.post(f"/m/{old}/{action}", data={"minutes": "5"})
        assert refused.status == 409, action
        assert "已结束" in await refused.text()
    await record.record_group_text(web.uow(), chat_id=CHAT, actor=LI, text="新一场的发言",
                                   now=NOW)
    async with web.uow() as uow:
        theirs = (await uow.contributions.list(2))[0]
        assert (await uow.sessions.get(2)).status.value == "signin_open"  # type: ignore[union-attr]
        assert len(await uow.hands.pending(2)) == 1
    marked = await web.client.post(f"/m/{old}/mark", data={
        "contribution": str(theirs.id), "mark": Mark.SUGGESTION.value})
    assert marked.status == 404
    async with web.uow() as uow:
        assert (await uow.contributions.get(theirs.id or 0)).marks in (None, ())  # type: ignore[union-attr]


async def test_the_closing_is_read_again_when_shown_again(web: Web) -> None:
    token = await console.console_link_for(web.uow(), chat_id=CHAT, actor=MODERATOR, now=NOW)
    for text in ("大家同意硬化村道。", "大家同意加装路灯。"):
        await record.record_group_text(web.uow(), chat_id=CHAT, actor=MODERATOR, text=text,
                                       now=NOW)
    async with web.uow() as uow:
        first, second = await uow.contributions.list(1)
    await web.client.post(f"/m/{token}/mark", data={"contribution": str(first.id),
                                                    "mark": Mark.CONSENSUS.value})
    await web.client.post(f"/m/{token}/end")
    await web.client.post(f"/m/{token}/closing", data={"shown": "yes"})

    async def closing() -> str:
        page = await (await web.client.get(f"/s/{web.screen_code}")).text()
        return page.split('data-testid="closing"')[1].split("</section>")[0]

    assert "硬化村道" in await closing()
    await web.client.post(f"/m/{token}/mark", data={"contribution": str(second.id),
                                                    "mark": Mark.CONSENSUS.value})
    await web.client.post(f"/m/{token}/closing", data={"shown": "yes"})  # 刷新
    assert "加装路灯" in await closing()


async def test_the_moderator_closes_web_sign_in_to_newcomers(web: Web) -> None:
    await _signed_in(web)
    token = await console.console_link_for(web.uow(), chat_id=CHAT, actor=MODERATOR, now=NOW)
    closed = await web.client.post(f"/m/{token}/web-signin", data={"open": "no"},
                                   allow_redirects=False)
    assert closed.status == 303
    stranger = await web.phone()
    try:
        refused = await stranger.post(f"/j/{CODE}/signin", data={**SIGN_IN, "name": "外人"})
        assert refused.status == 409 and "网页签到已关闭" in await refused.text()
    finally:
        await stranger.close()
    await _signed_in(web, {**SIGN_IN, "where": "remote"})  # one already in comes back
    await web.client.post(f"/m/{token}/web-signin", data={"open": "yes"})
    async with web.uow() as uow:
        session = await uow.sessions.get(1)
        assert session is not None and session.web_signin_open


async def test_signing_in_again_does_not_rename_anyone_mid_session(web: Web) -> None:
    await _signed_in(web)
    await _signed_in(web, {**SIGN_IN, "name": "县长", "kind": "department"})
    async with web.uow() as uow:
        signed = [a for a in await uow.attendance.list(1) if a.method == SignInMethod.WEB]
        person = await uow.people.get(signed[0].person_id)
    assert [(a.name, a.kind.value) for a in signed] == [("王秀英", "resident")]
    assert person is not None and (person.display_name, person.kind.value) == (
        "王秀英", "resident")


async def test_a_removed_participant_is_signed_out_and_their_hand_taken_down(web: Web) -> None:
    await _signed_in(web)
    await web.client.post(f"/j/{CODE}/hand", data={"kind": "speech"})
    token = await console.console_link_for(web.uow(), chat_id=CHAT, actor=MODERATOR, now=NOW)
    page = await (await web.client.get(f"/m/{token}")).text()
    person = page.split('name="person" value="')[1].split('"')[0]
    await web.client.post(f"/m/{token}/remove-web", data={"person": person})
    async with web.uow() as uow:
        gone = await uow.attendance.get(1, int(person))
        assert gone is not None and not gone.present
        assert await uow.hands.pending(1) == []
    assert "王秀英" not in (await (await web.client.get(f"/s/{web.screen_code}")).text())


async def test_pages_forbid_framing_and_referrers(web: Web) -> None:
    for path in (f"/j/{CODE}", f"/s/{web.screen_code}"):
        response = await web.client.get(path)
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


async def test_the_console_reaches_every_hand_in_the_queue(web: Web) -> None:
    """The screen lists the next five; the console lists them all, each with its buttons: a
    hall run from a tablet must be able to call, move up, skip or remove the eighth hand."""
    people = [Actor(700000100 + i, f"居民{i}") for i in range(8)]
    for who in people:
        await services.sign_in(web.uow(), actor=who, now=NOW, chat_id=CHAT)
        await floor.raise_hand(web.uow(), chat_id=CHAT, actor=who, kind=TurnKind.SPEECH,
                               addressee=None, now=NOW)
    token = await console.console_link_for(web.uow(), chat_id=CHAT, actor=MODERATOR, now=NOW)
    page = await (await web.client.get(f"/m/{token}")).text()
    queue = page.split('data-testid="queue"')[1].split("</ol>")[0]
    assert [f"居民{i}" in queue for i in range(8)] == [True] * 8
    screen = await (await web.client.get(f"/s/{web.screen_code}")).text()
    assert "居民4" in screen and "居民5" not in screen  # the projector keeps its five
    async with web.uow() as uow:
        hands = {h.person_id: h.id for h in await uow.hands.pending(1)}
        last = await uow.people.by_telegram_id(people[7].user_id)
        before_last = await uow.people.by_telegram_id(people[6].user_id)
    assert last is not None and before_last is not None
    hand = str(hands[last.id or 0])
    assert f'name="hand" value="{hand}"' in queue
    moved = await web.client.post(f"/m/{token}/up", data={"hand": hand}, allow_redirects=False)
    assert moved.status == 303
    queue = (await (await web.client.get(f"/m/{token}")).text()).split(
        'data-testid="queue"')[1]
    assert queue.index("居民7") < queue.index("居民6")  # moved up past the seventh
    removed = await web.client.post(f"/m/{token}/remove",
                                    data={"hand": str(hands[before_last.id or 0])},
                                    allow_redirects=False)
    assert removed.status == 303
    called = await web.client.post(f"/m/{token}/next", data={"hand": hand},
                                   allow_redirects=False)
    assert called.status == 303
    async with web.uow() as uow:
        pending = {h.person_id for h in await uow.hands.pending(1)}
        turn = await uow.turns.current(1)
    assert before_last.id not in pending and last.id not in pending and len(pending) == 6
    assert turn is not None and turn.person_id == last.id


async def test_the_console_shows_a_response_with_the_question_it_answers(web: Web) -> None:
    """The console words a 回应 in its queue as the screen does (one template macro): with
    the question asked on the floor that it answers."""
    asker = Actor(700000201, "张三")
    await services.set_profile(web.uow(), actor=LI, name="李四", kind=ParticipantKind.DEPARTMENT,
                               sector=None, unit="县住建局")
    for actor in (asker, LI):
        await services.sign_in(web.uow(), actor=actor, now=NOW, chat_id=CHAT)
    await floor.raise_hand(web.uow(), chat_id=CHAT, actor=asker, kind=TurnKind.QUESTION,
                           addressee="住建局", now=NOW)
    await floor.call_next(web.uow(), chat_id=CHAT, actor=MODERATOR, now=NOW)
    await record.record_group_text(web.uow(), chat_id=CHAT, actor=asker,
                                   text="村口路灯什么时候修", now=NOW + timedelta(seconds=5))
    await floor.raise_hand(web.uow(), chat_id=CHAT, actor=LI, kind=TurnKind.RESPONSE,
                           addressee=None, now=NOW + timedelta(seconds=7))
    token = await console.console_link_for(web.uow(), chat_id=CHAT, actor=MODERATOR, now=NOW)
    queue = (await (await web.client.get(f"/m/{token}")).text()).split(
        'data-testid="queue"')[1].split("</ol>")[0]
    assert "李四" in queue and "答 张三：村口路灯什么时候修" in queue
