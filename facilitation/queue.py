"""The order of the speaker queue, decided from the pending hands alone.

Rules, in order of precedence:
1. hands the moderator moved up come first (the most recently moved first);
2. whoever has not spoken yet goes before anyone's second or later turn;
3. otherwise first come, first served;
4. a department's response to a question is placed right after that question, or at the
   front when the question has already been asked.

Which question a response answers, as the room's screen shows it: ``question_a_response_answers``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from facilitation.model import AskedQuestion, Hand, HandStatus, Person, Turn, TurnKind


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


@dataclass(frozen=True)
class AnsweredQuestion:
    """The question a response answers: who asked it, and its text as the room was shown it
    (None: still waiting in the queue, or nothing of it shown)."""

    asker_id: int
    text: str | None
    asked: bool  # already put to the floor (False: still waiting in the queue)


def question_a_response_answers(
    hand: Hand,
    responder: Person | None,
    pending: Sequence[Hand],
    asked: Sequence[AskedQuestion],
) -> AnsweredQuestion | None:
    """The question the response ``hand`` of ``responder`` answers, for the room's screen.

    1. the question the hand was placed with when raised (``answers_hand_id``, by
       ``question_answered_by``): while it waits in the queue, its asker; once asked, its turn;
    2. otherwise the latest question already asked of the responder, by name or unit
       (``Person.answers_to``);
    3. otherwise the oldest question addressed to them still waiting in the queue.

    Never the responder's own question. ``asked``: the session's question turns, any order.
    None for a hand that is not a response, or when no question fits.
    """
    if hand.kind != TurnKind.RESPONSE:
        return None
    own = responder.id if responder is not None else hand.person_id
    if hand.answers_hand_id is not None:
        for question in pending:
            if question.id == hand.answers_hand_id and question.status == HandStatus.PENDING:
                return AnsweredQuestion(question.person_id, None, False)
        for turn in asked:
            if turn.hand_id == hand.answers_hand_id:
                return AnsweredQuestion(turn.person_id, turn.text, True)
    if responder is None:
        return None
    for turn in sorted(asked, key=lambda q: (q.started_at, q.turn_id), reverse=True):
        if turn.person_id != own and responder.answers_to(turn.addressee):
            return AnsweredQuestion(turn.person_id, turn.text, True)
    for question in sorted(pending, key=lambda h: h.seq):
        if (question.kind == TurnKind.QUESTION and question.status == HandStatus.PENDING
                and question.person_id != own and responder.answers_to(question.addressee)):
            return AnsweredQuestion(question.person_id, None, False)
    return None
