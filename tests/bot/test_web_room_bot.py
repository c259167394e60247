"""The room on the web beside the real bot (`yishitang run` with its web app, over the Bot API
sandbox): /new points people without Telegram to the phone page; /console sends the
moderator the console privately; what the phone page and the console do, the group hears
from the bot (a written submission relayed, the floor given, the close)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from bot.sandbox.sandbox import ApiCall
from tests.bot.messages import sent_to, text
from tests.fakes import FakeTranscriber
from yishitang.stage import Stage, free_port, staged


@dataclass
class Hall:
    stage: Stage
    web: aiohttp.ClientSession
    code: str


@pytest.fixture
async def hall(tmp_path: Path, db_url: str) -> AsyncIterator[Hall]:
    port = free_port()
    async with staged(tmp_path, database_url=db_url, transcriber=FakeTranscriber(),
                      web_port=port, web_url=f"http://127.0.0.1:{port}") as stage:
        stage.open_group("东头村议事堂", ["主持人", "李四"])
        opened = text(await stage.ask("主持人", "/new 村道硬化"))
        # the web app's address is this machine's loopback: no phone can open it, so the
        # group is given the bot's deep link only (the screen's QR code shows the page's)
        assert "/j/" not in opened
        found = re.search(r"会议码：([A-Z0-9]+)", opened)
        assert found is not None, opened
        # a browser keeps the cookie of an address; aiohttp's jar only when told (unsafe)
        async with aiohttp.ClientSession(f"http://127.0.0.1:{port}",
                                         cookie_jar=aiohttp.CookieJar(unsafe=True)) as web:
            yield Hall(stage, web, found.group(1))


def _to_group(hall: Hall, needle: str) -> Callable[[ApiCall], bool]:
    assert hall.stage.group is not None
    return sent_to(hall.stage.group.id, needle)


async def test_the_phone_page_and_the_console_are_heard_in_the_group(hall: Hall) -> None:
    stage = hall.stage
    signin = {"name": "王秀英", "kind": "resident", "unit": "东头村", "where": "present",
              "notice": "yes"}
    async with hall.web.post(f"/j/{hall.code}/signin", data=signin) as page:
        assert page.status == 200 and "王秀英，您已签到" in await page.text()
    async with hall.web.post(f"/j/{hall.code}/hand", data={"kind": "speech"}) as page:
        assert "您在发言队列第 1 位" in await page.text()
    async with hall.web.post(f"/j/{hall.code}/written", data={"text": "建议村道加装路灯"}) as page:
        assert page.status == 200
    relayed = await stage.sandbox.wait_for_call("sendMessage", _to_group(hall, "建议村道加装路灯"),
                                                timeout=10)
    assert "王秀英 书面发言（网页）" in str(relayed.param("text"))

    reply = text(await stage.ask("主持人", "/console"))
    assert "请先私聊我" in reply and "/m/" not in reply  # no private chat yet: how to get one
    await stage.ask("主持人", "/start", stage.private("主持人"))
    reply = text(await stage.ask("主持人", "/console"))
    assert "私信" in reply and "/m/" not in reply  # the link is a key: never in the group
    private = stage.sandbox.messages(stage.private("主持人"))
    link = re.search(r"/m/([A-Za-z0-9_-]+)", text(private[-1]))
    assert link is not None
    async with hall.web.post(f"/m/{link.group(1)}/next") as page:
        assert page.status == 200
    called = await stage.sandbox.wait_for_call("sendMessage", _to_group(hall, "🎤 请 王秀英"),
                                               timeout=10)
    assert "群众代表" in str(called.param("text"))
    async with hall.web.post(f"/m/{link.group(1)}/end") as page:
        assert page.status == 200
    await stage.sandbox.wait_for_call("sendMessage", _to_group(hall, "议事会结束（主持台）"),
                                      timeout=10)


async def test_console_is_refused_to_a_participant(hall: Hall) -> None:
    reply = text(await hall.stage.ask("李四", "/console"))
    assert "只有本场主持人或工作人员可以这样做" in reply
    assert hall.stage.sandbox.messages(hall.stage.private("李四")) == []


async def test_new_points_phones_to_the_public_web_address(tmp_path: Path,
                                                           sqlite_url: str) -> None:
    async with staged(tmp_path, database_url=sqlite_url, transcriber=FakeTranscriber(),
                      web_port=free_port(), web_url="https://yishitang.example.org") as stage:
        stage.open_group("东头村议事堂", ["主持人"])
        opened = text(await stage.ask("主持人", "/new 村道硬化"))
        code = re.search(r"会议码：([A-Z0-9]+)", opened)
        assert code is not None
        assert f"https://yishitang.example.org/j/{code.group(1)}" in opened
