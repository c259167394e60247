"""Staff following items up (issue 11): /track lists open items in pages, /refer, /convert,
/reserve and /due act on one; the buttons under /track lead to the same use cases, asking
first what a command would say (the unit, the kind, the date; a reason by a reply to the
question, which carries what it asks in its text: nothing waits in memory).
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from telegram import ForceReply, InlineKeyboardMarkup, Message, Update
from telegram.ext import filters

from bot import tracking_view as view
from bot.callbacks import MAX_ID, number
from bot.catalog import t
from bot.common import Context, actor_of, answer, lang, reply
from bot.minutes_view import short
from facilitation import tracking_services as use
from facilitation.errors import InvalidInput
from facilitation.ports import TrackingUnitOfWork
from facilitation.tracking import Conversion, TrackedItem
from facilitation.tracking_access import LiveRoles
from facilitation.tracking_desk import TrackScope, refer_choices, staff_item, track_page
from facilitation.tracking_input import check_deadline, parse_conversion, parse_deadline

ROLES = LiveRoles()


def _work(update: Update, context: Context) -> TrackingUnitOfWork:
    """A unit of work whose commit also marks this update as handled."""
    return context.deps.uow(update.update_id)


def _zone(context: Context) -> ZoneInfo:
    return ZoneInfo(context.deps.timezone)


def _today(context: Context) -> date:
    return context.deps.clock().astimezone(_zone(context)).date()


def _item_id(raw: str, usage: str, **params: object) -> int:
    """An item's number as typed (12 or #12); the command's usage when it is none."""
    said = raw.removeprefix("#")
    if not (said.isascii() and said.isdigit()) or not 0 < int(said) <= MAX_ID:
        raise InvalidInput(usage, **params)
    return int(said)


def _changed(context: Context) -> None:
    context.deps.on_item_change()  # after the commit: bot.outbox.when_committed defers it


# ------------------------------------------------------------------ /track
async def _page(update: Update, context: Context, scope: TrackScope,
                page: int) -> tuple[str, InlineKeyboardMarkup | None]:
    found = await track_page(context.deps.uow(), actor=actor_of(update, context), roles=ROLES,
                             scope=scope, page=page, now=context.deps.clock(),
                             tz=_zone(context))
    language = lang(update, context)
    return view.track_text(language, found), view.track_keyboard(language, found)


async def track(update: Update, context: Context) -> None:
    scope = TrackScope.said(" ".join(context.args or []))
    text, keyboard = await _page(update, context, scope, 1)
    await reply(update, text, reply_markup=keyboard)


# ------------------------------------------------------------------ the commands
async def _refer(update: Update, context: Context, item_id: int, unit: int | str,
                 deadline: date | None) -> str:
    options = context.deps.follow_up
    item = await use.refer(_work(update, context), item_id=item_id, unit=unit,
                           deadline=deadline, actor=actor_of(update, context), roles=ROLES,
                           now=context.deps.clock(), default_days=options.deadline_days,
                           lead_days=options.lead_days, remind_at=options.remind_at,
                           tz=_zone(context))
    _changed(context)
    return t(lang(update, context), "tk_referred", id=item.id, unit=item.unit_name,
             date=view.deadline_text(lang(update, context), item.deadline))


async def refer(update: Update, context: Context) -> None:
    """/refer ID 单位 [时限]: two words or more after the item, the last is the deadline."""
    args = list(context.args or [])
    days = context.deps.follow_up.deadline_days
    if len(args) < 2:
        raise InvalidInput("usage_refer", days=days)
    item_id = _item_id(args[0], "usage_refer", days=days)
    rest = args[1:]
    deadline = parse_deadline(rest.pop(), _today(context)) if len(rest) > 1 else None
    await reply(update, await _refer(update, context, item_id, " ".join(rest), deadline))


async def _convert(update: Update, context: Context, item_id: int, kind: Conversion,
                   reference: str | None) -> str:
    item = await use.convert(_work(update, context), item_id=item_id, kind=kind,
                             reference=reference, actor=actor_of(update, context),
                             roles=ROLES, now=context.deps.clock())
    _changed(context)
    language = lang(update, context)
    assert item.conversion is not None
    return t(language, "tk_converted", id=item.id,
             kind=t(language, f"tk_conv_{item.conversion.value}"),
             reference=t(language, "tk_reference", reference=item.reference)
             if item.reference else "")


async def convert(update: Update, context: Context) -> None:
    """/convert ID 提案|社情民意|专报 [编号]"""
    args = list(context.args or [])
    if len(args) < 2:
        raise InvalidInput("usage_convert")
    item_id = _item_id(args[0], "usage_convert")
    kind = parse_conversion(args[1])
    await reply(update, await _convert(update, context, item_id, kind,
                                       " ".join(args[2:]) or None))


async def _reserve(update: Update, context: Context, item_id: int, reason: str | None) -> str:
    item = await use.reserve(_work(update, context), item_id=item_id, reason=reason,
                             actor=actor_of(update, context), roles=ROLES,
                             now=context.deps.clock())
    _changed(context)
    return t(lang(update, context), "tk_reserved", id=item.id, reason=item.reason)


async def reserve(update: Update, context: Context) -> None:
    """/reserve ID 理由"""
    args = list(context.args or [])
    if not args:
        raise InvalidInput("usage_reserve")
    item_id = _item_id(args[0], "usage_reserve")
    await reply(update, await _reserve(update, context, item_id, " ".join(args[1:]) or None))


async def _due(update: Update, context: Context, item_id: int, day: date,
               reason: str | None) -> str | None:
    """The new deadline; None when the domain wants a reason and none was given: then the
    question is asked, as a reply the next message answers."""
    options = context.deps.follow_up
    try:
        item = await use.change_deadline(
            _work(update, context), item_id=item_id, deadline=day, reason=reason,
            actor=actor_of(update, context), roles=ROLES, now=context.deps.clock(),
            lead_days=options.lead_days, remind_at=options.remind_at, tz=_zone(context))
    except InvalidInput as error:
        if error.code != "item_reason_required" or reason:
            raise
        await _ask_reason(update, context, t(lang(update, context), "tk_ask_due_reason",
                                             id=item_id, date=day.isoformat()))
        return None
    _changed(context)
    language = lang(update, context)
    previous = item.history[-1].detail.get("previous")  # the event just made
    return t(language, "tk_due_changed", id=item.id,
             date=view.deadline_text(language, item.deadline),
             previous=previous or t(language, "tk_due_none"))


async def due(update: Update, context: Context) -> None:
    """/due ID 日期 [理由] (a deadline already set needs a reason to change)."""
    args = list(context.args or [])
    if len(args) < 2:
        raise InvalidInput("usage_due")
    item_id = _item_id(args[0], "usage_due")
    day = parse_deadline(args[1], _today(context))
    done = await _due(update, context, item_id, day, " ".join(args[2:]) or None)
    if done is not None:
        await reply(update, done)


async def _ask_reason(update: Update, context: Context, question: str) -> None:
    await reply(update, question, reply_markup=ForceReply(
        selective=True, input_field_placeholder=t(lang(update, context),
                                                  "tk_reason_placeholder")))


# ------------------------------------------------------------------ a reason, replied
class _AnswersQuestion(filters.MessageFilter):
    """A reply to one of our questions (tracking_view.asked)."""

    def filter(self, message: Message) -> bool:
        replied = message.reply_to_message
        return (replied is not None and replied.from_user is not None
                and replied.from_user.is_bot and view.asked(replied.text or "") is not None)


ANSWERS_QUESTION = _AnswersQuestion()


async def reason_reply(update: Update, context: Context) -> None:
    message = update.effective_message
    assert message is not None and message.reply_to_message is not None
    question = view.asked(message.reply_to_message.text or "")
    assert question is not None
    action, item_id, day = question
    reason = message.text or ""
    if action == "reserve":
        await reply(update, await _reserve(update, context, item_id, reason))
    elif day is not None and (done := await _due(update, context, item_id, day, reason)):
        await reply(update, done)


# ------------------------------------------------------------------ the buttons
def _brief(item: TrackedItem) -> str:
    return short(item.text, view.ROW_TEXT_CHARS)


async def _ask(update: Update, context: Context, action: str, item_id: int) -> None:
    """交办 / 转化 / 改时限 / 留作参考 under /track: the question, as a new message."""
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
                    reply_markup=view.deadline_keyboard(language, item, _today(context)))
    else:
        await _ask_reason(update, context, t(language, "tk_ask_reserve_reason", id=item_id,
                                             text=_brief(item)))


async def _ask_unit(update: Update, context: Context, item_id: int, page: int, *,
                    edit: bool) -> None:
    language = lang(update, context)
    choices = await refer_choices(context.deps.uow(), item_id=item_id,
                                  actor=actor_of(update, context), roles=ROLES)
    if not choices.units:
        await reply(update, t(language, "tk_ask_unit_none"))
        return
    keyboard = view.units_keyboard(language, item_id, choices.units, page)
    query = update.callback_query
    if edit and query is not None:
        await query.edit_message_reply_markup(keyboard)
        return
    await reply(update, t(language, "tk_ask_unit", id=item_id, text=_brief(choices.item),
                          days=context.deps.follow_up.deadline_days), reply_markup=keyboard)


async def _act(update: Update, context: Context, action: str, parts: list[str]) -> str | None:
    """A button that acts: the same use case as its command; the answer to show."""
    item_id = number(parts[0])
    if action == "ru":
        return await _refer(update, context, item_id, number(parts[1]), None)
    if action == "cv":
        return await _convert(update, context, item_id, view.CONVERSIONS[parts[1]], None)
    day = check_deadline(view.day_of(parts[1]), _today(context))  # as a typed one is
    return await _due(update, context, item_id, day, None)


async def button(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    _, action, *parts = query.data.split(":")
    if action == "p":
        text, keyboard = await _page(update, context, view.scope_of(parts[0]),
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
