"""Reading the sandbox's messages in bot tests: their text, and the data of a button."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.sandbox.models import ApiCall


def text(message: dict[str, Any]) -> str:
    return str(message.get("text") or message.get("caption") or "")


def button(message: dict[str, Any], data_prefix: str) -> str:
    for row in message["reply_markup"]["inline_keyboard"]:
        for b in row:
            if b.get("callback_data", "").startswith(data_prefix):
                return str(b["callback_data"])
    raise AssertionError(f"no button {data_prefix} in {message.get('reply_markup')}")


def sent_to(chat_id: int, needle: str) -> Callable[[ApiCall], bool]:
    """For ``sandbox.wait_for_call("sendMessage", ...)``: a message to that chat saying
    ``needle``."""
    def sent(call: ApiCall) -> bool:
        return (call.method == "sendMessage" and call.param("chat_id") == chat_id
                and needle in str(call.param("text")))
    return sent


BOARD = "📌 "  # the live board's first words (bot/catalog_board.py)


def not_board(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The messages without the group's live board (bot/board.py), which tests of other
    messages leave aside."""
    return [m for m in messages if not text(m).startswith(BOARD)]
