"""The deliberation session and what happens in it, as plain data with behaviour.

Times are always parameters (``now``); nothing here reads the clock, the environment or a
database. Identifiers are ``None`` until storage assigns them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from facilitation.errors import InvalidInput, InvalidState
from facilitation.speech import Segment

TOPIC_MAX_CHARS = 200
NAME_MAX_CHARS = 64
FIELD_MAX_CHARS = 100
ADDRESSEE_MAX_CHARS = 64
CONTRIBUTION_MAX_CHARS = 20_000
MIN_TURN_SECONDS = 30
MAX_TURN_SECONDS = 60 * 60
WARNING_SECONDS = 30


class ParticipantKind(StrEnum):
    MEMBER = "member"  # 政协委员
    RESIDENT = "resident"  # 群众代表
    ELDER = "elder"  # 乡贤
    DEPARTMENT = "department"  # 部门负责人
    EXPERT = "expert"  # 专家
    BUSINESS = "business"  # 企业代表
    OTHER = "other"  # 其他
    MODERATOR = "moderator"  # 主持人 (attendance only)
    STAFF = "staff"  # 工作人员 (attendance only)


PROFILE_KINDS: tuple[ParticipantKind, ...] = tuple(
    k for k in ParticipantKind if k not in (ParticipantKind.MODERATOR, ParticipantKind.STAFF)
)


class TurnKind(StrEnum):
    SPEECH = "speech"  # 发言
    QUESTION = "question"  # 提问
    RESPONSE = "response"  # 回应
    FOLLOW_UP = "follow_up"  # 补充


class ContributionKind(StrEnum):
    """The ``turn`` of an utterance in the transcript interchange format."""

    SPEECH = "speech"
    QUESTION = "question"
    RESPONSE = "response"
    FOLLOW_UP = "follow_up"
    MODERATOR = "moderator"
    WRITTEN = "written"
    COMMENT = "comment"


class Mark(StrEnum):
    """What the moderator marks a contribution as, live."""

    SUGGESTION = "suggestion"  # 意见建议
    CONSENSUS = "consensus"  # 协商共识
    ACTION = "action"  # 下一步工作


class Source(StrEnum):
    VOICE = "voice"
    TEXT = "text"
    RECORDING = "recording"


class ContributionStatus(StrEnum):
    FINAL = "final"
    PENDING = "pending"  # audio waiting for its transcript; its place in the order is kept
    DROPPED = "dropped"  # silence, noise or hallucination: nothing was said
    FAILED = "failed"  # transcription failed for good; the audio is kept


class SessionStatus(StrEnum):
    CREATED = "created"
    SIGNIN_OPEN = "signin_open"
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"


class SignInMethod(StrEnum):
    GROUP = "group"  # /signin in the group chat
    DEEP_LINK = "deep_link"  # t.me/<bot>?start=<code>, also from the printed QR code
    PROXY = "proxy"  # by the moderator, for someone without Telegram
    WEB = "web"  # on the phone page (portal/), for someone without Telegram


class HandStatus(StrEnum):
    PENDING = "pending"
    CALLED = "called"
    LOWERED = "lowered"
    REMOVED = "removed"


def clean_text(value: str | None, *, limit: int, field_name: str, required: bool) -> str | None:
    """Strip and bound a user-given text; ``None`` when empty and not required."""
    text = " ".join((value or "").split())
    if not text:
        if required:
            raise InvalidInput("empty_field", field=field_name)
        return None
    if len(text) > limit:
        raise InvalidInput("too_long", field=field_name, limit=limit, length=len(text))
    return text


@dataclass
class Person:
    """Someone who takes part: minimal personal data (name, kind, sector, unit)."""

    display_name: str
    kind: ParticipantKind = ParticipantKind.OTHER
    sector: str | None = None  # 界别, for members
    unit: str | None = None  # work unit or department
    telegram_user_id: int | None = None  # None for people signed in by proxy
    language: str | None = None
    has_profile: bool = False  # True once the person set it with /profile
    notice_accepted_at: datetime | None = None
    forgotten_at: datetime | None = None  # erased on request: only a label and counts remain
    id: int | None = None

    def set_profile(
        self, name: str, kind: ParticipantKind, sector: str | None, unit: str | None
    ) -> None:
        if kind not in PROFILE_KINDS:
            raise InvalidInput("bad_kind", kind=str(kind))
        cleaned = clean_text(name, limit=NAME_MAX_CHARS, field_name="name", required=True)
        self.display_name = cleaned or ""
        self.kind = kind
        self.sector = clean_text(sector, limit=FIELD_MAX_CHARS, field_name="sector", required=False)
        self.unit = clean_text(unit, limit=FIELD_MAX_CHARS, field_name="unit", required=False)
        self.has_profile = True

    def answers_to(self, addressee: str | None) -> bool:
        """Whether a question addressed to ``addressee`` is for this person (name or unit)."""
        if not addressee:
            return False
        target = addressee.lstrip("@").strip()
        return bool(target) and any(
            v and (target == v or target in v or v in target)
            for v in (self.display_name, self.unit)
        )


@dataclass
class Attendance:
    session_id: int
    person_id: int
    name: str  # snapshot at sign-in: the minutes list people as they were then
    kind: ParticipantKind
    signed_in_at: datetime
    method: SignInMethod
    sector: str | None = None
    unit: str | None = None
    remote: bool = False
    late: bool = False
    left_at: datetime | None = None
    proxy_by: int | None = None
    id: int | None = None

    @property
    def present(self) -> bool:
        return self.left_at is None


@dataclass
class Hand:
    """A raised hand: a request to speak, waiting in the queue."""

    session_id: int
    person_id: int
    kind: TurnKind
    seq: int  # arrival order within the session
    raised_at: datetime
    addressee: str | None = None
    priority: int = 0  # < 0 once the moderator moved it up
    answers_hand_id: int | None = None  # a response placed with the question it answers
    status: HandStatus = HandStatus.PENDING
    id: int | None = None


@dataclass
class Turn:
    """The floor held by one speaker, with its deadline kept as data so a restart keeps it."""

    session_id: int
    person_id: int
    kind: TurnKind
    started_at: datetime
    limit_s: int
    hand_id: int | None = None
    addressee: str | None = None
    answers_turn_id: int | None = None
    warned_at: datetime | None = None
    timeup_at: datetime | None = None
    ended_at: datetime | None = None
    overtime_s: int = 0
    id: int | None = None

    @property
    def deadline(self) -> datetime:
        return self.started_at + timedelta(seconds=self.limit_s)

    @property
    def warning_at(self) -> datetime:
        return self.deadline - timedelta(seconds=min(WARNING_SECONDS, self.limit_s // 2))

    @property
    def active(self) -> bool:
        return self.ended_at is None

    def remaining_s(self, now: datetime) -> int:
        """Seconds left; negative when the speaker is over time."""
        return math.floor((self.deadline - now).total_seconds())

    def end(self, now: datetime) -> None:
        if self.ended_at is not None:
            raise InvalidState("turn_already_ended")
        self.ended_at = now
        self.overtime_s = max(0, int((now - self.deadline).total_seconds()))

    def due_notice(self, now: datetime) -> str | None:
        """Which timer notice is due now: 'timeup', 'warning' or None."""
        if self.ended_at is not None:
            return None
        if self.timeup_at is None and now >= self.deadline:
            return "timeup"
        if self.warned_at is None and self.timeup_at is None and now >= self.warning_at:
            return "warning"
        return None

    def next_notice_at(self) -> datetime | None:
        if self.ended_at is not None or self.timeup_at is not None:
            return None
        return self.deadline if self.warned_at is not None else self.warning_at


@dataclass(frozen=True)
class AskedQuestion:
    """A question turn of a session as the room's screen reads it (TurnRepository.questions):
    who asked whom, from which hand, and the text of its first question contribution that the
    room is shown (None: nothing of it shown, or nothing said yet)."""

    turn_id: int
    hand_id: int | None
    person_id: int
    addressee: str | None
    started_at: datetime
    text: str | None = None


@dataclass
class Contribution:
    """One utterance of the record: speech, question, comment, written submission..."""

    session_id: int
    seq: int
    person_id: int | None
    speaker_name: str
    kind: ContributionKind
    source: Source
    text: str
    at: datetime
    turn_id: int | None = None
    addressed_to: str | None = None
    chat_id: int | None = None
    message_id: int | None = None
    duration_s: float | None = None
    status: ContributionStatus = ContributionStatus.FINAL
    segments: tuple[Segment, ...] = ()  # of voice, with Whisper's statistics when known
    engine: str | None = None  # what transcribed it, e.g. "faster-whisper"
    model: str | None = None
    # The moderator's live marks (Mark values), or None. A mark makes the turn count as that
    # kind of item in the minutes, whatever automatic extraction says.
    marks: tuple[str, ...] | None = None
    original_text: str | None = None  # what was recorded before the first correction
    id: int | None = None

    @property
    def final(self) -> bool:
        return self.status == ContributionStatus.FINAL

    def toggle_mark(self, mark: Mark) -> bool:
        """Set or clear a mark; whether it is now set."""
        marks = list(self.marks or ())
        if mark.value in marks:
            marks.remove(mark.value)
        else:
            marks.append(mark.value)
        # nothing marked any more: as if never marked (extraction applies again)
        self.marks = tuple(m.value for m in Mark if m.value in marks) or None
        return mark.value in marks

    def correct(self, text: str) -> None:
        if self.original_text is None:
            self.original_text = self.text
        self.text = text


def contribution_kind_for(turn: Turn) -> ContributionKind:
    return ContributionKind(turn.kind.value)


class AudioKind(StrEnum):
    VOICE = "voice"  # a voice note or short audio: one contribution
    RECORDING = "recording"  # a whole meeting's recording, sent by staff: many contributions


class JobStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    DROPPED = "dropped"
    FAILED = "failed"


MAX_ATTEMPTS = 3


@dataclass
class AudioJob:
    """Audio waiting to be transcribed, recorded before any work so a crash loses nothing."""

    session_id: int
    chat_id: int  # where the audio was sent (an upload: the session's group)
    message_id: int | None  # the Telegram message; None: uploaded on the workbench
    file_id: str
    kind: AudioKind
    created_at: datetime
    contribution_id: int | None = None  # the reserved place (voice); None for recordings
    person_id: int | None = None
    file_unique_id: str | None = None
    file_size: int | None = None
    claimed_duration_s: float | None = None
    mime_type: str | None = None
    reply_message_id: int | None = None  # our caption or progress message, edited as we go
    status: JobStatus = JobStatus.PENDING
    attempts: int = 0
    next_attempt_at: datetime | None = None
    last_error: str | None = None
    audio_path: str | None = None  # the kept file, relative to the data folder
    finished_at: datetime | None = None
    # a recording's progress (fraction transcribed), written by the scribe as it goes and
    # read by the workbench; None: not started (or started again after a failure)
    progress: float | None = None
    turns_added: int | None = None  # a finished recording's contributions
    id: int | None = None

    @property
    def uploaded(self) -> bool:
        """Uploaded on the workbench: no Telegram message to answer or to download."""
        return self.message_id is None

    def due(self, now: datetime) -> bool:
        return self.status == JobStatus.PENDING and (
            self.next_attempt_at is None or self.next_attempt_at <= now)

    def failed_attempt(self, error: str, now: datetime) -> bool:
        """Count a failure; True when the job gives up (then it is FAILED)."""
        self.attempts += 1
        self.last_error = error[:500]
        self.progress = None  # the next attempt starts from the beginning
        if self.attempts >= MAX_ATTEMPTS:
            self.status = JobStatus.FAILED
            self.finished_at = now
            return True
        self.next_attempt_at = now + timedelta(seconds=10 * 3 ** (self.attempts - 1))
        return False

    def finish(self, status: JobStatus, now: datetime, error: str | None = None) -> None:
        self.status = status
        self.finished_at = now
        self.last_error = error


class EditOp(StrEnum):
    ADD_SUGGESTION = "add_suggestion"  # payload: seq, text, proposers
    DROP_SUGGESTION = "drop_suggestion"  # payload: seq, text
    SET_UNIT = "set_unit"  # payload: seq, text (of the action), unit
    SET_DEADLINE = "set_deadline"  # payload: seq, text, deadline (ISO | None), deadline_text
    CORRECT_TURN = "correct_turn"  # payload: seq, text (kept for the audit trail)
    SET_TITLE = "set_title"  # payload: title (None: the one made from the topic)


DEFAULT_NUMBERING = "{year}年第{n}期"


@dataclass(frozen=True)
class HallDocument:
    """What a hall's minutes are sent as: to whom (主送, 抄送), by whom (落款), and the form
    of their issue number ({year} and {n}: the hall's n-th approved minutes of the year)."""

    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    issuer: str | None = None
    numbering: str = DEFAULT_NUMBERING

    def number(self, year: int, n: int) -> str:
        return self.numbering.replace("{year}", str(year)).replace("{n}", str(n))


class ConfirmationStatus(StrEnum):
    SENT = "sent"
    CONFIRMED = "confirmed"
    CORRECTED = "corrected"


@dataclass(frozen=True)
class MinutesEdit:
    session_id: int
    op: EditOp
    payload: dict[str, Any]
    person_id: int | None
    at: datetime
    id: int | None = None


@dataclass(frozen=True)
class MinutesVersion:
    session_id: int
    version: int
    body: str  # JSON
    approved_by: int | None
    approved_at: datetime
