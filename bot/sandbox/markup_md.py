"""The Bot API's MarkdownV2 and legacy Markdown parse modes.

MarkdownV2 is strict like Telegram: the characters ``_*[]()~`>#+-=|{}.!`` must be escaped with a
backslash outside entities, otherwise the request fails with "can't parse entities".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.sandbox.entities import TextBuilder, byte_offset
from bot.sandbox.errors import ApiError, parse_entities_error

JSON = dict[str, Any]

_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_TOGGLES = (("||", "spoiler"), ("__", "underline"), ("*", "bold"), ("_", "italic"),
            ("~", "strikethrough"))  # fmt: skip
_TITLES = {
    "bold": "Bold", "italic": "Italic", "underline": "Underline", "spoiler": "Spoiler",
    "strikethrough": "Strikethrough", "code": "Code", "pre": "Pre", "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji", "blockquote": "BlockQuote",
}  # fmt: skip


@dataclass
class _Open:
    kind: str
    start16: int
    byte: int
    extra: JSON = field(default_factory=dict)


class _V2Parser:
    def __init__(self, source: str) -> None:
        self.src = source
        self.out = TextBuilder()
        self.stack: list[_Open] = []
        self.i = 0

    def run(self) -> tuple[str, list[JSON]]:
        while self.i < len(self.src):
            self._step()
        if self.stack and self.stack[-1].kind == "blockquote":
            self._close()
        if self.stack:
            entry = self.stack[-1]
            title = _TITLES[entry.kind]
            raise parse_entities_error(
                f"Can't find end of {title} entity at byte offset {entry.byte}"
            )
        return self.out.text(), self.out.entities

    def _top(self) -> str | None:
        return self.stack[-1].kind if self.stack else None

    def _open(self, kind: str, width: int, extra: JSON | None = None) -> None:
        byte = byte_offset(self.src, self.i)
        self.stack.append(_Open(kind, self.out.pos16, byte, extra or {}))
        self.i += width

    def _close(self, width: int = 0) -> None:
        entry = self.stack.pop()
        self.out.entity(entry.kind, entry.start16, entry.extra)
        self.i += width

    def _literal(self, chars: str, width: int) -> None:
        self.out.add(chars)
        self.i += width

    def _step(self) -> None:
        src, i = self.src, self.i
        char = src[i]
        if char == "\\" and i + 1 < len(src) and 0 < ord(src[i + 1]) <= 126:
            self._literal(src[i + 1], 2)
        elif self._top() in ("code", "pre"):
            self._code_char()
        elif char == "\n":
            if self._top() == "blockquote" and not src.startswith(">", i + 1):
                self._close()
            self._literal("\n", 1)
        elif char == ">" and (i == 0 or src[i - 1] == "\n"):
            if self._top() == "blockquote":
                self.i += 1
            else:
                self._open("blockquote", 1)
        elif char not in _RESERVED:
            self._literal(char, 1)
        else:
            self._markup(char)

    def _code_char(self) -> None:
        if self._top() == "code" and self.src[self.i] == "`":
            self._close(1)
        elif self._top() == "pre" and self.src.startswith("```", self.i):
            self._close(3)
        else:
            self._literal(self.src[self.i], 1)

    def _markup(self, char: str) -> None:
        for token, kind in _TOGGLES:
            if self.src.startswith(token, self.i):
                if token == "__" and self._top() == "italic":
                    token, kind = "_", "italic"
                if self._top() == kind:
                    self._close(len(token))
                else:
                    self._open(kind, len(token))
                return
        if self.src.startswith("```", self.i):
            self._open_pre()
        elif char == "`":
            self._open("code", 1)
        elif char == "[":
            self._open("text_link", 1)
        elif self.src.startswith("![", self.i):
            self._open("custom_emoji", 2)
        elif char == "]" and self._top() in ("text_link", "custom_emoji"):
            self._link_end()
        else:
            raise _reserved(char)

    def _open_pre(self) -> None:
        start = self.i + 3
        newline = self.src.find("\n", start)
        language = self.src[start:newline] if newline >= 0 else ""
        if language and not any(c.isspace() or c == "`" for c in language):
            self._open("pre", newline + 1 - self.i, {"language": language})
        else:
            self._open("pre", 3)

    def _link_end(self) -> None:
        entry = self.stack.pop()
        self.i += 1
        if not self.src.startswith("(", self.i):
            return
        url = self._read_url()
        if entry.kind == "custom_emoji":
            extra: JSON = {"custom_emoji_id": url.rsplit("id=", 1)[-1]}
        else:
            extra = {"url": url}
        self.out.entity(entry.kind, entry.start16, extra)

    def _read_url(self) -> str:
        start = self.i
        chars: list[str] = []
        j = self.i + 1
        while j < len(self.src):
            char = self.src[j]
            if char == "\\" and j + 1 < len(self.src):
                chars.append(self.src[j + 1])
                j += 2
                continue
            if char == ")":
                self.i = j + 1
                return "".join(chars)
            chars.append(char)
            j += 1
        at = byte_offset(self.src, start)
        raise parse_entities_error(f"Can't find end of a URL at byte offset {at}")


def _reserved(char: str) -> ApiError:
    return parse_entities_error(
        f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
    )


def parse_markdown_v2(source: str) -> tuple[str, list[JSON]]:
    return _V2Parser(source).run()


def _legacy_entity(out: TextBuilder, source: str, i: int) -> int:
    fail = parse_entities_error(
        f"Can't find end of the entity starting at byte offset {byte_offset(source, i)}"
    )
    start = out.pos16
    if source.startswith("```", i):
        end = source.find("```", i + 3)
        if end < 0:
            raise fail
        out.add(source[i + 3 : end])
        out.entity("pre", start)
        return end + 3
    if source[i] == "[":
        middle = source.find("](", i + 1)
        end = source.find(")", middle + 2) if middle >= 0 else -1
        if end < 0:
            raise fail
        out.add(source[i + 1 : middle])
        out.entity("text_link", start, {"url": source[middle + 2 : end]})
        return end + 1
    end = source.find(source[i], i + 1)
    if end < 0:
        raise fail
    out.add(source[i + 1 : end])
    out.entity({"*": "bold", "_": "italic", "`": "code"}[source[i]], start)
    return end + 1


def parse_markdown(source: str) -> tuple[str, list[JSON]]:
    """Legacy ``Markdown``: *bold*, _italic_, `code`, ```pre```, [text](url); no nesting."""
    out = TextBuilder()
    i = 0
    while i < len(source):
        char = source[i]
        if char == "\\" and i + 1 < len(source) and source[i + 1] in "_*`[":
            out.add(source[i + 1])
            i += 2
        elif char in "_*`[":
            i = _legacy_entity(out, source, i)
        else:
            out.add(char)
            i += 1
    return out.text(), out.entities
