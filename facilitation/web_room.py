"""The phone page (issue 12): taking part on the web without Telegram.

A web participant is a Person like anyone else (same queue, fairness, record and minutes),
known by a random token held in their browser's cookie; only the token's SHA-256 is stored,
so a copy of the database signs nobody in. Signing in with the session's code (what the
room's QR code opens) needs no group membership: the code is shown in the room, and the
moderator sees every web sign-in and can remove it (facilitation/console.py). Hands and
written submissions go through the same use cases as the bot's (facilitation/floor.py); a
written submission is relayed to the group by the bot (a room notice), as one sent to the
bot privately is.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import asdict, dataclass
from datetime import datetime

from facilitation.errors import InvalidInput, InvalidState, NotFound
from facilitation.model import (
    ParticipantKind,
    Person,
    SignInMethod,
    TurnKind,
)
from facilitation.ports import RoomNotice, UnitOfWork
from facilitation.record import record_written
from facilitation.services import Actor, SignedIn, sign_in_person
from facilitation.session import Session

TOKEN_BYTES = 32
WEB_KINDS = (ParticipantKind.MEMBER, ParticipantKind.RESIDENT, ParticipantKind.ELDER,
             ParticipantKind.DEPARTMENT, ParticipantKind.EXPERT, ParticipantKind.BUSINESS,
             ParticipantKind.OTHER)
WEB_HANDS = (TurnKind.SPEECH, TurnKind.QUESTION, TurnKind.RESPONSE, TurnKind.FOLLOW_UP)


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def parse_kind(value: str) -> ParticipantKind:
    try:
        kind = ParticipantKind(value)
    except ValueError:
        raise InvalidInput("bad_kind", kind=value[:20]) from None
    if kind not in WEB_KINDS:
        raise InvalidInput("bad_kind", kind=value[:20])
    return kind


def parse_hand(value: str) -> TurnKind:
    try:
        kind = TurnKind(value)
    except ValueError:
        raise InvalidInput("bad_action") from None
    if kind not in WEB_HANDS:
        raise InvalidInput("bad_action")
    return kind


async def announce(uow: UnitOfWork, session: Session, key: str, now: datetime,
                   **params: object) -> None:
    """What the group must hear of something done on the web, written with it (the bot
    sends it: bot/room_notices.py)."""
    assert session.id is not None
    await uow.web.add_notice(RoomNotice(session.id, session.chat_id, key, dict(params), now))


@dataclass(frozen=True)
class Joined:
    signed: SignedIn
    token: str | None  # a new token for the cookie; None: the one sent stays


async def _session_by_code(uow: UnitOfWork, code: str, *, lock: bool) -> Session:
    found = await uow.sessions.by_code(code.strip().upper()) if code.strip() else None
    if found is None or found.id is None:
        raise NotFound("bad_code")
    if not lock:
        return found
    return await uow.sessions.lock(found.id) or found


async def _person(uow: UnitOfWork, token: str | None) -> Person | None:
    if not token:
        return None
    person = await uow.web.person_by_token(token_hash(token))
    return person if person is not None and person.forgotten_at is None else None


async def web_person_id(uow: UnitOfWork, token: str | None) -> int:
    """The person a cookie's token names, 0 for none (a live page's key: any number of
    made-up cookies share one page)."""
    async with uow:
        person = await _person(uow, token)
    return person.id or 0 if person is not None else 0


async def web_actor(uow: UnitOfWork, token: str | None) -> Actor:
    """The web participant the cookie's token names; NotFound when none (sign in again)."""
    async with uow:
        person = await _person(uow, token)
    if person is None:
        raise NotFound("web_signin_again")
    return Actor.on_web(person)


async def join_on_web(
    uow: UnitOfWork, *, code: str, token: str | None, name: str, kind: ParticipantKind,
    unit: str | None, remote: bool, notice_accepted: bool, now: datetime,
) -> Joined:
    """Sign in on the phone page: a new person (and token) on first use, the same person
    when the browser comes back. Newcomers only while the moderator keeps web sign-in open;
    someone already signed in to this session keeps the name and kind the room saw (signing
    in again changes only where they attend from: no renaming oneself mid-session)."""
    if not notice_accepted:
        raise InvalidInput("web_notice_required")
    async with uow:
        session = await _session_by_code(uow, code, lock=True)
        session.require_open()
        assert session.id is not None
        person = await _person(uow, token)
        existing = (await uow.attendance.get(session.id, person.id)
                    if person is not None and person.id is not None else None)
        if existing is None and not session.web_signin_open:
            raise InvalidState("web_signin_closed")
        issued = None
        if person is None:
            person = Person(display_name="?", notice_accepted_at=now)
            person.set_profile(name, kind, None, unit)
            person = await uow.people.add(person)
            assert person.id is not None
            issued = new_token()
            await uow.web.set_token(person.id, token_hash(issued))
        elif existing is None:
            person.set_profile(name, kind, None, unit)
            await uow.people.save(person)
        signed = await sign_in_person(uow, session, person, now, existing=existing,
                                      method=SignInMethod.WEB, remote=remote)
        await uow.commit()
        return Joined(signed, issued)


async def submit_on_web(uow: UnitOfWork, *, code: str, actor: Actor, text: str,
                        now: datetime) -> int:
    """A written submission (书面发言) from the phone page; its seq. The group hears it from
    the bot (a room notice written with it), as one sent to the bot privately."""
    async with uow:
        session = await _session_by_code(uow, code, lock=True)
        assert session.id is not None and actor.person_id is not None
        session.require_open()
        attendance = await uow.attendance.get(session.id, actor.person_id)
        person = await uow.people.get(actor.person_id)
        if attendance is None or not attendance.present or person is None:
            raise InvalidState("not_signed_in")
        contribution = await record_written(uow, session, person, attendance, text=text,
                                            now=now)
        await announce(uow, session, "written", now, contribution_id=contribution.id)
        await uow.commit()
        return contribution.seq


@dataclass(frozen=True)
class PhoneView:
    """What the phone page shows its participant: live, and only of themselves."""

    topic: str
    hall: str | None
    status: str
    open: bool
    name: str | None  # as signed in; None: not signed in to this session
    kind: ParticipantKind | None
    remote: bool
    hand: TurnKind | None  # a raised hand, waiting
    position: int | None
    waiting: int
    speaking_until: datetime | None  # on the floor now, until then

    def fingerprint(self) -> str:
        return hashlib.sha256(repr(asdict(self)).encode()).hexdigest()[:16]


async def phone_view(uow: UnitOfWork, *, code: str, token: str | None) -> PhoneView:
    async with uow:
        session = await _session_by_code(uow, code, lock=False)
        assert session.id is not None
        person = await _person(uow, token)
        attendance = hand = None
        if person is not None and person.id is not None:
            attendance = await uow.attendance.get(session.id, person.id)
            hand = await uow.hands.pending_for(session.id, person.id)
        present = attendance is not None and attendance.present
        position = await uow.hands.position(hand.id) if hand is not None and hand.id else None
        turn = await uow.turns.current(session.id)
        mine = turn is not None and person is not None and turn.person_id == person.id
        return PhoneView(
            session.topic, session.hall, session.status.value, session.is_open,
            attendance.name if present and attendance else None,
            attendance.kind if present and attendance else None,
            bool(attendance and attendance.remote), hand.kind if hand else None, position,
            await uow.hands.count_pending(session.id),
            turn.deadline if mine and turn is not None else None)
