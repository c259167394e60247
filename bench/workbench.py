"""The staff's workbench with a year of data (issue 13): every page under 200 ms p95.

What runs, per database (``--databases``, default SQLite and PostgreSQL): a fresh database,
every migration (SQLite: a file in a temporary folder; PostgreSQL: a database made beside
``--postgres-url`` and dropped afterwards), storage.engine's engine, and one simulated year
written by bench/tracking_data.py (``generate(Shape(...))`` + ``write``: ``--halls`` 50 halls
x ``--sessions`` 24 sessions x ``--items`` 8 followed-up items, 12 sign-ins a session, every
item state). Then, through the use cases: a staff and a viewer grant for every hall (by the
command line's operator, each in the audit log), and in hall 0 one more session in which 12
residents sign in and type ``--turns`` (20) contributions before it closes (the generated
sessions have no turns; this one is the measured session page; hall 0's never-opened session
of the year is ended first, still never held, since a chat has one open session at a time).
The measured item is the staff's hall's item with the longest history. On PostgreSQL the
database is then ANALYZEd, as autovacuum would be within a minute or so of such a write
(``--no-analyze``: measured without statistics, as right after a bulk load); SQLite is left
as production leaves it (no ANALYZE anywhere).

The web app is the production one (portal.app.build_web_app with WebDeps/RoomDeps as
tests/portal/test_staff.py builds it: the bot's words, a fixed session key, the clock fixed
at the early days of the next year), served on 127.0.0.1 by aiohttp's AppRunner + TCPSite
(portal.app.start), in this process. Two browsers (aiohttp ClientSession, own cookie jar)
log in as staff do: a one-time link from facilitation.staff_desk.issue_login_link, POST
/login/<token> (303 + the cookie). ``admin`` is an admin by configuration (every hall);
``staff`` is staff of hall 0 only (the admin pages refuse them: not measured).

Pages (all GET): /staff (session list), /staff/s/<id> (the session with turns),
/staff/items (follow-up board), /staff/items/<id>, /staff/figures?period=<year>,
/staff/admin/roles, /staff/admin/audit, /staff/halls. Each page is requested ``--warmup``
(3) times untimed, then ``--repeat`` (30) times in sequence, one request at a time, each
followed by one request to the baseline: a bare aiohttp handler (own app and port, same
process, same client) answering a body of that page's size. The figure is the client's
round trip (request sent to body read) on loopback with nothing else in flight: server time
plus the client's own small cost, which the baseline shows. Printed per page: p50/p95/max
(nearest rank), the server's own p95 (a timing middleware put outermost in the app, here
only: from the request's handling to the response made, before it is sent), the SQL
statements one request ran (SQLAlchemy's before_cursor_execute; BEGIN/COMMIT not counted),
the body's size, the rows the page lists, the bare handler's p95, the ratio page p95 / bare
p95, and in how many timed requests Python's cyclic GC made a full collection (gc.callbacks:
a page that allocates thousands of objects a request triggers one every few requests, and it
costs in proportion to every object the process holds).

Goal (issue 13): every page's round trip **p95 < 200 ms** on each database, every answer
200. The exit status is 0 only when it is met. Figures go to
``bench/out/workbench-<time>.json``. The machine is shared and noisy (2 cores, other test
runs): the ratio to the bare handler, measured interleaved, is what compares across runs.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import logging
import os
import statistics
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aiohttp import ClientSession, CookieJar, web
from aiohttp.typedefs import Handler
from sqlalchemy import text

from bench.tracking_data import Generated, Shape, generate, write

JSON = dict[str, Any]
SUMMARY = ("the staff's workbench pages with a year of 50 halls x 24 sessions on SQLite and "
           "PostgreSQL: p95 < 200 ms each, vs a bare handler of the same body size")
ROOT = Path(__file__).resolve().parents[1]
OUT_DIR = ROOT / "bench" / "out"
GOAL_P95_S = 0.2
DEFAULT_POSTGRES = os.environ.get("YISHITANG_TEST_POSTGRES_URL",
                                  "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
YEAR = 2026
NOW = datetime(YEAR + 1, 1, 5, 3, 0, tzinfo=UTC)  # early in the next year, as tracking's
ADMIN_ID = 800_000_001  # an admin by configuration (staff_user_ids)
STAFF_ID = 800_000_003  # staff of hall 0
MODERATOR_ID = 800_000_009
SESSION_KEY = b"k" * 32
USERS = ("admin", "staff")
ADMIN_ONLY = ("/staff/admin/roles", "/staff/admin/audit")

log = logging.getLogger("bench.workbench")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--databases", nargs="+", choices=("sqlite", "postgresql"),
                        default=["sqlite", "postgresql"])
    parser.add_argument("--halls", type=int, default=50)
    parser.add_argument("--sessions", type=int, default=24, help="per hall (24)")
    parser.add_argument("--items", type=int, default=8, help="per session (8)")
    parser.add_argument("--turns", type=int, default=20,
                        help="text contributions in the measured session (20)")
    parser.add_argument("--repeat", type=int, default=30, metavar="N",
                        help="timed requests per page and user (30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests first (3)")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES,
                        help="a PostgreSQL server (a database on it); a fresh database is "
                             "made beside it and dropped (default: YISHITANG_TEST_POSTGRES_URL"
                             " or the tests' server)")
    parser.add_argument("--no-analyze", dest="analyze", action="store_false",
                        help="PostgreSQL: measure right after the bulk write, before any "
                             "ANALYZE (the planner without statistics)")
    parser.add_argument("--out", type=Path, default=OUT_DIR)


# --------------------------------------------------------------------------- the data
@dataclass(frozen=True)
class Prepared:
    rows: dict[str, int]
    hall: int  # hall 0's chat id: the staff's
    session_id: int  # the measured session (hall 0, with turns)
    item_id: int  # the staff's hall's item with the longest history
    timings_s: dict[str, float]


def _hall_of(data: Generated) -> dict[int, int]:
    """Session id -> its hall's chat id."""
    return {s.id: s.chat_id for s in data.sessions if s.id is not None}


