"""compile_minutes on the shared example sessions: heading, proceedings, summaries, keywords,
statistics; and its speed on a long session."""

from __future__ import annotations

import json
import re
import time
from dataclasses import replace
from datetime import date, datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from transcripts.minutes.compile import answered_questions, compile_minutes, speaking_seconds
from transcripts.minutes.keywords import GENERIC, extract_keywords
from transcripts.minutes.model import (
    UNKNOWN_SPEAKER,
    Attendee,
    Minutes,
    Transcript,
    TranscriptError,
    Utterance,
    load_transcript,
)
from transcripts.minutes.summary import (
    MAX_CHARS,
    MAX_SENTENCES,
    Context,
    clean,
    full_width,
    sentences,
    summarize,
)

SHARED = Path(__file__).resolve().parents[1] / "data" / "transcripts"
NAMES = ("t1", "t2", "t3")


@cache
def transcript(name: str) -> Transcript:
    return load_transcript(json.loads((SHARED / f"{name}.json").read_text("utf-8")))


@cache
def minutes(name: str) -> Minutes:
    return compile_minutes(transcript(name))


def gold(name: str) -> dict[str, object]:
    data: dict[str, object] = json.loads((SHARED / f"{name}.gold.json").read_text("utf-8"))
    return data


@pytest.mark.parametrize("name", NAMES)
def test_heading_counts_everyone_present_by_kind(name: str) -> None:
    h = minutes(name).heading
    assert h.attendance_by_kind == gold(name)["attendance_by_kind"]
    assert h.present == sum(h.attendance_by_kind.values()) == len(transcript(name).attendance)
    assert h.topic == transcript(name).topic and h.absentees == ()


def test_heading_of_t1() -> None:
    h = minutes("t1").heading
    assert (h.hall, h.moderator, h.remote) == ("桐岙镇民生议事堂", "陈立群", ("杨帆", "柯志强"))
    assert h.started_at == datetime.fromisoformat("2026-04-16T09:00:00+08:00")


def test_absent_attendees_are_listed_not_counted() -> None:
    t = transcript("t1")
    absent = Attendee(name="缺席者", kind="member", absent=True, remote=True)
    h = compile_minutes(replace(t, attendance=(*t.attendance, absent))).heading
    assert h.present == 15 and h.attendance_by_kind["member"] == 4
    assert h.absentees == ("缺席者",) and "缺席者" not in h.remote


def test_responses_answer_the_question_put_to_their_unit() -> None:
    m = minutes("t1")
    assert {p.seq: p.answers for p in m.proceedings if p.turn == "response"} == {
        5: 4, 12: 11, 16: 15}
    assert [p.seq for p in m.proceedings] == list(range(1, 20))
    first = m.proceedings[4]
    assert (first.speaker, first.kind, first.unit) == ("许志明", "department", "县住建局")


def test_a_second_response_with_no_open_question_answers_nothing() -> None:
    answers = answered_questions(transcript("t2"))
    assert answers == {5: 4, 10: 9, 15: 14}  # seq 18 responds to speeches, not a question


def _session(*turns: tuple[str, str, str | None]) -> Transcript:
    people = (Attendee("甲委员", "member"), Attendee("乙局长", "department", unit="县住建局"),
              Attendee("丙科长", "department", unit="县交通运输局"), Attendee("丁", "resident"))
    return Transcript(topic="议题", attendance=people, utterances=tuple(
        Utterance(seq=i, speaker=s, text="内容。", turn=k, addressed_to=to)
        for i, (s, k, to) in enumerate(turns, 1)))


def test_a_late_response_moves_right_after_its_question() -> None:
    t = _session(("甲委员", "question", "住建局"), ("丁", "speech", None),
                 ("甲委员", "question", "县交通运输局"), ("丙科长", "response", None),
                 ("乙局长", "response", None), ("丁", "speech", None))
    p = compile_minutes(t).proceedings
    assert [(x.seq, x.answers) for x in p] == [(1, None), (5, 1), (2, None), (3, None),
                                               (4, 3), (6, None)]


