"""Use cases of the roundtable: load, decide (in the model), record, commit.

Each takes an open-able unit of work and a command's fields; adapters translate their
results and DomainErrors into words.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from facilitation.audit import AuditAction, audit_entry
from facilitation.errors import InvalidInput, InvalidState, NotFound, PermissionDenied
from facilitation.model import (
    FIELD_MAX_CHARS,
    NAME_MAX_CHARS,
    Attendance,
    HandStatus,
    ParticipantKind,
    Person,
    SignInMethod,
    clean_text,
)
from facilitation.ports import CodeGenerator, Participant, UnitOfWork
from facilitation.roles import Standing
from facilitation.session import Session, check_turn_limit


@dataclass(frozen=True)
class Actor:
    """Who acts, as the chat platform knows them."""

    user_id: int
    display_name: str
    language: str | None = None
    # one of configuration's admins (YISHITANG_STAFF_USER_IDS, the bootstrap), decided by the
    # adapter for this request; every other role is read from the grants at each check
    # (``standing_of_actor``), never carried here
    config_admin: bool = False
    # a participant on the web (portal's phone page), known by their person in the record,
    # not by a platform: ``user_id`` is then 0 (no private chat, nobody's Telegram id)
    person_id: int | None = None

    @classmethod
    def on_web(cls, person: Person) -> Actor:
        assert person.id is not None
        return cls(0, person.display_name, person.language, person_id=person.id)

    @property
    def has_private_chat(self) -> bool:
        """A user; not a channel or a group's anonymous admins (chats have negative ids)."""
        return reachable(self.user_id)


def reachable(telegram_id: int | None) -> bool:
    """Whether a private chat with this Telegram identity can exist (users' ids are
    positive; a channel or a group acting as a sender has a negative chat id)."""
    return telegram_id is not None and telegram_id > 0


@dataclass(frozen=True)
class SignedIn:
    session: Session
    person: Person
    attendance: Attendance
    changed: bool
    show_notice: bool
    present: int | None  # signed in now; None: not counted (the phone page does not say)


def _name_of(actor: Actor) -> str:
    return clean_text(actor.display_name, limit=NAME_MAX_CHARS, field_name="name",
                      required=False) or str(actor.user_id)


async def _new_person(uow: UnitOfWork, actor: Actor) -> Person:
    return await uow.people.add(Person(display_name=_name_of(actor),
                                       telegram_user_id=actor.user_id,
                                       language=actor.language))


async def _refreshed(uow: UnitOfWork, person: Person, actor: Actor) -> Person:
    """The stored person, with what the platform now says of them written back if it changed."""
    name = _name_of(actor)
    stale_name = not person.has_profile and person.display_name != name
    if stale_name or person.language != actor.language:
        person.display_name = person.display_name if person.has_profile else name
        person.language = actor.language
        await uow.people.save(person)
    return person


async def _web_person(uow: UnitOfWork, person_id: int) -> Person:
    """A web participant's person; one erased or gone signs in again (never re-created)."""
    person = await uow.people.get(person_id)
    if person is None or person.forgotten_at is not None:
        raise NotFound("web_signin_again")
    return person


async def person_for(uow: UnitOfWork, actor: Actor) -> Person:
    """The stored person behind a platform user, created on first contact."""
    if actor.person_id is not None:
        return await _web_person(uow, actor.person_id)
    person = await uow.people.by_telegram_id(actor.user_id)
    if person is None:
        return await _new_person(uow, actor)
    return await _refreshed(uow, person, actor)


