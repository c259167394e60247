"""kill -9 at any moment, restart: nothing done is lost or done twice.

The bot runs as a real process (`python -m yishitang.cli run`) against the Bot API sandbox in
this process; each test kills it with SIGKILL at chosen moments and starts a new process on the
same database, then reads the state back through the project's code and compares it with what
the people did. Moments are made exact with the sandbox's fault injection (a request held in
flight while the process is killed), see bot/sandbox/faults.py.

The bot is configured with a remote speech engine (never called: no audio here), so a restart
does not wait for the Whisper model to load; the last test uses the default in-process engine.
Messages owed at a kill (replies, notices) are sent exactly once: bot/outbox.py.
"""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.sandbox import SandboxChat
from bot.sandbox.faults import When, queued_update, redeliver
from bot.sandbox.models import ApiCall
from facilitation.model import ContributionKind, HandStatus, SignInMethod, TurnKind
from tests.e2e.harness import World, running_world, text_of

JSON = dict[str, Any]
Launch = Callable[..., Awaitable[World]]

MOD, ZHANG, LI, WANG, ZHAO, QIAN, SUN, ZHOU, WU = (
    "李主席", "张三", "李四", "王科长", "赵五", "钱六", "孙七", "周八", "吴九")  # fmt: skip
TOPIC = "小区停车难怎么解决"
NOTICE = "请知悉"  # the recording notice, sent once to whoever signs in
TIMER_TIMEOUT = 40.0  # the time-up of a 30-second turn comes 30 s after it started


@pytest.fixture
async def launch(tmp_path: Path) -> AsyncIterator[Launch]:
    """Start a world on a database URL; its bot processes are SIGKILLed at teardown.

    Tests name their database fixture before this one, so that pytest stops the bot before it
    drops the database (teardown runs in reverse order of set-up)."""
    async with contextlib.AsyncExitStack() as stack:

        async def start(db_url: str, *, remote_asr: bool = True) -> World:
            world = await stack.enter_async_context(
                running_world(db_url, tmp_path, remote_asr=remote_asr))
            stack.callback(lambda: print(world.bot.logs()))  # shown when the test failed
            return world

        yield start


# ---------------------------------------------------------------------------- helpers
def replying_to(message: JSON) -> Callable[[ApiCall], bool]:
    """A sendMessage quoting ``message`` (PTB sends reply_parameters)."""

    def matches(call: ApiCall) -> bool:
        quoted = call.param("reply_parameters") or {}
        quoted_id = quoted.get("message_id") if isinstance(quoted, dict) else None
        quoted_id = quoted_id or call.param("reply_to_message_id")
        return quoted_id == message["message_id"] and \
            str(call.param("chat_id")) == str(message["chat"]["id"])

    return matches


def answers(w: World, message: JSON) -> list[str]:
    """The bot's answers quoting ``message``, but the recording notice (counted on its own:
    whether it quotes the sign-in is presentation)."""
    return [text_of(r) for r in w.replies_to(message) if NOTICE not in text_of(r)]


def notices(w: World, name: str, chat: SandboxChat | None = None) -> int:
    """How many recording notices ``name`` was sent (in the group unless ``chat``)."""
    return len(w.bot_texts(chat, f"📼 {name}，{NOTICE}"))


def delivering(update_id: int) -> Callable[[ApiCall], bool]:
    """A getUpdates whose result carries ``update_id``."""
    return lambda call: any(u["update_id"] == update_id for u in call.result or [])


def confirming(update_id: int) -> Callable[[ApiCall], bool]:
    """A getUpdates whose offset confirms ``update_id``."""
    return lambda call: int(call.param("offset") or 0) > update_id


async def convene(w: World, members: list[str]) -> str:
    """Open the session, sign people in (one by the deep link), return the session code."""
    w.open_group("议事堂", [MOD, *members])
    assert "议事会已开启" in await w.ask(MOD, f"/new {TOPIC}")
    if WANG in members:
        assert "县交通局" in await w.ask(WANG, "/profile 王科长 部门 - 县交通局")
    for name in (ZHANG, LI, WANG):
        if name in members:
            assert "已签到" in await w.ask(name, "/signin")
    code = (await w.record()).session.code
    if ZHOU in members:
        assert "您已签到" in await w.ask(ZHOU, f"/start {code}", w.private(ZHOU))
    return code


async def raise_question_and_response(w: World) -> None:
    """张三 asks the transport bureau, 李四 wants to speak, the bureau's 王科长 will respond:
    the response is placed right after the question."""
    assert "排第 1 位" in await w.ask(ZHANG, "/hand 提问 交通局")
    assert "排第 2 位" in await w.ask(LI, "/hand")
    assert "回应 张三 的提问，排第 2 位" in await w.ask(WANG, "/hand 回应")


