"""协商共识: the points the moderator states after a consensus cue (pure, standard library).

Consensus items come from the moderator's turns: the points after a cue (形成了几点共识,
一致认为 ...) and before the follow-up assignments (会后 / 下面我把 / 一是请 ...).
A turn the moderator marked "consensus" live yields its points, or failing those its most
consensus-like sentence, with origin "mark"; other turns are read automatically.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from transcripts.minutes.model import ConsensusItem, Origin, Transcript, Utterance
from transcripts.minutes.numerals import arabize
from transcripts.minutes.sentences import (
    clauses,
    sentences,
    split_items,
    strip_fillers,
    strip_marker,
)

CONSENSUS_CUE = re.compile(
    r"共识|一致认为|大家(?:都)?认为|普遍认为|一致(?:同意|赞成|表示)|达成一致|"
    r"形成(?:了)?(?:以下|如下|这么)?几?[一两二三四五六几]?(?:点|条)(?:意见|看法)")
FOLLOW_UP = re.compile(
    r"^(?:好|那么|那|下面|接下来|最后)?[，,]?(?:我|我们)?(?:把|就)?(?:会后|下一步|后续)|"
    r"下面我把|接下来|工作(?:这样|如下)?(?:安排|分工|明确)|散会|^请|^(?:谢谢|感谢)")


def chairs(u: Utterance, transcript: Transcript) -> bool:
    """Whether the turn is the moderator's (by turn kind, session moderator or attendee kind)."""
    who = transcript.attendee(u.speaker)
    return (u.turn == "moderator" or u.speaker == transcript.moderator
            or (who is not None and who.kind == "moderator"))


def _after_cue(body: str) -> str | None:
    """What a piece says after its consensus cue ("大家一致认为，X" -> X); None: no cue."""
    parts = clauses(body)
    for i, clause in enumerate(parts):
        m = CONSENSUS_CUE.search(clause)
        if m:
            rest = clause[m.end():].lstrip("是就：:")
            return "，".join(([rest] if len(rest) > 4 else []) + parts[i + 1:])
    return None


def consensus_points(text: str) -> list[str]:
    """The consensus points stated in one (moderator's) turn."""
    points: list[str] = []
    inside = False
    for sentence in sentences(text):
        for piece in split_items(sentence):
            body = strip_marker(piece)
            if inside and FOLLOW_UP.search(body):
                # spoken, the last point runs on into the hand-over ("第三，……，不能再推来推去，
                # 那会后的工作这样安排"): the clauses before it are the point
                return points + _before_follow_up(body)
            if not inside:
                after = _after_cue(body)
                if after is None:
                    continue
                inside, body = True, after
            point = arabize("，".join(p for p in map(strip_fillers, clauses(body)) if p))
            if point:
                points.append(point)
    return points


def _before_follow_up(body: str) -> list[str]:
    """The point said before the clause that hands over to the follow-up, if any."""
    parts = clauses(body)
    at = next(i for i, c in enumerate([*parts, body]) if FOLLOW_UP.search(c))
    point = arabize("，".join(p for p in map(strip_fillers, parts[:at]) if p)) \
        if at < len(parts) else ""
    return [point] if point else []


def _best_consensus(text: str) -> str | None:
    candidates = sentences(text)
    if not candidates:
        return None
    cued = [s for s in candidates if CONSENSUS_CUE.search(s)]
    return strip_fillers(strip_marker(cued[0] if cued else max(candidates, key=len))) or None


def _turn_consensus(u: Utterance, transcript: Transcript) -> Iterator[tuple[str, Origin]]:
    if "consensus" not in (u.marks or ()):
        if chairs(u, transcript):
            yield from ((p, "auto") for p in consensus_points(u.text))
        return
    found = consensus_points(u.text) or [t for t in [_best_consensus(u.text)] if t]
    yield from ((p, "mark") for p in found)


def find_consensus(transcript: Transcript) -> list[ConsensusItem]:
    """Consensus points in the order they were stated."""
    return [ConsensusItem(text=text, seq=u.seq, origin=origin)
            for u in transcript.utterances for text, origin in _turn_consensus(u, transcript)]
