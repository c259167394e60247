"""Character error rate, for tests and benchmarks: edits (substitutions, insertions,
deletions) over reference characters, punctuation and spaces removed on both sides."""

from __future__ import annotations

from collections.abc import Iterable

from transcripts.normalize import strip_for_scoring


def edit_distance(reference: str, hypothesis: str) -> int:
    previous = list(range(len(hypothesis) + 1))
    for i, ref_char in enumerate(reference, 1):
        current = [i]
        for j, hyp_char in enumerate(hypothesis, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (ref_char != hyp_char)))
        previous = current
    return previous[-1]


def char_errors(reference: str, hypothesis: str) -> tuple[int, int]:
    """(edits, reference length) after stripping punctuation and spaces from both."""
    ref, hyp = strip_for_scoring(reference), strip_for_scoring(hypothesis)
    return edit_distance(ref, hyp), len(ref)


def cer(reference: str, hypothesis: str) -> float:
    edits, length = char_errors(reference, hypothesis)
    return edits / max(1, length)


def corpus_cer(pairs: Iterable[tuple[str, str]]) -> float:
    """All edits over all reference characters (long clips weigh more, as they should)."""
    edits = length = 0
    for reference, hypothesis in pairs:
        e, n = char_errors(reference, hypothesis)
        edits, length = edits + e, length + n
    return edits / max(1, length)
