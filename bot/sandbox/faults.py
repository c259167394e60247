"""Fault injection for crash tests: Bot API requests held in flight, updates delivered again.

A ``Faults`` object adds an aiohttp middleware to a served sandbox. ``faults.hold(...)`` arms a
one-shot trap for the next matching Bot API request; the test waits until a request is caught,
kills the bot process, then releases it:

* ``when="before"``: the request is caught before the sandbox sees it. On release it is answered
  with an error and never executed: Telegram never got it (lost in transit).
* ``when="after"``: the sandbox executes the request (the message is sent, the updates are handed
  out), then the response is held: Telegram did it, the bot never heard back.

``redeliver`` puts an update that Telegram already handed out back in the bot's queue, with the
same update_id, as Telegram does when getUpdates was not confirmed before a crash.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from aiohttp import web

from bot.sandbox.models import ApiCall, BotAccount, UpdateRecord
from bot.sandbox.params import read_params
from bot.sandbox.sandbox import Sandbox
from bot.sandbox.server import RunningSandbox, create_app, serve
from bot.sandbox.state import now_ns

JSON = dict[str, Any]
When = Literal["before", "after"]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

DROPPED = {"ok": False, "error_code": 502, "description": "Bad Gateway: dropped by a sandbox fault"}


@dataclass
class Hold:
    """A one-shot trap for the next Bot API request matching ``method`` and ``predicate``.

    The predicate sees an ``ApiCall``: with ``when="before"`` only its method and params are set;
    with ``when="after"`` it is the call as recorded, result included.
    """

    method: str
    when: When
    predicate: Callable[[ApiCall], bool] | None = None
    call: ApiCall | None = None
    _caught: asyncio.Event = field(default_factory=asyncio.Event)
    _released: asyncio.Event = field(default_factory=asyncio.Event)

    def matches(self, call: ApiCall) -> bool:
        return (
            self.call is None
            and call.method.lower() == self.method.lower()
            and (self.predicate is None or self.predicate(call))
        )

    @property
    def caught(self) -> bool:
        return self.call is not None

    async def wait(self, timeout: float = 10.0) -> ApiCall:  # noqa: ASYNC109
        """Until a request is caught; returns it (params, and the result when ``after``)."""
        try:
            await asyncio.wait_for(self._caught.wait(), timeout)
        except TimeoutError:
            raise TimeoutError(f"no {self.method} request was caught within {timeout}s") from None
        assert self.call is not None
        return self.call

    def release(self) -> None:
        self._released.set()


class Faults:
    """The traps armed on one served sandbox."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.holds: list[Hold] = []

    def hold(
        self, method: str, predicate: Callable[[ApiCall], bool] | None = None,
        *, when: When = "after",
    ) -> Hold:  # fmt: skip
        trap = Hold(method, when, predicate)
        self.holds.append(trap)
        return trap

    def release_all(self) -> None:
        for trap in self.holds:
            trap.release()

    def _armed(self, call: ApiCall, when: When) -> Hold | None:
        for trap in self.holds:
            if trap.when == when and trap.matches(call):
                trap.call = call
                trap._caught.set()
                self.sandbox.notify()
                return trap
        return None

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        method = request.match_info.get("method")
        if method is None or not any(not t.caught for t in self.holds):
            return await handler(request)
        if any(not t.caught and t.when == "before" and t.method.lower() == method.lower()
               for t in self.holds):
            # aiohttp caches the body for the handler (no uploads among the methods we trap)
            params = await read_params(request)
            probe = ApiCall(time.perf_counter(), request.match_info["token"], method,
                            params.summary())  # fmt: skip
            trap = self._armed(probe, "before")
            if trap is not None:
                await trap._released.wait()
                return web.json_response(DROPPED, status=502)
        recorded = len(self.sandbox.calls)
        response = await handler(request)
        # The handler recorded its call just before returning (no await in between).
        last = self.sandbox.calls[-1] if len(self.sandbox.calls) > recorded else None
        if last is not None and last.method.lower() == method.lower():
            trap = self._armed(last, "after")
            if trap is not None:
                await trap._released.wait()
        return response


@contextlib.asynccontextmanager
async def running_sandbox_with_faults(
    sandbox: Sandbox, *, host: str = "127.0.0.1", port: int = 0
) -> AsyncIterator[tuple[RunningSandbox, Faults]]:
    """Like ``running_sandbox``, with a ``Faults`` middleware; every trap is released on exit."""
    faults = Faults(sandbox)
    app = create_app(sandbox)
    app.middlewares.append(faults.middleware)
    sandbox.closing = False
    async with serve(app, host, port) as bound:
        try:
            yield RunningSandbox(sandbox, f"http://{host}:{bound}", bound), faults
        finally:
            faults.release_all()


def queued_update(
    sandbox: Sandbox, message: JSON, bot: BotAccount | str | None = None
) -> UpdateRecord:
    """The queued update carrying ``message`` (call before the bot confirms it)."""
    account = sandbox.get_bot(bot)
    key = (message["chat"]["id"], message["message_id"])
    for record in account.updates:
        payload = record.payload
        if "chat" in payload and (payload["chat"]["id"], payload.get("message_id")) == key:
            return record
    raise LookupError(f"no queued update for message {key}")


def redeliver(sandbox: Sandbox, record: UpdateRecord, bot: BotAccount | str | None = None) -> None:
    """Queue ``record`` again with its update_id (the queue stays in update_id order)."""
    account = sandbox.get_bot(bot)
    again = UpdateRecord(record.update_id, record.kind, copy.deepcopy(record.payload), now_ns())
    account.updates.append(again)
    account.updates.sort(key=lambda r: r.update_id)
    account.notify()
    sandbox.notify()
