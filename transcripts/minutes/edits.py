"""Apply the recorded edits (add or drop a suggestion, set an action's unit or deadline) to
freshly compiled minutes. Items are named by their turn and text, not by their number, so an
edit still lands on the same item when the draft is compiled again."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from typing import Any

from facilitation.model import EditOp, MinutesEdit
from transcripts.minutes.model import Action, Minutes, Suggestion


def _same(item: Suggestion | Action, payload: dict[str, Any]) -> bool:
    return item.seq == payload.get("seq") and item.text == payload.get("text")


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
        kept = [s for s in minutes.suggestions if not _same(s, p)]
        return replace(minutes, suggestions=_renumber(kept))
    if edit.op == EditOp.SET_UNIT:
        return replace(minutes, actions=tuple(
            replace(a, unit=p["unit"]) if _same(a, p) else a for a in minutes.actions))
    if edit.op == EditOp.SET_DEADLINE:
        deadline = date.fromisoformat(p["deadline"]) if p.get("deadline") else None
        return replace(minutes, actions=tuple(
            replace(a, deadline=deadline, deadline_text=p.get("deadline_text"))
            if _same(a, p) else a for a in minutes.actions))
    return minutes  # CORRECT_TURN: already in the transcript the minutes were compiled from


def apply_edits(minutes: Minutes, edits: Iterable[MinutesEdit]) -> Minutes:
    for edit in edits:
        minutes = _apply(minutes, edit)
    return minutes
