"""待核对 through the real bot and the sandbox: an unsure voice turn is marked in the draft and
in 发言确认, and /approve (or ✅ 批准) with unchecked turns asks first, with a button to
approve anyway."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from storage.minutes_repository import SqlAlchemyMinutesRepository
from tests.bot.messages import button, text
from tests.fakes import FakeTranscriber
from yishitang.stage import Stage, staged

MOD = "李主席"


@pytest.fixture
async def stage(tmp_path: Path, db_url: str) -> AsyncIterator[Stage]:
    async with staged(tmp_path, database_url=db_url, transcriber=FakeTranscriber()) as running:
        running.open_group("议事堂", [MOD, "张三", "王科长"])
        yield running


async def voice(stage: Stage, name: str, said: str, shown: str) -> None:
    sent = stage.sandbox.send_voice(stage.person(name), stage.group, f"SAY:{said}".encode(), 3)

    def captioned(sb: Any) -> dict[str, Any] | None:
        return next((m for m in sb.messages(stage.group)
                     if (m.get("reply_to_message") or {}).get("message_id")
                     == sent["message_id"] and shown in text(m)), None)

    await stage.sandbox.wait_for(captioned, 10.0, f"a caption saying {shown!r}")


async def two_unsure_turns(stage: Stage) -> dict[str, Any]:
    """张三 (reachable in private) and 王科长 (not) each say one unsure turn, 张三 also a sure
    one; the session ends; returns the draft sent to the moderator."""
    for name in (MOD, "张三"):
        await stage.ask(name, "/start", stage.private(name))
    await stage.ask(MOD, "/new 小区停车难")
    for name in ("张三", "王科长"):
        await stage.ask(name, "/signin")
        await stage.ask(name, "/hand")
    await stage.ask(MOD, "/next")
    await voice(stage, "张三", "?建议在东门划二十个车位。", "东门")
    await voice(stage, "张三", "方便老人停车。", "老人")
    await stage.ask(MOD, "/next")
    await voice(stage, "王科长", "?城管局六月底前完成。", "城管局")
    private = stage.private(MOD)
    before = max([m["message_id"] for m in stage.sandbox.messages(private)], default=0)
    await stage.ask(MOD, "/end")
    draft = await stage.sandbox.wait_for_message(private, "协商纪要（草稿）", before)
    await stage.settled()
    return draft


async def test_unsure_turns_are_marked_and_approval_asks_first(stage: Stage) -> None:
    draft = await two_unsure_turns(stage)
    private = stage.private(MOD)
    assert "待核对：2 段" in text(draft)
    assert "#1〔待核对〕 张三" in text(draft) and "#3〔待核对〕 王科长" in text(draft)
    assert "#2〔待核对〕" not in text(draft)

    # ✅ 批准 asks: how many turns, which; nothing is approved yet
    await stage.press(MOD, draft, button(draft, "mn:approve:"))
    ask = await stage.sandbox.wait_for_message(private, "仍要批准吗")
    assert "2 段待核对的发言（#1、#3）" in text(ask)
    assert button(ask, "mn:force:") and button(ask, "mn:confirm:")

    # 发言确认: 张三 sees his unsure turn marked, and confirms
    await stage.press(MOD, ask, button(ask, "mn:confirm:"))
    zhang = stage.private("张三")
    request = await stage.sandbox.wait_for_message(zhang, "发言确认")
    assert "#1〔待核对〕：建议在东门" in text(request) and "#2：方便老人" in text(request)
    assert "请特别留意" in text(request)
    assert "已确认" in await stage.press("张三", request, button(request, "cf:ok:"))

    # now only 王科长's turn is unchecked: /approve asks about #3 alone
    shown = await stage.ask(MOD, "/draft", private)
    assert "待核对：1 段" in text(shown) and "#1〔待核对〕" not in text(shown)
    asked = await stage.ask(MOD, "/approve", private)
    assert "1 段待核对的发言（#3）" in text(asked)
    async with stage.runtime.uow() as work:
        assert await work.minutes.latest_version(1) is None

    # approving anyway freezes version 1, the unchecked turn marked in it
    await stage.press(MOD, asked, button(asked, "mn:force:"))
    await stage.sandbox.wait_for_message(private, "已批准为第 1 版")
    async with stage.runtime.uow() as work:
        assert isinstance(work.minutes, SqlAlchemyMinutesRepository)
        version = await work.minutes.version(1, 1)
    assert version is not None
    utterances = json.loads(version.body)["transcript"]["utterances"]
    assert [u["seq"] for u in utterances if u.get("review")] == [3]


async def test_a_correction_clears_the_mark_and_approval_goes_through(stage: Stage) -> None:
    await two_unsure_turns(stage)
    private = stage.private(MOD)
    await stage.ask(MOD, "/fix 1 建议在东门划二十个车位。", private)
    await stage.ask(MOD, "/fix 3 城管局六月底前完成施划。", private)
    shown = await stage.ask(MOD, "/draft", private)
    assert "待核对" not in text(shown)
    await stage.ask(MOD, "/approve", private)
    await stage.sandbox.wait_for_message(private, "已批准为第 1 版")