async def standing_of_actor(uow: UnitOfWork, actor: Actor,
                            person: Person | None = None) -> Standing:
    """What the actor may do now, read live inside the open unit of work: configuration's
    admins, and the role grants of their person (facilitation/roles.py). A channel or a
    group's anonymous admins (no private chat) hold no role."""
    if person is None:
        if actor.person_id is not None:
            person = await uow.people.get(actor.person_id)
        elif actor.has_private_chat:
            person = await uow.people.by_telegram_id(actor.user_id)
    if person is None or person.id is None or person.forgotten_at is not None:
        return Standing(0, (), bootstrap_admin=actor.config_admin and actor.has_private_chat)
    return Standing(person.id, tuple(await uow.roles.grants(person_id=person.id)),
                    bootstrap_admin=actor.config_admin and actor.has_private_chat)


async def my_standing(uow: UnitOfWork, actor: Actor) -> Standing:
    """What the actor may do now (``/whoami``)."""
    async with uow:
        return await standing_of_actor(uow, actor)


async def may_run(uow: UnitOfWork, actor: Actor, session: Session,
                  person: Person | None = None) -> bool:
    """Whether the actor may run ``session``: its moderator, or staff of its hall (an admin,
    or a staff grant for the hall or for every hall), decided now. No query for the
    moderator or configuration's admins."""
    if person is not None and person.id == session.moderator_id:
        return True
    if actor.config_admin and actor.has_private_chat:
        return True
    return (await standing_of_actor(uow, actor, person)).may_edit(session.chat_id)


async def require_runner(uow: UnitOfWork, actor: Actor, session: Session,
                         person: Person) -> None:
    session.require_runner(person, staff=await may_run(uow, actor, session, person))


async def _as_participant(uow: UnitOfWork, found: Participant | None,
                          actor: Actor) -> Participant:
    if found is None:
        return Participant(await _new_person(uow, actor), None, None)
    return Participant(await _refreshed(uow, found.person, actor), found.attendance,
                       found.pending_hand)


async def participant_for(uow: UnitOfWork, session: Session, actor: Actor) -> Participant:
    """``person_for``, with the person's attendance and pending hand in ``session``, read in
    the same query."""
    assert session.id is not None
    if actor.person_id is not None:
        person = await _web_person(uow, actor.person_id)
        return Participant(person, await uow.attendance.get(session.id, actor.person_id),
                           await uow.hands.pending_for(session.id, actor.person_id))
    return await _as_participant(uow, await uow.people.participant(session.id, actor.user_id),
                                 actor)


async def open_session_for(uow: UnitOfWork, chat_id: int,
                           actor: Actor) -> tuple[Session, Participant]:
    """``open_session_in`` (locked) and ``participant_for``, read in one query."""
    if actor.person_id is not None:  # a web participant: by their person, in two
        session = await open_session_in(uow, chat_id)
        return session, await participant_for(uow, session, actor)
    found = await uow.sessions.open_with_participant(chat_id, actor.user_id)
    if found is None:
        raise NotFound("no_open_session")
    session, participant = found
    return session, await _as_participant(uow, participant, actor)


async def open_session_in(uow: UnitOfWork, chat_id: int, *, lock: bool = True) -> Session:
    """The chat's open session, locked for update unless only read (PostgreSQL serialises
    concurrent writers on it; SQLite's write transactions are serial anyway)."""
    session = await uow.sessions.open_in_chat(chat_id, for_update=lock)
    if session is None:
        raise NotFound("no_open_session")
    return session


def new_screen_code() -> str:
    """The code of a session's screen on the web: a link nobody can guess (128 bits)."""
    return secrets.token_urlsafe(16)


