"""One proposal made again by other speakers is one suggestion, with every proposer: the
items of a session are compared by their character bigrams (Dice), the same measure for
every style of session."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

from transcripts.minutes.cues import ADDRESS
from transcripts.minutes.model import Suggestion
from transcripts.minutes.numerals import arabize

PUNCT = re.compile(r"[\s，,、：:；;“”\"'（）()]")  # what two wordings of one proposal may differ in


RESTATED = 0.4  # bigram overlap (Dice) from which another speaker's proposal is the same one
# ... when the later turn says it takes up what another said ("赞成X的意见" "X讲的……"): a
# lower overlap, or this share of the shorter wording's bigrams found in the other's.
RESTATED_REFERRED = 0.25
CONTAINED_REFERRED = 0.4
# ... and when the proposal itself opens by backing a person named ("赞成老李说的，……"), the
# overlap from which it restates one of that person's proposals: they said whose it is.
RESTATED_BACKED = 0.15


def _bigrams(text: str) -> set[str]:
    bare = PUNCT.sub("", arabize(text))
    return {bare[i:i + 2] for i in range(len(bare) - 1)}


def _dice(a: set[str], b: set[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def _restates(a: set[str], b: set[str], referred: bool = False) -> bool:
    if not referred:
        return _dice(a, b) >= RESTATED
    return bool(a and b) and (_dice(a, b) >= RESTATED_REFERRED
                              or len(a & b) / min(len(a), len(b)) >= CONTAINED_REFERRED)


def _called(who: str, name: str) -> bool:
    """Is the person called ``who`` ("蒙老" "老李" "王老师") the one named ``name``? The
    surname (or name) left without the form of address starts the name."""
    core = who
    while (bare := ADDRESS.sub("", core, count=1)) != core:
        core = bare
    return bool(core) and name.startswith(core)


def merge_restated(found: list[Suggestion], referring: frozenset[int] = frozenset(),
                   backed: Mapping[int, str] | None = None) -> list[Suggestion]:
    """One proposal made again by other speakers is one item: first made first, with every
    proposer and the turns that restated it; a speaker repeating themself in a later turn adds
    nothing (neither an item nor a restatement).
    ``referring``: the turns that say they take up what another said; their proposals join
    the closest earlier one on lower terms. ``backed``: the proposals (by number) that open by
    backing a person named (as called there); they join the closest one that person made on
    lower terms still."""
    merged: list[tuple[Suggestion, set[str]]] = []
    for s in found:
        grams = _bigrams(s.text)
        referred = s.seq in referring
        if any(s.proposers[0] in m.proposers and m.seq != s.seq and _dice(grams, g) >= RESTATED
               for m, g in merged):
            continue  # the proposer saying it again in a later turn: no new item

        same = max((i for i, (m, g) in enumerate(merged)
                    if s.proposers[0] not in m.proposers and _restates(grams, g, referred)),
                   key=lambda i: _dice(grams, merged[i][1]), default=None)
        who = (backed or {}).get(s.number)
        if same is None and who:
            same = max((i for i, (m, g) in enumerate(merged)
                        if _called(who, m.proposers[0])
                        and _dice(grams, g) >= RESTATED_BACKED),
                       key=lambda i: _dice(grams, merged[i][1]), default=None)
        if same is None:
            merged.append((s, grams))
        else:
            m, g = merged[same]
            merged[same] = (replace(m, proposers=(*m.proposers, *s.proposers),
                                    also=(*m.also, s.seq)), g)
    return [replace(m, number=i) for i, (m, _) in enumerate(merged, 1)]
