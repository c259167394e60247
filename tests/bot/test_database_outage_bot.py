"""The real bot while another process holds SQLite's write lock for longer than busy_timeout
(issue 9, point 6): it stays up, says it is unhealthy, and once the lock is gone handles every
update exactly once: those it could not store, the one whose handler met the lock, the one
whose "processed" mark met it.

busy_timeout is lowered to 1 s for these tests, so that "longer than busy_timeout" is short;
the lock is held until the bot has shown it met it, never for a set time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

import storage.engine
from bot.catalog import t
from bot.common import deps_of
from bot.health import HEALTH_FILE, health_problem, written_until
from bot.sandbox import Sandbox
from bot.sandbox.faults import Faults, running_sandbox_with_faults
from facilitation.model import ContributionKind
from facilitation.record import load_record
from tests.bot.messages import text
from tests.fakes import FakeTranscriber
from yishitang.bootstrap import build_runtime, new_session_code, running
from yishitang.stage import BOT_TOKEN, BOT_USERNAME, ShiftableClock, Stage, stage_settings

JSON = dict[str, Any]
MOD = "李主席"
DEADLINE_S = 20.0


class WriteLock:
    """SQLite's write lock, taken by a connection of its own (as another process would), on a
    worker thread: waiting for it must not stop the bot's event loop."""

    def __init__(self, database: Path) -> None:
        self._connection = sqlite3.connect(database, isolation_level=None, timeout=10,
                                           check_same_thread=False)

    async def take(self) -> None:
        await asyncio.to_thread(self._connection.execute, "BEGIN IMMEDIATE")

    async def release(self) -> None:
        await asyncio.to_thread(self._connection.execute, "ROLLBACK")

    def close(self) -> None:
        self._connection.close()


async def eventually(stage: Stage, condition: Callable[[], bool], what: str) -> None:
    """Until ``condition`` holds, woken by each write of the health file (the health checks
    read that file); failing after DEADLINE_S."""
    if not await written_until(stage.runtime.app.bot_data["deps"].health, condition,
                               DEADLINE_S):
        raise AssertionError(f"{what}: not within {DEADLINE_S} s")


@contextlib.asynccontextmanager
async def faulty_stage(data_dir: Path) -> AsyncIterator[tuple[Stage, Faults, WriteLock]]:
    """yishitang.stage.staged on SQLite in ``data_dir``, with the sandbox's fault traps."""
    sandbox = Sandbox()
    sandbox.add_bot(BOT_TOKEN, BOT_USERNAME, "议事堂助手", can_read_all_group_messages=True)
    clock = ShiftableClock()
    async with running_sandbox_with_faults(sandbox) as (served, faults):
        settings = stage_settings(data_dir, served.root_url)
        runtime = await build_runtime(settings, clock=clock, new_code=new_session_code,
                                      transcriber=FakeTranscriber())
        lock = WriteLock(data_dir / "yishitang.db")
        try:
            async with running(runtime):
                stage = Stage(sandbox, served, runtime, clock)
                stage.open_group("议事堂", [MOD, "张三", "李四"])
                assert "议事会已开启" in text(await stage.ask(MOD, "/new 停车难怎么解决"))
                await stage.settled()
                await eventually(stage, lambda: unhealthy(stage) is None, "healthy to begin with")
                yield stage, faults, lock
        finally:
            lock.close()


@pytest.fixture(autouse=True)
def short_busy_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(storage.engine, "BUSY_TIMEOUT_MS", 1000)


def unhealthy(stage: Stage) -> str | None:
    return health_problem(stage.runtime.settings.data_dir / HEALTH_FILE, time.time())


def poller_running() -> bool:
    return any(task.get_name() == "poller" and not task.done() for task in asyncio.all_tasks())


def replies_to(stage: Stage, message: JSON) -> list[JSON]:
    return [m for m in stage.sandbox.messages(message["chat"]["id"])
            if (m.get("reply_to_message") or {}).get("message_id") == message["message_id"]]


def handed_out(stage: Stage, message: JSON) -> int:
    """How many getUpdates answers carried ``message``."""
    return sum(1 for call in stage.sandbox.calls_to("getUpdates") for update in call.result or []
               if (update.get("message") or {}).get("message_id") == message["message_id"])


