"""/forget and /export through the real bot and the Bot API sandbox: staff only, a
confirmation that names the person and is rewritten once they are forgotten, the export sent
privately as JSON, and the staff's own command menu."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text as text_sql

from bot.app import publish_commands
from bot.common import deps_of
from facilitation.record import load_record
from tests.bot.messages import button, text
from tests.fakes import FakeTranscriber
from yishitang.stage import Stage, staged

MOD, STAFF = "李主席", "督导"
SAID = "我家门口的路灯坏了三个月"


@pytest.fixture
async def stage(tmp_path: Path, db_url: str) -> AsyncIterator[Stage]:
    async with staged(tmp_path, database_url=db_url, transcriber=FakeTranscriber()) as running:
        running.open_group("议事堂", [MOD, "张三", STAFF])
        await running.ask(MOD, "/new 路灯维修")
        await running.ask("张三", "/signin")
        await running.ask("张三", "/hand")
        await running.ask(MOD, "/next")
        running.say("张三", SAID)
        await running.settled()
        deps_of(running.runtime.app).staff_user_ids = frozenset({running.person(STAFF).id})
        yield running


async def test_only_admins_may_forget_or_export(stage: Stage) -> None:
    for command in ("/forget 张三", "/export 张三"):
        answer = text(await stage.ask(MOD, command, stage.private(MOD)))
        assert answer == "只有管理员（政协办公室）可以这样做。", answer
    assert "用法" in text(await stage.ask(STAFF, "/forget", stage.private(STAFF)))
    assert "没有找到此人：王五" in text(await stage.ask(STAFF, "/forget 王五",
                                                      stage.private(STAFF)))


async def _ask_to_forget_by_reply(stage: Stage) -> dict[str, Any]:
    said = next(m for m in stage.sandbox.messages(stage.group, include_users=True)
                if m.get("text") == SAID)
    command = stage.sandbox.send_text(stage.person(STAFF), stage.group, "/forget",
                                      reply_to=said["message_id"])
    return await stage.sandbox.wait_for_reply(command)


async def test_staff_forget_by_reply_after_confirming(stage: Stage) -> None:
    question = await _ask_to_forget_by_reply(stage)
    assert "确认删除" in text(question) and "张三" in text(question), text(question)
    assert "1 场议事会中的 1 条发言" in text(question)
    intruder = await stage.press(MOD, question, button(question, "pf:yes:"))
    assert intruder == "只有管理员（政协办公室）可以这样做。"  # as its command
    assert "已取消" in await stage.press(STAFF, question, button(question, "pf:no:"))
    assert "张三" not in text(stage.sandbox.message(stage.group, question["message_id"]) or {})
    question = await _ask_to_forget_by_reply(stage)
    answer = await stage.press(STAFF, question, button(question, "pf:yes:"))
    label = answer.split("“")[1].split("”")[0]
    assert answer.startswith("已删除 #") and label.startswith("匿名发言人"), answer
    edited = stage.sandbox.message(stage.group, question["message_id"])
    assert edited is not None and "张三" not in text(edited) and label in text(edited)
    record = await load_record(stage.runtime.uow(), chat_id=stage.group.id)
    assert [(c.speaker_name, c.text) for c in record.contributions] == [(label, SAID)]
    assert [a.name for a in record.attendance] == [MOD, label]
    await stage.settled()
    async with stage.runtime.engine.connect() as connection:
        stored = [row[0] for row in await connection.execute(text_sql(
            "SELECT payload FROM inbox"))]
    assert stored and not [p for p in stored if "张三" in p]  # their updates, the question
    again = text(await stage.ask(STAFF, f"/forget {stage.person('张三').id}",
                                 stage.private(STAFF)))
    assert again.startswith("没有找到此人"), again  # the Telegram id is gone with them


async def test_export_is_sent_privately_as_json(stage: Stage) -> None:
    refused = text(await stage.ask(STAFF, "/export 张三"))
    assert "私聊" in refused
    sent = await stage.ask(STAFF, f"/export {stage.person('张三').id}", stage.private(STAFF))
    assert "张三" in text(sent) and sent["document"]["file_name"].endswith(".json")
    data = json.loads(stage.sandbox.files[sent["document"]["file_id"]].data)
    assert data["person"]["display_name"] == "张三"
    assert data["person"]["telegram_user_id"] == stage.person("张三").id
    assert [c["text"] for c in data["contributions"]] == [SAID]
    assert [s["topic"] for s in data["sessions"]] == ["路灯维修"]


async def test_staff_get_the_staff_commands_in_their_menu(stage: Stage) -> None:
    await stage.ask(STAFF, "/start", stage.private(STAFF))  # a private chat must exist
    before = len(stage.sandbox.calls_to("setMyCommands"))
    await publish_commands(stage.runtime.app)
    staff_menus = [c for c in stage.sandbox.calls_to("setMyCommands")[before:]
                   if "chat" == _scope(c.param("scope"))["type"]]
    assert len(staff_menus) == 2  # zh and en
    commands = staff_menus[0].param("commands")
    names = {c["command"] for c in (json.loads(commands) if isinstance(commands, str)
                                    else commands)}
    assert {"forget", "export", "draft", "approve"} <= names


def _scope(raw: object) -> dict[str, object]:
    return json.loads(raw) if isinstance(raw, str) else dict(raw)  # type: ignore[call-overload]
