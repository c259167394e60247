"""Minutes through the real bot and the sandbox: live marks, the draft after /end, edits in
private chat, 发言确认, versioned approval, /minutes and the public version."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from docx import Document

from storage.minutes_repository import SqlAlchemyMinutesRepository
from tests.bot.messages import button, text
from tests.fakes import FakeTranscriber
from yishitang.stage import Stage, staged

MOD = "李主席"


def documents(stage: Stage, chat: Any, after: int = 0) -> dict[str, bytes]:
    found = {}
    for m in stage.sandbox.messages(chat):
        if m["message_id"] > after and "document" in m:
            doc = m["document"]
            found[doc["file_name"]] = stage.sandbox.files[doc["file_id"]].data
    return found


@pytest.fixture
async def stage(tmp_path: Path, db_url: str) -> AsyncIterator[Stage]:
    async with staged(tmp_path, database_url=db_url, transcriber=FakeTranscriber()) as running:
        running.open_group("议事堂", [MOD, "张三", "王科长"])
        yield running


async def held_session(stage: Stage) -> dict[str, Any]:
    """张三 proposes, 王科长 commits; the moderator marks both; returns 张三's mark prompt."""
    for name in (MOD, "张三"):
        await stage.ask(name, "/start", stage.private(name))
    await stage.ask(MOD, "/new 小区停车难")
    await stage.ask("张三", "/signin")
    await stage.ask("王科长", "/profile 王科长 部门 - 区城管局")
    await stage.ask("王科长", "/signin")
    await stage.ask("张三", "/hand")
    await stage.ask("王科长", "/hand 回应")
    await stage.ask(MOD, "/next")
    prompt = await stage.ask("张三", "建议在小区东门划二十个临时停车位，方便老人就近停车。")
    assert text(prompt) == "📌 #1"
    assert "只有本场主持人" in await stage.press("张三", prompt, button(prompt, "mark:"))
    answer = await stage.press(MOD, prompt, button(prompt, "mark:"))
    assert answer == "#1 已标记为建议"
    await stage.ask(MOD, "/next")
    commitment = await stage.ask("王科长", "这个事由区城管局负责，6月底前完成施划。")
    action = next(b["callback_data"] for b in commitment["reply_markup"]["inline_keyboard"][0]
                  if b["callback_data"].endswith(":a"))
    assert "待办" in await stage.press(MOD, commitment, action)
    return prompt


async def test_marks_show_on_the_button_and_survive_in_the_record(stage: Stage) -> None:
    prompt = await held_session(stage)
    await stage.settled()
    marked = next(m for m in stage.sandbox.messages(stage.group)
                  if m["message_id"] == prompt["message_id"])
    labels = [b["text"] for b in marked["reply_markup"]["inline_keyboard"][0]]
    assert labels == ["☑ 建议", "☐ 共识", "☐ 待办"]
    async with stage.runtime.uow() as work:
        contributions = await work.contributions.list(1)
    assert [c.marks for c in contributions] == [("suggestion",), ("action",)]
    # a remark from the table is recorded but gets no buttons (Telegram's group rate limit)
    remark = stage.say("张三", "我同意。")
    await stage.settled()
    assert not [m for m in stage.sandbox.messages(stage.group)
                if m.get("reply_to_message", {}).get("message_id") == remark["message_id"]]
    prompt_again = await stage.press(MOD, marked, button(marked, "mark:"))
    assert prompt_again == "#1 已取消建议标记"
    async with stage.runtime.uow() as work:
        assert (await work.contributions.list(1))[0].marks is None  # as if never marked


