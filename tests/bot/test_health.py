"""bot/health.py: outages logged once each way, the health file and what `yishitang health`
reads from it, the backoff, and a use case retried through an outage."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import time
from pathlib import Path

import pytest

from bot.health import (
    HEALTH_FILE,
    Backoff,
    Health,
    describe,
    health_problem,
    until_available,
)
from yishitang.cli import main


class Locked(Exception):
    """What storage would call an outage, in these tests."""


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def outage(error: BaseException) -> bool:
    return isinstance(error, Locked)


def test_an_outage_is_logged_once_when_it_begins_and_once_when_it_ends(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock()
    path = tmp_path / HEALTH_FILE
    health = Health(path, unavailable=outage, now=clock)
    health.database_up()
    assert health_problem(path, clock.now) is None
    with caplog.at_level(logging.INFO, logger="bot.health"):
        for where in ("poller", "timekeeper", "poller"):
            clock.now += 1
            health.database_down(Locked("database is locked"), where)
        assert not health.healthy
        clock.now += 11
        assert health_problem(path, clock.now) == \
            "the database has been unavailable for 13 s (Locked: database is locked)"
        health.database_up()
        health.database_up()
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        ("WARNING", "the database is unavailable (Locked: database is locked, seen by the "
                    "poller): retrying until it is back"),
        ("INFO", "the database is available again, after 13.0 s")]
    assert health.healthy and health_problem(path, clock.now) is None


def test_the_file_is_written_at_most_every_few_seconds_but_at_once_on_a_change(
        tmp_path: Path) -> None:
    clock = Clock()
    path = tmp_path / HEALTH_FILE
    health = Health(path, now=clock, every_s=5.0)
    health.polled()
    first = json.loads(path.read_text())
    assert first["healthy"] and first["last_poll"] == "2027-01-15T08:00:00+00:00"
    assert first["last_database_ok"] is None and first["pid"] == os.getpid()
    clock.now += 1
    health.database_up()
    assert json.loads(path.read_text()) == first  # too soon
    clock.now += 1
    health.database_down(Locked("locked"), "scribe")  # a change: written now
    down = json.loads(path.read_text())
    assert not down["healthy"] and down["database_down_since"] == "2027-01-15T08:00:02+00:00"
    assert down["last_database_ok"] == "2027-01-15T08:00:01+00:00"
    assert down["database_error"] == "Locked: locked"
    clock.now += 5
    health.polled()
    assert json.loads(path.read_text())["last_poll"] == "2027-01-15T08:00:07+00:00"
    assert [p.name for p in tmp_path.iterdir()] == [HEALTH_FILE]  # no partial file left


def test_a_file_that_cannot_be_written_is_logged_once_and_never_raised(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    health = Health(tmp_path / "gone" / HEALTH_FILE, unavailable=outage)
    with caplog.at_level(logging.WARNING, logger="bot.health"):
        health.database_down(Locked("locked"), "poller")
        health.database_up()
    assert [r.getMessage()[:12] for r in caplog.records] == ["the database", "cannot write"]


def test_what_is_not_a_health_file_is_said(tmp_path: Path) -> None:
    path = tmp_path / HEALTH_FILE
    assert health_problem(path, time.time()) is None  # the heartbeat says whether it ran
    path.write_text("{half")
    assert str(health_problem(path, time.time())).startswith(f"cannot read {path}: ")
    path.write_text('{"database_down_since": "yesterday"}')
    assert str(health_problem(path, time.time())).startswith(f"cannot read {path}: ")


def test_backoff_doubles_up_to_its_limit_and_starts_again_when_reset() -> None:
    backoff = Backoff(0.5, 30.0)
    assert [backoff.next() for _ in range(8)] == [0.5, 1, 2, 4, 8, 16, 30, 30]
    backoff.reset()
    assert backoff.next() == 0.5


async def test_a_use_case_is_run_again_until_the_outage_is_over() -> None:
    health = Health(unavailable=outage)
    attempts: list[int] = []

    async def attempt() -> str:
        attempts.append(len(attempts))
        if len(attempts) < 3:
            raise Locked("database is locked")
        return "stored"

    assert await until_available(health, "scribe", attempt, Backoff(0.001)) == "stored"
    assert attempts == [0, 1, 2] and health.healthy and health.last_database_ok is not None

    async def mistake() -> str:
        raise ValueError("not an outage")

    with pytest.raises(ValueError, match="not an outage"):
        await until_available(health, "scribe", mistake, Backoff(0.001))


def test_the_description_leaves_out_the_statement_and_its_parameters() -> None:
    class Wrapped(Exception):
        orig = sqlite3.OperationalError("database is locked")

    error = Wrapped("(sqlite3.OperationalError) database is locked\n[SQL: INSERT INTO "
                    "contributions ...]\n[parameters: ('张三的发言',)]")
    assert describe(error) == "OperationalError: database is locked"
    assert describe(ConnectionRefusedError(111, "Connect call failed")) == \
        "ConnectionRefusedError: [Errno 111] Connect call failed"


def test_the_command_is_unhealthy_during_an_outage(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("YISHITANG_DATA_DIR", str(tmp_path))
    (tmp_path / "heartbeat").touch()  # the bot polls Telegram
    health = Health(tmp_path / HEALTH_FILE, unavailable=outage)
    health.database_up()
    assert main(["health"]) == 0
    assert capsys.readouterr() == ("healthy\n", "")
    health.database_down(Locked("database is locked"), "poller")
    assert main(["health"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("unhealthy: the database has been unavailable for ")
    assert err.endswith(" s (Locked: database is locked)\n")
    health.database_up()
    assert main(["health"]) == 0
