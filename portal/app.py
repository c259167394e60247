"""The web side (issue 12): an aiohttp app built from the dependencies the bot uses (the
unit-of-work factory, the clock), server-rendered with jinja2, live by Server-Sent Events."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web
from aiohttp.typedefs import Handler

from portal import (
    admin,
    api,
    console,
    drafting,
    figures,
    halls,
    login,
    phone,
    recordings,
    screen,
    showcase,
    showcase_desk,
    staff,
    staff_items,
    units,
    webhook,
)
from portal.closing import CLOSINGS
from portal.deps import DEPS, RoomDeps, WebDeps
from portal.limits import WebLimits
from portal.room import LIMITS, words

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
__all__ = ["DEPS", "RoomDeps", "WebDeps", "build_web_app", "serving", "start"]


async def _close_streams(app: web.Application) -> None:
    app[DEPS].notifier.close()


# Pages, the script and the styles come from here alone; no page may be framed (the console's
# buttons), and no address leaves for another site in a Referer (the console's is a key;
# "same-origin", not "no-referrer": with that, browsers post forms with Origin: null).
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
                               "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}


async def _secure_headers(request: web.Request, response: web.StreamResponse) -> None:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)


@web.middleware
async def _busy(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The database out of reach for now (locked by a burst of writers, reconnecting): 503
    with Retry-After, so the phone tries again; nothing was written."""
    try:
        return await handler(request)
    except web.HTTPException:
        raise
    except Exception as error:
        if not request.app[DEPS].unavailable(error):
            raise
        log.warning("%s %s: database unavailable (%s)", request.method, request.path, error)
        raise web.HTTPServiceUnavailable(text=words(request)("web_busy"),
                                         headers={"Retry-After": "2"}) from None


def build_web_app(deps: WebDeps) -> web.Application:
    # the staff's login cookie (portal/login.py); the room's pages never read it
    # api.errors outermost: every refusal under /api in JSON, the others' too
    app = web.Application(middlewares=[api.errors, _busy, login.middleware(deps.room)])
    app[DEPS] = deps
    app[LIMITS] = WebLimits()
    app[CLOSINGS] = {}
    # auto_reload off: templates change with a release, not while it runs (on, every page
    # looked at the files of its four templates)
    aiohttp_jinja2.setup(app, loader=jinja2.PackageLoader("portal", "templates"),
                         autoescape=True, auto_reload=False)
    app.router.add_get("/s/{code}", screen.page, name="screen")
    app.router.add_get("/s/{code}/events", screen.events, name="screen-events")
    phone.routes(app)
    console.routes(app)
    login.routes(app)
    staff.routes(app)
    recordings.routes(app)
    staff_items.routes(app)
    figures.routes(app)
    admin.routes(app)
    halls.routes(app)
    drafting.routes(app)
    units.routes(app)
    api.routes(app)
    showcase.routes(app)
    showcase_desk.routes(app)
    app.router.add_static("/static", STATIC, name="static")
    app.router.add_post(webhook.PATH, webhook.receive, name="telegram-webhook")
    app.on_shutdown.append(_close_streams)
    app.on_response_prepare.append(_secure_headers)
    return app


# connections waiting to be accepted: a hall's phones open theirs at once, and beyond the
# default 128 the kernel drops the rest's SYN, which they send again only after a second
BACKLOG = 1024


async def start(app: web.Application, host: str, port: int) -> web.AppRunner:
    """Serve ``app`` on host:port; ``runner.cleanup()`` stops it (the streams end first)."""
    runner = web.AppRunner(app, shutdown_timeout=5.0)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port, backlog=BACKLOG).start()
    except BaseException:
        await runner.cleanup()
        raise
    return runner


@contextlib.asynccontextmanager
async def serving(app: web.Application, host: str, port: int) -> AsyncIterator[web.AppRunner]:
    runner = await start(app, host, port)
    try:
        yield runner
    finally:
        await runner.cleanup()