async def test_end_sends_the_draft_then_edits_confirmation_and_versions(stage: Stage) -> None:
    await held_session(stage)
    private = stage.private(MOD)
    before = max([m["message_id"] for m in stage.sandbox.messages(private)], default=0)
    assert "议事会结束" in text(await stage.ask(MOD, "/end"))
    draft = await stage.sandbox.wait_for_message(private, "协商纪要（草稿）", before)
    assert "建议在小区东门" in text(draft) or "东门" in text(draft)
    assert "发言确认：尚未发送" in text(draft)
    await stage.settled()
    files = documents(stage, private, before)
    assert any(n.endswith("草稿.docx") for n in files) and any(n.endswith(".md") for n in files)
    markdown = next(v for n, v in files.items() if n.endswith(".md")).decode()
    assert "关于小区停车难的协商纪要" in markdown and "区城管局" in markdown

    assert "已增加建议" in text(await stage.ask(MOD, "/addsug 2 加强夜间巡查", private))
    assert "已更正 #1" in text(await stage.ask(
        MOD, "/fix 1 建议在小区东门划三十个临时停车位。", private))
    assert "用法：/fix" in text(await stage.ask(MOD, "/fix 1", private))
    assert "编号无效" in text(await stage.ask(MOD, "/dropsug 99", private))
    # digits that are not ASCII ("²") are refused like any bad number, never "internal error"
    assert "意见建议编号无效" in text(await stage.ask(MOD, "/dropsug ²", private))
    assert "工作事项编号无效" in text(await stage.ask(MOD, "/unit ² 区城管局", private))
    assert "用法：/fix" in text(await stage.ask(MOD, "/fix ² 文字", private))
    assert "区城管局" in text(await stage.ask(MOD, "/unit 1 区城管局", private))
    assert "2026-05-31" in text(await stage.ask(MOD, "/deadline 1 2026-05-31", private))

    # 发言确认: 张三 gets his own turn, confirms; the draft shows it
    confirm_request = await stage.press(MOD, draft, button(draft, "mn:confirm:"))
    assert confirm_request == ""
    zhang = stage.private("张三")
    request = await stage.sandbox.wait_for_message(zhang, "发言确认")
    assert "#1" in text(request) and "三十个" in text(request)
    assert "无法私信：王科长" in text(await stage.sandbox.wait_for_message(private, "已向 1 位"))
    assert "没有正在编辑的纪要" in text(await stage.ask("张三", "/draft", zhang))  # no focus
    await stage.press("张三", request, button(request, "cf:fix:"))
    assert "正在更正《小区停车难》" in text(await stage.sandbox.wait_for_message(zhang, "正在更正"))
    assert "只能更正您本人" in text(await stage.ask("张三", "/fix 2 改别人的话", zhang))
    assert "已更正 #1" in text(await stage.ask("张三", "/fix 1 建议在东门划三十个车位。", zhang))
    assert "只有本场主持人" in text(await stage.ask("张三", "/draft", zhang))  # drafts: internal
    assert "已确认" in await stage.press("张三", request, button(request, "cf:ok:"))
    shown = await stage.ask(MOD, "/draft", private)
    assert "1/2 已确认（张三）" in text(shown)
    stale = await stage.press(MOD, draft, button(draft, "mn:approve:"))  # made before /fix
    assert "已有改动" in stale

    # approval freezes version 1; a later change makes version 2; both stay
    before = max(m["message_id"] for m in stage.sandbox.messages(private))
    await stage.ask(MOD, "/approve", private)
    await stage.settled()
    assert any("第1版" in n for n in documents(stage, private, before))
    assert "无需再次批准" in text(await stage.ask(MOD, "/approve", private))
    await stage.ask(MOD, "/fix 2 这个事由区城管局负责，5月底前完成施划。", private)
    await stage.ask(MOD, "/approve", private)
    await stage.settled()
    async with stage.runtime.uow() as work:
        assert isinstance(work.minutes, SqlAlchemyMinutesRepository)
        first = await work.minutes.version(1, 1)
        second = await work.minutes.version(1, 2)
    assert first is not None and second is not None
    assert "6月底前" in first.body and "5月底前" in second.body


async def test_minutes_lists_sessions_and_sends_the_public_version(stage: Stage) -> None:
    await held_session(stage)
    await stage.ask(MOD, "/end")
    await stage.settled()
    listing = await stage.ask("张三", "/minutes")
    assert "最近 1 场" in text(listing)
    # before approval the draft is internal, and there is no public version yet
    assert "只有本场主持人" in await stage.press("张三", listing, button(listing, "mn:files:"))
    assert "尚未批准" in await stage.press("张三", listing, button(listing, "mn:public:"))
    await stage.ask(MOD, "/approve", stage.private(MOD))
    before = max(m["message_id"] for m in stage.sandbox.messages(stage.group))
    await stage.press("张三", listing, button(listing, "mn:public:"))
    await stage.press("张三", listing, button(listing, "mn:files:"))
    await stage.settled()
    files = documents(stage, stage.group, before)
    public = next(v for n, v in files.items() if n.endswith("公开版.md")).decode()
    assert "张三" not in public and "王科长" in public and "区城管局" in public
    internal = next(v for n, v in files.items() if n.endswith("第1版.md")).decode()
    assert "张三" in internal


