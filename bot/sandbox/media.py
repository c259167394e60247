"""Media objects (PhotoSize, Voice, Audio, Document) built from stored files."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image, UnidentifiedImageError

from bot.sandbox.errors import bad_request
from bot.sandbox.models import StoredFile
from bot.sandbox.state import SandboxState

JSON = dict[str, Any]

_THUMB_BOXES = (90, 320, 800)
_MAX_SIDE = 1280


def _base(stored: StoredFile) -> JSON:
    return {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id}


def photo_size(stored: StoredFile) -> JSON:
    return {**_base(stored), "file_size": stored.file_size, "width": stored.width or 0,
            "height": stored.height or 0}  # fmt: skip


def photo_sizes(state: SandboxState, data: bytes) -> list[JSON]:
    """Re-encode an uploaded image as Telegram does: thumbnails plus a <=1280px JPEG."""
    try:
        with Image.open(io.BytesIO(data)) as original:
            image = original.convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise bad_request("IMAGE_PROCESS_FAILED") from exc
    longest = max(image.size)
    boxes = [box for box in _THUMB_BOXES if longest > box] + [min(longest, _MAX_SIDE)]
    sizes: list[JSON] = []
    for box in boxes:
        scaled = image.copy()
        scaled.thumbnail((box, box))
        buffer = io.BytesIO()
        scaled.save(buffer, "JPEG", quality=87)
        stored = state.store_file(buffer.getvalue(), "photo", "image/jpeg", size=scaled.size)
        sizes.append(photo_size(stored))
    for size in sizes:
        state.photo_sets[size["file_id"]] = sizes
    return sizes


def document_object(stored: StoredFile) -> JSON:
    out = _base(stored)
    if stored.file_name:
        out["file_name"] = stored.file_name
    if stored.mime_type:
        out["mime_type"] = stored.mime_type
    out["file_size"] = stored.file_size
    return out


def voice_object(stored: StoredFile, duration: int) -> JSON:
    return {**_base(stored), "duration": duration, "mime_type": stored.mime_type or "audio/ogg",
            "file_size": stored.file_size}  # fmt: skip


def audio_object(
    stored: StoredFile, duration: int, title: str | None = None, performer: str | None = None
) -> JSON:
    out = {**_base(stored), "duration": duration}
    if performer:
        out["performer"] = performer
    if title:
        out["title"] = title
    return {**out, **{k: v for k, v in document_object(stored).items() if k not in out}}
