"""Live marks: under each contribution the moderator marks it as a suggestion, consensus or
follow-up item (and unmarks it); the minutes take the marks over automatic extraction."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot.callbacks import ID, number
from bot.catalog import t
from bot.common import Context, actor_of, answer, lang, uow
from facilitation import minutes
from facilitation.errors import InvalidInput
from facilitation.model import Contribution, Mark

CODES = {"s": Mark.SUGGESTION, "c": Mark.CONSENSUS, "a": Mark.ACTION}
LETTER = {mark: letter for letter, mark in CODES.items()}
PATTERN = rf"^mark:{ID}:[sca]$"


def mark_keyboard(language: str, contribution: Contribution) -> InlineKeyboardMarkup:
    """☐/☑ buttons for one contribution; the state shows who has marked what."""
    assert contribution.id is not None
    marks = contribution.marks or ()
    buttons = [InlineKeyboardButton(
        t(language, "mark_on" if mark.value in marks else "mark_off",
          label=t(language, f"mark_{mark.value}")),
        callback_data=f"mark:{contribution.id}:{LETTER[mark]}") for mark in Mark]
    return InlineKeyboardMarkup([buttons])


async def mark_button(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    _, contribution_id, code = query.data.split(":")
    language = lang(update, context)
    if code not in CODES:
        raise InvalidInput("bad_action")
    mark = CODES[code]
    contribution = await minutes.toggle_mark(uow(update, context),
                                             contribution_id=number(contribution_id), mark=mark,
                                             actor=actor_of(update, context))
    now_set = mark.value in (contribution.marks or ())
    await answer(query, t(language, "marked" if now_set else "unmarked",
                          seq=contribution.seq, label=t(language, f"mark_{mark.value}")))
    try:
        await query.edit_message_reply_markup(mark_keyboard(language, contribution))
    except BadRequest as error:  # "message is not modified": a double press
        if "not modified" not in str(error).lower():
            raise
