from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from facilitation import floor, record, services
from facilitation.errors import DomainError, InvalidInput, InvalidState, NotFound, PermissionDenied
from facilitation.model import (
    ContributionKind,
    ParticipantKind,
    SessionStatus,
    SignInMethod,
    TurnKind,
)
from facilitation.services import Actor
from tests.fakes import FakeClock, FakeUowFactory, SequentialCodes

CHAT = -1001
MOD = Actor(1, "李主席")
A, B, C = Actor(2, "张三"), Actor(3, "李四"), Actor(4, "王五")


async def opened(uow: FakeUowFactory, clock: FakeClock, *people: Actor) -> None:
    await services.open_session(uow(), chat_id=CHAT, topic="污水零直排", actor=MOD,
                                now=clock(), new_code=SequentialCodes(), turn_limit_s=180)
    for actor in people:
        await services.sign_in(uow(), actor=actor, now=clock(), chat_id=CHAT)


async def test_open_session_signs_in_the_moderator(uow: FakeUowFactory, clock: FakeClock) -> None:
    await opened(uow, clock)
    session = next(iter(uow.store.sessions.values()))
    assert session.status == SessionStatus.SIGNIN_OPEN and session.code == "CODE0001"
    [att] = uow.store.attendance.values()
    assert att.kind == ParticipantKind.MODERATOR


@pytest.mark.parametrize("topic", ["", "   ", "议" * 500])
async def test_bad_topic_changes_nothing(uow: FakeUowFactory, clock: FakeClock,
                                         topic: str) -> None:
    with pytest.raises(InvalidInput):
        await services.open_session(uow(), chat_id=CHAT, topic=topic, actor=MOD, now=clock(),
                                    new_code=SequentialCodes(), turn_limit_s=180)
    assert not uow.store.sessions and not uow.store.people


async def test_second_open_session_in_chat_is_refused(uow: FakeUowFactory,
                                                      clock: FakeClock) -> None:
    await opened(uow, clock)
    with pytest.raises(InvalidState) as err:
        await services.open_session(uow(), chat_id=CHAT, topic="又一个", actor=A, now=clock(),
                                    new_code=SequentialCodes(), turn_limit_s=180)
    assert err.value.code == "session_already_open"
    assert len(uow.store.sessions) == 1


async def test_sign_in_is_idempotent_and_shows_notice_once(uow: FakeUowFactory,
                                                           clock: FakeClock) -> None:
    await opened(uow, clock)
    first = await services.sign_in(uow(), actor=A, now=clock(), chat_id=CHAT)
    again = await services.sign_in(uow(), actor=A, now=clock(), chat_id=CHAT)
    assert first.changed and first.show_notice and first.present == 2
    assert not again.changed and not again.show_notice
    by_link = await services.sign_in_with_code(uow(), actor=B, now=clock(), code="code0001",
                                               remote=True, member=True)
    assert isinstance(by_link, services.SignedIn)
    assert by_link.attendance.method == SignInMethod.DEEP_LINK and by_link.attendance.remote
    with pytest.raises(NotFound):
        await services.sign_in_with_code(uow(), actor=C, now=clock(), code="NOPE", member=True)


async def test_late_arrival_is_marked(uow: FakeUowFactory, clock: FakeClock) -> None:
    await opened(uow, clock, A)
    await floor.raise_hand(uow(), chat_id=CHAT, actor=A, kind=TurnKind.SPEECH, addressee=None,
                           now=clock())
    await floor.call_next(uow(), chat_id=CHAT, actor=MOD, now=clock())
    late = await services.sign_in(uow(), actor=B, now=clock.advance(600), chat_id=CHAT)
    assert late.attendance.late and late.session.status == SessionStatus.IN_PROGRESS


async def test_proxy_sign_in_only_by_moderator(uow: FakeUowFactory, clock: FakeClock) -> None:
    await opened(uow, clock, A)
    with pytest.raises(PermissionDenied):
        await services.proxy_sign_in(uow(), chat_id=CHAT, actor=A, name="赵大爷",
                                     kind=ParticipantKind.ELDER, now=clock())
    done = await services.proxy_sign_in(uow(), chat_id=CHAT, actor=MOD, name="赵大爷",
                                        kind=ParticipantKind.ELDER, now=clock())
    assert done.attendance.method == SignInMethod.PROXY and done.attendance.kind == "elder"
    assert done.person.telegram_user_id is None and not done.show_notice


