"""The moderator's console on the web (issue 12): `/m/<token>`, sent privately to whoever
runs the session. The link names a person and a session; what it may do is decided at every
action, live, by the same rule as the commands (Session.require_runner: the session's
moderator, or staff as configuration says now). The actions are the floor's use cases
(facilitation/floor.py) called with the person as the actor; what the group must hear of
them is written as room notices in the same transaction, and the bot sends those.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from hashlib import sha256

from facilitation.audit import AuditAction, audit_entry
from facilitation.errors import InvalidState, NotFound
from facilitation.minutes import toggle_mark
from facilitation.model import (
    Contribution,
    ContributionStatus,
    HandStatus,
    Mark,
    ParticipantKind,
    SignInMethod,
)
from facilitation.ports import ConsoleLink, UnitOfWork
from facilitation.screen import CAPTION_KINDS
from facilitation.services import (
    Actor,
    locked_for_runner,
    new_screen_code,
    open_session_in,
    person_for,
    require_runner,
)
from facilitation.session import Session
from facilitation.web_room import new_token, token_hash

TURNS_SHOWN = 5


async def console_link_for(uow: UnitOfWork, *, chat_id: int, actor: Actor,
                           now: datetime) -> str:
    """A new console link's token for the chat's open session, for its moderator or staff
    (`/console`); each call makes a new one (a lost phone's link keeps working only while
    its person may still run the session)."""
    async with uow:
        session = await open_session_in(uow, chat_id)
        person = await person_for(uow, actor)
        await require_runner(uow, actor, session, person)
        assert session.id is not None and person.id is not None
        if session.screen_code is None:  # opened before screens existed: the console shows it
            session.screen_code = new_screen_code()
            await uow.sessions.save(session)
        token = new_token()
        await uow.web.add_console_link(token_hash(token), ConsoleLink(session.id, person.id, now))
        await uow.commit()
        return token


@dataclass(frozen=True)
class Console:
    session: Session
    actor: Actor


async def console_of(uow: UnitOfWork, *, token: str, staff: Collection[int]) -> Console:
    """The session and the acting person a console token names, if that person may run the
    session now; NotFound or PermissionDenied otherwise."""
    async with uow:
        link = await uow.web.console_link(token_hash(token)) if token else None
        if link is None:
            raise NotFound("console_unknown")
        session = await uow.sessions.get(link.session_id)
        person = await uow.people.get(link.person_id)
        if session is None or person is None or person.forgotten_at is not None \
                or person.telegram_user_id is None:
            raise NotFound("console_unknown")
        actor = Actor(person.telegram_user_id, person.display_name, person.language,
                      config_admin=person.telegram_user_id in staff)
        await require_runner(uow, actor, session, person)
        return Console(session, actor)


def require_current(found: Console) -> None:
    """A console acts on its own session only while it is open: the floor's use cases act
    on the chat's open session, which is this one then (one open session per chat), never
    a later one a link from last week would otherwise reach."""
    found.session.require_open()


async def set_web_signin(uow: UnitOfWork, *, session_id: int, actor: Actor,
                         open_: bool) -> None:
    """Whether newcomers may still sign in on the phone page (those in stay in)."""
    async with uow:
        session, _ = await locked_for_runner(uow, session_id, actor)
        session.require_open()
        session.web_signin_open = open_
        await uow.sessions.save(session)
        await uow.commit()


async def mark_turn(uow: UnitOfWork, *, session_id: int, contribution_id: int, mark: Mark,
                    actor: Actor) -> None:
    """The console's mark on one of its own session's turns (minutes.toggle_mark decides
    who may mark)."""
    async with uow:
        found = await uow.contributions.get(contribution_id)
    if found is None or found.session_id != session_id:
        raise NotFound("no_such_turn", seq=contribution_id)
    await toggle_mark(uow, contribution_id=contribution_id, mark=mark, actor=actor)


async def show_closing(uow: UnitOfWork, *, session_id: int, actor: Actor, now: datetime,
                       shown: bool) -> Session:
    """The moderator shows (or hides) the closing, consensus and follow-up, on the screen."""
    async with uow:
        session, _ = await locked_for_runner(uow, session_id, actor)
        before = session.closing_shown_at
        if shown and before is not None and now <= before:  # each showing is a new one:
            now = before + timedelta(microseconds=1)  # the screen reads the draft again
        session.closing_shown_at = now if shown else None
        await uow.sessions.save(session)
        await uow.commit()
        return session


async def remove_web_participant(uow: UnitOfWork, *, session_id: int, person_id: int,
                                 actor: Actor, now: datetime) -> None:
    """Out of the session: signed out, their hand taken down, their turn ended if they hold
    the floor, their browser's token revoked (back only as a newcomer with the code, while
    web sign-in is open, in the moderator's sight)."""
    async with uow:
        session, moderator = await locked_for_runner(uow, session_id, actor)
        attendance = await uow.attendance.get(session_id, person_id)
        if attendance is None or attendance.method != SignInMethod.WEB:
            raise NotFound("person_not_found", ref=f"#{person_id}")
        if attendance.present:
            await uow.attendance.save(session.sign_out(attendance, now))
        hand = await uow.hands.pending_for(session_id, person_id)
        if hand is not None:
            hand.status = HandStatus.REMOVED
            await uow.hands.save(hand)
        turn = await uow.turns.current(session_id)
        if turn is not None and turn.person_id == person_id:  # off the floor, too
            await uow.turns.save(session.end_turn(moderator, turn, now,
                                                  staff=True))  # checked above
        await uow.web.set_token(person_id, None)
        await uow.audit.add(audit_entry(AuditAction.REMOVED, moderator, session_id=session_id,
                                        chat_id=session.chat_id, at=now, subject_id=person_id,
                                        via="web"))
        await uow.commit()


@dataclass(frozen=True)
class WebSignIn:
    person_id: int
    name: str
    kind: ParticipantKind
    remote: bool


@dataclass(frozen=True)
class RecentTurn:
    contribution_id: int
    seq: int
    name: str
    text: str
    marks: tuple[str, ...]


@dataclass(frozen=True)
class ConsoleView:
    """What only the console shows beside the screen: web sign-ins (to remove) and the
    latest turns (to mark)."""

    web: tuple[WebSignIn, ...]
    turns: tuple[RecentTurn, ...]
    closing_shown: bool
    web_signin_open: bool

    def fingerprint(self) -> str:
        return sha256(repr(asdict(self)).encode()).hexdigest()[:16]


def _recent(c: Contribution) -> RecentTurn:
    assert c.id is not None
    return RecentTurn(c.id, c.seq, c.speaker_name, c.text, tuple(c.marks or ()))


async def console_view(uow: UnitOfWork, *, session_id: int) -> ConsoleView:
    async with uow:
        session = await uow.sessions.get(session_id)
        if session is None:
            raise InvalidState("no_session")
        web = tuple(WebSignIn(a.person_id, a.name, a.kind, a.remote)
                    for a in await uow.attendance.list(session_id)
                    if a.method == SignInMethod.WEB and a.present)
        shown = await uow.contributions.latest(session_id, CAPTION_KINDS,
                                               (ContributionStatus.FINAL,), TURNS_SHOWN)
        return ConsoleView(web, tuple(_recent(c) for c in shown[::-1]),
                           session.closing_shown_at is not None, session.web_signin_open)
