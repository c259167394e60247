"""/whoami through the real bot and the Bot API sandbox: the id an operator puts in
YISHITANG_STAFF_USER_IDS, whether that person is staff, and the group's chat id."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.common import deps_of
from tests.bot.messages import text
from tests.fakes import FakeTranscriber
from yishitang.stage import Stage, staged


@pytest.fixture
async def stage(tmp_path: Path, sqlite_url: str) -> AsyncIterator[Stage]:
    async with staged(tmp_path, database_url=sqlite_url, transcriber=FakeTranscriber()) as s:
        s.open_group("平桥议事堂", ["张三", "督导"])
        yield s


async def test_whoami_in_private_gives_the_user_id(stage: Stage) -> None:
    zhang = stage.person("张三")
    reply = text(await stage.ask("张三", "/whoami", stage.private("张三")))
    assert f"您的 Telegram 用户 ID 是 {zhang.id}。" in reply
    assert "您不是工作人员" in reply and "YISHITANG_STAFF_USER_IDS" in reply
    assert "chat ID" not in reply  # a private chat's id is the user's own


async def test_whoami_says_who_is_staff_and_the_group_id(stage: Stage) -> None:
    assert stage.group is not None
    staff = stage.person("督导")
    deps_of(stage.runtime.app).staff_user_ids = frozenset({staff.id})
    reply = text(await stage.ask("督导", "/whoami"))
    assert f"ID 是 {staff.id}。" in reply and "您是工作人员" in reply
    assert f"本群的 chat ID 是 {stage.group.id}。" in reply
    english = stage.person("Alice", language="en")
    reply = text(await stage.ask("Alice", "/whoami", stage.private("Alice")))
    assert f"your Telegram user id is {english.id}." in reply and "not staff" in reply


async def test_whoami_as_a_channel_points_to_the_own_account(stage: Stage) -> None:
    assert stage.group is not None
    sent = stage.sandbox.send_as_chat(stage.person("张三"), stage.group, "/whoami",
                                      channel_title="街道融媒体", channel_id=-1002000000001)
    reply = text(await stage.sandbox.wait_for_reply(sent))
    assert "街道融媒体" in reply and "-1002000000001" in reply and "私聊" in reply
    assert str(stage.person("张三").id) not in reply


async def test_whoami_is_in_both_menus(stage: Stage) -> None:
    await stage.settled()
    for call in stage.sandbox.calls_to("setMyCommands"):
        commands = call.param("commands")
        listed = json.loads(commands) if isinstance(commands, str) else commands
        assert "whoami" in {c["command"] for c in listed}, call.param("scope")
