"""Minutes of a three-hour session: compile, DOCX (and JSON, Markdown) against bare baselines.

The session is synthetic but made of real speech: the utterances of the shared transcripts
t1, t2, t3 (tests/data/transcripts) taken in turn until the text reaches ``--chars``, long
turns cut at sentence ends until there are about ``--turns``, renumbered, timestamps laid end
to end and scaled to ``--hours``; attendance merged by name, each session's sign-in times
shifted by the difference of the session starts. Every step runs once untimed, then
``--repeat`` times; best and median are printed, each beside a baseline measured in the same
run, and the ratio ours/baseline (of the medians). Goals: compile < 1 s, DOCX < 2 s (median).

Baselines: for compiling, the pass any compiler must do (json parse, every utterance split
into sentences with a regex, jieba.lcut of all text; jieba's one-time dictionary load is
reported apart and done before anything is timed); for DOCX, python-docx writing the same
utterances as plain paragraphs into a blank document and saving it.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import io
import itertools
import json
import logging
import platform
import re
import statistics
import time
import warnings
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from docx import Document

from transcripts.minutes.compile import compile_minutes
from transcripts.minutes.model import Minutes, load_transcript
from transcripts.minutes.render_docx import to_docx_bytes

SUMMARY = "minutes of a 3-hour, 300-turn session: compile < 1 s, DOCX < 2 s, vs bare baselines"
ROOT = Path(__file__).resolve().parents[1]
OUT_DIR = ROOT / "bench" / "out"
SOURCES = ROOT / "tests" / "data" / "transcripts"
FILES = ("t1.json", "t2.json", "t3.json")
GOALS_S = {"compile": 1.0, "docx": 2.0}
SENTENCE = re.compile(r"[^。！？!?；;…]+[。！？!?；;…”』」]*")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--repeat", type=int, default=5, metavar="N",
                        help="timed runs per step (best and median of N; default 5)")
    parser.add_argument("--turns", type=int, default=300, help="utterances (about; 300)")
    parser.add_argument("--chars", type=int, default=45_000, help="characters of speech")
    parser.add_argument("--hours", type=float, default=3.0, help="length of the session")
    parser.add_argument("--sources", type=Path, default=SOURCES,
                        help="folder holding t1.json, t2.json, t3.json")
    parser.add_argument("--out", type=Path, default=OUT_DIR)


# -- the synthetic session ------------------------------------------------------------------

def _split(text: str, pieces: int) -> list[str]:
    """Cut ``text`` into about ``pieces`` parts at the sentence ends nearest equal lengths."""
    ends = [m.end() for m in SENTENCE.finditer(text)][:-1]
    if pieces <= 1 or not ends:
        return [text]
    cuts = sorted({min(ends, key=lambda e: abs(e - len(text) * i / pieces))
                   for i in range(1, pieces)})
    bounds = [0, *cuts, len(text)]
    return [text[a:b] for a, b in itertools.pairwise(bounds) if text[a:b]]


def _taken(sources: list[dict[str, Any]], chars: int) -> Iterator[tuple[int, dict[str, Any]]]:
    """(source index, utterance), cycling t1, t2, t3, ... until ``chars`` are reached."""
    total = 0
    while True:
        for i, source in enumerate(sources):
            for u in source["utterances"]:
                yield i, u
                total += len(u["text"])
                if total >= chars:
                    return


def _utterances(sources: list[dict[str, Any]], args: argparse.Namespace
                ) -> list[dict[str, Any]]:
    taken = list(_taken(sources, args.chars))
    total = sum(len(u["text"]) for _, u in taken)
    out: list[dict[str, Any]] = []
    clock, previous = 0.0, -1  # seconds since the start; the source of the previous turn
    chars = 0  # before this turn; its pieces: turns due by its end minus those due before
    for i, u in taken:
        due = round((chars + len(u["text"])) * args.turns / total) - round(
            chars * args.turns / total)
        chars += len(u["text"])
        at = datetime.fromisoformat(u["at"])
        if i != previous:  # a new block: its first turn starts where the last one ended
            origin, previous = at - timedelta(seconds=clock), i
        start = (at - origin).total_seconds()
        duration = float(u.get("duration_s") or 0)
        done = 0
        for piece in _split(u["text"], due):
            share = len(piece) / len(u["text"])
            out.append({**u, "text": piece, "offset": start + duration * done / len(u["text"]),
                        "duration_s": round(duration * share, 1)})
            done += len(piece)
        clock = start + duration
    return out


def synthetic_session(args: argparse.Namespace) -> dict[str, Any]:
    sources = [json.loads((args.sources / name).read_text("utf-8")) for name in FILES]
    session = dict(sources[0]["session"])
    begin = datetime.fromisoformat(session["started_at"])
    utterances = _utterances(sources, args)
    span = max(u["offset"] + u["duration_s"] for u in utterances) or 1.0
    scale = args.hours * 3600 / span
    for seq, u in enumerate(utterances, 1):
        u["seq"] = seq
        u["at"] = (begin + timedelta(seconds=round(u.pop("offset") * scale))).isoformat()
        u["duration_s"] = round(u["duration_s"] * scale, 1)
    session["ended_at"] = (begin + timedelta(hours=args.hours)).isoformat()
    return {"session": session, "attendance": _attendance(sources, begin),
            "utterances": utterances}


def _attendance(sources: list[dict[str, Any]], begin: datetime) -> list[dict[str, Any]]:
    merged: dict[str, dict[str, Any]] = {}
    for source in sources:
        shift = begin - datetime.fromisoformat(source["session"]["started_at"])
        for a in source["attendance"]:
            if a["name"] in merged:
                continue
            merged[a["name"]] = dict(a)
            for key in ("signed_in_at", "left_at"):
                if a.get(key):
                    merged[a["name"]][key] = (datetime.fromisoformat(a[key]) + shift).isoformat()
    return list(merged.values())


# -- what is timed --------------------------------------------------------------------------

def _jieba() -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba
    jieba.setLogLevel(logging.WARNING)
    return jieba


def _bare_compile(text: str, jieba: Any) -> int:
    data = json.loads(text)
    words = 0
    for u in data["utterances"]:
        words += len(SENTENCE.findall(u["text"])) + len(jieba.lcut(u["text"]))
    return words


def _bare_docx(data: dict[str, Any]) -> bytes:
    doc = Document()
    for u in data["utterances"]:
        doc.add_paragraph(f"{u['speaker']}：{u['text']}")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _renderer(module: str, name: str) -> Callable[[Minutes], Any] | None:
    try:
        function: Callable[[Minutes], Any] = getattr(
            importlib.import_module(f"transcripts.minutes.{module}"), name)
    except (ImportError, AttributeError):
        return None
    return function


def _timed(step: Callable[[], object], repeat: int) -> dict[str, float]:
    step()  # warm-up, untimed
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        step()
        times.append(time.perf_counter() - started)
    return {"best_s": min(times), "median_s": statistics.median(times)}


class _Step:
    def __init__(self, name: str, ours: Callable[[], object], baseline: str,
                 bare: Callable[[], object]) -> None:
        self.name, self.ours, self.baseline, self.bare = name, ours, baseline, bare


def _steps(data: dict[str, Any], jieba: Any, notes: list[str]) -> list[_Step]:
    text = json.dumps(data, ensure_ascii=False)
    minutes = compile_minutes(load_transcript(data))
    steps = [
        _Step("compile", lambda: compile_minutes(load_transcript(json.loads(text))),
              "json parse + regex sentences + jieba.lcut", lambda: _bare_compile(text, jieba)),
        _Step("docx", lambda: to_docx_bytes(minutes),
              "python-docx: the utterances as plain paragraphs, saved", lambda: _bare_docx(data)),
    ]
    bare = {"json": ("json.dumps of the input", lambda: json.dumps(data, ensure_ascii=False)),
            "markdown": ("the utterances joined as Markdown lines", lambda: "\n\n".join(
                f"**{u['speaker']}**：{u['text']}" for u in data["utterances"]))}
    for key, module, name in (("json", "render_json", "to_json"),
                              ("markdown", "render_md", "to_markdown")):
        function = _renderer(module, name)
        if function is None:
            notes.append(f"{key}: transcripts/minutes/{module}.py:{name} not importable, skipped")
            continue
        steps.append(_Step(key, functools.partial(function, minutes), *bare[key]))
    return steps


def _describe(data: dict[str, Any]) -> dict[str, Any]:
    utterances = data["utterances"]
    first, last = (datetime.fromisoformat(utterances[i]["at"]) for i in (0, -1))
    return {"turns": len(utterances), "chars": sum(len(u["text"]) for u in utterances),
            "span": str(last - first + timedelta(seconds=round(utterances[-1]["duration_s"]))),
            "attendees": len(data["attendance"])}


def _report(session: dict[str, Any], init_s: float, results: list[dict[str, Any]],
            notes: list[str]) -> None:
    print(f"synthetic session from {'+'.join(FILES)}: {session['turns']} turns, "
          f"{session['chars']:,} characters, {session['span']} of timestamps, "
          f"{session['attendees']} attendees")
    print(f"jieba dictionary load (one-time, before any timing): {init_s:.3f} s")
    print(f"{'':9} {'ours (ms)':^17} {'baseline (ms)':^17}")
    print(f"{'step':9} {'best':>8} {'median':>8} {'best':>8} {'median':>8} "
          f"{'ratio':>7}  goal")
    for r in results:
        goal = r.get("goal_s")
        verdict = "" if goal is None else (
            f"< {goal:g} s " + ("PASS" if r["ours"]["median_s"] < goal else "FAIL"))
        figures = (r[side][key] * 1000 for side in ("ours", "baseline")
                   for key in ("best_s", "median_s"))
        print(f"{r['step']:9} " + " ".join(f"{x:>8.1f}" for x in figures)
              + f" {r['ratio']:>7.2f}  {verdict}")
    print("ratio = ours / baseline (medians); baselines:")
    for r in results:
        print(f"  {r['step']:9} {r['baseline_is']}")
    for note in notes:
        print(f"note: {note}")


def run(args: argparse.Namespace) -> int:
    if args.repeat < 1 or args.turns < 1 or args.chars < 1 or args.hours <= 0:
        raise SystemExit("--repeat, --turns, --chars and --hours must be positive")
    data = synthetic_session(args)
    started = time.perf_counter()
    jieba = _jieba()
    jieba.initialize()
    init_s = time.perf_counter() - started
    notes: list[str] = []
    results: list[dict[str, Any]] = []
    for step in _steps(data, jieba, notes):
        ours, bare = _timed(step.ours, args.repeat), _timed(step.bare, args.repeat)
        results.append({"step": step.name, "ours": ours, "baseline": bare,
                        "baseline_is": step.baseline, "goal_s": GOALS_S.get(step.name),
                        "ratio": ours["median_s"] / bare["median_s"]})
    session = _describe(data)
    _report(session, init_s, results, notes)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"minutes-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    path.write_text(json.dumps({"python": platform.python_version(), "repeat": args.repeat,
                                "session": session, "jieba_init_s": init_s,
                                "results": results, "notes": notes}, indent=2))
    print(f"wrote {path}")
    missed = [r for r in results if r["goal_s"] is not None
              and r["ours"]["median_s"] >= r["goal_s"]]
    return 1 if missed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=SUMMARY)
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
