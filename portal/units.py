"""`/staff/units`: the directory of responsible units, as the bot's /units: every unit with its
level, aliases, liaisons and open items; the unit names of minutes that no unit answers to
yet, mapped to a unit here once; a new unit; and a one-time invite link that makes whoever
opens it in Telegram the unit's liaison. Staff only, by the use cases the bot calls
(facilitation/tracking_units.py, tracking_invites.py, tracking_desk.units_overview)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiohttp import web

from facilitation.errors import DomainError, InvalidInput
from facilitation.tracking_access import LiveRoles
from facilitation.tracking_desk import units_overview
from facilitation.tracking_input import guess_level, parse_level
from facilitation.tracking_invites import create_invite, invite_start
from facilitation.tracking_units import add_unit, map_unit_name
from facilitation.units import UnitLevel
from portal import room
from portal.login import Visit, posted, visit

ROLES = LiveRoles()


async def _page(request: web.Request, seen: Visit, *, error: DomainError | None = None,
                fields: dict[str, str] | None = None, invite: dict[str, str] | None = None
                ) -> web.Response:
    try:
        found = await units_overview(room.deps(request).uow(), actor=seen.actor, roles=ROLES)
    except DomainError as failed:
        return room.error_page(request, failed, "/staff")
    return room.render("staff_units.html", request, {
        "found": found, "levels": list(UnitLevel), "csrf": seen.csrf,
        "done": request.query.get("done", ""), "fields": fields or {}, "invite": invite,
        "error": room.error_text(request, error) if error is not None else None},
        status=room.status_of(error) if error is not None else 200)


async def page(request: web.Request) -> web.Response:
    return await _page(request, await visit(request))


def _tz(request: web.Request) -> ZoneInfo:
    return ZoneInfo(room.room(request).timezone)


async def add(request: web.Request) -> web.StreamResponse:
    fields, seen = await posted(request)
    options = room.room(request).follow_up
    try:
        name = fields.get("name", "").strip()
        said = fields.get("level", "")
        level = parse_level(said) if said else guess_level(name)
        if level is None:
            raise InvalidInput("unit_level_unknown", name=name[:40])
        aliases = [a.strip() for a in fields.get("aliases", "").replace("、", ",")
                   .replace("，", ",").split(",") if a.strip()]
        done = await add_unit(room.deps(request).uow(), name=name, level=level, aliases=aliases,
                              actor=seen.actor, roles=ROLES, now=room.deps(request).clock(),
                              lead_days=options.lead_days, remind_at=options.remind_at,
                              tz=_tz(request))
    except DomainError as error:
        return await _page(request, seen, error=error, fields=fields)
    if done.items:
        room.room(request).on_item_change()  # items that waited for this unit now have it
    raise web.HTTPSeeOther("/staff/units?done=add")


async def map_name(request: web.Request) -> web.StreamResponse:
    fields, seen = await posted(request)
    options = room.room(request).follow_up
    try:
        done = await map_unit_name(
            room.deps(request).uow(), written=fields.get("written", ""),
            unit=fields.get("unit", ""), actor=seen.actor, roles=ROLES,
            now=room.deps(request).clock(), lead_days=options.lead_days,
            remind_at=options.remind_at, tz=_tz(request))
    except DomainError as error:
        return await _page(request, seen, error=error, fields=fields)
    if done.items:
        room.room(request).on_item_change()
    raise web.HTTPSeeOther("/staff/units?done=map")


async def invite(request: web.Request) -> web.Response:
    """A one-time link for a liaison, shown once on the page (it is not kept anywhere)."""
    fields, seen = await posted(request)
    try:
        made = await create_invite(room.deps(request).uow(), unit=fields.get("unit", ""),
                                   actor=seen.actor, roles=ROLES,
                                   now=room.deps(request).clock())
    except DomainError as error:
        return await _page(request, seen, error=error, fields=fields)
    bot = room.room(request).bot_username
    link = (f"https://t.me/{bot}?start={invite_start(made.invite.code)}" if bot
            else f"/start {invite_start(made.invite.code)}")
    return await _page(request, seen, invite={
        "unit": made.unit.name, "link": link,
        "expires": made.invite.expires_at.astimezone(_tz(request)).strftime("%Y-%m-%d %H:%M")})


def routes(app: web.Application) -> None:
    app.router.add_get("/staff/units", page, name="staff-units")
    app.router.add_post("/staff/units/add", add, name="staff-units-add")
    app.router.add_post("/staff/units/map", map_name, name="staff-units-map")
    app.router.add_post("/staff/units/invite", invite, name="staff-units-invite")
