"""The minutes after /end: the draft sent to the moderator, edits in private chat, 发言确认,
approval into versions."""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.error import Forbidden, TelegramError

from bot.callbacks import number
from bot.catalog import t
from bot.common import Context, actor_of, answer, chat_of, fit, lang, reply, uow
from bot.follow_up import follow_up, follow_up_note
from bot.minutes_view import (
    approve_anyway_keyboard,
    chunks,
    draft_keyboard,
    draft_text,
    short,
)
from facilitation import documents
from facilitation import minutes as use
from facilitation.draft_edits import DraftEdit
from facilitation.errors import InvalidInput, NotFound
from facilitation.services import Actor
from transcripts.minutes import drafts
from transcripts.minutes.display import document_title
from transcripts.minutes.drafts import Draft, load_draft
from transcripts.minutes.files import render_files
from transcripts.minutes.model import Minutes

log = logging.getLogger(__name__)


async def current_draft(context: Context, session_id: int) -> Draft:
    return await load_draft(context.deps.uow(), session_id, ZoneInfo(context.deps.timezone))


async def send_minutes(context: Context, chat_id: int, minutes: Minutes, caption: str,
                       session_id: int) -> None:
    template = await documents.hall_template(context.deps.uow(), session_id=session_id)
    files = await render_files(minutes, template, context.deps.clock())
    await context.bot.send_document(chat_id, InputFile(files.docx, f"{files.stem}.docx"),
                                    caption=fit(caption, 1024))
    await context.bot.send_document(chat_id, InputFile(files.markdown, f"{files.stem}.md"))


async def send_draft(context: Context, chat_id: int, session_id: int, language: str,
                     update: Update | None = None) -> None:
    """The draft's summary with its buttons (as a reply to ``update`` when given), then the
    DOCX and Markdown files."""
    draft = await current_draft(context, session_id)
    *first, last = chunks(draft_text(language, draft))
    for part in first:
        await context.bot.send_message(chat_id, part)
    keyboard = draft_keyboard(language, session_id, draft.fingerprint)
    if update is not None and not first:
        await reply(update, last, reply_markup=keyboard)
    else:
        await context.bot.send_message(chat_id, last, reply_markup=keyboard)
    await send_minutes(context, chat_id, draft.minutes,
                       t(language, "minutes_files_draft", topic=draft.minutes.heading.topic),
                       session_id)


async def after_close(update: Update, context: Context, session_id: int) -> None:
    """/end: the moderator gets the draft minutes in private chat (or is told how to)."""
    language = lang(update, context)
    actor = actor_of(update, context)  # closing made them the editor (floor.close_session)
    if not actor.has_private_chat:  # closed as a channel or as the group's anonymous admin
        await reply(update, t(language, "anonymous_use_own_account"))
        return
    try:
        await send_draft(context, actor.user_id, session_id, language)
    except Forbidden:
        await reply(update, t(language, "minutes_open_private", bot=context.bot.username))
        return
    await reply(update, t(language, "minutes_sent_private"))


async def _focus(update: Update, context: Context) -> tuple[int, Actor, str]:
    actor = actor_of(update, context)
    return await use.focused_session(context.deps.uow(), actor=actor), actor, lang(
        update, context)


def _args(context: Context, count: int, usage: str) -> list[str]:
    args = list(context.args or [])
    if len(args) < count:
        raise InvalidInput(usage)
    return [*args[: count - 1], " ".join(args[count - 1:])]


def _whole(value: str) -> int | None:
    """A number as typed (ASCII digits; "²" and "١٢" are digits to str.isdigit, not to int)."""
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 9 else None


def _number(value: str, what: str) -> int:
    number = _whole(value)
    if number is None:
        raise InvalidInput("minutes_bad_number", what=what, size="?")
    return number


async def show_draft(update: Update, context: Context) -> None:
    session_id, actor, language = await _focus(update, context)
    await use.require_editor(context.deps.uow(), session_id=session_id, actor=actor)
    await send_draft(context, chat_of(update).id, session_id, language, update)


