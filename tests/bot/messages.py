"""Reading the sandbox's messages in bot tests: their text, and the data of a button."""

from __future__ import annotations

from typing import Any


def text(message: dict[str, Any]) -> str:
    return str(message.get("text") or message.get("caption") or "")


def button(message: dict[str, Any], data_prefix: str) -> str:
    for row in message["reply_markup"]["inline_keyboard"]:
        for b in row:
            if b.get("callback_data", "").startswith(data_prefix):
                return str(b["callback_data"])
    raise AssertionError(f"no button {data_prefix} in {message.get('reply_markup')}")