def remaining_seconds(queue_text: str) -> int:
    found = re.search(r"正在发言：\S+，剩余 (\d+) 秒", queue_text)
    assert found, queue_text
    return int(found.group(1))


def without_clock(queue_text: str) -> str:
    return re.sub(r"，(剩余|已超时) \d+ 秒", "，<time>", queue_text)


# ---------------------------------------------------------------------------- scenario 1
async def test_burst_killed_midway_is_handled_exactly_once(db_url: str, launch: Launch) -> None:
    """45 updates sent in one go; the bot is killed four times while it works through them:
    (1) when getUpdates handed them out (the bot never got the answer: nothing stored);
    (2) while its reply to the first /hand was on the wire (that update committed, the rest
    stored, nothing confirmed); (3) the same for a later /hand, while the new process drains
    the inbox it inherited; (4) at a moment picked by watching the database while the next
    process records speech. Every update is handled exactly once and in order, every command
    answered exactly once, and updates handed out again after a restart are ignored."""
    w = await launch(db_url)
    code = await convene(w, [ZHANG, LI, WANG, ZHAO, QIAN, SUN, ZHOU, WU])
    await raise_question_and_response(w)
    assert "请 张三" in await w.ask(MOD, "/next")
    group, zhou_private, wu_private = w.group, w.private(ZHOU), w.private(WU)
    assert group is not None

    script: list[tuple[str, str, Any]] = [
        (ZHOU, "/hand", group),  # kill (2) on its reply
        (ZHANG, "第1段：小区门口能否划停车位？", group),
        (ZHAO, "/signin", group),
        (LI, "我支持这个提议", group),
        (ZHAO, "/hand 补充", group),  # kill (3) on its reply
        (QIAN, "/signin", group),
        (ZHANG, "第2段：晚上八点以后车位最紧张。", group),
        (WU, f"/start {code}", wu_private),
        (WANG, "这个我们会研究", group),
        (QIAN, "/hand 提问 交通局", group),
        (MOD, "请大家发言简短", group),
        (SUN, "/signin", group),
        (ZHOU, "书面意见：建议错峰共享单位停车场", zhou_private),
    ]
    script += [(ZHANG if i % 4 else LI, f"第{i + 3}段发言", group) for i in range(32)]
    sent: list[JSON] = []
    update_ids: list[int] = []
    for name, words, chat in script:  # all in one go: no await between them
        sent.append(w.say(name, words, chat))
        update_ids.append(queued_update(w.sandbox, sent[-1]).update_id)
    commands = [m for m in sent if text_of(m).startswith("/")]
    hands = [m for m in commands if text_of(m).startswith("/hand")][:2]
    texts = [m for m in sent if not text_of(m).startswith("/")]
    traps = [w.faults.hold("getUpdates", delivering(update_ids[0]), when="after")]
    traps += [w.faults.hold("sendMessage", replying_to(m), when="after") for m in hands]

    for trap in traps:
        await trap.wait()
        await w.bot.kill()
        trap.release()
        await w.bot.start()
    before = len((await w.record()).contributions)
    await w.count_contributions_until(before + 10)
    await w.bot.restart()

    assert "发言队列（5 人）" in await w.ask(MOD, "/queue")  # handled after all of the burst
    record = await w.record()
    # Process 2 was handed the burst again. Processes killed while draining the inbox they
    # inherited never polled; a later one was handed the whole burst again (handled by then,
    # never confirmed) and ignored it.
    fresh = w.fresh_polls()
    assert set(update_ids) <= set(fresh[1]), "the burst was not handed out again"
    assert any(set(update_ids) <= set(ids) for ids in fresh[2:]), "handled, not handed out again"
    assert await w.unprocessed_updates() == []

    # every text recorded exactly once, in the order it was said, as what it was
    by_message = Counter((c.chat_id, c.message_id) for c in record.contributions)
    for m in texts:
        assert by_message[(m["chat"]["id"], m["message_id"])] == 1, text_of(m)
    burst = [c for c in record.contributions if (c.chat_id, c.message_id) in
             {(m["chat"]["id"], m["message_id"]) for m in texts}]
    assert [c.text for c in burst] == [text_of(m) for m in texts]
    assert [c.seq for c in record.contributions] == list(range(1, len(record.contributions) + 1))
    assert record.session.next_contribution_seq == len(record.contributions) + 1
    turn = record.turns[-1]
    kinds = {ZHANG: ContributionKind.QUESTION, LI: ContributionKind.COMMENT,
             WANG: ContributionKind.COMMENT, MOD: ContributionKind.MODERATOR,
             ZHOU: ContributionKind.WRITTEN}
    assert [(c.speaker_name, c.kind) for c in burst] == [
        (m["from"]["first_name"], kinds[m["from"]["first_name"]]) for m in texts]
    assert {c.turn_id for c in burst if c.speaker_name == ZHANG} == {turn.id}

    # attendance: everyone once, by the way they signed in
    attendance = Counter((a.name, a.method) for a in record.attendance)
    assert attendance == Counter({
        (MOD, SignInMethod.GROUP): 1, (ZHANG, SignInMethod.GROUP): 1,
        (LI, SignInMethod.GROUP): 1, (WANG, SignInMethod.GROUP): 1,
        (ZHOU, SignInMethod.DEEP_LINK): 1, (ZHAO, SignInMethod.GROUP): 1,
        (QIAN, SignInMethod.GROUP): 1, (WU, SignInMethod.DEEP_LINK): 1,
        (SUN, SignInMethod.GROUP): 1})  # fmt: skip

    # the queue: the bureau's response first (its question is being asked), then arrival order
    queue = await w.queue()
    assert [(e.name, e.hand.kind) for e in queue.entries] == [
        (WANG, TurnKind.RESPONSE), (LI, TurnKind.SPEECH), (ZHOU, TurnKind.SPEECH),
        (ZHAO, TurnKind.FOLLOW_UP), (QIAN, TurnKind.QUESTION)]
    assert queue.current is not None and queue.current.id == turn.id and turn.active

    # every command answered exactly once, and never with "already done"
    expected = {"/hand": "举手", "/signin": "已签到", "/start": "您已签到"}
    for m in commands:
        said = answers(w, m)
        assert len(said) == 1, (text_of(m), said)
        assert expected[text_of(m).split()[0]] in said[0], (text_of(m), said)
        assert "已经签到过了" not in said[0] and "已在发言队列中" not in said[0]
    written = next(m for m in sent if m["chat"]["id"] == zhou_private.id)
    seq = burst[texts.index(written)].seq
    assert answers(w, written) == [
        f"📝 已收到您的书面发言（第 {seq} 条），已转至议事群。"]
    assert len(w.bot_texts(group, "建议错峰共享单位停车场")) == 1  # relayed once
    for name in (ZHAO, QIAN, SUN):
        assert notices(w, name, group) == 1
    assert notices(w, WU, wu_private) == 1
    assert len(w.bot_texts(group, f"✅ {WU}（")) == 1  # deep-link sign-in announced once


