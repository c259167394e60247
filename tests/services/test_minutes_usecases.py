"""Marks, corrections, draft edits, 发言确认 and approval, on in-memory fakes."""

from __future__ import annotations

import pytest

from facilitation import floor, minutes, record, services
from facilitation.draft_edits import AddSuggestion, from_record
from facilitation.errors import InvalidState, NotFound, PermissionDenied
from facilitation.model import ConfirmationStatus, ContributionStatus, EditOp, Mark
from facilitation.services import Actor
from tests.fakes import FakeClock, FakeUowFactory, SequentialCodes
from tests.services.scenes import CHAT, MOD, STAFF, A, B, held


def contribution_of(uow: FakeUowFactory, seq: int) -> int:
    found = [c for c in uow.store.contributions.values() if c.seq == seq]
    assert found and found[0].id is not None
    return found[0].id


async def test_marks_toggle_and_only_the_moderator_or_staff_may_mark(
        uow: FakeUowFactory, clock: FakeClock) -> None:
    await held(uow, clock, close=False)
    cid = contribution_of(uow, 1)
    marked = await minutes.toggle_mark(uow(), contribution_id=cid, mark=Mark.SUGGESTION,
                                       actor=MOD)
    assert marked.marks == ("suggestion",)
    await minutes.toggle_mark(uow(), contribution_id=cid, mark=Mark.ACTION, actor=STAFF)
    assert uow.store.contributions[cid].marks == ("suggestion", "action")
    cleared = await minutes.toggle_mark(uow(), contribution_id=cid, mark=Mark.SUGGESTION,
                                        actor=MOD)
    assert cleared.marks == ("action",)
    with pytest.raises(PermissionDenied):
        await minutes.toggle_mark(uow(), contribution_id=cid, mark=Mark.CONSENSUS, actor=A)
    assert uow.store.contributions[cid].marks == ("action",)
    untouched = uow.store.contributions[contribution_of(uow, 2)]
    assert untouched.marks is None  # nobody judged it: automatic extraction applies


async def test_a_speaker_corrects_only_their_own_turn(uow: FakeUowFactory,
                                                      clock: FakeClock) -> None:
    session_id = await held(uow, clock)
    fixed = await minutes.correct_turn(uow(), session_id=session_id, seq=1,
                                       text="建议在小区东门划30个临时停车位。", actor=A,
                                       now=clock())
    assert fixed.text.startswith("建议在小区东门划30") and fixed.original_text is not None
    assert "20个" in fixed.original_text
    assert uow.store.minutes.confirmations[(session_id, fixed.person_id or 0)] \
        == ConfirmationStatus.CORRECTED
    with pytest.raises(PermissionDenied):
        await minutes.correct_turn(uow(), session_id=session_id, seq=2, text="改掉", actor=A,
                                   now=clock())
    await minutes.correct_turn(uow(), session_id=session_id, seq=2, text="夜里违停很多。",
                               actor=MOD, now=clock())
    again = await minutes.correct_turn(uow(), session_id=session_id, seq=1, text="第三稿",
                                       actor=MOD, now=clock())
    assert again.original_text is not None and "20个" in again.original_text
    with pytest.raises(NotFound):
        await minutes.correct_turn(uow(), session_id=session_id, seq=99, text="x", actor=MOD,
                                   now=clock())


async def test_draft_edits_need_a_closed_session_and_an_editor(uow: FakeUowFactory,
                                                               clock: FakeClock) -> None:
    session_id = await held(uow, clock, close=False)
    edit = AddSuggestion(2, "夜间加强巡查", ("李四",), "社会治理")
    with pytest.raises(InvalidState):
        await minutes.edit_draft(uow(), session_id=session_id, edit=edit, actor=MOD,
                                 now=clock())
    await floor.close_session(uow(), chat_id=CHAT, actor=MOD, now=clock())
    with pytest.raises(PermissionDenied):
        await minutes.edit_draft(uow(), session_id=session_id, edit=edit, actor=A, now=clock())
    await minutes.edit_draft(uow(), session_id=session_id, edit=edit, actor=STAFF, now=clock())
    assert [e.op for e in uow.store.minutes.edits] == [EditOp.ADD_SUGGESTION]
    assert [from_record(e) for e in uow.store.minutes.edits] == [edit]


async def test_approval_makes_versions_and_keeps_the_old_ones(uow: FakeUowFactory,
                                                              clock: FakeClock) -> None:
    session_id = await held(uow, clock)
    assert await minutes.approve(uow(), session_id=session_id, body='{"v": 1}', actor=MOD,
                                 now=clock()) == 1
    with pytest.raises(InvalidState) as unchanged:
        await minutes.approve(uow(), session_id=session_id, body='{"v": 1}', actor=MOD,
                              now=clock())
    assert unchanged.value.code == "minutes_unchanged"
    with pytest.raises(PermissionDenied):
        await minutes.approve(uow(), session_id=session_id, body='{"v": 2}', actor=A,
                              now=clock())
    assert await minutes.approve(uow(), session_id=session_id, body='{"v": 2}', actor=STAFF,
                                 now=clock()) == 2
    assert [(v.version, v.body) for v in uow.store.minutes.versions] == [
        (1, '{"v": 1}'), (2, '{"v": 2}')]


