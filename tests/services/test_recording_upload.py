"""A whole meeting's recording uploaded on the workbench (facilitation/recordings.py), on
in-memory fakes: the hall's staff and the session's moderator may upload it (the rule that
governs editing the minutes), viewers and other halls' staff may not and nothing is stored;
the job waits for the scribe with no Telegram message and an audit entry; its status reads
waiting, transcribing NN%, done (N turns) or failed (why), to whoever sees the session."""

from __future__ import annotations

import pytest

from facilitation import services, voice
from facilitation.audit import AuditAction, Operator
from facilitation.errors import NotFound, PermissionDenied
from facilitation.model import AudioKind, JobStatus, Source
from facilitation.recordings import (
    RecordingState,
    Upload,
    accept_upload,
    check_uploader,
    session_recordings,
)
from facilitation.roles import Role, Standing, grant_role, standing_for
from facilitation.services import Actor
from facilitation.speech import Segment, Transcript
from facilitation.staff_desk import web_actor
from tests.fakes import FakeClock, FakeUowFactory, SequentialCodes

HALL, OTHER_HALL = -1001, -1002
MODERATOR = Actor(11, "主持人")
CLERK = Actor(21, "工作人员小周")
VIEWER = Actor(23, "查看者小王")
STRANGER = Actor(24, "别处的工作人员")
UPLOAD = Upload("1/upload-0123abcd.m4a", 150 * 2**20, "audio/mp4", 7200.0)


async def _web(uow: FakeUowFactory, actor: Actor) -> tuple[Actor, Standing]:
    """``actor`` as the workbench knows them once logged in, and what they may do now."""
    async with uow() as work:
        person = await work.people.by_telegram_id(actor.user_id)
        assert person is not None
        return web_actor(person, ()), await standing_for(work, person, ())


@pytest.fixture
async def session_id(uow: FakeUowFactory, clock: FakeClock) -> int:
    session = await services.open_session(uow(), chat_id=HALL, topic="村道硬化", actor=MODERATOR,
                                          now=clock(), new_code=SequentialCodes(),
                                          turn_limit_s=180, hall="东头村议事堂")
    for actor, role, hall in ((CLERK, Role.STAFF, HALL), (VIEWER, Role.VIEWER, HALL),
                              (STRANGER, Role.STAFF, OTHER_HALL)):
        await grant_role(uow(), by=Operator("root"), role=role, hall_chat_id=hall, now=clock(),
                         telegram_user_id=actor.user_id)
    assert session.id is not None
    return session.id


async def test_the_halls_staff_upload_a_recording_that_waits_for_the_scribe(
        uow: FakeUowFactory, clock: FakeClock, session_id: int) -> None:
    clerk, standing = await _web(uow, CLERK)
    await check_uploader(uow(), actor=clerk, session_id=session_id)
    job = await accept_upload(uow(), actor=clerk, session_id=session_id, upload=UPLOAD,
                              now=clock())
    [stored] = uow.store.audio_jobs.values()
    assert stored == job and job.uploaded and job.message_id is None
    assert (job.kind, job.status, job.chat_id, job.person_id) == (
        AudioKind.RECORDING, JobStatus.PENDING, HALL, clerk.person_id)
    assert (job.audio_path, job.file_size, job.mime_type, job.claimed_duration_s) == (
        UPLOAD.path, UPLOAD.size, UPLOAD.mime_type, UPLOAD.duration_s)
    [context] = await voice.due_jobs(uow(), now=clock(), limit=5)  # the scribe's next job
    assert context.job.id == job.id and context.speaker_name == voice.RECORDING_SPEAKER
    entry = uow.store.audit[-1]
    assert (entry.action, entry.actor_id, entry.session_id, entry.chat_id, entry.detail) == (
        AuditAction.UPLOADED, clerk.person_id, session_id, HALL,
        {"job": job.id, "size": UPLOAD.size})
    [status] = await session_recordings(uow(), standing, session_id)
    assert (status.state, status.percent, status.uploaded) == (RecordingState.WAITING, 0, True)


