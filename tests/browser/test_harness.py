"""The harness itself, on a tiny aiohttp app of its own (independent of portal/)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from aiohttp import web
from aiohttp.test_utils import TestServer
from playwright.async_api import Error, Page, expect

from tests.browser.harness import axe_violations, rendered_fonts, snap

HALL = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>议事堂</title></head>
<body><main>
<h1 data-testid="topic">村口停车难怎么办</h1>
<p id="one">议事堂</p><p id="two">民生协商</p>
<p>签到 <span data-testid="signin-count">0</span> 人</p>
<button type="button" id="add">签到</button>
</main>
<script>
  const count = document.querySelector('[data-testid="signin-count"]');
  document.getElementById('add').addEventListener('click', () => {
    count.textContent = String(Number(count.textContent) + 1);
  });
  setTimeout(() => { count.textContent = '12'; }, 50);
</script>
</body></html>
"""

BAD = """<!doctype html><html lang="zh-CN"><head><title>坏页面</title></head>
<body><main><img src="/missing.png"></main></body></html>"""

# Two different CJK strings drawn with the page's font: a real font draws different pixels,
# tofu (one .notdef box per character) draws the same boxes for both.
GLYPHS_DIFFER = """([a, b]) => {
  const draw = (text) => {
    const canvas = document.createElement('canvas');
    canvas.width = 200; canvas.height = 60;
    const context = canvas.getContext('2d');
    context.font = getComputedStyle(document.body).font;
    context.fillText(text, 10, 40);
    return {width: context.measureText(text).width,
            pixels: Array.from(context.getImageData(0, 0, 200, 60).data).join()};
  };
  const first = draw(a), second = draw(b);
  return {width: first.width, differ: first.pixels !== second.pixels};
}"""


@pytest_asyncio.fixture(loop_scope="session")
async def site() -> AsyncIterator[TestServer]:
    async def hall(_request: web.Request) -> web.Response:
        return web.Response(text=HALL, content_type="text/html")

    async def bad(_request: web.Request) -> web.Response:
        return web.Response(text=BAD, content_type="text/html")

    app = web.Application()
    app.router.add_get("/", hall)
    app.router.add_get("/bad", bad)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    yield server
    await server.close()


async def test_chinese_renders_with_a_cjk_font(page: Page, site: TestServer) -> None:
    await page.goto(str(site.make_url("/")))
    fonts = await rendered_fonts(page, "#one")
    assert any("CJK" in family for family in fonts), fonts
    glyphs = await page.evaluate(GLYPHS_DIFFER, ["议事", "协商"])
    assert glyphs["width"] > 20
    assert glyphs["differ"], "CJK text drawn as tofu"
    box = await page.locator("#two").evaluate("e => e.firstChild.length")
    assert box == 4


async def test_testid_updates_and_desktop_screenshot(page: Page, site: TestServer) -> None:
    await page.goto(str(site.make_url("/")))
    count = page.get_by_test_id("signin-count")
    await expect(count).to_have_text("12")
    await page.get_by_role("button", name="签到").click()
    await expect(count).to_have_text("13")
    await expect(page.get_by_test_id("topic")).to_have_text("村口停车难怎么办")
    path = await snap(page, "harness-desktop")
    assert path.stat().st_size > 1000
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


async def test_phone_viewport_tap_and_screenshot(phone: Page, site: TestServer) -> None:
    await phone.goto(str(site.make_url("/")))
    assert phone.viewport_size == {"width": 390, "height": 844}
    assert await phone.evaluate("navigator.language") == "zh-CN"
    assert await phone.evaluate("matchMedia('(pointer: coarse)').matches")
    await expect(phone.get_by_test_id("signin-count")).to_have_text("12")
    await phone.get_by_role("button", name="签到").tap()
    await expect(phone.get_by_test_id("signin-count")).to_have_text("13")
    path = await snap(phone, "harness-phone")
    assert path.stat().st_size > 1000


@pytest.mark.parametrize(
    "url", ["http://192.0.2.1/x.js", "https://example.com/", "http://localhost:9/"]
)
async def test_only_127_0_0_1_is_reachable(
    page: Page, site: TestServer, blocked_requests: list[str], url: str
) -> None:
    await page.goto(str(site.make_url("/")))
    assert blocked_requests == []
    outcome = await page.evaluate(
        "url => fetch(url).then(() => 'reached', e => 'failed: ' + e.message)", url
    )
    assert outcome.startswith("failed"), outcome
    assert blocked_requests == [url]
    with pytest.raises(Error, match="ERR_BLOCKED_BY_CLIENT"):
        await page.goto(url)


async def test_axe_reports_an_image_without_alt(page: Page, site: TestServer) -> None:
    await page.goto(str(site.make_url("/bad")))
    violations = await axe_violations(page)
    assert [v["id"] for v in violations] == ["image-alt"], violations
    assert violations[0]["impact"] == "critical"


async def test_axe_passes_a_good_page(page: Page, site: TestServer) -> None:
    await page.goto(str(site.make_url("/")))
    assert await axe_violations(page) == []
