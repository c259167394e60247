"""Reading a Server-Sent Events stream in tests: the data of the next event."""

from __future__ import annotations

import asyncio


async def next_event(lines: asyncio.StreamReader) -> str:
    data: list[str] = []
    while True:
        line = (await lines.readline()).decode().rstrip("\r\n")
        if line.startswith("data:"):
            data.append(line[5:].lstrip())
        elif not line and data:
            return "\n".join(data)


def queue_of(fragment: str) -> str:
    """The queue's part of the screen's live fragment."""
    return fragment.split('data-testid="queue"')[1].split("</ol>")[0]
