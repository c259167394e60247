"""Units of work of one process queue for a SQLite file first come first served
(storage/sqlite_gate.py), instead of polling in SQLite's busy handler; PostgreSQL has none."""

from __future__ import annotations

import asyncio

import pytest

from storage.engine import make_engine
from storage.sqlite_gate import gate_of
from storage.uow import make_uow_factory


async def test_units_of_work_take_turns_in_order(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    uow = make_uow_factory(engine)
    entered: list[str] = []
    try:
        async def one(name: str, ready: asyncio.Event) -> None:
            ready.set()
            async with uow():
                entered.append(name)

        async with uow() as first:
            await first.people.get(1)
            tasks = []
            for name in ("b", "c", "d"):  # each asks for the gate in this order
                ready = asyncio.Event()
                tasks.append(asyncio.create_task(one(name, ready)))
                await ready.wait()
            gate = gate_of(engine)
            assert gate is not None and gate.locked()
            assert entered == []  # all wait while the first is open
        await asyncio.wait_for(asyncio.gather(*tasks), 10)
        assert entered == ["b", "c", "d"]
        assert not gate.locked()
    finally:
        await engine.dispose()


async def test_a_unit_of_work_left_by_an_error_frees_the_gate(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    uow = make_uow_factory(engine)
    try:
        with pytest.raises(LookupError):
            async with uow() as work:
                await work.people.get(1)
                raise LookupError("a use case refused")
        gate = gate_of(engine)
        assert gate is not None and not gate.locked()
        async with asyncio.timeout(5), uow() as work:  # the next one gets in
            assert await work.people.get(1) is None
    finally:
        await engine.dispose()


def test_postgresql_has_no_gate() -> None:
    assert gate_of(make_engine("postgresql://postgres@127.0.0.1:5432/test")) is None
