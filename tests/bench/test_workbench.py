"""bench workbench in a tiny configuration, on SQLite: it writes its year, logs two browsers
in, times every page and writes its figures; every page answered 200 and listed its rows.
Whether the goal is met is the benchmark's business, not this test's."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bench import workbench


def test_the_workbench_benchmark_runs_in_a_tiny_configuration(tmp_path: Path) -> None:
    parser = argparse.ArgumentParser()
    workbench.add_arguments(parser)
    args = parser.parse_args(["--databases", "sqlite", "--halls", "3", "--sessions", "3",
                              "--items", "4", "--turns", "5", "--repeat", "3", "--warmup", "1",
                              "--out", str(tmp_path)])

    status = workbench.main(args)

    [written] = tmp_path.glob("workbench-*.json")
    result = json.loads(written.read_text(encoding="utf-8"))
    assert status in (0, 1) and result["passed"] is (status == 0)
    [db] = result["databases"]
    assert db["database"] == "sqlite" and db["rows"]["items"] == 3 * 3 * 4
    every = [label for label, _, _ in workbench.pages(workbench.Prepared({}, 0, 1, 1, {}))]
    shown = [(p["user"], p["page"]) for p in db["pages"]]
    assert shown == [("admin", label) for label in every] + [
        ("staff", label) for label in every if label not in workbench.ADMIN_ONLY]
    for page in db["pages"]:
        assert page["statuses"] == [200], page
        assert len(page["seconds"]) == len(page["bare_seconds"]) == 3
        assert len(page["full_gc_seconds"]) == 3
        assert len(page["server_seconds"]) == 3 and page["sql"] > 0 and page["bytes"] > 0
        assert page["rows"] > 0, page  # each page listed what it is for
        assert page["p95_s"] >= page["p50_s"] > 0 and page["ratio"] > 0
    rows = {(p["user"], p["page"]): p["rows"] for p in db["pages"]}
    assert rows[("admin", "/staff/s/<id>")] == 5  # the turns typed
    assert rows[("staff", "/staff/halls")] == 1  # staff of one hall
    assert rows[("admin", "/staff/halls")] == 3
    assert rows[("staff", "/staff")] < rows[("admin", "/staff")]
