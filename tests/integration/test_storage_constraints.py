"""The database itself keeps the invariants: partial unique indexes and foreign keys."""

from __future__ import annotations

import pytest
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from facilitation.model import (
    Attendance,
    Contribution,
    ContributionKind,
    Hand,
    HandStatus,
    ParticipantKind,
    SessionStatus,
    SignInMethod,
    Source,
    Turn,
    TurnKind,
)
from facilitation.ports import UnitOfWorkFactory
from storage.rows import PersonRow, SessionRow
from storage.uow import SqlAlchemyUnitOfWork
from tests.integration.storage_builders import add_person, add_session, at


def _hand(session_id: int, person_id: int, seq: int, status: HandStatus) -> Hand:
    return Hand(
        session_id=session_id,
        person_id=person_id,
        kind=TurnKind.SPEECH,
        seq=seq,
        raised_at=at(seq),
        status=status,
    )


def _turn(session_id: int, person_id: int, start: float, *, ended: bool) -> Turn:
    return Turn(
        session_id=session_id,
        person_id=person_id,
        kind=TurnKind.SPEECH,
        started_at=at(start),
        limit_s=60,
        ended_at=at(start + 1) if ended else None,
    )


async def test_one_open_session_per_chat(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        moderator = await add_person(uow)
        await add_session(uow, moderator, code="A", status=SessionStatus.CLOSED)
        await add_session(uow, moderator, code="B", status=SessionStatus.CLOSED)
        await add_session(uow, moderator, code="C", status=SessionStatus.CREATED)
        await add_session(uow, moderator, code="D", chat_id=99)  # another chat
        await uow.commit()
    async with uow_factory() as uow:
        with pytest.raises(IntegrityError):
            await add_session(uow, moderator, code="E", status=SessionStatus.IN_PROGRESS)
    async with uow_factory() as uow:
        with pytest.raises(IntegrityError):
            await add_session(uow, moderator, code="A", chat_id=5)  # codes are unique
    async with uow_factory() as uow:
        assert len(await uow.sessions.recent()) == 4


async def test_closing_frees_the_chat(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        moderator = await add_person(uow)
        first = await add_session(uow, moderator, code="A")
        first.status = SessionStatus.CLOSED
        await uow.sessions.save(first)
        second = await add_session(uow, moderator, code="B")
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.sessions.open_in_chat(second.chat_id) == second


async def test_one_pending_hand_per_person(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        person = await add_person(uow)
        session = await add_session(uow, person)
        assert session.id and person.id
        for seq, status in enumerate((HandStatus.CALLED, HandStatus.LOWERED, HandStatus.PENDING)):
            await uow.hands.add(_hand(session.id, person.id, seq, status))
        await uow.commit()
    async with uow_factory() as uow:
        with pytest.raises(IntegrityError):
            await uow.hands.add(_hand(session.id, person.id, 9, HandStatus.PENDING))
    async with uow_factory() as uow:
        assert len(await uow.hands.pending(session.id)) == 1


async def test_one_active_turn_per_session(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        a, b = await add_person(uow, 1), await add_person(uow, 2)
        session = await add_session(uow, a)
        assert session.id and a.id and b.id
        await uow.turns.add(_turn(session.id, a.id, 0, ended=True))
        await uow.turns.add(_turn(session.id, b.id, 5, ended=True))
        live = await uow.turns.add(_turn(session.id, a.id, 10, ended=False))
        await uow.commit()
    async with uow_factory() as uow:
        with pytest.raises(IntegrityError):
            await uow.turns.add(_turn(session.id, b.id, 20, ended=False))
    async with uow_factory() as uow:  # ending the live turn first makes room
        live.end(at(20))
        await uow.turns.save(live)
        await uow.turns.add(_turn(session.id, b.id, 20, ended=False))
        await uow.commit()


async def test_unique_attendance_and_contribution_seq(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        person = await add_person(uow)
        session = await add_session(uow, person)
        assert session.id and person.id
        attendance = Attendance(
            session_id=session.id,
            person_id=person.id,
            name="x",
            kind=ParticipantKind.OTHER,
            signed_in_at=at(0),
            method=SignInMethod.GROUP,
        )
        contribution = Contribution(
            session_id=session.id,
            seq=1,
            person_id=person.id,
            speaker_name="x",
            kind=ContributionKind.SPEECH,
            source=Source.TEXT,
            text="hi",
            at=at(1),
        )
        await uow.attendance.add(attendance)
        await uow.contributions.add(contribution)
        await uow.commit()
    for add in ("attendance", "contributions"):
        async with uow_factory() as uow:
            with pytest.raises(IntegrityError):
                if add == "attendance":
                    await uow.attendance.add(Attendance(**{**vars(attendance), "id": None}))
                else:
                    await uow.contributions.add(Contribution(**{**vars(contribution), "id": None}))


async def test_deleting_people_and_sessions(uow_factory: UnitOfWorkFactory) -> None:
    """A person's erasure keeps the record (contributions lose their author); deleting a
    session takes everything in it along."""
    async with uow_factory() as uow:
        moderator, guest = await add_person(uow, 1), await add_person(uow, 2)
        session = await add_session(uow, moderator)
        assert session.id and guest.id and moderator.id
        await uow.attendance.add(
            Attendance(
                session_id=session.id,
                person_id=guest.id,
                name="g",
                kind=ParticipantKind.OTHER,
                signed_in_at=at(0),
                method=SignInMethod.PROXY,
                proxy_by=moderator.id,
            )
        )
        hand = await uow.hands.add(_hand(session.id, guest.id, 1, HandStatus.CALLED))
        turn = _turn(session.id, guest.id, 1, ended=True)
        turn.hand_id = hand.id
        turn = await uow.turns.add(turn)
        said = await uow.contributions.add(
            Contribution(
                session_id=session.id,
                seq=1,
                person_id=guest.id,
                speaker_name="g",
                kind=ContributionKind.SPEECH,
                source=Source.VOICE,
                text="hi",
                at=at(2),
                turn_id=turn.id,
            )
        )
        await uow.commit()
    async with uow_factory() as uow:
        assert isinstance(uow, SqlAlchemyUnitOfWork)
        await uow.session.execute(delete(PersonRow).where(PersonRow.id == guest.id))
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.attendance.list(session.id) == []
        assert await uow.turns.list(session.id) == []
        said.person_id = None
        said.turn_id = None
        assert await uow.contributions.list(session.id) == [said]
    async with uow_factory() as uow:
        assert isinstance(uow, SqlAlchemyUnitOfWork)
        with pytest.raises(IntegrityError):  # a moderator cannot go while their session stays
            await uow.session.execute(delete(PersonRow).where(PersonRow.id == moderator.id))
    async with uow_factory() as uow:
        assert isinstance(uow, SqlAlchemyUnitOfWork)
        await uow.session.execute(delete(SessionRow).where(SessionRow.id == session.id))
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.contributions.count(session.id) == 0
        assert await uow.sessions.get(session.id) is None
