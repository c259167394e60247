"""意见建议: the proposals made in the participants' turns (pure, standard library).

Suggestions come from the participants' turns (speech, question, follow-up, written, comment;
not the moderator's, nor a department's), one per proposal: a sentence or enumerated item
carrying a proposal cue (cues.py: 建议, 能不能, 不如, 应该, 咱们得 ...), what follows a frame
("我的想法是，……" "我提个事：……" "不如这样，……"), or an item of a list announced by a header
("我的建议是两条。第一，……"). Within a point of an enumeration ("第一，……"), a proposal made
explicitly (建议/能不能/最好 ...) is the point's proposal: the reasoning around it is not; a
list that follows its header's colon ends with its last item. What the speaker's own side
offers is left out. The text is the proposer's own words, trimmed of the cue frame, of context
before it and of the reasons and results after it (at most about ``MAX_CHARS`` characters).

A turn the moderator marked "suggestion" live yields its proposals, or failing those its most
proposal-like sentence, with origin "mark": the mark takes precedence over the cues and the
turn's kind. Unmarked turns (and marks of other kinds) leave extraction automatic.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from transcripts.minutes.categories import categorize
from transcripts.minutes.consensus import chairs, consensus_points, find_consensus
from transcripts.minutes.cues import (
    ANNOUNCES,
    COMMITMENT,
    CONCESSION,
    CUE_END,
    EXPLICIT,
    INTENSIFIER,
    LEAD,
    LIST,
    MAY,
    MODAL,
    NOW,
    OBLIGATION,
    OWN_TASK,
    PERSONAL,
    RECAP,
    TALK,
    TURNING,
    VAGUE,
    WEAK,
    WISH,
    explicit,
    find_frame,
    prescribes,
    reason,
    strong,
    without_offers,
)
from transcripts.minutes.deadlines import find_deadline
from transcripts.minutes.model import Origin, Suggestion, Transcript, Utterance
from transcripts.minutes.numerals import arabize
from transcripts.minutes.restated import PUNCT, merge_restated
from transcripts.minutes.sentences import (
    ORDINAL,
    clauses,
    marker,
    sentences,
    split_items,
    strip_fillers,
    strip_marker,
)

__all__ = ["best_sentence", "consensus_points", "find_consensus", "find_suggestions",
           "proposals"]

PROPOSING_TURNS = ("speech", "question", "follow_up", "written", "comment")
SILENT_KINDS = ("department", "moderator", "staff")  # their turns answer, chair or record

# An item that tells or asks rather than proposes: "我们那里……" "刚才……说" "你怎么……呢".
ASIDE = re.compile(r"^[^，,]*[我你您]|刚才|(?:怎么|如何|为什么|哪里|哪儿)[^，,]*(?:呢|吗)$|吗$")
MAX_CHARS = 60


@dataclass
class _State:
    """Where the reading of one turn is: a header announced ``left`` more listed proposals."""

    left: int = 0
    after_header: bool = False
    remarks: bool = False  # a proposal was made or points announced: "第二，要……" may be one
    colon: bool = False  # the list follows its header's colon: it ends with its last item
    done: bool = False  # such a list's last item was just read: what follows is a new point


@dataclass(frozen=True)
class _Found:
    text: str
    explicit: bool  # put forward as a proposal (建议, a frame ...), not only "要/必须 ……"
    item: int  # the enumerated point it belongs to; 0: before any enumeration marker


def _cue_index(parts: list[str]) -> int:
    for test in (strong, INTENSIFIER.search, WEAK.search):
        for i, clause in enumerate(parts):
            if test(clause):
                return i
    return 0


def _listed(piece: str, state: _State) -> bool:
    """An item of an announced list, which proposes unless it tells or asks."""
    return (state.left > 0 and (bool(ORDINAL.match(piece)) or state.after_header)
            and not ASIDE.search(strip_marker(piece)))


def _own_task(piece: str) -> bool:
    """The speaker's side taking on a task by a deadline: theirs to do, not a proposal."""
    return (bool(OWN_TASK.search(piece)) and find_deadline(piece) is not None
            and not explicit(piece))


