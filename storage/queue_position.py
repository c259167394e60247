"""A pending hand's place in the speaker queue, counted by the database.

facilitation/queue.py ``order_queue`` is the rule; this module only counts, without loading
the queue, how many pending hands that rule puts before a given one. It gives every pending
hand a sort key such that ``sorted(pending, key=key) == order_queue(pending, spoken)``:

* a hand is *linked* when it is a response (priority 0) to a question that is still pending:
  it is placed right after that question (its *anchor*); any other hand is its own anchor;
* the anchor's group: moved up (priority < 0) = 0, a response to a question already asked
  (priority 0, answers a hand that is not pending) = 1, everyone else = 2;
* key = (group, priority, has spoken, seq) of the anchor (group 1 by seq alone), then 0 for
  the anchor itself or (1, seq) for the hands linked to it.

position = 1 + the number of pending hands of the session whose key is smaller.
tests/integration/test_queue_position.py checks it against order_queue on random queues, on
SQLite and PostgreSQL.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    and_,
    bindparam,
    case,
    exists,
    func,
    select,
    tuple_,
)

from facilitation.model import HandStatus
from storage.rows import HandRow, TurnRow

_PENDING = HandStatus.PENDING.value
_HANDS = cast(Table, HandRow.__table__)
_TURNS = cast(Table, TurnRow.__table__)


def _key(hand: Any, target: Any) -> tuple[ColumnElement[Any], ...]:
    """The sort key of ``hand`` (a hands alias) given ``target``, its outer-joined pending
    question (another alias, all NULL when there is none)."""
    linked = target.c.id.is_not(None)

    def anchor(column: str) -> ColumnElement[Any]:
        return case((linked, target.c[column]), else_=hand.c[column])

    priority = anchor("priority")
    group = case((priority < 0, 0),
                 (and_(priority == 0, anchor("answers_hand_id").is_not(None)), 1), else_=2)
    spoken = exists().where(_TURNS.c.session_id == hand.c.session_id,
                            _TURNS.c.person_id == anchor("person_id")).correlate(hand, target)
    front = group == 1
    return (
        group,
        case((front, 0), else_=priority),
        case((front, 0), (spoken, 1), else_=0),
        anchor("seq"),
        case((linked, 1), else_=0),
        case((linked, hand.c.seq), else_=0),
    )


def _with_target(hand: Any) -> tuple[Any, Any]:
    """``hand`` outer-joined to the pending question it is linked to."""
    target = _HANDS.alias()
    joined = hand.outerjoin(target, and_(
        hand.c.priority == 0, target.c.id == hand.c.answers_hand_id,
        target.c.session_id == hand.c.session_id, target.c.status == _PENDING))
    return joined, target


def _position_statement() -> Select[Any]:
    """One row (status, ahead) for the hand ``:hand_id``: how many pending hands go before it."""
    me = _HANDS.alias("me")
    me_joined, my_target = _with_target(me)
    other = _HANDS.alias("other")
    other_joined, other_target = _with_target(other)
    ahead = (
        select(func.count())
        .select_from(other_joined)
        .where(other.c.session_id == me.c.session_id, other.c.status == _PENDING,
               tuple_(*_key(other, other_target)) < tuple_(*_key(me, my_target)))
        .correlate(me, my_target)
        .scalar_subquery()
    )
    return (select(me.c.status, ahead.label("ahead"))
            .select_from(me_joined).where(me.c.id == bindparam("hand_id")))


POSITION = _position_statement()  # built once: executed with {"hand_id": ...}
