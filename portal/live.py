"""Live pages by Server-Sent Events, the handlers' side of portal/notifier.py:

    async with live(request, key, compute, render) as fragments:  # the first read: 404 here
        async with sse_response(request, response_cls=SharedFrames) as stream:
            async for html in fragments:
                await stream.send(html, event=EVENT)

``compute()`` reads what the page shows (an object with ``fingerprint()``; raising an
aiohttp HTTPException such as HTTPNotFound when there is no such page), ``render(shown)``
makes the HTML fragment. The streams of one ``key`` share one reader: ``compute`` and
``render`` must depend on the key alone. ``fragments`` yields the page at once, then again
whenever something shown changed, and ends when the page is gone, the app stops or the
client has left.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import Awaitable, Callable, Hashable
from types import TracebackType
from typing import Generic, Self

from aiohttp import web
from aiohttp_sse import EventSourceResponse

from portal.deps import DEPS
from portal.notifier import Follower, T


class Live(Generic[T]):
    def __init__(self, request: web.Request, key: Hashable,
                 compute: Callable[[], Awaitable[T]], render: Callable[[T], str]) -> None:
        self._request, self._key = request, key
        self._compute, self._render = compute, render
        self._stack = contextlib.ExitStack()
        self._follower = Follower()
        self._first: str | None = None
        self._last = ""
        self._started = 0.0

    async def __aenter__(self) -> Self:
        deps = self._request.app[DEPS]
        self._notifier, self._poll_s = deps.notifier, deps.poll_s
        # joined before the first read: a change committed after it reaches this stream
        _feed, self._follower = self._stack.enter_context(
            deps.notifier.follow(self._key, self._compute, self._render, deps.poll_s))
        try:
            self._started = asyncio.get_running_loop().time()
            shown = await self._compute()
            self._first, self._last = self._render(shown), shown.fingerprint()
        except BaseException:
            self._stack.close()
            raise
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        self._stack.close()

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> str:
        if self._first is not None:
            first, self._first = self._first, None
            return first
        follower = self._follower
        while not (follower.ended or self._notifier.closed or self._gone()):
            follower.caught_up()  # what it returned last has been sent
            fragment, follower.pending = follower.pending, None
            follower.ready.clear()
            # a read begun before this stream's own first read may be older than it
            if (fragment is not None and fragment.started >= self._started
                    and fragment.fingerprint != self._last):
                self._last = fragment.fingerprint
                return fragment.html
            if fragment is None:
                with contextlib.suppress(TimeoutError):  # (a timeout, not wait_for: no task
                    async with asyncio.timeout(self._poll_s):  # for each stream's each wait)
                        await follower.ready.wait()
        raise StopAsyncIteration

    def _gone(self) -> bool:
        """The client has left (noticed at the latest one poll later)."""
        transport = self._request.transport
        return transport is None or transport.is_closing()


def live(request: web.Request, key: Hashable, compute: Callable[[], Awaitable[T]],
         render: Callable[[T], str]) -> Live[T]:
    return Live(request, key, compute, render)


@functools.lru_cache(maxsize=16)
def _frame(data: str, event: str | None, sep: str) -> bytes:
    """One Server-Sent Event as aiohttp-sse writes it (event line, a data line per line of
    ``data``, a blank line): built once however many streams send it."""
    lines = ([f"event: {event}"] if event is not None else []) + [
        f"data: {chunk}" for chunk in EventSourceResponse.LINE_SEP_EXPR.split(data)]
    return (sep.join(lines) + sep + sep).encode("utf-8")


class SharedFrames(EventSourceResponse):
    """aiohttp-sse's stream, sending a fragment many streams share as one frame built once:
    its ``send`` formats the event anew for every stream (splitting the HTML into data
    lines), most of a wake's work with a room of screens. Same bytes, same send timeout and
    end of a stalled or gone client."""

    async def send(self, data: str, id: str | None = None, event: str | None = None,
                   retry: int | None = None) -> None:
        if id is not None or retry is not None or (event is not None
                                                   and self.LINE_SEP_EXPR.search(event)):
            await super().send(data, id, event, retry)  # its checks and its errors
            return
        try:
            async with asyncio.timeout(self._send_timeout):
                await self.write(_frame(data, event, self._sep))
        except ConnectionResetError:
            self.stop_streaming()
            raise
        except TimeoutError:
            self.stop_streaming()
            self._abort_transport()
            raise
