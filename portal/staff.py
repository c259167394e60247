"""`/staff`: the sessions the logged-in person may see (their halls; an admin's, every hall's),
newest first, filtered by hall and state (query parameters); `/staff/s/<id>`: one session's
attendance, transcript, marks and the turns still 待核对; `/staff/items`: the followed-up
items of one's halls, overdue first (the bot's /track: the same query and access rule)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiohttp import web

from facilitation.errors import DomainError
from facilitation.model import ParticipantKind, SessionStatus
from facilitation.staff_desk import DeskQuery, desk_session, desk_sessions
from facilitation.tracking_access import LiveRoles
from facilitation.tracking_desk import TrackScope, track_page
from portal import room
from portal.login import visit


def _query(request: web.Request) -> DeskQuery:
    """Unknown values are ignored (no filter), never an error page."""
    hall, status = request.query.get("hall", ""), request.query.get("state", "")
    return DeskQuery(int(hall) if hall.lstrip("-").isdigit() and len(hall) < 20 else None,
                     SessionStatus(status) if status in set(SessionStatus) else None)


async def sessions_page(request: web.Request) -> web.Response:
    seen = await visit(request)
    query = _query(request)
    desk = await desk_sessions(room.deps(request).uow(), seen.standing, query)
    return room.render("staff.html", request, {
        "desk": desk, "query": query, "csrf": seen.csrf, "states": list(SessionStatus),
        "admin": seen.standing.is_admin, "tz": ZoneInfo(room.room(request).timezone)})


async def session_page(request: web.Request) -> web.Response:
    seen = await visit(request)
    said = request.match_info["session"]
    if not said.isdigit() or len(said) > 12:
        raise room.not_found(request)
    try:
        found = await desk_session(room.deps(request).uow(), seen.standing, int(said))
    except DomainError as error:
        return room.render("error.html", request, {"message": room.error_text(request, error),
                                                   "back": "/staff"},
                           status=room.status_of(error))
    record = found.record
    kinds = {a.person_id: a.kind for a in record.attendance}
    return room.render("staff_session.html", request, {
        "found": found, "record": record, "session": record.session, "csrf": seen.csrf,
        "kinds": kinds, "moderator_kind": ParticipantKind.MODERATOR,
        "tz": ZoneInfo(room.room(request).timezone)})


ITEMS_PAGE = 50  # items on one page of the web list (the bot's /track shows 8)


def _number(said: str) -> int | None:
    return int(said) if said.isdigit() and len(said) < 12 else None


async def items_page(request: web.Request) -> web.Response:
    seen = await visit(request)
    query = request.query
    scope = TrackScope(overdue=query.get("overdue") == "1", unit=_number(query.get("unit", "")))
    tz = ZoneInfo(room.room(request).timezone)
    try:
        page = await track_page(room.deps(request).uow(), actor=seen.actor, roles=LiveRoles(),
                                scope=scope, page=_number(query.get("page", "")) or 1,
                                page_size=ITEMS_PAGE, now=room.deps(request).clock(), tz=tz)
    except DomainError as error:
        return room.render("error.html", request, {"message": room.error_text(request, error),
                                                   "back": "/staff/items"},
                           status=room.status_of(error))
    return room.render("staff_items.html", request, {"page": page, "csrf": seen.csrf})


def routes(app: web.Application) -> None:
    app.router.add_get("/staff/items", items_page, name="staff-items")
    app.router.add_get("/staff", sessions_page, name="staff")
    app.router.add_get("/staff/s/{session}", session_page, name="staff-session")
