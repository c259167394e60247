"""The room's screen live (issue 12): how soon a change the bot commits is on the screen, and
whether 200 open screens cost the bot its throughput.

(a) latency: the production bot (build_runtime + running, rate limiting on) over the Bot API
    sandbox (a child process) runs a session; one Server-Sent Events client (aiohttp, on
    127.0.0.1) follows its screen. K actions in turn, each when the previous one showed:
    a participant's /hand, the moderator's /next, the speaker's text. Each is timed from just
    before the update is sent to the sandbox (so the bot's polling, handling and commit, the
    wake, the read and the send are all in it) to the arrival of the first screen event that
    shows it: the name in the queue, the speaker, the caption. Goal p95 < 1 s.
    On SQLite the web app is served by the bot's process, woken by its notifier; on
    PostgreSQL by `yishitang web` in a separate process, woken by LISTEN/NOTIFY (its poll is
    15 s there: only NOTIFY can meet the goal).
(b) load (bench/web_screen_load.py): the roundtable burst of bench/roundtable_load.py (N
    participants /signin, then /hand: 2N updates at once; rate limiting off, SQLite, as
    there) against the bot serving its web app, with 0 and with 200 screen streams open on
    that process (the clients in a child process of their own), and the bare PTB echo bot
    as there. Goal: with the streams, the roundtable goal (throughput >= 0.5 x the bare
    bot's, nothing lost, the database as expected).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

from bench import roundtable_load as rt
from bench.sse_clients import Stream, stream
from bench.web_screen_load import NoTranscriber, burst, free_port, screen_code, settings_for

JSON = dict[str, Any]
SUMMARY = ("web screen: commit-to-screen latency (SQLite in-process, PostgreSQL across "
           "processes by NOTIFY) and the roundtable burst with 200 screen streams open")
GOAL_P95_S = 1.0
DEFAULT_POSTGRES = os.environ.get("YISHITANG_TEST_POSTGRES_URL",
                                  "postgresql://postgres@127.0.0.1:5432/test")
Action = tuple[int, str, Callable[[str], bool]]  # who, what they send, what then shows

log = logging.getLogger("bench.web_screen")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--parts", nargs="+", choices=("latency", "load"),
                        default=["latency", "load"])
    parser.add_argument("--databases", nargs="+", choices=("sqlite", "postgresql"),
                        default=["sqlite", "postgresql"], help="for the latency part")
    parser.add_argument("--no-baseline", dest="baseline", action="store_false",
                        help="skip the latency baseline (a separate web process on SQLite, "
                             "which polls)")
    parser.add_argument("--k", type=int, default=30, help="timed actions per database (30)")
    parser.add_argument("--participants", type=int, default=6, help="besides the moderator")
    parser.add_argument("--cap", type=float, default=10.0,
                        help="longest wait for an action to show (counted as this) (10 s)")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES,
                        help="a PostgreSQL server (a database on it); a fresh database is "
                             "made beside it and dropped (default: YISHITANG_TEST_POSTGRES_URL"
                             " or the tests' server)")
    parser.add_argument("--n", type=int, default=200, help="roundtable participants (200)")
    parser.add_argument("--streams", type=int, default=200, help="open screen streams (200)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="load runs per contender, the median-throughput one shown (3)")
    parser.add_argument("--timeout", type=float, default=120.0,
                        help="wait for every burst message to be answered (120 s)")
    parser.add_argument("--out", type=Path, default=rt.OUT_DIR)


# --------------------------------------------------------------------------- (a) latency
@contextlib.asynccontextmanager
async def database(kind: str, server: str) -> AsyncIterator[str | None]:
    """None (SQLite in the data folder), or a fresh PostgreSQL database dropped afterwards."""
    if kind == "sqlite":
        yield None
        return
    import asyncpg
    from sqlalchemy.engine import make_url

    name = f"yst_bench_{uuid4().hex[:12]}"
    server_url = make_url(server).set(drivername="postgresql")

    async def admin(statement: str) -> None:
        connection = await asyncpg.connect(server_url.render_as_string(hide_password=False))
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    await admin(f'CREATE DATABASE "{name}"')
    try:
        yield server_url.set(database=name).render_as_string(hide_password=False)
    finally:
        await admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.asynccontextmanager
async def web_process(database_url: str, port: int, workdir: Path) -> AsyncIterator[None]:
    """`yishitang web` as a child process on ``port``, once it accepts connections."""
    env = {**os.environ, "YISHITANG_DATABASE_URL": database_url,
           "YISHITANG_DATA_DIR": str(workdir / "web-data")}
    stderr_path = workdir / "web.stderr"
    with stderr_path.open("wb") as stderr:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", "import sys; from yishitang.cli import main; "
            f"sys.exit(main(['web', '--host', '127.0.0.1', '--port', '{port}']))",
            cwd=rt.ROOT, env=env, stdin=asyncio.subprocess.DEVNULL, stderr=stderr)
    try:
        await asyncio.wait_for(_serving(port, process, stderr_path), 60)
        yield
    finally:
        await rt._stop(process)


async def _serving(port: int, process: asyncio.subprocess.Process, stderr: Path) -> None:
    while process.returncode is None:
        with contextlib.suppress(OSError):
            _reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        await asyncio.sleep(0.1)  # start-up, not a measurement
    raise RuntimeError(f"yishitang web exited ({process.returncode}):\n{rt._tail(stderr)}")


def part(fragment: str, testid: str) -> str:
    """One part of the screen's fragment, by its data-testid."""
    start = fragment.find(f'data-testid="{testid}"')
    if start < 0:
        return ""
    ends = [i for tag in ("</section>", "</ol>") if (i := fragment.find(tag, start)) >= 0]
    return fragment[start:min(ends, default=len(fragment))]