async def prepare(url: str, args: argparse.Namespace, *, analyze: bool = True) -> Prepared:
    """Migrate, write the year, then grants and a session with turns by the use cases; on
    PostgreSQL, ANALYZE (``analyze``) as autovacuum would soon after such a write."""
    from bench.tracking import TZ
    from facilitation import floor, record, services
    from facilitation.audit import Operator
    from facilitation.roles import Role, grant_role
    from facilitation.services import Actor
    from storage.engine import make_engine
    from storage.migrate import upgrade_async
    from storage.uow import make_uow_factory

    timings: dict[str, float] = {}
    started = time.perf_counter()
    await upgrade_async(url)
    timings["migrate"] = time.perf_counter() - started
    engine = make_engine(url)
    try:
        started = time.perf_counter()
        data = generate(Shape(halls=args.halls, sessions=args.sessions, items=args.items,
                              year=YEAR), TZ, NOW)
        rows = await write(engine, data)
        timings["year"] = time.perf_counter() - started
        started = time.perf_counter()
        uow = make_uow_factory(engine)
        hall_of = _hall_of(data)
        halls = sorted({s.chat_id for s in data.sessions}, reverse=True)  # hall 0 first
        hall = halls[0]
        operator = Operator("bench")
        at = NOW - timedelta(days=3)
        for i, chat_id in enumerate(halls):  # the office's people: staff, viewer per hall
            for role, base in ((Role.STAFF, 7_000_000_000), (Role.VIEWER, 7_100_000_000)):
                user = STAFF_ID if (role, chat_id) == (Role.STAFF, hall) else base + i
                await grant_role(uow(), by=operator, role=role, hall_chat_id=chat_id,
                                 now=at + timedelta(minutes=i), telegram_user_id=user)
        name = next((s.hall for s in data.sessions if s.chat_id == hall and s.hall), None)
        for left in (s for s in data.sessions if s.chat_id == hall and s.closed_at is None):
            # the year's never-opened session (tracking_data) would hold the chat: its
            # moderator ends it, still never held (no sign-in), before the measured one
            owner = next(p for p in data.people if p.id == left.moderator_id)
            assert owner.telegram_user_id is not None
            await floor.close_session(uow(), chat_id=hall, now=left.created_at + timedelta(
                hours=1), actor=Actor(owner.telegram_user_id, owner.display_name))
        moderator = Actor(MODERATOR_ID, "主持人")
        held = NOW - timedelta(days=1)
        await services.open_session(uow(), chat_id=hall, topic="停车难怎么解决",
                                    actor=moderator, now=held, new_code=lambda: "WORK2345",
                                    turn_limit_s=180, hall=name)
        residents = [Actor(10**9 + i, f"居民{i}") for i in range(12)]
        for i, resident in enumerate(residents):
            await services.sign_in(uow(), actor=resident, now=held + timedelta(minutes=i),
                                   chat_id=hall)
        session_id = 0
        for k in range(args.turns):
            said = await record.record_group_text(
                uow(), chat_id=hall, actor=residents[k % len(residents)],
                now=held + timedelta(minutes=15 + k),
                text=f"第{k + 1}条：小区停车位不够，建议把闲置空地改成停车场，晚上错峰开放。")
            assert said is not None and said.session.id is not None
            session_id = said.session.id
        await floor.close_session(uow(), chat_id=hall, actor=moderator,
                                  now=held + timedelta(hours=2))
        if not session_id:  # --turns 0: the session without turns
            async with uow() as work:
                found = await work.sessions.by_code("WORK2345")
            assert found is not None and found.id is not None
            session_id = found.id
        ours = [i for i in data.items if hall_of.get(i.session_id) == hall and i.id]
        item = max(ours, key=lambda i: len(i.history))
        assert item.id is not None
        timings["use cases"] = time.perf_counter() - started
        if analyze and engine.dialect.name == "postgresql":
            started = time.perf_counter()  # what autovacuum does within a minute or so
            async with engine.begin() as connection:
                await connection.execute(text("ANALYZE"))
            timings["analyze"] = time.perf_counter() - started
    finally:
        await engine.dispose()
    return Prepared(rows, hall, session_id, item.id, timings)


