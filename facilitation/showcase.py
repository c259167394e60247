"""The public showcase (综合集成展示平台, issue 13): what an office publishes, and who may change
it. A hall is shown only once the office (an admin) opts it in; the office writes the pages of
its 工作制度; a hall's staff keep its 协商计划 (planned topics and dates), list the people who
agreed to be named under its 组织架构, and hide a photo a moderator sent. Every change is in
the audit log. What the public sees is read by facilitation/showcase_views.py.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from facilitation.audit import AuditAction, audit_entry
from facilitation.errors import InvalidInput, NotFound, PermissionDenied
from facilitation.model import clean_text
from facilitation.ports import UnitOfWork
from facilitation.roles import Standing
from facilitation.services import Actor, may_run, person_for, standing_of_actor
from facilitation.showcase_model import (
    HallListing,
    ListedMember,
    PlannedConsultation,
    SessionPhoto,
    ShowcasePage,
)
from facilitation.tracking_services import MAX_ROW_ID

SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
TITLE_MAX, TOPIC_MAX, NAME_MAX, MEMBER_TITLE_MAX, HALL_NAME_MAX = 80, 120, 40, 60, 60
BODY_MAX, NOTE_MAX, INTRO_MAX, CAPTION_MAX = 20_000, 500, 300, 200


def _text(value: str, limit: int, field: str, *, required: bool = True) -> str:
    """Bounded text (``empty_field``/``too_long`` name the field); a page's body keeps its
    lines (it is Markdown), any other text is one line."""
    if field != "body":
        return clean_text(value, limit=limit, field_name=field, required=required) or ""
    said = value.replace("\r\n", "\n").strip()
    if required and not said:
        raise InvalidInput("empty_field", field=field)
    if len(said) > limit:
        raise InvalidInput("too_long", field=field, limit=limit, length=len(said))
    return said


async def _standing(uow: UnitOfWork, actor: Actor) -> Standing:
    standing = await standing_of_actor(uow, actor)
    if not standing.has_role:
        raise PermissionDenied("not_staff")
    return standing


async def _admin(uow: UnitOfWork, actor: Actor) -> Standing:
    standing = await _standing(uow, actor)
    if not standing.is_admin:
        raise PermissionDenied("showcase_admin_only")
    return standing


async def _editor_of(uow: UnitOfWork, actor: Actor, chat_id: int) -> Standing:
    standing = await _standing(uow, actor)
    if not standing.may_edit(chat_id):
        raise PermissionDenied("not_staff")
    return standing


async def _log(uow: UnitOfWork, actor: Actor, what: str, *, chat_id: int | None = None,
               now: datetime, **detail: Any) -> None:
    person = await person_for(uow, actor)
    await uow.audit.add(audit_entry(AuditAction.SHOWCASE, person, chat_id=chat_id, at=now,
                                    what=what, **detail))


async def set_hall_listing(uow: UnitOfWork, actor: Actor, *, chat_id: int, listed: bool,
                           name: str, intro: str, now: datetime) -> HallListing:
    """The office opts a hall in (or out) of the showcase, under the public name it gives it
    (needed to list it); an admin only."""
    public_name = _text(name, HALL_NAME_MAX, "showcase_name", required=listed) or None
    intro_said = _text(intro, INTRO_MAX, "intro", required=False) or None
    async with uow:
        await _admin(uow, actor)
        listing = HallListing(chat_id, listed, public_name, intro_said)
        await uow.showcase.set_listing(listing)
        await _log(uow, actor, "listing", chat_id=chat_id, now=now, listed=listed)
        await uow.commit()
    return listing


async def save_page(uow: UnitOfWork, actor: Actor, *, slug: str, title: str, body: str,
                    position: int, now: datetime) -> ShowcasePage:
    """Write (or rewrite) a page of 工作制度; an admin only."""
    if not SLUG.fullmatch(slug):
        raise InvalidInput("showcase_bad_slug")
    page = ShowcasePage(slug, _text(title, TITLE_MAX, "title"), _text(body, BODY_MAX, "body"),
                        max(0, min(position, 999)), now)
    async with uow:
        await _admin(uow, actor)
        await uow.showcase.save_page(page)
        await _log(uow, actor, "page", now=now, slug=slug)
        await uow.commit()
    return page


async def drop_page(uow: UnitOfWork, actor: Actor, *, slug: str, now: datetime) -> None:
    async with uow:
        await _admin(uow, actor)
        if not await uow.showcase.drop_page(slug):
            raise NotFound("showcase_no_page")
        await _log(uow, actor, "page_dropped", now=now, slug=slug)
        await uow.commit()


async def add_plan(uow: UnitOfWork, actor: Actor, *, chat_id: int, topic: str, planned_on: date,
                   note: str, now: datetime) -> PlannedConsultation:
    """A consultation the hall plans; its staff only."""
    plan = PlannedConsultation(chat_id, _text(topic, TOPIC_MAX, "topic"), planned_on, now,
                               _text(note, NOTE_MAX, "plan_note", required=False) or None)
    async with uow:
        await _editor_of(uow, actor, chat_id)
        plan = await uow.showcase.add_plan(plan)
        await _log(uow, actor, "plan", chat_id=chat_id, now=now, plan=plan.id)
        await uow.commit()
    return plan


async def drop_plan(uow: UnitOfWork, actor: Actor, *, plan_id: int, now: datetime) -> None:
    async with uow:
        standing = await _standing(uow, actor)
        plan = await uow.showcase.plan(plan_id) if 0 < plan_id <= MAX_ROW_ID else None
        if plan is None or not standing.may_edit(plan.chat_id):
            raise NotFound("showcase_no_plan")  # another hall's: as if none (a guess tells nothing)
        await uow.showcase.drop_plan(plan_id)
        await _log(uow, actor, "plan_dropped", chat_id=plan.chat_id, now=now, plan=plan_id)
        await uow.commit()


async def list_member(uow: UnitOfWork, actor: Actor, *, chat_id: int, name: str, title: str,
                      agreed: bool, now: datetime) -> ListedMember:
    """Name someone under the hall's 组织架构: only with their agreement, which staff record
    (the entry says when); the hall's staff only. Forgetting a person later removes every
    entry of their name (a namesake's too: the office lists them again if so)."""
    if not agreed:
        raise InvalidInput("showcase_needs_consent")
    member = ListedMember(chat_id, _text(name, NAME_MAX, "name"),
                          _text(title, MEMBER_TITLE_MAX, "member_title"), now)
    async with uow:
        await _editor_of(uow, actor, chat_id)
        member = await uow.showcase.add_member(member)
        await _log(uow, actor, "member", chat_id=chat_id, now=now, member=member.id)
        await uow.commit()
    return member


async def unlist_member(uow: UnitOfWork, actor: Actor, *, member_id: int,
                        now: datetime) -> None:
    async with uow:
        standing = await _standing(uow, actor)
        member = await uow.showcase.member(member_id) if 0 < member_id <= MAX_ROW_ID else None
        if member is None or not standing.may_edit(member.chat_id):
            raise NotFound("showcase_no_member")
        await uow.showcase.drop_member(member_id)
        await _log(uow, actor, "member_dropped", chat_id=member.chat_id, now=now,
                   member=member_id)
        await uow.commit()


async def show_photo(uow: UnitOfWork, actor: Actor, *, photo_id: int, shown: bool,
                     now: datetime) -> None:
    """Approve a photo for the showcase (or hide it again); the hall's staff only."""
    async with uow:
        standing = await _standing(uow, actor)
        photo = await uow.showcase.photo(photo_id) if 0 < photo_id <= MAX_ROW_ID else None
        session = await uow.sessions.get(photo.session_id) if photo is not None else None
        if photo is None or session is None or not standing.may_edit(session.chat_id):
            raise NotFound("showcase_no_photo")
        await uow.showcase.set_photo_shown(photo_id, shown)
        await _log(uow, actor, "photo", chat_id=session.chat_id, now=now, photo=photo_id,
                   shown=shown)
        await uow.commit()


async def photo_session(uow: UnitOfWork, actor: Actor, *, chat_id: int) -> int | None:
    """The open session of the chat whose photos the actor's photo joins (议事堂风采): only
    the moderator's or the hall's staff's, decided now; None: not kept (anyone else's photo,
    or no session open)."""
    async with uow:
        session = await uow.sessions.open_in_chat(chat_id, for_update=False)
        person = (await uow.people.by_telegram_id(actor.user_id)
                  if actor.has_private_chat else None)
        if session is None or session.id is None or person is None:
            return None
        return session.id if await may_run(uow, actor, session, person) else None


async def keep_photo(uow: UnitOfWork, photo: SessionPhoto) -> SessionPhoto:
    """Record a photo whose file is kept (a second delivery of one message keeps the first)."""
    caption = (photo.caption or "").strip()[:CAPTION_MAX] or None
    async with uow:
        kept = await uow.showcase.add_photo(  # hidden until the hall's staff approve it
            SessionPhoto(photo.session_id, photo.message_id, photo.path, photo.width,
                         photo.height, photo.sent_at, caption, shown=False))
        await uow.commit()
    return kept


async def photo_of_hall(uow: UnitOfWork, actor: Actor, *, photo_id: int) -> SessionPhoto:
    """A photo (hidden or not) for those who see its hall; any other is not found."""
    async with uow:
        photo = await uow.showcase.photo(photo_id) if 0 < photo_id <= MAX_ROW_ID else None
        session = await uow.sessions.get(photo.session_id) if photo is not None else None
        if photo is None or session is None \
                or not (await standing_of_actor(uow, actor)).may_see(session.chat_id):
            raise NotFound("showcase_no_photo")
        return photo
