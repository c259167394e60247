"""Part (b) of bench/web_screen.py: the roundtable burst (bench/roundtable_load.py) against the
bot serving its web app, with screen streams open on that same process; and what both parts
share (the bot's settings, its screen link)."""

from __future__ import annotations

import asyncio
import contextlib
import re
import socket
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import roundtable_load as rt
from bench.sse_clients import clients

JSON = dict[str, Any]
LINK = re.compile(r"/s/([A-Za-z0-9_-]+)")


class NoTranscriber:
    """No voice in these runs: spares each run the speech model's loading (seconds of CPU)."""

    engine, model = "none", "none"

    async def start(self) -> None: ...
    async def close(self) -> None: ...

    async def transcribe(self, *_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("no voice in this benchmark")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def settings_for(root_url: str, workdir: Path, database_url: str | None,
                 **changes: Any) -> Any:
    """Production settings but for the sandbox, the data folder and ``changes``."""
    from pydantic import SecretStr

    from yishitang.settings import Settings

    return Settings(telegram_token=SecretStr(rt.TOKEN), telegram_api_url=root_url,
                    data_dir=workdir / "data", database_url=database_url, **changes)


async def screen_code(sandbox: rt.SandboxProcess, group: rt.Group) -> str:
    """The moderator's /screen; the code of the link in the bot's answer."""
    await sandbox.call("POST", "send_texts", [
        {"user_id": group.moderator_id, "chat_id": group.chat_id, "text": "/screen"}])
    await sandbox.call("POST", "wait_replied", {"timeout": 30}, timeout=60.0)
    for message in reversed(await rt.bot_messages(sandbox, group)):
        if found := LINK.search(str(message.get("text") or "")):
            return found.group(1)
    raise RuntimeError(f"no screen link in the bot's answers\n{sandbox.stderr_tail()}")


async def burst(n: int, streams: int, timeout: float) -> tuple[rt.Figures, JSON]:  # noqa: ASYNC109
    """The roundtable burst against the bot with its web app and ``streams`` screens open:
    its figures (as bench/roundtable_load.py measures them) and what the screens received."""
    from yishitang.bootstrap import build_runtime, running

    with tempfile.TemporaryDirectory(prefix="bench-web-load-") as tmp:
        workdir = Path(tmp)
        async with rt.sandbox_process(workdir) as sandbox:
            group = await rt.make_group(sandbox, n)
            port = free_port()
            settings = settings_for(sandbox.root_url, workdir, None, rate_limit=False,
                                    poll_timeout=10, web_port=port,
                                    web_url=f"http://127.0.0.1:{port}")
            runtime = await build_runtime(settings, transcriber=NoTranscriber())
            database_file = (settings.data_dir / "yishitang.db").resolve()
            async with running(runtime):
                await rt.open_session(sandbox, group)
                url = f"http://127.0.0.1:{port}/s/{await screen_code(sandbox, group)}/events"
                opened = clients(url, streams) if streams else contextlib.nullcontext()
                async with opened as screens:
                    await sandbox.call("POST", "reset_stats")
                    messages = [{"user_id": uid, "chat_id": group.chat_id, "text": text}
                                for text in rt.WAVES for uid in group.user_ids]
                    cpu0, sandbox_cpu0 = time.process_time(), sandbox.cpu_seconds()
                    clients_cpu0 = screens.cpu_seconds() if screens is not None else None
                    sent = await sandbox.call("POST", "send_texts", {"messages": messages},
                                              timeout=60.0)
                    await rt.wait_acknowledged(sandbox, group, n, timeout, sent)
                    bot_cpu = time.process_time() - cpu0
                    sandbox_cpu1 = sandbox.cpu_seconds()
                    clients_cpu1 = screens.cpu_seconds() if screens is not None else None
                    stats = await sandbox.call("GET", "stats")
                    acked = rt.acknowledged_ns(stats["messages"],
                                               await rt.bot_messages(sandbox, group),
                                               group.names, n)
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(runtime.poller.wait_handled(), 30.0)
                    checks = rt.check_database(database_file, group)
                    seen = await screens.summary() if screens is not None else {}
    sandbox_cpu = (None if sandbox_cpu0 is None or sandbox_cpu1 is None
                   else sandbox_cpu1 - sandbox_cpu0)
    figures = rt.figures_from_stats(f"{streams} streams", n, stats["messages"], acked,
                                    bot_cpu, sandbox_cpu)
    figures.checks = checks
    if clients_cpu0 is not None and clients_cpu1 is not None:
        seen["cpu_s"] = clients_cpu1 - clients_cpu0  # the clients', on the same cores
    if seen:  # every screen followed the burst to its end: the queue's head is shown
        seen["followed"] = seen["last_agree"] and group.user_ids[0] in [
            group.names.get(w) for w in re.findall(r"居民\d+", seen.pop("last"))]
    return figures, seen
