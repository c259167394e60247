"""Helpers for the browser tests: screenshots, the local-only network guard, axe-core, fonts.

Chromium is the Debian package (``apt-get install chromium fonts-noto-cjk``), launched by its
path; Playwright never downloads a browser here, and the page may reach 127.0.0.1 only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.async_api import BrowserContext, Page, Route

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
INSTALL_HINT = "apt-get install -y chromium fonts-noto-cjk"
LOCAL_HOSTS = frozenset({"127.0.0.1"})
SERIOUS = frozenset({"serious", "critical"})


async def snap(page: Page, name: str) -> Path:
    """Save a full-page screenshot as tests/artifacts/<name>.png (for review) and return it."""
    path = ARTIFACTS / f"{name}.png"
    await page.screenshot(path=path, full_page=True)
    return path


async def allow_local_only(context: BrowserContext, blocked: list[str]) -> None:
    """Abort every request whose host is not 127.0.0.1, noting its URL in ``blocked``."""

    async def guard(route: Route) -> None:
        url = route.request.url
        if urlsplit(url).hostname in LOCAL_HOSTS:
            await route.continue_()
        else:
            blocked.append(url)
            await route.abort("blockedbyclient")

    await context.route("**/*", guard)


async def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run the vendored axe-core on the page; return its serious and critical violations.

    Injected by evaluation (not a script tag), so a page's Content-Security-Policy is kept.
    """
    if not await page.evaluate("typeof window.axe === 'object'"):
        await page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    results: dict[str, Any] = await page.evaluate(
        "() => axe.run(document, {resultTypes: ['violations']})"
    )
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [node["target"] for node in violation["nodes"]],
        }
        for violation in results["violations"]
        if violation["impact"] in SERIOUS
    ]


async def rendered_fonts(page: Page, selector: str) -> dict[str, int]:
    """The platform fonts Chromium used to draw the element's text: family -> glyph count."""
    cdp = await page.context.new_cdp_session(page)
    try:
        await cdp.send("DOM.enable")
        await cdp.send("CSS.enable")
        document = await cdp.send("DOM.getDocument")
        found = await cdp.send(
            "DOM.querySelector", {"nodeId": document["root"]["nodeId"], "selector": selector}
        )
        fonts = await cdp.send("CSS.getPlatformFontsForNode", {"nodeId": found["nodeId"]})
    finally:
        await cdp.detach()
    return {font["familyName"]: font["glyphCount"] for font in fonts["fonts"]}
