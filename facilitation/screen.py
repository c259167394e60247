"""The room's screen (issue 12): what a projector in the hall shows of one session, read from
the database alone. No login: whoever has the screen code sees what the group sees, so the
rule of what is shown is written here once. Names are as people signed in (what the group
reads); never a Telegram id or anything of a private profile beyond name, kind and unit.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from datetime import datetime

from facilitation.errors import NotFound
from facilitation.model import (
    Attendance,
    Contribution,
    ContributionKind,
    ContributionStatus,
    Hand,
    HandStatus,
    ParticipantKind,
    Person,
    SessionStatus,
    TurnKind,
)
from facilitation.ports import UnitOfWork
from facilitation.queue import order_queue, question_a_response_answers
from facilitation.services import (
    Actor,
    new_screen_code,
    open_session_in,
    person_for,
    require_runner,
)
from facilitation.session import Session

QUEUE_SHOWN = 5
CAPTIONS_SHOWN = 6
# What the group reads in its chat: the floor's words, the moderator's, and written
# submissions (relayed to the group in full by the bot: bot/handlers/texts.py). Comments from
# the table stay out of the captions; so does audio that held nothing (dropped) or failed.
CAPTION_KINDS = frozenset({ContributionKind.SPEECH, ContributionKind.QUESTION,
                           ContributionKind.RESPONSE, ContributionKind.FOLLOW_UP,
                           ContributionKind.MODERATOR, ContributionKind.WRITTEN})
CAPTION_STATUSES = frozenset({ContributionStatus.FINAL, ContributionStatus.PENDING})
# A 回应 in the queue shows the question it answers (facilitation/queue.py decides which): its
# first words as the room read them in the captions (a question turn's text, final; never a
# written submission, which is no question turn's), cut to fit one line of the queue.
QUESTION_STATUSES = frozenset({ContributionStatus.FINAL})
QUESTION_EXCERPT_CHARS = 16


@dataclass(frozen=True)
class Speaker:
    name: str
    kind: ParticipantKind
    unit: str | None
    turn_kind: TurnKind
    addressee: str | None
    started_at: datetime
    deadline: datetime
    warning_at: datetime | None = None  # when the 30-second warning is due
    warned: bool = False  # the warning was given
    timed_out: bool = False  # the time-up notice was given

    @property
    def limit_s(self) -> int:
        return round((self.deadline - self.started_at).total_seconds())


@dataclass(frozen=True)
class Answering:
    """The question a 回应 in the queue answers: who asked it, and an excerpt of it as the
    room read it (None: not asked yet, or nothing of it shown)."""

    asker: str
    question: str | None
    asked: bool  # put to the floor already (False: still waiting in the queue)


@dataclass(frozen=True)
class Waiting:
    position: int
    name: str
    kind: ParticipantKind
    turn_kind: TurnKind
    addressee: str | None
    answers: str | None  # a response: who asked the question it answers
    hand_id: int = 0  # for the console's buttons; the screen does not show it
    answering: Answering | None = None  # a response: the question it answers (the screen)


@dataclass(frozen=True)
class Caption:
    seq: int
    name: str
    kind: ContributionKind
    text: str
    pending: bool  # a voice turn still being transcribed


@dataclass(frozen=True)
class Screen:
    topic: str
    hall: str | None
    status: str
    speaker: Speaker | None
    queue: tuple[Waiting, ...]
    waiting: int  # everyone in the queue, not only those shown
    signins: tuple[tuple[ParticipantKind, int], ...]  # present, by kind, in the kinds' order
    captions: tuple[Caption, ...]
    code: str = ""  # the sign-in code (its QR code is on the screen: the room sees it anyway)
    # the moderator shows the closing (consensus, follow-up) since then; showing it again
    # reads the draft again
    closing_shown_at: datetime | None = None
    session_id: int = 0

    @property
    def closing_shown(self) -> bool:
        return self.closing_shown_at is not None

    @property
    def signed_in(self) -> int:
        return sum(count for _, count in self.signins)

    def fingerprint(self) -> str:
        """Changes whenever anything shown changes: what a stream compares."""
        return hashlib.sha256(repr(asdict(self)).encode()).hexdigest()[:16]


def shown_in_room(contribution: Contribution) -> bool:
    return contribution.kind in CAPTION_KINDS and contribution.status in CAPTION_STATUSES


def _name(person: Person | None, attendance: Attendance | None) -> str:
    if attendance is not None:
        return attendance.name
    return person.display_name if person is not None else ""


def _signins(counts: dict[ParticipantKind, int]) -> tuple[tuple[ParticipantKind, int], ...]:
    return tuple((kind, counts[kind]) for kind in ParticipantKind if counts.get(kind))


def excerpt(text: str | None, limit: int = QUESTION_EXCERPT_CHARS) -> str | None:
    """The first ``limit`` characters of ``text`` on one line, "…" when cut."""
    if text is None:
        return None
    line = " ".join(text.split())
    if not line:
        return None
    return line if len(line) <= limit else line[:limit - 1] + "…"


def _caption(c: Contribution) -> Caption:
    pending = c.status == ContributionStatus.PENDING
    return Caption(c.seq, c.speaker_name, c.kind, "" if pending else c.text, pending)


async def screen_of(uow: UnitOfWork, screen_code: str, *,
                    queue_shown: int | None = QUEUE_SHOWN) -> Screen:
    """The screen of the session with that code; NotFound("no_session") when none has it.
    ``queue_shown``: how many of the queue it lists (None: all, as the console does, which
    must reach every hand to call, move or remove it)."""
    async with uow:
        session = await uow.sessions.by_screen_code(screen_code) if screen_code else None
        if session is None or session.id is None:
            raise NotFound("no_session")
        return await screen_in(uow, session, queue_shown=queue_shown)


async def screen_in(uow: UnitOfWork, session: Session, *,
                    queue_shown: int | None = QUEUE_SHOWN,
                    captions: bool = True) -> Screen:
    """The screen of ``session``, inside the caller's unit of work: the room's screen, and
    the group's live board (facilitation/board.py: more of the queue, no captions, which the
    group reads as messages anyway)."""
    assert session.id is not None
    if queue_shown is None:  # the console: every hand, in order
        listed = order_queue(await uow.hands.pending(session.id),
                             await uow.turns.spoken_counts(session.id))
        waiting = len(listed)
    else:  # the head, sorted by the database: a queue of a thousand is not loaded
        listed = await uow.hands.head(session.id, queue_shown)
        waiting = await uow.hands.count_pending(session.id)
    turn = await uow.turns.current(session.id)
    # the pending question each listed 回应 was placed with (its asker is named beside it)
    pending = {h.id or 0: h for h in listed}
    for target in {h.answers_hand_id or 0 for h in listed} - pending.keys() - {0}:
        question = await uow.hands.get(target)  # rare: a response listed before its question
        if question is not None and question.status == HandStatus.PENDING:
            pending[target] = question
    by_hand = {hand_id: h.person_id for hand_id, h in pending.items()}
    # the names it shows: of those listed, the askers their 回应 answer and the speaker, not
    # of the whole room (a hall of a thousand reads a few rows, not a thousand)
    ids = {h.person_id for h in listed}
    ids |= {by_hand[h.answers_hand_id] for h in listed if h.answers_hand_id in by_hand}
    if turn is not None:
        ids.add(turn.person_id)
    people = await uow.people.get_many(list(ids))
    signed = {a.person_id: a for a in await uow.attendance.of_people(session.id, ids)}
    answering = (await _answering(uow, session, listed, people, signed) if captions else {})
    queue = tuple(
        Waiting(i, _name(people.get(h.person_id), signed.get(h.person_id)),
                people[h.person_id].kind if h.person_id in people else ParticipantKind.OTHER,
                h.kind, h.addressee,
                _name(people.get(by_hand[h.answers_hand_id]),
                      signed.get(by_hand[h.answers_hand_id]))
                if h.answers_hand_id in by_hand else None, h.id or 0,
                answering.get(h.id or 0))
        for i, h in enumerate(listed, start=1))
    speaker = None
    if turn is not None:
        person, seen = people.get(turn.person_id), signed.get(turn.person_id)
        speaker = Speaker(
            _name(person, seen), seen.kind if seen else ParticipantKind.OTHER,
            seen.unit if seen else (person.unit if person else None), turn.kind,
            turn.addressee, turn.started_at, turn.deadline, turn.warning_at,
            turn.warned_at is not None, turn.timeup_at is not None)
    # Once the session is closed the bot relays nothing more (a submission corrected
    # after /end is recorded, not relayed): the room's captions end with the session, so
    # the screen never shows words the group did not read.
    shown = ([] if session.status == SessionStatus.CLOSED or not captions else
             await uow.contributions.latest(session.id, CAPTION_KINDS, CAPTION_STATUSES,
                                            CAPTIONS_SHOWN))
    return Screen(session.topic, session.hall, session.status.value, speaker, queue,
                  waiting, _signins(await uow.attendance.present_by_kind(session.id)),
                  tuple(_caption(c) for c in shown[-CAPTIONS_SHOWN:]), session.code,
                  session.closing_shown_at, session.id)


async def _answering(uow: UnitOfWork, session: Session, shown: list[Hand],
                     people: dict[int, Person], signed: dict[int, Attendance]
                     ) -> dict[int, Answering]:
    """The question each 回应 shown in the queue answers, by hand id (the rule:
    question_a_response_answers). One query of the session's question turns with their
    text, and only when a response is shown; none of the words once the session is closed
    (as the captions)."""
    responses = [h for h in shown if h.kind == TurnKind.RESPONSE]
    if not responses:
        return {}
    assert session.id is not None
    asked = await uow.turns.questions(session.id, QUESTION_STATUSES)
    pending = await uow.hands.pending(session.id, TurnKind.QUESTION)
    found = {h.id or 0: question_a_response_answers(h, people.get(h.person_id), pending, asked)
             for h in responses}
    unknown = {q.asker_id for q in found.values() if q is not None} - people.keys()
    if unknown:  # an asker no longer in the queue (asked already): their name, two queries
        people = {**people, **await uow.people.get_many(list(unknown))}
        signed = {**signed, **{a.person_id: a for a in
                               await uow.attendance.of_people(session.id, unknown)}}
    closed = session.status == SessionStatus.CLOSED
    return {hand_id: Answering(_name(people.get(q.asker_id), signed.get(q.asker_id)),
                               None if closed else excerpt(q.text), q.asked)
            for hand_id, q in found.items() if q is not None}


async def screen_code_for(uow: UnitOfWork, *, chat_id: int, actor: Actor) -> str:
    """The screen code of the chat's open session, for its moderator or staff (`/screen`); a
    session opened before screens existed is given one now."""
    async with uow:
        session = await open_session_in(uow, chat_id)
        await require_runner(uow, actor, session, await person_for(uow, actor))
        if session.screen_code is None:
            session.screen_code = new_screen_code()
            await uow.sessions.save(session)
            await uow.commit()
        return session.screen_code
