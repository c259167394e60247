"""Edits land on the same items when the draft is compiled again."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from facilitation.model import EditOp, MinutesEdit
from transcripts.minutes.compile import compile_minutes
from transcripts.minutes.edits import apply_edits
from transcripts.minutes.model import Action, Minutes, Suggestion, Transcript, Utterance

AT = datetime(2026, 4, 16, 9, 0, tzinfo=UTC)


def minutes() -> Minutes:
    transcript = Transcript(topic="停车", attendance=(), utterances=(
        Utterance(seq=1, speaker="甲", text="一"), Utterance(seq=2, speaker="乙", text="二")))
    base = compile_minutes(transcript)
    return replace(base, suggestions=(
        Suggestion(1, "划定临时停车位", ("甲",), 1, "基础设施"),
        Suggestion(2, "夜间巡查", ("乙",), 2, "监管执法")),
        actions=(Action("完成施划", None, None, None, 2),))


def edit(op: EditOp, **payload: object) -> MinutesEdit:
    return MinutesEdit(1, op, dict(payload), 7, AT)


def test_add_and_drop_renumber_in_turn_order() -> None:
    edited = apply_edits(minutes(), [
        edit(EditOp.ADD_SUGGESTION, seq=1, text="错时共享停车", proposers=["甲"]),
        edit(EditOp.DROP_SUGGESTION, seq=2, text="夜间巡查"),
    ])
    assert [(s.number, s.seq, s.text, s.origin) for s in edited.suggestions] == [
        (1, 1, "划定临时停车位", "auto"), (2, 1, "错时共享停车", "edit")]


def test_a_drop_that_no_longer_matches_changes_nothing() -> None:
    edited = apply_edits(minutes(), [edit(EditOp.DROP_SUGGESTION, seq=1, text="夜间巡查")])
    assert len(edited.suggestions) == 2


def test_unit_and_deadline_are_set_on_the_named_action() -> None:
    edited = apply_edits(minutes(), [
        edit(EditOp.SET_UNIT, seq=2, text="完成施划", unit="区城管局"),
        edit(EditOp.SET_DEADLINE, seq=2, text="完成施划", deadline="2026-06-30",
             deadline_text="6月底前"),
        edit(EditOp.SET_UNIT, seq=1, text="完成施划", unit="别处"),  # no such action
    ])
    [action] = edited.actions
    assert (action.unit, action.deadline, action.deadline_text) == (
        "区城管局", date(2026, 6, 30), "6月底前")


def test_an_edit_follows_its_item_through_a_correction_and_reports_when_lost() -> None:
    from transcripts.minutes.edits import replay

    corrected = replace(minutes(), actions=(Action("完成东门施划", None, None, None, 2),))
    edited, lost = replay(corrected, [
        edit(EditOp.SET_UNIT, seq=2, text="完成施划", unit="区城管局"),
        edit(EditOp.DROP_SUGGESTION, seq=1, text="完全不同的内容"),
    ])
    assert edited.actions[0].unit == "区城管局"  # 完成施划 is still most of 完成东门施划
    assert [e.op for e in lost] == [EditOp.DROP_SUGGESTION]
    assert len(edited.suggestions) == 2
