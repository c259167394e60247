"""The inbox of bot updates."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.inbox import Inbox
from tests.integration.storage_builders import at


@pytest.fixture
def inbox(session_factory: async_sessionmaker[AsyncSession]) -> Inbox:
    return Inbox(session_factory)


async def test_store_ignores_duplicates_and_keeps_arrival_order(inbox: Inbox) -> None:
    assert await inbox.max_update_id() is None
    assert await inbox.store([], at(0)) == 0
    assert await inbox.store([(30, '{"n": 30}'), (10, '{"n": 10}')], at(0)) == 2
    assert await inbox.store([(10, '{"again": 1}'), (20, '{"n": 20}'), (20, "{}")], at(1)) == 1
    assert await inbox.pending() == [(30, '{"n": 30}'), (10, '{"n": 10}'), (20, '{"n": 20}')]
    assert await inbox.pending(limit=2) == [(30, '{"n": 30}'), (10, '{"n": 10}')]
    assert await inbox.max_update_id() == 30


async def test_big_update_ids_and_unicode_payloads(inbox: Inbox) -> None:
    big = 2**40 + 3
    assert await inbox.store([(big, '{"text": "我要发言"}')], at(0)) == 1
    assert await inbox.pending() == [(big, '{"text": "我要发言"}')]
    assert await inbox.max_update_id() == big


async def test_mark_processed_and_prune(inbox: Inbox) -> None:
    await inbox.store([(1, "{}"), (2, "{}")], at(0))
    await inbox.store([(3, "{}")], at(100))
    assert not await inbox.is_processed(1)
    assert not await inbox.is_processed(99)  # unknown
    await inbox.mark_processed(1, at(10))
    await inbox.mark_processed(1, at(20))  # a second mark changes nothing
    await inbox.mark_processed(3, at(110))
    assert await inbox.is_processed(1) and await inbox.is_processed(3)
    assert await inbox.pending() == [(2, "{}")]
    # only processed rows received before the cut go; unprocessed ones always stay
    assert await inbox.prune(older_than=at(50)) == 1
    assert await inbox.pending() == [(2, "{}")]
    assert not await inbox.is_processed(1)  # pruned rows are forgotten
    assert await inbox.is_processed(3)
    assert await inbox.prune(older_than=at(1000)) == 1
    assert await inbox.max_update_id() == 2
