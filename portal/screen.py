"""The room's screen: `/s/<screen code>` for the projector, and its live stream."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web
from aiohttp_sse import sse_response

from facilitation.errors import NotFound
from facilitation.screen import Screen, screen_of
from portal.deps import DEPS, WebDeps

EVENT = "screen"


def _deps(request: web.Request) -> WebDeps:
    return request.app[DEPS]


async def _screen(request: web.Request) -> Screen:
    try:
        return await screen_of(_deps(request).uow(), request.match_info["code"])
    except NotFound:
        raise web.HTTPNotFound(
            text=aiohttp_jinja2.render_string("not_found.html", request, {}),
            content_type="text/html") from None


def _context(request: web.Request, shown: Screen) -> dict[str, Any]:
    return {"screen": shown, "now": _deps(request).clock().isoformat(),
            "events": f"/s/{request.match_info['code']}/events"}


async def page(request: web.Request) -> web.Response:
    shown = await _screen(request)
    return aiohttp_jinja2.render_template("screen.html", request, _context(request, shown))


def fragment(request: web.Request, shown: Screen) -> str:
    return aiohttp_jinja2.render_string("screen_live.html", request, _context(request, shown))


async def events(request: web.Request) -> web.StreamResponse:
    """The live part of the screen as an HTML fragment: at once, then at every change (woken
    by this process's commits, or found by the poll)."""
    shown = await _screen(request)
    deps = _deps(request)
    async with sse_response(request) as stream:
        with deps.notifier.subscribe() as woken:
            last = shown.fingerprint()
            await stream.send(fragment(request, shown), event=EVENT)
            while stream.is_connected() and not deps.notifier.closed:
                await deps.notifier.wait(woken, deps.poll_s)
                if deps.notifier.closed:
                    break
                try:
                    shown = await screen_of(deps.uow(), request.match_info["code"])
                except NotFound:
                    break
                if shown.fingerprint() != last:
                    last = shown.fingerprint()
                    await stream.send(fragment(request, shown), event=EVENT)
    return stream
