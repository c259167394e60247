"""Browser fixtures: one headless Chromium (the Debian package) per run, pages per test.

Playwright's async API, on one session-wide event loop for everything under tests/browser: the
browser is launched once (about 1 s saved per test), and the servers a test starts (aiohttp's
TestServer, the Bot API sandbox) run on the loop the browser is driven from. So every async
fixture used here must say ``@pytest_asyncio.fixture(loop_scope="session")``; collection stops
with an error otherwise, rather than a test hanging on a server whose loop is not running.

``page`` is a 1920×1080 desktop (the projector), ``phone`` a 390×844 touch phone; both zh-CN,
Asia/Shanghai, and may reach 127.0.0.1 only: anything else is aborted and listed in
``blocked_requests``. An uncaught script error on either fails the test. A missing Chromium is
a failure, never a skip. YISHITANG_CHROMIUM overrides the executable's path.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Final

import pytest
import pytest_asyncio
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from tests.browser.harness import ARTIFACTS, DEFAULT_CHROMIUM, INSTALL_HINT, allow_local_only

HERE = Path(__file__).resolve().parent
SESSION_LOOP: Final = "session"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if not isinstance(item, pytest.Function) or HERE not in item.path.parents:
            continue
        if inspect.iscoroutinefunction(item.function):
            item.add_marker(pytest.mark.asyncio(loop_scope=SESSION_LOOP), append=False)
        for name, definitions in item._fixtureinfo.name2fixturedefs.items():
            function = definitions[-1].func
            asynchronous = inspect.iscoroutinefunction(function) or inspect.isasyncgenfunction(
                function
            )
            if asynchronous and getattr(function, "_loop_scope", None) != SESSION_LOOP:
                raise pytest.UsageError(
                    f"{item.nodeid}: async fixture {name!r} must be declared with "
                    f'@pytest_asyncio.fixture(loop_scope="{SESSION_LOOP}") (see {__file__})'
                )


def _chromium() -> str:
    path = os.environ.get("YISHITANG_CHROMIUM", DEFAULT_CHROMIUM)
    if not os.access(path, os.X_OK):
        pytest.fail(
            f"Chromium not found at {path}: run `{INSTALL_HINT}` (as root), "
            "or set YISHITANG_CHROMIUM to its path",
            pytrace=False,
        )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return path


@pytest_asyncio.fixture(scope="session", loop_scope=SESSION_LOOP)
async def browser() -> AsyncIterator[Browser]:
    executable = _chromium()
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            # A second fence behind the request guard: names other than 127.0.0.1 resolve to
            # nothing, whatever the request (WebSocket, prefetch, the browser's own traffic).
            args=["--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"],
        )
        yield launched
        await launched.close()


@pytest.fixture
def blocked_requests() -> list[str]:
    """URLs the pages of this test tried to reach beyond 127.0.0.1 (all aborted)."""
    return []


async def _open(context: BrowserContext, blocked: list[str]) -> AsyncIterator[Page]:
    errors: list[str] = []
    await allow_local_only(context, blocked)
    page = await context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield page
    finally:
        await context.close()
    assert not errors, f"uncaught script errors in the page: {errors}"


@pytest_asyncio.fixture(loop_scope=SESSION_LOOP)
async def page(browser: Browser, blocked_requests: list[str]) -> AsyncIterator[Page]:
    """A desktop page, 1920×1080 (the room's screen on a projector)."""
    context = await browser.new_context(
        viewport={"width": 1920, "height": 1080},
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        service_workers="block",
    )
    async for opened in _open(context, blocked_requests):
        yield opened


@pytest_asyncio.fixture(loop_scope=SESSION_LOOP)
async def phone(browser: Browser, blocked_requests: list[str]) -> AsyncIterator[Page]:
    """A phone page, 390×844 at 2× with touch (a participant scanning the QR code)."""
    context = await browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        service_workers="block",
    )
    async for opened in _open(context, blocked_requests):
        yield opened
