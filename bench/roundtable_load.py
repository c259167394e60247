"""Roundtable load: N participants sign in and raise hands at once, against a bare PTB echo bot.

For each N and each contender, in this process:

1. a fresh Bot API sandbox is started as a child process (``python -m bot.sandbox``), so its
   CPU is not spent on the bot's event loop;
2. a supergroup with a moderator and N users is created through its control API, the bot under
   test starts polling, the moderator sends ``/new 停车难怎么解决`` and we wait for the reply;
3. the sandbox statistics are reset and ONE bulk ``POST /_sandbox/send_texts`` creates the
   burst: N × ``/signin`` (one per user) followed by N × ``/hand`` (same users, same order),
   i.e. 2N updates queued at once;
4. we wait until every burst message is acknowledged, or the timeout: the bare echo bot
   replies to each, so ``POST /_sandbox/wait_replied`` (event-driven, in the sandbox) tells;
   yishitang coalesces its acknowledgements (bot/acks.py), so its bot messages are read every
   0.5 s instead;
5. ``GET /_sandbox/stats`` gives created_ns / replied_ns per message (time.perf_counter_ns in
   the sandbox process). An update counts as handled when the first bot message that
   acknowledges it arrives: a reply quoting it, or a message listing several users (it quotes
   the first of them, which dates it) that names its user, in the same wave (the users' names
   are unique). latency = acknowledged - created, throughput = acknowledged updates / (last
   acknowledgement - first message created), lost = burst messages never acknowledged.

Contenders: "bare PTB echo" (Application.builder() with its Updater, one MessageHandler that
answers ``reply_text(text, do_quote=True)``) and "yishitang" (build_runtime + running, exactly
as production, on a fresh SQLite file). For yishitang the database is checked afterwards too:
N+1 attendance rows, N pending hands, no unprocessed inbox row.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import json
import logging
import math
import os
import platform
import pstats
import re
import signal
import sqlite3
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp

JSON = dict[str, Any]
SUMMARY = "N participants /signin then /hand at once: yishitang vs a bare PTB echo bot"
ROOT = Path(__file__).resolve().parents[1]
OUT_DIR = ROOT / "bench" / "out"
TOKEN = "7000000001:BENCH-TOKEN"
BOT_USERNAME = "yishitang_bot"
TOPIC = "停车难怎么解决"
MODERATOR = "李主席"
GOAL_RATIO = 0.5
BARE, YISHITANG = "bare PTB echo", "yishitang"
CONTENDERS = (BARE, YISHITANG)
WAVES = ("/signin", "/hand")  # sent in one burst: every user's /signin, then every /hand
READY_PREFIX = "SANDBOX_READY "

log = logging.getLogger("bench.roundtable")


# --------------------------------------------------------------------------- the sandbox process
@dataclass
class SandboxProcess:
    """``python -m bot.sandbox`` running as a child process; driven over HTTP."""

    process: asyncio.subprocess.Process
    root_url: str
    stderr_path: Path
    http: aiohttp.ClientSession

    async def call(self, method: str, path: str, body: Any = None,
                   timeout: float = 30.0) -> Any:  # noqa: ASYNC109
        async with self.http.request(
            method, f"{self.root_url}/_sandbox/{path}",
            json=body if method == "POST" else None,
            timeout=aiohttp.ClientTimeout(total=timeout),
        ) as response:
            payload = await response.json()
        if not payload.get("ok"):
            raise RuntimeError(f"sandbox {path}: {payload.get('description')}")
        return payload["result"]

    def cpu_seconds(self) -> float | None:
        """User+system CPU time of the sandbox process so far (Linux /proc), or None."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stderr_tail(self, lines: int = 20) -> str:
        return _tail(self.stderr_path, lines)


@contextlib.asynccontextmanager
async def sandbox_process(workdir: Path,
                          module: str = "bot.sandbox") -> AsyncIterator[SandboxProcess]:
    """The Bot API sandbox (``module``: it, or a benchmark's extension of it) as a child."""
    stderr_path = workdir / "sandbox.stderr"
    with stderr_path.open("wb") as stderr:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", module, "--port", "0", "--token", TOKEN,
            "--bot-username", BOT_USERNAME, "--can-read-all-group-messages",
            cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=stderr,
            stdin=asyncio.subprocess.DEVNULL)
    try:
        root_url = await asyncio.wait_for(_ready_line(process, stderr_path), 30.0)
        async with aiohttp.ClientSession() as http:
            yield SandboxProcess(process, root_url, stderr_path, http)
    finally:
        await _stop(process)


