"""Reminders of deadlines (issue 11): the real bot and its reminder sender over the sandbox, on
both databases, with a clock the test moves. Each reminder reaches the unit's liaison and staff
once, at 09:00 in the hall, across a restart of the process; a transaction cut short leaves it
due, and it is sent once later."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.common import deps_of
from bot.outbox import Outbox
from bot.reminder_sender import ReminderSender, messages, owed_messages, recipients
from bot.sandbox import RunningSandbox, Sandbox, SandboxUser, running_sandbox
from facilitation.ports import ScheduledReminder
from facilitation.reminders import local_moment
from facilitation.services import Actor
from facilitation.tracking import ItemKind, ItemStatus, TrackedItem
from facilitation.tracking_access import LiveRoles
from facilitation.tracking_reminding import DueReminder
from facilitation.tracking_services import accept, refer, reply
from facilitation.units import Unit, UnitLevel
from storage.outbox import OutboxStore, UpdateTransaction
from storage.rows import OutboxRow
from tests.bot.messages import text
from tests.bot.test_minutes_bot import MOD, held_session
from tests.fakes import FakeTranscriber
from yishitang.bootstrap import build_runtime, new_session_code, running
from yishitang.stage import BOT_TOKEN, BOT_USERNAME, ShiftableClock, Stage, stage_settings

TZ = ZoneInfo("Asia/Shanghai")
LIAISON, STAFF = "刘联络", "督导"
ROLES = LiveRoles()


@contextlib.asynccontextmanager
async def sandbox_served() -> AsyncIterator[tuple[Sandbox, RunningSandbox]]:
    sandbox = Sandbox()
    sandbox.add_bot(BOT_TOKEN, BOT_USERNAME, "议事堂助手", can_read_all_group_messages=True)
    async with running_sandbox(sandbox) as served:
        yield sandbox, served


@contextlib.asynccontextmanager
async def process(served: RunningSandbox, data_dir: Path, db_url: str, clock: ShiftableClock,
                  people: dict[str, SandboxUser]) -> AsyncIterator[Stage]:
    """One run of the bot (a new Application, poller and reminder sender) on the database."""
    settings = stage_settings(data_dir, served.root_url, database_url=db_url,
                              staff_user_ids=[people[STAFF].id])
    runtime = await build_runtime(settings, clock=clock, new_code=new_session_code,
                                  transcriber=FakeTranscriber())
    async with running(runtime):
        stage = Stage(served.sandbox, served, runtime, clock, people=people)
        stage.group = next((c for c in served.sandbox.chats.values() if c.type != "private"),
                           None)
        yield stage


def people_of(sandbox: Sandbox) -> dict[str, SandboxUser]:
    return {name: sandbox.add_user(name, language_code="zh-hans")
            for name in (MOD, "张三", "王科长", LIAISON, STAFF)}


def sender(stage: Stage) -> ReminderSender:
    assert stage.runtime.reminders is not None
    return stage.runtime.reminders


async def remind_at(stage: Stage, moment: datetime) -> None:
    """Move the clock to ``moment``, wake the sender and wait until its tick is over (its
    messages sent)."""
    stage.clock.offset = moment - datetime.now(UTC)
    sender(stage).kick()
    await asyncio.wait_for(sender(stage).idle.wait(), 10)


def reminders_to(stage: Stage, name: str) -> list[str]:
    return [text(m) for m in stage.sandbox.messages(stage.private(name)) if "督办提醒" in text(m)]


def nine(day: date) -> datetime:
    return local_moment(day, time(9, 0), TZ)


async def approved_with_unit(stage: Stage, liaisons: tuple[int, ...]) -> tuple[date, int]:
    """A held session whose minutes are approved with its follow-up item referred to 区城管局
    (with ``liaisons``) by a deadline 60 days away; returns the deadline and the unit's id."""
    for name in (LIAISON, STAFF):
        await stage.ask(name, "/start", stage.private(name))
    await held_session(stage)
    async with stage.runtime.uow() as work:
        unit = await work.units.add(Unit("区城管局", UnitLevel.COUNTY, liaisons=liaisons))
        await work.commit()
    assert unit.id is not None
    private = stage.private(MOD)
    await stage.ask(MOD, "/end")
    await stage.sandbox.wait_for_message(private, "协商纪要（草稿）")
    due = stage.clock().astimezone(TZ).date() + timedelta(days=60)
    await stage.ask(MOD, f"/deadline 1 {due.isoformat()}", private)
    assert "已批准为第 1 版" in text(await stage.ask(MOD, "/approve", private))
    await stage.settled()  # the approval's wake-ups too (after its reply)
    return due, unit.id


async def items(stage: Stage) -> dict[ItemKind, TrackedItem]:
    async with stage.runtime.uow() as work:
        return {item.kind: item for item in await work.tracked.for_session(1)}


