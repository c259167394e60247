from datetime import UTC, datetime, timedelta

from facilitation.model import AskedQuestion, Hand, HandStatus, Person, Turn, TurnKind
from facilitation.queue import (
    AnsweredQuestion,
    move_to_top,
    order_queue,
    question_a_response_answers,
    question_answered_by,
)

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


def asked(turn_id: int, person: int, addressee: str | None, minute: int,
          text: str | None = None, hand_id: int | None = None) -> AskedQuestion:
    return AskedQuestion(turn_id, hand_id, person, addressee, NOW + timedelta(minutes=minute),
                         text)


DEPT = Person("李局长", unit="县住建局", id=30)


def test_a_response_answers_the_latest_question_asked_of_its_unit() -> None:
    resp = hand(5, 30, 5, TurnKind.RESPONSE)
    questions = [asked(1, 10, "住建局", 1, "村口路灯什么时候修？"),
                 asked(2, 20, "住建局", 3, "小区停车位怎么规划？"),
                 asked(3, 40, "交通局", 4, "公交站能不能挪近一点？"),  # another department
                 asked(4, 50, None, 5, "没有对象的提问")]
    assert question_a_response_answers(resp, DEPT, [], questions) == AnsweredQuestion(
        20, "小区停车位怎么规划？", True)
    # by the responder's name too ("asked to it"), and whatever order the turns come in
    named = asked(6, 60, "@李局长", 6, "李局长您怎么看？")
    assert question_a_response_answers(resp, DEPT, [], [named, *questions]) == \
        AnsweredQuestion(60, "李局长您怎么看？", True)


def test_a_response_answers_its_linked_question_queued_then_asked() -> None:
    q = hand(1, 10, 1, TurnKind.QUESTION, addressee="住建局")
    resp = hand(5, 30, 5, TurnKind.RESPONSE, answers_hand_id=1)
    earlier = asked(2, 20, "住建局", 0, "更早问过的问题")
    # still waiting in the queue: its asker, nothing said yet
    assert question_a_response_answers(resp, DEPT, [q], [earlier]) == AnsweredQuestion(
        10, None, False)
    # once called: its turn (by the hand it was called from), with what the room read
    called = asked(3, 10, "住建局", 2, "村口路灯什么时候修？", hand_id=1)
    assert question_a_response_answers(resp, DEPT, [], [called, earlier]) == \
        AnsweredQuestion(10, "村口路灯什么时候修？", True)


def test_a_response_with_nothing_asked_yet_answers_the_oldest_waiting_question() -> None:
    resp = hand(5, 30, 1, TurnKind.RESPONSE)
    later = hand(7, 20, 7, TurnKind.QUESTION, addressee="县住建局")
    first = hand(6, 10, 6, TurnKind.QUESTION, addressee="住建局")
    elsewhere = hand(8, 40, 3, TurnKind.QUESTION, addressee="交通局")
    assert question_a_response_answers(resp, DEPT, [later, elsewhere, first], []) == \
        AnsweredQuestion(10, None, False)


def test_no_question_for_a_response_when_none_fits() -> None:
    resp = hand(5, 30, 5, TurnKind.RESPONSE)
    own = asked(1, 30, "住建局", 1, "自己问自己")  # never the responder's own question
    other = asked(2, 10, "交通局", 2, "问别的部门")
    own_hand = hand(3, 30, 3, TurnKind.QUESTION, addressee="住建局")
    assert question_a_response_answers(resp, DEPT, [own_hand], [own, other]) is None
    assert question_a_response_answers(resp, None, [], [other]) is None
    # not a response: no question, whatever is asked
    speech = hand(6, 30, 6)
    assert question_a_response_answers(speech, DEPT, [], [asked(4, 10, "住建局", 3)]) is None
    # a question asked with no words shown yet (being transcribed): its asker alone
    silent = asked(7, 10, "住建局", 4)
    assert question_a_response_answers(resp, DEPT, [], [silent]) == AnsweredQuestion(
        10, None, True)
