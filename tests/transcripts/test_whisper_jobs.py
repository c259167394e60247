"""A voice message is the worker's whole job: the bot's process sends a path and gets segments
back, decoding nothing itself; refusals come back as the same errors, code and params intact."""

from __future__ import annotations

import os
import pickle
import time
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from facilitation.errors import DomainError
from facilitation.speech import (
    AudioRejected,
    AudioTooLong,
    CorruptAudio,
    EmptyAudio,
    NotAudio,
    TranscriptionRequest,
)
from tests.transcripts.conftest import clip, encode, wav
from tests.transcripts.test_audio import lying_ogg
from transcripts.audio import SAMPLE_RATE, AudioReader, Samples, decode
from transcripts.scoring import cer
from transcripts.whisper import WhisperOptions, WhisperTranscriber
from transcripts.whisper_worker import (
    ChunkJob,
    DecodeOptions,
    FileJob,
    Heard,
    Job,
    Refused,
)

SPEECH = clip("masr__BAC009S0770W0131")  # the ``speech`` fixture, 10.9 s
LONGER = [clip(name) for name in ("masr__BAC009S0770W0131", "masr__BAC009S0906W0125",
                                  "masr__BAC009S0765W0124", "masr__BAC009S0901W0151")]


@pytest.mark.parametrize("error", [
    AudioTooLong(duration_s=33, limit_s=10), NotAudio(), CorruptAudio(decoded_s=2, errors=7),
    EmptyAudio(), AudioRejected("no_speech")], ids=lambda e: type(e).__name__)
def test_a_refusal_crosses_a_process_boundary_whole(error: DomainError) -> None:
    if error.params:  # why Refused: pickled as it is, its message comes back as its code
        assert pickle.loads(pickle.dumps(error)).code != error.code
    back = pickle.loads(pickle.dumps(Refused.carrying(error))).error()
    assert type(back) is type(error)
    assert (back.code, back.params, str(back)) == (error.code, error.params, str(error))


def _spy(transcriber: WhisperTranscriber, monkeypatch: pytest.MonkeyPatch) -> list[Job]:
    """Every job ``transcriber`` sends to its worker, from now on."""
    runner = transcriber._runner
    assert runner is not None
    sent: list[Job] = []
    submit = runner.submit

    def spy(job: Job) -> Future[Heard]:
        sent.append(job)
        return submit(job)

    monkeypatch.setattr(runner, "submit", spy)
    return sent


@pytest.fixture
def jobs(transcriber: WhisperTranscriber, monkeypatch: pytest.MonkeyPatch) -> list[Job]:
    """The jobs sent to the worker; and any decoding in this (the bot's) process fails."""

    def no_decoding_here(*_: Any, **__: Any) -> Iterator[Samples]:
        raise AssertionError("audio decoded in the bot's process")

    monkeypatch.setattr(AudioReader, "_blocks", no_decoding_here)
    return _spy(transcriber, monkeypatch)


async def test_a_voice_goes_to_the_worker_as_a_path_and_comes_back_as_text(
        transcriber: WhisperTranscriber, jobs: list[Job], speech: Samples,
        tmp_path: Path) -> None:
    voice = tmp_path / "voice.ogg"
    voice.write_bytes(encode(speech, "ogg"))
    transcript = await transcriber.transcribe(voice, TranscriptionRequest(max_duration_s=600))
    assert cer(SPEECH.reference, transcript.text) < 0.35, transcript.text
    assert transcript.duration == pytest.approx(SPEECH.duration_s, abs=0.1)
    assert transcript.language == "zh"
    [job] = jobs
    assert isinstance(job, FileJob) and job.source == voice and job.max_duration_s == 600
    assert len(pickle.dumps(job)) < 2_000  # a path and options, no samples


@pytest.fixture(scope="module")
def longer_voice() -> bytes:
    """Four clips in one voice note, 34.1 s: two chunks of about 20 s (see conftest)."""
    return encode(np.concatenate([decode(c.path) for c in LONGER]), "ogg")


async def test_a_voice_longer_than_a_chunk_is_heard_whole_its_language_detected(
        transcriber: WhisperTranscriber, longer_voice: bytes, jobs: list[Job]) -> None:
    transcript = await transcriber.transcribe(longer_voice, TranscriptionRequest(language=None))
    assert transcript.language == "zh"
    assert transcript.duration == pytest.approx(sum(c.duration_s for c in LONGER), abs=0.2)
    starts = [s.start for s in transcript.segments]
    assert starts == sorted(starts) and starts[-1] > 20  # the second chunk, shifted
    assert all(s.end <= transcript.duration + 0.5 for s in transcript.segments)
    reference = "".join(c.reference for c in LONGER)
    assert cer(reference, transcript.text) < 0.35, transcript.text
    assert [type(job) for job in jobs] == [FileJob]


