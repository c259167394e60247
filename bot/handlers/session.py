"""Opening and closing a session, its QR code, its turn limit, help."""

from __future__ import annotations

import asyncio
import io
import logging
from urllib.parse import urlsplit

import qrcode
from telegram import Update
from telegram.constants import ChatMemberStatus

from bot.catalog import t
from bot.common import (
    Context,
    actor_of,
    chat_of,
    deep_link,
    duration,
    is_group,
    lang,
    reply,
    session_keyboard,
    uow,
)
from bot.handlers import minutes
from bot.outbox import link_board
from facilitation import floor, services
from facilitation.board import board_opened
from facilitation.errors import InvalidInput, NotFound

log = logging.getLogger(__name__)


async def new_session(update: Update, context: Context) -> None:
    language = lang(update, context)
    if not is_group(update):
        await reply(update, t(language, "group_only"))
        return
    topic = " ".join(context.args or [])
    if not topic.strip():
        await reply(update, t(language, "usage_new"))
        return
    session = await services.open_session(
        uow(update, context), chat_id=chat_of(update).id, topic=topic,
        actor=actor_of(update, context), now=context.deps.clock(),
        new_code=context.deps.new_code, turn_limit_s=context.deps.turn_seconds,
        language=context.deps.language, hall=chat_of(update).title)  # the group is the hall
    username = context.bot.username
    opened = t(
        language, "session_opened", topic=session.topic, moderator=actor_of(update, context)
        .display_name, code=session.code, link=deep_link(username, session.code),
        remote_link=deep_link(username, session.code, remote=True),
        minutes=duration(language, session.turn_limit_s)) + _web_line(context, language,
                                                                       session.code)
    await reply(update, opened, reply_markup=session_keyboard(language))
    assert session.id is not None
    if link_board(session.id):  # this message is the session's live board (bot/board.py)
        await board_opened(uow(update, context), session, opened)
    if not await _can_read_group(update, context):
        await reply(update, t(language, "privacy_warning", bot=username))


def phone_link(context: Context, code: str) -> str | None:
    """The phone page (portal/) of a session code, for people without Telegram; it links to
    the bot for those with it. None when no web app is served or YISHITANG_WEB_URL is this
    machine's loopback (the default), which no phone can open: then the bot's deep link."""
    url = context.deps.web_url.rstrip("/")
    host = urlsplit(url).hostname or ""
    if not context.deps.web_served or host == "localhost" or host.startswith("127."):
        return None
    return f"{url}/j/{code}"


def _web_line(context: Context, language: str, code: str) -> str:
    link = phone_link(context, code)
    return "\n" + t(language, "session_opened_web", link=link) if link else ""


async def _can_read_group(update: Update, context: Context) -> bool:
    """Whether the bot sees ordinary messages here: privacy mode off, or an administrator."""
    me = await context.bot.get_me()
    if me.can_read_all_group_messages:
        return True
    member = await context.bot.get_chat_member(chat_of(update).id, me.id)
    return member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)


async def end_session(update: Update, context: Context) -> None:
    language = lang(update, context)
    change = await floor.close_session(uow(update, context), chat_id=chat_of(update).id,
                                       actor=actor_of(update, context), now=context.deps.clock())
    context.deps.on_floor_change()
    session = change.session
    assert session.id is not None
    async with context.deps.uow() as work:
        present = await work.attendance.count_present(session.id)
        contributions = await work.contributions.count(session.id)
    await reply(update, t(language, "session_closed_msg", topic=session.topic, present=present,
                          contributions=contributions))
    await minutes.after_close(update, context, session.id)


def qr_png(data: str) -> bytes:
    image = qrcode.make(data, box_size=10, border=3)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()


async def send_qrcode(update: Update, context: Context) -> None:
    language = lang(update, context)
    async with context.deps.uow() as work:
        session = await work.sessions.open_in_chat(chat_of(update).id)
    if session is None:
        raise NotFound("no_open_session")
    # the phone page opens for anyone (and offers the bot); else the bot's deep link
    link = phone_link(context, session.code) or deep_link(context.bot.username, session.code)
    png = await asyncio.get_running_loop().run_in_executor(None, qr_png, link)
    await chat_of(update).send_photo(png, caption=t(language, "qrcode_caption",
                                                    topic=session.topic, link=link))


async def set_limit(update: Update, context: Context) -> None:
    language = lang(update, context)
    if not context.args:
        await reply(update, t(language, "usage_limit"))
        return
    seconds = services.parse_turn_limit(context.args[0])
    await services.set_turn_limit(uow(update, context), chat_id=chat_of(update).id,
                                  actor=actor_of(update, context), seconds=seconds)
    await reply(update, t(language, "limit_set", minutes=duration(language, seconds)))


async def show_help(update: Update, context: Context) -> None:
    language = lang(update, context)
    await reply(update, t(language, "help_group" if is_group(update) else "help_private"))


async def unknown_command(update: Update, context: Context) -> None:
    message = update.effective_message
    text = message.text if message and message.text else ""
    command = text.split()[0] if text else ""
    if "@" in command and command.split("@", 1)[1].lower() != context.bot.username.lower():
        return  # a command for another bot in the same group
    await reply(update, t(lang(update, context), "unknown_command"))


async def chat_migrated(update: Update, context: Context) -> None:
    """A group became a supergroup: its id changes, the session must follow."""
    message = update.effective_message
    if message is not None and message.migrate_to_chat_id:
        await services.move_chat(uow(update, context), old_chat_id=message.chat.id,
                                 new_chat_id=message.migrate_to_chat_id)


async def added_to_group(update: Update, context: Context) -> None:
    """Say how to start when someone adds the bot to a group."""
    change = update.my_chat_member
    if change is None or change.chat.type not in ("group", "supergroup"):
        return
    was_in = change.old_chat_member.status in (ChatMemberStatus.MEMBER,
                                               ChatMemberStatus.ADMINISTRATOR)
    now_in = change.new_chat_member.status in (ChatMemberStatus.MEMBER,
                                               ChatMemberStatus.ADMINISTRATOR)
    if now_in and not was_in:
        await context.bot.send_message(change.chat.id, t(context.deps.language, "help_group"))


def parse_position(args: list[str] | None) -> int | None:
    if not args:
        return None
    try:
        return int(args[0].lstrip("#"))
    except ValueError as exc:
        raise InvalidInput("bad_position", size="?") from exc


async def glossary(update: Update, context: Context) -> None:
    """/glossary shows the hall's words for the recogniser; /glossary w1 w2 sets them."""
    language = lang(update, context)
    chat_id = chat_of(update).id
    if not context.args:
        words = await services.hall_glossary(context.deps.uow(), chat_id=chat_id)
        await reply(update, t(language, "glossary_show",
                              words="、".join(words) or t(language, "glossary_empty")))
        return
    wanted = [] if context.args == ["-"] else list(context.args)
    words = await services.set_hall_glossary(uow(update, context), chat_id=chat_id,
                                             actor=actor_of(update, context), words=wanted)
    await reply(update, t(language, "glossary_set", count=len(words),
                          words="、".join(words) or t(language, "glossary_empty")))