async def test_reminders_go_once_to_liaison_and_staff_at_nine_across_a_restart(
        tmp_path: Path, db_url: str) -> None:
    clock = ShiftableClock()
    async with sandbox_served() as (sandbox, served):
        people = people_of(sandbox)
        staff = Actor(people[STAFF].id, STAFF, "zh", config_admin=True)
        liaison = Actor(people[LIAISON].id, LIAISON, "zh")
        async with process(served, tmp_path, db_url, clock, people) as stage:
            stage.open_group("议事堂", [MOD, "张三", "王科长"])
            due, _unit = await approved_with_unit(stage, (people[LIAISON].id,))
            found = await items(stage)
            suggestion, action = found[ItemKind.SUGGESTION], found[ItemKind.FOLLOW_UP]
            assert action.status == ItemStatus.REFERRED and action.deadline == due
            # the suggestion referred too, by the same deadline: due at the same moments
            await refer(stage.runtime.uow(), item_id=suggestion.id or 0, unit="区城管局",
                        deadline=due, actor=staff, roles=ROLES, now=clock(), tz=TZ)

            await remind_at(stage, nine(due - timedelta(days=7)) - timedelta(minutes=1))
            assert reminders_to(stage, LIAISON) == reminders_to(stage, STAFF) == []

            await remind_at(stage, nine(due - timedelta(days=7)))
            [to_liaison], [to_staff] = reminders_to(stage, LIAISON), reminders_to(stage, STAFF)
            # both items in one message, each with its unit, deadline, days left and session
            for message in (to_liaison, to_staff):
                assert "以下 2 项事项" in message
                assert f"#{suggestion.id} 在小区东门划20个临时停车位\n" in message
                assert f"#{action.id} 完成施划\n" in message
                assert message.count("承办单位：区城管局") == 2
                assert message.count(f"{due.year}年{due.month}月{due.day}日（还有 7 天到期）") == 2
                assert message.count("来源：小区停车难") == 2
            assert "/mine" in to_liaison and "/track" not in to_liaison
            assert "/track" in to_staff and "还没有联络员" not in to_staff

        # the process stops; a new one on the same database sends nothing again
        async with process(served, tmp_path, db_url, clock, people) as stage:
            await remind_at(stage, nine(due - timedelta(days=7)) + timedelta(minutes=5))
            assert len(reminders_to(stage, LIAISON)) == len(reminders_to(stage, STAFF)) == 1

            await remind_at(stage, nine(due - timedelta(days=1)))
            assert len(reminders_to(stage, LIAISON)) == len(reminders_to(stage, STAFF)) == 2
            assert reminders_to(stage, LIAISON)[-1].count("明天到期") == 2

            await remind_at(stage, nine(due + timedelta(days=1)))
            assert len(reminders_to(stage, LIAISON)) == len(reminders_to(stage, STAFF)) == 3
            assert reminders_to(stage, STAFF)[-1].count("已逾期 1 天") == 2

            # the suggestion replied in between: only the other one is overdue a week later
            uow = stage.runtime.uow
            await accept(uow(), item_id=suggestion.id or 0, actor=liaison, roles=ROLES,
                         now=clock())
            await reply(uow(), item_id=suggestion.id or 0, text="已施划临时停车位 20 个。",
                        actor=liaison, roles=ROLES, now=clock())
            await remind_at(stage, nine(due + timedelta(days=8)))
            assert len(reminders_to(stage, LIAISON)) == len(reminders_to(stage, STAFF)) == 4
            weekly = reminders_to(stage, LIAISON)[-1]
            assert "已逾期 8 天" in weekly and f"#{action.id} " in weekly
            assert f"#{suggestion.id} " not in weekly and "以下 2 项" not in weekly

            # the other replied too: no reminder is left to send
            await accept(uow(), item_id=action.id or 0, actor=liaison, roles=ROLES, now=clock())
            await reply(uow(), item_id=action.id or 0, text="已完成。", actor=liaison,
                        roles=ROLES, now=clock())
            await remind_at(stage, nine(due + timedelta(days=15)))
            assert len(reminders_to(stage, LIAISON)) == len(reminders_to(stage, STAFF)) == 4
            async with uow() as work:
                assert await work.reminders.next_due() is None


class Killed(Exception):
    """The process died at this moment."""


class KilledAtCommit(UpdateTransaction):
    """A transaction that wrote everything (the reminders marked, the rows owed) and dies
    before its commit."""

    async def commit(self) -> None:
        raise Killed


