"""Use cases of speech: voice messages take their place in the record when they arrive and
get their text when the transcription is done, so the order is the order of speaking."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from facilitation.errors import InvalidState, NotFound
from facilitation.model import (
    AudioJob,
    AudioKind,
    Contribution,
    ContributionKind,
    ContributionStatus,
    JobStatus,
    Person,
    Source,
    Turn,
)
from facilitation.ports import UnitOfWork
from facilitation.record import classify_for, session_attended_by
from facilitation.services import Actor, person_for, require_runner, standing_of_actor
from facilitation.session import Session
from facilitation.speech import Segment, Transcript

RECORDING_SPEAKER = "会议录音"
PAUSE_SPLIT_S = 2.0  # a recording's segments further apart than this start a new utterance


@dataclass(frozen=True)
class AudioMessage:
    chat_id: int
    message_id: int
    file_id: str
    file_unique_id: str | None = None
    file_size: int | None = None
    duration_s: float | None = None  # as the sender's app claimed
    mime_type: str | None = None


@dataclass(frozen=True)
class Accepted:
    session: Session
    job: AudioJob
    contribution: Contribution | None
    person: Person


@dataclass(frozen=True)
class JobContext:
    """What the scribe needs to transcribe a job and report on it."""

    job: AudioJob
    session: Session
    contribution: Contribution | None
    speaker_name: str
    glossary: tuple[str, ...] = ()  # the hall's place and unit names


def _job(session: Session, person: Person, audio: AudioMessage, kind: AudioKind,
         now: datetime, contribution: Contribution | None) -> AudioJob:
    assert session.id is not None
    return AudioJob(
        session_id=session.id, chat_id=audio.chat_id, message_id=audio.message_id,
        file_id=audio.file_id, kind=kind, created_at=now, person_id=person.id,
        contribution_id=contribution.id if contribution else None,
        file_unique_id=audio.file_unique_id, file_size=audio.file_size,
        claimed_duration_s=audio.duration_s, mime_type=audio.mime_type)


async def runs_session(uow: UnitOfWork, *, actor: Actor, chat_id: int) -> bool:
    """Staff, or the moderator of the chat's open session: their audio files are recordings
    of the meeting, not voice turns."""
    if actor.config_admin and actor.has_private_chat:
        return True
    async with uow:
        session = await uow.sessions.open_in_chat(chat_id)
        person = await uow.people.by_telegram_id(actor.user_id) \
            if actor.has_private_chat else None
        if session is not None and person is not None and session.can_run(person):
            return True
        return (await standing_of_actor(uow, actor, person)).may_edit(chat_id)


async def accept_group_voice(uow: UnitOfWork, *, actor: Actor, audio: AudioMessage,
                             now: datetime) -> Accepted | None:
    """A voice message in the session's group: its place in the record is reserved now."""
    async with uow:
        found = await uow.sessions.open_in_chat(audio.chat_id)
        if found is None or found.id is None:
            return None
        session = await uow.sessions.lock(found.id) or found
        assert session.id is not None
        person = await person_for(uow, actor)
        turn = await uow.turns.current(session.id)
        kind = await classify_for(uow, actor, session, person, turn)
        speaking = turn if kind not in (ContributionKind.MODERATOR,
                                        ContributionKind.COMMENT) else None
        return await _reserve(uow, session, person, kind, speaking, audio, now)


async def accept_private_voice(uow: UnitOfWork, *, actor: Actor, audio: AudioMessage,
                               now: datetime) -> Accepted:
    """A signed-in participant's voice sent privately: a written-like submission by voice."""
    async with uow:
        person = await person_for(uow, actor)
        found, _ = await session_attended_by(uow, person)
        assert found.id is not None
        session = await uow.sessions.lock(found.id) or found
        return await _reserve(uow, session, person, ContributionKind.WRITTEN, None, audio, now)


async def _reserve(uow: UnitOfWork, session: Session, person: Person, kind: ContributionKind,
                   turn: Turn | None, audio: AudioMessage, now: datetime) -> Accepted:
    contribution = session.record(
        person=person, speaker_name=person.display_name, kind=kind, source=Source.VOICE,
        text="", now=now, turn=turn, chat_id=audio.chat_id,
        message_id=audio.message_id, duration_s=audio.duration_s, pending=True)
    contribution = await uow.contributions.add(contribution)
    job = await uow.audio_jobs.add(_job(session, person, audio, AudioKind.VOICE, now,
                                        contribution))
    await uow.sessions.save(session)
    await uow.commit()
    return Accepted(session, job, contribution, person)


async def accept_recording(uow: UnitOfWork, *, actor: Actor, audio: AudioMessage,
                           now: datetime) -> Accepted:
    """A whole meeting's recording, sent by the moderator or staff to the session's group
    (the open session, or the latest closed one: recordings often come afterwards)."""
    async with uow:
        person = await person_for(uow, actor)
        session = await uow.sessions.open_in_chat(audio.chat_id) or \
            await uow.sessions.latest(audio.chat_id)
        if session is None:
            raise NotFound("no_open_session")
        await require_runner(uow, actor, session, person)
        job = await uow.audio_jobs.add(_job(session, person, audio, AudioKind.RECORDING, now,
                                            None))
        await uow.commit()
        return Accepted(session, job, None, person)


async def _note(uow: UnitOfWork, job_id: int, **changes: int | str) -> None:
    """Write down something learnt about a job (our reply's id, where its audio is kept)."""
    async with uow:
        job = await uow.audio_jobs.get(job_id)
        if job is not None:
            for name, value in changes.items():
                setattr(job, name, value)
            await uow.audio_jobs.save(job)
            await uow.commit()


