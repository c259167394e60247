"""A unit's liaison (联络员) on the workbench (portal/login.py, portal/staff_items.py) through
aiohttp's test client, on both databases: with no role, /portal's link lets them in onto the
follow-up board, which shows their unit's items only; they accept, note progress and reply
there as with the bot's buttons; every other page refuses them (403), another unit's item is
not found, and taken off their unit they are refused at the next request."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta, timezone
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.catalog import t
from facilitation.errors import PermissionDenied
from facilitation.model import Person
from facilitation.services import Actor
from facilitation.staff_desk import issue_login_link
from facilitation.tracking import Satisfaction, Who
from facilitation.tracking_access import LiveRoles
from facilitation.tracking_services import accept, refer, reply
from facilitation.tracking_units import add_liaison, add_unit
from facilitation.units import UnitLevel
from portal.app import RoomDeps, WebDeps, build_web_app
from storage.engine import make_engine
from storage.uow import make_uow_factory
from tests.portal.test_staff import (
    ADMIN,
    START,
    A,
    B,
    Clock,
    Desk,
    _closed_session_id,
    _csrf,
    _history,
    _item_id,
    _items,
    _session,
    _tracked,
)

LIAISON = Actor(800000030, "住建局联络员")
OFFICE = replace(ADMIN, config_admin=True)
TZ = timezone(timedelta(hours=8))
HOUSING = "县住建局完成村道硬化设计"  # hall A, with the county housing bureau
WATER = "建议每季度清淤一次。"  # hall B, referred to the water bureau
PENDING = "建议村道两侧加装路灯。"  # hall A, with no unit yet
# every page of the workbench but the follow-up board ({s}: hall A's closed session)
STAFF_PAGES = ("/staff", "/staff/s/{s}", "/staff/s/{s}/draft", "/staff/s/{s}/versions?a=1&b=2",
               "/staff/s/{s}/minutes.md", "/staff/search?q=路灯", "/staff/figures",
               "/staff/figures/summary.xlsx", "/staff/halls", "/staff/units",
               "/staff/showcase", "/staff/admin/roles", "/staff/admin/audit",
               "/staff/admin/people")


@pytest.fixture
async def desk(db_url: str, tmp_path: Path) -> AsyncIterator[Desk]:
    engine = make_engine(db_url)
    uow = make_uow_factory(engine)
    await _session(uow, A, "AAAA2345", "村道硬化", "东头村议事堂", START - timedelta(days=2),
                   close=True)
    await _session(uow, B, "BBBB2345", "河道清淤", "西头村议事堂", START - timedelta(hours=3))
    await _tracked(uow)
    await add_unit(uow(), name="县水利局", level=UnitLevel.COUNTY, actor=OFFICE,
                   roles=LiveRoles(), now=START, tz=TZ)
    await add_liaison(uow(), unit="县住建局", telegram_user_id=LIAISON.user_id, actor=OFFICE,
                      roles=LiveRoles())
    woken: list[int] = []
    clock = Clock()
    deps = WebDeps(uow, clock, poll_s=30.0, room=RoomDeps(
        t, staff_user_ids=frozenset({ADMIN.user_id}), session_key=b"k" * 32,
        on_item_change=lambda: woken.append(1), audio_dir=tmp_path / "audio"))
    client = TestClient(TestServer(build_web_app(deps)))
    await client.start_server()
    try:
        desk = Desk(uow, clock, client, woken=woken)
        await refer(uow(), item_id=await _item_id(desk, WATER), unit="县水利局", deadline=None,
                    actor=OFFICE, roles=LiveRoles(), now=START, tz=TZ)
        yield desk
    finally:
        await client.close()
        await engine.dispose()


async def _log_in(desk: Desk) -> None:
    response = await desk.client.post(await desk.link(LIAISON), allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/staff/items"


async def test_a_liaison_logs_in_by_the_link_and_sees_only_their_units_items(
        desk: Desk) -> None:
    await _log_in(desk)
    status, html = await desk.page("/staff/items")
    assert status == 200 and [text for _, text in _items(html)] == [HOUSING]
    assert 'href="/staff/s/' not in html and 'href="/staff"' not in html  # nothing refused
    assert t("zh", "staff_role_liaison") in html and 'action="/logout"' in html
    housing = await _item_id(desk, HOUSING)
    status, html = await desk.page(f"/staff/items/{housing}")
    assert status == 200 and 'data-testid="form-accept"' in html
    assert 'data-testid="form-refer"' not in html and 'href="/staff/s/' not in html
    for other in (WATER, PENDING):  # another unit's, and one with no unit: "not found"
        status, html = await desk.page(f"/staff/items/{await _item_id(desk, other)}")
        assert status == 404 and other not in html
    status, body = await desk.page(f"/api/items/{housing}")
    assert status == 200 and json.loads(body)["item"]["text"] == HOUSING
    status, body = await desk.page("/api/items")
    assert status == 200 and [i["text"] for i in json.loads(body)["items"]] == [HOUSING]


async def test_every_other_page_refuses_a_liaison_who_stays_logged_in(desk: Desk) -> None:
    await _log_in(desk)
    session_id = await _closed_session_id(desk)
    for path in (p.format(s=session_id) for p in STAFF_PAGES):
        status, html = await desk.page(path)
        assert status == 403, path
        assert t("zh", "staff_liaison_only") in html and "村道硬化" not in html, path
    status, body = await desk.page("/api/sessions")
    assert (status, json.loads(body)["error"]) == (403, "staff_liaison_only")
    assert (await desk.page("/staff/items"))[0] == 200  # still logged in


async def test_a_liaison_accepts_notes_progress_and_replies_on_the_web(desk: Desk) -> None:
    housing, water = await _item_id(desk, HOUSING), await _item_id(desk, WATER)
    await _log_in(desk)
    _, html = await desk.page(f"/staff/items/{housing}")
    csrf = _csrf(html)
    staff_only = await desk.client.post(f"/staff/items/{housing}/deadline", data={
        "csrf": csrf, "deadline": "2027-02-28", "reason": "资金"})
    assert staff_only.status == 403 and t("zh", "not_staff") in await staff_only.text()
    assert (await desk.client.post(f"/staff/items/{water}/accept", data={"csrf": csrf})
            ).status == 404  # another unit's: nothing told, nothing done
    done = await desk.client.post(f"/staff/items/{housing}/accept", data={"csrf": csrf},
                                  allow_redirects=False)
    assert done.headers["Location"] == f"/staff/items/{housing}?done=accept"
    _, html = await desk.page(done.headers["Location"])
    assert re.search(r'data-testid="item-status">已接收<', html)
    assert 'data-testid="form-accept"' not in html and 'data-testid="form-answer"' in html
    await desk.client.post(f"/staff/items/{housing}/progress", data={
        "csrf": csrf, "note": "设计单位已进场勘察。"})
    empty = await desk.client.post(f"/staff/items/{housing}/answer", data={
        "csrf": csrf, "text": ""})
    assert empty.status == 400 and t("zh", "item_reply_empty") in await empty.text()
    replied = await desk.client.post(f"/staff/items/{housing}/answer", data={
        "csrf": csrf, "text": "设计方案已完成，年底前开工。"})
    html = await replied.text()
    assert replied.status == 200 and re.search(r'data-testid="item-status">已办结<', html)
    assert "设计单位已进场勘察" in html and "设计方案已完成，年底前开工。" in html
    assert _history(html)[-3:] == [("accepted", LIAISON.display_name),
                                   ("progress", LIAISON.display_name),
                                   ("replied", LIAISON.display_name)]
    assert desk.woken == [1, 1, 1]  # the proposer hears of it in the bot
    async with desk.uow() as uow:
        stored = await uow.tracked.get(water)
    assert stored is not None and stored.status.value == "referred"


async def test_a_liaison_taken_off_their_unit_is_refused_at_the_next_request(
        desk: Desk) -> None:
    await _log_in(desk)
    assert (await desk.page("/staff/items"))[0] == 200
    async with desk.uow() as uow:
        [unit] = await uow.units.by_liaison(LIAISON.user_id)
        unit.remove_liaison(LIAISON.user_id)
        await uow.units.save(unit)
        await uow.commit()
    status, html = await desk.page("/staff/items")
    assert status == 403 and t("zh", "staff_no_role") in html
    assert (await desk.page("/staff/items"))[0] == 303  # the web session ended with it
    with pytest.raises(PermissionDenied):  # and /portal sends no link any more
        await issue_login_link(desk.uow(), LIAISON, bootstrap_ids=(), now=START)


async def test_a_liaison_reads_that_the_proposer_rated_the_reply_not_who(desk: Desk) -> None:
    """As in the bot, the unit's side is not told who proposed: the rating's line in the
    history says 提出人 to a liaison; the hall's staff read the name."""
    housing = await _item_id(desk, HOUSING)
    await accept(desk.uow(), item_id=housing, actor=LIAISON, roles=LiveRoles(), now=START)
    await reply(desk.uow(), item_id=housing, text="设计已完成。", actor=LIAISON,
                roles=LiveRoles(), now=START)
    async with desk.uow() as uow:
        proposer = await uow.people.add(Person("王秀英", telegram_user_id=800000040))
        item = await uow.tracked.get(housing)
        assert item is not None
        item.evaluate(Satisfaction.SATISFIED, who=Who(person_id=proposer.id), at=START)
        await uow.tracked.save(item)
        await uow.commit()
    await _log_in(desk)
    _, html = await desk.page(f"/staff/items/{housing}")
    assert _history(html)[-1] == ("evaluated", t("zh", "staff_who_proposer"))
    assert "王秀英" not in html
    other = await desk.other_browser()
    try:
        await desk.log_in(ADMIN, other)
        html = await (await other.get(f"/staff/items/{housing}")).text()
        assert _history(html)[-1] == ("evaluated", "王秀英")
    finally:
        await other.close()
