"""Forgetting and exporting a person, and the audit log, on SQLite and PostgreSQL: a real
session (use cases on real storage) with a resident who asks to be forgotten."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from facilitation import floor, minutes, record, services
from facilitation.audit import AuditAction, Operator
from facilitation.draft_edits import AddSuggestion
from facilitation.errors import InvalidInput, NotFound, PermissionDenied
from facilitation.model import AudioJob, AudioKind, JobStatus, ParticipantKind, TurnKind
from facilitation.people import (
    Forgotten,
    PersonRef,
    export_person,
    footprint,
    forget_person,
    read_audit,
)
from facilitation.personal_data import personal_data
from facilitation.ports import BoardState, TrackingUnitOfWorkFactory, UnitOfWorkFactory
from facilitation.roles import Role, grant_role
from facilitation.services import Actor
from storage.audio_files import FolderAudioFiles
from storage.inbox import NO_PAYLOAD, Inbox
from storage.uow import make_session_factory
from tests.integration.storage_builders import at
from transcripts.minutes.drafts import approve_draft, load_draft, version_minutes
from transcripts.minutes.model import Minutes
from transcripts.minutes.public import public_version
from transcripts.minutes.render_md import to_markdown

TZ = ZoneInfo("Asia/Shanghai")
CHAT = -1001234
MOD = Actor(1001, "李主席")
ZHANG = Actor(1002, "张三")
LI = Actor(1003, "李四")
STAFF = Actor(1009, "督导", config_admin=True)
OPERATOR = Operator("tester")
SAID = "我是张三，我家门口的路灯坏了三个月"
AGREED = "同意张三的意见，路灯要尽快修"


@dataclass
class Hall:
    uow: TrackingUnitOfWorkFactory
    engine: AsyncEngine
    session_id: int
    zhang_id: int
    audio_dir: Path
    audio_file: Path

    async def forget(self, ref: PersonRef, by: Actor | Operator = OPERATOR,
                     seconds: float = 900) -> Forgotten:
        return await forget_person(self.uow(), ref=ref, by=by, now=at(seconds),
                                   audio=FolderAudioFiles(self.audio_dir))


async def _session(uow: UnitOfWorkFactory) -> int:
    session = await services.open_session(
        uow(), chat_id=CHAT, topic="路灯维修", actor=MOD, now=at(0), new_code=lambda: "LAMP01",
        turn_limit_s=180)
    await services.set_profile(uow(), actor=ZHANG, name="张三", kind=ParticipantKind.RESIDENT,
                               sector=None, unit="东头村")
    for n, actor in enumerate((ZHANG, LI)):
        await services.sign_in(uow(), actor=actor, now=at(10 + n), chat_id=CHAT)
    await floor.raise_hand(uow(), chat_id=CHAT, actor=ZHANG, kind=TurnKind.SPEECH,
                           addressee=None, now=at(20))
    await floor.raise_hand(uow(), chat_id=CHAT, actor=LI, kind=TurnKind.QUESTION,
                           addressee="张三", now=at(21))
    await floor.call_next(uow(), chat_id=CHAT, actor=MOD, now=at(30))
    await record.record_group_text(uow(), chat_id=CHAT, actor=ZHANG, text=SAID, now=at(40))
    await floor.call_next(uow(), chat_id=CHAT, actor=MOD, now=at(60))
    await record.record_group_text(uow(), chat_id=CHAT, actor=LI, text=AGREED, now=at(70))
    await floor.close_session(uow(), chat_id=CHAT, actor=MOD, now=at(100))
    assert session.id is not None
    return session.id


async def _voice(uow: UnitOfWorkFactory, session_id: int, person_id: int,
                 audio_dir: Path) -> Path:
    """A voice message of 张三's, transcribed, its audio kept in the data folder."""
    async with uow() as work:
        theirs = [c for c in await work.contributions.list(session_id) if c.person_id == person_id]
        job = await work.audio_jobs.add(AudioJob(
            session_id=session_id, chat_id=CHAT, message_id=77, file_id="AwACAgIAAxkBAAIBZ",
            kind=AudioKind.VOICE, created_at=at(45), contribution_id=theirs[0].id,
            person_id=person_id, file_unique_id="AgADZ", status=JobStatus.DONE,
            audio_path=f"{session_id}/1.ogg"))
        await work.commit()
    path = audio_dir / str(session_id) / "1.ogg"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"OggS a voice")
    assert job.id is not None
    return path