async def _ready_line(process: asyncio.subprocess.Process, stderr_path: Path) -> str:
    assert process.stdout is not None
    while line := (await process.stdout.readline()).decode():
        if line.startswith(READY_PREFIX):
            return line[len(READY_PREFIX):].strip()
    await process.wait()
    raise RuntimeError(f"the sandbox exited ({process.returncode}) before SANDBOX_READY:\n"
                       + _tail(stderr_path))


def _tail(path: Path, lines: int = 20) -> str:
    with contextlib.suppress(OSError):
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    return ""


async def _stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), 10.0)
        except TimeoutError:
            process.kill()
            await process.wait()


# --------------------------------------------------------------------------- the contenders
@dataclass(frozen=True)
class Group:
    chat_id: int
    moderator_id: int
    user_ids: list[int]
    names: dict[str, int]  # first name -> user id


Verify = Callable[[Group], Awaitable[JSON]]


@dataclass(frozen=True)
class Contender:
    verify: Verify
    replies_to_each: bool  # True: every update gets a reply quoting it (wait_replied tells)


ContenderFactory = Callable[[str, Path], contextlib.AbstractAsyncContextManager[Contender]]


@contextlib.asynccontextmanager
async def yishitang_bot(root_url: str, workdir: Path) -> AsyncIterator[Contender]:
    """The production bot: build_runtime + running, on a fresh SQLite file in ``workdir``."""
    from pydantic import SecretStr

    from yishitang.bootstrap import build_runtime, running
    from yishitang.settings import Settings

    settings = Settings(telegram_token=SecretStr(TOKEN), telegram_api_url=root_url,
                        data_dir=workdir / "data", database_url=None, rate_limit=False,
                        poll_timeout=10)
    runtime = await build_runtime(settings)
    database = (settings.data_dir / "yishitang.db").resolve()
    assert str(database) in settings.db_url, settings.db_url

    async def verify(group: Group) -> JSON:
        with contextlib.suppress(TimeoutError):  # a stuck update shows in the counts below
            await asyncio.wait_for(runtime.poller.wait_handled(), 30.0)
        return check_database(database, group)

    async with running(runtime):
        yield Contender(verify, replies_to_each=False)


def check_database(database: Path, group: Group) -> JSON:
    """Lost-update check that does not trust replies: what the burst left in SQLite."""
    n = len(group.user_ids)
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        def count(sql: str) -> int:
            return int(db.execute(sql, (group.chat_id,)).fetchone()[0])

        attendance = count("SELECT count(*) FROM attendance a JOIN sessions s "
                           "ON a.session_id = s.id WHERE s.chat_id = ?")
        hands = count("SELECT count(*) FROM hands h JOIN sessions s ON h.session_id = s.id "
                      "WHERE s.chat_id = ? AND h.status = 'pending'")
        unprocessed = int(db.execute(
            "SELECT count(*) FROM inbox WHERE processed_at IS NULL").fetchone()[0])
    ok = attendance == n + 1 and hands == n and unprocessed == 0
    return {"attendance_rows": attendance, "expected_attendance": n + 1,
            "pending_hands": hands, "expected_hands": n,
            "unprocessed_inbox": unprocessed, "ok": ok}


@contextlib.asynccontextmanager
async def bare_echo_bot(root_url: str, workdir: Path) -> AsyncIterator[Contender]:
    """A plain python-telegram-bot Application with its Updater and one echo handler."""
    from telegram import Update
    from telegram.ext import Application, ContextTypes, MessageHandler, filters

    async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None and update.message.text is not None
        await update.message.reply_text(update.message.text, do_quote=True)

    app = (Application.builder().token(TOKEN).base_url(f"{root_url}/bot")
           .base_file_url(f"{root_url}/file/bot").build())
    app.add_handler(MessageHandler(filters.TEXT, echo))

    async def verify(_group: Group) -> JSON:
        return {"ok": True}

    async with app:
        assert app.updater is not None
        await app.updater.start_polling(timeout=10)
        await app.start()
        try:
            yield Contender(verify, replies_to_each=True)
        finally:
            await app.updater.stop()
            await app.stop()