def _is_proposal(piece: str, state: _State) -> bool:
    if COMMITMENT.search(piece) or _own_task(piece):
        return False
    if (strong(piece) or _listed(piece, state) or (state.remarks and MAY.search(piece))
            or prescribes(piece)):
        return True
    return bool(WEAK.search(piece)) and (
        bool(INTENSIFIER.search(piece)) or ((state.left > 0 or state.remarks)
                                            and marker(piece) is not None))


def _read(piece: str, state: _State) -> tuple[str, bool] | None:
    """The proposal in one piece of a turn, and whether it is explicit; ``state``: the list."""
    listed = _listed(piece, state)
    body = strip_marker(piece)
    if TALK.match(body):  # "我讲两点": remarks, which may or may not propose
        state.remarks = True
        return None
    if RECAP.match(body) or (ANNOUNCES.search(body) and not find_frame(body)):
        return None  # "以上建议，……" sums up; "……报告如下" announces what follows
    frame = find_frame(body)
    if frame:
        body = "，".join(clauses(body)[frame.taken:])
        if not body or not (frame.introduces or WEAK.search(body) or _is_proposal(body, state)):
            state.left, state.after_header = frame.announces, frame.announces > 0
            state.colon = frame.colon
            return None
        whole = frame.introduces and not strong(body)
    elif not _is_proposal(piece, state):
        state.after_header = False
        return None
    else:
        whole = listed
    state.after_header = False
    state.done = listed and state.left == 1 and state.colon
    if listed or not state.left or ORDINAL.match(piece):  # another proposal within the same
        # point ("（一）……。建议……") does not use up one of the points announced
        state.left = max(state.left - 1, 0) if state.left or not ORDINAL.match(piece) else LIST - 1
    state.remarks = True
    text = _trim(clauses(body), whole=whole)
    return (text, bool(frame and frame.introduces) or explicit(body)) if text else None


def _context(clause: str, following: str) -> bool:
    """A clause before the cue that is context (the speaker, now, a concession, a turn)."""
    return bool(PERSONAL.search(clause) or NOW.match(clause) or CONCESSION.search(clause)
                or TURNING.match(following))


def _span(parts: list[str], whole: bool) -> tuple[int, int, int]:
    """(start, cue, end) of the proposal's clauses: from its cue or context to its reasons."""
    cue = 0 if whole else _cue_index(parts)
    start = cue
    while start > 0 and not _context(parts[start - 1], parts[start]):
        start -= 1
    if len(CUE_END.sub("", strip_fillers(parts[cue]))) < 2:  # "要是……，……，那就好了"
        start = next((i for i in range(cue - 1, -1, -1) if WISH.match(parts[i])), start)
    end = next((i for i, c in enumerate(parts) if i > cue and reason(c)), len(parts))
    return start, cue, end


def _unframe(clause: str, is_cue: bool, first: bool, wish: bool) -> str:
    """A kept clause without its cue words: the lead, the modal, 就好了 / 不可 / 才行.

    A clause of cue words only ("是不是可以考虑，……") is left out.
    """
    if first:
        clause = LEAD.sub("", clause)
        clause = WISH.sub("", clause) if wish else clause
    if is_cue:
        clause = CUE_END.sub("", MODAL.sub("", clause, count=1))
    return clause


def _trim(parts: list[str], *, whole: bool) -> str | None:
    """The proposal's words: from its cue (or context it needs) to before the reasons."""
    if not parts:
        return None
    start, cue, end = _span(parts, whole)
    wish = bool(CUE_END.search(strip_fillers(parts[cue])))
    kept = [(strip_fillers(c), i == cue) for i, c in enumerate(parts) if start <= i < end]
    kept = [(c, is_cue) for c, is_cue in kept if c]
    words = [_unframe(c, is_cue, i == 0, wish) for i, (c, is_cue) in enumerate(kept)]
    words = [w for w in words if w]
    while len(words) > 2 and sum(map(len, words)) > MAX_CHARS:
        words.pop()
    text = "，".join(words)
    return None if not text or VAGUE.match(text) else arabize(text)


