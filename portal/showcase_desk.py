"""`/staff/showcase`: what the public showcase shows, kept from the workbench: which halls are
shown (the office: an admin), the pages of 工作制度 (an admin), and for the halls one edits as
staff their 协商计划, the people who agreed to be listed, and the moderators' photos (hide or
show). The use cases (facilitation/showcase.py) check the role again and log each change."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from zoneinfo import ZoneInfo

from aiohttp import web

from facilitation import documents, showcase
from facilitation.errors import DomainError, InvalidInput
from facilitation.services import Actor
from facilitation.showcase_views import showcase_desk
from portal import room
from portal.login import Visit, posted, visit

PAGE = "/staff/showcase"
LONGER = {"body": showcase.BODY_MAX + 1}


async def _page(request: web.Request, seen: Visit, *, error: DomainError | None = None,
                fields: dict[str, str] | None = None) -> web.Response:
    uow = room.deps(request).uow
    try:
        names = {h.chat_id: h.name for h in
                 await documents.editable_halls(uow(), actor=seen.actor)}
        desk = await showcase_desk(uow(), seen.actor, names=names)
    except DomainError as failed:
        return room.error_page(request, failed, "/staff")
    return room.render("staff_showcase.html", request, {
        "desk": desk, "names": names, "csrf": seen.csrf, "fields": fields or {},
        "done": request.query.get("done", ""), "tz": ZoneInfo(room.room(request).timezone),
        "error": room.error_text(request, error) if error is not None else None},
        status=room.status_of(error) if error is not None else 200)


async def page(request: web.Request) -> web.Response:
    return await _page(request, await visit(request))


Change = Callable[[Actor, dict[str, str]], Awaitable[object]]


async def _change(request: web.Request, done: str, change: Change) -> web.StreamResponse:
    """A form of this page: its use case, then back to the page (or the page with the error
    and what was typed)."""
    fields, seen = await posted(request, longer=LONGER)
    try:
        await change(seen.actor, fields)
    except DomainError as error:
        return await _page(request, seen, error=error, fields=fields)
    raise web.HTTPSeeOther(f"{PAGE}?done={done}")


def _hall(fields: dict[str, str]) -> int:
    chat_id = room.number(fields.get("hall", ""), signed=True, digits=15)
    if chat_id is None:
        raise InvalidInput("showcase_pick_hall")
    return chat_id


def _day(said: str) -> date:
    try:
        return date.fromisoformat(said.strip())
    except ValueError:
        raise InvalidInput("showcase_bad_date") from None


async def listing(request: web.Request) -> web.StreamResponse:
    deps = room.deps(request)
    chat_id = room.path_number(request, "hall", signed=True, digits=15)
    return await _change(request, "listing", lambda actor, f: showcase.set_hall_listing(
        deps.uow(), actor, chat_id=chat_id, listed=f.get("listed") == "yes",
        name=f.get("public_name", ""), intro=f.get("intro", ""), now=deps.clock()))


async def save_page(request: web.Request) -> web.StreamResponse:
    deps = room.deps(request)
    return await _change(request, "page", lambda actor, f: showcase.save_page(
        deps.uow(), actor, slug=f.get("slug", "").strip(), title=f.get("title", ""),
        body=f.get("body", ""), position=room.number(f.get("position", ""), digits=3) or 0,
        now=deps.clock()))


async def drop_page(request: web.Request) -> web.StreamResponse:
    deps = room.deps(request)
    slug = request.match_info["slug"][:40]
    return await _change(request, "page_dropped", lambda actor, f: showcase.drop_page(
        deps.uow(), actor, slug=slug, now=deps.clock()))


async def add_plan(request: web.Request) -> web.StreamResponse:
    deps = room.deps(request)
    return await _change(request, "plan", lambda actor, f: showcase.add_plan(
        deps.uow(), actor, chat_id=_hall(f), topic=f.get("topic", ""),
        planned_on=_day(f.get("planned_on", "")), note=f.get("note", ""), now=deps.clock()))


async def drop_plan(request: web.Request) -> web.StreamResponse:
    deps = room.deps(request)
    plan_id = room.path_number(request, "plan")
    return await _change(request, "plan_dropped", lambda actor, f: showcase.drop_plan(
        deps.uow(), actor, plan_id=plan_id, now=deps.clock()))


async def add_member(request: web.Request) -> web.StreamResponse:
    deps = room.deps(request)
    return await _change(request, "member", lambda actor, f: showcase.list_member(
        deps.uow(), actor, chat_id=_hall(f), name=f.get("name", ""),
        title=f.get("member_title", ""), agreed=f.get("agreed") == "yes", now=deps.clock()))


async def drop_member(request: web.Request) -> web.StreamResponse:
    deps = room.deps(request)
    member_id = room.path_number(request, "member")
    return await _change(request, "member_dropped", lambda actor, f: showcase.unlist_member(
        deps.uow(), actor, member_id=member_id, now=deps.clock()))


async def show_photo(request: web.Request) -> web.StreamResponse:
    deps = room.deps(request)
    photo_id = room.path_number(request, "photo")
    return await _change(request, "photo", lambda actor, f: showcase.show_photo(
        deps.uow(), actor, photo_id=photo_id, shown=f.get("shown") == "yes", now=deps.clock()))


async def staff_photo(request: web.Request) -> web.StreamResponse:
    """A photo for the hall's staff and viewers (hidden ones too), on this page."""
    seen = await visit(request)
    folder = room.room(request).photo_dir
    said = room.path_number(request, "photo")
    try:
        found = await showcase.photo_of_hall(room.deps(request).uow.reading(), seen.actor,
                                             photo_id=said)
    except DomainError:
        raise room.not_found(request) from None
    path = (folder / found.path).resolve() if folder is not None else None
    if path is None or folder is None or not path.is_relative_to(folder.resolve()) \
            or not path.is_file():
        raise room.not_found(request)
    return web.FileResponse(path, headers={"Content-Type": "image/jpeg",
                                           "Cache-Control": "private, max-age=3600"})


def routes(app: web.Application) -> None:
    app.router.add_get(PAGE, page, name="staff-showcase")
    app.router.add_post(PAGE + "/halls/{hall}", listing, name="staff-showcase-listing")
    app.router.add_post(PAGE + "/pages", save_page, name="staff-showcase-page")
    app.router.add_post(PAGE + "/pages/{slug}/drop", drop_page, name="staff-showcase-page-drop")
    app.router.add_post(PAGE + "/plans", add_plan, name="staff-showcase-plan")
    app.router.add_post(PAGE + "/plans/{plan}/drop", drop_plan, name="staff-showcase-plan-drop")
    app.router.add_post(PAGE + "/members", add_member, name="staff-showcase-member")
    app.router.add_post(PAGE + "/members/{member}/drop", drop_member,
                        name="staff-showcase-member-drop")
    app.router.add_post(PAGE + "/photos/{photo}", show_photo, name="staff-showcase-photo")
    app.router.add_get(PAGE + "/photos/{photo}", staff_photo, name="staff-showcase-photo-file")
