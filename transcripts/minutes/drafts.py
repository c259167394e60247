"""The one home of a session's minutes for the adapters (bot commands, buttons, and the web
later): the draft as it stands (compiled from the record, with the recorded edits, the
speakers' confirmations and what the hall's minutes are sent as), the approved versions as
frozen (with their issue number, reviewer and date), the edits built against the draft, and
approval. The rules of who may do what are facilitation.minutes'; compiling is
transcripts.minutes.compile's.

"Changed since approval" compares what the minutes are made from (the record, the edits, the
hall's document settings: the *source*), not the compiled text: a newer extractor compiles
the same record into other words, and that is no change of the session."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, tzinfo
from functools import cached_property
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from facilitation.access import Place, may_read_minutes
from facilitation.documents import issue_number
from facilitation.draft_edits import (
    AddSuggestion,
    DropSuggestion,
    SetDeadline,
    SetTitle,
    SetUnit,
)
from facilitation.errors import InvalidInput, InvalidState, NotFound, PermissionDenied
from facilitation.minutes import approve, require_editor, require_text
from facilitation.model import (
    ConfirmationStatus,
    ContributionStatus,
    HallDocument,
    MinutesEdit,
    MinutesVersion,
    SessionStatus,
)
from facilitation.ports import UnitOfWork
from facilitation.record import SessionRecord, load_record
from facilitation.services import Actor
from facilitation.session import Session
from transcripts.export import to_interchange
from transcripts.minutes.categories import categorize
from transcripts.minutes.compile import compile_minutes
from transcripts.minutes.deadlines import resolve_deadline
from transcripts.minutes.edits import replay
from transcripts.minutes.model import Action, Issuance, Minutes, Suggestion, load_transcript
from transcripts.minutes.public import public_version

T = TypeVar("T", Suggestion, Action)


@dataclass(frozen=True)
class Draft:
    minutes: Minutes
    record: SessionRecord
    latest: MinutesVersion | None  # the last approved version, if any
    confirmations: dict[int, ConfirmationStatus]  # by person id
    lost: list[MinutesEdit] = field(default_factory=list)  # edits whose item is gone
    source: str = ""  # fingerprint of what the minutes are compiled from

    @cached_property
    def body(self) -> str:
        """What approving this draft would freeze."""
        return approved_body(self.minutes, self.source)

    @property
    def fingerprint(self) -> str:
        """Short, stable id of the draft's content: a button made for it approves only it."""
        return hashlib.sha256(self.body.encode()).hexdigest()[:10]

    @property
    def pending(self) -> int:
        """Voice messages still being transcribed: they are not in the draft yet."""
        return sum(c.status == ContributionStatus.PENDING for c in self.record.contributions)

    @property
    def changed_since_approval(self) -> bool:
        if self.latest is None:
            return True
        frozen = json.loads(self.latest.body).get("source")
        # versions frozen before the source was kept compare by their text
        return frozen != self.source if frozen else self.latest.body != self.body

    def speakers(self) -> dict[int, str]:
        """Person id -> name of everyone with a final turn (those who can confirm)."""
        return {c.person_id: c.speaker_name for c in self.record.contributions
                if c.final and c.person_id is not None}


def approved_body(minutes: Minutes, source: str = "") -> str:
    """The minutes as frozen by an approval: JSON with the transcript annex, and the
    fingerprint of what they were compiled from."""
    from transcripts.minutes.render_json import to_json

    body = to_json(replace(minutes, status="draft", version=None, extra={}), annex=True)
    body["source"] = source
    return json.dumps(body, ensure_ascii=False, sort_keys=True)