async def fix_turn(update: Update, context: Context) -> None:
    session_id, actor, language = await _focus(update, context)
    seq, text = _args(context, 2, "usage_fix")
    number = _whole(seq)
    if number is None:
        raise InvalidInput("usage_fix")
    await use.correct_turn(uow(update, context), session_id=session_id, seq=number,
                           text=text, actor=actor, now=context.deps.clock())
    await reply(update, t(language, "minutes_turn_fixed", seq=seq, text=short(text)))


async def add_suggestion(update: Update, context: Context) -> None:
    session_id, actor, language = await _focus(update, context)
    seq, text = _args(context, 2, "usage_addsug")
    number = _whole(seq)
    if number is None:
        raise NotFound("no_such_turn", seq=seq)
    draft = await current_draft(context, session_id)
    await _edit(update, context, session_id, actor, drafts.suggestion_to_add(draft, number, text))
    await reply(update, t(language, "minutes_suggestion_added", seq=seq, text=short(text)))


async def drop_suggestion(update: Update, context: Context) -> None:
    session_id, actor, language = await _focus(update, context)
    (number,) = _args(context, 1, "usage_dropsug")
    draft = await current_draft(context, session_id)
    edit = drafts.suggestion_to_drop(draft, _number(number, "suggestion"))
    await _edit(update, context, session_id, actor, edit)
    await reply(update, t(language, "minutes_suggestion_dropped", number=number,
                          text=short(edit.text)))


async def set_unit(update: Update, context: Context) -> None:
    session_id, actor, language = await _focus(update, context)
    number, unit = _args(context, 2, "usage_unit")
    draft = await current_draft(context, session_id)
    await _edit(update, context, session_id, actor,
                drafts.unit_to_set(draft, _number(number, "action"), unit))
    await reply(update, t(language, "minutes_unit_set", number=number, unit=unit))


async def set_deadline(update: Update, context: Context) -> None:
    session_id, actor, language = await _focus(update, context)
    number, said = _args(context, 2, "usage_deadline")
    draft = await current_draft(context, session_id)
    edit = drafts.deadline_to_set(draft, _number(number, "action"), said)
    await _edit(update, context, session_id, actor, edit)
    await reply(update, t(language, "minutes_deadline_set", number=number, said=said,
                          date=edit.deadline.isoformat() if edit.deadline else "—"))


async def set_title(update: Update, context: Context) -> None:
    """/title 关于……的协商纪要 sets the document's title; /title - goes back to the default."""
    session_id, actor, language = await _focus(update, context)
    (said,) = _args(context, 1, "usage_title")
    await _edit(update, context, session_id, actor, drafts.title_to_set(said))
    draft = await current_draft(context, session_id)
    await reply(update, t(language, "minutes_title_set", title=document_title(draft.minutes)))


async def _approved(context: Context, session_id: int, version: int) -> Minutes:
    """The version just approved, as the document it is (期号, 审核, date)."""
    async with context.deps.uow() as work:
        frozen = await work.minutes.version(session_id, version)
    assert frozen is not None  # approve() committed it
    return await drafts.approved_minutes(context.deps.uow(), frozen,
                                         ZoneInfo(context.deps.timezone))


async def _edit(update: Update, context: Context, session_id: int, actor: Actor,
                edit: DraftEdit) -> None:
    await use.edit_draft(uow(update, context), session_id=session_id, edit=edit, actor=actor,
                         now=context.deps.clock())


