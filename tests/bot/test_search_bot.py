"""/search through the real bot and the Bot API sandbox: a group finds its own sessions'
turns; in private, a participant finds only the sessions they attended, staff every hall's."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.common import deps_of
from tests.bot.messages import text
from tests.fakes import FakeTranscriber
from yishitang.stage import Stage, staged

MOD = "李主席"
SMELL = "下洋溪那一段这几年一到夏天就有味道"
SEWER = "园区二期污水主管网接驳城东污水处理厂"


async def _hall(stage: Stage, title: str, topic: str, members: list[str],
                said: list[tuple[str, str]]) -> None:
    """A group with an open session in which ``said`` was said, one text after another."""
    group = stage.open_group(title, [MOD, *members])
    assert "议事会已开启" in text(await stage.ask(MOD, f"/new {topic}", group))
    for name in members:
        assert "已签到" in text(await stage.ask(name, "/signin", group))
    for name, words in said:
        stage.say(name, words, group)
        await stage.settled()  # each recorded before the next: their numbers follow in order


@pytest.fixture
async def stage(tmp_path: Path, db_url: str) -> AsyncIterator[Stage]:
    async with staged(tmp_path, database_url=db_url, transcriber=FakeTranscriber()) as running:
        await _hall(running, "河西议事堂", "河道污水治理", ["张三", "王科长"],
                    [("张三", SMELL), ("王科长", SEWER), ("张三", "污水处理厂离我们村太远")])
        yield running


async def test_search_in_the_group_finds_the_turn(stage: Stage) -> None:
    reply = text(await stage.ask("张三", "/search 污水处理厂"))
    assert "《河道污水治理》" in reply and "年" in reply, reply
    assert "#2 王科长：" in reply and "城东污水处理厂" in reply
    assert "#3 张三：" in reply and "下洋溪" not in reply
    reply = text(await stage.ask("张三", "/search 下洋溪 味道"))
    assert "#1 张三：" in reply and "#2" not in reply
    assert "没有找到" in text(await stage.ask("张三", "/search 下洋溪 处理厂"))


@pytest.mark.parametrize(("command", "expected"), [
    ("/search", "用法：/search 词语"),
    ("/search    ", "用法：/search 词语"),
    ("/search 的 了 吧", "请写出要找的词语"),
    ("/search " + "污水" * 60, "要找的内容太长了"),
])
async def test_search_without_words(stage: Stage, command: str, expected: str) -> None:
    assert expected in text(await stage.ask("张三", command))


async def test_private_search_sees_only_attended_sessions(stage: Stage) -> None:
    east = stage.group
    await _hall(stage, "城东议事堂", "城东污水处理厂扩建", ["李四"], [("李四", "污水处理厂要扩容")])
    zhang = text(await stage.ask("张三", "/search 污水处理厂", stage.private("张三")))
    assert "《河道污水治理》" in zhang and "城东污水处理厂扩建" not in zhang, zhang
    li = text(await stage.ask("李四", "/search 污水处理厂", stage.private("李四")))
    assert "《城东污水处理厂扩建》" in li and "#1 李四：" in li and "河道污水治理" not in li, li
    assert "（议题相符）" in li  # the topic matched too
    # in a group, only that group's sessions, whoever asks
    assert "河道污水治理" not in text(await stage.ask(MOD, "/search 污水处理厂", stage.group))
    assert "河道污水治理" in text(await stage.ask(MOD, "/search 污水处理厂", east))
    stranger = text(await stage.ask("赵五", "/search 污水处理厂", stage.private("赵五")))
    assert "没有找到" in stranger
    deps_of(stage.runtime.app).staff_user_ids = frozenset({stage.person("督导").id})
    staff = text(await stage.ask("督导", "/search 污水处理厂", stage.private("督导")))
    assert "《河道污水治理》" in staff and "《城东污水处理厂扩建》" in staff, staff
