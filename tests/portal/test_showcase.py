"""The public showcase (portal/showcase.py) and its side of the workbench
(portal/showcase_desk.py), through aiohttp's test client on both databases: a hall appears
only once the office opts it in; the five sections; public minutes only, with settled items
and the units' replies; no resident named on any public page (the privacy checker reads every
one); Markdown pages without raw HTML; consent to be listed; who may change what."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, timezone
from html import unescape
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.catalog import t
from facilitation import floor, minutes, record, services, showcase
from facilitation.access import Place
from facilitation.audit import Operator
from facilitation.model import Mark
from facilitation.people import PersonRef, forget_person
from facilitation.ports import TrackingUnitOfWorkFactory
from facilitation.roles import Role, grant_role
from facilitation.services import Actor
from facilitation.showcase_model import SessionPhoto
from facilitation.staff_desk import issue_login_link
from facilitation.tracking_access import LiveRoles
from facilitation.tracking_services import record_reply, refer, track_approved
from facilitation.tracking_units import add_unit
from facilitation.units import UnitLevel
from portal.app import RoomDeps, WebDeps, build_web_app
from portal.markdown import to_html
from storage.audio_files import FolderAudioFiles
from storage.engine import make_engine
from storage.uow import make_uow_factory
from transcripts.minutes.drafts import approve_draft, readable_minutes
from transcripts.minutes.privacy import find_leaks

A, B = -100701, -100702
START = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
TZ = ZoneInfo("Asia/Shanghai")
ADMIN = Actor(810000001, "办公室老陈")
CLERK = Actor(810000003, "工作人员小周")  # staff of hall B only
MODERATOR = Actor(810000009, "主持人老李")
RESIDENT = Actor(810000020, "张秀英")
ROOT_ADMIN = replace(ADMIN, config_admin=True)
PUBLIC_PAGES = ("/", "/org", "/rules", "/plan", "/gallery", "/results")
# what the moderator typed: the resident's name and phone are in it
TOPIC = "张秀英家门口的村道路灯（电话13812345678）"
# a tiny JPEG (1x1), as a moderator's photo kept in the data folder
JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d0c0b"
    "0b0c1912130f141d1a1f1e1d1a1c1c20242e2720222c231c1c2837292c30313434341f27393d38323c2e3334"
    "32ffc0000b080001000101011100ffc4001f0000010501010101010100000000000000000102030405060708"
    "090a0bffc400b5100002010303020403050504040000017d01020300041105122131410613516107227114"
    "328191a1082342b1c11552d1f02433627282090a161718191a25262728292a3435363738393a434445464748"
    "494a535455565758595a636465666768696a737475767778797a838485868788898a92939495969798999a"
    "a2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7"
    "e8e9eaf1f2f3f4f5f6f7f8f9faffda0008010100003f00fbd0ffd9")


@dataclass
class Clock:
    now: datetime = START

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Site:
    uow: TrackingUnitOfWorkFactory
    client: TestClient
    photo_dir: Path
    closed_a: int  # hall A's closed session, with a resident's suggestion

    async def log_in(self, actor: Actor) -> None:
        token = await issue_login_link(self.uow(), actor, bootstrap_ids={ADMIN.user_id},
                                       now=START)
        response = await self.client.post(f"/login/{token}", allow_redirects=False)
        assert response.status == 303

    async def page(self, path: str) -> tuple[int, str]:
        response = await self.client.get(path, allow_redirects=False)
        return response.status, await response.text()

    async def csrf(self) -> str:
        _, html = await self.page("/staff/showcase")
        found = re.search(r'name="csrf" value="([^"]+)"', html)
        assert found is not None
        return found.group(1)

    async def post(self, path: str, **data: str) -> tuple[int, str]:
        response = await self.client.post(path, data={"csrf": await self.csrf(), **data},
                                          allow_redirects=False)
        return response.status, await response.text()


async def _closed_session_with_a_resident(uow: TrackingUnitOfWorkFactory) -> int:
    """Hall A: a resident signs in and says a suggestion with her name and phone; the
    moderator marks it; the session closes."""
    at = START - timedelta(days=3)
    await services.open_session(uow(), chat_id=A, topic=TOPIC, actor=MODERATOR, now=at,
                                new_code=lambda: "SHOW2345", turn_limit_s=180,
                                hall="东头村议事堂 联系13812345678")
    await services.sign_in(uow(), actor=RESIDENT, now=at, chat_id=A)
    typed = await record.record_group_text(
        uow(), chat_id=A, actor=RESIDENT, now=at,
        text="我是张秀英，建议村道两侧加装路灯，有事打我电话13812345678。")
    assert typed is not None
    await minutes.toggle_mark(uow(), contribution_id=typed.contribution.id,
                              mark=Mark.SUGGESTION, actor=MODERATOR)
    closed = await floor.close_session(uow(), chat_id=A, actor=MODERATOR, now=at)
    assert closed.session.id is not None
    return closed.session.id


async def _settled_item(uow: TrackingUnitOfWorkFactory, session_id: int) -> None:
    """The suggestion followed up, referred to the county's transport bureau, and closed
    with its reply (which names the resident: the showcase must not)."""
    tz = timezone(timedelta(hours=8))
    await add_unit(uow(), name="县交通运输局", level=UnitLevel.COUNTY, aliases=[],
                   actor=ROOT_ADMIN, roles=LiveRoles(), now=START, tz=tz)
    await track_approved(uow(), session_id=session_id, minutes_json={"suggestions": [
        {"seq": 1, "text": "张秀英建议村道两侧加装路灯。", "number": 1, "proposers": ["张秀英"]}],
        "actions": []}, version=1, now=START, tz=tz)
    async with uow() as u:
        [item] = await u.tracked.for_session(session_id)
    assert item.id is not None
    await refer(uow(), item_id=item.id, unit="县交通运输局", deadline=None, actor=ROOT_ADMIN,
                roles=LiveRoles(), now=START, tz=tz)
    await record_reply(uow(), item_id=item.id, text="已安装12盏路灯，张秀英家门口也已装好。",
                       actor=ROOT_ADMIN, roles=LiveRoles(), now=START)


@pytest.fixture
async def site(db_url: str, tmp_path: Path) -> AsyncIterator[Site]:
    engine = make_engine(db_url)
    uow = make_uow_factory(engine)
    closed = await _closed_session_with_a_resident(uow)
    await services.open_session(uow(), chat_id=B, topic="河道清淤", actor=MODERATOR,
                                now=START, new_code=lambda: "SHOW3456", turn_limit_s=180,
                                hall="西头村议事堂")
    await grant_role(uow(), by=Operator("root"), role=Role.STAFF, hall_chat_id=B, now=START,
                     telegram_user_id=CLERK.user_id)
    photos = tmp_path / "photos"
    deps = WebDeps(uow, Clock(), poll_s=30.0, room=RoomDeps(
        t, staff_user_ids=frozenset({ADMIN.user_id}), session_key=b"s" * 32,
        base_url="http://yst.example.cn", audio_dir=tmp_path / "audio",
        audio_files=FolderAudioFiles(tmp_path / "audio"), photo_dir=photos))
    client = TestClient(TestServer(build_web_app(deps)))
    await client.start_server()
    try:
        yield Site(uow, client, photos, closed)
    finally:
        await client.close()
        await engine.dispose()


def _text(html: str) -> str:
    """What a reader sees of a page: the text, and the attributes a screen reader reads."""
    alts = " ".join(re.findall(r'(?:alt|content|title)="([^"]*)"', html))
    return unescape(re.sub(r"<[^>]+>", " ", html) + " " + alts)


async def test_a_hall_is_public_only_once_the_office_opts_it_in(site: Site) -> None:
    for path in PUBLIC_PAGES:
        status, html = await site.page(path)
        assert status == 200, path
        assert "东头村议事堂" not in html and "村道路灯" not in html, path
    assert (await site.page(f"/results/{site.closed_a}"))[0] == 404
    await site.log_in(ADMIN)
    status, html = await site.post(f"/staff/showcase/halls/{A}", listed="yes", intro="")
    assert status == 400  # listed without a public name: refused
    assert t("zh", "empty_field", field=t("zh", "field_showcase_name")) in html
    status, _ = await site.post(f"/staff/showcase/halls/{A}", listed="yes",
                                public_name="东头村民生议事堂", intro="东头村的事，大家商量着办。")
    assert status == 303
    _, home = await site.page("/")
    assert "东头村民生议事堂" in home and "东头村的事，大家商量着办。" in home
    assert "东头村议事堂" not in home  # the group's title is never shown
    assert "西头村议事堂" not in home  # not opted in
    _, gallery = await site.page("/gallery")
    assert "村道路灯" in gallery
    # an open session is never shown, even of a listed hall
    await site.post(f"/staff/showcase/halls/{B}", listed="yes", public_name="西头村议事堂",
                    intro="")
    _, gallery = await site.page("/gallery")
    assert "河道清淤" not in gallery


async def test_public_minutes_and_settled_items_name_no_resident(site: Site) -> None:
    await site.log_in(ADMIN)
    await site.post(f"/staff/showcase/halls/{A}", listed="yes", public_name="东头村民生议事堂",
                    intro="")
    status, html = await site.page(f"/results/{site.closed_a}")
    assert status == 200 and 'data-testid="no-minutes"' in html  # not approved yet
    assert "加装路灯" not in html  # no draft, ever
    await approve_draft(site.uow(), session_id=site.closed_a, actor=ROOT_ADMIN, now=START,
                        tz=TZ)
    await _settled_item(site.uow, site.closed_a)
    photo = await showcase.keep_photo(site.uow(), SessionPhoto(
        site.closed_a, 7, f"{site.closed_a}/7.jpg", 1, 1, START, "张秀英 电话13812345678 在发言"))
    assert photo.id is not None and not photo.shown  # public once staff approve it
    await showcase.show_photo(site.uow(), ROOT_ADMIN, photo_id=photo.id, shown=True, now=START)
    await showcase.add_plan(site.uow(), ROOT_ADMIN, chat_id=A, topic="路灯验收（联系13912345678）",
                            planned_on=date(2026, 12, 20), note="", now=START)
    status, html = await site.page(f"/results/{site.closed_a}")
    assert status == 200 and 'data-testid="minutes"' in html
    assert "加装路灯" in html and "其他甲" in html
    assert "村道路灯" in html and "〔电话〕" in html  # the topic, as the public may read it
    assert "县交通运输局" in html and "已安装12盏路灯" in html
    found = await readable_minutes(site.uow(), session_id=site.closed_a, actor=ROOT_ADMIN,
                                   place=Place(None), public=False, tz=TZ)
    transcript = found.minutes.transcript
    pages = [*PUBLIC_PAGES, f"/results/{site.closed_a}", "/sitemap.xml"]
    for path in pages:
        status, html = await site.page(path)
        assert status == 200, path
        for private in ("张秀英", "秀英", "13812345678", "13912345678"):
            assert private not in html, (path, private)
        assert find_leaks(_text(html), transcript) == [], path
    _, results = await site.page("/results")
    assert f'href="/results/{site.closed_a}"' in results
    _, sitemap = await site.page("/sitemap.xml")
    assert f"http://yst.example.cn/results/{site.closed_a}" in sitemap
    _, home = await site.page("/")
    figures = re.search(r'data-testid="figures">(.*?)</ul>', home, re.S)
    assert figures is not None
    assert [int(n) for n in re.findall(r"<strong>(\d+)</strong>", figures.group(1))] == [
        1, 1, 1, 1]  # halls, sessions held, minutes published, items settled


async def test_rules_pages_are_markdown_without_raw_html_and_only_the_office_writes_them(
        site: Site) -> None:
    await site.log_in(CLERK)
    status, html = await site.post("/staff/showcase/pages", slug="rules", title="议事规则",
                                    body="# 规则", position="1")
    assert status == 403 and t("zh", "showcase_admin_only") in html
    await site.log_in(ADMIN)
    body = ("## 议事流程\n\n1. 提出议题\n2. 协商讨论\n\n<script>alert(1)</script>\n\n"
            "[点我](javascript:alert(1)) [规程](https://www.cppcc.gov.cn/)\n\n"
            "| 环节 | 时长 |\n| --- | --- |\n| 发言 | 3 分钟 |\n")
    status, _ = await site.post("/staff/showcase/pages", slug="rules", title="议事规则",
                                body=body, position="1")
    assert status == 303
    status, html = await site.post("/staff/showcase/pages", slug="Bad Slug!", title="x",
                                   body="y", position="0")
    assert status == 400 and t("zh", "showcase_bad_slug") in html
    _, listing = await site.page("/rules")
    assert 'href="/rules/rules"' in listing and "议事规则" in listing
    status, page = await site.page("/rules/rules")
    assert status == 200
    assert "<h2>议事流程</h2>" in page and "<li>提出议题</li>" in page and "<table>" in page
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert 'href="javascript' not in page and 'href="https://www.cppcc.gov.cn/"' in page
    status, _ = await site.post("/staff/showcase/pages/rules/drop")
    assert status == 303
    assert (await site.page("/rules/rules"))[0] == 404


async def test_plans_and_listed_people_by_the_halls_staff_with_consent(site: Site) -> None:
    await site.log_in(ADMIN)
    await site.post(f"/staff/showcase/halls/{B}", listed="yes", public_name="西头村议事堂",
                    intro="")
    await site.log_in(CLERK)  # staff of hall B
    status, _ = await site.post("/staff/showcase/plans", hall=str(B), planned_on="2027-03-15",
                                topic="河道保洁长效机制", note="邀请水利站参加")
    assert status == 303
    status, html = await site.post("/staff/showcase/plans", hall=str(A),
                                   planned_on="2027-03-15", topic="不是我的议事堂")
    assert status == 403
    status, html = await site.post("/staff/showcase/plans", hall=str(B),
                                   planned_on="三月中旬", topic="河道")
    assert status == 400 and t("zh", "showcase_bad_date") in html
    assert 'value="河道"' in html  # what was typed stays
    status, html = await site.post("/staff/showcase/members", hall=str(B), name="王建国",
                                   member_title="县政协委员")
    assert status == 400 and t("zh", "showcase_needs_consent") in html
    status, _ = await site.post("/staff/showcase/members", hall=str(B), name="王建国",
                                member_title="县政协委员", agreed="yes")
    assert status == 303
    _, plan = await site.page("/plan?year=2027")
    assert "河道保洁长效机制" in plan and "西头村议事堂" in plan and "2027-03-15" in plan
    _, this_year = await site.page("/plan")
    assert "河道保洁长效机制" not in this_year  # 2026's plan
    _, home = await site.page("/")
    assert "河道保洁长效机制" in home  # the coming ones
    _, org = await site.page("/org")
    assert "王建国" in org and "县政协委员" in org
    async with site.uow() as u:
        [member] = await u.showcase.members([B])
        entries = await u.audit.entries()
    assert [e.detail.get("what") for e in entries if e.action.value == "showcase"] == [
        "listing", "plan", "member"]
    status, _ = await site.post(f"/staff/showcase/members/{member.id}/drop")
    assert status == 303
    _, org = await site.page("/org")
    assert "王建国" not in org


async def test_photos_of_a_listed_halls_closed_session_and_hiding_one(site: Site) -> None:
    site.photo_dir.mkdir(parents=True)
    (site.photo_dir / f"{site.closed_a}").mkdir()
    (site.photo_dir / f"{site.closed_a}" / "5.jpg").write_bytes(JPEG)
    photo = await showcase.keep_photo(site.uow(), SessionPhoto(
        site.closed_a, 5, f"{site.closed_a}/5.jpg", 1, 1, START - timedelta(days=3),
        "协商现场"))
    again = await showcase.keep_photo(site.uow(), SessionPhoto(
        site.closed_a, 5, f"{site.closed_a}/5.jpg", 1, 1, START, "再次投递"))
    assert again.id == photo.id  # a message delivered twice is kept once
    assert (await site.page(f"/photos/{photo.id}"))[0] == 404  # hall not listed yet
    await site.log_in(ADMIN)
    await site.post(f"/staff/showcase/halls/{A}", listed="yes", public_name="东头村民生议事堂",
                    intro="")
    assert (await site.page(f"/photos/{photo.id}"))[0] == 404  # not approved yet
    status, _ = await site.post(f"/staff/showcase/photos/{photo.id}", shown="yes")
    assert status == 303
    response = await site.client.get(f"/photos/{photo.id}")
    assert response.status == 200 and await response.read() == JPEG
    _, gallery = await site.page("/gallery")
    assert f'src="/photos/{photo.id}"' in gallery and "协商现场" in gallery
    status, _ = await site.post(f"/staff/showcase/photos/{photo.id}", shown="no")
    assert status == 303
    assert (await site.page(f"/photos/{photo.id}"))[0] == 404
    _, gallery = await site.page("/gallery")
    assert f'src="/photos/{photo.id}"' not in gallery
    staff_copy = await site.client.get(f"/staff/showcase/photos/{photo.id}")
    assert staff_copy.status == 200  # staff still see it, to show it again


async def test_forgetting_a_person_unlists_them_and_renames_captions(site: Site) -> None:
    await showcase.list_member(site.uow(), ROOT_ADMIN, chat_id=A, name="张秀英",
                               title="群众代表", agreed=True, now=START)
    await showcase.keep_photo(site.uow(), SessionPhoto(
        site.closed_a, 6, f"{site.closed_a}/6.jpg", 1, 1, START, "张秀英在发言"))
    done = await forget_person(site.uow(), ref=PersonRef(telegram_user_id=RESIDENT.user_id),
                               by=ROOT_ADMIN, now=START, audio=FolderAudioFiles(Path("/nx")))
    assert done.listed == 1
    async with site.uow() as u:
        assert await u.showcase.members([A]) == []
        [photo] = await u.showcase.photos_of([site.closed_a], shown_only=False)
    assert photo.caption is not None and "张秀英" not in photo.caption


async def test_robots_and_unknown_addresses(site: Site) -> None:
    status, robots = await site.page("/robots.txt")
    assert status == 200 and "Disallow: /staff" in robots
    assert "Sitemap: http://yst.example.cn/sitemap.xml" in robots
    assert (await site.page("/results/abc"))[0] == 404
    assert (await site.page(f"/results/{10**11}"))[0] == 404  # beyond any row, a number
    assert (await site.page("/rules/nope"))[0] == 404
    assert (await site.page("/photos/0"))[0] == 404
    status, html = await site.page("/plan?year=1900")
    assert status == 200 and str(date(2026, 1, 1).year) in html


async def test_another_halls_or_a_missing_id_is_alike_not_found(site: Site) -> None:
    """Staff of hall B cannot tell hall A's plans, people and photos from ids never used;
    staff may not opt a hall in; a form without its token is refused."""
    plan = await showcase.add_plan(site.uow(), ROOT_ADMIN, chat_id=A, topic="村道养护",
                                   planned_on=date(2027, 4, 1), note="", now=START)
    member = await showcase.list_member(site.uow(), ROOT_ADMIN, chat_id=A, name="李建国",
                                        title="县政协委员", agreed=True, now=START)
    photo = await showcase.keep_photo(site.uow(), SessionPhoto(
        site.closed_a, 9, f"{site.closed_a}/9.jpg", 1, 1, START, None))
    await site.log_in(CLERK)
    for path, missing in ((f"/staff/showcase/plans/{plan.id}/drop",
                           "/staff/showcase/plans/99999999999/drop"),
                          (f"/staff/showcase/members/{member.id}/drop",
                           "/staff/showcase/members/99999999999/drop"),
                          (f"/staff/showcase/photos/{photo.id}",
                           "/staff/showcase/photos/99999999999")):
        theirs, never = await site.post(path, shown="yes"), await site.post(missing, shown="yes")
        assert theirs[0] == never[0] == 404, path
    status, html = await site.post(f"/staff/showcase/halls/{B}", listed="yes",
                                   public_name="西头村议事堂", intro="")
    assert status == 403 and t("zh", "showcase_admin_only") in html
    forged = await site.client.post("/staff/showcase/plans", data={
        "csrf": "forged", "hall": str(B), "planned_on": "2027-03-15", "topic": "河道"},
        allow_redirects=False)
    assert forged.status in (400, 403)
    async with site.uow() as u:
        assert [p.topic for p in await u.showcase.plans_of([A, B])] == ["村道养护"]
        assert len(await u.showcase.members([A])) == 1
        assert not (await u.showcase.photo(photo.id or 0) or photo).shown


async def test_a_forgotten_persons_name_leaves_the_cached_public_minutes(site: Site) -> None:
    await site.log_in(ADMIN)
    await site.post(f"/staff/showcase/halls/{A}", listed="yes", public_name="东头村民生议事堂",
                    intro="")
    await approve_draft(site.uow(), session_id=site.closed_a, actor=ROOT_ADMIN, now=START,
                        tz=TZ)
    _, html = await site.page(f"/results/{site.closed_a}")
    assert "主持人老李" in html  # the moderator takes part in a public role: named
    await forget_person(site.uow(), ref=PersonRef(telegram_user_id=MODERATOR.user_id),
                        by=ROOT_ADMIN, now=START, audio=FolderAudioFiles(Path("/nx")))
    _, html = await site.page(f"/results/{site.closed_a}")
    assert "主持人老李" not in html and "匿名发言人" in html


def test_links_in_what_residents_wrote_stay_text_in_the_public_minutes() -> None:
    said = "建议 [领补贴](//phish.example/x) ![](http://x.example/a.png) <https://x.example>"
    html = str(to_html(said, links=False))
    assert "<a " not in html and "<img" not in html and "领补贴" in html
    assert '<a href="https://www.cppcc.gov.cn/">' in str(
        to_html("[规程](https://www.cppcc.gov.cn/)"))
