"""Message entity utilities: UTF-16 offsets, trimming and automatic entities (bot_command,
mention, hashtag, url) as Telegram detects them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]

_COMMAND = re.compile(r"(?<![\w/<>])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/<>])")
_MENTION = re.compile(r"(?<![\w@/])@[A-Za-z0-9_]{3,32}(?![\w@])")
_HASHTAG = re.compile(r"(?<![\w#])#(?=\w*[^\W\d])\w{1,256}")
_URL = re.compile(r"\bhttps?://[^\s<>\"]*[^\s<>\".,;:!?)\]'}]")
_AUTO = (("bot_command", _COMMAND), ("url", _URL), ("mention", _MENTION), ("hashtag", _HASHTAG))
_OPAQUE = frozenset({"code", "pre", "text_link", "text_mention", "url", "custom_emoji"})


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def byte_offset(source: str, index: int) -> int:
    return len(source[:index].encode("utf-8"))


def entity_text(text: str, entity: JSON) -> str:
    """The substring an entity covers (converting UTF-16 offsets back)."""
    raw = text.encode("utf-16-le")
    start, length = int(entity["offset"]) * 2, int(entity["length"]) * 2
    return raw[start : start + length].decode("utf-16-le")


@dataclass
class TextBuilder:
    """Accumulates output text and entities while a markup parser walks its source."""

    parts: list[str] = field(default_factory=list)
    pos16: int = 0
    entities: list[JSON] = field(default_factory=list)

    def add(self, chars: str) -> None:
        self.parts.append(chars)
        self.pos16 += utf16_len(chars)

    def entity(self, kind: str, start16: int, extra: JSON | None = None) -> None:
        if self.pos16 > start16:
            item: JSON = {"type": kind, "offset": start16, "length": self.pos16 - start16}
            item.update(extra or {})
            self.entities.append(item)

    def text(self) -> str:
        return "".join(self.parts)


def sort_entities(entities: list[JSON]) -> list[JSON]:
    return sorted(entities, key=lambda e: (int(e["offset"]), -int(e["length"])))


def _overlaps(start: int, end: int, entities: list[JSON], kinds: frozenset[str] | None) -> bool:
    for ent in entities:
        if kinds is not None and ent["type"] not in kinds:
            continue
        if start < ent["offset"] + ent["length"] and ent["offset"] < end:
            return True
    return False


def auto_entities(text: str, existing: list[JSON]) -> list[JSON]:
    """Entities Telegram detects by itself (bot commands at any position, URLs, mentions...)."""
    found: list[JSON] = []
    for kind, pattern in _AUTO:
        for match in pattern.finditer(text):
            start = utf16_len(text[: match.start()])
            end = start + utf16_len(match.group(0))
            if _overlaps(start, end, existing, _OPAQUE) or _overlaps(start, end, found, None):
                continue
            found.append({"type": kind, "offset": start, "length": end - start})
    return found


def trim(text: str, entities: list[JSON]) -> tuple[str, list[JSON]]:
    """Strip leading/trailing whitespace, shifting and clipping entities accordingly."""
    left = len(text) - len(text.lstrip())
    new_text = text.strip()
    shift, total = utf16_len(text[:left]), utf16_len(new_text)
    out: list[JSON] = []
    for ent in entities:
        start = max(int(ent["offset"]) - shift, 0)
        end = min(int(ent["offset"]) + int(ent["length"]) - shift, total)
        if end > start:
            out.append({**ent, "offset": start, "length": end - start})
    return new_text, out
