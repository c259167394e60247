"""Acknowledgements of sign-ins and raised hands, merged per chat.

When a whole hall signs in at once, one reply per /signin would flood the group, and real
Telegram lets a bot send only about 20 messages a minute to one group. So handlers owe their
acknowledgement as an outbox row (bot/outbox.py) instead of a message, and the outbox, when it
sends a chat's rows, merges consecutive acknowledgements of one kind into one message listing
them. Only updates whose change is committed are acknowledged: the rows are written in the
same transaction as the change.

One acknowledgement alone is sent as it always was, a reply quoting the user's message.
Several become one message listing them, replying to the first of them (split at Telegram's
4096 characters, each part replying to its own first).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import MessageLimit

from bot.catalog import t

_MARGIN = 40  # room for the counts in a combined message's footer


@dataclass(frozen=True)
class Ack:
    """One acknowledgement: ``text`` when it is sent alone, ``item`` in a list of its ``kind``
    (the catalogue key of the combined message, filled with ``fields`` of its last item)."""

    kind: str
    language: str
    text: str
    item: str
    reply_to: int | None = None
    markup: InlineKeyboardMarkup | None = None
    fields: dict[str, Any] = field(default_factory=dict)


def run_key(update: Update) -> str | None:
    """What makes consecutive updates one run: the command, or the button's action."""
    if update.callback_query is not None:
        return (update.callback_query.data or "").split(":", 1)[0] or None
    message = update.message
    if message is None or not message.text or not message.text.startswith("/"):
        return None
    return message.text.split(maxsplit=1)[0][1:].split("@", 1)[0].lower()


def ack_of(update: Update, kind: str, language: str, text: str, item: str,
           markup: InlineKeyboardMarkup | None = None, *, quote: bool = True,
           **fields: Any) -> Ack:
    """The acknowledgement of ``update``: a reply to its message, if it has one and
    ``quote``."""
    message = update.message if update.callback_query is None and quote else None
    return Ack(kind, language, text, item, message.message_id if message else None, markup,
               fields)


def combined(acks: list[Ack]) -> str:
    first, last = acks[0], acks[-1]
    items = t(first.language, "ack_separator").join(a.item for a in acks)
    return t(first.language, first.kind, items=items, count=len(acks), **last.fields)


def messages(acks: list[Ack]) -> list[tuple[str, Ack]]:
    """The messages for acknowledgements of one kind and language: (text, first of them)."""
    parts: list[list[Ack]] = [[]]
    overhead = len(combined(acks[:1])) - len(acks[0].item) + _MARGIN
    size = overhead
    separator = len(t(acks[0].language, "ack_separator"))
    for ack in acks:
        if parts[-1] and size + separator + len(ack.item) > MessageLimit.MAX_TEXT_LENGTH:
            parts.append([])
            size = overhead
        size += separator + len(ack.item)
        parts[-1].append(ack)
    return [(part[0].text if len(part) == 1 else combined(part), part[0]) for part in parts]
