"""Replacing a forgotten person's names in texts, and in JSON stored as text.

Only whole names are replaced (the display name, the names the person signed in under, the
name their turns were recorded under; a name in parts in both orders), longest first, in one
pass. Short forms (老张, a given name alone) are not guessed here, unlike in the public
version of the minutes, whose rules need the word segmenter. A name shorter than two
characters is never replaced (it would wipe a common character everywhere); a name in Latin
letters or digits matches whole words only.

A tracked item (facilitation/tracking.py) is renamed in every text of its history and then
replayed from it, so its state stays exactly the fold of its events.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import Any

from facilitation.model import Contribution
from facilitation.tracking import TrackedItem, replay

MIN_NAME_CHARS = 2
# Keys of stored minutes and edits whose values are codes or fingerprints, never names.
CODE_KEYS = frozenset({"source", "kind", "turn", "origin", "category", "marks", "status",
                       "language", "op", "attendance_by_kind"})
# Keys of an item's events whose values are codes, dates or numbers given by staff (a 提案
# number fills a column of 64 characters: a longer label must not overflow it).
ITEM_CODE_KEYS = CODE_KEYS | {"conversion", "satisfaction", "deadline", "previous",
                              "reference"}

Rename = Callable[[str], str]


def _alternative(name: str) -> str:
    before = r"(?<![A-Za-z0-9_])" if name[0].isascii() and name[0].isalnum() else ""
    after = r"(?![A-Za-z0-9_])" if name[-1].isascii() and name[-1].isalnum() else ""
    return before + re.escape(name) + after


def name_forms(name: str) -> set[str]:
    """The name, and for a name in parts (Telegram's "first last": 秀英 王) the parts in
    both orders, with and without the space (王秀英, 秀英王, 王 秀英)."""
    parts = name.split()
    if len(parts) < 2:
        return {name.strip()}
    return {" ".join(parts), "".join(parts), " ".join(reversed(parts)),
            "".join(reversed(parts))}


def replaced_forms(names: Iterable[str], label: str) -> list[str]:
    """Every form of ``names`` that is replaced, the longest first."""
    forms = {form for name in names for form in name_forms(name)}
    return sorted({f for f in forms if len(f) >= MIN_NAME_CHARS} - {label},
                  key=lambda n: (-len(n), n))


def renamer(names: Iterable[str], label: str) -> Rename:
    """A function that replaces every one of ``names`` (in each of their forms) in a text by
    ``label``."""
    kept = replaced_forms(names, label)
    if not kept:
        return lambda text: text
    pattern = re.compile("|".join(_alternative(n) for n in kept))
    return lambda text: pattern.sub(label, text)


def redact_value(value: Any, rename: Rename) -> Any:
    """The same JSON-like structure with every text renamed, except under code keys."""
    if isinstance(value, str):
        return rename(value)
    if isinstance(value, list):
        return [redact_value(v, rename) for v in value]
    if isinstance(value, dict):
        return {k: v if k in CODE_KEYS else redact_value(v, rename) for k, v in value.items()}
    return value


def redact_contribution(c: Contribution, rename: Rename, *, speaker: str | None) -> bool:
    """Rename the texts of a contribution (and give it ``speaker`` as its speaker's name when
    given); whether anything changed."""
    before = (c.speaker_name, c.text, c.original_text, c.addressed_to, c.segments)
    if speaker is not None:
        c.speaker_name = speaker
    c.text = rename(c.text)
    c.original_text = rename(c.original_text) if c.original_text is not None else None
    c.addressed_to = rename(c.addressed_to) if c.addressed_to is not None else None
    c.segments = tuple(replace(s, text=rename(s.text)) for s in c.segments)
    return before != (c.speaker_name, c.text, c.original_text, c.addressed_to, c.segments)


def _redact_detail(detail: Mapping[str, Any], rename: Rename) -> Mapping[str, Any]:
    return MappingProxyType({k: v if k in ITEM_CODE_KEYS else redact_value(v, rename)
                             for k, v in detail.items()})


def redact_item(item: TrackedItem, rename: Rename) -> TrackedItem | None:
    """The item with every text of its history renamed (its text and its revisions, the
    proposers, unit names, replies and their documents' names, reasons, notes), replayed
    from those events: its state is their fold, as always. None when nothing changed."""
    events = [replace(e, detail=_redact_detail(e.detail, rename)) for e in item.history]
    if all(new.detail == old.detail for new, old in zip(events, item.history, strict=True)):
        return None
    return replay(events, item.id)


def concerns(item: TrackedItem, person_id: int, names: Iterable[str]) -> bool:
    """Whether the item is the person's: named among its proposers (any form of a name of
    theirs), or acted on by them (an event of its history)."""
    forms = {form for name in names for form in name_forms(name)}
    return (any(name_forms(p) & forms for p in item.proposers)
            or any(e.who.person_id == person_id for e in item.history))
