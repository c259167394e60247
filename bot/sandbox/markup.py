"""reply_markup validation (inline keyboards, reply keyboards, remove, force reply)."""

from __future__ import annotations

import json
from typing import Any

from bot.sandbox.errors import BUTTON_DATA_INVALID, bad_request

JSON = dict[str, Any]

_PARSE_ERROR = "can't parse reply keyboard markup JSON object"
_INLINE_ACTIONS = (
    "url", "callback_data", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
    "callback_game", "pay",
)  # fmt: skip


def _inline_button(button: Any) -> JSON:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request(
            'can\'t parse inline keyboard button: Field "text" must be of type String'
        )
    if not any(key in button for key in _INLINE_ACTIONS):
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    data = button.get("callback_data")
    if data is not None and not (isinstance(data, str) and 1 <= len(data.encode()) <= 64):
        raise bad_request(BUTTON_DATA_INVALID)
    return dict(button)


def _rows(raw: Any, field: str) -> list[list[Any]]:
    if not isinstance(raw, list) or not all(isinstance(row, list) for row in raw):
        raise bad_request(f'Field "{field}" must be of type Array of Arrays')
    return raw


def parse_reply_markup(raw: Any) -> tuple[str, JSON | None]:
    """Returns (kind, markup): kind is inline/keyboard/remove/force_reply.

    An inline keyboard without buttons yields ``("inline", None)`` (no markup on the message).
    """
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise bad_request(_PARSE_ERROR) from exc
    if not isinstance(raw, dict):
        raise bad_request(_PARSE_ERROR)
    if "inline_keyboard" in raw:
        rows = [
            [_inline_button(b) for b in row]
            for row in _rows(raw["inline_keyboard"], "inline_keyboard")
        ]
        rows = [row for row in rows if row]
        return "inline", ({"inline_keyboard": rows} if rows else None)
    if "keyboard" in raw:
        keyboard = [
            [b if isinstance(b, dict) else {"text": str(b)} for b in row]
            for row in _rows(raw["keyboard"], "keyboard")
        ]
        return "keyboard", {**raw, "keyboard": keyboard}
    if raw.get("remove_keyboard"):
        return "remove", raw
    if raw.get("force_reply"):
        return "force_reply", raw
    raise bad_request(_PARSE_ERROR)


def callback_data_on(message: JSON) -> list[str]:
    """All callback_data values of the message's inline keyboard."""
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [b["callback_data"] for row in rows for b in row if "callback_data" in b]
