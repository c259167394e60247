"""OpenAIHttpTranscriber: the Transcriber port on an OpenAI-compatible server (POST
{base}/v1/audio/transcriptions, multipart, verbose_json): our own ``yishitang asr-serve`` on a
machine shared by several bots, or any compatible service.

The audio is probed here first (not audio, damaged, declared too long: refused without an
upload), and the answer is normalised exactly as the in-process engine's: Simplified Chinese,
hallucinated segments dropped (with Whisper's statistics when the server sends them).
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from facilitation.speech import (
    AudioRejected,
    AudioTooLarge,
    AudioTooLong,
    CorruptAudio,
    EmptyAudio,
    NoSpeech,
    NotAudio,
    Progress,
    Transcript,
    TranscriptionRequest,
)
from transcripts.audio import AudioReader
from transcripts.hallucination import RawSegment, filter_segments, kept_segment
from transcripts.normalize import join_segments, normalize_text

log = logging.getLogger(__name__)
ENGINE = "openai-http"
REJECTIONS: dict[str, type[AudioRejected]] = {
    cls.code: cls for cls in (NotAudio, CorruptAudio, EmptyAudio, AudioTooLong, AudioTooLarge,
                              NoSpeech, AudioRejected)}
LANGUAGE_NAMES = {"chinese": "zh", "mandarin": "zh", "cantonese": "yue", "english": "en",
                  "japanese": "ja", "korean": "ko", "tibetan": "bo", "uyghur": "ug"}


class AsrServiceError(RuntimeError):
    """The server failed or refused for a reason that is not the audio's fault."""

    def __init__(self, message: str, *, status: int | None = None,
                 code: str | None = None) -> None:
        super().__init__(message)
        self.status, self.code = status, code


class AsrTimeout(AsrServiceError):
    pass


@dataclass(frozen=True)
class HttpOptions:
    model: str = "whisper-1"  # the server's model id (ours accepts any)
    timeout_s: float = 900.0  # a whole-meeting recording takes a while
    connect_timeout_s: float = 10.0
    temperature: float = 0.0
    use_prompt: bool = True  # the session topic as prompt (see transcripts/whisper.py)
    use_hotwords: bool = False  # the glossary appended to the prompt


