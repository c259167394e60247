"""The workbench's roles in Chromium, beside the real bot over the Bot API sandbox, on both
databases (issue 13): a hall's staff member edits the draft and approves it, edits it again,
approves again and reads versions 1 and 2 side by side; a viewer of the hall reads the session
and an item without a single form, and a form posted anyway is refused; a unit's liaison, with
no role, logs in by /portal's link onto the follow-up board, sees their unit's item and not
another unit's, accepts it and closes it with the unit's reply on the web, and the item's page
shows it done. Every page passes axe-core with no serious violations; screenshots go to
tests/artifacts/. (tests/browser/test_staff_browser.py covers the rest of the workbench.)
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
from facilitation.tracking_access import LiveRoles
from facilitation.tracking_services import refer
from facilitation.units import Unit, UnitLevel
from tests.bot.messages import text
from tests.browser.harness import axe_violations, snap
from tests.fakes import FakeTranscriber
from yishitang.stage import Stage, free_port, staged

TOPIC = "村道硬化"
LIAISON = "李联络员"
ROAD, RIVER = "路灯", "清淤"  # the two suggestions: for the housing bureau, the water bureau
FIRST, SECOND = "关于村道硬化的协商纪要", "关于推进村道硬化的协商纪要"
REPLY = "路灯已列入明年改造计划，春节前安装到位。"
TZ = timezone(timedelta(hours=8))
WAIT_MS = 5_000


@pytest_asyncio.fixture(loop_scope="session")
async def stage(tmp_path: Path, db_url: str) -> AsyncIterator[Stage]:
    port = free_port()
    async with staged(tmp_path, database_url=db_url, transcriber=FakeTranscriber(),
                      web_port=port, web_url=f"http://127.0.0.1:{port}") as running:
        running.open_group("东头村议事堂", ["主持人", "张三", "小周", "小林", LIAISON])
        yield running


async def _held(stage: Stage) -> int:
    """A closed session with two suggestions; 小周 the hall's staff, 小林 its viewer."""
    assert stage.group is not None
    await stage.ask("主持人", f"/new {TOPIC}")
    await stage.ask("张三", "/signin")
    stage.say("张三", "建议村道两侧加装路灯，晚上太黑了。")
    stage.say("张三", "建议每季度把村口河道清淤一次。")
    await stage.settled()
    await stage.ask("主持人", "/end")
    for name, role in (("小周", Role.STAFF), ("小林", Role.VIEWER)):
        await grant_role(stage.runtime.uow(), by=Operator("root"), role=role,
                         hall_chat_id=stage.group.id, now=stage.clock(),
                         telegram_user_id=stage.person(name).id)
    async with stage.runtime.uow() as u:
        [session] = await u.sessions.recent(stage.group.id, limit=1)
    assert session.id is not None
    return session.id


async def _log_in(stage: Stage, page: Page, name: str, landing: str) -> str:
    """``name`` asks the bot for a link and opens it in a fresh browser; the site's address."""
    await page.context.clear_cookies()
    sent = text(await stage.ask(name, "/portal", stage.private(name)))
    link = re.search(r"(http://127\.0\.0\.1:\d+)/login/[A-Za-z0-9_-]+", sent)
    assert link is not None, sent
    await page.goto(link.group(0))
    await page.get_by_role("button").click()
    await expect(page).to_have_url(re.compile(re.escape(landing) + "$"), timeout=WAIT_MS)
    return link.group(1)


async def _checked(page: Page, name: str) -> None:
    assert await axe_violations(page) == [], name
    await snap(page, name)


async def _approve(page: Page, title: str) -> None:
    await page.get_by_label("改标题（留空恢复默认）").fill(title)
    await page.get_by_role("button", name="保存").click()
    await expect(page.get_by_test_id("doc-title")).to_have_text(title, timeout=WAIT_MS)
    await page.get_by_role("button", name="批准纪要").click()
    await expect(page.get_by_test_id("done")).to_have_text("已批准为新版本，事项已列入跟踪。",
                                                           timeout=WAIT_MS)


async def _staff_approve_twice(stage: Stage, page: Page, session_id: int, db: str) -> None:
    base = await _log_in(stage, page, "小周", "/staff")
    await page.goto(f"{base}/staff/s/{session_id}/draft")
    await expect(page.get_by_test_id("suggestions")).to_contain_text(ROAD, timeout=WAIT_MS)
    await _checked(page, f"roles-draft-{db}")
    await _approve(page, FIRST)
    await _approve(page, SECOND)
    await page.get_by_role("link", name="比较版本").click()
    await expect(page).to_have_url(re.compile(r"/versions\?a=1&b=2$"), timeout=WAIT_MS)
    diff = page.get_by_test_id("diff")
    await expect(diff.locator("del").filter(has_text=FIRST)).to_be_visible()
    await expect(diff.locator("ins").filter(has_text=SECOND)).to_be_visible()
    await _checked(page, f"roles-versions-{db}")


