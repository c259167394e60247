"""Liaisons and proposers through the real bot and the Bot API sandbox, on both databases
(issue 11): the notices items' events owe (交办 to the unit's liaison, the reply to the
proposer with the rating buttons, 再办理, staff told of 不满意, the group told once every item
is settled if the hall asked), the liaison's buttons and commands, a reply document, a forged
press refused, and each notice written once across a stop between writing and sending."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.common import deps_of
from bot.item_notices import ItemNotifier
from facilitation import tracking_services
from facilitation.services import Actor
from facilitation.tracking import ItemKind, ItemStatus, Satisfaction, TrackedItem, new_follow_up
from facilitation.tracking_access import LiveRoles
from facilitation.units import Unit, UnitLevel
from tests.bot.messages import text
from tests.bot.test_minutes_bot import MOD, held_session
from tests.fakes import FakeTranscriber
from yishitang.stage import Stage, staged

TZ = ZoneInfo("Asia/Shanghai")
LIAISON, STAFF, OTHER = "赵联络员", "钱科员", "孙联络员"


@pytest.fixture
async def stage(tmp_path: Path, db_url: str) -> AsyncIterator[Stage]:
    """Minutes approved: 张三's suggestion (待处理) and 王科长's commitment referred to
    区城管局, whose liaison opened a private chat with the bot; a staff member too; another
    unit's liaison."""
    async with staged(tmp_path, database_url=db_url, transcriber=FakeTranscriber()) as running:
        running.open_group("议事堂", [MOD, "张三", "王科长"])
        await held_session(running)
        await running.ask("张三", "/profile 张三 群众代表", running.private("张三"))
        for name in (LIAISON, STAFF, OTHER):
            await running.ask(name, "/start", running.private(name))
        deps_of(running.runtime.app).staff_user_ids = frozenset({running.person(STAFF).id})
        async with running.runtime.uow() as work:
            await work.units.add(Unit("区城管局", UnitLevel.COUNTY,
                                      liaisons=(running.person(LIAISON).id,)))
            await work.units.add(Unit("县住建局", UnitLevel.COUNTY,
                                      liaisons=(running.person(OTHER).id,)))
            await work.commit()
        private = running.private(MOD)
        await running.ask(MOD, "/end")
        await running.sandbox.wait_for_message(private, "协商纪要（草稿）")
        assert "已批准为第 1 版" in text(await running.ask(MOD, "/approve", private))
        yield running


async def items(stage: Stage) -> dict[ItemKind, TrackedItem]:
    async with stage.runtime.uow() as work:
        found = await work.tracked.for_session(1)
    return {item.kind: item for item in found}


async def item(stage: Stage, item_id: int) -> TrackedItem:
    async with stage.runtime.uow() as work:
        found = await work.tracked.get(item_id)
    assert found is not None
    return found


def buttons(message: dict[str, Any]) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]


def said(stage: Stage, name: str, contains: str) -> list[dict[str, Any]]:
    return [m for m in stage.sandbox.messages(stage.private(name)) if contains in text(m)]


async def forged(stage: Stage, name: str, message: dict[str, Any], data: str) -> str:
    query_id = stage.sandbox.forge_press(stage.person(name), message, data)
    call = await stage.sandbox.wait_for_call(
        "answerCallbackQuery", lambda c: str(c.param("callback_query_id")) == query_id)
    return str(call.param("text") or "")


async def refer(stage: Stage, item_id: int) -> None:
    """Staff's /refer, through the use case (the handler is another's), then the wake-up the
    bot's handlers give."""
    staff = stage.person(STAFF)
    await tracking_services.refer(
        stage.runtime.uow(), item_id=item_id, unit="区城管局", deadline=None,
        actor=Actor(staff.id, STAFF, "zh", config_admin=True), roles=LiveRoles(),
        now=stage.clock(), tz=TZ)
    deps_of(stage.runtime.app).on_item_change()


