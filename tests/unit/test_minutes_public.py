"""The public version of the minutes: which names go (privacy wins), which words and codes stay,
and the rendered JSON, Markdown and DOCX of the shared examples and the dev sets."""

from __future__ import annotations

import io
import json
import re
import time
import zipfile
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tests.unit.test_minutes_compile import SHARED
from transcripts.minutes.compile import compile_minutes
from transcripts.minutes.model import Minutes, load_transcript
from transcripts.minutes.names import ADDRESS_AFTER, boundaries, everyday, name_forms
from transcripts.minutes.privacy import find_leaks
from transcripts.minutes.public import aliases, public_version
from transcripts.minutes.render_docx import to_docx_bytes
from transcripts.minutes.render_json import to_json
from transcripts.minutes.render_md import to_markdown

DEV = Path(__file__).resolve().parents[1] / "data" / "minutes" / "dev"
FILES = [SHARED / f"t{i}.json" for i in (1, 2, 3)] + sorted(DEV.glob("[a-z][0-9].json"))


def session(attendance: list[tuple[str, str]], *turns: tuple[str, str],
            moderator: str | None = None, **extra: Any) -> Minutes:
    data = {"session": {"topic": "小区停车", "moderator": moderator},
            "attendance": [{"name": n, "kind": k} | extra.get(n, {}) for n, k in attendance],
            "utterances": [{"seq": i, "speaker": s, "text": t}
                           for i, (s, t) in enumerate(turns, 1)]}
    return compile_minutes(load_transcript(data))


def said(m: Minutes) -> list[str]:
    return [u.text for u in public_version(m).transcript.utterances]


# 1. A name shared by a private and a public attendee ---------------------------------------

@pytest.mark.parametrize("order", [("resident", "member"), ("member", "resident")])
def test_a_name_is_private_if_any_attendee_of_that_name_is(order: tuple[str, str]) -> None:
    m = session([("张三", order[0]), ("张三", order[1]), ("孙丽", "department")],
                ("张三", "我是张三，建议装路灯。"), ("孙丽", "张三的建议我们采纳。"))
    public = public_version(m)
    assert aliases(m.transcript) == {"张三": "群众代表甲"}
    assert said(m) == ["我是群众代表甲，建议装路灯。", "群众代表甲的建议我们采纳。"]
    assert [a.name for a in public.transcript.attendance] == ["群众代表甲", "群众代表甲", "孙丽"]
    assert "张三" not in json.dumps(to_json(public), ensure_ascii=False) + to_markdown(public)


# 2. Given names and forms of address -------------------------------------------------------

PRIV = [("于红梅", "resident"), ("程建国", "resident"), ("郑海波", "resident"),
        ("郑伟", "member"), ("郑小刚", "resident"), ("王芳", "resident")]


def test_given_names_and_forms_of_address_go() -> None:
    m = session(PRIV, ("郑伟", "我支持老郑的意见，也同意海波说的，小郑你也讲讲。"),
                ("于红梅", "红梅阿姨提的问题，谢谢建国。郑师傅和芳芳都来了。"))
    assert said(m) == [
        "我支持群众代表丙的意见，也同意群众代表丙说的，群众代表丙你也讲讲。",
        "群众代表甲提的问题，谢谢群众代表乙。群众代表丙和芳芳都来了。"]


def test_short_forms() -> None:
    forms = name_forms("王芳")
    assert forms.short == ("老王", "小王", "阿王", *(f"王{p}" for p in ADDRESS_AFTER))
    assert "王芳" in forms.full and "王芳阿姨" in forms.full and "芳王" not in forms.full
    assert name_forms("欧阳海波").short[:2] == ("老欧阳", "小欧阳")
    assert "海波阿姨" in name_forms("欧阳海波").short
    assert name_forms("Li").short == ()
    # Latin names: both orders are the full name, each part alone a short form (whole words)
    assert {"Li Wei", "Wei Li"} <= set(name_forms("Li Wei").full)
    assert name_forms("Li Wei").short == ("Li", "Wei")


def test_a_surname_shared_with_a_member_still_goes() -> None:
    m = session([("钱秀英", "resident"), ("王芳", "resident"), ("王芳芳", "member"),
                 ("陈阿", "other")],
                ("陈阿", "花小钱办大事，钱阿姨和王芳芳委员说的对，王芳也同意。"),
                ("钱秀英", "谢谢小王。"))
    assert said(m) == ["花小钱办大事，群众代表甲和王芳芳委员说的对，群众代表乙也同意。",
                       "谢谢群众代表乙。"]


# 3. Everyday words, Latin letters and codes stay -------------------------------------------