# ---------------------------------------------------------------------------- scenario 2
async def test_speaker_and_timer_survive_kills(sqlite_url: str, launch: Launch) -> None:
    """Killed while 张三 holds the floor of a 30-second turn: the new process shows the same
    speaker, the same queue and the time left by the original deadline, and sends the time-up
    notice when due. Killed again while that notice is on the wire: the next process does not
    send it again. (SQLite only: the turn has to run for 30 seconds.) The 30-second warning is
    shown on the live board (bot/board.py), not as a message: the time-up is the timer's
    message.

    A second session, in another group, has a turn that started just after 张三's: its time-up
    falls due while the bot is down, and the new process sends it late, once. It is also the
    barrier for "not sent again": the timekeeper sends the due notices of the oldest turns
    first, so a repeated time-up for 张三 would come before it.
    """
    w = await launch(sqlite_url)
    await convene(w, [ZHANG, LI, WANG, ZHAO])
    assert "已签到" in await w.ask(ZHAO, "/signin")
    await raise_question_and_response(w)
    assert "排第 4 位" in await w.ask(ZHAO, "/hand")
    assert "1. 张三（其他） · 提问 → 交通局\n2. 王科长（部门负责人） · 回应\n3. 李四（其他）\n" \
        "4. 赵五（其他）" in await w.ask(LI, "/queue")
    assert "30 秒" in await w.ask(MOD, "/limit 30s")
    group = w.group
    assert group is not None
    other = w.sandbox.add_group("第二议事堂", [w.person(MOD), w.person(SUN)], bot_is_admin=True)
    assert "议事会已开启" in await w.ask(MOD, "/new 垃圾分类", other)
    assert "已签到" in await w.ask(SUN, "/signin", other)
    assert "排第 1 位" in await w.ask(SUN, "/hand", other)
    assert "30 秒" in await w.ask(MOD, "/limit 30s", other)
    assert "请 张三" in await w.ask(MOD, "/next")
    assert "请 孙七" in await w.ask(MOD, "/next", other)
    warning = w.faults.hold("sendMessage", lambda c: "发言时间到" in str(c.param("text"))
                            and str(c.param("chat_id")) == str(group.id))  # fmt: skip
    w.say(ZHANG, "停车位太少了。")
    before_text = await w.ask(LI, "/queue")
    before = await w.queue()
    turn = (await w.record()).turns[-1]
    assert before.current is not None and before.current.id == turn.id
    assert (turn.person_id, turn.kind, turn.limit_s) == (before.current.person_id,
                                                         TurnKind.QUESTION, 30)

    await w.bot.restart()  # kill -9 while the speaker holds the floor
    w.say(ZHANG, "晚上尤其紧张。")
    asked = datetime.now(UTC)
    after_text = await w.ask(LI, "/queue")
    answered = datetime.now(UTC)
    after = await w.queue()
    assert without_clock(after_text) == without_clock(before_text)
    assert "🎤 正在发言：张三" in after_text
    assert [e.hand.id for e in after.entries] == [e.hand.id for e in before.entries]
    assert [e.name for e in after.entries] == [WANG, LI, ZHAO]
    assert after.current == before.current  # started_at, limit, warned_at: as they were
    left = remaining_seconds(after_text)
    assert int((turn.deadline - answered).total_seconds()) <= left
    assert left <= int((turn.deadline - asked).total_seconds()) < 30

    sent = await warning.wait(timeout=TIMER_TIMEOUT)  # the time-up, sent by the new process
    warned = datetime.now(UTC)
    await w.bot.kill()  # ... and killed while it is on the wire
    warning.release()
    assert turn.deadline <= warned < turn.deadline + timedelta(seconds=5)
    assert re.fullmatch(r"⏰ 张三，发言时间到（时限 30 秒）。.*", str(sent.param("text")))
    stored = (await w.record()).turns[-1]
    assert stored.timeup_at is not None and turn.deadline <= stored.timeup_at <= warned
    assert w.bot_texts(other, "发言时间到") == []  # due just after 张三's: not sent yet

    await w.bot.start()
    late = await w.sandbox.wait_for_message(other, "发言时间到", timeout=TIMER_TIMEOUT)
    assert re.fullmatch(r"⏰ 孙七，发言时间到（时限 30 秒）。.*", text_of(late))
    assert w.bot_texts(group, "发言时间到") == [str(sent.param("text"))]  # not sent again
    assert "已超时" in await w.ask(LI, "/queue")
    assert w.bot_texts(other, "发言时间到") == [text_of(late)]
    assert w.bot_texts(group, "发言还剩") == []  # the warning was the board's
    record = await w.record()
    final = record.turns[-1]
    assert final.timeup_at == stored.timeup_at and final.warned_at is not None
    assert (final.started_at, final.limit_s, final.ended_at) == (turn.started_at, 30, None)
    assert [(c.speaker_name, c.kind, c.turn_id) for c in record.contributions] == [
        (ZHANG, ContributionKind.QUESTION, turn.id)] * 2


