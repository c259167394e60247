"""The phone page, `/j/<session code>`: what the room's QR code opens, for people without
Telegram. Sign in, raise or lower a hand, see one's place and time, send a written
submission: each a use case of facilitation/ (web_room.py, floor.py), as the bot's commands."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from facilitation import floor, web_room
from facilitation.errors import DomainError
from facilitation.web_room import WEB_HANDS, WEB_KINDS, PhoneView
from portal import room

EVENT = "phone"


def _code(request: web.Request) -> str:
    return request.match_info["code"]


def _telegram(request: web.Request) -> str | None:
    username = room.room(request).bot_username
    return f"https://t.me/{username}?start={_code(request).upper()}" if username else None


async def _view(request: web.Request) -> PhoneView:
    try:
        return await web_room.phone_view(room.deps(request).uow.reading(),
                                         code=_code(request), token=room.token_of(request))
    except DomainError:
        raise room.not_found(request) from None


def _context(request: web.Request, view: PhoneView, **extra: Any) -> dict[str, Any]:
    return {"view": view, "code": _code(request).upper(), "kinds": WEB_KINDS, "hands": WEB_HANDS,
            "telegram": _telegram(request), "now": room.deps(request).clock().isoformat(),
            "events": f"/j/{_code(request)}/events", **extra}


async def page(request: web.Request) -> web.Response:
    view = await _view(request)
    note = request.query.get("note", "")
    sent = note.removeprefix("sent-") if note.startswith("sent-") else None
    return room.render("phone.html", request, _context(
        request, view, sent=sent if sent and sent.isdigit() else None))


async def _again(request: web.Request, error: DomainError | None = None,
                 note: str | None = None, fields: dict[str, str] | None = None
                 ) -> web.StreamResponse:
    """The page again: after a write, by a redirect (reloading does not post twice); after
    an error, at once, with what was typed."""
    if error is None:
        location = f"/j/{_code(request)}" + (f"?note={note}" if note else "")
        raise web.HTTPSeeOther(location)
    view = await _view(request)
    return room.render("phone.html", request, _context(
        request, view, error=room.error_text(request, error), fields=fields or {}),
        status=room.status_of(error))


async def sign_in(request: web.Request) -> web.StreamResponse:
    token = room.token_of(request)
    room.check_write(request, token, newcomer=token is None)
    fields = await room.form(request)
    try:
        joined = await web_room.join_on_web(
            room.deps(request).uow(), code=_code(request), token=token,
            name=fields.get("name", ""), kind=web_room.parse_kind(fields.get("kind", "")),
            unit=fields.get("unit"), remote=fields.get("where") == "remote",
            notice_accepted=fields.get("notice") == "yes", now=room.deps(request).clock())
    except DomainError as error:
        return await _again(request, error, fields=fields)
    response = web.HTTPSeeOther(f"/j/{_code(request)}")
    if joined.token is not None:
        room.remember(response, request, joined.token)
    raise response


async def hand(request: web.Request) -> web.StreamResponse:
    token = room.token_of(request)
    room.check_write(request, token)
    fields = await room.form(request)
    shown = room.deps(request)
    try:
        await floor.raise_hand_on_web(shown.uow(), code=_code(request), token=token,
                                      kind=web_room.parse_hand(fields.get("kind", "")),
                                      addressee=fields.get("addressee") or None,
                                      now=shown.clock())
    except DomainError as error:
        return await _again(request, error, fields=fields)
    return await _again(request)


async def lower(request: web.Request) -> web.StreamResponse:
    token = room.token_of(request)
    room.check_write(request, token)
    try:
        await floor.lower_hand_on_web(room.deps(request).uow(), code=_code(request),
                                      token=token)
    except DomainError as error:
        return await _again(request, error)
    return await _again(request)


async def written(request: web.Request) -> web.StreamResponse:
    token = room.token_of(request)
    room.check_write(request, token)
    fields = await room.form(request)
    shown = room.deps(request)
    try:
        seq = await web_room.submit_on_web(shown.uow(), code=_code(request), token=token,
                                           text=fields.get("text", ""), now=shown.clock())
    except DomainError as error:
        return await _again(request, error, fields=fields)
    room.room(request).on_room_notice()
    return await _again(request, note=f"sent-{seq}")


async def events(request: web.Request) -> web.StreamResponse:
    # keyed by the person, not the cookie: made-up cookies all share the anonymous page
    person = await web_room.web_person_id(room.deps(request).uow.reading(),
                                          room.token_of(request))
    key = (EVENT, _code(request).upper(), person)
    return await room.stream(request, EVENT, key, lambda: _view(request),
                             lambda view: room.fragment("phone_live.html", request,
                                                        _context(request, view)))


def routes(app: web.Application) -> None:
    app.router.add_get("/j/{code}", page, name="phone")
    app.router.add_post("/j/{code}/signin", sign_in, name="phone-signin")
    app.router.add_post("/j/{code}/hand", hand, name="phone-hand")
    app.router.add_post("/j/{code}/lower", lower, name="phone-lower")
    app.router.add_post("/j/{code}/written", written, name="phone-written")
    app.router.add_get("/j/{code}/events", events, name="phone-events")