class OpenAIHttpTranscriber:
    def __init__(self, base_url: str, *, api_key: str | None = None,
                 options: HttpOptions | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.options = options or HttpOptions()
        self._api_key = api_key
        self._session: aiohttp.ClientSession | None = None

    @property
    def engine(self) -> str:
        return ENGINE

    @property
    def model(self) -> str:
        return f"{self.options.model} @ {urlsplit(self.base_url).netloc or self.base_url}"

    async def start(self) -> None:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(
                total=self.options.timeout_s, sock_connect=self.options.connect_timeout_s))

    async def close(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    async def transcribe(self, audio: Path | bytes, request: TranscriptionRequest,
                         progress: Progress | None = None) -> Transcript:
        data = audio if isinstance(audio, bytes) else await asyncio.to_thread(audio.read_bytes)
        container = await asyncio.to_thread(_checked_format, data, request.max_duration_s)
        name = audio.name if isinstance(audio, Path) else f"audio.{_extension(container)}"
        if self._session is None:
            await self.start()
        assert self._session is not None
        body = await self._post(self._session, self._form(data, name, request))
        if progress is not None:
            progress(1.0)
        return self._transcript(body, request)

    def _form(self, data: bytes, name: str, request: TranscriptionRequest) -> aiohttp.FormData:
        form = aiohttp.FormData()
        form.add_field("file", io.BytesIO(data), filename=name,  # bytes over 1 MB would warn
                       content_type="application/octet-stream")
        form.add_field("model", self.options.model)
        form.add_field("response_format", "verbose_json")
        form.add_field("temperature", str(self.options.temperature))
        if request.language:
            form.add_field("language", request.language)
        if prompt := self._prompt(request):
            form.add_field("prompt", prompt)
        return form

    def _prompt(self, request: TranscriptionRequest) -> str:
        parts = [request.prompt or ""] if self.options.use_prompt else []
        if self.options.use_hotwords and request.hotwords:
            parts.append("、".join(request.hotwords))
        return normalize_text("。".join(p for p in parts if p.strip()))

    async def _post(self, session: aiohttp.ClientSession, form: aiohttp.FormData) -> Any:
        url = f"{self.base_url}/v1/audio/transcriptions"
        headers = {"Authorization": f"Bearer {self._api_key}"} if self._api_key else {}
        try:
            async with session.post(url, data=form, headers=headers) as response:
                text = await response.text()
                if response.status >= 400:
                    raise _error(response.status, text)
                return json.loads(text)
        except TimeoutError as error:
            raise AsrTimeout(f"no answer from {url} within {self.options.timeout_s:g} s") \
                from error
        except aiohttp.ClientError as error:
            raise AsrServiceError(f"cannot reach {url}: {error}") from error
        except json.JSONDecodeError as error:
            raise AsrServiceError(f"{url} did not answer JSON: {error}") from error

    def _transcript(self, body: dict[str, Any], request: TranscriptionRequest) -> Transcript:
        duration = float(body.get("duration") or 0.0)
        raw = [_segment(s) for s in body.get("segments") or []]
        if not raw and str(body.get("text", "")).strip():
            raw = [RawSegment(0.0, duration, str(body["text"]))]
        prompts = tuple(p for p in (self._prompt(request),) if p)
        filtered = filter_segments(raw, prompts=prompts)
        segments = tuple(kept_segment(s, text) for s in filtered.kept
                         if (text := normalize_text(s.text)))
        dropped = tuple(d.text for d in filtered.dropped)
        if not segments:
            raise NoSpeech(dropped=len(dropped))
        language = str(body.get("language") or request.language or "")
        return Transcript(
            text=join_segments(s.text for s in segments),
            language=LANGUAGE_NAMES.get(language.lower(), language), duration=duration,
            segments=segments, engine=ENGINE, model=self.model, dropped=dropped)


def _checked_format(data: bytes, max_duration_s: float | None) -> str:
    """The container's name, once the cheap checks passed (refused here, not uploaded)."""
    with AudioReader(data, max_duration_s) as reader:
        return reader.format


def _extension(container: str) -> str:
    """A file name extension for ffmpeg's container name: services go by the name."""
    names = container.split(",")
    for known in ("ogg", "mp3", "wav", "flac", "webm", "m4a", "mp4"):
        if known in names:
            return known
    return names[0] or "bin"


def _segment(data: dict[str, Any]) -> RawSegment:
    def number(key: str) -> float | None:
        value = data.get(key)
        return float(value) if isinstance(value, int | float) else None

    return RawSegment(float(data.get("start", 0.0)), float(data.get("end", 0.0)),
                      str(data.get("text", "")), number("avg_logprob"),
                      number("no_speech_prob"), number("compression_ratio"))


def _error(status: int, text: str) -> Exception:
    """The exception for an error answer: our AudioRejected kinds by code, else service."""
    error = _error_body(text)
    message = str(error.get("message") or text[:200] or f"HTTP {status}")
    code = error.get("code")
    found = error.get("details")
    details: dict[str, Any] = found if isinstance(found, dict) else {}
    if isinstance(code, str) and code in REJECTIONS:
        return REJECTIONS[code](**details)
    if status == 413:
        return AudioTooLarge(**details)
    if status == 400 and (error.get("param") == "file" or "file" in message.lower()):
        return AudioRejected(detail=message)  # another server's words for "bad audio"
    if status in (401, 403):
        return AsrServiceError(f"the ASR server refused our key (HTTP {status}): {message}",
                               status=status, code=str(code))
    return AsrServiceError(f"the ASR server answered HTTP {status}: {message}", status=status,
                           code=str(code) if code else None)


def _error_body(text: str) -> dict[str, Any]:
    """``{"error": {...}}`` (OpenAI's shape) or whatever part of it is there."""
    try:
        body = json.loads(text)
    except json.JSONDecodeError:
        return {}
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        return error
    return {"message": str(error)} if error else {}
