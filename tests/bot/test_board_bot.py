"""The group's live board (issue 9, point 11) through the real bot and the Bot API sandbox:
one message per session, pinned, edited in place with the floor, the timer and the queue;
the 30-second warning shown on it instead of a message; closed at /end; coalesced under
Telegram's limits; sent once however many keepers look at once."""

from __future__ import annotations

import asyncio
import contextlib
import warnings
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from telegram.error import BadRequest, RetryAfter, TimedOut
from telegram.warnings import PTBDeprecationWarning

from bot.board import EDIT_GAP_S, BoardKeeper
from bot.sandbox.models import ApiCall
from facilitation import services
from facilitation.board import boards_due
from facilitation.services import Actor
from storage.rows import BoardRow
from tests.bot.messages import text
from tests.fakes import FakeTranscriber
from yishitang.stage import Stage, staged

MOD = "李主席"
TITLE = "📌 议事看板"
JSON = dict[str, Any]


@pytest.fixture
async def stage(tmp_path: Path, sqlite_url: str) -> AsyncIterator[Stage]:
    async with staged(tmp_path, database_url=sqlite_url, transcriber=FakeTranscriber()) as s:
        s.open_group("议事堂", [MOD, "张三", "李四", "王科长"])
        yield s


def group_id(stage: Stage) -> int:
    assert stage.group is not None
    return stage.group.id


def boards(stage: Stage) -> list[JSON]:
    """The board messages in the group (each session has one: its opening message, or one of
    its own when that is gone)."""
    return [m for m in stage.sandbox.messages(group_id(stage))
            if "📌 实时看板" in text(m) or text(m).startswith(("📌 议事看板", "📌 议事会已结束"))]


def boards_sent(stage: Stage) -> list[ApiCall]:
    """Boards sent as messages of their own (not the opening message made a board)."""
    return [c for c in stage.sandbox.calls_to("sendMessage") if "📌" in str(c.param("text"))]


async def board_saying(stage: Stage, *needles: str,
                       timeout: float = EDIT_GAP_S + 10) -> JSON:  # noqa: ASYNC109
    """Wait until the group's one board says every needle; return it. Under Telegram's limits
    an edit waits up to EDIT_GAP_S after the last one: the wait allows for it."""

    def says(_sandbox: object) -> JSON | None:
        found = boards(stage)
        if len(found) == 1 and all(n in text(found[0]) for n in needles):
            return found[0]
        return None

    return await stage.sandbox.wait_for(says, timeout, f"a board saying {needles}")


def edits_of(stage: Stage, message_id: int) -> list[ApiCall]:
    return [c for c in stage.sandbox.calls_to("editMessageText")
            if c.param("message_id") == message_id and c.param("chat_id") == group_id(stage)]


