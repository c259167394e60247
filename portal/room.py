"""What the room's pages share: the words, errors as pages, the participant's cookie, the
write limits, and the live stream of a page's fragment."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Awaitable, Callable, Hashable, Mapping
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
from aiohttp import web
from aiohttp_sse import sse_response
from markupsafe import Markup, escape

from facilitation import web_room
from facilitation.errors import DomainError, InvalidInput, NotFound, PermissionDenied, describe
from portal.deps import DEPS, RoomDeps, WebDeps
from portal.limits import WebLimits
from portal.live import SharedFrames, live
from portal.notifier import T

COOKIE = "yst_web"
# the browser forgets the token when the server stops taking it (facilitation/web_room.py)
COOKIE_AGE_S = int(web_room.TOKEN_AGE.total_seconds())
LIMITS = web.AppKey("limits", WebLimits)
FIELD_MAX = 4000  # characters of one form field (a written submission's limit is lower)


def deps(request: web.Request) -> WebDeps:
    return request.app[DEPS]


def room(request: web.Request) -> RoomDeps:
    return deps(request).room


def words(request: web.Request) -> Callable[..., str]:
    """``t(key, **params)`` in the web's language."""
    shown = room(request)
    return functools.partial(shown.words, shown.language)


def _loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return host in ("localhost", "::1") or host.startswith("127.")


def base_url(request: web.Request) -> str:
    """The address phones reach (the QR code's): YISHITANG_WEB_URL, unless it is this
    machine's loopback (the default), then the address this page was opened at."""
    configured = room(request).base_url.rstrip("/")
    if configured and not _loopback(configured):
        return configured
    return f"{request.scheme}://{request.host}"


def _behind_https(request: web.Request) -> bool:
    """HTTPS as the browser sees it: here, or at the reverse proxy YISHITANG_WEB_URL names."""
    return request.secure or room(request).base_url.startswith("https://")


def _same_site(request: web.Request, origin: str) -> bool:
    host = origin.split("://", 1)[-1]
    configured = urlsplit(room(request).base_url).netloc
    return host == request.host or (bool(configured) and host == configured)


def markup_words(request: web.Request) -> Callable[..., Markup]:
    """``t`` for words with markup put in: the catalogue's text escaped, then the params
    (escaped unless they are Markup themselves), as markupsafe's format does."""
    say = words(request)

    def t_markup(key: str, **params: object) -> Markup:
        return Markup(escape(say(key))).format(**params)
    return t_markup


def _globals(request: web.Request) -> dict[str, Any]:
    return {"t": words(request), "t_markup": markup_words(request), "Markup": Markup}


def render(name: str, request: web.Request, context: dict[str, Any],
           status: int = 200) -> web.Response:
    response = aiohttp_jinja2.render_template(name, request, {**_globals(request), **context})
    response.set_status(status)
    return response


def fragment(name: str, request: web.Request, context: dict[str, Any]) -> str:
    return aiohttp_jinja2.render_string(name, request, {**_globals(request), **context})


def error_page(request: web.Request, error: DomainError, back: str | None) -> web.Response:
    """A refusal as a page: what the use case said, with its status and a way back."""
    return render("error.html", request, {"message": error_text(request, error), "back": back},
                  status=status_of(error))


def number(said: str, *, signed: bool = False, digits: int = 12) -> int | None:
    """A whole number as written in an address or a form: ASCII digits (at most ``digits``
    of them), a leading minus when ``signed``; None for anything else."""
    text = said.strip()
    body = text[1:] if signed and text.startswith("-") else text
    if not (body.isascii() and body.isdigit()) or len(body) > digits:
        return None
    return int(text)


def path_number(request: web.Request, name: str, *, signed: bool = False,
                digits: int = 12) -> int:
    """The number a part of the address holds; any other value is "not found"."""
    found = number(request.match_info[name], signed=signed, digits=digits)
    if found is None:
        raise not_found(request)
    return found


def not_found(request: web.Request) -> web.HTTPNotFound:
    return web.HTTPNotFound(text=fragment("not_found.html", request, {}),
                            content_type="text/html")


def error_text(request: web.Request, error: DomainError) -> str:
    shown = room(request)
    return describe(shown.words, shown.language, error)


def status_of(error: DomainError) -> int:
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, PermissionDenied):
        return 403
    return 400 if isinstance(error, InvalidInput) else 409


def token_of(request: web.Request) -> str | None:
    """The participant's token from the cookie, None when there is none or it has expired
    (the person signs in again, as a new person)."""
    return web_room.live_token(request.cookies.get(COOKIE), deps(request).clock())


def remember(response: web.StreamResponse, request: web.Request, token: str) -> None:
    response.set_cookie(COOKIE, token, max_age=COOKIE_AGE_S, httponly=True, samesite="Lax",
                        secure=_behind_https(request), path="/j/")


def check_write(request: web.Request, person: str | None = None, *,
                newcomer: bool = False) -> None:
    """A form posted from this site (not another's page: a cross-site form carries no
    Lax cookie, and its Origin differs), within the limits."""
    origin = request.headers.get("Origin")
    # "null": some in-app browsers (and strict referrer policies) send it for any form; the
    # phone page's cookie is SameSite=Lax and the console's key is in its address anyway
    if origin not in (None, "null") and not _same_site(request, origin):
        raise web.HTTPForbidden(text=words(request)("web_cross_site"))
    address = request.remote or "?"
    if not request.app[LIMITS].allow(address, person, newcomer=newcomer):
        raise web.HTTPTooManyRequests(text=words(request)("web_too_many"),
                                      headers={"Retry-After": "5"})


async def form(request: web.Request, *,
               longer: Mapping[str, int] | None = None) -> dict[str, str]:
    """The form's text fields (bounded: ``longer`` gives some fields a higher bound); a file
    sent along is closed and ignored."""
    data = await request.post()
    fields = {}
    for key, value in data.items():
        if isinstance(value, web.FileField):
            value.file.close()  # a spooled file left open warns when collected
        elif isinstance(value, str):
            fields[key] = value[:(longer or {}).get(key, FIELD_MAX)]
    return fields


async def stream(request: web.Request, event: str, key: Hashable,
                 compute: Callable[[], Awaitable[T]],
                 render: Callable[[T], str]) -> web.StreamResponse:
    """A live fragment (portal/live.py): sent at once, then whenever what it shows changed."""
    async with live(request, key, compute, render) as fragments:
        async with sse_response(request, response_cls=SharedFrames) as response:
            with contextlib.suppress(ConnectionResetError):  # the client left mid-send
                async for html in fragments:
                    await response.send(html, event=event)
    return response
