"""bench web-phone in a tiny configuration (10 phones, SQLite): it runs end to end (the
production runtime with its web app over the Bot API sandbox, the phones in a child process)
and writes its figures, and the record holds what the phones did. Whether the latency goal
is met is the benchmark's business, not this test's."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bench import web_phone


def test_the_phone_benchmark_runs_in_a_tiny_configuration(tmp_path: Path) -> None:
    parser = argparse.ArgumentParser()
    web_phone.add_arguments(parser)
    args = parser.parse_args(["--phones", "10", "--databases", "sqlite", "--spread", "0.2",
                              "--out", str(tmp_path)])

    status = web_phone.main(args)

    [written] = tmp_path.glob("web-phone-*.json")
    report = json.loads(written.read_text(encoding="utf-8"))
    assert status in (0, 1)
    assert report["pass"] is (status == 0)
    [result] = report["databases"]
    assert result["database"] == "sqlite"
    assert result["checks"] == {"web_sign_ins": 10, "pending_hands": 10, "places_once": True,
                                "pages_agree": True, "ok": True}
    write = result["write"]
    assert write["through"] == 10 and write["errors"] == 0 and write["too_many"] == 0
    assert write["statuses"] == {"303": 20, "200": 10}
    assert set(write["per_request"]) == {"signin", "hand", "page"}
    assert 0 < write["p50_s"] <= write["p95_s"] <= write["max_s"]
    assert sorted(p["position"] for p in result["raw"]["write"]) == list(range(1, 11))
    for baseline in ("read", "bare"):
        assert result[baseline]["through"] == 10 and result[baseline]["requests"] == 30
        assert result[baseline]["statuses"] == {"200": 30}
