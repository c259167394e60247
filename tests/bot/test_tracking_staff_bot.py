"""Staff following items up through the real bot and the Bot API sandbox, on both databases
(issue 11): /track (overdue first, in pages, a liaison's own units), /refer, /reassign,
/convert, /reserve, /due, the buttons that lead to the same use cases (and refuse a forged press),
/units add|map|invite and an invite redeemed by /start u_<code>, once, until it expires."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.app import STAFF_COMMANDS
from bot.catalog import CATALOGS
from bot.common import deps_of
from facilitation.tracking import (
    Conversion,
    EventKind,
    ItemKind,
    ItemStatus,
    TrackedItem,
    new_suggestion,
)
from facilitation.units import Unit, UnitLevel
from tests.bot.messages import button, text
from tests.bot.test_minutes_bot import MOD, held_session
from tests.fakes import FakeTranscriber
from yishitang.stage import Stage, staged

TZ = ZoneInfo("Asia/Shanghai")
STAFF, LIAISON = "何静", "王科长"
MORE = ("加强夜间巡查", "增设电动车充电桩", "建立停车共享平台", "公示停车位分配办法")
UNIT = "县城市管理综合执法局"  # what "区城管局" of the minutes turns out to be


@pytest.fixture
async def stage(tmp_path: Path, db_url: str) -> AsyncIterator[Stage]:
    """Minutes approved: five suggestions (待处理) and 王科长's commitment, due in ten days,
    referred to "区城管局", a name no unit answers to yet."""
    async with staged(tmp_path, database_url=db_url, transcriber=FakeTranscriber()) as running:
        running.open_group("议事堂", [MOD, "张三", LIAISON])
        await held_session(running)
        private = running.private(MOD)
        await running.ask(MOD, "/end")
        await running.sandbox.wait_for_message(private, "协商纪要（草稿）")
        for said in MORE:
            assert "已增加建议" in text(await running.ask(MOD, f"/addsug 1 {said}", private))
        await running.ask(MOD, f"/deadline 1 {(today(running) + timedelta(days=10))}", private)
        assert "已批准为第 1 版" in text(await running.ask(MOD, "/approve", private))
        deps_of(running.runtime.app).staff_user_ids = frozenset({running.person(STAFF).id})
        yield running


def today(stage: Stage) -> date:
    return stage.clock().astimezone(TZ).date()


async def items(stage: Stage) -> dict[str, TrackedItem]:
    """The session's suggestions by the start of their text, its follow-up item as "action"."""
    async with stage.runtime.uow() as work:
        found = await work.tracked.for_session(1)
    return {"action" if i.kind == ItemKind.FOLLOW_UP else i.text[:4]: i for i in found}


def ids(found: dict[str, TrackedItem]) -> dict[str, int]:
    return {k: v.id for k, v in found.items() if v.id is not None}


async def person_id(stage: Stage, name: str) -> int | None:
    async with stage.runtime.uow() as work:
        person = await work.people.by_telegram_id(stage.person(name).id)
    return person.id if person is not None else None


async def ask(stage: Stage, name: str, said: str) -> str:
    return text(await stage.ask(name, said, stage.private(name)))


async def add_unit(stage: Stage, said: str = f"/units add {UNIT}") -> None:
    assert "已添加单位" in await ask(stage, STAFF, said)


def _last_event(item: TrackedItem) -> tuple[EventKind, int | None]:
    return item.history[-1].kind, item.history[-1].who.person_id


