"""Minutes storage on SQLite and PostgreSQL: edits in order, versions frozen and unique,
confirmations and focus replaced in place, everything gone with its session."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from facilitation.model import (
    ConfirmationStatus,
    Contribution,
    ContributionKind,
    EditOp,
    HallDocument,
    MinutesEdit,
    MinutesVersion,
    SessionStatus,
    Source,
)
from facilitation.ports import UnitOfWorkFactory
from tests.integration.storage_builders import add_person, add_session, at


async def _session(uow_factory: UnitOfWorkFactory) -> tuple[int, int]:
    async with uow_factory() as uow:
        mod = await add_person(uow, 1)
        session = await add_session(uow, mod, status=SessionStatus.CLOSED)
        await uow.commit()
    assert session.id is not None and mod.id is not None
    return session.id, mod.id


async def test_edits_versions_confirmations_and_focus(uow_factory: UnitOfWorkFactory) -> None:
    session_id, person_id = await _session(uow_factory)
    async with uow_factory() as uow:
        for i, op in enumerate((EditOp.ADD_SUGGESTION, EditOp.SET_UNIT)):
            await uow.minutes.add_edit(MinutesEdit(session_id, op, {"seq": i, "text": "划线"},
                                                   person_id, at(i)))
        await uow.minutes.add_version(MinutesVersion(session_id, 1, '{"a": 1}', person_id,
                                                     at(5)))
        await uow.minutes.add_version(MinutesVersion(session_id, 2, '{"a": 2}', None, at(6)))
        await uow.minutes.set_confirmation(session_id, person_id, ConfirmationStatus.SENT,
                                           at(7))
        await uow.minutes.set_confirmation(session_id, person_id,
                                           ConfirmationStatus.CONFIRMED, at(8))
        await uow.minutes.set_focus(person_id, session_id)
        await uow.minutes.set_focus(person_id, session_id)
        await uow.commit()
    async with uow_factory() as uow:
        edits = await uow.minutes.edits(session_id)
        assert [(e.op, e.payload["seq"]) for e in edits] == [
            (EditOp.ADD_SUGGESTION, 0), (EditOp.SET_UNIT, 1)]
        assert edits[0].at == at(0) and edits[0].payload["text"] == "划线"
        latest = await uow.minutes.latest_version(session_id)
        assert latest is not None and (latest.version, latest.body) == (2, '{"a": 2}')
        first = await uow.minutes.version(session_id, 1)
        assert first is not None and first.approved_by == person_id
        assert first.approved_at == at(5)
        assert await uow.minutes.version(session_id, 3) is None
        assert await uow.minutes.confirmations(session_id) == {
            person_id: ConfirmationStatus.CONFIRMED}
        assert await uow.minutes.focus(person_id) == session_id
        assert await uow.minutes.focus(person_id + 100) is None


async def test_a_version_number_is_taken_once(uow_factory: UnitOfWorkFactory) -> None:
    session_id, person_id = await _session(uow_factory)
    async with uow_factory() as uow:
        await uow.minutes.add_version(MinutesVersion(session_id, 1, "{}", person_id, at(1)))
        await uow.commit()
    with pytest.raises(IntegrityError):
        async with uow_factory() as uow:
            await uow.minutes.add_version(MinutesVersion(session_id, 1, "{}", person_id, at(2)))
            await uow.commit()


async def test_marks_distinguish_unjudged_from_judged_empty(
        uow_factory: UnitOfWorkFactory) -> None:
    session_id, person_id = await _session(uow_factory)
    async with uow_factory() as uow:
        for seq, marks in ((1, None), (2, ()), (3, ("consensus",))):
            await uow.contributions.add(Contribution(
                session_id=session_id, seq=seq, person_id=person_id, speaker_name="甲",
                kind=ContributionKind.SPEECH, source=Source.TEXT, text=f"第{seq}句",
                at=at(seq), marks=marks))
        await uow.commit()
    async with uow_factory() as uow:
        stored = await uow.contributions.list(session_id)
    assert [c.marks for c in stored] == [None, (), ("consensus",)]


async def test_first_approvals_of_a_chat_in_order(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        mod = await add_person(uow, 1)
        first = await add_session(uow, mod, code="AAA111", status=SessionStatus.CLOSED)
        second = await add_session(uow, mod, code="BBB222", status=SessionStatus.CLOSED)
        elsewhere = await add_session(uow, mod, code="CCC333", chat_id=-99,
                                      status=SessionStatus.CLOSED)
        await uow.commit()
    assert first.id and second.id and elsewhere.id
    async with uow_factory() as uow:
        # the second session's minutes are approved first; a re-approval keeps the first time
        await uow.minutes.add_version(MinutesVersion(second.id, 1, "{}", None, at(10)))
        await uow.minutes.add_version(MinutesVersion(first.id, 1, "{}", None, at(20)))
        await uow.minutes.add_version(MinutesVersion(second.id, 2, "{}", None, at(30)))
        await uow.minutes.add_version(MinutesVersion(elsewhere.id, 1, "{}", None, at(5)))
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.minutes.first_approvals(first.chat_id) == [
            (second.id, at(10)), (first.id, at(20))]


async def test_hall_document_upsert(uow_factory: UnitOfWorkFactory) -> None:
    wanted = HallDocument(to=("县委办公室", "县政府办公室"), cc=("县住建局",),
                          issuer="政协平桥县委员会办公室", numbering="平桥议事〔{year}〕{n}号")
    async with uow_factory() as uow:
        assert await uow.halls.document(-5) == HallDocument()
        await uow.halls.set_document(-5, wanted)
        await uow.halls.set_glossary(-5, ["平桥镇"])  # the same row: neither loses the other
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.halls.document(-5) == wanted
        assert await uow.halls.glossary(-5) == ("平桥镇",)
        await uow.halls.set_document(-5, HallDocument())
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.halls.document(-5) == HallDocument()
        assert await uow.halls.glossary(-5) == ("平桥镇",)


async def test_hall_settings_follow_a_group_that_became_a_supergroup(
        uow_factory: UnitOfWorkFactory) -> None:
    document = HallDocument(to=("县委办公室",), issuer="政协平桥县委员会办公室")
    async with uow_factory() as uow:
        await uow.halls.set_glossary(-11, ["平桥镇"])
        await uow.halls.set_document(-11, document)
        await uow.halls.set_template(-11, b"PK template")
        await uow.halls.set_glossary(-21, ["已有"])  # a hall that already has its own settings
        await uow.commit()
    async with uow_factory() as uow:
        await uow.halls.move(-11, -1011)
        await uow.halls.move(-12, -21)  # nothing to move: -21 keeps its own
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.halls.glossary(-1011) == ("平桥镇",)
        assert await uow.halls.document(-1011) == document
        assert await uow.halls.template(-1011) == b"PK template"
        assert await uow.halls.glossary(-11) == () and await uow.halls.template(-11) is None
        assert await uow.halls.glossary(-21) == ("已有",)
