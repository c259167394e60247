"""The queue position counted in SQL (storage/queue_position.py) equals the place the rule,
facilitation/queue.py ``order_queue``, gives: on random queues, and along random sequences of
use cases. Randomized with fixed seeds, so a failure names the seed that shows it."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

import pytest

from facilitation import floor, services
from facilitation.errors import DomainError
from facilitation.model import Hand, HandStatus, ParticipantKind, Turn, TurnKind
from facilitation.ports import UnitOfWork, UnitOfWorkFactory
from facilitation.queue import order_queue
from facilitation.services import Actor
from tests.integration.storage_builders import CHAT, add_person, add_session, at

KINDS = list(TurnKind)
NOT_PENDING = [HandStatus.CALLED, HandStatus.LOWERED, HandStatus.REMOVED]


async def _random_queue(uow: UnitOfWork, rng: random.Random) -> int:
    """A session with a random mix of hands: moved up, first-timers and repeaters, questions
    with responses linked to them (pending or already asked), hands no longer pending."""
    people = [await add_person(uow, n) for n in range(1, rng.randint(3, 14))]
    session = await add_session(uow, people[0])
    assert session.id is not None
    for person in rng.sample(people, rng.randint(0, len(people))):  # who has spoken
        assert person.id is not None
        for _ in range(rng.randint(1, 2)):
            await uow.turns.add(Turn(session.id, person.id, TurnKind.SPEECH, at(0), 60,
                                     ended_at=at(30)))
    seqs = rng.sample(range(1, 200), len(people) * 2)
    questions: list[Hand] = []
    pending_people: set[int] = set()
    for seq in seqs:
        person = rng.choice(people)
        assert person.id is not None
        status = HandStatus.PENDING if person.id not in pending_people and rng.random() < 0.7 \
            else rng.choice(NOT_PENDING)
        kind = rng.choice(KINDS)
        answers = rng.choice(questions).id if kind == TurnKind.RESPONSE and questions and \
            rng.random() < 0.8 else None
        priority = -rng.randint(1, 5) if rng.random() < 0.15 else 0
        hand = await uow.hands.add(Hand(session.id, person.id, kind, seq, at(seq),
                                        priority=priority, answers_hand_id=answers,
                                        status=status))
        if status == HandStatus.PENDING:
            pending_people.add(person.id)
        if kind == TurnKind.QUESTION:
            questions.append(hand)
    return session.id


@pytest.mark.parametrize("seed", range(12))
async def test_position_equals_order_queue_on_random_queues(
    uow_factory: UnitOfWorkFactory, seed: int
) -> None:
    rng = random.Random(seed)
    async with uow_factory() as uow:
        session_id = await _random_queue(uow, rng)
        ordered = order_queue(await uow.hands.pending(session_id),
                              await uow.turns.spoken_counts(session_id))
        positions = [await uow.hands.position(h.id or 0) for h in ordered]
        assert positions == list(range(1, len(ordered) + 1)), f"seed {seed}"
        for limit in (1, 5, 8, len(ordered) + 3):  # the head the screen and the board list
            assert await uow.hands.head(session_id, limit) == ordered[:limit], f"seed {seed}"
        gone = [h for h in await _all_hands(uow, session_id) if h.status != HandStatus.PENDING]
        assert [await uow.hands.position(h.id or 0) for h in gone] == [None] * len(gone)
        assert await uow.hands.position(10**9) is None


async def _all_hands(uow: UnitOfWork, session_id: int) -> list[Hand]:
    found = []
    for hand_id in range(1, 500):
        hand = await uow.hands.get(hand_id)
        if hand is not None and hand.session_id == session_id:
            found.append(hand)
    return found


MOD = Actor(1, "李主席")
DEPARTMENT = Actor(2, "王科长")
PEOPLE = [Actor(n, f"居民{n}") for n in range(3, 11)]


# The refusals each random step may meet; any other DomainError is a failure.
REFUSALS = {
    "hand": {"hand_already_raised"}, "next": {"queue_empty"},
    "up": {"queue_empty", "bad_position"}, "skip": {"queue_empty", "bad_position"},
    "remove": {"queue_empty", "bad_position"}, "lower": {"no_hand"},
    "done": {"no_current_speaker"},
}


async def _state(uow: UnitOfWorkFactory) -> tuple[Any, ...]:
    view = await floor.view_queue(uow(), chat_id=CHAT)
    return tuple((e.position, e.hand) for e in view.entries), view.current


async def _step(uow: UnitOfWorkFactory, rng: random.Random, at_s: int) -> tuple[str, str]:
    """One random use case: (action, "ok" or the code of the refusal). A refusal is part of
    the game, but only the ones the action may meet (REFUSALS), and it changes nothing."""
    who = rng.choice([DEPARTMENT, *PEOPLE])
    action = rng.choice(["hand"] * 5 + ["next", "up", "skip", "remove", "lower", "done"])
    before = await _state(uow)
    try:
        if action == "hand":
            kind = rng.choice(KINDS)
            addressee = "交通局" if kind == TurnKind.QUESTION and rng.random() < 0.6 else None
            raised = await floor.raise_hand(uow(), chat_id=CHAT, actor=who, kind=kind,
                                            addressee=addressee, now=at(at_s))
            view = await floor.view_queue(uow(), chat_id=CHAT)
            where = [e.position for e in view.entries if e.hand.id == raised.hand.id]
            assert where == [raised.position], (action, kind, view.entries)
        elif action == "next":
            await floor.call_next(uow(), chat_id=CHAT, actor=MOD, now=at(at_s))
        elif action in ("up", "skip", "remove"):
            await floor.manage_hand(uow(), chat_id=CHAT, actor=MOD, action=action,
                                    position=rng.randint(1, 4))
        elif action == "lower":
            await floor.lower_hand(uow(), chat_id=CHAT, actor=who)
        else:
            await floor.end_turn(uow(), chat_id=CHAT, actor=MOD, now=at(at_s))
    except DomainError as refused:
        assert refused.code in REFUSALS[action], (action, refused.code)
        assert await _state(uow) == before, (action, refused.code)
        return action, refused.code
    return action, "ok"


@pytest.mark.parametrize("seed", range(6))
async def test_raise_hand_reports_the_place_view_queue_shows(
    uow_factory: UnitOfWorkFactory, seed: int
) -> None:
    """Random sessions through the use cases: moved-up and skipped hands, second turns,
    responses that follow their question (the department answers 交通局 questions)."""
    rng = random.Random(1000 + seed)
    await services.open_session(uow_factory(), chat_id=CHAT, topic="停车", actor=MOD,
                                now=at(0), new_code=lambda: f"S{seed}", turn_limit_s=180)
    await services.set_profile(uow_factory(), actor=DEPARTMENT, name="王科长",
                               kind=ParticipantKind.DEPARTMENT, sector=None, unit="县交通局")
    for actor in (DEPARTMENT, *PEOPLE):
        await services.sign_in(uow_factory(), actor=actor, now=at(1), chat_id=CHAT)
    outcomes = Counter([await _step(uow_factory, rng, 10 + step) for step in range(60)])
    # every kind of step succeeded at least once, and most hands went up: the game was played
    assert {action for action, outcome in outcomes if outcome == "ok"} == set(REFUSALS), outcomes
    assert outcomes["hand", "ok"] >= 10, outcomes
