"""Approved minutes become tracked items (issue 11): through the real bot and the sandbox, on
both databases; the /approve command and the 批准 button both get there, and an approval whose
tracking was cut short is caught up when the bot next starts."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.follow_up import catch_up
from facilitation.services import Actor
from facilitation.tracking import ItemKind, ItemStatus, TrackedItem
from facilitation.tracking_approval import untracked_versions
from facilitation.units import Unit, UnitLevel
from tests.bot.messages import button, text
from tests.bot.test_minutes_bot import MOD, held_session
from tests.fakes import FakeTranscriber
from transcripts.minutes.drafts import approve_draft
from yishitang.stage import Stage, staged

TZ = ZoneInfo("Asia/Shanghai")


async def _items(stage: Stage) -> dict[ItemKind, TrackedItem]:
    async with stage.runtime.uow() as work:
        items = await work.tracked.for_session(1)
    assert len(items) == 2
    return {item.kind: item for item in items}


async def _add_unit(stage: Stage, name: str) -> int:
    async with stage.runtime.uow() as work:
        unit = await work.units.add(Unit(name, UnitLevel.COUNTY))
        await work.commit()
    assert unit.id is not None
    return unit.id


async def test_approval_tracks_items_schedules_reminders_and_withdraws_dropped_ones(
        tmp_path: Path, db_url: str) -> None:
    async with staged(tmp_path, database_url=db_url, transcriber=FakeTranscriber()) as stage:
        stage.open_group("议事堂", [MOD, "张三", "王科长"])
        await held_session(stage)
        unit_id = await _add_unit(stage, "区城管局")
        private = stage.private(MOD)
        assert "议事会结束" in text(await stage.ask(MOD, "/end"))
        draft = await stage.sandbox.wait_for_message(private, "协商纪要（草稿）")
        due = stage.clock().astimezone(TZ).date() + timedelta(days=60)
        await stage.ask(MOD, f"/deadline 1 {due.isoformat()}", private)
        draft = await stage.ask(MOD, "/draft", private)

        # version 1, by the button: a suggestion pending, the commitment referred to its unit
        await stage.press(MOD, draft, button(draft, "mn:approve:"))
        approved = await stage.sandbox.wait_for_message(private, "已批准为第 1 版")
        assert "2 项意见建议和工作事项已纳入跟踪办理" in text(approved)
        assert "尚未对应" not in text(approved)
        items = await _items(stage)
        suggestion, action = items[ItemKind.SUGGESTION], items[ItemKind.FOLLOW_UP]
        assert suggestion.status == ItemStatus.PENDING and "停车位" in suggestion.text
        assert action.status == ItemStatus.REFERRED
        assert (action.unit_id, action.unit_name, action.deadline) == (unit_id, "区城管局", due)
        async with stage.runtime.uow() as work:
            scheduled = await work.reminders.due(stage.clock() + timedelta(days=400))
        assert {r.item_id for r in scheduled} == {action.id}
        assert any(r.due_at.astimezone(TZ).date() == due - timedelta(days=7)
                   and r.due_at.astimezone(TZ).hour == 9 for r in scheduled)

        # version 2, by the command: the suggestion dropped, the unit one nobody knows yet
        await stage.ask(MOD, "/dropsug 1", private)
        await stage.ask(MOD, "/unit 1 县住建局", private)
        reply = text(await stage.ask(MOD, "/approve", private))
        assert "已批准为第 2 版" in reply and "1 项意见建议" in reply
        assert "尚未对应到单位目录" in reply and "县住建局" in reply
        items = await _items(stage)
        assert items[ItemKind.SUGGESTION].status == ItemStatus.WITHDRAWN
        assert items[ItemKind.FOLLOW_UP].unit_name == "县住建局"
        assert await untracked_versions(stage.runtime.uow()) == []


async def test_an_approval_never_tracked_is_caught_up_at_start(tmp_path: Path,
                                                               db_url: str) -> None:
    async with staged(tmp_path, database_url=db_url, transcriber=FakeTranscriber()) as stage:
        stage.open_group("议事堂", [MOD, "张三", "王科长"])
        await held_session(stage)
        await stage.ask(MOD, "/end")
        await stage.settled()
        # approved, then the process stopped before tracking it
        moderator = Actor(stage.person(MOD).id, MOD, "zh")
        version = await approve_draft(stage.runtime.uow(), session_id=1, actor=moderator,
                                      now=stage.clock(), tz=TZ)
        assert version == 1
        assert await untracked_versions(stage.runtime.uow()) == [(1, 1)]
        async with stage.runtime.uow() as work:
            assert await work.tracked.for_session(1) == []

    async with staged(tmp_path, database_url=db_url, transcriber=FakeTranscriber()) as again:
        items = await _items(again)  # tracked before the bot took its first update
        assert {i.version for i in items.values()} == {1}
        assert items[ItemKind.FOLLOW_UP].unit_name == "区城管局"
        assert isinstance(items[ItemKind.FOLLOW_UP].deadline, date)  # "6月底前"
        assert await untracked_versions(again.runtime.uow()) == []
        assert await catch_up(again.runtime.app.bot_data["deps"]) == []  # nothing to do
