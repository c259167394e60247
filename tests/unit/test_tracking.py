"""The life cycle of a tracked item: every legal and illegal transition, its events, replay."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from facilitation.errors import DomainError, InvalidInput, InvalidState
from facilitation.tracking import (
    LEGAL_FROM,
    MAX_REOPENS,
    SETTLED,
    SYSTEM,
    TRACKING_ERROR_CODES,
    WITH_UNIT,
    Conversion,
    EventKind,
    IllegalTransition,
    ItemEvent,
    ItemKind,
    ItemStatus,
    ItemWithdrawn,
    Satisfaction,
    TrackedItem,
    new_follow_up,
    overdue_from,
    replay,
    snapshot,
)
from tests.tracking_builders import DUE, LIAISON, PROPOSER, STAFF, T0, follow_up, suggestion

SHANGHAI = ZoneInfo("Asia/Shanghai")
S = ItemStatus


# Paths from a new suggestion to every state.
PATHS: dict[ItemStatus, list[str]] = {
    S.PENDING: [],
    S.CONVERTED: ["convert"],
    S.RESERVED: ["reserve"],
    S.REFERRED: ["refer"],
    S.ACCEPTED: ["refer", "accept"],
    S.IN_PROGRESS: ["refer", "accept", "progress"],
    S.DONE: ["refer", "accept", "progress", "reply"],
    S.REOPENED: ["refer", "accept", "reply", "unsatisfied"],
    S.EVALUATED: ["refer", "accept", "reply", "satisfied"],
    S.WITHDRAWN: ["withdraw"],
}

STEPS: dict[str, Callable[[TrackedItem, datetime], ItemEvent | None]] = {
    "convert": lambda i, t: i.convert(Conversion.PROPOSAL, "提案第12号", who=STAFF, at=t),
    "number": lambda i, t: i.number_conversion("社情民意第3号", who=STAFF, at=t),
    "reserve": lambda i, t: i.reserve("已有同类项目在建", who=STAFF, at=t),
    "refer": lambda i, t: i.refer(5, "县住建局", DUE, who=STAFF, at=t),
    "reassign": lambda i, t: i.reassign(6, "镇城建办", reason="属镇级事权", who=STAFF, at=t),
    "accept": lambda i, t: i.accept(who=LIAISON, at=t),
    "progress": lambda i, t: i.progress("已完成选址", who=LIAISON, at=t),
    "reply": lambda i, t: i.reply_with("路灯已安装12盏", who=LIAISON, at=t),
    "satisfied": lambda i, t: i.evaluate(Satisfaction.SATISFIED, who=PROPOSER, at=t),
    "unsatisfied": lambda i, t: i.evaluate(Satisfaction.UNSATISFIED, who=PROPOSER, at=t),
    "deadline": lambda i, t: i.change_deadline(DUE + timedelta(days=30), reason="需协调电力",
                                               who=STAFF, at=t),
    "withdraw": lambda i, t: i.withdraw(version=2, who=SYSTEM, at=t),
    "reinstate": lambda i, t: i.reinstate(version=3, who=SYSTEM, at=t),
    "revise": lambda i, t: i.revise(i.text + "和监控", version=2, who=SYSTEM, at=t),
}
ACTION_OF = {
    "convert": EventKind.CONVERTED, "number": EventKind.NUMBERED,
    "reserve": EventKind.RESERVED, "refer": EventKind.REFERRED,
    "reassign": EventKind.REASSIGNED, "accept": EventKind.ACCEPTED,
    "progress": EventKind.PROGRESS, "reply": EventKind.REPLIED,
    "satisfied": EventKind.EVALUATED, "deadline": EventKind.DEADLINE_CHANGED,
    "withdraw": EventKind.WITHDRAWN, "reinstate": EventKind.REINSTATED,
    "revise": EventKind.REVISED,
}
TARGET = {
    "convert": S.CONVERTED, "number": S.CONVERTED, "reserve": S.RESERVED,
    "refer": S.REFERRED, "reassign": S.REFERRED, "accept": S.ACCEPTED,
    "progress": S.IN_PROGRESS, "reply": S.DONE, "satisfied": S.EVALUATED,
    "withdraw": S.WITHDRAWN, "reinstate": S.PENDING,  # PATHS withdraws a pending item
}  # the others keep the state


def item_in(status: ItemStatus) -> TrackedItem:
    item = suggestion()
    for n, step in enumerate(PATHS[status], start=1):
        STEPS[step](item, T0 + timedelta(hours=n))
    assert item.status == status
    return item


@pytest.mark.parametrize("status", list(ItemStatus))
@pytest.mark.parametrize("step", sorted(ACTION_OF))
def test_every_action_from_every_state(step: str, status: ItemStatus) -> None:
    item = item_in(status)
    before = snapshot(item)
    at = T0 + timedelta(days=1)
    if status in LEGAL_FROM[ACTION_OF[step]]:
        event = STEPS[step](item, at)
        assert event is not None
        assert item.status == TARGET.get(step, status)
        assert (event.from_status, event.to_status, event.kind) == (status, item.status,
                                                                   ACTION_OF[step])
        assert item.history[:-1] == before.history and item.history[-1] is event
    else:
        expected = ItemWithdrawn if status == S.WITHDRAWN else IllegalTransition
        with pytest.raises(expected) as caught:
            STEPS[step](item, at)
        assert caught.value.params == {"action": ACTION_OF[step].value, "status": status.value}
        assert item == before  # nothing changed, no event


def test_the_codes_of_illegal_transitions() -> None:
    with pytest.raises(IllegalTransition) as caught:
        suggestion().accept(who=LIAISON, at=T0)
    assert caught.value.code == "item_illegal_transition"
    assert isinstance(caught.value, InvalidState) and isinstance(caught.value, DomainError)
    withdrawn = item_in(S.WITHDRAWN)
    with pytest.raises(ItemWithdrawn) as caught:
        withdrawn.refer(5, "县住建局", DUE, who=STAFF, at=T0)
    assert caught.value.code == "item_withdrawn"


def test_a_suggestion_starts_pending_and_a_follow_up_referred() -> None:
    s, f = suggestion(), follow_up()
    assert (s.kind, s.status, s.proposers, s.number) == (ItemKind.SUGGESTION, S.PENDING,
                                                         ("张三",), 1)
    assert (f.kind, f.status, f.unit_id, f.deadline) == (ItemKind.FOLLOW_UP, S.REFERRED, 5, DUE)
    for item in (s, f):
        (created,) = item.events
        assert (created.kind, created.from_status, created.to_status, created.n) == (
            EventKind.CREATED, None, item.status, 1)
        assert created.who == SYSTEM


def test_the_whole_life_of_a_follow_up_item() -> None:
    item = follow_up()
    item.accept(who=LIAISON, at=T0 + timedelta(days=1))
    item.progress("已完成选址", who=LIAISON, at=T0 + timedelta(days=2))
    item.progress("已采购灯具", who=LIAISON, at=T0 + timedelta(days=3))
    item.reply_with("已安装12盏", "file:abc", who=LIAISON, at=T0 + timedelta(days=4))
    assert item.settled and item.reply is not None and item.reply.document == "file:abc"
    item.evaluate(Satisfaction.BASICALLY, who=PROPOSER, at=T0 + timedelta(days=5))
    assert item.status == S.EVALUATED and item.satisfaction == Satisfaction.BASICALLY
    assert [(e.from_status, e.to_status) for e in item.events] == [
        (None, S.REFERRED), (S.REFERRED, S.ACCEPTED), (S.ACCEPTED, S.IN_PROGRESS),
        (S.IN_PROGRESS, S.IN_PROGRESS), (S.IN_PROGRESS, S.DONE), (S.DONE, S.EVALUATED)]
    assert [e.detail.get("note") for e in item.events if e.kind == EventKind.PROGRESS] == [
        "已完成选址", "已采购灯具"]
    assert [e.who for e in item.events[1:]] == [LIAISON] * 4 + [PROPOSER]
    assert [e.n for e in item.events] == [1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize("into", list(Conversion))
def test_conversion_with_and_without_its_number(into: Conversion) -> None:
    item = suggestion()
    item.convert(into, None, who=STAFF, at=T0)
    assert (item.status, item.conversion, item.reference) == (S.CONVERTED, into, None)
    assert item.settled and item.settled_at == T0
    item.number_conversion(" 2026-017 ", who=STAFF, at=T0)
    assert item.reference == "2026-017" and item.status == S.CONVERTED


def test_reopen_once_then_unsatisfied_stands() -> None:
    item = item_in(S.DONE)
    assert MAX_REOPENS == 1 and item.can_reopen
    event = item.evaluate(Satisfaction.UNSATISFIED, who=PROPOSER, at=T0 + timedelta(days=1))
    assert (event.from_status, event.to_status) == (S.DONE, S.REOPENED)
    assert item.reopens == 1 and not item.can_reopen and item.open and item.settled_at is None
    # 再办理: the unit handles it again, from where it left off
    item.progress("重新核查", who=LIAISON, at=T0 + timedelta(days=2))
    item.reply_with("已补装3盏", who=LIAISON, at=T0 + timedelta(days=3))
    last = item.evaluate(Satisfaction.UNSATISFIED, who=PROPOSER, at=T0 + timedelta(days=4))
    assert last.to_status == S.EVALUATED and item.satisfaction == Satisfaction.UNSATISFIED
    assert item.settled and item.reopens == 1
    with pytest.raises(IllegalTransition):
        item.evaluate(Satisfaction.UNSATISFIED, who=PROPOSER, at=T0 + timedelta(days=5))


def test_a_reopened_item_can_be_replied_to_directly() -> None:
    item = item_in(S.REOPENED)
    item.reply_with(None, "file:reply2", who=LIAISON, at=T0 + timedelta(days=1))
    assert item.status == S.DONE


def test_satisfied_on_the_first_reply_settles() -> None:
    item = item_in(S.EVALUATED)
    assert item.settled and item.reopens == 0 and item.satisfaction == Satisfaction.SATISFIED


def test_changing_a_deadline_needs_a_reason() -> None:
    item = item_in(S.ACCEPTED)
    for reason in (None, "", "   "):
        with pytest.raises(InvalidInput) as caught:
            item.change_deadline(date(2027, 1, 31), reason=reason, who=STAFF, at=T0)
        assert caught.value.code == "item_reason_required"
    assert item.deadline == DUE and len(item.events) == 3
    event = item.change_deadline(date(2027, 1, 31), reason="汛期停工", who=STAFF, at=T0)
    assert item.deadline == date(2027, 1, 31)
    assert dict(event.detail) == {"deadline": "2027-01-31", "previous": "2026-12-31",
                                  "reason": "汛期停工"}
    assert (event.from_status, event.to_status) == (S.ACCEPTED, S.ACCEPTED)


def test_an_unchanged_deadline_is_refused() -> None:
    item = item_in(S.REFERRED)
    with pytest.raises(InvalidInput) as caught:
        item.change_deadline(DUE, reason="同上", who=STAFF, at=T0)
    assert caught.value.code == "item_deadline_unchanged"


def test_a_first_deadline_needs_no_reason() -> None:
    item = new_follow_up(7, 20, "尽快清理河道", unit_name="镇水利站", unit_id=4, deadline=None,
                         at=T0)
    item.change_deadline(date(2027, 3, 1), reason=None, who=STAFF, at=T0)
    assert item.deadline == date(2027, 3, 1)
    with pytest.raises(InvalidInput):  # but the next change does
        item.change_deadline(date(2027, 4, 1), reason=None, who=STAFF, at=T0)


def test_referring_needs_a_deadline_and_reserving_a_reason() -> None:
    item = suggestion()
    with pytest.raises(InvalidInput) as caught:
        item.refer(5, "县住建局", None, who=STAFF, at=T0)
    assert caught.value.code == "item_deadline_required"
    with pytest.raises(InvalidInput) as caught:
        item.reserve("  ", who=STAFF, at=T0)
    assert caught.value.code == "item_reason_required"
    assert item.status == S.PENDING and len(item.events) == 1


def test_a_reply_needs_text_or_a_document() -> None:
    item = item_in(S.IN_PROGRESS)
    with pytest.raises(InvalidInput) as caught:
        item.reply_with(" ", None, who=LIAISON, at=T0)
    assert caught.value.code == "item_reply_empty"
    with pytest.raises(InvalidInput):
        item.progress("", who=LIAISON, at=T0)
    assert item.status == S.IN_PROGRESS


def test_an_item_without_a_unit_cannot_be_accepted_until_mapped() -> None:
    item = follow_up(unit_id=None)
    with pytest.raises(InvalidState) as caught:
        item.accept(who=LIAISON, at=T0)
    assert caught.value.code == "item_no_unit"
    event = item.map_unit(9, who=STAFF, at=T0)
    assert (event.kind, item.unit_id, item.unit_name, item.status) == (
        EventKind.UNIT_MAPPED, 9, "县住建局", S.REFERRED)
    with pytest.raises(InvalidState) as caught:
        item.map_unit(10, who=STAFF, at=T0)
    assert caught.value.code == "item_unit_set"
    item.accept(who=LIAISON, at=T0)


def test_reassigning_goes_back_to_referred_with_a_reason() -> None:
    item = item_in(S.IN_PROGRESS)
    with pytest.raises(InvalidInput):
        item.reassign(6, "镇城建办", reason=None, who=STAFF, at=T0)
    event = item.reassign(6, "镇城建办", reason="属镇级事权", who=STAFF, at=T0)
    assert (item.status, item.unit_id, item.unit_name, item.deadline) == (
        S.REFERRED, 6, "镇城建办", DUE)
    assert event.detail["reason"] == "属镇级事权"


@pytest.mark.parametrize("status", [s for s in ItemStatus if s != S.WITHDRAWN])
def test_withdrawn_from_any_state_and_reinstated_to_it(status: ItemStatus) -> None:
    item = item_in(status)
    item.withdraw(version=2, who=SYSTEM, at=T0 + timedelta(days=1))
    assert item.status == S.WITHDRAWN and not item.open and not item.settled
    with pytest.raises(ItemWithdrawn):
        item.withdraw(version=3, who=SYSTEM, at=T0)
    event = item.reinstate(version=3, who=SYSTEM, at=T0 + timedelta(days=2))
    assert (event.from_status, event.to_status) == (S.WITHDRAWN, status)
    assert item == replay(item.events)


def test_revising_the_text_is_an_event_and_the_same_text_is_none() -> None:
    item = item_in(S.ACCEPTED)
    assert item.revise(" 建议在老街口增设夜间路灯 ", version=2, who=SYSTEM, at=T0) is None
    event = item.revise("建议在老街口增设夜间路灯和监控", version=2, who=SYSTEM, at=T0)
    assert event is not None and item.text.endswith("监控") and item.version == 2


def test_events_are_append_only_and_immutable() -> None:
    item = item_in(S.DONE)
    events = item.events
    assert isinstance(events, tuple)
    with pytest.raises(AttributeError):
        events[0].to_status = S.DONE  # type: ignore[misc]
    with pytest.raises(TypeError):
        events[0].detail["text"] = "改写"  # type: ignore[index]
    item.evaluate(Satisfaction.SATISFIED, who=PROPOSER, at=T0)
    assert item.events[: len(events)] == events


def test_times_must_be_aware() -> None:
    with pytest.raises(ValueError):
        suggestion().reserve("理由", who=STAFF, at=datetime(2026, 1, 1))


def test_replay_refuses_a_broken_history() -> None:
    item = item_in(S.IN_PROGRESS)
    with pytest.raises(ValueError):
        replay(item.events[1:])
    with pytest.raises(ValueError):
        replay([item.events[0], item.events[2]])  # accepted is missing
    assert replay(item.events, item_id=42) == replace(item, id=42)


def test_every_code_raised_is_listed_for_the_catalogues() -> None:
    for code in ("item_illegal_transition", "item_withdrawn", "item_reason_required",
                 "item_deadline_unchanged", "item_deadline_required", "item_reply_empty",
                 "item_no_unit", "item_unit_set", "unit_name_taken", "bad_lead_days"):
        assert code in TRACKING_ERROR_CODES
    assert len(set(TRACKING_ERROR_CODES)) == len(TRACKING_ERROR_CODES)


# ------------------------------------------------------------------ overdue
def test_overdue_across_the_time_zone_boundary() -> None:
    item = follow_up()  # due 2026-12-31
    assert overdue_from(DUE, SHANGHAI) == datetime(2027, 1, 1, tzinfo=SHANGHAI)
    last_moment = datetime(2026, 12, 31, 15, 59, 59, tzinfo=UTC)  # 23:59:59 in Shanghai
    midnight = datetime(2026, 12, 31, 16, 0, tzinfo=UTC)  # 2027-01-01 00:00 in Shanghai
    assert not item.is_overdue(last_moment, SHANGHAI)
    assert item.is_overdue(midnight, SHANGHAI)
    # the same moment is not overdue yet for a hall in UTC
    assert not item.is_overdue(midnight, UTC)
    assert item.is_overdue(datetime(2027, 1, 1, tzinfo=UTC), UTC)
    # and a local time given in another zone is the same moment
    assert item.is_overdue(datetime(2027, 1, 1, 0, 0, tzinfo=SHANGHAI), SHANGHAI)


@pytest.mark.parametrize("status", list(ItemStatus))
def test_only_items_with_their_unit_can_be_overdue(status: ItemStatus) -> None:
    item = item_in(status)
    late = datetime(2027, 6, 1, tzinfo=UTC)
    assert item.is_overdue(late, SHANGHAI) == (status in WITH_UNIT)


def test_no_deadline_never_overdue_and_settled_on_time() -> None:
    item = new_follow_up(7, 20, "尽快清理河道", unit_name="镇水利站", unit_id=4, deadline=None,
                         at=T0)
    assert not item.is_overdue(datetime(2030, 1, 1, tzinfo=UTC), SHANGHAI)
    assert item.settled_on_time(SHANGHAI) is None
    on_time = follow_up()
    on_time.accept(who=LIAISON, at=T0)
    on_time.reply_with("已办", who=LIAISON, at=datetime(2026, 12, 31, 15, 0, tzinfo=UTC))
    assert on_time.settled_on_time(SHANGHAI) is True
    late = follow_up()
    late.accept(who=LIAISON, at=T0)
    late.reply_with("已办", who=LIAISON, at=datetime(2026, 12, 31, 16, 0, tzinfo=UTC))
    assert late.settled_on_time(SHANGHAI) is False
    assert late.settled_on_time(UTC) is True


# ------------------------------------------------------------------ property-based
RANDOM_STEPS = {**STEPS, "map": lambda i, t: i.map_unit(8, who=STAFF, at=t)}


def _apply_random(item: TrackedItem, steps: list[str]) -> int:
    done = 0
    for n, name in enumerate(steps, start=1):
        before = snapshot(item)
        try:
            event = RANDOM_STEPS[name](item, T0 + timedelta(minutes=n))
        except DomainError:
            assert item == before  # a refused action changes nothing
            continue
        if event is None:
            assert item == before
            continue
        done += 1
        assert event.from_status == before.status and event.to_status == item.status
        if name == "unsatisfied" and event.to_status == S.EVALUATED:
            assert before.reopens == MAX_REOPENS
    return done


@settings(max_examples=400, deadline=None)
@given(st.booleans(), st.lists(st.sampled_from(sorted(RANDOM_STEPS)), max_size=40))
def test_random_actions_keep_a_defined_state_and_replay(start_follow_up: bool,
                                                        steps: list[str]) -> None:
    item = follow_up(unit_id=None) if start_follow_up else suggestion()
    done = _apply_random(item, steps)
    assert item.status in set(ItemStatus)
    assert len(item.events) == done + 1
    assert [e.n for e in item.events] == list(range(1, done + 2))
    for earlier, later in zip(item.events, item.events[1:], strict=False):
        assert later.from_status == earlier.to_status
    assert item.events[-1].to_status == item.status
    assert 0 <= item.reopens <= MAX_REOPENS
    if item.status in SETTLED:
        assert item.settled_at is not None
    if item.status in WITH_UNIT or item.status == S.PENDING:
        assert item.settled_at is None
    assert replay(item.events, item_id=item.id) == item
    assert item.kind == (ItemKind.FOLLOW_UP if start_follow_up else ItemKind.SUGGESTION)