async def test_staff_open_any_session_for_editing(tmp_path: Path, sqlite_url: str) -> None:
    async with staged(tmp_path, database_url=sqlite_url, transcriber=FakeTranscriber(),
                      staff_user_ids=[1000004]) as stage:
        stage.open_group("议事堂", [MOD, "张三", "王科长"])
        await held_session(stage)
        await stage.ask(MOD, "/end")
        staff = stage.person("何静")
        assert staff.id == 1000004
        await stage.ask("何静", "/start", stage.private("何静"))
        listing = await stage.ask("何静", "/minutes", stage.private("何静"))
        await stage.press("何静", listing, button(listing, "mn:edit:"))
        draft = await stage.sandbox.wait_for_message(stage.private("何静"), "协商纪要（草稿）")
        assert "小区停车难" in text(draft)
        added = await stage.ask("何静", "/addsug 1 错时共享停车", stage.private("何静"))
        assert "已增加建议" in text(added)


async def test_a_former_staff_member_keeps_no_power(tmp_path: Path, sqlite_url: str) -> None:
    """Issue 9: removed from YISHITANG_STAFF_USER_IDS (the bot restarted with the new list;
    here the running bot is given it), a user's old 编辑 button, /fix, /approve and /search
    act as for anyone else, though the database remembers them acting as staff."""
    async with staged(tmp_path, database_url=sqlite_url, transcriber=FakeTranscriber(),
                      staff_user_ids=[1000004]) as stage:
        stage.open_group("议事堂", [MOD, "张三", "王科长"])
        await held_session(stage)
        await stage.ask(MOD, "/end")
        await stage.ask("何静", "/start", stage.private("何静"))
        listing = await stage.ask("何静", "/minutes", stage.private("何静"))
        await stage.press("何静", listing, button(listing, "mn:edit:"))
        await stage.sandbox.wait_for_message(stage.private("何静"), "协商纪要（草稿）")
        found = await stage.ask("何静", "/search 停车位", stage.private("何静"))
        assert "停车位" in text(found) and "小区停车难" in text(found)

        stage.runtime.app.bot_data["deps"].staff_user_ids = frozenset()
        assert "只有本场主持人" in await stage.press("何静", listing, button(listing, "mn:edit:"))
        fixed = await stage.ask("何静", "/fix 1 一千元", stage.private("何静"))
        assert text(fixed) == "只能更正您本人的发言。"
        approved = await stage.ask("何静", "/approve", stage.private("何静"))
        assert text(approved) == "只有本场主持人或工作人员可以这样做。"
        found = await stage.ask("何静", "/search 停车位", stage.private("何静"))
        assert text(found) == "🔎 没有找到含有“停车位”的发言或议题。"


async def test_the_approved_document_carries_the_hall_settings_title_and_number(
        stage: Stage) -> None:
    await held_session(stage)
    assert "主送：县委办公室、县政府办公室" in text(
        await stage.ask(MOD, "/hall 主送 县委办公室 县政府办公室"))
    await stage.ask(MOD, "/hall 落款 政协平桥县委员会办公室")
    assert "须含 {n}" in text(await stage.ask(MOD, "/hall 编号 平桥议事"))
    await stage.ask(MOD, "/hall 编号 平桥议事〔{year}〕{n}号")
    assert "只有本场主持人" in text(await stage.ask("张三", "/hall 抄送 随便哪个单位"))
    shown = text(await stage.ask("张三", "/hall"))  # anyone may see where minutes go
    assert "抄送：（空）" in shown and "编号：平桥议事〔{year}〕{n}号" in shown
    await stage.ask(MOD, "/end")
    await stage.settled()
    private = stage.private(MOD)
    assert "关于解决小区停车难问题的协商纪要" in text(
        await stage.ask(MOD, "/title 关于解决小区停车难问题的协商纪要", private))
    before = max(m["message_id"] for m in stage.sandbox.messages(private))
    await stage.ask(MOD, "/approve", private)
    await stage.settled()
    files = documents(stage, private, before)
    approved = next(v for n, v in files.items() if n.endswith(".md")).decode()
    year = stage.clock().astimezone(ZoneInfo("Asia/Shanghai")).year
    assert approved.startswith(f"# 关于解决小区停车难问题的协商纪要\n\n（平桥议事〔{year}〕1号）")
    for line in ("政协平桥县委员会办公室", "整理：李主席　审核：李主席",
                 "主送：县委办公室、县政府办公室。"):
        assert line in approved
    assert "草稿" not in approved and "关键词" not in approved
    docx = next(v for n, v in files.items() if n.endswith(".docx"))
    body = [p.text for p in Document(io.BytesIO(docx)).paragraphs]
    assert body[:3] == [
        "议事堂协商纪要", f"平桥议事〔{year}〕1号", "关于解决小区停车难问题的协商纪要"]


