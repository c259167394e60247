from datetime import UTC, datetime

from facilitation.model import Hand, HandStatus, Person, Turn, TurnKind
from facilitation.queue import move_to_top, order_queue, question_answered_by

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def hand(hid: int, person: int, seq: int, kind: TurnKind = TurnKind.SPEECH, **kw: object) -> Hand:
    return Hand(session_id=1, person_id=person, kind=kind, seq=seq, raised_at=NOW, id=hid,
                **kw)  # type: ignore[arg-type]


def ids(hands: list[Hand]) -> list[int]:
    return [h.id or 0 for h in hands]


def test_fifo_when_nobody_has_spoken() -> None:
    hands = [hand(3, 30, 3), hand(1, 10, 1), hand(2, 20, 2)]
    assert ids(order_queue(hands, {})) == [1, 2, 3]


def test_first_timers_go_before_second_turns() -> None:
    hands = [hand(1, 10, 1), hand(2, 20, 2), hand(3, 30, 3)]
    # person 10 already spoke once: their second turn waits behind newcomers
    assert ids(order_queue(hands, {10: 1})) == [2, 3, 1]
    # two repeaters keep FIFO among themselves
    assert ids(order_queue(hands, {10: 1, 20: 2})) == [3, 1, 2]


def test_response_follows_its_question() -> None:
    q = hand(1, 10, 1, TurnKind.QUESTION, addressee="住建局")
    other = hand(2, 20, 2)
    resp = hand(3, 30, 3, TurnKind.RESPONSE, answers_hand_id=1)
    assert ids(order_queue([q, other, resp], {})) == [1, 3, 2]


def test_response_to_an_asked_question_goes_first() -> None:
    other = hand(2, 20, 2)
    resp = hand(3, 30, 3, TurnKind.RESPONSE, answers_hand_id=99)  # question no longer pending
    assert ids(order_queue([other, resp], {})) == [3, 2]


def test_moved_up_goes_first_most_recent_first_and_keeps_its_response() -> None:
    hands = [hand(1, 10, 1), hand(2, 20, 2, TurnKind.QUESTION), hand(3, 30, 3),
             hand(4, 40, 4, TurnKind.RESPONSE, answers_hand_id=2)]
    move_to_top(hands[2], hands)
    assert ids(order_queue(hands, {})) == [3, 1, 2, 4]
    move_to_top(hands[1], hands)
    assert ids(order_queue(hands, {})) == [2, 4, 3, 1]


def test_only_pending_hands_are_queued() -> None:
    hands = [hand(1, 10, 1, status=HandStatus.LOWERED), hand(2, 20, 2)]
    assert ids(order_queue(hands, {})) == [2]


def test_question_matching_by_unit_or_name() -> None:
    dept = Person(display_name="王科长", unit="县住建局", id=30)
    q1 = hand(1, 10, 1, TurnKind.QUESTION, addressee="交通局")
    q2 = hand(2, 20, 2, TurnKind.QUESTION, addressee="住建局")
    assert question_answered_by(dept, [q1, q2], []) == (2, None)
    asked = Turn(session_id=1, person_id=10, kind=TurnKind.QUESTION, started_at=NOW,
                 limit_s=180, addressee="@王科长", id=7)
    assert question_answered_by(dept, [q1], [asked]) == (None, 7)
    assert question_answered_by(dept, [q1], []) == (None, None)