# ------------------------------------------------------------------ /track
async def test_track_lists_overdue_first_in_pages_and_a_liaison_sees_their_units(
        stage: Stage) -> None:
    await add_unit(stage)
    assert "1 项事项已随之交给该单位" in await ask(stage, STAFF, f"/units map 区城管局 {UNIT}")
    async with stage.runtime.uow() as work:  # enough items for a second page
        for n in range(5):
            await work.tracked.add(new_suggestion(1, 1, f"补充建议{n}", at=stage.clock()))
        await work.commit()
    stage.clock.advance(15 * 86400)  # the commitment is now five days overdue
    listed = await stage.ask(STAFF, "/track", stage.private(STAFF))
    lines = text(listed).split("\n")
    assert "未办结 11 项，其中逾期 1 项 · 第 1/2 页" in lines[0]
    assert lines[1].startswith(f"#{ids(await items(stage))['action']} 工作 会议1：")
    assert UNIT in lines[2] and "逾期 5 天" in lines[2] and "已交办" in lines[2]
    assert "未定时限" in lines[4] and "待处理" in lines[4]
    assert len([b for b in lines if b.startswith("#")]) == 8
    nav = button(listed, "tk:p:a:2")
    assert await stage.press(STAFF, listed, nav) == ""
    second = stage.sandbox.message(stage.private(STAFF), listed["message_id"])
    assert second is not None and "第 2/2 页" in text(second)
    assert len([b for b in text(second).split("\n") if b.startswith("#")]) == 3
    assert "补充建议4" in text(second) and button(second, "tk:p:a:1")

    overdue = await ask(stage, STAFF, "/track 逾期")
    assert "未办结 1 项，其中逾期 1 项" in overdue and "逾期 5 天" in overdue
    assert "未办结 1 项" in await ask(stage, STAFF, "/track 区城管局")  # the mapped name
    assert "未办结 0 项" not in await ask(stage, STAFF, "/track 1")  # session 1
    assert "没有未办结的事项" in await ask(stage, STAFF, "/track 2")
    assert "没有找到单位“环保局”" in await ask(stage, STAFF, "/track 环保局")

    # a liaison: their unit's items, without staff's buttons; anyone else: refused
    assert "只有这一事项承办单位的联络员" in await ask(stage, "张三", "/track")
    async with stage.runtime.uow() as work:
        [unit] = await work.units.list()
        unit.add_liaison(stage.person(LIAISON).id)
        await work.units.save(unit)
        await work.commit()
    theirs = await stage.ask(LIAISON, "/track", stage.private(LIAISON))
    assert "未办结 1 项" in text(theirs) and "逾期 5 天" in text(theirs)
    assert "/refer" not in text(theirs) and theirs.get("reply_markup") is None


# ------------------------------------------------------------------ the commands
async def test_refer_convert_reserve_and_due_by_command(stage: Stage) -> None:
    await add_unit(stage, f"/units add {UNIT} 城管局")
    found = ids(await items(stage))
    park, patrol, charge, share, notice = (found[k] for k in ("在小区东", "加强夜间", "增设电动",
                                                              "建立停车", "公示停车"))
    before = await items(stage)
    assert await ask(stage, "张三", f"/refer {park} {UNIT}") == "只有工作人员可以这样做。"
    assert await ask(stage, LIAISON, f"/convert {charge} 提案") == "只有工作人员可以这样做。"
    assert await items(stage) == before
    staff = await person_id(stage, STAFF)
    d1, d2, d3 = (today(stage) + timedelta(days=n) for n in (100, 130, 160))

    # by name with a date; by alias with the default deadline (30 days)
    said = await ask(stage, STAFF, f"/refer {park} {UNIT} {d1}")
    assert said == f"✅ 事项 #{park} 已交办给{UNIT}，办理时限 {d1}。"
    default = today(stage) + timedelta(days=30)
    assert default.isoformat() in await ask(stage, STAFF, f"/refer #{patrol} 城管局")
    now = await items(stage)
    assert (now["在小区东"].status, now["在小区东"].deadline) == (ItemStatus.REFERRED, d1)
    assert (now["加强夜间"].unit_name, now["加强夜间"].deadline) == (UNIT, default)
    assert _last_event(now["加强夜间"]) == (EventKind.REFERRED, staff)
    assert "看不懂时限“下礼拜”" in await ask(stage, STAFF, f"/refer {charge} {UNIT} 下礼拜")
    assert "用法：/refer" in await ask(stage, STAFF, "/refer 十二 城管局")
    assert "没有找到事项 #99999" in await ask(stage, STAFF, "/refer 99999 城管局")

    # converted without a number, then numbered; and with one at once
    assert await ask(stage, STAFF, f"/convert {charge} 提案") == f"✅ 事项 #{charge} 已转化为提案。"
    numbered = await ask(stage, STAFF, f"/convert {charge} 提案 〔2027〕5号")
    assert "（编号：〔2027〕5号）" in numbered
    opinion = await ask(stage, STAFF, f"/convert {share} 社情民意 SQ-12")
    assert "社情民意信息（编号：SQ-12）" in opinion
    assert "不是转化类型" in await ask(stage, STAFF, f"/convert {notice} 议案")
    now = await items(stage)
    assert [e.kind for e in now["增设电动"].history[-2:]] == [EventKind.CONVERTED,
                                                          EventKind.NUMBERED]
    assert (now["增设电动"].conversion, now["增设电动"].reference) == (Conversion.PROPOSAL,
                                                                   "〔2027〕5号")
    assert (now["建立停车"].conversion, now["建立停车"].reference) == (Conversion.OPINION, "SQ-12")

    # kept for reference: a reason is needed
    assert await ask(stage, STAFF, f"/reserve {notice}") == "请写明理由。"
    why = "已纳入小区自治章程"
    assert f"理由：{why}" in await ask(stage, STAFF, f"/reserve {notice} {why}")
    now = await items(stage)
    assert (now["公示停车"].status, now["公示停车"].reason) == (ItemStatus.RESERVED, why)
    assert _last_event(now["公示停车"]) == (EventKind.RESERVED, staff)

    # a deadline changed: without a reason, the bot asks for one as a reply
    question = await stage.ask(STAFF, f"/due {park} {d2}", stage.private(STAFF))
    assert "请回复这条消息写明理由" in text(question) and f"/due {park} {d2}" in text(question)
    assert (await items(stage))["在小区东"].deadline == d1
    answered = stage.sandbox.send_text(stage.person(STAFF), stage.private(STAFF), "需协调资金",
                                       reply_to=question["message_id"])
    done = text(await stage.sandbox.wait_for_reply(answered))
    assert done == f"✅ 事项 #{park} 的办理时限：{d2}（原为 {d1}）。"
    said = await ask(stage, STAFF, f"/due {park} {d3} 施工期延长")
    assert f"{d3}（原为 {d2}）" in said
    now = await items(stage)
    reasons = [e.detail.get("reason") for e in now["在小区东"].history
               if e.kind == EventKind.DEADLINE_CHANGED]
    assert reasons == ["需协调资金", "施工期延长"] and now["在小区东"].deadline == d3
    assert "已经过去了" in await ask(stage, STAFF, f"/due {park} 2020-01-01 理由")
    assert "不能这样办理" in await ask(stage, STAFF, f"/due {charge} {d1} 理由")


