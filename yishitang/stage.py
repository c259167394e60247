"""A stage for the real bot: the local Bot API sandbox, a database, and people to act.

Used by `yishitang demo`, the bot tests and the benchmarks: the bot runs exactly as in
production (python-telegram-bot over HTTP, the durable poller, the timekeeper), only the
Bot API server is our own sandbox on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from bot.sandbox import RunningSandbox, Sandbox, SandboxChat, SandboxUser, running_sandbox
from facilitation.speech import Transcriber
from yishitang.bootstrap import Runtime, build_runtime, new_session_code, running
from yishitang.settings import Settings

JSON = dict[str, Any]
BOT_TOKEN = "7000000001:STAGE-TOKEN"
BOT_USERNAME = "yishitang_bot"


class ShiftableClock:
    """Wall-clock time that a script can move forward (to show timers without waiting)."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, seconds: float) -> datetime:
        self.offset += timedelta(seconds=seconds)
        return self()


def stage_settings(data_dir: Path, root_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "telegram_token": SecretStr(BOT_TOKEN), "telegram_api_url": root_url,
        "data_dir": data_dir, "rate_limit": False, "poll_timeout": 10,
        "web_port": 0,  # no web app unless asked for (a port of its own: web_port=...)
    }
    values.update(overrides)
    return Settings(**values)



def free_port() -> int:
    """A port free on 127.0.0.1 now (for the web app beside the bot: the demo, the tests)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Stage:
    sandbox: Sandbox
    served: RunningSandbox
    runtime: Runtime
    clock: ShiftableClock
    group: SandboxChat | None = None
    people: dict[str, SandboxUser] = field(default_factory=dict)

    def person(self, name: str, language: str = "zh-hans",
               user_id: int | None = None) -> SandboxUser:
        if name not in self.people:
            self.people[name] = self.sandbox.add_user(name, language_code=language,
                                                      user_id=user_id)
        return self.people[name]

    def open_group(self, title: str, members: list[str], *, admin: bool = True) -> SandboxChat:
        self.group = self.sandbox.add_group(title, [self.person(m) for m in members],
                                            bot_is_admin=admin)
        return self.group

    def say(self, name: str, text: str, chat: SandboxChat | None = None) -> JSON:
        """``name`` sends ``text`` (to the group unless a chat is given)."""
        target = chat or self.group
        assert target is not None, "open_group first"
        return self.sandbox.send_text(self.person(name), target, text)

    def private(self, name: str) -> SandboxChat:
        return self.sandbox.private_chat(self.person(name))

    async def ask(self, name: str, text: str, chat: SandboxChat | None = None,
                  timeout: float = 10.0) -> JSON:  # noqa: ASYNC109
        """Send and wait for the bot's reply to that message."""
        sent = self.say(name, text, chat)
        return await self.sandbox.wait_for_reply(sent, timeout=timeout)

    async def press(self, name: str, message: JSON, data: str,
                    timeout: float = 10.0) -> str:  # noqa: ASYNC109
        """Press an inline button; returns the text of the bot's answer to the callback."""
        query_id = self.sandbox.press_button(self.person(name), message, data)
        call = await self.sandbox.wait_for_call(
            "answerCallbackQuery", lambda c: str(c.param("callback_query_id")) == query_id,
            timeout=timeout)
        return str(call.param("text") or "")

    async def settled(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until the bot took every update and handled every stored one, and the live
        board has caught up with them."""
        await self.sandbox.wait_for_updates_consumed(timeout=timeout)
        await asyncio.wait_for(self.runtime.poller.wait_handled(), timeout)
        if self.runtime.board is not None:  # and the live board followed (bot/board.py)
            await asyncio.wait_for(self.runtime.board.idle.wait(), timeout)


@contextlib.asynccontextmanager
async def staged(data_dir: Path, *, database_url: str | None = None,
                 can_read_all: bool = True, transcriber: Transcriber | None = None,
                 **overrides: Any) -> AsyncIterator[Stage]:
    """A running sandbox with the real bot polling it, on a database in ``data_dir``."""
    sandbox = Sandbox()
    sandbox.add_bot(BOT_TOKEN, BOT_USERNAME, "议事堂助手", can_read_all_group_messages=can_read_all)
    clock = ShiftableClock()
    async with running_sandbox(sandbox) as served:
        settings = stage_settings(data_dir, served.root_url, database_url=database_url,
                                  **overrides)
        runtime = await build_runtime(settings, clock=clock, new_code=new_session_code,
                                      transcriber=transcriber)
        async with running(runtime):
            yield Stage(sandbox, served, runtime, clock)
