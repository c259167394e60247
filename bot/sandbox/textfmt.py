"""Message text processing as the Bot API does it: parse_mode parsing, whitespace trimming and
automatic entities. Entity offsets are UTF-16 code units."""

from __future__ import annotations

from typing import Any

from bot.sandbox.entities import auto_entities, sort_entities, trim
from bot.sandbox.errors import bad_request
from bot.sandbox.markup_html import parse_html
from bot.sandbox.markup_md import parse_markdown, parse_markdown_v2

JSON = dict[str, Any]


def _explicit_entities(raw: Any) -> list[JSON]:
    if not isinstance(raw, list):
        raise bad_request("can't parse entities JSON object")
    out: list[JSON] = []
    for ent in raw:
        if not isinstance(ent, dict) or not isinstance(ent.get("type"), str):
            raise bad_request('can\'t parse MessageEntity: Field "type" must be of type String')
        try:
            out.append({**ent, "offset": int(ent["offset"]), "length": int(ent["length"])})
        except (KeyError, TypeError, ValueError) as exc:
            raise bad_request("can't parse MessageEntity: wrong offset or length") from exc
    return out


def format_text(raw: str, parse_mode: str | None, explicit: Any = None) -> tuple[str, list[JSON]]:
    """Parse markup, trim and add automatic entities; returns (text, sorted entities)."""
    if explicit is not None:
        text, entities = raw, _explicit_entities(explicit)
    elif parse_mode:
        mode = parse_mode.lower()
        if mode == "html":
            text, entities = parse_html(raw)
        elif mode == "markdownv2":
            text, entities = parse_markdown_v2(raw)
        elif mode == "markdown":
            text, entities = parse_markdown(raw)
        else:
            raise bad_request("unsupported parse_mode")
    else:
        text, entities = raw, []
    text, entities = trim(text, entities)
    return text, sort_entities(entities + auto_entities(text, entities))
