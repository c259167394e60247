"""The ``Sandbox``: state, user actions and sleep-free observation of what the bots did."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from typing import Any, TypeVar

from bot.sandbox.actions import SandboxActions
from bot.sandbox.models import ApiCall, BotAccount
from bot.sandbox.state import ChatRef, MessageRef, now_ns

JSON = dict[str, Any]
T = TypeVar("T")


def _text_of(message: JSON) -> str:
    return str(message.get("text") or message.get("caption") or "")


class Sandbox(SandboxActions):
    """All Bot API state. Use from the event loop that runs the sandbox server."""

    # ------------------------------------------------------------------ observation
    def messages(self, chat: ChatRef, *, include_users: bool = False) -> list[JSON]:
        """Current state of the messages the bots sent to ``chat`` (not deleted), by id."""
        target = self.get_chat(chat)
        return [
            m
            for _, m in sorted(target.messages.items())
            if include_users or m["from"].get("is_bot")
        ]

    def message(self, chat: ChatRef, message_id: int) -> JSON | None:
        return self.get_chat(chat).messages.get(message_id)

    def deleted_messages(self, chat: ChatRef) -> list[JSON]:
        return [m for _, m in sorted(self.get_chat(chat).deleted.items())]

    def pinned(self, chat: ChatRef) -> list[int]:
        """The ids of the messages pinned in ``chat``, the latest last."""
        return list(self.get_chat(chat).pinned)

    def reply_keyboard(self, chat: ChatRef) -> JSON | None:
        """The ReplyKeyboardMarkup the user currently sees in ``chat`` (None if removed)."""
        return self.get_chat(chat).reply_keyboard

    def pending_updates(self, bot: BotAccount | str | None = None) -> list[JSON]:
        """Updates not yet confirmed by the bot (via getUpdates offset)."""
        return [record.to_dict() for record in self.get_bot(bot).updates]

    def calls_to(self, method: str) -> list[ApiCall]:
        return [call for call in self.calls if call.method.lower() == method.lower()]

    def record_call(self, call: ApiCall) -> None:
        self.calls.append(call)
        self.notify()

    def close(self) -> None:
        """Make pending long polls return now (called on server shutdown)."""
        self.closing = True
        for bot in self.bots.values():
            bot.notify()

    def stats(self) -> JSON:
        """Latency bookkeeping for every user message (perf_counter_ns clock)."""
        timings = [t.to_dict() for t in self.timings.values()]
        return {
            "clock": "time.perf_counter_ns",
            "now_ns": now_ns(),
            "messages": timings,
            "summary": {
                "user_messages": len(timings),
                "delivered": sum(t["delivered_ns"] is not None for t in timings),
                "replied": sum(t["replied_ns"] is not None for t in timings),
                "answered": sum(t["answered_ns"] is not None for t in timings),
                "pending_updates": sum(len(b.updates) for b in self.bots.values()),
                "api_calls": len(self.calls),
            },
        }

    def debug_dump(self, limit: int = 15) -> str:
        """Recent API calls (idle getUpdates omitted) and queue sizes, for failure messages."""
        interesting = [c for c in self.calls if not (c.method == "getUpdates" and c.result == [])]
        lines = [f"  {c.brief()}" for c in interesting[-limit:]] or ["  (no API calls)"]
        queues = {b.username: len(b.updates) for b in self.bots.values()}
        return "recent API calls:\n" + "\n".join(lines) + f"\npending updates: {json.dumps(queues)}"

    # ------------------------------------------------------------------ waiting
    async def wait_for(
        self,
        predicate: Callable[[Sandbox], T | None],
        timeout: float = 5.0,  # noqa: ASYNC109
        what: str | None = None,
    ) -> T:
        """Wait (event-driven, no polling) until ``predicate(sandbox)`` is truthy; return it."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = predicate(self)
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                label = what or getattr(predicate, "__name__", "predicate")
                raise TimeoutError(f"{label} not met within {timeout}s\n{self.debug_dump()}")
            changed = self._changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)

    async def wait_for_reply(
        self,
        to_message: MessageRef,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> JSON:
        """The first bot message whose reply_to_message is ``to_message``."""
        chat_id, message_id = (
            to_message
            if isinstance(to_message, tuple)
            else (to_message["chat"]["id"], to_message["message_id"])
        )

        def reply(sb: Sandbox) -> JSON | None:
            return next(
                (
                    m
                    for m in sb.messages(chat_id)
                    if (m.get("reply_to_message") or {}).get("message_id") == message_id
                ),
                None,
            )

        what = f"a bot reply to message {message_id} in chat {chat_id}"
        return await self.wait_for(reply, timeout, what)

    async def wait_for_message(
        self,
        chat: ChatRef,
        contains: str | None = None,
        after_message_id: int | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> JSON:
        """The first bot message in ``chat`` after ``after_message_id`` containing ``contains``."""

        def found(sb: Sandbox) -> JSON | None:
            for m in sb.messages(chat):
                if after_message_id is not None and m["message_id"] <= after_message_id:
                    continue
                if contains is None or contains in _text_of(m):
                    return m
            return None

        what = f"a bot message in chat {chat} containing {contains!r} after {after_message_id}"
        return await self.wait_for(found, timeout, what)

    async def wait_for_call(
        self,
        method: str,
        predicate: Callable[[ApiCall], bool] | None = None,
        *,
        since: int = 0,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> ApiCall:
        """The first recorded call to ``method`` (from index ``since`` of ``calls``)."""

        def found(sb: Sandbox) -> ApiCall | None:
            for call in sb.calls[since:]:
                if call.method.lower() == method.lower() and (predicate is None or predicate(call)):
                    return call
            return None

        return await self.wait_for(found, timeout, f"a {method} call")

    async def wait_for_updates_consumed(
        self,
        bot: BotAccount | str | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> None:
        """Wait until the bot confirmed every update (its queue is empty)."""
        account = self.get_bot(bot)
        await self.wait_for(lambda sb: not account.updates, timeout, "updates consumed")
