"""Queries: lookups, ordering, counts, and what counts as open or active."""

from __future__ import annotations

from facilitation.model import (
    AskedQuestion,
    Attendance,
    Contribution,
    ContributionKind,
    ContributionStatus,
    Hand,
    HandStatus,
    ParticipantKind,
    SessionStatus,
    SignInMethod,
    Source,
    Turn,
    TurnKind,
)
from facilitation.ports import UnitOfWork, UnitOfWorkFactory
from tests.integration.storage_builders import CHAT, add_person, add_session, at

CLOSED = SessionStatus.CLOSED


async def _turn(
    uow: UnitOfWork, session_id: int, person_id: int, start: float, end: float | None
) -> Turn:
    return await uow.turns.add(
        Turn(
            session_id=session_id,
            person_id=person_id,
            kind=TurnKind.SPEECH,
            started_at=at(start),
            limit_s=60,
            ended_at=at(end) if end is not None else None,
        )
    )


async def test_open_in_chat_latest_recent_open_sessions(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        moderator = await add_person(uow)
        old = await add_session(uow, moderator, code="OLD", created_at=at(0), status=CLOSED)
        other = await add_session(uow, moderator, chat_id=42, code="OTHER", created_at=at(50))
        same_time = await add_session(
            uow, moderator, code="SAME", created_at=at(100), status=CLOSED
        )
        current = await add_session(
            uow, moderator, code="NOW", created_at=at(100), status=SessionStatus.CREATED
        )
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.sessions.open_in_chat(CHAT) == current
        assert await uow.sessions.open_in_chat(42) == other
        assert await uow.sessions.open_in_chat(7) is None
        assert await uow.sessions.by_code("SAME") == same_time
        # newest first; on equal creation times the later id wins
        assert await uow.sessions.latest(CHAT) == current
        assert await uow.sessions.latest() == current
        assert await uow.sessions.latest(7) is None
        assert await uow.sessions.recent(CHAT) == [current, same_time, old]
        assert await uow.sessions.recent() == [current, same_time, other, old]
        assert await uow.sessions.recent(limit=2) == [current, same_time]
        assert await uow.sessions.open_sessions() == [other, current]


async def test_attendance_order_and_presence(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        people = [await add_person(uow, n) for n in range(4)]
        session = await add_session(uow, people[0])
        assert session.id is not None
        signed = []
        for person, when, left in zip(people, (5, 1, 5, 3), (None, 2, None, None), strict=True):
            assert person.id is not None
            signed.append(
                await uow.attendance.add(
                    Attendance(
                        session_id=session.id,
                        person_id=person.id,
                        name=person.display_name,
                        kind=ParticipantKind.RESIDENT,
                        signed_in_at=at(when),
                        method=SignInMethod.GROUP,
                        left_at=at(left) if left is not None else None,
                    )
                )
            )
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.attendance.list(session.id) == [signed[1], signed[3], signed[0], signed[2]]
        assert await uow.attendance.count_present(session.id) == 3
        assert await uow.attendance.count_present(session.id + 1) == 0
        # the screen's reads (facilitation/screen.py): counts by kind of those present, and
        # the rows of the few people it names
        assert await uow.attendance.present_by_kind(session.id) == {ParticipantKind.RESIDENT: 3}
        assert await uow.attendance.present_by_kind(session.id + 1) == {}
        ids = {people[1].id or 0, people[2].id or 0, 10_000}
        assert sorted(await uow.attendance.of_people(session.id, ids),
                      key=lambda a: a.person_id) == [signed[1], signed[2]]
        assert await uow.attendance.of_people(session.id, set()) == []
        assert await uow.attendance.get(session.id, 999_999) is None


async def test_pending_hands_by_seq(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        people = [await add_person(uow, n) for n in range(4)]
        session = await add_session(uow, people[0])
        assert session.id is not None
        hands = []
        for person, seq, status in zip(
            people,
            (3, 1, 2, 0),
            (HandStatus.PENDING, HandStatus.PENDING, HandStatus.PENDING, HandStatus.LOWERED),
            strict=True,
        ):
            assert person.id is not None
            hands.append(
                await uow.hands.add(
                    Hand(
                        session_id=session.id,
                        person_id=person.id,
                        kind=TurnKind.SPEECH,
                        seq=seq,
                        raised_at=at(seq),
                        status=status,
                    )
                )
            )
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.hands.pending(session.id) == [hands[1], hands[2], hands[0]]
        assert people[1].id and people[3].id
        assert await uow.hands.pending_for(session.id, people[1].id) == hands[1]
        assert await uow.hands.pending_for(session.id, people[3].id) is None
        assert await uow.hands.count_pending(session.id) == 3
        assert await uow.hands.pending(session.id, TurnKind.QUESTION) == []


async def test_participant_and_open_session_read_together(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """A person, their attendance and pending hand in a session: in one query, alone or with
    the chat's open session (the other session's rows and lowered hands stay out)."""
    async with uow_factory() as uow:
        moderator, signed, stranger = [await add_person(uow, n) for n in (1, 2, 3)]
        old = await add_session(uow, moderator, code="OLD", status=CLOSED)
        session = await add_session(uow, moderator, code="NEW")
        assert old.id and session.id and signed.id and stranger.id
        attendance = await uow.attendance.add(Attendance(
            session_id=session.id, person_id=signed.id, name="Person 2",
            kind=ParticipantKind.RESIDENT, signed_in_at=at(1), method=SignInMethod.GROUP))
        await uow.attendance.add(Attendance(
            session_id=old.id, person_id=stranger.id, name="Person 3",
            kind=ParticipantKind.RESIDENT, signed_in_at=at(0), method=SignInMethod.GROUP))
        for status, seq in ((HandStatus.LOWERED, 1), (HandStatus.PENDING, 2)):
            hand = await uow.hands.add(Hand(session.id, signed.id, TurnKind.QUESTION, seq,
                                            at(seq), status=status))
        await uow.commit()
    assert signed.telegram_user_id and stranger.telegram_user_id
    async with uow_factory() as uow:
        found = await uow.people.participant(session.id, signed.telegram_user_id)
        assert found is not None
        assert (found.person, found.attendance, found.pending_hand) == (signed, attendance, hand)
        alone = await uow.people.participant(session.id, stranger.telegram_user_id)
        assert alone is not None and (alone.attendance, alone.pending_hand) == (None, None)
        assert await uow.people.participant(session.id, 12345) is None
        both = await uow.sessions.open_with_participant(CHAT, signed.telegram_user_id)
        assert both is not None and both == (session, found)
        nobody = await uow.sessions.open_with_participant(CHAT, 12345)
        assert nobody == (session, None)
        assert await uow.sessions.open_with_participant(CHAT + 1, 12345) is None
        assert await uow.sessions.open_in_chat(CHAT, for_update=True) == session
        assert await uow.hands.pending(session.id, TurnKind.QUESTION) == [hand]


async def test_turn_queries(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        a, b, c = [await add_person(uow, n) for n in range(3)]
        session = await add_session(uow, a)
        closed = await add_session(uow, a, chat_id=1, code="CLOSED")
        elsewhere = await add_session(uow, a, chat_id=2, code="ELSE")
        assert session.id and closed.id and elsewhere.id and a.id and b.id and c.id
        first = await _turn(uow, session.id, a.id, 0, 10)
        second = await _turn(uow, session.id, b.id, 10, 20)
        third = await _turn(uow, session.id, a.id, 20, 30)
        live = await _turn(uow, session.id, c.id, 30, None)
        stale = await _turn(uow, closed.id, a.id, 0, None)
        other = await _turn(uow, elsewhere.id, b.id, 5, None)
        closed.status = CLOSED
        await uow.sessions.save(closed)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.turns.list(session.id) == [first, second, third, live]
        assert await uow.turns.recent(session.id, limit=2) == [live, third]
        assert await uow.turns.recent(session.id) == [live, third, second, first]
        assert await uow.turns.current(session.id) == live
        assert await uow.turns.current(closed.id) == stale
        assert await uow.turns.spoken_counts(session.id) == {a.id: 2, b.id: 1, c.id: 1}
        assert await uow.turns.spoken_counts(session.id + 100) == {}
        # the timekeeper's list: turns in progress in sessions that are not closed
        assert await uow.turns.active() == [other, live]


async def test_contributions_by_seq_and_count(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        person = await add_person(uow)
        session = await add_session(uow, person)
        assert session.id is not None
        added = [
            await uow.contributions.add(
                Contribution(
                    session_id=session.id,
                    seq=seq,
                    person_id=None,
                    speaker_name="记录员",
                    kind=ContributionKind.COMMENT,
                    source=Source.TEXT,
                    text=f"第{seq}条",
                    at=at(100 - seq),
                )
            )
            for seq in (2, 3, 1)
        ]
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.contributions.list(session.id) == [added[2], added[0], added[1]]
        assert await uow.contributions.count(session.id) == 3
        assert await uow.contributions.count(session.id + 1) == 0


async def test_question_turns_with_their_first_words_shown(
        uow_factory: UnitOfWorkFactory) -> None:
    """The room's screen reads a 回应's question here: question turns, newest first, each
    with its asker's first question contribution of the statuses asked for; not a written
    submission, nor someone else's words, nor a pending transcript."""
    async with uow_factory() as uow:
        a, b = await add_person(uow, 1), await add_person(uow, 2)
        session = await add_session(uow, a)
        assert session.id and a.id and b.id

        async def question(person_id: int, start: float, addressee: str) -> Turn:
            assert session.id
            return await uow.turns.add(Turn(session_id=session.id, person_id=person_id,
                                            kind=TurnKind.QUESTION, started_at=at(start),
                                            limit_s=60, addressee=addressee,
                                            ended_at=at(start + 5)))

        first = await question(a.id, 0, "住建局")
        await _turn(uow, session.id, b.id, 10, 20)  # a speech: not a question
        second = await question(b.id, 30, "交通局")
        silent = await question(a.id, 40, "住建局")
        seq = iter(range(1, 100))

        async def said(turn: Turn | None, person_id: int, kind: ContributionKind, text: str,
                       status: ContributionStatus = ContributionStatus.FINAL) -> None:
            assert session.id
            await uow.contributions.add(Contribution(
                session_id=session.id, seq=next(seq), person_id=person_id, speaker_name="x",
                kind=kind, source=Source.TEXT, text=text, at=at(0), status=status,
                turn_id=turn.id if turn else None))

        await said(first, a.id, ContributionKind.WRITTEN, "私下的书面意见")
        await said(first, b.id, ContributionKind.QUESTION, "别人的话")
        await said(first, a.id, ContributionKind.QUESTION, "路灯什么时候修")
        await said(first, a.id, ContributionKind.QUESTION, "还有一句")
        await said(second, b.id, ContributionKind.QUESTION, "正在转写", ContributionStatus.PENDING)
        await said(second, b.id, ContributionKind.QUESTION, "公交站能挪吗")
        await said(silent, a.id, ContributionKind.QUESTION, "", ContributionStatus.PENDING)
        await uow.commit()
    final = [ContributionStatus.FINAL]
    async with uow_factory() as uow:
        assert await uow.turns.questions(session.id, final) == [
            AskedQuestion(silent.id or 0, None, a.id, "住建局", at(40), None),
            AskedQuestion(second.id or 0, None, b.id, "交通局", at(30), "公交站能挪吗"),
            AskedQuestion(first.id or 0, None, a.id, "住建局", at(0), "路灯什么时候修"),
        ]
        assert [q.turn_id for q in await uow.turns.questions(session.id, final, limit=2)] == [
            silent.id, second.id]
        assert await uow.turns.questions(session.id + 1, final) == []
