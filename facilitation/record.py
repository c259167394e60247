"""Use cases of the record: what people say or write, and the turn timers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from facilitation.errors import InvalidInput, InvalidState, NotFound
from facilitation.minutes import record_correction
from facilitation.model import (
    CONTRIBUTION_MAX_CHARS,
    Attendance,
    ConfirmationStatus,
    Contribution,
    ContributionKind,
    Person,
    Source,
    Turn,
    contribution_kind_for,
)
from facilitation.ports import UnitOfWork
from facilitation.services import Actor, may_run, person_for
from facilitation.session import Session


@dataclass(frozen=True)
class Recorded:
    session: Session
    contribution: Contribution
    person: Person | None


@dataclass(frozen=True)
class TimerNotice:
    session: Session
    turn: Turn
    notice: str  # "warning" or "timeup"
    speaker_name: str


def classify(session: Session, person: Person, turn: Turn | None, *,
             staff: bool = False) -> ContributionKind:
    """What a text in the group is: the floor holder's speech, the moderator's (or staff's),
    or a comment."""
    if turn is not None and turn.active and turn.person_id == person.id:
        return contribution_kind_for(turn)
    if session.can_run(person, staff=staff):
        return ContributionKind.MODERATOR
    return ContributionKind.COMMENT


async def classify_for(uow: UnitOfWork, actor: Actor, session: Session, person: Person,
                       turn: Turn | None) -> ContributionKind:
    """``classify``, with the actor's standing read now, and only when it matters (not for
    the floor holder's own words)."""
    if turn is not None and turn.active and turn.person_id == person.id:
        return contribution_kind_for(turn)
    return classify(session, person, turn, staff=await may_run(uow, actor, session, person))


async def record_group_text(
    uow: UnitOfWork, *, chat_id: int, actor: Actor, text: str, now: datetime,
    message_id: int | None = None, source: Source = Source.TEXT,
) -> Recorded | None:
    """Record a text said in the session's chat; None when no session is open there."""
    async with uow:
        session = await uow.sessions.open_in_chat(chat_id, for_update=True)
        if session is None or session.id is None:
            return None
        person = await person_for(uow, actor)
        turn = await uow.turns.current(session.id)
        kind = await classify_for(uow, actor, session, person, turn)
        speaking_turn = turn if kind not in (ContributionKind.MODERATOR,
                                             ContributionKind.COMMENT) else None
        contribution = session.record(
            person=person, speaker_name=_name_in(person, None), kind=kind, source=source,
            text=text, now=now, turn=speaking_turn, chat_id=chat_id, message_id=message_id)
        contribution = await uow.contributions.add(contribution)
        await uow.sessions.save(session)
        await uow.commit()
        return Recorded(session, contribution, person)


async def edit_text(
    uow: UnitOfWork, *, chat_id: int, message_id: int, actor: Actor, text: str, now: datetime,
) -> Recorded | None:
    """A recorded text message edited by its author (in the group, or a written submission in
    private chat): recorded as a correction of its turn, as /fix does, the original kept. Also
    after the session closed, and after its minutes were approved: the draft then differs from
    the approved version, as after a /fix. None when there is nothing to do: the message was
    not recorded as the actor's text (sent before a session, a command, someone else's, a
    voice message's caption) or its text did not change."""
    async with uow:
        person = await uow.people.by_telegram_id(actor.user_id)
        if person is None or person.id is None:
            return None
        found = await uow.contributions.by_message(person.id, chat_id, message_id)
        if found is None or found.id is None or found.source != Source.TEXT or not found.final:
            return None
        body = text.strip()  # as record() keeps a text (not /fix's one-line form)
        if not body or body == found.text:
            return None
        if len(body) > CONTRIBUTION_MAX_CHARS:
            raise InvalidInput("too_long", field="text", limit=CONTRIBUTION_MAX_CHARS,
                               length=len(body))
        # one writer at a time, as the moderator's mark buttons: read again after the lock
        session = await uow.sessions.lock(found.session_id)
        contribution = await uow.contributions.get(found.id)
        if session is None or contribution is None:
            return None
        await record_correction(uow, contribution, body, editor=person, actor=actor, own=True,
                                now=now, via="message_edit")
        await uow.commit()
        return Recorded(session, contribution, person)


def _name_in(person: Person, attendance: Attendance | None) -> str:
    return attendance.name if attendance is not None else person.display_name


async def submit_written(
    uow: UnitOfWork, *, actor: Actor, text: str, now: datetime,
    chat_id: int | None = None, message_id: int | None = None,
) -> Recorded:
    """A signed-in participant's written submission (书面发言), sent to the bot privately."""
    async with uow:
        person = await person_for(uow, actor)
        assert person.id is not None
        found, attendance = await session_attended_by(uow, person)
        assert found.id is not None
        session = await uow.sessions.lock(found.id) or found
        contribution = await record_written(uow, session, person, attendance, text=text,
                                            now=now, chat_id=chat_id, message_id=message_id)
        await uow.commit()
        return Recorded(session, contribution, person)


async def record_written(
    uow: UnitOfWork, session: Session, person: Person, attendance: Attendance | None, *,
    text: str, now: datetime, chat_id: int | None = None, message_id: int | None = None,
) -> Contribution:
    """A written submission (书面发言) in the record, under the name the person signed in
    with, in the caller's unit of work (the session locked); the caller commits."""
    contribution = session.record(
        person=person, speaker_name=_name_in(person, attendance),
        kind=ContributionKind.WRITTEN, source=Source.TEXT, text=text, now=now,
        chat_id=chat_id, message_id=message_id)
    contribution = await uow.contributions.add(contribution)
    await uow.sessions.save(session)
    return contribution


async def session_attended_by(uow: UnitOfWork, person: Person) -> tuple[Session, Attendance]:
    """The most recently joined open session the person is signed in to."""
    assert person.id is not None
    best: tuple[Session, Attendance] | None = None
    for session in await uow.sessions.open_sessions():
        assert session.id is not None
        attendance = await uow.attendance.get(session.id, person.id)
        if attendance is not None and attendance.present and (
                best is None or attendance.signed_in_at > best[1].signed_in_at):
            best = (session, attendance)
    if best is None:
        raise NotFound("not_signed_in_anywhere")
    return best


async def due_notices(uow: UnitOfWork, *, now: datetime) -> list[TimerNotice]:
    """Timer notices that are due, each recorded as sent before it is returned."""
    async with uow:
        due: list[TimerNotice] = []
        for turn in await uow.turns.active():
            notice = turn.due_notice(now)
            if notice is None:
                continue
            if notice == "timeup":
                turn.timeup_at = now
            else:
                turn.warned_at = now
            await uow.turns.save(turn)
            session = await uow.sessions.get(turn.session_id)
            speaker = await uow.people.get(turn.person_id)
            if session is None:
                raise InvalidState("orphan_turn")
            due.append(TimerNotice(session, turn, notice,
                                   speaker.display_name if speaker else "?"))
        await uow.commit()
        return due


async def next_deadline(uow: UnitOfWork) -> datetime | None:
    """When the timekeeper should look again."""
    async with uow:
        times = [t for t in (turn.next_notice_at() for turn in await uow.turns.active()) if t]
        return min(times, default=None)


@dataclass(frozen=True)
class SessionRecord:
    """Everything the transcript of a session is made of."""

    session: Session
    moderator_name: str
    attendance: list[Attendance]
    contributions: list[Contribution]
    turns: list[Turn]
    confirmed: frozenset[int] = frozenset()  # speakers who confirmed their turns (发言确认)


async def load_record(uow: UnitOfWork, *, session_id: int | None = None,
                      chat_id: int | None = None) -> SessionRecord:
    """A session's record by id, or the latest session (of a chat, or of all)."""
    async with uow:
        if session_id is not None:
            session = await uow.sessions.get(session_id)
        else:
            session = await uow.sessions.latest(chat_id)
        if session is None or session.id is None:
            raise NotFound("no_session")
        moderator = await uow.people.get(session.moderator_id)
        return SessionRecord(
            session=session,
            moderator_name=moderator.display_name if moderator else "",
            attendance=await uow.attendance.list(session.id),
            contributions=await uow.contributions.list(session.id),
            turns=await uow.turns.list(session.id),
            confirmed=frozenset(p for p, status in
                                (await uow.minutes.confirmations(session.id)).items()
                                if status == ConfirmationStatus.CONFIRMED),
        )
