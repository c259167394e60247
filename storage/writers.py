"""Writers leave room for readers in a PostgreSQL engine's pool, in this process.

A burst of writes to one session (a hall's phones raising their hands) queues on that
session's row lock, and each writer waiting there holds one of the pool's connections: with
all of them held, a page's read, which needs no lock, waited for a connection behind them
(about 0.8 s in bench/web_phone.py's burst). Units of work that may write first take one of
``WRITERS`` slots (first come first served); the other ``READERS`` connections of the pool
stay for the reading units of work. So few writers also keep a burst from queueing on the
row lock with all its transactions at once (below). SQLite's writers queue on its gate instead
(storage/sqlite_gate.py), its readers on nothing.
"""

from __future__ import annotations

import asyncio
import weakref

from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.engine import MAX_OVERFLOW, POOL_SIZE, POOL_TIMEOUT_S

# Four writers at a time, the other connections to readers. More writers only wait longer:
# in a burst of hands each holds the session's row lock for a few trips to the database, and
# each trip waits for this process's event loop; with twelve writers in flight (the pool less
# three) the loop served them all in turn, every holder took longer, and the queue fed itself:
# bench/web_phone.py, 200 phones over 2 s on PostgreSQL, p95 of the round trip 290-1008 ms
# with 12, 51-79 ms with 4 or 3, 109 ms with 6, 418 ms with 2 (newcomers' sign-ins, which
# take no exclusive lock, then queue behind the hands). SQLite runs its writers one at a time
# (storage/sqlite_gate.py); four is no rule of the application's either way.
WRITERS = 4
READERS = POOL_SIZE + MAX_OVERFLOW - WRITERS  # connections writers leave to readers

_SLOTS: weakref.WeakKeyDictionary[Engine, asyncio.Semaphore] = weakref.WeakKeyDictionary()


def writers_of(engine: AsyncEngine) -> asyncio.Semaphore | None:
    """The engine's writers' slots; None on SQLite (its gate serialises writers anyway)."""
    if engine.dialect.name != "postgresql":
        return None
    sync = engine.sync_engine
    slots = _SLOTS.get(sync)
    if slots is None:
        slots = _SLOTS[sync] = asyncio.Semaphore(WRITERS)
    return slots


async def enter(slots: asyncio.Semaphore) -> None:
    """A slot, or TimeoutError after as long as the pool itself would have made us wait
    (storage/availability.py calls it unavailable: HTTP 503, try again)."""
    async with asyncio.timeout(POOL_TIMEOUT_S):
        await slots.acquire()