async def test_queue_is_fair_and_moderated(uow: FakeUowFactory, clock: FakeClock) -> None:
    await opened(uow, clock, A, B, C)
    with pytest.raises(InvalidState) as empty:
        await floor.call_next(uow(), chat_id=CHAT, actor=MOD, now=clock())
    assert empty.value.code == "queue_empty"
    await floor.raise_hand(uow(), chat_id=CHAT, actor=A, kind=TurnKind.SPEECH, addressee=None,
                           now=clock())
    with pytest.raises(InvalidState):
        await floor.raise_hand(uow(), chat_id=CHAT, actor=A, kind=TurnKind.SPEECH,
                               addressee=None, now=clock())
    with pytest.raises(PermissionDenied):
        await floor.call_next(uow(), chat_id=CHAT, actor=B, now=clock())
    first = await floor.call_next(uow(), chat_id=CHAT, actor=MOD, now=clock())
    assert first.speaker is not None and first.speaker.display_name == "张三"
    # A raises again before B and C: B and C have not spoken yet, so they go first
    clock.advance(10)
    await floor.raise_hand(uow(), chat_id=CHAT, actor=A, kind=TurnKind.FOLLOW_UP,
                           addressee=None, now=clock())
    await floor.raise_hand(uow(), chat_id=CHAT, actor=B, kind=TurnKind.SPEECH, addressee=None,
                           now=clock())
    raised = await floor.raise_hand(uow(), chat_id=CHAT, actor=C, kind=TurnKind.SPEECH,
                                    addressee=None, now=clock())
    assert raised.position == 2
    view = await floor.view_queue(uow(), chat_id=CHAT, actor=MOD)
    assert [e.name for e in view.entries] == ["李四", "王五", "张三"] and view.viewer_can_run
    await floor.manage_hand(uow(), chat_id=CHAT, actor=MOD, action="up", position=3)
    view = await floor.view_queue(uow(), chat_id=CHAT)
    assert [e.name for e in view.entries] == ["张三", "李四", "王五"]
    await floor.manage_hand(uow(), chat_id=CHAT, actor=MOD, action="skip")  # 张三 to the back
    view = await floor.view_queue(uow(), chat_id=CHAT)
    assert [e.name for e in view.entries] == ["李四", "王五", "张三"]
    await floor.manage_hand(uow(), chat_id=CHAT, actor=MOD, action="remove", position=1)
    view = await floor.view_queue(uow(), chat_id=CHAT)
    assert [e.name for e in view.entries] == ["王五", "张三"]
    with pytest.raises(PermissionDenied):
        await floor.manage_hand(uow(), chat_id=CHAT, actor=A, action="remove", position=1)


async def test_department_response_follows_question(uow: FakeUowFactory,
                                                    clock: FakeClock) -> None:
    await opened(uow, clock, A, B, C)
    await services.set_profile(uow(), actor=C, name="王科长", kind=ParticipantKind.DEPARTMENT,
                               sector=None, unit="县住建局")
    await floor.raise_hand(uow(), chat_id=CHAT, actor=A, kind=TurnKind.QUESTION,
                           addressee="住建局", now=clock())
    await floor.raise_hand(uow(), chat_id=CHAT, actor=B, kind=TurnKind.SPEECH, addressee=None,
                           now=clock())
    resp = await floor.raise_hand(uow(), chat_id=CHAT, actor=C, kind=TurnKind.RESPONSE,
                                  addressee=None, now=clock())
    assert resp.position == 2 and resp.answers_name == "张三"
    await floor.call_next(uow(), chat_id=CHAT, actor=MOD, now=clock())
    answer = await floor.call_next(uow(), chat_id=CHAT, actor=MOD, now=clock.advance(60))
    assert answer.turn is not None and answer.turn.kind == TurnKind.RESPONSE
    assert answer.turn.answers_turn_id == answer.ended.id if answer.ended else False


