"""The privacy checker, and the public version checked by it: over a corpus of tricky cases
(tests/data/privacy/cases.json, issue 9's among them) and every annotated transcript; the
patterns of personal data; the guard; aliases kept internally, never shown."""

from __future__ import annotations

import json
import logging
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tests.unit.test_minutes_public import FILES, compiled, docx_text
from transcripts.minutes.compile import compile_minutes
from transcripts.minutes.model import Minutes, TranscriptError, load_transcript
from transcripts.minutes.personal import find_personal, redact_personal
from transcripts.minutes.privacy import Checker, find_leaks, label_leaks
from transcripts.minutes.public import aliases, anonymise, public_version
from transcripts.minutes.render_json import minutes_from_json, to_json
from transcripts.minutes.render_md import to_markdown

DATA = Path(__file__).resolve().parents[1] / "data"
CASES = json.loads((DATA / "privacy" / "cases.json").read_text("utf-8"))
HELDOUT = sorted((DATA / "minutes" / "heldout").glob("[a-z][0-9].json"))


def transcript_of(case: dict[str, Any]) -> dict[str, Any]:
    return {"session": {"topic": "路灯和停车", "moderator": case.get("moderator", "陈主持")},
            "attendance": case["attendance"],
            "utterances": [{"seq": i, "speaker": s, "text": t}
                           for i, (s, t) in enumerate(case["turns"], 1)]}


@cache
def case_minutes(case_id: str) -> Minutes:
    case = next(c for c in CASES if c["id"] == case_id)
    return compile_minutes(load_transcript(transcript_of(case)))


def outputs(m: Minutes, docx: bool = True) -> dict[str, str]:
    """The public renderings: JSON with the transcript annex, Markdown, the DOCX's text."""
    texts = {"json": json.dumps(to_json(m, annex=True), ensure_ascii=False),
             "md": to_markdown(m)}
    return texts | ({"docx": docx_text(m)} if docx else {})


# The corpus ----------------------------------------------------------------------------------

@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_the_public_version_of_each_tricky_case_leaks_nothing(case: dict[str, Any]) -> None:
    m = case_minutes(case["id"])
    public = public_version(m)
    if "public" in case:
        assert [u.text for u in public.transcript.utterances] == case["public"]
    rendered = outputs(public)
    for kind, text in rendered.items():
        assert find_leaks(text, m.transcript) == [], kind
        for gone in case["gone"]:
            assert gone not in text, (kind, gone)
    for kept in case["kept"]:
        assert kept in rendered["md"], kept
    assert label_leaks(public, m.transcript) == []


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_the_anonymiser_alone_leaves_nothing_for_the_guard(case: dict[str, Any]) -> None:
    m = case_minutes(case["id"])
    internal = find_leaks(to_markdown(m), m.transcript)
    assert internal  # the checker sees what the anonymiser has to remove
    assert find_leaks(to_markdown(anonymise(m)), m.transcript) == []


# Every annotated transcript (the DOCX too: test_minutes_public's rendered outputs) --------------

@pytest.mark.parametrize("path", FILES + HELDOUT, ids=lambda p: p.stem)
def test_no_annotated_transcript_leaks_in_its_public_version(path: Path) -> None:
    m = compiled(path)
    internal = outputs(m, docx=False)
    assert find_leaks(internal["md"], m.transcript)  # residents are named in the internal one
    for public in (anonymise(m), public_version(m)):
        for kind, text in outputs(public, docx=False).items():
            leaks = find_leaks(text, m.transcript)
            assert leaks == [], (kind, [str(x) for x in leaks])
        assert label_leaks(public, m.transcript) == []


# What the checker finds --------------------------------------------------------------------

def test_the_checker_finds_each_kind_of_leak_and_whose_it_is() -> None:
    t = load_transcript({"session": {"topic": "x", "moderator": "陈主持"}, "attendance": [
        {"name": "秀英 王", "kind": "resident", "unit": "东头村", "aliases": ["@xy_wang"]},
        {"name": "王芳芳", "kind": "member"}], "utterances": []})
    text = ("王秀英（群众代表，东头村）说，秀英阿姨的电话13812345678，@xy_wang 和 @other_one，"
            "王芳芳委员住3幢2单元501，车牌浙A12345，邮箱 a.b@qq.com。小范围先试。")
    leaks = find_leaks(text, t)
    assert [(x.kind, x.text, x.person) for x in leaks] == [
        ("name", "王秀英", "秀英 王"), ("unit", "群众代表，东头村", "秀英 王"),
        ("name", "秀英阿姨", "秀英 王"), ("phone", "13812345678", None),
        ("name", "@xy_wang", "秀英 王"), ("account", "@other_one", None),
        ("house", "3幢2单元501", None), ("plate", "浙A12345", None), ("email", "a.b@qq.com", None)]
    assert all(text[x.start:x.end] == x.text and x.text in x.context for x in leaks)