def _word(*lines: str) -> bytes:
    document = Document()
    for line in lines:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


async def test_a_hall_template_makes_the_minutes_in_its_layout(stage: Stage) -> None:
    docx_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

    async def upload(name: str, data: bytes) -> str:
        sent = stage.sandbox.send_document(stage.person(name), stage.group, data, "红头.docx",
                                           docx_type, caption="/template")
        return text(await stage.sandbox.wait_for_reply(sent))

    await held_session(stage)
    assert "默认版式" in text(await stage.ask(MOD, "/template"))
    assert "只有本场主持人" in await upload("张三", _word("{{ title }}"))
    assert "不能用作纪要模板：不是 Word 文档" in await upload(MOD, b"PK not really a zip")
    assert "不能用作纪要模板：模板中的字段写法有误" in await upload(MOD, _word("{{ title "))
    assert "已启用" in await upload(MOD, _word(
        "平桥县政协 协商纪要", "{{ title }}", "{%p for s in suggestions %}",
        "建议{{ s.number }}：{{ s.text }}", "{%p endfor %}", "审核：{{ reviewed_by }}"))
    assert "自己的 Word 模板" in text(await stage.ask(MOD, "/template"))
    await stage.ask(MOD, "/end")
    await stage.settled()
    private = stage.private(MOD)
    before = max(m["message_id"] for m in stage.sandbox.messages(private))
    await stage.ask(MOD, "/approve", private)
    await stage.settled()
    docx = next(v for n, v in documents(stage, private, before).items() if n.endswith(".docx"))
    body = [p.text for p in Document(io.BytesIO(docx)).paragraphs]
    assert body[:2] == ["平桥县政协 协商纪要", "关于小区停车难的协商纪要"]
    assert body[2].startswith("建议1：") and body[-1] == "审核：李主席"
    assert "已恢复默认版式" in text(await stage.ask(MOD, "/template -"))


async def test_the_public_version_hides_a_telegram_name_said_in_chinese_order(
        tmp_path: Path, db_url: str) -> None:
    """Issue 9: no /profile, so she is on the record as Telegram's "first last" (秀英 王); the
    others say 王秀英 and 秀英阿姨, and she gives her phone number and village."""
    async with staged(tmp_path, database_url=db_url, transcriber=FakeTranscriber()) as stage:
        stage.people["秀英 王"] = stage.sandbox.add_user("秀英", last_name="王",
                                                        username="xiuying_w")
        stage.open_group("议事堂", [MOD, "秀英 王", "王科长"])
        for name in (MOD, "秀英 王"):
            await stage.ask(name, "/start", stage.private(name))
        await stage.ask(MOD, "/new 村口路灯")
        await stage.ask("秀英 王", "/signin")
        await stage.ask("秀英 王", "/hand")
        await stage.ask(MOD, "/next")
        await stage.ask("秀英 王", "我是东头村的王秀英，电话13812345678，村口路灯坏了半年了。")
        await stage.ask(MOD, "秀英阿姨说的对，王秀英反映的路灯请 @xiuying_w 会后拍个照片。")
        await stage.ask(MOD, "/end")
        await stage.settled()
        await stage.ask(MOD, "/approve", stage.private(MOD))
        listing = await stage.ask(MOD, "/minutes")
        before = max(m["message_id"] for m in stage.sandbox.messages(stage.group))
        await stage.press(MOD, listing, button(listing, "mn:public:"))
        await stage.settled()
        files = documents(stage, stage.group, before)
        public = next(v for n, v in files.items() if n.endswith("公开版.md")).decode()
    # without /profile her kind is "other": 其他甲
    assert "东头村的其他甲" in public and "其他甲说的对，其他甲反映的" in public and MOD in public
    for leak in ("秀英", "王阿姨", "13812345678", "xiuying_w"):
        assert leak not in public, leak
