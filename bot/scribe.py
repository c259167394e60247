"""The scribe: transcribes stored audio jobs in the background, never on the event loop's
time, and puts the text where the voice message was."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import TypeVar

from telegram import Bot, InlineKeyboardMarkup, ReplyParameters
from telegram.error import BadRequest, TelegramError

from bot.catalog import t
from bot.common import AudioLimits, fit, kind_label, turn_label, wait_or_timeout
from bot.handlers.marks import mark_keyboard
from bot.handlers.texts import relay_text
from bot.health import Backoff, Health, until_available
from bot.limits import Priority, priority
from bot.outbox import Outbox
from bot.recording_progress import ProgressReporter
from facilitation import voice
from facilitation.errors import DomainError
from facilitation.model import AudioKind, ContributionKind, JobStatus, Person
from facilitation.ports import Clock, UnitOfWorkFactory
from facilitation.services import reachable
from facilitation.speech import AudioRejected, AudioTooLarge, Transcriber, TranscriptionRequest
from facilitation.voice import JobContext

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class ScribeOptions:
    audio_dir: Path  # where audio files are kept
    workers: int = 1
    language: str | None = "zh"
    glossary: tuple[str, ...] = ()
    retention_days: int = 180
    limits: AudioLimits = field(default_factory=AudioLimits)
    max_wait_s: float = 60.0


class Scribe:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, bot: Bot, transcriber: Transcriber,
                 options: ScribeOptions, health: Health | None = None) -> None:
        self._uow, self._clock, self._bot = uow, clock, bot
        self._health = health or Health()
        self._transcriber, self._options = transcriber, options
        self._wake = asyncio.Event()
        self._busy: dict[int, asyncio.Task[None]] = {}
        self._purged_at = 0.0
        self.done = 0  # jobs finished by this process, for tests and benchmarks
        self.outbox: Outbox | None = None  # where the owed "transcribing…" replies wait
        self._progress = asyncio.Condition()

    def kick(self) -> None:
        self._wake.set()

    async def _start_engine(self) -> None:
        """Load the model in the background: the session goes on (text, queue, timers) while
        it loads, and if it cannot load, voice waits in the database until it can."""
        delay = 5.0
        while True:
            try:
                await self._transcriber.start()
                return
            except Exception:
                log.exception("the speech engine did not start; retrying in %.0f s", delay)
                await asyncio.sleep(delay)  # a retry pause, not synchronisation
                delay = min(delay * 2, 300.0)

    async def run(self) -> None:
        await self._start_engine()
        backoff = Backoff()
        while True:
            self._wake.clear()
            try:
                await self._start_due()
                await self._purge()
                wait = await self._seconds_to_next()
                backoff.reset()
                self._health.database_up()
            except Exception as error:
                if self._health.unavailable(error):
                    self._health.database_down(error, "scribe")
                    wait = backoff.next()
                else:
                    log.exception("scribe round failed")
                    wait = self._options.max_wait_s
            await wait_or_timeout(self._wake, wait)

    async def _stored(self, attempt: Callable[[], Awaitable[T]]) -> T:
        """``attempt`` (a use case on a fresh unit of work) again until a database outage is
        over: a transcript is never thrown away, nor an attempt counted, for an outage."""
        return await until_available(self._health, "scribe", attempt)

    async def _start_due(self) -> None:
        room = self._options.workers - len(self._busy)
        if room <= 0:
            return
        jobs = await voice.due_jobs(self._uow(), now=self._clock(), limit=room + len(self._busy))
        for context in jobs:
            job_id = context.job.id
            if job_id is None or job_id in self._busy or len(self._busy) >= self._options.workers:
                continue
            task = asyncio.create_task(self._work(context), name=f"scribe-{job_id}")
            self._busy[job_id] = task
            task.add_done_callback(partial(self._finished, job_id))

    def _finished(self, job_id: int, _task: asyncio.Task[None]) -> None:
        self._busy.pop(job_id, None)
        self._wake.set()

    async def _seconds_to_next(self) -> float:
        async with self._uow() as work:
            nxt = await work.audio_jobs.next_due_at()
        if nxt is None:
            return self._options.max_wait_s
        return min(max((nxt - self._clock()).total_seconds(), 0.05), self._options.max_wait_s)

    async def wait_done(self, count: int) -> None:
        """Until this scribe has finished ``count`` jobs (for tests and the demo)."""
        async with self._progress:
            await self._progress.wait_for(lambda: self.done >= count)

    async def _work(self, context: JobContext) -> None:
        job = context.job
        assert job.id is not None
        job_id = job.id
        try:
            path = await self._download(context)
            request = self._request(context)
            progress = await self._reporter(context)
            try:
                transcript = await self._transcriber.transcribe(path, request, progress)
            finally:
                if progress is not None:
                    await progress.stop()
            if transcript.empty:
                raise AudioRejected("no_speech")
            if job.kind == AudioKind.RECORDING:
                added = await self._stored(lambda: voice.complete_recording(
                    self._uow(), job_id=job_id, transcript=transcript, now=self._clock()))
                await self._tell(context, t(context.session.language, "recording_done",
                                            count=len(added)))
            else:
                done = await self._stored(lambda: voice.complete_voice(
                    self._uow(), job_id=job_id, transcript=transcript, now=self._clock()))
                keyboard = self._marks(done)
                in_group = job.chat_id == context.session.chat_id
                await self._tell(context, self._caption(done, transcript.text),
                                 keyboard if in_group else None)
                if not in_group:  # sent privately: relay it
                    await self._relay(done, transcript.text, keyboard)
        except AudioRejected as rejected:
            await self._drop(context, rejected)
        except DomainError:
            log.warning("job %s no longer pending", job.id, exc_info=True)
        except Exception as error:  # download, engine or database trouble: try again later
            log.warning("transcription of job %s failed", job.id, exc_info=True)
            await self._retry(context, error)
        finally:
            async with self._progress:
                self.done += 1
                self._progress.notify_all()

    async def _reporter(self, context: JobContext) -> ProgressReporter | None:
        """A recording's progress, on its job and (sent in the group) in the group."""
        job_id = context.job.id
        if context.job.kind != AudioKind.RECORDING or job_id is None:
            return None
        reporter = ProgressReporter(
            context.session.language, None if context.job.uploaded else
            lambda text: self._tell(context, text, level=Priority.NOTICE),
            lambda fraction: self._note_progress(job_id, fraction))
        await reporter.begin()
        return reporter

    async def _note_progress(self, job_id: int, fraction: float) -> None:
        try:
            await voice.note_progress(self._uow(), job_id=job_id, fraction=fraction)
        except Exception:  # a report lost is no loss: the next one, or the result, follows
            log.warning("progress of job %s not written", job_id, exc_info=True)

    def _request(self, context: JobContext) -> TranscriptionRequest:
        limits = self._options.limits
        recording = context.job.kind == AudioKind.RECORDING
        return TranscriptionRequest(
            language=self._options.language, prompt=context.session.topic,
            hotwords=tuple(dict.fromkeys((*context.glossary, *self._options.glossary))),
            max_duration_s=limits.max_recording_s if recording else limits.max_voice_s,
            vad=recording)

    async def _download(self, context: JobContext) -> Path:
        job = context.job
        assert job.id is not None
        if job.audio_path and (self._options.audio_dir / job.audio_path).exists():
            return self._options.audio_dir / job.audio_path
        if job.uploaded:  # on the workbench: nothing to download from Telegram
            raise AudioRejected("upload_missing")
        try:
            file = await self._bot.get_file(job.file_id)
        except BadRequest as error:
            if "too big" in str(error).lower():
                raise AudioTooLarge(size_mb=round((job.file_size or 0) / 2**20, 1),
                                    limit_mb=self._options.limits.max_file_bytes // 2**20) \
                    from error
            raise
        suffix = Path(file.file_path or "").suffix or ".ogg"
        relative = Path(str(job.session_id)) / f"{job.id}{suffix}"
        target = self._options.audio_dir / relative
        await asyncio.to_thread(target.parent.mkdir, parents=True, exist_ok=True)
        await file.download_to_drive(target)
        job_id = job.id
        await self._stored(lambda: voice.keep_audio(self._uow(), job_id=job_id,
                                                    path=str(relative)))
        return target

    def _caption(self, context: JobContext, text: str) -> str:
        language = context.session.language
        contribution = context.contribution
        kind = contribution.kind if contribution is not None else None
        label = ""
        if kind in (ContributionKind.QUESTION, ContributionKind.RESPONSE,
                    ContributionKind.FOLLOW_UP):
            label = f"（{turn_label(language, kind)}）"
        elif kind == ContributionKind.MODERATOR:
            label = f"（{kind_label(language, 'moderator')}）"
        return fit(t(language, "voice_caption", name=context.speaker_name, turn=label,
                     text=text))

    @staticmethod
    def _marks(context: JobContext) -> InlineKeyboardMarkup | None:
        """The moderator's mark buttons under a transcribed contribution."""
        if context.contribution is None or context.contribution.id is None:
            return None
        return mark_keyboard(context.session.language, context.contribution)

    async def _tell(self, context: JobContext, text: str,
                    keyboard: InlineKeyboardMarkup | None = None,
                    level: Priority = Priority.FLOOR) -> None:
        """Edit our caption/progress message; send a new reply if there is none. ``level``:
        a caption is the floor's (bot/limits.py), a progress report a notice. Nothing for a
        recording uploaded on the workbench: its page shows how it went."""
        if context.job.uploaded:
            return
        with priority(level):
            await self._show(context, text, keyboard, level)

    async def _show(self, context: JobContext, text: str,
                    keyboard: InlineKeyboardMarkup | None, level: Priority) -> None:
        job = context.job
        try:
            if job.reply_message_id is None and self.outbox is not None and job.id is not None:
                # its "transcribing…" reply may still be owed, held back for the group's
                # budget: then this takes its place (one message instead of two)
                if await self.outbox.supersede(job.chat_id, job.id, text, keyboard, level):
                    return
                # else it is out, or was on the wire at a crash: found, or made sendable again
                await self.outbox.send_chat(job.chat_id)
                if await self.outbox.supersede(job.chat_id, job.id, text, keyboard, level):
                    return
                async with self._uow() as work:
                    stored = await work.audio_jobs.get(job.id)
                if stored is not None and stored.reply_message_id is not None:
                    job.reply_message_id = stored.reply_message_id
            if job.reply_message_id is not None:
                await self._bot.edit_message_text(text, chat_id=job.chat_id,
                                                  message_id=job.reply_message_id,
                                                  reply_markup=keyboard)
                return
            reply = None if job.message_id is None else ReplyParameters(
                job.message_id, allow_sending_without_reply=True)
            await self._bot.send_message(job.chat_id, text, reply_parameters=reply,
                                         reply_markup=keyboard)
        except TelegramError:
            log.warning("could not show the result of job %s", job.id, exc_info=True)

    async def _relay(self, context: JobContext, text: str,
                     keyboard: InlineKeyboardMarkup | None = None) -> None:
        language = context.session.language
        try:
            with priority(Priority.FLOOR):  # a contribution, like a caption
                await self._bot.send_message(context.session.chat_id, relay_text(
                    language, context.speaker_name, text), reply_markup=keyboard)
        except TelegramError:
            log.warning("could not relay job %s to the group", context.job.id, exc_info=True)

    async def _drop(self, context: JobContext, rejected: AudioRejected) -> None:
        job_id = context.job.id
        assert job_id is not None
        language = context.session.language
        reason = t(language, rejected.code, **rejected.params)
        dropped = await self._stored(lambda: voice.give_up(
            self._uow(), job_id=job_id, status=JobStatus.DROPPED, reason=rejected.code,
            now=self._clock()))
        await self._tell(dropped, t(language, "voice_dropped", name=context.speaker_name,
                                    reason=reason))

    async def _retry(self, context: JobContext, error: Exception) -> None:
        job_id = context.job.id
        assert job_id is not None
        later, gave_up = await self._stored(lambda: voice.retry_later(
            self._uow(), job_id=job_id, error=f"{type(error).__name__}: {error}",
            now=self._clock()))
        if not gave_up:
            return
        language = context.session.language
        await self._tell(later, t(language, "voice_failed", name=context.speaker_name,
                                  attempts=later.job.attempts))
        await self._notify_moderator(later, type(error).__name__)

    async def _notify_moderator(self, context: JobContext, error: str) -> None:
        if context.job.uploaded:  # its uploader sees it on the session's page
            return
        text = t(context.session.language, "voice_failed_moderator",
                 name=context.speaker_name, error=error, job=context.job.id)
        moderator = await self._stored(partial(self._person, context.session.moderator_id))
        target = moderator.telegram_user_id if moderator and reachable(
            moderator.telegram_user_id) else None
        for chat_id in (target, context.session.chat_id):
            if chat_id is None:
                continue
            try:
                await self._bot.send_message(chat_id, text)
                return
            except TelegramError:  # the moderator never started a private chat with us
                continue

    async def _person(self, person_id: int) -> Person | None:
        async with self._uow() as work:
            return await work.people.get(person_id)

    async def _purge(self) -> None:
        """Delete kept audio past the retention period (voice is personal data)."""
        if time.monotonic() - self._purged_at < 3600:
            return
        self._purged_at = time.monotonic()
        cutoff = self._clock() - timedelta(days=self._options.retention_days)
        async with self._uow() as work:
            expired = await work.audio_jobs.kept_before(cutoff)
            for job in expired:
                if job.audio_path:
                    path = self._options.audio_dir / job.audio_path
                    await asyncio.to_thread(path.unlink, missing_ok=True)
                job.audio_path = None
                await work.audio_jobs.save(job)
            await work.commit()
        if expired:
            log.info("deleted %d audio files past %d days", len(expired),
                     self._options.retention_days)

