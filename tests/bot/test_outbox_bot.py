"""The outbox against the sandbox: what an update owes is sent after its commit, once; a send
cut off by a crash is recognised when it had arrived and sent when it had not (bot/outbox.py).
The kills themselves are in tests/e2e/test_crash_recovery.py; here the state a kill leaves is
written directly, so each case is exact."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, select

from bot.limits import Priority, TelegramLimits
from bot.outbox import Outbox
from storage import outbox as rows
from storage.outbox import Owed
from storage.rows import OutboxRow
from tests.bot.messages import BOARD, not_board
from tests.fakes import FakeTranscriber
from yishitang.stage import Stage, staged

MOD = "李主席"
OWED = "✋ 张三 举手，排第 1 位。"


@pytest.fixture
async def stage(tmp_path: Path, db_url: str) -> AsyncIterator[Stage]:
    async with staged(tmp_path, database_url=db_url, transcriber=FakeTranscriber()) as running:
        running.open_group("议事堂", [MOD, "张三"])
        await running.ask(MOD, "/new 停车难怎么解决")
        await running.settled()
        yield running


def outbox_of(stage: Stage) -> Outbox:
    outbox = stage.runtime.app.bot_data["deps"].outbox
    assert isinstance(outbox, Outbox)
    return outbox


def texts(stage: Stage) -> list[str]:
    assert stage.group is not None
    return [m.get("text", "") for m in not_board(stage.sandbox.messages(stage.group.id))]


async def owe(stage: Stage, text: str, *, attempt: dict[str, Any] | None = None) -> int:
    """An outbox row for the group, as a committed update leaves it; ``attempt``: as a
    crash with the request in flight leaves it."""
    assert stage.group is not None
    engine = stage.runtime.engine
    async with engine.begin() as connection:
        await rows.add(connection, [Owed(stage.group.id, "message",
                                         {"chat_id": stage.group.id, "text": text})],
                       datetime.now(UTC))
        row_id = (await connection.execute(select(OutboxRow.id).order_by(
            OutboxRow.id.desc()).limit(1))).scalar_one()
    if attempt is not None:
        await outbox_of(stage).store.attempting([row_id], attempt, datetime.now(UTC))
    return row_id


async def row(stage: Stage, row_id: int) -> Any:
    async with stage.runtime.engine.connect() as connection:
        return (await connection.execute(
            select(OutboxRow).where(OutboxRow.id == row_id))).one()


async def sent_behind_the_outboxs_back(stage: Stage, text: str) -> int:
    """A message the bot sent whose sending was never recorded (the crash came first)."""
    assert stage.group is not None
    message = await stage.runtime.app.bot.send_message(stage.group.id, text)
    async with stage.runtime.engine.begin() as connection:
        await connection.execute(delete(OutboxRow).where(
            OutboxRow.message_id == message.message_id))
    return message.message_id


async def test_a_send_that_arrived_before_the_crash_is_not_sent_again(stage: Stage) -> None:
    before = len(texts(stage))
    arrived = await sent_behind_the_outboxs_back(stage, OWED)
    row_id = await owe(stage, OWED, attempt={"text": OWED, "floor": arrived - 1,
                                             "params": {"text": OWED}})
    assert await outbox_of(stage).send_pending() == 0
    assert texts(stage)[before:] == [OWED]  # once: the one that had arrived
    found = await row(stage, row_id)
    assert found.message_id == arrived and found.sent_at is not None


async def test_a_send_that_never_arrived_is_sent_once(stage: Stage) -> None:
    before = len(texts(stage))
    floor = max(m["message_id"] for m in stage.sandbox.messages(stage.group.id))  # type: ignore[union-attr]
    row_id = await owe(stage, OWED, attempt={"text": OWED, "floor": floor,
                                             "params": {"text": OWED}})
    assert await outbox_of(stage).send_pending() == 1
    assert texts(stage)[before:] == [OWED]
    assert (await row(stage, row_id)).sent_at is not None
    assert await outbox_of(stage).send_pending() == 0  # and never again


async def test_looking_for_it_leaves_the_bots_other_messages_alone(stage: Stage) -> None:
    """A known message of the bot's in the range looked at is never edited into the owed
    text; the owed message, not found, is sent."""
    assert stage.group is not None
    floor = max(m["message_id"] for m in stage.sandbox.messages(stage.group.id))
    other = await stage.runtime.app.bot.send_message(stage.group.id, "别的消息")
    await owe(stage, OWED, attempt={"text": OWED, "floor": floor, "params": {"text": OWED}})
    assert await outbox_of(stage).send_pending() == 1
    assert stage.sandbox.message(stage.group, other.message_id)["text"] == "别的消息"  # type: ignore[index]
    assert texts(stage)[-2:] == ["别的消息", OWED]


async def test_nothing_is_owed_by_an_update_whose_transaction_did_not_commit(
        stage: Stage) -> None:
    assert stage.group is not None
    outbox = outbox_of(stage)
    before = len(texts(stage))
    async with outbox.scope() as scope:
        await stage.runtime.app.bot.send_message(stage.group.id, "未提交的回复")
        assert [o.payload["text"] for o in scope.owed] == ["未提交的回复"]
        # leaving without commit: as a crash or an outage before the commit
    assert await outbox.send_pending() == 0
    assert len(texts(stage)) == before
    async with stage.runtime.engine.connect() as connection:
        assert (await connection.execute(select(OutboxRow.id).where(
            OutboxRow.payload.contains("未提交")))).first() is None


async def test_a_reply_goes_out_after_its_change_is_stored(stage: Stage) -> None:
    """The reply to /hand is sent only once the hand, the reply and the update's mark are
    committed together: the row is there, marked sent with the reply's id."""
    await stage.ask("张三", "/signin")
    reply = await stage.ask("张三", "/hand")
    assert reply["text"] == OWED
    await stage.settled()
    async with stage.runtime.engine.connect() as connection:
        sent = (await connection.execute(select(OutboxRow.message_id, OutboxRow.update_id)
                                         .where(OutboxRow.kind == "ack"))).all()
    assert reply["message_id"] in {message_id for message_id, _update in sent}
    assert all(update_id is not None for _message, update_id in sent)


