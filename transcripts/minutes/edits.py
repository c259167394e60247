"""Apply the recorded edits (add or drop a suggestion, set an action's unit or deadline, set
the document's title) to freshly compiled minutes. Items are named by their turn and text,
not by their number, so an edit still lands on the same item when the draft is compiled
again."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date
from typing import Any, TypeVar

from facilitation.model import EditOp, MinutesEdit
from transcripts.minutes.model import Action, Minutes, Suggestion
from transcripts.minutes.scoring import coverage

T = TypeVar("T", Suggestion, Action)
CLOSE_ENOUGH = 0.6


def _target(items: Sequence[T], payload: dict[str, Any]) -> T | None:
    """The item the edit was made on: same turn and text, or, after a correction of the turn
    or a change of the extractor, the item of that turn whose text is still close enough."""
    same_turn = [i for i in items if i.seq == payload.get("seq")]
    exact = [i for i in same_turn if i.text == payload.get("text")]
    if exact:
        return exact[0]
    scored = [(coverage(str(payload.get("text")), i.text), n) for n, i in enumerate(same_turn)]
    best = max(scored, default=(0.0, -1))
    return same_turn[best[1]] if best[0] >= CLOSE_ENOUGH else None


def _renumber(suggestions: Iterable[Suggestion]) -> tuple[Suggestion, ...]:
    ordered = sorted(suggestions, key=lambda s: (s.seq, s.number))
    return tuple(replace(s, number=i) for i, s in enumerate(ordered, start=1))


def _apply(minutes: Minutes, edit: MinutesEdit) -> Minutes:
    p = edit.payload
    if edit.op == EditOp.ADD_SUGGESTION:
        added = Suggestion(number=len(minutes.suggestions) + 1, text=str(p["text"]),
                           proposers=tuple(p.get("proposers") or ()), seq=int(p["seq"]),
                           category=str(p.get("category") or "其他"), origin="edit")
        return replace(minutes, suggestions=_renumber((*minutes.suggestions, added)))
    if edit.op == EditOp.DROP_SUGGESTION:
        gone = _target(minutes.suggestions, p)
        return replace(minutes, suggestions=_renumber(
            s for s in minutes.suggestions if s is not gone))
    if edit.op == EditOp.SET_TITLE:
        title = str(p["title"]) if p.get("title") else None
        return replace(minutes, issuance=replace(minutes.issuance, title=title))
    action = _target(minutes.actions, p)
    if edit.op == EditOp.SET_UNIT:
        return replace(minutes, actions=tuple(
            replace(a, unit=p["unit"]) if a is action else a for a in minutes.actions))
    if edit.op == EditOp.SET_DEADLINE:
        deadline = date.fromisoformat(p["deadline"]) if p.get("deadline") else None
        return replace(minutes, actions=tuple(
            replace(a, deadline=deadline, deadline_text=p.get("deadline_text"))
            if a is action else a for a in minutes.actions))
    return minutes  # CORRECT_TURN: already in the transcript the minutes were compiled from


def _lost(minutes: Minutes, edit: MinutesEdit) -> bool:
    """Whether the edit's item is gone (its turn was corrected beyond recognition)."""
    if edit.op == EditOp.DROP_SUGGESTION:
        return _target(minutes.suggestions, edit.payload) is None
    if edit.op in (EditOp.SET_UNIT, EditOp.SET_DEADLINE):
        return _target(minutes.actions, edit.payload) is None
    return False


def apply_edits(minutes: Minutes, edits: Iterable[MinutesEdit]) -> Minutes:
    return replay(minutes, edits)[0]


def replay(minutes: Minutes, edits: Iterable[MinutesEdit]
           ) -> tuple[Minutes, list[MinutesEdit]]:
    """The minutes with the edits applied in order, and the edits that found no item."""
    lost = []
    for edit in edits:
        if _lost(minutes, edit):
            lost.append(edit)
        else:
            minutes = _apply(minutes, edit)
    return minutes, lost