async def _minutes(uow: UnitOfWorkFactory, session_id: int) -> None:
    """The moderator corrects 李四's turn, adds a suggestion naming 张三, approves."""
    await minutes.correct_turn(uow(), session_id=session_id, seq=2, text=AGREED + "好",
                               actor=MOD, now=at(200))
    await minutes.edit_draft(uow(), session_id=session_id, actor=MOD, now=at(210),
                             edit=AddSuggestion(1, "修好张三家门口的路灯", ("张三",), "城建"))
    assert await approve_draft(uow(), session_id=session_id, actor=MOD, now=at(300), tz=TZ,
                               anyway=True) == 1


async def _inbox(engine: AsyncEngine) -> None:
    """Updates as stored by the poller: three handled (one from 张三, one naming him), one
    from 张三 still waiting."""
    names = {1001: "主席", 1002: "三", 1003: "四"}

    def update(update_id: int, user_id: int, words: str) -> tuple[int, str]:
        sender = {"id": user_id, "is_bot": False, "first_name": names[user_id],
                  "username": f"user{user_id}"}
        return update_id, json.dumps({"update_id": update_id, "message": {
            "message_id": update_id, "date": 0, "from": sender, "text": words,
            "chat": {"id": CHAT, "type": "supergroup", "title": "议事堂"}}},
            ensure_ascii=False)

    inbox = Inbox(make_session_factory(engine))
    await inbox.store([update(1, 1002, "我的路灯坏了"), update(2, 1003, "路灯要尽快修"),
                       update(3, 1002, "还有一件事"), update(4, 1001, "请张三先说")], at(0))
    for update_id in (1, 2, 4):
        await inbox.mark_processed(update_id, at(1))


@pytest.fixture
async def hall(uow_factory: TrackingUnitOfWorkFactory, engine: AsyncEngine,
               tmp_path: Path) -> Hall:
    session_id = await _session(uow_factory)
    async with uow_factory() as work:
        zhang = await work.people.by_telegram_id(ZHANG.user_id)
    assert zhang is not None and zhang.id is not None
    audio_dir = tmp_path / "audio"
    audio_file = await _voice(uow_factory, session_id, zhang.id, audio_dir)
    await _minutes(uow_factory, session_id)
    await _inbox(engine)
    return Hall(uow_factory, engine, session_id, zhang.id, audio_dir, audio_file)


async def _payloads(engine: AsyncEngine) -> dict[int, str]:
    async with engine.connect() as connection:
        rows = await connection.execute(text("SELECT update_id, payload FROM inbox"))
        return {int(r[0]): str(r[1]) for r in rows}


async def test_forget_erases_identity_and_keeps_the_record(hall: Hall) -> None:
    label = f"匿名发言人{hall.zhang_id}"
    done = await hall.forget(PersonRef(telegram_user_id=ZHANG.user_id))
    assert done == Forgotten(hall.zhang_id, label, already=False, sessions=1, sign_ins=1,
                              turns=1, audio_files=1, texts=2, versions=1, updates=2)
    async with hall.uow() as work:
        assert await work.people.by_telegram_id(ZHANG.user_id) is None
        person = await work.people.get(hall.zhang_id)
        attendance = await work.attendance.list(hall.session_id)
        said = await work.contributions.list(hall.session_id)
        jobs = await work.personal.footprint(person) if person else None
        edits = await work.minutes.edits(hall.session_id)
        version = await work.minutes.latest_version(hall.session_id)
        hands = await work.personal.hands(hall.session_id)
        by_name = await work.search.search("张三")
        by_word = await work.search.search("路灯")
    assert person is not None and person.forgotten_at == at(900)
    assert (person.display_name, person.telegram_user_id, person.unit, person.language) == (
        label, None, None, None)
    assert person.kind == ParticipantKind.RESIDENT  # counts by kind stay right
    assert [a.name for a in attendance] == ["李主席", label, "李四"]
    assert attendance[1].unit is None and attendance[1].kind == ParticipantKind.RESIDENT
    assert [(c.seq, c.speaker_name, c.text) for c in said] == [
        (1, label, f"我是{label}，我家门口的路灯坏了三个月"),
        (2, "李四", f"同意{label}的意见，路灯要尽快修好")]
    assert said[1].original_text == f"同意{label}的意见，路灯要尽快修"
    assert jobs is not None and [(j.audio_path, j.file_id, j.file_unique_id)
                                 for j in jobs.audio_jobs] == [(None, "", None)]
    assert not hall.audio_file.exists()
    assert "张三" not in json.dumps([e.payload for e in edits], ensure_ascii=False)
    assert version is not None and "张三" not in version.body and label in version.body
    assert [h.addressee for h in hands] == [None, label]
    assert by_name == []
    assert {(hit.seq, hit.speaker) for hit in by_word} == {(1, label), (2, "李四"),
                                                            (None, None)}  # and the topic
    payloads = await _payloads(hall.engine)
    assert payloads[1] == payloads[4] == NO_PAYLOAD  # handled, showed 张三: emptied (the
    # ids stay, so a redelivery is still known); another's stays, and one still to handle
    assert "路灯要尽快修" in payloads[2] and '"id": 1002' in payloads[3]