def assert_no_error_told(stage: Stage, caplog: pytest.LogCaptureFixture) -> None:
    assert stage.group is not None
    sorry = (t("zh", "internal_error"), t("en", "internal_error"))
    assert not [m for m in stage.sandbox.messages(stage.group.id) if text(m) in sorry]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text


def outage_log(caplog: pytest.LogCaptureFixture) -> list[tuple[str, str]]:
    return [(r.levelname, r.getMessage()[:32]) for r in caplog.records if r.name == "bot.health"]


async def test_updates_that_arrive_while_the_database_is_locked_are_handled_once_after(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    async with faulty_stage(tmp_path) as (stage, _faults, lock):
        caplog.clear()
        await lock.take()
        said = [stage.say("张三", "门口能不能划车位？"), stage.say("李四", "晚上停车最难"),
                stage.say("张三", "/signin")]
        queue = stage.say("李四", "/queue")
        # handed out again: the first time they could not be stored, so were not confirmed
        await stage.sandbox.wait_for(lambda _sb: handed_out(stage, queue) >= 2,
                                     timeout=DEADLINE_S, what="the updates handed out again")
        problem = unhealthy(stage)
        assert problem is not None and "database is locked" in problem, problem
        assert poller_running() and not replies_to(stage, queue)
        await lock.release()

        await stage.settled(timeout=DEADLINE_S)
        await eventually(stage, lambda: unhealthy(stage) is None, "healthy once the lock is gone")
        assert poller_running()
        record = await load_record(stage.runtime.uow())
        assert [(c.speaker_name, c.text, c.kind) for c in record.contributions] == [
            ("张三", "门口能不能划车位？", ContributionKind.COMMENT),
            ("李四", "晚上停车最难", ContributionKind.COMMENT)]
        assert [a.name for a in record.attendance] == [MOD, "张三"]
        assert len(replies_to(stage, said[2])) == len(replies_to(stage, queue)) == 1
        assert "已签到" in text(await stage.ask("李四", "/signin"))  # still answering
        assert_no_error_told(stage, caplog)
    assert outage_log(caplog) == [("WARNING", "the database is unavailable (Ope"),
                                  ("INFO", "the database is available again,")]


@pytest.mark.parametrize("interrupted", ["handler", "mark"])
async def test_an_update_being_handled_when_the_lock_is_taken_is_handled_once(
        tmp_path: Path, caplog: pytest.LogCaptureFixture, interrupted: str) -> None:
    """``handler``: the moderator's words are stored and their 📌 reply is on the wire when
    the lock is taken; the comment after them meets the lock in its handler. ``mark``: /queue
    was answered (it changes nothing, so the poller marks it) when the lock is taken; the mark
    meets the lock. Either way nothing is lost, nothing is done or answered twice."""
    caplog.set_level(logging.INFO)
    async with faulty_stage(tmp_path) as (stage, faults, lock):
        caplog.clear()
        stored = stage.runtime.poller.stored
        first = ("李四", "/queue") if interrupted == "mark" else (MOD, "先请大家看一下方案")
        held_message = stage.say(*first)
        comment = stage.say("张三", "我同意")
        queue = stage.say("李四", "/queue") if interrupted == "handler" else held_message
        hold = faults.hold("sendMessage", lambda call: (call.param("reply_parameters") or {})
                           .get("message_id") == held_message["message_id"])
        await hold.wait(timeout=DEADLINE_S)
        assert stage.runtime.poller.stored - stored == (3 if interrupted == "handler" else 2), \
            "the updates were meant to arrive in one batch"
        await lock.take()
        hold.release()
        await eventually(stage, lambda: unhealthy(stage) is not None, "unhealthy while locked")
        assert deps_of(stage.runtime.app).interrupted == {} and poller_running()
        await lock.release()

        await stage.settled(timeout=DEADLINE_S)
        await eventually(stage, lambda: unhealthy(stage) is None, "healthy once the lock is gone")
        record = await load_record(stage.runtime.uow())
        expected = [("张三", "我同意")]
        if interrupted == "handler":
            expected.insert(0, (MOD, "先请大家看一下方案"))
            assert [text(m) for m in replies_to(stage, held_message)] == ["📌 #1"]
        assert [(c.speaker_name, c.text) for c in record.contributions] == expected
        assert len(replies_to(stage, queue)) == 1
        assert not replies_to(stage, comment)
        assert_no_error_told(stage, caplog)
    assert [level for level, _ in outage_log(caplog)] == ["WARNING", "INFO"]
