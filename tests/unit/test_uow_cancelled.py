"""A unit of work cancelled while it opens (a page's live stream closed by the browser, a
shutdown) gives its connection back: made after the cancel, or made and then cancelled while
it is set read-only, the connection is closed, never left to the garbage collector (aiosqlite
warns of it, and the pool loses it). A fake engine lets the test cancel at those points."""

from __future__ import annotations

import asyncio
from typing import Any, cast

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.uow import SqlAlchemyUnitOfWork, closing_done, connected


class FakeConnection:
    def __init__(self) -> None:
        self.closed = asyncio.Event()
        self.options_asked = asyncio.Event()
        self.never = asyncio.Event()

    async def close(self) -> None:
        self.closed.set()

    async def execution_options(self, **options: Any) -> None:
        self.options_asked.set()
        await self.never.wait()  # cancelled here


class FakeEngine:
    """connect().start() waits until ``made`` is set, then gives ``connection``."""

    def __init__(self) -> None:
        self.connection = FakeConnection()
        self.asked = asyncio.Event()
        self.made = asyncio.Event()

    def connect(self) -> FakeEngine:
        return self

    async def start(self) -> FakeConnection:
        self.asked.set()
        await self.made.wait()
        return self.connection


async def _cancelled_while_opening() -> FakeEngine:
    """An engine whose connection ``connected`` was making when its caller was cancelled."""
    engine = FakeEngine()
    opening = asyncio.create_task(connected(cast(AsyncEngine, engine)))
    await engine.asked.wait()
    opening.cancel()
    with pytest.raises(asyncio.CancelledError):
        await opening
    return engine


async def test_a_connection_made_after_its_caller_was_cancelled_is_closed() -> None:
    engine = await _cancelled_while_opening()
    assert not engine.connection.closed.is_set()
    engine.made.set()  # the connection comes after all
    await asyncio.wait_for(engine.connection.closed.wait(), 5)


async def test_a_shutdown_waits_until_what_its_cancelled_tasks_were_opening_is_closed() -> None:
    """yishitang/bootstrap.py cancels its tasks, then ``closing_done()``, then disposes of the
    engine: a connection still being made when they were cancelled is made and closed by then
    (else the test's loop ends with it open, and aiosqlite warns during a later test)."""
    engine = await _cancelled_while_opening()
    done = asyncio.create_task(closing_done())
    finished, _ = await asyncio.wait({done}, timeout=0.1)  # a bound: it must wait on
    assert not finished and not engine.connection.closed.is_set()
    engine.made.set()
    await asyncio.wait_for(done, 5)
    assert engine.connection.closed.is_set()


async def test_a_reading_unit_cancelled_while_set_read_only_closes_its_connection() -> None:
    engine = FakeEngine()
    engine.made.set()
    uow = SqlAlchemyUnitOfWork(cast(AsyncEngine, engine), read_only=True)

    async def read() -> None:
        async with uow:
            pass

    reading = asyncio.create_task(read())
    await engine.connection.options_asked.wait()
    reading.cancel()
    with pytest.raises(asyncio.CancelledError):
        await reading
    await asyncio.wait_for(engine.connection.closed.wait(), 5)
    with pytest.raises(RuntimeError):
        uow.session  # noqa: B018 - not left open
