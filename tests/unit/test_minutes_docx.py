"""The DOCX rendering of minutes, read back with python-docx: layout, tables, fonts, status."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import docx
import pytest
from docx.document import Document
from docx.oxml.ns import qn
from docx.shared import RGBColor
from docx.table import Table

from transcripts.minutes import docx_parts
from transcripts.minutes.compile import compile_minutes
from transcripts.minutes.display import title as display_title
from transcripts.minutes.model import Action, Issuance, Minutes, load_transcript
from transcripts.minutes.render_docx import to_docx_bytes, zh_number

T1 = Path(__file__).parents[1] / "data" / "transcripts" / "t1.json"
SECTIONS = ["一、基本情况", "二、协商过程", "三、意见建议", "四、协商共识", "五、下一步工作"]
ACTIONS = (
    Action("完成园区雨污管网二期改造", "县住建局", date(2026, 9, 30), "9月底前", 5),
    Action("建立夜间巡查机制", "市生态环境局雁溪分局", None, "下个月起", 12),
    Action("下洋溪清淤", None, None, None, 15),
)


@pytest.fixture(scope="module")
def minutes() -> Minutes:
    compiled = compile_minutes(load_transcript(json.loads(T1.read_text("utf-8"))))
    return replace(compiled, actions=ACTIONS)


def reopen(minutes: Minutes) -> Document:
    return docx.Document(io.BytesIO(to_docx_bytes(minutes)))


def texts(doc: Document, style: str | None = None) -> list[str]:
    return [p.text for p in doc.paragraphs
            if style is None or (p.style is not None and p.style.name == style)]


def table_with(doc: Document, header: list[str]) -> Table:
    return next(t for t in doc.tables if [c.text for c in t.rows[0].cells] == header)


def title(doc: Document) -> str:
    return texts(doc, "纪要标题")[0]


def subtitle(doc: Document) -> str:
    return texts(doc, "纪要副标题")[0]


def east_asian_font(doc: Document, style: str) -> str | None:
    fonts = doc.styles[style].element.rPr.rFonts
    value: str | None = fonts.get(qn("w:eastAsia"))
    return value


def test_title_sections_and_annexes_in_order(minutes: Minutes) -> None:
    doc = reopen(minutes)
    assert texts(doc)[:3] == [
        "桐岙镇民生议事堂协商纪要", "（草稿）", "关于工业园区污水零直排的协商纪要"]
    assert texts(doc, "纪要一级标题") == SECTIONS
    assert texts(doc, "纪要附件") == ["附件1", "附件2"]
    order = texts(doc)
    positions = [order.index(t) for t in [*SECTIONS, "附件1", "签到表", "附件2", "逐字记录"]]
    assert positions == sorted(positions)
    assert any(t.startswith("关键词：") for t in order)
    assert doc.styles["纪要附件"].paragraph_format.page_break_before


def test_basic_facts(minutes: Minutes) -> None:
    body = texts(doc := reopen(minutes))
    assert "时间：2026年4月16日 09:00—09:43" in body
    assert "主持人：陈立群（雁溪县政协桐岙镇委员履职小组）" in body
    assert "线上参加：杨帆、柯志强" in body
    present = next(t for t in body if t.startswith("出席人员："))
    counts = "其中政协委员 4 名、群众代表 2 名"
    assert present.startswith(f"出席人员：{minutes.heading.present} 人，{counts}")
    assert subtitle(doc).startswith("2026年4月16日　桐岙镇民生议事堂")


def test_follow_up_table_has_one_row_per_action(minutes: Minutes) -> None:
    table = table_with(reopen(minutes), ["序号", "工作事项", "责任单位", "时限"])
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert len(rows) == len(minutes.actions)
    assert rows[0] == ["1", "完成园区雨污管网二期改造", "县住建局", "9月底前（2026年9月30日）"]
    assert rows[1][3] == "下个月起"
    assert rows[2][2:] == ["待定", "待定"]


def test_sign_in_sheet_lists_everyone(minutes: Minutes) -> None:
    header = ["序号", "姓名", "身份", "界别", "单位", "签到", "方式", "离场", "签名"]
    table = table_with(reopen(minutes), header)
    rows = {row.cells[1].text: [c.text for c in row.cells] for row in table.rows[1:]}
    assert len(table.rows) - 1 == len(minutes.transcript.attendance)
    assert rows["杨帆"][2:] == [
        "政协委员", "无党派人士", "雁溪县水利水电勘测设计所", "08:58", "线上", "—", ""]
    assert rows["许志明"][5:8] == ["08:43", "现场", "09:17"]


def test_transcript_annex_has_timestamps(minutes: Minutes) -> None:
    body = texts(reopen(minutes), "纪要逐字记录")
    assert len(body) == len(minutes.transcript.utterances)
    assert body[0].startswith("[09:01:10] 陈立群（主持）：各位委员")


def test_fonts_are_set_on_styles(minutes: Minutes) -> None:
    doc = reopen(minutes)
    assert east_asian_font(doc, "Normal") == "仿宋_GB2312"
    assert east_asian_font(doc, "纪要标题") == "方正小标宋简体"
    assert east_asian_font(doc, "纪要一级标题") == "黑体"
    assert doc.styles["纪要标题"].font.size.pt == 22
    section = doc.sections[0]
    margins = (section.top_margin, section.bottom_margin, section.left_margin,
               section.right_margin, section.page_width, section.page_height)
    assert [round(m.cm, 2) if m is not None else None for m in margins] == [
        3.7, 3.5, 2.8, 2.6, 21.0, 29.7]


def test_status_marker(minutes: Minutes) -> None:
    assert "（草稿）" in subtitle(reopen(minutes))
    approved = texts(reopen(replace(minutes, status="approved", version=2)))
    assert not [t for t in approved if "第2版" in t or "草稿" in t]


def test_response_follows_the_question_it_answers(minutes: Minutes) -> None:
    question = next(p for p in minutes.proceedings if p.turn == "question")
    last = minutes.proceedings[-1]
    others = tuple(replace(p, answers=None) for p in minutes.proceedings[:-1])
    moved = replace(last, turn="response", answers=question.seq)
    doc = reopen(replace(minutes, proceedings=(*others, moved)))
    body = texts(doc)
    at = next(i for i, t in enumerate(body) if t.startswith(f"{question.speaker}（"))
    assert body[at + 1].startswith(f"{last.speaker}（") and "回应：" in body[at + 1]
    style = doc.paragraphs[at + 1].style
    assert style is not None and style.name == "纪要回应"


def test_confirmations_shown_per_speaker(minutes: Minutes) -> None:
    body = texts(reopen(replace(minutes, confirmed_by=("林晓燕",))))
    assert any(t.startswith("林晓燕（") and t.endswith("（✓ 已确认）") for t in body)
    assert any(t.startswith("郑海波（") and t.endswith("（未确认）") for t in body)
    assert not any("已确认" in t for t in texts(reopen(minutes)))


def test_empty_session_still_renders() -> None:
    empty = load_transcript({"session": {"topic": "老旧小区加装电梯"}, "attendance": [],
                             "utterances": []})
    doc = reopen(compile_minutes(empty))
    body = texts(doc)
    assert body[0] == "关于老旧小区加装电梯的协商纪要"
    assert texts(doc, "纪要一级标题") == SECTIONS
    assert body.count("无") >= 5 and "时间：无" in body and "关键词：无" in body
    assert doc.tables == [] and texts(doc, "纪要逐字记录") == ["无"]


@pytest.mark.parametrize(("n", "zh"), [(1, "一"), (10, "十"), (12, "十二"), (20, "二十"),
                                       (45, "四十五"), (100, "100")])
def test_chinese_numbers(n: int, zh: str) -> None:
    assert zh_number(n) == zh


# Review fixes ------------------------------------------------------------------------------

def test_the_title_does_not_double_about_or_consultation() -> None:
    empty = load_transcript({"session": {"topic": "关于加快老旧小区加装电梯的协商"},
                             "attendance": [], "utterances": []})
    assert title(reopen(compile_minutes(empty))) == "关于加快老旧小区加装电梯的协商纪要"


def test_without_a_start_the_time_is_the_day_of_the_turns(minutes: Minutes) -> None:
    heading = replace(minutes.heading, started_at=None, ended_at=None)
    doc = reopen(replace(minutes, heading=heading))
    assert "时间：2026年4月16日" in texts(doc)
    assert subtitle(doc).startswith("2026年4月16日")
    ended = replace(heading, ended_at=minutes.heading.ended_at)
    assert "时间：2026年4月16日 —09:43（结束）" in texts(reopen(replace(minutes, heading=ended)))


def test_statistics_follow_the_keywords(minutes: Minutes) -> None:
    doc = reopen(minutes)
    body = texts(doc)
    at = next(i for i, t in enumerate(body) if t.startswith("关键词："))
    s = minutes.statistics
    assert body[at + 1] == "统计：发言 19 人次、14 人，语音 17 条、文字 2 条，总时长约 29分40秒"
    assert s.seconds == 1780.0
    table = table_with(doc, ["姓名", "发言次数", "时长"])
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert len(rows) == s.speakers and rows[0] == ["陈立群", "2", "05:06"]
    headers = [t.rows[0].cells[0].text for t in doc.tables]
    assert headers == ["序号", "姓名", "序号"]  # 下一步工作, 统计, 签到表


def test_statistics_of_nobody() -> None:
    empty = load_transcript({"session": {"topic": "x"}, "attendance": [],
                             "utterances": [{"seq": 1, "speaker": "甲", "text": " "}]})
    doc = reopen(compile_minutes(empty))
    assert "统计：无" in texts(doc) and doc.tables == []


@pytest.mark.parametrize(("seconds", "clock", "duration"), [
    (0, "00:00", "0分0秒"), (306.4, "05:06", "5分6秒"), (4503, "75:03", "1小时15分3秒")])
def test_durations(seconds: float, clock: str, duration: str) -> None:
    assert docx_parts.clock(seconds) == clock and docx_parts.duration(seconds) == duration


# A document an office submits as is -------------------------------------------------------

ISSUANCE = Issuance(
    title="关于推进工业园区污水零直排工作的协商纪要", number="2026年第3期",
    to=("中共雁溪县委办公室", "雁溪县人民政府办公室"), cc=("县住建局", "市生态环境局雁溪分局"),
    issuer="政协雁溪县委员会办公室", issued_on=date(2026, 4, 20), compiled_by="陈立群",
    reviewed_by="王海")


def test_an_approved_version_is_the_document_sent(minutes: Minutes) -> None:
    confirmed = minutes.proceedings[1].speaker
    approved = replace(minutes, status="approved", version=2, issuance=ISSUANCE,
                       confirmed_by=(confirmed,))
    created = datetime(2026, 4, 20, 10, 30, tzinfo=UTC)
    doc = docx.Document(io.BytesIO(to_docx_bytes(approved, created=created)))
    body = texts(doc)
    assert body[:3] == ["桐岙镇民生议事堂协商纪要", "2026年第3期",
                        "关于推进工业园区污水零直排工作的协商纪要"]
    assert doc.paragraphs[0].runs[0].font.color.rgb == RGBColor(0xC0, 0, 0)
    tail = body[body.index("五、下一步工作"):body.index("附件1")]
    assert [t for t in tail if t] == [
        "五、下一步工作", "政协雁溪县委员会办公室", "2026年4月20日", "整理：陈立群　　审核：王海",
        "主送：中共雁溪县委办公室、雁溪县人民政府办公室。",
        "抄送：县住建局、市生态环境局雁溪分局。"]
    working = ("（未确认）", "已确认", "关键词：", "统计：", "第2版", "草稿")
    assert not [t for t in body if any(w in t for w in working)]
    props = doc.core_properties
    assert (props.title, props.author, props.created) == (
        "关于推进工业园区污水零直排工作的协商纪要", "桐岙镇民生议事堂", created)


def test_a_draft_keeps_its_working_material(minutes: Minutes) -> None:
    confirmed = minutes.proceedings[1].speaker
    body = texts(reopen(replace(minutes, confirmed_by=(confirmed,), issuance=ISSUANCE)))
    assert body[1] == "2026年第3期"
    assert any("（✓ 已确认）" in t for t in body) and any("（未确认）" in t for t in body)
    assert any(t.startswith("关键词：") for t in body)
    assert any(t.startswith("统计：") for t in body)


@pytest.mark.parametrize(("topic", "expected"), [
    ("平桥镇污水零直排怎么推进", "关于推进平桥镇污水零直排工作的协商纪要"),
    ("老旧小区停车难怎么办？", "关于解决老旧小区停车难问题的协商纪要"),
    ("如何推进垃圾分类", "关于推进垃圾分类的协商纪要"),
    ("农村居家养老与老年食堂建设", "关于农村居家养老与老年食堂建设的协商纪要"),
])
def test_a_question_topic_makes_a_formal_title(topic: str, expected: str) -> None:
    assert display_title(topic) == expected


def test_a_draft_marks_turns_to_check_and_the_approved_version_does_not(minutes: Minutes) -> None:
    unsure = minutes.proceedings[3].seq
    transcript = replace(minutes.transcript, utterances=tuple(
        replace(u, needs_review=u.seq == unsure) for u in minutes.transcript.utterances))
    draft = texts(reopen(replace(minutes, transcript=transcript)))
    assert len([t for t in draft if "〔待核对〕" in t]) == 2  # proceedings and the annex
    approved = texts(reopen(replace(minutes, transcript=transcript, status="approved")))
    assert not [t for t in approved if "待核对" in t]
