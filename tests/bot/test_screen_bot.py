"""/screen through the real bot and the Bot API sandbox: the moderator gets the link to the
room's screen (YISHITANG_WEB_URL/s/<screen code>); a participant is refused."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from facilitation.record import load_record
from tests.bot.messages import text
from tests.fakes import FakeTranscriber
from tests.portal.sse import next_event, queue_of
from yishitang.stage import Stage, free_port, staged

WEB_URL = "https://yishitang.example.org"


@pytest.fixture
async def stage(tmp_path: Path, sqlite_url: str) -> AsyncIterator[Stage]:
    async with staged(tmp_path, database_url=sqlite_url, transcriber=FakeTranscriber(),
                      web_url=WEB_URL + "/") as s:
        s.open_group("平桥议事堂", ["主持人", "张三"])
        yield s


async def test_screen_gives_the_moderator_the_link(stage: Stage) -> None:
    await stage.ask("主持人", "/new 老旧小区加装电梯")
    reply = text(await stage.ask("主持人", "/screen"))
    found = re.search(re.escape(WEB_URL) + r"/s/([A-Za-z0-9_-]+)", reply)
    assert found is not None, reply
    session = (await load_record(stage.runtime.uow())).session
    assert found.group(1) == session.screen_code


async def test_screen_is_refused_to_a_participant(stage: Stage) -> None:
    await stage.ask("主持人", "/new 老旧小区加装电梯")
    reply = text(await stage.ask("张三", "/screen"))
    assert "只有本场主持人或工作人员可以这样做" in reply and "/s/" not in reply


async def test_run_serves_the_screen_beside_the_bot_and_it_follows_the_group(
        tmp_path: Path, sqlite_url: str) -> None:
    port = free_port()
    async with staged(tmp_path, database_url=sqlite_url, transcriber=FakeTranscriber(),
                      web_port=port) as stage:
        stage.open_group("平桥议事堂", ["主持人", "张三"])
        await stage.ask("主持人", "/new 老旧小区加装电梯")
        reply = text(await stage.ask("主持人", "/screen"))
        found = re.search(r"/s/([A-Za-z0-9_-]+)", reply)
        assert found is not None
        async with aiohttp.ClientSession(f"http://127.0.0.1:{port}") as web:
            async with web.get(f"/s/{found.group(1)}") as page:
                assert page.status == 200 and "老旧小区加装电梯" in await page.text()
            async with web.get(f"/s/{found.group(1)}/events") as stream:
                first = await asyncio.wait_for(next_event(stream.content), 5)
                assert "张三" not in first
                await stage.ask("张三", "/signin")
                await stage.ask("张三", "/hand")
                queue = ""  # the sign-in's update first, then the hand's
                while "张三" not in queue:
                    queue = queue_of(await asyncio.wait_for(next_event(stream.content), 5))


async def test_web_port_zero_runs_the_bot_without_the_web(tmp_path: Path,
                                                           sqlite_url: str) -> None:
    """YISHITANG_WEB_PORT=0: no web app in this process (a separate `yishitang web` may serve
    it); the bot works as before and nothing listens on the port the web would take."""
    port = free_port()
    async with staged(tmp_path, database_url=sqlite_url, transcriber=FakeTranscriber(),
                      web_port=0, web_url=f"http://127.0.0.1:{port}") as stage:
        assert stage.runtime.web is None
        stage.open_group("平桥议事堂", ["主持人"])
        assert "老旧小区加装电梯" in text(await stage.ask("主持人", "/new 老旧小区加装电梯"))
        with pytest.raises(aiohttp.ClientConnectionError):
            async with aiohttp.ClientSession() as web, \
                    web.get(f"http://127.0.0.1:{port}/s/x"):
                pass
