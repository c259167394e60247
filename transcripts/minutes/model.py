"""Minutes (协商纪要) as plain data, and the transcript they are compiled from.

The input is the transcript interchange format (yishitang/schemas/transcript.schema.json),
read by :func:`load_transcript`; the output is :class:`Minutes`, which the renderers turn into
JSON, Markdown and DOCX. Nothing here touches a database, the network or the clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

KINDS = ("member", "resident", "elder", "department", "expert", "business", "moderator",
         "staff", "other")
TURNS = ("speech", "question", "response", "follow_up", "moderator", "written", "comment")
SOURCES = ("voice", "text", "recording")
MARKS = ("suggestion", "consensus", "action")

KIND_ZH = {
    "member": "政协委员", "resident": "群众代表", "elder": "乡贤", "department": "部门负责人",
    "expert": "专家", "business": "企业代表", "other": "其他", "moderator": "主持人",
    "staff": "工作人员",
}
TURN_ZH = {
    "speech": "发言", "question": "提问", "response": "回应", "follow_up": "补充",
    "moderator": "主持", "written": "书面发言", "comment": "插话",
}

UNKNOWN_SPEAKER = "（未知）"  # a turn whose speaker is "" (the interchange format allows it)

# Where an item came from: found in the text, marked live by the moderator, or added by an edit.
Origin = Literal["auto", "mark", "edit"]


class TranscriptError(ValueError):
    """The input is not a transcript in the interchange format; the message says where."""


@dataclass(frozen=True)
class Attendee:
    name: str
    kind: str
    sector: str | None = None
    unit: str | None = None
    signed_in_at: datetime | None = None
    left_at: datetime | None = None
    remote: bool = False
    late: bool = False
    proxy: bool = False
    absent: bool = False  # invited but did not come (when known)
    # other names the person is known by (a Telegram display name, an @username): never
    # shown, only used to keep every form of a private person's name out of the public version
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Utterance:
    seq: int
    speaker: str
    text: str
    turn: str = "speech"
    addressed_to: str | None = None
    at: datetime | None = None
    duration_s: float | None = None
    source: str = "text"
    # None: nobody judged this turn live; a tuple (possibly empty): the moderator's marks,
    # which replace automatic extraction for this turn.
    marks: tuple[str, ...] | None = None
    # 待核对: the recogniser was unsure of this voice turn and nobody has checked it yet
    # (interchange key "review"; facilitation.review decides)
    needs_review: bool = False


@dataclass(frozen=True)
class Transcript:
    topic: str
    attendance: tuple[Attendee, ...]
    utterances: tuple[Utterance, ...]
    hall: str | None = None
    place: str | None = None
    moderator: str | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    language: str = "zh"

    def attendee(self, name: str) -> Attendee | None:
        for a in self.attendance:
            if a.name == name:
                return a
        return None

    @property
    def session_date(self) -> date | None:
        """The day the session was held: deadlines said in it are relative to this day."""
        if self.started_at is not None:
            return self.started_at.date()
        for u in self.utterances:
            if u.at is not None:
                return u.at.date()
        return None


@dataclass(frozen=True)
class Suggestion:
    number: int
    text: str
    proposers: tuple[str, ...]
    seq: int  # the turn it was first made in
    category: str
    origin: Origin = "auto"
    also: tuple[int, ...] = ()  # later turns that restated it (their speakers are proposers)


@dataclass(frozen=True)
class ConsensusItem:
    text: str
    seq: int
    origin: Origin = "auto"


@dataclass(frozen=True)
class Action:
    text: str
    unit: str | None
    deadline: date | None
    deadline_text: str | None
    seq: int
    origin: Origin = "auto"
    partners: tuple[str, ...] = ()  # units that 配合/协助 the lead unit
    also: tuple[int, ...] = ()  # later turns that restated it (the closing, mostly)


@dataclass(frozen=True)
class Proceeding:
    """One turn of the proceedings: who spoke, as what, and the substance (extractive)."""

    seq: int
    speaker: str
    kind: str
    unit: str | None
    turn: str
    summary: str
    addressed_to: str | None = None
    answers: int | None = None  # for a response: the seq of the question it answers
    at: datetime | None = None
    opening: bool = False  # the moderator's procedural opening: no contribution


@dataclass(frozen=True)
class Heading:
    topic: str
    started_at: datetime | None
    ended_at: datetime | None
    hall: str | None
    place: str | None
    moderator: str | None
    attendance_by_kind: dict[str, int]
    present: int
    remote: tuple[str, ...]
    absentees: tuple[str, ...]


@dataclass(frozen=True)
class SpeakerStats:
    name: str
    turns: int
    seconds: float
    chars: int


@dataclass(frozen=True)
class Statistics:
    speakers: int
    turns: int
    voice_turns: int
    text_turns: int
    seconds: float
    per_speaker: tuple[SpeakerStats, ...]


@dataclass(frozen=True)
class Issuance:
    """What makes the minutes a document an office sends (发文要素): a formal title, the
    issue number (期号), to whom it goes (主送, 抄送), who issues it (落款) and on what day, who
    compiled (整理) and who reviewed (审核) it. Empty fields are left out of the document."""

    title: str | None = None  # None: 关于{topic}的协商纪要 (display.title)
    number: str | None = None  # 2026年第3期, or the hall's own form
    to: tuple[str, ...] = ()  # 主送
    cc: tuple[str, ...] = ()  # 抄送
    issuer: str | None = None  # 落款: the issuing body
    issued_on: date | None = None  # 落款 date: the day the minutes were approved
    compiled_by: str | None = None  # 整理人
    reviewed_by: str | None = None  # 审核人


@dataclass(frozen=True)
class Minutes:
    heading: Heading
    proceedings: tuple[Proceeding, ...]
    suggestions: tuple[Suggestion, ...]
    consensus: tuple[ConsensusItem, ...]
    actions: tuple[Action, ...]
    keywords: tuple[str, ...]
    statistics: Statistics
    transcript: Transcript  # for the annexes (签到表, 逐字记录)
    confirmed_by: tuple[str, ...] = ()  # 发言确认: speakers who confirmed their turns
    status: str = "draft"  # draft | approved
    version: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    issuance: Issuance = Issuance()
    extractor: str = ""  # the version of the extractor that compiled it (compile.EXTRACTOR)


def _time(value: Any, where: str) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TranscriptError(f"{where}: expected a date-time string, got {value!r}")
    try:
        return datetime.fromisoformat(value)
    except ValueError as exc:
        raise TranscriptError(f"{where}: not an ISO 8601 date-time: {value!r}") from exc


def _text(value: Any, where: str, *, required: bool = False) -> str | None:
    if value is None or value == "":
        if required:
            raise TranscriptError(f"{where}: required")
        return None
    if not isinstance(value, str):
        raise TranscriptError(f"{where}: expected a string, got {value!r}")
    return value


def _speaker(value: Any, where: str) -> str:
    """A speaker's name; "" (or blank) is allowed and means nobody knows who: （未知）."""
    if not isinstance(value, str):
        raise TranscriptError(f"{where}: required" if value is None else
                              f"{where}: expected a string, got {value!r}")
    return value if value.strip() else UNKNOWN_SPEAKER


