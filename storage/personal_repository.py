"""Everything stored about one person, for an export and for forgetting them (the rules of
both are facilitation/people.py's; this module only reads and writes rows)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, Table, and_, false, or_, select, union, update
from sqlalchemy.ext.asyncio import AsyncConnection

from facilitation.model import (
    ConfirmationStatus,
    EditOp,
    Hand,
    MinutesEdit,
    MinutesVersion,
    Person,
)
from facilitation.ports import Footprint
from facilitation.redact import concerns
from storage import mapping
from storage.audit_repository import SqlAlchemyAuditRepository
from storage.inbox import NO_PAYLOAD
from storage.minutes_repository import CONFIRMATIONS, EDITS, VERSIONS
from storage.repositories import ATTENDANCE, HANDS, PEOPLE, SESSIONS, RowRepository, table_of
from storage.roles_repository import GRANTS, grant_of
from storage.rows import InboxRow
from storage.tracking_repository import EVENTS, ITEMS, SqlAlchemyTrackedItemRepository
from storage.turn_repositories import AUDIO_JOBS, CONTRIBUTIONS, TURNS

T = TypeVar("T")
INBOX = table_of(InboxRow)


def shows_user(value: Any, user_id: int) -> bool:
    """Whether a Telegram update (as JSON) holds this user: as a User or a private Chat
    (``id``), or a contact or shared user (``user_id``)."""
    if isinstance(value, dict):
        if value.get("id") == user_id or value.get("user_id") == user_id:
            return True
        return any(shows_user(v, user_id) for v in value.values())
    if isinstance(value, list):
        return any(shows_user(v, user_id) for v in value)
    return False


class SqlAlchemyPersonalDataRepository(RowRepository):
    def __init__(self, connection: AsyncConnection, audit: SqlAlchemyAuditRepository,
                 update_id: int | None = None) -> None:
        super().__init__(connection)
        self._audit = audit
        self._tracked = SqlAlchemyTrackedItemRepository(connection)
        self._update_id = update_id  # the bot update this unit of work handles, if any

    async def named(self, name: str) -> list[Person]:
        signed_in_as = select(ATTENDANCE.c.person_id).where(ATTENDANCE.c.name == name)
        return await self._all(
            select(PEOPLE).where(or_(PEOPLE.c.display_name == name,
                                     PEOPLE.c.id.in_(signed_in_as))).order_by(PEOPLE.c.id),
            mapping.to_person)

    async def _of(self, table: Table, column: str, person_id: int,
                  to: Callable[[Any], T]) -> tuple[T, ...]:
        return tuple(await self._all(
            select(table).where(table.c[column] == person_id).order_by(table.c.id), to))

    async def footprint(self, person: Person) -> Footprint:
        assert person.id is not None
        pid = person.id
        of_theirs = select(CONTRIBUTIONS.c.id).where(CONTRIBUTIONS.c.person_id == pid)
        jobs = await self._all(
            select(AUDIO_JOBS).where(or_(AUDIO_JOBS.c.person_id == pid,
                                         AUDIO_JOBS.c.contribution_id.in_(of_theirs)))
            .order_by(AUDIO_JOBS.c.id), mapping.to_audio_job)
        confirmations = await self._session.execute(
            select(CONFIRMATIONS.c.session_id, CONFIRMATIONS.c.status)
            .where(CONFIRMATIONS.c.person_id == pid).order_by(CONFIRMATIONS.c.session_id))
        found = Footprint(
            person=person,
            sessions=tuple(await self._all(
                select(SESSIONS).where(SESSIONS.c.id.in_(_sessions_of(pid)))
                .order_by(SESSIONS.c.id), mapping.to_session)),
            attendance=await self._of(ATTENDANCE, "person_id", pid, mapping.to_attendance),
            hands=await self._of(HANDS, "person_id", pid, mapping.to_hand),
            turns=await self._of(TURNS, "person_id", pid, mapping.to_turn),
            contributions=await self._of(CONTRIBUTIONS, "person_id", pid,
                                         mapping.to_contribution),
            audio_jobs=tuple(jobs),
            confirmations=tuple((r.session_id, ConfirmationStatus(r.status))
                                for r in confirmations),
            edits=await self._of(EDITS, "person_id", pid, _edit),
            approvals=await self._of(VERSIONS, "approved_by", pid, _version),
            audit=tuple(await self._audit.entries(person_id=pid, limit=100_000)),
        )
        items = [item for s in found.sessions if s.id is not None
                 for item in await self._tracked.for_session(s.id)]
        return replace(found, items=tuple(i for i in items
                                          if concerns(i, pid, found.names)),
                       roles=await self._of(GRANTS, "person_id", pid, grant_of))

    async def hands(self, session_id: int) -> list[Hand]:
        return await self._all(
            select(HANDS).where(HANDS.c.session_id == session_id).order_by(HANDS.c.id),
            mapping.to_hand)

    async def versions(self, session_id: int) -> list[MinutesVersion]:
        return await self._all(
            select(VERSIONS).where(VERSIONS.c.session_id == session_id)
            .order_by(VERSIONS.c.version), _version)

    async def set_edit_payload(self, edit_id: int, payload: dict[str, Any]) -> None:
        await self._update(EDITS, edit_id,
                           {"payload": json.dumps(payload, ensure_ascii=False)})

    async def set_version_body(self, session_id: int, version: int, body: str) -> None:
        await self._session.execute(
            update(VERSIONS).where(VERSIONS.c.session_id == session_id,
                                   VERSIONS.c.version == version).values(body=body))

    async def forget_updates(self, telegram_user_id: int | None, names: Sequence[str]) -> int:
        """Handled updates stay (their ids keep a redelivery from being handled twice), but
        emptied; updates still waiting are left to be handled, then pruned as usual."""
        words = [*names, *([str(telegram_user_id)] if telegram_user_id is not None else [])]
        mentioning: ColumnElement[bool] = and_(
            INBOX.c.processed_at.is_not(None),
            or_(false(), *(INBOX.c.payload.contains(w, autoescape=True) for w in words)))
        if self._update_id is not None:
            mentioning = or_(mentioning, INBOX.c.update_id == self._update_id)
        rows = await self._session.execute(
            select(INBOX.c.id, INBOX.c.update_id, INBOX.c.payload)
            .where(mentioning, INBOX.c.payload != NO_PAYLOAD))

        def shows(row: Any) -> bool:
            if row.update_id == self._update_id or any(n in row.payload for n in names):
                return True
            return telegram_user_id is not None and shows_user(json.loads(row.payload),
                                                               telegram_user_id)

        showing = [r.id for r in rows if shows(r)]
        if showing:
            await self._session.execute(
                update(INBOX).where(INBOX.c.id.in_(showing)).values(payload=NO_PAYLOAD))
        return len(showing)


def _sessions_of(person_id: int) -> Select[Any]:
    """The ids of every session with a row of the person's."""
    tables = (ATTENDANCE, HANDS, TURNS, CONTRIBUTIONS, AUDIO_JOBS, CONFIRMATIONS)
    selects = [select(t.c.session_id).where(t.c.person_id == person_id) for t in tables]
    selects += [
        select(SESSIONS.c.id).where(SESSIONS.c.moderator_id == person_id),
        select(EDITS.c.session_id).where(EDITS.c.person_id == person_id),
        select(VERSIONS.c.session_id).where(VERSIONS.c.approved_by == person_id),
        select(ITEMS.c.session_id).join(EVENTS, EVENTS.c.item_id == ITEMS.c.id)
        .where(EVENTS.c.person_id == person_id),
    ]
    return select(union(*selects).subquery().c[0])


def _edit(r: Any) -> MinutesEdit:
    return MinutesEdit(r.session_id, EditOp(r.op), json.loads(r.payload), r.person_id, r.at,
                       r.id)


def _version(r: Any) -> MinutesVersion:
    return MinutesVersion(r.session_id, r.version, r.body, r.approved_by, r.approved_at)
