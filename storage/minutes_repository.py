"""Minutes: draft edits, approved versions, confirmations (发言确认), editing focus."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CursorResult,
    Row,
    Table,
    func,
    insert,
    select,
    type_coerce,
    update,
)

from facilitation.model import ConfirmationStatus, EditOp, MinutesEdit, MinutesVersion
from storage.repositories import SESSIONS, RowRepository, table_of
from storage.rows import ConfirmationRow, MinutesEditRow, MinutesFocusRow, MinutesVersionRow

EDITS = table_of(MinutesEditRow)
VERSIONS = table_of(MinutesVersionRow)
CONFIRMATIONS = table_of(ConfirmationRow)
FOCUS = table_of(MinutesFocusRow)


class SqlAlchemyMinutesRepository(RowRepository):
    async def edits(self, session_id: int) -> list[MinutesEdit]:
        result = await self._session.execute(
            select(EDITS).where(EDITS.c.session_id == session_id).order_by(EDITS.c.id))
        return [MinutesEdit(r.session_id, EditOp(r.op), json.loads(r.payload), r.person_id,
                            r.at, r.id) for r in result]

    async def add_edit(self, edit: MinutesEdit) -> None:
        await self._session.execute(insert(EDITS).values(
            session_id=edit.session_id, op=edit.op.value,
            payload=json.dumps(edit.payload, ensure_ascii=False), person_id=edit.person_id,
            at=edit.at))

    async def latest_version(self, session_id: int) -> MinutesVersion | None:
        row = (await self._session.execute(
            select(VERSIONS).where(VERSIONS.c.session_id == session_id)
            .order_by(VERSIONS.c.version.desc()).limit(1))).first()
        return _version(row) if row else None

    async def version(self, session_id: int, version: int) -> MinutesVersion | None:
        row = (await self._session.execute(
            select(VERSIONS).where(VERSIONS.c.session_id == session_id,
                                   VERSIONS.c.version == version))).first()
        return _version(row) if row else None

    async def add_version(self, version: MinutesVersion) -> None:
        await self._session.execute(insert(VERSIONS).values(
            session_id=version.session_id, version=version.version, body=version.body,
            approved_by=version.approved_by, approved_at=version.approved_at))

    async def first_approvals(self, chat_id: int) -> list[tuple[int, datetime]]:
        # min() keeps the column's type, so SQLite gives back an aware datetime too
        first = type_coerce(func.min(VERSIONS.c.approved_at), VERSIONS.c.approved_at.type)
        rows = await self._session.execute(
            select(VERSIONS.c.session_id, first)
            .join(SESSIONS, SESSIONS.c.id == VERSIONS.c.session_id)
            .where(SESSIONS.c.chat_id == chat_id)
            .group_by(VERSIONS.c.session_id).order_by(first, VERSIONS.c.session_id))
        return [(int(r[0]), r[1]) for r in rows]

    async def confirmations(self, session_id: int) -> dict[int, ConfirmationStatus]:
        result = await self._session.execute(
            select(CONFIRMATIONS.c.person_id, CONFIRMATIONS.c.status)
            .where(CONFIRMATIONS.c.session_id == session_id))
        return {r.person_id: ConfirmationStatus(r.status) for r in result}

    async def set_confirmation(self, session_id: int, person_id: int,
                               status: ConfirmationStatus, at: datetime) -> None:
        await self._replace(CONFIRMATIONS, (CONFIRMATIONS.c.session_id == session_id)
                            & (CONFIRMATIONS.c.person_id == person_id),
                            {"session_id": session_id, "person_id": person_id,
                             "status": status.value, "at": at})

    async def focus(self, person_id: int) -> int | None:
        found: int | None = await self._session.scalar(
            select(FOCUS.c.session_id).where(FOCUS.c.person_id == person_id))
        return found

    async def set_focus(self, person_id: int, session_id: int) -> None:
        await self._replace(FOCUS, FOCUS.c.person_id == person_id,
                            {"person_id": person_id, "session_id": session_id})

    async def _replace(self, table: Table, where: ColumnElement[bool],
                       values: dict[str, Any]) -> None:
        """Update the row, or insert it (one person's own row: no concurrent writer)."""
        changed = await self._session.execute(update(table).where(where).values(**values))
        if isinstance(changed, CursorResult) and not changed.rowcount:
            await self._session.execute(insert(table).values(**values))


def _version(r: Row[Any]) -> MinutesVersion:
    return MinutesVersion(r.session_id, r.version, r.body, r.approved_by, r.approved_at)