FACTORIES: dict[str, ContenderFactory] = {BARE: bare_echo_bot, YISHITANG: yishitang_bot}


# --------------------------------------------------------------------------- one measured run
@dataclass
class Figures:
    contender: str
    n: int
    updates: int
    acknowledged: int
    lost: int
    seconds: float
    updates_per_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    bot_cpu_ms_per_update: float
    sandbox_cpu_ms_per_update: float | None
    burst_created_ms: float  # how long the sandbox took to create the whole burst
    waves: JSON = field(default_factory=dict)  # per wave: updates, seconds, updates_per_s
    checks: JSON = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.lost == 0 and bool(self.checks.get("ok", True))


def percentile(sorted_values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile of an ascending sequence (nan when empty)."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


NAME_DELIMITERS = re.compile(r"[\s、，,:：;；()（）.。]+")


def acknowledged_ns(timings: list[JSON], bot_messages: list[JSON], names: dict[str, int],
                    n: int) -> list[int | None]:
    """When each burst message was first acknowledged (sandbox clock), None if never.

    A bot message quoting a burst message is dated by that message's ``replied_ns`` (the
    sandbox stamps the first reply to a message). It acknowledges the message it quotes and,
    when it lists users (a combined acknowledgement), the message of each user it names in the
    same wave (/signin or /hand). Bot messages quoting nothing (e.g. the recording notice)
    cannot be dated and do not count.
    """
    index = {(t["chat_id"], t["message_id"]): i for i, t in enumerate(timings)}
    in_wave = {(i >= n, t["user_id"]): i for i, t in enumerate(timings)}
    acked: list[int | None] = [t["replied_ns"] for t in timings]
    dated: set[int] = set()
    for message in sorted(bot_messages, key=lambda m: m["message_id"]):
        quoted = (message.get("reply_to_message") or {}).get("message_id")
        i = index.get((message["chat"]["id"], quoted))
        if i is None or i in dated or timings[i]["replied_ns"] is None:
            continue  # not a reply to the burst, or not the first (undated) reply to it
        dated.add(i)
        sent: int = timings[i]["replied_ns"]
        for word in NAME_DELIMITERS.split(str(message.get("text") or "")):
            j = in_wave.get((i >= n, names.get(word, 0)))
            if j is not None and (acked[j] is None or sent < (acked[j] or 0)):
                acked[j] = sent
    return acked


def figures_from_stats(contender: str, n: int, timings: list[JSON], acked: list[int | None],
                       bot_cpu_s: float, sandbox_cpu_s: float | None) -> Figures:
    done = [(t, a) for t, a in zip(timings, acked, strict=True) if a is not None]
    latencies = sorted((a - t["created_ns"]) / 1e6 for t, a in done)
    seconds = math.nan
    waves: JSON = {}
    if done:
        start = min(t["created_ns"] for t in timings)
        seconds = (max(a for _, a in done) - start) / 1e9
        # Both bots handle updates in order: the /hand wave starts when the last /signin was
        # acknowledged. The stats list messages in the order they were sent.
        for name, wave in zip(WAVES, (acked[:n], acked[n:]), strict=True):
            ends = [a for a in wave if a is not None]
            if not ends:
                continue
            wave_s = (max(ends) - start) / 1e9
            waves[name] = {"updates": len(ends), "seconds": wave_s,
                           "updates_per_s": len(ends) / wave_s if wave_s > 0 else 0.0}
            start = max(ends)
    updates = len(timings)
    return Figures(
        contender=contender, n=n, updates=updates, acknowledged=len(done),
        lost=updates - len(done), seconds=seconds,
        updates_per_s=len(done) / seconds if done and seconds > 0 else 0.0,
        p50_ms=percentile(latencies, 50), p95_ms=percentile(latencies, 95),
        p99_ms=percentile(latencies, 99), max_ms=latencies[-1] if latencies else math.nan,
        bot_cpu_ms_per_update=bot_cpu_s * 1000 / max(updates, 1),
        sandbox_cpu_ms_per_update=None if sandbox_cpu_s is None
        else sandbox_cpu_s * 1000 / max(updates, 1),
        burst_created_ms=(max(t["created_ns"] for t in timings)
                          - min(t["created_ns"] for t in timings)) / 1e6 if timings else 0.0,
        waves=waves)


async def measure(contender: str, n: int, timeout: float,  # noqa: ASYNC109
                  profile: cProfile.Profile | None = None) -> Figures:
    """One contender, one N, on a fresh sandbox process (and, for yishitang, database).

    With ``profile``, the bot process is profiled from the burst until its last reply.
    """
    with tempfile.TemporaryDirectory(prefix="bench-roundtable-") as tmp:
        workdir = Path(tmp)
        async with sandbox_process(workdir) as sandbox:
            group = await make_group(sandbox, n)
            async with FACTORIES[contender](sandbox.root_url, workdir) as bot:
                await open_session(sandbox, group)
                await sandbox.call("POST", "reset_stats")
                burst = [{"user_id": uid, "chat_id": group.chat_id, "text": text}
                         for text in WAVES for uid in group.user_ids]
                cpu0, sandbox_cpu0 = time.process_time(), sandbox.cpu_seconds()
                if profile is not None:
                    profile.enable()
                sent = await sandbox.call("POST", "send_texts", {"messages": burst},
                                          timeout=60.0)
                if bot.replies_to_each:
                    await sandbox.call("POST", "wait_replied", {"timeout": timeout},
                                       timeout=timeout + 30.0)
                else:
                    await wait_acknowledged(sandbox, group, n, timeout, sent)
                if profile is not None:
                    profile.disable()
                bot_cpu = time.process_time() - cpu0
                sandbox_cpu1 = sandbox.cpu_seconds()
                stats = await sandbox.call("GET", "stats")
                acked = acknowledged_ns(stats["messages"], await bot_messages(sandbox, group),
                                        group.names, n)
                checks = await bot.verify(group)
            if None in acked:
                log.warning("%s N=%d: %d of %d burst messages unacknowledged after %.0f s\n%s",
                            contender, n, acked.count(None), len(acked), timeout,
                            sandbox.stderr_tail())
    sandbox_cpu = (None if sandbox_cpu0 is None or sandbox_cpu1 is None
                   else sandbox_cpu1 - sandbox_cpu0)
    figures = figures_from_stats(contender, n, stats["messages"], acked, bot_cpu, sandbox_cpu)
    figures.checks = checks
    if figures.updates != 2 * n:
        raise RuntimeError(f"expected {2 * n} burst messages in the stats, got {figures.updates}")
    return figures


async def bot_messages(sandbox: SandboxProcess, group: Group) -> list[JSON]:
    found: list[JSON] = await sandbox.call("GET", f"messages?chat_id={group.chat_id}")
    return found


async def wait_acknowledged(sandbox: SandboxProcess, group: Group, n: int,
                            timeout: float, sent: list[JSON]) -> None:  # noqa: ASYNC109
    """Until every burst message is acknowledged, or ``timeout``: the bot's new messages
    are read every 0.5 s (only those since the last look: this runs in the bot's process,
    and rereading the whole chat each time cost the bot CPU that grew with N); when they
    seem to acknowledge everything, the whole record confirms it (acknowledged_ns, as the
    figures). ``sent``: the burst as send_texts answered it, in order. The figures come from
    the sandbox's clock, not from this loop."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    index = {(m["chat_id"], m["message_id"]): i for i, m in enumerate(sent)}
    user_of = {i: uid for i, uid in enumerate(group.user_ids * 2)}  # the burst's order
    seen: set[tuple[bool, int]] = set()  # (second wave, user) acknowledged
    last = 0
    while loop.time() < deadline:
        await asyncio.sleep(0.5)
        fresh: list[JSON] = await sandbox.call(
            "GET", f"messages?chat_id={group.chat_id}&after={last}")
        for message in fresh:
            last = max(last, int(message["message_id"]))
            quoted = (message.get("reply_to_message") or {}).get("message_id")
            i = index.get((group.chat_id, quoted))
            if i is None:
                continue
            wave = i >= n
            seen.add((wave, user_of[i]))
            for word in NAME_DELIMITERS.split(str(message.get("text") or "")):
                if word in group.names:
                    seen.add((wave, group.names[word]))
        if len(seen) < 2 * n:
            continue
        stats = await sandbox.call("GET", "stats")
        acked = acknowledged_ns(stats["messages"], await bot_messages(sandbox, group),
                                group.names, n)
        if None not in acked:
            return


async def make_group(sandbox: SandboxProcess, n: int) -> Group:
    moderator = await sandbox.call("POST", "users", {"first_name": MODERATOR})
    users = await sandbox.call("POST", "users", {"count": n, "prefix": "居民"})
    user_ids = [int(u["id"]) for u in users]
    chat = await sandbox.call("POST", "groups", {
        "title": "议事堂", "member_ids": [moderator["id"], *user_ids], "bot_is_admin": True})
    names = {str(u["first_name"]): int(u["id"]) for u in users}
    assert len(names) == n, "the users' names must be unique: acknowledgements name them"
    return Group(int(chat["id"]), int(moderator["id"]), user_ids, names)


async def open_session(sandbox: SandboxProcess, group: Group) -> None:
    """The moderator opens the session; returns once the bot replied (also a warm-up)."""
    await sandbox.call("POST", "send_texts", [
        {"user_id": group.moderator_id, "chat_id": group.chat_id, "text": f"/new {TOPIC}"}])
    waited = await sandbox.call("POST", "wait_replied", {"timeout": 30}, timeout=60.0)
    if waited["timed_out"]:
        raise RuntimeError(f"no reply to /new within 30 s\n{sandbox.stderr_tail()}")


# --------------------------------------------------------------------------- report
def median_run(runs: list[Figures]) -> Figures:
    """The run with the median throughput (the lower middle one for an even count)."""
    ordered = sorted(runs, key=lambda f: f.updates_per_s)
    return ordered[(len(ordered) - 1) // 2]


def _ms(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:,.0f}"


def _wave_rate(figures: Figures, wave: str) -> str:
    found = figures.waves.get(wave)
    return "-" if found is None else f"{found['updates_per_s']:.0f}"


def render_table(n: int, chosen: dict[str, Figures], runs: int) -> tuple[str, float, bool]:
    header = (f"{'contender':<15}{'updates':>9}{'updates/s':>11}{'p50 ms':>9}{'p95 ms':>9}"
              f"{'p99 ms':>9}{'lost':>6}{'bot cpu ms/upd':>16}{'sandbox cpu ms/upd':>20}")
    lines = [f"N = {n}: {2 * n} updates in one burst ({n} × /signin, then {n} × /hand)"
             + (f", median of {runs} runs" if runs > 1 else ""), header, "-" * len(header)]
    for name in CONTENDERS:
        f = chosen[name]
        sandbox_cpu = ("-" if f.sandbox_cpu_ms_per_update is None
                       else f"{f.sandbox_cpu_ms_per_update:.2f}")
        lines.append(f"{name:<15}{f.updates:>9}{f.updates_per_s:>11.1f}{_ms(f.p50_ms):>9}"
                     f"{_ms(f.p95_ms):>9}{_ms(f.p99_ms):>9}{f.lost:>6}"
                     f"{f.bot_cpu_ms_per_update:>16.2f}{sandbox_cpu:>20}")
    lines.append("per wave, updates/s (bare / yishitang): " + ", ".join(
        f"{wave} {_wave_rate(chosen[BARE], wave)} / {_wave_rate(chosen[YISHITANG], wave)}"
        for wave in WAVES))
    checks = chosen[YISHITANG].checks
    if checks:
        lines.append(
            f"yishitang database: attendance {checks['attendance_rows']}/"
            f"{checks['expected_attendance']}, pending hands {checks['pending_hands']}/"
            f"{checks['expected_hands']}, unprocessed inbox {checks['unprocessed_inbox']}"
            f" -> {'ok' if checks['ok'] else 'MISMATCH'}")
    bare = chosen[BARE].updates_per_s
    ratio = chosen[YISHITANG].updates_per_s / bare if bare else 0.0
    passed = ratio >= GOAL_RATIO and all(f.ok for f in chosen.values())
    lost_note = "" if all(f.lost == 0 for f in chosen.values()) else ", LOST UPDATES"
    check_note = "" if all(f.checks.get("ok", True) for f in chosen.values()) else ", DB MISMATCH"
    lines.append(f"throughput ratio yishitang/bare = {ratio:.2f} (goal >= {GOAL_RATIO:.2f})"
                 f"{lost_note}{check_note} -> {'PASS' if passed else 'FAIL'}")
    return "\n".join(lines), ratio, passed


def write_json(report: JSON, stamp: str, name: str = "roundtable",
               out: Path = OUT_DIR) -> Path:
    """A benchmark's figures as bench/out/<name>-<stamp>.json (or under ``out``)."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}-{stamp}.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n",
                    encoding="utf-8")
    return path


