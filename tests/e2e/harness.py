"""End-to-end harness: the Bot API sandbox in the test process, the bot as a real OS process.

The bot runs as ``python -m yishitang.cli run`` against the sandbox (with fault injection, see
bot/sandbox/faults.py) and a database of the test's own, so a test can ``kill -9`` it at any
moment and start a new process on the same database. State is read back through the project's
own code (``load_record``, ``view_queue``, the inbox).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import os
import shutil
import signal
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from bot.sandbox import RunningSandbox, Sandbox, SandboxChat, SandboxUser
from bot.sandbox.faults import Faults, running_sandbox_with_faults
from facilitation.floor import QueueView, view_queue
from facilitation.record import SessionRecord, load_record
from storage.engine import make_engine
from storage.inbox import Inbox
from storage.uow import make_session_factory, make_uow_factory
from yishitang.stage import free_port

JSON = dict[str, Any]
TOKEN = "7000000001:E2E"
BOT_USERNAME = "yishitang_bot"
REPO = Path(__file__).resolve().parents[2]
READY_TIMEOUT = 30.0
REPLY_TIMEOUT = 10.0
UNUSED_ASR_URL = "http://127.0.0.1:9"  # the discard port: nothing listens
POLL_INTERVAL = 0.002  # only to watch the bot's database from outside the process
# Should the test process itself be killed, its bots die with it (util-linux, when present).
DIE_WITH_PARENT = ["setpriv", "--pdeathsig", "KILL", "--"] if shutil.which("setpriv") else []


def group_members(pgid: int) -> list[int]:
    """The live processes of a process group (Linux /proc; zombies excluded)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        state, _ppid, pgrp = stat.rsplit(")", 1)[1].split()[:3]
        if int(pgrp) == pgid and state != "Z":
            members.append(int(entry.name))
    return members


def started_by_a_bot(pid: int) -> bool:
    """Whether the process inherited the environment these tests give the bot."""
    try:
        environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    except OSError:
        return False
    return f"YISHITANG_TELEGRAM_TOKEN={TOKEN}".encode() in environ


def command_lines(pids: list[int]) -> list[str]:
    lines = []
    for pid in pids:
        with contextlib.suppress(OSError):
            raw = Path(f"/proc/{pid}/cmdline").read_bytes()
            lines.append(raw.replace(b"\0", b" ").decode(errors="replace").strip())
    return lines


def text_of(message: JSON) -> str:
    return str(message.get("text") or message.get("caption") or "")


