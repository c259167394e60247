"""Sandbox state: registries of bots/users/chats/files, update dispatch with privacy mode,
change notification and latency bookkeeping."""

from __future__ import annotations

import asyncio
import copy
import mimetypes
import secrets
import time
from typing import Any

from bot.sandbox.entities import entity_text
from bot.sandbox.errors import SandboxUsageError
from bot.sandbox.models import (
    ACTIVE_STATUSES,
    ApiCall,
    BotAccount,
    CallbackAnswer,
    MessageTiming,
    SandboxChat,
    SandboxUser,
    StoredFile,
    UpdateRecord,
)

JSON = dict[str, Any]
UserRef = SandboxUser | BotAccount | int
ChatRef = SandboxChat | int
MessageRef = JSON | tuple[int, int]

_CONTENT_KEYS = frozenset(
    {"text", "photo", "document", "voice", "audio", "video", "video_note", "sticker", "animation"}
)
_FILE_DIRS = {"photo": "photos", "voice": "voice", "audio": "music", "document": "documents",
              "video_note": "video_notes", "video": "videos"}  # fmt: skip
_ADMIN_RIGHTS = {
    "can_be_edited": False, "is_anonymous": False, "can_manage_chat": True,
    "can_delete_messages": True, "can_manage_video_chats": True, "can_restrict_members": True,
    "can_promote_members": False, "can_change_info": True, "can_invite_users": True,
    "can_post_stories": False, "can_edit_stories": False, "can_delete_stories": False,
    "can_pin_messages": True,
}  # fmt: skip


def now_ns() -> int:
    return time.perf_counter_ns()


def chat_member(user: SandboxUser, status: str) -> JSON:
    """A ChatMember object for ``status``."""
    out: JSON = {"status": status, "user": user.to_dict()}
    if status == "creator":
        out["is_anonymous"] = False
    elif status == "administrator":
        out.update(_ADMIN_RIGHTS)
    elif status == "kicked":
        out["until_date"] = 0
    return out


def member_update(
    chat: SandboxChat, actor: SandboxUser, user: SandboxUser, old: str, new: str
) -> JSON:
    """A ChatMemberUpdated object (my_chat_member / chat_member update payload)."""
    return {
        "chat": chat.to_dict(), "from": actor.to_dict(), "date": int(time.time()),
        "old_chat_member": chat_member(user, old), "new_chat_member": chat_member(user, new),
    }  # fmt: skip


