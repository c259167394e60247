"""A whole meeting's recording uploaded from the session's page in Chromium, beside the real
bot over the Bot API sandbox, on both databases: the hall's staff member chooses a real clip
and uploads it; the page's progress bar reaches 100%, the recording is listed as transcribing
(at the fraction the scribe wrote to its job), then as done with the turns it added, which the
transcript shows after a reload. The engine is held halfway so that each state can be seen."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Page, expect

from facilitation.audit import Operator
from facilitation.roles import Role, grant_role
from facilitation.services import Actor
from facilitation.speech import Progress, Segment, Transcript, TranscriptionRequest
from facilitation.staff_desk import issue_login_link
from tests.browser.harness import axe_violations, snap
from yishitang.stage import Stage, free_port, staged

MEETING = Path(__file__).parents[1] / "data" / "audio" / "long" / "funasr__VAD_30s_mono.wav"
WAIT_MS = 10_000  # the page polls every 2 s


class HeldHalfway:
    """Hears any uploaded audio as two turns, once it has reported half of it done and been
    let go (the real engine is the web test's: tests/portal/test_recording_upload.py)."""

    engine, model = "held", "held-1"

    def __init__(self) -> None:
        self.go = asyncio.Event()

    async def start(self) -> None:
        """Nothing to load."""

    async def close(self) -> None:
        """Nothing to free."""

    async def transcribe(self, audio: Path | bytes, request: TranscriptionRequest,
                         progress: Progress | None = None) -> Transcript:
        assert isinstance(audio, Path)
        assert await asyncio.to_thread(audio.read_bytes) == MEETING.read_bytes()
        assert progress is not None and request.vad  # a recording's request
        progress(0.5)
        await self.go.wait()
        return Transcript("村道要硬化。路灯也要装。", "zh", 31.0, (
            Segment(0.0, 4.0, "村道要硬化。"), Segment(10.0, 14.0, "路灯也要装。")),
            self.engine, self.model)


@pytest_asyncio.fixture(loop_scope="session")
async def stage(tmp_path: Path, db_url: str) -> AsyncIterator[tuple[Stage, HeldHalfway]]:
    port = free_port()
    engine = HeldHalfway()
    async with staged(tmp_path, database_url=db_url, transcriber=engine, web_port=port,
                      web_url=f"http://127.0.0.1:{port}") as running:
        running.open_group("东头村议事堂", ["主持人", "张三", "小周"])
        yield running, engine


async def test_upload_a_recording_and_watch_it_transcribed(
        stage: tuple[Stage, HeldHalfway], page: Page, request: pytest.FixtureRequest) -> None:
    db = request.node.callspec.params["db_url"]
    running, engine = stage
    assert running.group is not None
    await running.ask("主持人", "/new 村道硬化")
    await running.ask("主持人", "/end")
    clerk = running.person("小周")
    await grant_role(running.runtime.uow(), by=Operator("root"), role=Role.STAFF,
                     hall_chat_id=running.group.id, now=running.clock(),
                     telegram_user_id=clerk.id)
    async with running.runtime.uow() as u:
        [session] = await u.sessions.recent(running.group.id, limit=1)
    token = await issue_login_link(running.runtime.uow(), Actor(clerk.id, "小周"),
                                   bootstrap_ids=(), now=running.clock())
    base = running.runtime.settings.web_url.rstrip("/")
    await page.goto(f"{base}/login/{token}")
    await page.get_by_role("button").click()
    await expect(page).to_have_url(re.compile(r"/staff$"), timeout=WAIT_MS)
    await page.goto(f"{base}/staff/s/{session.id}")

    await page.get_by_label(re.compile("上传整场会议录音")).set_input_files(MEETING)
    await page.get_by_role("button", name="上传并转写").click()
    bar = page.get_by_test_id("upload-progress")
    await expect(bar).to_be_visible(timeout=WAIT_MS)
    await expect(bar).to_have_js_property("value", 100, timeout=WAIT_MS)
    await expect(page.get_by_test_id("upload-message")).to_have_text("上传完成，已排队转写。")
    recordings = page.get_by_test_id("recordings")
    await expect(recordings).to_contain_text("网页上传的录音", timeout=WAIT_MS)
    await expect(recordings).to_contain_text("转写中 50%", timeout=WAIT_MS)
    assert await axe_violations(page) == [], "session page, transcribing"
    await snap(page, f"staff-recording-{db}")

    engine.go.set()
    await expect(recordings).to_contain_text("转写完成，已加入 2 段记录", timeout=WAIT_MS)
    await expect(recordings.locator("li")).to_have_attribute("data-state", "done")
    await page.reload()
    await expect(page.get_by_test_id("transcript")).to_contain_text("路灯也要装。")
    await expect(page.get_by_test_id("recordings")).to_contain_text("转写完成")
