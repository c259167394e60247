"""The moderator's /queue and /next while voice notes are captioned (issue 9, point 11).

With production settings (Telegram rate limiting on: Settings.rate_limit=True, the bot's
TelegramLimits of bot/limits.py: 20 requests a minute per group, sends and edits alike, with
answers first; real Whisper, the in-process engine the production bot uses), while four voice
notes are being captioned, the moderator's /next and /queue must be answered within 1.5 s
p95; the first caption must arrive within 0.3 x note duration + 2 s, and no caption later
than 20 s after its note.

In one run, in this process: the Bot API sandbox as a child process (bench/floor_sandbox.py:
``python -m bot.sandbox`` plus the control endpoints this benchmark needs), the production
bot (build_runtime + running, fresh SQLite file, rate_limit=True, the Whisper engine
build_transcriber makes, its model from the benchmarks' cache, loaded and warmed first), and
groups with a moderator and 6 participants each; in each group /new, everyone /signin,
everyone /hand (the burst of a session's start, which spends about 8 of the group's 20).

1. idle (group A): the moderator sends /queue and /next alternately, K times (10), each when
   the previous was answered;
2. loaded (group B, a session that has just started): 4 participants send voice notes (real
   clips from tests/data/audio) in one go, and right after that the moderator does the same
   K commands; each is sent when the previous was answered or after at most 20 s (then it
   counts as 20 s, and as unanswered). The goals are judged here.
3. drained (group A again, after phase 1; ``--scenario both|drained``): the same as 2 in the
   group whose budget the idle phase has just spent (20 requests in the minute before): no
   bot can answer ten commands there within 1.5 s, since the group gets one request every
   3 s; reported to show what the moderator gets then (the answer in the next free slot).

Times are the sandbox's clock: a command's answer time is its message's creation to the
bot's reply quoting it (stats created_ns/replied_ns); a caption's delay is the voice
message's creation to the bot's request that put the caption in the group (the scribe edits
its "正在转写……" reply into the caption, or the caption takes that reply's place if it has
not gone out yet).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import logging
import math
import re
import tempfile
import time
import wave
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from string import Formatter
from typing import Any

from bench.asr_accuracy import AUDIO_DIR, load_refs
from bench.roundtable_load import (
    OUT_DIR,
    TOKEN,
    Group,
    SandboxProcess,
    check_database,
    environment,
    make_group,
    percentile,
    sandbox_process,
)
from bench.voice_latency import Watched, voice_note
from transcripts.whisper import WhisperTranscriber

JSON = dict[str, Any]
SUMMARY = ("floor: /queue and /next answer times, idle and while four voice notes are "
           "captioned (rate limiting on, real Whisper), and the captions' delays")
TOPIC = "老旧小区加装电梯"
GOAL_P95_S = 1.5
# in a group whose budget is spent one request goes every 3 s: an answer must take the next
# slot, not wait behind captions and notices (first come, first served gave 11.6 s)
DRAINED_P95_S = 3.5
CAPTION_LATEST_S = 20.0
COMMANDS = ("/queue", "/next")

log = logging.getLogger("bench.floor")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--k", type=int, default=10,
                        help="commands per phase, /queue and /next alternately (10)")
    parser.add_argument("--voices", type=int, default=4, help="voice notes sent at once (4)")
    parser.add_argument("--participants", type=int, default=6, help="besides the moderator (6)")
    parser.add_argument("--seconds", type=float, default=0.0,
                        help="0: each note is one real clip (the longest ones); else notes of "
                             "this length joined from several clips")
    parser.add_argument("--cap", type=float, default=20.0,
                        help="longest wait for an answer before the next command (20 s)")
    parser.add_argument("--caption-timeout", type=float, default=120.0,
                        help="how long to wait for the captions (120 s)")
    parser.add_argument("--models-dir", type=Path, default=None,
                        help="where the model is assembled (default: bench/out/models)")
    parser.add_argument("--scenario", choices=("both", "fresh"), default="both",
                        help="both: also the loaded phase in the idle phase's group, its "
                             "budget spent (reported, not a goal); fresh: only the goals' run")
    parser.add_argument("--out", type=Path, default=OUT_DIR)


# --------------------------------------------------------------------------- voice notes
@dataclass(frozen=True)
class Note:
    source: str
    duration_s: float
    data: bytes


def make_notes(count: int, seconds: float) -> list[Note]:
    """Real clips as OGG/Opus voice notes: one clip each (the longest), or joined clips."""
    if seconds > 0:
        return [Note(f"clips joined ({i * 7}…)", seconds, voice_note(seconds, offset=i * 7))
                for i in range(count)]
    clips = sorted(AUDIO_DIR.glob("*.wav"))  # the order voice_note() takes them in
    longest = sorted(load_refs(), key=lambda ref: -ref.duration_s)[:count]
    notes = []
    for ref in longest:
        with wave.open(str(AUDIO_DIR / ref.file)) as clip:
            duration = clip.getnframes() / clip.getframerate()
        index = clips.index(AUDIO_DIR / ref.file)
        notes.append(Note(ref.file.removesuffix(".wav"), duration,
                          voice_note(duration, offset=index)))
    return notes


# --------------------------------------------------------------------------- the sandbox
def floor_sandbox(workdir: Path) -> contextlib.AbstractAsyncContextManager[SandboxProcess]:
    """``python -m bench.floor_sandbox`` (the sandbox with our endpoints) as a child process."""
    return sandbox_process(workdir, "bench.floor_sandbox")


async def send(sandbox: SandboxProcess, group: Group, user_ids: list[int],
               text: str) -> list[JSON]:
    messages = [{"user_id": uid, "chat_id": group.chat_id, "text": text} for uid in user_ids]
    sent: list[JSON] = await sandbox.call("POST", "send_texts", {"messages": messages})
    return sent


async def wait_replied(sandbox: SandboxProcess, sent: list[JSON],
                       timeout: float) -> JSON:  # noqa: ASYNC109
    """Until the bot replied to each of ``sent`` (quoting it), or ``timeout``."""
    body = {"messages": [[m["chat_id"], m["message_id"]] for m in sent],
            "field": "replied_ns", "timeout": timeout}
    waited: JSON = await sandbox.call("POST", "wait_messages", body, timeout=timeout + 30)
    return waited


async def everyone(sandbox: SandboxProcess, group: Group, user_ids: list[int],
                   text: str) -> None:
    """``text`` from each of ``user_ids`` at once, then the moderator's /queue: the bot
    handles updates in order, so its answer to that /queue means every one was handled."""
    await send(sandbox, group, user_ids, text)
    last = await send(sandbox, group, [group.moderator_id], "/queue")
    if (await wait_replied(sandbox, last, 60))["timed_out"]:
        raise RuntimeError(f"no answer to /queue after {text}\n{sandbox.stderr_tail()}")


# --------------------------------------------------------------------------- the phases
@dataclass
class Probe:
    command: str
    message_id: int
    created_ns: int
    replied_ns: int | None  # None: not answered within the cap
    transcribing: bool  # a transcription ran while it waited for its answer
    late_s: float | None = None  # answered after the cap, this long after it was sent

    def seconds(self, cap: float) -> float:
        if self.replied_ns is None:
            return cap
        return min(cap, (self.replied_ns - self.created_ns) / 1e9)


async def probe_phase(sandbox: SandboxProcess, group: Group, k: int, cap: float,
                      watched: Watched) -> list[Probe]:
    probes = []
    for i in range(k):
        command = COMMANDS[i % 2]
        began = time.perf_counter()
        sent = await send(sandbox, group, [group.moderator_id], command)
        timing = (await wait_replied(sandbox, sent, cap))["timings"][0]
        replied = timing["replied_ns"]
        if replied is not None and (replied - timing["created_ns"]) / 1e9 > cap:
            replied = None
        probes.append(Probe(command, sent[0]["message_id"], timing["created_ns"], replied,
                            watched.running_during(began, time.perf_counter())))
    return probes


@dataclass
class Caption:
    source: str
    duration_s: float
    message_id: int
    created_ns: int
    shown_ns: int | None = None
    kind: str = "missing"  # caption | dropped | failed | missing
    text: str = ""

    @property
    def delay_s(self) -> float | None:
        return None if self.shown_ns is None else (self.shown_ns - self.created_ns) / 1e9


def template_pattern(template: str) -> str:
    """A catalogue template as a regular expression, its {fields} matching anything."""
    parts = []
    for literal, field, _spec, _conversion in Formatter().parse(template):
        parts.append(re.escape(literal))
        if field is not None:
            parts.append(".*?")
    return "".join(parts)


def catalogue_pattern(key: str) -> str:
    from bot.catalog import CATALOGS

    return "|".join(f"(?:^{template_pattern(c[key])}$)" for c in CATALOGS.values())


def classify(text: str) -> str:
    for kind, key in (("dropped", "voice_dropped"), ("failed", "voice_failed"),
                      ("caption", "voice_caption")):
        if re.search(catalogue_pattern(key), text, re.DOTALL):
            return kind
    return "other"


async def send_voices(sandbox: SandboxProcess, group: Group, notes: list[Note]) -> list[Caption]:
    senders = group.user_ids[-len(notes):]
    body = {"voices": [{"user_id": uid, "chat_id": group.chat_id,
                        "data": base64.b64encode(note.data).decode(),
                        "duration": max(1, round(note.duration_s))}
                       for uid, note in zip(senders, notes, strict=True)]}
    sent = await sandbox.call("POST", "send_voices", body)
    return [Caption(note.source, note.duration_s, m["message_id"], m["created_ns"])
            for note, m in zip(notes, sent, strict=True)]


async def wait_captions(sandbox: SandboxProcess, group: Group, captions: list[Caption],
                        timeout: float) -> None:  # noqa: ASYNC109
    body = {"messages": [[group.chat_id, c.message_id] for c in captions],
            "pending": catalogue_pattern("voice_transcribing"), "timeout": timeout}
    waited = await sandbox.call("POST", "wait_final", body, timeout=timeout + 30)
    by_id = {c.message_id: c for c in captions}
    for found in waited["found"]:
        caption = by_id[found["message_id"]]
        caption.shown_ns, caption.text = found["ns"], found["text"]
        caption.kind = classify(found["text"])


# --------------------------------------------------------------------------- one run
async def measure(args: argparse.Namespace) -> JSON:
    from pydantic import SecretStr

    from yishitang.bootstrap import build_runtime, running
    from yishitang.settings import Settings
    from yishitang.speech import build_transcriber

    notes = make_notes(args.voices, args.seconds)
    models_dir = (args.models_dir or args.out / "models").resolve()
    with tempfile.TemporaryDirectory(prefix="bench-floor-") as tmp:
        workdir = Path(tmp)
        async with floor_sandbox(workdir) as sandbox:
            group = await make_group(sandbox, args.participants)
            settings = Settings(telegram_token=SecretStr(TOKEN),
                                telegram_api_url=sandbox.root_url, data_dir=workdir / "data",
                                database_url=None, rate_limit=True, model_cache_dir=models_dir)
            # the engine production builds, watched to know when it transcribes; loaded and
            # warmed before the bot starts (production loads it at start, in the background)
            watched = Watched(build_transcriber(settings))
            started = time.perf_counter()
            await watched.start()
            model_s = time.perf_counter() - started
            runtime = await build_runtime(settings, transcriber=watched)
            fresh = await make_group(sandbox, args.participants)
            async with running(runtime):
                setup = await set_up(sandbox, group, runtime)
                idle = await probe_phase(sandbox, group, args.k, args.cap, watched)
                drained: JSON | None = None
                if args.scenario == "both":
                    drained = await drained_phase(sandbox, group, runtime, notes, args,
                                                  watched)
                setup["loaded_group"] = await set_up(sandbox, fresh, runtime)
                loaded, captions = await loaded_phase(sandbox, fresh, notes, args, watched)
                board_s = await board_lag(runtime, fresh.chat_id)
                stats = await sandbox.call("GET", "stats")
                calls = await sandbox.call("GET", f"chat_calls?chat_id={group.chat_id}")
                fresh_calls = await sandbox.call("GET", f"chat_calls?chat_id={fresh.chat_id}")
    late_replies(idle + loaded, stats["messages"])
    if drained is not None:
        late = [Probe(**p) for p in drained["loaded"]]
        late_replies(late, stats["messages"])
        drained["loaded"] = [asdict(p) for p in late]
    whisper = watched.inner.options if isinstance(watched.inner, WhisperTranscriber) else None
    return {
        "benchmark": "floor", "rate_limit": settings.rate_limit,
        "engine": watched.engine, "model": watched.model,
        "whisper_threads": whisper.threads if whisper else None,
        "asr_workers": settings.asr_workers, "model_load_s": model_s,
        "k": args.k, "cap_s": args.cap, "participants": args.participants, "setup": setup,
        "idle": [asdict(p) for p in idle], "loaded": [asdict(p) for p in loaded],
        "captions": [asdict(c) for c in captions],
        "drained": drained,
        "transcriptions": [[round(a, 3), round(b, 3)] for a, b in watched.spans],
        "group_calls": calls, "loaded_group_calls": fresh_calls, "board_lag_s": board_s,
        "phase_calls": {"idle": calls_around(calls, phase_span(idle, [])),
                        "loaded": calls_around(fresh_calls, phase_span(loaded, captions)),
                        **({"drained": calls_around(calls, phase_span(
                            [Probe(**p) for p in drained["loaded"]],
                            [Caption(**c) for c in drained["captions"]]))}
                           if drained else {})},
    }


async def board_lag(runtime: Any, chat_id: int, most_s: float = 120.0) -> float | None:
    """Seconds from now (the loaded phase over, its captions in) until the group's live board
    says what the session is now (bot/board.py); None if not within ``most_s``. It only uses
    the group's spare budget, so it catches up once the burst has drained. Looked at every
    0.5 s (a figure's resolution, not a synchronisation)."""
    from bot.board import board_text
    from facilitation.board import boards_due

    clock = asyncio.get_running_loop().time
    started = clock()
    while clock() - started < most_s:
        for board in await boards_due(runtime.uow(), now=datetime.now(UTC)):
            state = board.state
            if (board.chat_id == chat_id and state is not None and state.message_id
                    and board_text(board, runtime.settings.timezone) == state.text):
                return clock() - started
        await asyncio.sleep(0.5)
    return None


async def loaded_phase(sandbox: SandboxProcess, group: Group, notes: list[Note],
                       args: argparse.Namespace, watched: Watched
                       ) -> tuple[list[Probe], list[Caption]]:
    """Four voice notes at once, then the K commands while they are captioned."""
    captions = await send_voices(sandbox, group, notes)
    waiting = asyncio.create_task(wait_captions(sandbox, group, captions, args.caption_timeout))
    loaded = await probe_phase(sandbox, group, args.k, args.cap, watched)
    await waiting
    return loaded, captions


async def drained_phase(sandbox: SandboxProcess, group: Group, runtime: Any,
                        notes: list[Note], args: argparse.Namespace, watched: Watched) -> JSON:
    """The loaded phase in the idle phase's group, whose budget that phase has spent."""
    # those called in phase 1 raise their hands again, for this phase's /next
    await everyone(sandbox, group, group.user_ids[:math.ceil(args.k / 2)], "/hand")
    await asyncio.wait_for(runtime.poller.wait_handled(), 30)
    pending = pending_hands(runtime.settings, group)
    probes, captions = await loaded_phase(sandbox, group, notes, args, watched)
    return {"pending_hands_before": pending, "loaded": [asdict(p) for p in probes],
            "captions": [asdict(c) for c in captions]}


async def set_up(sandbox: SandboxProcess, group: Group, runtime: Any) -> JSON:
    opened = await send(sandbox, group, [group.moderator_id], f"/new {TOPIC}")
    if (await wait_replied(sandbox, opened, 30))["timed_out"]:
        raise RuntimeError(f"no answer to /new\n{sandbox.stderr_tail()}")
    await everyone(sandbox, group, group.user_ids, "/signin")
    await everyone(sandbox, group, group.user_ids, "/hand")
    await asyncio.wait_for(runtime.poller.wait_handled(), 30)
    database = (runtime.settings.data_dir / "yishitang.db").resolve()
    checked: JSON = check_database(database, group)
    if not checked["ok"]:
        raise RuntimeError(f"the set-up did not take: {checked}")
    return checked


def pending_hands(settings: Any, group: Group) -> int:
    import sqlite3

    database = (settings.data_dir / "yishitang.db").resolve()
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        return int(db.execute(
            "SELECT count(*) FROM hands h JOIN sessions s ON h.session_id = s.id "
            "WHERE s.chat_id = ? AND h.status = 'pending'", (group.chat_id,)).fetchone()[0])


def late_replies(probes: list[Probe], timings: list[JSON]) -> None:
    """For commands counted as unanswered: whether and when the answer came after all."""
    replied = {t["message_id"]: t["replied_ns"] for t in timings}
    for probe in probes:
        late = replied.get(probe.message_id)
        if probe.replied_ns is None and late is not None:
            probe.late_s = (late - probe.created_ns) / 1e9


def phase_span(probes: list[Probe], captions: list[Caption]) -> tuple[int, int]:
    starts = [p.created_ns for p in probes] + [c.created_ns for c in captions]
    ends = [p.replied_ns or p.created_ns for p in probes] + \
        [c.shown_ns or c.created_ns for c in captions]
    return min(starts), max(ends)


BOARD = "📌"  # what the live board says and no other message does (bot/catalog_board.py)


def calls_around(calls: list[JSON], span: tuple[int, int]) -> JSON:
    """Bot API requests for the group (each passes the group's rate limiter) during a phase,
    and in the minute before it began."""
    start, end = span
    during = [c for c in calls if start <= c["ts_ns"] <= end]
    before = [c for c in calls if start - 60e9 <= c["ts_ns"] < start]
    minutes = max((end - start) / 60e9, 1e-9)
    board = [c for c in during if BOARD in str(c.get("text") or "")
             or c["method"] in ("pinChatMessage", "unpinChatMessage")]
    return {"during": len(during), "per_minute": len(during) / minutes,
            "in_minute_before": len(before), "seconds": (end - start) / 1e9,
            "methods": sorted({c["method"] for c in during}),
            # the live board (bot/board.py): its requests, and the messages sent besides
            "board": len(board),
            "messages": sum(c["method"] == "sendMessage" for c in during if c not in board)}


# --------------------------------------------------------------------------- report
def figures(probes: list[Probe], cap: float) -> JSON:
    values = sorted(p.seconds(cap) for p in probes)
    return {"p50_s": percentile(values, 50), "p95_s": percentile(values, 95),
            "max_s": values[-1] if values else math.nan,
            "answered": sum(p.replied_ns is not None for p in probes), "count": len(probes),
            "unanswered": sum(p.replied_ns is None for p in probes),
            "during_transcription": sum(p.transcribing for p in probes)}


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def report(result: JSON, cap: float) -> tuple[str, bool]:
    idle = figures([Probe(**p) for p in result["idle"]], cap)
    loaded = figures([Probe(**p) for p in result["loaded"]], cap)
    captions = [Caption(**c) for c in result["captions"]]
    result["figures"] = {"idle": idle, "loaded": loaded}
    lines = [
        f"production settings: rate limiting ON (Settings.rate_limit={result['rate_limit']}, "
        "bot/limits.py: 20 requests a minute per group, sends and edits alike, answers "
        "first)",
        f"Whisper REAL: {result['engine']} {result['model']}, in-process worker, "
        f"{result['asr_workers']} worker x {result['whisper_threads']} thread(s); model "
        f"loaded and warmed in {result['model_load_s']:.1f} s before the bot started",
        f"group: moderator + {result['participants']} participants; {result['k']} commands "
        f"per phase (/queue, /next alternately), each after the previous answer or {cap:.0f} s",
        "",
        f"{'phase':<8}{'answered':>10}{'p50 s':>8}{'p95 s':>8}{'max s':>8}{'unanswered':>12}"
        f"{'while transcribing':>20}   group calls: in phase (its length); in the minute before",
    ]
    phases = [("idle", idle), ("loaded", loaded)]
    drained = result.get("drained")
    if drained:
        phases.append(("drained", figures([Probe(**p) for p in drained["loaded"]], cap)))
        result["figures"]["drained"] = phases[-1][1]
    for name, fig in phases:
        calls = result["phase_calls"][name]
        lines.append(
            f"{name:<8}{fig['answered']:>7}/{fig['count']:<2}{fig['p50_s']:>8.2f}"
            f"{fig['p95_s']:>8.2f}{fig['max_s']:>8.2f}{fig['unanswered']:>12}"
            f"{fig['during_transcription']:>17}/{fig['count']:<2}"
            f"   {calls['during']:>3} ({calls['seconds']:.1f} s); {calls['in_minute_before']}"
            f"; of them board {calls.get('board', 0)}, new messages {calls.get('messages', 0)}")
    lines.append("(group calls: Bot API requests for the group, each through its rate limiter, "
                 "which lets 20 go at once, then one every 3 s;")
    lines.append(" the requests of the minute before a phase tell how full it was when it began;")
    lines.append(" board: the live board's edits and pins (bot/board.py), one message edited in "
                 "place)")
    ratio = loaded["p95_s"] / idle["p95_s"] if idle["p95_s"] > 0 else math.inf
    result["figures"]["p95_ratio"] = ratio
    lines.append(f"loaded/idle p95 = {ratio:.1f}x   (p95 is nearest-rank: with K=10, the "
                 "slowest; an unanswered command counts as "
                 f"{cap:.0f} s)")
    lines.append("(idle: group A; loaded: group B, a session just started; drained: group A "
                 "right after the idle phase spent its budget: not a goal, no bot can)")
    lag = result.get("board_lag_s")
    lines.append("live board of the loaded group up to date " + (
        f"{lag:.1f} s after its captions were in" if lag is not None else "not within 120 s")
        + " (it uses only the group's spare budget: bot/limits.py RESERVE[BOARD])")
    if drained:
        delays = [Caption(**c).delay_s for c in drained["captions"]]
        lines.append("drained phase captions, s: " + ", ".join(
            "-" if d is None else f"{d:.1f}" for d in delays))
    lines += ["", "captions, loaded phase (voice note created -> its caption in the group):",
              f"{'note':<34}{'note s':>8}{'delay s':>9}  goal"]
    shown = [c for c in captions if c.kind == "caption" and c.delay_s is not None]
    first = min(shown, key=lambda c: c.shown_ns or 0) if shown else None
    for c in captions:
        delay = "-" if c.delay_s is None else f"{c.delay_s:.2f}"
        goal = f"<= {CAPTION_LATEST_S:.0f} s"
        if c is first:
            goal = f"first caption: <= 0.3 x {c.duration_s:.1f} + 2 = " \
                   f"{0.3 * c.duration_s + 2:.2f} s; and {goal}"
        extra = "" if c.kind == "caption" else f"  [{c.kind}: {c.text[:60]!r}]"
        lines.append(f"{c.source:<34}{c.duration_s:>8.2f}{delay:>9}  {goal}{extra}")
    first_ok = first is not None and (first.delay_s or math.inf) <= 0.3 * first.duration_s + 2
    all_ok = len(shown) == len(captions) and all(
        (c.delay_s or math.inf) <= CAPTION_LATEST_S for c in shown)
    latest = max((c.delay_s or math.inf for c in captions), default=math.nan)
    answer_ok = loaded["p95_s"] <= GOAL_P95_S
    goals = {"answers_p95": answer_ok, "first_caption": first_ok, "captions_20s": all_ok}
    if drained:
        goals["drained_next_slot"] = result["figures"]["drained"]["p95_s"] <= DRAINED_P95_S
    result["goals"] = goals
    lines += [
        "",
        f"goal: /queue and /next answered within {GOAL_P95_S} s p95 while captioning: "
        f"p95 {loaded['p95_s']:.2f} s, {loaded['unanswered']} unanswered -> "
        f"{verdict(answer_ok)}",
        "goal: first caption within 0.3 x note + 2 s: "
        + (f"{first.delay_s:.2f} s for a {first.duration_s:.1f} s note (goal "
           f"{0.3 * first.duration_s + 2:.2f} s)" if first and first.delay_s is not None
           else "no caption") + f" -> {verdict(first_ok)}",
        f"goal: every caption within {CAPTION_LATEST_S:.0f} s of its note: {len(shown)}/"
        f"{len(captions)} captioned, latest {latest:.2f} s -> {verdict(all_ok)}",
    ]
    if drained:
        p95 = result["figures"]["drained"]["p95_s"]
        lines.append(f"goal: in the drained group, answers in the next free slot (p95 <= "
                     f"{DRAINED_P95_S} s): p95 {p95:.2f} s -> "
                     f"{verdict(goals['drained_next_slot'])}")
    return "\n".join(lines), all(goals.values())


def main(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.k < 1 or args.voices < 1 or args.participants < args.voices:
        raise SystemExit("--k and --voices must be positive, --participants >= --voices")
    started = datetime.now(UTC)
    result = asyncio.run(measure(args))
    text, passed = report(result, args.cap)
    print(text, flush=True)
    result.update(started=started.isoformat(), finished=datetime.now(UTC).isoformat(),
                  environment=environment(), passed=passed)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"floor-{started.strftime('%Y%m%dT%H%M%SZ')}.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str) + "\n",
                    encoding="utf-8")
    print(f"figures written to {path}")
    return 0 if passed else 1