def test_a_question_to_nobody_present_is_answered_by_whoever_responds() -> None:
    t = _session(("丁", "question", None), ("甲委员", "question", "县交通运输局"),
                 ("乙局长", "response", None))
    assert answered_questions(t) == {3: 1}
    t = _session(("甲委员", "question", "县交通运输局"), ("乙局长", "response", None))
    assert answered_questions(t) == {}


SEPARATOR = re.compile(r"(?<=[。！？])")


@pytest.mark.parametrize("name", NAMES)
def test_summaries_are_the_speakers_own_words(name: str) -> None:
    t = transcript(name)
    closing = t.utterances[-1].seq  # the moderator's closing keeps every point
    for p in minutes(name).proceedings:
        source = clean(next(u.text for u in t.utterances if u.seq == p.seq), {p.speaker})
        pieces = [s for s in SEPARATOR.split(p.summary) if s]
        assert pieces, p.seq
        if p.seq == closing:
            points = re.findall(r"(?:^|[。！？；])(第[一二三四五]|[一二三四五]是)", source)
            assert len(points) >= 3
            assert [x for x in points if x not in p.summary] == []
        else:
            assert len(pieces) <= MAX_SENTENCES and len(p.summary) <= MAX_CHARS
        for piece in pieces:
            assert piece[:-1] in source, (p.seq, piece)
        assert not re.search(r"说实话|就是说|大家(上|下)午好|谢谢.{0,4}[。！]$", p.summary)
        assert p.speaker not in p.summary


def test_summaries_keep_numbers_units_proposals_and_questions() -> None:
    by_seq = {p.seq: p.summary for p in minutes("t1").proceedings}
    assert "八十六家企业" in by_seq[2] and "一企一档" in by_seq[2] and "在线监测" in by_seq[2]
    assert "县住建局" in by_seq[5] and "6月底前" in by_seq[5] and "两周内" in by_seq[5]
    assert "二〇一三年" in by_seq[4]
    assert "？" in by_seq[11] and "有奖举报" in by_seq[11]
    assert "5月底前" in by_seq[16] and "一点二公里" in by_seq[16]


def test_summarize_drops_greetings_fillers_and_introductions() -> None:
    text = "各位领导好!我是下洋村的郑海波。说实话,那个,下洋溪有三十七处排口啊。谢谢大家。"
    assert clean(text, {"郑海波"}) == "下洋溪有三十七处排口。"
    assert summarize(text, Context(names=frozenset({"郑海波"}))) == "下洋溪有三十七处排口。"
    assert summarize("好的,谢谢。") == ""
    assert summarize("【书面发言】建议每半年公开一次") == "建议每半年公开一次。"


def test_a_long_sentence_is_cut_to_whole_clauses() -> None:
    clause = "园区八十六家企业全部排查"
    text = "，".join([clause] * 20) + "。"
    summary = summarize(text)
    assert 0 < len(summary) <= MAX_CHARS and summary.endswith("。")
    assert summary[:-1] in clean(text) and not summary.startswith("，")


def test_full_width_punctuation_beside_chinese_only() -> None:
    assert full_width("好,谢谢!一共1,500元,9:30开始?") == "好，谢谢！一共1,500元，9:30开始？"


@pytest.mark.parametrize("name", NAMES)
def test_keywords_are_relevant_nouns(name: str) -> None:
    keywords = minutes(name).keywords
    assert 8 <= len(keywords) <= 10 and len(set(keywords)) == len(keywords)
    people = {a.name for a in transcript(name).attendance}
    assert not set(keywords) & (GENERIC | people)
    assert extract_keywords(transcript(name)) == keywords


def test_keywords_of_t1() -> None:
    assert {"零直排", "污水", "企业"} <= set(minutes("t1").keywords)


