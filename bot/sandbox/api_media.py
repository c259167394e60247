"""Bot API methods: sendPhoto/Document/Audio/Voice and getFile."""

from __future__ import annotations

from typing import Any

from bot.sandbox.errors import TOO_LARGE, bad_request
from bot.sandbox.media import (
    audio_object,
    document_object,
    photo_size,
    photo_sizes,
    voice_object,
)
from bot.sandbox.models import BotAccount, StoredFile
from bot.sandbox.params import Params, UploadedFile
from bot.sandbox.sending import caption_content, check_can_write, deliver, target_chat
from bot.sandbox.state import SandboxState

JSON = dict[str, Any]

MAX_UPLOAD = 50 * 1024 * 1024
MAX_DOWNLOAD = 20 * 1024 * 1024
_TYPE_NAMES = {"photo": "Photo", "document": "Document", "audio": "Audio", "voice": "Voice"}


def _input(state: SandboxState, p: Params, kind: str) -> StoredFile | UploadedFile:
    value = p.get_file(kind)
    if value is None:
        raise bad_request(f"there is no {kind} in the request")
    if isinstance(value, UploadedFile):
        if len(value.data) > MAX_UPLOAD:
            raise TOO_LARGE
        return value
    if value.startswith(("http://", "https://")):
        raise bad_request("failed to get HTTP URL content")
    stored = state.files.get(value)
    if stored is None:
        raise bad_request("wrong file identifier/HTTP URL specified")
    if stored.kind != kind:
        raise bad_request(
            f"can't use file of type {_TYPE_NAMES.get(stored.kind, stored.kind)} as "
            f"{_TYPE_NAMES[kind]}"
        )
    return stored


def _store(
    state: SandboxState, source: StoredFile | UploadedFile, kind: str, mime: str | None = None
) -> StoredFile:
    if isinstance(source, StoredFile):
        return source
    mime_type = mime or source.content_type
    return state.store_file(source.data, kind, mime_type, source.filename)


async def send_photo(state: SandboxState, bot: BotAccount, p: Params) -> JSON:
    chat = target_chat(state, bot, p)
    source = _input(state, p, "photo")
    caption = caption_content(p)
    check_can_write(state, bot, chat)
    if isinstance(source, UploadedFile):
        sizes = photo_sizes(state, source.data)
    else:
        sizes = state.photo_sets.get(source.file_id) or [photo_size(source)]
    return deliver(state, bot, chat, {"photo": sizes, **caption}, p)


async def send_document(state: SandboxState, bot: BotAccount, p: Params) -> JSON:
    chat = target_chat(state, bot, p)
    source = _input(state, p, "document")
    caption = caption_content(p)
    check_can_write(state, bot, chat)
    stored = _store(state, source, "document")
    return deliver(state, bot, chat, {"document": document_object(stored), **caption}, p)


async def send_audio(state: SandboxState, bot: BotAccount, p: Params) -> JSON:
    chat = target_chat(state, bot, p)
    source = _input(state, p, "audio")
    caption = caption_content(p)
    check_can_write(state, bot, chat)
    stored = _store(state, source, "audio")
    audio = audio_object(
        stored, p.get_int("duration") or 0, p.get_str("title"), p.get_str("performer")
    )
    return deliver(state, bot, chat, {"audio": audio, **caption}, p)


async def send_voice(state: SandboxState, bot: BotAccount, p: Params) -> JSON:
    chat = target_chat(state, bot, p)
    source = _input(state, p, "voice")
    caption = caption_content(p)
    check_can_write(state, bot, chat)
    mime = None
    if isinstance(source, UploadedFile) and not (source.content_type or "").startswith("audio/"):
        mime = "audio/ogg"
    stored = _store(state, source, "voice", mime)
    voice = voice_object(stored, p.get_int("duration") or 0)
    return deliver(state, bot, chat, {"voice": voice, **caption}, p)


async def get_file(state: SandboxState, bot: BotAccount, p: Params) -> JSON:
    stored = state.files.get(p.get_str("file_id") or "")
    if stored is None:
        raise bad_request("invalid file_id")
    if stored.file_size > MAX_DOWNLOAD:
        raise bad_request("file is too big")
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": stored.file_size,
        "file_path": stored.file_path,
    }
