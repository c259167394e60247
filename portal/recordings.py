"""A whole meeting's recording uploaded on the workbench (issue 13), and its progress.

`POST /staff/s/<id>/recording` (multipart: the CSRF token first, then the file `recording`):
the file is streamed to the audio folder in 1 MiB chunks under a random name, never held
whole in memory (aiohttp's 1 MiB ``client_max_size`` bounds read() and post() only, which
this route never calls: every other route keeps it), counted against YISHITANG_UPLOAD_MAX_MB,
its start decoded to prove it audio (``transcripts.audio.sniff``: the name proves nothing),
then recorded as a RECORDING job (facilitation/recordings.py) before the answer. A refused
upload leaves no file behind. The page's script sends it by XMLHttpRequest for a progress
bar and asks for JSON; without the script it is a plain form post answered by a redirect.

`GET /staff/s/<id>/recordings.json`: the states of the session's recordings (waiting,
transcribing NN%, done, failed), which the page polls while one is unfinished.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

from aiohttp import BodyPartReader, MultipartReader, web

from facilitation import recordings
from facilitation.errors import DomainError
from facilitation.model import AudioJob
from facilitation.recordings import (
    NoRecording,
    RecordingState,
    RecordingStatus,
    Upload,
    UploadTooLarge,
)
from portal import room
from portal.login import Visit, visit
from transcripts.audio import sniff

CHUNK = 1 << 20
TOKEN_MAX = 256  # bytes of the CSRF field read
FORM_SLACK = 64 * 1024  # the token and the parts' headers, beside the file's own bytes
FIELD = "recording"


def describe(say: Callable[..., str], shown: RecordingStatus) -> str:
    """The status line of one recording, as the page and its poll show it."""
    if shown.state == RecordingState.DONE:
        return say("recording_state_done", count=shown.turns or 0)
    if shown.state == RecordingState.FAILED:
        reason = say(shown.reason) if shown.reason else \
            say("recording_failed_attempts", attempts=shown.attempts)
        return say("recording_state_failed", reason=reason)
    if shown.state == RecordingState.TRANSCRIBING:
        return say("recording_state_transcribing", percent=shown.percent)
    return say("recording_state_waiting")


def _wants_json(request: web.Request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _refusal(request: web.Request, error: DomainError, session_id: int) -> web.Response:
    status = 413 if isinstance(error, UploadTooLarge) else room.status_of(error)
    message = room.error_text(request, error)
    if _wants_json(request):
        return web.json_response({"error": message}, status=status)
    return room.render("error.html", request, {
        "message": message, "back": f"/staff/s/{session_id}"}, status=status)


async def _next_part(reader: MultipartReader, name: str) -> BodyPartReader | None:
    try:
        part = await reader.next()
    except ValueError:  # not multipart, or malformed
        return None
    return part if isinstance(part, BodyPartReader) and part.name == name else None


async def _token(reader: MultipartReader) -> str:
    """The form's CSRF token: its first field (browsers send fields in the form's order)."""
    part = await _next_part(reader, "csrf")
    return "" if part is None else (await part.read_chunk(TOKEN_MAX)).decode("ascii", "replace")


def _create(target: Path) -> IO[bytes]:
    target.parent.mkdir(parents=True, exist_ok=True)
    return target.open("xb")


async def _receive(part: BodyPartReader, target: Path, limit: int) -> int:
    """The part's bytes, chunk by chunk, into ``target``; UploadTooLarge past ``limit``."""
    size = 0
    file = await asyncio.to_thread(_create, target)
    try:
        while chunk := await part.read_chunk(CHUNK):
            size += len(chunk)
            if size > limit:
                raise UploadTooLarge(limit_mb=limit // 2**20)
            await asyncio.to_thread(file.write, chunk)
    finally:
        await asyncio.to_thread(file.close)
    return size


async def _keep(request: web.Request, reader: MultipartReader, seen: Visit,
                session_id: int) -> AudioJob:
    shown, deps = room.room(request), room.deps(request)
    folder = shown.audio_dir
    assert folder is not None
    part = await _next_part(reader, FIELD)
    if part is None or not part.filename:
        raise NoRecording()
    relative = f"{session_id}/upload-{secrets.token_hex(16)}"
    target, kept = folder / relative, False
    try:
        size = await _receive(part, target, shown.upload_max_bytes)
        found = await asyncio.to_thread(sniff, target, shown.recording_max_s)
        relative += found.suffix
        await asyncio.to_thread(target.rename, folder / relative)
        target = folder / relative
        job = await recordings.accept_upload(
            deps.uow(), actor=seen.actor, session_id=session_id, now=deps.clock(),
            upload=Upload(relative, size, found.mime_type, found.claimed_s))
        kept = True
        return job
    finally:
        if not kept:  # refused, failed or cut off: nothing of it stays
            await asyncio.to_thread(target.unlink, missing_ok=True)


async def upload(request: web.Request) -> web.StreamResponse:
    room.check_write(request)
    session_id = room.path_number(request, "session")
    shown = room.room(request)
    if shown.audio_dir is None:
        raise room.not_found(request)
    reader = await request.multipart() if request.content_type.startswith("multipart/") \
        else None
    seen = await visit(request, {"csrf": await _token(reader) if reader else ""})
    try:
        await recordings.check_uploader(room.deps(request).uow(), actor=seen.actor,
                                        session_id=session_id)
        if (request.content_length or 0) > shown.upload_max_bytes + FORM_SLACK:
            raise UploadTooLarge(limit_mb=shown.upload_max_bytes // 2**20)  # before a byte
        assert reader is not None  # a token was read from it
        job = await _keep(request, reader, seen, session_id)
    except DomainError as error:
        return _refusal(request, error, session_id)
    shown.on_recording()
    if _wants_json(request):
        return web.json_response({"job": job.id}, status=201)
    raise web.HTTPSeeOther(f"/staff/s/{session_id}#recordings")


def shown_recordings(request: web.Request,
                     found: list[RecordingStatus]) -> list[dict[str, Any]]:
    """The recordings as the page lists them and its poll returns them (one wording)."""
    say, tz = room.words(request), ZoneInfo(room.room(request).timezone)
    return [{"job": r.job_id, "state": r.state.value, "percent": r.percent, "turns": r.turns,
             "uploaded": r.uploaded, "text": say(
                 "staff_recording_line", state=describe(say, r),
                 at=r.created_at.astimezone(tz).strftime("%m-%d %H:%M"),
                 source=say("staff_recording_from_web" if r.uploaded
                            else "staff_recording_from_group"))}
            for r in found]


async def statuses(request: web.Request) -> web.Response:
    seen = await visit(request)
    session_id = room.path_number(request, "session")
    try:
        found = await recordings.session_recordings(room.deps(request).uow(), seen.standing,
                                                    session_id)
    except DomainError:
        raise room.not_found(request) from None
    return web.json_response({"recordings": shown_recordings(request, found)},
                             headers={"Cache-Control": "no-store"})


def routes(app: web.Application) -> None:
    app.router.add_post("/staff/s/{session}/recording", upload, name="staff-recording")
    app.router.add_get("/staff/s/{session}/recordings.json", statuses,
                       name="staff-recordings")
