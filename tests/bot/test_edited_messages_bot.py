"""Edited messages through the real bot and the sandbox: a speaker who edits 三百元 to 三十元
finds 三十元 in the draft minutes, the original kept; nobody else's edit gets into the record
(issue 9, point 7)."""

from __future__ import annotations

import copy
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from facilitation.model import Contribution
from tests.bot.messages import text
from tests.fakes import FakeTranscriber
from yishitang.stage import Stage, staged

MOD = "李主席"
SAID = "建议每户每月收取三百元停车管理费。"
MEANT = "建议每户每月收取三十元停车管理费。"


@pytest.fixture
async def stage(tmp_path: Path, db_url: str) -> AsyncIterator[Stage]:
    async with staged(tmp_path, database_url=db_url, transcriber=FakeTranscriber()) as running:
        running.open_group("议事堂", [MOD, "张三", "李四"])
        yield running


async def recorded(stage: Stage) -> list[Contribution]:
    async with stage.runtime.uow() as work:
        session = await work.sessions.latest()
        assert session is not None and session.id is not None
        return await work.contributions.list(session.id)


def forge_edit(stage: Stage, name: str, message: dict[str, Any], new_text: str) -> None:
    """An edited_message update that says ``name`` edited ``message`` (someone else's):
    Telegram never sends one, a forged update could."""
    chat, stored = stage.sandbox.get_message(message)
    forged = copy.deepcopy(stored)
    forged.update({"from": stage.person(name).to_dict(), "text": new_text,
                   "edit_date": int(time.time())})
    stage.sandbox.dispatch_message(chat, forged, "edited_message", time.perf_counter_ns())
    stage.sandbox.notify()


async def test_an_edited_turn_is_corrected_in_the_draft_and_the_original_kept(
        stage: Stage) -> None:
    await stage.ask(MOD, "/start", stage.private(MOD))
    await stage.ask(MOD, "/new 小区停车难")
    for name in ("张三", "李四"):
        await stage.ask(name, "/signin")
    await stage.ask("张三", "/hand")
    await stage.ask(MOD, "/next")
    spoken = stage.say("张三", SAID)
    await stage.settled()
    remark = stage.say("李四", "夜里违停太多了。")
    await stage.settled()

    stage.sandbox.edit_text(stage.person("张三"), spoken, MEANT)
    forge_edit(stage, "张三", remark, "李四同意收三千元。")  # not his message
    await stage.settled()
    turns = await recorded(stage)
    assert [(c.text, c.original_text) for c in turns] == [
        (MEANT, SAID), ("夜里违停太多了。", None)]

    private = stage.private(MOD)
    before = max([m["message_id"] for m in stage.sandbox.messages(private)], default=0)
    assert "议事会结束" in text(await stage.ask(MOD, "/end"))
    await stage.sandbox.wait_for_message(private, "协商纪要（草稿）", before)
    await stage.settled()
    markdown = next(stage.sandbox.files[m["document"]["file_id"]].data.decode()
                    for m in stage.sandbox.messages(private)
                    if m["message_id"] > before and "document" in m
                    and m["document"]["file_name"].endswith(".md"))
    assert "三十元" in markdown and "三百元" not in markdown
    assert "三千元" not in markdown


async def test_an_edited_written_submission_is_corrected_and_relayed(stage: Stage) -> None:
    await stage.ask(MOD, "/new 小区停车难")
    await stage.ask("张三", "/signin")
    zhang = stage.private("张三")
    await stage.ask("张三", "/start", zhang)
    submission = stage.say("张三", SAID, zhang)
    assert "第 1 条" in text(await stage.sandbox.wait_for_reply(submission))
    assert SAID in text(await stage.sandbox.wait_for_message(stage.group, "书面发言"))

    stage.sandbox.edit_text(stage.person("张三"), submission, MEANT)
    said = text(await stage.sandbox.wait_for_message(zhang, "已更正您的书面发言"))
    assert "第 1 条" in said and "原文留档" in said
    relay = text(await stage.sandbox.wait_for_message(stage.group, "更正了书面发言"))
    assert MEANT in relay and "张三" in relay
    assert [(c.text, c.original_text) for c in await recorded(stage)] == [(MEANT, SAID)]
