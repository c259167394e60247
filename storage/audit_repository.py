"""The audit log (facilitation/audit.py): appended by use cases, read by `yishitang audit`."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Row, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from facilitation.audit import AuditAction, AuditEntry
from facilitation.ports import Clock
from storage.repositories import RowRepository, table_of
from storage.rows import AuditRow

AUDIT = table_of(AuditRow)


def to_entry(r: Row[Any]) -> AuditEntry:
    return AuditEntry(AuditAction(r.action), r.at, r.session_id, r.chat_id, r.actor_id,
                      r.operator, r.subject_id, json.loads(r.detail), r.id)


class SqlAlchemyAuditRepository(RowRepository):
    def __init__(self, connection: AsyncConnection, clock: Clock) -> None:
        super().__init__(connection)
        self._clock = clock

    async def add(self, entry: AuditEntry) -> None:
        await self._session.execute(insert(AUDIT).values(
            at=entry.at or self._clock(), action=entry.action.value,
            session_id=entry.session_id, chat_id=entry.chat_id, actor_id=entry.actor_id,
            operator=entry.operator, subject_id=entry.subject_id,
            detail=json.dumps(entry.detail, ensure_ascii=False, sort_keys=True)))

    async def entries(self, *, session_id: int | None = None, since: datetime | None = None,
                      person_id: int | None = None, limit: int = 1000) -> list[AuditEntry]:
        statement = select(AUDIT)
        if session_id is not None:
            statement = statement.where(AUDIT.c.session_id == session_id)
        if since is not None:
            statement = statement.where(AUDIT.c.at >= since)
        if person_id is not None:
            statement = statement.where(or_(AUDIT.c.actor_id == person_id,
                                            AUDIT.c.subject_id == person_id))
        # the newest ``limit``, given back oldest first
        newest = statement.order_by(AUDIT.c.at.desc(), AUDIT.c.id.desc()).limit(limit)
        return list(reversed(await self._all(newest, to_entry)))
