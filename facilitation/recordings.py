"""Whole-meeting recordings uploaded on the workbench (issue 13), and the state of a session's
recordings as its page shows it.

A recording too large for Telegram (bots download 20 MB at most; two hours of a meeting are
50-200 MB) is uploaded on the session's page. It becomes the same RECORDING job a recording
sent in the group does (facilitation/voice.py), recorded before the upload is answered, so
the scribe transcribes both alike; only it has no Telegram message (``message_id`` None) and
its file is already in the audio folder. Who may upload is who may run the session and edit
its minutes (``require_runner``: its moderator, or staff of its hall), decided now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from facilitation.audit import AuditAction, audit_entry
from facilitation.errors import InvalidInput, NotFound
from facilitation.model import AudioJob, AudioKind, JobStatus, Person
from facilitation.ports import UnitOfWork
from facilitation.roles import Standing
from facilitation.services import Actor, person_for, require_runner
from facilitation.session import Session
from facilitation.staff_desk import seen_session
from facilitation.tracking_services import MAX_ROW_ID


class UploadTooLarge(InvalidInput):
    code = "upload_too_large"  # params: limit_mb


class NoRecording(InvalidInput):
    code = "upload_no_file"


@dataclass(frozen=True)
class Upload:
    """A received file, checked to be audio, kept in the audio folder."""

    path: str  # relative to the audio folder
    size: int  # bytes
    mime_type: str
    duration_s: float | None  # as its container declares (the scribe measures it anew)


async def _uploader(uow: UnitOfWork, actor: Actor, session_id: int) -> tuple[Session, Person]:
    session = await uow.sessions.get(session_id) if 0 < session_id <= MAX_ROW_ID else None
    if session is None or session.id is None:
        raise NotFound("no_session")
    person = await person_for(uow, actor)
    await require_runner(uow, actor, session, person)
    return session, person


async def check_uploader(uow: UnitOfWork, *, actor: Actor, session_id: int) -> None:
    """Refused before the file is received (not after 200 MB); ``accept_upload`` asks again."""
    async with uow:
        await _uploader(uow, actor, session_id)


async def accept_upload(uow: UnitOfWork, *, actor: Actor, session_id: int, upload: Upload,
                        now: datetime) -> AudioJob:
    """The uploaded recording, waiting for the scribe, with its audit entry."""
    async with uow:
        session, person = await _uploader(uow, actor, session_id)
        assert session.id is not None
        job = await uow.audio_jobs.add(AudioJob(
            session_id=session.id, chat_id=session.chat_id, message_id=None, file_id="",
            kind=AudioKind.RECORDING, created_at=now, person_id=person.id,
            file_size=upload.size, claimed_duration_s=upload.duration_s,
            mime_type=upload.mime_type, audio_path=upload.path))
        await uow.audit.add(audit_entry(AuditAction.UPLOADED, person, session_id=session.id,
                                        chat_id=session.chat_id, at=now, job=job.id,
                                        size=upload.size))
        await uow.commit()
        return job


class RecordingState(StrEnum):
    WAITING = "waiting"
    TRANSCRIBING = "transcribing"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True)
class RecordingStatus:
    job_id: int
    state: RecordingState
    percent: int  # of the transcription, 0-100
    turns: int | None  # contributions added (done)
    reason: str | None  # a catalogue code: why it failed (a refusal's), else None
    attempts: int
    uploaded: bool  # on the workbench (else sent in the group)
    created_at: datetime


def status_of(job: AudioJob) -> RecordingStatus:
    assert job.id is not None
    if job.status == JobStatus.DONE:
        state = RecordingState.DONE
    elif job.status in (JobStatus.DROPPED, JobStatus.FAILED):
        state = RecordingState.FAILED
    else:
        state = RecordingState.WAITING if job.progress is None else RecordingState.TRANSCRIBING
    # a dropped job's error is the refusal's code (voice.give_up); a failed one's, an
    # exception's text, which is for the log, not for the page
    reason = job.last_error if job.status == JobStatus.DROPPED else None
    percent = 100 if state == RecordingState.DONE else int((job.progress or 0.0) * 100)
    return RecordingStatus(job.id, state, percent, job.turns_added, reason, job.attempts,
                           job.uploaded, job.created_at)


async def session_recordings(uow: UnitOfWork, standing: Standing,
                             session_id: int) -> list[RecordingStatus]:
    """The recordings of a session the person sees (the session page's rule), newest first."""
    async with uow:
        session = await seen_session(uow, standing, session_id)
        assert session.id is not None
        jobs = await uow.audio_jobs.recordings_in_session(session.id)
    return [status_of(job) for job in jobs]
