"""A hall's glossary and town on `/staff/halls` (portal/halls.py), over real HTTP on both
databases: the hall's staff set them between sessions through the bot's /glossary use case and
documents.set_hall_town, the stored values and the audit log change, and the figures page then
counts the hall under its new town; another hall's staff and a viewer are refused as the
document settings are (403), and too many words are refused with the bot's words, what was
typed kept on the page."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.catalog import t
from facilitation.audit import AuditAction, Operator
from facilitation.errors import InvalidInput, describe
from facilitation.roles import Role, grant_role
from facilitation.services import GLOSSARY_MAX_WORDS
from portal.app import RoomDeps, WebDeps, build_web_app
from storage.audio_files import FolderAudioFiles
from storage.engine import make_engine
from storage.uow import make_uow_factory
from tests.portal.test_staff import ADMIN, CLERK, START, VIEWER, A, B, Clock, Desk, _csrf, _session


@pytest.fixture
async def desk(db_url: str, tmp_path: Path) -> AsyncIterator[Desk]:
    """Both halls between sessions (none open): only staff may set their settings now."""
    engine = make_engine(db_url)
    uow = make_uow_factory(engine)
    await _session(uow, A, "AAAA2345", "村道硬化", "东头村议事堂", START - timedelta(days=2),
                   close=True)
    await _session(uow, B, "BBBB2345", "河道清淤", "西头村议事堂", START - timedelta(hours=3),
                   close=True)
    await grant_role(uow(), by=Operator("root"), role=Role.VIEWER, hall_chat_id=A, now=START,
                     telegram_user_id=VIEWER.user_id)
    await grant_role(uow(), by=Operator("root"), role=Role.STAFF, hall_chat_id=B, now=START,
                     telegram_user_id=CLERK.user_id)
    clock = Clock()
    deps = WebDeps(uow, clock, poll_s=30.0, room=RoomDeps(
        t, staff_user_ids=frozenset({ADMIN.user_id}), session_key=b"k" * 32,
        audio_dir=tmp_path / "audio", audio_files=FolderAudioFiles(tmp_path / "audio")))
    client = TestClient(TestServer(build_web_app(deps)))
    await client.start_server()
    try:
        yield Desk(uow, clock, client, audio_dir=tmp_path / "audio")
    finally:
        await client.close()
        await engine.dispose()


def _said(error: InvalidInput) -> str:
    return describe(t, "zh", error)


async def test_staff_set_their_halls_glossary_and_town_and_the_figures_follow(
        desk: Desk) -> None:
    await desk.log_in(CLERK)  # staff of hall B only
    status, html = await desk.page("/staff/halls")
    assert status == 200 and re.findall(r'data-hall="(-?\d+)"', html) == [str(B)]
    assert f'data-testid="chat-id">{B}<' in html
    assert 'data-testid="hall-name">西头村议事堂<' in html
    assert 'placeholder="未分镇"' in html  # no town in its name: 未分镇 until one is set
    csrf = _csrf(html)
    assert (await desk.page("/staff/figures?period=2026&hall=西头镇"))[0] == 404

    saved = await desk.client.post(f"/staff/halls/{B}/glossary", data={
        "csrf": csrf, "glossary": "西头镇\r\n县住建局、西头镇，河长办, 清淤"},
        allow_redirects=False)
    assert saved.status == 303
    assert saved.headers["Location"] == f"/staff/halls?done=glossary#hall{B}"
    placed = await desk.client.post(f"/staff/halls/{B}/town", data={
        "csrf": csrf, "town": " 西头镇 "}, allow_redirects=False)
    assert placed.status == 303
    assert placed.headers["Location"] == f"/staff/halls?done=town#hall{B}"
    async with desk.uow() as uow:
        assert await uow.halls.glossary(B) == ("西头镇", "县住建局", "河长办", "清淤")
        assert await uow.halls.town(B) == "西头镇"
        logged = [(e.action, e.chat_id, e.session_id, e.detail)
                  for e in await uow.audit.entries(limit=100)]
    assert (AuditAction.GLOSSARY, B, None, {"words": 4}) in logged
    assert (AuditAction.TOWN, B, None, {"set": True}) in logged

    _, html = await desk.page("/staff/halls?done=town")
    assert "西头镇\n县住建局\n河长办\n清淤</textarea>" in html
    assert 'name="town" type="text" value="西头镇"' in html
    status, figures = await desk.page("/staff/figures?period=2026&hall=西头镇")
    assert status == 200 and 'data-testid="figures-head">西头镇 · ' in figures

    cleared = await desk.client.post(f"/staff/halls/{B}/town", data={"csrf": csrf, "town": ""})
    assert cleared.status == 200  # followed back to the page
    async with desk.uow() as uow:
        assert await uow.halls.town(B) is None  # derived from its name again
        assert (await uow.audit.entries())[-1].detail == {"set": False}  # oldest first


async def test_an_admin_sees_every_halls_group_and_settings(desk: Desk) -> None:
    async with desk.uow() as uow:
        await uow.halls.set_glossary(A, ["东头村"])
        await uow.commit()
    await desk.log_in(ADMIN)
    status, html = await desk.page("/staff/halls")
    assert status == 200 and re.findall(r'data-hall="(-?\d+)"', html) == [str(A), str(B)]
    assert f'data-testid="chat-id">{A}<' in html and "东头村</textarea>" in html


async def test_other_halls_staff_and_viewers_are_refused_and_limits_are_the_bots(
        desk: Desk) -> None:
    await desk.log_in(CLERK)
    csrf = _csrf((await desk.page("/staff/halls"))[1])
    for path, field in ((f"/staff/halls/{A}/glossary", "glossary"),
                        (f"/staff/halls/{A}/town", "town")):
        refused = await desk.client.post(path, data={"csrf": csrf, field: "冒名镇"})
        assert refused.status == 403, path
    too_many = "\n".join(f"词{n}" for n in range(GLOSSARY_MAX_WORDS + 1))
    refused = await desk.client.post(f"/staff/halls/{B}/glossary", data={
        "csrf": csrf, "glossary": too_many})
    html = await refused.text()
    assert refused.status == 400 and _said(InvalidInput(
        "too_long", field="glossary", limit=GLOSSARY_MAX_WORDS,
        length=GLOSSARY_MAX_WORDS + 1)) in html
    assert f">{too_many}</textarea>" in html  # what was typed is kept
    long_town = "镇" * 31
    refused = await desk.client.post(f"/staff/halls/{B}/town", data={
        "csrf": csrf, "town": long_town})
    html = await refused.text()
    assert refused.status == 400 and "所属乡镇太长了" in html and f'value="{long_town}"' in html

    viewer = await desk.other_browser()
    try:
        await desk.log_in(VIEWER, viewer)  # a viewer of hall A
        assert (await viewer.get("/staff/halls")).status == 403
        token = _csrf(await (await viewer.get("/staff")).text())
        for path, field in ((f"/staff/halls/{A}/glossary", "glossary"),
                            (f"/staff/halls/{A}/town", "town")):
            assert (await viewer.post(path, data={"csrf": token, field: "东头镇"})).status == 403
    finally:
        await viewer.close()
    async with desk.uow() as uow:
        assert await uow.halls.glossary(A) == () and await uow.halls.town(A) is None
        assert await uow.halls.glossary(B) == ()
        logged = {e.action for e in await uow.audit.entries(limit=100)}
    assert not logged & {AuditAction.GLOSSARY, AuditAction.TOWN}
