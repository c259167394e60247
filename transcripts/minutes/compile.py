"""Compile a transcript into minutes: pure and deterministic (skeleton; being written)."""

from __future__ import annotations

from collections import Counter

from transcripts.minutes.actions import find_actions
from transcripts.minutes.model import (
    Heading,
    Minutes,
    Proceeding,
    Statistics,
    Transcript,
)
from transcripts.minutes.suggestions import find_consensus, find_suggestions


def compile_minutes(transcript: Transcript) -> Minutes:
    t = transcript
    counts = Counter(a.kind for a in t.attendance if not a.absent)
    heading = Heading(
        topic=t.topic, started_at=t.started_at, ended_at=t.ended_at, hall=t.hall,
        place=t.place, moderator=t.moderator, attendance_by_kind=dict(counts),
        present=sum(counts.values()),
        remote=tuple(a.name for a in t.attendance if a.remote and not a.absent),
        absentees=tuple(a.name for a in t.attendance if a.absent))
    proceedings = []
    for u in t.utterances:
        who = t.attendee(u.speaker)
        proceedings.append(Proceeding(
            seq=u.seq, speaker=u.speaker, kind=who.kind if who else "other",
            unit=who.unit if who else None, turn=u.turn, summary=u.text,
            addressed_to=u.addressed_to, at=u.at))
    stats = Statistics(
        speakers=len({u.speaker for u in t.utterances}), turns=len(t.utterances),
        voice_turns=sum(u.source != "text" for u in t.utterances),
        text_turns=sum(u.source == "text" for u in t.utterances),
        seconds=sum(u.duration_s or 0 for u in t.utterances), per_speaker=())
    return Minutes(
        heading=heading, proceedings=tuple(proceedings),
        suggestions=tuple(find_suggestions(t)), consensus=tuple(find_consensus(t)),
        actions=tuple(find_actions(t)), keywords=(), statistics=stats, transcript=t)
