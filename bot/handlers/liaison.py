"""Liaisons (联络员) and proposers, in private chat: the items referred to a unit (/mine), their
handling (接收, /progress, /reply, a reply document sent in reply to the item's notice) and the
proposer's rating (/rate, or the buttons under the reply).

Every button is checked by the use case its command calls (facilitation.tracking_services with
``LiveRoles``): a liaison of another unit, or anyone pressing a forged button, is refused and
nothing changes. 办理中 and 办结 ask for the note or the reply with a message to answer
(ForceReply); the answer is matched to its item by the prompt it quotes, so nothing is kept
in memory between the press and the answer.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import ForceReply, InlineKeyboardMarkup, ReplyParameters, Update
from telegram.error import BadRequest

from bot.callbacks import number
from bot.catalog import t
from bot.common import Context, actor_of, answer, fit, lang, reply
from bot.liaison_view import (
    RATING_CODES,
    RATING_WORDS,
    button,
    document_name,
    document_parts,
    document_ref,
    liaison_keyboard,
    mine_text,
    replied_item,
)
from facilitation import tracking_services as use
from facilitation.errors import InvalidInput, PermissionDenied
from facilitation.ports import TrackingUnitOfWork
from facilitation.tracking import ItemStatus, Satisfaction, TrackedItem
from facilitation.tracking_access import LiveRoles
from facilitation.tracking_notifying import item_for_liaison, reply_document
from facilitation.tracking_views import open_items

ROLES = LiveRoles()


# ------------------------------------------------------------------ commands
def uow(update: Update, context: Context) -> TrackingUnitOfWork:
    """A unit of work whose commit also marks this update as handled."""
    return context.deps.uow(update.update_id)


def _item_id(raw: str, usage: str) -> int:
    text = raw.strip().lstrip("#")
    if not (text.isascii() and text.isdigit()):
        raise InvalidInput(usage)
    try:
        return number(text)
    except InvalidInput:
        raise InvalidInput(usage) from None


def _id_and_text(update: Update, usage: str) -> tuple[int, str]:
    """``/command ID text…``: the text as typed, line breaks kept."""
    message = update.effective_message
    parts = (message.text or "").split(None, 2) if message is not None else []
    if len(parts) < 3:
        raise InvalidInput(usage)
    return _item_id(parts[1], usage), parts[2]


async def mine(update: Update, context: Context) -> None:
    """/mine: the open items of the units the user is a liaison of, overdue first (for staff
    too: their view of every item is /track)."""
    language = lang(update, context)
    try:
        rows = await open_items(context.deps.uow(), actor=actor_of(update, context), roles=ROLES,
                                as_liaison=True,
                                now=context.deps.clock(), tz=ZoneInfo(context.deps.timezone))
    except PermissionDenied:
        await reply(update, t(language, "liaison_not_any"))
        return
    await reply(update, fit(mine_text(language, rows)))


async def _accept(update: Update, context: Context, item_id: int) -> TrackedItem:
    item = await use.accept(uow(update, context), item_id=item_id,
                            actor=actor_of(update, context), roles=ROLES,
                            now=context.deps.clock())
    context.deps.on_item_change()
    return item


async def _received(update: Update, context: Context, item_id: int) -> None:
    """A note or a reply on an item its unit has not accepted yet: the unit has it, so it is
    接收 first (two events, as if both buttons were pressed)."""
    item = await item_for_liaison(context.deps.uow(), item_id=item_id,
                                  actor=actor_of(update, context), roles=ROLES)
    if item.status == ItemStatus.REFERRED:
        await _accept(update, context, item_id)


async def _progress(update: Update, context: Context, item_id: int, note: str) -> None:
    await _received(update, context, item_id)
    await use.progress(uow(update, context), item_id=item_id, note=note,
                       actor=actor_of(update, context), roles=ROLES, now=context.deps.clock())
    context.deps.on_item_change()
    await reply(update, t(lang(update, context), "liaison_progress_recorded", item=item_id))


async def _reply(update: Update, context: Context, item_id: int, text: str | None,
                 document: str | None = None) -> None:
    await _received(update, context, item_id)
    await use.reply(uow(update, context), item_id=item_id, text=text, document=document,
                    actor=actor_of(update, context), roles=ROLES, now=context.deps.clock())
    context.deps.on_item_change()
    await reply(update, t(lang(update, context), "liaison_replied", item=item_id))


async def reply_command(update: Update, context: Context) -> None:
    """/reply ID 答复: the unit's 办理答复; the item is 已办结."""
    item_id, text = _id_and_text(update, "usage_reply")
    await _reply(update, context, item_id, text)


async def progress_command(update: Update, context: Context) -> None:
    """/progress ID 进展: a note of how the handling goes; the item is 办理中."""
    item_id, text = _id_and_text(update, "usage_progress")
    await _progress(update, context, item_id, text)


