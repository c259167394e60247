"""The annotated minutes sets in tests/data/minutes/dev/ pass their consistency checker.

Runs tests/data/minutes/check_gold.py's check() on every NAME.json + NAME.gold.json pair; it
reads the transcript schema from yishitang/schemas/, never from ../shared.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

CHECKER = Path(__file__).resolve().parents[1] / "data" / "minutes" / "check_gold.py"
DEV = CHECKER.parent / "dev"


def _checker():
    spec = importlib.util.spec_from_file_location("check_gold", CHECKER)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


check_gold = _checker()
PAIRS = check_gold.pairs([DEV])


def test_dev_has_pairs() -> None:
    assert PAIRS
    assert check_gold.SCHEMA.is_relative_to(CHECKER.parents[3])


@pytest.mark.parametrize("path", PAIRS, ids=[p.stem for p in PAIRS])
def test_annotated_pair_is_consistent(path: Path) -> None:
    assert check_gold.check(path) == []
