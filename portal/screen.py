"""The room's screen: `/s/<screen code>` for the projector, and its live stream."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from functools import partial
from typing import Any

from aiohttp import web
from aiohttp_sse import sse_response
from markupsafe import Markup

from facilitation.errors import NotFound
from facilitation.screen import Screen, screen_of
from portal import room
from portal.closing import Closing, closing_of
from portal.deps import DEPS, WebDeps
from portal.live import SharedFrames, live
from portal.qr import qr_svg

EVENT = "screen"


def _deps(request: web.Request) -> WebDeps:
    return request.app[DEPS]


@dataclass(frozen=True)
class Shown:
    """The screen, and the closing when the moderator shows it."""

    screen: Screen
    closing: Closing | None

    def fingerprint(self) -> str:
        return self.screen.fingerprint() + (repr(self.closing) if self.closing else "")


async def _screen(request: web.Request) -> Shown:
    try:
        shown = await screen_of(_deps(request).uow(), request.match_info["code"])
    except NotFound:
        raise room.not_found(request) from None
    return Shown(shown, await closing_of(request.app, shown))


def _context(request: web.Request, shown: Shown) -> dict[str, Any]:
    link = f"{room.base_url(request)}/j/{shown.screen.code}"
    return {"screen": shown.screen, "closing": shown.closing, "signin_link": link,
            "qr": Markup(qr_svg(link)) if shown.screen.code else "",
            "now": _deps(request).clock().isoformat(),
            "events": f"/s/{request.match_info['code']}/events"}


async def page(request: web.Request) -> web.Response:
    return room.render("screen.html", request, _context(request, await _screen(request)))


def fragment(request: web.Request, shown: Shown) -> str:
    return room.fragment("screen_live.html", request, _context(request, shown))


async def events(request: web.Request) -> web.StreamResponse:
    """The live part of the screen as an HTML fragment: at once, then at every change (woken
    by commits: this process's, or on PostgreSQL any process's; else found by the poll). The
    streams of one screen share one read per change (portal/notifier.py)."""
    code = request.match_info["code"]
    async with live(request, (EVENT, code), partial(_screen, request),
                    partial(fragment, request)) as fragments:
        async with sse_response(request, response_cls=SharedFrames) as stream:
            with contextlib.suppress(ConnectionResetError):  # the client left mid-send
                async for html in fragments:
                    await stream.send(html, event=EVENT)
    return stream
