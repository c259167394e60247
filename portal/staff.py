"""`/staff`: the sessions the logged-in person may see (their halls; an admin's, every hall's),
newest first, filtered by hall and state (query parameters)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiohttp import web

from facilitation.model import SessionStatus
from facilitation.staff_desk import DeskQuery, desk_sessions
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


def routes(app: web.Application) -> None:
    app.router.add_get("/staff", sessions_page, name="staff")