# --------------------------------------------------------------------------- serving
@dataclass
class Counter:
    """SQL statements run and the last request's server time (the timing middleware)."""

    statements: int = 0
    server_s: list[float] = field(default_factory=list)
    full_gc_s: list[float] = field(default_factory=list)  # the cyclic GC's full collections
    _gc_started: float = 0.0

    def count(self, *_args: object) -> None:
        self.statements += 1

    def collected(self, phase: str, info: dict[str, int]) -> None:
        if info.get("generation") != 2:
            return
        if phase == "start":
            self._gc_started = time.perf_counter()
        else:
            self.full_gc_s.append(time.perf_counter() - self._gc_started)


def timing(counter: Counter) -> Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]:
    @web.middleware
    async def timed(request: web.Request, handler: Handler) -> web.StreamResponse:
        started = time.perf_counter()
        try:
            return await handler(request)
        finally:
            counter.server_s.append(time.perf_counter() - started)
    return timed


def bare_app() -> web.Application:
    """The baseline: a handler that answers a page of the asked size, nothing else."""
    bodies: dict[int, bytes] = {}

    async def bare(request: web.Request) -> web.Response:
        size = int(request.match_info["size"])
        body = bodies.get(size) or bodies.setdefault(size, b"x" * size)
        return web.Response(body=body, content_type="text/html", charset="utf-8")

    app = web.Application()
    app.router.add_get("/bare/{size}", bare)
    return app


@contextlib.asynccontextmanager
async def served(url: str, counter: Counter) -> AsyncIterator[tuple[Any, str, str]]:
    """The workbench (uow factory, base URL) and the bare handler's base URL."""
    from sqlalchemy import event

    from bot.catalog import t
    from portal.app import RoomDeps, WebDeps, build_web_app, start
    from storage.engine import make_engine
    from storage.uow import make_uow_factory

    engine = make_engine(url)
    event.listen(engine.sync_engine, "before_cursor_execute", counter.count)
    gc.callbacks.append(counter.collected)
    uow = make_uow_factory(engine)
    deps = WebDeps(uow, lambda: NOW, poll_s=30.0, room=RoomDeps(
        t, staff_user_ids=frozenset({ADMIN_ID}), bot_username="yishitang_bot",
        session_key=SESSION_KEY))
    app = build_web_app(deps)
    app.middlewares.insert(0, timing(counter))  # outermost; the app is not frozen yet
    runner = await start(app, "127.0.0.1", 0)
    bare = await start(bare_app(), "127.0.0.1", 0)
    try:
        yield uow, _base(runner), _base(bare)
    finally:
        await bare.cleanup()
        await runner.cleanup()
        await engine.dispose()
        gc.callbacks.remove(counter.collected)


