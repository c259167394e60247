"""Telegram's limits with answers first (bot/limits.py): each group's budget is a leaky
bucket of 20 requests, one back every 3 s, shared by sends and edits; the floor's messages
leave 3 in it for answers, notices 6."""

from __future__ import annotations

import asyncio
import warnings
from typing import Any

import pytest
from telegram.error import RetryAfter
from telegram.warnings import PTBDeprecationWarning

from bot.limits import RESERVE, Bucket, Priority, TelegramLimits, priority

GROUP, PRIVATE = -100123, 42


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_lets_its_capacity_go_at_once_then_one_per_interval() -> None:
    bucket = Bucket(20, 20 / 60, stamp=0.0)
    for _ in range(20):
        assert bucket.delay(0, 0.0) == 0
        bucket.take(0.0)
    assert bucket.delay(0, 0.0) == pytest.approx(3.0)
    assert bucket.delay(0, 1.5) == pytest.approx(1.5)
    assert bucket.delay(0, 3.0) == 0


@pytest.mark.parametrize(("spent", "allowed"), [
    (12, {Priority.ANSWER, Priority.FLOOR, Priority.NOTICE, Priority.BOARD}),
    (13, {Priority.ANSWER, Priority.FLOOR, Priority.NOTICE}),
    (14, {Priority.ANSWER, Priority.FLOOR}),
    (17, {Priority.ANSWER}),
    (20, set()),
])
def test_each_priority_leaves_its_reserve_to_those_before_it(
        spent: int, allowed: set[Priority]) -> None:
    clock = Clock()
    limits = TelegramLimits(clock=clock)
    for _ in range(spent):
        limits._bucket(GROUP).take(clock())
    assert {p for p in Priority if limits.delay(GROUP, p) == 0} == allowed
    assert RESERVE[Priority.ANSWER] == 0  # an answer may use the whole budget


def test_a_notice_held_back_waits_until_the_bucket_has_drained_past_its_reserve() -> None:
    clock = Clock()
    limits = TelegramLimits(clock=clock)
    for _ in range(20):
        limits._bucket(GROUP).take(clock())
    assert limits.delay(GROUP, Priority.ANSWER) == pytest.approx(3.0)
    assert limits.delay(GROUP, Priority.NOTICE) == pytest.approx(7 * 3.0)
    clock.now += 21.0
    assert limits.delay(GROUP, Priority.NOTICE) == 0


def test_private_chats_have_no_group_budget() -> None:
    clock = Clock()
    limits = TelegramLimits(clock=clock)
    assert all(limits.delay(PRIVATE, p) == 0 for p in Priority)


def calls() -> tuple[list[str], Any]:
    made: list[str] = []

    async def callback(name: str) -> dict[str, Any]:
        made.append(name)
        return {"ok": True}

    return made, callback


async def request(limits: TelegramLimits, callback: Any, endpoint: str,
                  name: str | None = None) -> Any:
    """``endpoint`` to the group through ``limits``; the callback records ``name``."""
    return await limits.process_request(callback, (name or endpoint,), {}, endpoint,
                                        {"chat_id": GROUP}, None)


async def test_lookups_and_button_answers_do_not_spend_a_groups_budget() -> None:
    clock = Clock()
    limits = TelegramLimits(clock=clock)
    made, callback = calls()
    for _ in range(20):  # within the 30 a second in all (the clock here stands still)
        await request(limits, callback, "getChatMember")
    assert limits.delay(GROUP, Priority.NOTICE) == 0  # untouched
    assert limits._bucket(GROUP).level == 0
    await request(limits, callback, "sendMessage")
    await request(limits, callback, "editMessageText")
    assert limits._bucket(GROUP).level == pytest.approx(2)  # sends and edits alike
    assert len(made) == 22


async def test_a_request_waits_for_its_priority_and_an_answer_goes_before_a_notice() -> None:
    """Real time, a small budget (8 requests, one back every 0.1 s): with the bucket full, a
    notice and an answer wait; the answer, asked for after it, goes first."""
    limits = TelegramLimits(group_rate=(8, 0.8))  # reserves 3 and 6 of 8
    made, callback = calls()
    with priority(Priority.ANSWER):  # the whole bucket, at once
        for _ in range(8):
            await request(limits, callback, "sendMessage")
    made.clear()

    async def at(level: Priority, name: str) -> None:
        with priority(level):
            await request(limits, callback, "sendMessage", name)

    # the notice asks first (gather starts them in order), the answer still goes first
    await asyncio.gather(at(Priority.NOTICE, "notice"), at(Priority.ANSWER, "answer"))
    assert made == ["answer", "notice"]


def flood() -> RetryAfter:
    """Telegram's "retry after 0 s" (PTB 22.2 warns about its int form as it is built)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        return RetryAfter(0)


async def test_telegrams_retry_after_is_obeyed_then_given_up() -> None:
    limits = TelegramLimits(max_retries=2)
    tries = 0

    async def flooded(*_args: Any) -> bool:
        nonlocal tries
        tries += 1
        if tries < 3:
            raise flood()
        return True

    assert await limits.process_request(flooded, (), {}, "sendMessage",
                                        {"chat_id": GROUP}, None) is True
    assert tries == 3

    async def always(*_args: Any) -> bool:
        raise flood()

    with pytest.raises(RetryAfter):
        await limits.process_request(always, (), {}, "sendMessage", {"chat_id": GROUP}, None)


def update(**fields: Any) -> Any:
    from telegram import Update

    return Update.de_json({"update_id": 1, **fields}, None)


def message(text: str) -> dict[str, Any]:
    return {"message_id": 7, "date": 0, "text": text,
            "chat": {"id": GROUP, "type": "supergroup"},
            "from": {"id": 5, "is_bot": False, "first_name": "李"}}


def test_what_a_command_or_a_button_press_owes_is_an_answer() -> None:
    from bot.poller import answer_or_floor

    assert answer_or_floor(update(message=message("/queue"))) is Priority.ANSWER
    assert answer_or_floor(update(message=message("/next@yishitang_bot"))) is Priority.ANSWER
    press = {"id": "q", "chat_instance": "c", "data": "x", "message": message("📋"),
             "from": {"id": 5, "is_bot": False, "first_name": "李"}}
    assert answer_or_floor(update(callback_query=press)) is Priority.ANSWER
    assert answer_or_floor(update(message=message("我建议在东门划车位"))) is Priority.FLOOR


async def test_a_progress_report_still_waiting_is_cancelled_before_the_final_message() -> None:
    """A recording's progress edit held back for the budget (a notice) must not land after
    the final message (the floor's, which would overtake it): stopping cancels it."""
    from bot.recording_progress import ProgressReporter

    started, shown = asyncio.Event(), []

    async def held(text: str) -> None:
        started.set()
        await asyncio.Event().wait()  # waiting for the group's budget
        shown.append(text)

    reporter = ProgressReporter("zh-hans", held)
    reporter(0.5)
    await started.wait()
    await reporter.stop()
    assert shown == [] and not reporter._edits
