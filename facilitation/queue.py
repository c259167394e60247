"""The order of the speaker queue, decided from the pending hands alone.

Rules, in order of precedence:
1. hands the moderator moved up come first (the most recently moved first);
2. whoever has not spoken yet goes before anyone's second or later turn;
3. otherwise first come, first served;
4. a department's response to a question is placed right after that question, or at the
   front when the question has already been asked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from facilitation.model import Hand, HandStatus, Person, Turn, TurnKind


def _natural_key(hand: Hand, spoken: Mapping[int, int]) -> tuple[int, int, int]:
    return (hand.priority, 1 if spoken.get(hand.person_id, 0) > 0 else 0, hand.seq)


def order_queue(hands: Sequence[Hand], spoken: Mapping[int, int]) -> list[Hand]:
    """The pending hands in the order they will be called.

    ``spoken`` maps a person id to the number of turns that person has had so far.
    """
    pending = [h for h in hands if h.status == HandStatus.PENDING]
    pending_ids = {h.id for h in pending}
    linked: dict[int, list[Hand]] = {}
    front: list[Hand] = []
    rest: list[Hand] = []
    for hand in pending:
        target = hand.answers_hand_id
        if hand.priority == 0 and target is not None and target in pending_ids:
            linked.setdefault(target, []).append(hand)
        elif hand.priority == 0 and target is not None:
            front.append(hand)  # the question was already asked: answer it next
        else:
            rest.append(hand)
    primary = sorted(rest, key=lambda h: _natural_key(h, spoken))
    moved = [h for h in primary if h.priority < 0]
    others = [h for h in primary if h.priority >= 0]
    ordered: list[Hand] = []
    for hand in moved + sorted(front, key=lambda h: h.seq) + others:
        ordered.append(hand)
        ordered.extend(sorted(linked.get(hand.id or -1, []), key=lambda h: h.seq))
    return ordered


def move_to_top(hand: Hand, hands: Sequence[Hand]) -> None:
    """The moderator moves a hand to the front of the queue."""
    lowest = min((h.priority for h in hands if h.status == HandStatus.PENDING), default=0)
    hand.priority = min(lowest, 0) - 1


def question_answered_by(
    person: Person,
    pending: Sequence[Hand],
    recent_turns: Sequence[Turn],
) -> tuple[int | None, int | None]:
    """Which question a response by ``person`` answers: (pending hand id, or asked turn id).

    The oldest pending question addressed to the person (by name or unit) wins; otherwise the
    most recent question already asked of them.
    """
    for hand in sorted(pending, key=lambda h: h.seq):
        if (hand.kind == TurnKind.QUESTION and hand.status == HandStatus.PENDING
                and hand.person_id != person.id and person.answers_to(hand.addressee)):
            return hand.id, None
    for turn in sorted(recent_turns, key=lambda t: t.started_at, reverse=True):
        if turn.kind == TurnKind.QUESTION and person.answers_to(turn.addressee):
            return None, turn.id
    return None, None
