"""Telegram's flood limits, and who goes first under them.

A bot may make about 20 requests a minute that change a group's messages: sending and editing
share that budget (TDLib's maintainer: "Limits for message editing and sending are shared …
about 20 times per minute in a specific chat", tdlib/td#2592, #3034), and about 30 requests a
second in all. Lookups (getChatMember, getFile) and answers to button presses
(answerCallbackQuery) do not touch a group's messages and only count towards the total.

Each group's budget is a leaky bucket like python-telegram-bot's AIORateLimiter (20 at once,
then one every 3 s), but shared by priority (``Priority``): an answer to a command or a button
press, and the turn timer's notices (the moderator's own tool), may use the whole bucket; the
floor's messages (captions, a relayed contribution) leave ``RESERVE[FLOOR]`` requests in it
for answers; notices and acknowledgements (sign-ins, raised hands, "transcribing…") leave
``RESERVE[NOTICE]``; the live board (bot/board.py) comes last (``RESERVE[BOARD]``): it loses
nothing by waiting (it is read again when it goes, so one edit shows every change meanwhile),
while every message has a reader waiting for it. So
when a burst of voice notes and sign-ins has used the budget, the moderator's next command
is still answered first, and the rest follow as the bucket drains.

The outbox's sender asks ``delay(chat, priority)`` before it takes a row and sends the first
row in order that may go now (bot/outbox.py), so a notice held back never holds an answer up;
requests made directly (the scribe's caption edits) wait here for their turn.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import time
import warnings
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

log = logging.getLogger(__name__)
JSON = dict[str, Any]


class Priority(IntEnum):
    """Stored in the outbox's rows: renumbering them needs a migration of those rows."""

    ANSWER = 0  # the answer to a command or a button press; the turn timer's notices
    FLOOR = 1  # captions, relayed contributions; answers to participants (outbox.not_first)
    NOTICE = 2  # acknowledgements, "transcribing…", notices
    BOARD = 3  # the live board's first message, edits and pin (bot/board.py)


#: requests each priority leaves in a group's bucket for those before it
RESERVE = {Priority.ANSWER: 0, Priority.FLOOR: 3, Priority.NOTICE: 6, Priority.BOARD: 7}
GROUP_RATE = (20, 60.0)  # requests, seconds: one group's messages, sent or edited
OVERALL_PER_S = 30
#: the requests that change a chat's messages (and so share its budget)
METERED = ("send", "edit", "copyMessage", "forwardMessage", "deleteMessage", "stopPoll",
           "pinChatMessage", "unpinChatMessage", "setMessageReaction")

UNMETERED = frozenset({"sendChatAction"})  # "typing…": shown, not a message

_PRIORITY: contextvars.ContextVar[Priority] = contextvars.ContextVar(
    "request_priority", default=Priority.NOTICE)


@contextlib.contextmanager
def priority(value: Priority) -> Iterator[None]:
    """Requests made inside go with ``value``."""
    token = _PRIORITY.set(value)
    try:
        yield
    finally:
        _PRIORITY.reset(token)


def current_priority() -> Priority:
    return _PRIORITY.get()


@dataclass
class Bucket:
    """A leaky bucket: ``capacity`` requests at once, drained at ``rate`` a second."""

    capacity: float
    rate: float
    level: float = 0.0
    stamp: float = 0.0

    def _drain(self, now: float) -> None:
        self.level = max(0.0, self.level - (now - self.stamp) * self.rate)
        self.stamp = now

    def delay(self, reserve: float, now: float) -> float:
        """Seconds until one request may go and still leave ``reserve`` in the bucket."""
        self._drain(now)
        room = self.capacity - reserve - self.level
        return 0.0 if room >= 1 else (1 - room) / self.rate

    def take(self, now: float) -> None:
        self._drain(now)
        self.level += 1


def is_group(chat_id: object) -> bool:
    with contextlib.suppress(TypeError, ValueError):
        return int(chat_id) < 0  # type: ignore[call-overload,no-any-return]
    return isinstance(chat_id, str)  # @channelusername


class TelegramLimits(BaseRateLimiter[int]):
    """The bot's rate limiter (python-telegram-bot's interface): each group's budget by
    priority, the total, and Telegram's own "retry after" obeyed ``max_retries`` times."""

    def __init__(self, *, group_rate: tuple[int, float] = GROUP_RATE,
                 overall_per_s: int = OVERALL_PER_S, max_retries: int = 3,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._group_rate, self._max_retries, self._clock = group_rate, max_retries, clock
        self._groups: dict[object, Bucket] = {}
        self._overall = Bucket(overall_per_s, overall_per_s)
        self._resume = asyncio.Event()  # cleared while Telegram asks everyone to wait
        self._resume.set()

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    def _bucket(self, chat_id: object) -> Bucket:
        bucket = self._groups.get(chat_id)
        if bucket is None:
            count, seconds = self._group_rate
            bucket = self._groups[chat_id] = Bucket(count, count / seconds,
                                                    stamp=self._clock())
        return bucket

    def delay(self, chat_id: object, level: Priority, *, reserve: float | None = None) -> float:
        """Seconds before a request of ``level`` may change ``chat_id``'s messages (leaving
        ``reserve`` in the group's budget instead of the level's, if given)."""
        if not is_group(chat_id):
            return 0.0
        return self._bucket(_key(chat_id)).delay(
            RESERVE[level] if reserve is None else reserve, self._clock())

    async def _turn(self, chat_id: object, endpoint: str) -> None:
        """Wait for this request's turn: its group's budget at its priority, then the total."""
        # waiting for a budget to refill is waiting for time itself: asyncio.sleep is right
        if is_group(chat_id) and endpoint.startswith(METERED) and endpoint not in UNMETERED:
            bucket, reserve = self._bucket(_key(chat_id)), RESERVE[_PRIORITY.get()]
            while (wait := bucket.delay(reserve, self._clock())) > 0:  # noqa: ASYNC110
                await asyncio.sleep(wait)
            bucket.take(self._clock())
        while (wait := self._overall.delay(0, self._clock())) > 0:  # noqa: ASYNC110
            await asyncio.sleep(wait)
        self._overall.take(self._clock())

    async def process_request(
        self, callback: Callable[..., Coroutine[Any, Any, bool | JSON | list[JSON]]],
        args: Any, kwargs: JSON, endpoint: str, data: JSON, rate_limit_args: int | None,
    ) -> bool | JSON | list[JSON]:
        retries = rate_limit_args if isinstance(rate_limit_args, int) else self._max_retries
        for attempt in range(retries + 1):
            await self._resume.wait()
            await self._turn(data.get("chat_id"), endpoint)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                if attempt == retries:
                    raise
                seconds = retry_seconds(error) + 0.1
                log.info("Telegram asked to wait %.1f s (%s)", seconds, endpoint)
                self._resume.clear()
                try:
                    await asyncio.sleep(seconds)
                finally:
                    self._resume.set()
        raise AssertionError("unreachable")


def retry_seconds(error: RetryAfter) -> float:
    """How long Telegram asked to wait, in seconds (PTB 22.2 warns that ``retry_after`` will
    become a timedelta; either is read)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        wait = error.retry_after
    return float(wait if isinstance(wait, int | float) else wait.total_seconds())


def _key(chat_id: object) -> object:
    with contextlib.suppress(TypeError, ValueError):
        return int(chat_id)  # type: ignore[call-overload]
    return chat_id
