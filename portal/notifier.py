"""Wakes the web's live streams when this process commits a change (storage's ``on_change``
hook: yishitang/bootstrap.py). Each stream reads the screen again and sends it only if
something shown changed; changes another process commits are seen by the streams' poll."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator


class ScreenNotifier:
    def __init__(self) -> None:
        self._waiters: set[asyncio.Event] = set()
        self.closed = False

    def wake(self) -> None:
        for event in self._waiters:
            event.set()

    def close(self) -> None:
        """The web app stops: every stream ends at its next wake-up (now)."""
        self.closed = True
        self.wake()

    @contextlib.contextmanager
    def subscribe(self) -> Iterator[asyncio.Event]:
        event = asyncio.Event()
        self._waiters.add(event)
        try:
            yield event
        finally:
            self._waiters.discard(event)

    async def wait(self, event: asyncio.Event, poll_s: float) -> None:
        """Until woken or ``poll_s`` seconds have passed (the poll), whichever comes first."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), poll_s)
        event.clear()
