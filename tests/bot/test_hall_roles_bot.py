"""Per-hall roles in the bot (issue 13), through the real bot over the Bot API sandbox: a
staff grant for one hall lets its holder run that hall's session and read its record, not
another hall's; a viewer reads but does not run; a revoked grant is refused at the very next
action (nothing cached); configuration's admins run every hall; forgetting a person needs an
admin."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from facilitation.audit import Operator
from facilitation.roles import Role, grant_role, revoke_role
from tests.bot.messages import text
from tests.fakes import FakeTranscriber
from yishitang.stage import Stage, staged

OFFICE_ID = 1000901
EAST, WEST = "东头村议事堂", "西山村议事堂"
REFUSED = "只有本场主持人或工作人员可以这样做"


@pytest.fixture
async def stage(tmp_path: Path, db_url: str) -> AsyncIterator[Stage]:
    async with staged(tmp_path, database_url=db_url, transcriber=FakeTranscriber(),
                      staff_user_ids=[OFFICE_ID]) as running:
        running.person("办公室", user_id=OFFICE_ID)
        yield running


async def _hall(stage: Stage, title: str, moderator: str, topic: str, words: str) -> int:
    group = stage.open_group(title, [moderator, "小周", "小王", "张三", "办公室"])
    assert "议事会已开启" in text(await stage.ask(moderator, f"/new {topic}", group))
    assert "已签到" in text(await stage.ask("张三", "/signin", group))
    stage.say("张三", words, group)
    await stage.settled()
    return group.id


async def _grant(stage: Stage, name: str, role: Role, hall: int | None) -> None:
    await grant_role(stage.runtime.uow(), by=Operator("root"), role=role, hall_chat_id=hall,
                     now=stage.clock(), telegram_user_id=stage.person(name).id)


async def test_a_hall_grant_runs_that_hall_only_and_is_read_live(stage: Stage) -> None:
    await _hall(stage, WEST, "王主任", "山塘清淤", "山塘淤泥太厚了")
    west_group = stage.group
    east = await _hall(stage, EAST, "李主席", "村道硬化", "村道一下雨就全是泥")
    east_group = stage.group
    assert west_group is not None and east_group is not None
    await _grant(stage, "小周", Role.STAFF, east)
    await _grant(stage, "小王", Role.VIEWER, east)
    said = text(await stage.ask("小王", "/whoami", stage.private("小王")))
    assert f"您的工作台角色：viewer（议事堂 {east}）" in said, said

    # staff of the east hall run its session, though they did not open it
    assert "发言时限已设为" in text(await stage.ask("小周", "/limit 3", east_group))
    # not the west hall's, nor can a viewer run anything
    assert REFUSED in text(await stage.ask("小周", "/limit 3", west_group))
    assert REFUSED in text(await stage.ask("小王", "/limit 3", east_group))
    # configuration's admin runs every hall without any grant
    assert "发言时限已设为" in text(await stage.ask("办公室", "/limit 4", west_group))

    # in private, staff and viewers search their halls' words, not another hall's
    for name in ("小周", "小王"):
        found = text(await stage.ask(name, "/search 村道", stage.private(name)))
        assert "村道一下雨" in found, found
        assert "没有找到" in text(await stage.ask(name, "/search 淤泥", stage.private(name)))
    nobody = text(await stage.ask("李四", "/search 村道", stage.private("李四")))
    assert "村道一下雨" not in nobody

    # the grant goes: refused at the next action, no restart, nothing cached
    await revoke_role(stage.runtime.uow(), by=Operator("root"), role=Role.STAFF,
                      hall_chat_id=east, now=stage.clock(),
                      telegram_user_id=stage.person("小周").id)
    assert REFUSED in text(await stage.ask("小周", "/limit 5", east_group))
    assert "没有找到" in text(await stage.ask("小周", "/search 村道", stage.private("小周")))

    # a grant for every hall covers both
    await _grant(stage, "小周", Role.STAFF, None)
    assert "发言时限已设为" in text(await stage.ask("小周", "/limit 5", west_group))
    assert "发言时限已设为" in text(await stage.ask("小周", "/limit 5", east_group))


async def test_forgetting_someone_needs_an_admin(stage: Stage) -> None:
    east = await _hall(stage, EAST, "李主席", "村道硬化", "村道一下雨就全是泥")
    await _grant(stage, "小周", Role.STAFF, east)
    refused = text(await stage.ask("小周", "/forget 张三", stage.private("小周")))
    assert "只有管理员" in refused, refused
    asked = text(await stage.ask("办公室", "/forget 张三", stage.private("办公室")))
    assert "只有管理员" not in asked and "张三" in asked, asked