async def open_session(
    uow: UnitOfWork,
    *,
    chat_id: int,
    topic: str,
    actor: Actor,
    now: datetime,
    new_code: CodeGenerator,
    turn_limit_s: int,
    language: str = "zh",
    hall: str | None = None,
    new_screen_code: CodeGenerator = new_screen_code,
) -> Session:
    async with uow:
        if await uow.sessions.open_in_chat(chat_id) is not None:
            raise InvalidState("session_already_open")
        moderator = await person_for(uow, actor)
        session = Session.create(chat_id=chat_id, code=new_code(), topic=topic,
                                 moderator=moderator, now=now, turn_limit_s=turn_limit_s,
                                 language=language)
        # the group's title names the hall; a long one is shortened, never refused
        session.hall = clean_text((hall or "")[:FIELD_MAX_CHARS], limit=FIELD_MAX_CHARS,
                                  field_name="hall", required=False)
        session.screen_code = new_screen_code()
        session.open_signin(now)
        session = await uow.sessions.add(session)
        attendance, _ = session.sign_in(moderator, now, method=SignInMethod.GROUP, existing=None)
        await uow.attendance.add(attendance)
        await uow.audit.add(audit_entry(AuditAction.OPENED, moderator, session_id=session.id,
                                        chat_id=chat_id, at=now))
        await uow.commit()
        return session


async def sign_in_person(
    uow: UnitOfWork, session: Session, person: Person, now: datetime, *,
    existing: Attendance | None, method: SignInMethod, remote: bool,
    proxy_by: Person | None = None, staff: bool = False, count: bool = True,
) -> SignedIn:
    """Record a sign-in (or a return) in the caller's unit of work; the caller commits.
    ``count``: how many are present now, for the answer (a statement of its own)."""
    assert session.id is not None and person.id is not None
    attendance, changed = session.sign_in(person, now, method=method, existing=existing,
                                          remote=remote, proxy_by=proxy_by, staff=staff)
    if existing is None:
        attendance = await uow.attendance.add(attendance)
    elif changed:
        await uow.attendance.save(attendance)
    show_notice = (changed and person.telegram_user_id is not None
                   and person.notice_accepted_at is None and existing is None)
    present = await uow.attendance.count_present(session.id) if count else None
    return SignedIn(session, person, attendance, changed, show_notice, present)


@dataclass(frozen=True)
class AdmissionAsked:
    """A deep-link sign-in by someone who is not in the hall's group: it waits for the
    moderator (the person is stored, so the moderator's button can name them)."""

    session: Session
    person: Person
    remote: bool


async def sign_in(uow: UnitOfWork, *, actor: Actor, now: datetime, chat_id: int,
                  remote: bool = False) -> SignedIn:
    """Sign in to the chat's open session, from the group itself."""
    async with uow:
        session, found = await open_session_for(uow, chat_id, actor)
        result = await sign_in_person(uow, session, found.person, now, existing=found.attendance,
                                method=SignInMethod.GROUP, remote=remote)
        await uow.commit()
        return result


async def sign_in_with_code(
    uow: UnitOfWork, *, actor: Actor, now: datetime, code: str, member: bool,
    remote: bool = False,
) -> SignedIn | AdmissionAsked:
    """Sign in to the session of a deep-link (or QR) code.

    A code is no key by itself (it is printed, posted, forwarded): it signs in members of the
    hall's group (``member``, as the platform says now), whoever ran or attended the session,
    and staff; anyone else waits for the moderator's admission (``admit``)."""
    async with uow:
        session = await uow.sessions.by_code(code.strip().upper())
        if session is None:
            raise NotFound("bad_code")
        found = await participant_for(uow, session, actor)
        session.require_open()
        if not (member or found.attendance is not None
                or await may_run(uow, actor, session, found.person)):
            await uow.commit()  # the person, for the moderator's button
            return AdmissionAsked(session, found.person, remote)
        result = await sign_in_person(uow, session, found.person, now, existing=found.attendance,
                                method=SignInMethod.DEEP_LINK, remote=remote)
        await uow.commit()
        return result


async def chat_of_code(uow: UnitOfWork, *, code: str) -> int:
    """The group of the session a deep-link code opens (to ask who is in it)."""
    async with uow:
        session = await uow.sessions.by_code(code.strip().upper())
        if session is None:
            raise NotFound("bad_code")
        return session.chat_id


