"""The web's side of the record (facilitation.ports.WebRoomRepository): participants' token
hashes on their person, the moderator's console links, and the room's notices the bot owes."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Row, Select, and_, bindparam, func, insert, select, update

from facilitation.model import HandStatus, Person
from facilitation.ports import ConsoleLink, RoomNotice, WebRoomRead
from storage import mapping
from storage.change_feed import NOTIFY_COLUMN, announced
from storage.repositories import (
    ATTENDANCE,
    HANDS,
    SESSIONS,
    RowRepository,
    _labelled,
    _participant,
    _prefixed,
    table_of,
)
from storage.rows import ConsoleLinkRow, PersonRow, RoomNoticeRow, TurnRow

PEOPLE = table_of(PersonRow)
LINKS = table_of(ConsoleLinkRow)
NOTICES = table_of(RoomNoticeRow)
TURNS = table_of(TurnRow)
_PENDING = HandStatus.PENDING.value
_WAITING = HANDS.alias("waiting")


def _by_code(*, full: bool) -> Select[Any]:
    """The session of ``:code`` and the person of ``:token_hash`` (never NULL's: a NULL
    hash equals nothing), their attendance and pending hand there; ``full``: also the turn
    in progress (at most one, by a partial unique index) and the count of pending hands."""
    columns = [*_labelled(SESSIONS, "s_"), *_labelled(PEOPLE, "p_"),
               *_labelled(ATTENDANCE, "a_"), *_labelled(HANDS, "h_")]
    joined = (
        SESSIONS.outerjoin(PEOPLE, PEOPLE.c.web_token_hash == bindparam("token_hash"))
        .outerjoin(ATTENDANCE, and_(ATTENDANCE.c.person_id == PEOPLE.c.id,
                                    ATTENDANCE.c.session_id == SESSIONS.c.id))
        .outerjoin(HANDS, and_(HANDS.c.person_id == PEOPLE.c.id,
                               HANDS.c.session_id == SESSIONS.c.id, HANDS.c.status == _PENDING))
    )
    if full:
        waiting = (select(func.count()).select_from(_WAITING)
                   .where(_WAITING.c.session_id == SESSIONS.c.id,
                          _WAITING.c.status == _PENDING).scalar_subquery())
        columns += [*_labelled(TURNS, "t_"), waiting.label("waiting")]
        joined = joined.outerjoin(TURNS, and_(TURNS.c.session_id == SESSIONS.c.id,
                                              TURNS.c.ended_at.is_(None)))
    return select(*columns).select_from(joined).where(SESSIONS.c.code == bindparam("code"))


_BY_CODE, _BY_CODE_FULL = _by_code(full=False), _by_code(full=True)
# PostgreSQL's row locks on the session, the weakest that keep each write right:
# - a phone's write with a cookie (hand, lower, written, signing in again) takes FOR NO KEY
#   UPDATE: phones' writes still go one at a time (a hand takes the session's next seq), and
#   every change by the moderator or the bot (FOR UPDATE, sessions.lock/open_in_chat) still
#   waits for them and they for it;
# - a newcomer's sign-in adds rows of its own only: FOR KEY SHARE (what its foreign key takes
#   anyway). It waits for the moderator's and the bot's changes (closing, web sign-in closed:
#   FOR UPDATE) but no longer for the phones' hands: FOR SHARE conflicted with their lock, and
#   in a sign-in burst newcomers and hands queued behind each other on the one row.
# (each sends the commit's NOTIFY too, in the same trip: NOTIFY_COLUMN)
_BY_CODE_LOCKED = _BY_CODE.add_columns(NOTIFY_COLUMN).with_for_update(of=SESSIONS)
_BY_CODE_SHARED = (_BY_CODE.add_columns(NOTIFY_COLUMN)
                   .with_for_update(of=SESSIONS, read=True, key_share=True))
_LOCK = (select(SESSIONS.c.id, NOTIFY_COLUMN).where(SESSIONS.c.code == bindparam("code"))
         .with_for_update(key_share=True))


def _notice(r: Row[Any]) -> RoomNotice:
    return RoomNotice(r.session_id, r.chat_id, r.key, json.loads(r.params), r.created_at, r.id)


class SqlAlchemyWebRoomRepository(RowRepository):
    async def person_by_token(self, token_hash: str) -> Person | None:
        return await self._one(select(PEOPLE).where(PEOPLE.c.web_token_hash == token_hash),
                               mapping.to_person)

    async def set_token(self, person_id: int, token_hash: str | None) -> None:
        await self._session.execute(update(PEOPLE).where(PEOPLE.c.id == person_id)
                                    .values(web_token_hash=token_hash))

    async def add_person(self, person: Person, token_hash: str) -> Person:
        person.id = await self._insert(
            PEOPLE, {**mapping.person_values(person), "web_token_hash": token_hash})
        return person

    async def by_code(self, code: str, token_hash: str | None, *, for_update: bool = False,
                      shared: bool = False, full: bool = False) -> WebRoomRead | None:
        statement = _BY_CODE_FULL if full else _BY_CODE
        if for_update and self._postgres and token_hash is not None:
            # the lock first: one statement would read the person's rows as they were when
            # it began, before a writer it waited for (the same phone's other tab) committed
            await self._session.execute(_LOCK, {"code": code})
            announced(self._session)  # (the commit's NOTIFY went with the lock)
        elif for_update and self._postgres:  # nobody's rows to read: the locked row is fresh
            statement = _BY_CODE_SHARED if shared else _BY_CODE_LOCKED
        row = (await self._session.execute(statement, {
            "code": code, "token_hash": token_hash})).first()
        if statement is _BY_CODE_SHARED or statement is _BY_CODE_LOCKED:
            announced(self._session)
        if row is None:
            return None
        fields = row._fields
        session = _prefixed(row, "s_", fields)
        assert session is not None
        turn = _prefixed(row, "t_", fields) if full else None
        return WebRoomRead(mapping.to_session(session), _participant(row, fields),
                           mapping.to_turn(turn) if turn is not None else None,
                           int(row.waiting) if full else 0)

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
