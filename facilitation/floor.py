"""Use cases of the speaker queue and the floor: hands, calling, turns, closing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from facilitation import web_room
from facilitation.audit import AuditAction, audit_entry
from facilitation.errors import InvalidInput, InvalidState, NotFound
from facilitation.model import Hand, HandStatus, Person, Turn, TurnKind
from facilitation.ports import Participant, UnitOfWork
from facilitation.queue import move_to_top, order_queue, question_answered_by
from facilitation.services import (
    Actor,
    may_run,
    open_session_for,
    open_session_in,
    person_for,
    require_runner,
)
from facilitation.session import Session


@dataclass(frozen=True)
class QueueEntry:
    position: int
    hand: Hand
    name: str
    kind_label: str  # the participant kind, for display


@dataclass(frozen=True)
class QueueView:
    session: Session
    entries: list[QueueEntry]
    current: Turn | None
    current_name: str | None
    viewer_can_run: bool


@dataclass(frozen=True)
class HandRaised:
    session: Session
    hand: Hand
    position: int
    answers_name: str | None


@dataclass(frozen=True)
class FloorChange:
    session: Session
    ended: Turn | None
    ended_name: str | None
    turn: Turn | None
    speaker: Person | None
    waiting: int


async def _ordered(uow: UnitOfWork, session: Session) -> list[Hand]:
    assert session.id is not None
    hands = await uow.hands.pending(session.id)
    return order_queue(hands, await uow.turns.spoken_counts(session.id))


async def _entries(uow: UnitOfWork, ordered: list[Hand]) -> list[QueueEntry]:
    people = await uow.people.get_many([h.person_id for h in ordered])
    return [
        QueueEntry(i, h, people[h.person_id].display_name, str(people[h.person_id].kind))
        for i, h in enumerate(ordered, start=1)
    ]


async def raise_hand(
    uow: UnitOfWork, *, chat_id: int, actor: Actor, kind: TurnKind,
    addressee: str | None, now: datetime,
) -> HandRaised:
    async with uow:
        session, found = await open_session_for(uow, chat_id, actor)
        hand, answers_name = await _raise(uow, session, found, kind, addressee, now)
        assert hand.id is not None
        position = await uow.hands.position(hand.id)
        assert position is not None
        await uow.commit()
        return HandRaised(session, hand, position, answers_name)


async def raise_hand_on_web(
    uow: UnitOfWork, *, code: str, token: str | None, kind: TurnKind,
    addressee: str | None, now: datetime,
) -> Hand:
    """``raise_hand`` from the phone page: the session by its code, the participant by the
    cookie's token, read in one query. No place is counted: the answer is a redirect to the
    page, which shows it."""
    async with uow:
        session, found = await web_room.web_participant(uow, code, token)
        hand, _ = await _raise(uow, session, found, kind, addressee, now)
        await uow.commit()
        return hand


async def _raise(uow: UnitOfWork, session: Session, found: Participant, kind: TurnKind,
                 addressee: str | None, now: datetime) -> tuple[Hand, str | None]:
    """The hand raised and recorded (and the name of the asker it answers, if any)."""
    assert session.id is not None
    answers_hand_id: int | None = None
    answers_name: str | None = None
    if kind == TurnKind.RESPONSE:
        # question_answered_by looks at pending questions only: no need for the queue
        questions = await uow.hands.pending(session.id, TurnKind.QUESTION)
        answers_hand_id, _ = question_answered_by(
            found.person, questions, await uow.turns.recent(session.id))
        if answers_hand_id is not None:
            question = next(h for h in questions if h.id == answers_hand_id)
            answers_name = await _name(uow, question.person_id)
    hand = session.raise_hand(found.attendance, found.pending_hand, kind, addressee, now,
                              answers_hand_id=answers_hand_id)
    hand = await uow.hands.add(hand)
    await uow.sessions.save(session)
    return hand, answers_name


async def lower_hand(uow: UnitOfWork, *, chat_id: int, actor: Actor) -> Hand:
    async with uow:
        _, found = await open_session_for(uow, chat_id, actor)
        return await _lower(uow, found)


async def lower_hand_on_web(uow: UnitOfWork, *, code: str, token: str | None) -> Hand:
    """``lower_hand`` from the phone page (as ``raise_hand_on_web``)."""
    async with uow:
        session, found = await web_room.web_participant(uow, code, token)
        session.require_open()  # as the bot's: only the chat's open session
        return await _lower(uow, found)


async def _lower(uow: UnitOfWork, found: Participant) -> Hand:
    hand = found.pending_hand
    if hand is None:
        raise InvalidState("no_hand")
    hand.status = HandStatus.LOWERED
    await uow.hands.save(hand)
    await uow.commit()
    return hand


async def view_queue(uow: UnitOfWork, *, chat_id: int, actor: Actor | None = None) -> QueueView:
    async with uow:
        session = await open_session_in(uow, chat_id, lock=False)
        assert session.id is not None
        entries = await _entries(uow, await _ordered(uow, session))
        current = await uow.turns.current(session.id)
        name = None
        if current is not None:
            speaker = await uow.people.get(current.person_id)
            name = speaker.display_name if speaker else None
        can_run = False
        if actor is not None:
            viewer = await uow.people.by_telegram_id(actor.user_id) \
                if actor.has_private_chat else None
            can_run = await may_run(uow, actor, session, viewer)
        return QueueView(session, entries, current, name, can_run)


async def _name(uow: UnitOfWork, person_id: int | None) -> str | None:
    if person_id is None:
        return None
    person = await uow.people.get(person_id)
    return person.display_name if person else None


async def call_next(
    uow: UnitOfWork, *, chat_id: int, actor: Actor, now: datetime, hand_id: int | None = None,
    announce: bool = False,
) -> FloorChange:
    """Give the floor to the head of the queue (or to a chosen hand); ``announce``: called
    from the web, the group hears it from the bot (a room notice)."""
    async with uow:
        session = await open_session_in(uow, chat_id)
        assert session.id is not None
        moderator = await person_for(uow, actor)
        await require_runner(uow, actor, session, moderator)
        ordered = await _ordered(uow, session)
        if not ordered:
            raise InvalidState("queue_empty")
        hand = ordered[0] if hand_id is None else _pick(ordered, hand_id=hand_id)
        current = await uow.turns.current(session.id)
        answers_turn_id = None
        if hand.kind == TurnKind.RESPONSE and hand.answers_hand_id is not None:
            recent = await uow.turns.recent(session.id, limit=50)
            answers_turn_id = next((t.id for t in recent if t.hand_id == hand.answers_hand_id),
                                   None)
        turn = session.call(moderator, hand, current, now, answers_turn_id=answers_turn_id,
                            staff=True)  # checked above
        if current is not None and current.ended_at is not None:
            await uow.turns.save(current)
        await uow.hands.save(hand)
        turn = await uow.turns.add(turn)
        await uow.sessions.save(session)
        await uow.audit.add(audit_entry(AuditAction.NEXT, moderator, session_id=session.id,
                                        chat_id=chat_id, at=now, subject_id=turn.person_id))
        ended_name = await _name(uow, current.person_id) if current else None
        speaker = await uow.people.get(turn.person_id)
        if announce:
            await web_room.announce(uow, session, "floor_given", now, turn_id=turn.id,
                                    ended_turn_id=current.id if current else None,
                                    waiting=len(ordered) - 1)
        await uow.commit()
        return FloorChange(session, current, ended_name, turn, speaker, len(ordered) - 1)


async def end_turn(uow: UnitOfWork, *, chat_id: int, actor: Actor, now: datetime) -> FloorChange:
    async with uow:
        session = await open_session_in(uow, chat_id)
        assert session.id is not None
        person = await person_for(uow, actor)
        current = await uow.turns.current(session.id)
        staff = current is not None and current.person_id != person.id \
            and await may_run(uow, actor, session, person)
        turn = session.end_turn(person, current, now, staff=staff)
        await uow.turns.save(turn)
        if turn.person_id != person.id:  # the moderator cut someone's turn short
            await uow.audit.add(audit_entry(AuditAction.ENDED_TURN, person,
                                            session_id=session.id, chat_id=chat_id, at=now,
                                            subject_id=turn.person_id))
        waiting = await uow.hands.count_pending(session.id)
        name = await _name(uow, turn.person_id)
        await uow.commit()
        return FloorChange(session, turn, name, None, None, waiting)


def _pick(ordered: list[Hand], *, position: int | None = None, hand_id: int | None = None) -> Hand:
    if hand_id is not None:
        for hand in ordered:
            if hand.id == hand_id:
                return hand
        raise NotFound("hand_gone")
    if position is None or not 1 <= position <= len(ordered):
        raise InvalidInput("bad_position", size=len(ordered))
    return ordered[position - 1]


async def manage_hand(
    uow: UnitOfWork, *, chat_id: int, actor: Actor, action: str,
    position: int | None = None, hand_id: int | None = None,
) -> QueueEntry:
    """The moderator moves a hand up ('up'), to the back ('skip') or out ('remove')."""
    async with uow:
        session = await open_session_in(uow, chat_id)
        runner = await person_for(uow, actor)
        await require_runner(uow, actor, session, runner)
        ordered = await _ordered(uow, session)
        if not ordered:
            raise InvalidState("queue_empty")
        if action == "skip" and position is None and hand_id is None:
            position = 1
        hand = _pick(ordered, position=position, hand_id=hand_id)
        place = ordered.index(hand) + 1  # where it was when the moderator acted
        if action == "up":
            move_to_top(hand, ordered)
        elif action == "skip":
            session.requeue(hand)
            await uow.sessions.save(session)
        elif action == "remove":
            hand.status = HandStatus.REMOVED
        else:
            raise InvalidInput("bad_action")
        await uow.hands.save(hand)
        await uow.audit.add(audit_entry(
            _MANAGED[action], runner, session_id=session.id, chat_id=chat_id,
            subject_id=hand.person_id, position=place))
        entry = (await _entries(uow, [hand]))[0]
        await uow.commit()
        return entry


_MANAGED = {"up": AuditAction.MOVED, "skip": AuditAction.SKIPPED,
            "remove": AuditAction.REMOVED}


async def close_session(uow: UnitOfWork, *, chat_id: int, actor: Actor,
                        now: datetime, announce: bool = False) -> FloorChange:
    async with uow:
        session = await uow.sessions.open_in_chat(chat_id)
        if session is None:
            raise InvalidState("no_open_session_to_end")
        assert session.id is not None
        current = await uow.turns.current(session.id)
        closer = await person_for(uow, actor)
        ended = session.close(closer, now, current,
                              staff=await may_run(uow, actor, session, closer))
        if ended is not None:
            await uow.turns.save(ended)
        if closer.id is not None:  # whoever closes edits the draft minutes next
            await uow.minutes.set_focus(closer.id, session.id)
        for hand in await uow.hands.pending(session.id):
            hand.status = HandStatus.LOWERED
            await uow.hands.save(hand)
        await uow.sessions.save(session)
        await uow.audit.add(audit_entry(AuditAction.CLOSED, closer, session_id=session.id,
                                        chat_id=chat_id, at=now))
        name = await _name(uow, ended.person_id if ended else None)
        if announce:
            await web_room.announce(uow, session, "closed", now)
        await uow.commit()
        return FloorChange(session, ended, name, None, None, 0)
