"""What the phone page costs the database, on both: each write one transaction of a few
statements (the web's use cases read the session of a code and the participant of a cookie in
one query), the page a reader that does not queue behind writers (nor wait for a connection
they all hold), a write made twice at once (two tabs) refused once, never a server error,
and newcomers signing in side by side. bench/web_phone.py measures the burst."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import asyncpg
import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import event
from sqlalchemy.engine import make_url

from bot.catalog import t
from facilitation import services
from facilitation.services import Actor
from portal.app import RoomDeps, WebDeps, build_web_app
from portal.notifier import ScreenNotifier
from storage.engine import MAX_OVERFLOW, POOL_SIZE, AsyncEngine, make_engine
from storage.uow import make_uow_factory
from storage.writers import WRITERS

CHAT = -100778
CODE = "COST2345"
NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
SIGN_IN = {"name": "王秀英", "kind": "resident", "unit": "东头村", "where": "present",
           "notice": "yes"}
WAIT_S = 10.0  # bounds every wait


@dataclass
class Counted:
    """Statements, transactions begun and commits on the engine, by what was asked."""

    statements: Counter[str] = field(default_factory=Counter)
    notices: Counter[str] = field(default_factory=Counter)
    begun: Counter[str] = field(default_factory=Counter)
    commits: Counter[str] = field(default_factory=Counter)
    now: str = "setup"

    @contextmanager
    def asking(self, what: str) -> Iterator[None]:
        self.now = what
        try:
            yield
        finally:
            self.now = "setup"


@dataclass
class Room:
    engine: AsyncEngine
    client: TestClient
    counted: Counted


@pytest.fixture
async def room(db_url: str) -> AsyncIterator[Room]:
    engine = make_engine(db_url)
    counted = Counted()

    def on_statement(*args: Any) -> None:
        statement = str(args[2])
        counted.statements[counted.now] += 1
        counted.notices[counted.now] += "pg_notify" in statement

    event.listen(engine.sync_engine, "before_cursor_execute", on_statement)
    event.listen(engine.sync_engine, "begin", lambda _c: counted.begun.update([counted.now]))
    event.listen(engine.sync_engine, "commit", lambda _c: counted.commits.update([counted.now]))
    notifier = ScreenNotifier()
    uow = make_uow_factory(engine, on_change=notifier.wake)
    await services.open_session(uow(), chat_id=CHAT, topic="村道硬化",
                                actor=Actor(700000031, "主持人"), now=NOW,
                                new_code=lambda: CODE, turn_limit_s=180)
    deps = WebDeps(uow, lambda: NOW, notifier, poll_s=30.0, room=RoomDeps(t))
    client = TestClient(TestServer(build_web_app(deps)))
    await client.start_server()
    try:
        yield Room(engine, client, counted)
    finally:
        await client.close()
        await engine.dispose()


async def test_each_write_is_one_transaction_of_a_few_statements(room: Room) -> None:
    postgres = room.engine.dialect.name == "postgresql"
    counted = room.counted
    with counted.asking("signin"):
        signed = await room.client.post(f"/j/{CODE}/signin", data=SIGN_IN,
                                         allow_redirects=False)
    with counted.asking("hand"):
        raised = await room.client.post(f"/j/{CODE}/hand", data={"kind": "speech"},
                                        allow_redirects=False)
    with counted.asking("page"):
        page = await room.client.get(f"/j/{CODE}")
    assert (signed.status, raised.status, page.status) == (303, 303, 200)
    assert "您在发言队列第 1 位" in await page.text()
    assert counted.begun == {"signin": 1, "hand": 1, "page": 1, "setup": counted.begun["setup"]}
    assert counted.commits["signin"] == counted.commits["hand"] == 1
    assert counted.commits["page"] == 0
    # the session and the participant in one query; on PostgreSQL, for a known cookie, the
    # session's lock before that query; the commit's NOTIFY (once) goes with the lock
    assert counted.statements["signin"] == 3  # + person, attendance
    assert counted.statements["hand"] == (4 if postgres else 3)  # + hand, session's seq
    assert counted.statements["page"] == 2  # + the hand's place
    told = 1 if postgres else 0
    assert (counted.notices["signin"], counted.notices["hand"], counted.notices["page"]) == (
        told, told, 0)


async def test_the_page_does_not_wait_for_a_writer(room: Room) -> None:
    """A unit of work that writes is open (SQLite: it holds the process's gate and the write
    lock); the page is read beside it."""
    signed = await room.client.post(f"/j/{CODE}/signin", data=SIGN_IN, allow_redirects=False)
    assert signed.status == 303
    writer = make_uow_factory(room.engine)()
    async with writer:
        await writer.attendance.count_present(1)  # its transaction has begun
        page = await asyncio.wait_for(room.client.get(f"/j/{CODE}"), WAIT_S)
        assert page.status == 200 and "王秀英，您已签到" in await page.text()


async def test_a_reading_unit_of_work_cannot_commit(room: Room) -> None:
    reader = make_uow_factory(room.engine).reading()
    async with reader:
        assert await reader.attendance.count_present(1) == 1
        with pytest.raises(RuntimeError, match="cannot commit"):
            await reader.commit()


WAITING = ("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
           "AND wait_event_type = 'Lock'")


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _waiting_for_locks(watcher: asyncpg.Connection, count: int) -> None:
    """Until ``count`` backends of this database wait for a lock (bounded). ``watcher`` is
    in no transaction: one would see pg_stat_activity as it was when first looked at."""
    async with asyncio.timeout(WAIT_S):
        # polled (noqa): PostgreSQL tells nobody when a backend begins to wait
        while await watcher.fetchval(WAITING) < count:  # noqa: ASYNC110
            await asyncio.sleep(0.01)


@pytest.mark.parametrize("db_url", [pytest.param("postgresql", marks=pytest.mark.postgres)],
                         indirect=True)
async def test_two_tabs_raising_a_hand_at_once_get_one_hand_and_one_refusal(
        room: Room, db_url: str) -> None:
    """Both requests wait for the session's lock, held here; let go, the second must see the
    first's hand (409 "already raised"), not insert a second one (a unique violation: 500)."""
    signed = await room.client.post(f"/j/{CODE}/signin", data=SIGN_IN, allow_redirects=False)
    assert signed.status == 303
    admin, watcher = await asyncpg.connect(_dsn(db_url)), await asyncpg.connect(_dsn(db_url))
    try:
        holder = admin.transaction()
        await holder.start()
        await admin.execute("SELECT id FROM sessions WHERE code = $1 FOR UPDATE", CODE)
        tabs = [asyncio.create_task(room.client.post(
            f"/j/{CODE}/hand", data={"kind": "speech"}, allow_redirects=False))
            for _ in range(2)]
        await _waiting_for_locks(watcher, 2)
        await holder.rollback()
        answers = await asyncio.wait_for(asyncio.gather(*tabs), WAIT_S)
        assert sorted(a.status for a in answers) == [303, 409]
        assert await admin.fetchval("SELECT count(*) FROM hands WHERE status = 'pending'") == 1
    finally:
        await admin.close()
        await watcher.close()


