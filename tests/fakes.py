"""In-memory fakes of the ports, for use-case tests (no database, no mocks)."""

from __future__ import annotations

import asyncio
import builtins
import copy
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from facilitation.audit import AuditEntry
from facilitation.model import (
    AskedQuestion,
    Attendance,
    AudioJob,
    AudioKind,
    ConfirmationStatus,
    Contribution,
    ContributionKind,
    ContributionStatus,
    HallDocument,
    Hand,
    HandStatus,
    JobStatus,
    MinutesEdit,
    MinutesVersion,
    ParticipantKind,
    Person,
    SessionStatus,
    Turn,
    TurnKind,
)
from facilitation.ports import Participant
from facilitation.queue import order_queue
from facilitation.roles import RoleGrant
from facilitation.session import Session
from facilitation.speech import NoSpeech, NotAudio, Segment, Transcript, TranscriptionRequest


class IdSequence:
    def __init__(self) -> None:
        self.last = 0

    def __next__(self) -> int:
        self.last += 1
        return self.last


@dataclass
class Store:
    """The committed state, shared by every FakeUnitOfWork made from one factory."""

    people: dict[int, Person] = field(default_factory=dict)
    sessions: dict[int, Session] = field(default_factory=dict)
    attendance: dict[int, Attendance] = field(default_factory=dict)
    hands: dict[int, Hand] = field(default_factory=dict)
    turns: dict[int, Turn] = field(default_factory=dict)
    contributions: dict[int, Contribution] = field(default_factory=dict)
    audio_jobs: dict[int, AudioJob] = field(default_factory=dict)
    halls: dict[int, tuple[str, ...]] = field(default_factory=dict)
    hall_documents: dict[int, HallDocument] = field(default_factory=dict)
    hall_templates: dict[int, bytes | None] = field(default_factory=dict)
    minutes: MinutesState = field(default_factory=lambda: MinutesState())
    audit: list[AuditEntry] = field(default_factory=list)
    grants: list[RoleGrant] = field(default_factory=list)
    processed: set[int] = field(default_factory=set)
    ids: IdSequence = field(default_factory=lambda: IdSequence())


class _Table:
    def __init__(self, uow: FakeUnitOfWork, name: str) -> None:
        self._uow, self._name = uow, name

    @property
    def rows(self) -> dict[int, Any]:
        return getattr(self._uow.state, self._name)  # type: ignore[no-any-return]

    async def get(self, key: int) -> Any:
        row = self.rows.get(key)
        return copy.copy(row)

    async def add(self, obj: Any) -> Any:
        obj.id = next(self._uow.state.ids)
        self.rows[obj.id] = copy.copy(obj)
        return obj

    async def save(self, obj: Any) -> None:
        assert obj.id in self.rows
        self.rows[obj.id] = copy.copy(obj)

    def where(self, **conds: Any) -> list[Any]:
        return [copy.copy(r) for r in self.rows.values()
                if all(getattr(r, k) == v for k, v in conds.items())]


class FakePeople(_Table):
    async def participant(self, session_id: int, telegram_user_id: int) -> Participant | None:
        person = await self.by_telegram_id(telegram_user_id)
        if person is None:
            return None
        assert person.id is not None
        return Participant(person, await self._uow.attendance.get(session_id, person.id),
                           await self._uow.hands.pending_for(session_id, person.id))

    async def get_many(self, person_ids: Sequence[int]) -> dict[int, Person]:
        return {i: copy.copy(self.rows[i]) for i in person_ids if i in self.rows}

    async def by_telegram_id(self, telegram_user_id: int) -> Person | None:
        found = self.where(telegram_user_id=telegram_user_id)
        return found[0] if found else None


