"""portal/live.py SharedFrames: a fragment's event is built once and written as the bytes
aiohttp-sse's own send writes (multi-line HTML, \\r and \\r\\n lines, an event name)."""

from __future__ import annotations

import pytest
from aiohttp_sse import EventSourceResponse

from portal.live import SharedFrames

HTML = '<section data-testid="queue">\n  <ol>\r\n<li>王秀英</li>\r<li>李</li></ol>\n</section>'


async def _written(response: EventSourceResponse, data: str, event: str | None) -> bytes:
    sent: list[bytes] = []

    async def write(chunk: bytes) -> None:
        sent.append(chunk)

    response.write = write  # type: ignore[method-assign]
    await response.send(data, event=event)
    return b"".join(sent)


@pytest.mark.parametrize("event", ["screen", None])
@pytest.mark.parametrize("sep", [None, "\n"])
async def test_the_frame_is_what_aiohttp_sse_writes(event: str | None, sep: str | None) -> None:
    ours = await _written(SharedFrames(sep=sep), HTML, event)
    theirs = await _written(EventSourceResponse(sep=sep), HTML, event)
    assert ours == theirs
    assert ours.count(b"data: ") == 5


async def test_a_bad_event_name_is_refused_as_aiohttp_sse_does() -> None:
    with pytest.raises(ValueError, match="line separators"):
        await _written(SharedFrames(), HTML, "two\nlines")
