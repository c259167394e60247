"""``python -m bench`` runs every benchmark; ``python -m bench NAME [options]`` runs one.

Exit status 0 when every benchmark met its goal, 1 otherwise.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass

from bench import (
    asr_accuracy,
    asr_loop_latency,
    floor_latency,
    minutes,
    review_flag,
    roundtable_load,
    showcase,
    tracking,
    voice_latency,
    web_phone,
    web_screen,
    workbench,
)


@dataclass(frozen=True)
class Benchmark:
    name: str
    summary: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


BENCHMARKS = (
    Benchmark("roundtable", roundtable_load.SUMMARY, roundtable_load.add_arguments,
              roundtable_load.main),
    Benchmark("asr-accuracy", asr_accuracy.SUMMARY, asr_accuracy.add_arguments,
              asr_accuracy.run),
    Benchmark("asr-loop", asr_loop_latency.SUMMARY, asr_loop_latency.add_arguments,
              asr_loop_latency.run),
    Benchmark("voice", voice_latency.SUMMARY, voice_latency.add_arguments, voice_latency.main),
    Benchmark("floor", floor_latency.SUMMARY, floor_latency.add_arguments, floor_latency.main),
    Benchmark("minutes", minutes.SUMMARY, minutes.add_arguments, minutes.run),
    Benchmark("review-flag", review_flag.SUMMARY, review_flag.add_arguments, review_flag.run),
    Benchmark("tracking", tracking.SUMMARY, tracking.add_arguments, tracking.run),
    Benchmark("web-screen", web_screen.SUMMARY, web_screen.add_arguments, web_screen.main),
    Benchmark("web-phone", web_phone.SUMMARY, web_phone.add_arguments, web_phone.main),
    Benchmark("workbench", workbench.SUMMARY, workbench.add_arguments, workbench.main),
    Benchmark("showcase", showcase.SUMMARY, showcase.add_arguments, showcase.main),
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="benchmark", metavar="BENCHMARK")
    for bench in BENCHMARKS:
        sub = commands.add_parser(bench.name, help=bench.summary, description=bench.summary)
        bench.add_arguments(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.benchmark is not None:
        chosen = next(b for b in BENCHMARKS if b.name == args.benchmark)
        return chosen.run(args)
    status = 0
    for bench in BENCHMARKS:  # every benchmark with its default options
        sub = argparse.ArgumentParser(prog=f"python -m bench {bench.name}")
        bench.add_arguments(sub)
        status |= bench.run(sub.parse_args([]))
    return status


if __name__ == "__main__":
    sys.exit(main())
