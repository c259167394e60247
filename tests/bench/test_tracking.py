"""bench tracking in a tiny configuration: it generates, writes, times every step and writes
its figures. Whether the goals are met is the benchmark's business, not this test's."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bench import tracking


def test_the_tracking_benchmark_runs_in_a_tiny_configuration(tmp_path: Path) -> None:
    parser = argparse.ArgumentParser()
    tracking.add_arguments(parser)
    args = parser.parse_args(["--halls", "3", "--sessions", "3", "--items", "4",
                              "--repeat", "1", "--out", str(tmp_path)])

    status = tracking.run(args)

    [written] = tmp_path.glob("tracking-*.json")
    result = json.loads(written.read_text(encoding="utf-8"))
    assert status in (0, 1)
    assert result["passed"] is (status == 0)
    assert result["rows"]["items"] == 3 * 3 * 4
    assert set(result["timings"]) == {"count", "scan", "stats county", "stats hall",
                                      "report xlsx", "track", "track replayed"}
    # withdrawn items, and those of the session held in the last instant of 2025, left out
    assert 0 < result["county"]["suggestions"] + result["county"]["follow_ups"] < 3 * 3 * 4
    assert result["open_items"] > 0 and "📊 全县 · 2026年" in result["stats_text"]