# ------------------------------------------------------------------ 改交办
async def with_two_units(stage: Stage) -> int:
    """The follow-up item with 城管局 (its minutes' 区城管局, which the alias answers), and
    县交通运输局 (also 交通局) in the directory with 王科长 as its liaison; the item's id."""
    await add_unit(stage, f"/units add {UNIT} 城管局")
    assert (await items(stage))["action"].unit_id == 1
    await add_unit(stage, "/units add 县交通运输局 交通局")
    async with stage.runtime.uow() as work:
        transport = await work.units.get(2)
        assert transport is not None
        transport.add_liaison(stage.person(LIAISON).id)
        await work.units.save(transport)
        await work.commit()
    await ask(stage, LIAISON, "/mine")  # a private chat the bot may write to
    return ids(await items(stage))["action"]


def _reassigned(item: TrackedItem) -> tuple[EventKind, int | None, str | None]:
    last = item.history[-1]
    return last.kind, last.who.person_id, last.detail.get("reason")


async def test_reassign_by_command_to_another_unit_with_a_reason(stage: Stage) -> None:
    action = await with_two_units(stage)
    park = ids(await items(stage))["在小区东"]
    due = today(stage) + timedelta(days=10)
    before = await items(stage)
    assert await ask(stage, "张三", f"/reassign {action} 交通局 不归我们") == \
        "只有工作人员可以这样做。"
    assert await ask(stage, STAFF, f"/reassign {action} 交通局") == "请写明理由。"
    assert "用法：/reassign" in await ask(stage, STAFF, f"/reassign {action}")
    assert "不能这样办理" in await ask(stage, STAFF, f"/reassign {park} 交通局 理由")  # pending
    assert "没有找到单位“环保局”" in await ask(stage, STAFF, f"/reassign {action} 环保局 理由")
    assert "看不懂时限“下礼拜”" in await ask(stage, STAFF,
                                         f"/reassign {action} 交通局 时限=下礼拜 理由")
    assert await items(stage) == before
    staff = await person_id(stage, STAFF)

    mine = stage.private(LIAISON)
    last = max((m["message_id"] for m in stage.sandbox.messages(mine)), default=0)
    said = await ask(stage, STAFF, f"/reassign #{action} 交通局 道路施划 属交通部门")
    assert said == f"✅ 事项 #{action} 已改交办给县交通运输局，办理时限 {due}。" \
                   "理由：道路施划 属交通部门"
    now = (await items(stage))["action"]
    assert (now.status, now.unit_id, now.unit_name, now.deadline) == (
        ItemStatus.REFERRED, 2, "县交通运输局", due)
    assert _reassigned(now) == (EventKind.REASSIGNED, staff, "道路施划 属交通部门")
    notice = await stage.sandbox.wait_for_message(mine, "【交办】", after_message_id=last)
    assert f"#{action}" in text(notice) and "县交通运输局" in text(notice)

    # back, with a new deadline named
    later = today(stage) + timedelta(days=60)
    said = await ask(stage, STAFF, f"/reassign {action} #1 时限={later} 交通局答复不属其职责")
    assert f"已改交办给{UNIT}，办理时限 {later}。" in said
    now = (await items(stage))["action"]
    assert (now.unit_id, now.deadline) == (1, later)
    assert _reassigned(now) == (EventKind.REASSIGNED, staff, "交通局答复不属其职责")


