"""/portal through the real bot over the Bot API sandbox, with its web app: someone with a
role gets a one-time link privately (no link preview), and it logs them in to /staff with
their halls' sessions; someone without a role is told whom to ask; a group gets no link."""

from __future__ import annotations

import json
import re
from pathlib import Path

import aiohttp

from facilitation.audit import Operator
from facilitation.roles import Role, grant_role
from tests.bot.messages import text
from tests.fakes import FakeTranscriber
from yishitang.stage import free_port, staged

OFFICE_ID = 1000801


async def test_portal_sends_a_link_that_logs_in_to_the_staff_pages(tmp_path: Path,
                                                                  db_url: str) -> None:
    port = free_port()
    async with staged(tmp_path, database_url=db_url, transcriber=FakeTranscriber(),
                      web_port=port, web_url=f"http://127.0.0.1:{port}",
                      staff_user_ids=[OFFICE_ID]) as stage:
        stage.person("办公室", user_id=OFFICE_ID)
        group = stage.open_group("东头村议事堂", ["主持人", "小林", "李四"])
        await stage.ask("主持人", "/new 村道硬化")
        await grant_role(stage.runtime.uow(), by=Operator("root"), role=Role.VIEWER,
                         hall_chat_id=group.id, now=stage.clock(),
                         telegram_user_id=stage.person("小林").id)

        refused = text(await stage.ask("李四", "/portal", stage.private("李四")))
        assert "还没有工作台权限" in refused and "/login/" not in refused
        in_group = text(await stage.ask("小林", "/portal"))
        assert "/login/" not in in_group  # a key is never posted in a group

        sent = await stage.ask("小林", "/portal", stage.private("小林"))
        link = re.search(rf"http://127.0.0.1:{port}(/login/[A-Za-z0-9_-]+)", text(sent))
        assert link is not None, text(sent)
        call = await stage.sandbox.wait_for_call(
            "sendMessage", lambda c: "/login/" in str(c.param("text")), timeout=10)
        preview = call.param("link_preview_options")
        options = json.loads(preview) if isinstance(preview, str) else preview
        assert options == {"is_disabled": True}
        office = text(await stage.ask("办公室", "/portal", stage.private("办公室")))
        assert "/login/" in office  # the bootstrap list's admin, without any grant

        async with aiohttp.ClientSession(f"http://127.0.0.1:{port}",
                                         cookie_jar=aiohttp.CookieJar(unsafe=True)) as web:
            async with web.get(link.group(1)) as page:
                assert page.status == 200 and "登录" in await page.text()
            async with web.post(link.group(1)) as page:  # follows the redirect to /staff
                html = await page.text()
                assert page.status == 200 and page.url.path == "/staff"
                assert "村道硬化" in html and "东头村议事堂" in html
            async with web.post(link.group(1), allow_redirects=False) as page:
                assert page.status == 404  # once only
