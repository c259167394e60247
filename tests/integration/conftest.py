"""Storage fixtures on top of ``db_url``: an engine, its session factory, units of work."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from facilitation.ports import UnitOfWorkFactory
from storage.engine import make_engine
from storage.uow import make_session_factory, make_uow_factory
from tests.integration.storage_builders import at


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(db_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def uow_factory(engine: AsyncEngine) -> UnitOfWorkFactory:
    return make_uow_factory(engine, clock=lambda: at(3600))


@pytest.fixture
def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return make_session_factory(engine)