async def test_confirmation_requests_reach_speakers_and_name_the_unreachable(
        uow: FakeUowFactory, clock: FakeClock) -> None:
    session = await services.open_session(uow(), chat_id=CHAT, topic="停车难", actor=MOD,
                                          now=clock(), new_code=SequentialCodes(),
                                          turn_limit_s=180)
    assert session.id is not None
    await services.sign_in(uow(), actor=A, now=clock(), chat_id=CHAT)
    await record.record_group_text(uow(), chat_id=CHAT, actor=A, text="我来说两句。",
                                   now=clock())
    with pytest.raises(InvalidState):
        await minutes.request_confirmations(uow(), session_id=session.id, actor=MOD)
    await floor.close_session(uow(), chat_id=CHAT, actor=MOD, now=clock())
    recipients, unreachable = await minutes.request_confirmations(
        uow(), session_id=session.id, actor=MOD)
    assert [(r.name, r.telegram_user_id, [c.seq for c in r.turns]) for r in recipients] == [
        ("张三", A.user_id, [1])]
    assert unreachable == []
    assert not uow.store.minutes.confirmations  # nothing recorded before it was sent
    await minutes.confirmations_sent(uow(), session_id=session.id,
                                     person_ids=[recipients[0].person_id], now=clock())
    assert set(uow.store.minutes.confirmations.values()) == {ConfirmationStatus.SENT}
    # the closer edits next; a speaker's /fix applies here only once they chose to correct
    assert await minutes.focused_session(uow(), actor=MOD) == session.id
    with pytest.raises(NotFound):
        await minutes.focused_session(uow(), actor=A)
    await minutes.start_correcting(uow(), session_id=session.id, actor=A)
    assert await minutes.focused_session(uow(), actor=A) == session.id
    await minutes.confirm_turns(uow(), session_id=session.id, actor=A, now=clock())
    assert set(uow.store.minutes.confirmations.values()) == {ConfirmationStatus.CONFIRMED}
    # an editor's correction of a confirmed turn asks the speaker to look again
    await minutes.correct_turn(uow(), session_id=session.id, seq=1, text="我说三句。",
                               actor=MOD, now=clock())
    assert set(uow.store.minutes.confirmations.values()) == {ConfirmationStatus.SENT}
    with pytest.raises(PermissionDenied):  # said nothing: nothing to confirm or correct
        await minutes.confirm_turns(uow(), session_id=session.id, actor=B, now=clock())
    with pytest.raises(PermissionDenied):
        await minutes.start_correcting(uow(), session_id=session.id, actor=B)


async def test_approval_waits_for_pending_voice(uow: FakeUowFactory, clock: FakeClock) -> None:
    session_id = await held(uow, clock)
    pending = next(iter(uow.store.contributions.values()))
    pending.status = ContributionStatus.PENDING
    with pytest.raises(InvalidState) as waiting:
        await minutes.approve(uow(), session_id=session_id, body="{}", actor=MOD, now=clock())
    assert waiting.value.code == "minutes_pending_audio" and waiting.value.params == {"n": 1}


async def test_staff_new_to_the_bot_can_focus_on_any_session(uow: FakeUowFactory,
                                                             clock: FakeClock) -> None:
    session_id = await held(uow, clock)
    await minutes.focus_on(uow(), session_id=session_id, actor=STAFF)
    assert await minutes.focused_session(uow(), actor=STAFF) == session_id
    with pytest.raises(PermissionDenied):
        await minutes.focus_on(uow(), session_id=session_id, actor=A)


async def test_the_group_title_names_the_hall(uow: FakeUowFactory, clock: FakeClock) -> None:
    named = await services.open_session(uow(), chat_id=CHAT, topic="停车难", actor=MOD,
                                        now=clock(), new_code=SequentialCodes(),
                                        turn_limit_s=180, hall="  平桥镇民生议事堂 ")
    assert named.hall == "平桥镇民生议事堂"
    await floor.close_session(uow(), chat_id=CHAT, actor=MOD, now=clock())
    long = await services.open_session(uow(), chat_id=CHAT, topic="又一场", actor=MOD,
                                       now=clock(), new_code=SequentialCodes(),
                                       turn_limit_s=180, hall="议" * 128)
    assert long.hall is not None and len(long.hall) == 100


async def test_staff_powers_end_with_the_configuration_not_with_the_stored_person(
        uow: FakeUowFactory, clock: FakeClock) -> None:
    """A user who was staff (and acted as staff, so is stored) loses every power the moment
    the configuration stops naming them: roles are decided at each action."""
    session_id = await held(uow, clock)
    await minutes.focus_on(uow(), session_id=session_id, actor=STAFF)
    await minutes.correct_turn(uow(), session_id=session_id, seq=1, text="建议划二十个车位。",
                               actor=STAFF, now=clock())
    former = Actor(STAFF.user_id, STAFF.display_name, config_admin=False)
    with pytest.raises(PermissionDenied):
        await minutes.focus_on(uow(), session_id=session_id, actor=former)
    with pytest.raises(PermissionDenied):
        await minutes.correct_turn(uow(), session_id=session_id, seq=1, text="一千元",
                                   actor=former, now=clock())
    with pytest.raises(PermissionDenied):
        await minutes.approve(uow(), session_id=session_id, body="{}", actor=former,
                              now=clock(), anyway=True)