@pytest.mark.parametrize("db_url", [pytest.param("postgresql", marks=pytest.mark.postgres)],
                         indirect=True)
async def test_newcomers_do_not_wait_for_each_other_but_for_a_change_of_the_session(
        room: Room, db_url: str) -> None:
    """A newcomer's sign-in shares the session's lock: another's share (held here) does not
    hold it up; a change of the session (closing web sign-in here) does, and is seen."""
    admin, watcher = await asyncpg.connect(_dsn(db_url)), await asyncpg.connect(_dsn(db_url))
    lock = "SELECT id FROM sessions WHERE code = $1 FOR {}"
    try:
        async with admin.transaction():
            await admin.execute(lock.format("SHARE"), CODE)
            first = await asyncio.wait_for(room.client.post(
                f"/j/{CODE}/signin", data=SIGN_IN, allow_redirects=False), WAIT_S)
            assert first.status == 303
        stranger = TestClient(TestServer(room.client.app))
        await stranger.start_server()
        try:
            async with admin.transaction():
                await admin.execute(lock.format("UPDATE"), CODE)
                late = asyncio.create_task(stranger.post(
                    f"/j/{CODE}/signin", data={**SIGN_IN, "name": "外人"},
                    allow_redirects=False))
                await _waiting_for_locks(watcher, 1)
                await admin.execute(
                    "UPDATE sessions SET web_signin_open = false WHERE code = $1", CODE)
            refused = await asyncio.wait_for(late, WAIT_S)
            assert refused.status == 409 and "网页签到已关闭" in await refused.text()
        finally:
            await stranger.close()
        assert await admin.fetchval("SELECT count(*) FROM attendance WHERE method = 'web'") == 1
    finally:
        await admin.close()
        await watcher.close()


