"""The screen's stream across processes and at scale: on PostgreSQL a commit of another process
(the bot's, standing in: an engine of its own) wakes the web's stream by NOTIFY, long before
its poll; the streams of one screen share one read per change (portal/notifier.py)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient, TestServer

from bot.catalog import t
from facilitation import floor, services
from facilitation.model import TurnKind
from facilitation.ports import TrackingUnitOfWorkFactory, UnitOfWork
from facilitation.services import Actor
from portal.app import RoomDeps, WebDeps, build_web_app
from portal.notifier import ScreenNotifier
from storage.change_feed import listening
from storage.engine import AsyncEngine, make_engine
from storage.uow import make_uow_factory
from tests.portal.sse import next_event, queue_of

CHAT = -100777
NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
MODERATOR = Actor(700000101, "主持人")
PEOPLE = [Actor(700000102 + i, f"居民{i}") for i in range(3)]
WAIT_S = 10.0  # bounds each wait; an update normally takes milliseconds
POLL_S = 60.0  # the poll never comes within a test: only a wake can send an update


@dataclass
class Counted:
    """The web's unit-of-work factory, counting the reads (one unit of work each)."""

    factory: TrackingUnitOfWorkFactory
    reads: int = 0

    def __call__(self, idempotency_key: int | None = None) -> UnitOfWork:
        self.reads += 1
        return self.factory(idempotency_key)

    def reading(self) -> UnitOfWork:
        self.reads += 1
        return self.factory.reading()

    def committed(self, idempotency_key: int) -> bool:
        return self.factory.committed(idempotency_key)


@dataclass
class Web:
    client: TestClient
    notifier: ScreenNotifier
    reads: Counted
    bot: TrackingUnitOfWorkFactory  # the bot's process: its commits wake nothing here
    bot_engine: AsyncEngine
    screen_code: str
    streams: list[ClientResponse] = field(default_factory=list)

    async def stream(self) -> ClientResponse:
        response = await self.client.get(f"/s/{self.screen_code}/events")
        assert response.status == 200
        self.streams.append(response)
        return response


@contextlib.asynccontextmanager
async def web_process(db_url: str, poll_s: float = POLL_S) -> AsyncIterator[Web]:
    """A web app on an engine of its own, woken as `yishitang web` is (bootstrap.run_web);
    the session opened by another engine, the bot's."""
    bot_engine, web_engine = make_engine(db_url), make_engine(db_url)
    bot = make_uow_factory(bot_engine)
    session = await services.open_session(
        bot(), chat_id=CHAT, topic="停车难", actor=MODERATOR, now=NOW,
        new_code=lambda: "LIVE2345", turn_limit_s=180)
    for actor in PEOPLE:
        await services.sign_in(bot(), actor=actor, now=NOW, chat_id=CHAT)
    assert session.screen_code is not None
    notifier = ScreenNotifier()
    reads = Counted(make_uow_factory(web_engine, on_change=notifier.wake))
    client = TestClient(TestServer(build_web_app(WebDeps(reads, lambda: NOW, notifier,
                                                         poll_s=poll_s, room=RoomDeps(t)))))
    try:
        async with listening(db_url, notifier.wake) as listener:
            if listener is not None:
                await asyncio.wait_for(listener.wait_listening(), WAIT_S)
            await client.start_server()
            web = Web(client, notifier, reads, bot, bot_engine, session.screen_code)
            yield web
            for response in web.streams:
                response.close()
    finally:
        await client.close()
        await bot_engine.dispose()
        await web_engine.dispose()


async def _hand(uow: TrackingUnitOfWorkFactory, actor: Actor) -> None:
    await floor.raise_hand(uow(), chat_id=CHAT, actor=actor, kind=TurnKind.SPEECH,
                           addressee=None, now=NOW)


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", [pytest.param("postgresql", marks=pytest.mark.postgres)],
                         indirect=True)
async def test_a_commit_of_the_bots_process_reaches_the_web_process_by_notify(
        db_url: str) -> None:
    async with web_process(db_url) as web:
        stream = await web.stream()
        first = await asyncio.wait_for(next_event(stream.content), WAIT_S)
        assert "居民0" not in queue_of(first)
        await _hand(web.bot, PEOPLE[0])  # nothing in this process is told of it but NOTIFY
        update = await asyncio.wait_for(next_event(stream.content), WAIT_S)
        assert "居民0" in queue_of(update)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_on_sqlite_a_web_process_apart_from_the_bot_follows_by_its_poll(
        db_url: str) -> None:
    """SQLite has no NOTIFY: a web process that is not the bot's (`yishitang web` beside
    `yishitang run` with its web off) sees the bot's commits at its next poll."""
    async with web_process(db_url, poll_s=0.2) as web:
        stream = await web.stream()
        first = await asyncio.wait_for(next_event(stream.content), WAIT_S)
        assert "居民0" not in queue_of(first)
        await _hand(web.bot, PEOPLE[0])  # no wake, no NOTIFY: only the poll can tell
        update = await asyncio.wait_for(next_event(stream.content), WAIT_S)
        assert "居民0" in queue_of(update)


async def test_the_streams_of_one_screen_share_one_read_per_change(db_url: str) -> None:
    async with web_process(db_url) as web:
        if db_url.startswith("sqlite"):  # no NOTIFY: the bot in the web's process wakes it
            web.bot = make_uow_factory(web.bot_engine, on_change=web.notifier.wake)
        streams = [await web.stream() for _ in range(5)]
        firsts = await asyncio.wait_for(
            asyncio.gather(*(next_event(s.content) for s in streams)), WAIT_S)
        assert len(set(firsts)) == 1 and "居民1" not in queue_of(firsts[0])
        assert web.notifier.feeds() == 1  # one reader for the five
        web.reads.reads = 0
        await _hand(web.bot, PEOPLE[1])
        updates = await asyncio.wait_for(
            asyncio.gather(*(next_event(s.content) for s in streams)), WAIT_S)
        assert all("居民1" in queue_of(u) for u in updates)
        assert web.reads.reads == 1  # not one per stream
