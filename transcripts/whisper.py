"""WhisperTranscriber: the Transcriber port on faster-whisper (CTranslate2), in-process.

The event loop never waits for inference, and the bot's process does almost no work per
voice message: audio whose limit is within ``buffer_seconds`` (voice messages) goes to a
worker process as a path (or its bytes), and the worker probes it, decodes it whole (refusing
it before any inference), cuts it into chunks, and sends back the segments kept. Longer audio
(recordings, with progress) is probed and decoded here in a thread, chunk by chunk, and each
chunk is transcribed in a worker. Workers are a bounded pool of processes that loaded the
model once. Audio is cut into chunks at the quietest moment near each ``chunk_seconds``:
chunking bounds memory on whole-meeting recordings, gives progress per chunk, and lets a
voice message queued behind a long recording wait one chunk rather than the whole recording.

What goes to the model, and why (measured on the 26 clips of shared/audio, Whisper base int8,
character error rate after t2s; plain faster-whisper 17.96%):
- the session topic as ``initial_prompt`` (converted to Simplified): never worse on the four
  topics tried, related or not to what is said (16.85-17.68%);
- the glossary as ``hotwords`` only when ``use_hotwords``: it helps when its words are spoken
  (14.9-16.3%) and hurts when they are not (19.1-19.6%), so it is off by default;
- no generic prompt: "以下是普通话的句子。" gave 19.06%;
- VAD (Silero, bundled with faster-whisper) as a gate: a chunk in which it hears no speech is
  not decoded (on noise Whisper loops through its temperature fallbacks for up to 3x real time
  only to invent text), and a chunk with under half speech is decoded through the VAD filter;
  speech-filled clips are decoded whole, as plain faster-whisper does (VAD trimming on them
  gave 18.23%). Silero's speech probability peaks at 0.97-1.00 on every real clip and at
  0.00-0.24 on generated noise (0.63 on loud white noise, then filtered as hallucination).
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any, Literal

from facilitation.speech import NoSpeech, Progress, Transcript, TranscriptionRequest
from transcripts.audio import AudioChunk, AudioReader
from transcripts.hallucination import Dropped, RawSegment, kept_segment
from transcripts.model_files import resolve_model
from transcripts.normalize import join_segments, normalize_text
from transcripts.whisper_worker import (
    ChunkJob,
    DecodeOptions,
    FileJob,
    Heard,
    Job,
    ModelSpec,
    ProcessRunner,
    Refused,
    Runner,
    ThreadRunner,
)

log = logging.getLogger(__name__)
ENGINE = "faster-whisper"
_InThread = Callable[[Callable[[], Any]], Awaitable[Any]]


class WorkerCrashed(RuntimeError):
    """A worker process died during a transcription (the pool was restarted); try again."""


@dataclass(frozen=True)
class WhisperOptions:
    model: str = "base"  # "base" (offline), a faster-whisper name, or a local CTranslate2 folder
    models_dir: Path = Path("data/models")
    device: str = "cpu"
    compute_type: str = "int8"
    beam_size: int = 5
    cpu_threads: int = 0  # per worker; 0: all cores but one, shared among the workers
    workers: int = 1  # transcriptions at a time (processes, or threads)
    isolation: Literal["process", "thread"] = "process"
    nice: int = 10  # worker processes yield the CPU to the bot
    chunk_seconds: float = 60.0
    buffer_seconds: float = 900.0  # up to this limit, the worker decodes and checks it all first
    use_prompt: bool = True  # the session topic as initial_prompt
    use_hotwords: bool = False  # the glossary as hotwords (see the module's notes)
    speech_gate: bool = True  # skip chunks where Silero VAD hears no speech (see below)
    allow_download: bool = True  # faster-whisper names other than "base" need network once
    start_timeout_s: float = 300.0

    @property
    def threads(self) -> int:
        """Whisper's threads per worker. By default one core is left to the bot: on 2 cores,
        1 thread instead of 2 cut the event loop's p95 lag while transcribing from 2 ms to
        0.35 ms (idle: 0.3 ms; bench asr-loop) and the median /queue p99 ratio under four
        voices from 2.0 to 1.5-1.6 (bench voice), for 15% more time per transcription (a
        30 s voice's caption: 4.3 s instead of 3.9 s)."""
        if self.cpu_threads:
            return self.cpu_threads
        return max(1, ((os.cpu_count() or 1) - 1) // self.workers)


@dataclass
class _Collected:
    segments: list[RawSegment]
    dropped: list[Dropped]
    language: str | None

    def add(self, heard: Heard) -> None:
        self.language = self.language or heard.language or None  # detected once
        self.segments.extend(heard.segments)
        self.dropped.extend(heard.dropped)


class WhisperTranscriber:
    def __init__(self, options: WhisperOptions | None = None) -> None:
        self.options = options or WhisperOptions()
        name = self.options.model
        label = f"whisper-{name}" if os.sep not in name else Path(name).name
        self._label = f"{label} (ct2 {self.options.compute_type})"
        self._runner: Runner | None = None

    @property
    def engine(self) -> str:
        return ENGINE

    @property
    def model(self) -> str:
        return self._label

    async def start(self) -> None:
        """Find (assemble) the model, start the workers, load and warm it in each."""
        if self._runner is None:
            self._runner = await asyncio.to_thread(self._start_runner)

    def _start_runner(self) -> Runner:
        o = self.options
        resolved = resolve_model(o.model, o.models_dir, allow_download=o.allow_download)
        self._label = f"{resolved.label} (ct2 {o.compute_type})"
        spec = ModelSpec(resolved.path, o.device, o.compute_type, o.threads,
                         num_workers=o.workers if o.isolation == "thread" else 1)
        runner: Runner
        if o.isolation == "thread":
            runner = ThreadRunner(spec, o.workers)
        else:
            runner = ProcessRunner(spec, o.workers, o.nice, o.start_timeout_s)
        runner.start()
        log.info("%s ready: %s, %d worker %s(s), %d thread(s) each", self._label,
                 resolved.path, o.workers, o.isolation, o.threads)
        return runner

    async def close(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await asyncio.to_thread(runner.close)

    async def transcribe(self, audio: Path | bytes, request: TranscriptionRequest,
                         progress: Progress | None = None) -> Transcript:
        if self._runner is None:
            raise RuntimeError("WhisperTranscriber.start() was not awaited")
        options = self._decode_options(request)
        prompts = tuple(p for p in (options.initial_prompt, options.hotwords) if p)
        limit = request.max_duration_s
        if progress is None and limit is not None and limit <= self.options.buffer_seconds:
            # short enough to hold: all of it in the worker, checked whole before inference
            heard = await self._run(FileJob(audio, limit, self.options.chunk_seconds, options,
                                            prompts))
            collected = _Collected([], [], options.language)
            collected.add(heard)
            return self._transcript(collected, heard.decoded_s, request)
        return await self._transcribe_in_chunks(audio, request, progress, options, prompts)

    async def _transcribe_in_chunks(self, audio: Path | bytes, request: TranscriptionRequest,
                                    progress: Progress | None, options: DecodeOptions,
                                    prompts: tuple[str, ...]) -> Transcript:
        # one thread per file: opening, decoding and closing never overlap, even on cancel
        decoder = ThreadPoolExecutor(1, thread_name_prefix="decode")
        in_decoder = partial(asyncio.get_running_loop().run_in_executor, decoder)
        try:
            reader = await in_decoder(partial(AudioReader, audio, request.max_duration_s))
            try:
                collected = _Collected([], [], options.language)
                async for chunk in self._chunks(reader, request, in_decoder):
                    chunk_options = replace(options, language=collected.language or None)
                    collected.add(await self._run(ChunkJob(chunk, chunk_options, prompts)))
                    _report(progress, chunk, reader.claimed_s)
            finally:
                decoder.submit(reader.close)
        finally:
            decoder.shutdown(wait=False)
        if progress is not None:
            progress(1.0)
        return self._transcript(collected, reader.decoded_s, request)

    def _decode_options(self, request: TranscriptionRequest) -> DecodeOptions:
        prompt = normalize_text(request.prompt or "") if self.options.use_prompt else ""
        hotwords = " ".join(normalize_text(w) for w in request.hotwords if w.strip()) \
            if self.options.use_hotwords else ""
        return DecodeOptions(language=request.language or None, beam_size=self.options.beam_size,
                             initial_prompt=prompt or None, hotwords=hotwords or None,
                             vad_filter=request.vad, speech_gate=self.options.speech_gate)

    async def _chunks(self, reader: AudioReader, request: TranscriptionRequest,
                      in_decoder: _InThread) -> AsyncIterator[AudioChunk]:
        chunks = reader.chunks(self.options.chunk_seconds)
        limit = request.max_duration_s
        if limit is not None and limit <= self.options.buffer_seconds:
            # short enough to hold: decode it all first, so a lying header is caught before
            # any inference
            chunks = iter(await in_decoder(partial(list, chunks)))
        while (chunk := await in_decoder(partial(_next, chunks))) is not None:
            yield chunk

    async def _run(self, job: Job) -> Heard:
        runner = self._runner
        assert runner is not None
        generation = runner.generation
        try:
            heard: Heard = await asyncio.wrap_future(runner.submit(job))
        except BrokenProcessPool as error:
            await asyncio.to_thread(runner.recover, generation)
            raise WorkerCrashed("a Whisper worker process died; restarted") from error
        except Refused as refused:  # the audio was refused in the worker
            raise refused.error() from None
        for dropped in heard.dropped:
            log.info("dropped %s segment: %r", dropped.reason, dropped.text)
        return heard

    def _transcript(self, collected: _Collected, duration: float,
                    request: TranscriptionRequest) -> Transcript:
        segments = tuple(kept_segment(s, text) for s in collected.segments
                         if (text := normalize_text(s.text)))
        dropped = tuple(d.text for d in collected.dropped)
        if not segments:
            raise NoSpeech(dropped=len(dropped))
        return Transcript(
            text=join_segments(s.text for s in segments),
            language=collected.language or request.language or "", duration=round(duration, 3),
            segments=segments, engine=ENGINE, model=self._label, dropped=dropped)


def _report(progress: Progress | None, chunk: AudioChunk, total: float | None) -> None:
    """Fraction done after ``chunk``, when the container told the total."""
    if progress is not None and total:
        progress(min(1.0, (chunk.offset_s + chunk.duration_s) / total))


def _next(chunks: Iterator[AudioChunk]) -> AudioChunk | None:
    return next(chunks, None)  # None, not StopIteration, which cannot cross into a Future
