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
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta

from facilitation.errors import InvalidInput, InvalidState, NotFound
from facilitation.model import (
    ParticipantKind,
    Person,
    SignInMethod,
    TurnKind,
)
from facilitation.ports import Participant, RoomNotice, UnitOfWork, WebRoomRead
from facilitation.record import record_written
from facilitation.services import SignedIn, sign_in_person
from facilitation.session import Session

TOKEN_BYTES = 32
WEB_KINDS = (ParticipantKind.MEMBER, ParticipantKind.RESIDENT, ParticipantKind.ELDER,
             ParticipantKind.DEPARTMENT, ParticipantKind.EXPERT, ParticipantKind.BUSINESS,
             ParticipantKind.OTHER)
WEB_HANDS = (TurnKind.SPEECH, TurnKind.QUESTION, TurnKind.RESPONSE, TurnKind.FOLLOW_UP)


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


# A participant's token names its person for two days from sign-in (a session lasts hours):
# it carries the time it was issued, which its stored hash covers, so nothing can move it,
# and the server refuses it when it is older, whatever the browser still holds.
TOKEN_AGE = timedelta(days=2)
_SKEW = timedelta(minutes=5)  # a clock set back a little does not sign everyone out


def participant_token(now: datetime) -> str:
    """A new participant's token: the issue time (seconds, hexadecimal), then the secret."""
    return f"{int(now.timestamp()):x}.{new_token()}"


def live_token(token: str | None, now: datetime) -> str | None:
    """``token`` while it still names its person, None when it is missing, malformed (an
    earlier release's token too) or older than TOKEN_AGE."""
    if not token:
        return None
    stamp, dot, secret = token.partition(".")
    if not dot or not secret or not 0 < len(stamp) <= 12:
        return None
    try:
        issued = datetime.fromtimestamp(int(stamp, 16), UTC)
    except (ValueError, OverflowError, OSError):
        return None
    return token if now - TOKEN_AGE <= issued <= now + _SKEW else None


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


async def _read(uow: UnitOfWork, code: str, token: str | None, *, lock: bool = False,
                shared: bool = False, full: bool = False) -> WebRoomRead:
    """The session of a code (NotFound: none) and the web participant the cookie's token
    names in it (None: nobody, or someone erased), in one query; ``lock``: for a write."""
    code = code.strip().upper()
    found = (await uow.web.by_code(code, token_hash(token) if token else None,
                                   for_update=lock, shared=shared, full=full)
             if code else None)
    if found is None or found.session.id is None:
        raise NotFound("bad_code")
    if found.participant is not None and found.participant.person.forgotten_at is not None:
        return replace(found, participant=None)
    return found


async def web_participant(uow: UnitOfWork, code: str,
                          token: str | None) -> tuple[Session, Participant]:
    """For a write in the caller's unit of work: the session of a code, locked, and the web
    participant the cookie's token names, with their attendance and pending hand there
    (read as the bot's ``open_session_for`` reads a Telegram user); NotFound when the token
    names nobody (sign in again)."""
    found = await _read(uow, code, token, lock=True)
    if found.participant is None:
        raise NotFound("web_signin_again")
    return found.session, found.participant


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
        # a newcomer's sign-in adds only rows of its own: newcomers need not wait for each
        # other, only for a change of the session (closing, web sign-in closed)
        found = await _read(uow, code, token, lock=True, shared=token is None)
        session = found.session
        session.require_open()
        person = found.participant.person if found.participant is not None else None
        existing = found.participant.attendance if found.participant is not None else None
        if existing is None and not session.web_signin_open:
            raise InvalidState("web_signin_closed")
        issued = None
        if person is None:
            person = Person(display_name="?", notice_accepted_at=now)
            person.set_profile(name, kind, None, unit)
            issued = participant_token(now)
            person = await uow.web.add_person(person, token_hash(issued))
        elif existing is None:
            person.set_profile(name, kind, None, unit)
            await uow.people.save(person)
        signed = await sign_in_person(uow, session, person, now, existing=existing,
                                      method=SignInMethod.WEB, remote=remote, count=False)
        await uow.commit()
        return Joined(signed, issued)


async def submit_on_web(uow: UnitOfWork, *, code: str, token: str | None, text: str,
                        now: datetime) -> int:
    """A written submission (书面发言) from the phone page; its seq. The group hears it from
    the bot (a room notice written with it), as one sent to the bot privately."""
    async with uow:
        session, found = await web_participant(uow, code, token)
        session.require_open()
        attendance = found.attendance
        if attendance is None or not attendance.present:
            raise InvalidState("not_signed_in")
        contribution = await record_written(uow, session, found.person, attendance, text=text,
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
        found = await _read(uow, code, token, full=True)
        session, turn = found.session, found.current
        person, attendance, hand = (
            (found.participant.person, found.participant.attendance,
             found.participant.pending_hand) if found.participant is not None
            else (None, None, None))
        present = attendance is not None and attendance.present
        position = await uow.hands.position(hand.id) if hand is not None and hand.id else None
        mine = turn is not None and person is not None and turn.person_id == person.id
        return PhoneView(
            session.topic, session.hall, session.status.value, session.is_open,
            attendance.name if present and attendance else None,
            attendance.kind if present and attendance else None,
            bool(attendance and attendance.remote), hand.kind if hand else None, position,
            found.waiting, turn.deadline if mine and turn is not None else None)
