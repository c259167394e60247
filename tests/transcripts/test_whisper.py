"""The real Whisper base on the real clips: accurate, Simplified, nothing real dropped, nothing
invented on silence or noise, the event loop free while it works."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from facilitation.speech import (
    AudioTooLong,
    NoSpeech,
    NotAudio,
    Transcript,
    TranscriptionRequest,
)
from tests.transcripts.conftest import AUDIO, Clip, clip, encode, wav
from tests.transcripts.test_audio import lying_ogg
from transcripts.audio import SAMPLE_RATE, Samples
from transcripts.model_files import ModelUnavailable
from transcripts.normalize import has_traditional
from transcripts.scoring import cer, corpus_cer
from transcripts.whisper import WhisperOptions, WhisperTranscriber, WorkerCrashed
from transcripts.whisper_worker import ProcessRunner

# Clips whose plain Whisper output has Traditional characters (廣州, 12線, 為了規避, 娛樂...)
CLIPS = ("wenet__aishell-BAC009S0724W0121", "s3tokenizer__BAC009S0764W0122",
         "sure_tagger__BAC009S0764W0124", "codex_tts__SSB02410161", "codex_tts__SSB06710128",
         "codex_tts__SSB17110468")
REQUEST = TranscriptionRequest()
SHORT = clip("masr__BAC009S0901W0150")  # 据广州日报昨天报道, 2.9 s


def _check(transcript: Transcript, expected: Clip) -> None:
    assert not has_traditional(transcript.text), transcript.text
    assert transcript.dropped == ()
    assert transcript.language == "zh"
    assert transcript.duration == pytest.approx(expected.duration_s, abs=0.05)
    assert all(0 <= s.start < s.end <= expected.duration_s + 0.5 for s in transcript.segments)
    assert cer(expected.reference, transcript.text) < 0.35, transcript.text


async def test_real_clips_come_out_accurate_and_simplified(
        transcriber: WhisperTranscriber) -> None:
    chosen = [clip(name) for name in CLIPS]
    transcripts = await asyncio.gather(*(transcriber.transcribe(c.path, REQUEST)
                                         for c in chosen))  # queued for the one worker
    for transcript, expected in zip(transcripts, chosen, strict=True):
        _check(transcript, expected)
        assert transcript.engine == "faster-whisper"
        assert transcript.model == "whisper-base (ct2 int8)"
    assert corpus_cer((c.reference, t.text) for c, t in zip(chosen, transcripts, strict=True)) < 0.2


async def test_voice_and_video_notes_are_transcribed_from_bytes(
        transcriber: WhisperTranscriber, speech: Samples) -> None:
    expected = clip("masr__BAC009S0770W0131")
    for data in (encode(speech, "ogg"), encode(speech, "mp4", video=True)):
        transcript = await transcriber.transcribe(data, REQUEST)
        assert cer(expected.reference, transcript.text) < 0.35, transcript.text
        assert not has_traditional(transcript.text)


async def test_the_language_is_detected_when_not_given(transcriber: WhisperTranscriber) -> None:
    expected = clip("codex_tts__SSB17110468")
    transcript = await transcriber.transcribe(expected.path, TranscriptionRequest(language=None))
    assert transcript.language == "zh"
    assert cer(expected.reference, transcript.text) < 0.35


async def test_a_long_recording_goes_in_chunks_with_progress(
        transcriber: WhisperTranscriber) -> None:
    seen: list[float] = []
    transcript = await transcriber.transcribe(
        AUDIO / "long" / "funasr__VAD_30s_mono.wav",
        TranscriptionRequest(vad=True, max_duration_s=3600), progress=seen.append)
    assert len(seen) >= 3 and seen == sorted(seen) and seen[-1] == 1.0  # two chunks of 20 s
    starts = [s.start for s in transcript.segments]
    assert starts == sorted(starts) and transcript.segments[-1].end <= transcript.duration
    assert transcript.duration == pytest.approx(30.8, abs=0.1)
    assert len(transcript.text) > 20 and not has_traditional(transcript.text)


def _noises() -> dict[str, Samples]:
    rng = np.random.default_rng(2024)
    n = SAMPLE_RATE * 6
    t = np.arange(n) / SAMPLE_RATE
    spectrum = np.fft.rfft(rng.standard_normal(n))
    spectrum /= np.sqrt(np.maximum(np.arange(len(spectrum)), 1))
    pink = np.fft.irfft(spectrum, n)
    brown = np.cumsum(rng.standard_normal(n))
    brown -= brown.mean()
    noises = {
        "silence": np.zeros(n), "white": rng.standard_normal(n) * 0.05,
        "loud white": np.clip(rng.standard_normal(n) * 0.3, -1, 1),
        "pink": pink / np.abs(pink).max() * 0.3, "brown": brown / np.abs(brown).max() * 0.5,
        "mains hum": 0.2 * np.sin(2 * np.pi * 50 * t) + 0.05 * np.sin(2 * np.pi * 150 * t),
        "tone": 0.3 * np.sin(2 * np.pi * 440 * t),
        "clicks": np.where(rng.random(n) < 0.0005, 0.8, 0.0),
    }
    return {name: signal.astype(np.float32) for name, signal in noises.items()}


@pytest.mark.parametrize("prompt", [None, "停车难怎么解决"], ids=["no-prompt", "topic"])
async def test_silence_and_noise_are_no_speech(transcriber: WhisperTranscriber,
                                               prompt: str | None) -> None:
    for name, noise in _noises().items():
        with pytest.raises(NoSpeech):
            await transcriber.transcribe(wav(noise), TranscriptionRequest(prompt=prompt))
            pytest.fail(f"text heard in {name}")


async def test_what_whisper_invents_on_noise_is_filtered_out(models_dir: Path) -> None:
    """Without the VAD gate Whisper does write text on noise; the filter drops all of it."""
    bare = WhisperTranscriber(WhisperOptions(models_dir=models_dir, isolation="thread",
                                             speech_gate=False))
    await bare.start()
    dropped = 0
    try:
        for name in ("white", "tone"):
            noise = _noises()[name]
            with pytest.raises(NoSpeech) as refused:
                await bare.transcribe(wav(noise), TranscriptionRequest(prompt="停车难怎么解决"))
            dropped += refused.value.params["dropped"]
    finally:
        await bare.close()
    assert dropped >= 1  # something was invented, and caught


async def test_bad_audio_is_refused_before_inference(transcriber: WhisperTranscriber,
                                                     speech: Samples) -> None:
    liar = lying_ogg(encode(np.tile(speech, 3), "ogg"), factor=0.1)  # 33 s declared as 3
    started = time.perf_counter()
    with pytest.raises(AudioTooLong):
        await transcriber.transcribe(liar, TranscriptionRequest(max_duration_s=10))
    with pytest.raises(NotAudio):
        await transcriber.transcribe("纪要".encode() * 100, REQUEST)
    assert time.perf_counter() - started < 1.0  # no inference was started


async def test_the_event_loop_keeps_answering_while_whisper_works(
        transcriber: WhisperTranscriber) -> None:
    lags: list[float] = []
    job = asyncio.create_task(transcriber.transcribe(clip("masr__BAC009S0906W0125").path,
                                                     REQUEST))
    while not job.done():
        before = time.perf_counter()
        await asyncio.sleep(0.01)
        lags.append(time.perf_counter() - before - 0.01)
    await job
    assert len(lags) > 20 and max(lags) < 0.1


async def test_a_worker_that_dies_is_replaced(models_dir: Path) -> None:
    """The kernel kills a worker (memory): that job fails, to be retried; the next works."""
    engine = WhisperTranscriber(WhisperOptions(models_dir=models_dir))
    await engine.start()
    try:
        runner = engine._runner
        assert isinstance(runner, ProcessRunner) and len(runner.pids) == 1
        killed = runner.pids
        os.kill(killed[0], signal.SIGKILL)
        with pytest.raises(WorkerCrashed):
            await engine.transcribe(SHORT.path, REQUEST)
        assert len(runner.pids) == 1 and runner.pids != killed  # a new worker, model loaded
        transcript = await engine.transcribe(SHORT.path, REQUEST)
        assert cer(SHORT.reference, transcript.text) < 0.35
    finally:
        await engine.close()


async def test_an_unavailable_model_fails_at_start_with_what_to_do(tmp_path: Path) -> None:
    engine = WhisperTranscriber(WhisperOptions(model="large-v3", models_dir=tmp_path))
    with pytest.raises(ModelUnavailable, match="not available offline"):
        await engine.start()
    with pytest.raises(RuntimeError, match="start"):
        await engine.transcribe(b"", REQUEST)


HOLDER = """
import asyncio, sys
from pathlib import Path
from transcripts.whisper import WhisperOptions, WhisperTranscriber

async def main() -> None:
    engine = WhisperTranscriber(WhisperOptions(models_dir=Path(sys.argv[1])))
    await engine.start()
    print(*engine._runner.pids, flush=True)
    await asyncio.sleep(600)

if __name__ == "__main__":
    asyncio.run(main())
"""


async def test_workers_die_with_a_killed_bot(models_dir: Path, tmp_path: Path) -> None:
    """kill -9 runs no shutdown code: the worker notices its parent is gone and exits."""
    script = tmp_path / "holder.py"
    script.write_text(HOLDER)
    holder = await asyncio.create_subprocess_exec(
        sys.executable, str(script), str(models_dir), cwd=Path(__file__).parents[2],
        stdout=asyncio.subprocess.PIPE, start_new_session=True)
    assert holder.stdout is not None
    workers = [int(pid) for pid in (await asyncio.wait_for(holder.stdout.readline(), 60)).split()]
    assert workers and _alive(workers[0])
    holder.kill()
    await holder.wait()
    for _ in range(40):
        if not _alive(workers[0]):
            break
        await asyncio.sleep(0.05)
    assert not _alive(workers[0])


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"
