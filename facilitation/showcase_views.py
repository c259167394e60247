"""What the public showcase shows (issue 13), read in one place: only halls the office opted in,
only closed sessions, only photos not hidden, only people who agreed to be listed. The public
minutes themselves are read by transcripts/minutes/showcase.py (they need the public version's
rules); the staff's side of the showcase is ``showcase_desk`` here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from facilitation.errors import NotFound, PermissionDenied
from facilitation.ports import UnitOfWork
from facilitation.services import Actor, standing_of_actor
from facilitation.showcase_model import (
    HallListing,
    ListedMember,
    PlannedConsultation,
    PublicHall,
    PublicSession,
    SessionPhoto,
    ShowcasePage,
)
from facilitation.tracking_services import MAX_ROW_ID

HOME_SESSIONS, HOME_PHOTOS, HOME_PLANS = 6, 8, 6
PAGE_SIZE = 20
SITEMAP = 5000  # published sessions listed for search engines
DESK_PHOTOS = 60


@dataclass(frozen=True)
class Home:
    halls: tuple[PublicHall, ...]
    plans: tuple[PlannedConsultation, ...]  # the next ones, from today
    results: tuple[PublicSession, ...]  # the latest with approved minutes
    photos: tuple[SessionPhoto, ...]
    settled: int  # items settled in the listed halls


async def home(uow: UnitOfWork, *, today: date) -> Home:
    async with uow:
        halls = tuple(await uow.showcase.public_halls())
        return Home(halls,
                    tuple(await uow.showcase.public_plans(since=today, limit=HOME_PLANS)),
                    tuple(await uow.showcase.public_sessions(approved_only=True,
                                                             limit=HOME_SESSIONS, offset=0)),
                    tuple(await uow.showcase.public_photos(limit=HOME_PHOTOS)),
                    await uow.showcase.public_settled())


@dataclass(frozen=True)
class Organisation:
    halls: tuple[PublicHall, ...]
    members: dict[int, tuple[ListedMember, ...]]  # by hall


async def organisation(uow: UnitOfWork) -> Organisation:
    async with uow:
        halls = tuple(await uow.showcase.public_halls())
        members = await uow.showcase.members({h.chat_id for h in halls})
    by_hall: dict[int, list[ListedMember]] = {}
    for m in members:
        by_hall.setdefault(m.chat_id, []).append(m)
    return Organisation(halls, {k: tuple(v) for k, v in by_hall.items()})


async def pages(uow: UnitOfWork) -> list[ShowcasePage]:
    async with uow:
        return await uow.showcase.pages()


async def page(uow: UnitOfWork, slug: str) -> ShowcasePage:
    async with uow:
        found = await uow.showcase.page(slug)
    if found is None:
        raise NotFound("showcase_no_page")
    return found


@dataclass(frozen=True)
class Plan:
    year: int
    plans: tuple[PlannedConsultation, ...]
    halls: dict[int, str]  # names of the listed halls


async def plan(uow: UnitOfWork, *, year: int) -> Plan:
    async with uow:
        halls = {h.chat_id: h.name for h in await uow.showcase.public_halls()}
        plans = await uow.showcase.public_plans(since=date(year, 1, 1),
                                                until=date(year, 12, 31), limit=500)
    return Plan(year, tuple(plans), halls)


@dataclass(frozen=True)
class Gallery:
    sessions: tuple[PublicSession, ...]
    photos: dict[int, tuple[SessionPhoto, ...]]  # by session
    page: int
    more: bool


async def gallery(uow: UnitOfWork, *, page: int, approved_only: bool = False) -> Gallery:
    """Past sessions of the listed halls, newest first, with their photos (议事堂风采); with
    ``approved_only``, those whose minutes are published (成果展示)."""
    offset = (max(page, 1) - 1) * PAGE_SIZE
    async with uow:
        found = await uow.showcase.public_sessions(approved_only=approved_only,
                                                   limit=PAGE_SIZE + 1, offset=offset)
        shown = found[:PAGE_SIZE]
        photos = await uow.showcase.photos_of([s.id for s in shown], shown_only=True)
    by_session: dict[int, list[SessionPhoto]] = {}
    for p in photos:
        by_session.setdefault(p.session_id, []).append(p)
    return Gallery(tuple(shown), {k: tuple(v) for k, v in by_session.items()}, max(page, 1),
                   len(found) > PAGE_SIZE)


async def public_session(uow: UnitOfWork, session_id: int) -> PublicSession:
    """A closed session of a listed hall; any other is not found (a guess tells nothing)."""
    async with uow:
        found = (await uow.showcase.public_session(session_id)
                 if 0 < session_id <= MAX_ROW_ID else None)
    if found is None:
        raise NotFound("no_session")
    return found


async def published_ids(uow: UnitOfWork, *, limit: int = SITEMAP) -> list[int]:
    """The sessions whose public minutes the showcase shows, newest first (a sitemap)."""
    async with uow:
        return await uow.showcase.public_session_ids(limit=limit)


async def public_photo(uow: UnitOfWork, photo_id: int) -> SessionPhoto:
    """A photo shown on the showcase: not hidden, of a closed session of a listed hall."""
    async with uow:
        photo = await uow.showcase.photo(photo_id) if 0 < photo_id <= MAX_ROW_ID else None
        session = (await uow.showcase.public_session(photo.session_id)
                   if photo is not None and photo.shown else None)
    if photo is None or session is None:
        raise NotFound("showcase_no_photo")
    return photo


@dataclass(frozen=True)
class DeskHall:
    chat_id: int
    name: str
    listing: HallListing


@dataclass(frozen=True)
class ShowcaseDesk:
    """The staff's side: the halls one edits, with what they publish."""

    admin: bool
    halls: tuple[DeskHall, ...]
    pages: tuple[ShowcasePage, ...]
    plans: tuple[PlannedConsultation, ...]
    members: tuple[ListedMember, ...]
    photos: tuple[SessionPhoto, ...]
    session_halls: dict[int, int]  # a photo's session -> its hall


async def showcase_desk(uow: UnitOfWork, actor: Actor, *,
                        names: dict[int, str]) -> ShowcaseDesk:
    """``names``: the halls the person edits (documents.editable_halls), by chat id."""
    async with uow:
        standing = await standing_of_actor(uow, actor)
        if not standing.has_role or (standing.halls_edited() is not None
                                     and not standing.halls_edited()):
            raise PermissionDenied("not_staff")
        halls = tuple([DeskHall(chat_id, name, await uow.showcase.listing(chat_id))
                       for chat_id, name in names.items() if standing.may_edit(chat_id)])
        chats = {h.chat_id for h in halls}
        photos, session_halls = await uow.showcase.recent_photos(chats, limit=DESK_PHOTOS)
        return ShowcaseDesk(
            standing.is_admin, halls, tuple(await uow.showcase.pages()),
            tuple(await uow.showcase.plans_of(chats)),
            tuple(await uow.showcase.members(chats)), tuple(photos), session_halls)