class FakeSessions(_Table):
    async def by_code(self, code: str) -> Session | None:
        found = self.where(code=code)
        return found[0] if found else None

    async def by_screen_code(self, screen_code: str) -> Session | None:
        found = self.where(screen_code=screen_code)
        return found[0] if found else None

    async def open_in_chat(self, chat_id: int, *, for_update: bool = False) -> Session | None:
        found = [s for s in self.where(chat_id=chat_id) if s.status != SessionStatus.CLOSED]
        return found[0] if found else None

    async def recent(self, chat_id: int | None = None, limit: int = 10, *,
                     held: tuple[datetime, datetime] | None = None,
                     status: SessionStatus | None = None) -> list[Session]:
        rows = [s for s in (self.where() if chat_id is None else self.where(chat_id=chat_id))
                if (held is None or held[0] <= (s.started_at or s.created_at) < held[1])
                and (status is None or s.status == status)]
        return sorted(rows, key=lambda s: (s.created_at, s.id), reverse=True)[:limit]

    async def taken_part(self, person_id: int, limit: int = 10) -> list[Session]:
        attended = {a.session_id for a in self._uow.state.attendance.values()
                    if a.person_id == person_id}
        return [s for s in await self.recent(None, 10**9) if s.status == SessionStatus.CLOSED
                and (s.moderator_id == person_id or s.id in attended)][:limit]

    async def latest(self, chat_id: int | None = None) -> Session | None:
        found = await self.recent(chat_id, 1)
        return found[0] if found else None

    async def open_with_participant(
        self, chat_id: int, telegram_user_id: int, *, for_update: bool = True
    ) -> tuple[Session, Participant | None] | None:
        session = await self.open_in_chat(chat_id)
        if session is None or session.id is None:
            return None
        return session, await self._uow.people.participant(session.id, telegram_user_id)

    async def open_sessions(self) -> list[Session]:
        return [s for s in self.where() if s.status != SessionStatus.CLOSED]

    async def lock(self, session_id: int) -> Session | None:
        return await self.get(session_id)  # type: ignore[no-any-return]

    async def add(self, obj: Any) -> Any:
        if obj.status != SessionStatus.CLOSED and await self.open_in_chat(obj.chat_id):
            raise RuntimeError("unique violation: one open session per chat")
        return await super().add(obj)


class FakeAttendance(_Table):
    async def get(self, session_id: int, person_id: int) -> Attendance | None:  # type: ignore[override]
        found = self.where(session_id=session_id, person_id=person_id)
        return found[0] if found else None

    async def list(self, session_id: int) -> list[Attendance]:
        return sorted(self.where(session_id=session_id), key=lambda a: (a.signed_in_at, a.id))

    async def count_present(self, session_id: int) -> int:
        return sum(1 for a in self.where(session_id=session_id) if a.present)

    async def present_by_kind(self, session_id: int) -> dict[ParticipantKind, int]:
        return dict(Counter(a.kind for a in self.where(session_id=session_id) if a.present))

    async def of_people(self, session_id: int, person_ids: Collection[int]
                        ) -> builtins.list[Attendance]:
        return [a for a in self.where(session_id=session_id) if a.person_id in person_ids]


class FakeHands(_Table):
    async def pending_for(self, session_id: int, person_id: int) -> Hand | None:
        found = self.where(session_id=session_id, person_id=person_id,
                           status=HandStatus.PENDING)
        return found[0] if found else None

    async def pending(self, session_id: int, kind: TurnKind | None = None) -> list[Hand]:
        found = self.where(session_id=session_id, status=HandStatus.PENDING)
        return sorted((h for h in found if kind is None or h.kind == kind), key=lambda h: h.seq)

    async def head(self, session_id: int, limit: int) -> list[Hand]:
        spoken = await self._uow.turns.spoken_counts(session_id)
        return order_queue(await self.pending(session_id), spoken)[:limit]

    async def count_pending(self, session_id: int) -> int:
        return len(await self.pending(session_id))

    async def position(self, hand_id: int) -> int | None:
        """Straight from the rule: the hand's index in order_queue."""
        hand = self.rows.get(hand_id)
        if hand is None or hand.status != HandStatus.PENDING:
            return None
        spoken = await self._uow.turns.spoken_counts(hand.session_id)
        ordered = order_queue(await self.pending(hand.session_id), spoken)
        return [h.id for h in ordered].index(hand_id) + 1


