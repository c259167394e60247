"""Who is told what when an item changes (facilitation/tracking_notices.py): pure rules over
one event, the item as that event left it, and the chats that could be told."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from facilitation.model import ParticipantKind, Person
from facilitation.tracking import (
    Conversion,
    EventKind,
    ItemEvent,
    ItemStatus,
    Satisfaction,
    TrackedItem,
    replay,
)
from facilitation.tracking_notices import (
    Audience,
    NoticeKind,
    Recipient,
    Told,
    all_settled,
    notices,
    owed,
    people_told,
    resolves,
    settles_session,
    stale,
    users_told,
)
from tests.tracking_builders import DUE, LIAISON, PROPOSER, STAFF, T0, follow_up, suggestion

L1, L2 = Recipient(701, "zh"), Recipient(702, "en")
P1 = Recipient(301)
S1 = Recipient(901)
A, N, K, G = Audience, NoticeKind, ItemStatus, EventKind


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def last(item: TrackedItem) -> tuple[ItemEvent, TrackedItem]:
    return item.history[-1], item


def replied(item: TrackedItem) -> TrackedItem:
    item.refer(5, "县住建局", DUE, who=STAFF, at=at(1))
    item.accept(who=LIAISON, at=at(2))
    item.reply_with("已安装", who=LIAISON, at=at(3))
    return item


def told(event: ItemEvent, item: TrackedItem, *, liaisons: list[Recipient] | None = None,
         current: TrackedItem | None = None) -> set[tuple[NoticeKind, int]]:
    return {(n.kind, n.to.chat_id) for n in notices(
        event, item, liaisons=[L1, L2] if liaisons is None else liaisons, proposers=[P1],
        staff=[S1], current=current)}


# ------------------------------------------------------------------ what each event owes
def test_a_follow_up_item_created_with_its_unit_is_assigned_to_the_liaisons() -> None:
    assert owed(*last(follow_up())) == ((A.LIAISON, N.ASSIGNED),)
    assert told(*last(follow_up())) == {(N.ASSIGNED, 701), (N.ASSIGNED, 702)}
    # a unit name no unit answers to yet: nobody to assign it to until staff map it
    assert owed(*last(follow_up(unit_id=None))) == ()
    # a suggestion is created pending: nobody hears of it
    assert owed(*last(suggestion())) == ()


def test_referring_a_suggestion_tells_the_unit_and_the_proposer() -> None:
    item = suggestion()
    item.refer(5, "县住建局", DUE, who=STAFF, at=at(1))
    assert owed(*last(item)) == ((A.LIAISON, N.ASSIGNED), (A.PROPOSER, N.REFERRED))
    assert told(*last(item)) == {(N.ASSIGNED, 701), (N.ASSIGNED, 702), (N.REFERRED, 301)}


def test_a_referral_with_no_liaison_to_tell_tells_staff_instead() -> None:
    item = suggestion()
    item.refer(5, "县住建局", DUE, who=STAFF, at=at(1))
    assert told(*last(item), liaisons=[]) == {(N.NO_LIAISON, 901), (N.REFERRED, 301)}


def test_reassigning_and_mapping_a_unit_assign_it_again() -> None:
    item = follow_up(unit_id=None)
    item.map_unit(6, who=STAFF, at=at(1))
    assert owed(*last(item)) == ((A.LIAISON, N.ASSIGNED),)
    item.reassign(8, "县交通局", reason="职责调整", who=STAFF, at=at(2))
    assert owed(*last(item)) == ((A.LIAISON, N.ASSIGNED),)
    item.reassign(None, "某某中心", reason="职责调整", who=STAFF, at=at(3))
    assert owed(*last(item)) == ()  # to a name no unit answers to: nobody yet


def test_the_proposer_hears_of_a_conversion_and_of_the_reply() -> None:
    item = suggestion()
    item.convert(Conversion.PROPOSAL, "2026-015", who=STAFF, at=at(1))
    assert owed(*last(item)) == ((A.PROPOSER, N.CONVERTED),)
    item.number_conversion("2026-016", who=STAFF, at=at(2))
    assert owed(*last(item)) == ()
    done = replied(suggestion())
    assert owed(*last(done)) == ((A.PROPOSER, N.REPLIED),)
    assert told(*last(done)) == {(N.REPLIED, 301)}


def test_unsatisfied_sends_it_back_to_the_liaisons_and_tells_staff_both_times() -> None:
    item = replied(suggestion())
    item.evaluate(Satisfaction.UNSATISFIED, who=PROPOSER, at=at(4))
    assert item.status == K.REOPENED
    assert told(*last(item)) == {(N.REDO, 701), (N.REDO, 702), (N.UNSATISFIED, 901)}
    item.reply_with("已返工", who=LIAISON, at=at(5))
    item.evaluate(Satisfaction.UNSATISFIED, who=PROPOSER, at=at(6))
    assert item.status == K.EVALUATED  # the second 不满意 stands: nothing goes back
    assert told(*last(item)) == {(N.UNSATISFIED, 901)}


@pytest.mark.parametrize("rating", [Satisfaction.SATISFIED, Satisfaction.BASICALLY])
def test_a_good_rating_tells_nobody(rating: Satisfaction) -> None:
    item = replied(suggestion())
    item.evaluate(rating, who=PROPOSER, at=at(4))
    assert owed(*last(item)) == ()


def test_progress_revisions_deadlines_and_withdrawals_tell_nobody() -> None:
    item = follow_up()
    item.accept(who=LIAISON, at=at(1))
    assert owed(*last(item)) == ()
    item.progress("已勘查", who=LIAISON, at=at(2))
    assert owed(*last(item)) == ()
    item.change_deadline(DUE + timedelta(days=10), reason="材料未到", who=STAFF, at=at(3))
    assert owed(*last(item)) == ()
    item.revise("县住建局牵头完成路灯安装", version=2, who=STAFF, at=at(4))
    assert owed(*last(item)) == ()
    item.withdraw(version=3, who=STAFF, at=at(5))
    assert owed(*last(item)) == ()


def test_each_chat_is_told_each_notice_once() -> None:
    item = suggestion()
    item.refer(5, "县住建局", DUE, who=STAFF, at=at(1))
    result = notices(item.history[-1], item, liaisons=[L1, L1], proposers=[P1, P1], staff=[S1])
    assert result == [Told(N.ASSIGNED, L1), Told(N.REFERRED, P1)]


# ------------------------------------------------------------------ news the item outran
def test_a_notice_the_item_outran_is_not_written() -> None:
    item = follow_up()
    created = item.history[0]
    then = replay(item.history[:1], item.id)
    item.reassign(8, "县交通局", reason="职责调整", who=STAFF, at=at(1))
    assert stale(N.ASSIGNED, then, item)  # the first unit is not asked to handle it any more
    assert told(created, then, current=item) == set()
    done = replied(suggestion())
    reply_then = replay(done.history, done.id)
    done.evaluate(Satisfaction.SATISFIED, who=PROPOSER, at=at(4))
    assert stale(N.REPLIED, reply_then, done)  # already rated: no buttons to rate it again
    assert not stale(N.REFERRED, reply_then, done)


# ------------------------------------------------------------------ recipients
def person(name: str, user_id: int | None, language: str | None = None,
           forgotten_at: datetime | None = None) -> Person:
    return Person(name, ParticipantKind.RESIDENT, telegram_user_id=user_id, language=language,
                  forgotten_at=forgotten_at)


def test_forgotten_people_and_people_without_telegram_are_not_told() -> None:
    people = [person("张三", 301, language="en"), person("李四", None),
              person("王五", 302, forgotten_at=T0), person("张三", 301),
              person("群", -100123)]
    assert people_told(people) == [Recipient(301, "en")]


def test_users_are_told_in_the_language_of_their_person_if_stored() -> None:
    known = [person("联络员", 701, language="en"), person("已删除", 703, forgotten_at=T0)]
    assert users_told([701, 702, 703, 701, -5], known) == [Recipient(701, "en"),
                                                            Recipient(702, None)]


# ------------------------------------------------------------------ the hall's notice
def test_the_session_is_settled_once_every_item_is_and_told_by_the_last_event() -> None:
    first, second = replied(suggestion()), follow_up()
    withdrawn = suggestion()
    withdrawn.withdraw(version=2, who=STAFF, at=at(1))
    assert resolves(first.history[-1])
    assert not all_settled([first, second, withdrawn])
    assert not settles_session(first.history[-1], [first, second, withdrawn],
                               resolved_later=False)
    second.accept(who=LIAISON, at=at(2))
    second.reply_with(None, "tg:FILE:答复.pdf", who=LIAISON, at=at(3))
    items = [first, second, withdrawn]
    assert all_settled(items)
    # the later of two replies written together tells it; the earlier one does not
    assert not settles_session(first.history[-1], items, resolved_later=True)
    assert settles_session(second.history[-1], items, resolved_later=False)
    # an event that did not close its item never tells it (a rating of a closed item)
    first.evaluate(Satisfaction.SATISFIED, who=PROPOSER, at=at(4))
    assert not resolves(first.history[-1])
    assert not settles_session(first.history[-1], items, resolved_later=False)
    assert not all_settled([withdrawn])  # nothing left to settle: nothing to tell


def test_a_reopened_item_replied_again_settles_the_session_again() -> None:
    item = replied(suggestion())
    item.evaluate(Satisfaction.UNSATISFIED, who=PROPOSER, at=at(4))
    assert not all_settled([item])
    item.reply_with("已返工", who=LIAISON, at=at(5))
    assert item.history[-1].kind == G.REPLIED
    assert settles_session(item.history[-1], [item], resolved_later=False)
