"""Sandbox state objects: users, bots, chats, files, updates, recorded calls and timings."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]

#: Update types delivered when allowed_updates was never set or set to [] (as Telegram).
DEFAULT_ALLOWED_UPDATES = frozenset(
    {"message", "edited_message", "channel_post", "edited_channel_post", "inline_query",
     "chosen_inline_result", "callback_query", "shipping_query", "pre_checkout_query", "poll",
     "poll_answer", "my_chat_member", "chat_join_request", "chat_boost", "removed_chat_boost",
     "business_connection", "business_message", "edited_business_message",
     "deleted_business_messages", "purchased_paid_media"}
)  # fmt: skip
ACTIVE_STATUSES = frozenset({"creator", "administrator", "member", "restricted"})


@dataclass
class SandboxUser:
    """A Telegram user (human or the user object of a bot)."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False

    def to_dict(self) -> JSON:
        out: JSON = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.last_name:
            out["last_name"] = self.last_name
        if self.username:
            out["username"] = self.username
        if self.language_code and not self.is_bot:
            out["language_code"] = self.language_code
        return out


@dataclass
class UpdateRecord:
    update_id: int
    kind: str
    payload: JSON
    created_ns: int
    delivered_ns: int | None = None

    def to_dict(self) -> JSON:
        return {"update_id": self.update_id, self.kind: self.payload}


@dataclass
class CallbackRecord:
    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    created: float  # time.monotonic()
    answered: bool = False


@dataclass
class CallbackAnswer:
    """One answerCallbackQuery call as the user would see it."""

    query_id: str
    text: str | None
    show_alert: bool
    url: str | None
    cache_time: int
    ts: float  # time.perf_counter()


@dataclass
class BotAccount:
    """A bot known to the sandbox; ``id``/``username``/``first_name`` mirror its user object."""

    token: str
    user: SandboxUser
    can_read_all_group_messages: bool = False
    can_join_groups: bool = True
    supports_inline_queries: bool = False
    updates: list[UpdateRecord] = field(default_factory=list)
    next_update_id: int = 100_000_001
    allowed_updates: frozenset[str] = DEFAULT_ALLOWED_UPDATES
    webhook_url: str = ""
    webhook_secret: str = ""  # sent as X-Telegram-Bot-Api-Secret-Token (bot/sandbox/webhook.py)
    webhook_error: tuple[int, str] | None = None  # getWebhookInfo's last_error_date, _message
    delivery: asyncio.Task[None] | None = field(default=None, repr=False)  # POSTs the updates
    started: set[int] = field(default_factory=set)
    blocked_by: set[int] = field(default_factory=set)
    commands: dict[tuple[str, str], list[JSON]] = field(default_factory=dict)
    menu_buttons: dict[int | None, JSON] = field(default_factory=dict)
    profile_texts: dict[tuple[str, str], str] = field(default_factory=dict)
    callback_queries: dict[str, CallbackRecord] = field(default_factory=dict)
    poll_generation: int = 0
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def username(self) -> str:
        return self.user.username or ""

    @property
    def first_name(self) -> str:
        return self.user.first_name

    def to_dict(self) -> JSON:
        return self.user.to_dict()

    def notify(self) -> None:
        """Wake every long-poll waiting on this bot's queue."""
        self.changed.set()
        self.changed = asyncio.Event()

    def enqueue(self, kind: str, payload: JSON, created_ns: int) -> UpdateRecord | None:
        if kind not in self.allowed_updates:
            return None
        record = UpdateRecord(self.next_update_id, kind, payload, created_ns)
        self.next_update_id += 1
        self.updates.append(record)
        self.notify()
        return record

    def confirm(self, offset: int) -> None:
        """Forget updates as getUpdates(offset=...) does (negative: keep the last -offset)."""
        if offset > 0:
            self.updates = [u for u in self.updates if u.update_id >= offset]
        elif offset < 0:
            self.updates = self.updates[offset:]


@dataclass
class SandboxChat:
    """A private chat (id == user id), group or supergroup."""

    id: int
    type: str
    title: str | None = None
    username: str | None = None
    user: SandboxUser | None = None
    bot_id: int | None = None
    members: dict[int, str] = field(default_factory=dict)
    messages: dict[int, JSON] = field(default_factory=dict)
    deleted: dict[int, JSON] = field(default_factory=dict)
    next_message_id: int = 1
    last_bot_sender: int | None = None
    reply_keyboard: JSON | None = None
    pinned: list[int] = field(default_factory=list)  # pinned message ids, the latest last

    def to_dict(self) -> JSON:
        if self.user is not None:
            out = self.user.to_dict()
            out.pop("is_bot", None)
            out.pop("language_code", None)
            out["type"] = "private"
            return out
        chat: JSON = {"id": self.id, "title": self.title, "type": self.type}
        if self.username:
            chat["username"] = self.username
        return chat

    def allocate_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id

    def status_of(self, user_id: int) -> str:
        if self.type == "private":
            return "member" if user_id in (self.id, self.bot_id) else "left"
        return self.members.get(user_id, "left")

    def is_active_member(self, user_id: int) -> bool:
        return self.status_of(user_id) in ACTIVE_STATUSES


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    data: bytes
    file_path: str
    kind: str
    mime_type: str | None = None
    file_name: str | None = None
    width: int | None = None
    height: int | None = None

    @property
    def file_size(self) -> int:
        return len(self.data)


@dataclass
class ApiCall:
    """One Bot API request the bot made (kept in ``Sandbox.calls``)."""

    ts: float  # time.perf_counter() when the request arrived
    token: str
    method: str  # canonical Telegram spelling for known methods
    params: JSON
    result: Any = None
    error_code: int | None = None
    description: str | None = None
    end_ts: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error_code is None

    def param(self, name: str) -> Any:
        """A parameter with JSON-encoded form values decoded (``"123"`` -> 123)."""
        value = self.params.get(name)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value

    def brief(self) -> str:
        outcome = "ok" if self.ok else f"{self.error_code} {self.description}"
        shown = {k: v for k, v in self.params.items() if k not in ("reply_markup",)}
        shown_json = json.dumps(shown, ensure_ascii=False, default=str)[:200]
        return f"{self.method}({shown_json}) -> {outcome}"


@dataclass
class MessageTiming:
    """Latency bookkeeping for one user message (perf_counter_ns clock)."""

    chat_id: int
    message_id: int
    user_id: int
    created_ns: int
    delivered_ns: int | None = None
    replied_ns: int | None = None
    answered_ns: int | None = None

    def to_dict(self) -> JSON:
        return {
            "chat_id": self.chat_id, "message_id": self.message_id, "user_id": self.user_id,
            "created_ns": self.created_ns, "delivered_ns": self.delivered_ns,
            "replied_ns": self.replied_ns, "answered_ns": self.answered_ns,
        }  # fmt: skip