class FakeTurns(_Table):
    async def current(self, session_id: int) -> Turn | None:
        found = [t for t in self.where(session_id=session_id) if t.ended_at is None]
        return found[0] if found else None

    async def list(self, session_id: int) -> list[Turn]:
        return sorted(self.where(session_id=session_id), key=lambda t: (t.started_at, t.id))

    async def recent(self, session_id: int, limit: int = 10) -> list[Turn]:
        return list(reversed(await self.list(session_id)))[:limit]

    async def spoken_counts(self, session_id: int) -> dict[int, int]:
        return dict(Counter(t.person_id for t in self.where(session_id=session_id)))

    async def questions(self, session_id: int, statuses: Collection[ContributionStatus],
                        limit: int = 20) -> list[AskedQuestion]:
        asked = [t for t in await self.recent(session_id, limit=len(self.rows))
                 if t.kind == TurnKind.QUESTION][:limit]
        said = sorted(self._uow.state.contributions.values(), key=lambda c: c.seq)
        return [AskedQuestion(
            t.id or 0, t.hand_id, t.person_id, t.addressee, t.started_at,
            next((c.text for c in said if c.turn_id == t.id and c.person_id == t.person_id
                  and c.kind == ContributionKind.QUESTION and c.status in statuses), None))
            for t in asked]

    async def active(self) -> list[Turn]:
        open_ids = {s.id for s in self._uow.state.sessions.values()
                    if s.status != SessionStatus.CLOSED}
        return [t for t in self.where(ended_at=None) if t.session_id in open_ids]


class FakeContributions(_Table):
    async def list(self, session_id: int) -> list[Contribution]:
        return sorted(self.where(session_id=session_id), key=lambda c: c.seq)

    async def latest(self, session_id: int, kinds: Collection[ContributionKind],
                     statuses: Collection[ContributionStatus], limit: int) -> list[Contribution]:
        shown = [c for c in await self.list(session_id) if c.kind in kinds and c.status in statuses]
        return shown[-limit:] if limit > 0 else []

    async def count(self, session_id: int) -> int:
        return len(self.where(session_id=session_id))

    async def by_message(self, person_id: int, chat_id: int,
                         message_id: int) -> Contribution | None:
        found = sorted(self.where(person_id=person_id, chat_id=chat_id, message_id=message_id),
                       key=lambda c: c.id)
        return found[0] if found else None


class FakeAudioJobs(_Table):
    async def due(self, now: datetime, limit: int = 10) -> list[AudioJob]:
        return sorted((j for j in self.where() if j.due(now)), key=lambda j: j.id)[:limit]

    async def next_due_at(self) -> datetime | None:
        times = [j.next_attempt_at for j in self.where(status=JobStatus.PENDING)
                 if j.next_attempt_at is not None]
        return min(times, default=None)

    async def kept_before(self, cutoff: datetime) -> list[AudioJob]:
        return [j for j in self.where() if j.status != JobStatus.PENDING and j.audio_path
                and j.created_at < cutoff]

    async def kept_in_session(self, session_id: int) -> list[AudioJob]:
        return [j for j in self.where(session_id=session_id) if j.status != JobStatus.PENDING
                and j.audio_path and j.contribution_id is not None]

    async def recordings_in_session(self, session_id: int, limit: int = 20) -> list[AudioJob]:
        found = self.where(session_id=session_id, kind=AudioKind.RECORDING)
        return sorted(found, key=lambda j: j.id, reverse=True)[:limit]


class FakeHalls:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow

    async def glossary(self, chat_id: int) -> tuple[str, ...]:
        return self._uow.state.halls.get(chat_id, ())

    async def set_glossary(self, chat_id: int, words: Sequence[str]) -> None:
        self._uow.state.halls[chat_id] = tuple(words)

    async def document(self, chat_id: int) -> HallDocument:
        return self._uow.state.hall_documents.get(chat_id, HallDocument())

    async def set_document(self, chat_id: int, document: HallDocument) -> None:
        self._uow.state.hall_documents[chat_id] = document

    async def template(self, chat_id: int) -> bytes | None:
        return self._uow.state.hall_templates.get(chat_id)

    async def set_template(self, chat_id: int, data: bytes | None) -> None:
        self._uow.state.hall_templates[chat_id] = data

    async def move(self, old_chat_id: int, new_chat_id: int) -> None:
        state = self._uow.state
        for table in (state.halls, state.hall_documents, state.hall_templates):
            if old_chat_id in table and new_chat_id not in table:
                table[new_chat_id] = table.pop(old_chat_id)


