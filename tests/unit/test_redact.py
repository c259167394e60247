"""Replacing a forgotten person's names (facilitation/redact.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from types import MappingProxyType

from facilitation.model import Contribution, ContributionKind, Source
from facilitation.redact import (
    concerns,
    redact_contribution,
    redact_item,
    redact_value,
    renamer,
)
from facilitation.speech import Segment
from facilitation.tracking import (
    Conversion,
    EventKind,
    Satisfaction,
    TrackedItem,
    replay,
    snapshot,
)
from tests.tracking_builders import DUE, LIAISON, PROPOSER, STAFF, T0, follow_up, suggestion

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


def _lived() -> tuple[TrackedItem, TrackedItem]:
    """A suggestion by 王秀英, referred, noted, replied, evaluated by her; a converted one."""
    item = suggestion()
    item.history[0] = replace(item.history[0], detail=MappingProxyType(
        dict(item.history[0].detail, proposers=["王秀英", "李四"], text="王秀英建议增设路灯")))
    item = replay(item.history, 9)
    item.refer(5, "县住建局", DUE, who=STAFF, at=T0)
    item.accept(who=LIAISON, at=T0)
    item.progress("已联系秀英 王", who=LIAISON, at=T0)
    item.reply_with("王秀英反映的路灯已装好", "tg:AgAD-Xy:王秀英.pdf", who=LIAISON, at=T0)
    item.evaluate(Satisfaction.SATISFIED, who=PROPOSER, at=T0)
    converted = suggestion()
    converted.convert(Conversion.PROPOSAL, "王秀英1", who=STAFF, at=T0)
    return item, converted


def test_an_item_is_renamed_in_its_history_and_replays_to_its_state() -> None:
    item, converted = _lived()
    before = snapshot(item)
    redacted = redact_item(item, renamer(["秀英 王"], LABEL))
    assert redacted is not None and item == before  # a new item; the one in hand unchanged
    assert redacted == replay(redacted.history, redacted.id)  # the fold of its events
    assert (redacted.text, redacted.proposers) == (f"{LABEL}建议增设路灯", (LABEL, "李四"))
    assert redacted.reply is not None and redacted.reply.text == f"{LABEL}反映的路灯已装好"
    assert redacted.reply.document == f"tg:AgAD-Xy:{LABEL}.pdf"
    notes = [e.detail["note"] for e in redacted.history if e.kind == EventKind.PROGRESS]
    assert notes == [f"已联系{LABEL}"]
    strip = [replace(e, detail={}) for e in item.history]
    assert [replace(e, detail={}) for e in redacted.history] == strip  # only the texts
    assert (redacted.status, redacted.settled_at, redacted.satisfaction, redacted.id) == (
        item.status, item.settled_at, item.satisfaction, 9)
    assert redact_item(redacted, renamer(["秀英 王"], LABEL)) is None  # nothing more
    assert redact_item(follow_up(), renamer(["秀英 王"], LABEL)) is None  # never named her
    # a 提案 number is a code: it keeps its column's width
    assert redact_item(converted, renamer(["王秀英1"], LABEL)) is None


def test_an_item_concerns_its_proposers_and_whoever_acted_on_it() -> None:
    item, _ = _lived()
    assert concerns(item, 99, ["秀英 王"])  # 王秀英 among the proposers
    assert concerns(item, 2, ["someone"])  # LIAISON acted on it
    assert not concerns(item, 99, ["王秀"])
