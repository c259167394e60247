"""The web's side of the record (facilitation.ports.WebRoomRepository): participants' token
hashes on their person, the moderator's console links, and the room's notices the bot owes."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Row, insert, select, update

from facilitation.model import Person
from facilitation.ports import ConsoleLink, RoomNotice
from storage import mapping
from storage.repositories import RowRepository, table_of
from storage.rows import ConsoleLinkRow, PersonRow, RoomNoticeRow

PEOPLE = table_of(PersonRow)
LINKS = table_of(ConsoleLinkRow)
NOTICES = table_of(RoomNoticeRow)


def _notice(r: Row[Any]) -> RoomNotice:
    return RoomNotice(r.session_id, r.chat_id, r.key, json.loads(r.params), r.created_at, r.id)


class SqlAlchemyWebRoomRepository(RowRepository):
    async def person_by_token(self, token_hash: str) -> Person | None:
        return await self._one(select(PEOPLE).where(PEOPLE.c.web_token_hash == token_hash),
                               mapping.to_person)

    async def set_token(self, person_id: int, token_hash: str | None) -> None:
        await self._session.execute(update(PEOPLE).where(PEOPLE.c.id == person_id)
                                    .values(web_token_hash=token_hash))

    async def add_console_link(self, token_hash: str, link: ConsoleLink) -> None:
        await self._session.execute(insert(LINKS).values(
            token_hash=token_hash, session_id=link.session_id, person_id=link.person_id,
            created_at=link.created_at))

    async def console_link(self, token_hash: str) -> ConsoleLink | None:
        return await self._one(
            select(LINKS).where(LINKS.c.token_hash == token_hash),
            lambda r: ConsoleLink(r.session_id, r.person_id, r.created_at))

    async def add_notice(self, notice: RoomNotice) -> None:
        await self._session.execute(insert(NOTICES).values(
            session_id=notice.session_id, chat_id=notice.chat_id, key=notice.key,
            params=json.dumps(notice.params, ensure_ascii=False),
            created_at=notice.created_at))

    async def unnotified(self, limit: int = 100) -> list[RoomNotice]:
        return await self._all(select(NOTICES).where(NOTICES.c.notified_at.is_(None))
                               .order_by(NOTICES.c.id).limit(limit), _notice)

    async def mark_notified(self, notice_id: int, now: datetime) -> bool:
        result = await self._session.execute(
            update(NOTICES).where(NOTICES.c.id == notice_id, NOTICES.c.notified_at.is_(None))
            .values(notified_at=now))
        return cast(CursorResult[Any], result).rowcount == 1
