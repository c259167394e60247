"""The room's screen full, in Chromium, on both databases: a busy session (a long topic, a
speaker with a long unit, a queue longer than the five shown with a department's 回应 to a
question asked on the floor, every participant kind signed in, more long captions than fit)
must fit a projector, 1920×1080 and 1280×720, with no scrolling: the timer, the fifth in the
queue, the whole sign-in QR code and the newest caption lie within the viewport and are not
cut off by their boxes; when the captions do not all fit, the oldest give way.

The session is built through the use cases (tests/portal/test_screen.py does the same over
aiohttp's test client); the page is served as `yishitang web` serves it. Screenshots go to
tests/artifacts/screen-full-<width>x<height>-<database>.png.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import pytest_asyncio
from playwright.async_api import Locator, Page, expect

from bot.catalog import t
from facilitation import floor, record, services, web_room
from facilitation.model import ParticipantKind, TurnKind
from facilitation.services import Actor
from portal.app import RoomDeps, WebDeps, build_web_app, start
from portal.notifier import ScreenNotifier
from storage.engine import make_engine
from storage.uow import make_uow_factory
from tests.browser.harness import axe_violations, snap
from yishitang.stage import free_port

CHAT = -100777
NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
CODE = "FULL2345"
MODERATOR = Actor(700000101, "主持人老王")
ASKER = Actor(700000102, "张三")
TOPIC = "关于老旧小区加装电梯、停车位改造和村口道路照明设施提升方案的协商议事会"
SPEAKER, SPEAKER_UNIT = "欧阳德明", "平桥镇东头村第三村民小组老年人协会（村民议事监督小组）"
QUESTION = "村口路灯什么时候修？晚上出门太黑了，老人摔过好几次，能不能在年底前装好"
NEWEST = "最新一条：建议停车位改造和加装电梯统筹规划，先征求一楼住户意见再定方案"
# (name, kind, unit): every kind a participant signs in as, and two more residents
PEOPLE = (
    ("王建国", ParticipantKind.MEMBER, "县政协农业农村委员会"),
    ("刘秀英", ParticipantKind.RESIDENT, "平桥社区第三居民小组"),
    (SPEAKER, ParticipantKind.ELDER, SPEAKER_UNIT),
    ("陈志强", ParticipantKind.DEPARTMENT, "县住建局城建股"),
    ("周立新", ParticipantKind.EXPERT, "省城乡规划设计研究院"),
    ("孙海燕", ParticipantKind.BUSINESS, "平桥物业服务有限公司"),
    ("吴桂兰", ParticipantKind.OTHER, "东头村"),
    ("赵德胜", ParticipantKind.RESIDENT, "平桥社区第五居民小组"),
    ("钱小梅", ParticipantKind.RESIDENT, "平桥社区第一居民小组"),
)
VIEWPORTS = ((1920, 1080), (1280, 720))


@dataclass
class Full:
    url: str  # the screen's address
    waiting: int  # hands in the queue


async def _fill(uow: Any) -> int:
    """The busy session; the number of hands waiting."""
    await services.open_session(uow(), chat_id=CHAT, topic=TOPIC, actor=MODERATOR, now=NOW,
                                new_code=lambda: CODE, turn_limit_s=180, hall="平桥镇东头村议事堂")
    tokens: dict[str, str] = {}
    for name, kind, unit in PEOPLE:
        joined = await web_room.join_on_web(uow(), code=CODE, token=None, name=name, kind=kind,
                                            unit=unit, remote=False, notice_accepted=True,
                                            now=NOW)
        assert joined.token is not None
        tokens[name] = joined.token
    await services.sign_in(uow(), actor=ASKER, now=NOW, chat_id=CHAT)
    for i in range(3):  # the moderator's words, before the floor opens
        await record.record_group_text(
            uow(), chat_id=CHAT, actor=MODERATOR, now=NOW + timedelta(seconds=i),
            text=f"第{i + 1}项：请大家围绕加装电梯的费用分摊、停车位改造的位置和村口照明"
                 "设施的建设时间依次发言，每人发言不超过三分钟，谢谢配合。")
    # a question to the department, asked on the floor; then the department's 回应
    await floor.raise_hand(uow(), chat_id=CHAT, actor=ASKER, kind=TurnKind.QUESTION,
                           addressee="住建局", now=NOW + timedelta(seconds=10))
    await floor.call_next(uow(), chat_id=CHAT, actor=MODERATOR, now=NOW + timedelta(seconds=11))
    await record.record_group_text(uow(), chat_id=CHAT, actor=ASKER, text=QUESTION,
                                   now=NOW + timedelta(seconds=12))
    later = NOW + timedelta(seconds=20)
    await floor.raise_hand_on_web(uow(), code=CODE, token=tokens["陈志强"],
                                  kind=TurnKind.RESPONSE, addressee=None, now=later)
    speaker = await floor.raise_hand_on_web(uow(), code=CODE, token=tokens[SPEAKER],
                                            kind=TurnKind.SPEECH, addressee=None, now=later)
    others = [name for name, _, _ in PEOPLE if name not in (SPEAKER, "陈志强")]
    for name in others:
        await floor.raise_hand_on_web(uow(), code=CODE, token=tokens[name],
                                      kind=TurnKind.SPEECH, addressee=None, now=later)
    # the console calls the elder out of turn: the 回应 and six others wait
    await floor.call_next(uow(), chat_id=CHAT, actor=MODERATOR, hand_id=speaker.id,
                          now=NOW + timedelta(seconds=30))
    for i, name in enumerate(("刘秀英", "周立新")):
        await web_room.submit_on_web(
            uow(), code=CODE, token=tokens[name], now=NOW + timedelta(seconds=40 + i),
            text=f"书面意见{i + 1}：建议在小区东侧空地规划建设立体停车设施，对加装电梯的楼栋给予"
                 "财政补贴，费用按楼层高低分摊，低层住户少出或不出。")
    await web_room.submit_on_web(uow(), code=CODE, token=tokens[SPEAKER], text=NEWEST,
                                 now=NOW + timedelta(seconds=50))
    return 1 + len(others)


@pytest_asyncio.fixture(loop_scope="session")
async def full(db_url: str) -> AsyncIterator[Full]:
    engine = make_engine(db_url)
    notifier = ScreenNotifier()
    uow = make_uow_factory(engine, on_change=notifier.wake)
    try:
        waiting = await _fill(uow)
        async with uow() as reading:
            session = await reading.sessions.open_in_chat(CHAT)
        assert session is not None and session.screen_code is not None
        deps = WebDeps(uow, lambda: NOW + timedelta(seconds=60), notifier, poll_s=30.0,
                       room=RoomDeps(t))
        port = free_port()
        runner = await start(build_web_app(deps), "127.0.0.1", port)
        try:
            yield Full(f"http://127.0.0.1:{port}/s/{session.screen_code}", waiting)
        finally:
            await runner.cleanup()
    finally:
        await engine.dispose()


# The element's box, and the part of the viewport it may show in: the viewport cut by every
# ancestor that clips (overflow other than visible).
_SHOWN = """el => {
  const r = el.getBoundingClientRect();
  const clip = {top: 0, left: 0, bottom: window.innerHeight, right: window.innerWidth};
  for (let a = el.parentElement; a; a = a.parentElement) {
    const s = getComputedStyle(a);
    if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
    const b = a.getBoundingClientRect();
    clip.top = Math.max(clip.top, b.top); clip.left = Math.max(clip.left, b.left);
    clip.bottom = Math.min(clip.bottom, b.bottom); clip.right = Math.min(clip.right, b.right);
  }
  return {box: {top: r.top, left: r.left, bottom: r.bottom, right: r.right,
                width: r.width, height: r.height}, clip: clip, connected: el.isConnected};
}"""


async def _measured(element: Locator) -> dict[str, Any]:
    """_SHOWN of the element as the page holds it now. The stream's first update replaces the
    live part (live.js: innerHTML) and may land between the locator finding the element and
    measuring it; a detached element measures zero, so it is found again."""
    for _ in range(10):
        found: dict[str, Any] = await element.evaluate(_SHOWN)
        if found["connected"]:
            return found
    raise AssertionError(f"{element} kept being replaced")


async def _shown(element: Locator) -> dict[str, float]:
    """The element's bounding box; asserted whole in the viewport and in every clipping box."""
    found = await _measured(element)
    box, clip = found["box"], found["clip"]
    assert box["width"] > 0 and box["height"] > 0, found
    slack = 0.5  # subpixel layout
    assert box["top"] >= clip["top"] - slack and box["left"] >= clip["left"] - slack, found
    assert box["bottom"] <= clip["bottom"] + slack, found
    assert box["right"] <= clip["right"] + slack, found
    return {k: round(v) for k, v in box.items()}


