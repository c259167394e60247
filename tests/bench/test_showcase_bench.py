"""bench showcase in a tiny configuration, on SQLite: it writes its year, publishes every
hall, times every public page without a login and writes its figures; every page answered
200 and listed its rows. Whether the goal is met is the benchmark's business."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bench import showcase, workbench


def test_the_showcase_benchmark_runs_in_a_tiny_configuration(tmp_path: Path) -> None:
    parser = argparse.ArgumentParser()
    showcase.add_arguments(parser)
    args = parser.parse_args(["--databases", "sqlite", "--halls", "3", "--sessions", "3",
                              "--items", "2", "--turns", "3", "--repeat", "3", "--warmup", "1",
                              "--plans", "2", "--members", "2", "--photos", "1",
                              "--out", str(tmp_path)])

    status = showcase.main(args)

    [written] = tmp_path.glob("showcase-*.json")
    result = json.loads(written.read_text(encoding="utf-8"))
    assert status in (0, 1) and result["passed"] is (status == 0)
    [db] = result["databases"]
    every = [label for label, _, _, _ in showcase.pages(workbench.Prepared({}, 0, 1, 1, {}))]
    assert [p["page"] for p in db["pages"]] == every
    for page in db["pages"]:
        assert page["statuses"] == [200], page
        assert len(page["seconds"]) == len(page["bare_seconds"]) == 3
        assert page["rows"] > 0, page  # each page listed what it is for
    rows = {p["page"]: p["rows"] for p in db["pages"]}
    assert rows["/"] == 3 and rows["/org"] == 3  # every hall, published
    assert rows["/plan"] == 3 * 2 + 1  # the plans, and the table's head row
