"""Compile a transcript into minutes (协商纪要): pure, deterministic, no I/O.

- heading: who attended, by kind (everyone present, moderator and staff included);
- proceedings: every turn in order with an extractive summary (summary.py); a department's
  response is tied to the question it answers and placed right after it;
- suggestions, consensus and follow-up items (suggestions.py, actions.py);
- keywords (keywords.py) and statistics (turns, time and characters per speaker, counting
  only turns with text).

Given the hall's time zone (``tz``), every time with a UTC offset is put in it first: the
minutes show hall time, and the session's day (against which 月底前 is resolved) is the day
in the hall. Times without an offset are taken as hall time already.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import datetime, tzinfo

from transcripts.minutes.actions import find_actions
from transcripts.minutes.consensus import chairs
from transcripts.minutes.keywords import extract_keywords
from transcripts.minutes.model import (
    KINDS,
    Action,
    Heading,
    Minutes,
    Proceeding,
    SpeakerStats,
    Statistics,
    Suggestion,
    Transcript,
    Utterance,
)
from transcripts.minutes.scoring import coverage
from transcripts.minutes.speech import prepared
from transcripts.minutes.suggestions import find_consensus, find_suggestions
from transcripts.minutes.summary import (
    CLOSING_MIN_SCORE,
    MAX_CHARS,
    MAX_SENTENCES,
    Context,
    summarize,
)

# The version of the extraction rules: minutes frozen by an approval say which rules compiled
# them, so a later change of the rules is not taken for a change of the session's record.
EXTRACTOR = "2026.12.25"
CHARS_PER_SECOND = 4.0  # speaking rate, to estimate a voice turn's length when not measured


def compile_minutes(transcript: Transcript, tz: tzinfo | None = None) -> Minutes:
    """The minutes of a transcript; ``tz``: the hall's time zone (see the module doc).
    Items and summaries are read from the turns as prepared for extraction (speech.py:
    sentence units, fillers, self-corrections); the annex keeps the words as recorded."""
    t = in_zone(transcript, tz) if tz is not None else transcript
    spoken = prepared(t)
    keywords = extract_keywords(t)
    suggestions = find_suggestions(spoken)
    return Minutes(
        heading=heading(t), proceedings=proceedings(spoken, keywords),
        suggestions=tuple(suggestions), consensus=tuple(find_consensus(spoken)),
        actions=tuple(not_proposed(find_actions(spoken), suggestions)), keywords=keywords,
        statistics=statistics(t), transcript=t, extractor=EXTRACTOR)


PROPOSED = 0.6  # share of an item's words said in a proposal of its turn: it was proposed


def not_proposed(actions: list[Action], suggestions: list[Suggestion]) -> list[Action]:
    """Without an item that is a proposal of its turn: one sentence is put forward or
    committed to, not both ("我讲两个想法：……；还有就是溢洪道两边的杂树，汛前要清干净" asks
    for it to be done; it is no pledge of the speaker's side). The moderator's assignments are
    never proposals (their turns propose nothing)."""
    said: dict[int, list[str]] = {}
    for s in suggestions:
        said.setdefault(s.seq, []).append(s.text)
    return [a for a in actions
            if not any(coverage(a.text, text) >= PROPOSED for text in said.get(a.seq, []))]


def in_zone(t: Transcript, tz: tzinfo) -> Transcript:
    """The transcript with every time that has a UTC offset given in ``tz``."""
    def local(moment: datetime | None) -> datetime | None:
        if moment is None or moment.utcoffset() is None:
            return moment
        return moment.astimezone(tz)

    return replace(
        t, started_at=local(t.started_at), ended_at=local(t.ended_at),
        attendance=tuple(replace(a, signed_in_at=local(a.signed_in_at), left_at=local(a.left_at))
                         for a in t.attendance),
        utterances=tuple(replace(u, at=local(u.at)) for u in t.utterances))


def heading(t: Transcript) -> Heading:
    present = [a for a in t.attendance if not a.absent]
    counts = Counter(a.kind for a in present)
    return Heading(
        topic=t.topic, started_at=t.started_at, ended_at=t.ended_at, hall=t.hall,
        place=t.place, moderator=t.moderator,
        attendance_by_kind={k: counts[k] for k in KINDS if counts[k]},
        present=len(present), remote=tuple(a.name for a in present if a.remote),
        absentees=tuple(a.name for a in t.attendance if a.absent))


def _addressed(addressee: str | None, name: str, unit: str | None) -> bool:
    """A question addressed to this person: by name, or by unit (县住建局 / 住建局)."""
    if not addressee:
        return False
    return any(addressee == x or (min(len(addressee), len(x)) >= 2 and
                                  (addressee in x or x in addressee)) for x in (name, unit) if x)


def answered_questions(t: Transcript) -> dict[int, int]:
    """For each response, the seq of the question it answers: the latest unanswered one
    addressed to the responder (by name or unit); failing that the latest unanswered one
    that is not addressed to someone else who is here; failing that none."""
    questions: list[Utterance] = []
    answers: dict[int, int] = {}
    for u in t.utterances:
        if u.turn == "question":
            questions.append(u)
        elif u.turn == "response":
            open_ = [q for q in questions if q.seq not in answers.values()]
            me = t.attendee(u.speaker)
            unit = me.unit if me else None
            mine = [q for q in open_ if _addressed(q.addressed_to, u.speaker, unit)]
            free = [q for q in open_ if not any(_addressed(q.addressed_to, a.name, a.unit)
                                                for a in t.attendance)]
            if mine or free:
                answers[u.seq] = (mine or free)[-1].seq
    return answers


def _order(items: list[Proceeding]) -> list[Proceeding]:
    """Responses right after the question they answer (in their order); the rest as said."""
    questions = {p.seq for p in items if p.turn == "question"}
    placed = [p for p in items if p.answers not in questions]
    ordered: list[Proceeding] = []
    for p in placed:
        ordered.append(p)
        ordered += [r for r in items if r.answers == p.seq]
    return ordered


def _kind(t: Transcript, speaker: str) -> str:
    """The speaker's kind as signed in; the moderator's even when not signed in; else other."""
    who = t.attendee(speaker)
    if who is not None:
        return who.kind
    return "moderator" if t.moderator and speaker == t.moderator else "other"


def _opening_and_closing(t: Transcript) -> tuple[set[int], int | None]:
    """The moderator's procedural opening (their turns before anyone else spoke) and closing
    (their last turn, after everyone else's)."""
    chaired = [chairs(u, t) for u in t.utterances]
    first = next((i for i, c in enumerate(chaired) if not c), len(chaired))
    last = max((i for i, c in enumerate(chaired) if not c), default=-1)
    opening = {u.seq for u in t.utterances[:first]} if first < len(chaired) else set()
    closing = t.utterances[-1].seq if chaired and chaired[-1] and last < len(chaired) - 1 \
        and len(chaired) - 1 >= first else None
    return opening, closing


def proceedings(t: Transcript, keywords: tuple[str, ...] = ()) -> tuple[Proceeding, ...]:
    """Every turn, summarised; the moderator's procedural opening is marked (the printed
    proceedings leave it out: it is no contribution) and their closing keeps every point
    (共识, 会后的安排)."""
    answers = answered_questions(t)
    units = tuple(dict.fromkeys(x for a in t.attendance for x in (a.unit,) if x))
    opening, closing = _opening_and_closing(t)
    items = []
    for u in t.utterances:
        who = t.attendee(u.speaker)
        context = Context(names=frozenset({u.speaker}), units=units, keywords=keywords)
        whole = u.seq == closing
        summary = summarize(u.text, context, max_chars=len(u.text) if whole else MAX_CHARS,
                            max_sentences=len(u.text) if whole else MAX_SENTENCES,
                            min_score=CLOSING_MIN_SCORE if whole else 0.0)
        items.append(Proceeding(
            seq=u.seq, speaker=u.speaker, kind=_kind(t, u.speaker),
            unit=who.unit if who else None, turn=u.turn, summary=summary,
            addressed_to=u.addressed_to, answers=answers.get(u.seq), at=u.at,
            opening=u.seq in opening))
    return tuple(_order(items))


def speaking_seconds(u: Utterance) -> float:
    """Measured when known; estimated from the characters for voice; nothing for text."""
    if u.duration_s is not None:
        return u.duration_s
    if u.source == "text":
        return 0.0
    return round(_chars(u.text) / CHARS_PER_SECOND, 1)


def _chars(text: str) -> int:
    return sum(not c.isspace() for c in text)


def statistics(t: Transcript) -> Statistics:
    """Turns, speaking time and characters per speaker: only turns with text count."""
    spoken = [u for u in t.utterances if u.text.strip()]
    turns: Counter[str] = Counter()
    seconds: dict[str, float] = {}
    chars: Counter[str] = Counter()
    for u in spoken:
        turns[u.speaker] += 1
        seconds[u.speaker] = seconds.get(u.speaker, 0.0) + speaking_seconds(u)
        chars[u.speaker] += _chars(u.text)
    per_speaker = tuple(SpeakerStats(name, turns[name], round(seconds[name], 1), chars[name])
                        for name in turns)
    return Statistics(
        speakers=len(turns), turns=len(spoken),
        voice_turns=sum(u.source != "text" for u in spoken),
        text_turns=sum(u.source == "text" for u in spoken),
        seconds=round(sum(seconds.values()), 1), per_speaker=per_speaker)