def test_statistics_of_t1() -> None:
    s = minutes("t1").statistics
    assert (s.speakers, s.turns, s.voice_turns, s.text_turns) == (14, 19, 17, 2)
    assert s.seconds == 1780.0
    first = s.per_speaker[0]
    assert (first.name, first.turns, first.seconds, first.chars) == ("陈立群", 2, 306.0, 898)
    written = next(x for x in s.per_speaker if x.name == "杨帆")
    assert written.seconds == 0 and written.chars == 200


def test_speaking_time_is_estimated_for_voice_without_duration() -> None:
    assert speaking_seconds(Utterance(1, "a", "一二三四五六七八", source="voice")) == 2.0
    assert speaking_seconds(Utterance(1, "a", "一二三四", source="text")) == 0.0
    assert speaking_seconds(Utterance(1, "a", "一二", source="voice", duration_s=9)) == 9


def test_compiling_is_deterministic() -> None:
    assert compile_minutes(transcript("t2")) == compile_minutes(transcript("t2"))


def long_session(turns: int = 300, chars_per_turn: int = 150) -> Transcript:
    """The three sessions' turns over and over, as one long session."""
    pool = [u for name in NAMES for u in transcript(name).utterances]
    people = {a.name: a for name in NAMES for a in transcript(name).attendance}
    return replace(transcript("t1"), attendance=tuple(people.values()), utterances=tuple(
        replace(pool[i % len(pool)], seq=i + 1, at=None,
                text=pool[i % len(pool)].text[:chars_per_turn]) for i in range(turns)))


def test_a_long_session_compiles_fast() -> None:
    t = long_session()
    assert len(t.utterances) == 300 and sum(len(u.text) for u in t.utterances) > 44_000
    extract_keywords(transcript("t1"))  # jieba's dictionary: loaded once, not timed
    started = time.perf_counter()
    m = compile_minutes(t)
    elapsed = time.perf_counter() - started
    assert len(m.proceedings) == 300
    assert elapsed < 2.0  # about 0.25 s here; the budget is 1 s, with room for slow machines


# Review fixes ------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["大家反映最多的就是路灯不好。",
                                  "大家都说这条路修得不好，三年坏了两次。",
                                  "各位委员提的问题很重要，我们马上研究。"])
def test_a_sentence_about_everyone_is_not_a_greeting(text: str) -> None:
    assert clean(text) == text and summarize(text) == text


@pytest.mark.parametrize("greeting", [
    "大家好！", "大家上午好，", "各位领导下午好！", "各位好，", "同志们好！",
    "各位领导、乡亲们好，", "各位委员、各位居民朋友、各位部门的同志，大家下午好！",
    "各位家乡父老，", "尊敬的各位领导，"])
def test_greetings_and_forms_of_address_are_dropped(greeting: str) -> None:
    assert clean(f"{greeting}建议修路。") == "建议修路。"


EN = ("We suggest the county housing bureau finish the road repair by the end of this month, "
      "and install traffic lights at the school gate. ")


def test_english_turns_are_summarised() -> None:
    assert sentences("It is 1,500 m, 2.5 m wide, at 9:30. Next! 1. First, Mr. Li.") == [
        "It is 1,500 m, 2.5 m wide, at 9:30.", "Next!", "1. First, Mr. Li."]
    summary = summarize(EN * 5)
    assert summary == "We suggest the county housing bureau finish the road repair by the end " \
                      "of this month."
    assert summarize("We need lights at the gate!") == "We need lights at the gate!"
    assert summarize("We need lights at the gate") == "We need lights at the gate."
    assert summarize("建议在学校门口装红绿灯(traffic lights)。Thanks!") == \
        "建议在学校门口装红绿灯(traffic lights)。"
    assert not re.search(r"[.!?][。！？]", summarize("Thanks! We need more street lights!"))


