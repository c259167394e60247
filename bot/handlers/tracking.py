"""Staff following items up (issue 11): /track lists open items in pages, /refer, /reassign,
/convert, /reserve and /due act on one. Each action is one function that calls its use case
and gives the answer to show (referred, reassigned, ...), which the buttons under /track call
too (bot/handlers/tracking_buttons.py).
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from telegram import ForceReply, InlineKeyboardMarkup, Update

from bot import tracking_view as view
from bot.callbacks import MAX_ID
from bot.catalog import t
from bot.common import Context, actor_of, lang, reply
from facilitation import tracking_services as use
from facilitation.errors import InvalidInput
from facilitation.ports import TrackingUnitOfWork
from facilitation.tracking import Conversion
from facilitation.tracking_access import LiveRoles
from facilitation.tracking_desk import TrackScope, track_page
from facilitation.tracking_input import deadline_word, parse_conversion, parse_deadline

ROLES = LiveRoles()


def _work(update: Update, context: Context) -> TrackingUnitOfWork:
    """A unit of work whose commit also marks this update as handled."""
    return context.deps.uow(update.update_id)


def _zone(context: Context) -> ZoneInfo:
    return ZoneInfo(context.deps.timezone)


def today(context: Context) -> date:
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
async def track_reply(update: Update, context: Context, scope: TrackScope,
                      page: int) -> tuple[str, InlineKeyboardMarkup | None]:
    """A page of /track: its text and buttons."""
    found = await track_page(context.deps.uow(), actor=actor_of(update, context), roles=ROLES,
                             scope=scope, page=page, now=context.deps.clock(),
                             tz=_zone(context))
    language = lang(update, context)
    return view.track_text(language, found), view.track_keyboard(language, found)


async def track(update: Update, context: Context) -> None:
    scope = TrackScope.said(" ".join(context.args or []))
    text, keyboard = await track_reply(update, context, scope, 1)
    await reply(update, text, reply_markup=keyboard)


# ------------------------------------------------------------------ the commands
async def referred(update: Update, context: Context, item_id: int, unit: int | str,
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
    deadline = parse_deadline(rest.pop(), today(context)) if len(rest) > 1 else None
    await reply(update, await referred(update, context, item_id, " ".join(rest), deadline))


async def reassigned(update: Update, context: Context, item_id: int, unit: int | str,
                     reason: str | None, deadline: date | None = None) -> str:
    options = context.deps.follow_up
    item = await use.reassign(_work(update, context), item_id=item_id, unit=unit, reason=reason,
                              deadline=deadline, actor=actor_of(update, context), roles=ROLES,
                              now=context.deps.clock(), lead_days=options.lead_days,
                              remind_at=options.remind_at, tz=_zone(context))
    _changed(context)
    language = lang(update, context)
    return t(language, "tk_reassigned", id=item.id, unit=item.unit_name,
             date=view.deadline_text(language, item.deadline),
             reason=item.history[-1].detail["reason"])  # the event just made


async def reassign(update: Update, context: Context) -> None:
    """/reassign ID 单位 [时限=日期] 理由: the unit one word (a name, an alias or #id); no
    时限= word, the deadline stays."""
    args = list(context.args or [])
    if len(args) < 2:
        raise InvalidInput("usage_reassign")
    item_id = _item_id(args[0], "usage_reassign")
    rest = args[2:]
    deadline = deadline_word(rest[0], today(context)) if rest else None
    reason = " ".join(rest[1:] if deadline is not None else rest) or None
    await reply(update, await reassigned(update, context, item_id, args[1], reason, deadline))


async def converted(update: Update, context: Context, item_id: int, kind: Conversion,
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
    await reply(update, await converted(update, context, item_id, kind,
                                        " ".join(args[2:]) or None))


async def reserved(update: Update, context: Context, item_id: int, reason: str | None) -> str:
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
    await reply(update, await reserved(update, context, item_id, " ".join(args[1:]) or None))


async def deadline_changed(update: Update, context: Context, item_id: int, day: date,
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
        await ask_reason(update, context, t(lang(update, context), "tk_ask_due_reason",
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
    day = parse_deadline(args[1], today(context))
    done = await deadline_changed(update, context, item_id, day, " ".join(args[2:]) or None)
    if done is not None:
        await reply(update, done)


async def ask_reason(update: Update, context: Context, question: str) -> None:
    """A question whose answer is a reply to it (bot/handlers/tracking_buttons.py)."""
    await reply(update, question, reply_markup=ForceReply(
        selective=True, input_field_placeholder=t(lang(update, context),
                                                  "tk_reason_placeholder")))
