"""The room's screen in Chromium while the real bot runs a session through the Bot API sandbox
(bot and web in one process, as `yishitang run` serves them), on both databases.

The moderator asks for the screen with /screen and the page at the link in the bot's answer
follows the group live (Server-Sent Events, no reload); the screen shows nothing a resident wrote
privately beyond what the group sees; axe-core finds no serious violations; screenshots of the
projector before and after the live updates go to tests/artifacts/.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Page, expect

from tests.bot.messages import text
from tests.browser.harness import axe_violations, snap
from tests.fakes import FakeTranscriber
from yishitang.stage import Stage, free_port, staged

TOPIC = "老旧小区加装电梯"
WAIT_MS = 5_000  # a live update is expected well within a second; bounded, never a sleep
COUNTDOWN = re.compile(r"^\d{2}:\d{2}$")


@dataclass
class Room:
    stage: Stage
    web: str  # http://127.0.0.1:<port>, the web app served beside the bot


@pytest_asyncio.fixture(loop_scope="session")
async def room(tmp_path: Path, db_url: str) -> AsyncIterator[Room]:
    port = free_port()
    web = f"http://127.0.0.1:{port}"
    async with staged(tmp_path, database_url=db_url, transcriber=FakeTranscriber(),
                      web_port=port, web_url=web + "/") as stage:
        stage.open_group("平桥议事堂", ["主持人", "张三", "李四"])
        yield Room(stage, web)


async def _open_screen(room: Room, page: Page) -> None:
    """/new and /screen in the group; open the link of the bot's answer."""
    await room.stage.ask("主持人", f"/new {TOPIC}")
    reply = text(await room.stage.ask("主持人", "/screen"))
    found = re.search(re.escape(room.web) + r"/s/[A-Za-z0-9_-]+", reply)
    assert found is not None, reply
    await page.goto(found.group(0))
    await expect(page.get_by_test_id("topic")).to_have_text(TOPIC)
    # marks this document: still there at the end means no reload happened
    await page.evaluate("window.__sameDocument = true")


async def _same_document(page: Page) -> None:
    assert await page.evaluate("window.__sameDocument === true"), "the page was reloaded"


async def test_the_screen_follows_the_session_the_bot_runs(
        room: Room, page: Page, blocked_requests: list[str], request: pytest.FixtureRequest
) -> None:
    stage, db = room.stage, request.node.callspec.params["db_url"]
    await _open_screen(room, page)
    total = page.get_by_test_id("signin-count").locator(".total")
    queue = page.get_by_test_id("queue")
    speaker = page.get_by_test_id("current-speaker")
    timer = page.get_by_test_id("timer")
    before = int(await total.inner_text())
    await expect(queue).not_to_contain_text("张三")
    await expect(speaker).to_contain_text("当前无人发言")
    assert await axe_violations(page) == []
    await snap(page, f"screen-desktop-before-{db}")

    await stage.ask("张三", "/signin")
    await expect(total).to_have_text(str(before + 1), timeout=WAIT_MS)
    await stage.ask("张三", "/hand")
    await expect(queue).to_contain_text("张三", timeout=WAIT_MS)
    await expect(page.get_by_test_id("queue").locator("li")).to_have_count(1)

    await stage.ask("主持人", "/next")
    await expect(speaker).to_contain_text("张三", timeout=WAIT_MS)
    await expect(speaker).to_contain_text("正在发言")
    await expect(queue).not_to_contain_text("张三")
    await expect(timer).to_have_text(COUNTDOWN, timeout=WAIT_MS)
    first = await timer.inner_text()
    # it counts down: the next second shows within a bounded wait
    await expect(timer).not_to_have_text(first, timeout=3_000)
    later = await timer.inner_text()
    assert COUNTDOWN.match(later) and later < first, (first, later)

    await _same_document(page)
    assert await axe_violations(page) == []
    await snap(page, f"screen-desktop-after-{db}")
    assert blocked_requests == []


async def test_the_screen_shows_nothing_written_privately_beyond_what_the_group_sees(
        room: Room, page: Page, blocked_requests: list[str]) -> None:
    stage = room.stage
    assert stage.group is not None
    await _open_screen(room, page)
    captions = page.get_by_test_id("captions")
    await stage.ask("张三", "/signin")

    # a signed-in resident's written submission: the bot relays it to the group in full, so
    # the screen may show it, as the group reads it
    submitted = "书面意见：加装费用按楼层分摊"
    await stage.ask("张三", submitted, chat=stage.private("张三"))
    relayed = await stage.sandbox.wait_for_message(stage.group, contains=submitted)
    assert "张三" in text(relayed)
    await expect(captions).to_contain_text(f"张三（书面发言）：{submitted}", timeout=WAIT_MS)

    # a resident not signed in writes privately: refused, never relayed to the group
    private = "私下说：我家不想出钱，别告诉邻居"
    refusal = text(await stage.ask("李四", private, chat=stage.private("李四")))
    assert "还没有签到" in refusal
    await stage.settled()
    assert not any(private in text(m) for m in stage.sandbox.messages(stage.group))

    # a later change the group does see, so the screen has certainly been sent again since
    await stage.ask("张三", "/hand")
    await expect(page.get_by_test_id("queue")).to_contain_text("张三", timeout=WAIT_MS)
    shown = await page.locator("body").inner_text()
    assert "私下说" not in shown and "别告诉邻居" not in shown
    assert "李四" not in shown  # nor anything of the one who wrote it
    html = await page.content()
    assert "私下说" not in html
    assert not any(str(user.id) in html for user in stage.people.values())
    await _same_document(page)
    assert blocked_requests == []


async def test_a_written_submission_edited_after_the_close_stays_off_the_screen(
        room: Room, page: Page) -> None:
    """After /end the bot no longer relays a corrected submission (bot/handlers/texts.py), so
    the group never reads the new words: the screen, still open on the projector, must not
    show them either."""
    stage = room.stage
    assert stage.group is not None
    await _open_screen(room, page)
    captions = page.get_by_test_id("captions")
    await stage.ask("张三", "/signin")
    submitted = "书面意见：加装费用按楼层分摊"
    sent = stage.say("张三", submitted, stage.private("张三"))
    await stage.sandbox.wait_for_reply(sent)
    await expect(captions).to_contain_text(submitted, timeout=WAIT_MS)
    assert "议事会结束" in text(await stage.ask("主持人", "/end"))
    await expect(page.locator(".hall")).not_to_contain_text("进行中", timeout=WAIT_MS)

    edited = "私下改口：其实我家一分钱也不想出"
    stage.sandbox.edit_text(stage.person("张三"), sent, edited)
    await stage.sandbox.wait_for_message(stage.private("张三"), "已更正您的书面发言")
    await stage.settled()
    assert not any(edited in text(m) for m in stage.sandbox.messages(stage.group))
    # the poll would find the change even without the notifier: reload to be certain
    await page.reload()
    await expect(page.get_by_test_id("topic")).to_have_text(TOPIC)
    assert edited not in await page.locator("body").inner_text()
