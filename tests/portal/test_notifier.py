"""portal/notifier.py without a database: the feeds that share a page's reads among its
streams, driven by a counter standing in for the page."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from portal.notifier import Follower, ScreenNotifier

WAIT_S = 5.0
POLL_S = 60.0  # never reached in a test: only wakes read


@dataclass(frozen=True)
class Page:
    value: int

    def fingerprint(self) -> str:
        return str(self.value)


class Source:
    """What the page shows (``value``) and how often it was read."""

    def __init__(self) -> None:
        self.value = 0
        self.reads = 0
        self._read = asyncio.Condition()

    async def compute(self) -> Page:
        async with self._read:
            self.reads += 1
            self._read.notify_all()
        return Page(self.value)

    async def read(self, times: int) -> None:
        """Until it has been read ``times`` times in all."""
        async with self._read:
            await asyncio.wait_for(self._read.wait_for(lambda: self.reads >= times), WAIT_S)


def render(page: Page) -> str:
    return f"<p>{page.value}</p>"


async def _fragment(follower: Follower, *, sent: bool = True) -> str:
    """What a stream does: take the fragment offered, send it (at once unless ``sent`` is
    False: then it is still sending)."""
    await asyncio.wait_for(follower.ready.wait(), WAIT_S)
    follower.ready.clear()
    fragment, follower.pending = follower.pending, None
    assert fragment is not None
    if sent:
        follower.caught_up()
    return fragment.html


async def test_one_read_per_wake_for_every_follower_and_only_changes_are_offered() -> None:
    notifier, source = ScreenNotifier(), Source()
    with notifier.follow("a", source.compute, render, POLL_S, gap_s=0) as (feed, one), \
            notifier.follow("a", source.compute, render, POLL_S, gap_s=0) as (same, two):
        assert same is feed and notifier.feeds() == 1
        source.value = 1
        notifier.wake()
        assert [await _fragment(one), await _fragment(two)] == ["<p>1</p>", "<p>1</p>"]
        assert source.reads == 1
        notifier.wake()  # nothing shown changed: read, not offered
        await source.read(2)
        source.value = 2
        notifier.wake()
        assert await _fragment(one) == "<p>2</p>"  # the next offer is the change, not a repeat
        assert source.reads == 3


async def test_a_slow_follower_gets_the_latest_fragment_only() -> None:
    notifier, source = ScreenNotifier(), Source()
    with notifier.follow("a", source.compute, render, POLL_S, gap_s=0) as (_feed, follower):
        for value in (1, 2, 3):
            source.value = value
            notifier.wake()
            await source.read(value)
        assert await _fragment(follower) == "<p>3</p>"
        assert not follower.ready.is_set()


async def test_the_feed_stops_with_its_last_follower_and_a_new_one_starts_afresh() -> None:
    notifier, source = ScreenNotifier(), Source()
    with notifier.follow("a", source.compute, render, POLL_S) as (first, _):
        with notifier.follow("b", source.compute, render, POLL_S) as (other, _):
            assert other is not first and notifier.feeds() == 2
        assert notifier.feeds() == 1 and not other.alive
    assert notifier.feeds() == 0 and not first.alive
    with notifier.follow("a", source.compute, render, POLL_S) as (again, _):
        assert again is not first and again.alive


async def test_closing_ends_every_follower() -> None:
    notifier, source = ScreenNotifier(), Source()
    with notifier.follow("a", source.compute, render, POLL_S) as (_feed, follower):
        notifier.close()
        await asyncio.wait_for(follower.ready.wait(), WAIT_S)
        assert follower.ended


async def test_a_feed_rests_after_its_streams_have_sent_what_it_offered() -> None:
    """The work of a wake counts every stream's sending: the feed's next read waits until
    each follower took the fragment and came back for more (or left)."""
    notifier, source = ScreenNotifier(), Source()
    with notifier.follow("a", source.compute, render, POLL_S, gap_s=0) as (feed, one), \
            notifier.follow("a", source.compute, render, POLL_S, gap_s=0) as (_, two):
        source.value = 1
        notifier.wake()
        await source.read(1)
        assert await _fragment(one, sent=False) == "<p>1</p>"
        assert await _fragment(two, sent=False) == "<p>1</p>"
        assert not feed._sent.is_set()  # neither has sent it yet
        one.caught_up()
        assert not feed._sent.is_set()  # two is still sending
        source.value = 2
        notifier.wake()  # woken meanwhile: read once both have sent (or after MAX_GAP_S)
        two.caught_up()
        assert feed._sent.is_set()
        await source.read(2)
        assert await _fragment(one) == "<p>2</p>"