async def test_one_board_follows_the_floor_and_the_queue(tmp_path: Path, db_url: str) -> None:
    async with staged(tmp_path, database_url=db_url, transcriber=FakeTranscriber()) as stage:
        stage.open_group("议事堂", [MOD, "张三", "李四", "王科长"])
        opened = await stage.ask(MOD, "/new 停车难怎么解决")
        board = await board_saying(stage, "📌 实时看板", "暂无人发言", "暂无人举手")
        # the opening message is the board: its words stay at its head
        assert board["message_id"] == opened["message_id"]
        assert text(board).startswith(text(opened))
        assert "议事会已开启：停车难怎么解决" in text(opened)
        # pinned once, with the session's buttons on it
        await stage.sandbox.wait_for(lambda sb: sb.pinned(group_id(stage)) or None, 10, "a pin")
        assert stage.sandbox.pinned(group_id(stage)) == [board["message_id"]]
        assert "inline_keyboard" in board["reply_markup"]
        await stage.ask("张三", "/signin")
        await stage.ask("王科长", "/profile 王科长 部门 - 县交通局")
        await stage.ask("王科长", "/signin")
        await stage.ask("张三", "/hand 提问 交通局")
        await stage.ask("王科长", "/hand")
        board = await board_saying(stage, "发言队列（2 人）", "1. 张三", "提问 → 交通局",
                                   "2. 王科长", "已签到 3 人")
        await stage.ask(MOD, "/next")
        board = await board_saying(stage, "正在发言：张三", "限时 3 分钟", "发言队列（1 人）",
                                   "1. 王科长")
        assert board["message_id"] == boards(stage)[0]["message_id"]
        assert "inline_keyboard" in board["reply_markup"]  # an edit keeps the buttons
        await stage.ask(MOD, "/end")
        closed = await board_saying(stage, "议事会已结束：停车难怎么解决")
        assert "reply_markup" not in closed  # nothing to press on a closed session's board
        await stage.sandbox.wait_for(lambda sb: not sb.pinned(group_id(stage)), 10, "unpinned")
        # everything happened in the one message: never a second board
        assert boards_sent(stage) == []
        assert stage.runtime.board is not None
        await asyncio.wait_for(stage.runtime.board.idle.wait(), 10)
        async with stage.runtime.uow() as work:  # finished: never looked at again
            assert await work.boards.due() == []
        async with stage.runtime.engine.connect() as connection:  # and holds no names
            row = (await connection.execute(select(BoardRow))).one()
        assert (row.finished, row.text, row.head, row.message_id) == (
            True, "", None, board["message_id"])


async def test_the_warning_is_on_the_board_and_the_time_up_is_a_message(stage: Stage) -> None:
    await stage.ask(MOD, "/new 停车难怎么解决")
    await stage.ask("张三", "/signin")
    await stage.ask("张三", "/hand")
    await stage.ask(MOD, "/next")
    board = await board_saying(stage, "正在发言：张三", "限时 3 分钟")
    stage.clock.advance(155)
    stage.runtime.timekeeper.kick()
    await board_saying(stage, "⏳ 最后 30 秒")
    # the group got no warning message of its own
    assert not [m for m in stage.sandbox.messages(group_id(stage)) if "发言还剩" in text(m)]
    before = stage.sandbox.messages(group_id(stage))[-1]["message_id"]
    stage.clock.advance(30)
    stage.runtime.timekeeper.kick()
    timeup = await stage.sandbox.wait_for_message(group_id(stage), "发言时间到",
                                                  after_message_id=before)
    assert "张三" in text(timeup)
    await board_saying(stage, "⏰ 发言时间已到")
    assert len(boards(stage)) == 1 and boards(stage)[0]["message_id"] == board["message_id"]


async def test_a_deleted_board_is_replaced_once(stage: Stage) -> None:
    runtime = stage.runtime
    deps, outbox = runtime.app.bot_data["deps"], runtime.app.bot_data["deps"].outbox
    await stage.ask(MOD, "/new 停车难怎么解决")
    board = await board_saying(stage, "暂无人举手")
    await stage.sandbox.wait_for(lambda sb: sb.pinned(group_id(stage)) or None, 10, "a pin")
    stage.sandbox.get_chat(group_id(stage)).messages.pop(board["message_id"])  # an admin
    await stage.ask("张三", "/signin")
    others = [BoardKeeper(deps, runtime.app.bot, outbox) for _ in range(3)]
    await asyncio.gather(*(keeper.tick() for keeper in others))
    await stage.ask("张三", "/hand")
    await asyncio.gather(*(keeper.tick() for keeper in others))
    again = await board_saying(stage, "📌 议事看板：停车难怎么解决", "1. 张三")
    assert again["message_id"] > board["message_id"]
    assert len(boards_sent(stage)) == 1


