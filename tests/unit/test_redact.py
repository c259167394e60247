"""Replacing a forgotten person's names (facilitation/redact.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from facilitation.model import Contribution, ContributionKind, Source
from facilitation.redact import redact_contribution, redact_value, renamer
from facilitation.speech import Segment

LABEL = "匿名发言人7"


def test_whole_names_longest_first_in_both_orders() -> None:
    rename = renamer(["秀英 王", "王秀英", "Li Lei"], LABEL)
    assert rename("王秀英说过，秀英王也说过") == f"{LABEL}说过，{LABEL}也说过"
    assert rename("谢谢秀英 王和Lei Li") == f"谢谢{LABEL}和{LABEL}"
    assert rename("秀英阿姨、老王") == "秀英阿姨、老王"  # short forms are not guessed


def test_latin_names_match_whole_words_and_one_character_never() -> None:
    rename = renamer(["Li", "张", "1002"], LABEL)
    assert rename("Li said: Lighting by Li.") == f"{LABEL} said: Lighting by {LABEL}."
    assert rename("张家的事，user 1002 and 10020") == f"张家的事，user {LABEL} and 10020"
    assert renamer([], LABEL)("王秀英") == "王秀英"


def test_stored_json_keeps_codes_and_keys() -> None:
    rename = renamer(["王秀英"], LABEL)
    body = {"source": "王秀英", "kind": "王秀英", "王秀英": ["王秀英提议", 3, None],
            "proposers": ["王秀英"], "nested": {"text": "同意王秀英"}}
    assert redact_value(body, rename) == {
        "source": "王秀英", "kind": "王秀英", "王秀英": [f"{LABEL}提议", 3, None],
        "proposers": [LABEL], "nested": {"text": f"同意{LABEL}"}}


def test_a_contribution_loses_the_name_everywhere() -> None:
    c = Contribution(session_id=1, seq=1, person_id=2, speaker_name="王秀英",
                     kind=ContributionKind.SPEECH, source=Source.VOICE, text="我是王秀英",
                     at=datetime(2026, 1, 1, tzinfo=UTC), addressed_to="王秀英",
                     segments=(Segment(0.0, 1.0, "我是王秀英"),), original_text="我是王秀音")
    assert redact_contribution(c, renamer(["王秀英"], LABEL), speaker=LABEL)
    assert (c.speaker_name, c.text, c.addressed_to, c.segments[0].text, c.original_text) == (
        LABEL, f"我是{LABEL}", LABEL, f"我是{LABEL}", "我是王秀音")
    assert not redact_contribution(c, renamer(["王秀英"], LABEL), speaker=LABEL)
