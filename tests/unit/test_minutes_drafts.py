"""'Changed since approval' compares what the minutes are made of, not the extractor's words."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from facilitation.model import MinutesVersion
from transcripts.minutes.compile import compile_minutes
from transcripts.minutes.drafts import Draft, approved_body
from transcripts.minutes.model import load_transcript

DEV = Path(__file__).parents[1] / "data" / "minutes" / "dev"
MINUTES = compile_minutes(load_transcript(json.loads((DEV / "g1.json").read_text("utf-8"))))
RECORD = cast(Any, None)  # not read by these properties


def draft(latest_body: str | None, source: str) -> Draft:
    latest = (MinutesVersion(1, 1, latest_body, None, datetime(2026, 12, 1, tzinfo=UTC))
              if latest_body is not None else None)
    return Draft(MINUTES, RECORD, latest, {}, [], source)


def test_a_new_extractor_alone_is_no_change_since_approval() -> None:
    other_words = replace(MINUTES, suggestions=MINUTES.suggestions[1:], extractor="0.9")
    frozen = approved_body(other_words, "abc")  # approved under older rules, same record
    assert not draft(frozen, "abc").changed_since_approval
    assert draft(frozen, "abd").changed_since_approval  # the record or an edit changed
    assert draft(None, "abc").changed_since_approval


def test_versions_frozen_before_the_source_was_kept_compare_by_their_text() -> None:
    legacy = json.loads(approved_body(MINUTES, ""))
    del legacy["source"]
    frozen = json.dumps(legacy, ensure_ascii=False, sort_keys=True)
    assert draft(frozen, "abc").changed_since_approval  # body now carries a source: differs
    assert json.loads(draft(None, "abc").body)["extractor"] == MINUTES.extractor != ""