async def test_turn_end_overtime_and_permissions(uow: FakeUowFactory, clock: FakeClock) -> None:
    await opened(uow, clock, A, B)
    await floor.raise_hand(uow(), chat_id=CHAT, actor=A, kind=TurnKind.SPEECH, addressee=None,
                           now=clock())
    await floor.call_next(uow(), chat_id=CHAT, actor=MOD, now=clock())
    with pytest.raises(PermissionDenied):
        await floor.end_turn(uow(), chat_id=CHAT, actor=B, now=clock())
    done = await floor.end_turn(uow(), chat_id=CHAT, actor=A, now=clock.advance(200))
    assert done.ended is not None and done.ended.overtime_s == 20
    with pytest.raises(InvalidState):
        await floor.end_turn(uow(), chat_id=CHAT, actor=A, now=clock())


async def test_timer_notices_once_each(uow: FakeUowFactory, clock: FakeClock) -> None:
    await opened(uow, clock, A)
    await floor.raise_hand(uow(), chat_id=CHAT, actor=A, kind=TurnKind.SPEECH, addressee=None,
                           now=clock())
    await floor.call_next(uow(), chat_id=CHAT, actor=MOD, now=clock())
    assert await record.due_notices(uow(), now=clock.advance(100)) == []
    assert await record.next_deadline(uow()) == clock.now + timedelta(seconds=50)
    [warn] = await record.due_notices(uow(), now=clock.advance(55))
    assert warn.notice == "warning" and warn.speaker_name == "张三"
    assert await record.due_notices(uow(), now=clock.advance(1)) == []
    [up] = await record.due_notices(uow(), now=clock.advance(30))
    assert up.notice == "timeup"
    assert await record.due_notices(uow(), now=clock.advance(300)) == []
    assert await record.next_deadline(uow()) is None


async def test_texts_are_classified(uow: FakeUowFactory, clock: FakeClock) -> None:
    await opened(uow, clock, A, B)
    await floor.raise_hand(uow(), chat_id=CHAT, actor=A, kind=TurnKind.QUESTION,
                           addressee="交通局", now=clock())
    await floor.call_next(uow(), chat_id=CHAT, actor=MOD, now=clock())
    said = await record.record_group_text(uow(), chat_id=CHAT, actor=A, text="路什么时候修？",
                                          now=clock())
    mod = await record.record_group_text(uow(), chat_id=CHAT, actor=MOD, text="请交通局回应",
                                         now=clock())
    other = await record.record_group_text(uow(), chat_id=CHAT, actor=B, text="同意", now=clock())
    assert said and mod and other
    assert said.contribution.kind == ContributionKind.QUESTION
    assert said.contribution.addressed_to == "交通局" and said.contribution.turn_id is not None
    assert mod.contribution.kind == ContributionKind.MODERATOR
    assert other.contribution.kind == ContributionKind.COMMENT
    assert [c.seq for c in (said.contribution, mod.contribution, other.contribution)] == [1, 2, 3]
    written = await record.submit_written(uow(), actor=B, text="书面建议：增设路灯", now=clock())
    assert written.contribution.kind == ContributionKind.WRITTEN and written.contribution.seq == 4
    with pytest.raises(NotFound):
        await record.submit_written(uow(), actor=C, text="未签到", now=clock())
    assert await record.record_group_text(uow(), chat_id=-5, actor=A, text="x", now=clock()) is None


async def test_close_ends_turn_and_refuses_twice(uow: FakeUowFactory, clock: FakeClock) -> None:
    await opened(uow, clock, A)
    await floor.raise_hand(uow(), chat_id=CHAT, actor=A, kind=TurnKind.SPEECH, addressee=None,
                           now=clock())
    await floor.call_next(uow(), chat_id=CHAT, actor=MOD, now=clock())
    with pytest.raises(PermissionDenied):
        await floor.close_session(uow(), chat_id=CHAT, actor=A, now=clock())
    closed = await floor.close_session(uow(), chat_id=CHAT, actor=MOD, now=clock.advance(60))
    assert closed.session.status == SessionStatus.CLOSED
    assert closed.ended is not None and closed.ended.ended_at == clock.now
    with pytest.raises(DomainError) as twice:
        await floor.close_session(uow(), chat_id=CHAT, actor=MOD, now=clock())
    assert twice.value.code == "no_open_session_to_end"