async def _rate(update: Update, context: Context, item_id: int,
                rating: Satisfaction) -> TrackedItem:
    item = await use.evaluate(
        uow(update, context), item_id=item_id, satisfaction=rating,
        actor=actor_of(update, context), roles=ROLES, now=context.deps.clock(),
        lead_days=context.deps.follow_up.lead_days, remind_at=context.deps.follow_up.remind_at,
        tz=ZoneInfo(context.deps.timezone))
    context.deps.on_item_change()
    return item


def _rated(language: str, item: TrackedItem, rating: Satisfaction) -> str:
    if item.status == ItemStatus.REOPENED:
        return t(language, "rated_reopened", item=item.id)
    return t(language, "rated", item=item.id, rating=t(language, f"btn_rate_{rating.value}"))


async def rate_command(update: Update, context: Context) -> None:
    """/rate ID 满意|基本满意|不满意: the proposer's evaluation of the reply."""
    args = list(context.args or [])
    rating = RATING_WORDS.get(args[1].lower()) if len(args) == 2 else None
    if rating is None:
        raise InvalidInput("usage_rate")
    item = await _rate(update, context, _item_id(args[0], "usage_rate"), rating)
    await reply(update, _rated(lang(update, context), item, rating))


# ------------------------------------------------------------------ buttons
async def _markup(update: Update, markup: InlineKeyboardMarkup | None) -> None:
    query = update.callback_query
    assert query is not None
    try:
        await query.edit_message_reply_markup(markup)
    except BadRequest as error:  # "message is not modified": a double press
        if "not modified" not in str(error).lower():
            raise


async def _prompt(update: Update, context: Context, item_id: int, key: str) -> None:
    """Ask for the note or the reply: a message to answer, naming the item."""
    await item_for_liaison(context.deps.uow(), item_id=item_id,
                           actor=actor_of(update, context), roles=ROLES)
    language = lang(update, context)
    await answer(update.callback_query)
    await reply(update, t(language, key, item=item_id),
                reply_markup=ForceReply(input_field_placeholder=f"#{item_id}"))


async def item_button(update: Update, context: Context) -> None:
    """lia:acc|prog|done|doc:ID, under an item's notice or its reply."""
    query = update.callback_query
    assert query is not None and query.data is not None
    _, action, raw = query.data.split(":")
    item_id, language = number(raw), lang(update, context)
    if action == "acc":
        item = await _accept(update, context, item_id)
        await answer(query, t(language, "liaison_accepted", item=item_id))
        await _markup(update, liaison_keyboard(language, item_id, item.status))
    elif action == "prog":
        await _prompt(update, context, item_id, "liaison_progress_prompt")
    elif action == "done":
        await _prompt(update, context, item_id, "liaison_reply_prompt")
    else:
        await send_document(update, context, item_id)


async def send_document(update: Update, context: Context, item_id: int) -> None:
    ref = await reply_document(context.deps.uow(), item_id=item_id,
                               actor=actor_of(update, context), roles=ROLES)
    await answer(update.callback_query)
    parts = document_parts(ref)
    chat = update.effective_chat
    if parts is None or chat is None:
        await reply(update, document_name(ref))
        return
    await context.bot.send_document(chat.id, parts[0], caption=f"#{item_id} {parts[1]}")


async def rate_button(update: Update, context: Context) -> None:
    """rate:ID:s|b|u, under the reply the proposer was sent."""
    query = update.callback_query
    assert query is not None and query.data is not None
    _, raw, code = query.data.split(":")
    rating = RATING_CODES.get(code)
    if rating is None:
        raise InvalidInput("stale_button")
    item = await _rate(update, context, number(raw), rating)
    language = lang(update, context)
    await answer(query, _rated(language, item, rating))
    has_document = item.reply is not None and item.reply.document is not None
    await _markup(update, InlineKeyboardMarkup([[button(
        language, "btn_item_document", f"lia:doc:{item.id}")]]) if has_document else None)


# ------------------------------------------------------------------ answers to prompts
async def answer_to_item(update: Update, context: Context) -> None:
    """A text or a document in answer to an item's prompt (progress, reply) or notice: a
    document answering the notice is the reply; a text answering it gets a hint, so that a
    word like "收到" never closes an item."""
    message = update.effective_message
    found = replied_item(message)
    if message is None or found is None:
        return
    purpose, item_id = found
    document = message.document
    ref = document_ref(document.file_id, document.file_name) if document else None
    text = message.text or message.caption
    if purpose == "progress" and text:
        await _progress(update, context, item_id, text)
    elif purpose == "reply" or (purpose == "notice" and ref is not None):
        await _reply(update, context, item_id, text, ref)
    else:
        await message.reply_text(
            t(lang(update, context), "liaison_reply_hint", item=item_id),
            reply_parameters=ReplyParameters(message.message_id))