def test_public_names_and_everyday_words_are_no_leak() -> None:
    t = load_transcript({"session": {"topic": "x"}, "attendance": [
        {"name": "王芳", "kind": "resident"}, {"name": "王芳芳", "kind": "member"},
        {"name": "夏国庆", "kind": "resident"}], "utterances": []})
    assert find_leaks("王芳芳委员说，国庆前完成，先小范围试点。", t) == []
    assert [x.text for x in find_leaks("国庆说得对，王芳也同意。", t)] == ["国庆", "王芳"]


def test_scrub_replaces_each_leak_by_the_label() -> None:
    t = load_transcript({"session": {"topic": "x"}, "attendance": [
        {"name": "秀英 王", "kind": "resident", "unit": "东头村"}], "utterances": []})
    checker = Checker(t, aliases(t))
    assert checker.scrub("请群众代表，东头村的王秀英发言，电话13812345678。") == (
        "请群众代表的群众代表甲发言，电话〔电话〕。", 3)
    assert checker.scrub("没有问题。") == ("没有问题。", 0)


def test_the_guard_catches_what_the_anonymiser_left(caplog: pytest.LogCaptureFixture) -> None:
    """A label with the village typed into a turn is not a name, so the anonymiser keeps it;
    the checker reads it as a private person's label, and the guard takes it out."""
    m = compile_minutes(load_transcript({
        "session": {"topic": "x", "moderator": "陈主持"}, "attendance": [
            {"name": "王秀英", "kind": "resident", "unit": "东头村"}],
        "utterances": [{"seq": 1, "speaker": "陈主持",
                        "text": "下面请王秀英（群众代表，东头村）发言。"}]}))
    assert "群众代表，东头村" in to_markdown(anonymise(m))
    with caplog.at_level(logging.WARNING, logger="transcripts.minutes.public"):
        public = public_version(m)
    assert public.transcript.utterances[0].text == "下面请群众代表甲（群众代表）发言。"
    assert "guard replaced" in caplog.text and "王秀英" not in caplog.text


# Personal data that is not a name ----------------------------------------------------------

@pytest.mark.parametrize(("text", "kind", "found"), [
    ("手机13812345678。", "phone", "13812345678"),
    ("打138-1234-5678", "phone", "138-1234-5678"),
    ("打 +86 139 1234 5678", "phone", "+86 139 1234 5678"),
    ("号码一三八一二三四五六七八", "phone", "一三八一二三四五六七八"),
    ("座机（0571）87654321", "phone", "（0571）87654321"),
    ("电话：87654321", "phone", "87654321"),
    ("身份证33010219800101123X", "id_card", "33010219800101123X"),
    ("卡号6222 0212 3456 7890 123", "bank_card", "6222 0212 3456 7890 123"),
    ("发到 wang.xy@163.com 就行", "email", "wang.xy@163.com"),
    ("车是苏E·A1234的", "plate", "苏E·A1234"),
    ("新能源浙AD12345", "plate", "浙AD12345"),
    ("住12栋501室", "house", "12栋501室"),
    ("住五号楼三楼", "house", "五号楼三楼"),
    ("住3单元502。", "house", "3单元502"),
    ("太平弄七号", "house", "七号"),
    ("找@zhang_san", "account", "@zhang_san"),
    ("QQ号：12345678", "account", "12345678"),
])
def test_personal_data_is_found(text: str, kind: str, found: str) -> None:
    assert [(f.kind, f.text) for f in find_personal(text)] == [(kind, found)]


@pytest.mark.parametrize("text", [
    "12345热线", "1月15号之前", "2026-12-10", "花了1380000元", "一千三百八十户", "@市体育局",
    "二十八幢楼、一百一十二个单元", "七幢二单元楼道里", "一栋五层的房子", "住五楼", "38号楼的窗户",
    "观察室四室分开", "北京APEC2014", "四百二十三辆", "400-800-1234", "温度是36.5度",
])
def test_ordinary_numbers_and_places_are_not_personal_data(text: str) -> None:
    assert find_personal(text) == [] and redact_personal(text) == text


# Aliases: kept in the internal record, never shown -------------------------------------------

def test_aliases_survive_approval_and_never_reach_the_public_version() -> None:
    m = case_minutes("aliases-username-and-display-name")
    frozen = minutes_from_json(json.loads(json.dumps(to_json(m, annex=True))))
    assert frozen.transcript.attendance[0].aliases == ("@xiuying_w", "小鱼儿🐟")
    public = public_version(frozen)
    assert all(not a.aliases for a in public.transcript.attendance)
    for text in outputs(public, docx=False).values():
        assert "aliases" not in text and find_leaks(text, m.transcript) == []


def test_aliases_must_be_a_list_of_strings() -> None:
    data = transcript_of(CASES[0]) | {"attendance": [
        {"name": "王秀英", "kind": "resident", "aliases": "@xy"}]}
    with pytest.raises(TranscriptError, match=r"attendance\[0\]\.aliases"):
        load_transcript(data)
