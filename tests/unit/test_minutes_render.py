"""Minutes as JSON (valid against the schema, read back whole), as Markdown, and the public
version that names no resident."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import jsonschema
import pytest

from tests.unit.test_minutes_compile import NAMES, minutes, transcript
from transcripts.minutes.compile import compile_minutes
from transcripts.minutes.display import session_time, title
from transcripts.minutes.model import Action, Attendee, Minutes, Utterance, load_transcript
from transcripts.minutes.public import aliases, public_version
from transcripts.minutes.render_json import minutes_from_json, to_json
from transcripts.minutes.render_md import to_markdown

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "yishitang" / "schemas"
CHECK = jsonschema.FormatChecker()


def schema(name: str) -> dict[str, object]:
    data: dict[str, object] = json.loads((SCHEMAS / f"{name}.schema.json").read_text("utf-8"))
    return data


def with_actions(m: Minutes) -> Minutes:
    return replace(m, actions=(
        Action("完成二期主管网接驳", "县住建局", date(2026, 6, 30), "6月底前", 5),
        Action("整理协商纪要", None, None, None, 19, origin="mark")), version=2)


def test_the_schema_is_a_valid_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(schema("minutes"))


@pytest.mark.parametrize("name", NAMES)
def test_json_is_valid_and_reads_back_whole(name: str) -> None:
    m = with_actions(minutes(name))
    document = json.loads(json.dumps(to_json(m), ensure_ascii=False))
    jsonschema.validate(document, schema("minutes"), format_checker=CHECK)
    jsonschema.validate(document["transcript"], schema("transcript"), format_checker=CHECK)
    assert minutes_from_json(document) == m
    public = to_json(public_version(m))
    jsonschema.validate(public, schema("minutes"), format_checker=CHECK)


def test_json_of_t1() -> None:
    document = to_json(with_actions(minutes("t1")))
    assert document["session"] | {"started_at": None, "ended_at": None} == {
        "topic": "工业园区污水零直排", "date": "2026-04-16", "date_text": "2026年4月16日",
        "start": "09:00", "end": "09:43", "started_at": None, "ended_at": None,
        "hall": "桐岙镇民生议事堂", "place": "桐岙创业园企业服务中心三楼协商驿站",
        "moderator": "陈立群"}
    attendance = document["attendance"]
    assert attendance["present"] == 15 and attendance["by_kind_zh"]["政协委员"] == 4
    assert attendance["remote"] == ["杨帆", "柯志强"] and attendance["absentees"] == []
    response = document["proceedings"][4]
    assert (response["seq"], response["answers"], response["turn_zh"]) == (5, 4, "回应")
    assert document["actions"][0] | {"text": ""} == {
        "text": "", "unit": "县住建局", "deadline": "2026-06-30", "deadline_text": "6月底前",
        "seq": 5, "origin": "auto", "partners": [], "also": []}
    assert document["status"] == "draft" and document["version"] == 2


def test_json_without_the_annex_reads_back_with_an_empty_transcript() -> None:
    m = minutes("t2")
    document = to_json(m, annex=False)
    assert "transcript" not in document
    jsonschema.validate(document, schema("minutes"), format_checker=CHECK)
    back = minutes_from_json(document)
    assert back.transcript.utterances == () and back.transcript.topic == m.heading.topic
    assert replace(back, transcript=m.transcript) == m


def test_markdown_has_every_section_in_order() -> None:
    text = to_markdown(with_actions(minutes("t1")))
    sections = ["# 关于工业园区污水零直排的协商纪要", "## 一、基本情况", "## 二、协商过程",
                "## 三、意见建议", "## 四、协商共识", "## 五、下一步工作", "**关键词**",
                "**统计**", "## 附件一：签到表", "## 附件二：逐字记录"]
    positions = [text.index(s) for s in sections]
    assert positions == sorted(positions)
    assert "- 时间：2026年4月16日 09:00—09:43" in text
    assert "- 出席 15 人：政协委员 4 名、群众代表 2 名、乡贤 1 名、部门负责人 3 名" in text
    assert "- 线上参加：杨帆、柯志强" in text and "\n（草稿）\n" in text
    assert "| 1 | 完成二期主管网接驳 | 县住建局 | 6月底前（2026-06-30） |" in text
    assert "| 2 | 整理协商纪要 | — | — |" in text
    assert "| 10 | 许志明 | 部门负责人 | — | 县住建局 | 08:43 | 现场 | 09:17 |" in text
    assert "5. [09:12:19] **许志明**（回应）：谢谢王委员的提问。" in text


def test_markdown_puts_a_response_under_its_question() -> None:
    lines = to_markdown(minutes("t1")).splitlines()
    question = next(i for i, x in enumerate(lines) if x.startswith("- **王建锋**（政协委员，"
                                                                    "雁溪县恒泰机械有限公司）向县住建局提问："))
    assert lines[question + 1].startswith("  - **许志明**（部门负责人，县住建局）回应：")


def test_markdown_lists_suggestions_with_proposers() -> None:
    m = minutes("t1")
    text = to_markdown(m)
    for s in m.suggestions:
        assert f"{s.number}. 〔{s.category}〕{s.text}（提出人：{'、'.join(s.proposers)}）" in text


def test_empty_parts_say_so() -> None:
    m = replace(minutes("t1"), suggestions=(), consensus=(), actions=(), status="approved")
    text = to_markdown(m)
    assert text.count("（无）") == 3
    assert not [x for x in ("草稿", "版）", "**关键词**", "**统计**") if x in text]


RESIDENTS = {"t1": ("郑海波", "柯志强"), "t2": ("赵大勇", "钱秀英", "沈国强"),
             "t3": ("张有福", "李桂兰", "杜小燕")}


@pytest.mark.parametrize("name", NAMES)
def test_the_public_version_names_no_resident(name: str) -> None:
    m = with_actions(minutes(name))
    public = public_version(m)
    outputs = (json.dumps(to_json(public), ensure_ascii=False), to_markdown(public))
    members = [a.name for a in transcript(name).attendance if a.kind != "resident"]
    for text in outputs:
        for resident in RESIDENTS[name]:
            assert resident not in text
        for other in members:
            assert other in text
        assert "群众代表甲" in text
    assert isinstance(public, Minutes) and public.heading.topic == m.heading.topic
    assert public.heading.attendance_by_kind == m.heading.attendance_by_kind


def test_the_public_version_of_t1() -> None:
    public = public_version(minutes("t1"))
    assert aliases(transcript("t1")) == {"郑海波": "群众代表甲", "柯志强": "群众代表乙"}
    speakers = {p.seq: p.speaker for p in public.proceedings}
    assert speakers[3] == speakers[15] == "群众代表甲" and speakers[14] == "群众代表乙"
    texts = {u.seq: u.text for u in public.transcript.utterances}
    assert texts[3].startswith("我是下洋村的群众代表甲。")
    assert texts[16].startswith("谢谢群众代表甲。") and "线上群众代表乙的发言" in texts[18]
    assert public.transcript.attendee("群众代表甲") is not None
    assert [x.name for x in public.statistics.per_speaker][2] == "群众代表甲"
    assert {p for s in public.suggestions for p in s.proposers} >= {"群众代表甲", "群众代表乙"}


def test_public_names_leave_words_and_longer_names_alone() -> None:
    t = replace(transcript("t1"), attendance=(
        Attendee("钱秀英", "resident"), Attendee("王芳", "resident"), Attendee("王芳芳", "member"),
        Attendee("陈阿", "other")), utterances=(
        Utterance(1, "陈阿", "花小钱办大事，钱阿姨和王芳芳委员说的对，王芳也同意。"),
        Utterance(2, "钱秀英", "谢谢小王。")))
    public = public_version(replace(minutes("t1"), transcript=t))
    assert [u.text for u in public.transcript.utterances] == [
        "花小钱办大事，群众代表甲和王芳芳委员说的对，群众代表乙也同意。",
        "谢谢群众代表乙。"]  # 王 is also 王芳芳's surname: privacy wins
    assert [a.name for a in public.transcript.attendance] == [
        "群众代表甲", "群众代表乙", "王芳芳", "其他甲"]


# Review fixes ------------------------------------------------------------------------------

def compiled(session: dict[str, object], utterances: list[dict[str, object]] | None = None
             ) -> Minutes:
    return compile_minutes(load_transcript(
        {"session": {"topic": "议题"} | session, "attendance": [], "utterances": utterances or []}))


@pytest.mark.parametrize(("topic", "expected"), [
    ("关于加快老旧小区加装电梯的协商", "关于加快老旧小区加装电梯的协商纪要"),
    ("老旧小区加装电梯", "关于老旧小区加装电梯的协商纪要"),
    ("关于停车难问题", "关于停车难问题的协商纪要"),
    ("停车难问题协商会", "关于停车难问题的协商纪要"),
    ("停车难问题的议事会", "关于停车难问题的协商纪要"),
    ("协商", "关于协商的协商纪要"),
])
def test_the_title_does_not_double_about_or_consultation(topic: str, expected: str) -> None:
    assert title(topic) == expected
    assert to_markdown(compiled({"topic": topic})).startswith(f"# {expected}\n")


AT = "2026-04-16T09:05:00+08:00"


@pytest.mark.parametrize(("session", "utterances", "expected"), [
    ({"started_at": "2026-04-16T09:00:00+08:00", "ended_at": "2026-04-16T09:43:00+08:00"}, [],
     "2026年4月16日 09:00—09:43"),
    ({"started_at": "2026-04-16T09:00:00+08:00"}, [], "2026年4月16日 09:00"),
    ({}, [{"seq": 1, "speaker": "甲", "text": "好。", "at": AT}], "2026年4月16日"),
    ({"ended_at": "2026-04-16T11:00:00+08:00"}, [], "2026年4月16日 —11:00（结束）"),
    ({"ended_at": "2026-04-16T11:00:00+08:00"},
     [{"seq": 1, "speaker": "甲", "text": "好。", "at": AT}], "2026年4月16日 —11:00（结束）"),
    ({"started_at": "2026-12-31T23:30:00+08:00", "ended_at": "2027-01-01T00:40:00+08:00"}, [],
     "2026年12月31日 23:30—2027年1月1日 00:40"),
    ({"started_at": "2026-04-16T09:00:00+08:00", "ended_at": "2026-04-16T08:00:00+08:00"}, [],
     "2026年4月16日 09:00"),  # an end before the start is a slip
    ({}, [], None),
])
def test_the_time_of_the_session(session: dict[str, object],
                                 utterances: list[dict[str, object]], expected: str | None) -> None:
    m = compiled(session, utterances)
    assert session_time(m) == expected
    assert f"- 时间：{expected or '无'}\n" in to_markdown(m)


def test_markdown_of_an_empty_session_says_none_under_each_heading() -> None:
    text = to_markdown(compiled({}))
    for heading in ("## 二、协商过程", "## 三、意见建议", "## 四、协商共识", "## 五、下一步工作",
                    "## 附件一：签到表", "## 附件二：逐字记录"):
        assert f"{heading}\n\n（无）\n" in text
    assert "**关键词**：无" in text and "| 发言人 |" not in text


def test_the_transcript_schema_documents_what_the_loader_reads() -> None:
    attendee = schema("transcript")["properties"]["attendance"]["items"]["properties"]  # type: ignore[index]
    assert attendee["absent"]["type"] == "boolean" and attendee["absent"]["description"]
    shared = json.loads((ROOT / "tests" / "data" / "formats" / "transcript.schema.json")
                        .read_text("utf-8"))
    document = {"session": {"topic": "x"},
                "attendance": [{"name": "甲", "kind": "member", "absent": True}],
                "utterances": [{"seq": 1, "speaker": "", "text": "hi"}]}
    for s in (schema("transcript"), shared):
        jsonschema.validate(document, s, format_checker=CHECK)
    m = compile_minutes(load_transcript(document))
    assert m.heading.absentees == ("甲",) and m.proceedings[0].speaker == "（未知）"


def test_proceedings_leave_out_the_opening_and_keep_every_point_of_the_closing() -> None:
    m = minutes("t1")
    assert [p.seq for p in m.proceedings if p.opening] == [1]
    text = to_markdown(m)
    section = text[text.index("## 二、协商过程"):text.index("## 三、意见建议")]
    lines = [x for x in section.splitlines() if x.startswith(("- ", "  - "))]
    assert not lines[0].startswith("- **陈立群**")  # the opening is procedure
    closing = lines[-1]
    assert closing.startswith("- **陈立群**")
    for point in ("第一", "第二", "第三", "一是", "二是", "三是", "四是"):
        assert point in closing
    assert "散会" not in closing and "时间差不多了" not in closing


def test_a_draft_in_markdown_marks_turns_to_check_and_the_approved_version_does_not() -> None:
    m = minutes("t1")
    unsure = m.proceedings[3].seq
    transcript = replace(m.transcript, utterances=tuple(
        replace(u, needs_review=u.seq == unsure) for u in m.transcript.utterances))
    draft = to_markdown(replace(m, transcript=transcript))
    assert draft.count("〔待核对〕") == 2  # proceedings and the verbatim annex
    assert "待核对" not in to_markdown(replace(m, transcript=transcript, status="approved"))
