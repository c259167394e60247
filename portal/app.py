"""The web side (issue 12): an aiohttp app built from the dependencies the bot uses (the
unit-of-work factory, the clock), server-rendered with jinja2, live by Server-Sent Events."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web

from portal import screen
from portal.deps import DEPS, WebDeps
from portal.texts import CAPTION_LABELS, KIND_LABELS, STATUS_LABELS, TRANSCRIBING, TURN_LABELS

STATIC = Path(__file__).parent / "static"
__all__ = ["DEPS", "WebDeps", "build_web_app", "serving", "start"]


async def _close_streams(app: web.Application) -> None:
    app[DEPS].notifier.close()


def build_web_app(deps: WebDeps) -> web.Application:
    app = web.Application()
    app[DEPS] = deps
    env = aiohttp_jinja2.setup(app, loader=jinja2.PackageLoader("portal", "templates"),
                               autoescape=True)
    env.globals.update(kinds=KIND_LABELS, turns=TURN_LABELS, statuses=STATUS_LABELS,
                       captions=CAPTION_LABELS, transcribing=TRANSCRIBING)
    app.router.add_get("/s/{code}", screen.page, name="screen")
    app.router.add_get("/s/{code}/events", screen.events, name="screen-events")
    app.router.add_static("/static", STATIC, name="static")
    app.on_shutdown.append(_close_streams)
    return app


async def start(app: web.Application, host: str, port: int) -> web.AppRunner:
    """Serve ``app`` on host:port; ``runner.cleanup()`` stops it (the streams end first)."""
    runner = web.AppRunner(app, shutdown_timeout=5.0)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
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
