"""Inline-button data: the id pattern handlers are registered with, its decoding, and the
answer to a press no handler knows.

Data comes back from the client as it likes (a modified client sends anything), so a pattern
admits only ASCII digits of a bounded length and ``number`` refuses what no row can have;
a press that matches no pattern is answered, never left spinning.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.catalog import t
from bot.common import Context, answer, lang
from facilitation.errors import InvalidInput

MAX_ID = 2**31 - 1  # the database's integer keys
ID = r"[0-9]{1,10}"  # \d would admit other scripts' digits (١٢, １２)


def number(raw: str) -> int:
    """A row id from button data; anything else is a stale (or forged) button."""
    if not (raw.isascii() and raw.isdigit()) or not 0 < int(raw) <= MAX_ID:
        raise InvalidInput("stale_button")
    return int(raw)


async def unknown_button(update: Update, context: Context) -> None:
    """Registered last: a press of a button that is no longer (or never was) ours."""
    await answer(update.callback_query, t(lang(update, context), "stale_button"), alert=True)


async def without_message(update: Update, context: Context) -> None:
    """Runs before every handler: a press on a message since deleted (or too old to reach)
    carries no chat, so no handler can place it; it is answered as stale here."""
    query = update.callback_query
    if query is not None and query.message is None and query.inline_message_id is None:
        await answer(query, t(lang(update, context), "stale_button"), alert=True)
        raise ApplicationHandlerStop