async def test_the_liaison_handles_a_follow_up_item_and_the_moderator_rates_it(
        stage: Stage) -> None:
    action = (await items(stage))[ItemKind.FOLLOW_UP]
    assert action.id is not None and action.status == ItemStatus.REFERRED
    mine = stage.private(LIAISON)
    notice = await stage.sandbox.wait_for_message(mine, "【交办】")
    shown = text(notice)
    assert f"#{action.id}" in shown and "区城管局" in shown and "小区停车难" in shown
    assert "议事会确定的工作事项" in shown and "王科长" not in shown
    assert buttons(notice) == [f"lia:acc:{action.id}", f"lia:prog:{action.id}",
                               f"lia:done:{action.id}"]
    assert not said(stage, OTHER, "【交办】")  # another unit's liaison hears nothing

    # a forged press by another unit's liaison, and by a stranger: refused, nothing changes
    assert "只有这一事项承办单位的联络员" in await forged(stage, OTHER, notice,
                                                          f"lia:acc:{action.id}")
    assert "只有这一事项承办单位的联络员" in await forged(stage, "张三", notice,
                                                          f"lia:done:{action.id}")
    assert (await item(stage, action.id)).status == ItemStatus.REFERRED

    assert await stage.press(LIAISON, notice, f"lia:acc:{action.id}") == \
        f"已接收事项 #{action.id}。"
    assert (await item(stage, action.id)).status == ItemStatus.ACCEPTED
    await stage.settled()
    edited = stage.sandbox.message(mine, notice["message_id"])
    assert edited is not None and buttons(edited) == [f"lia:prog:{action.id}",
                                                      f"lia:done:{action.id}"]
    listed = text(await stage.ask(LIAISON, "/mine", mine))
    assert f"#{action.id}【已接收】" in listed and "区城管局" in listed
    assert "不是任何承办单位的联络员" in text(await stage.ask("张三", "/mine",
                                                             stage.private("张三")))

    progress = text(await stage.ask(LIAISON, f"/progress {action.id} 已完成现场勘查", mine))
    assert "已记录" in progress
    assert (await item(stage, action.id)).status == ItemStatus.IN_PROGRESS
    done = text(await stage.ask(LIAISON, f"/reply {action.id} 已完成施划，共20个车位。", mine))
    assert f"事项 #{action.id} 已办结" in done
    replied = await item(stage, action.id)
    assert replied.status == ItemStatus.DONE and replied.reply is not None
    assert replied.reply.text == "已完成施划，共20个车位。"

    # the follow-up item's proposer is the session's moderator: asked to rate it
    answer = await stage.sandbox.wait_for_message(stage.private(MOD), "已由区城管局办结")
    assert "办理答复：已完成施划" in text(answer)
    assert buttons(answer) == [f"rate:{action.id}:s", f"rate:{action.id}:b",
                               f"rate:{action.id}:u"]
    assert "只有这一事项的提出人" in await forged(stage, LIAISON, answer, f"rate:{action.id}:s")
    assert await stage.press(MOD, answer, f"rate:{action.id}:s") == \
        f"感谢评价！事项 #{action.id}：满意。"
    rated = await item(stage, action.id)
    assert (rated.status, rated.satisfaction) == (ItemStatus.EVALUATED, Satisfaction.SATISFIED)
    assert not said(stage, STAFF, "不满意")  # staff are told of 不满意 only


async def test_a_suggestion_referred_answered_with_a_document_sent_back_and_rated(
        stage: Stage) -> None:
    suggestion = (await items(stage))[ItemKind.SUGGESTION]
    assert suggestion.id is not None
    sid = suggestion.id
    mine, proposer = stage.private(LIAISON), stage.private("张三")
    await stage.sandbox.wait_for_message(mine, "【交办】")  # the follow-up item's
    await refer(stage, sid)
    told = await stage.sandbox.wait_for_message(proposer, "已交办区城管局")
    assert f"#{sid}" in text(told) and "办理时限" in text(told)
    notice = await stage.sandbox.wait_for_message(mine, f"意见建议 #{sid}")
    assert "群众代表" in text(notice) and "张三" not in text(notice)
    assert len(buttons(notice)) == 3

    # the reply document, sent in answer to the notice; a word in answer only gets a hint
    hint = await stage.sandbox.wait_for_reply(
        stage.sandbox.send_text(stage.person(LIAISON), mine, "收到", reply_to=notice["message_id"]))
    assert f"/reply {sid}" in text(hint)
    assert (await item(stage, sid)).status == ItemStatus.REFERRED
    sent = stage.sandbox.send_document(stage.person(LIAISON), mine, b"%PDF-1.4 reply",
                                       "办理答复.pdf", "application/pdf",
                                       reply_to=notice["message_id"])
    assert f"事项 #{sid} 已办结" in text(await stage.sandbox.wait_for_reply(sent))
    replied = await item(stage, sid)
    assert replied.status == ItemStatus.DONE and replied.reply is not None
    assert replied.reply.text is None
    assert replied.reply.document == f"tg:{sent['document']['file_id']}:办理答复.pdf"

    answer = await stage.sandbox.wait_for_message(proposer, "您提出的意见建议已由区城管局办结")
    assert "答复附件：办理答复.pdf" in text(answer)
    assert buttons(answer) == [f"rate:{sid}:s", f"rate:{sid}:b", f"rate:{sid}:u",
                               f"lia:doc:{sid}"]
    await stage.press("张三", answer, f"lia:doc:{sid}")
    document = await stage.sandbox.wait_for_message(proposer, "办理答复.pdf",
                                                    after_message_id=answer["message_id"])
    assert document["document"]["file_id"] == sent["document"]["file_id"]

    # 不满意: back to the unit (再办理), its liaison told again, staff told
    assert "已退回" in await stage.press("张三", answer, f"rate:{sid}:u")
    assert (await item(stage, sid)).status == ItemStatus.REOPENED
    redo = await stage.sandbox.wait_for_message(mine, "【再办理】")
    assert buttons(redo) == [f"lia:prog:{sid}", f"lia:done:{sid}"]
    staff = await stage.sandbox.wait_for_message(stage.private(STAFF), "【不满意】")
    assert f"#{sid}" in text(staff)

    # 办理中 and 办结 ask for the note and the reply, answered to their prompt
    await stage.press(LIAISON, redo, f"lia:prog:{sid}")
    prompt = await stage.sandbox.wait_for_message(mine, f"事项 #{sid} 办理进展")
    note = stage.sandbox.send_text(stage.person(LIAISON), mine, "已重新协调施工队",
                                   reply_to=prompt["message_id"])
    assert "已记录" in text(await stage.sandbox.wait_for_reply(note))
    assert (await item(stage, sid)).status == ItemStatus.IN_PROGRESS
    await stage.press(LIAISON, redo, f"lia:done:{sid}")
    prompt = await stage.sandbox.wait_for_message(mine, f"事项 #{sid} 办结答复")
    again = stage.sandbox.send_text(stage.person(LIAISON), mine, "已返工完成。",
                                    reply_to=prompt["message_id"])
    assert "已办结" in text(await stage.sandbox.wait_for_reply(again))
    second = await stage.sandbox.wait_for_message(proposer, "办理答复：已返工完成。")
    assert len(buttons(second)) == 3

    # the second time, by command
    rated = text(await stage.ask("张三", f"/rate {sid} 满意", proposer))
    assert rated == f"感谢评价！事项 #{sid}：满意。"
    done = await item(stage, sid)
    assert (done.status, done.satisfaction, done.reopens) == (
        ItemStatus.EVALUATED, Satisfaction.SATISFIED, 1)
    assert len(said(stage, "张三", "已交办区城管局")) == 1  # each notice once


