"""The Bot API's HTML parse_mode: supported tags become entities, anything else is an error."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.sandbox.entities import TextBuilder, byte_offset
from bot.sandbox.errors import parse_entities_error

JSON = dict[str, Any]
_HTML_TYPES = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "tg-spoiler": "spoiler", "span": "spoiler", "a": "text_link", "code": "code", "pre": "pre",
    "blockquote": "blockquote", "tg-emoji": "custom_emoji",
}  # fmt: skip
_TAG_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
_ATTR = re.compile(r"\s*([A-Za-z_-]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'>]+)))?")
_ENTITY_REF = re.compile(r"&(#\d+|#[xX][0-9a-fA-F]+|lt|gt|amp|quot);")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


@dataclass
class _OpenTag:
    name: str
    start16: int
    kind: str | None
    extra: JSON


def _attributes(source: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for match in _ATTR.finditer(source):
        out[match.group(1).lower()] = next((g for g in match.groups()[1:] if g is not None), "")
    return out


def _open_tag(source: str, start: int, end: int, pos16: int) -> _OpenTag:
    inner = source[start + 1 : end].rstrip("/")
    match = _TAG_NAME.match(inner)
    name = match.group(0).lower() if match else ""
    if name not in _HTML_TYPES:
        at = byte_offset(source, start)
        raise parse_entities_error(f'Unsupported start tag "{name}" at byte offset {at}')
    attrs = _attributes(inner[len(name) :])
    kind: str | None = _HTML_TYPES[name]
    extra: JSON = {}
    if name == "span" and attrs.get("class") != "tg-spoiler":
        at = byte_offset(source, start)
        raise parse_entities_error(f'Tag "span" must have class "tg-spoiler" at byte offset {at}')
    if name == "a":
        kind, extra = ("text_link", {"url": attrs["href"]}) if attrs.get("href") else (None, {})
    elif name == "code" and attrs.get("class", "").startswith("language-"):
        extra = {"language": attrs["class"].removeprefix("language-")}
    elif name == "tg-emoji":
        extra = {"custom_emoji_id": attrs.get("emoji-id", "")}
    elif name == "blockquote" and "expandable" in attrs:
        kind = "expandable_blockquote"
    return _OpenTag(name, pos16, kind, extra)


def _close_tag(out: TextBuilder, stack: list[_OpenTag], source: str, start: int, end: int) -> None:
    name = source[start + 2 : end].strip().lower()
    if not stack:
        raise parse_entities_error(
            f"Unexpected end tag at byte offset {byte_offset(source, start)}"
        )
    top = stack.pop()
    if name != top.name:
        at = byte_offset(source, start)
        raise parse_entities_error(
            f'Unmatched end tag at byte offset {at}, expected "</{top.name}>", found "</{name}>"'
        )
    if top.name == "code" and "language" in top.extra and stack and stack[-1].name == "pre":
        stack[-1].extra["language"] = top.extra["language"]
        return
    if top.kind is not None:
        extra = {} if top.kind == "code" else top.extra
        out.entity(top.kind, top.start16, extra)


def parse_html(source: str) -> tuple[str, list[JSON]]:
    out = TextBuilder()
    stack: list[_OpenTag] = []
    i = 0
    while i < len(source):
        char = source[i]
        if char == "&" and (ref := _ENTITY_REF.match(source, i)):
            name = ref.group(1)
            value = _NAMED.get(name)
            if value is None:
                value = chr(int(name[2:], 16) if name[1] in "xX" else int(name[1:]))
            out.add(value)
            i = ref.end()
            continue
        if char != "<":
            out.add(char)
            i += 1
            continue
        end = source.find(">", i)
        if end < 0:
            at = byte_offset(source, i)
            raise parse_entities_error(f"Unclosed start tag at byte offset {at}")
        if source.startswith("</", i):
            _close_tag(out, stack, source, i, end)
        else:
            stack.append(_open_tag(source, i, end, out.pos16))
        i = end + 1
    if stack:
        raise parse_entities_error(
            f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"'
        )
    return out.text(), out.entities
