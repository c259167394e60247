"""Wakes the web's live pages when a change is committed, and shares the work of a wake.

``wake()`` is called after every commit of this process (storage's ``on_change`` hook) and,
on PostgreSQL, for every commit another process announces (storage/change_feed.py); a poll
catches what neither told (SQLite, other processes). All of it is wired in yishitang/bootstrap.

A wake must stay cheap however many streams are open: the streams of one page (one key, e.g.
one screen code) share a ``Feed``, one task that reads the page once per wake, renders it once
if anything shown changed, and hands the fragment to every stream. Between two reads it rests
``REST`` times as long as the last one took, its streams' sending included (at least
``GAP_S``, at most ``MAX_GAP_S``): a
burst of commits is read as a few reads, and when the bot keeps the event loop busy the
reads, slower then, come further apart, leaving the loop to the bot. In a quiet room a change
is read at once. A slow stream skips to the latest fragment instead of queueing them.
portal/live.py is the handlers' side of it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Hashable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from aiohttp import web

log = logging.getLogger(__name__)

GAP_S, MAX_GAP_S = 0.05, 1.0
REST = 9.0  # a page's reads take at most a tenth of the time


class Shown(Protocol):
    def fingerprint(self) -> str:
        """Changes whenever anything shown changes."""
        ...


T = TypeVar("T", bound=Shown)


@dataclass(frozen=True)
class Fragment:
    started: float  # loop time its read began: a stream ignores reads older than its own
    fingerprint: str
    html: str


class Follower:
    """One stream's place in a feed: the newest fragment it has not taken yet."""

    def __init__(self) -> None:
        self.ready = asyncio.Event()
        self.pending: Fragment | None = None
        self.ended = False  # the page is gone, or the app stops
        self.owing = False  # offered a fragment it has not finished sending yet
        self.on_caught_up: Callable[[Follower], None] | None = None

    def offer(self, fragment: Fragment) -> None:
        self.pending = fragment
        self.owing = True
        self.ready.set()

    def caught_up(self) -> None:
        """The stream sent what it took (or skipped it) and waits for the next."""
        if self.owing and self.pending is None:
            self.owing = False
            if self.on_caught_up is not None:
                self.on_caught_up(self)

    def end(self) -> None:
        self.ended = True
        self.ready.set()


class Feed(Generic[T]):
    """The one reader of a page for all its streams (see the module's docstring)."""

    def __init__(self, notifier: ScreenNotifier, compute: Callable[[], Awaitable[T]],
                 render: Callable[[T], str], poll_s: float, gap_s: float) -> None:
        self._notifier, self._compute, self._render = notifier, compute, render
        self._poll_s, self._gap_s = poll_s, gap_s
        self.followers: set[Follower] = set()
        self.latest: Fragment | None = None
        self._owing: set[Follower] = set()  # still sending the latest fragment
        self._sent = asyncio.Event()  # none is
        self._reading = self._stopping = False
        # woken from now on: a commit after a stream joined is never missed
        self._woken = notifier.add_waiter()
        self._task = asyncio.create_task(self._run(), name="live-feed")

    @property
    def alive(self) -> bool:
        return not self._stopping and not self._task.done()

    def stop(self) -> None:
        """No stream left: end now, or after the read under way (never cut a read short)."""
        self._stopping = True
        if not self._reading:
            self._task.cancel()

    async def _run(self) -> None:
        try:
            while not self._done():
                await self._notifier.wait(self._woken, self._poll_s)
                if self._done():
                    break
                loop = asyncio.get_running_loop()
                started = loop.time()
                if not await self._read():
                    break
                read = loop.time()
                rest = min(MAX_GAP_S, max(self._gap_s, (read - started) * REST))
                # the work of a wake is the read and every stream's sending of it: with many
                # streams the sending is most of it. Waiting for it is part of the rest; a
                # stream slower than that rest is not counted (nor waited for further)
                try:
                    async with asyncio.timeout(rest):
                        await self._sent.wait()
                    rest = min(MAX_GAP_S, max(rest, (loop.time() - started) * REST))
                except TimeoutError:
                    pass
                # the commits meanwhile: one read after it
                await asyncio.sleep(max(0.0, read + rest - loop.time()))
        finally:
            self._notifier.remove_waiter(self._woken)
            for follower in self.followers:
                follower.end()

    def _done(self) -> bool:
        return self._stopping or self._notifier.closed

    async def _read(self) -> bool:
        """Read and publish; False when the page is gone."""
        started = asyncio.get_running_loop().time()
        self._reading = True
        try:
            shown = await self._compute()
        except web.HTTPException:
            return False
        except Exception as error:  # the database away: the next wake or poll tries again
            log.warning("live page not read: %s", error)
            return True
        finally:
            self._reading = False
        fingerprint = shown.fingerprint()
        if self.latest is None or fingerprint != self.latest.fingerprint:
            self.latest = Fragment(started, fingerprint, self._render(shown))
            # awaited: the streams that sent the last one; one still sending it (a slow
            # client) holds up no later read
            self._owing = {f for f in self.followers if not f.owing}
            for follower in self.followers:
                follower.offer(self.latest)
        if self._owing:
            self._sent.clear()
        else:
            self._sent.set()
        return True

    def join(self, follower: Follower) -> None:
        self.followers.add(follower)
        follower.on_caught_up = self._caught_up

    def leave(self, follower: Follower) -> None:
        self.followers.discard(follower)
        self._caught_up(follower)

    def _caught_up(self, follower: Follower) -> None:
        self._owing.discard(follower)
        if not self._owing:
            self._sent.set()


class ScreenNotifier:
    def __init__(self) -> None:
        self._waiters: set[asyncio.Event] = set()
        self._feeds: dict[Hashable, Feed[Any]] = {}
        self.closed = False

    def wake(self) -> None:
        for event in self._waiters:
            event.set()

    def close(self) -> None:
        """The web app stops: every stream ends at its next wake-up (now)."""
        self.closed = True
        self.wake()
        for feed in self._feeds.values():
            for follower in feed.followers:
                follower.end()

    def add_waiter(self) -> asyncio.Event:
        event = asyncio.Event()
        self._waiters.add(event)
        return event

    def remove_waiter(self, event: asyncio.Event) -> None:
        self._waiters.discard(event)

    @contextlib.contextmanager
    def subscribe(self) -> Iterator[asyncio.Event]:
        event = self.add_waiter()
        try:
            yield event
        finally:
            self.remove_waiter(event)

    async def wait(self, event: asyncio.Event, poll_s: float) -> None:
        """Until woken or ``poll_s`` seconds have passed (the poll), whichever comes first."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), poll_s)
        event.clear()

    @contextlib.contextmanager
    def follow(self, key: Hashable, compute: Callable[[], Awaitable[T]],
               render: Callable[[T], str], poll_s: float,
               gap_s: float = GAP_S) -> Iterator[tuple[Feed[T], Follower]]:
        """Join the feed of ``key`` (started by its first stream with that stream's
        ``compute`` and ``render``, which must depend on the key alone)."""
        feed = self._feeds.get(key)
        if feed is None or not feed.alive:  # none yet, or it ended (the page was gone)
            feed = self._feeds[key] = Feed(self, compute, render, poll_s, gap_s)
        follower = Follower()
        feed.join(follower)
        try:
            yield feed, follower
        finally:
            feed.leave(follower)
            if not feed.followers:
                feed.stop()
                if self._feeds.get(key) is feed:
                    del self._feeds[key]

    def feeds(self) -> int:
        """How many pages are followed (one reader each)."""
        return len(self._feeds)