async def test_a_reminder_cut_off_before_its_commit_is_still_due_and_sent_once_later(
        tmp_path: Path, db_url: str) -> None:
    clock = ShiftableClock()
    async with sandbox_served() as (sandbox, served):
        people = people_of(sandbox)
        async with process(served, tmp_path, db_url, clock, people) as stage:
            stage.open_group("议事堂", [MOD, "张三", "王科长"])
            due, unit_id = await approved_with_unit(stage, ())  # a unit with no liaison
            await remind_at(stage, nine(due - timedelta(days=7)) - timedelta(hours=1))
            stage.clock.offset = nine(due - timedelta(days=7)) - datetime.now(UTC)

            engine = stage.runtime.engine
            deps = deps_of(stage.runtime.app)
            dying = ReminderSender(deps, Outbox(OutboxStore(engine),
                                                lambda: KilledAtCommit(engine), clock))
            with pytest.raises(Killed):
                await dying.tick()
            async with stage.runtime.uow() as work:
                [still] = await work.reminders.due(clock())
            assert still.sent_at is None and still.key == f"{due.isoformat()}/before/7"
            async with engine.connect() as connection:
                owed = await connection.scalar(select(func.count()).select_from(OutboxRow)
                                               .where(OutboxRow.chat_id == people[STAFF].id,
                                                      OutboxRow.payload.contains("督办提醒")))
            assert owed == 0  # no reminder owed (other notices may be)
            assert reminders_to(stage, STAFF) == []

            # the running sender sends it, once
            await remind_at(stage, clock())
            [message] = reminders_to(stage, STAFF)
            assert "还有 7 天到期" in message
            assert "区城管局还没有联络员" in message and f"/units invite #{unit_id}" in message
            await remind_at(stage, clock() + timedelta(minutes=5))
            assert len(reminders_to(stage, STAFF)) == 1
            async with stage.runtime.uow() as work:
                assert await work.reminders.next_due() == nine(due - timedelta(days=1))


# ------------------------------------------------------------------ who is told what, in words
def due_item(item_id: int, unit: Unit, deadline: date, text: str = "完成施划") -> DueReminder:
    item = TrackedItem(1, ItemKind.FOLLOW_UP, item_id, text, ItemStatus.REFERRED,
                       unit_id=unit.id, unit_name=unit.name, deadline=deadline, id=item_id)
    return DueReminder(ScheduledReminder(item_id, f"{deadline.isoformat()}/before/7",
                                         nine(deadline - timedelta(days=7)), id=item_id),
                       item, unit, "小区停车难")


def test_each_person_gets_one_message_listing_their_items() -> None:
    served = Unit("区城管局", UnitLevel.COUNTY, liaisons=(11, 12), id=1)
    orphan = Unit("县住建局", UnitLevel.COUNTY, id=2)
    deadline = date(2027, 2, 5)
    taken = [due_item(1, served, deadline), due_item(2, orphan, deadline),
             due_item(3, served, deadline - timedelta(days=3))]
    now = nine(deadline - timedelta(days=7))
    # 12 is a liaison and staff; -100 (a channel) has no private chat
    told = recipients(taken, [12, 20, -100])
    assert sorted(told) == [11, 12, 20]
    assert [(d.item.id, staff_only) for d, staff_only in told[12].items()] == [
        (3, False), (1, False), (2, True)]
    [liaison] = messages("zh", told[11], now=now, tz=TZ)
    assert "以下 2 项" in liaison and "#3 " in liaison and "#2 " not in liaison
    assert "还有 4 天到期" in liaison and "/mine" in liaison and "/track" not in liaison
    [staff] = messages("en", told[20], now=now, tz=TZ)
    assert "these 3 items" in staff and "2027-02-05 (7 days left)" in staff
    assert "县住建局 has no liaison yet" in staff and "/units invite #2" in staff
    owed = owed_messages(taken, frozenset({12, 20}), "zh", now=now, tz=TZ)
    assert [o.chat_id for o in owed] == [11, 12, 20]
    assert all(o.kind == "message" and o.payload["chat_id"] == o.chat_id for o in owed)


def test_a_long_list_is_split_within_the_limit_each_item_once() -> None:
    unit = Unit("区城管局", UnitLevel.COUNTY, liaisons=(11,), id=1)
    deadline = date(2027, 2, 5)
    taken = [due_item(n, unit, deadline, "很长的事项" * 30) for n in range(1, 41)]
    now = nine(deadline + timedelta(days=3))
    texts = messages("zh", recipients(taken, [])[11], now=now, tz=TZ, limit=1000)
    assert len(texts) > 1 and all(len(t) <= 1000 for t in texts)
    assert texts[0].startswith("⏰") and texts[-1].endswith("发送 /mine 查看和办理本单位的事项。")
    joined = "\n".join(texts)
    assert [joined.count(f"#{n} 很长") for n in range(1, 41)] == [1] * 40
    assert joined.count("已逾期 3 天") == 40