class SandboxState:
    """Registries and plumbing shared by user actions, API methods and observation helpers."""

    def __init__(self, *, callback_query_ttl: float = 15.0) -> None:
        self.bots: dict[str, BotAccount] = {}
        self.users: dict[int, SandboxUser] = {}
        self.chats: dict[int, SandboxChat] = {}
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self.calls: list[ApiCall] = []
        self.callback_answers: list[CallbackAnswer] = []
        self.timings: dict[tuple[int, int], MessageTiming] = {}
        self.photo_sets: dict[str, list[JSON]] = {}
        self.callback_query_ttl = callback_query_ttl
        self.closing = False
        self.deliveries: set[asyncio.Task[None]] = set()  # webhook deliveries, ended on close
        self._unanswered: dict[int, list[MessageTiming]] = {}
        self._changed = asyncio.Event()
        self._next_user_id = 1_000_001
        self._next_chat_no = 1
        self._counter = 0

    # ------------------------------------------------------------------ registry
    def add_bot(
        self,
        token: str,
        username: str,
        first_name: str = "Sandbox Bot",
        can_read_all_group_messages: bool = False,
    ) -> BotAccount:
        """Register a bot; its id is the numeric token prefix when there is one."""
        prefix = token.split(":", 1)[0]
        bot_id = int(prefix) if prefix.isdigit() else self._allocate_user_id()
        if token in self.bots or bot_id in self.users:
            raise SandboxUsageError(f"bot id/token already registered: {token}")
        user = SandboxUser(bot_id, first_name, username=username, is_bot=True)
        account = BotAccount(token, user, can_read_all_group_messages)
        self.bots[token] = account
        self.users[bot_id] = user
        return account

    def add_user(
        self,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "zh-hans",
        user_id: int | None = None,
    ) -> SandboxUser:
        """A user; ``user_id`` when a script must know it beforehand (e.g. to configure
        them as staff)."""
        if user_id is not None and user_id in self.users:
            raise SandboxUsageError(f"user id already registered: {user_id}")
        user = SandboxUser(user_id or self._allocate_user_id(), first_name, last_name, username,
                           language_code)
        self.users[user.id] = user
        return user

    def _allocate_user_id(self) -> int:
        while self._next_user_id in self.users:
            self._next_user_id += 1
        self._next_user_id += 1
        return self._next_user_id - 1

    def next_serial(self) -> int:
        self._counter += 1
        return self._counter

    @property
    def bot(self) -> BotAccount:
        """The first registered bot (the default for helpers taking ``bot=None``)."""
        if not self.bots:
            raise SandboxUsageError("no bot registered: call sandbox.add_bot(...) first")
        return next(iter(self.bots.values()))

    def get_bot(self, bot: BotAccount | str | None = None) -> BotAccount:
        if bot is None:
            return self.bot
        if isinstance(bot, BotAccount):
            return bot
        if bot in self.bots:
            return self.bots[bot]
        raise SandboxUsageError(f"unknown bot token {bot!r}")

    def bot_by_id(self, bot_id: int | None) -> BotAccount | None:
        return next((b for b in self.bots.values() if b.id == bot_id), None)

    def get_user(self, user: UserRef) -> SandboxUser:
        if isinstance(user, BotAccount):
            return user.user
        if isinstance(user, SandboxUser):
            return user
        if user in self.users:
            return self.users[user]
        raise SandboxUsageError(f"unknown user id {user}")

    def get_chat(self, chat: ChatRef) -> SandboxChat:
        chat_id = chat.id if isinstance(chat, SandboxChat) else chat
        if chat_id in self.chats:
            return self.chats[chat_id]
        if chat_id in self.users and not self.users[chat_id].is_bot:
            return self.private_chat(chat_id)
        raise SandboxUsageError(f"unknown chat id {chat_id}")

    def private_chat(self, user: UserRef, bot: BotAccount | str | None = None) -> SandboxChat:
        """The private chat between ``user`` and a bot (chat id == user id)."""
        account = self.get_bot(bot)
        person = self.get_user(user)
        chat = self.chats.get(person.id)
        if chat is None:
            chat = SandboxChat(person.id, "private", user=person, bot_id=account.id)
            self.chats[chat.id] = chat
        elif chat.bot_id != account.id:
            raise SandboxUsageError("a user's private chat is bound to one bot in the sandbox")
        return chat

    def find_chat(self, chat_id: int | str) -> SandboxChat | None:
        if isinstance(chat_id, str):
            name = chat_id.removeprefix("@").lower()
            return next(
                (c for c in self.chats.values() if (c.username or "").lower() == name), None
            )
        return self.chats.get(chat_id)

    def get_message(self, message: MessageRef) -> tuple[SandboxChat, JSON]:
        chat_id, message_id = (
            message
            if isinstance(message, tuple)
            else (message["chat"]["id"], message["message_id"])
        )
        chat = self.get_chat(chat_id)
        if message_id not in chat.messages:
            raise SandboxUsageError(f"no message {message_id} in chat {chat_id}")
        return chat, chat.messages[message_id]

    # ------------------------------------------------------------------ notification
    def notify(self) -> None:
        """Wake every ``wait_for`` waiter (called after each API call and user action)."""
        self._changed.set()
        self._changed = asyncio.Event()

    # ------------------------------------------------------------------ messages
    def new_message(
        self, chat: SandboxChat, sender: SandboxUser, content: JSON, reply_to: JSON | None = None
    ) -> JSON:
        message: JSON = {
            "message_id": chat.allocate_message_id(), "from": sender.to_dict(),
            "chat": chat.to_dict(), "date": int(time.time()),
        }  # fmt: skip
        if reply_to is not None:
            message["reply_to_message"] = {
                k: copy.deepcopy(v) for k, v in reply_to.items() if k != "reply_to_message"
            }
        message.update(content)
        chat.messages[message["message_id"]] = message
        return message

    def track_user_message(self, chat: SandboxChat, message: JSON, created_ns: int) -> None:
        timing = MessageTiming(chat.id, message["message_id"], message["from"]["id"], created_ns)
        self.timings[(chat.id, timing.message_id)] = timing
        self._unanswered.setdefault(chat.id, []).append(timing)

    def record_bot_message(self, bot: BotAccount, chat: SandboxChat, message: JSON) -> None:
        """Latency bookkeeping for a message the bot just sent."""
        stamp = now_ns()
        if chat.type != "private":
            chat.last_bot_sender = bot.id
        reply = message.get("reply_to_message")
        if reply is not None:
            timing = self.timings.get((chat.id, reply["message_id"]))
            if timing is not None and timing.replied_ns is None:
                timing.replied_ns = stamp
        for timing in self._unanswered.pop(chat.id, []):
            timing.answered_ns = stamp

    def reset_stats(self) -> None:
        self.timings.clear()
        self._unanswered.clear()
        self.calls.clear()

    # ------------------------------------------------------------------ updates
    def bot_sees(self, bot: BotAccount, chat: SandboxChat, message: JSON) -> bool:
        """Whether a group message reaches ``bot`` (privacy mode rules)."""
        if chat.type == "private":
            return chat.bot_id == bot.id
        status = chat.status_of(bot.id)
        if status not in ACTIVE_STATUSES:
            return False
        if bot.can_read_all_group_messages or status == "administrator":
            return True
        if not _CONTENT_KEYS.intersection(message):
            return True  # service message
        if (message.get("reply_to_message") or {}).get("from", {}).get("id") == bot.id:
            return True
        text = message.get("text") or message.get("caption") or ""
        entities = message.get("entities") or message.get("caption_entities") or []
        for ent in entities:
            piece = entity_text(text, ent)
            if ent["type"] == "bot_command" and ent["offset"] == 0:
                if "@" in piece:
                    return piece.split("@", 1)[1].lower() == bot.username.lower()
                return chat.last_bot_sender in (None, bot.id)
            if ent["type"] == "mention" and piece[1:].lower() == bot.username.lower():
                return True
        return False

    def emit(
        self, bot: BotAccount, kind: str, payload: JSON, created_ns: int | None = None
    ) -> UpdateRecord | None:
        record = bot.enqueue(kind, copy.deepcopy(payload), created_ns or now_ns())
        self.notify()
        return record

    def dispatch_message(self, chat: SandboxChat, message: JSON, kind: str, created_ns: int) -> int:
        """Enqueue ``message`` as a ``kind`` update for every bot that sees it; returns count."""
        delivered = 0
        for bot in self.bots.values():
            if message["from"]["id"] != bot.id and self.bot_sees(bot, chat, message):
                delivered += self.emit(bot, kind, message, created_ns) is not None
        return delivered

    def mark_delivered(self, records: list[UpdateRecord]) -> None:
        stamp = now_ns()
        for record in records:
            if record.delivered_ns is not None:
                continue
            record.delivered_ns = stamp
            if record.kind == "message":
                key = (record.payload["chat"]["id"], record.payload["message_id"])
                timing = self.timings.get(key)
                if timing is not None and timing.delivered_ns is None:
                    timing.delivered_ns = stamp

    # ------------------------------------------------------------------ files
    def store_file(
        self,
        data: bytes,
        kind: str,
        mime_type: str | None = None,
        file_name: str | None = None,
        size: tuple[int, int] | None = None,
    ) -> StoredFile:
        serial = self.next_serial()
        ext = _extension(kind, mime_type, file_name)
        path = f"{_FILE_DIRS.get(kind, 'documents')}/file_{serial}{ext}"
        stored = StoredFile(
            file_id=f"{kind[:2].upper()}{serial:06d}_{secrets.token_urlsafe(18)}",
            file_unique_id=f"AQAD{serial:06d}{secrets.token_hex(3)}",
            data=data, file_path=path, kind=kind, mime_type=mime_type, file_name=file_name,
            width=size[0] if size else None, height=size[1] if size else None,
        )  # fmt: skip
        self.files[stored.file_id] = stored
        self.files_by_path[path] = stored
        return stored


def _extension(kind: str, mime_type: str | None, file_name: str | None) -> str:
    if kind == "photo":
        return ".jpg"
    if kind == "voice":
        return ".oga"
    if file_name and "." in file_name:
        return "." + file_name.rsplit(".", 1)[1]
    return (mimetypes.guess_extension(mime_type) if mime_type else None) or ""
