"""Where an aiosqlite connection left unclosed was opened.

aiosqlite warns "deleted before being closed" from ``Connection.__del__``, that is when the
garbage collector gets to it: during whichever test happens to run then, which says nothing
about the leak. Recording, for each connection, the asyncio task and the stack that opened it
makes the warning name its origin. The stack is walked without reading source lines (cheap,
a few microseconds per connection); the lines are read only for a connection that leaks.
SQLAlchemy opens connections inside a greenlet, whose stack stops at the greenlet, so the
task's name and coroutine are recorded too.
"""

from __future__ import annotations

import asyncio
import traceback
import warnings
from typing import Any

import aiosqlite.core

_FRAMES = 25


def _origin() -> tuple[str, traceback.StackSummary, traceback.StackSummary | None]:
    here = traceback.StackSummary.extract(
        traceback.walk_stack(None), limit=_FRAMES, lookup_lines=False
    )
    try:
        task = asyncio.current_task()
    except RuntimeError:
        task = None
    # the task's name and coroutine only: its whole stack, walked for every connection, cost
    # about a tenth of the integration tests' time
    where = "no task" if task is None else f"task {task.get_name()} {task.get_coro()!r}"
    return where, here, None


def describe(origin: tuple[str, traceback.StackSummary, traceback.StackSummary | None]) -> str:
    task, here, awaited = origin
    parts = [f"opened in {task}", "stack (innermost first):"]
    parts += [f"  {frame.filename}:{frame.lineno} {frame.name}" for frame in here]
    if awaited is not None:
        parts.append("the task's coroutines:")
        parts += [f"  {frame.filename}:{frame.lineno} {frame.name}" for frame in awaited]
    return "\n".join(parts)


def record_aiosqlite_origins() -> None:
    connection: Any = aiosqlite.core.Connection
    if getattr(connection, "_yst_origins", False):
        return
    opened = connection.__init__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        opened(self, *args, **kwargs)
        self._yst_origin = _origin()

    def __del__(self: Any) -> None:
        if self._connection is None:
            return
        origin = getattr(self, "_yst_origin", None)
        where = describe(origin) if origin is not None else "(origin not recorded)"
        warnings.warn(
            f"{self!r} was deleted before being closed; {where}", ResourceWarning, stacklevel=1
        )
        self.stop()

    connection.__init__ = __init__
    connection.__del__ = __del__
    connection._yst_origins = True