async def _referred(stage: Stage, session_id: int) -> dict[str, int]:
    """The approved suggestions, referred by 小周 (the bot's use case): the road's to the
    liaison's unit, the river's to a unit of its own. Their ids by ROAD and RIVER."""
    await stage.ask(LIAISON, "/start", stage.private(LIAISON))
    async with stage.runtime.uow() as u:
        await u.units.add(Unit("县住房和城乡建设局", UnitLevel.COUNTY, aliases=("县住建局",),
                               liaisons=(stage.person(LIAISON).id,)))
        await u.units.add(Unit("县水利局", UnitLevel.COUNTY))
        await u.commit()
        items = await u.tracked.for_session(session_id)
    ids = {word: next(i.id for i in items if word in i.text and i.id) for word in (ROAD, RIVER)}
    clerk = Actor(stage.person("小周").id, "小周")
    for word, unit in ((ROAD, "县住建局"), (RIVER, "县水利局")):
        await refer(stage.runtime.uow(), item_id=ids[word], unit=unit, deadline=None,
                    actor=clerk, roles=LiveRoles(), now=stage.clock(), tz=TZ)
    return ids


async def _viewer_reads(stage: Stage, page: Page, session_id: int, item: int, db: str) -> None:
    base = await _log_in(stage, page, "小林", "/staff")
    csrf = await page.locator('input[name="csrf"]').first.get_attribute("value")
    await page.get_by_role("link", name=TOPIC).click()
    await expect(page.get_by_test_id("transcript")).to_contain_text(ROAD, timeout=WAIT_MS)
    await expect(page.locator("main form")).to_have_count(0)
    await expect(page.get_by_test_id("edit-minutes")).to_have_count(0)
    await _checked(page, f"roles-viewer-session-{db}")
    await page.goto(f"{base}/staff/items/{item}")
    await expect(page.get_by_test_id("read-only")).to_be_visible(timeout=WAIT_MS)
    await expect(page.locator("main form")).to_have_count(0)
    await _checked(page, f"roles-viewer-item-{db}")
    for path, form in ((f"/staff/items/{item}/deadline", {"deadline": "2027-03-31",
                                                          "reason": "资金"}),
                       (f"/staff/s/{session_id}/draft/title", {"title": "改不了"})):
        refused = await page.request.post(base + path, form={"csrf": csrf or "", **form})
        assert refused.status == 403, path


async def _liaison_answers(stage: Stage, page: Page, ids: dict[str, int], db: str) -> None:
    base = await _log_in(stage, page, LIAISON, "/staff/items")
    board = page.get_by_test_id("items")
    await expect(board).to_contain_text(ROAD, timeout=WAIT_MS)
    await expect(board).not_to_contain_text(RIVER)
    await _checked(page, f"roles-liaison-board-{db}")
    await board.get_by_role("link", name=f"#{ids[ROAD]}").click()
    status = page.get_by_test_id("item-status")
    await expect(status).to_have_text("已交办", timeout=WAIT_MS)
    await _checked(page, f"roles-liaison-item-{db}")
    await page.get_by_role("button", name="接收").click()
    await expect(status).to_have_text("已接收", timeout=WAIT_MS)
    await page.get_by_label("办理答复").fill(REPLY)
    await page.get_by_role("button", name="办结答复").click()
    await expect(status).to_have_text("已办结", timeout=WAIT_MS)
    await expect(page.get_by_test_id("item-reply")).to_have_text(REPLY)
    await expect(page.get_by_test_id("history")).to_contain_text(LIAISON)
    await _checked(page, f"roles-liaison-done-{db}")
    other = await page.goto(f"{base}/staff/items/{ids[RIVER]}")  # another unit's
    assert other is not None and other.status == 404
    sessions = await page.goto(f"{base}/staff")  # not for a liaison, who stays logged in
    assert sessions is not None and sessions.status == 403
    await expect(page.get_by_test_id("error")).to_contain_text("联络员")
    await _checked(page, f"roles-liaison-refused-{db}")


async def test_staff_viewer_and_liaison_each_do_what_their_role_allows(
        stage: Stage, page: Page, request: pytest.FixtureRequest) -> None:
    db = request.node.callspec.params["db_url"]
    session_id = await _held(stage)
    await _staff_approve_twice(stage, page, session_id, db)
    ids = await _referred(stage, session_id)
    await _viewer_reads(stage, page, session_id, ids[ROAD], db)
    await _liaison_answers(stage, page, ids, db)
