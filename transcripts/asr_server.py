"""An OpenAI-compatible speech-to-text server in front of one Transcriber, so one machine with
the model can serve several bots (``yishitang asr-serve``).

- POST /v1/audio/transcriptions  multipart: file, model (any), language, prompt,
  response_format (json | verbose_json | text), temperature (ignored: ours is fixed);
  extensions: ``hotwords`` (comma or newline separated) and ``vad`` (true: whole recordings)
- GET /v1/models, GET /health
Errors come in OpenAI's shape ``{"error": {"message", "type", "param", "code"}}`` with our
AudioRejected codes (not_audio, corrupt_audio, empty_audio, audio_too_long, audio_too_large,
no_speech) and their parameters in ``details``; a bearer key is required when one is set.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from aiohttp import BodyPartReader, web

from facilitation.speech import (
    AudioRejected,
    AudioTooLarge,
    Transcriber,
    Transcript,
    TranscriptionRequest,
)
from transcripts.rejections import explain

log = logging.getLogger(__name__)
FORMATS = ("json", "verbose_json", "text")


@dataclass(frozen=True)
class AsrServerOptions:
    api_key: str | None = None  # required as "Authorization: Bearer KEY" when set
    max_upload_mb: float = 25.0  # OpenAI's own limit
    max_duration_s: float | None = 4 * 3600.0
    model_id: str = "whisper-1"  # what GET /v1/models lists


class _Refused(Exception):
    def __init__(self, status: int, message: str, code: str | None = None,
                 param: str | None = None, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.code = status, message, code
        self.param, self.details = param, details or {}


TRANSCRIBER = web.AppKey("transcriber", Transcriber)
OPTIONS = web.AppKey("options", AsrServerOptions)


def make_asr_app(transcriber: Transcriber, options: AsrServerOptions | None = None, *,
                 manage: bool = False) -> web.Application:
    """The app; with ``manage`` it also starts (loads, warms) and closes the transcriber."""
    app = web.Application(middlewares=[_errors])
    app[TRANSCRIBER] = transcriber
    app[OPTIONS] = options or AsrServerOptions()
    app.router.add_post("/v1/audio/transcriptions", _transcriptions)
    app.router.add_get("/v1/models", _models)
    app.router.add_get("/health", _health)
    if manage:
        app.cleanup_ctx.append(_lifetime)
    return app


async def _lifetime(app: web.Application) -> AsyncIterator[None]:
    await app[TRANSCRIBER].start()
    yield
    await app[TRANSCRIBER].close()


def _error(status: int, message: str, code: str | None, param: str | None = None,
           details: dict[str, Any] | None = None) -> web.Response:
    kind = "invalid_request_error" if status < 500 else "server_error"
    error: dict[str, Any] = {"message": message, "type": kind, "param": param, "code": code}
    if details:
        error["details"] = details
    return web.json_response({"error": error}, status=status)


@web.middleware
async def _errors(request: web.Request, handler: Any) -> web.StreamResponse:
    try:
        _authorise(request)
        response: web.StreamResponse = await handler(request)
        return response
    except _Refused as refused:
        return _error(refused.status, refused.message, refused.code, refused.param,
                      refused.details)
    except AudioRejected as rejected:
        status = 413 if isinstance(rejected, AudioTooLarge) else 400
        message = explain(rejected).capitalize() + "."
        return _error(status, message, rejected.code, "file", rejected.params)
    except web.HTTPException as http:
        return _error(http.status, http.reason, None)
    except Exception:
        log.exception("transcription failed")
        return _error(500, "The server could not transcribe this audio.", None)


def _authorise(request: web.Request) -> None:
    key = request.app[OPTIONS].api_key
    if not key or request.path == "/health":
        return
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {key}".encode()):
        raise _Refused(401, "Incorrect API key provided.", "invalid_api_key")


async def _transcriptions(request: web.Request) -> web.Response:
    options = request.app[OPTIONS]
    limit = int(options.max_upload_mb * 2**20)
    if (request.content_length or 0) > limit + 2**20:
        raise _too_large(request.content_length or 0, options)
    audio, fields = await _read_form(request, limit, options)
    response_format = fields.get("response_format") or "json"
    if response_format not in FORMATS:
        raise _Refused(400, f"response_format must be one of {', '.join(FORMATS)}",
                       "unsupported_response_format", "response_format")
    transcript = await request.app[TRANSCRIBER].transcribe(audio, TranscriptionRequest(
        language=fields.get("language") or None, prompt=fields.get("prompt") or None,
        hotwords=tuple(w.strip() for w in re.split(r"[,\n，、]", fields.get("hotwords", ""))
                       if w.strip()),
        max_duration_s=options.max_duration_s,
        vad=fields.get("vad", "").lower() in ("1", "true", "yes")))
    if response_format == "text":
        return web.Response(text=transcript.text + "\n")
    if response_format == "json":
        return web.json_response({"text": transcript.text}, dumps=_dumps)
    return web.json_response(verbose_json(transcript), dumps=_dumps)


async def _read_form(request: web.Request, limit: int,
                     options: AsrServerOptions) -> tuple[bytes, dict[str, str]]:
    if not request.content_type.startswith("multipart/"):
        raise _Refused(400, "Send multipart/form-data with a 'file' part.", None, "file")
    reader = await request.multipart()
    audio: bytes | None = None
    fields: dict[str, str] = {}
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader):
            continue
        if part.name == "file":
            audio = await _read_limited(part, limit, options)
        elif part.name:
            fields[part.name] = (await _read_limited(part, 64 * 1024, options)).decode(
                "utf-8", "replace").strip()
    if audio is None:
        raise _Refused(400, "You must provide a 'file' part with the audio.", None, "file")
    return audio, fields


async def _read_limited(part: BodyPartReader, limit: int, options: AsrServerOptions) -> bytes:
    data = bytearray()
    while chunk := await part.read_chunk(256 * 1024):
        data.extend(chunk)
        if len(data) > limit:
            raise _too_large(len(data), options)
    return bytes(data)


def _too_large(size: int, options: AsrServerOptions) -> AudioTooLarge:
    limit = options.max_upload_mb
    return AudioTooLarge(size_mb=round(size / 2**20, 1),
                         limit_mb=int(limit) if limit == int(limit) else limit)


def verbose_json(transcript: Transcript) -> dict[str, Any]:
    return {
        "task": "transcribe", "language": transcript.language,
        "duration": transcript.duration, "text": transcript.text,
        "segments": [{"id": i, "start": s.start, "end": s.end, "text": s.text}
                     for i, s in enumerate(transcript.segments)],
        "x_engine": transcript.engine, "x_model": transcript.model,
        "x_dropped": list(transcript.dropped),
    }


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)


async def _models(request: web.Request) -> web.Response:
    model_id = request.app[OPTIONS].model_id
    return web.json_response({"object": "list", "data": [
        {"id": model_id, "object": "model", "created": 0, "owned_by": "yishitang",
         "description": request.app[TRANSCRIBER].model}]})


async def _health(request: web.Request) -> web.Response:
    transcriber = request.app[TRANSCRIBER]
    return web.json_response({"status": "ok", "engine": transcriber.engine,
                              "model": transcriber.model})
