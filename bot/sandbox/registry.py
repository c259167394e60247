"""The table of Bot API methods the sandbox answers (method names are case-insensitive)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bot.sandbox import api_chats, api_media, api_messages, api_updates
from bot.sandbox.models import BotAccount
from bot.sandbox.params import Params
from bot.sandbox.state import SandboxState

Handler = Callable[[SandboxState, BotAccount, Params], Awaitable[Any]]

_set_name, _get_name = api_chats.profile_text_methods("name", 64)
_set_description, _get_description = api_chats.profile_text_methods("description", 512)
_set_short, _get_short = api_chats.profile_text_methods("short_description", 120)

_HANDLERS: dict[str, Handler] = {
    "getMe": api_updates.get_me,
    "logOut": api_updates.log_out,
    "close": api_updates.log_out,
    "getUpdates": api_updates.get_updates,
    "setWebhook": api_updates.set_webhook,
    "deleteWebhook": api_updates.delete_webhook,
    "getWebhookInfo": api_updates.get_webhook_info,
    "sendMessage": api_messages.send_message,
    "editMessageText": api_messages.edit_message_text,
    "editMessageCaption": api_messages.edit_message_caption,
    "editMessageReplyMarkup": api_messages.edit_message_reply_markup,
    "deleteMessage": api_messages.delete_message,
    "deleteMessages": api_messages.delete_messages,
    "pinChatMessage": api_messages.pin_chat_message,
    "unpinChatMessage": api_messages.unpin_chat_message,
    "sendChatAction": api_messages.send_chat_action,
    "answerCallbackQuery": api_messages.answer_callback_query,
    "sendPhoto": api_media.send_photo,
    "sendDocument": api_media.send_document,
    "sendAudio": api_media.send_audio,
    "sendVoice": api_media.send_voice,
    "getFile": api_media.get_file,
    "getChat": api_chats.get_chat,
    "getChatMember": api_chats.get_chat_member,
    "getChatAdministrators": api_chats.get_chat_administrators,
    "getChatMemberCount": api_chats.get_chat_member_count,
    "getChatMembersCount": api_chats.get_chat_member_count,
    "leaveChat": api_chats.leave_chat,
    "setMyCommands": api_chats.set_my_commands,
    "getMyCommands": api_chats.get_my_commands,
    "deleteMyCommands": api_chats.delete_my_commands,
    "setChatMenuButton": api_chats.set_chat_menu_button,
    "getChatMenuButton": api_chats.get_chat_menu_button,
    "setMyName": _set_name,
    "getMyName": _get_name,
    "setMyDescription": _set_description,
    "getMyDescription": _get_description,
    "setMyShortDescription": _set_short,
    "getMyShortDescription": _get_short,
}

#: Real Bot API methods the sandbox does not model: answered with 501 so that a test failure
#: says "not modelled" instead of looking like a bad token (PTB maps 404 to InvalidToken).
UNMODELLED = frozenset(
    name.lower()
    for name in (
        "forwardMessage", "forwardMessages", "copyMessage", "copyMessages", "sendVideo",
        "sendAnimation", "sendVideoNote", "sendPaidMedia", "sendMediaGroup", "sendLocation",
        "sendVenue", "sendContact", "sendPoll", "sendDice", "sendSticker", "stopPoll",
        "editMessageMedia", "editMessageLiveLocation", "setMessageReaction",
        "getUserProfilePhotos", "banChatMember", "unbanChatMember", "restrictChatMember",
        "promoteChatMember", "setChatPermissions", "exportChatInviteLink",
        "createChatInviteLink", "unpinAllChatMessages",
        "setChatTitle", "setChatDescription", "setChatPhoto", "deleteChatPhoto",
        "answerInlineQuery", "setMyDefaultAdministratorRights", "getMyDefaultAdministratorRights",
        "createForumTopic", "getUserChatBoosts", "sendInvoice",
    )
)  # fmt: skip

METHODS: dict[str, tuple[str, Handler]] = {
    name.lower(): (name, handler) for name, handler in _HANDLERS.items()
}


def lookup(method: str) -> tuple[str, Handler] | None:
    """(canonical name, handler) for a method name in any letter case."""
    return METHODS.get(method.lower())
