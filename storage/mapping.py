"""Rows <-> domain dataclasses, field by field.

``*_values`` give the column values of a domain object (all but ``id``), used both to insert
a row and to write a changed object back; ``to_*`` build the domain object from a row: anything
with the table's columns as attributes (a Core result row, or a row object).
"""

from __future__ import annotations

import json
from typing import Any

from facilitation.model import (
    Attendance,
    AudioJob,
    AudioKind,
    Contribution,
    ContributionKind,
    ContributionStatus,
    Hand,
    HandStatus,
    JobStatus,
    ParticipantKind,
    Person,
    SessionStatus,
    SignInMethod,
    Source,
    Turn,
    TurnKind,
)
from facilitation.session import Session
from facilitation.speech import Segment

Values = dict[str, Any]
RowLike = Any  # a Core Row (or anything else) with the table's columns as attributes


def person_values(p: Person) -> Values:
    return {
        "display_name": p.display_name,
        "kind": p.kind.value,
        "sector": p.sector,
        "unit": p.unit,
        "telegram_user_id": p.telegram_user_id,
        "language": p.language,
        "has_profile": p.has_profile,
        "notice_accepted_at": p.notice_accepted_at,
        "forgotten_at": p.forgotten_at,
    }


def to_person(r: RowLike) -> Person:
    return Person(
        display_name=r.display_name,
        kind=ParticipantKind(r.kind),
        sector=r.sector,
        unit=r.unit,
        telegram_user_id=r.telegram_user_id,
        language=r.language,
        has_profile=r.has_profile,
        notice_accepted_at=r.notice_accepted_at,
        forgotten_at=r.forgotten_at,
        id=r.id,
    )


def session_values(s: Session) -> Values:
    return {
        "chat_id": s.chat_id,
        "code": s.code,
        "topic": s.topic,
        "moderator_id": s.moderator_id,
        "created_at": s.created_at,
        "turn_limit_s": s.turn_limit_s,
        "status": s.status.value,
        "language": s.language,
        "hall": s.hall,
        "signin_opened_at": s.signin_opened_at,
        "started_at": s.started_at,
        "closed_at": s.closed_at,
        "next_hand_seq": s.next_hand_seq,
        "next_contribution_seq": s.next_contribution_seq,
        "screen_code": s.screen_code,
        "closing_shown_at": s.closing_shown_at,
        "web_signin_open": s.web_signin_open,
    }


def to_session(r: RowLike) -> Session:
    return Session(
        chat_id=r.chat_id,
        code=r.code,
        topic=r.topic,
        moderator_id=r.moderator_id,
        created_at=r.created_at,
        turn_limit_s=r.turn_limit_s,
        status=SessionStatus(r.status),
        language=r.language,
        hall=r.hall,
        signin_opened_at=r.signin_opened_at,
        started_at=r.started_at,
        closed_at=r.closed_at,
        next_hand_seq=r.next_hand_seq,
        next_contribution_seq=r.next_contribution_seq,
        screen_code=r.screen_code,
        closing_shown_at=r.closing_shown_at,
        web_signin_open=r.web_signin_open,
        id=r.id,
    )


def attendance_values(a: Attendance) -> Values:
    return {
        "session_id": a.session_id,
        "person_id": a.person_id,
        "name": a.name,
        "kind": a.kind.value,
        "signed_in_at": a.signed_in_at,
        "method": a.method.value,
        "sector": a.sector,
        "unit": a.unit,
        "remote": a.remote,
        "late": a.late,
        "left_at": a.left_at,
        "proxy_by": a.proxy_by,
    }


def to_attendance(r: RowLike) -> Attendance:
    return Attendance(
        session_id=r.session_id,
        person_id=r.person_id,
        name=r.name,
        kind=ParticipantKind(r.kind),
        signed_in_at=r.signed_in_at,
        method=SignInMethod(r.method),
        sector=r.sector,
        unit=r.unit,
        remote=r.remote,
        late=r.late,
        left_at=r.left_at,
        proxy_by=r.proxy_by,
        id=r.id,
    )


def hand_values(h: Hand) -> Values:
    return {
        "session_id": h.session_id,
        "person_id": h.person_id,
        "kind": h.kind.value,
        "seq": h.seq,
        "raised_at": h.raised_at,
        "addressee": h.addressee,
        "priority": h.priority,
        "answers_hand_id": h.answers_hand_id,
        "status": h.status.value,
    }