@dataclass
class MinutesState:
    edits: list[MinutesEdit] = field(default_factory=list)
    versions: list[MinutesVersion] = field(default_factory=list)
    confirmations: dict[tuple[int, int], ConfirmationStatus] = field(default_factory=dict)
    focus: dict[int, int] = field(default_factory=dict)


class FakeMinutes:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow

    @property
    def _m(self) -> MinutesState:
        return self._uow.state.minutes

    async def edits(self, session_id: int) -> list[MinutesEdit]:
        return [e for e in self._m.edits if e.session_id == session_id]

    async def add_edit(self, edit: MinutesEdit) -> None:
        self._m.edits.append(edit)

    async def latest_version(self, session_id: int) -> MinutesVersion | None:
        found = [v for v in self._m.versions if v.session_id == session_id]
        return max(found, key=lambda v: v.version, default=None)

    async def version(self, session_id: int, version: int) -> MinutesVersion | None:
        return next((v for v in self._m.versions
                     if v.session_id == session_id and v.version == version), None)

    async def add_version(self, version: MinutesVersion) -> None:
        if await self.version(version.session_id, version.version) is not None:
            raise ValueError("duplicate version")
        self._m.versions.append(version)

    async def first_approvals(self, chat_id: int) -> list[tuple[int, datetime]]:
        sessions = {s.id for s in self._uow.state.sessions.values() if s.chat_id == chat_id}
        first: dict[int, datetime] = {}
        for v in self._m.versions:
            if v.session_id in sessions:
                first[v.session_id] = min(first.get(v.session_id, v.approved_at), v.approved_at)
        return sorted(first.items(), key=lambda x: (x[1], x[0]))

    async def confirmations(self, session_id: int) -> dict[int, ConfirmationStatus]:
        return {p: s for (sid, p), s in self._m.confirmations.items() if sid == session_id}

    async def set_confirmation(self, session_id: int, person_id: int,
                               status: ConfirmationStatus, at: datetime) -> None:
        self._m.confirmations[(session_id, person_id)] = status

    async def focus(self, person_id: int) -> int | None:
        return self._m.focus.get(person_id)

    async def set_focus(self, person_id: int, session_id: int) -> None:
        self._m.focus[person_id] = session_id


class FakeAudit:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow

    async def add(self, entry: AuditEntry) -> None:
        self._uow.state.audit.append(entry)

    async def entries(self, *, session_id: int | None = None, since: datetime | None = None,
                      person_id: int | None = None, limit: int = 1000) -> list[AuditEntry]:
        return [e for e in self._uow.state.audit
                if (session_id is None or e.session_id == session_id)
                and (since is None or (e.at is not None and e.at >= since))
                and (person_id is None or person_id in (e.actor_id, e.subject_id))][-limit:]


class FakeRoles:
    """Role grants (facilitation/roles.py), in the store; the web's login links are not
    used by the use-case tests."""

    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow

    async def grants(self, *, person_id: int | None = None) -> list[RoleGrant]:
        return [g for g in self._uow.state.grants if person_id in (None, g.person_id)]

    async def add(self, grant: RoleGrant) -> RoleGrant:
        stored = replace(grant, id=next(self._uow.state.ids))
        self._uow.state.grants.append(stored)
        return stored

    async def remove(self, grant_id: int) -> None:
        self._uow.state.grants[:] = [g for g in self._uow.state.grants if g.id != grant_id]

    async def drop_credentials(self, person_id: int) -> None:
        """No password logins in the use-case tests: nothing to drop."""


class FakeBoards:
    """The live boards (bot/board.py): none in the use-case tests; what moving a chat or
    forgetting someone asks of them."""

    def __init__(self) -> None:
        self.removed: list[int] = []

    async def get(self, session_id: int) -> None:
        return None

    async def remove(self, session_id: int) -> None:
        self.removed.append(session_id)


