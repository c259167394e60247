"""Acknowledgements over the sandbox: one alone is a reply as it always was; a burst gives one
message listing everyone; anything else sent to the chat waits for them (bot/acks.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from facilitation.record import load_record
from tests.bot.messages import not_board
from tests.fakes import FakeTranscriber
from yishitang.stage import Stage, staged

MOD = "李主席"
CROWD = [f"居民{n}" for n in range(1, 31)]
NOTICE = "请知悉：本次议事会全程记录"


def text(message: dict[str, Any]) -> str:
    return str(message.get("text") or "")


def quoted(message: dict[str, Any]) -> int | None:
    return (message.get("reply_to_message") or {}).get("message_id")


def buttons(message: dict[str, Any]) -> list[str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [b.get("callback_data") or b.get("url") for row in rows for b in row]


@pytest.fixture
async def stage(tmp_path: Path, sqlite_url: str) -> AsyncIterator[Stage]:
    async with staged(tmp_path, database_url=sqlite_url, transcriber=FakeTranscriber()) as running:
        running.open_group("议事堂", [MOD, *CROWD])
        assert "议事会已开启" in text(await running.ask(MOD, "/new 停车难怎么解决"))
        yield running


def after(stage: Stage, message: dict[str, Any]) -> list[dict[str, Any]]:
    assert stage.group is not None
    return [m for m in not_board(stage.sandbox.messages(stage.group.id))
            if m["message_id"] > message["message_id"]]


async def test_one_at_a_time_each_gets_its_own_reply_as_before(stage: Stage) -> None:
    signin = stage.say("居民1", "/signin")
    reply = await stage.sandbox.wait_for_reply(signin)
    assert text(reply) == "✅ 居民1（其他）已签到。现到 2 人。"
    await stage.settled()
    [notice] = [m for m in after(stage, signin) if NOTICE in text(m)]
    assert text(notice).startswith("📼 居民1，请知悉") and buttons(notice) == ["notice"]
    assert quoted(notice) is None
    hand = await stage.ask("居民1", "/hand")
    assert text(hand) == "✋ 居民1 举手，排第 1 位。"


async def test_a_burst_is_acknowledged_in_one_message_listing_everyone(stage: Stage) -> None:
    signins = [stage.say(name, "/signin") for name in CROWD]  # all at once
    hands = [stage.say(name, "/hand") for name in CROWD]
    await stage.settled()
    sent = after(stage, hands[-1])
    assert [text(m)[:6] for m in sent] == ["✅ 已签到：", f"📼 {CROWD[0]}、", "✋ 举手：居"]
    signed, notice, raised = sent
    assert text(signed) == f"✅ 已签到：{'、'.join(CROWD)}（共 30 人，现到 31 人）"
    assert quoted(signed) == signins[0]["message_id"]
    assert buttons(signed) == [f"https://t.me/yishitang_bot?start={await code(stage)}"]
    assert text(notice).startswith(f"📼 {'、'.join(CROWD)}，请知悉")
    assert buttons(notice) == ["notice"]
    listed = "、".join(f"{name}（第 {n} 位）" for n, name in enumerate(CROWD, start=1))
    assert text(raised) == f"✋ 举手：{listed}（共 30 人）"
    assert quoted(raised) == hands[0]["message_id"]
    record = await load_record(stage.runtime.uow())
    assert [a.name for a in record.attendance] == [MOD, *CROWD]


async def code(stage: Stage) -> str:
    async with stage.runtime.uow() as work:
        session = await work.sessions.latest()
    assert session is not None
    return session.code


async def test_other_messages_to_the_chat_wait_for_pending_acknowledgements(
        stage: Stage) -> None:
    """A written submission relayed to the group while sign-ins are being gathered: the
    acknowledgement of those sign-ins goes first, then the relay, in the order they happened."""
    private = stage.private("居民1")
    assert "您已签到" in text(await stage.ask("居民1", f"/start {await code(stage)}", private))
    await stage.settled()
    first = stage.say("居民2", "/signin")
    stage.say("居民3", "/signin")
    stage.say("居民1", "建议晚上错峰停车", private)
    stage.say("居民4", "/signin")
    await stage.settled()
    sent = [text(m) for m in after(stage, first)]
    assert sent[0] == "✅ 已签到：居民2、居民3（共 2 人，现到 4 人）"
    assert sent[1].startswith("📼 居民2、居民3，请知悉")
    assert sent[2] == "📝 居民1 书面发言：\n建议晚上错峰停车"
    assert sent[3] == "✅ 居民4（其他）已签到。现到 5 人。"  # alone after the relay: as before
    assert sent[4].startswith("📼 居民4，请知悉")


async def test_a_refusal_in_a_burst_comes_after_the_acknowledgements_before_it(
        stage: Stage) -> None:
    first = stage.say("居民1", "/signin")
    stage.say("居民2", "/signin")
    refused = stage.say("居民9", "/hand")  # not signed in
    stage.say("居民3", "/signin")
    await stage.settled()
    sent = after(stage, first)
    assert [text(m)[:8] for m in sent] == [
        "✅ 已签到：居民", "📼 居民1、居民", "请先签到（发送 ", "✅ 居民3（其他", "📼 居民3，请知"]
    assert quoted(sent[2]) == refused["message_id"]


async def test_the_shared_notice_button_records_whoever_presses_it(stage: Stage) -> None:
    stage.say("居民1", "/signin")
    stage.say("居民2", "/signin")
    await stage.settled()
    assert stage.group is not None
    notice = next(m for m in not_board(stage.sandbox.messages(stage.group.id)) if NOTICE in text(m))
    assert "已确认" in await stage.press("居民1", notice, "notice")
    assert "已确认" in await stage.press("居民2", notice, "notice")
    # the button stays for others
    assert buttons(not_board(stage.sandbox.messages(stage.group.id))[-1]) == ["notice"]
    async with stage.runtime.uow() as work:
        for name in ("居民1", "居民2"):
            person = await work.people.by_telegram_id(stage.person(name).id)
            assert person is not None and person.notice_accepted_at is not None


async def test_notices_sent_before_keep_their_per_person_button(stage: Stage) -> None:
    """A notice of the old kind (button ``notice:<user id>``) still works: for its owner only,
    and the button goes once accepted."""
    assert stage.group is not None
    owner = stage.person("居民5")
    old = await stage.runtime.app.bot.send_message(
        stage.group.id, "📼 居民5，请知悉：……", reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton("✅ 我知道了", callback_data=f"notice:{owner.id}")]]))
    message = not_board(stage.sandbox.messages(stage.group.id))[-1]
    assert message["message_id"] == old.message_id
    assert "这条提示是给" in await stage.press("居民6", message, f"notice:{owner.id}")
    assert "已确认" in await stage.press("居民5", message, f"notice:{owner.id}")
    await stage.settled()
    assert buttons(not_board(stage.sandbox.messages(stage.group.id))[-1]) == []
    async with stage.runtime.uow() as work:
        person = await work.people.by_telegram_id(owner.id)
        assert person is not None and person.notice_accepted_at is not None