class BotProcess:
    """`yishitang run` in a child process; every generation is killed by the fixture at the end."""

    def __init__(self, sandbox: Sandbox, root_url: str, db_url: str, data_dir: Path,
                 *, remote_asr: bool = True) -> None:  # fmt: skip
        self.sandbox = sandbox
        self.data_dir = data_dir
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("YISHITANG_")}
        self.env.update(
            YISHITANG_TELEGRAM_TOKEN=TOKEN,
            YISHITANG_TELEGRAM_API_URL=root_url,
            YISHITANG_DATA_DIR=str(data_dir),
            YISHITANG_DATABASE_URL=db_url,
            YISHITANG_RATE_LIMIT="false",
            YISHITANG_POLL_TIMEOUT="5",
            # the web app beside the bot, as in production, on a port of its own (not 8080:
            # the suite runs on every core, and another worker's bot may hold that one)
            YISHITANG_WEB_PORT=str(free_port()),
        )
        if remote_asr and importlib.util.find_spec("transcripts.http_engine") is not None:
            # A remote speech engine starts with nothing to load: restarts take a second, not
            # the Whisper model's load. These tests send no audio, so it is never called.
            self.env["YISHITANG_ASR_URL"] = UNUSED_ASR_URL
        self.processes: list[asyncio.subprocess.Process] = []
        self._logs: list[IO[str]] = []

    @property
    def current(self) -> asyncio.subprocess.Process:
        assert self.processes, "the bot was never started"
        return self.processes[-1]

    @property
    def running(self) -> bool:
        return bool(self.processes) and self.current.returncode is None

    async def start(self) -> None:
        """Spawn a new process; return once it is up (its first setMyCommands: it then drains
        the inbox it inherited and polls)."""
        assert not self.running, "kill the running bot first"
        since = len(self.sandbox.calls)
        log_path = self.data_dir / f"bot-{len(self.processes) + 1}.log"
        log = log_path.open("w", encoding="utf-8")
        self._logs.append(log)
        process = await asyncio.create_subprocess_exec(
            *DIE_WITH_PARENT, sys.executable, "-m", "yishitang.cli", "run",
            env=self.env, cwd=REPO, stdin=asyncio.subprocess.DEVNULL, stdout=log,
            stderr=asyncio.subprocess.STDOUT, start_new_session=True,  # its own process group
        )  # fmt: skip
        self.processes.append(process)

        def published(sb: Sandbox) -> bool:
            return any(c.method == "setMyCommands" for c in sb.calls[since:])

        ready = asyncio.ensure_future(self.sandbox.wait_for(published, READY_TIMEOUT))
        exited = asyncio.ensure_future(process.wait())
        await asyncio.wait({ready, exited}, return_when=asyncio.FIRST_COMPLETED)
        if not ready.done():
            ready.cancel()
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await ready
            raise AssertionError(f"the bot exited with {process.returncode}:\n{self.logs()}")
        exited.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await exited
        ready.result()  # raises TimeoutError with the sandbox's recent calls

    async def kill(self) -> None:
        """SIGKILL the bot's process, as a crash or the OOM killer would: no shutdown code of
        the bot runs (processes it started are left to fend for themselves)."""
        process = self.current
        if process.returncode is None:
            os.kill(process.pid, signal.SIGKILL)
        await process.wait()
        assert process.returncode == -signal.SIGKILL, f"the bot had exited already:\n{self.logs()}"

    async def left_behind(self, pid: int, timeout: float = 3.0) -> list[str]:  # noqa: ASYNC109
        """The command lines of processes of ``pid``'s group still alive after ``timeout``
        (polled: they may be on their way out)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            members = group_members(pid)
            if not members or loop.time() > deadline:
                return command_lines(members)
            await asyncio.sleep(POLL_INTERVAL)

    async def restart(self) -> None:
        await self.kill()
        await self.start()

    async def stop_all(self) -> None:
        """The fixture's finalizer: no process outlives its test, be it a bot or a process a
        bot started (found in its process group, and known by the bot's token it inherited)."""
        for process in self.processes:
            if process.returncode is None:
                os.kill(process.pid, signal.SIGKILL)
            await process.wait()
            for member in group_members(process.pid):
                if started_by_a_bot(member):
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(member, signal.SIGKILL)
        for log in self._logs:
            log.close()

    def logs(self) -> str:
        parts = []
        for index in range(1, len(self.processes) + 1):
            path = self.data_dir / f"bot-{index}.log"
            body = path.read_text(encoding="utf-8") if path.exists() else ""
            parts.append(f"--- bot process {index} ---\n{body[-4000:]}")
        return "\n".join(parts)


@dataclass
class World:
    """One sandbox, one bot process (restartable), one group, named people."""

    sandbox: Sandbox
    served: RunningSandbox
    faults: Faults
    bot: BotProcess
    db_url: str
    group: SandboxChat | None = None
    people: dict[str, SandboxUser] = field(default_factory=dict)

    # ------------------------------------------------------------------ acting
    def person(self, name: str) -> SandboxUser:
        if name not in self.people:
            self.people[name] = self.sandbox.add_user(name, language_code="zh-hans")
        return self.people[name]

    def open_group(self, title: str, members: list[str]) -> SandboxChat:
        self.group = self.sandbox.add_group(title, [self.person(m) for m in members],
                                            bot_is_admin=True)
        return self.group

    def private(self, name: str) -> SandboxChat:
        return self.sandbox.private_chat(self.person(name))

    def say(self, name: str, text: str, chat: SandboxChat | None = None) -> JSON:
        target = chat or self.group
        assert target is not None, "open_group first"
        return self.sandbox.send_text(self.person(name), target, text)

    async def ask(self, name: str, text: str, chat: SandboxChat | None = None) -> str:
        """Send and return the text of the bot's reply to that message."""
        sent = self.say(name, text, chat)
        return text_of(await self.sandbox.wait_for_reply(sent, timeout=REPLY_TIMEOUT))

    # ------------------------------------------------------------------ observing the chat
    def replies_to(self, message: JSON) -> list[JSON]:
        """Every bot message that quotes ``message``."""
        return [
            m for m in self.sandbox.messages(message["chat"]["id"])
            if (m.get("reply_to_message") or {}).get("message_id") == message["message_id"]
        ]  # fmt: skip

    def bot_texts(self, chat: SandboxChat | None = None, contains: str = "") -> list[str]:
        target = chat or self.group
        assert target is not None
        return [text_of(m) for m in self.sandbox.messages(target) if contains in text_of(m)]

    def fresh_polls(self) -> list[list[int]]:
        """The update_ids each new process got from its first getUpdates, the one without an
        offset: every update Telegram still holds unconfirmed, handled or not."""
        return [
            [update["update_id"] for update in call.result or []]
            for call in self.sandbox.calls_to("getUpdates")
            if call.ok and call.param("offset") is None
        ]  # fmt: skip

    # ------------------------------------------------------------------ reading the database
    async def record(self) -> SessionRecord:
        assert self.group is not None
        engine = make_engine(self.db_url)
        try:
            return await load_record(make_uow_factory(engine)(), chat_id=self.group.id)
        finally:
            await engine.dispose()

    async def queue(self) -> QueueView:
        assert self.group is not None
        engine = make_engine(self.db_url)
        try:
            return await view_queue(make_uow_factory(engine)(), chat_id=self.group.id)
        finally:
            await engine.dispose()

    async def count_contributions_until(self, at_least: int, timeout: float = 10.0) -> int:  # noqa: ASYNC109
        """Poll the database (the bot is another process) until it holds ``at_least``
        contributions of the group's session; returns the count seen (bounded loop)."""
        assert self.group is not None
        engine = make_engine(self.db_url)
        uow = make_uow_factory(engine)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        try:
            while True:
                async with uow() as work:
                    session = await work.sessions.latest(self.group.id)
                    assert session is not None and session.id is not None
                    count = await work.contributions.count(session.id)
                if count >= at_least or loop.time() > deadline:
                    return count
                await asyncio.sleep(POLL_INTERVAL)
        finally:
            await engine.dispose()

    async def unprocessed_updates(self, timeout: float = 5.0) -> list[int]:  # noqa: ASYNC109
        """Stored updates the bot has not marked processed, once none is left or ``timeout``
        passed (an update that only read, like /queue, is marked after its reply went out)."""
        engine = make_engine(self.db_url)
        inbox = Inbox(make_session_factory(engine))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        try:
            while True:
                pending = [update_id for update_id, _ in await inbox.pending(limit=1000)]
                if not pending or loop.time() > deadline:
                    return pending
                await asyncio.sleep(POLL_INTERVAL)
        finally:
            await engine.dispose()


@contextlib.asynccontextmanager
async def running_world(
    db_url: str, data_dir: Path, *, remote_asr: bool = True
) -> AsyncIterator[World]:
    """A served sandbox with the bot registered, and the bot process started on ``db_url``
    (``data_dir``, an existing directory, gets the bot's files and logs)."""
    sandbox = Sandbox()
    sandbox.add_bot(TOKEN, BOT_USERNAME, "议事堂助手", can_read_all_group_messages=True)
    async with running_sandbox_with_faults(sandbox) as (served, faults):
        bot = BotProcess(sandbox, served.root_url, db_url, data_dir, remote_asr=remote_asr)
        try:
            await bot.start()
            yield World(sandbox, served, faults, bot, db_url)
        finally:
            faults.release_all()
            await bot.stop_all()