async def test_the_minutes_no_longer_name_them(hall: Hall) -> None:
    await hall.forget(PersonRef(name="张三"))
    draft = await load_draft(hall.uow(), hall.session_id, TZ)
    assert draft.latest is not None
    approved = version_minutes(draft.latest)
    for document in (to_markdown(draft.minutes), to_markdown(approved)):
        assert "张三" not in document
        assert f"匿名发言人{hall.zhang_id}" in document
    for public in (public_version(draft.minutes), public_version(approved)):
        assert "张三" not in to_markdown(public)  # a resident's label becomes 群众代表甲
    def speakers(m: Minutes) -> list[tuple[str, int, float]]:
        return [(s.name, s.turns, s.seconds) for s in m.statistics.per_speaker]

    assert speakers(draft.minutes) == speakers(version_minutes(draft.latest))


async def test_forgetting_twice_changes_nothing(hall: Hall) -> None:
    await hall.forget(PersonRef(telegram_user_id=ZHANG.user_id))
    async with hall.uow() as work:
        person = await work.people.get(hall.zhang_id)
        assert person is not None
        before = personal_data(await work.personal.footprint(person), at(0))
    again = await hall.forget(PersonRef(person_id=hall.zhang_id), seconds=2000)
    assert again == Forgotten(hall.zhang_id, f"匿名发言人{hall.zhang_id}", already=True)
    async with hall.uow() as work:
        after = personal_data(await work.personal.footprint(person), at(0))
    assert after == before  # not even a second audit entry
    with pytest.raises(NotFound) as missing:
        await hall.forget(PersonRef(telegram_user_id=ZHANG.user_id))
    assert missing.value.code == "person_not_found"


async def test_only_an_admin_or_the_command_line_may_forget(hall: Hall) -> None:
    """Someone's whole record spans every hall: the office's admins (configuration's, here)
    forget, the moderator does not."""
    with pytest.raises(PermissionDenied) as denied:
        await hall.forget(PersonRef(name="张三"), by=MOD)
    assert denied.value.code == "not_admin"
    async with hall.uow() as work:
        still = await work.people.by_telegram_id(ZHANG.user_id)
    assert still is not None and still.display_name == "张三" and hall.audio_file.exists()
    done = await hall.forget(PersonRef(name="张三"), by=STAFF)
    entries = [e for e in (await read_audit(hall.uow(), by=OPERATOR))
               if e.entry.action == AuditAction.FORGOT]
    assert [(e.actor, e.subject, e.entry.detail["turns"]) for e in entries] == [
        ("督导", done.label, 1)]


async def test_a_name_shared_by_two_people_is_ambiguous(hall: Hall) -> None:
    other = await services.set_profile(hall.uow(), actor=Actor(1004, "x"), name="张三",
                                       kind=ParticipantKind.MEMBER, sector=None, unit=None)
    with pytest.raises(InvalidInput) as ambiguous:
        await hall.forget(PersonRef(name="张三"))
    assert ambiguous.value.code == "person_ambiguous"
    assert ambiguous.value.params["ids"] == f"#{hall.zhang_id}、#{other.id}"
    with pytest.raises(NotFound):
        await hall.forget(PersonRef(name="王五"))


