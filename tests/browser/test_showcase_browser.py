"""The public showcase in Chromium, beside the real bot over the Bot API sandbox, on both
databases: a session runs in the group (a resident speaks, the moderator sends a photo), its
minutes are approved; an admin logs in by /portal's link, shows the hall on the showcase, adds
a planned consultation, lists a member who agreed, and writes a page of rules; then every
public page on a phone and on a PC: the five sections, the photo, the public minutes. Each
public page passes axe-core with no serious violations, and the privacy checker finds nothing
of the resident on it. Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import pytest_asyncio
from PIL import Image
from playwright.async_api import Page, expect

from facilitation.access import Place
from facilitation.audit import Operator
from facilitation.roles import Role, grant_role
from facilitation.services import Actor
from tests.bot.messages import text
from tests.browser.harness import axe_violations, snap
from tests.fakes import FakeTranscriber
from transcripts.minutes.drafts import approve_draft, readable_minutes
from transcripts.minutes.privacy import find_leaks
from yishitang.stage import Stage, free_port, staged

TOPIC = "王秀英家门口的村道路灯"  # the moderator named her: the public must not see it
RESIDENT = "王秀英"
OFFICE = "办公室老陈"
WAIT_MS = 5_000
TZ = ZoneInfo("Asia/Shanghai")


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (164, 22, 26)).save(out, "JPEG")
    return out.getvalue()


@pytest_asyncio.fixture(loop_scope="session")
async def stage(tmp_path: Path, db_url: str) -> AsyncIterator[Stage]:
    port = free_port()
    async with staged(tmp_path, database_url=db_url, transcriber=FakeTranscriber(),
                      web_port=port, web_url=f"http://127.0.0.1:{port}") as running:
        running.open_group("东头村议事堂", ["主持人", RESIDENT, OFFICE])
        yield running


async def _session_with_minutes(stage: Stage) -> int:
    assert stage.group is not None
    await stage.ask("主持人", f"/new {TOPIC}")
    await stage.ask(RESIDENT, "/signin")
    stage.say(RESIDENT, "我是王秀英，建议村道两侧加装路灯，电话13912345678。")
    stage.sandbox.send_photo(stage.person("主持人"), stage.group, _jpeg(),
                             caption="村民在议事堂协商")
    await stage.settled()
    await stage.ask("主持人", "/end")
    async with stage.runtime.uow() as u:
        [session] = await u.sessions.recent(stage.group.id, limit=1)
    assert session.id is not None
    await approve_draft(stage.runtime.uow(), session_id=session.id, now=stage.clock(), tz=TZ,
                        actor=Actor(stage.person(OFFICE).id, OFFICE, config_admin=True))
    return session.id


async def _log_in(stage: Stage, page: Page) -> None:
    sent = text(await stage.ask(OFFICE, "/portal", stage.private(OFFICE)))
    link = re.search(r"http://127\.0\.0\.1:\d+/login/[A-Za-z0-9_-]+", sent)
    assert link is not None, sent
    await page.goto(link.group(0))
    await page.get_by_role("button").click()
    await expect(page).to_have_url(re.compile(r"/staff$"), timeout=WAIT_MS)


async def test_an_admin_publishes_a_hall_and_the_public_sees_no_resident(
        stage: Stage, page: Page, phone: Page, request: pytest.FixtureRequest) -> None:
    db = request.node.callspec.params["db_url"]
    session_id = await _session_with_minutes(stage)
    await grant_role(stage.runtime.uow(), by=Operator("root"), role=Role.ADMIN,
                     hall_chat_id=None, now=stage.clock(),
                     telegram_user_id=stage.person(OFFICE).id)
    await _log_in(stage, page)
    await page.get_by_role("link", name="公开展示", exact=True).click()
    listing = page.get_by_test_id("listing")
    await listing.get_by_label("在展示平台公开本议事堂").check()
    await listing.get_by_label(re.compile("公开名称")).fill("东头村民生议事堂")
    await listing.get_by_label(re.compile("简介")).fill("东头村的事，大家商量着办。")
    await listing.get_by_role("button", name="保存").click()
    await expect(page.get_by_test_id("done")).to_be_visible(timeout=WAIT_MS)
    plan = page.get_by_test_id("form-plan")
    await plan.get_by_label("日期").fill("2027-03-15")
    await plan.get_by_label("协商议题").fill("河道保洁长效机制")
    await plan.get_by_role("button", name="添加协商计划").click()
    member = page.get_by_test_id("form-member")
    await member.get_by_label("姓名", exact=True).fill("李建国")
    await member.get_by_label("职务或身份").fill("县政协委员")
    await member.get_by_label(re.compile("本人已同意")).check()
    await member.get_by_role("button", name="加入名单").click()
    form = page.get_by_test_id("form-page")
    await form.get_by_label(re.compile("页面地址")).fill("rules")
    await form.get_by_label("标题", exact=True).fill("议事规则")
    await form.get_by_label(re.compile("正文")).fill("## 议事流程\n\n1. 提出议题\n2. 协商讨论\n")
    await form.get_by_role("button", name="添加页面").click()
    photos = page.get_by_test_id("photos")
    await expect(photos.locator("img")).to_have_count(1, timeout=WAIT_MS)
    await expect(photos.get_by_test_id("photo-state")).to_have_text("未公开")
    await photos.get_by_role("button", name="公开").click()  # staff approve it
    await expect(page.get_by_test_id("photos").get_by_test_id("photo-state")).to_have_text(
        "已公开", timeout=WAIT_MS)
    assert await axe_violations(page) == [], "showcase desk"
    await snap(page, f"staff-showcase-{db}")

    found = await readable_minutes(stage.runtime.uow(), session_id=session_id,
                                   actor=Actor(stage.person(OFFICE).id, OFFICE,
                                               config_admin=True),
                                   place=Place(None), public=False, tz=TZ)
    transcript = found.minutes.transcript
    root = page.url.split("/staff")[0]
    pages = {"home": "/", "org": "/org", "rules": "/rules/rules", "plan": "/plan?year=2027",
             "gallery": "/gallery", "results": "/results", "session": f"/results/{session_id}"}
    for viewer, device in ((phone, "phone"), (page, "desktop")):
        for name, path in pages.items():
            await viewer.goto(root + path)
            seen = await viewer.locator("body").inner_text()
            assert RESIDENT not in seen and "13912345678" not in seen, (device, name)
            assert find_leaks(seen, transcript) == [], (device, name)
            assert await axe_violations(viewer) == [], (device, name)
            await snap(viewer, f"showcase-{name}-{device}-{db}")
    await phone.goto(root + "/")
    await expect(phone.get_by_test_id("halls")).to_contain_text("东头村民生议事堂")
    await expect(phone.get_by_test_id("plans")).to_contain_text("河道保洁长效机制")
    await phone.goto(root + f"/results/{session_id}")
    await expect(phone.get_by_test_id("minutes")).to_contain_text("加装路灯")
    # the topic named her: as her label in the minutes
    await expect(phone.get_by_test_id("topic")).to_have_text("其他甲家门口的村道路灯")
    photo = phone.locator("img[src^='/photos/']")
    await expect(photo).to_have_count(1)
    # loaded and decoded (the promise of img.decode()), not merely in the page: 320 px wide
    assert await photo.evaluate("img => img.decode().then(() => img.naturalWidth)") == 320
    await phone.goto(root + "/org")
    await expect(phone.get_by_test_id("hall")).to_contain_text("李建国")
    await phone.goto(root + "/rules/rules")
    await expect(phone.get_by_test_id("rule").locator("li")).to_have_count(2)
