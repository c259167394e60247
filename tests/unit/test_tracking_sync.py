"""Approving minutes: which tracked items to create, keep (identity) and withdraw."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from facilitation.tracking import (
    SYSTEM,
    EventKind,
    ItemKind,
    ItemStatus,
    TrackedItem,
    Who,
    replay,
)
from facilitation.tracking_sync import (
    SAME_SUBSTANCE,
    MinutesItem,
    apply_plan,
    minutes_items,
    plan_tracking,
    similarity,
    unresolved,
)

T1 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
T2 = T1 + timedelta(days=1)
T3 = T1 + timedelta(days=2)
STAFF = Who(person_id=1)
UNITS = {"县住建局": 5, "镇城建办": 6}

LAMP = MinutesItem(ItemKind.SUGGESTION, 12, "建议在老街口增设夜间路灯。", number=1,
                   proposers=("张三",), category="基础设施")
PARKING = MinutesItem(ItemKind.SUGGESTION, 15, "建议规划建设老街停车场", number=2,
                      proposers=("李四",))
INSTALL = MinutesItem(ItemKind.FOLLOW_UP, 20, "县住建局牵头完成路灯安装", unit="县住建局",
                      deadline=date(2026, 12, 31))


def approve(items: list[MinutesItem], tracked: list[TrackedItem], version: int,
            at: datetime) -> tuple[list[TrackedItem], list[TrackedItem]]:
    plan = plan_tracking(items, tracked)
    return apply_plan(plan, session_id=7, version=version, unit_of=UNITS.get, who=SYSTEM,
                      at=at)


def first_version() -> list[TrackedItem]:
    created, changed = approve([LAMP, PARKING, INSTALL], [], 1, T1)
    assert changed == []
    for n, item in enumerate(created, start=1):
        item.id = n
    return created


def test_approving_creates_one_item_per_suggestion_and_follow_up() -> None:
    lamp, parking, install = first_version()
    assert (lamp.kind, lamp.status, lamp.seq, lamp.number, lamp.proposers, lamp.category) == (
        ItemKind.SUGGESTION, ItemStatus.PENDING, 12, 1, ("张三",), "基础设施")
    assert parking.text == "建议规划建设老街停车场" and parking.version == 1
    assert (install.kind, install.status, install.unit_id, install.unit_name,
            install.deadline) == (ItemKind.FOLLOW_UP, ItemStatus.REFERRED, 5, "县住建局",
                                  date(2026, 12, 31))


def test_an_unchanged_version_keeps_every_item_and_changes_nothing() -> None:
    tracked = first_version()
    plan = plan_tracking([LAMP, PARKING, INSTALL], tracked)
    assert plan.create == () and plan.withdraw == ()
    assert [k.item for k in plan.keep] == tracked
    created, changed = approve([LAMP, PARKING, INSTALL], tracked, 2, T2)
    assert created == [] and changed == []
    assert all(len(t.events) == 1 for t in tracked)


def test_a_corrected_wording_keeps_identity_and_progress() -> None:
    lamp, _, _ = tracked = first_version()
    lamp.refer(5, "县住建局", date(2027, 1, 31), who=STAFF, at=T1)
    lamp.accept(who=STAFF, at=T1)
    fixed = MinutesItem(ItemKind.SUGGESTION, 12, "建议在老街口增設夜间路灯", number=1,
                        proposers=("张三",))  # 设 mis-heard as 設, punctuation dropped
    assert similarity(fixed.text, LAMP.text) >= SAME_SUBSTANCE
    created, changed = approve([fixed, PARKING, INSTALL], tracked, 2, T2)
    assert created == [] and changed == [lamp]
    assert lamp.id == 1 and lamp.status == ItemStatus.ACCEPTED
    assert lamp.text == "建议在老街口增設夜间路灯" and lamp.version == 2
    assert lamp.events[-1].kind == EventKind.REVISED


def test_a_rewritten_substance_is_a_new_item_and_the_old_one_withdrawn() -> None:
    lamp, _, _ = tracked = first_version()
    rewritten = MinutesItem(ItemKind.SUGGESTION, 12, "建议老街口实行夜间交通管制", number=1)
    plan = plan_tracking([rewritten, PARKING, INSTALL], tracked)
    assert plan.create == (rewritten,) and plan.withdraw == (lamp,)
    created, changed = approve([rewritten, PARKING, INSTALL], tracked, 2, T2)
    assert [c.text for c in created] == ["建议老街口实行夜间交通管制"]
    assert changed == [lamp] and lamp.status == ItemStatus.WITHDRAWN


def test_the_same_text_from_another_turn_is_another_item() -> None:
    tracked = first_version()
    moved = MinutesItem(ItemKind.SUGGESTION, 13, LAMP.text, number=1)
    plan = plan_tracking([moved, PARKING, INSTALL], tracked)
    assert plan.create == (moved,) and plan.withdraw == (tracked[0],)


def test_a_suggestion_and_a_follow_up_of_one_turn_stay_apart() -> None:
    same_turn = MinutesItem(ItemKind.FOLLOW_UP, 12, LAMP.text, unit="县住建局")
    plan = plan_tracking([same_turn], first_version()[:1])
    assert plan.create == (same_turn,) and len(plan.withdraw) == 1


def test_dropped_items_are_withdrawn_once_and_reinstated_when_back() -> None:
    _, parking, _ = tracked = first_version()
    parking.refer(6, "镇城建办", date(2027, 3, 1), who=STAFF, at=T1)
    created, changed = approve([LAMP, INSTALL], tracked, 2, T2)
    assert created == [] and changed == [parking]
    assert parking.status == ItemStatus.WITHDRAWN and parking.version == 2
    assert parking.events[-1].detail["version"] == 2
    # still dropped in version 3: nothing more happens to it
    created, changed = approve([LAMP, INSTALL], tracked, 3, T3)
    assert created == [] and changed == [] and len(parking.events) == 3
    # back in version 4: the same item, where it was
    created, changed = approve([LAMP, PARKING, INSTALL], tracked, 4, T3)
    assert created == [] and changed == [parking]
    assert parking.status == ItemStatus.REFERRED and parking.unit_id == 6
    assert [e.kind for e in parking.events] == [EventKind.CREATED, EventKind.REFERRED,
                                               EventKind.WITHDRAWN, EventKind.REINSTATED]
    assert replay(parking.events, parking.id) == parking


def test_duplicates_pair_one_to_one_the_most_similar_first() -> None:
    a = MinutesItem(ItemKind.SUGGESTION, 30, "增设公交站台遮雨棚")
    b = MinutesItem(ItemKind.SUGGESTION, 30, "增设公交站台座椅")
    created, _ = approve([a, b], [], 1, T1)
    plan = plan_tracking([b, a], created)
    assert [(k.source, k.item) for k in plan.keep] == [(b, created[1]), (a, created[0])]
    plan = plan_tracking([a], created)
    assert [k.item for k in plan.keep] == [created[0]] and plan.withdraw == (created[1],)


def test_a_follow_up_follows_the_minutes_unit_and_deadline() -> None:
    _, _, install = tracked = first_version()
    moved = MinutesItem(ItemKind.FOLLOW_UP, 20, INSTALL.text, unit="镇城建办",
                        deadline=date(2027, 1, 15))
    _, changed = approve([LAMP, PARKING, moved], tracked, 2, T2)
    assert changed == [install]
    assert (install.unit_id, install.unit_name, install.deadline) == (6, "镇城建办",
                                                                     date(2027, 1, 15))
    kinds = [e.kind for e in install.events[1:]]
    assert kinds == [EventKind.REASSIGNED, EventKind.DEADLINE_CHANGED]
    assert {e.detail["reason"] for e in install.events[1:]} == {"纪要第2版"}


def test_staff_changes_stand_while_the_minutes_keep_their_word() -> None:
    """A deadline and unit staff changed (with a reason) are not undone by a new version that
    says what the minutes said before; a version that changes them again is followed."""
    _, _, install = tracked = first_version()
    install.change_deadline(date(2027, 3, 31), reason="施工期受冻土影响", who=STAFF, at=T1)
    install.reassign(6, "镇城建办", reason="属地管理", who=STAFF, at=T1)
    reworded = MinutesItem(ItemKind.FOLLOW_UP, 20, INSTALL.text + "。", unit="县住建局",
                           deadline=date(2026, 12, 31))
    _, changed = approve([LAMP, PARKING, reworded], tracked, 2, T2)
    assert changed == [install] and install.events[-1].kind == EventKind.REVISED
    assert (install.unit_id, install.deadline) == (6, date(2027, 3, 31))
    moved = MinutesItem(ItemKind.FOLLOW_UP, 20, INSTALL.text, unit="县住建局",
                        deadline=date(2027, 1, 15))
    _, changed = approve([LAMP, PARKING, moved], tracked, 3, T3)
    assert changed == [install]
    assert (install.unit_id, install.deadline) == (6, date(2027, 1, 15))
    assert install.events[-1].kind == EventKind.DEADLINE_CHANGED
    assert install.events[-1].detail["reason"] == "纪要第3版"


def test_a_settled_follow_up_is_not_sent_back_by_a_new_version() -> None:
    _, _, install = tracked = first_version()
    install.accept(who=STAFF, at=T1)
    install.reply_with("已完成", who=STAFF, at=T1)
    later = MinutesItem(ItemKind.FOLLOW_UP, 20, INSTALL.text, unit="镇城建办",
                        deadline=date(2027, 1, 15))
    _, changed = approve([LAMP, PARKING, later], tracked, 2, T2)
    assert changed == [] and install.status == ItemStatus.DONE and install.unit_id == 5


def test_unknown_units_wait_for_staff() -> None:
    unknown = MinutesItem(ItemKind.FOLLOW_UP, 21, "交通局研究设置减速带", unit="交通局")
    no_unit = MinutesItem(ItemKind.FOLLOW_UP, 22, "下次会议再议", unit=None)
    created, _ = approve([unknown, no_unit], [], 1, T1)
    assert [(c.unit_name, c.unit_id) for c in created] == [("交通局", None), (None, None)]
    assert unresolved(created) == [created[0]]


def test_items_from_the_minutes_json() -> None:
    document = {
        "suggestions": [{"number": 1, "text": "建议增设路灯", "proposers": ["张三"], "seq": 12,
                         "also": [14], "category": "基础设施", "origin": "auto"}],
        "actions": [{"text": "县住建局完成安装", "unit": "县住建局", "deadline": "2026-12-31",
                     "deadline_text": "年底前", "partners": [], "seq": 20, "also": [],
                     "origin": "auto"},
                    {"text": "尽快研究", "unit": None, "deadline": None, "deadline_text": None,
                     "partners": [], "seq": 21, "also": [], "origin": "mark"}],
    }
    assert minutes_items(document) == [
        MinutesItem(ItemKind.SUGGESTION, 12, "建议增设路灯", 1, ("张三",), "基础设施"),
        MinutesItem(ItemKind.FOLLOW_UP, 20, "县住建局完成安装", unit="县住建局",
                    deadline=date(2026, 12, 31)),
        MinutesItem(ItemKind.FOLLOW_UP, 21, "尽快研究")]
    assert minutes_items({}) == []


TEXTS = st.sampled_from(["增设路灯", "增设路灯。", "增設路灯", "修缮老街排水沟", "规划停车场",
                         "规划建设停车场", "加装监控"])
ITEMS = st.lists(st.builds(MinutesItem, st.sampled_from(list(ItemKind)),
                           st.integers(1, 4), TEXTS), max_size=8)


@settings(max_examples=200, deadline=None)
@given(ITEMS, ITEMS, ITEMS)
def test_versions_never_lose_or_duplicate_an_item(v1: list[MinutesItem], v2: list[MinutesItem],
                                                  v3: list[MinutesItem]) -> None:
    tracked: list[TrackedItem] = []
    for n, version in enumerate((v1, v2, v3), start=1):
        plan = plan_tracking(version, tracked)
        kept = [k.item for k in plan.keep]
        assert len({id(t) for t in kept}) == len(kept)  # one to one
        assert len(plan.create) + len(plan.keep) == len(version)
        created, _ = apply_plan(plan, session_id=7, version=n, unit_of=UNITS.get, who=SYSTEM,
                                at=T1 + timedelta(days=n))
        tracked += created
        live = [t for t in tracked if t.status != ItemStatus.WITHDRAWN]
        assert len(live) == len(version)  # every item of the version, once; the rest withdrawn
        for t in tracked:
            assert replay(t.events, t.id) == t
