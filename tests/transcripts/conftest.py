"""Real parts for the speech tests: the offline Whisper base (assembled once per run into a
temporary models folder, loaded once in a worker process), the real clips in tests/data/audio,
and audio encoded here with PyAV. Nothing is downloaded: HF_HUB_OFFLINE=1 for the whole run."""

from __future__ import annotations

import asyncio
import csv
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
import pytest

from transcripts.audio import SAMPLE_RATE, Samples, decode
from transcripts.whisper import WhisperOptions, WhisperTranscriber

AUDIO = Path(__file__).parents[1] / "data" / "audio"  # copied from the shared audio folder (README)
CODECS = {  # container: (codec, sample rate)
    "ogg": ("libopus", 48_000), "mp3": ("libmp3lame", 44_100), "ipod": ("aac", 44_100),
    "mp4": ("aac", 44_100), "wav": ("pcm_s16le", 16_000), "webm": ("libopus", 48_000),
}


@dataclass(frozen=True)
class Clip:
    path: Path
    reference: str
    duration_s: float


def clips() -> list[Clip]:
    with (AUDIO / "refs.tsv").open(encoding="utf-8") as file:
        return [Clip(AUDIO / row["file"], row["reference"], float(row["duration_s"]))
                for row in csv.DictReader(file, delimiter="\t")]


def clip(name: str) -> Clip:
    return next(c for c in clips() if c.path.name.startswith(name))


def encode(samples: Samples, container: str, *, video: bool = False) -> bytes:
    """``samples`` (16 kHz mono float) encoded into ``container`` (an MP4 with ``video`` also
    gets a small H.264 picture track, like a Telegram video note)."""
    codec, rate = CODECS[container]
    buffer = io.BytesIO()
    with av.open(buffer, "w", format=container) as out:
        picture = _video_stream(out) if video else None
        stream = out.add_stream(codec, rate=rate)
        assert isinstance(stream, av.AudioStream)
        stream.layout = "mono"
        resampler = av.AudioResampler(format=stream.codec_context.format.name, layout="mono",
                                      rate=rate)
        pcm = (np.clip(samples, -1, 1) * 32767).astype(np.int16)
        for start in range(0, len(pcm), 4096):
            frame = av.AudioFrame.from_ndarray(pcm[None, start:start + 4096], format="s16",
                                               layout="mono")
            frame.sample_rate = SAMPLE_RATE
            for part in resampler.resample(frame):
                out.mux(stream.encode(part))
        for part in resampler.resample(None):
            out.mux(stream.encode(part))
        out.mux(stream.encode(None))
        if picture is not None:
            _pictures(out, picture, seconds=len(samples) / SAMPLE_RATE)
    return buffer.getvalue()


def _video_stream(out: av.container.OutputContainer) -> av.VideoStream:
    stream = out.add_stream("libx264", rate=10)
    assert isinstance(stream, av.VideoStream)
    stream.width = stream.height = 64
    stream.pix_fmt = "yuv420p"
    return stream


def _pictures(out: av.container.OutputContainer, stream: av.VideoStream,
              seconds: float) -> None:
    for index in range(int(seconds * 10)):
        image = np.full((64, 64, 3), index % 255, dtype=np.uint8)
        frame = av.VideoFrame.from_ndarray(image, format="rgb24")
        frame.pts = index
        out.mux(stream.encode(frame))
    out.mux(stream.encode(None))


def wav(samples: Samples) -> bytes:
    return encode(samples, "wav")


@pytest.fixture(scope="session", autouse=True)
def _offline() -> Iterator[None]:
    saved = os.environ.get("HF_HUB_OFFLINE")
    os.environ["HF_HUB_OFFLINE"] = "1"  # inherited by the worker processes too
    yield
    if saved is None:
        os.environ.pop("HF_HUB_OFFLINE", None)
    else:
        os.environ["HF_HUB_OFFLINE"] = saved


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def transcriber(models_dir: Path) -> Iterator[WhisperTranscriber]:
    """The real engine as production runs it (a worker process), started once per run."""
    engine = WhisperTranscriber(WhisperOptions(models_dir=models_dir, chunk_seconds=20.0))
    asyncio.run(engine.start())
    yield engine
    asyncio.run(engine.close())


@pytest.fixture(scope="session")
def speech() -> Samples:
    """Ten seconds of real Mandarin (中指院广州公司总经理张化学向南都记者表示)."""
    return decode(clip("masr__BAC009S0770W0131").path)