# ---------------------------------------------------------------------------- scenario 3
async def test_update_delivered_twice_is_processed_once(sqlite_url: str, launch: Launch) -> None:
    """(a) The bot dies after handling three updates, before its confirming getUpdates reaches
    Telegram: the new process is handed them again. (b) The confirming getUpdates reached
    Telegram, the bot died before hearing back: Telegram forgot the update, so it must have
    been stored and handled before it was confirmed. (c) While the bot is down, Telegram
    queues (a)'s update_ids again, and a new one twice (same batch). Each update is processed
    once: one contribution, one attendance, one hand, one reply."""
    w = await launch(sqlite_url)
    await convene(w, [ZHANG, ZHAO])
    assert "排第 1 位" in await w.ask(ZHANG, "/hand")
    assert "请 张三" in await w.ask(MOD, "/next")

    speech = w.say(ZHANG, "第一句：停车位太少。")
    signin = w.say(ZHAO, "/signin")
    hand = w.say(ZHAO, "/hand")
    records = [queued_update(w.sandbox, m) for m in (speech, signin, hand)]
    confirm = w.faults.hold("getUpdates", confirming(records[-1].update_id), when="before")
    await confirm.wait()  # (a) all three handled and committed; Telegram is not told
    await w.bot.kill()
    confirm.release()
    await w.bot.start()
    assert "发言队列（1 人）" in await w.ask(MOD, "/queue")
    wanted = [r.update_id for r in records]
    assert [u for u in w.fresh_polls()[-1] if u in wanted] == wanted  # handed out again

    async def processed_once(*said: JSON) -> None:
        record = await w.record()
        assert [c.text for c in record.contributions] == [text_of(m) for m in said]
        assert [a.name for a in record.attendance].count(ZHAO) == 1
        queue = await w.queue()
        assert [(e.name, e.hand.status) for e in queue.entries] == [(ZHAO, HandStatus.PENDING)]
        assert answers(w, signin) == [
            "✅ 赵五（其他）已签到，迟到。现到 3 人。"]  # fmt: skip
        assert answers(w, hand) == ["✋ 赵五 举手，排第 1 位。"]
        assert notices(w, ZHAO) == 1
        assert await w.unprocessed_updates() == []

    await processed_once(speech)

    again = w.say(ZHANG, "第二句：晚上更紧张。")
    forgotten = queued_update(w.sandbox, again).update_id
    confirm = w.faults.hold("getUpdates", confirming(forgotten), when="after")
    await w.sandbox.wait_for(  # the bot handled it and is confirming it
        lambda sb: forgotten not in [u["update_id"] for u in sb.pending_updates()])
    nudge = w.say(ZHANG, "第二句补充。")  # so that the confirming long poll returns now
    await confirm.wait()  # (b) Telegram forgets the update; the bot does not hear back
    await w.bot.kill()
    confirm.release()

    late = w.say(ZHANG, "第三句：能否错峰停车？")  # (c) while the bot is down, Telegram queues
    records.append(queued_update(w.sandbox, late))  # (a)'s updates again, and one twice
    for record in records:
        redeliver(w.sandbox, record)
    wanted = [r.update_id for r in records]
    again_queued = [*wanted[:3], queued_update(w.sandbox, nudge).update_id, *wanted[3:] * 2]
    assert [r["update_id"] for r in w.sandbox.pending_updates()] == again_queued
    await w.bot.start()
    assert "发言队列（1 人）" in await w.ask(MOD, "/queue")
    assert [u for u in w.fresh_polls()[-1] if u in again_queued] == again_queued
    await processed_once(speech, again, nudge, late)


