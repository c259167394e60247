"""An edited message is recorded like /fix: the turn corrected, the original kept, the
correction an edit of the minutes (issue 9, point 7). On in-memory fakes."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from facilitation import floor, record, services
from facilitation.audit import AuditAction
from facilitation.draft_edits import CorrectTurn, from_record
from facilitation.model import ConfirmationStatus, Contribution, Source
from facilitation.services import Actor
from tests.fakes import FakeClock, FakeUowFactory, SequentialCodes
from transcripts.minutes.drafts import approve_draft, load_draft
from transcripts.minutes.render_md import to_markdown

TZ = ZoneInfo("Asia/Shanghai")
CHAT = -1001
MOD = Actor(1, "李主席")
A, B = Actor(2, "张三"), Actor(3, "李四")
SAID = "建议每户每月收取三百元停车管理费。"
MEANT = "建议每户每月收取三十元停车管理费。"


async def opened(uow: FakeUowFactory, clock: FakeClock) -> int:
    """An open session in which 张三 wrote message 101 and 李四 message 102."""
    session = await services.open_session(uow(), chat_id=CHAT, topic="停车难", actor=MOD,
                                          now=clock(), new_code=SequentialCodes(),
                                          turn_limit_s=180)
    for actor in (A, B):
        await services.sign_in(uow(), actor=actor, now=clock(), chat_id=CHAT)
    for actor, text, message_id in ((A, SAID, 101), (B, "夜里违停太多了。", 102)):
        await record.record_group_text(uow(), chat_id=CHAT, actor=actor, text=text,
                                       now=clock(), message_id=message_id)
    assert session.id is not None
    return session.id


def turn(uow: FakeUowFactory, seq: int) -> Contribution:
    return next(c for c in uow.store.contributions.values() if c.seq == seq)


async def test_the_author_edits_a_text_and_the_record_follows_with_the_original_kept(
        uow: FakeUowFactory, clock: FakeClock) -> None:
    session_id = await opened(uow, clock)
    done = await record.edit_text(uow(), chat_id=CHAT, message_id=101, actor=A, text=MEANT,
                                  now=clock.advance(30))
    assert done is not None and done.contribution.seq == 1
    fixed = turn(uow, 1)
    assert (fixed.text, fixed.original_text) == (MEANT, SAID)
    # the same path as /fix: an edit of the minutes by the speaker, audited, 发言确认 updated
    (edit,) = uow.store.minutes.edits
    assert from_record(edit) == CorrectTurn(1, MEANT)
    assert edit.person_id == fixed.person_id and edit.person_id is not None
    (entry,) = [e for e in uow.store.audit if e.action == AuditAction.FIXED]
    assert (entry.actor_id, entry.subject_id, entry.detail) == (
        fixed.person_id, fixed.person_id, {"seq": 1, "via": "message_edit"})
    assert uow.store.minutes.confirmations[(session_id, edit.person_id)] \
        == ConfirmationStatus.CORRECTED
    # a second edit corrects again; the original stays the words first recorded
    await record.edit_text(uow(), chat_id=CHAT, message_id=101, actor=A, text="改了两次。",
                           now=clock())
    assert (turn(uow, 1).text, turn(uow, 1).original_text) == ("改了两次。", SAID)


async def test_someone_elses_message_cannot_be_edited_into_the_record(
        uow: FakeUowFactory, clock: FakeClock) -> None:
    await opened(uow, clock)
    for actor, message_id in ((B, 101), (MOD, 101), (A, 102)):
        assert await record.edit_text(uow(), chat_id=CHAT, message_id=message_id, actor=actor,
                                      text="篡改", now=clock()) is None
    stranger = Actor(77, "路人")  # never took part: unknown to the record
    assert await record.edit_text(uow(), chat_id=CHAT, message_id=101, actor=stranger,
                                  text="篡改", now=clock()) is None
    assert [(turn(uow, s).text, turn(uow, s).original_text) for s in (1, 2)] == [
        (SAID, None), ("夜里违停太多了。", None)]
    assert uow.store.minutes.edits == []
    assert not [e for e in uow.store.audit if e.action == AuditAction.FIXED]


async def test_messages_not_recorded_as_text_or_unchanged_are_ignored(
        uow: FakeUowFactory, clock: FakeClock) -> None:
    session_id = await opened(uow, clock)
    # a message from before the session (or a command): never recorded
    assert await record.edit_text(uow(), chat_id=CHAT, message_id=50, actor=A, text="x",
                                  now=clock()) is None
    # the same message id in another chat is another message
    assert await record.edit_text(uow(), chat_id=-2002, message_id=101, actor=A, text="x",
                                  now=clock()) is None
    # only the formatting changed (the text, stripped, is the same)
    assert await record.edit_text(uow(), chat_id=CHAT, message_id=101, actor=A,
                                  text=f"  {SAID}\n", now=clock()) is None
    # a voice message's caption is no text of the record
    async with uow() as work:
        session = await work.sessions.get(session_id)
        person = await work.people.by_telegram_id(A.user_id)
        assert session is not None
        voice = session.record(person=person, speaker_name="张三", kind=turn(uow, 1).kind,
                               source=Source.VOICE, text="语音转写", now=clock(),
                               chat_id=CHAT, message_id=103)
        await work.contributions.add(voice)
        await work.sessions.save(session)
        await work.commit()
    assert await record.edit_text(uow(), chat_id=CHAT, message_id=103, actor=A, text="改",
                                  now=clock()) is None
    assert turn(uow, 3).text == "语音转写" and uow.store.minutes.edits == []


async def test_a_written_submission_edited_in_private_is_corrected(
        uow: FakeUowFactory, clock: FakeClock) -> None:
    await opened(uow, clock)
    written = await record.submit_written(uow(), actor=A, text=SAID, now=clock(),
                                          chat_id=A.user_id, message_id=7)
    done = await record.edit_text(uow(), chat_id=A.user_id, message_id=7, actor=A, text=MEANT,
                                  now=clock())
    assert done is not None and done.contribution.seq == written.contribution.seq
    fixed = turn(uow, written.contribution.seq)
    assert (fixed.text, fixed.original_text) == (MEANT, SAID)


async def test_an_edit_after_approval_is_recorded_and_the_draft_differs_from_it(
        uow: FakeUowFactory, clock: FakeClock) -> None:
    session_id = await opened(uow, clock)
    await floor.close_session(uow(), chat_id=CHAT, actor=MOD, now=clock())
    assert await approve_draft(uow(), session_id=session_id, actor=MOD, now=clock(),
                               tz=TZ) == 1
    assert not (await load_draft(uow(), session_id, TZ)).changed_since_approval
    assert await record.edit_text(uow(), chat_id=CHAT, message_id=101, actor=A, text=MEANT,
                                  now=clock()) is not None
    draft = await load_draft(uow(), session_id, TZ)
    assert draft.changed_since_approval
    assert "三十元" in to_markdown(draft.minutes) and "三百元" not in to_markdown(draft.minutes)
    assert turn(uow, 1).original_text == SAID