async def test_without_the_right_to_pin_the_board_still_works(
        tmp_path: Path, sqlite_url: str) -> None:
    async with staged(tmp_path, database_url=sqlite_url, transcriber=FakeTranscriber()) as stage:
        stage.open_group("议事堂", [MOD, "张三"], admin=False)
        await stage.ask(MOD, "/new 停车难怎么解决")
        await stage.ask("张三", "/signin")
        await stage.ask("张三", "/hand")
        await board_saying(stage, "1. 张三")
        refused = await stage.sandbox.wait_for_call("pinChatMessage", timeout=10)
        assert not refused.ok and stage.sandbox.pinned(group_id(stage)) == []
        # tried once, not at every look
        await stage.ask("张三", "/lower")
        await board_saying(stage, "暂无人举手")
        await stage.settled()  # the keeper has looked again since
        assert len(stage.sandbox.calls_to("pinChatMessage")) == 1


async def test_keepers_looking_at_once_send_one_board(stage: Stage) -> None:
    """A session with no board yet (opened before boards existed, or its board lost): keepers
    of several processes looking at once owe its board once, and it is sent once."""
    runtime = stage.runtime
    deps, outbox = runtime.app.bot_data["deps"], runtime.app.bot_data["deps"].outbox
    await services.open_session(runtime.uow(), chat_id=group_id(stage), topic="停车难怎么解决",
                                actor=Actor(stage.person(MOD).id, MOD), now=stage.clock(),
                                new_code=lambda: "BOARD234", turn_limit_s=180)
    others = [BoardKeeper(deps, runtime.app.bot, outbox) for _ in range(3)]
    await asyncio.gather(runtime.board.tick(), *(keeper.tick() for keeper in others))
    board = await board_saying(stage, "📌 议事看板：停车难怎么解决", "暂无人举手")
    await stage.ask("张三", "/signin")
    await asyncio.gather(*(keeper.tick() for keeper in others))
    await board_saying(stage, "已签到 2 人")
    assert len(boards(stage)) == 1 and len(boards_sent(stage)) == 1
    assert boards(stage)[0]["message_id"] == board["message_id"]