def test_everyday_words_with_a_surname_or_given_name_stay() -> None:
    m = session([("于红梅", "resident"), ("程建国", "resident"), ("范小明", "resident"),
                 ("赖大海", "resident"), ("夏国庆", "resident"), ("孙丽", "department")],
                ("于红梅", "车位宽度不小于2.5米，先小范围试点，通过微信小程序报名，曝光失信老赖。"),
                ("孙丽", "国庆前完成，新中国建国以来，小程说的对，请小范发言，"
                         "国庆讲的我们记下了。"))
    assert said(m) == [
        "车位宽度不小于2.5米，先小范围试点，通过微信小程序报名，曝光失信老赖。",
        "国庆前完成，新中国建国以来，群众代表乙说的对，请群众代表丙发言，群众代表戊讲的我们记下了。"]


def test_latin_names_match_whole_words_only() -> None:
    m = session([("Li", "resident"), ("Chen", "moderator")],
                ("Chen", "Lights on Linden Road: Li, please. Li's turn."), moderator="Chen")
    public = public_version(m)
    assert said(m) == ["Lights on Linden Road: 群众代表甲, please. 群众代表甲's turn."]
    assert public.heading.moderator == "Chen"


@pytest.mark.parametrize("name", ["res", "resident", "response", "公共"])
def test_codes_are_never_rewritten(name: str) -> None:
    m = compile_minutes(load_transcript({
        "session": {"topic": "议题"}, "attendance": [
            {"name": name, "kind": "resident"}, {"name": "孙丽", "kind": "department"}],
        "utterances": [{"seq": 1, "speaker": name, "text": "建议办好学校教育和医疗服务。",
                        "source": "voice", "marks": ["suggestion"]},
                       {"seq": 2, "speaker": "孙丽", "text": "好的。", "turn": "response"}]}))
    public = public_version(m)
    assert [a.kind for a in public.transcript.attendance] == ["resident", "department"]
    assert [(p.kind, p.turn) for p in public.proceedings] == [(p.kind, p.turn)
                                                              for p in m.proceedings]
    assert [u.source for u in public.transcript.utterances] == ["voice", "text"]
    assert [(s.category, s.origin) for s in public.suggestions] == [
        (s.category, s.origin) for s in m.suggestions] and m.suggestions
    assert public.heading.attendance_by_kind == m.heading.attendance_by_kind
    assert public.transcript.language == m.transcript.language


# 4. The moderator --------------------------------------------------------------------------

@pytest.mark.parametrize("listed", [None, "other", "resident"])
def test_the_moderator_is_never_renamed(listed: str | None) -> None:
    attendance = [("李四", "resident")] + ([("王主持", listed)] if listed else [])
    m = session(attendance, ("王主持", "请李四发言。"), ("李四", "谢谢王主持。"),
                moderator="王主持")
    public = public_version(m)
    assert aliases(m.transcript) == {"李四": "群众代表甲"}
    assert said(m) == ["请群众代表甲发言。", "谢谢王主持。"]
    assert public.heading.moderator == "王主持" and public.proceedings[0].speaker == "王主持"


# Rendered outputs of the shared examples and the dev sets ----------------------------------

@cache
def compiled(path: Path) -> Minutes:
    return compile_minutes(load_transcript(json.loads(path.read_text("utf-8"))))


def docx_text(m: Minutes) -> str:
    with zipfile.ZipFile(io.BytesIO(to_docx_bytes(m))) as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("word/")
                      and n.endswith(".xml"))
    return "\n".join("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", p))
                     for p in re.findall(r"<w:p[ >].*?</w:p>", xml))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_public_outputs_name_no_resident(path: Path) -> None:
    m = compiled(path)
    public = public_version(m)
    private = set(aliases(m.transcript))
    assert private
    public_names = {a.name for a in m.transcript.attendance if a.name not in private}
    for text in (json.dumps(to_json(public), ensure_ascii=False), to_markdown(public),
                 docx_text(public)):
        assert [str(leak) for leak in find_leaks(text, m.transcript)] == []
        for name in public_names:
            assert name in text
        rest = re.sub("|".join(sorted(public_names, key=len, reverse=True)), "", text)
        for name in private:
            assert name not in rest
            given = name[1:]
            if len(given) >= 2 and everyday(given):  # 国庆, 海军: the word may stay
                assert not re.search(f"{given}(说|讲|提)", rest), given
            elif len(given) >= 2:
                assert given not in rest, given


def test_public_versions_are_fast() -> None:
    for path in FILES[:3]:
        public_version(compiled(path))  # jieba loaded, the compiled minutes cached
        boundaries.cache_clear()
        start = time.perf_counter()
        public_version(compiled(path))
        assert time.perf_counter() - start < 0.1