def actions(group: rt.Group, k: int) -> list[Action]:
    """K actions: a participant's /hand, the moderator's /next, the new speaker's words."""
    names = {uid: name for name, uid in group.names.items()}
    planned: list[Action] = []
    for i in range(k):
        uid = group.user_ids[(i // 3) % len(group.user_ids)]
        name, said = names[uid], f"第{i}句：楼道里的电动车充电要管起来"
        planned.append([
            (uid, "/hand", lambda f, n=name: n in part(f, "queue")),
            (group.moderator_id, "/next", lambda f, n=name: n in part(f, "current-speaker")),
            (uid, said, lambda f, s=said: s in part(f, "captions")),
        ][i % 3])
    return planned


async def send(sandbox: rt.SandboxProcess, group: rt.Group, uid: int, text: str) -> None:
    await sandbox.call("POST", "send_texts", [
        {"user_id": uid, "chat_id": group.chat_id, "text": text}])


async def probe(sandbox: rt.SandboxProcess, group: rt.Group, client: Stream,
                k: int, cap: float) -> list[float | None]:
    """Each action's seconds from sending it to the screen showing it (None: not within cap)."""
    found: list[float | None] = []
    for uid, text, shows in actions(group, k):
        client.drain()
        sent = time.perf_counter()
        await send(sandbox, group, uid, text)
        arrived = await client.until(shows, cap)
        found.append(None if arrived is None else arrived - sent)
    return found


async def follow(sandbox: rt.SandboxProcess, group: rt.Group, port: int, k: int,
                 cap: float) -> list[float | None]:
    """Open the screen, sign everyone in (each changes the screen), then time K actions."""
    code = await screen_code(sandbox, group)
    async with stream(f"http://127.0.0.1:{port}/s/{code}/events") as client:
        for uid in (None, *group.user_ids):
            if uid is not None:
                await send(sandbox, group, uid, "/signin")
            if await client.until(lambda _f: True, 30) is None:
                raise RuntimeError(f"the screen did not change\n{sandbox.stderr_tail()}")
        return await probe(sandbox, group, client, k, cap)


SETUPS = (("sqlite", False), ("postgresql", True), ("sqlite", True))  # (database, separate)


async def latency(kind: str, separate: bool, args: argparse.Namespace) -> JSON:
    """The bot's session followed on its screen; the web app in the bot's process, or
    (``separate``) `yishitang web` in its own: woken by NOTIFY on PostgreSQL, polling on
    SQLite (the baseline: what a web process had before LISTEN/NOTIFY)."""
    from yishitang.bootstrap import POLL_S, build_runtime, running

    with tempfile.TemporaryDirectory(prefix="bench-web-") as tmp:
        workdir = Path(tmp)
        async with database(kind, args.postgres_url) as url, \
                rt.sandbox_process(workdir) as sandbox:
            group = await rt.make_group(sandbox, args.participants)
            port = free_port()
            settings = settings_for(sandbox.root_url, workdir, url, rate_limit=True,
                                    web_port=0 if separate else port,
                                    web_url=f"http://127.0.0.1:{port}")
            runtime = await build_runtime(settings, transcriber=NoTranscriber())
            web = (web_process(settings.db_url, port, workdir) if separate
                   else contextlib.nullcontext())
            async with web, running(runtime):
                await rt.open_session(sandbox, group)
                seconds = await follow(sandbox, group, port, args.k, args.cap)
    how = ("the bot's process, notifier" if not separate else "separate, NOTIFY"
           if url else f"separate, poll {POLL_S:.0f} s")
    return {"database": kind, "web": how, "goal": kind == "postgresql" or not separate,
            "seconds": seconds}


def latency_table(results: list[JSON], cap: float) -> tuple[str, bool]:
    header = (f"{'database':<12}{'web app':<30}{'K':>4}{'p50 s':>8}{'p95 s':>8}{'max s':>8}"
              f"{'unseen':>8}")
    lines = ["(a) latency: update sent -> the screen event showing it "
             f"(/hand, /next, a text in turn; goal p95 < {GOAL_P95_S:.1f} s)", header,
             "-" * len(header)]
    passed = True
    for result in results:
        seconds = sorted(cap if s is None else s for s in result["seconds"])
        unseen = sum(s is None for s in result["seconds"])
        p95 = rt.percentile(seconds, 95)
        ok = unseen == 0 and p95 < GOAL_P95_S
        passed &= ok or not result["goal"]
        result.update(p50_s=rt.percentile(seconds, 50), p95_s=p95, max_s=seconds[-1],
                      unseen=unseen, ok=ok)
        lines.append(f"{result['database']:<12}{result['web']:<30}{len(seconds):>4}"
                     f"{result['p50_s']:>8.3f}{p95:>8.3f}{seconds[-1]:>8.3f}{unseen:>8}"
                     f"  {'PASS' if ok else 'FAIL' if result['goal'] else 'baseline'}")
    by = {(r["database"], r["web"].split(",")[0]): r for r in results}
    notify, poll = by.get(("postgresql", "separate")), by.get(("sqlite", "separate"))
    if notify and poll and notify["p95_s"]:
        lines.append(f"a separate web process: p95 polling / p95 woken by NOTIFY = "
                     f"{poll['p95_s'] / notify['p95_s']:.1f}")
    return "\n".join(lines), passed


# --------------------------------------------------------------------------- (b) load
def load_table(n: int, bare: rt.Figures, runs: list[tuple[rt.Figures, JSON]],
               streams: int) -> tuple[str, JSON, bool]:
    header = (f"{'contender':<22}{'updates/s':>11}{'p50 ms':>9}{'p95 ms':>9}{'lost':>6}"
              f"{'bot cpu ms/upd':>16}")
    lines = [f"(b) load: N = {n}, {2 * n} updates in one burst, the bot serving its web app",
             header, "-" * len(header)]
    for name, f in [(rt.BARE, bare), *((f"yishitang, {f.contender}", f) for f, _ in runs)]:
        lines.append(f"{name:<22}{f.updates_per_s:>11.1f}{f.p50_ms:>9.0f}{f.p95_ms:>9.0f}"
                     f"{f.lost:>6}{f.bot_cpu_ms_per_update:>16.2f}")
    (zero, _), (loaded, seen) = runs
    lines.append(f"screens: {seen.get('clients', 0)} streams, events each "
                 f"{seen.get('events_min')}..{seen.get('events_max')}, all followed the burst "
                 f"to its end: {'yes' if seen.get('followed') else 'NO'}; the clients' own "
                 f"CPU during the burst {seen.get('cpu_s', float('nan')):.2f} s (same cores)")
    versus_zero = loaded.updates_per_s / zero.updates_per_s if zero.updates_per_s else 0.0
    versus_bare = loaded.updates_per_s / bare.updates_per_s if bare.updates_per_s else 0.0
    passed = (versus_bare >= rt.GOAL_RATIO and loaded.ok and zero.ok
              and bool(seen.get("followed")))
    lines.append(f"throughput {streams} streams / 0 streams = {versus_zero:.2f}; "
                 f"{streams} streams / bare = {versus_bare:.2f} (goal >= {rt.GOAL_RATIO:.2f}, "
                 f"nothing lost, database as expected) -> {'PASS' if passed else 'FAIL'}")
    figures = {"bare": asdict(bare), "runs": [asdict(f) | {"screens": s} for f, s in runs],
               "ratio_streams_vs_none": versus_zero, "ratio_streams_vs_bare": versus_bare,
               "pass": passed}
    return "\n".join(lines), figures, passed


async def load(args: argparse.Namespace) -> tuple[rt.Figures, list[tuple[rt.Figures, JSON]]]:
    """The three contenders ``--repeat`` times, in turn (reversed every other round: the
    machine's load drifts); for each, the run of median throughput."""
    contenders: list[int | None] = [None, 0, args.streams]  # None: the bare bot
    runs: dict[int | None, list[tuple[rt.Figures, JSON]]] = {c: [] for c in contenders}
    for attempt in range(args.repeat):
        for streams in contenders if attempt % 2 == 0 else contenders[::-1]:
            print(f"  load: {'bare PTB echo' if streams is None else f'{streams} streams'}"
                  f", N={args.n} ({attempt + 1}/{args.repeat}) ...", flush=True)
            runs[streams].append(
                (await rt.measure(rt.BARE, args.n, args.timeout), {}) if streams is None
                else await burst(args.n, streams, args.timeout))
    chosen = {c: sorted(found, key=lambda r: r[0].updates_per_s)[(len(found) - 1) // 2]
              for c, found in runs.items()}
    return chosen[None][0], [chosen[0], chosen[args.streams]]


async def run(args: argparse.Namespace) -> int:
    started = datetime.now(UTC)
    report: JSON = {"benchmark": "web-screen", "started": started.isoformat(),
                    "environment": rt.environment(), "args": vars(args)}
    status = 0
    if "latency" in args.parts:
        results = []
        for kind, separate in SETUPS:
            if kind in args.databases and (args.baseline or not separate or kind != "sqlite"):
                print(f"  latency on {kind}{', web apart' if separate else ''} ...", flush=True)
                results.append(await latency(kind, separate, args))
        table, passed = latency_table(results, args.cap)
        print(f"\n{table}\n", flush=True)
        report["latency"], status = results, status | (not passed)
    if "load" in args.parts:
        bare, runs = await load(args)
        table, figures, passed = load_table(args.n, bare, runs, args.streams)
        print(f"\n{table}\n", flush=True)
        report["load"], status = figures, status | (not passed)
    report["passed"] = not status
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"web-screen-{started.strftime('%Y%m%dT%H%M%SZ')}.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n",
                    encoding="utf-8")
    print(f"figures written to {path}")
    return int(status)


def main(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if min(args.k, args.participants, args.n, args.streams, args.repeat) < 1:
        raise SystemExit("--k, --participants, --n, --streams and --repeat must be positive")
    return asyncio.run(run(args))
