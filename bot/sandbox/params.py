"""Decoding Bot API request parameters the way the Bot API server does.

Parameters come from the query string and from an urlencoded, JSON or multipart body. Complex
values (reply_markup, entities, scope...) arrive as JSON-encoded strings in form bodies and as
native JSON values in JSON bodies; both are accepted.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from aiohttp import BodyPartReader, web

from bot.sandbox.errors import bad_request

JSON = dict[str, Any]
_INT_PREFIX = re.compile(r"\s*([+-]?\d+)")


@dataclass(frozen=True)
class UploadedFile:
    """One multipart file part."""

    field: str
    filename: str | None
    content_type: str | None
    data: bytes


def to_integer(value: Any) -> int:
    """Mimic the server's lenient integer parsing: leading digits, otherwise 0."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    match = _INT_PREFIX.match(str(value))
    return int(match.group(1)) if match else 0


class Params:
    """Typed access to request parameters."""

    def __init__(self, values: dict[str, Any], files: dict[str, UploadedFile]) -> None:
        self.values = values
        self.files = files

    def has(self, name: str) -> bool:
        value = self.values.get(name)
        return value is not None and value != ""

    def get_str(self, name: str) -> str | None:
        if not self.has(name):
            return None
        value = self.values[name]
        return value if isinstance(value, str) else json.dumps(value)

    def get_int(self, name: str) -> int | None:
        return to_integer(self.values[name]) if self.has(name) else None

    def get_float(self, name: str) -> float | None:
        if not self.has(name):
            return None
        value = self.values[name]
        if isinstance(value, int | float):
            return float(value)
        try:
            return float(str(value))
        except ValueError:
            return 0.0

    def get_bool(self, name: str) -> bool:
        value = self.values.get(name)
        if isinstance(value, bool):
            return value
        if value is None:
            return False
        return str(value).strip().lower() in ("true", "1")

    def get_json(self, name: str, error: str) -> Any:
        """A JSON-valued parameter; ``error`` is the Bad Request detail for undecodable input."""
        if not self.has(name):
            return None
        value = self.values[name]
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except json.JSONDecodeError as exc:
            raise bad_request(error) from exc

    def get_file(self, name: str) -> UploadedFile | str | None:
        """A file parameter: an uploaded part (direct or ``attach://``) or a file_id/URL string."""
        if name in self.files:
            return self.files[name]
        value = self.get_str(name)
        if value is not None and value.startswith("attach://"):
            attached = self.files.get(value.removeprefix("attach://"))
            if attached is None:
                raise bad_request(f"file attached as {value} not found")
            return attached
        return value

    def summary(self) -> dict[str, Any]:
        """Parameters as recorded in ``Sandbox.calls`` (files replaced by a short description)."""
        out = dict(self.values)
        for key, upload in self.files.items():
            out[key] = {"filename": upload.filename, "size": len(upload.data)}
        return out


async def read_params(request: web.Request) -> Params:
    values: dict[str, Any] = dict(request.query.items())
    files: dict[str, UploadedFile] = {}
    if request.method != "POST" or not request.body_exists:
        return Params(values, files)
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError as exc:
            raise bad_request("can't parse JSON encoded request") from exc
        if isinstance(body, dict):
            values.update(body)
        return Params(values, files)
    if request.content_type.startswith("multipart/"):
        # read part by part into memory (uploads here are test files): request.post() spools
        # file parts to temporary files, and one it was filling when the client gave up (a
        # timed-out upload on a loaded machine) is left open, then warns when collected
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader) or part.name is None:
                raise bad_request("can't parse multipart request")
            data = await part.read(decode=True)
            kind = part.headers.get("Content-Type")
            if part.filename is not None:
                files[part.name] = UploadedFile(part.name, part.filename, kind, bytes(data))
            elif kind is not None and not kind.startswith("text/"):  # bytes without a name
                files[part.name] = UploadedFile(part.name, None, None, bytes(data))
            else:
                values[part.name] = bytes(data).decode(part.get_charset("utf-8"))
        return Params(values, files)
    form = await request.post()  # urlencoded: no files
    for key, value in form.items():
        if isinstance(value, str):
            values[key] = value
    return Params(values, files)
