"""bench floor in a tiny configuration: it runs end to end (sandbox child process, the
production bot with rate limiting, real Whisper) and writes its figures. Whether the goals
are met is the benchmark's business, not this test's."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bench import floor_latency


def test_the_floor_benchmark_runs_in_a_tiny_configuration(tmp_path: Path) -> None:
    parser = argparse.ArgumentParser()
    floor_latency.add_arguments(parser)
    args = parser.parse_args(["--k", "2", "--voices", "1", "--participants", "2",
                              "--caption-timeout", "60", "--out", str(tmp_path)])

    status = floor_latency.main(args)

    [written] = tmp_path.glob("floor-*.json")
    result = json.loads(written.read_text(encoding="utf-8"))
    assert status in (0, 1)
    assert result["passed"] is (status == 0)
    assert result["rate_limit"] is True and result["engine"] == "faster-whisper"
    assert [p["command"] for p in result["idle"]] == ["/queue", "/next"]
    assert all(p["replied_ns"] is not None for p in result["idle"])
    assert len(result["loaded"]) == 2
    [caption] = result["captions"]
    assert caption["kind"] == "caption" and caption["shown_ns"] > caption["created_ns"]
    assert set(result["goals"]) == {"answers_p95", "first_caption", "captions_20s",
                                    "drained_next_slot"}
    assert len(result["drained"]["loaded"]) == 2  # the group whose budget phase 1 spent
