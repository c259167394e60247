"""`yishitang run` with a broken configuration: one line that says what to do, a documented
exit code, never a traceback, never the token (issue 10, point 1).

Each case runs the real command in a child process, against the Bot API sandbox in this process
where it needs Telegram, with a working directory of its own (so ./.env is the test's).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sqlite3
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from uuid import uuid4

import pytest
from sqlalchemy.engine import make_url

from bot.sandbox import Sandbox
from bot.sandbox.faults import Faults, running_sandbox_with_faults
from tests.conftest import DEFAULT_POSTGRES_URL
from tests.e2e.harness import DIE_WITH_PARENT, READY_TIMEOUT, REPLY_TIMEOUT, REPO
from yishitang.stage import free_port

TOKEN = "7000000002:STARTUP-SECRET-TOKEN"
REJECTED = "7000000999:REVOKED-SECRET-TOKEN"  # the sandbox does not know it: 401
PASSWORD = "hunter2"
EXIT_TIMEOUT = 60.0


@dataclass
class Sandboxed:
    sandbox: Sandbox
    root_url: str
    faults: Faults


@pytest.fixture
async def served() -> AsyncIterator[Sandboxed]:
    sandbox = Sandbox()
    sandbox.add_bot(TOKEN, "yishitang_bot", "议事堂助手", can_read_all_group_messages=True)
    async with running_sandbox_with_faults(sandbox) as (running, faults):
        yield Sandboxed(sandbox, running.root_url, faults)


def base_env(root_url: str, data_dir: Path) -> dict[str, str]:
    """The test process's environment without our settings or a proxy, and a bot that works."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("YISHITANG_") and not k.lower().endswith("_proxy")}
    env.update(PYTHONPATH=str(REPO), YISHITANG_TELEGRAM_TOKEN=TOKEN,
               YISHITANG_TELEGRAM_API_URL=root_url, YISHITANG_DATA_DIR=str(data_dir),
               YISHITANG_STARTUP_ATTEMPTS="3", YISHITANG_RATE_LIMIT="false",
               YISHITANG_POLL_TIMEOUT="1",
               # its web app on a port of its own, not 8080 (another worker's bot may hold it)
               YISHITANG_WEB_PORT=str(free_port()),
               YISHITANG_ASR_URL="http://127.0.0.1:9")  # no audio here: no model to load
    return env


@dataclass
class Child:
    """`yishitang run` in a child process, its output going to files (never a full pipe)."""

    process: asyncio.subprocess.Process
    out: Path
    err: Path


async def spawn(env: dict[str, str], cwd: Path) -> Child:
    out, err = cwd / f"stdout-{uuid4().hex[:6]}.txt", cwd / f"stderr-{uuid4().hex[:6]}.txt"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = await asyncio.create_subprocess_exec(
            *DIE_WITH_PARENT, sys.executable, "-m", "yishitang.cli", "run", env=env, cwd=cwd,
            stdin=asyncio.subprocess.DEVNULL, stdout=stdout, stderr=stderr,
            start_new_session=True)
    return Child(process, out, err)


async def finished(child: Child) -> tuple[int, str, str]:
    """Its exit code, stdout and stderr, once it ended by itself (or a SIGTERM sent)."""
    try:
        code = await asyncio.wait_for(child.process.wait(), EXIT_TIMEOUT)
    except TimeoutError:
        child.process.kill()
        await child.process.wait()
        raise AssertionError(f"still running after {EXIT_TIMEOUT} s:\n"
                             f"{child.err.read_text()}") from None
    return code, child.out.read_text(), child.err.read_text()


@contextlib.asynccontextmanager
async def running_bot(env: dict[str, str], cwd: Path, sandbox: Sandbox
                      ) -> AsyncIterator[Child]:
    """The bot up: it polls (so its SIGTERM handler is in place); SIGTERM on the way out,
    after which it must end by itself (``finished``)."""
    child = await spawn(env, cwd)
    try:
        ready = asyncio.ensure_future(
            sandbox.wait_for_call("getUpdates", timeout=READY_TIMEOUT))
        exited = asyncio.ensure_future(child.process.wait())
        await asyncio.wait({ready, exited}, return_when=asyncio.FIRST_COMPLETED)
        exited.cancel()
        if not ready.done():
            ready.cancel()
            raise AssertionError(f"the bot exited at start:\n{child.err.read_text()}")
        ready.result()
        yield child
    finally:
        if child.process.returncode is None:
            child.process.send_signal(signal.SIGTERM)