async def test_refusals_in_the_worker_come_back_as_they_were_raised(
        transcriber: WhisperTranscriber, jobs: list[Job], speech: Samples,
        tmp_path: Path) -> None:
    ogg = encode(speech, "ogg")
    liar = lying_ogg(encode(np.tile(speech, 6), "ogg"), factor=0.05)  # 65 s declared as 3
    started = time.perf_counter()
    with pytest.raises(AudioTooLong) as declared:  # probed: nothing decoded
        await transcriber.transcribe(ogg, TranscriptionRequest(max_duration_s=5))
    assert (declared.value.code, declared.value.params) == \
        ("audio_too_long", {"duration_s": 11, "limit_s": 5})
    with pytest.raises(AudioTooLong) as decoded:  # caught while decoding, which stopped
        await transcriber.transcribe(liar, TranscriptionRequest(max_duration_s=10))
    assert decoded.value.code == "audio_too_long" and decoded.value.params["limit_s"] == 10
    assert 10 < decoded.value.params["duration_s"] <= 12
    with pytest.raises(NotAudio) as foreign:
        await transcriber.transcribe("会议纪要".encode() * 100, TranscriptionRequest())
    assert foreign.value.code == "not_audio"
    with pytest.raises(CorruptAudio):
        await transcriber.transcribe(ogg[: len(ogg) // 20], TranscriptionRequest())
    with pytest.raises(EmptyAudio):
        await transcriber.transcribe(b"", TranscriptionRequest())
    with pytest.raises(FileNotFoundError):
        await transcriber.transcribe(tmp_path / "gone.ogg", TranscriptionRequest())
    assert time.perf_counter() - started < 3.0  # no inference was started
    assert len(jobs) == 6 and all(isinstance(job, FileJob) for job in jobs)


async def test_a_recording_with_progress_still_goes_chunk_by_chunk(
        transcriber: WhisperTranscriber, monkeypatch: pytest.MonkeyPatch,
        speech: Samples) -> None:
    sent = _spy(transcriber, monkeypatch)
    seen: list[float] = []
    data = wav(np.tile(speech, 3))
    transcript = await transcriber.transcribe(data, TranscriptionRequest(max_duration_s=600),
                                              progress=seen.append)
    assert [type(job) for job in sent] == [ChunkJob, ChunkJob]
    assert seen[-1] == 1.0 and len(seen) == 3 and seen == sorted(seen)
    assert transcript.segments[-1].start > 20


# --- FileJob on a stand-in model: what goes to the model, and what comes back ----------------

class _Model:
    """Answers each call with one segment per text of the next answer, each over the whole
    chunk; records the calls."""

    def __init__(self, *answers: tuple[str, ...]) -> None:
        self.answers = list(answers)
        self.calls: list[dict[str, Any]] = []

    def transcribe(self, samples: Samples, **options: Any) -> tuple[Iterator[Any], Any]:
        self.calls.append(options)
        seconds = len(samples) / SAMPLE_RATE
        segments = [SimpleNamespace(start=0.0, end=seconds, text=text, avg_logprob=-0.2,
                                    no_speech_prob=0.1, compression_ratio=1.2)
                    for text in self.answers.pop(0)]
        return iter(segments), SimpleNamespace(language="zh", language_probability=0.99)


def test_a_file_job_skips_silence_detects_the_language_once_and_filters() -> None:
    t = np.arange(SAMPLE_RATE * 10) / SAMPLE_RATE
    tone = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    data = wav(np.concatenate([tone, np.zeros(SAMPLE_RATE * 25, np.float32), tone]))
    with AudioReader(data) as reader:
        offsets = [chunk.offset_s for chunk in reader.chunks(20.0)]
    assert len(offsets) == 3  # tone, silence, silence and tone
    model = _Model(("第一段", "字幕由Amara.org社群提供"), ("第二段",))
    options = DecodeOptions(language=None, speech_gate=False, initial_prompt="停车难")
    heard = FileJob(data, 600, 20.0, options, ("停车难",)).run(model)
    assert [call["language"] for call in model.calls] == [None, "zh"]  # detected once
    assert all(call["initial_prompt"] == "停车难" for call in model.calls)
    assert [(s.text, s.start) for s in heard.segments] == [("第一段", 0.0), ("第二段", offsets[2])]
    assert [(d.reason, d.text) for d in heard.dropped] == [("credits", "字幕由Amara.org社群提供")]
    assert heard.language == "zh"
    assert heard.decoded_s == pytest.approx(45.0, abs=0.05)


def test_a_file_job_refuses_before_calling_the_model(speech: Samples) -> None:
    model = _Model()
    with pytest.raises(AudioTooLong):
        FileJob(encode(speech, "ogg"), 5, 60.0, DecodeOptions()).run(model)
    with pytest.raises(NotAudio):
        FileJob(b"not audio at all" * 10, 600, 60.0, DecodeOptions()).run(model)
    assert model.calls == []


def test_by_default_one_core_is_left_to_the_bot(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert WhisperOptions().threads == 1
    assert WhisperOptions(workers=2).threads == 1
    assert WhisperOptions(cpu_threads=2).threads == 2
    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    assert WhisperOptions().threads == 7
    assert WhisperOptions(workers=2).threads == 3
