"""Bot API methods about chats, members, commands, menu button and the bot's profile texts."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

from bot.sandbox.errors import bad_request
from bot.sandbox.models import BotAccount
from bot.sandbox.params import Params, to_integer
from bot.sandbox.sending import check_visible, resolve_chat, target_chat
from bot.sandbox.state import SandboxState, chat_member, member_update

JSON = dict[str, Any]
Handler = Callable[[SandboxState, BotAccount, Params], Awaitable[Any]]

_GIFTS = {"unlimited_gifts": False, "limited_gifts": False, "unique_gifts": False,
          "premium_subscription": False, "gifts_from_channels": False}  # fmt: skip
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_SCOPES = frozenset(
    {"default", "all_private_chats", "all_group_chats", "all_chat_administrators", "chat",
     "chat_administrators", "chat_member"}
)  # fmt: skip


async def get_chat(state: SandboxState, bot: BotAccount, p: Params) -> JSON:
    chat = target_chat(state, bot, p)
    check_visible(state, bot, chat)
    info = chat.to_dict()
    info.update({"accent_color_id": 0, "max_reaction_count": 11, "accepted_gift_types": _GIFTS})
    return info


async def get_chat_member(state: SandboxState, bot: BotAccount, p: Params) -> JSON:
    chat = target_chat(state, bot, p)
    check_visible(state, bot, chat)
    user = state.users.get(p.get_int("user_id") or 0)
    if user is None:
        raise bad_request("user not found")
    return chat_member(user, chat.status_of(user.id))


async def get_chat_administrators(state: SandboxState, bot: BotAccount, p: Params) -> list[JSON]:
    chat = target_chat(state, bot, p)
    check_visible(state, bot, chat)
    if chat.type == "private":
        raise bad_request("there are no administrators in the private chat")
    return [
        chat_member(state.users[uid], status)
        for uid, status in chat.members.items()
        if status in ("creator", "administrator")
    ]


async def get_chat_member_count(state: SandboxState, bot: BotAccount, p: Params) -> int:
    chat = target_chat(state, bot, p)
    check_visible(state, bot, chat)
    if chat.type == "private":
        return 2
    return sum(1 for uid in chat.members if chat.is_active_member(uid))


async def leave_chat(state: SandboxState, bot: BotAccount, p: Params) -> bool:
    chat = target_chat(state, bot, p)
    check_visible(state, bot, chat)
    if chat.type == "private":
        raise bad_request("chat member status can't be changed in private chats")
    old = chat.status_of(bot.id)
    chat.members[bot.id] = "left"
    state.emit(bot, "my_chat_member", member_update(chat, bot.user, bot.user, old, "left"))
    return True


# ---------------------------------------------------------------- commands
def _command_key(state: SandboxState, bot: BotAccount, p: Params) -> tuple[str, str]:
    scope = p.get_json("scope", "can't parse BotCommandScope JSON object") or {"type": "default"}
    if not isinstance(scope, dict) or scope.get("type") not in _SCOPES:
        raise bad_request("wrong bot command scope type specified")
    key: JSON = {"type": scope["type"]}
    if scope["type"] in ("chat", "chat_administrators", "chat_member"):
        key["chat_id"] = resolve_chat(state, bot, scope.get("chat_id", 0)).id
    if scope["type"] == "chat_member":
        key["user_id"] = to_integer(scope.get("user_id", 0))
    return json.dumps(key, sort_keys=True), p.get_str("language_code") or ""


def _command(raw: Any) -> JSON:
    if not isinstance(raw, dict) or not _COMMAND.fullmatch(str(raw.get("command", ""))):
        raise bad_request("BOT_COMMAND_INVALID")
    description = raw.get("description")
    if not isinstance(description, str) or not 1 <= len(description) <= 256:
        raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    return {"command": raw["command"], "description": description}


async def set_my_commands(state: SandboxState, bot: BotAccount, p: Params) -> bool:
    raw = p.get_json("commands", "can't parse commands JSON object")
    if not isinstance(raw, list) or len(raw) > 100:
        raise bad_request("can't parse commands JSON object")
    commands = [_command(item) for item in raw]
    key = _command_key(state, bot, p)
    if commands:
        bot.commands[key] = commands
    else:
        bot.commands.pop(key, None)
    return True


async def get_my_commands(state: SandboxState, bot: BotAccount, p: Params) -> list[JSON]:
    return list(bot.commands.get(_command_key(state, bot, p), []))


async def delete_my_commands(state: SandboxState, bot: BotAccount, p: Params) -> bool:
    bot.commands.pop(_command_key(state, bot, p), None)
    return True


# ---------------------------------------------------------------- menu button
def _menu_chat(state: SandboxState, bot: BotAccount, p: Params) -> int | None:
    return resolve_chat(state, bot, p.values["chat_id"]).id if p.has("chat_id") else None


async def set_chat_menu_button(state: SandboxState, bot: BotAccount, p: Params) -> bool:
    button = p.get_json("menu_button", "can't parse menu button JSON object") or {"type": "default"}
    if not isinstance(button, dict) or button.get("type") not in ("commands", "web_app", "default"):
        raise bad_request("can't parse menu button JSON object")
    if button["type"] == "web_app" and not (button.get("text") and button.get("web_app")):
        raise bad_request("can't parse menu button JSON object")
    bot.menu_buttons[_menu_chat(state, bot, p)] = button
    return True


async def get_chat_menu_button(state: SandboxState, bot: BotAccount, p: Params) -> JSON:
    chat_id = _menu_chat(state, bot, p)
    button = bot.menu_buttons.get(chat_id)
    if button is None or button["type"] == "default":
        button = bot.menu_buttons.get(None)
    if button is None or button["type"] == "default":
        return {"type": "commands"}
    return button


# ---------------------------------------------------------------- profile texts
def profile_text_methods(field: str, limit: int) -> tuple[Handler, Handler]:
    """setMy<Field>/getMy<Field> pairs (name, description, short_description)."""

    async def setter(state: SandboxState, bot: BotAccount, p: Params) -> bool:
        value = p.get_str(field) or ""
        if len(value) > limit:
            raise bad_request(f"{field} is too long")
        bot.profile_texts[(field, p.get_str("language_code") or "")] = value
        return True

    async def getter(state: SandboxState, bot: BotAccount, p: Params) -> JSON:
        value = bot.profile_texts.get((field, p.get_str("language_code") or ""))
        if value is None and field == "name":
            value = bot.first_name
        return {field: value or ""}

    return setter, getter
