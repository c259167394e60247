"""The JSON API (portal/api.py) over real HTTP on both databases: the staff's web login as
its credential (401 in JSON without it, never a redirect), the workbench's rules (a viewer
sees their hall's sessions, another hall's is 404; a liaison their unit's items; a draft is
its editors'), parameters as the OpenAPI document describes them (else 400), and the public
minutes naming no resident."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from facilitation.ports import TrackingUnitOfWorkFactory
from facilitation.roles import Role, revoke_role
from facilitation.services import Actor
from facilitation.tracking import Conversion
from facilitation.tracking_access import LiveRoles
from facilitation.tracking_services import convert
from portal.app import build_web_app
from storage.engine import make_engine
from storage.uow import make_uow_factory
from tests.portal.api_seed import (
    ACTION_A,
    ADMIN,
    CLERK,
    LIAISON,
    ROOT,
    START,
    SUGGESTION_A,
    SUGGESTION_B,
    VIEWER,
    B,
    Seeded,
    log_in,
    seed,
    web_deps,
)
from transcripts.minutes.privacy import find_leaks
from transcripts.minutes.render_json import minutes_from_json

ROOT_DIR = Path(__file__).parents[2]
MINUTES_SCHEMA = json.loads((ROOT_DIR / "yishitang" / "schemas" / "minutes.schema.json")
                            .read_text("utf-8"))


@dataclass
class Api:
    uow: TrackingUnitOfWorkFactory
    client: TestClient[web.Request, web.Application]
    seeded: Seeded

    async def as_(self, actor: Actor) -> None:
        await log_in(self.uow, self.client, actor)

    async def get(self, path: str) -> tuple[int, Any]:
        response = await self.client.get(path, allow_redirects=False)
        assert response.content_type == "application/json", (path, response.status)
        return response.status, await response.json()


@pytest.fixture
async def api(db_url: str) -> AsyncIterator[Api]:
    engine = make_engine(db_url)
    uow = make_uow_factory(engine)
    client = TestClient(TestServer(build_web_app(web_deps(uow)), host="127.0.0.1"))
    try:
        seeded = await seed(uow)
        await client.start_server()
        yield Api(uow, client, seeded)
    finally:
        await client.close()
        await engine.dispose()


ENDPOINTS = ("/api/sessions", "/api/sessions/1", "/api/sessions/1/minutes", "/api/items",
             "/api/items/1", "/api/figures")


async def test_without_a_login_every_endpoint_is_401_json(api: Api) -> None:
    for path in ENDPOINTS:
        status, body = await api.get(path)
        assert status == 401 and body["error"] == "api_login_needed", path
        assert "/portal" in body["message"]
    forged = await api.client.get("/api/sessions", headers={"Cookie": "yst_staff=forged"})
    assert forged.status == 401 and "Location" not in forged.headers
    status, document = await api.get("/api/openapi.json")  # the description is public
    assert status == 200 and document["openapi"].startswith("3.")
    assert set(document["paths"]) == {*ENDPOINTS[:1], "/api/sessions/{session}",
                                      "/api/sessions/{session}/minutes", "/api/items",
                                      "/api/items/{item}", "/api/figures",
                                      "/api/openapi.json"}


def _topics(body: dict[str, Any]) -> list[str]:
    return [s["topic"] for s in body["sessions"]]


async def test_a_viewer_sees_their_halls_sessions_and_not_another_halls(api: Api) -> None:
    await api.as_(VIEWER)  # hall A
    status, body = await api.get("/api/sessions")
    assert status == 200 and _topics(body) == ["垃圾分类", "村道硬化"]  # newest first
    assert [h["name"] for h in body["halls"]] == ["东头村议事堂"]
    assert _topics((await api.get("/api/sessions?state=signin_open"))[1]) == []
    assert _topics((await api.get(f"/api/sessions?hall={B}"))[1]) == []
    status, body = await api.get(f"/api/sessions/{api.seeded.approved}")
    assert status == 200 and body["session"]["topic"] == "村道硬化"
    assert body["session"]["minutes_version"] == 1
    assert [(a["name"], a["kind"]) for a in body["attendance"]["people"]] == [
        ("主持人老李", "moderator"), ("张秀英", "resident")]
    for hidden in (api.seeded.open, 99999, 2**31 - 1):  # hall B's, and no session at all
        status, body = await api.get(f"/api/sessions/{hidden}")
        assert (status, body["error"]) == (404, "no_session"), hidden
    assert (await api.get(f"/api/sessions/{api.seeded.open}/minutes"))[0] == 404


async def test_a_session_shows_turns_marks_and_the_ones_to_check(api: Api) -> None:
    await api.as_(CLERK)  # staff of hall B
    status, body = await api.get("/api/sessions")
    assert status == 200 and _topics(body) == ["河道清淤"]
    assert body["sessions"][0]["signed_in"] == 2 and body["sessions"][0]["hall_chat_id"] == B
    status, body = await api.get(f"/api/sessions/{api.seeded.open}")
    assert status == 200 and body["to_check"] == 1
    assert [(t["seq"], t["speaker"], t["source"], t["marks"], t["to_check"])
            for t in body["turns"]] == [(1, "李大姐", "text", ["suggestion"], False),
                                        (2, "李大姐", "voice", [], True)]
    assert body["turns"][1]["text"] == "河道里淤泥有三尺厚"
    assert body["turns"][0]["at"] == "2026-12-07T07:00:00+08:00"  # the halls' time


async def test_bad_parameters_are_400_json(api: Api) -> None:
    await api.as_(ADMIN)
    for path in ("/api/sessions?state=nonsense", "/api/sessions?hall=x1",
                 "/api/sessions/0", "/api/sessions/abc", f"/api/sessions/{2**31}",
                 "/api/sessions/1/minutes?public=yes", "/api/items?page=0",
                 "/api/items?unit=-3", "/api/items?overdue=maybe",
                 "/api/figures?period=2026Q9", "/api/figures?period=", "/api/items/1.5",
                 "/api/figures?hall=" + "村" * 61, "/api/sessions?period=2026Q9",
                 "/api/sessions?period=26", "/api/sessions?period=", "/api/items?state=open",
                 "/api/items?state=DONE"):
        status, body = await api.get(path)
        assert (status, body["error"]) == (400, "api_bad_parameter"), path
    status, body = await api.get("/api/nothing")
    assert (status, body["error"]) == (404, "not_found")
    refused = await api.client.post("/api/sessions")
    assert refused.status == 405 and (await refused.json())["error"] == "api_read_only"
    assert "GET" in refused.headers["Allow"]


async def test_minutes_by_the_downloads_rule_and_the_public_version_names_no_resident(
        api: Api) -> None:
    seeded = api.seeded
    await api.as_(VIEWER)  # hall A's viewer: no draft, the approved minutes
    for path in (f"/api/sessions/{seeded.draft}/minutes",
                 f"/api/sessions/{seeded.draft}/minutes?public=true",
                 f"/api/sessions/{seeded.open}/minutes", "/api/sessions/99999/minutes"):
        status, body = await api.get(path)  # all alike: nothing to tell a stranger either
        assert (status, body["error"]) == (404, "api_minutes_not_found"), path
    status, full = await api.get(f"/api/sessions/{seeded.approved}/minutes")
    assert status == 200 and full["version"] == 1 and full["status"] == "approved"
    jsonschema.validate(full, MINUTES_SCHEMA)
    assert {"张秀英", "东头村三组"} <= {a["name"] for a in full["transcript"]["attendance"]} | {
        a.get("unit") for a in full["transcript"]["attendance"]}
    status, public = await api.get(f"/api/sessions/{seeded.approved}/minutes?public=1")
    assert status == 200 and public["extra"]["public"] is True
    jsonschema.validate(public, MINUTES_SCHEMA)
    text = json.dumps(public, ensure_ascii=False)
    assert find_leaks(text, minutes_from_json(full).transcript) == []
    assert "张秀英" not in text and "秀英" not in text and "东头村三组" not in text  # her unit
    await api.as_(CLERK)  # staff of hall B: the draft of hall A's session is not theirs
    assert (await api.get(f"/api/sessions/{seeded.draft}/minutes"))[0] == 404
    await api.as_(ADMIN)  # an editor reads the draft
    status, draft = await api.get(f"/api/sessions/{seeded.draft}/minutes")
    assert status == 200 and draft["version"] is None and draft["session"]["topic"] == "垃圾分类"


def _texts(body: dict[str, Any]) -> list[str]:
    return [i["text"] for i in body["items"]]


async def test_a_liaison_sees_only_their_units_items(api: Api) -> None:
    items = api.seeded.items
    await api.as_(LIAISON)
    status, body = await api.get("/api/items")
    assert status == 200 and _texts(body) == [ACTION_A] and body["can_manage"] is False
    assert body["items"][0]["overdue"] is True and body["items"][0]["unit"] == "县住房和城乡建设局"
    status, item = await api.get(f"/api/items/{items[ACTION_A]}")
    assert status == 200 and item["item"]["unit_name"] == "县住建局"
    assert [line["kind"] for line in item["history"]] == ["created"]
    for other in (SUGGESTION_A, SUGGESTION_B):
        status, body = await api.get(f"/api/items/{items[other]}")
        assert (status, body["error"]) == (404, "item_not_found")
    await api.as_(VIEWER)  # hall A's viewer: its two items, overdue first
    status, body = await api.get("/api/items")
    assert _texts(body) == [ACTION_A, SUGGESTION_A]
    assert _texts((await api.get("/api/items?overdue=true"))[1]) == [ACTION_A]
    unit = body["items"][0]["unit_id"]
    status, body = await api.get(f"/api/items?unit={unit}")
    assert _texts(body) == [ACTION_A] and body["unit"] == {"id": unit, "name": "县住房和城乡建设局"}
    status, body = await api.get("/api/items?unit=99999")
    assert (status, body["error"]) == (404, "unit_not_found")
    status, item = await api.get(f"/api/items/{items[SUGGESTION_A]}")
    assert status == 200 and "张秀英" not in json.dumps(item, ensure_ascii=False)  # as the page


async def test_sessions_of_a_period_and_items_of_a_state_within_ones_halls(api: Api) -> None:
    await api.as_(VIEWER)  # hall A
    assert _topics((await api.get("/api/sessions?period=2026-12"))[1]) == ["垃圾分类", "村道硬化"]
    assert _topics((await api.get("/api/sessions?period=2026Q4&state=closed"))[1]) == [
        "垃圾分类", "村道硬化"]
    assert _topics((await api.get("/api/sessions?period=2025"))[1]) == []
    assert _topics((await api.get(f"/api/sessions?period=2026&hall={B}"))[1]) == []
    await convert(api.uow(), item_id=api.seeded.items[SUGGESTION_A], kind=Conversion.PROPOSAL,
                  reference=None, actor=replace(ADMIN, config_admin=True), roles=LiveRoles(),
                  now=START)
    assert _texts((await api.get("/api/items"))[1]) == [ACTION_A]  # the open ones
    status, body = await api.get("/api/items?state=converted")
    assert status == 200 and _texts(body) == [SUGGESTION_A] and body["total"] == 1
    assert _texts((await api.get("/api/items?state=referred&overdue=1"))[1]) == [ACTION_A]
    await api.as_(CLERK)  # staff of hall B
    assert _topics((await api.get("/api/sessions?period=2026-12"))[1]) == ["河道清淤"]
    assert _texts((await api.get("/api/items?state=converted"))[1]) == []
    assert _texts((await api.get("/api/items?state=pending"))[1]) == [SUGGESTION_B]
    await api.as_(LIAISON)  # their unit's items only, in any state
    assert _texts((await api.get("/api/items?state=converted"))[1]) == []
    assert _texts((await api.get("/api/items?state=referred"))[1]) == [ACTION_A]


async def test_figures_of_ones_halls_and_a_role_revoked_counts_at_once(api: Api) -> None:
    await api.as_(CLERK)
    status, body = await api.get("/api/figures?period=2026")
    assert status == 200 and body["period"] == {"label": "2026", "first": "2026-01-01",
                                                "end": "2027-01-01"}
    assert [line["name"] for line in body["halls"]] == ["西头村议事堂"]
    assert body["total"]["figures"]["suggestions"] == 1
    status, body = await api.get("/api/figures?period=2026&hall=东头村议事堂")
    assert (status, body["error"]) == (404, "figures_hall_unknown")
    await revoke_role(api.uow(), by=ROOT, role=Role.STAFF, hall_chat_id=B, now=START,
                      telegram_user_id=CLERK.user_id)
    status, body = await api.get("/api/figures")
    assert (status, body["error"]) == (403, "staff_no_role")
    assert (await api.get("/api/figures"))[0] == 401  # the web session ended with it