def _prefer_explicit(found: list[_Found]) -> list[_Found]:
    """In an enumerated point, what leads up to an explicit proposal is its reasoning."""
    return [f for i, f in enumerate(found)
            if f.explicit or not f.item
            or not any(g.item == f.item and g.explicit for g in found[i + 1:])]


def _distinct(texts: list[str]) -> list[str]:
    """Without a proposal that only repeats part of a fuller one from the same turn."""
    bare = [PUNCT.sub("", t) for t in texts]
    return [t for i, t in enumerate(texts)
            if not any(j != i and bare[i] in b and (bare[i] != b or j < i)
                       for j, b in enumerate(bare))]


HEADLINE = 20  # characters: a point's first sentence this short is its headline
_DETAIL_LEAD = re.compile(r"^具体(?:可以|来说|而言|包括|做法是|是)?[：:，,]?")


def proposals(text: str) -> list[str]:
    """The proposals made in one turn's text, in order."""
    state, found, item = _State(), [], 0
    said = sentences(text)
    detail_of: set[int] = set()  # sentences read as the detail of the point before them
    for n, sentence in enumerate(said):
        if n in detail_of:
            continue
        for piece in filter(None, map(without_offers, split_items(sentence))):
            item += marker(piece) is not None or state.done
            state.done = False
            got = _read(piece, state)
            if got:
                words = got[0]
                if piece == sentence and marker(piece) and len(words) <= HEADLINE:
                    whole = _with_detail(words, said[n + 1] if n + 1 < len(said) else "")
                    detail_of |= {n + 1} if whole != words else set()
                    words = whole
                found.append(_Found(words, got[1], item))
    return _distinct([f.text for f in _prefer_explicit(found)])


def _with_detail(headline: str, following: str) -> str:
    """A point put as a short headline ("（一）推行分层服务。基础托管面向全体学生，……")
    carries what its next sentence says of it: the whole proposal, not its title."""
    if not following or marker(following) or TALK.match(following) or find_frame(following) \
            or RECAP.match(following) or explicit(following) or PERSONAL.search(following):
        return headline
    detail = _trim(clauses(_DETAIL_LEAD.sub("", following)), whole=True)
    return f"{headline}，{detail}" if detail else headline


def _score(sentence: str) -> int:
    cues = len(EXPLICIT.findall(sentence)) + len(OBLIGATION.findall(sentence))
    return 2 * cues + len(WEAK.findall(sentence)) + (1 if marker(sentence) else 0)


def best_sentence(text: str) -> str | None:
    """The turn's most proposal-like sentence, trimmed (for a turn marked as a suggestion)."""
    candidates = sentences(text)
    if not candidates:
        return None
    best = max(candidates, key=lambda s: (_score(s), -candidates.index(s)))
    if _score(best) == 0:
        best = max(candidates, key=len)
    return _trim(clauses(strip_marker(best)), whole=False) or strip_fillers(best) or None


def _silent(u: Utterance, transcript: Transcript) -> bool:
    """A turn that proposes nothing: the moderator's, a department's, or not a proposing kind."""
    who = transcript.attendee(u.speaker)
    return (u.turn not in PROPOSING_TURNS or chairs(u, transcript)
            or (who is not None and who.kind in SILENT_KINDS))


def _turn_suggestions(u: Utterance, transcript: Transcript) -> Iterator[tuple[str, Origin]]:
    """(text, origin) for each suggestion the turn yields."""
    if "suggestion" not in (u.marks or ()):
        if not _silent(u, transcript):
            yield from ((p, "auto") for p in proposals(u.text))
        return
    found = proposals(u.text) or [t for t in [best_sentence(u.text)] if t]
    yield from ((p, "mark") for p in found)


def find_suggestions(transcript: Transcript) -> list[Suggestion]:
    """Suggestions numbered 1..n in the order they were first made."""
    found: list[Suggestion] = []
    for u in transcript.utterances:
        for text, origin in _turn_suggestions(u, transcript):
            found.append(Suggestion(
                number=len(found) + 1, text=text, proposers=(u.speaker,), seq=u.seq,
                category=categorize(text), origin=origin))
    return merge_restated(found)
