"""Acknowledgements of sign-ins and raised hands, coalesced per chat.

When a whole hall signs in at once, one reply per /signin would flood the group, and real
Telegram lets a bot send only about 20 messages a minute to one group. So handlers give their
acknowledgement to the AckBuffer instead of sending it. Per chat, the buffer holds a *run*:
the acknowledgements of consecutive updates that are the same command or button (/signin and
the sign-in button are both "signin"). A run is sent

* after the poller handled its batch of stored updates (``flush_all``);
* before the poller hands over a command or button press in that chat that is something else
  (``admit``), so a crash loses at most the run being gathered, like today a crash loses the
  reply on the wire;
* before anything else is sent to that chat: the bot's requests pass through ``FlushFirst``,
  so the bot's messages keep the order of the users' actions.

A run of one is sent as it always was, a reply quoting the user's message. Several
acknowledgements of one kind become one message listing them, replying to the first of them
(split at Telegram's 4096 characters, each part replying to its own first). Only updates whose
change is committed are acknowledged, so buffering never acknowledges what is not stored.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass, field
from typing import Any

from telegram import Bot, InlineKeyboardMarkup, ReplyParameters, Update
from telegram.constants import MessageLimit
from telegram.error import TelegramError
from telegram.ext import BaseRateLimiter

from bot.catalog import t

log = logging.getLogger(__name__)
_SENDING = contextvars.ContextVar("sending_acks", default=False)
_MARGIN = 40  # room for the counts in a combined message's footer


@dataclass(frozen=True)
class Ack:
    """One acknowledgement: ``text`` when it is sent alone, ``item`` in a list of its ``kind``
    (the catalogue key of the combined message, filled with ``fields`` of its last item)."""

    kind: str
    language: str
    text: str
    item: str
    reply_to: int | None = None
    markup: InlineKeyboardMarkup | None = None
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Run:
    key: str | None
    acks: list[Ack] = field(default_factory=list)


def run_key(update: Update) -> str | None:
    """What makes consecutive updates one run: the command, or the button's action."""
    if update.callback_query is not None:
        return (update.callback_query.data or "").split(":", 1)[0] or None
    message = update.message
    if message is None or not message.text or not message.text.startswith("/"):
        return None
    return message.text.split(maxsplit=1)[0][1:].split("@", 1)[0].lower()


def ack_of(update: Update, kind: str, language: str, text: str, item: str,
           markup: InlineKeyboardMarkup | None = None, *, quote: bool = True,
           **fields: Any) -> Ack:
    """The acknowledgement of ``update``: a reply to its message, if it has one and
    ``quote``."""
    message = update.message if update.callback_query is None and quote else None
    return Ack(kind, language, text, item, message.message_id if message else None, markup,
               fields)


def combined(acks: list[Ack]) -> str:
    first, last = acks[0], acks[-1]
    items = t(first.language, "ack_separator").join(a.item for a in acks)
    return t(first.language, first.kind, items=items, count=len(acks), **last.fields)


def messages(acks: list[Ack]) -> list[tuple[str, Ack]]:
    """The messages for acknowledgements of one kind and language: (text, first of them)."""
    parts: list[list[Ack]] = [[]]
    overhead = len(combined(acks[:1])) - len(acks[0].item) + _MARGIN
    size = overhead
    separator = len(t(acks[0].language, "ack_separator"))
    for ack in acks:
        if parts[-1] and size + separator + len(ack.item) > MessageLimit.MAX_TEXT_LENGTH:
            parts.append([])
            size = overhead
        size += separator + len(ack.item)
        parts[-1].append(ack)
    return [(part[0].text if len(part) == 1 else combined(part), part[0]) for part in parts]


def _grouped(acks: Iterable[Ack]) -> list[list[Ack]]:
    """By kind and language, in order of first appearance."""
    groups: dict[tuple[str, str], list[Ack]] = {}
    for ack in acks:
        groups.setdefault((ack.kind, ack.language), []).append(ack)
    return list(groups.values())


class AckBuffer:
    """Pending acknowledgements, one run per chat (see the module's docstring)."""

    def __init__(self) -> None:
        self._bot: Bot | None = None
        self._runs: dict[int, _Run] = {}
        self._locks: dict[int, asyncio.Lock] = {}

    def bind(self, bot: Bot) -> None:
        self._bot = bot

    def pending(self, chat_id: int) -> list[Ack]:
        run = self._runs.get(chat_id)
        return list(run.acks) if run else []

    async def add(self, chat_id: int, update: Update, *acks: Ack) -> None:
        key = run_key(update)
        run = self._runs.get(chat_id)
        if run is not None and run.key != key:
            await self.flush(chat_id)
        self._runs.setdefault(chat_id, _Run(key)).acks.extend(acks)

    async def admit(self, update: Update) -> None:
        """Before the poller hands ``update`` to the handlers: send its chat's run unless the
        update may continue it (the same command) or is not a command at all."""
        chat = update.effective_chat
        run = self._runs.get(chat.id) if chat is not None else None
        if chat is not None and run is not None:
            key = run_key(update)
            if key is not None and key != run.key:
                await self.flush(chat.id)

    async def flush(self, chat_id: int) -> None:
        lock = self._locks.setdefault(chat_id, asyncio.Lock())
        async with lock:
            run = self._runs.pop(chat_id, None)
            if run is None:
                return
            token = _SENDING.set(True)
            try:
                for group in _grouped(run.acks):
                    for text, first in messages(group):
                        await self._send(chat_id, text, first)
            finally:
                _SENDING.reset(token)

    async def flush_all(self) -> None:
        for chat_id in list(self._runs):
            await self.flush(chat_id)

    async def _send(self, chat_id: int, text: str, first: Ack) -> None:
        assert self._bot is not None, "AckBuffer.bind(bot) first"
        quote = None if first.reply_to is None else ReplyParameters(
            first.reply_to, allow_sending_without_reply=True)
        try:
            await self._bot.send_message(chat_id, text[:MessageLimit.MAX_TEXT_LENGTH],
                                         reply_parameters=quote, reply_markup=first.markup)
        except TelegramError:
            log.warning("acknowledgement to chat %s not delivered", chat_id, exc_info=True)


Callback = Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]]


class FlushFirst(BaseRateLimiter[dict[str, Any]]):
    """The bot's request hook (PTB's rate limiter interface sees every request before it
    goes out): a message to a chat first sends that chat's pending acknowledgements. Wraps
    the real rate limiter, when there is one."""

    def __init__(self, acks: AckBuffer, inner: BaseRateLimiter[Any] | None = None) -> None:
        self._acks, self._inner = acks, inner

    async def initialize(self) -> None:
        if self._inner is not None:
            await self._inner.initialize()

    async def shutdown(self) -> None:
        if self._inner is not None:
            await self._inner.shutdown()

    async def process_request(
        self, callback: Callback, args: Any, kwargs: dict[str, Any], endpoint: str,
        data: dict[str, Any], rate_limit_args: dict[str, Any] | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        chat_id = data.get("chat_id")
        if (isinstance(chat_id, int) and not _SENDING.get()
                and endpoint.startswith(("send", "copyMessage", "forwardMessage"))):
            await self._acks.flush(chat_id)
        if self._inner is None:
            return await callback(*args, **kwargs)
        return await self._inner.process_request(callback, args, kwargs, endpoint, data,
                                                 rate_limit_args)
