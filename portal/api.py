"""The JSON API under /api (issue 13): the workbench's data, read-only, for the same people
by the same rules. Each handler reads its parameters as the OpenAPI document describes them
(portal/api_schema.py; anything else is 400), calls the read side the workbench page calls
(with the access rule inside), and shapes the answer (portal/api_shapes.py).

The credential is the staff's web login (its encrypted cookie, the roles read live by
``login.visit``); without it the answer is 401 in JSON, never a redirect to the login page.
A session or item one may not see is 404, as on the pages. Every refusal under /api is JSON
``{"error": code, "message": words}``, also the router's own (404, 405) and the database
being out of reach (503)."""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from aiohttp.typedefs import Handler
from multidict import CIMultiDict, CIMultiDictProxy

from facilitation.access import Place
from facilitation.errors import DomainError
from facilitation.model import SessionStatus
from facilitation.staff_desk import DeskQuery, desk_session, desk_sessions
from facilitation.tracking import ItemStatus
from facilitation.tracking_access import LiveRoles
from facilitation.tracking_desk import TrackScope, item_page, track_page
from facilitation.tracking_figures import parse_period, report_figures, this_year
from portal import api_shapes as shapes
from portal import room
from portal.api_schema import (
    FIGURES,
    ITEM_ID,
    ITEMS,
    MINUTES,
    SESSION_ID,
    SESSIONS,
    Param,
    document,
    matches,
)
from portal.login import Refusals, Visit, visit
from portal.staff import ITEMS_PAGE
from transcripts.minutes.drafts import readable_minutes
from transcripts.minutes.files import to_json_bytes

log = logging.getLogger(__name__)

PREFIX = "/api/"
_dumps = functools.partial(json.dumps, ensure_ascii=False)
_CLASSES: dict[int, type[web.HTTPException]] = {
    400: web.HTTPBadRequest, 401: web.HTTPUnauthorized, 403: web.HTTPForbidden,
    404: web.HTTPNotFound, 409: web.HTTPConflict}


def error(request: web.Request, status: int, code: str, **params: object) -> web.HTTPException:
    """A refusal as JSON: the code, and the catalogue's words for it."""
    body = _dumps({"error": code, "message": room.words(request)(code, **params)})
    return _CLASSES[status](text=body, content_type="application/json",
                           headers={"Cache-Control": "no-store"})


def refusal(request: web.Request, failed: DomainError) -> web.HTTPException:
    return error(request, room.status_of(failed), failed.code, **failed.params)


API = Refusals(lambda request: error(request, 401, "api_login_needed"),
               lambda request: error(request, 403, "staff_no_role"),
               lambda request: error(request, 403, "staff_liaison_only"))


async def _visit(request: web.Request, *, liaisons: bool = False) -> Visit:
    """As on the pages: a unit's liaison reads the items (``liaisons``) and nothing else."""
    return await visit(request, refusals=API, liaisons=liaisons)


def _ok(body: Mapping[str, Any]) -> web.Response:
    return web.json_response(body, dumps=_dumps, headers={"Cache-Control": "no-store"})


def _tz(request: web.Request) -> ZoneInfo:
    return ZoneInfo(room.room(request).timezone)


# ------------------------------------------------------------------ parameters
def _integer(said: str) -> int | None:
    body = said[1:] if said.startswith("-") else said
    return int(said) if body.isascii() and body.isdigit() and len(body) <= 19 else None


def _value(param: Param, said: str) -> object:
    """The parameter's value as its schema describes it, or None when it is not."""
    schema = param.schema
    if schema["type"] == "integer":
        number = _integer(said)
        ok = number is not None and schema["minimum"] <= number <= schema["maximum"]
        return number if ok else None
    if schema["type"] == "boolean":  # also 1 and 0, as the workbench's addresses say it
        return {"true": True, "1": True, "false": False, "0": False}.get(said)
    ok = (said in schema.get("enum", (said,))
          and schema.get("minLength", 0) <= len(said) <= schema.get("maxLength", len(said))
          and matches(param, said))
    return said if ok else None


def parameters(request: web.Request, params: tuple[Param, ...]) -> dict[str, Any]:
    """The parameters given (query or path), each as described; 400 for any that is not."""
    values: dict[str, Any] = {}
    for param in params:
        source = request.match_info if param.where == "path" else request.query
        said = source.get(param.name)
        if said is None:
            continue
        value = _value(param, said)
        if value is None:
            raise error(request, 400, "api_bad_parameter", name=param.name)
        values[param.name] = value
    return values


# ------------------------------------------------------------------ the operations
async def sessions(request: web.Request) -> web.Response:
    seen = await _visit(request)
    asked = parameters(request, SESSIONS)
    state, period = asked.get("state"), asked.get("period")
    try:  # the pattern admits only periods parse_period takes
        query = DeskQuery(asked.get("hall"), SessionStatus(state) if state is not None else None,
                          parse_period(period) if period is not None else None)
    except DomainError as failed:
        raise refusal(request, failed) from None
    desk = await desk_sessions(room.deps(request).uow(), seen.standing, query, tz=_tz(request))
    return _ok(shapes.session_list(desk, _tz(request)))