async def test_reassign_by_button_asks_the_reason_as_a_reply(stage: Stage) -> None:
    action = await with_two_units(stage)
    listed = await stage.ask(STAFF, "/track", stage.private(STAFF))
    assert "改交办 /reassign" in text(listed)
    assert button(listed, f"tk:r:{action}") and f"改交办 #{action}" in labels(listed)
    asked = await _row_press(stage, listed, f"tk:r:{action}", "改交办事项")
    assert f"现由{UNIT}承办" in text(asked)
    assert labels(asked) == ["县交通运输局"]  # not the unit it is with
    before = await items(stage)
    assert await stage.press(STAFF, asked, f"tk:ra:{action}:2") == ""
    question = await stage.sandbox.wait_for_message(stage.private(STAFF), "请回复这条消息写明理由")
    assert text(question).endswith(f"↩ /reassign {action} #2 理由")
    assert "改交办事项" in text(question) and "县交通运输局" in text(question)
    assert await items(stage) == before  # nothing done before the reason
    answered = stage.sandbox.send_text(stage.person(STAFF), stage.private(STAFF), "属交通部门",
                                       reply_to=question["message_id"])
    done = text(await stage.sandbox.wait_for_reply(answered))
    assert done.startswith(f"✅ 事项 #{action} 已改交办给县交通运输局")
    assert done.endswith("理由：属交通部门")
    now = (await items(stage))["action"]
    assert (now.status, now.unit_id) == (ItemStatus.REFERRED, 2)
    assert _reassigned(now) == (EventKind.REASSIGNED, await person_id(stage, STAFF), "属交通部门")
    await stage.sandbox.wait_for_message(stage.private(LIAISON), "【交办】")


# ------------------------------------------------------------------ the buttons
def labels(message: dict[str, Any]) -> list[str]:
    return [b["text"] for row in message["reply_markup"]["inline_keyboard"] for b in row]


async def _row_press(stage: Stage, listed: dict[str, Any], data: str,
                     question: str) -> dict[str, Any]:
    """Press a button under /track and return the question the bot asks (other messages,
    such as notices of the items' changes, may come to staff meanwhile)."""
    chat = stage.private(STAFF)
    last = max(m["message_id"] for m in stage.sandbox.messages(chat))
    assert await stage.press(STAFF, listed, data) == ""
    return await stage.sandbox.wait_for_message(chat, question, after_message_id=last)


