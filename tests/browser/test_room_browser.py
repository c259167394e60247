"""A session run end to end on the web, in Chromium, beside the real bot over the Bot API
sandbox (bot and web in one process, as `yishitang run` serves them), on both databases:
the screen on the projector, a participant without Telegram on a phone (390×844, touch), the
moderator on the console. The participant scans (opens) the screen's QR link, signs in, raises
a hand; the moderator calls her from the console; her phone shows her time, the screen her
name; she writes in, the group reads it; the moderator ends the session and shows the closing.
Every page passes axe-core with no serious violations; screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Browser, Page, expect

from bot.sandbox.sandbox import ApiCall
from tests.bot.messages import sent_to, text
from tests.browser.harness import axe_violations, snap
from tests.fakes import FakeTranscriber
from yishitang.stage import Stage, free_port, staged

TOPIC = "村道硬化"
WAIT_MS = 5_000  # a live update is expected well within a second; bounded, never a sleep


@dataclass
class Hall:
    stage: Stage
    web: str


@pytest_asyncio.fixture(loop_scope="session")
async def ears() -> FakeTranscriber:
    return FakeTranscriber()


@pytest_asyncio.fixture(loop_scope="session")
async def hall(tmp_path: Path, db_url: str, ears: FakeTranscriber) -> AsyncIterator[Hall]:
    port = free_port()
    web = f"http://127.0.0.1:{port}"
    async with staged(tmp_path, database_url=db_url, transcriber=ears,
                      web_port=port, web_url=web) as stage:
        stage.open_group("东头村议事堂", ["主持人", "李四", "张三"])
        yield Hall(stage, web)


async def _links(hall: Hall) -> tuple[str, str]:
    """/new, /screen and /console (privately) from the moderator: the screen's and the
    console's links."""
    stage = hall.stage
    await stage.ask("主持人", f"/new {TOPIC}")
    screen = re.search(r"http://\S+/s/[A-Za-z0-9_-]+", text(await stage.ask("主持人", "/screen")))
    await stage.ask("主持人", "/start", stage.private("主持人"))
    await stage.ask("主持人", "/console")
    console = re.search(r"http://\S+/m/[A-Za-z0-9_-]+",
                        text(stage.sandbox.messages(stage.private("主持人"))[-1]))
    assert screen is not None and console is not None
    return screen.group(0), console.group(0)


async def _no_serious(page: Page, what: str) -> None:
    assert await axe_violations(page) == [], what


def _to_group(hall: Hall, needle: str) -> Callable[[ApiCall], bool]:
    assert hall.stage.group is not None
    return sent_to(hall.stage.group.id, needle)


