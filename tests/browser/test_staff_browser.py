"""The staff's workbench in Chromium, beside the real bot over the Bot API sandbox, on both
databases: a hall's staff member asks the bot for a login link (/portal), opens it on a PC,
finds the session in the list, opens its page (attendance, transcript, a mark), then the
follow-up board with the hall's items, overdue first, and one item's page: refers it to a
unit there, whose liaison is told by the bot and accepts with its button, and the item's page
shows it; the draft's DOCX downloaded; the figures with their chart; the hall's document
settings; and, made an admin, the roles and the audit log. Every page passes axe-core with no
serious violations; screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta, timezone
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Page, expect

from facilitation.audit import Operator
from facilitation.roles import Role, grant_role
from facilitation.services import Actor
from facilitation.tracking_services import track_approved
from facilitation.units import Unit, UnitLevel
from facilitation.web_logins import invite_without_telegram
from tests.bot.messages import text
from tests.browser.harness import axe_violations, snap
from tests.fakes import FakeTranscriber
from yishitang.stage import Stage, free_port, staged

TOPIC = "村道硬化"
LIAISON = "李联络员"
WAIT_MS = 5_000


@pytest_asyncio.fixture(loop_scope="session")
async def stage(tmp_path: Path, db_url: str) -> AsyncIterator[Stage]:
    port = free_port()
    async with staged(tmp_path, database_url=db_url, transcriber=FakeTranscriber(),
                      web_port=port, web_url=f"http://127.0.0.1:{port}") as running:
        running.open_group("东头村议事堂", ["主持人", "张三", "小周", LIAISON])
        yield running


async def test_staff_log_in_and_read_a_session_and_its_items(
        stage: Stage, page: Page, request: pytest.FixtureRequest) -> None:
    db = request.node.callspec.params["db_url"]
    assert stage.group is not None
    await stage.ask("主持人", f"/new {TOPIC}")
    await stage.ask("张三", "/signin")
    stage.say("张三", "建议村道两侧加装路灯，晚上太黑了。")
    await stage.settled()
    await stage.ask("主持人", "/end")
    await grant_role(stage.runtime.uow(), by=Operator("root"), role=Role.STAFF,
                     hall_chat_id=stage.group.id, now=stage.clock(),
                     telegram_user_id=stage.person("小周").id)
    async with stage.runtime.uow() as u:
        [session] = await u.sessions.recent(stage.group.id, limit=1)
    assert session.id is not None
    await track_approved(stage.runtime.uow(), session_id=session.id, minutes_json={
        "suggestions": [{"seq": 1, "text": "建议村道两侧加装路灯。", "number": 1,
                         "proposers": ["张三"]}], "actions": []},
        version=1, now=stage.clock(), tz=timezone(timedelta(hours=8)))

    sent = text(await stage.ask("小周", "/portal", stage.private("小周")))
    link = re.search(r"http://127\.0\.0\.1:\d+/login/[A-Za-z0-9_-]+", sent)
    assert link is not None, sent
    await page.goto(link.group(0))
    await page.get_by_role("button").click()
    await expect(page).to_have_url(re.compile(r"/staff$"), timeout=WAIT_MS)
    assert await axe_violations(page) == [], "session list"
    await snap(page, f"staff-list-{db}")
    await page.goto(page.url + "/search?q=路灯")  # what was said, found by the bot's index
    await expect(page.get_by_test_id("hits")).to_contain_text(TOPIC, timeout=WAIT_MS)
    assert await axe_violations(page) == [], "search"
    await snap(page, f"staff-search-{db}")
    await page.go_back()

    await page.get_by_role("link", name=TOPIC).click()
    await expect(page.get_by_test_id("topic")).to_have_text(TOPIC, timeout=WAIT_MS)
    await expect(page.get_by_test_id("attendance")).to_contain_text("张三")
    await expect(page.get_by_test_id("transcript")).to_contain_text("建议村道两侧加装路灯")
    assert await axe_violations(page) == [], "session page"
    await snap(page, f"staff-session-{db}")
    async with page.expect_download() as downloading:  # the draft, to its editor
        await page.get_by_test_id("downloads").get_by_role("link", name="DOCX").click()
    download = await downloading.value
    name = download.suggested_filename  # the bot's name for it, in UTF-8
    assert name.startswith(f"协商纪要-{TOPIC}-") and name.endswith("-草稿.docx"), name
    saved = await download.path()
    with open(saved, "rb") as docx:  # noqa: ASYNC230 (a local file of a few kB)
        assert docx.read(2) == b"PK"

    await page.get_by_test_id("edit-minutes").click()  # the editor, as the bot's commands
    await page.get_by_label("改标题（留空恢复默认）").fill("关于推进村道硬化的协商纪要")
    await page.get_by_role("button", name="保存").click()
    await expect(page.get_by_test_id("doc-title")).to_have_text("关于推进村道硬化的协商纪要",
                                                                timeout=WAIT_MS)
    await expect(page.get_by_test_id("suggestions")).to_contain_text("路灯")
    assert await axe_violations(page) == [], "minutes editor"
    await snap(page, f"staff-draft-{db}")

    await page.goto(page.url.split("/staff/")[0] + "/staff/items")
    await expect(page.get_by_test_id("items")).to_contain_text("建议村道两侧加装路灯。",
                                                               timeout=WAIT_MS)
    assert await axe_violations(page) == [], "follow-up board"
    await snap(page, f"staff-items-{db}")

    # one item: refer it to the unit; its liaison hears of it in the bot and accepts
    await stage.ask(LIAISON, "/start", stage.private(LIAISON))
    async with stage.runtime.uow() as u:
        await u.units.add(Unit("县住房和城乡建设局", UnitLevel.COUNTY, aliases=("县住建局",),
                               liaisons=(stage.person(LIAISON).id,)))
        await u.commit()
    await page.get_by_test_id("items").get_by_role("link", name=re.compile(r"^#\d+$")).click()
    await expect(page.get_by_test_id("item-status")).to_have_text("待处理", timeout=WAIT_MS)
    assert await axe_violations(page) == [], "item page"
    await snap(page, f"staff-item-{db}")
    form = page.get_by_test_id("form-refer")
    await form.get_by_label("承办单位").select_option(label="县住房和城乡建设局")
    await form.get_by_label(re.compile("办理时限")).fill("2027-01-31")
    await form.get_by_role("button", name="交办").click()
    await expect(page.get_by_test_id("done")).to_be_visible(timeout=WAIT_MS)
    await expect(page.get_by_test_id("item-status")).to_have_text("已交办")
    await expect(page.get_by_test_id("item-unit")).to_have_text("县住房和城乡建设局")
    await expect(page.get_by_test_id("history")).to_contain_text("小周")
    notice = await stage.sandbox.wait_for_message(stage.private(LIAISON), "【交办】")
    assert "建议村道两侧加装路灯" in text(notice)
    item_id = int(page.url.split("/staff/items/")[1].split("?")[0])
    assert await stage.press(LIAISON, notice, f"lia:acc:{item_id}") == f"已接收事项 #{item_id}。"
    await page.reload()
    await expect(page.get_by_test_id("item-status")).to_have_text("已接收", timeout=WAIT_MS)
    await expect(page.get_by_test_id("history")).to_contain_text(LIAISON)
    assert await axe_violations(page) == [], "item page, referred"
    await snap(page, f"staff-item-referred-{db}")

    await page.goto(page.url.split("/staff/")[0] + "/staff/figures")
    await expect(page.get_by_test_id("chart")).to_be_visible(timeout=WAIT_MS)
    await expect(page.get_by_test_id("total-suggestions")).to_have_text("1")
    assert await axe_violations(page) == [], "figures"
    await snap(page, f"staff-figures-{db}")

    await page.goto(page.url.split("/staff/")[0] + "/staff/halls")
    hall = page.locator(f'[data-hall="{stage.group.id}"]')
    await hall.get_by_label("落款（发文单位）").fill("东头村民生议事堂")
    await hall.get_by_role("button", name="保存").click()
    await expect(page.get_by_test_id("done")).to_be_visible(timeout=WAIT_MS)
    await expect(hall.get_by_label("落款（发文单位）")).to_have_value("东头村民生议事堂")
    assert await axe_violations(page) == [], "halls"
    await snap(page, f"staff-halls-{db}")

    await page.goto(page.url.split("/staff/")[0] + "/staff/units")
    await expect(page.get_by_test_id("units")).to_contain_text("县住房和城乡建设局",
                                                               timeout=WAIT_MS)
    await page.get_by_role("button", name="邀请联络员 县住房和城乡建设局").click()
    await expect(page.get_by_test_id("invite-link")).to_contain_text("start=u_",
                                                                     timeout=WAIT_MS)
    assert await axe_violations(page) == [], "units"
    await snap(page, f"staff-units-{db}")

    # the office's admin pages (小周 made an admin: read at the next request)
    await grant_role(stage.runtime.uow(), by=Operator("root"), role=Role.ADMIN,
                     hall_chat_id=None, now=stage.clock(),
                     telegram_user_id=stage.person("小周").id)
    await page.goto(page.url.split("/staff/")[0] + "/staff/admin/roles")
    await expect(page.get_by_test_id("grants")).to_contain_text("小周", timeout=WAIT_MS)
    assert await axe_violations(page) == [], "roles"
    await snap(page, f"staff-roles-{db}")
    await page.goto(page.url.split("/staff/")[0] + "/staff/admin/audit")
    await expect(page.get_by_test_id("audit")).to_contain_text("小周", timeout=WAIT_MS)
    assert await axe_violations(page) == [], "audit"
    await snap(page, f"staff-audit-{db}")
    await page.goto(page.url.split("/staff/")[0] + "/staff/admin/people")
    await page.get_by_label("人员（#编号、Telegram ID 或姓名）").fill("张三")
    await page.get_by_role("button", name="查找").click()
    await expect(page.get_by_test_id("footprint")).to_contain_text("张三", timeout=WAIT_MS)
    assert await axe_violations(page) == [], "personal data"
    await snap(page, f"staff-people-{db}")


async def test_someone_without_telegram_sets_a_password_and_logs_in(
        stage: Stage, page: Page, request: pytest.FixtureRequest) -> None:
    db = request.node.callspec.params["db_url"]
    assert stage.group is not None
    await stage.ask("主持人", f"/new {TOPIC}")
    await grant_role(stage.runtime.uow(), by=Operator("root"), role=Role.ADMIN,
                     hall_chat_id=None, now=stage.clock(),
                     telegram_user_id=stage.person("小周").id)
    token = await invite_without_telegram(
        stage.runtime.uow(), by=Actor(stage.person("小周").id, "小周"), name="王会计",
        role=Role.STAFF, hall_chat_id=stage.group.id, now=stage.clock())
    base = stage.runtime.settings.web_url.rstrip("/")
    await page.goto(f"{base}/invite/{token}")
    assert await axe_violations(page) == [], "invitation"
    await page.get_by_label("登录名").fill("wang.kj")
    await page.get_by_label("密码（至少 10 个字符）").fill("a-long-password")
    await page.get_by_label("再输入一次密码").fill("a-long-password")
    await page.get_by_role("button", name="设置并前往登录").click()
    await expect(page.get_by_test_id("done")).to_be_visible(timeout=WAIT_MS)
    assert await axe_violations(page) == [], "login page"
    await snap(page, f"staff-password-login-{db}")
    await page.get_by_label("登录名").fill("wang.kj")
    await page.get_by_label("密码", exact=True).fill("a-long-password")
    await page.get_by_role("button", name="登录").click()
    await expect(page).to_have_url(re.compile(r"/staff$"), timeout=WAIT_MS)
    await expect(page.get_by_test_id("sessions")).to_contain_text(TOPIC)
