"""The room's screen (/s/<screen code>) and its live stream, on both databases: a session is
built through the use cases, the page is read through aiohttp's test client."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.catalog import t
from facilitation import floor, record, services, voice
from facilitation.model import ParticipantKind, TurnKind
from facilitation.ports import TrackingUnitOfWorkFactory
from facilitation.services import Actor
from portal.app import RoomDeps, WebDeps, build_web_app
from portal.notifier import ScreenNotifier
from storage.engine import make_engine
from storage.uow import make_uow_factory
from tests.portal.sse import next_event, queue_of

CHAT = -100123
NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
MODERATOR = Actor(700000001, "主持人老王")
ZHANG = Actor(700000002, "张三")
LI = Actor(700000003, "李四")
ZHAO = Actor(700000004, "赵五")


@dataclass
class Room:
    uow: TrackingUnitOfWorkFactory
    client: TestClient
    screen_code: str


@pytest.fixture
async def room(db_url: str) -> AsyncIterator[Room]:
    engine = make_engine(db_url)
    notifier = ScreenNotifier()
    uow = make_uow_factory(engine, on_change=notifier.wake)
    session = await services.open_session(
        uow(), chat_id=CHAT, topic="老旧小区加装电梯", actor=MODERATOR, now=NOW,
        new_code=lambda: "ABCD2345", turn_limit_s=180, hall="平桥议事堂")
    assert session.screen_code is not None and len(session.screen_code) >= 20
    client = TestClient(TestServer(build_web_app(WebDeps(uow, lambda: NOW, notifier,
                                                         poll_s=30.0, room=RoomDeps(t)))))
    await client.start_server()
    try:
        yield Room(uow, client, session.screen_code)
    finally:
        await client.close()
        await engine.dispose()


async def _fill(room: Room) -> None:
    for actor in (ZHANG, LI, ZHAO):
        await services.sign_in(room.uow(), actor=actor, now=NOW, chat_id=CHAT)
    await floor.raise_hand(room.uow(), chat_id=CHAT, actor=ZHANG, kind=TurnKind.SPEECH,
                           addressee=None, now=NOW)
    await floor.raise_hand(room.uow(), chat_id=CHAT, actor=LI, kind=TurnKind.QUESTION,
                           addressee="住建局", now=NOW)
    await floor.call_next(room.uow(), chat_id=CHAT, actor=MODERATOR, now=NOW)
    await record.record_group_text(room.uow(), chat_id=CHAT, actor=ZHANG,
                                   text="楼里老人多，电梯很急", now=NOW + timedelta(seconds=5))
    await record.record_group_text(room.uow(), chat_id=CHAT, actor=ZHAO,
                                   text="旁听者的闲聊", now=NOW + timedelta(seconds=6))
    await voice.accept_group_voice(room.uow(), actor=ZHANG, now=NOW + timedelta(seconds=7),
                                   audio=voice.AudioMessage(CHAT, 77, "file-77"))
    await record.submit_written(room.uow(), actor=ZHAO, text="书面意见：加装费用分摊",
                                now=NOW + timedelta(seconds=8), chat_id=ZHAO.user_id)


def _part(html: str, testid: str) -> str:
    start = html.index(f'data-testid="{testid}"')
    return html[start:start + 1500]


async def test_an_unknown_code_is_a_404_page(room: Room) -> None:
    response = await room.client.get("/s/not-a-screen-code")
    assert response.status == 404
    assert "这个链接无效" in await response.text()
    assert (await room.client.get("/s/not-a-screen-code/events")).status == 404


async def test_the_screen_shows_the_floor_queue_signins_and_captions(room: Room) -> None:
    await _fill(room)
    response = await room.client.get(f"/s/{room.screen_code}")
    assert response.status == 200
    html = await response.text()
    assert "老旧小区加装电梯" in _part(html, "topic") and "平桥议事堂" in html
    speaker = _part(html, "current-speaker")
    assert "张三" in speaker and "正在发言" in speaker
    deadline = (NOW + timedelta(seconds=180)).isoformat()
    assert f'data-deadline="{deadline}"' in _part(html, "timer")
    queue = _part(html, "queue").split("</ol>")[0]
    assert "李四" in queue and "提问" in queue and "住建局" in queue and "张三" not in queue
    signins = _part(html, "signin-count").split("</section>")[0]
    # the moderator and three residents
    assert "已签到 <span class=\"total\">4</span> 人" in signins
    captions = _part(html, "captions").split("</section>")[0]
    assert "楼里老人多，电梯很急" in captions
    assert "旁听者的闲聊" not in captions  # a comment from the table is not a caption
    assert "正在转写…" in captions  # the voice turn, until its transcript is in
    # a written submission, as the bot relays it to the group (bot/handlers/texts.py)
    assert "赵五（书面发言）：</span>书面意见：加装费用分摊" in captions
    assert "/static/live.js" in html
    assert not any(str(a.user_id) in html for a in (MODERATOR, ZHANG, LI, ZHAO))


async def test_a_response_in_the_queue_shows_the_question_it_answers(room: Room) -> None:
    """The usual order: a question to a department is asked on the floor, then the department
    raises a 回应 hand; the screen shows it with that question (an excerpt of what the room
    read), and with a question still waiting in the queue, with its asker."""
    await services.set_profile(room.uow(), actor=LI, name="李四", kind=ParticipantKind.DEPARTMENT,
                               sector=None, unit="县住建局")
    for actor in (ZHANG, LI, ZHAO):
        await services.sign_in(room.uow(), actor=actor, now=NOW, chat_id=CHAT)
    await floor.raise_hand(room.uow(), chat_id=CHAT, actor=ZHANG, kind=TurnKind.QUESTION,
                           addressee="住建局", now=NOW)
    await floor.call_next(room.uow(), chat_id=CHAT, actor=MODERATOR, now=NOW)
    await record.record_group_text(room.uow(), chat_id=CHAT, actor=ZHANG,
                                   text="村口路灯什么时候修？晚上出门太黑了，老人摔过好几次",
                                   now=NOW + timedelta(seconds=5))
    # his private written submission meanwhile: relayed as his, never taken for the question
    await record.submit_written(room.uow(), actor=ZHANG, text="私下：我家门口的灯坏了三年",
                                now=NOW + timedelta(seconds=6), chat_id=ZHANG.user_id)
    await floor.raise_hand(room.uow(), chat_id=CHAT, actor=LI, kind=TurnKind.RESPONSE,
                           addressee=None, now=NOW + timedelta(seconds=7))
    queue = _part(await (await room.client.get(f"/s/{room.screen_code}")).text(),
                  "queue").split("</ol>")[0]
    assert "李四" in queue
    assert "回应 · 答 张三：村口路灯什么时候修？晚上出门太…" in queue
    assert "私下" not in queue

    # the next question to the department waits in the queue; a second 回应 goes with it
    await floor.raise_hand(room.uow(), chat_id=CHAT, actor=ZHAO, kind=TurnKind.QUESTION,
                           addressee="住建局", now=NOW + timedelta(seconds=8))
    await floor.call_next(room.uow(), chat_id=CHAT, actor=MODERATOR,
                          now=NOW + timedelta(seconds=9))  # 李四 answers 张三
    await floor.raise_hand(room.uow(), chat_id=CHAT, actor=LI, kind=TurnKind.RESPONSE,
                           addressee=None, now=NOW + timedelta(seconds=10))
    queue = _part(await (await room.client.get(f"/s/{room.screen_code}")).text(),
                  "queue").split("</ol>")[0]
    assert "回应 · 答 赵五 的提问" in queue and "村口路灯" not in queue

    # 赵五 asks it: the 回应 now shows his words
    await floor.call_next(room.uow(), chat_id=CHAT, actor=MODERATOR,
                          now=NOW + timedelta(seconds=11))
    await record.record_group_text(room.uow(), chat_id=CHAT, actor=ZHAO, text="垃圾站能否挪远些",
                                   now=NOW + timedelta(seconds=12))
    queue = _part(await (await room.client.get(f"/s/{room.screen_code}")).text(),
                  "queue").split("</ol>")[0]
    assert "回应 · 答 赵五：垃圾站能否挪远些" in queue


async def test_the_vendored_script_is_served(room: Room) -> None:
    response = await room.client.get("/static/live.js")
    assert response.status == 200 and "EventSource" in await response.text()



async def test_the_stream_sends_the_screen_again_when_a_hand_is_raised(room: Room) -> None:
    await services.sign_in(room.uow(), actor=ZHANG, now=NOW, chat_id=CHAT)
    response = await room.client.get(f"/s/{room.screen_code}/events")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/event-stream")
    first = await asyncio.wait_for(next_event(response.content), 5)
    assert "张三" not in queue_of(first)
    await floor.raise_hand(room.uow(), chat_id=CHAT, actor=ZHANG, kind=TurnKind.SPEECH,
                           addressee=None, now=NOW)
    # the poll is 30 s: only the notifier, woken by the commit, can send it this soon
    update = await asyncio.wait_for(next_event(response.content), 5)
    assert "张三" in queue_of(update)
    response.close()


async def test_open_streams_end_when_the_app_stops(room: Room) -> None:
    response = await room.client.get(f"/s/{room.screen_code}/events")
    await asyncio.wait_for(next_event(response.content), 5)
    # on_shutdown closes the notifier: the stream ends at once, not at the shutdown timeout
    await asyncio.wait_for(room.client.server.close(), 5)
    assert await asyncio.wait_for(response.content.read(), 5) == b""
