"""Engines: URL handling, SQLite settings, reachability checks, UTC datetimes."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import StatementError
from sqlalchemy.ext.asyncio import AsyncConnection

from facilitation.ports import UnitOfWorkFactory
from storage.engine import DatabaseUnreachable, async_url, check_database, make_engine, mask_url
from tests.conftest import DEFAULT_POSTGRES_URL
from tests.integration.storage_builders import BEIJING, T0, new_person


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("sqlite:///data/y.db", "sqlite+aiosqlite:///data/y.db"),
        ("sqlite+aiosqlite:///data/y.db", "sqlite+aiosqlite:///data/y.db"),
        ("postgresql://u:pw@db:5432/y", "postgresql+asyncpg://u:pw@db:5432/y"),
        ("postgres://u@db/y", "postgresql+asyncpg://u@db/y"),
        ("postgresql+asyncpg://u@db/y", "postgresql+asyncpg://u@db/y"),
    ],
)
def test_urls_are_normalised_to_async_drivers(given: str, expected: str) -> None:
    assert async_url(given).render_as_string(hide_password=False) == expected


def test_unsupported_url_is_refused_with_password_masked() -> None:
    with pytest.raises(ValueError, match=r"mysql://u:\*\*\*@db/y") as info:
        async_url("mysql://u:secret@db/y")
    assert "secret" not in str(info.value)
    assert mask_url("postgresql://u:secret@db/y") == "postgresql://u:***@db/y"


async def test_sqlite_pragmas_are_in_effect(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    try:
        async with engine.connect() as connection:
            values = [
                (await connection.execute(text(f"PRAGMA {name}"))).scalar_one()
                for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
            ]
    finally:
        await engine.dispose()
    assert values == ["wal", 1, 5000, 1]  # synchronous 1 is NORMAL


async def test_sqlite_transactions_begin_immediate(sqlite_url: str) -> None:
    """A transaction that has only read already holds the write lock."""
    engine = make_engine(sqlite_url)
    path = sqlite_url.removeprefix("sqlite:///")
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT count(*) FROM people"))
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # free again once the transaction ended
        other.execute("ROLLBACK")
    finally:
        other.close()
        await engine.dispose()


async def test_sqlite_parent_folder_is_created(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/a/b/yishitang.db"
    await check_database(url)
    assert (tmp_path / "a" / "b" / "yishitang.db").exists()


async def test_check_database_passes_on_both(db_url: str) -> None:
    await check_database(db_url)


async def test_check_database_names_the_unreachable_url() -> None:
    url = "postgresql://postgres:hunter2@127.0.0.1:9/nowhere"  # port 9: nothing listens
    with pytest.raises(DatabaseUnreachable) as info:
        await check_database(url)
    message = str(info.value)
    assert "postgresql://postgres:***@127.0.0.1:9/nowhere" in message
    assert "hunter2" not in message
    assert info.value.transient and not info.value.missing  # worth trying again at start
    assert info.value.reason.startswith("ConnectionRefusedError")


@pytest.mark.postgres
async def test_check_database_tells_a_missing_database() -> None:
    server = os.environ.get("YISHITANG_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    missing = make_url(server).set(database="yst_never_created").render_as_string(False)
    with pytest.raises(DatabaseUnreachable) as info:
        await check_database(missing)
    assert info.value.missing and not info.value.transient  # trying again will not help
    assert 'database "yst_never_created" does not exist' in info.value.reason


async def test_check_database_on_an_unusable_sqlite_path(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("")
    with pytest.raises(DatabaseUnreachable) as info:
        await check_database(f"sqlite:///{tmp_path}/a-file/y.db")
    assert not info.value.transient and not info.value.missing


async def test_datetimes_come_back_aware_utc(uow_factory: UnitOfWorkFactory) -> None:
    local = T0.astimezone(BEIJING)
    async with uow_factory() as uow:
        person = await uow.people.add(new_person(notice_accepted_at=local))
        await uow.commit()
    assert person.id is not None
    async with uow_factory() as uow:
        stored = await uow.people.get(person.id)
    assert stored is not None and stored.notice_accepted_at is not None
    assert stored.notice_accepted_at == T0
    assert stored.notice_accepted_at.tzinfo is UTC


async def test_naive_datetimes_are_refused(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        with pytest.raises(StatementError, match="naive datetime"):
            await uow.people.add(new_person(notice_accepted_at=datetime(2025, 1, 1, 12)))


async def test_sqlite_statements_in_one_trip_behave_as_the_stock_adapter(
    sqlite_url: str,
) -> None:
    """storage/sqlite_driver.py: rows, partial fetches, row counts and errors as usual; the
    transaction is begun IMMEDIATE with its first statement, and a connection that ran nothing
    holds no lock."""
    engine = make_engine(sqlite_url)
    try:
        async with engine.connect() as connection:
            assert (await connection.execute(text("SELECT 1"))).scalar() == 1
            assert connection.sync_connection is not None
            raw = connection.sync_connection.connection.driver_connection
            assert raw is not None and raw._conn.in_transaction  # BEGIN went with the SELECT
            await connection.execute(text("CREATE TABLE t (n INTEGER PRIMARY KEY)"))
            inserted = await connection.execute(text("INSERT INTO t (n) VALUES (1), (2), (3)"))
            assert inserted.rowcount == 3
            result = await connection.execute(text("SELECT n FROM t ORDER BY n"))
            assert result.fetchmany() == [(1,)] and result.fetchmany(5) == [(2,), (3,)]
            with pytest.raises(Exception, match="UNIQUE constraint failed"):
                await connection.execute(text("INSERT INTO t (n) VALUES (1)"))
            await connection.rollback()
        async with engine.connect() as idle, engine.begin() as writer:
            assert idle.sync_connection is not None
            await writer.execute(text("SELECT 1"))  # would wait 5 s if ``idle`` held a lock
            assert not idle.sync_connection.connection.driver_connection._conn.in_transaction
    finally:
        await engine.dispose()


def _count_trips(connection: AsyncConnection, trips: list[str]) -> None:
    """Record in ``trips`` the name of each function the connection sends to aiosqlite's
    thread."""
    assert connection.sync_connection is not None
    raw = connection.sync_connection.connection.driver_connection
    assert raw is not None
    real = raw._execute

    async def counted(function, *args, **kwargs):  # type: ignore[no-untyped-def]
        trips.append(function.__name__)
        return await real(function, *args, **kwargs)

    raw._execute = counted


async def test_sqlite_statements_nobody_reads_go_with_the_next_trip(sqlite_url: str) -> None:
    """storage/sqlite_driver.py: savepoints and what runs inside ``deferred`` cost no trip of
    their own; they run in order before the next statement or with the COMMIT; ROLLBACK TO
    is honoured at COMMIT; a rollback drops them; an error in one surfaces at the COMMIT."""
    from storage.sqlite_driver import deferred

    engine = make_engine(sqlite_url)
    trips: list[str] = []
    try:
        async with engine.connect() as connection:
            await connection.execute(text("CREATE TABLE t (n INTEGER PRIMARY KEY)"))
            await connection.commit()
            _count_trips(connection, trips)
            # a savepoint that is released, one rolled back, and deferred writes: one trip
            nested = await connection.begin_nested()
            await connection.execute(text("INSERT INTO t (n) VALUES (1)"))
            await nested.commit()
            nested = await connection.begin_nested()
            with deferred(connection):
                await connection.execute(text("INSERT INTO t (n) VALUES (2)"))
            await nested.rollback()  # undoes 2, although it never went alone
            with deferred(connection):
                await connection.execute(text("INSERT INTO t (n) VALUES (3)"))
            await connection.commit()
            assert trips == ["_commit"]  # begun and run on the event loop; COMMIT on the thread
            rows = await connection.execute(text("SELECT n FROM t ORDER BY n"))
            assert rows.scalars().all() == [1, 3]
            await connection.commit()
            # a rollback drops what is pending: it never reaches the database
            with deferred(connection):
                await connection.execute(text("INSERT INTO t (n) VALUES (4)"))
            await connection.rollback()
            assert (await connection.execute(text("SELECT count(*) FROM t"))).scalar() == 2
            await connection.commit()
            # an error in a deferred write surfaces at the commit, and nothing of it stays
            with deferred(connection):
                await connection.execute(text("INSERT INTO t (n) VALUES (5)"))
                await connection.execute(text("INSERT INTO t (n) VALUES (1)"))
            with pytest.raises(Exception, match="UNIQUE constraint failed"):
                await connection.commit()
            await connection.rollback()
            assert (await connection.execute(text("SELECT count(*) FROM t"))).scalar() == 2
    finally:
        await engine.dispose()


async def test_sqlite_a_transaction_that_must_wait_waits_off_the_event_loop(
    sqlite_url: str,
) -> None:
    """storage/sqlite_driver.py: a transaction begins on the event loop only when it need not
    wait; while another process holds the write lock, it waits on aiosqlite's thread (the
    loop goes on meanwhile) and goes ahead once the lock is released."""
    engine = make_engine(sqlite_url)
    path = make_url(sqlite_url).database
    assert path is not None
    other = sqlite3.connect(path, isolation_level=None)  # as another process would
    try:
        async with engine.connect() as connection:
            await connection.execute(text("CREATE TABLE t (n INTEGER PRIMARY KEY)"))
            await connection.commit()
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO t (n) VALUES (1)")

        async def write() -> list[int]:
            async with engine.begin() as connection:
                await connection.execute(text("INSERT INTO t (n) VALUES (2)"))
                return list((await connection.execute(text("SELECT n FROM t ORDER BY n")))
                            .scalars())

        writing = asyncio.create_task(write())
        ticks = 0
        while ticks < 20:  # the loop is free while the writer waits for the lock
            await asyncio.sleep(0)
            ticks += 1
        assert not writing.done()
        other.execute("COMMIT")
        assert await asyncio.wait_for(writing, 5.0) == [1, 2]
    finally:
        other.close()
        await engine.dispose()


async def test_sqlite_readers_and_long_writes_stay_on_the_thread(sqlite_url: str) -> None:
    """storage/sqlite_driver.py: a writer's transaction runs on the event loop (its COMMIT
    on the thread); a reader's transaction (reports, exports: maybe long) and what runs
    inside on_thread (a prune) go to aiosqlite's thread, where the loop goes on meanwhile;
    a deferred write followed by anything but the COMMIT is refused."""
    from storage.engine import READ_ONLY_OPTION
    from storage.sqlite_driver import deferred, on_thread

    engine = make_engine(sqlite_url)
    trips: list[str] = []
    try:
        async with engine.connect() as setup:
            await setup.execute(text("CREATE TABLE t (n INTEGER PRIMARY KEY)"))
            await setup.commit()
        async with engine.connect() as writer:
            await writer.execute(text("SELECT 1"))  # a connection of the pool's, then counted
            await writer.commit()
            _count_trips(writer, trips)
            await writer.execute(text("INSERT INTO t (n) VALUES (1)"))
            await writer.execute(text("SELECT n FROM t"))
            with on_thread(writer):
                await writer.execute(text("DELETE FROM t WHERE n > 5"))
            await writer.commit()
            assert trips == ["_run", "commit"]  # the DELETE, then the COMMIT
            trips.clear()
            await writer.execution_options(**{READ_ONLY_OPTION: True})
            await writer.execute(text("SELECT n FROM t"))
            await writer.execute(text("SELECT count(*) FROM t"))
            await writer.rollback()
            assert trips[:2] == ["_run", "_run"]  # a reader's statements: on the thread
        async with engine.connect() as writer:
            with deferred(writer):
                await writer.execute(text("INSERT INTO t (n) VALUES (2)"))
            with pytest.raises(RuntimeError, match="go with the COMMIT"):
                await writer.execute(text("SELECT n FROM t"))
            await writer.rollback()
            assert (await writer.execute(text("SELECT count(*) FROM t"))).scalar() == 1
            await writer.rollback()
    finally:
        await engine.dispose()
