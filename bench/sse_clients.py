"""Server-Sent Events clients for the web benchmarks (bench/web_screen.py).

``Stream``: one client in the benchmark's process, with each event's arrival time.
``python -m bench.sse_clients URL COUNT``: COUNT clients of one page in a process of their own
(their CPU is not the bot's); prints ``READY`` once every client has its first event, and
after stdin is closed waits ``--settle`` seconds and prints one JSON line: events per client
and whether their last fragments agree. ``clients(url, count)`` runs it as a child.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

READY = "READY"
NO_TIMEOUT = aiohttp.ClientTimeout(total=None, sock_read=None)


async def events(response: aiohttp.ClientResponse) -> AsyncIterator[str]:
    """The data of each event of a Server-Sent Events response, as it arrives."""
    data: list[str] = []
    async for raw in response.content:
        line = raw.decode().rstrip("\r\n")
        if line.startswith("data:"):
            data.append(line[5:].removeprefix(" "))
        elif not line and data:
            yield "\n".join(data)
            data = []


@dataclass
class Stream:
    """One client: its events as (time.perf_counter() at arrival, data)."""

    received: asyncio.Queue[tuple[float, str]] = field(default_factory=asyncio.Queue)
    count: int = 0

    async def read(self, response: aiohttp.ClientResponse) -> None:
        async for data in events(response):
            self.count += 1
            self.received.put_nowait((time.perf_counter(), data))

    def drain(self) -> str | None:
        """Forget what has arrived; the newest data, if any."""
        last = None
        while not self.received.empty():
            last = self.received.get_nowait()[1]
        return last

    async def until(self, shows: Callable[[str], bool], timeout: float) -> float | None:  # noqa: ASYNC109
        """When the first event that ``shows`` arrived; None if none did within ``timeout``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while (left := deadline - loop.time()) > 0:
            try:
                arrived, data = await asyncio.wait_for(self.received.get(), left)
            except TimeoutError:
                return None
            if shows(data):
                return arrived
        return None


@contextlib.asynccontextmanager
async def stream(url: str) -> AsyncIterator[Stream]:
    async with aiohttp.ClientSession(timeout=NO_TIMEOUT) as http, http.get(url) as response:
        response.raise_for_status()
        client = Stream()
        task = asyncio.create_task(client.read(response))
        try:
            yield client
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, aiohttp.ClientError):
                await task


# --------------------------------------------------------------------------- the child process
def cpu_seconds(pid: int) -> float | None:
    """User+system CPU time of a process so far (Linux /proc), or None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Clients:
    process: asyncio.subprocess.Process

    def cpu_seconds(self) -> float | None:
        return cpu_seconds(self.process.pid)

    async def summary(self) -> dict[str, Any]:
        """Stop the clients (close their stdin); what they received."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.close()
        line = await asyncio.wait_for(self.process.stdout.readline(), 60)
        await self.process.wait()
        found: dict[str, Any] = json.loads(line)
        return found


@contextlib.asynccontextmanager
async def clients(url: str, count: int, settle_s: float = 1.0) -> AsyncIterator[Clients]:
    """``count`` clients of ``url`` in a child process, every one with its first event."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.sse_clients", url, str(count), "--settle", str(settle_s),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), 120)).decode().strip()
        if line != READY:
            raise RuntimeError(f"the SSE clients did not start: {line!r}")
        yield Clients(process)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


@dataclass
class Tally:
    """A cheap client (the many): counts events, keeps the last one's raw text only."""

    count: int = 0
    last: bytes = b""
    first: asyncio.Event = field(default_factory=asyncio.Event)

    async def read(self, response: aiohttp.ClientResponse) -> None:
        buffer = b""
        async for chunk in response.content.iter_any():
            *ended, buffer = (buffer + chunk).split(b"\r\n\r\n")
            if ended:
                self.count += len(ended)
                self.last = ended[-1]
                self.first.set()

    def data(self) -> str:
        return "\n".join(line.decode()[6:] for line in self.last.split(b"\r\n")
                         if line.startswith(b"data: "))


async def _serve(url: str, count: int, settle_s: float) -> dict[str, Any]:
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector, timeout=NO_TIMEOUT) as http:
        tallies = [Tally() for _ in range(count)]
        responses = [await http.get(url) for _ in range(count)]
        tasks = [asyncio.create_task(t.read(r)) for t, r in zip(tallies, responses, strict=True)]
        await asyncio.gather(*(t.first.wait() for t in tallies))
        print(READY, flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)  # until EOF
        await asyncio.sleep(settle_s)  # what the last changes still owe
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        counts = [t.count for t in tallies]
        last = {t.data() for t in tallies}
        return {"clients": count, "events_min": min(counts, default=0),
                "events_max": max(counts, default=0), "events_total": sum(counts),
                "last_agree": len(last) <= 1, "last": next(iter(last), "")}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.sse_clients")
    parser.add_argument("url")
    parser.add_argument("count", type=int)
    parser.add_argument("--settle", type=float, default=1.0)
    args = parser.parse_args()
    result = asyncio.run(_serve(args.url, args.count, args.settle))
    print(json.dumps(result, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
