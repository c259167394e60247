"""Event-loop latency while Whisper transcribes: worker processes vs worker threads.

A heartbeat task sleeps 10 ms at a time, records how late each wake-up is (the delay every
Telegram update would see), then does 2 ms of pure-Python work (an update's handling) and
records how long that took, while the same clips are transcribed through WhisperTranscriber,
once with ``isolation="process"`` (the default: spawned workers, os.nice(10)) and once with
``isolation="thread"``; and once with no transcription at all as the baseline. It also reports
the real-time factor of each mode. Goal: in the process mode the loop's p99 lag stays under 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from bench.asr_accuracy import AUDIO_DIR, OUT_DIR, load_refs
from facilitation.speech import TranscriptionRequest
from transcripts.whisper import WhisperOptions, WhisperTranscriber

SUMMARY = "event-loop lag while transcribing: Whisper in worker processes vs threads"
TICK_S = 0.010
WORK_S = 0.002  # CPU time of one simulated update
GOAL_P99_MS = 50.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--clips", type=int, default=12, help="clips transcribed per mode")
    parser.add_argument("--models-dir", type=Path, default=None,
                        help="where the model is assembled (default: a folder in bench/out)")
    parser.add_argument("--out", type=Path, default=OUT_DIR)


def _work(units: int) -> int:
    """Pure-Python work standing in for handling one update (parsing, rules, rendering)."""
    total = 0
    for i in range(units):
        total += len(str(i * i))
    return total


def _calibrate(target_s: float = WORK_S) -> int:
    units = 1000
    while True:
        started = time.perf_counter()
        _work(units)
        if (elapsed := time.perf_counter() - started) >= target_s / 4:
            return int(units * target_s / elapsed)
        units *= 2


async def _heartbeat(lags: list[float], works: list[float], units: int,
                     stop: asyncio.Event) -> None:
    while not stop.is_set():
        before = time.perf_counter()
        await asyncio.sleep(TICK_S)
        woke = time.perf_counter()
        lags.append(max(0.0, woke - before - TICK_S))
        _work(units)
        works.append(time.perf_counter() - woke)


def _summary(lags: list[float]) -> dict[str, float]:
    ms = sorted(x * 1000 for x in lags) or [0.0]

    def pick(q: float) -> float:
        return round(ms[min(len(ms) - 1, int(q * len(ms)))], 2)

    return {"ticks": len(ms), "p50_ms": pick(0.5), "p95_ms": pick(0.95), "p99_ms": pick(0.99),
            "max_ms": round(ms[-1], 2), "mean_ms": round(statistics.fmean(ms), 2)}


async def _measure(mode: Literal["process", "thread"] | None, clips: list[Path],
                   models_dir: Path, units: int) -> dict[str, Any]:
    lags: list[float] = []
    works: list[float] = []
    stop = asyncio.Event()
    transcriber = None
    if mode is not None:
        transcriber = WhisperTranscriber(WhisperOptions(models_dir=models_dir, isolation=mode))
        await transcriber.start()
    beat = asyncio.create_task(_heartbeat(lags, works, units, stop))
    started = time.perf_counter()
    audio_s = 0.0
    try:
        if transcriber is None:
            await asyncio.sleep(5.0)
        else:
            for clip in clips:
                transcript = await transcriber.transcribe(clip, TranscriptionRequest())
                audio_s += transcript.duration
    finally:
        elapsed = time.perf_counter() - started
        stop.set()
        await beat
        if transcriber is not None:
            await transcriber.close()
    work = {f"work_{k}": v for k, v in _summary(works).items() if k != "ticks"}
    result: dict[str, Any] = {"mode": mode or "idle", **_summary(lags), **work}
    if audio_s:
        result["rtf"] = round(elapsed / audio_s, 3)
    return result


async def _main(args: argparse.Namespace) -> list[dict[str, Any]]:
    clips = [AUDIO_DIR / ref.file for ref in load_refs()][: args.clips]
    models_dir = args.models_dir or args.out / "models"
    units = min(_calibrate() for _ in range(5))
    return [await _measure(mode, clips, models_dir, units)
            for mode in (None, "thread", "process")]


def run(args: argparse.Namespace) -> int:
    results = asyncio.run(_main(args))
    print(f"{'':15} {'wake-up lag (ms)':^31} {'2 ms of work took (ms)':^23}")
    print(f"{'mode':8} {'ticks':>6} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7} {'p50':>7} "
          f"{'p99':>7} {'max':>7} {'RTF':>6}")
    for r in results:
        print(f"{r['mode']:8} {r['ticks']:>6} {r['p50_ms']:>7} {r['p95_ms']:>7} "
              f"{r['p99_ms']:>7} {r['max_ms']:>7} {r['work_p50_ms']:>7} {r['work_p99_ms']:>7} "
              f"{r['work_max_ms']:>7} {r.get('rtf', ''):>6}")
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = args.out / f"asr-loop-latency-{stamp}.json"
    path.write_text(json.dumps({"machine": {"cpus": os.cpu_count(),
                                            "python": platform.python_version()},
                                "tick_ms": TICK_S * 1000, "results": results}, indent=2))
    print(f"wrote {path}")
    process = next(r for r in results if r["mode"] == "process")
    return 0 if process["p99_ms"] <= GOAL_P99_MS else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=SUMMARY)
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
