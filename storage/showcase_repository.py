"""The public showcase's records (facilitation.ports.ShowcaseRepository). The ``public_*``
reads join the halls and keep only those opted in, and only closed sessions: the one place
that says what the public may see of the record."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    CursorResult,
    Select,
    delete,
    exists,
    func,
    or_,
    select,
    update,
)

from facilitation.model import ParticipantKind, SessionStatus
from facilitation.showcase_model import (
    HallListing,
    ListedMember,
    PlannedConsultation,
    PublicHall,
    PublicSession,
    SessionPhoto,
    ShowcasePage,
)
from facilitation.tracking import SETTLED
from storage.repositories import ATTENDANCE, PEOPLE, SESSIONS, RowRepository, table_of
from storage.rows import (
    ConsultationPlanRow,
    ContributionRow,
    HallRow,
    ListedMemberRow,
    MinutesVersionRow,
    SessionPhotoRow,
    ShowcasePageRow,
    TrackedItemRow,
)

HALLS = table_of(HallRow)
PAGES = table_of(ShowcasePageRow)
PLANS = table_of(ConsultationPlanRow)
MEMBERS = table_of(ListedMemberRow)
PHOTOS = table_of(SessionPhotoRow)
VERSIONS = table_of(MinutesVersionRow)
ITEMS = table_of(TrackedItemRow)
TURNS = table_of(ContributionRow)

_CLOSED = SESSIONS.c.status == SessionStatus.CLOSED.value
_APPROVED = exists().where(VERSIONS.c.session_id == SESSIONS.c.id)
_LISTED = select(HALLS.c.chat_id).where(HALLS.c.showcase)
_PUBLIC = (SESSIONS.c.chat_id.in_(_LISTED), _CLOSED)
_HELD_AT = func.coalesce(SESSIONS.c.started_at, SESSIONS.c.created_at)
# settled now (a settled item withdrawn later keeps its settled_at)
_SETTLED = ITEMS.c.status.in_([s.value for s in SETTLED])
# who is shown by a label in the public minutes (transcripts/minutes/names.PRIVATE)
_PRIVATE_KINDS = (ParticipantKind.RESIDENT.value, ParticipantKind.OTHER.value)


def _page(row: Any) -> ShowcasePage:
    return ShowcasePage(row.slug, row.title, row.body, row.position, row.updated_at, row.id)


def _plan(row: Any) -> PlannedConsultation:
    return PlannedConsultation(row.chat_id, row.topic, row.planned_on, row.created_at, row.note,
                               row.id)


def _member(row: Any) -> ListedMember:
    return ListedMember(row.chat_id, row.name, row.title, row.agreed_at, row.person_id, row.id)


def _photo(row: Any) -> SessionPhoto:
    return SessionPhoto(row.session_id, row.message_id, row.path, row.width, row.height,
                        row.sent_at, row.caption, row.shown, row.id)


def _public_session(row: Any) -> PublicSession:
    return PublicSession(row.id, row.chat_id, row.hall or "", row.topic, row.held_at,
                         bool(row.approved), int(row.settled or 0))


def _sessions(*where: ColumnElement[bool]) -> Select[Any]:
    """Closed sessions of listed halls, each with its hall's public name (never the group's
    title)."""
    settled = (select(func.count()).select_from(ITEMS)
               .where(ITEMS.c.session_id == SESSIONS.c.id, _SETTLED).scalar_subquery())
    return (select(SESSIONS.c.id, SESSIONS.c.chat_id, HALLS.c.showcase_name.label("hall"),
                   SESSIONS.c.topic, _HELD_AT.label("held_at"), _APPROVED.label("approved"),
                   settled.label("settled"))
            .join(HALLS, HALLS.c.chat_id == SESSIONS.c.chat_id)
            .where(HALLS.c.showcase, _CLOSED, *where))


class SqlAlchemyShowcaseRepository(RowRepository):
    # ------------------------------------------------------------------ halls
    async def listing(self, chat_id: int) -> HallListing:
        row = (await self._session.execute(
            select(HALLS.c.showcase, HALLS.c.showcase_name, HALLS.c.showcase_intro)
            .where(HALLS.c.chat_id == chat_id))).first()
        return HallListing(chat_id, bool(row.showcase), row.showcase_name,
                           row.showcase_intro) if row else HallListing(chat_id, False)

    async def set_listing(self, listing: HallListing) -> None:
        values = {"showcase": listing.listed, "showcase_name": listing.name,
                  "showcase_intro": listing.intro}
        updated = await self._session.execute(
            HALLS.update().where(HALLS.c.chat_id == listing.chat_id).values(**values))
        if cast(CursorResult[Any], updated).rowcount == 0:
            await self._session.execute(
                HALLS.insert().values(chat_id=listing.chat_id, glossary="", **values))

    async def public_halls(self) -> list[PublicHall]:
        mine = SESSIONS.c.chat_id == HALLS.c.chat_id
        held = select(func.count()).where(mine, _CLOSED).scalar_subquery()
        published = select(func.count()).where(mine, _CLOSED, _APPROVED).scalar_subquery()
        rows = await self._session.execute(
            select(HALLS.c.chat_id, HALLS.c.showcase_name, HALLS.c.showcase_intro,
                   held.label("held"), published.label("published"))
            .where(HALLS.c.showcase))
        halls = [PublicHall(r.chat_id, r.showcase_name or "", r.showcase_intro,
                            int(r.held or 0), int(r.published or 0)) for r in rows]
        return sorted(halls, key=lambda h: (h.name, h.chat_id))

    async def move(self, old_chat_id: int, new_chat_id: int) -> None:
        for table in (PLANS, MEMBERS):
            await self._session.execute(update(table).where(table.c.chat_id == old_chat_id)
                                        .values(chat_id=new_chat_id))

    # ------------------------------------------------------------------ the public reads
    async def public_sessions(self, *, approved_only: bool, limit: int,
                              offset: int) -> list[PublicSession]:
        query = _sessions(_APPROVED) if approved_only else _sessions()
        return await self._all(query.order_by(_HELD_AT.desc(), SESSIONS.c.id.desc())
                               .limit(limit).offset(offset), _public_session)

    async def public_session(self, session_id: int) -> PublicSession | None:
        return await self._one(_sessions(SESSIONS.c.id == session_id), _public_session)

    async def public_session_ids(self, *, limit: int) -> list[int]:
        query = (select(SESSIONS.c.id).join(HALLS, HALLS.c.chat_id == SESSIONS.c.chat_id)
                 .where(HALLS.c.showcase, _CLOSED, _APPROVED)
                 .order_by(SESSIONS.c.id.desc()).limit(limit))
        return list((await self._session.scalars(query)).all())

    async def private_names(self, session_ids: Collection[int]) -> dict[int, set[str]]:
        """The names the public minutes would label: residents' and others' (as signed in,
        and their people's), and speakers who never signed in."""
        ids = list(session_ids)
        found: dict[int, set[str]] = {i: set() for i in ids}
        signed = await self._session.execute(
            select(ATTENDANCE.c.session_id, ATTENDANCE.c.name, PEOPLE.c.display_name)
            .join(PEOPLE, PEOPLE.c.id == ATTENDANCE.c.person_id)
            .where(ATTENDANCE.c.session_id.in_(ids), ATTENDANCE.c.kind.in_(_PRIVATE_KINDS)))
        for person in signed:
            found[person.session_id] |= {person.name, person.display_name}
        public = (select(ATTENDANCE.c.id).where(
            ATTENDANCE.c.session_id == TURNS.c.session_id,
            ATTENDANCE.c.person_id == TURNS.c.person_id,
            ATTENDANCE.c.kind.not_in(_PRIVATE_KINDS)).exists())
        unsigned = await self._session.execute(
            select(TURNS.c.session_id, TURNS.c.speaker_name).distinct()
            .where(TURNS.c.session_id.in_(ids), ~public))
        for speaker in unsigned:
            found[speaker.session_id].add(speaker.speaker_name)
        return found

    async def public_plans(self, *, since: date, limit: int,
                           until: date | None = None) -> list[PlannedConsultation]:
        query = select(PLANS).where(PLANS.c.chat_id.in_(_LISTED), PLANS.c.planned_on >= since)
        if until is not None:
            query = query.where(PLANS.c.planned_on <= until)
        return await self._all(query.order_by(PLANS.c.planned_on, PLANS.c.id).limit(limit),
                               _plan)

    async def public_photos(self, *, limit: int) -> list[SessionPhoto]:
        query = (select(PHOTOS).join(SESSIONS, SESSIONS.c.id == PHOTOS.c.session_id)
                 .where(PHOTOS.c.shown, *_PUBLIC)
                 .order_by(PHOTOS.c.sent_at.desc(), PHOTOS.c.id.desc()).limit(limit))
        return await self._all(query, _photo)

    async def public_settled(self) -> int:
        return await self._count(
            select(func.count()).select_from(ITEMS.join(SESSIONS,
                                                         SESSIONS.c.id == ITEMS.c.session_id))
            .where(_SETTLED, *_PUBLIC))

    # ------------------------------------------------------------------ 工作制度
    async def pages(self) -> list[ShowcasePage]:
        return await self._all(select(PAGES).order_by(PAGES.c.position, PAGES.c.slug), _page)

    async def page(self, slug: str) -> ShowcasePage | None:
        return await self._one(select(PAGES).where(PAGES.c.slug == slug), _page)

    async def save_page(self, page: ShowcasePage) -> None:
        values = {"title": page.title, "body": page.body, "position": page.position,
                  "updated_at": page.updated_at}
        updated = await self._session.execute(
            PAGES.update().where(PAGES.c.slug == page.slug).values(**values))
        if cast(CursorResult[Any], updated).rowcount == 0:
            await self._session.execute(PAGES.insert().values(slug=page.slug, **values))

    async def drop_page(self, slug: str) -> bool:
        done = await self._session.execute(delete(PAGES).where(PAGES.c.slug == slug))
        return cast(CursorResult[Any], done).rowcount > 0

    # ------------------------------------------------------------------ 协商计划
    async def plan(self, plan_id: int) -> PlannedConsultation | None:
        return await self._by_id(PLANS, plan_id, _plan)

    async def plans_of(self, chat_ids: Collection[int]) -> list[PlannedConsultation]:
        return await self._all(select(PLANS).where(PLANS.c.chat_id.in_(list(chat_ids)))
                               .order_by(PLANS.c.planned_on, PLANS.c.id), _plan)

    async def add_plan(self, plan: PlannedConsultation) -> PlannedConsultation:
        new_id = await self._insert(PLANS, {
            "chat_id": plan.chat_id, "topic": plan.topic, "planned_on": plan.planned_on,
            "note": plan.note, "created_at": plan.created_at})
        return PlannedConsultation(plan.chat_id, plan.topic, plan.planned_on, plan.created_at,
                                   plan.note, new_id)

    async def drop_plan(self, plan_id: int) -> None:
        await self._session.execute(delete(PLANS).where(PLANS.c.id == plan_id))

    # ------------------------------------------------------------------ 组织架构
    async def member(self, member_id: int) -> ListedMember | None:
        return await self._by_id(MEMBERS, member_id, _member)

    async def members(self, chat_ids: Collection[int]) -> list[ListedMember]:
        return await self._all(select(MEMBERS).where(MEMBERS.c.chat_id.in_(list(chat_ids)))
                               .order_by(MEMBERS.c.chat_id, MEMBERS.c.id), _member)

    async def add_member(self, member: ListedMember) -> ListedMember:
        new_id = await self._insert(MEMBERS, {
            "chat_id": member.chat_id, "person_id": member.person_id, "name": member.name,
            "title": member.title, "agreed_at": member.agreed_at})
        return ListedMember(member.chat_id, member.name, member.title, member.agreed_at,
                            member.person_id, new_id)

    async def drop_member(self, member_id: int) -> None:
        await self._session.execute(delete(MEMBERS).where(MEMBERS.c.id == member_id))

    async def unlist(self, person_id: int, names: Collection[str]) -> int:
        done = await self._session.execute(delete(MEMBERS).where(
            or_(MEMBERS.c.person_id == person_id, MEMBERS.c.name.in_(list(names)))))
        return cast(CursorResult[Any], done).rowcount

    # ------------------------------------------------------------------ 议事堂风采
    async def photo(self, photo_id: int) -> SessionPhoto | None:
        return await self._by_id(PHOTOS, photo_id, _photo)

    async def photos_of(self, session_ids: Collection[int], *,
                        shown_only: bool) -> list[SessionPhoto]:
        query = select(PHOTOS).where(PHOTOS.c.session_id.in_(list(session_ids)))
        if shown_only:
            query = query.where(PHOTOS.c.shown)
        return await self._all(query.order_by(PHOTOS.c.sent_at, PHOTOS.c.id), _photo)

    async def recent_photos(self, chat_ids: Collection[int], *,
                            limit: int) -> tuple[list[SessionPhoto], dict[int, int]]:
        rows = list(await self._session.execute(
            select(PHOTOS, SESSIONS.c.chat_id.label("hall_chat"))
            .join(SESSIONS, SESSIONS.c.id == PHOTOS.c.session_id)
            .where(SESSIONS.c.chat_id.in_(list(chat_ids)))
            .order_by(PHOTOS.c.sent_at.desc(), PHOTOS.c.id.desc()).limit(limit)))
        return [_photo(r) for r in rows], {r.session_id: r.hall_chat for r in rows}

    async def add_photo(self, photo: SessionPhoto) -> SessionPhoto:
        found = await self._one(select(PHOTOS).where(
            PHOTOS.c.session_id == photo.session_id, PHOTOS.c.message_id == photo.message_id),
            _photo)
        if found is not None:
            return found
        new_id = await self._insert(PHOTOS, {
            "session_id": photo.session_id, "message_id": photo.message_id,
            "path": photo.path, "caption": photo.caption, "width": photo.width,
            "height": photo.height, "sent_at": photo.sent_at, "shown": photo.shown})
        return SessionPhoto(photo.session_id, photo.message_id, photo.path, photo.width,
                            photo.height, photo.sent_at, photo.caption, photo.shown, new_id)

    async def set_caption(self, photo_id: int, caption: str | None) -> None:
        await self._session.execute(update(PHOTOS).where(PHOTOS.c.id == photo_id)
                                    .values(caption=caption))

    async def set_photo_shown(self, photo_id: int, shown: bool) -> None:
        await self._session.execute(update(PHOTOS).where(PHOTOS.c.id == photo_id)
                                    .values(shown=shown))
