"""The buttons under /track and the reasons replied to their questions (issue 11): they lead
to the same use cases as staff's commands (bot/handlers/tracking.py), asking first what a
command would say (the unit, the kind, the date; a reason by a reply to the question, which
carries what it asks in its text: nothing waits in memory).
"""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import filters

from bot import tracking_view as view
from bot.callbacks import number
from bot.catalog import t
from bot.common import Context, actor_of, answer, lang, reply
from bot.handlers.tracking import (
    ROLES,
    ask_reason,
    converted,
    deadline_changed,
    reassigned,
    referred,
    reserved,
    today,
    track_reply,
)
from bot.minutes_view import short
from facilitation.errors import InvalidInput
from facilitation.tracking import WITH_UNIT, TrackedItem
from facilitation.tracking_desk import refer_choices, staff_item, staff_unit
from facilitation.tracking_input import check_deadline


# ------------------------------------------------------------------ a reason, replied
class _AnswersQuestion(filters.MessageFilter):
    """A reply to one of our questions (tracking_view.asked)."""

    def filter(self, message: Message) -> bool:
        replied = message.reply_to_message
        return (replied is not None and replied.from_user is not None
                and replied.from_user.is_bot and view.asked(replied.text or "") is not None)


ANSWERS_QUESTION = _AnswersQuestion()


async def reason_reply(update: Update, context: Context) -> None:
    """The reason a question asked for: the action its last line names, done."""
    message = update.effective_message
    assert message is not None and message.reply_to_message is not None
    question = view.asked(message.reply_to_message.text or "")
    assert question is not None
    action, item_id, day, unit_id = question
    reason = message.text or ""
    if action == "reserve":
        await reply(update, await reserved(update, context, item_id, reason))
    elif action == "reassign" and unit_id is not None:
        await reply(update, await reassigned(update, context, item_id, unit_id, reason))
    elif day is not None and (done := await deadline_changed(update, context, item_id, day,
                                                             reason)):
        await reply(update, done)


# ------------------------------------------------------------------ the buttons
def _brief(item: TrackedItem) -> str:
    return short(item.text, view.ROW_TEXT_CHARS)


async def _ask(update: Update, context: Context, action: str, item_id: int) -> None:
    """交办 (改交办) / 转化 / 改时限 / 留作参考 under /track: the question, as a new
    message."""
    language, actor = lang(update, context), actor_of(update, context)
    if action == "r":
        await _ask_unit(update, context, item_id, 1, edit=False)
        return
    item = await staff_item(context.deps.uow(), item_id=item_id, actor=actor, roles=ROLES)
    if action == "c":
        await reply(update, t(language, "tk_ask_conversion", id=item_id, text=_brief(item)),
                    reply_markup=view.conversion_keyboard(language, item_id))
    elif action == "d":
        await reply(update, t(language, "tk_ask_deadline", id=item_id, text=_brief(item),
                              current=view.deadline_text(language, item.deadline)),
                    reply_markup=view.deadline_keyboard(language, item, today(context)))
    else:
        await ask_reason(update, context, t(language, "tk_ask_reserve_reason", id=item_id,
                                            text=_brief(item)))


async def _ask_unit(update: Update, context: Context, item_id: int, page: int, *,
                    edit: bool) -> None:
    """交办, or 改交办 for an item with its unit: the units to choose from."""
    language = lang(update, context)
    choices = await refer_choices(context.deps.uow(), item_id=item_id,
                                  actor=actor_of(update, context), roles=ROLES)
    item, again = choices.item, choices.item.status in WITH_UNIT
    if not choices.units:
        await reply(update, t(language, "tk_ask_reassign_none" if again else "tk_ask_unit_none"))
        return
    keyboard = view.units_keyboard(language, item_id, choices.units, page, reassign=again)
    query = update.callback_query
    if edit and query is not None:
        await query.edit_message_reply_markup(keyboard)
        return
    holder = choices.current.name if choices.current else item.unit_name
    question = t(language, "tk_ask_reassign_unit", id=item_id, text=_brief(item),
                 unit=holder or t(language, "tk_no_unit")) if again else \
        t(language, "tk_ask_unit", id=item_id, text=_brief(item),
          days=context.deps.follow_up.deadline_days)
    await reply(update, question, reply_markup=keyboard)


async def _reassign_asked(update: Update, context: Context, item_id: int,
                          unit_id: int) -> str | None:
    """A unit chosen for 改交办: checked as the command is (the use case refuses it for want
    of a reason, after who acts, the item and the unit), then the reason asked."""
    try:
        return await reassigned(update, context, item_id, unit_id, None)
    except InvalidInput as error:
        if error.code != "item_reason_required":
            raise
    unit = await staff_unit(context.deps.uow(), unit=unit_id, actor=actor_of(update, context),
                            roles=ROLES)
    await ask_reason(update, context, t(lang(update, context), "tk_ask_reassign_reason",
                                        id=item_id, unit=unit.name, unit_id=unit_id))
    return None


async def _act(update: Update, context: Context, action: str, parts: list[str]) -> str | None:
    """A button that acts: the same use case as its command; the answer to show."""
    item_id = number(parts[0])
    if action == "ru":
        return await referred(update, context, item_id, number(parts[1]), None)
    if action == "ra":
        return await _reassign_asked(update, context, item_id, number(parts[1]))
    if action == "cv":
        return await converted(update, context, item_id, view.CONVERSIONS[parts[1]], None)
    day = check_deadline(view.day_of(parts[1]), today(context))  # as a typed one is
    return await deadline_changed(update, context, item_id, day, None)


async def button(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    _, action, *parts = query.data.split(":")
    if action == "p":
        text, keyboard = await track_reply(update, context, view.scope_of(parts[0]),
                                           number(parts[1]))
        await query.edit_message_text(text, reply_markup=keyboard)
    elif action == "rp":
        await _ask_unit(update, context, number(parts[0]), number(parts[1]), edit=True)
    elif action in ("r", "c", "d", "x"):
        await _ask(update, context, action, number(parts[0]))
    elif (done := await _act(update, context, action, parts)) is not None:
        await query.edit_message_text(done)
        await answer(query, done)
        return
    await answer(query)