def to_hand(r: RowLike) -> Hand:
    return Hand(
        session_id=r.session_id,
        person_id=r.person_id,
        kind=TurnKind(r.kind),
        seq=r.seq,
        raised_at=r.raised_at,
        addressee=r.addressee,
        priority=r.priority,
        answers_hand_id=r.answers_hand_id,
        status=HandStatus(r.status),
        id=r.id,
    )


def turn_values(t: Turn) -> Values:
    return {
        "session_id": t.session_id,
        "person_id": t.person_id,
        "kind": t.kind.value,
        "started_at": t.started_at,
        "limit_s": t.limit_s,
        "hand_id": t.hand_id,
        "addressee": t.addressee,
        "answers_turn_id": t.answers_turn_id,
        "warned_at": t.warned_at,
        "timeup_at": t.timeup_at,
        "ended_at": t.ended_at,
        "overtime_s": t.overtime_s,
    }


def to_turn(r: RowLike) -> Turn:
    return Turn(
        session_id=r.session_id,
        person_id=r.person_id,
        kind=TurnKind(r.kind),
        started_at=r.started_at,
        limit_s=r.limit_s,
        hand_id=r.hand_id,
        addressee=r.addressee,
        answers_turn_id=r.answers_turn_id,
        warned_at=r.warned_at,
        timeup_at=r.timeup_at,
        ended_at=r.ended_at,
        overtime_s=r.overtime_s,
        id=r.id,
    )


def contribution_values(c: Contribution) -> Values:
    return {
        "session_id": c.session_id,
        "seq": c.seq,
        "person_id": c.person_id,
        "speaker_name": c.speaker_name,
        "kind": c.kind.value,
        "source": c.source.value,
        "text": c.text,
        "at": c.at,
        "turn_id": c.turn_id,
        "addressed_to": c.addressed_to,
        "chat_id": c.chat_id,
        "message_id": c.message_id,
        "duration_s": c.duration_s,
        "status": c.status.value,
        "segments": segments_json(c.segments),
        "engine": c.engine,
        "model": c.model,
        "marks": ",".join(c.marks) if c.marks is not None else None,
        "original_text": c.original_text,
    }


def segments_json(segments: tuple[Segment, ...]) -> str | None:
    """[[start, end, text], ...], each row followed by avg_logprob, no_speech_prob and
    compression_ratio when the engine gave them (rows of three are older, or without them)."""
    if not segments:
        return None
    rows: list[list[float | str | None]] = []
    for s in segments:
        stats = [s.avg_logprob, s.no_speech_prob, s.compression_ratio]
        rows.append([s.start, s.end, s.text, *stats] if any(v is not None for v in stats)
                    else [s.start, s.end, s.text])
    return json.dumps(rows, ensure_ascii=False)


def segments_from_json(data: str | None) -> tuple[Segment, ...]:
    def number(row: list[Any], index: int) -> float | None:
        return float(row[index]) if len(row) > index and row[index] is not None else None

    return tuple(Segment(float(row[0]), float(row[1]), str(row[2]), number(row, 3),
                         number(row, 4), number(row, 5)) for row in json.loads(data or "[]"))


def to_contribution(r: RowLike) -> Contribution:
    return Contribution(
        session_id=r.session_id,
        seq=r.seq,
        person_id=r.person_id,
        speaker_name=r.speaker_name,
        kind=ContributionKind(r.kind),
        source=Source(r.source),
        text=r.text,
        at=r.at,
        turn_id=r.turn_id,
        addressed_to=r.addressed_to,
        chat_id=r.chat_id,
        message_id=r.message_id,
        duration_s=r.duration_s,
        status=ContributionStatus(r.status),
        segments=segments_from_json(r.segments),
        engine=r.engine,
        model=r.model,
        marks=tuple(m for m in r.marks.split(",") if m) if r.marks is not None else None,
        original_text=r.original_text,
        id=r.id,
    )


_JOB_FIELDS = ("session_id", "contribution_id", "person_id", "chat_id", "message_id",
               "file_id", "file_unique_id", "file_size", "claimed_duration_s", "mime_type",
               "reply_message_id", "attempts", "next_attempt_at", "last_error", "audio_path",
               "created_at", "finished_at", "progress", "turns_added")


def audio_job_values(j: AudioJob) -> Values:
    values: Values = {name: getattr(j, name) for name in _JOB_FIELDS}
    values.update(kind=j.kind.value, status=j.status.value)
    return values


def to_audio_job(r: RowLike) -> AudioJob:
    fields = {name: getattr(r, name) for name in _JOB_FIELDS}
    return AudioJob(**fields, kind=AudioKind(r.kind), status=JobStatus(r.status), id=r.id)
