"""Changes told across processes (storage/change_feed.py): every commit of a unit of work on
PostgreSQL NOTIFYs in its own transaction, a listener on its own connection hears it and comes
back after its connection is killed; and the screen's captions query (latest N in order)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from facilitation.model import Contribution, ContributionKind, ContributionStatus, Source
from facilitation.ports import UnitOfWorkFactory
from facilitation.screen import CAPTION_KINDS, CAPTION_STATUSES
from storage.change_feed import CHANNEL, ChangeListener, listening
from storage.engine import make_engine
from storage.shared import SharedTransaction
from storage.uow import make_uow_factory
from tests.integration.storage_builders import add_person, add_session, at

WAIT_S = 10.0  # bounds every wait; a notice normally takes milliseconds


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@dataclass
class Heard:
    listener: ChangeListener
    notices: asyncio.Queue[str]

    async def next(self) -> str:
        return await asyncio.wait_for(self.notices.get(), WAIT_S)

    def drain(self) -> None:
        while not self.notices.empty():
            self.notices.get_nowait()


# LISTEN/NOTIFY is PostgreSQL's (SQLite's pages poll: tests/portal/test_live.py)
ON_POSTGRES = pytest.mark.parametrize(
    "db_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)


@pytest.fixture
def postgres_url(db_url: str) -> str:
    assert db_url.startswith("postgresql")
    return db_url


@pytest.fixture
async def heard(postgres_url: str) -> AsyncIterator[Heard]:
    notices: asyncio.Queue[str] = asyncio.Queue()
    listener = ChangeListener(postgres_url, notices.put_nowait, backoff_s=(0.05, 0.5))
    task = asyncio.create_task(listener.run())
    try:
        await asyncio.wait_for(listener.wait_listening(), WAIT_S)
        assert await asyncio.wait_for(notices.get(), WAIT_S) == ""  # the catch-up call
        yield Heard(listener, notices)
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert listener.pid is None  # its connection closed with it


@pytest.fixture
async def other_process(postgres_url: str) -> AsyncIterator[UnitOfWorkFactory]:
    """Units of work on an engine of their own, standing in for the bot's process."""
    engine = make_engine(postgres_url)
    yield make_uow_factory(engine)
    await engine.dispose()


async def _marker(url: str, payload: str) -> None:
    """A notice of our own, outside any unit of work: what arrives before it came first."""
    connection = await asyncpg.connect(_dsn(url))
    try:
        await connection.execute("SELECT pg_notify($1, $2)", CHANNEL, payload)
    finally:
        await connection.close()


@ON_POSTGRES
async def test_a_commit_in_another_process_is_heard(heard: Heard,
                                                    other_process: UnitOfWorkFactory) -> None:
    async with other_process() as uow:
        await add_person(uow)
        await uow.commit()
    assert await heard.next() == ""


@ON_POSTGRES
async def test_nothing_is_heard_of_a_unit_of_work_left_without_commit(
        heard: Heard, other_process: UnitOfWorkFactory, postgres_url: str) -> None:
    async with other_process() as uow:
        await add_person(uow)  # left without commit: rolled back, its NOTIFY with it
    await _marker(postgres_url, "marker")
    assert await heard.next() == "marker"  # delivered in commit order: nothing came before


@ON_POSTGRES
async def test_a_shared_transaction_notifies_once_at_its_commit(
        heard: Heard, other_process: UnitOfWorkFactory, postgres_url: str) -> None:
    engine = make_engine(postgres_url)
    uow_factory = make_uow_factory(engine)
    try:
        async with SharedTransaction(engine) as shared:
            for n in (1, 2):
                async with uow_factory() as uow:
                    await add_person(uow, n)
                    await uow.commit()  # a savepoint: not durable yet, nothing told yet
            await _marker(postgres_url, "before the commit")
            assert await heard.next() == "before the commit"
            await shared.commit()
        assert await heard.next() == ""
        await _marker(postgres_url, "after")
        assert await heard.next() == "after"  # the two units of work were told once
    finally:
        await engine.dispose()


@ON_POSTGRES
async def test_the_listener_comes_back_after_its_connection_is_killed(
        heard: Heard, other_process: UnitOfWorkFactory, postgres_url: str) -> None:
    listener = heard.listener
    old = listener.pid
    assert old is not None and listener.connections == 1
    admin = await asyncpg.connect(_dsn(postgres_url))
    try:
        assert await admin.fetchval("SELECT pg_terminate_backend($1)", old)
    finally:
        await admin.close()
    assert await asyncio.wait_for(listener.wait_listening(after=1), WAIT_S) == 2
    assert listener.pid not in (None, old)
    heard.drain()  # the catch-up call after reconnecting
    async with other_process() as uow:
        await add_person(uow)
        await uow.commit()
    assert await heard.next() == ""


async def test_sqlite_has_no_listener(sqlite_url: str) -> None:
    async with listening(sqlite_url, lambda: None) as listener:
        assert listener is None


async def test_the_latest_captions_in_order(db_url: str) -> None:
    engine = make_engine(db_url)
    uow_factory = make_uow_factory(engine)
    shown, hidden = ContributionKind.SPEECH, ContributionKind.COMMENT
    # seq: kind, status; inserted out of order
    rows = {1: (shown, ContributionStatus.FINAL), 5: (ContributionKind.WRITTEN,
                                                      ContributionStatus.FINAL),
            2: (shown, ContributionStatus.PENDING), 3: (hidden, ContributionStatus.FINAL),
            4: (shown, ContributionStatus.DROPPED), 6: (ContributionKind.MODERATOR,
                                                        ContributionStatus.FINAL),
            7: (hidden, ContributionStatus.FINAL), 8: (shown, ContributionStatus.FAILED)}
    try:
        async with uow_factory() as uow:
            session = await add_session(uow, await add_person(uow))
            assert session.id is not None
            for seq, (kind, status) in rows.items():
                await uow.contributions.add(Contribution(
                    session_id=session.id, seq=seq, person_id=None, speaker_name="甲",
                    kind=kind, source=Source.TEXT, text=f"第{seq}条", at=at(seq),
                    status=status))
            await uow.commit()
        async with uow_factory() as uow:
            def seqs(found: list[Contribution]) -> list[int]:
                return [c.seq for c in found]

            latest = uow.contributions.latest
            assert seqs(await latest(session.id, CAPTION_KINDS, CAPTION_STATUSES, 3)) == [2, 5, 6]
            assert seqs(await latest(session.id, CAPTION_KINDS, CAPTION_STATUSES, 10)) == [
                1, 2, 5, 6]
            assert seqs(await latest(session.id, {hidden}, CAPTION_STATUSES, 1)) == [7]
            assert await latest(session.id + 1, CAPTION_KINDS, CAPTION_STATUSES, 3) == []
            everything = await uow.contributions.list(session.id)
            assert await latest(session.id, CAPTION_KINDS, CAPTION_STATUSES, 2) == [
                c for c in everything if c.seq in (5, 6)]  # whole rows, as list() maps them
    finally:
        await engine.dispose()