async def refuse_admission(uow: UnitOfWork, *, session_id: int, person_id: int,
                           actor: Actor) -> Person:
    """The moderator does not admit someone who asked from outside the group."""
    async with uow:
        session = await uow.sessions.get(session_id)
        if session is None:
            raise NotFound("no_session")
        await require_runner(uow, actor, session, await person_for(uow, actor))
        person = await uow.people.get(person_id)
        if person is None:
            raise NotFound("person_not_found", ref=f"#{person_id}")
        await uow.commit()
        return person


async def locked_for_runner(uow: UnitOfWork, session_id: int,
                            actor: Actor) -> tuple[Session, Person]:
    """The session, locked, and the actor's person, once the actor may run it (its
    moderator, or staff of its hall as the grants say now)."""
    session = await uow.sessions.lock(session_id)
    if session is None:
        raise NotFound("no_session")
    runner = await person_for(uow, actor)
    await require_runner(uow, actor, session, runner)
    return session, runner


async def admit(uow: UnitOfWork, *, session_id: int, person_id: int, actor: Actor,
                now: datetime, remote: bool) -> SignedIn:
    """The moderator admits someone who asked to sign in with the code from outside the
    hall's group."""
    async with uow:
        session, moderator = await locked_for_runner(uow, session_id, actor)
        person = await uow.people.get(person_id)
        if person is None or person.telegram_user_id is None:
            raise NotFound("person_not_found", ref=f"#{person_id}")
        existing = await uow.attendance.get(session_id, person_id)
        result = await sign_in_person(uow, session, person, now, existing=existing,
                                method=SignInMethod.DEEP_LINK, remote=remote,
                                proxy_by=moderator, staff=True)  # checked above
        await uow.commit()
        return result


async def proxy_sign_in(
    uow: UnitOfWork, *, chat_id: int, actor: Actor, name: str, kind: ParticipantKind,
    now: datetime, unit: str | None = None, remote: bool = False,
) -> SignedIn:
    """The moderator signs in someone without Telegram (代签)."""
    async with uow:
        session = await open_session_in(uow, chat_id)
        moderator = await person_for(uow, actor)
        await require_runner(uow, actor, session, moderator)
        guest = Person(display_name="?", telegram_user_id=None)
        guest.set_profile(name, kind, None, unit)
        guest = await uow.people.add(guest)
        result = await sign_in_person(uow, session, guest, now, existing=None,
                                method=SignInMethod.PROXY, remote=remote, proxy_by=moderator,
                                staff=True)  # checked above
        await uow.audit.add(audit_entry(AuditAction.PROXY, moderator, session_id=session.id,
                                        chat_id=chat_id, at=now, subject_id=guest.id))
        await uow.commit()
        return result


async def sign_out(uow: UnitOfWork, *, chat_id: int, actor: Actor, now: datetime) -> Session:
    async with uow:
        session, found = await open_session_for(uow, chat_id, actor)
        attendance = session.sign_out(found.attendance, now)
        await uow.attendance.save(attendance)
        hand = found.pending_hand
        if hand is not None:
            hand.status = HandStatus.LOWERED
            await uow.hands.save(hand)
        await uow.commit()
        return session


async def set_profile(
    uow: UnitOfWork, *, actor: Actor, name: str, kind: ParticipantKind,
    sector: str | None, unit: str | None,
) -> Person:
    async with uow:
        person = await person_for(uow, actor)
        person.set_profile(name, kind, sector, unit)
        await uow.people.save(person)
        await uow.commit()
        return person


async def accept_notice(uow: UnitOfWork, *, actor: Actor, now: datetime) -> bool:
    """Record that the person accepted the recording notice; False if they already had."""
    async with uow:
        person = await person_for(uow, actor)
        if person.notice_accepted_at is not None:
            return False
        person.notice_accepted_at = now
        await uow.people.save(person)
        await uow.commit()
        return True