async def test_a_session_runs_on_the_screen_the_phone_and_the_console(
        hall: Hall, page: Page, phone: Page, browser: Browser,
        request: pytest.FixtureRequest) -> None:
    db = request.node.callspec.params["db_url"]
    screen_url, console_url = await _links(hall)
    await page.goto(screen_url)
    await expect(page.get_by_test_id("topic")).to_have_text(TOPIC)
    # the QR code on the screen opens the phone page
    caption = await page.get_by_test_id("signin-qr").locator("figcaption").inner_text()
    code = caption.split("·")[-1].strip()
    await _no_serious(page, "screen")

    await phone.goto(f"{hall.web}/j/{code}")
    await _no_serious(phone, "phone page, signing in")
    await snap(phone, f"phone-signin-{db}")
    await phone.get_by_label("姓名").fill("王秀英")
    await phone.get_by_label("群众代表").check()
    await phone.get_by_label("单位或村（社区）").fill("东头村")
    await phone.get_by_label("我已阅读并同意").check()
    await phone.get_by_role("button", name="签到", exact=True).click()
    await expect(phone.get_by_test_id("welcome")).to_contain_text("王秀英")
    await expect(page.get_by_test_id("signin-count")).to_contain_text("群众代表 1",
                                                                      timeout=WAIT_MS)
    await phone.get_by_role("button", name="发言", exact=True).click()
    await expect(phone.get_by_test_id("my-place")).to_contain_text("第 1 位")
    await expect(page.get_by_test_id("queue")).to_contain_text("王秀英", timeout=WAIT_MS)
    await snap(phone, f"phone-queued-{db}")
    await _no_serious(phone, "phone page, in the queue")

    tablet = await browser.new_page(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    try:
        await tablet.goto(console_url)
        await expect(tablet.get_by_test_id("queue")).to_contain_text("王秀英")
        await _no_serious(tablet, "console")
        await tablet.get_by_test_id("next").click()
        await expect(tablet.get_by_test_id("current-speaker")).to_contain_text("王秀英")
        # her phone and the screen follow without a reload
        await expect(phone.get_by_test_id("my-place")).to_contain_text("请您发言",
                                                                       timeout=WAIT_MS)
        await expect(phone.get_by_test_id("timer")).to_have_text(re.compile(r"^0[23]:\d{2}$"))
        await expect(page.get_by_test_id("current-speaker")).to_contain_text("王秀英",
                                                                             timeout=WAIT_MS)
        await hall.stage.sandbox.wait_for_call("sendMessage", _to_group(hall, "🎤 请 王秀英"),
                                               timeout=10)
        await snap(phone, f"phone-speaking-{db}")
        await phone.get_by_label("写下您的意见建议").fill("建议村道两侧加装路灯")
        await phone.get_by_role("button", name="提交").click()
        await expect(phone.get_by_test_id("sent")).to_contain_text("第 1 条")
        await hall.stage.sandbox.wait_for_call(
            "sendMessage", _to_group(hall, "建议村道两侧加装路灯"), timeout=10)
        await expect(page.get_by_test_id("captions")).to_contain_text("建议村道两侧加装路灯",
                                                                      timeout=WAIT_MS)
        await snap(tablet, f"console-{db}")
        await snap(page, f"screen-live-{db}")

        tablet.once("dialog", lambda dialog: dialog.accept())
        await tablet.get_by_test_id("end").click()
        await expect(tablet.get_by_test_id("closing-toggle")).to_be_visible()
        await tablet.get_by_test_id("closing-toggle").click()
        await expect(page.get_by_test_id("closing")).to_be_visible(timeout=WAIT_MS)
        await expect(page.get_by_test_id("closing")).to_contain_text("达成共识")
        await expect(page.get_by_test_id("closing")).to_contain_text("会后工作安排")
        await expect(page.get_by_test_id("current-speaker")).to_have_count(0)  # in its place
        await expect(phone.get_by_test_id("closed")).to_be_visible(timeout=WAIT_MS)
        await snap(page, f"screen-closing-{db}")
        await _no_serious(page, "screen, closing")
    finally:
        await tablet.close()


async def test_the_screen_shows_a_voice_turn_being_transcribed_and_the_timer_warns(
        hall: Hall, page: Page, ears: FakeTranscriber, request: pytest.FixtureRequest) -> None:
    """A voice turn appears as 正在转写… and is filled in when transcribed; the countdown turns
    to a warning in the last 30 s and shows overtime (the server's clock moved on: the page
    counts from the server's time, sent with every update)."""
    stage = hall.stage
    screen_url, _ = await _links(hall)
    await page.goto(screen_url)
    await stage.ask("李四", "/signin")
    await stage.ask("李四", "/hand")
    await stage.ask("主持人", "/next")
    timer = page.get_by_test_id("timer")
    await expect(page.get_by_test_id("current-speaker")).to_contain_text("李四",
                                                                         timeout=WAIT_MS)
    await expect(timer).not_to_have_class(re.compile("warning"))
    assert stage.group is not None
    stage.sandbox.send_voice(stage.person("李四"), stage.group, "HOLD:路面坑洼太多".encode(), 4)
    captions = page.get_by_test_id("captions")
    await expect(captions).to_contain_text("李四：正在转写…", timeout=WAIT_MS)
    ears.release()
    await expect(captions).to_contain_text("李四：路面坑洼太多", timeout=WAIT_MS)
    await expect(captions).not_to_contain_text("正在转写…")

    stage.clock.advance(160)  # 20 s left of 180
    await stage.ask("张三", "/signin")  # any change: the page gets the server's time again
    await expect(timer).to_have_class(re.compile("warning"), timeout=WAIT_MS)
    await snap(page, f"screen-warning-{request.node.callspec.params['db_url']}")
    stage.clock.advance(40)  # 20 s over
    await stage.ask("张三", "/hand")
    await expect(timer).to_have_class(re.compile("overtime"), timeout=WAIT_MS)
    await expect(timer).to_have_text(re.compile(r"^超时 00:[12]\d$"))
