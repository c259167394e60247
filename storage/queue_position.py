"""A pending hand's place in the speaker queue, counted by the database.

facilitation/queue.py ``order_queue`` is the rule; this module only counts, without loading
the queue, how many pending hands that rule puts before a given one. It gives every pending
hand a sort key such that ``sorted(pending, key=key) == order_queue(pending, spoken)``:

* a hand is *linked* when it is a response (priority 0) to a question that is still pending:
  it is placed right after that question (its *anchor*); any other hand is its own anchor;
* the anchor's group: moved up (priority < 0) = 0, a response to a question already asked
  (priority 0, answers a hand that is not pending) = 1, everyone else = 2;
* key = (group, priority, has spoken, seq) of the anchor (in group 1 priority is 0 and "has
  spoken" is counted as 0: it goes by seq alone), then (0, 0) for the anchor itself or
  (1, seq) for the hands linked to it.

position = 1 + the number of pending hands of the session whose key is smaller; the head of
the queue = the pending hands sorted by key.
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
    func,
    select,
    tuple_,
)

from facilitation.model import HandStatus
from storage.rows import HandRow, TurnRow

_PENDING = HandStatus.PENDING.value
_HANDS = cast(Table, HandRow.__table__)
_TURNS = cast(Table, TurnRow.__table__)


# The session of the hand asked about, and who has spoken in it: neither depends on the row
# being compared, so the database works them out once per query.
_SESSION = select(_HANDS.c.session_id).where(_HANDS.c.id == bindparam("hand_id")).scalar_subquery()
_SPEAKERS = select(_TURNS.c.person_id).where(_TURNS.c.session_id == _SESSION)


def _key(hand: Any, target: Any, speakers: Select[Any] = _SPEAKERS
         ) -> tuple[ColumnElement[Any], ...]:
    """The sort key of ``hand`` (a hands alias) given ``target``, its outer-joined pending
    question (another alias, all NULL when there is none); ``speakers``: who has spoken in
    the session."""
    linked = target.c.id.is_not(None)

    def anchor(column: str) -> ColumnElement[Any]:  # NOT NULL columns: the target's if joined
        return func.coalesce(target.c[column], hand.c[column])

    priority = anchor("priority")
    answers = case((linked, target.c.answers_hand_id), else_=hand.c.answers_hand_id)
    front = and_(priority == 0, answers.is_not(None))
    return (
        case((priority < 0, 0), (front, 1), else_=2),  # the group
        priority,  # 0 throughout group 1
        case((front, 0), (anchor("person_id").in_(speakers), 1), else_=0),
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
    """One row (status, ahead) for the hand ``:hand_id``: how many pending hands go before it.
    Its own key is worked out once (the CTE), then compared with every pending hand's."""
    me = _HANDS.alias("me")
    me_joined, my_target = _with_target(me)
    mine = (select(me.c.status,
                   *(part.label(f"k{i}") for i, part in enumerate(_key(me, my_target))))
            .select_from(me_joined).where(me.c.id == bindparam("hand_id"))
            .cte("mine").prefix_with("MATERIALIZED"))  # PostgreSQL 12+, SQLite 3.35+
    other = _HANDS.alias("other")
    other_joined, other_target = _with_target(other)
    my_key = tuple_(*(mine.c[f"k{i}"] for i in range(KEY_PARTS)))
    ahead = (
        select(func.count())
        .select_from(other_joined)
        .where(other.c.session_id == _SESSION, other.c.status == _PENDING,
               tuple_(*_key(other, other_target)) < my_key)
        .correlate(mine)
        .scalar_subquery()
    )
    return select(mine.c.status, ahead.label("ahead")).select_from(mine)


def _head_statement() -> Select[Any]:
    """The first ``:limit`` pending hands of the session ``:session_id`` in queue order: the
    same key, sorted (what the room's screen and the group's board list, without loading a
    queue of a thousand)."""
    hand = _HANDS.alias("h")
    joined, target = _with_target(hand)
    speakers = select(_TURNS.c.person_id).where(_TURNS.c.session_id == bindparam("session_id"))
    return (select(*hand.c).select_from(joined)
            .where(hand.c.session_id == bindparam("session_id"), hand.c.status == _PENDING)
            .order_by(*_key(hand, target, speakers), hand.c.id)
            .limit(bindparam("limit")))


KEY_PARTS = 6
POSITION = _position_statement()  # built once: executed with {"hand_id": ...}
HEAD = _head_statement()  # built once: executed with {"session_id": ..., "limit": ...}