def environment() -> JSON:
    import telegram

    return {"python": platform.python_version(), "python_telegram_bot": telegram.__version__,
            "platform": platform.platform(), "cpus": os.cpu_count(),
            "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None}


# --------------------------------------------------------------------------- entry points
async def run(sizes: Sequence[int], repeat: int, timeout: float,  # noqa: ASYNC109
              profile: bool = False) -> int:
    started = datetime.now(UTC)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    results: list[JSON] = []
    status = 0
    for n in sizes:
        runs: dict[str, list[Figures]] = {name: [] for name in CONTENDERS}
        for attempt in range(repeat):
            order = CONTENDERS if attempt % 2 == 0 else CONTENDERS[::-1]
            for name in order:
                print(f"  running {name}, N={n} ({attempt + 1}/{repeat}) ...", flush=True)
                profiler = cProfile.Profile() if profile else None
                runs[name].append(await measure(name, n, timeout, profiler))
                if profiler is not None:
                    report_profile(profiler, OUT_DIR / f"roundtable-{stamp}-{n}-{name.split()[0]}"
                                   f"-{attempt + 1}.prof", 2 * n)
        chosen = {name: median_run(figures) for name, figures in runs.items()}
        table, ratio, passed = render_table(n, chosen, repeat)
        print(f"\n{table}\n", flush=True)
        status |= 0 if passed else 1
        results.append({
            "n": n, "updates": 2 * n, "ratio": ratio, "goal": GOAL_RATIO, "pass": passed,
            "chosen": {name: asdict(f) for name, f in chosen.items()},
            "runs": {name: [asdict(f) for f in figures] for name, figures in runs.items()},
        })
    report = {
        "benchmark": "roundtable", "started": started.isoformat(),
        "finished": datetime.now(UTC).isoformat(), "sizes": list(sizes), "repeat": repeat,
        "burst": "one bulk send_texts: N x /signin then N x /hand",
        "clock": "sandbox time.perf_counter_ns", "environment": environment(),
        "results": results,
    }
    print(f"figures written to {write_json(report, stamp).relative_to(ROOT)}")
    return status


def report_profile(profiler: cProfile.Profile, path: Path, updates: int, top: int = 30) -> None:
    """Save the profile and print the functions with the most own time.

    Only the own ("internal") times are printed: cumulative times of coroutines and of
    SQLAlchemy's greenlets are not meaningful under cProfile.
    """
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    profiler.dump_stats(path)
    print(f"  profile of {updates} updates (main thread only, cProfile overhead included) "
          f"saved to {path.relative_to(ROOT)}; open with python -m pstats")
    pstats.Stats(profiler, stream=sys.stdout).sort_stats(pstats.SortKey.TIME).print_stats(top)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--n", type=int, nargs="+", default=[200, 1000], metavar="N",
                        help="participant counts (default: 200 1000); each sends 2 updates")
    parser.add_argument("--repeat", type=int, default=1, metavar="R",
                        help="runs per contender and N; the median-throughput run is shown")
    parser.add_argument("--timeout", type=float, default=120.0, metavar="S",
                        help="seconds to wait for every burst message to be answered (120)")
    parser.add_argument("--profile", action="store_true",
                        help="cProfile each burst in the bot process; print the hot spots and "
                             "save bench/out/roundtable-<time>-<N>-<contender>-<run>.prof")


def main(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if any(n < 1 for n in args.n) or args.repeat < 1:
        raise SystemExit("--n and --repeat must be positive")
    return asyncio.run(run(args.n, args.repeat, args.timeout, args.profile))
