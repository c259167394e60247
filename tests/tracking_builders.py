"""Tracked items the domain's tests build (facilitation/tracking.py): the street lamp of
session 7, as a suggestion still 待处理 and as a follow-up item 已交办 to 县住建局 (unit 5),
and who acts on them."""

from __future__ import annotations

from datetime import UTC, date, datetime

from facilitation.tracking import TrackedItem, Who, new_follow_up, new_suggestion

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
DUE = date(2026, 12, 31)
STAFF, LIAISON, PROPOSER = Who(person_id=1), Who(person_id=2), Who(person_id=3)


def suggestion() -> TrackedItem:
    return new_suggestion(7, 12, "建议在老街口增设夜间路灯", number=1, proposers=("张三",),
                          category="基础设施", version=1, at=T0)


def follow_up(unit_id: int | None = 5) -> TrackedItem:
    return new_follow_up(7, 20, "县住建局牵头完成老街口路灯安装", unit_name="县住建局",
                         unit_id=unit_id, deadline=DUE, version=1, at=T0)