def _base(runner: web.AppRunner) -> str:
    host, port = runner.addresses[0][:2]
    return f"http://{host}:{port}"


async def log_in(uow: Any, base: str, user_id: int, name: str) -> ClientSession:
    from facilitation.services import Actor
    from facilitation.staff_desk import issue_login_link

    client = ClientSession(cookie_jar=CookieJar(unsafe=True))  # a browser's, on an address
    token = await issue_login_link(uow(), Actor(user_id, name), bootstrap_ids={ADMIN_ID},
                                   now=NOW)
    async with client.post(f"{base}/login/{token}", allow_redirects=False) as response:
        if response.status != 303 or response.headers.get("Location") != "/staff":
            await client.close()
            raise RuntimeError(f"login of {name}: {response.status} {await response.text()}")
    return client


def pages(prepared: Prepared) -> list[tuple[str, str, str]]:
    """(label, path, what marks one of its rows) of every page measured."""
    return [("/staff", "/staff", 'data-session="'),
            ("/staff/s/<id>", f"/staff/s/{prepared.session_id}", 'data-seq="'),
            ("/staff/items", "/staff/items", 'data-item="'),
            ("/staff/items/<id>", f"/staff/items/{prepared.item_id}", 'data-event="'),
            ("/staff/figures", f"/staff/figures?period={YEAR}", "<tr><td>"),
            ("/staff/admin/roles", "/staff/admin/roles", 'data-grant="'),
            ("/staff/admin/audit", "/staff/admin/audit", 'data-action="'),
            ("/staff/halls", "/staff/halls", 'data-hall="')]


async def _get(client: ClientSession, url: str) -> tuple[float, int, bytes]:
    started = time.perf_counter()
    async with client.get(url, allow_redirects=False) as response:
        body = await response.read()
    return time.perf_counter() - started, response.status, body


async def measure(client: ClientSession, base: str, bare: str, path: str, marker: str,
                  counter: Counter, args: argparse.Namespace) -> JSON:
    """Warm-ups, then the page and the bare handler in turn, one request at a time."""
    statuses: list[int] = []
    size, body = 0, b""
    for _ in range(args.warmup):
        _, status, body = await _get(client, base + path)
        statuses.append(status)
        size = len(body)
    seconds, server, bare_seconds, statements, full_gc = [], [], [], [], []
    for _ in range(args.repeat):
        counter.server_s.clear()
        counter.full_gc_s.clear()
        before = counter.statements
        elapsed, status, body = await _get(client, base + path)
        statements.append(counter.statements - before)
        full_gc.append(sum(counter.full_gc_s))
        seconds.append(elapsed)
        server.extend(counter.server_s[-1:])
        statuses.append(status)
        size = len(body)
        bare_seconds.append((await _get(client, f"{bare}/bare/{size}"))[0])
    return {"path": path, "statuses": sorted(set(statuses)), "bytes": size,
            "rows": body.decode("utf-8", "replace").count(marker),
            "sql": statistics.median(statements) if statements else 0,
            "seconds": seconds, "server_seconds": server, "bare_seconds": bare_seconds,
            "full_gc_seconds": full_gc}


async def bench_database(kind: str, args: argparse.Namespace) -> JSON:
    from bench.web_screen import database

    with tempfile.TemporaryDirectory(prefix="bench-workbench-") as folder:
        async with database(kind, args.postgres_url) as server_url:
            url = server_url or f"sqlite:///{Path(folder) / 'workbench.db'}"
            print(f"  {kind}: writing a year of {args.halls} halls x {args.sessions} "
                  f"sessions x {args.items} items ...", flush=True)
            prepared = await prepare(url, args, analyze=args.analyze)
            counter = Counter()
            results: list[JSON] = []
            async with served(url, counter) as (uow, base, bare):
                clients = {"admin": await log_in(uow, base, ADMIN_ID, "办公室老陈"),
                           "staff": await log_in(uow, base, STAFF_ID, "工作人员小周")}
                try:
                    for user in USERS:
                        for label, path, marker in pages(prepared):
                            if user != "admin" and path in ADMIN_ONLY:
                                continue
                            print(f"  {kind}: {user} {label} ...", flush=True)
                            found = await measure(clients[user], base, bare, path, marker,
                                                  counter, args)
                            results.append({"user": user, "page": label, **found})
                finally:
                    for client in clients.values():
                        await client.close()
    return {"database": kind, "rows": prepared.rows, "setup_s": prepared.timings_s,
            "session_id": prepared.session_id, "item_id": prepared.item_id,
            "hall": prepared.hall, "pages": results}