async def _whole(element: Locator) -> bool:
    found = await _measured(element)
    box, clip = found["box"], found["clip"]
    return bool(box["height"] > 0 and box["top"] >= clip["top"] - 0.5
                and box["bottom"] <= clip["bottom"] + 0.5)


@pytest.mark.parametrize(("width", "height"), VIEWPORTS)
async def test_a_full_room_fits_the_projector_with_the_latest_captions(
        full: Full, page: Page, width: int, height: int, request: pytest.FixtureRequest,
        blocked_requests: list[str]) -> None:
    db = request.node.callspec.params["db_url"]
    await page.set_viewport_size({"width": width, "height": height})
    await page.goto(full.url)
    await expect(page.get_by_test_id("topic")).to_have_text(TOPIC)
    # 2:30 left of 3 min at the server's time; the page counts down from it
    await expect(page.get_by_test_id("timer")).to_have_text(re.compile(r"^0[12]:\d{2}$"))
    # nothing scrolls: the page is the viewport
    sizes = await page.evaluate(
        "[document.documentElement.scrollHeight, document.documentElement.scrollWidth]")
    assert sizes == [height, width]

    boxes: dict[str, dict[str, float]] = {}
    boxes["topic"] = await _shown(page.get_by_test_id("topic"))
    speaker = page.get_by_test_id("current-speaker")
    await expect(speaker).to_contain_text(SPEAKER)
    await expect(speaker).to_contain_text(SPEAKER_UNIT[:8])
    boxes["speaker"] = await _shown(speaker.locator(".speaker-name"))
    boxes["timer"] = await _shown(page.get_by_test_id("timer"))

    queue = page.get_by_test_id("queue").locator("li")
    await expect(queue).to_have_count(5)  # of the seven waiting
    await expect(page.locator(".queue h2")).to_contain_text(f"（{full.waiting} 人）")
    # the department's 回应 with the question it answers, as the room read it
    await expect(queue.first).to_contain_text("陈志强")
    await expect(queue.first).to_contain_text("回应 · 答 张三：村口路灯什么时候修？晚上出门太…")
    boxes["queue-1"] = await _shown(queue.first)
    boxes["queue-5"] = await _shown(queue.nth(4))

    signins = page.get_by_test_id("signin-count")
    for kind in ("政协委员", "群众代表 3", "乡贤", "部门负责人", "专家", "企业代表", "其他"):
        await expect(signins).to_contain_text(kind)
    boxes["signins"] = await _shown(signins.locator("ul"))
    boxes["qr"] = await _shown(page.get_by_test_id("signin-qr").locator(".qr-code"))
    assert boxes["qr"]["height"] >= height * 0.15  # a code a phone reads from its seat

    captions = page.get_by_test_id("captions").locator(".caption")
    await expect(captions).to_have_count(6)
    await expect(captions.last).to_contain_text(NEWEST)
    boxes["newest-caption"] = await _shown(captions.last)
    # cut from the old end only: once a caption shows whole, every later one does
    whole = [await _whole(captions.nth(i)) for i in range(6)]
    assert whole == sorted(whole), whole
    boxes["oldest-caption-whole"] = {"shown": float(whole[0])}

    # readable from the back: the captions and the queue stay large
    assert await captions.last.evaluate("e => parseFloat(getComputedStyle(e).fontSize)") >= \
        height * 0.03
    print(f"screen {width}x{height} {db}: {boxes}")
    assert await axe_violations(page) == []
    await snap(page, f"screen-full-{width}x{height}-{db}")
    assert blocked_requests == []
