"""storage.availability.unavailable on the errors real databases raise: an outage (SQLite
locked by another connection, a PostgreSQL connection terminated or refused) is one, a
mistake in a statement or a refused Telegram request is not."""

from __future__ import annotations

import errno
import os
import socket
import sqlite3
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from telegram.error import NetworkError

import storage.engine
from storage.availability import unavailable
from storage.engine import make_engine
from tests.conftest import DEFAULT_POSTGRES_URL

POSTGRES = os.environ.get("YISHITANG_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


async def raised(url: str, *statements: str) -> BaseException:
    """The error the statements raise, each in a transaction of its own."""
    engine = make_engine(url)
    try:
        for statement in statements:
            async with engine.begin() as connection:
                await connection.execute(text(statement))
    except Exception as error:
        return error
    finally:
        await engine.dispose()
    raise AssertionError("no error")


async def test_sqlite_locked_by_another_connection_is_an_outage(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(storage.engine, "BUSY_TIMEOUT_MS", 50)
    path = tmp_path / "y.db"
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # as another process would: the write lock
        locked = await raised(f"sqlite:///{path}", "SELECT 1")
    finally:
        other.close()
    assert "database is locked" in str(locked)
    assert unavailable(locked)


async def test_sqlite_mistakes_are_not_an_outage(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'y.db'}"
    duplicate = await raised(url, "CREATE TABLE t (x INTEGER UNIQUE)",
                             "INSERT INTO t VALUES (1)", "INSERT INTO t VALUES (1)")
    assert "UNIQUE" in str(duplicate) and not unavailable(duplicate)
    missing = await raised(url, "SELECT * FROM nowhere")
    assert "no such table" in str(missing) and not unavailable(missing)


async def test_a_terminated_postgresql_connection_is_an_outage() -> None:
    db_url = POSTGRES  # only our own connection is terminated, and nothing is written
    engine = make_engine(db_url)
    try:
        async with engine.connect() as connection:
            pid = (await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one()
            async with engine.connect() as killer:
                await killer.execute(text(f"SELECT pg_terminate_backend({pid})"))
            with pytest.raises(Exception) as dropped:
                await connection.execute(text("SELECT 1"))
        assert unavailable(dropped.value), repr(dropped.value)
        async with engine.connect() as connection:  # the pool replaced it: the bot goes on
            assert (await connection.execute(text("SELECT 1"))).scalar_one() == 1
        mistake = await raised(db_url, "SELECT * FROM nowhere")
        assert "nowhere" in str(mistake) and not unavailable(mistake)
    finally:
        await engine.dispose()


async def test_a_refused_postgresql_connection_is_an_outage() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = make_url(POSTGRES).set(port=port).render_as_string(hide_password=False)
    refused = await raised(url, "SELECT 1")
    assert isinstance(refused, ConnectionRefusedError)
    assert unavailable(refused)


def test_telegram_and_file_errors_are_not_database_outages() -> None:
    try:
        try:
            raise httpx.ConnectError("refused") from ConnectionRefusedError(111, "refused")
        except httpx.ConnectError as cause:
            raise NetworkError("httpx.ConnectError: refused") from cause
    except NetworkError as error:
        assert not unavailable(error)
    assert not unavailable(FileNotFoundError(2, "No such file", "a.ogg"))
    assert not unavailable(PermissionError(13, "Permission denied"))
    assert unavailable(OSError(errno.EHOSTUNREACH, "No route to host"))