async def approve(update: Update, context: Context, session_id: int | None = None,
                  fingerprint: str | None = None, anyway: bool = False) -> None:
    if session_id is None:
        session_id, actor, language = await _focus(update, context)
    else:
        actor, language = actor_of(update, context), lang(update, context)
    try:
        version = await drafts.approve_draft(
            uow(update, context), session_id=session_id, actor=actor, now=context.deps.clock(),
            tz=ZoneInfo(context.deps.timezone), fingerprint=fingerprint, anyway=anyway)
    except use.UnreviewedTurns as unchecked:  # ask first; the button approves this draft
        draft = await current_draft(context, session_id)
        await reply(update, t(language, unchecked.code, **unchecked.params),
                    reply_markup=approve_anyway_keyboard(language, session_id,
                                                         draft.fingerprint))
        return
    tracked = follow_up_note(language, await follow_up(context.deps, session_id, version))
    approved = await _approved(context, session_id, version)
    said = t(language, "minutes_approved", version=version, topic=approved.heading.topic)
    await reply(update, "\n".join(filter(None, (said, tracked))))
    await send_minutes(context, actor.user_id, approved, t(
        language, "minutes_files_version", version=version, topic=approved.heading.topic),
        session_id)


async def request_confirmations(update: Update, context: Context,
                                session_id: int | None = None) -> None:
    if session_id is None:
        session_id, actor, language = await _focus(update, context)
    else:
        actor, language = actor_of(update, context), lang(update, context)
    recipients, unreachable = await use.request_confirmations(
        uow(update, context), session_id=session_id, actor=actor)
    async with context.deps.uow() as work:
        session = await work.sessions.get(session_id)
    topic = session.topic if session else ""
    sent = []
    for r in recipients:
        if await _ask_to_confirm(context, r, topic, language, session_id):
            sent.append(r.person_id)
        else:
            unreachable.append(r.name)
    await use.confirmations_sent(context.deps.uow(), session_id=session_id, person_ids=sent,
                                 now=context.deps.clock())
    await context.bot.send_message(actor.user_id, t(
        language, "confirm_sent", n=len(sent), missing="、".join(unreachable) or "—"))


async def _ask_to_confirm(context: Context, r: use.Recipient, topic: str, language: str,
                          session_id: int) -> bool:
    """The speaker's own turns, in as many messages as needed; the buttons on the last."""
    mark = t(language, "review_mark")
    turns = "\n\n".join(f"#{c.seq}{mark if c.seq in r.unchecked else ''}：{c.text}"
                         for c in r.turns)
    text = t(language, "confirm_request", topic=topic, turns=turns)
    if r.unchecked:
        text += "\n" + t(language, "confirm_review_hint")
    *first, last = chunks(text)
    try:
        for part in first:
            await context.bot.send_message(r.telegram_user_id, part)
        await context.bot.send_message(r.telegram_user_id, last,
                                       reply_markup=confirm_keyboard(language, session_id))
    except TelegramError:
        log.info("cannot reach %s in private chat", r.name)
        return False
    return True


def confirm_keyboard(language: str, session_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(t(language, "btn_confirm_ok"), callback_data=f"cf:ok:{session_id}"),
        InlineKeyboardButton(t(language, "btn_confirm_fix"),
                             callback_data=f"cf:fix:{session_id}")]])


async def confirm_button(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    _, action, session_id = query.data.split(":")
    language = lang(update, context)
    if action == "fix":
        session = await use.start_correcting(context.deps.uow(), session_id=number(session_id),
                                             actor=actor_of(update, context))
        await answer(query)
        await reply(update, t(language, "confirm_how_to_fix", topic=session.topic))
        return
    await use.confirm_turns(uow(update, context), session_id=number(session_id),
                            actor=actor_of(update, context), now=context.deps.clock())
    await answer(query, t(language, "confirm_thanks"))
    await query.edit_message_reply_markup(None)


async def draft_button(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    _, action, raw_id, *rest = query.data.split(":")
    session_id = number(raw_id)
    if action in ("approve", "force"):  # errors go to on_error, which answers the press
        await approve(update, context, session_id, rest[0] if rest else None,
                      anyway=action == "force")
    else:
        await request_confirmations(update, context, session_id)
    await answer(query)