def test_a_sentence_too_long_for_any_window_is_cut_not_dropped() -> None:
    asr = ("我们村里那条路从去年开始就一直没有修好下雨天孩子上学要走泥巴路我建议乡里在今年六月底前"
           "把岭头村到西坑村那段三公里的路面硬化好另外路边还要装二十盏路灯不然晚上太黑了") * 2
    summary = summarize(asr)
    assert len(summary) == MAX_CHARS and summary.endswith("……")
    assert asr.startswith(summary.removesuffix("……"))
    words = " ".join(["streetlight"] * 30)  # 359 characters, no punctuation
    cut = summarize(words)
    assert cut.endswith("streetlight…") and len(cut) <= MAX_CHARS
    assert summarize("建议修路，" * 10_000)  # long but quick: windows start near the front


def test_times_are_shown_in_the_halls_time_zone() -> None:
    t = load_transcript({
        "session": {"topic": "时间", "started_at": "2026-12-31T23:30:00Z",
                    "ended_at": "2027-01-01T01:00:00Z"},
        "attendance": [{"name": "孙丽", "kind": "department", "unit": "县住建局",
                        "signed_in_at": "2026-12-31T23:20:00Z"}],
        "utterances": [{"seq": 1, "speaker": "孙丽", "text": "由县住建局负责，月底前完成道路修缮。",
                        "at": "2026-12-31T23:40:00Z"}]})
    utc = compile_minutes(t)
    assert utc.actions[0].deadline == date(2026, 12, 31)
    m = compile_minutes(t, tz=ZoneInfo("Asia/Shanghai"))
    assert m.heading.started_at is not None and m.heading.ended_at is not None
    assert (f"{m.heading.started_at:%H:%M}", f"{m.heading.ended_at:%H:%M}") == ("07:30", "09:00")
    assert m.transcript.session_date == date(2027, 1, 1)
    assert m.actions[0].deadline == date(2027, 1, 31)
    assert f"{m.transcript.attendance[0].signed_in_at:%H:%M}" == "07:20"
    assert m.proceedings[0].at == t.utterances[0].at  # the same moment


def test_times_with_the_halls_offset_are_unchanged() -> None:
    t = transcript("t1")
    m = compile_minutes(t, tz=ZoneInfo("Asia/Shanghai"))
    assert m.heading.started_at is not None
    assert m.heading.started_at.isoformat() == "2026-04-16T09:00:00+08:00"
    assert [a.deadline for a in m.actions] == [a.deadline for a in minutes("t1").actions]
    assert m.transcript.utterances[0].at == t.utterances[0].at


def test_a_moderator_not_signed_in_is_still_the_moderator() -> None:
    t = replace(_session(("丁", "speech", None)), moderator="王主持", utterances=(
        Utterance(1, "王主持", "请大家发言。", turn="moderator"),
        Utterance(2, "陌生人", "建议修路。")))
    kinds = [(p.speaker, p.kind) for p in compile_minutes(t).proceedings]
    assert kinds == [("王主持", "moderator"), ("陌生人", "other")]


def test_turns_without_text_are_not_counted() -> None:
    t = replace(_session(), utterances=(
        Utterance(1, "甲委员", "", source="voice"), Utterance(2, "丁", "   ", source="voice"),
        Utterance(3, "丁", "建议修路。", source="voice"), Utterance(4, "乙局长", "好。")))
    s = compile_minutes(t).statistics
    assert (s.speakers, s.turns, s.voice_turns, s.text_turns) == (2, 2, 1, 1)
    assert [(x.name, x.turns) for x in s.per_speaker] == [("丁", 1), ("乙局长", 1)]


def test_an_empty_speaker_is_unknown() -> None:
    data = {"session": {"topic": "x"}, "attendance": [],
            "utterances": [{"seq": 1, "speaker": "", "text": "hi"}]}
    assert load_transcript(data).utterances[0].speaker == UNKNOWN_SPEAKER == "（未知）"
    for bad in (None, 3):
        data["utterances"] = [{"seq": 1, "speaker": bad, "text": "hi"}]
        with pytest.raises(TranscriptError, match=r"utterances\[0\]\.speaker"):
            load_transcript(data)