def _flag(value: Any, where: str) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise TranscriptError(f"{where}: expected true or false, got {value!r}")
    return value


def _aliases(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        raise TranscriptError(f"{where}: expected a list of strings")
    return tuple(dict.fromkeys(x.strip() for x in value if x.strip()))


def _obj(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TranscriptError(f"{where}: expected an object")
    return value


def load_transcript(data: Any) -> Transcript:
    """Read the interchange format (unknown keys ignored), with errors that say where."""
    data = _obj(data, "transcript")
    for key in ("session", "attendance", "utterances"):
        if key not in data:
            raise TranscriptError(f"transcript: missing '{key}'")
    s = _obj(data["session"], "session")
    if not isinstance(data["attendance"], list):
        raise TranscriptError("attendance: expected a list")
    if not isinstance(data["utterances"], list):
        raise TranscriptError("utterances: expected a list")
    attendance = []
    for i, raw in enumerate(data["attendance"]):
        where = f"attendance[{i}]"
        a = _obj(raw, where)
        kind = a.get("kind")
        if kind not in KINDS:
            raise TranscriptError(f"{where}.kind: one of {', '.join(KINDS)}, got {kind!r}")
        attendance.append(Attendee(
            name=str(_text(a.get("name"), f"{where}.name", required=True)), kind=kind,
            sector=_text(a.get("sector"), f"{where}.sector"),
            unit=_text(a.get("unit"), f"{where}.unit"),
            signed_in_at=_time(a.get("signed_in_at"), f"{where}.signed_in_at"),
            left_at=_time(a.get("left_at"), f"{where}.left_at"),
            remote=bool(a.get("remote", False)), late=bool(a.get("late", False)),
            proxy=a.get("method") == "proxy", absent=bool(a.get("absent", False)),
            aliases=_aliases(a.get("aliases"), f"{where}.aliases")))
    utterances = []
    seen: set[int] = set()
    for i, raw in enumerate(data["utterances"]):
        where = f"utterances[{i}]"
        u = _obj(raw, where)
        seq = u.get("seq")
        if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
            raise TranscriptError(f"{where}.seq: a positive integer, got {seq!r}")
        if seq in seen:
            raise TranscriptError(f"{where}.seq: {seq} appears twice")
        seen.add(seq)
        turn = u.get("turn", "speech")
        if turn not in TURNS:
            raise TranscriptError(f"{where}.turn: one of {', '.join(TURNS)}, got {turn!r}")
        source = u.get("source", "text")
        if source not in SOURCES:
            raise TranscriptError(f"{where}.source: one of {', '.join(SOURCES)}, got {source!r}")
        text = u.get("text")
        if not isinstance(text, str):
            raise TranscriptError(f"{where}.text: expected a string")
        duration = u.get("duration_s")
        if duration is not None and (not isinstance(duration, int | float) or duration < 0):
            raise TranscriptError(f"{where}.duration_s: a number >= 0, got {duration!r}")
        marks = u.get("marks")
        if marks is not None:
            if not isinstance(marks, list) or any(m not in MARKS for m in marks):
                raise TranscriptError(f"{where}.marks: a list of {', '.join(MARKS)}")
            marks = tuple(dict.fromkeys(marks))
        utterances.append(Utterance(
            seq=seq, speaker=_speaker(u.get("speaker"), f"{where}.speaker"),
            text=text, turn=turn, addressed_to=_text(u.get("addressed_to"),
                                                     f"{where}.addressed_to"),
            at=_time(u.get("at"), f"{where}.at"),
            duration_s=float(duration) if duration is not None else None,
            source=source, marks=marks,
            needs_review=_flag(u.get("review"), f"{where}.review")))
    utterances.sort(key=lambda u: u.seq)
    return Transcript(
        topic=str(_text(s.get("topic"), "session.topic", required=True)),
        attendance=tuple(attendance), utterances=tuple(utterances),
        hall=_text(s.get("hall"), "session.hall"), place=_text(s.get("place"), "session.place"),
        moderator=_text(s.get("moderator"), "session.moderator"),
        started_at=_time(s.get("started_at"), "session.started_at"),
        ended_at=_time(s.get("ended_at"), "session.ended_at"),
        language=_text(s.get("language"), "session.language") or "zh")
