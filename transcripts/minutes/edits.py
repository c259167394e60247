"""Apply the recorded edits (add or drop a suggestion, set an action's unit or deadline, set
the document's title) to freshly compiled minutes. Items are named by their turn and text,
not by their number, so an edit still lands on the same item when the draft is compiled
again."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TypeVar

from facilitation.draft_edits import (
    AddSuggestion,
    DraftEdit,
    DropSuggestion,
    SetDeadline,
    SetTitle,
    SetUnit,
    from_record,
)
from facilitation.model import MinutesEdit
from transcripts.minutes.model import Action, Minutes, Suggestion
from transcripts.minutes.scoring import coverage

T = TypeVar("T", Suggestion, Action)
CLOSE_ENOUGH = 0.6


def _target(items: Sequence[T], seq: int, text: str) -> T | None:
    """The item the edit was made on: same turn and text, or, after a correction of the turn
    or a change of the extractor, the item of that turn whose text is still close enough."""
    same_turn = [i for i in items if i.seq == seq]
    exact = [i for i in same_turn if i.text == text]
    if exact:
        return exact[0]
    scored = [(coverage(text, i.text), n) for n, i in enumerate(same_turn)]
    best = max(scored, default=(0.0, -1))
    return same_turn[best[1]] if best[0] >= CLOSE_ENOUGH else None


def _renumber(suggestions: Iterable[Suggestion]) -> tuple[Suggestion, ...]:
    ordered = sorted(suggestions, key=lambda s: (s.seq, s.number))
    return tuple(replace(s, number=i) for i, s in enumerate(ordered, start=1))


def _apply(minutes: Minutes, edit: DraftEdit) -> Minutes:
    match edit:
        case AddSuggestion():
            added = Suggestion(number=len(minutes.suggestions) + 1, text=edit.text,
                               proposers=edit.proposers, seq=edit.seq, category=edit.category,
                               origin="edit")
            return replace(minutes, suggestions=_renumber((*minutes.suggestions, added)))
        case DropSuggestion():
            gone = _target(minutes.suggestions, edit.seq, edit.text)
            return replace(minutes, suggestions=_renumber(
                s for s in minutes.suggestions if s is not gone))
        case SetUnit():
            action = _target(minutes.actions, edit.seq, edit.text)
            return replace(minutes, actions=tuple(
                replace(a, unit=edit.unit) if a is action else a for a in minutes.actions))
        case SetDeadline():
            action = _target(minutes.actions, edit.seq, edit.text)
            return replace(minutes, actions=tuple(
                replace(a, deadline=edit.deadline, deadline_text=edit.deadline_text)
                if a is action else a for a in minutes.actions))
        case SetTitle():
            return replace(minutes, issuance=replace(minutes.issuance, title=edit.title))
    return minutes  # CorrectTurn: already in the transcript the minutes were compiled from


def _lost(minutes: Minutes, edit: DraftEdit) -> bool:
    """Whether the edit's item is gone (its turn was corrected beyond recognition)."""
    match edit:
        case DropSuggestion():
            return _target(minutes.suggestions, edit.seq, edit.text) is None
        case SetUnit() | SetDeadline():
            return _target(minutes.actions, edit.seq, edit.text) is None
    return False


def apply_edits(minutes: Minutes, edits: Iterable[MinutesEdit]) -> Minutes:
    return replay(minutes, edits)[0]


def replay(minutes: Minutes, edits: Iterable[MinutesEdit]
           ) -> tuple[Minutes, list[MinutesEdit]]:
    """The minutes with the edits applied in order, and the edits that found no item."""
    lost = []
    for record in edits:
        edit = from_record(record)
        if _lost(minutes, edit):
            lost.append(record)
        else:
            minutes = _apply(minutes, edit)
    return minutes, lost