async def test_buttons_refer_convert_reserve_and_change_a_deadline(stage: Stage) -> None:
    await add_unit(stage, f"/units add {UNIT} 城管局")
    await add_unit(stage, "/units add 县交通运输局")
    async with stage.runtime.uow() as work:  # enough units for a second page of them
        for n in range(8):
            await work.units.add(Unit(f"第{n}村", UnitLevel.VILLAGE))
        await work.commit()
    found = ids(await items(stage))
    park, patrol, charge = found["在小区东"], found["加强夜间"], found["增设电动"]
    listed = await stage.ask(STAFF, "/track", stage.private(STAFF))
    staff = await person_id(stage, STAFF)

    # 交办: a keyboard of units, in pages, then the unit
    asked = await _row_press(stage, listed, f"tk:r:{park}", "交办事项")
    assert f"交办事项 #{park}" in text(asked) and "时限默认 30 天" in text(asked)
    assert labels(asked) == [UNIT, "县交通运输局", *(f"第{n}村" for n in range(6)), "下一页 ▶"]
    chat = stage.private(STAFF)
    assert await stage.press(STAFF, asked, f"tk:rp:{park}:2") == ""
    asked = stage.sandbox.message(chat, asked["message_id"])
    assert asked is not None and labels(asked) == ["第6村", "第7村", "◀ 上一页"]
    await stage.press(STAFF, asked, f"tk:rp:{park}:1")
    asked = stage.sandbox.message(chat, asked["message_id"])
    assert asked is not None
    answer = await stage.press(STAFF, asked, f"tk:ru:{park}:2")
    assert answer == f"✅ 事项 #{park} 已交办给县交通运输局，办理时限 " \
                     f"{today(stage) + timedelta(days=30)}。"
    edited = stage.sandbox.message(stage.private(STAFF), asked["message_id"])
    assert edited is not None and text(edited) == answer and not edited.get("reply_markup")
    now = await items(stage)
    assert (now["在小区东"].status, now["在小区东"].unit_id) == (ItemStatus.REFERRED, 2)
    assert _last_event(now["在小区东"]) == (EventKind.REFERRED, staff)

    # 转化: three kinds
    asked = await _row_press(stage, listed, f"tk:c:{charge}", "转化事项")
    assert labels(asked) == ["提案", "社情民意信息", "专报"]
    assert [b["callback_data"] for b in asked["reply_markup"]["inline_keyboard"][0]] == [
        f"tk:cv:{charge}:p", f"tk:cv:{charge}:o", f"tk:cv:{charge}:r"]
    assert "已转化为专报" in await stage.press(STAFF, asked, f"tk:cv:{charge}:r")
    assert (await items(stage))["增设电动"].conversion == Conversion.REPORT

    # 留作参考: the reason asked as a reply
    asked = await _row_press(stage, listed, f"tk:x:{patrol}", "留作参考：")
    assert "请回复这条消息写明理由" in text(asked)
    reason = stage.sandbox.send_text(stage.person(STAFF), stage.private(STAFF), "与第1条重复",
                                     reply_to=asked["message_id"])
    assert "理由：与第1条重复" in text(await stage.sandbox.wait_for_reply(reason))
    assert (await items(stage))["加强夜间"].status == ItemStatus.RESERVED

    # 改时限: quick choices; changing a deadline asks its reason
    listed = await stage.ask(STAFF, "/track", stage.private(STAFF))
    asked = await _row_press(stage, listed, f"tk:d:{park}", "现在的时限")
    plus7 = today(stage) + timedelta(days=37)
    assert f"现在的时限：{today(stage) + timedelta(days=30)}" in text(asked)
    quick = button(asked, f"tk:dd:{park}:{plus7.strftime('%Y%m%d')}")
    assert await stage.press(STAFF, asked, quick) == ""
    why = await stage.sandbox.wait_for_message(stage.private(STAFF), f"改为 {plus7}")
    assert (await items(stage))["在小区东"].deadline == plus7 - timedelta(days=7)
    reason = stage.sandbox.send_text(stage.person(STAFF), stage.private(STAFF), "需协调资金",
                                     reply_to=why["message_id"])
    assert f"{plus7}（原为" in text(await stage.sandbox.wait_for_reply(reason))
    now = await items(stage)
    assert now["在小区东"].deadline == plus7
    assert now["在小区东"].history[-1].detail["reason"] == "需协调资金"


async def test_a_forged_press_by_anyone_but_staff_changes_nothing(stage: Stage) -> None:
    await add_unit(stage, f"/units add {UNIT} 城管局")
    found = ids(await items(stage))
    park, action = found["在小区东"], found["action"]
    listed = await stage.ask(STAFF, "/track", stage.private(STAFF))
    before = await items(stage)
    soon = today(stage) + timedelta(days=5)
    forged = [f"tk:ru:{park}:1", f"tk:cv:{park}:p", f"tk:dd:{action}:{soon:%Y%m%d}", f"tk:r:{park}",
              f"tk:c:{park}", f"tk:d:{action}", f"tk:x:{park}", f"tk:rp:{park}:2",
              f"tk:r:{action}", f"tk:ra:{action}:1"]
    for forger in ("张三", LIAISON):
        for data in forged:
            said = await forge(stage, forger, listed, data)
            assert said == "只有工作人员可以这样做。", (forger, data)
    assert "只有这一事项承办单位的联络员" in await forge(stage, "张三", listed, "tk:p:a:1")
    for data in ("tk:ru:0:1", "tk:dd:1:20991399", "tk:p:u99999999999:1", "tk:cv:1:z"):
        assert "按钮已失效" in await forge(stage, STAFF, listed, data), data
    # a date a button could not offer, the way a typed one is refused
    assert "已经过去了" in await forge(stage, STAFF, listed, f"tk:dd:{action}:20200101")
    await stage.settled()
    assert await items(stage) == before