async def set_reply_message(uow: UnitOfWork, *, job_id: int, message_id: int) -> None:
    await _note(uow, job_id, reply_message_id=message_id)


async def due_jobs(uow: UnitOfWork, *, now: datetime, limit: int) -> list[JobContext]:
    async with uow:
        return [await _context(uow, job) for job in await uow.audio_jobs.due(now, limit)]


async def _context(uow: UnitOfWork, job: AudioJob) -> JobContext:
    session = await uow.sessions.get(job.session_id)
    if session is None:
        raise InvalidState("orphan_job")
    contribution = (await uow.contributions.get(job.contribution_id)
                    if job.contribution_id else None)
    speaker = contribution.speaker_name if contribution else RECORDING_SPEAKER
    return JobContext(job, session, contribution, speaker,
                      await uow.halls.glossary(session.chat_id))


async def keep_audio(uow: UnitOfWork, *, job_id: int, path: str) -> None:
    await _note(uow, job_id, audio_path=path)


async def note_progress(uow: UnitOfWork, *, job_id: int, fraction: float) -> None:
    """How far a recording's transcription has got, for the workbench's status line; a
    finished job keeps what it finished with."""
    async with uow:
        job = await uow.audio_jobs.get(job_id)
        if job is not None and job.status == JobStatus.PENDING:
            job.progress = min(max(fraction, 0.0), 1.0)
            await uow.audio_jobs.save(job)
            await uow.commit()


async def complete_voice(uow: UnitOfWork, *, job_id: int, transcript: Transcript,
                         now: datetime) -> JobContext:
    """The transcript arrived: the reserved contribution gets its text."""
    async with uow:
        job = await _pending(uow, job_id)
        context = await _context(uow, job)
        contribution = context.contribution
        if contribution is not None:
            contribution.text = transcript.text
            contribution.status = ContributionStatus.FINAL
            contribution.duration_s = transcript.duration
            contribution.segments = transcript.segments
            contribution.engine, contribution.model = transcript.engine, transcript.model
            await uow.contributions.save(contribution)
        job.finish(JobStatus.DONE, now)
        await uow.audio_jobs.save(job)
        await uow.commit()
        return JobContext(job, context.session, contribution, context.speaker_name)


async def complete_recording(uow: UnitOfWork, *, job_id: int, transcript: Transcript,
                             now: datetime) -> list[Contribution]:
    """A recording becomes utterances (split at pauses), appended to the session's record."""
    async with uow:
        job = await _pending(uow, job_id)
        session = await uow.sessions.lock(job.session_id)
        if session is None:
            raise InvalidState("orphan_job")
        added = []
        began = session.started_at or session.signin_opened_at or job.created_at
        for segments in split_at_pauses(transcript):
            start, end = segments[0].start, segments[-1].end
            text = "".join(s.text.strip() for s in segments)
            contribution = session.record(
                person=None, speaker_name=RECORDING_SPEAKER, kind=ContributionKind.SPEECH,
                source=Source.RECORDING, text=text, now=began + timedelta(seconds=start),
                chat_id=job.chat_id, message_id=job.message_id, duration_s=end - start,
                after_close=True)
            contribution.engine, contribution.model = transcript.engine, transcript.model
            contribution.segments = segments
            added.append(await uow.contributions.add(contribution))
        job.finish(JobStatus.DONE, now)
        job.progress, job.turns_added = 1.0, len(added)
        await uow.audio_jobs.save(job)
        await uow.sessions.save(session)
        await uow.commit()
        return added


def split_at_pauses(transcript: Transcript) -> list[tuple[Segment, ...]]:
    """The segments of each stretch of speech between pauses longer than 2 s."""
    groups: list[list[Segment]] = []
    for segment in transcript.segments:
        if not segment.text.strip():
            continue
        if not groups or segment.start - groups[-1][-1].end > PAUSE_SPLIT_S:
            groups.append([])
        groups[-1].append(segment)
    return [tuple(group) for group in groups]


async def give_up(uow: UnitOfWork, *, job_id: int, status: JobStatus, reason: str,
                  now: datetime) -> JobContext:
    """Nothing to record (dropped: silence, not audio...) or failed for good."""
    async with uow:
        job = await _pending(uow, job_id)
        context = await _context(uow, job)
        job.finish(status, now, reason)
        await uow.audio_jobs.save(job)
        if context.contribution is not None:
            context.contribution.status = (ContributionStatus.DROPPED if status ==
                                           JobStatus.DROPPED else ContributionStatus.FAILED)
            await uow.contributions.save(context.contribution)
        await uow.commit()
        return JobContext(job, context.session, context.contribution, context.speaker_name)


async def retry_later(uow: UnitOfWork, *, job_id: int, error: str,
                      now: datetime) -> tuple[JobContext, bool]:
    """A transient failure; True when that was the last attempt (the job is FAILED)."""
    async with uow:
        job = await _pending(uow, job_id)
        gave_up = job.failed_attempt(error, now)
        await uow.audio_jobs.save(job)
        context = await _context(uow, job)
        if gave_up and context.contribution is not None:
            context.contribution.status = ContributionStatus.FAILED
            await uow.contributions.save(context.contribution)
        await uow.commit()
        return JobContext(job, context.session, context.contribution,
                          context.speaker_name), gave_up


async def _pending(uow: UnitOfWork, job_id: int) -> AudioJob:
    job = await uow.audio_jobs.get(job_id)
    if job is None or job.status != JobStatus.PENDING:
        raise InvalidState("job_not_pending")
    return job
