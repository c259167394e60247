"""`/staff`: the sessions the logged-in person may see (their halls; an admin's, every hall's),
newest first, filtered by hall, state and period (query parameters); `/staff/s/<id>`: one
session's attendance, transcript, marks and the turns still 待核对; `/staff/items`: the
followed-up items of one's halls, the open ones or one state's, overdue first (the bot's
/track: the same query and access rule)."""

from __future__ import annotations

from urllib.parse import quote
from zoneinfo import ZoneInfo

from aiohttp import web

from facilitation import access
from facilitation.access import Place
from facilitation.documents import hall_template
from facilitation.errors import DomainError
from facilitation.minutes import may_edit_minutes
from facilitation.model import ParticipantKind, SessionStatus
from facilitation.recordings import session_recordings
from facilitation.staff_desk import DeskQuery, desk_session, desk_sessions, turn_audio
from facilitation.tracking import ItemStatus
from facilitation.tracking_access import LiveRoles
from facilitation.tracking_desk import TrackScope, track_page
from facilitation.tracking_figures import Period, parse_period
from portal import room
from portal.figures import period_words
from portal.login import visit
from portal.recordings import shown_recordings
from transcripts.minutes.drafts import readable_minutes
from transcripts.minutes.files import render_files, stem, to_json_bytes


def _period(said: str) -> Period | None:
    """A year, a quarter or a month as the figures read it (2026, 2026Q4, 2026-12)."""
    try:
        return parse_period(said) if said.strip() else None
    except DomainError:
        return None


def _query(request: web.Request) -> DeskQuery:
    """Unknown values are ignored (no filter), never an error page."""
    hall, status = request.query.get("hall", ""), request.query.get("state", "")
    return DeskQuery(room.number(hall, signed=True, digits=19),
                     SessionStatus(status) if status in set(SessionStatus) else None,
                     _period(request.query.get("period", "")[:20]))


async def sessions_page(request: web.Request) -> web.Response:
    seen = await visit(request)
    query, tz = _query(request), ZoneInfo(room.room(request).timezone)
    desk = await desk_sessions(room.deps(request).uow(), seen.standing, query, tz=tz)
    return room.render("staff.html", request, {
        "desk": desk, "query": query, "csrf": seen.csrf, "states": list(SessionStatus),
        "admin": seen.standing.is_admin, "tz": tz,
        "period": period_words(request, query.period) if query.period else None})


async def session_page(request: web.Request) -> web.Response:
    seen = await visit(request)
    said = room.path_number(request, "session")
    try:
        found = await desk_session(room.deps(request).uow(), seen.standing, said)
    except DomainError as error:
        return room.error_page(request, error, "/staff")
    record = found.record
    kinds = {a.person_id: a.kind for a in record.attendance}
    editor = await may_edit_minutes(room.deps(request).uow(), session_id=said,
                                    actor=seen.actor)
    uploads = await session_recordings(room.deps(request).uow(), seen.standing, said)
    return room.render("staff_session.html", request, {
        "found": found, "record": record, "session": record.session, "csrf": seen.csrf,
        "kinds": kinds, "moderator_kind": ParticipantKind.MODERATOR, "editor": editor,
        "recordings": shown_recordings(request, uploads),
        # 0: no audio folder, so no uploads (the route answers 404)
        "upload_max_bytes": room.room(request).upload_max_bytes
        if room.room(request).audio_dir is not None else 0,
        "closed": record.session.status == SessionStatus.CLOSED,
        "tz": ZoneInfo(room.room(request).timezone)})


FORMATS = {"docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    "docx"),
           "md": ("text/markdown; charset=utf-8", "md"),
           "json": ("application/json; charset=utf-8", "json")}