async def test_the_group_hears_that_all_is_settled_only_when_the_hall_asked(
        stage: Stage) -> None:
    found = await items(stage)
    action, suggestion = found[ItemKind.FOLLOW_UP], found[ItemKind.SUGGESTION]
    assert action.id is not None and suggestion.id is not None
    mine, moderator = stage.private(LIAISON), stage.private(MOD)
    staff = stage.person(STAFF)
    await tracking_services.reserve(
        stage.runtime.uow(), item_id=suggestion.id, reason="已有同类项目",
        actor=Actor(staff.id, STAFF, "zh", config_admin=True), roles=LiveRoles(), now=stage.clock())
    await stage.ask(LIAISON, f"/reply {action.id} 已完成施划。", mine)
    answer = await stage.sandbox.wait_for_message(moderator, "已由区城管局办结")
    assert not [m for m in stage.sandbox.messages(stage.group) if "感谢各位的参与" in text(m)]

    # the switch: whoever runs the hall's sessions (or staff), not a participant
    assert "只有本场主持人" in text(await stage.ask("张三", "/hall 办结通知 开"))
    assert "办结通知：开" in text(await stage.ask(MOD, "/hall 办结通知 开"))
    assert "办结通知：开" in text(await stage.ask(MOD, "/hall"))

    await stage.press(MOD, answer, f"rate:{action.id}:u")  # back to the unit
    redo = await stage.sandbox.wait_for_message(mine, "【再办理】")
    await stage.ask(LIAISON, f"/reply {action.id} 已返工。", mine)
    settled = await stage.sandbox.wait_for_message(stage.group, "感谢各位的参与")
    assert "小区停车难" in text(settled) and "2 项" in text(settled)
    await stage.press(MOD, await stage.sandbox.wait_for_message(
        moderator, "办理答复：已返工。"), f"rate:{action.id}:b")
    await stage.sandbox.wait_for_message(stage.private(STAFF), "【不满意】")
    await stage.settled()
    assert len([m for m in stage.sandbox.messages(stage.group) if "感谢各位的参与" in text(m)]) == 1
    assert redo["message_id"] > 0


async def test_notices_written_but_not_sent_at_a_stop_go_once(stage: Stage) -> None:
    """Events no process noticed (the command line made them): taken by a notifier whose
    process stops before sending (the rows stay in the outbox), then by two more at once, as
    at a restart: the liaison gets each notice once, sent by whoever sends next."""
    deps = deps_of(stage.runtime.app)
    assert deps.outbox is not None
    mine = stage.private(LIAISON)
    await stage.sandbox.wait_for_message(mine, "【交办】")
    async with stage.runtime.uow() as work:
        unit = await work.units.get(1)
        assert unit is not None and unit.id is not None
        for n in (1, 2):
            await work.tracked.add(new_follow_up(1, 10 + n, f"后续工作{n}", unit_name=unit.name,
                                                 unit_id=unit.id, deadline=None,
                                                 at=stage.clock()))
        await work.commit()
    stopped = ItemNotifier(deps, deps.outbox)
    assert len((await stopped.owe()).notices) == 2  # written; its process stops here
    restarted = [ItemNotifier(deps, deps.outbox), ItemNotifier(deps, deps.outbox)]
    assert await asyncio.gather(*(n.tick() for n in restarted)) == [0, 0]
    await deps.outbox.send_pending()  # what the next start's poller sends first
    await stage.sandbox.wait_for_message(mine, "后续工作2")
    assert await restarted[0].tick() == 0
    await stage.settled()
    for n in (1, 2):
        assert len(said(stage, LIAISON, f"后续工作{n}")) == 1
    assert len(said(stage, LIAISON, "【交办】")) == 3