class Failing:
    """The bot, except that editing the messages of one chat fails as Telegram may."""

    def __init__(self, bot: Any, chat_id: int, error: Exception) -> None:
        self._bot, self._chat_id, self._error = bot, chat_id, error
        self.tried = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._bot, name)

    async def edit_message_text(self, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("chat_id") == self._chat_id:
            self.tried += 1
            raise self._error
        return await self._bot.edit_message_text(*args, **kwargs)


async def keeper_stopped(stage: Stage) -> None:
    """Stop the bot's own keeper (its task), so that a test's keeper is the only one."""
    [task] = [t for t in asyncio.all_tasks() if t.get_name() == "board"]
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def flood(seconds: int) -> RetryAfter:
    """Telegram's "retry after" (PTB 22.2 warns about its int form as it is built)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        return RetryAfter(seconds)


@pytest.mark.parametrize("error", [TimedOut(), flood(30), BadRequest("Internal error")],
                         ids=["timed-out", "retry-after", "unexpected"])
async def test_one_groups_trouble_holds_up_no_other_board(
        stage: Stage, error: Exception) -> None:
    """A board whose edit fails is tried again later, not at every look, and the other
    groups' boards are kept meanwhile (their sessions come after it)."""
    runtime = stage.runtime
    deps, outbox = runtime.app.bot_data["deps"], runtime.app.bot_data["deps"].outbox
    other = stage.sandbox.add_group("第二议事堂", [stage.person(MOD), stage.person("李四")],
                                    bot_is_admin=True)
    await stage.ask(MOD, "/new 停车难怎么解决")
    assert "议事会已开启" in text(await stage.ask(MOD, "/new 垃圾分类", other))
    await stage.settled()
    await keeper_stopped(stage)
    failing = Failing(runtime.app.bot, group_id(stage), error)
    keeper = BoardKeeper(deps, failing, outbox)  # type: ignore[arg-type]
    await stage.ask("张三", "/signin")
    await stage.ask("李四", "/signin", other)
    for _ in range(3):
        await keeper.tick()
    assert failing.tried == 1  # once: then it waits its turn, the others go on
    said = [text(m) for m in stage.sandbox.messages(other.id) if "📌 实时看板" in text(m)]
    assert len(said) == 1 and "已签到 2 人" in said[0]


async def test_a_board_never_sent_is_let_go(stage: Stage) -> None:
    """The first message of a board that the outbox gave up (the bot left the group, say) is
    not waited for forever: the session's board is given up, not looked at again."""
    runtime = stage.runtime
    await stage.ask(MOD, "/new 停车难怎么解决")
    await stage.settled()
    await keeper_stopped(stage)
    async with runtime.uow() as work:
        [(_session, board)] = await work.boards.due()
        assert board is not None and board.message_id is not None
        await work.boards.put(replace(board, message_id=None))  # as if it never went out
        await work.commit()
    assert runtime.board is not None
    keeper = BoardKeeper(runtime.app.bot_data["deps"], runtime.app.bot,
                         runtime.app.bot_data["deps"].outbox)
    await keeper.tick()
    async with runtime.uow() as work:
        assert await work.boards.due() == []
    assert boards_sent(stage) == []  # and no other board instead


async def test_an_old_open_session_keeps_its_board_as_it_is(stage: Stage) -> None:
    """Sessions nobody closed are not looked at for ever: after two days their board stays."""
    await stage.ask(MOD, "/new 停车难怎么解决")
    await stage.settled()
    due = await boards_due(stage.runtime.uow(), now=stage.clock(),
                           since=stage.clock() - timedelta(days=2))
    assert [b.topic for b in due] == ["停车难怎么解决"]
    later = stage.clock() + timedelta(days=3)
    assert await boards_due(stage.runtime.uow(), now=later,
                            since=later - timedelta(days=2)) == []


async def test_a_burst_costs_few_edits_under_telegrams_limits(
        tmp_path: Path, sqlite_url: str) -> None:
    """Rate limiting on: six people sign in and raise hands in one go. The moderator's /queue
    is answered in between; the board, which comes after every message, ends up listing them
    all, in fewer edits than changes."""
    names = [f"参会者{i:02d}" for i in range(6)]
    async with staged(tmp_path, database_url=sqlite_url, transcriber=FakeTranscriber(),
                      rate_limit=True) as stage:
        stage.open_group("议事堂", [MOD, *names])
        await stage.ask(MOD, "/new 停车难怎么解决")
        board = await board_saying(stage, "暂无人举手")
        for name in names:
            stage.say(name, "/signin")
            stage.say(name, "/hand")
        answer = await stage.ask(MOD, "/queue", timeout=20)
        assert "发言队列（6 人）" in text(answer)
        final = await board_saying(stage, "发言队列（6 人）", "6. 参会者05", "已签到 7 人",
                                   timeout=90)
        assert final["message_id"] == board["message_id"]
        edits = edits_of(stage, board["message_id"])
        assert 1 <= len(edits) < 2 * len(names)  # 12 changes, a few edits


async def test_boards_due_lists_open_group_sessions_only(stage: Stage) -> None:
    await stage.ask(MOD, "/new 停车难怎么解决")
    await board_saying(stage, "暂无人举手")
    due = await boards_due(stage.runtime.uow(), now=stage.clock())
    assert [(b.topic, b.closed, b.state is not None) for b in due] == [
        ("停车难怎么解决", False, True)]


async def test_a_board_sent_while_the_keeper_looked_is_kept(stage: Stage) -> None:
    """A look that read the board before its first message went out asks the outbox after it
    went: nothing is owed any more, yet the board was sent. It is kept, not given up as never
    sent (the race a fresh process's first session lost: its board was never edited)."""
    runtime = stage.runtime
    await stage.ask(MOD, "/new 停车难怎么解决")
    await board_saying(stage, "📌 实时看板", "暂无人举手")
    [board] = await boards_due(runtime.uow(), now=stage.clock())
    assert board.state is not None and board.state.message_id is not None
    stale = replace(board, state=replace(board.state, message_id=None))
    assert await runtime.board._keep(stale) == 0.0  # look again: it was sent
    await stage.ask("张三", "/signin")
    await board_saying(stage, "已签到 2 人")
    assert len(boards(stage)) == 1 and boards_sent(stage) == []
