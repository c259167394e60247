"""The model's side of the faster-whisper engine: load and warm the model, and run a job where
the model lives, in a worker process (default) or a worker thread. A job is one chunk of
decoded audio (long recordings, decoded by the bot chunk by chunk for progress) or a whole
file (voice messages: probed, decoded, checked, transcribed and filtered here, so the bot's
process spends almost no CPU on them and sends a path, not megabytes of samples). Either way
the worker skips silence, drains faster-whisper's lazy segment generator and filters out
hallucinations (levels are measured on the samples, which stay here).

In a process pool each worker loads the model once in its initializer and lowers its own
priority (os.nice), so the bot's event loop keeps answering at once while Whisper uses the CPU:
inference holds the GIL between CTranslate2 calls (feature extraction, the segment loop), which
in a thread delays the event loop (bench/asr_loop_latency.py measures it).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import select
import signal
import threading
import time
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from functools import partial
from typing import Any, Protocol

import numpy as np

from facilitation.errors import DomainError
from transcripts.audio import (
    SAMPLE_RATE,
    AudioChunk,
    AudioReader,
    AudioSource,
    Samples,
    is_silent,
    loudest_dbfs,
)
from transcripts.hallucination import Dropped, RawSegment, filter_segments
from transcripts.model_files import ModelUnavailable

log = logging.getLogger(__name__)
SPARSE_SPEECH = 0.5  # below this share of speech, decode only the speech (VAD)


@dataclass(frozen=True)
class ModelSpec:
    """What each worker loads (picklable)."""

    path: str  # a local model folder (see model_files.resolve_model)
    device: str = "cpu"
    compute_type: str = "int8"
    cpu_threads: int = 2
    num_workers: int = 1  # concurrent calls into one model (thread runner)


@dataclass(frozen=True)
class DecodeOptions:
    """How one chunk is decoded (picklable); everything else is faster-whisper's default."""

    language: str | None = "zh"
    beam_size: int = 5
    initial_prompt: str | None = None
    hotwords: str | None = None
    vad_filter: bool = False  # decode only what Silero VAD calls speech
    speech_gate: bool = True  # no speech per Silero VAD: skip; little speech: VAD this chunk


@dataclass(frozen=True)
class ChunkResult:
    language: str
    language_probability: float
    segments: tuple[RawSegment, ...]


@dataclass(frozen=True)
class Heard:
    """What a job gives back: the segments kept, in the time of the whole audio."""

    segments: tuple[RawSegment, ...]
    dropped: tuple[Dropped, ...]  # recognised as hallucinations
    language: str | None  # as given, or detected (None: nothing was decoded)
    decoded_s: float = 0.0  # a whole file: how much audio it held


@dataclass(frozen=True)
class ChunkJob:
    """One chunk, decoded by the caller (picklable)."""

    chunk: AudioChunk
    options: DecodeOptions
    prompts: tuple[str, ...] = ()  # what the model was given, echoed back by hallucinations

    def run(self, model: Any) -> Heard:
        return hear(model, self.chunk, self.options, self.prompts)


@dataclass(frozen=True)
class FileJob:
    """A whole file (a path, or its bytes), decoded and checked in full before any inference,
    then transcribed chunk by chunk, its language detected once (picklable)."""

    source: AudioSource
    max_duration_s: float | None
    chunk_seconds: float
    options: DecodeOptions
    prompts: tuple[str, ...] = ()

    def run(self, model: Any) -> Heard:
        with AudioReader(self.source, self.max_duration_s) as reader:  # probes: may refuse
            chunks = list(reader.chunks(self.chunk_seconds))  # refuses past the limit
            decoded_s = reader.decoded_s
        language = self.options.language
        segments: list[RawSegment] = []
        dropped: list[Dropped] = []
        for chunk in chunks:
            heard = hear(model, chunk, replace(self.options, language=language or None),
                         self.prompts)
            language = language or heard.language
            segments.extend(heard.segments)
            dropped.extend(heard.dropped)
        return Heard(tuple(segments), tuple(dropped), language or None, decoded_s)


Job = ChunkJob | FileJob


class Refused(Exception):
    """A DomainError raised in a worker process, carried back whole: a DomainError with params
    does not survive pickling (its message comes back as its ``code``)."""

    def __init__(self, kind: type[DomainError], code: str, params: dict[str, Any]) -> None:
        super().__init__(kind, code, params)

    @classmethod
    def carrying(cls, error: DomainError) -> Refused:
        return cls(type(error), error.code, dict(error.params))

    def error(self) -> DomainError:
        """The DomainError as it was raised in the worker."""
        kind, code, params = self.args
        error: DomainError = kind(code, **params)
        return error


def load_model(spec: ModelSpec) -> Any:
    from faster_whisper import WhisperModel

    return WhisperModel(spec.path, device=spec.device, compute_type=spec.compute_type,
                        cpu_threads=spec.cpu_threads, num_workers=spec.num_workers,
                        local_files_only=True)


def warm(model: Any) -> None:
    """One small decode, so the first real request does not pay for lazy initialisation."""
    rng = np.random.default_rng(0)
    noise = (rng.standard_normal(SAMPLE_RATE) * 0.01).astype(np.float32)
    run(model, noise, DecodeOptions())


