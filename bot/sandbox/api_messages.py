"""Bot API methods: sending, editing and deleting text messages; chat actions; callbacks."""

from __future__ import annotations

import time
from typing import Any

from bot.sandbox.errors import EDIT_NOT_FOUND, NOT_MODIFIED, QUERY_TOO_OLD, bad_request
from bot.sandbox.models import BotAccount, CallbackAnswer, SandboxChat
from bot.sandbox.params import Params, to_integer
from bot.sandbox.sending import (
    caption_content,
    check_can_write,
    check_visible,
    deliver,
    inline_markup_param,
    set_optional,
    target_chat,
    text_content,
)
from bot.sandbox.state import SandboxState

JSON = dict[str, Any]

CHAT_ACTIONS = frozenset(
    {"typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
     "upload_document", "choose_sticker", "find_location", "record_video_note",
     "upload_video_note"}
)  # fmt: skip
_MEDIA_KEYS = ("photo", "document", "audio", "voice", "video", "animation", "video_note")


async def send_message(state: SandboxState, bot: BotAccount, p: Params) -> JSON:
    chat = target_chat(state, bot, p)
    return deliver(state, bot, chat, text_content(p), p)


def _editable(state: SandboxState, bot: BotAccount, p: Params) -> tuple[SandboxChat, JSON]:
    if p.has("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")
    if not p.has("message_id"):
        raise bad_request("message identifier is not specified")
    chat = target_chat(state, bot, p)
    check_visible(state, bot, chat)
    message = chat.messages.get(p.get_int("message_id") or 0)
    if message is None:
        raise bad_request(EDIT_NOT_FOUND)
    if message["from"]["id"] != bot.id:
        raise bad_request("message can't be edited")
    return chat, message


def _apply_edit(message: JSON, changes: JSON) -> JSON:
    if all(message.get(key) == value for key, value in changes.items()):
        raise bad_request(NOT_MODIFIED)
    for key, value in changes.items():
        set_optional(message, key, value)
    message["edit_date"] = int(time.time())
    return message


async def edit_message_text(state: SandboxState, bot: BotAccount, p: Params) -> JSON:
    _, message = _editable(state, bot, p)
    content = text_content(p)
    if "text" not in message:
        raise bad_request("there is no text in the message to edit")
    changes = {
        "text": content["text"],
        "entities": content.get("entities"),
        "reply_markup": inline_markup_param(p),
    }
    return _apply_edit(message, changes)


async def edit_message_caption(state: SandboxState, bot: BotAccount, p: Params) -> JSON:
    _, message = _editable(state, bot, p)
    if not any(key in message for key in _MEDIA_KEYS):
        raise bad_request("there is no caption in the message to edit")
    content = caption_content(p)
    changes = {
        "caption": content.get("caption"),
        "caption_entities": content.get("caption_entities"),
        "reply_markup": inline_markup_param(p),
    }
    return _apply_edit(message, changes)


async def edit_message_reply_markup(state: SandboxState, bot: BotAccount, p: Params) -> JSON:
    _, message = _editable(state, bot, p)
    return _apply_edit(message, {"reply_markup": inline_markup_param(p)})


def _delete_one(bot: BotAccount, chat: SandboxChat, message_id: int) -> None:
    message = chat.messages.get(message_id)
    if message is None:
        raise bad_request("message to delete not found")
    own = message["from"]["id"] == bot.id
    if not own and chat.type != "private" and chat.status_of(bot.id) != "administrator":
        raise bad_request("message can't be deleted")
    chat.deleted[message_id] = chat.messages.pop(message_id)


async def delete_message(state: SandboxState, bot: BotAccount, p: Params) -> bool:
    chat = target_chat(state, bot, p)
    check_visible(state, bot, chat)
    if not p.has("message_id"):
        raise bad_request("message identifier is not specified")
    _delete_one(bot, chat, p.get_int("message_id") or 0)
    return True


async def delete_messages(state: SandboxState, bot: BotAccount, p: Params) -> bool:
    chat = target_chat(state, bot, p)
    check_visible(state, bot, chat)
    ids = p.get_json("message_ids", "can't parse message identifiers JSON object")
    if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
        raise bad_request("message identifiers are not specified")
    for message_id in ids:
        if to_integer(message_id) in chat.messages:
            _delete_one(bot, chat, to_integer(message_id))
    return True


def _pinnable(state: SandboxState, bot: BotAccount, p: Params) -> SandboxChat:
    """In a group only an administrator may pin (Telegram also asks for can_pin_messages,
    which the sandbox does not model)."""
    chat = target_chat(state, bot, p)
    check_visible(state, bot, chat)
    if chat.type != "private" and chat.status_of(bot.id) not in ("administrator", "creator"):
        raise bad_request("not enough rights to manage pinned messages in the chat")
    return chat


async def pin_chat_message(state: SandboxState, bot: BotAccount, p: Params) -> bool:
    """Pins the message (no "pinned" service message is modelled)."""
    chat = _pinnable(state, bot, p)
    message_id = p.get_int("message_id") or 0
    if message_id not in chat.messages:
        raise bad_request("message to pin not found")
    if message_id in chat.pinned:
        chat.pinned.remove(message_id)
    chat.pinned.append(message_id)
    return True


async def unpin_chat_message(state: SandboxState, bot: BotAccount, p: Params) -> bool:
    """Unpins the message named, or the latest pinned one."""
    chat = _pinnable(state, bot, p)
    message_id = p.get_int("message_id") if p.has("message_id") else None
    if message_id is None and chat.pinned:
        message_id = chat.pinned[-1]
    if message_id not in chat.pinned:
        raise bad_request("message to unpin not found")
    chat.pinned.remove(message_id)
    return True


async def send_chat_action(state: SandboxState, bot: BotAccount, p: Params) -> bool:
    chat = target_chat(state, bot, p)
    if (p.get_str("action") or "") not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    check_can_write(state, bot, chat)
    return True


async def answer_callback_query(state: SandboxState, bot: BotAccount, p: Params) -> bool:
    query_id = p.get_str("callback_query_id") or ""
    record = bot.callback_queries.get(query_id)
    expired = record is not None and time.monotonic() - record.created > state.callback_query_ttl
    if record is None or record.answered or expired:
        raise bad_request(QUERY_TOO_OLD)
    record.answered = True
    answer = CallbackAnswer(
        query_id=query_id,
        text=p.get_str("text"),
        show_alert=p.get_bool("show_alert"),
        url=p.get_str("url"),
        cache_time=p.get_int("cache_time") or 0,
        ts=time.perf_counter(),
    )
    state.callback_answers.append(answer)
    return True