# ---------------------------------------------------------------------------- the table
@dataclass(frozen=True)
class Broken:
    env: dict[str, str]
    code: int  # README, "Exit codes"
    says: str  # in the one line
    dotenv: str = ""  # ./.env of the working directory
    get_me: int | None = None  # getMe calls the sandbox must have seen (no retry)
    extra: dict[str, str] = field(default_factory=dict)


def _pg_missing() -> str:
    server = os.environ.get("YISHITANG_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    missing = make_url(server).set(database=f"yst_missing_{uuid4().hex[:12]}")
    return missing.render_as_string(hide_password=False)


T = "YISHITANG_"
CASES = {
    "no token": Broken({T + "TELEGRAM_TOKEN": ""}, 2, "YISHITANG_TELEGRAM_TOKEN is not set"),
    "not a token": Broken({T + "TELEGRAM_TOKEN": "SECRET-TOKEN-WITHOUT-ID"}, 2,
                          "YISHITANG_TELEGRAM_TOKEN: this is not a bot token"),
    "rejected token": Broken({T + "TELEGRAM_TOKEN": REJECTED}, 3,
                             "Telegram rejected the bot token (Unauthorized)", get_me=1),
    "API unreachable": Broken({T + "TELEGRAM_API_URL": "http://127.0.0.1:9",
                               T + "STARTUP_ATTEMPTS": "1"}, 4,
                              "cannot reach the Bot API at http://127.0.0.1:9"),
    "API URL no URL": Broken({T + "TELEGRAM_API_URL": "api.telegram.org"}, 2,
                             "YISHITANG_TELEGRAM_API_URL='api.telegram.org': not a URL"),
    "API URL not a Bot API": Broken({T + "TELEGRAM_API_URL": "{api}/nothing-here"}, 4,
                                    "'Not Found (404)' for this bot: is "
                                    "YISHITANG_TELEGRAM_API_URL a Bot API server's root?"),
    "API URL with /bot": Broken({T + "TELEGRAM_API_URL": "{api}/bot"}, 2, "without /bot"),
    "SOCKS proxy": Broken({"ALL_PROXY": "socks5://127.0.0.1:9"}, 2, "is a SOCKS proxy"),
    "database URL garbage": Broken({T + "DATABASE_URL": "localhost:5432"}, 2,
                                   "YISHITANG_DATABASE_URL: not a database URL"),
    "database URL mysql": Broken({T + "DATABASE_URL": f"mysql://root:{PASSWORD}@db/y"}, 2,
                                 "unsupported database URL mysql://root:***@db/y"),
    "database unreachable": Broken(
        {T + "DATABASE_URL": f"postgresql://postgres:{PASSWORD}@127.0.0.1:9/yishitang",
         T + "STARTUP_ATTEMPTS": "1"}, 5,
        "cannot reach the database postgresql://postgres:***@127.0.0.1:9/yishitang"),
    "database missing": Broken({T + "DATABASE_URL": "{pg_missing}"}, 5, "does not exist"),
    "database newer": Broken({T + "DATABASE_URL": "{newer}"}, 5,
                             "is at schema revision 9999, which this version does not know"),
    "data dir is a file": Broken({T + "DATA_DIR": "{tmp}/a-file"}, 6,
                                 "is a file, not a directory"),
    "data dir unwritable": Broken({T + "DATA_DIR": "{tmp}/a-file/data"}, 6, "is not writable"),
    "staff ids": Broken({T + "STAFF_USER_IDS": "@alice,@bob"}, 2,
                        "YISHITANG_STAFF_USER_IDS='@alice,@bob': '@alice' is not a Telegram "
                        "user id"),
    "staff ids JSON": Broken({T + "STAFF_USER_IDS": "[123, 456"}, 2, "not a JSON list"),
    "log level": Broken({T + "LOG_LEVEL": "verbose"}, 2,
                        "YISHITANG_LOG_LEVEL='verbose': not a log level"),
    "time zone": Broken({T + "TIMEZONE": "Beijing"}, 2,
                        "YISHITANG_TIMEZONE='Beijing': unknown time zone"),
    "turn seconds": Broken({T + "TURN_SECONDS": "3 minutes"}, 2,
                           "YISHITANG_TURN_SECONDS='3 minutes': input should be a valid "
                           "integer"),
    "language": Broken({T + "LANGUAGE": "fr"}, 2, "language must be zh or en"),
    "from .env": Broken({}, 2, "YISHITANG_LOG_LEVEL='loud': not a log level",
                        dotenv="YISHITANG_LOG_LEVEL=loud\n"),
}


@pytest.mark.parametrize("case", [
    pytest.param(c, id=name, marks=[pytest.mark.postgres] if "pg_" in str(c.env) else [])
    for name, c in CASES.items()])
async def test_a_broken_configuration_is_one_line(case: Broken, served: Sandboxed,
                                                  tmp_path: Path, sqlite_url: str) -> None:
    (tmp_path / "a-file").write_text("not a directory")
    places = {"api": served.root_url, "tmp": str(tmp_path), "newer": sqlite_url,
              "pg_missing": _pg_missing() if "pg_missing" in str(case.env) else ""}
    if "{newer}" in str(case.env):
        with contextlib.closing(sqlite3.connect(make_url(sqlite_url).database or "")) as db:
            db.execute("UPDATE alembic_version SET version_num = '9999'")
            db.commit()
    env = base_env(served.root_url, tmp_path / "data")
    env.update({k: v.format(**places) for k, v in case.env.items()})
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    if case.dotenv:
        (cwd / ".env").write_text(case.dotenv)

    code, out, err = await finished(await spawn(env, cwd))

    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("yishitang: ") and case.says in lines[0], lines[0]
    assert code == case.code, err
    assert out == "" and "Traceback" not in err
    for secret in (TOKEN, REJECTED, PASSWORD, "SECRET"):
        assert secret not in err
    if case.get_me is not None:
        assert len(served.sandbox.calls_to("getMe")) == case.get_me


# ---------------------------------------------------------------------------- what goes right
async def test_a_webhook_left_on_the_token_is_deleted_and_its_updates_kept(
        served: Sandboxed, tmp_path: Path) -> None:
    sandbox = served.sandbox
    sandbox.bot.webhook_url = "https://old.example.org/hook/SECRET-PATH"
    alice = sandbox.add_user("Alice", language_code="en")
    waiting = sandbox.send_text(alice, sandbox.private_chat(alice), "/whoami")  # held for us

    async with running_bot(base_env(served.root_url, tmp_path / "data"), tmp_path,
                           sandbox) as child:
        reply = await sandbox.wait_for_reply(waiting, timeout=REPLY_TIMEOUT)
    code, _, err = await finished(child)

    assert f"your Telegram user id is {alice.id}" in reply["text"]
    deleted = sandbox.calls_to("deleteWebhook")
    assert len(deleted) == 1
    assert str(deleted[0].param("drop_pending_updates")).lower() in ("none", "false")
    warnings = [line for line in err.splitlines() if " WARNING " in line]
    assert len(warnings) == 1 and "deleted the webhook to old.example.org" in warnings[0], err
    assert "SECRET-PATH" not in err and "Traceback" not in err  # the webhook's path
    assert "Running upgrade" in err  # migrations are worth a line each; alembic's chatter not
    assert "alembic.runtime.plugins" not in err and "Context impl" not in err
    assert code == 0


async def test_a_network_hiccup_at_start_is_retried(served: Sandboxed, tmp_path: Path) -> None:
    first = served.faults.hold("getMe", when="before")  # answered 502 once released
    child = await spawn(base_env(served.root_url, tmp_path / "data"), tmp_path)
    try:
        await first.wait(timeout=READY_TIMEOUT)
        first.release()
        await served.sandbox.wait_for_call("getUpdates", timeout=READY_TIMEOUT)
    finally:
        if child.process.returncode is None:
            child.process.send_signal(signal.SIGTERM)
    code, _, err = await finished(child)

    retried = [line for line in err.splitlines() if "cannot reach the Bot API" in line]
    assert len(retried) == 1 and "Bad Gateway" in retried[0], err
    assert "attempt 2 of 3 in 1 s" in retried[0]
    assert len(served.sandbox.calls_to("getMe")) >= 2
    assert code == 0 and "Traceback" not in err


async def test_the_token_is_masked_even_in_debug_logs(served: Sandboxed, tmp_path: Path) -> None:
    env = base_env(served.root_url, tmp_path / "data") | {"YISHITANG_LOG_LEVEL": "debug"}
    async with running_bot(env, tmp_path, served.sandbox) as child:
        pass
    code, _, err = await finished(child)
    assert " DEBUG " in err and f"{served.root_url}/bot<secret>" in err  # PTB logs its URL
    assert TOKEN not in err and TOKEN.split(":")[1] not in err
    assert code == 0