async def test_export_holds_everything_stored_about_them(hall: Hall) -> None:
    found = await export_person(hall.uow(), ref=PersonRef(name="张三"), by=STAFF, now=at(800))
    data = json.loads(json.dumps(personal_data(found, at(800)), ensure_ascii=False))
    assert data["person"] | {"id": 0} == {
        "id": 0, "display_name": "张三", "kind": "resident", "sector": None, "unit": "东头村",
        "telegram_user_id": ZHANG.user_id, "language": None, "has_profile": True,
        "notice_accepted_at": None, "forgotten_at": None}
    assert [(s["code"], s["moderated"]) for s in data["sessions"]] == [("LAMP01", False)]
    assert [(a["name"], a["method"], a["unit"]) for a in data["sign_ins"]] == [
        ("张三", "group", "东头村")]
    assert [(h["kind"], h["status"]) for h in data["queue"]] == [("speech", "called")]
    assert [t["kind"] for t in data["turns"]] == ["speech"]
    assert [(c["seq"], c["text"]) for c in data["contributions"]] == [(1, SAID)]
    assert [a["file"] for a in data["audio"]] == [f"audio/{hall.session_id}/1.ogg"]
    assert {a["action"] for a in data["audit"]} >= {"next", "exported"}  # called; exported
    assert {a["role"] for a in data["audit"]} == {"subject"}


async def test_audit_log_records_moderator_actions_in_order(hall: Hall) -> None:
    await hall.forget(PersonRef(name="张三"))
    lines = await read_audit(hall.uow(), by=OPERATOR)
    assert [(line.entry.action.value, line.actor) for line in lines] == [
        ("opened", "李主席"), ("next", "李主席"), ("next", "李主席"), ("closed", "李主席"),
        ("fixed", "李主席"), ("edited", "李主席"), ("approved", "李主席"),
        ("forgot", "cli:tester")]
    label = f"匿名发言人{hall.zhang_id}"
    assert [line.subject for line in lines][1:3] == [label, "李四"]
    assert lines[4].entry.detail == {"seq": 2} and lines[6].entry.detail == {"version": 1}
    assert lines[0].entry.at == at(0) and lines[-1].entry.at == at(900)
    since = await read_audit(hall.uow(), by=OPERATOR, since=at(250))
    assert [line.entry.action for line in since] == [AuditAction.APPROVED, AuditAction.FORGOT]
    of_session = await read_audit(hall.uow(), by=OPERATOR, session_id=hall.session_id)
    assert len(of_session) == 7  # forgetting is about a person, not one session
    with pytest.raises(PermissionDenied):
        await read_audit(hall.uow(), by=MOD)


async def test_footprint_needs_staff(hall: Hall) -> None:
    found = await footprint(hall.uow(), ref=PersonRef(person_id=hall.zhang_id), by=STAFF)
    assert found.person.display_name == "张三" and len(found.contributions) == 1
    with pytest.raises(PermissionDenied):
        await footprint(hall.uow(), ref=PersonRef(person_id=hall.zhang_id), by=LI)


async def test_roles_are_exported_and_revoked_when_forgotten(hall: Hall) -> None:
    """A person's role grants are part of what is stored about them: the export lists them,
    and forgetting revokes them (an erased identity holds no role)."""
    await grant_role(hall.uow(), by=OPERATOR, role=Role.VIEWER, hall_chat_id=CHAT, now=at(800),
                     person_id=hall.zhang_id)
    found = await export_person(hall.uow(), ref=PersonRef(person_id=hall.zhang_id),
                                by=OPERATOR, now=at(850))
    assert personal_data(found, at(850))["roles"] == [
        {"role": "viewer", "hall_chat_id": CHAT, "granted_at": at(800).isoformat()}]
    done = await hall.forget(PersonRef(person_id=hall.zhang_id))
    assert done.roles == 1
    async with hall.uow() as work:
        assert await work.roles.grants(person_id=hall.zhang_id) == []
        person = await work.people.get(hall.zhang_id)
        assert person is not None
        assert personal_data(await work.personal.footprint(person), at(0))["roles"] == []


async def test_the_live_board_no_longer_names_them(hall: Hall) -> None:
    """The group's live board keeps its words in the database while the session is open
    (bot/board.py): forgetting renames them there too, and the board is edited to match."""
    async with hall.uow() as work:
        await work.boards.add(BoardState(hall.session_id, CHAT, 77, "1. 张三（群众代表）",
                                         head="主持人：李主席\n张三 提议"))
        await work.commit()
    await hall.forget(PersonRef(name="张三"))
    async with hall.uow() as work:
        board = await work.boards.get(hall.session_id)
    label = f"匿名发言人{hall.zhang_id}"
    assert board is not None and board.message_id == 77
    assert (board.text, board.head) == (f"1. {label}（群众代表）", f"主持人：李主席\n{label} 提议")