class FakeShowcase:
    """The showcase's records: none in the use-case tests; what moving a chat asks of them."""

    def __init__(self) -> None:
        self.moved: list[tuple[int, int]] = []

    async def move(self, old_chat_id: int, new_chat_id: int) -> None:
        self.moved.append((old_chat_id, new_chat_id))


class FakeUnitOfWork:
    """Works on a copy of the store; commit swaps it in, so rollback loses everything."""

    def __init__(self, store: Store, idempotency_key: int | None = None) -> None:
        self.store = store
        self.key = idempotency_key
        self.state = store
        self.people = FakePeople(self, "people")
        self.sessions = FakeSessions(self, "sessions")
        self.attendance = FakeAttendance(self, "attendance")
        self.hands = FakeHands(self, "hands")
        self.turns = FakeTurns(self, "turns")
        self.contributions = FakeContributions(self, "contributions")
        self.audio_jobs = FakeAudioJobs(self, "audio_jobs")
        self.halls = FakeHalls(self)
        self.minutes = FakeMinutes(self)
        self.audit = FakeAudit(self)
        self.boards = FakeBoards()
        self.showcase = FakeShowcase()
        self.roles = FakeRoles(self)
        self.committed = False

    async def __aenter__(self) -> Self:
        self.state = copy.deepcopy(self.store)
        self.state.ids = self.store.ids
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        self.state = self.store

    async def commit(self) -> None:
        if self.key is not None:
            self.state.processed.add(self.key)
        for name in ("people", "sessions", "attendance", "hands", "turns", "contributions",
                     "audio_jobs", "halls", "hall_documents", "hall_templates", "minutes",
                     "audit", "grants", "processed"):
            setattr(self.store, name, getattr(self.state, name))
        self.committed = True

    async def rollback(self) -> None:
        self.state = copy.deepcopy(self.store)


class FakeUowFactory:
    def __init__(self) -> None:
        self.store = Store()

    def __call__(self, idempotency_key: int | None = None) -> FakeUnitOfWork:
        return FakeUnitOfWork(self.store, idempotency_key)

    def reading(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self.store, None)

    def committed(self, idempotency_key: int) -> bool:
        return idempotency_key in self.store.processed


class FakeClock:
    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 27, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now


class SequentialCodes:
    def __init__(self) -> None:
        self.n = 0

    def __call__(self) -> str:
        self.n += 1
        return f"CODE{self.n:04d}"


class FakeTranscriber:
    """Reads what to 'hear' from the audio bytes: b"SAY:<text>", b"SILENCE", b"FAIL",
    b"HOLD:<text>" (waits until ``release()``), anything else is not audio. Segments are
    separated by "|"; one that starts with "?" is heard unsure (avg_logprob -0.9: 待核对)."""

    engine = "fake"
    model = "fake-1"

    def __init__(self) -> None:
        self.calls: list[tuple[str, TranscriptionRequest]] = []
        self.held = asyncio.Event()
        self.started = False

    async def start(self) -> None:
        self.started = True

    async def close(self) -> None:
        self.started = False

    def release(self) -> None:
        self.held.set()

    async def transcribe(self, audio: Path | bytes, request: TranscriptionRequest,
                         progress: Callable[[float], None] | None = None) -> Transcript:
        data = audio if isinstance(audio, bytes) else await asyncio.to_thread(audio.read_bytes)
        self.calls.append((data[:40].decode("utf-8", "replace"), request))
        if data.startswith(b"HOLD:"):
            await self.held.wait()
            data = b"SAY:" + data[5:]
        if data == b"SILENCE":
            raise NoSpeech()
        if data == b"FAIL":
            raise RuntimeError("engine exploded")
        if not data.startswith(b"SAY:"):
            raise NotAudio()
        text = data[4:].decode("utf-8")
        if progress is not None:
            progress(0.5)
        heard = [(p.removeprefix("?"), -0.9 if p.startswith("?") else -0.2)
                 for p in text.split("|") if p]
        parts = [p for p, _ in heard]
        segments = tuple(Segment(i * 5.0, i * 5.0 + 2.0, p, avg_logprob=logprob)
                         for i, (p, logprob) in enumerate(heard))
        return Transcript(text="".join(parts), language="zh", duration=5.0 * len(parts),
                          segments=segments, engine=self.engine, model=self.model)