@pytest.mark.parametrize("db_url", [pytest.param("postgresql", marks=pytest.mark.postgres)],
                         indirect=True)
async def test_a_newcomer_does_not_wait_for_the_phones_hands(room: Room, db_url: str) -> None:
    """What a phone's write holds on the session (FOR NO KEY UPDATE, held here) does not hold
    up a newcomer's sign-in, as in a burst where newcomers and hands come together; it still
    holds up another phone's hand (hands take the session's next seq one at a time)."""
    signed = await room.client.post(f"/j/{CODE}/signin", data=SIGN_IN, allow_redirects=False)
    assert signed.status == 303
    admin, watcher = await asyncpg.connect(_dsn(db_url)), await asyncpg.connect(_dsn(db_url))
    newcomer = TestClient(TestServer(room.client.app))
    await newcomer.start_server()
    try:
        async with admin.transaction():
            await admin.execute(
                "SELECT id FROM sessions WHERE code = $1 FOR NO KEY UPDATE", CODE)
            joined = await asyncio.wait_for(newcomer.post(
                f"/j/{CODE}/signin", data={**SIGN_IN, "name": "李四"},
                allow_redirects=False), WAIT_S)
            assert joined.status == 303
            hand = asyncio.create_task(room.client.post(
                f"/j/{CODE}/hand", data={"kind": "speech"}, allow_redirects=False))
            await _waiting_for_locks(watcher, 1)
        assert (await asyncio.wait_for(hand, WAIT_S)).status == 303
        assert await admin.fetchval("SELECT count(*) FROM attendance WHERE method = 'web'") == 2
    finally:
        await newcomer.close()
        await admin.close()
        await watcher.close()


@pytest.mark.parametrize("db_url", [pytest.param("postgresql", marks=pytest.mark.postgres)],
                         indirect=True)
async def test_writers_leave_connections_to_the_pages(room: Room) -> None:
    """More writers than the pool holds (as when a burst waits for the session's lock): the
    page is still read at once, on a connection the writers leave (storage/writers.py)."""
    uow = make_uow_factory(room.engine)
    begun, done = asyncio.Event(), asyncio.Event()
    holding = 0

    async def writer() -> None:
        nonlocal holding
        async with uow() as unit:
            await unit.attendance.count_present(1)  # a connection, in a transaction
            holding += 1
            if holding == WRITERS:
                begun.set()
            await done.wait()

    writers = [asyncio.create_task(writer()) for _ in range(POOL_SIZE + MAX_OVERFLOW)]
    try:
        await asyncio.wait_for(begun.wait(), WAIT_S)
        page = await asyncio.wait_for(room.client.get(f"/j/{CODE}"), WAIT_S)
        assert page.status == 200 and holding == WRITERS  # the others wait for a slot
    finally:
        done.set()
        await asyncio.wait_for(asyncio.gather(*writers), WAIT_S)
    assert holding == POOL_SIZE + MAX_OVERFLOW