async def test_the_moderator_may_upload_viewers_and_other_halls_may_not(
        uow: FakeUowFactory, clock: FakeClock, session_id: int) -> None:
    await accept_upload(uow(), actor=MODERATOR, session_id=session_id, upload=UPLOAD,
                        now=clock())
    before = (dict(uow.store.audio_jobs), list(uow.store.audit))
    for actor in (VIEWER, STRANGER):
        refused, _ = await _web(uow, actor)
        with pytest.raises(PermissionDenied):
            await check_uploader(uow(), actor=refused, session_id=session_id)
        with pytest.raises(PermissionDenied):
            await accept_upload(uow(), actor=refused, session_id=session_id, upload=UPLOAD,
                                now=clock())
    clerk, _ = await _web(uow, CLERK)
    for missing in (session_id + 999, 0, 2**40):
        with pytest.raises(NotFound):
            await accept_upload(uow(), actor=clerk, session_id=missing, upload=UPLOAD,
                                now=clock())
    assert (dict(uow.store.audio_jobs), list(uow.store.audit)) == before


async def test_progress_then_done_with_the_turns_it_added(
        uow: FakeUowFactory, clock: FakeClock, session_id: int) -> None:
    clerk, standing = await _web(uow, CLERK)
    job = await accept_upload(uow(), actor=clerk, session_id=session_id, upload=UPLOAD,
                              now=clock())
    assert job.id is not None
    await voice.note_progress(uow(), job_id=job.id, fraction=0.376)
    [status] = await session_recordings(uow(), standing, session_id)
    assert (status.state, status.percent) == (RecordingState.TRANSCRIBING, 37)
    heard = Transcript("甲方发言。乙方回应。", "zh", 30.0, (
        Segment(0.0, 4.0, "甲方发言。"), Segment(9.0, 12.0, "乙方回应。")), "fake", "fake-1")
    added = await voice.complete_recording(uow(), job_id=job.id, transcript=heard, now=clock())
    assert [(c.text, c.source, c.message_id) for c in added] == [
        ("甲方发言。", Source.RECORDING, None), ("乙方回应。", Source.RECORDING, None)]
    await voice.note_progress(uow(), job_id=job.id, fraction=0.5)  # a late report: ignored
    _, seen_by_viewer = await _web(uow, VIEWER)
    [status] = await session_recordings(uow(), seen_by_viewer, session_id)
    assert (status.state, status.percent, status.turns) == (RecordingState.DONE, 100, 2)


async def test_failed_says_why_and_only_to_whoever_sees_the_session(
        uow: FakeUowFactory, clock: FakeClock, session_id: int) -> None:
    clerk, standing = await _web(uow, CLERK)
    dropped = await accept_upload(uow(), actor=clerk, session_id=session_id, upload=UPLOAD,
                                  now=clock())
    broken = await accept_upload(uow(), actor=clerk, session_id=session_id, upload=UPLOAD,
                                 now=clock())
    assert dropped.id is not None and broken.id is not None
    await voice.give_up(uow(), job_id=dropped.id, status=JobStatus.DROPPED, reason="no_speech",
                        now=clock())
    for _ in range(3):
        await voice.retry_later(uow(), job_id=broken.id, error="RuntimeError: engine exploded",
                                now=clock())
    found = await session_recordings(uow(), standing, session_id)
    assert [(s.job_id, s.state, s.reason, s.attempts) for s in found] == [
        (broken.id, RecordingState.FAILED, None, 3),  # an exception's text is for the log
        (dropped.id, RecordingState.FAILED, "no_speech", 0)]
    _, elsewhere = await _web(uow, STRANGER)
    with pytest.raises(NotFound):
        await session_recordings(uow(), elsewhere, session_id)