async def session(request: web.Request) -> web.Response:
    seen = await _visit(request)
    said = parameters(request, (SESSION_ID,))["session"]
    try:
        found = await desk_session(room.deps(request).uow(), seen.standing, said)
    except DomainError as failed:
        raise refusal(request, failed) from None
    return _ok(shapes.session_detail(found, _tz(request)))


async def minutes(request: web.Request) -> web.Response:
    """By the download's rule (``readable_minutes``). Whatever keeps the minutes from the
    person (no such session, not closed, not theirs, a draft, no public version yet) is the
    same 404: which it was would tell a stranger that the session exists."""
    seen = await _visit(request)
    asked = parameters(request, (SESSION_ID, *MINUTES))
    try:
        found = await readable_minutes(
            room.deps(request).uow(), session_id=asked["session"], actor=seen.actor,
            place=Place(None), public=asked.get("public", False), tz=_tz(request))
    except DomainError:
        raise error(request, 404, "api_minutes_not_found") from None
    return web.Response(body=to_json_bytes(found.minutes), content_type="application/json",
                        charset="utf-8", headers={"Cache-Control": "no-store"})


async def items(request: web.Request) -> web.Response:
    seen = await _visit(request, liaisons=True)
    asked = parameters(request, ITEMS)
    try:
        page = await track_page(
            room.deps(request).uow(), actor=seen.actor, roles=LiveRoles(),
            scope=TrackScope(overdue=asked.get("overdue", False), unit=asked.get("unit"),
                             status=ItemStatus(asked["state"]) if "state" in asked else None),
            page=asked.get("page", 1), page_size=ITEMS_PAGE,
            now=room.deps(request).clock(), tz=_tz(request))
    except DomainError as failed:
        raise refusal(request, failed) from None
    return _ok(shapes.item_list(page, ITEMS_PAGE))


async def item(request: web.Request) -> web.Response:
    seen = await _visit(request, liaisons=True)
    said = parameters(request, (ITEM_ID,))["item"]
    try:
        found = await item_page(room.deps(request).uow(), item_id=said, actor=seen.actor,
                                roles=LiveRoles())
    except DomainError as failed:
        raise refusal(request, failed) from None
    return _ok(shapes.item_detail(found, _tz(request)))


async def figures(request: web.Request) -> web.Response:
    seen = await _visit(request)
    asked = parameters(request, FIGURES)
    clock, tz = room.deps(request).clock, _tz(request)
    try:
        period = parse_period(asked["period"]) if "period" in asked else this_year(clock(), tz)
        found = await report_figures(room.deps(request).uow(), by=seen.actor, period=period,
                                     hall=asked.get("hall"), now=clock(), tz=tz)
    except DomainError as failed:
        raise refusal(request, failed) from None
    return _ok(shapes.report(found))


async def openapi(request: web.Request) -> web.Response:
    return _ok(document())


# ------------------------------------------------------------------ refusals in JSON
_CODES = {404: "not_found", 405: "api_read_only", 503: "web_busy"}


@web.middleware
async def errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Under /api, what aiohttp or another middleware refuses in text (no such address, a
    method other than GET, the database out of reach) in JSON too, its headers kept (Allow,
    Retry-After, the login cookie's end); anything unexpected is logged and a JSON 500."""
    if not request.path.startswith(PREFIX):
        return await handler(request)
    try:
        return await handler(request)
    except web.HTTPException as raised:
        if raised.status < 400 or raised.content_type == "application/json":
            raise
        return _in_json(request, raised.status, raised.headers)
    except Exception:
        log.exception("%s %s", request.method, request.path)
        return _in_json(request, 500, CIMultiDict())


def _in_json(request: web.Request, status: int,
             headers: CIMultiDictProxy[str] | CIMultiDict[str]) -> web.Response:
    code = _CODES.get(status, "internal_error" if status >= 500 else "api_bad_request")
    kept = CIMultiDict((k, v) for k, v in headers.items()
                       if k.lower() not in ("content-type", "content-length"))
    return web.Response(status=status, headers=kept, content_type="application/json",
                        text=_dumps({"error": code, "message": room.words(request)(code)}))


def routes(app: web.Application) -> None:
    app.router.add_get("/api/openapi.json", openapi, name="api-openapi")
    app.router.add_get("/api/sessions", sessions, name="api-sessions")
    app.router.add_get("/api/sessions/{session}", session, name="api-session")
    app.router.add_get("/api/sessions/{session}/minutes", minutes, name="api-minutes")
    app.router.add_get("/api/items", items, name="api-items")
    app.router.add_get("/api/items/{item}", item, name="api-item")
    app.router.add_get("/api/figures", figures, name="api-figures")
