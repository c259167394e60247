"""Edits of a draft, as typed records. They are stored as ``MinutesEdit`` rows (an op and a
JSON payload) and replayed on every compile; these classes are the one place that knows the
payload of each op, both ways."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from facilitation.model import EditOp, MinutesEdit


@dataclass(frozen=True)
class AddSuggestion:
    seq: int  # the turn it was made in
    text: str
    proposers: tuple[str, ...]
    category: str


@dataclass(frozen=True)
class DropSuggestion:
    seq: int  # the item is named by its turn and text, so it is found after a recompile
    text: str


@dataclass(frozen=True)
class SetUnit:
    seq: int
    text: str  # of the follow-up item
    unit: str


@dataclass(frozen=True)
class SetDeadline:
    seq: int
    text: str
    deadline_text: str  # as said: 6月底前
    deadline: date | None  # resolved against the session day; None: no day named


@dataclass(frozen=True)
class SetTitle:
    title: str | None  # None: back to the title made from the topic


@dataclass(frozen=True)
class CorrectTurn:
    seq: int
    text: str  # the corrected words (the turn keeps its original too)


DraftEdit = AddSuggestion | DropSuggestion | SetUnit | SetDeadline | SetTitle | CorrectTurn


def to_payload(edit: DraftEdit) -> tuple[EditOp, dict[str, Any]]:
    """The op and JSON payload an edit is stored as."""
    match edit:
        case AddSuggestion():
            return EditOp.ADD_SUGGESTION, {"seq": edit.seq, "text": edit.text,
                                           "proposers": list(edit.proposers),
                                           "category": edit.category}
        case DropSuggestion():
            return EditOp.DROP_SUGGESTION, {"seq": edit.seq, "text": edit.text}
        case SetUnit():
            return EditOp.SET_UNIT, {"seq": edit.seq, "text": edit.text, "unit": edit.unit}
        case SetDeadline():
            return EditOp.SET_DEADLINE, {
                "seq": edit.seq, "text": edit.text, "deadline_text": edit.deadline_text,
                "deadline": edit.deadline.isoformat() if edit.deadline else None}
        case SetTitle():
            return EditOp.SET_TITLE, {"title": edit.title}
        case CorrectTurn():
            return EditOp.CORRECT_TURN, {"seq": edit.seq, "text": edit.text}


def from_record(record: MinutesEdit) -> DraftEdit:
    """The typed edit a stored row holds (rows written before a field existed read well)."""
    p = record.payload
    match record.op:
        case EditOp.ADD_SUGGESTION:
            return AddSuggestion(int(p["seq"]), str(p["text"]), tuple(p.get("proposers") or ()),
                                 str(p.get("category") or "其他"))
        case EditOp.DROP_SUGGESTION:
            return DropSuggestion(int(p["seq"]), str(p["text"]))
        case EditOp.SET_UNIT:
            return SetUnit(int(p["seq"]), str(p["text"]), str(p["unit"]))
        case EditOp.SET_DEADLINE:
            return SetDeadline(int(p["seq"]), str(p["text"]), str(p.get("deadline_text") or ""),
                               date.fromisoformat(p["deadline"]) if p.get("deadline") else None)
        case EditOp.SET_TITLE:
            return SetTitle(str(p["title"]) if p.get("title") else None)
        case EditOp.CORRECT_TURN:
            return CorrectTurn(int(p["seq"]), str(p["text"]))
    raise ValueError(f"unknown edit {record.op!r}")