def speech_share(samples: Samples) -> float:
    """The share of ``samples`` Silero VAD (bundled with faster-whisper) calls speech."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    spans = get_speech_timestamps(samples, VadOptions())
    return float(sum(s["end"] - s["start"] for s in spans)) / max(1, len(samples))


def run(model: Any, samples: Samples, options: DecodeOptions) -> ChunkResult:
    vad_filter = options.vad_filter
    if options.speech_gate and not vad_filter:
        share = speech_share(samples)
        if share == 0.0:  # noise or silence: Whisper would only invent (and slowly)
            return ChunkResult(options.language or "", 0.0, ())
        vad_filter = share < SPARSE_SPEECH
    segments, info = model.transcribe(
        samples, language=options.language, beam_size=options.beam_size,
        initial_prompt=options.initial_prompt, hotwords=options.hotwords,
        vad_filter=vad_filter)
    drained = tuple(  # the generator decodes lazily: drain it here, where the model is
        RawSegment(start=float(s.start), end=float(s.end), text=str(s.text),
                   avg_logprob=float(s.avg_logprob), no_speech_prob=float(s.no_speech_prob),
                   compression_ratio=float(s.compression_ratio))
        for s in segments)
    return ChunkResult(str(info.language), float(info.language_probability), drained)


def hear(model: Any, chunk: AudioChunk, options: DecodeOptions,
         prompts: tuple[str, ...] = ()) -> Heard:
    """``chunk`` transcribed (unless silent: nothing to hear or invent) and filtered."""
    if is_silent(chunk.samples):
        return Heard((), (), options.language or None)
    result = run(model, chunk.samples, options)
    filtered = filter_segments(result.segments, prompts=prompts,
                               level=partial(_span_level, chunk))
    return Heard(tuple(_shifted(s, chunk.offset_s) for s in filtered.kept), filtered.dropped,
                 options.language or result.language or None)


def _span_level(chunk: AudioChunk, start: float, end: float) -> float:
    first, last = int(start * SAMPLE_RATE), int(end * SAMPLE_RATE)
    return loudest_dbfs(chunk.samples[max(0, first):max(first + 1, last)])


def _shifted(segment: RawSegment, offset: float) -> RawSegment:
    return replace(segment, start=segment.start + offset, end=segment.end + offset)


# --- in a worker process -------------------------------------------------------------------

_model: Any = None


def _init_process(spec: ModelSpec, nice: int, parent: int) -> None:
    global _model
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent, which stops us
    threading.Thread(target=_die_with, args=(parent,), name="die-with-parent",
                     daemon=True).start()
    if nice:
        os.nice(nice)
    _model = load_model(spec)
    warm(_model)


def _die_with(parent: int) -> None:
    """Exit as soon as ``parent`` is gone. A bot killed with -9 runs no shutdown code, and an
    orphaned worker would hold its model's memory for good (a restarted bot starts another)."""
    try:
        watch = os.pidfd_open(parent)  # readable once the process has ended
        select.select([watch], [], [])
    except (AttributeError, OSError):  # no pidfd here (old kernel, not Linux): poll
        while os.getppid() == parent:
            time.sleep(0.5)
    os._exit(0)


def _run_in_process(job: Job) -> Heard:
    try:
        return job.run(_model)
    except DomainError as error:  # the audio was refused: not a crash
        raise Refused.carrying(error) from None


def _ping() -> int:
    return os.getpid()


# --- runners -------------------------------------------------------------------------------

class Runner(Protocol):
    generation: int  # how many times the workers were (re)started

    def start(self) -> None: ...  # blocking: load and warm

    def submit(self, job: Job) -> Future[Heard]: ...  # its DomainErrors may come as Refused

    def recover(self, generation: int) -> None: ...  # blocking: restart broken workers once

    def close(self) -> None: ...  # blocking


class ProcessRunner:
    """``workers`` processes (spawned, not forked: the bot's threads must not be copied),
    each with its own model."""

    def __init__(self, spec: ModelSpec, workers: int = 1, nice: int = 10,
                 start_timeout_s: float = 300.0) -> None:
        self.spec, self.workers, self.nice = spec, workers, nice
        self.start_timeout_s = start_timeout_s
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self.generation = 0
        self.pids: tuple[int, ...] = ()  # the workers that answered at start

    def start(self) -> None:
        self.generation += 1
        self._pool = ProcessPoolExecutor(
            max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_process, initargs=(self.spec, self.nice, os.getpid()))
        pings = [self._pool.submit(_ping) for _ in range(self.workers)]
        try:
            pids = {ping.result(timeout=self.start_timeout_s) for ping in pings}
        except BrokenProcessPool as error:
            self.close()
            raise ModelUnavailable(
                f"the Whisper worker could not load the model in {self.spec.path} on "
                f"{self.spec.device} ({self.spec.compute_type}); its error is logged above"
            ) from error
        self.pids = tuple(sorted(pids))
        log.info("Whisper worker processes ready: %s", self.pids)

    def submit(self, job: Job) -> Future[Heard]:
        if self._pool is None:
            raise RuntimeError("the transcriber is not started")
        return self._pool.submit(_run_in_process, job)

    def recover(self, generation: int) -> None:
        """After a worker died (killed for memory, a crash in native code) the pool is broken:
        start a new one, unless a concurrent job already did since ``generation``."""
        with self._lock:
            if generation == self.generation:
                self.close()
                self.start()

    def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


class ThreadRunner:
    """One model in this process, called from ``workers`` threads (CTranslate2 runs them in
    parallel); cheaper to start, but the Python parts of inference hold the GIL."""

    def __init__(self, spec: ModelSpec, workers: int = 1) -> None:
        self.spec, self.workers = spec, workers
        self.generation = 1
        self._model: Any = None
        self._pool: Executor | None = None

    def start(self) -> None:
        self._model = load_model(self.spec)
        warm(self._model)
        self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="whisper")

    def submit(self, job: Job) -> Future[Heard]:
        if self._pool is None:
            raise RuntimeError("the transcriber is not started")
        return self._pool.submit(job.run, self._model)

    def recover(self, generation: int) -> None:
        """Nothing to do: a thread pool does not break (a native crash takes us all down)."""

    def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        self._model = None
