"""bench web-screen in a tiny configuration: it runs end to end (sandbox child process, the
production bot, its screen followed in the bot's process, by `yishitang web` on PostgreSQL
and on SQLite, the roundtable burst with screen streams in a child process) and writes its
figures. Whether the goals are met is the benchmark's business, not this test's."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bench import web_screen


def test_the_web_screen_benchmark_runs_in_a_tiny_configuration(tmp_path: Path) -> None:
    parser = argparse.ArgumentParser()
    web_screen.add_arguments(parser)
    args = parser.parse_args(["--k", "3", "--participants", "2", "--n", "4", "--streams", "3",
                              "--repeat", "1", "--out", str(tmp_path)])

    status = web_screen.main(args)

    [written] = tmp_path.glob("web-screen-*.json")
    result = json.loads(written.read_text(encoding="utf-8"))
    assert status in (0, 1) and result["passed"] is (status == 0)
    assert [(r["database"], r["web"]) for r in result["latency"]] == [
        ("sqlite", "the bot's process, notifier"), ("postgresql", "separate, NOTIFY"),
        ("sqlite", "separate, poll 2 s")]
    # every action showed on the screen (/hand, /next, the words), within the cap
    assert all(len(r["seconds"]) == 3 and None not in r["seconds"] for r in result["latency"])
    bare, runs = result["load"]["bare"], result["load"]["runs"]
    assert bare["lost"] == 0 and [r["contender"] for r in runs] == ["0 streams", "3 streams"]
    assert all(r["lost"] == 0 and r["checks"]["ok"] for r in runs)
    screens = runs[1]["screens"]
    assert screens["clients"] == 3 and screens["events_min"] >= 2 and screens["followed"]