async def minutes_file(request: web.Request) -> web.StreamResponse:
    """/staff/s/<id>/minutes.<docx|md|json>[?public=1]: the files the bot sends, by the same
    rule (``readable_minutes``): approved minutes to whoever may read them, the public version
    once approved, a draft to its editors."""
    seen = await visit(request)
    said, fmt = room.path_number(request, "session"), request.match_info["fmt"]
    if fmt not in FORMATS:
        raise room.not_found(request)
    shown = room.deps(request)
    try:
        found = await readable_minutes(
            shown.uow(), session_id=said, actor=seen.actor, place=Place(None),
            public=request.query.get("public") == "1",
            tz=ZoneInfo(room.room(request).timezone))
    except DomainError as error:
        return room.error_page(request, error, f"/staff/s/{said}")
    if fmt == "json":
        body, name = to_json_bytes(found.minutes), stem(found.minutes)
    else:
        template = await hall_template(shown.uow(), session_id=found.session.id or 0)
        files = await render_files(found.minutes, template, shown.clock())
        body, name = (files.docx if fmt == "docx" else files.markdown), files.stem
    content_type, extension = FORMATS[fmt]
    filename = f"{name}.{extension}"
    return web.Response(body=body, headers={
        "Content-Type": content_type, "Cache-Control": "no-store",
        "Content-Disposition": f"attachment; filename=\"minutes.{extension}\"; "
                               f"filename*=UTF-8''{quote(filename)}"})


SEARCH_MAX = 60  # characters of a query


async def search_page(request: web.Request) -> web.Response:
    """/staff/search?q=…: what was said, in the sessions the person may read, by the bot's
    /search (``access.search``: the same index, rule and ranking)."""
    seen = await visit(request)
    query = " ".join(request.query.get("q", "").split())[:SEARCH_MAX]
    hits = await access.search(room.deps(request).uow(), seen.actor, Place(None), query) \
        if query else []
    return room.render("staff_search.html", request, {
        "query": query, "hits": hits, "tz": ZoneInfo(room.room(request).timezone)})


ITEMS_PAGE = 50  # items on one page of the web list (the bot's /track shows 8)


async def items_page(request: web.Request) -> web.Response:
    seen = await visit(request, liaisons=True)  # a unit's liaison: their units' items
    query = request.query
    state = query.get("state", "")  # an unknown state is ignored: the open items
    scope = TrackScope(overdue=query.get("overdue") == "1",
                       unit=room.number(query.get("unit", ""), digits=11),
                       status=ItemStatus(state) if state in set(ItemStatus) else None)
    tz = ZoneInfo(room.room(request).timezone)
    try:
        page = await track_page(room.deps(request).uow(), actor=seen.actor, roles=LiveRoles(),
                                scope=scope,
                                page=room.number(query.get("page", ""), digits=11) or 1,
                                page_size=ITEMS_PAGE, now=room.deps(request).clock(), tz=tz)
    except DomainError as error:
        return room.error_page(request, error, "/staff/items")
    return room.render("staff_items.html", request, {"page": page, "csrf": seen.csrf,
                                                     "states": list(ItemStatus),
                                                     "staff": seen.standing.has_role})


async def turn_audio_file(request: web.Request) -> web.StreamResponse:
    """/staff/s/<id>/audio/<seq>: a voice turn's kept audio, to whoever sees the session (the
    page's player; seeking works by ranges)."""
    seen = await visit(request)
    said = room.path_number(request, "session")
    seq = room.path_number(request, "seq", digits=6)
    folder = room.room(request).audio_dir
    if folder is None:
        raise room.not_found(request)
    try:
        found = await turn_audio(room.deps(request).uow(), seen.standing, said, seq)
    except DomainError:
        raise room.not_found(request) from None
    path = (folder / found.path).resolve()
    if not path.is_relative_to(folder.resolve()) or not path.is_file():
        raise room.not_found(request)  # deleted after its retention, or never kept here
    return web.FileResponse(path, headers={
        "Content-Type": found.mime_type or "audio/ogg", "Cache-Control": "private, max-age=3600"})


def routes(app: web.Application) -> None:
    app.router.add_get("/staff/s/{session}/audio/{seq}", turn_audio_file, name="staff-audio")
    app.router.add_get(r"/staff/s/{session}/minutes.{fmt}", minutes_file, name="staff-minutes")
    app.router.add_get("/staff/items", items_page, name="staff-items")
    app.router.add_get("/staff", sessions_page, name="staff")
    app.router.add_get("/staff/search", search_page, name="staff-search")
    app.router.add_get("/staff/s/{session}", session_page, name="staff-session")