async def forge(stage: Stage, name: str, message: dict[str, Any], data: str) -> str:
    """A modified client presses ``data`` on ``message``; the answer the bot gives."""
    query_id = stage.sandbox.forge_press(stage.person(name), message, data)
    call = await stage.sandbox.wait_for_call(
        "answerCallbackQuery", lambda c: str(c.param("callback_query_id")) == query_id)
    return str(call.param("text") or "")


# ------------------------------------------------------------------ /units and invites
async def test_units_add_map_invite_and_an_invite_redeemed_once(stage: Stage) -> None:
    assert await ask(stage, "张三", "/units") == "只有工作人员可以这样做。"
    listing = await ask(stage, STAFF, "/units")
    assert "单位目录还是空的" in listing and "尚未对应到单位的名称：区城管局" in listing
    assert "看不出“交警队”是哪一级单位" in await ask(stage, STAFF, "/units add 交警队")
    assert "（县级部门）" in await ask(stage, STAFF, "/units add 交警队 level=县级")
    assert "（乡镇/街道）" in await ask(stage, STAFF, "/units add 平桥镇城建办 城建办")
    added = await ask(stage, STAFF, f"/units add {UNIT} 城市管理局")
    assert "（县级部门） · 又称城市管理局" in added and "随之" not in added
    mapped = await ask(stage, STAFF, f"/units map 区城管局 {UNIT}")
    assert mapped == f"✅ 纪要中的“区城管局”今后即为{UNIT}。\n1 项事项已随之交给该单位。"
    action = (await items(stage))["action"]
    assert action.unit_name == "区城管局" and action.history[-1].kind == EventKind.UNIT_MAPPED
    assert action.history[-1].who.person_id == await person_id(stage, STAFF)
    listing = await ask(stage, STAFF, "/units")
    assert f"#3 {UNIT} · 县级部门 · 又称城市管理局 · 联络员 0 人 · 未办结 1 项" in listing
    assert "尚未对应" not in listing
    assert "/units add 名称" in await ask(stage, STAFF, "/units nonsense")

    invite = await ask(stage, STAFF, f"/units invite {UNIT}")
    link = re.search(r"https://t\.me/yishitang_bot\?start=(u_[A-Za-z0-9]+)", invite)
    assert link is not None and f"邀请{UNIT}的联络员" in invite
    payload = link[1]
    welcome = await ask(stage, LIAISON, f"/start {payload}")
    assert welcome == f"✅ 您已成为{UNIT}的联络员。交办给该单位的事项会发给您；发送 /mine 查看。"
    async with stage.runtime.uow() as work:
        unit = await work.units.get(3)
        used = await work.units.invite(payload[2:])
    assert unit is not None and unit.liaisons == (stage.person(LIAISON).id,)
    assert used is not None and used.used_by == stage.person(LIAISON).id
    assert "已是" in await ask(stage, LIAISON, f"/start {payload}")
    assert "已经有人用过了" in await ask(stage, "张三", f"/start {payload}")
    assert "邀请链接无效" in await ask(stage, "张三", "/start u_NoSuchInvite1234")
    assert "/units" in listing and "联络员 1 人" in await ask(stage, STAFF, "/units")

    later = await ask(stage, STAFF, "/units invite 交警队")
    code = re.search(r"start=(u_[A-Za-z0-9]+)", later)
    assert code is not None
    stage.clock.advance(8 * 86400)
    assert "已过期" in await ask(stage, "张三", f"/start {code[1]}")
    async with stage.runtime.uow() as work:
        police = await work.units.get(1)
    assert police is not None and police.liaisons == ()


def test_staff_have_the_follow_up_commands_in_their_menu_in_every_language() -> None:
    follow_up = {"track", "refer", "reassign", "convert", "reserve", "due", "units"}
    assert follow_up <= set(STAFF_COMMANDS)
    for catalogue in CATALOGS.values():
        assert {f"cmd_{name}" for name in follow_up} <= set(catalogue)