async def test_a_message_that_cannot_be_made_is_given_up_and_blocks_nothing(
        stage: Stage) -> None:
    """A row the sender cannot turn into a request (here a file without its bytes) is marked
    failed; the rows after it go out, and the bot keeps answering."""
    assert stage.group is not None
    engine = stage.runtime.engine
    async with engine.begin() as connection:
        await rows.add(connection, [
            Owed(stage.group.id, "message", {"method": "sendDocument",
                                             "chat_id": stage.group.id}),
            Owed(stage.group.id, "message", {"chat_id": stage.group.id, "text": OWED})],
            datetime.now(UTC))
    assert await outbox_of(stage).send_pending() == 1
    assert texts(stage)[-1] == OWED
    async with engine.connect() as connection:
        failed = (await connection.execute(select(OutboxRow.failed).where(
            OutboxRow.failed.is_not(None)))).scalars().all()
    assert len(failed) == 1 and "document" in failed[0]
    assert "发言队列" in (await stage.ask(MOD, "/queue"))["text"]


# --------------------------------------------------------------------------- who goes first
class FrozenClock:
    """time.monotonic for the group budgets, moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def tight_budget(stage: Stage, spent: int) -> tuple[TelegramLimits, FrozenClock]:
    """The outbox sees Telegram's limits with ``spent`` of the group's 20 used just now."""
    assert stage.group is not None
    clock = FrozenClock()
    limits = TelegramLimits(clock=clock)
    for _ in range(spent):
        limits._bucket(stage.group.id).take(clock())
    outbox_of(stage).bind(stage.runtime.app.bot, limits)
    return limits, clock


async def owe_at(stage: Stage, text: str, level: Priority) -> int:
    assert stage.group is not None
    async with stage.runtime.engine.begin() as connection:
        await rows.add(connection, [Owed(stage.group.id, "message", {
            "chat_id": stage.group.id, "text": text, "priority": int(level)})],
            datetime.now(UTC))
        return int((await connection.execute(select(OutboxRow.id).order_by(
            OutboxRow.id.desc()).limit(1))).scalar_one())


async def test_without_limits_what_is_owed_goes_in_order(stage: Stage) -> None:
    before = len(texts(stage))
    await owe_at(stage, "通知一", Priority.NOTICE)
    await owe_at(stage, "回答一", Priority.ANSWER)
    assert await outbox_of(stage).send_pending() == 2
    assert texts(stage)[before:] == ["通知一", "回答一"]


async def test_a_notice_held_back_for_the_budget_does_not_hold_an_answer_up(
        stage: Stage) -> None:
    """15 of 20 spent: a notice must leave 6, so it waits; the answer owed after it goes."""
    _limits, clock = tight_budget(stage, spent=15)
    before = len(texts(stage))
    notice = await owe_at(stage, "通知二", Priority.NOTICE)
    answer = await owe_at(stage, "回答二", Priority.ANSWER)
    outbox = outbox_of(stage)
    assert await outbox.send_pending() == 1
    assert texts(stage)[before:] == ["回答二"]
    assert (await row(stage, answer)).sent_at is not None
    assert (await row(stage, notice)).sent_at is None  # still owed, not lost
    clock.now += 60.0  # the bucket has drained
    assert await outbox.send_pending() == 1
    assert texts(stage)[before:] == ["回答二", "通知二"]


async def test_a_caption_ready_before_its_placeholder_went_out_takes_its_place(
        stage: Stage) -> None:
    """Under a tight budget "transcribing…" waits; the caption, ready first, is sent in its
    place: one message, quoting the voice note, never the placeholder."""
    assert stage.group is not None
    await stage.ask("张三", "/signin")
    await stage.settled()
    tight_budget(stage, spent=15)
    before = len(texts(stage))
    calls = len(stage.sandbox.calls)
    sent = stage.sandbox.send_voice(stage.person("张三"), stage.group,
                                    "SAY:东门划二十个车位".encode(), 3)

    def captioned(sb: Any) -> dict[str, Any] | None:
        return next((m for m in sb.messages(stage.group)
                     if (m.get("reply_to_message") or {}).get("message_id")
                     == sent["message_id"] and "车位" in m.get("text", "")), None)

    caption = await stage.sandbox.wait_for(captioned, 10.0, "the caption")
    await asyncio.wait_for(stage.runtime.scribe.wait_done(1), 10)  # its bookkeeping too
    await stage.settled()
    after = texts(stage)[before:]
    assert [t for t in after if "车位" in t] == [caption["text"]]
    made = [(c.method, str(c.param("text"))) for c in stage.sandbox.calls[calls:]
            if c.method.startswith(("send", "edit"))
            and not str(c.param("text")).startswith(BOARD)]
    assert made == [("sendMessage", caption["text"])]  # no "transcribing…", no edit
    [call] = [c for c in stage.sandbox.calls[calls:] if c.method == "sendMessage"]
    # it still goes out if the voice note has been deleted meanwhile
    parameters = call.param("reply_parameters")
    if isinstance(parameters, str):
        parameters = json.loads(parameters)
    assert parameters["allow_sending_without_reply"] is True


async def test_a_closed_outbox_schedules_no_more_wake_ups(stage: Stage) -> None:
    """After shutdown began, a chat short of budget is not tried again by this process: what
    it owes stays in the table for the next start."""
    tight_budget(stage, spent=20)
    outbox = outbox_of(stage)
    await outbox.close()
    row_id = await owe_at(stage, "通知三", Priority.NOTICE)
    assert await outbox.send_pending() == 0
    assert not outbox._waking
    assert (await row(stage, row_id)).sent_at is None


async def last_owed_priority(stage: Stage) -> Priority:
    async with stage.runtime.engine.connect() as connection:
        payload = (await connection.execute(
            select(OutboxRow.payload).where(OutboxRow.kind == "message")
            .order_by(OutboxRow.id.desc()).limit(1))).scalar_one()
    return Priority(json.loads(payload)["priority"])


async def test_the_moderators_answers_go_first_not_a_participants_or_a_refusal(
        stage: Stage) -> None:
    await stage.ask("张三", "/signin")
    await stage.settled()
    await stage.ask(MOD, "/queue")
    assert await last_owed_priority(stage) is Priority.ANSWER
    await stage.ask("张三", "/queue")  # anyone may look; only the moderator's goes first
    assert await last_owed_priority(stage) is Priority.FLOOR
    refusal = await stage.ask("张三", "/next")  # not theirs to do
    assert "主持人" in refusal["text"]
    assert await last_owed_priority(stage) is Priority.FLOOR
