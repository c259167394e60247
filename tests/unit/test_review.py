"""待核对: the rule (facilitation.review), the statistics kept in the segments JSON (old rows of
three still load), the interchange export's "review" key and Utterance.needs_review."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import jsonschema
import pytest

from facilitation.model import Contribution, ContributionKind, Source
from facilitation.record import SessionRecord
from facilitation.review import (
    HIGH_COMPRESSION_RATIO,
    HIGH_NO_SPEECH_PROB,
    LOW_AVG_LOGPROB,
    needs_review,
    review_reason,
    turn_needs_review,
)
from facilitation.session import Session
from facilitation.speech import Segment
from storage.mapping import segments_from_json, segments_json
from transcripts.export import to_interchange
from transcripts.minutes.compile import compile_minutes
from transcripts.minutes.model import TranscriptError, load_transcript
from transcripts.minutes.render_json import minutes_from_json, to_json

SCHEMA = Path(__file__).parents[2] / "yishitang" / "schemas" / "transcript.schema.json"
AT = datetime(2026, 4, 16, 1, 0, tzinfo=UTC)
SURE = Segment(0.0, 2.0, "我们会在三月前答复。", -0.2, 0.02, 0.8)
UNSURE = Segment(2.0, 4.0, "娱乐反斗星", LOW_AVG_LOGPROB - 0.05, 0.02, 0.8)


def test_a_sure_turn_needs_no_review() -> None:
    assert review_reason([SURE, SURE]) is None and not needs_review([SURE])


def test_one_unsure_segment_flags_the_whole_turn_and_says_why() -> None:
    reason = review_reason([SURE, UNSURE])
    assert reason is not None and (reason.code, reason.segment) == ("low_confidence", 1)
    assert reason.value == pytest.approx(LOW_AVG_LOGPROB - 0.05)


@pytest.mark.parametrize(("segment", "code"), [
    (Segment(0, 1, "嗯", -0.2, HIGH_NO_SPEECH_PROB + 0.01, 0.8), "no_speech"),
    (Segment(0, 1, "对对对对", -0.2, 0.0, HIGH_COMPRESSION_RATIO + 0.1), "repetitive"),
])
def test_doubt_about_speech_or_a_loop_flags(segment: Segment, code: str) -> None:
    reason = review_reason([segment])
    assert reason is not None and reason.code == code


def test_bounds_are_strict_and_missing_statistics_never_flag() -> None:
    edge = Segment(0, 1, "边界", LOW_AVG_LOGPROB, HIGH_NO_SPEECH_PROB, HIGH_COMPRESSION_RATIO)
    assert not needs_review([edge])
    assert not needs_review([Segment(0, 1, "打字或旧记录")]) and not needs_review([])


def _turn(seq: int, person_id: int, *segments: Segment) -> Contribution:
    return Contribution(session_id=1, seq=seq, person_id=person_id, speaker_name=f"人{person_id}",
                        kind=ContributionKind.SPEECH, source=Source.VOICE,
                        text="".join(s.text for s in segments), at=AT, segments=segments)


def test_a_turn_stops_needing_review_once_corrected_or_confirmed() -> None:
    turn = _turn(1, 7, UNSURE)
    assert turn_needs_review(turn, confirmed=())
    assert not turn_needs_review(turn, confirmed={7})  # its speaker confirmed in 发言确认
    assert turn_needs_review(turn, confirmed={8})  # someone else's confirmation does not count
    turn.correct("娱乐反斗星（已核对）")
    assert not turn_needs_review(turn, confirmed=())


def test_segments_json_keeps_the_statistics_and_reads_old_rows() -> None:
    stored = segments_json((UNSURE, Segment(4.0, 5.0, "没有统计")))
    assert stored is not None
    rows = json.loads(stored)
    assert rows[0][3:] == [UNSURE.avg_logprob, 0.02, 0.8] and len(rows[1]) == 3
    assert segments_from_json(stored) == (UNSURE, Segment(4.0, 5.0, "没有统计"))
    old = '[[0.0, 1.5, "我们会"], [1.5, 3.0, "在三月前答复。"]]'
    assert segments_from_json(old) == (Segment(0.0, 1.5, "我们会"),
                                       Segment(1.5, 3.0, "在三月前答复。"))
    assert segments_from_json(None) == () and segments_json(()) is None


def _record(confirmed: frozenset[int] = frozenset()) -> SessionRecord:
    session = Session(chat_id=-100, code="C1", topic="小区停车难", moderator_id=1,
                      created_at=AT, turn_limit_s=180, id=1)
    sure, unsure = _turn(1, 7, SURE), _turn(2, 8, SURE, UNSURE)
    typed = Contribution(session_id=1, seq=3, person_id=7, speaker_name="人7",
                         kind=ContributionKind.SPEECH, source=Source.TEXT, text="打字", at=AT)
    stored = [replace_segments(c) for c in (sure, unsure, typed)]
    return SessionRecord(session, "主持", [], stored, [], confirmed)


def replace_segments(c: Contribution) -> Contribution:
    """As the database gives it back: through the segments JSON."""
    c.segments = segments_from_json(segments_json(c.segments))
    return c


def test_export_writes_review_and_the_minutes_load_it() -> None:
    data = to_interchange(_record(), ZoneInfo("Asia/Shanghai"))
    jsonschema.validate(data, json.loads(SCHEMA.read_text("utf-8")))
    assert [u.get("review") for u in data["utterances"]] == [None, True, None]
    transcript = load_transcript(data)
    assert [u.needs_review for u in transcript.utterances] == [False, True, False]
    minutes = compile_minutes(transcript)  # and an approved version keeps the mark
    again = minutes_from_json(to_json(minutes, annex=True))
    assert [u.needs_review for u in again.transcript.utterances] == [False, True, False]
    confirmed = to_interchange(_record(frozenset({8})), ZoneInfo("Asia/Shanghai"))
    assert all("review" not in u for u in confirmed["utterances"])


def test_review_must_be_a_boolean() -> None:
    data = {"session": {"topic": "x"}, "attendance": [],
            "utterances": [{"seq": 1, "speaker": "甲", "text": "hi", "review": "yes"}]}
    with pytest.raises(TranscriptError, match=r"utterances\[0\]\.review"):
        load_transcript(data)
