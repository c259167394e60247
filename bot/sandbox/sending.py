"""Helpers shared by the API methods that send or edit messages."""

from __future__ import annotations

from typing import Any

from bot.sandbox.errors import (
    BLOCKED,
    CANT_INITIATE,
    CAPTION_TOO_LONG,
    CHAT_NOT_FOUND,
    TEXT_EMPTY,
    TEXT_TOO_LONG,
    bad_request,
    forbidden,
)
from bot.sandbox.markup import parse_reply_markup
from bot.sandbox.models import BotAccount, SandboxChat
from bot.sandbox.params import Params, to_integer
from bot.sandbox.state import SandboxState
from bot.sandbox.textfmt import format_text

JSON = dict[str, Any]

MAX_TEXT = 4096
MAX_CAPTION = 1024


def resolve_chat(state: SandboxState, bot: BotAccount, raw: Any) -> SandboxChat:
    """A chat from an integer id or ``@username``; 400 chat not found otherwise.

    A known user's private chat is opened on first use (sending then fails with 403 until the
    user has started the bot).
    """
    ref: int | str = raw if isinstance(raw, int) else str(raw).strip()
    if isinstance(ref, str) and not ref.startswith("@"):
        ref = to_integer(ref)
    chat = state.find_chat(ref)
    if chat is None and isinstance(ref, int) and ref in state.users:
        if not state.users[ref].is_bot:
            chat = state.private_chat(ref, bot)
    if chat is None:
        raise bad_request(CHAT_NOT_FOUND)
    return chat


def target_chat(
    state: SandboxState, bot: BotAccount, p: Params, name: str = "chat_id"
) -> SandboxChat:
    """The chat named by the ``chat_id`` parameter."""
    if not p.has(name):
        raise bad_request(f"{name} is empty")
    return resolve_chat(state, bot, p.values[name])


def check_visible(state: SandboxState, bot: BotAccount, chat: SandboxChat) -> None:
    """The bot may look at the chat (getChat, getChatMember...)."""
    if chat.type == "private":
        if chat.bot_id != bot.id:
            raise bad_request(CHAT_NOT_FOUND)
        return
    status = chat.status_of(bot.id)
    if status == "kicked":
        raise forbidden(f"bot was kicked from the {chat.type} chat")
    if not chat.is_active_member(bot.id):
        raise forbidden(f"bot is not a member of the {chat.type} chat")


def check_can_write(state: SandboxState, bot: BotAccount, chat: SandboxChat) -> None:
    """The bot may send to the chat (403s for blocked/never-started users, non-members)."""
    check_visible(state, bot, chat)
    if chat.type == "private":
        if chat.id in bot.blocked_by:
            raise forbidden(BLOCKED)
        if chat.id not in bot.started:
            raise forbidden(CANT_INITIATE)


def text_content(p: Params, name: str = "text") -> JSON:
    text, entities = format_text(
        p.get_str(name) or "",
        p.get_str("parse_mode"),
        p.get_json("entities", "can't parse entities JSON object"),
    )
    if not text:
        raise bad_request(TEXT_EMPTY)
    if len(text) > MAX_TEXT:
        raise bad_request(TEXT_TOO_LONG)
    return {"text": text, "entities": entities} if entities else {"text": text}


def caption_content(p: Params) -> JSON:
    text, entities = format_text(
        p.get_str("caption") or "",
        p.get_str("parse_mode"),
        p.get_json("caption_entities", "can't parse entities JSON object"),
    )
    if len(text) > MAX_CAPTION:
        raise bad_request(CAPTION_TOO_LONG)
    out: JSON = {"caption": text} if text else {}
    if entities:
        out["caption_entities"] = entities
    return out


def reply_target(chat: SandboxChat, p: Params) -> JSON | None:
    """The message replied to (reply_parameters or legacy reply_to_message_id)."""
    params = p.get_json("reply_parameters", "can't parse reply parameters JSON object")
    if params is None and p.has("reply_to_message_id"):
        params = {
            "message_id": p.get_int("reply_to_message_id"),
            "allow_sending_without_reply": p.get_bool("allow_sending_without_reply"),
        }
    if params is None:
        return None
    if not isinstance(params, dict):
        raise bad_request("can't parse reply parameters JSON object")
    message = chat.messages.get(to_integer(params.get("message_id", 0)))
    if message is None and not params.get("allow_sending_without_reply"):
        raise bad_request("message to be replied not found")
    return message


def markup_param(p: Params) -> tuple[str | None, JSON | None]:
    if not p.has("reply_markup"):
        return None, None
    return parse_reply_markup(p.values["reply_markup"])


def inline_markup_param(p: Params) -> JSON | None:
    """reply_markup for edit methods: only inline keyboards are allowed."""
    kind, markup = markup_param(p)
    if kind not in (None, "inline"):
        raise bad_request("inline keyboard expected")
    return markup


def deliver(
    state: SandboxState, bot: BotAccount, chat: SandboxChat, content: JSON, p: Params
) -> JSON:
    """Create the bot's message in ``chat`` with reply and reply_markup handling."""
    check_can_write(state, bot, chat)
    reply = reply_target(chat, p)
    kind, markup = markup_param(p)
    if kind == "inline" and markup is not None:
        content = {**content, "reply_markup": markup}
    elif kind == "keyboard":
        chat.reply_keyboard = markup
    elif kind == "remove":
        chat.reply_keyboard = None
    message = state.new_message(chat, bot.user, content, reply)
    state.record_bot_message(bot, chat, message)
    return message


def set_optional(message: JSON, key: str, value: Any) -> None:
    if value:
        message[key] = value
    else:
        message.pop(key, None)