def _source(interchange: dict[str, Any], edits: list[MinutesEdit],
            document: HallDocument) -> str:
    made_of = {"transcript": interchange, "document": document.__dict__,
               "edits": [(str(e.op), e.payload) for e in edits]}
    text = json.dumps(made_of, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


async def load_draft(uow: UnitOfWork, session_id: int, tz: ZoneInfo) -> Draft:
    record = await load_record(uow, session_id=session_id)
    async with uow:
        edits = await uow.minutes.edits(session_id)
        latest = await uow.minutes.latest_version(session_id)
        confirmations = await uow.minutes.confirmations(session_id)
        document = await uow.halls.document(record.session.chat_id)
    interchange = to_interchange(record, tz)
    # compiling a long session is CPU work: off the event loop
    minutes, lost = await asyncio.get_running_loop().run_in_executor(
        None, _compiled, interchange, edits)
    names = {c.person_id: c.speaker_name for c in record.contributions if c.person_id}
    confirmed = tuple(sorted({names[p] for p, s in confirmations.items()
                              if s == ConfirmationStatus.CONFIRMED and p in names}))
    issuance = replace(minutes.issuance, to=document.to, cc=document.cc,
                       issuer=document.issuer, compiled_by=record.moderator_name or None)
    minutes = replace(minutes, confirmed_by=confirmed, issuance=issuance)
    return Draft(minutes, record, latest, confirmations, lost,
                 _source(interchange, edits, document))


def _compiled(interchange: dict[str, Any], edits: list[MinutesEdit]
              ) -> tuple[Minutes, list[MinutesEdit]]:
    return replay(compile_minutes(load_transcript(interchange)), edits)


def version_minutes(version: MinutesVersion) -> Minutes:
    """An approved version, read back exactly as it was frozen."""
    from transcripts.minutes.render_json import minutes_from_json

    minutes = minutes_from_json(json.loads(version.body))
    return replace(minutes, status="approved", version=version.version)


async def approved_minutes(uow: UnitOfWork, version: MinutesVersion, tz: tzinfo) -> Minutes:
    """An approved version as the document it is: with its issue number (期号), who approved
    it (审核) and on what day (落款 date)."""
    minutes = version_minutes(version)
    async with uow:
        session = await uow.sessions.get(version.session_id)
        reviewer = await uow.people.get(version.approved_by) if version.approved_by else None
        if session is None:
            return minutes
        document = await uow.halls.document(session.chat_id)
        first = await uow.minutes.first_approvals(session.chat_id)
    issuance: Issuance = replace(
        minutes.issuance, number=issue_number(document, first, version.session_id, tz),
        reviewed_by=reviewer.display_name if reviewer else None,
        issued_on=version.approved_at.astimezone(tz).date())
    return replace(minutes, issuance=issuance)


@dataclass(frozen=True)
class Readable:
    """Minutes as one person may have them: the latest approved version (or its public
    version), or, before any approval, the draft to its editors."""

    session: Session
    minutes: Minutes
    version: int | None  # None: the draft


async def readable_minutes(uow: UnitOfWork, *, session_id: int, actor: Actor, place: Place,
                           public: bool, tz: ZoneInfo) -> Readable:
    """The minutes of a closed session for the bot's files and the workbench's downloads
    alike: approved minutes to whoever may read them (``access.may_read_minutes``), the public
    version only once approved, a draft only to its editors; any other session is not
    found."""
    async with uow:
        session = await uow.sessions.get(session_id) if 0 < session_id <= 2**31 - 1 else None
        latest = await uow.minutes.latest_version(session_id) if session else None
    if session is None or session.status != SessionStatus.CLOSED:
        raise NotFound("no_session")
    if latest is None:  # a draft is internal: its editors only, never as "public"
        if public:
            raise InvalidState("minutes_not_approved_yet")
        await require_editor(uow, session_id=session_id, actor=actor)
    elif not await may_read_minutes(uow, actor, place, session):
        raise PermissionDenied("minutes_not_yours")
    minutes = (await approved_minutes(uow, latest, tz) if latest is not None
               else (await load_draft(uow, session_id, tz)).minutes)
    if public:
        minutes = public_version(minutes)
        minutes = replace(minutes, extra={**minutes.extra, "public": True})
    return Readable(session, minutes, latest.version if latest is not None else None)


# The edits people make, built against the draft they see (who may make them is decided by
# facilitation.minutes.edit_draft). Items are numbered as the draft shows them.

def _item(items: Sequence[T], number: int, what: str) -> T:
    if not 1 <= number <= len(items):
        raise InvalidInput("minutes_bad_number", what=what, size=len(items))
    return items[number - 1]


def suggestion_to_add(draft: Draft, seq: int, text: str) -> AddSuggestion:
    """A suggestion from turn #seq, in its speaker's name, with its category."""
    turn = next((u for u in draft.minutes.transcript.utterances if u.seq == seq), None)
    if turn is None:
        raise NotFound("no_such_turn", seq=seq)
    words = require_text(text, "text")
    return AddSuggestion(turn.seq, words, (turn.speaker,), categorize(words))


def suggestion_to_drop(draft: Draft, number: int) -> DropSuggestion:
    s = _item(draft.minutes.suggestions, number, "suggestion")
    return DropSuggestion(s.seq, s.text)


def unit_to_set(draft: Draft, number: int, unit: str) -> SetUnit:
    a = _item(draft.minutes.actions, number, "action")
    return SetUnit(a.seq, a.text, require_text(unit, "unit", 100))


def deadline_to_set(draft: Draft, number: int, said: str) -> SetDeadline:
    """A deadline as said (6月底前, 2026-06-30), resolved against the session's day."""
    a = _item(draft.minutes.actions, number, "action")
    words = require_text(said, "deadline", 50)
    try:
        resolved: date | None = date.fromisoformat(words)
    except ValueError:
        day = draft.minutes.transcript.session_date
        resolved = resolve_deadline(words, day) if day else None
    return SetDeadline(a.seq, a.text, words, resolved)


def title_to_set(said: str) -> SetTitle:
    """The document's title; "-" goes back to the one made from the topic."""
    return SetTitle(None if said.strip() == "-" else require_text(said, "title", 80))


async def approve_draft(uow: UnitOfWork, *, session_id: int, actor: Actor, now: datetime,
                        tz: ZoneInfo, fingerprint: str | None = None,
                        anyway: bool = False) -> int:
    """Approve the draft as it stands now: the version number. ``fingerprint``: the draft a
    button was made for (an older one is refused); ``anyway``: past the 待核对 question."""
    draft = await load_draft(uow, session_id, tz)
    if fingerprint is not None and fingerprint != draft.fingerprint:
        raise InvalidState("minutes_stale")  # an old button: the draft changed since
    return await approve(uow, session_id=session_id, body=draft.body, actor=actor, now=now,
                         anyway=anyway)


async def draft_for_editor(uow: UnitOfWork, *, session_id: int, actor: Actor,
                           tz: ZoneInfo) -> Draft:
    """The current draft of a closed session, for whoever may edit it (its moderator, the
    hall's staff: ``require_editor``); the workbench's editor shows it."""
    await require_editor(uow, session_id=session_id, actor=actor)
    draft = await load_draft(uow, session_id, tz)
    if draft.record.session.status != SessionStatus.CLOSED:
        raise InvalidState("session_not_closed")
    return draft


@dataclass(frozen=True)
class DiffLine:
    tag: str  # equal, replace, delete, insert
    left: str | None
    right: str | None


@dataclass(frozen=True)
class Comparison:
    session: Session
    older: int
    newer: int
    latest: int
    lines: tuple[DiffLine, ...]


async def compare_versions(uow: UnitOfWork, *, session_id: int, older: int, newer: int,
                           actor: Actor, place: Place, tz: ZoneInfo) -> Comparison:
    """Two approved versions side by side (their Markdown, line by line), for whoever may read
    the approved minutes (``access.may_read_minutes``)."""
    from difflib import SequenceMatcher

    from transcripts.minutes.render_md import to_markdown

    async with uow:
        session = await uow.sessions.get(session_id) if 0 < session_id <= 2**31 - 1 else None
        latest = await uow.minutes.latest_version(session_id) if session else None
        if session is None or latest is None:
            raise NotFound("no_session")
        if not 1 <= older <= latest.version or not 1 <= newer <= latest.version:
            raise NotFound("minutes_version_unknown", version=max(older, newer))
        versions = [await uow.minutes.version(session_id, n) for n in (older, newer)]
    if not await may_read_minutes(uow, actor, place, session):
        raise PermissionDenied("minutes_not_yours")
    texts = [to_markdown(await approved_minutes(uow, v, tz)).splitlines()
             for v in versions if v is not None]
    a, b = texts
    lines: list[DiffLine] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        left, right = a[i1:i2], b[j1:j2]
        for k in range(max(len(left), len(right))):
            lines.append(DiffLine(tag, left[k] if k < len(left) else None,
                                  right[k] if k < len(right) else None))
    return Comparison(session, older, newer, latest.version, tuple(lines))
