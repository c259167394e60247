"""One unit of work at a time on a SQLite file, in this process, first come first served.

Every SQLite transaction begins IMMEDIATE (storage/engine.py), so two units of work of one
process never write at once anyway; without this gate the waiting ones poll inside SQLite's
busy handler, which sleeps in growing steps and wakes in no order: under a burst (a hall's
phones signing in at once) some waited seconds while the lock stood free, and the unluckiest
reached busy_timeout (database is locked). Here they queue on an asyncio lock and start the
moment the previous one ends. Waiting longer than busy_timeout raises TimeoutError, which
storage/availability.py calls unavailable, as SQLite's own refusal.

Only the units of work opened alone take the gate; a bot update's shared transaction
(storage/shared.py) does not, since it may wait for Telegram between its commits, and other
processes are not concerned: against them SQLite's busy handler still decides.
"""

from __future__ import annotations

import asyncio
import weakref

from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.sqlite_driver import BUSY_TIMEOUT_MS

_GATES: weakref.WeakKeyDictionary[Engine, asyncio.Lock] = weakref.WeakKeyDictionary()


def gate_of(engine: AsyncEngine) -> asyncio.Lock | None:
    """The engine's gate; None on PostgreSQL (its writers lock rows, not the file)."""
    if engine.dialect.name != "sqlite":
        return None
    sync = engine.sync_engine
    gate = _GATES.get(sync)
    if gate is None:
        gate = _GATES[sync] = asyncio.Lock()
    return gate


async def enter(gate: asyncio.Lock) -> None:
    async with asyncio.timeout(BUSY_TIMEOUT_MS / 1000):
        await gate.acquire()
