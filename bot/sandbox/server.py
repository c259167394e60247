"""The aiohttp application answering Bot API requests, and helpers to run it on 127.0.0.1."""

from __future__ import annotations

import copy
import functools
import json
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.sandbox import webhook
from bot.sandbox.api_media import MAX_UPLOAD
from bot.sandbox.control import SANDBOX_KEY, add_control_routes
from bot.sandbox.errors import NOT_FOUND, TOO_LARGE, UNAUTHORIZED, ApiError
from bot.sandbox.models import ApiCall
from bot.sandbox.params import read_params
from bot.sandbox.registry import UNMODELLED, lookup
from bot.sandbox.sandbox import Sandbox

if TYPE_CHECKING:
    from telegram import Bot

JSON = dict[str, Any]
_LOG = logging.getLogger(__name__)
_dumps = functools.partial(json.dumps, ensure_ascii=False)


def _json(body: JSON, status: int = 200) -> web.Response:
    return web.json_response(body, status=status, dumps=_dumps)


async def _dispatch(request: web.Request, sandbox: Sandbox, call: ApiCall) -> Any:
    bot = sandbox.bots.get(call.token)
    if bot is None:
        raise UNAUTHORIZED
    entry = lookup(call.method)
    if entry is None:
        if call.method.lower() in UNMODELLED:
            raise ApiError(501, f"Not Implemented: the sandbox does not model {call.method}")
        raise NOT_FOUND
    call.method, handler = entry
    params = await read_params(request)
    call.params = params.summary()
    return await handler(sandbox, bot, params)


async def api_handler(request: web.Request) -> web.Response:
    sandbox = request.app[SANDBOX_KEY]
    call = ApiCall(
        ts=time.perf_counter(),
        token=request.match_info["token"],
        method=request.match_info["method"],
        params={},
    )
    try:
        result = await _dispatch(request, sandbox, call)
        body: JSON = {"ok": True, "result": result}
        call.result = copy.deepcopy(result)
    except web.HTTPRequestEntityTooLarge:
        body = TOO_LARGE.to_json()
    except ApiError as err:
        body = err.to_json()
    except Exception as exc:  # a sandbox bug must surface as a failed call, not a hang
        _LOG.exception("sandbox failure in %s", call.method)
        body = ApiError(500, f"Internal Server Error: {exc!r}").to_json()
    if not body["ok"]:
        call.error_code, call.description = body["error_code"], body["description"]
    call.end_ts = time.perf_counter()
    sandbox.record_call(call)
    return _json(body, 200 if body["ok"] else int(body["error_code"]))


async def file_handler(request: web.Request) -> web.Response:
    sandbox = request.app[SANDBOX_KEY]
    if request.match_info["token"] not in sandbox.bots:
        return _json(UNAUTHORIZED.to_json(), 401)
    stored = sandbox.files_by_path.get(request.match_info["path"])
    if stored is None:
        return _json(NOT_FOUND.to_json(), 404)
    return web.Response(
        body=stored.data, content_type=stored.mime_type or "application/octet-stream"
    )


async def _on_shutdown(app: web.Application) -> None:
    app[SANDBOX_KEY].close()


async def _on_startup(app: web.Application) -> None:
    """Served again: the webhooks set before are delivered to again."""
    sandbox = app[SANDBOX_KEY]
    for bot in sandbox.bots.values():
        if bot.webhook_url:
            webhook.restart(sandbox, bot)


async def _on_cleanup(app: web.Application) -> None:
    await webhook.stop_all(app[SANDBOX_KEY])


def create_app(sandbox: Sandbox) -> web.Application:
    """The Bot API (``/bot{token}/{method}``), files and ``/_sandbox/`` control routes."""
    app = web.Application(client_max_size=MAX_UPLOAD + 1024 * 1024)
    app[SANDBOX_KEY] = sandbox
    app.router.add_route("*", "/bot{token}/{method}", api_handler)
    app.router.add_get("/file/bot{token}/{path:.+}", file_handler)
    add_control_routes(app)
    app.on_startup.append(_on_startup)
    app.on_shutdown.append(_on_shutdown)
    app.on_cleanup.append(_on_cleanup)
    return app


@dataclass
class RunningSandbox:
    """A sandbox served over HTTP; point PTB at ``base_url``/``base_file_url``."""

    sandbox: Sandbox
    root_url: str
    port: int

    @property
    def base_url(self) -> str:
        return f"{self.root_url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.root_url}/file/bot"

    def make_bot(self, token: str | None = None) -> Bot:
        """A python-telegram-bot ``Bot`` talking to this sandbox (call ``initialize()``)."""
        from telegram import Bot

        token = token or self.sandbox.bot.token
        return Bot(token, base_url=self.base_url, base_file_url=self.base_file_url)


@asynccontextmanager
async def serve(app: web.Application, host: str, port: int) -> AsyncIterator[int]:
    """Run ``app`` on host:port (0 = a free port); yields the bound port."""
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=5.0)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        yield int(runner.addresses[0][1])
    finally:
        await runner.cleanup()


@asynccontextmanager
async def running_sandbox(
    sandbox: Sandbox | None = None, *, host: str = "127.0.0.1", port: int = 0
) -> AsyncIterator[RunningSandbox]:
    """Serve ``sandbox`` (a new one if None) on 127.0.0.1 with a free port."""
    sandbox = sandbox if sandbox is not None else Sandbox()
    sandbox.closing = False
    async with serve(create_app(sandbox), host, port) as bound:
        yield RunningSandbox(sandbox, f"http://{host}:{bound}", bound)
