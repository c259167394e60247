"""The office's admin pages (admin only, checked by the use cases at every request):
`/staff/admin/roles`, who holds which role in which hall, granting and taking back roles
(facilitation/roles.py, as `yishitang roles` does; each change in the audit log); and
`/staff/admin/audit`, the audit log of the last days, newest first (``read_audit``); and
`/staff/admin/people`, a person's stored data and forgetting them (facilitation/people.py)."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from aiohttp import web

from facilitation.errors import DomainError, InvalidInput
from facilitation.model import Person
from facilitation.people import Forgotten, PersonRef, footprint, forget_person, read_audit
from facilitation.ports import Footprint
from facilitation.roles import Role, grant_role, revoke_role, roles_page
from facilitation.services import person_for
from facilitation.web_logins import invite_without_telegram
from portal import room
from portal.login import Visit, posted, visit

AUDIT_DAYS = 30
AUDIT_SHOWN = 500


async def _granter(request: web.Request, seen: Visit) -> Person:
    async with room.deps(request).uow() as uow:
        return await person_for(uow, seen.actor)


async def _roles(request: web.Request, seen: Visit, *, error: DomainError | None = None,
                 fields: dict[str, str] | None = None,
                 invited: dict[str, str] | None = None) -> web.Response:
    try:
        found = await roles_page(room.deps(request).uow(), by=await _granter(request, seen),
                                 bootstrap_ids=room.room(request).staff_user_ids)
    except DomainError as failed:
        return room.error_page(request, failed, "/staff")
    halls = dict(found.halls)
    return room.render("staff_roles.html", request, {
        "page": found, "halls": halls, "roles": list(Role), "csrf": seen.csrf,
        "done": request.query.get("done", ""), "fields": fields or {}, "invited": invited,
        "error": room.error_text(request, error) if error is not None else None,
        "tz": ZoneInfo(room.room(request).timezone)},
        status=room.status_of(error) if error is not None else 200)


async def roles(request: web.Request) -> web.Response:
    return await _roles(request, await visit(request))


def _role(said: str) -> Role:
    try:
        return Role(said)
    except ValueError:
        raise InvalidInput("role_unknown") from None


async def change(request: web.Request) -> web.StreamResponse:
    """POST /staff/admin/roles/{grant|revoke}: role, hall ("" = every hall), and the person
    as "#id" (ours) or a Telegram user id."""
    action = request.match_info["action"]
    if action not in ("grant", "revoke"):
        raise room.not_found(request)
    fields, seen = await posted(request)
    shown = room.deps(request)
    try:
        role = _role(fields.get("role", ""))
        said_hall = fields.get("hall", "").strip()
        hall = room.number(said_hall, signed=True, digits=15) if said_hall else None
        if said_hall and hall is None:
            raise InvalidInput("role_hall_unknown")
        who = fields.get("person", "").strip()
        person_id = room.number(who[1:], digits=15) if who.startswith("#") else None
        telegram_id = None if who.startswith("#") else room.number(who, digits=15)
        if person_id is None and telegram_id is None:
            raise InvalidInput("role_person_unreadable")
        by = await _granter(request, seen)
        if action == "grant":
            await grant_role(shown.uow(), by=by, role=role, hall_chat_id=hall, now=shown.clock(),
                             person_id=person_id, telegram_user_id=telegram_id,
                             bootstrap_ids=room.room(request).staff_user_ids)
        else:
            await revoke_role(shown.uow(), by=by, role=role, hall_chat_id=hall,
                              now=shown.clock(), person_id=person_id,
                              telegram_user_id=telegram_id,
                              bootstrap_ids=room.room(request).staff_user_ids)
    except DomainError as error:
        return await _roles(request, seen, error=error, fields=fields)
    raise web.HTTPSeeOther(f"/staff/admin/roles?done={action}")


async def invite(request: web.Request) -> web.Response:
    """An invitation for someone without Telegram: a person with a role, and a one-time link
    (shown once here) on which they set a login name and a password."""
    fields, seen = await posted(request)
    try:
        said_hall = fields.get("hall", "").strip()
        hall = room.number(said_hall, signed=True, digits=15) if said_hall else None
        if said_hall and hall is None:
            raise InvalidInput("role_hall_unknown")
        token = await invite_without_telegram(
            room.deps(request).uow(), by=seen.actor, name=fields.get("name", ""),
            role=_role(fields.get("role", "")), hall_chat_id=hall,
            now=room.deps(request).clock(), bootstrap_ids=room.room(request).staff_user_ids)
    except DomainError as error:
        return await _roles(request, seen, error=error, fields=fields)
    return await _roles(request, seen, invited={
        "name": fields.get("name", "").strip(),
        "link": f"{room.base_url(request)}/invite/{token}"})


async def audit(request: web.Request) -> web.Response:
    seen = await visit(request)
    shown = room.deps(request)
    try:
        lines = await read_audit(shown.uow(), by=seen.actor,
                                 since=shown.clock() - timedelta(days=AUDIT_DAYS), limit=5000)
    except DomainError as error:
        return room.error_page(request, error, "/staff")
    return room.render("staff_audit.html", request, {
        "lines": list(reversed(lines))[:AUDIT_SHOWN], "days": AUDIT_DAYS,
        "tz": ZoneInfo(room.room(request).timezone)})


def routes(app: web.Application) -> None:
    app.router.add_get("/staff/admin/roles", roles, name="admin-roles")
    app.router.add_post("/staff/admin/invite", invite, name="admin-invite")
    app.router.add_post("/staff/admin/roles/{action}", change, name="admin-roles-change")
    app.router.add_get("/staff/admin/audit", audit, name="admin-audit")
    app.router.add_get("/staff/admin/people", people_page, name="admin-people")
    app.router.add_post("/staff/admin/people/forget", forget, name="admin-forget")


async def _people(request: web.Request, seen: Visit, *, error: DomainError | None = None,
                  done: Forgotten | None = None) -> web.Response:
    said = request.query.get("who", "").strip()
    ref = PersonRef.said(said)
    found: Footprint | None = None
    if ref is not None and error is None and done is None:
        try:
            found = await footprint(room.deps(request).uow(), ref=ref, by=seen.actor)
        except DomainError as failed:
            error = failed
    return room.render("staff_people.html", request, {
        "who": said, "found": found, "done": done, "csrf": seen.csrf,
        "audio": sum(j.audio_path is not None for j in found.audio_jobs) if found else 0,
        "error": room.error_text(request, error) if error is not None else None},
        status=room.status_of(error) if error is not None else 200)


async def people_page(request: web.Request) -> web.Response:
    """/staff/admin/people?who=…: a person by #id, Telegram id or name, what is stored about
    them, and forgetting them (admin only, as the bot's /forget)."""
    return await _people(request, await visit(request))


async def forget(request: web.Request) -> web.Response:
    fields, seen = await posted(request)
    audio = room.room(request).audio_files
    try:
        ref = PersonRef.said(fields.get("who", ""))
        if ref is None or ref.person_id is None:
            raise InvalidInput("forget_web_usage")
        if fields.get("confirm") != "yes" or audio is None:
            raise InvalidInput("forget_confirm_needed")
        done = await forget_person(room.deps(request).uow(), ref=ref, by=seen.actor,
                                   now=room.deps(request).clock(), audio=audio)
    except DomainError as error:
        return await _people(request, seen, error=error)
    room.room(request).on_item_change()  # renamed items: nothing owed, but cheap to look
    return await _people(request, seen, done=done)