async def set_turn_limit(
    uow: UnitOfWork, *, chat_id: int, actor: Actor, seconds: int
) -> Session:
    async with uow:
        session = await open_session_in(uow, chat_id)
        runner = await person_for(uow, actor)
        session.set_turn_limit(runner, seconds, staff=await may_run(uow, actor, session, runner))
        await uow.sessions.save(session)
        await uow.audit.add(audit_entry(AuditAction.LIMIT, runner, session_id=session.id,
                                        chat_id=chat_id, seconds=seconds))
        await uow.commit()
        return session


def parse_turn_limit(text: str) -> int:
    """'3' or '3m' minutes, '90s' seconds, '2.5' minutes -> seconds."""
    raw = text.strip().lower().removesuffix("分钟").removesuffix("min")
    per_unit = 1 if raw.endswith(("s", "秒")) else 60
    number = raw[:-1] if per_unit == 1 else raw.removesuffix("m")
    # plain decimals only: no inf, nan, 1e400, other scripts' digits or huge values
    if not re.fullmatch(r"[0-9]{1,6}(\.[0-9]{1,3})?", number):
        raise InvalidInput("bad_turn_limit", low=30, high=3600)
    seconds = int(float(number) * per_unit)
    check_turn_limit(seconds)
    return seconds


async def move_chat(uow: UnitOfWork, *, old_chat_id: int, new_chat_id: int) -> int:
    """Telegram turned a group into a supergroup with a new id: its sessions and the hall's
    settings (glossary, document settings, template) move along; their live boards are sent
    anew there."""
    async with uow:
        sessions = await uow.sessions.recent(old_chat_id, limit=100_000)
        for session in sessions:
            session.chat_id = new_chat_id
            await uow.sessions.save(session)
            assert session.id is not None
            # the live board's message stayed behind: a new one is owed in the supergroup
            await uow.boards.remove(session.id)
        await uow.halls.move(old_chat_id, new_chat_id)
        await uow.showcase.move(old_chat_id, new_chat_id)  # its plans and listed people
        await uow.commit()
        return len(sessions)


GLOSSARY_MAX_WORDS = 100


async def hall_glossary(uow: UnitOfWork, *, chat_id: int) -> tuple[str, ...]:
    async with uow:
        return await uow.halls.glossary(chat_id)


async def set_hall_glossary(uow: UnitOfWork, *, chat_id: int, actor: Actor,
                            words: list[str]) -> tuple[str, ...]:
    """The hall's place and unit names for the recogniser; set by the hall's staff (also
    between sessions, on the workbench) or by whoever runs its open session (/glossary)."""
    async with uow:
        runner = await person_for(uow, actor)
        session = await _glossary_session(uow, chat_id, actor, runner)
        cleaned = tuple(dict.fromkeys(
            w for w in (clean_text(word, limit=32, field_name="glossary", required=False)
                        for word in words) if w))
        if len(cleaned) > GLOSSARY_MAX_WORDS:
            raise InvalidInput("too_long", field="glossary", limit=GLOSSARY_MAX_WORDS,
                               length=len(cleaned))
        await uow.halls.set_glossary(chat_id, cleaned)
        await uow.audit.add(audit_entry(AuditAction.GLOSSARY, runner,
                                        session_id=session.id if session else None,
                                        chat_id=chat_id, words=len(cleaned)))
        await uow.commit()
        return cleaned


async def _glossary_session(uow: UnitOfWork, chat_id: int, actor: Actor,
                            person: Person) -> Session | None:
    """The open session the change belongs to, if any, once the actor may make it: staff of
    the hall always (roles decided live); anyone else only as runner of the open session,
    refused as documents.py refuses the hall's other settings (not_moderator)."""
    session = await uow.sessions.open_in_chat(chat_id, for_update=True)
    if (await standing_of_actor(uow, actor, person)).may_edit(chat_id):
        return session
    if session is None:
        raise PermissionDenied("not_moderator")
    await require_runner(uow, actor, session, person)
    return session
