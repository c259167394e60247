"""The JSON API against its own OpenAPI document (portal/api_schema.py), by schemathesis: the
live app on 127.0.0.1 over a seeded database (tests/portal/api_seed.py), an admin's login
cookie, every operation with valid and invalid parameters: each status documented, each
answer as its schema says (content type, body), invalid parameters refused, no 5xx, and the
login enforced (the cookie taken away or forged is 401). Bounded: a few dozen cases per
operation, no example database, a fixed seed.

The app runs in a thread of its own with its own event loop, since schemathesis calls it
synchronously (requests) from the test."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import aiohttp
import pytest
import schemathesis
from aiohttp import web
from hypothesis import HealthCheck, settings
from sqlalchemy.ext.asyncio import AsyncEngine

from facilitation.ports import TrackingUnitOfWorkFactory
from facilitation.staff_desk import issue_login_link
from portal.api_schema import document
from portal.app import build_web_app, start
from portal.login import COOKIE
from storage.engine import make_engine
from storage.uow import make_uow_factory
from tests.portal.api_seed import ADMIN, BOOTSTRAP, START, seed, web_deps

T = TypeVar("T")
EXAMPLES = 25  # per operation and generation mode

CONFIG = schemathesis.Config.from_dict({
    "seed": 13,  # the same cases every run
    # the login cookie is ours to give (not generated); the ignored_auth check still sends
    # each operation without it and with a forged one, expecting 401
    "generation": {"max-examples": EXAMPLES, "database": "none",
                   "with-security-parameters": False},
    "phases": {"stateful": {"enabled": False}},
})
SCHEMA = schemathesis.openapi.from_dict(document(), config=CONFIG)


@dataclass(frozen=True)
class Live:
    url: str
    cookie: str


class _Loop:
    """An event loop in a thread of its own, for the app under test."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, work: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(timeout=120)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=30)
        self.loop.close()


async def _serve(db_url: str) -> tuple[web.AppRunner, AsyncEngine, Live]:
    engine = make_engine(db_url)
    uow = make_uow_factory(engine)
    await seed(uow)
    runner = await start(build_web_app(web_deps(uow)), "127.0.0.1", 0)
    host, port = runner.addresses[0][:2]
    token = await issue_login_link(uow(), ADMIN, bootstrap_ids=BOOTSTRAP, now=START)
    async with aiohttp.ClientSession() as client:
        async with client.post(f"http://{host}:{port}/login/{token}",
                               allow_redirects=False) as response:
            assert response.status == 303
            cookie = response.cookies[COOKIE].value
    return runner, engine, Live(f"http://{host}:{port}", cookie)


async def _stop(runner: web.AppRunner, engine: AsyncEngine) -> None:
    await runner.cleanup()
    await engine.dispose()


@pytest.fixture
def live(db_url: str) -> Iterator[Live]:
    loop = _Loop()
    try:
        runner, engine, served = loop.run(_serve(db_url))
        try:
            yield served
        finally:
            loop.run(_stop(runner, engine))
    finally:
        loop.close()


@SCHEMA.parametrize()
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_every_operation_conforms_to_the_openapi_document(case: schemathesis.Case[Any],
                                                          live: Live) -> None:
    case.call_and_validate(base_url=live.url, cookies={COOKIE: live.cookie})


def test_the_document_is_valid_openapi_and_names_every_api_route() -> None:
    SCHEMA.validate()  # against the OpenAPI 3.1 meta-schema
    app = build_web_app(web_deps(cast(TrackingUnitOfWorkFactory, None)))  # routes only
    routes = {r.resource.canonical for r in app.router.routes()
              if r.resource is not None and r.resource.canonical.startswith("/api/")}
    assert routes == set(document()["paths"])
