"""What speech recognition gives back, and how we ask for it: plain data, no engine."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from facilitation.errors import InvalidInput


@dataclass(frozen=True)
class Segment:
    start: float  # seconds from the start of the audio
    end: float
    text: str
    # Whisper's own statistics of the segment, when the engine gives them (facilitation.review)
    avg_logprob: float | None = None
    no_speech_prob: float | None = None
    compression_ratio: float | None = None


@dataclass(frozen=True)
class Transcript:
    text: str  # normalised: Simplified Chinese, punctuation kept, hallucinations dropped
    language: str
    duration: float  # seconds of audio
    segments: tuple[Segment, ...]
    engine: str  # e.g. "faster-whisper", "openai-http"
    model: str  # e.g. "whisper-base (ct2 int8)"
    dropped: tuple[str, ...] = ()  # segment texts recognised as hallucinations and removed

    @property
    def empty(self) -> bool:
        return not self.text.strip()


@dataclass(frozen=True)
class TranscriptionRequest:
    language: str | None = "zh"  # None: detect
    prompt: str | None = None  # initial prompt: the session topic
    hotwords: tuple[str, ...] = ()  # the hall's glossary: place names, unit names
    max_duration_s: float | None = 600.0  # refuse (AudioTooLong) past this, before decoding
    vad: bool = False  # chunk by voice activity (whole-meeting recordings)
    extra: dict[str, str] = field(default_factory=dict)


Progress = Callable[[float], None]  # fraction done, 0.0 .. 1.0


class Transcriber(Protocol):
    """Speech to text. Implementations run the heavy work off the event loop."""

    @property
    def engine(self) -> str: ...

    @property
    def model(self) -> str: ...

    async def start(self) -> None:
        """Load and warm the model (a no-op for remote engines)."""
        ...

    async def close(self) -> None: ...

    async def transcribe(self, audio: Path | bytes, request: TranscriptionRequest,
                         progress: Progress | None = None) -> Transcript: ...


class AudioRejected(InvalidInput):
    """The audio cannot or must not be transcribed; ``code`` says why."""

    code = "audio_rejected"


class NotAudio(AudioRejected):
    code = "not_audio"


class CorruptAudio(AudioRejected):
    code = "corrupt_audio"


class EmptyAudio(AudioRejected):
    code = "empty_audio"


class AudioTooLong(AudioRejected):
    code = "audio_too_long"  # params: duration_s, limit_s


class AudioTooLarge(AudioRejected):
    code = "audio_too_large"  # params: size_mb, limit_mb


class NoSpeech(AudioRejected):
    code = "no_speech"  # silence, noise, or only hallucinated text