# --------------------------------------------------------------------------- report
def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def table(results: list[JSON]) -> tuple[str, bool]:
    from bench.roundtable_load import percentile

    header = (f"{'database':<11}{'user':<7}{'page':<20}{'status':>7}{'rows':>6}{'KB':>7}{'SQL':>6}"
              f"{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'srv p95':>9}{'bare p95':>9}"
              f"{'x bare':>8}{'gc2':>5}  goal")
    lines = [f"round trip of one GET at a time on 127.0.0.1 (goal p95 < "
             f"{GOAL_P95_S * 1000:.0f} ms, every answer 200)", header, "-" * len(header)]
    passed = True
    for db in results:
        for page in db["pages"]:
            seconds = sorted(page["seconds"])
            bare = sorted(page["bare_seconds"])
            server = sorted(page["server_seconds"])
            p95, bare_p95 = percentile(seconds, 95), percentile(bare, 95)
            ok = page["statuses"] == [200] and p95 < GOAL_P95_S
            passed &= ok
            page.update(p50_s=percentile(seconds, 50), p95_s=p95, max_s=seconds[-1],
                        server_p95_s=percentile(server, 95), bare_p50_s=percentile(bare, 50),
                        bare_p95_s=bare_p95, ratio=p95 / bare_p95 if bare_p95 else None,
                        ok=ok)
            status = ",".join(str(s) for s in page["statuses"])
            gc2 = sum(s > 0 for s in page["full_gc_seconds"])
            lines.append(
                f"{db['database']:<11}{page['user']:<7}{page['page']:<20}{status:>7}"
                f"{page['rows']:>6}{page['bytes'] / 1024:>7.1f}{page['sql']:>6g}"
                f"{_ms(page['p50_s']):>9}{_ms(p95):>9}{_ms(page['max_s']):>9}"
                f"{_ms(page['server_p95_s']):>9}{_ms(bare_p95):>9}{page['ratio'] or 0:>8.1f}"
                f"{gc2:>5}  {'PASS' if ok else 'FAIL'}")
    lines += [
        "rows: what the page lists (sessions, turns, items, history lines, figures' lines, "
        "grants, audit lines, halls)",
        "SQL: statements one request ran (median); srv p95: the app's own time (outermost "
        "middleware, before the send)",
        "bare p95: a bare aiohttp handler answering as many bytes, interleaved; x bare: "
        "p95 / bare p95",
        "gc2: timed requests during which Python's cyclic GC made a full (generation 2) "
        "collection"]
    return "\n".join(lines), passed


async def run(args: argparse.Namespace) -> int:
    from bench.roundtable_load import environment, write_json

    started = datetime.now(UTC)
    results = []
    for kind in args.databases:
        results.append(await bench_database(kind, args))
    for db in results:
        rows = db["rows"]
        print(f"{db['database']}: {rows['sessions']} sessions, {rows['attendance']} sign-ins, "
              f"{rows['items']} items, {rows['events']} events; set-up "
              + ", ".join(f"{k} {v:.1f} s" for k, v in db["setup_s"].items())
              + f"; measured session {db['session_id']}, item {db['item_id']}")
    text, passed = table(results)
    print(f"\n{text}\n")
    report: JSON = {"benchmark": "workbench", "started": started.isoformat(),
                    "environment": environment(), "args": vars(args), "now": NOW.isoformat(),
                    "goal_p95_s": GOAL_P95_S, "databases": results, "passed": passed}
    path = write_json(report, started.strftime("%Y%m%dT%H%M%SZ"), "workbench", args.out)
    print(f"{'PASS' if passed else 'FAIL'}: figures written to {path}")
    return 0 if passed else 1


def main(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if min(args.halls, args.sessions, args.items, args.repeat) < 1 or args.warmup < 0 \
            or args.turns < 0:
        raise SystemExit("--halls, --sessions, --items and --repeat must be positive")
    return asyncio.run(run(args))
