"""Property tests: whatever a user types or a client sends as button data, the parsers answer
with a value or a DomainError (which the user is told in words), never anything else."""

from __future__ import annotations

import re
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.app import build_application
from bot.callbacks import MAX_ID, number
from bot.common import BotDeps
from bot.handlers.minutes import _whole
from bot.parsing import optional, parse_hand, parse_kind
from facilitation.errors import DomainError
from facilitation.services import parse_turn_limit
from tests.fakes import FakeClock, FakeUowFactory, SequentialCodes
from transcripts.minutes.deadlines import resolve_deadline

TYPED = st.text(max_size=40) | st.from_regex(r"[-+]?[0-9.e]{1,30}[smS秒分钟]{0,2}",
                                              fullmatch=True)
NUMBERS = st.sampled_from(["inf", "nan", "1e400", "²", "١٢", "１２", "-1", "0", "9" * 40])


@settings(max_examples=300, deadline=None)
@given(TYPED | NUMBERS)
def test_turn_limits_are_a_number_of_seconds_in_range_or_refused(raw: str) -> None:
    try:
        seconds = parse_turn_limit(raw)
    except DomainError as refused:
        assert refused.code == "bad_turn_limit"
    else:
        assert 30 <= seconds <= 3600


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=12), max_size=4), TYPED | NUMBERS)
def test_words_and_numbers_of_commands(args: list[str], raw: str) -> None:
    for parse in (lambda: parse_hand(args), lambda: parse_kind(raw), lambda: optional(raw)):
        try:
            parse()
        except DomainError:
            pass
    whole = _whole(raw)
    assert whole is None or (raw.isascii() and 0 <= whole < 10**9)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_deadlines_as_said_resolve_to_a_date_or_none(said: str) -> None:
    resolved = resolve_deadline(said, date(2026, 12, 6))
    assert resolved is None or isinstance(resolved, date)


def _patterns() -> list[re.Pattern[str]]:
    deps = BotDeps(uow=FakeUowFactory(), clock=FakeClock(), new_code=SequentialCodes())
    app = build_application(token="1:x", deps=deps, base_url="http://127.0.0.1:9/bot",
                            base_file_url="http://127.0.0.1:9/file/bot")
    found = []
    for handlers in app.handlers.values():
        for handler in handlers:
            pattern = getattr(handler, "pattern", None)
            if isinstance(pattern, re.Pattern):
                found.append(pattern)
    return found


PATTERNS = _patterns()


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("mnqcfoktarpusihledx:0123456789９٣-"), max_size=40)
       | st.sampled_from(["mn:files:" + "9" * 11, "q:up:2147483648", "mark:0:s"]))
def test_button_data_decodes_to_an_id_in_range_or_is_refused(data: str) -> None:
    assert len(PATTERNS) >= 8
    if not any(p.match(data) for p in PATTERNS):
        return  # the catch-all handler answers it as a stale button
    for field in data.split(":")[1:]:
        if field.isdigit() and field.isascii() and len(field) <= 16:
            try:
                assert 0 < number(field) <= MAX_ID
            except DomainError as refused:
                assert refused.code == "stale_button"
        else:
            assert not field.isdigit(), data  # only ASCII digits pass a pattern
