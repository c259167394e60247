"""The staff's web pages (issue 13): the one-time login link /portal sends, the web session's
start and end, and the sessions a person may see. Roles are read live at every call
(facilitation/roles.py); a link is kept as its token's SHA-256 only.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, tzinfo

from facilitation.access import sessions_of_halls
from facilitation.audit import AuditAction, audit_entry
from facilitation.errors import NotFound, PermissionDenied
from facilitation.minutes import unreviewed_turns
from facilitation.model import AudioJob, Person, SessionStatus
from facilitation.ports import TrackingUnitOfWork, UnitOfWork
from facilitation.record import SessionRecord, load_record
from facilitation.roles import Standing, standing_for
from facilitation.services import Actor, person_for
from facilitation.session import Session
from facilitation.tracking_figures import Period
from facilitation.tracking_services import MAX_ROW_ID

LINK_VALID = timedelta(minutes=10)
IDLE = timedelta(minutes=30)  # a web session unused this long ends
LISTED = 200  # sessions read for one page of the list


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


async def login_standing(uow: TrackingUnitOfWork, person: Person,
                         bootstrap_ids: Collection[int]) -> Standing:
    """The person's roles and the units they are a liaison of now (inside an open unit of
    work): whoever has either may log in to the web (``Standing.may_log_in``)."""
    standing = await standing_for(uow, person, bootstrap_ids)
    if person.telegram_user_id is None:  # the directory lists liaisons by Telegram id
        return standing
    units = await uow.units.by_liaison(person.telegram_user_id)
    return replace(standing, liaison_units=frozenset(u.id for u in units if u.id is not None))


async def issue_login_link(uow: TrackingUnitOfWork, actor: Actor, *,
                           bootstrap_ids: Collection[int], now: datetime,
                           new_token: Callable[[], str] = new_token) -> str:
    """/portal: a token for {web}/login/<token>, to someone with a role or a unit's liaison
    (else refused)."""
    async with uow:
        person = await person_for(uow, actor)
        if not (await login_standing(uow, person, bootstrap_ids)).may_log_in:
            raise PermissionDenied("portal_no_role")
        assert person.id is not None
        token = new_token()
        await uow.roles.add_login_link(token_hash(token), person.id, now, now + LINK_VALID)
        await uow.commit()
        return token


async def log_in(uow: TrackingUnitOfWork, token: str, *, bootstrap_ids: Collection[int],
                 now: datetime) -> Person:
    """Use the link (once, within its ten minutes) and log the login; someone whose role
    (or unit) went since the link was sent is refused (and the link stays unused)."""
    async with uow:
        person_id = await uow.roles.use_login_link(token_hash(token), now)
        person = None if person_id is None else await uow.people.get(person_id)
        if person is None or person.forgotten_at is not None:
            raise NotFound("login_link_invalid")
        if not (await login_standing(uow, person, bootstrap_ids)).may_log_in:
            raise PermissionDenied("staff_no_role")
        await uow.audit.add(audit_entry(AuditAction.LOGIN, person, at=now))
        await uow.commit()
        return person


async def log_out(uow: UnitOfWork, person_id: int, *, now: datetime) -> None:
    async with uow:
        person = await uow.people.get(person_id)
        await uow.audit.add(audit_entry(AuditAction.LOGOUT, person, at=now))
        await uow.commit()


def web_actor(person: Person, bootstrap_ids: Collection[int]) -> Actor:
    """The person logged in to the web, as the use cases the bot calls take them: known by
    their person (roles read from their grants) and by their Telegram id, if any (a liaison
    is listed by it; configuration's admins are)."""
    assert person.id is not None
    user_id = person.telegram_user_id or 0
    return Actor(user_id, person.display_name, person.language,
                 config_admin=user_id in bootstrap_ids, person_id=person.id)


async def web_standing(uow: TrackingUnitOfWork, person_id: int, *,
                       bootstrap_ids: Collection[int]) -> tuple[Standing, Actor] | None:
    """What the person logged in may do now, and who they are to the use cases; None:
    nothing (role and units gone, person forgotten)."""
    async with uow:
        person = await uow.people.get(person_id)
        if person is None or person.forgotten_at is not None:
            return None
        standing = await login_standing(uow, person, bootstrap_ids)
        return (standing, web_actor(person, bootstrap_ids)) if standing.may_log_in else None


@dataclass(frozen=True)
class DeskQuery:
    hall: int | None = None  # a hall's chat id
    status: SessionStatus | None = None
    period: Period | None = None  # by the session's day: its start, else its creation

    @property
    def narrowed(self) -> bool:
        return self.hall is not None or self.status is not None or self.period is not None


@dataclass(frozen=True)
class DeskRow:
    session: Session
    present: int  # signed in (present or remote), as the attendance says


@dataclass(frozen=True)
class Desk:
    rows: tuple[DeskRow, ...]
    halls: tuple[tuple[int, str], ...]  # the halls to filter by: (chat id, name)


def _halls(sessions: list[Session]) -> tuple[tuple[int, str], ...]:
    names: dict[int, str] = {}
    for s in sessions:  # newest first: a hall's newest name wins
        names.setdefault(s.chat_id, s.hall or str(s.chat_id))
    return tuple(sorted(names.items(), key=lambda kv: kv[1]))


def _asked_halls(seen: frozenset[int] | None, hall: int | None) -> frozenset[int] | None:
    """The halls to read: those seen, or the one asked for if it is one of them (else none)."""
    if hall is None:
        return seen
    return frozenset({hall}) if seen is None or hall in seen else frozenset()


async def desk_sessions(uow: UnitOfWork, standing: Standing, query: DeskQuery, *,
                        tz: tzinfo) -> Desk:
    """The sessions of the halls the person may see, newest first, filtered in the query (an
    older period, a quiet hall are found beyond the newest LISTED); the halls to filter by
    are those of the newest LISTED sessions, filtered or not."""
    async with uow:
        seen = standing.halls_seen()
        visible = await sessions_of_halls(uow, seen, LISTED)
        period = query.period
        chosen = visible if not query.narrowed else await sessions_of_halls(
            uow, _asked_halls(seen, query.hall), LISTED, status=query.status,
            held=(period.start_at(tz), period.end_at(tz)) if period is not None else None)
        rows = []
        for s in chosen:
            assert s.id is not None
            rows.append(DeskRow(s, await uow.attendance.count_present(s.id)))
        return Desk(tuple(rows), _halls(visible))


@dataclass(frozen=True)
class DeskSession:
    """One session as the workbench shows it: the record, who is to be checked, the marks."""

    record: SessionRecord
    to_check: frozenset[int]  # seqs of voice turns still 待核对 (facilitation.review)
    version: int | None  # the latest approved minutes version, if any
    with_audio: frozenset[int] = frozenset()  # seqs of voice turns whose audio is kept


async def seen_session(uow: UnitOfWork, standing: Standing, session_id: int) -> Session:
    """A session of a hall the person sees (staff or viewer), inside the open unit of work;
    any other is not found, so a guessed number tells nothing."""
    session = await uow.sessions.get(session_id) if 0 < session_id <= MAX_ROW_ID else None
    if session is None or session.id is None or not standing.may_see(session.chat_id):
        raise NotFound("no_session")
    return session


async def _kept_audio(uow: UnitOfWork, session_id: int) -> dict[int, AudioJob]:
    """Kept voice audio by the seq of its turn."""
    jobs = {j.contribution_id: j for j in await uow.audio_jobs.kept_in_session(session_id)}
    return {c.seq: jobs[c.id] for c in await uow.contributions.list(session_id)
            if c.id in jobs}


async def desk_session(uow: UnitOfWork, standing: Standing, session_id: int) -> DeskSession:
    """A session of a hall the person sees, as the workbench shows it."""
    async with uow:
        session = await seen_session(uow, standing, session_id)
        assert session.id is not None
        to_check = frozenset(await unreviewed_turns(uow, session.id))
        latest = await uow.minutes.latest_version(session.id)
        audio = await _kept_audio(uow, session.id)
    record = await load_record(uow, session_id=session.id)
    return DeskSession(record, to_check, latest.version if latest is not None else None,
                       frozenset(audio))


@dataclass(frozen=True)
class TurnAudio:
    path: str  # the kept file, relative to the data folder's audio directory
    mime_type: str | None


async def turn_audio(uow: UnitOfWork, standing: Standing, session_id: int,
                     seq: int) -> TurnAudio:
    """The kept audio of a voice turn, for whoever sees the session (staff and viewers of
    its hall); NotFound when there is none (a typed turn, or deleted after its retention)."""
    async with uow:
        session = await seen_session(uow, standing, session_id)
        assert session.id is not None
        job = (await _kept_audio(uow, session.id)).get(seq)
    if job is None or job.audio_path is None:
        raise NotFound("audio_gone")
    return TurnAudio(job.audio_path, job.mime_type)