# ---------------------------------------------------------------------------- owed messages
class OwedMessages(AssertionError):
    """After a crash, a message the bot owed was lost or sent twice (the state was fine)."""


async def test_messages_owed_at_a_kill_are_sent_once(sqlite_url: str, launch: Launch) -> None:
    """The bot is killed three times while its reply to a command is on the wire: a /hand
    whose reply never reached Telegram, a /signin whose reply did (but not the recording
    notice it sends next), a /queue whose reply did. After each restart the change is there
    once, and every message owed is sent exactly once."""
    w = await launch(sqlite_url)
    await convene(w, [ZHANG, ZHAO])
    owed: dict[str, int] = {}
    crashes: list[tuple[str, str, When]] = [
        (ZHANG, "/hand", "before"), (ZHAO, "/signin", "after"), (ZHANG, "/queue", "after")]
    for name, command, when in crashes:
        sent = w.say(name, command)
        trap = w.faults.hold("sendMessage", replying_to(sent), when=when)
        await trap.wait()
        await w.bot.kill()
        trap.release()
        await w.bot.start()
        assert "发言队列（1 人）" in await w.ask(MOD, "/queue")  # all before it was handled
        owed[f"replies to {command} (killed {when} it reached Telegram)"] = \
            len(answers(w, sent))
    owed["recording notices for 赵五"] = notices(w, ZHAO)
    assert await w.unprocessed_updates() == []
    record = await w.record()
    assert [a.name for a in record.attendance] == [MOD, ZHANG, ZHAO]
    assert [e.name for e in (await w.queue()).entries] == [ZHANG]
    if owed != dict.fromkeys(owed, 1):
        raise OwedMessages(f"each should have been sent once: {owed}")


# ---------------------------------------------------------------------------- the process tree
async def test_nothing_of_the_bot_outlives_its_kill(sqlite_url: str, launch: Launch) -> None:
    """With the default, in-process speech engine: after kill -9 of the bot, nothing it
    started keeps running (its Whisper worker holds ~230 MB; a restarted bot starts another,
    so an orphan per crash would add up until memory runs out)."""
    w = await launch(sqlite_url, remote_asr=False)
    # The engine has started (its worker loaded the model) before the bot polls.
    assert "私聊命令" in await w.ask(ZHANG, "/help", w.private(ZHANG))
    pid = w.bot.current.pid
    await w.bot.kill()
    assert await w.bot.left_behind(pid) == [], "still running after the bot was killed"