async def test_turn_limit_parsing_and_update(uow: FakeUowFactory, clock: FakeClock) -> None:
    assert services.parse_turn_limit("5") == 300
    assert services.parse_turn_limit("90s") == 90
    assert services.parse_turn_limit("2.5分钟") == 150
    for bad in ("abc", "10s", "999"):
        with pytest.raises(InvalidInput):
            services.parse_turn_limit(bad)
    await opened(uow, clock, A)
    with pytest.raises(PermissionDenied):
        await services.set_turn_limit(uow(), chat_id=CHAT, actor=A, seconds=300)
    session = await services.set_turn_limit(uow(), chat_id=CHAT, actor=MOD, seconds=300)
    assert session.turn_limit_s == 300


async def test_typed_words_on_the_floor_take_the_floor_time(uow: FakeUowFactory,
                                                            clock: FakeClock) -> None:
    """Statistics of a typed session: speaking time from the turn's time on the floor."""
    from facilitation import record
    from transcripts.export import to_interchange
    from transcripts.minutes.compile import compile_minutes
    from transcripts.minutes.model import load_transcript

    await opened(uow, clock, A)
    await floor.raise_hand(uow(), chat_id=CHAT, actor=A, kind=TurnKind.SPEECH, addressee=None,
                           now=clock())
    await floor.call_next(uow(), chat_id=CHAT, actor=MOD, now=clock())
    for words in ("建议在东门划二十个车位。", "晚上再加强巡查。"):
        await record.record_group_text(uow(), chat_id=CHAT, actor=A, text=words,
                                       now=clock.advance(60))
    await record.record_group_text(uow(), chat_id=CHAT, actor=MOD, text="谢谢。",
                                   now=clock.advance(30))  # the moderator: off the floor
    await floor.end_turn(uow(), chat_id=CHAT, actor=A, now=clock.advance(90))
    await floor.close_session(uow(), chat_id=CHAT, actor=MOD, now=clock.advance(10))
    session_id = next(iter(uow.store.sessions))
    loaded = await record.load_record(uow(), session_id=session_id)
    utterances = to_interchange(loaded, ZoneInfo("Asia/Shanghai"))["utterances"]
    assert [u.get("duration_s") for u in utterances] == [120.0, 120.0, None]  # 4 min, 2 texts
    stats = compile_minutes(load_transcript(to_interchange(loaded, ZoneInfo("UTC")))).statistics
    assert stats.seconds == 240.0


async def test_a_code_alone_does_not_let_a_stranger_in(uow: FakeUowFactory,
                                                       clock: FakeClock) -> None:
    """Issue 9, point 4: the code is printed and forwarded; outside the hall's group it asks
    the moderator, who admits (or not); nobody else can admit."""
    await opened(uow, clock)
    asked = await services.sign_in_with_code(uow(), actor=C, now=clock(), code="code0001",
                                             member=False, remote=True)
    assert isinstance(asked, services.AdmissionAsked) and asked.remote
    assert asked.person.id is not None and asked.session.id is not None
    async with uow() as work:
        assert await work.attendance.get(asked.session.id, asked.person.id) is None
    with pytest.raises(PermissionDenied):
        await services.admit(uow(), session_id=asked.session.id, person_id=asked.person.id,
                             actor=A, now=clock(), remote=True)
    done = await services.admit(uow(), session_id=asked.session.id, person_id=asked.person.id,
                                actor=MOD, now=clock(), remote=True)
    assert done.changed and done.attendance.remote and done.attendance.proxy_by is not None
    again = await services.sign_in_with_code(uow(), actor=C, now=clock(), code="code0001",
                                             member=False)
    assert isinstance(again, services.SignedIn)  # attended: the code works for them now
