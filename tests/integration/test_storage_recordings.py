"""Recordings uploaded on the workbench, in storage (migration 0017), on both databases: a job
without a Telegram message, its progress and the turns it added, the session's recordings
newest first; and 0017 up and down with such a job in the table."""

from __future__ import annotations

import asyncio

from facilitation.model import AudioJob, AudioKind, JobStatus
from facilitation.ports import UnitOfWorkFactory
from storage import migrate
from storage.engine import make_engine
from storage.uow import make_uow_factory
from tests.integration.storage_builders import CHAT, add_person, add_session, at
from tests.integration.test_storage_migrations import _differences


async def test_an_uploaded_recording_round_trips_with_its_progress(
        uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        session = await add_session(uow, await add_person(uow), code="UPLD01")
        other = await add_session(uow, await add_person(uow, 2), code="UPLD02", chat_id=CHAT - 1)
        assert session.id is not None and other.id is not None
        sent = await uow.audio_jobs.add(AudioJob(
            session_id=session.id, chat_id=CHAT, message_id=41, file_id="F",
            kind=AudioKind.RECORDING, created_at=at(0)))
        voice = await uow.audio_jobs.add(AudioJob(
            session_id=session.id, chat_id=CHAT, message_id=42, file_id="V",
            kind=AudioKind.VOICE, created_at=at(1)))
        uploaded = await uow.audio_jobs.add(AudioJob(
            session_id=session.id, chat_id=CHAT, message_id=None, file_id="",
            kind=AudioKind.RECORDING, created_at=at(2), file_size=150 * 2**20,
            audio_path=f"{session.id}/upload-ab.m4a", mime_type="audio/mp4"))
        await uow.audio_jobs.add(AudioJob(
            session_id=other.id, chat_id=CHAT - 1, message_id=None, file_id="",
            kind=AudioKind.RECORDING, created_at=at(3)))
        await uow.commit()
    assert uploaded.id is not None and voice.id is not None
    async with uow_factory() as uow:
        stored = await uow.audio_jobs.get(uploaded.id)
        assert stored == uploaded and stored.uploaded and stored.progress is None
        found = await uow.audio_jobs.recordings_in_session(session.id)
        assert [j.id for j in found] == [uploaded.id, sent.id]  # newest first, no voice
        assert [j.id for j in await uow.audio_jobs.recordings_in_session(session.id, 1)] == \
            [uploaded.id]
        stored.progress = 0.375
        await uow.audio_jobs.save(stored)
        await uow.commit()
    async with uow_factory() as uow:
        stored = await uow.audio_jobs.get(uploaded.id)
        assert stored is not None and stored.progress == 0.375
        stored.finish(JobStatus.DONE, at(60))
        stored.progress, stored.turns_added = 1.0, 12
        await uow.audio_jobs.save(stored)
        await uow.commit()
    async with uow_factory() as uow:
        done = await uow.audio_jobs.get(uploaded.id)
        assert done is not None and (done.status, done.progress, done.turns_added) == (
            JobStatus.DONE, 1.0, 12)


async def test_0017_recording_uploads_up_and_down(empty_db_url: str) -> None:
    """Up: a job may have no message, and has progress and turns added; down again, such a
    job keeps its row (message 0); up again, the schema is the row classes'."""
    url = empty_db_url
    await migrate.upgrade_async(url, "0016")
    engine = make_engine(url)
    try:
        await migrate.upgrade_async(url, "0017")
        async with make_uow_factory(engine)() as uow:
            session = await add_session(uow, await add_person(uow))
            assert session.id is not None
            await uow.audio_jobs.add(AudioJob(
                session_id=session.id, chat_id=CHAT, message_id=None, file_id="",
                kind=AudioKind.RECORDING, created_at=at(0), status=JobStatus.DONE,
                progress=1.0, turns_added=3))
            await uow.commit()
        await asyncio.to_thread(migrate.downgrade, url, "0016")
        async with engine.begin() as connection:
            assert (await connection.exec_driver_sql(
                "SELECT message_id FROM audio_jobs")).scalar_one() == 0
        await migrate.upgrade_async(url)
        async with engine.connect() as connection:
            assert await connection.run_sync(_differences) == []
    finally:
        await engine.dispose()
