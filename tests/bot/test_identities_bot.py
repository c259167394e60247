"""Who a message is from, as Telegram says it: messages sent as a channel or by a group's
anonymous admins are that chat's, not one shared person (issue 9, point 2)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.bot.messages import text
from tests.fakes import FakeTranscriber
from yishitang.stage import Stage, staged

MOD = "李主席"


@pytest.fixture
async def stage(tmp_path: Path, sqlite_url: str) -> AsyncIterator[Stage]:
    async with staged(tmp_path, database_url=sqlite_url, transcriber=FakeTranscriber()) as s:
        s.open_group("议事堂", [MOD, "张三", "王五"])
        yield s


async def as_chat(stage: Stage, name: str, words: str, channel: str | None = None,
                  channel_id: int | None = None) -> str:
    assert stage.group is not None
    sent = stage.sandbox.send_as_chat(stage.person(name), stage.group, words,
                                      channel_title=channel, channel_id=channel_id)
    return text(await stage.sandbox.wait_for_reply(sent))


async def test_channels_and_anonymous_admins_are_each_their_own_sender(stage: Stage) -> None:
    opened = await as_chat(stage, MOD, "/new 河道保洁", "街道融媒体", -1002000000001)
    assert "河道保洁" in opened
    # another channel, and the group's anonymous admins, do not run channel A's session
    for channel, channel_id in (("村务公开", -1002000000002), (None, None)):
        assert "只有本场主持人" in await as_chat(stage, "张三", "/next", channel, channel_id)
        assert "只有本场主持人" in await as_chat(stage, "张三", "/end", channel, channel_id)
    # the channel that opened it runs it, and is named in the record by its title
    queue = await as_chat(stage, "王五", "/queue", "街道融媒体", -1002000000001)
    assert queue.startswith("📋 发言队列（0 人）")
    ended = await as_chat(stage, MOD, "/end", "街道融媒体", -1002000000001)
    assert ended.startswith("🏁 议事会结束：河道保洁")
    told = await stage.sandbox.wait_for_message(stage.group, "本人账号")  # the draft is private
    assert "/draft" in text(told)
    async with stage.runtime.uow() as work:
        session = await work.sessions.latest(stage.group.id)
        assert session is not None
        moderator = await work.people.get(session.moderator_id)
    assert moderator is not None and moderator.display_name == "街道融媒体"
    assert moderator.telegram_user_id == -1002000000001
    # nothing was sent to the channel's id as if it were a private chat
    assert not [c for c in stage.sandbox.calls if c.param("chat_id") in (-1002000000001,
                                                                       "-1002000000001")]
