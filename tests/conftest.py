"""Shared fixtures: migrated, empty databases (SQLite and PostgreSQL) as URLs.

``db_url`` runs a test on both; ``sqlite_url`` on SQLite alone. Each test gets its own
database, copied from a template migrated once per run. PostgreSQL being down is a failure,
never a skip. Setup runs its event loops in a worker thread, apart from the tests' loops.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar
from uuid import uuid4

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from storage.migrate import upgrade
from tests.connection_origins import record_aiosqlite_origins

# Nothing may download at run time in tests: model hubs are unreachable here anyway, and
# faster-whisper must fail fast rather than try.
os.environ.setdefault("HF_HUB_OFFLINE", "1")

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
START_POSTGRES = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"

# An aiosqlite connection left unclosed is reported when it is collected, during whichever
# test runs then; its warning names where it was opened (the task and the stack) instead.
record_aiosqlite_origins()

T = TypeVar("T")


def _in_thread(function: Callable[..., T], *args: Any) -> T:
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args).result()


def _database_url(server: str, database: str) -> str:
    return make_url(server).set(database=database).render_as_string(hide_password=False)


def _admin(server: str, *statements: str) -> None:
    """Run statements on the server's maintenance database (outside any transaction)."""
    dsn = make_url(server).set(drivername="postgresql").render_as_string(hide_password=False)

    async def run() -> None:
        connection = await asyncpg.connect(dsn, timeout=5)
        try:
            for statement in statements:
                await connection.execute(statement)
        finally:
            await connection.close()

    asyncio.run(run())


def _drop(server: str, database: str) -> None:
    """Drop a test database even while a killed bot's connections are still going away.

    pg_terminate_backend only signals the backends and returns before they have exited, so a
    plain DROP right after it can still find "1 other session"; WITH (FORCE) (PostgreSQL 13+)
    terminates them and waits. A client that reconnects in between (a change listener of a
    process being shut down) is met by trying again."""
    for attempt in range(5):
        try:
            _admin(server, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            return
        except asyncpg.ObjectInUseError:
            if attempt == 4:
                raise


def _unreachable(server: str) -> str | None:
    try:
        _in_thread(_admin, server, "SELECT 1")
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


@pytest.fixture(scope="session")
def _postgres_template() -> Iterator[tuple[str, str]]:
    server = os.environ.get("YISHITANG_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    if (problem := _unreachable(server)) is not None:
        shown = make_url(server).render_as_string(hide_password=True)
        pytest.fail(
            f"PostgreSQL at {shown} is unreachable ({problem}). Start it with "
            f"`{START_POSTGRES}`, or set YISHITANG_TEST_POSTGRES_URL to a reachable server.",
            pytrace=False,
        )
    template = f"yst_template_{uuid4().hex[:12]}"
    _in_thread(_admin, server, f'CREATE DATABASE "{template}"')
    try:
        _in_thread(upgrade, _database_url(server, template))
        yield server, template
    finally:
        _in_thread(_drop, server, template)


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite_template") / "template.db"
    _in_thread(upgrade, f"sqlite:///{path}")
    return path


@pytest.fixture
def sqlite_url(_sqlite_template: Path, tmp_path: Path) -> str:
    """A migrated, empty SQLite database file of the test's own."""
    target = tmp_path / "yishitang.db"
    shutil.copyfile(_sqlite_template, target)
    wal = _sqlite_template.with_name(_sqlite_template.name + "-wal")
    if wal.exists():  # normally checkpointed away when the last connection closed
        shutil.copyfile(wal, target.with_name(target.name + "-wal"))
    return f"sqlite:///{target}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A migrated, empty database URL, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        yield request.getfixturevalue("sqlite_url")
        return
    server, template = request.getfixturevalue("_postgres_template")
    database = f"yst_{uuid4().hex}"
    _in_thread(_admin, server, f'CREATE DATABASE "{database}" TEMPLATE "{template}"')
    try:
        yield _database_url(server, database)
    finally:
        _in_thread(_drop, server, database)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no tables at all (for migrating step by step), once on SQLite and once
    on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/empty.db"
        return
    server, _template = request.getfixturevalue("_postgres_template")  # fails when unreachable
    database = f"yst_{uuid4().hex}"
    _in_thread(_admin, server, f'CREATE DATABASE "{database}"')
    try:
        yield _database_url(server, database)
    finally:
        _in_thread(_drop, server, database)
