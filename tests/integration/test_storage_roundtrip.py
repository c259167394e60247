"""Every domain dataclass goes in and comes back equal, field by field."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import UTC
from typing import Any

from facilitation.model import (
    Attendance,
    Contribution,
    ContributionKind,
    Hand,
    HandStatus,
    ParticipantKind,
    Person,
    SessionStatus,
    SignInMethod,
    Source,
    Turn,
    TurnKind,
)
from facilitation.ports import UnitOfWorkFactory
from facilitation.session import Session
from facilitation.speech import Segment
from tests.integration.storage_builders import BEIJING, CHAT, add_person, add_session, at


def _assert_all_fields_set(obj: Any) -> None:
    """The round trips below mean something only if no field is left at None."""
    empty = [f.name for f in fields(obj) if getattr(obj, f.name) is None]
    assert not empty, f"{type(obj).__name__} has fields left at None: {empty}"


def _assert_utc(obj: Any) -> None:
    for f in fields(obj):
        value = getattr(obj, f.name)
        if hasattr(value, "tzinfo"):
            assert value.tzinfo is UTC, f"{f.name} is not UTC: {value!r}"


async def test_person_round_trip(uow_factory: UnitOfWorkFactory) -> None:
    person = Person(
        display_name="王秀英",
        kind=ParticipantKind.DEPARTMENT,
        sector="农工党",
        unit="住建局",
        telegram_user_id=2**53 + 7,
        language="zh-hans",
        has_profile=True,
        notice_accepted_at=at(1).astimezone(BEIJING),
        forgotten_at=at(2),  # every field set, to check each one round-trips
    )
    async with uow_factory() as uow:
        added = await uow.people.add(replace(person))
        await uow.commit()
    _assert_all_fields_set(added)
    assert added.id is not None
    async with uow_factory() as uow:
        by_id = await uow.people.get(added.id)
        by_telegram = await uow.people.by_telegram_id(2**53 + 7)
        many = await uow.people.get_many([added.id, added.id, 999_999])
    assert by_id == added == by_telegram
    assert many == {added.id: added}
    assert by_id is not None
    _assert_utc(by_id)


async def test_person_save_writes_every_field(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        person = await add_person(uow)
        await uow.commit()
    person.set_profile("李明", ParticipantKind.EXPERT, "科技界", "大学")
    person.notice_accepted_at = at(5)
    person.language = "en"
    person.telegram_user_id = None
    async with uow_factory() as uow:
        await uow.people.save(person)
        await uow.commit()
    async with uow_factory() as uow:
        assert person.id is not None
        assert await uow.people.get(person.id) == person
        assert await uow.people.get(person.id + 1000) is None
        assert await uow.people.get_many([]) == {}


async def test_session_round_trip(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        moderator = await add_person(uow)
        assert moderator.id is not None
        session = Session(
            chat_id=CHAT,
            code="XK7Q2P",
            topic="老旧小区加装电梯",
            moderator_id=moderator.id,
            created_at=at(0),
            turn_limit_s=240,
            status=SessionStatus.IN_PROGRESS,
            language="en",
            hall="Room 3",
            signin_opened_at=at(10),
            started_at=at(20),
            closed_at=at(30).astimezone(BEIJING),
            next_hand_seq=7,
            next_contribution_seq=12,
            screen_code="s3cr3t-screen-code-0123",
            closing_shown_at=at(31).astimezone(BEIJING),
        )
        session.events.append("not stored")
        await uow.sessions.add(session)
        await uow.commit()
    _assert_all_fields_set(session)
    assert session.id is not None
    async with uow_factory() as uow:
        for loaded in (
            await uow.sessions.get(session.id),
            await uow.sessions.by_code("XK7Q2P"),
            await uow.sessions.lock(session.id),
        ):
            assert loaded == session
            assert loaded is not None and loaded.events == []
            _assert_utc(loaded)
        assert await uow.sessions.by_code("NOPE") is None
        assert await uow.sessions.lock(session.id + 1000) is None


async def test_session_save_and_lock_see_changes(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        session = await add_session(uow, await add_person(uow))
        await uow.commit()
    assert session.id is not None
    session.status = SessionStatus.CLOSED
    session.closed_at = at(99)
    session.next_hand_seq = 42
    session.hall = "Hall B"
    async with uow_factory() as uow:
        await uow.sessions.save(session)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.sessions.lock(session.id) == session
        assert await uow.sessions.get(session.id) == session


async def test_attendance_hand_turn_contribution_round_trip(
    uow_factory: UnitOfWorkFactory,
) -> None:
    async with uow_factory() as uow:
        moderator = await add_person(uow, 1)
        speaker = await add_person(uow, 2)
        session = await add_session(uow, moderator)
        assert session.id and moderator.id and speaker.id
        attendance = await uow.attendance.add(
            Attendance(
                session_id=session.id,
                person_id=speaker.id,
                name="Speaker",
                kind=ParticipantKind.ELDER,
                signed_in_at=at(1),
                method=SignInMethod.PROXY,
                sector="s",
                unit="u",
                remote=True,
                late=True,
                left_at=at(2),
                proxy_by=moderator.id,
            )
        )
        question = await uow.hands.add(
            Hand(
                session_id=session.id,
                person_id=moderator.id,
                kind=TurnKind.QUESTION,
                seq=1,
                raised_at=at(3),
                status=HandStatus.CALLED,
                addressee="住建局",
            )
        )
        hand = await uow.hands.add(
            Hand(
                session_id=session.id,
                person_id=speaker.id,
                kind=TurnKind.RESPONSE,
                seq=2,
                raised_at=at(4),
                addressee="王",
                priority=-2,
                answers_hand_id=question.id,
                status=HandStatus.CALLED,
            )
        )
        asked = await uow.turns.add(
            Turn(
                session_id=session.id,
                person_id=moderator.id,
                kind=TurnKind.QUESTION,
                started_at=at(4),
                limit_s=60,
                ended_at=at(5),
            )
        )
        turn = await uow.turns.add(
            Turn(
                session_id=session.id,
                person_id=speaker.id,
                kind=TurnKind.RESPONSE,
                started_at=at(5),
                limit_s=90,
                hand_id=hand.id,
                addressee="王",
                answers_turn_id=asked.id,
                warned_at=at(60),
                timeup_at=at(95),
                ended_at=at(100),
                overtime_s=5,
            )
        )
        contribution = await uow.contributions.add(
            Contribution(
                session_id=session.id,
                seq=1,
                person_id=speaker.id,
                speaker_name="Speaker",
                kind=ContributionKind.RESPONSE,
                source=Source.VOICE,
                text="我们会在三月前答复。",
                at=at(50),
                turn_id=turn.id,
                addressed_to="王",
                chat_id=CHAT,
                message_id=2**40,
                duration_s=12.5,
                segments=(Segment(0.0, 1.5, "我们会", -0.31, 0.02, 0.9),
                          Segment(1.5, 3.0, "在三月前答复。")),
                engine="faster-whisper",
                model="whisper-base",
                marks=("suggestion", "action"),
                original_text="我们会在三月份答复。",
            )
        )
        await uow.commit()
    for obj in (attendance, hand, turn, contribution):
        _assert_all_fields_set(obj)
    assert attendance.id and hand.id and turn.id
    async with uow_factory() as uow:
        assert await uow.attendance.get(session.id, speaker.id) == attendance
        assert await uow.attendance.list(session.id) == [attendance]
        assert await uow.hands.get(hand.id) == hand
        assert await uow.turns.get(turn.id) == turn
        assert await uow.turns.list(session.id) == [asked, turn]
        assert await uow.contributions.list(session.id) == [contribution]
        loaded = [
            await uow.attendance.get(session.id, speaker.id),
            await uow.hands.get(hand.id),
            await uow.turns.get(turn.id),
            (await uow.contributions.list(session.id))[0],
        ]
    for stored in loaded:
        _assert_utc(stored)


async def test_saving_hand_turn_and_attendance(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        person = await add_person(uow)
        session = await add_session(uow, person)
        assert session.id and person.id
        attendance, _ = session.sign_in(person, at(1), method=SignInMethod.GROUP, existing=None)
        await uow.attendance.add(attendance)
        hand = await uow.hands.add(
            session.raise_hand(attendance, None, TurnKind.SPEECH, None, at(2))
        )
        turn = await uow.turns.add(session.call(person, hand, None, at(3)))
        await uow.hands.save(hand)
        await uow.commit()
    session.sign_out(attendance, at(4))
    turn.warned_at = at(5)
    turn.end(at(400))
    hand.priority = -1
    async with uow_factory() as uow:
        await uow.attendance.save(attendance)
        await uow.turns.save(turn)
        await uow.hands.save(hand)
        await uow.commit()
    assert turn.id and hand.id
    async with uow_factory() as uow:
        assert await uow.attendance.get(session.id, person.id) == attendance
        assert await uow.turns.get(turn.id) == turn
        assert await uow.hands.get(hand.id) == hand
        assert (await uow.hands.get(hand.id) or hand).status == HandStatus.CALLED
        assert (await uow.turns.get(turn.id) or turn).overtime_s == 400 - 3 - 180


async def test_audio_job_round_trip_and_due_order(uow_factory: UnitOfWorkFactory) -> None:
    from facilitation.model import AudioJob, AudioKind, JobStatus

    async with uow_factory() as uow:
        session = await add_session(uow, await add_person(uow), code="AUDIO1")
        assert session.id is not None
        first = await uow.audio_jobs.add(AudioJob(
            session_id=session.id, chat_id=CHAT, message_id=7, file_id="F1",
            kind=AudioKind.VOICE, created_at=at(0), file_unique_id="U1", file_size=2**33,
            claimed_duration_s=3.5, mime_type="audio/ogg", reply_message_id=8,
            next_attempt_at=at(100), last_error="x", audio_path="audio/1.ogg",
            finished_at=at(1), attempts=1))
        second = await uow.audio_jobs.add(AudioJob(
            session_id=session.id, chat_id=CHAT, message_id=9, file_id="F2",
            kind=AudioKind.RECORDING, created_at=at(5)))
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.audio_jobs.get(first.id or 0) == first
        assert [j.id for j in await uow.audio_jobs.due(at(50))] == [second.id]
        assert [j.id for j in await uow.audio_jobs.due(at(200))] == [first.id, second.id]
        assert await uow.audio_jobs.next_due_at() == at(100)
        second.finish(JobStatus.DONE, at(6))
        second.audio_path = "audio/2.ogg"
        await uow.audio_jobs.save(second)
        assert [j.id for j in await uow.audio_jobs.kept_before(at(10))] == [second.id]
        assert [j.id for j in await uow.audio_jobs.kept_before(at(1))] == []


async def test_hall_glossary_upsert(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        assert await uow.halls.glossary(CHAT) == ()
        await uow.halls.set_glossary(CHAT, ["平桥镇", "县住建局"])
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.halls.glossary(CHAT) == ("平桥镇", "县住建局")
        await uow.halls.set_glossary(CHAT, [])
        await uow.halls.set_glossary(-1, ["别的群"])
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.halls.glossary(CHAT) == ()
        assert await uow.halls.glossary(-1) == ("别的群",)
