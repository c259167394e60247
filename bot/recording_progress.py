"""A whole-meeting recording's progress while the scribe transcribes it, at most every few
seconds: written to its job (the workbench's status line reads it there, so it survives a
restart and reaches the web from any process) and, for a recording sent in the group, shown
by editing the scribe's progress message."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from bot.catalog import t
from bot.outbox import cancel_all

PROGRESS_EVERY_S = 3.0

Tell = Callable[[str], Awaitable[None]]  # edits the progress message in the group
Store = Callable[[float], Awaitable[None]]  # writes the fraction done to the job


class ProgressReporter:
    def __init__(self, language: str, tell: Tell | None, store: Store | None = None) -> None:
        self._language, self._tell, self._store = language, tell, store
        self._loop = asyncio.get_running_loop()
        self._last = 0.0
        self._stopped = False
        self._edits: set[asyncio.Task[None]] = set()
        self._latest: float | None = None  # a fraction still to write
        self._writer: asyncio.Task[None] | None = None

    async def begin(self) -> None:
        """The transcription has started: its page says so at once (0%), not at the first
        report, a chunk later."""
        if self._store is not None:
            await self._store(0.0)

    async def stop(self) -> None:
        """No more reports: the final message must not be overwritten by a late one (one still
        waiting for the group's budget is cancelled: under rate limits a progress report is
        a notice, and the final message, the floor's, would overtake it), nor the finished
        job by a late fraction."""
        self._stopped = True
        self._latest = None
        writer = self._writer
        edits, self._edits = [e for e in self._edits if e is not writer], set()
        await cancel_all(edits)
        if writer is not None:
            # a write under way finishes (a short transaction; cancelled, its connection
            # would be left unclosed): awaited here, it cannot land after the result
            await asyncio.shield(writer)

    def __call__(self, fraction: float) -> None:
        """Called from any thread with the fraction done."""
        now = time.monotonic()
        if self._stopped or now - self._last < PROGRESS_EVERY_S or fraction >= 1.0:
            return
        self._last = now
        self._loop.call_soon_threadsafe(self._report, fraction)

    def _report(self, fraction: float) -> None:
        if self._stopped:
            return
        if self._store is not None:
            self._latest = fraction
            if self._writer is None or self._writer.done():  # one writer: never out of order
                self._writer = self._spawn(self._write())
        if self._tell is not None:
            self._spawn(self._tell(t(self._language, "recording_progress",
                                     percent=int(fraction * 100))))

    async def _write(self) -> None:
        assert self._store is not None
        while self._latest is not None:
            fraction, self._latest = self._latest, None
            await self._store(fraction)

    def _spawn(self, report: Awaitable[None]) -> asyncio.Task[None]:
        task = self._loop.create_task(_run(report))
        self._edits.add(task)
        task.add_done_callback(self._edits.discard)
        return task


async def _run(report: Awaitable[None]) -> None:
    await report
