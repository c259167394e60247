"""A recording's progress as the scribe reports it (bot/recording_progress.py): written to its
job from the start (0%), one write at a time so a slow database never writes an older
fraction after a newer one; an upload (no message to edit) is told nothing in the group."""

from __future__ import annotations

import asyncio

import pytest

from bot import recording_progress
from bot.recording_progress import ProgressReporter


async def test_progress_is_written_from_zero_and_never_out_of_order(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(recording_progress, "PROGRESS_EVERY_S", 0.0)  # every report counts
    written: list[float] = []
    last = asyncio.Event()

    async def store(fraction: float) -> None:
        written.append(fraction)
        if fraction >= 0.6:
            last.set()

    told: list[str] = []

    async def tell(text: str) -> None:
        told.append(text)

    for telling in (None, tell):
        written.clear()
        last.clear()
        reporter = ProgressReporter("zh", telling, store)
        await reporter.begin()
        assert written == [0.0]
        for fraction in (0.2, 0.4, 0.6):
            reporter(fraction)
        await last.wait()
        reporter(1.0)  # the end is the result's to say, not a report's
        await reporter.stop()
        assert written[0] == 0.0 and written[-1] == 0.6 and written == sorted(written)
    assert told and all(text.startswith("📼") for text in told)  # only when there is a group
    assert "60%" in told[-1]
