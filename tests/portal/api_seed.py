"""A small office for the JSON API's tests (test_api.py, test_api_schemathesis.py), made by
the use cases the bot calls: hall A (东头村) with approved minutes in which a resident spoke
and a closed session whose minutes are still a draft, hall B (西头村) with an open session
(a marked suggestion, a voice turn 待核对), followed-up items in both, a unit with its
liaison, and people with roles: a viewer of A, staff of B, the liaison (a viewer of hall C,
which has no sessions), and configuration's admin."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.catalog import t
from facilitation import floor, minutes, record, services, voice
from facilitation.audit import Operator
from facilitation.model import Mark, ParticipantKind
from facilitation.ports import TrackingUnitOfWorkFactory
from facilitation.roles import Role, grant_role
from facilitation.services import Actor
from facilitation.speech import Segment, Transcript
from facilitation.staff_desk import issue_login_link
from facilitation.tracking_access import LiveRoles
from facilitation.tracking_services import track_approved
from facilitation.tracking_units import add_liaison, add_unit
from facilitation.units import UnitLevel
from portal.app import RoomDeps, WebDeps
from transcripts.minutes.drafts import approve_draft

A, B, C = -100701, -100702, -100703
START = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
TZ = ZoneInfo("Asia/Shanghai")
ADMIN = Actor(810000001, "办公室老陈")
VIEWER = Actor(810000002, "查看者小林")  # viewer of hall A
CLERK = Actor(810000003, "工作人员小周")  # staff of hall B
LIAISON = Actor(810000004, "住建局联络员小吴")  # liaison of 县住建局; viewer of hall C
MODERATOR = Actor(810000009, "主持人老李")
RESIDENT = Actor(810000020, "张秀英")
BOOTSTRAP = frozenset({ADMIN.user_id})
ROOT = Operator("root")
SUGGESTION_A, ACTION_A, SUGGESTION_B = ("建议村道两侧加装路灯。", "县住建局完成村道硬化设计",
                                        "建议每季度清淤一次。")


@dataclass(frozen=True)
class Seeded:
    approved: int  # hall A: closed, minutes approved (version 1), the resident spoke
    draft: int  # hall A: closed, its minutes a draft
    open: int  # hall B: open, a marked suggestion and a voice turn 待核对
    items: dict[str, int]  # by text


def web_deps(uow: TrackingUnitOfWorkFactory) -> WebDeps:
    return WebDeps(uow, lambda: START, poll_s=30.0, room=RoomDeps(
        t, staff_user_ids=BOOTSTRAP, bot_username="yishitang_bot", session_key=b"k" * 32))


async def _open(uow: TrackingUnitOfWorkFactory, chat_id: int, code: str, topic: str,
                hall: str, at: datetime) -> int:
    opened = await services.open_session(uow(), chat_id=chat_id, topic=topic,
                                         actor=MODERATOR, now=at, new_code=lambda: code,
                                         turn_limit_s=180, hall=hall)
    assert opened.id is not None
    return opened.id


async def _said(uow: TrackingUnitOfWorkFactory, chat_id: int, actor: Actor, text: str,
                at: datetime, mark: Mark | None = None) -> None:
    said = await record.record_group_text(uow(), chat_id=chat_id, actor=actor, now=at,
                                          text=text)
    assert said is not None and said.contribution.id is not None
    if mark is not None:
        await minutes.toggle_mark(uow(), contribution_id=said.contribution.id, mark=mark,
                                  actor=MODERATOR)


async def _hall_a(uow: TrackingUnitOfWorkFactory) -> tuple[int, int]:
    at = START - timedelta(days=2)
    approved = await _open(uow, A, "AAAA2345", "村道硬化", "东头村议事堂", at)
    await services.set_profile(uow(), actor=RESIDENT, name="张秀英",
                               kind=ParticipantKind.RESIDENT, sector=None, unit="东头村三组")
    await services.sign_in(uow(), actor=RESIDENT, now=at, chat_id=A)
    await _said(uow, A, RESIDENT, "我是三组的张秀英，建议村道两侧加装路灯，晚上走路太黑了。", at,
                Mark.SUGGESTION)
    await floor.close_session(uow(), chat_id=A, actor=MODERATOR, now=at + timedelta(hours=1))
    await approve_draft(uow(), session_id=approved, actor=replace(ADMIN, config_admin=True),
                        now=at + timedelta(hours=2), tz=TZ)
    at = START - timedelta(days=1)
    draft = await _open(uow, A, "AAAB2345", "垃圾分类", "东头村议事堂", at)
    await floor.close_session(uow(), chat_id=A, actor=MODERATOR, now=at + timedelta(hours=1))
    return approved, draft


async def _hall_b(uow: TrackingUnitOfWorkFactory) -> int:
    at = START - timedelta(hours=3)
    opened = await _open(uow, B, "BBBB2345", "河道清淤", "西头村议事堂", at)
    speaker = Actor(810000021, "李大姐")
    await services.sign_in(uow(), actor=speaker, now=at, chat_id=B)
    await _said(uow, B, speaker, "建议在河埠头装一道护栏。", at, Mark.SUGGESTION)
    accepted = await voice.accept_group_voice(
        uow(), actor=speaker, now=at,
        audio=voice.AudioMessage(chat_id=B, message_id=77, file_id="f77", duration_s=6))
    assert accepted is not None and accepted.job.id is not None
    await voice.complete_voice(uow(), job_id=accepted.job.id, now=at, transcript=Transcript(
        "河道里淤泥有三尺厚", "zh", 6.0,
        (Segment(0.0, 6.0, "河道里淤泥有三尺厚", avg_logprob=-0.9),), "fake", "fake"))
    return opened


async def _items(uow: TrackingUnitOfWorkFactory, approved: int, opened: int) -> dict[str, int]:
    admin = replace(ADMIN, config_admin=True)
    await add_unit(uow(), name="县住房和城乡建设局", level=UnitLevel.COUNTY, aliases=["县住建局"],
                   actor=admin, roles=LiveRoles(), now=START, tz=TZ)
    await add_liaison(uow(), unit="县住建局", telegram_user_id=LIAISON.user_id, actor=admin,
                      roles=LiveRoles())
    for session_id, body in (
            (approved, {"suggestions": [{"seq": 1, "text": SUGGESTION_A, "number": 1,
                                         "proposers": ["张秀英"]}],
                        "actions": [{"seq": 1, "text": ACTION_A, "unit": "县住建局",
                                     "deadline": "2026-12-01"}]}),
            (opened, {"suggestions": [{"seq": 1, "text": SUGGESTION_B, "number": 1,
                                       "proposers": []}], "actions": []})):
        await track_approved(uow(), session_id=session_id, minutes_json=body, version=1,
                             now=START - timedelta(days=10), tz=TZ)
    async with uow() as work:
        found = [i for s in (approved, opened) for i in await work.tracked.for_session(s)]
    return {i.text: i.id for i in found if i.id is not None}


async def seed(uow: TrackingUnitOfWorkFactory) -> Seeded:
    approved, draft = await _hall_a(uow)
    opened = await _hall_b(uow)
    for actor, role, hall in ((VIEWER, Role.VIEWER, A), (CLERK, Role.STAFF, B),
                              (LIAISON, Role.VIEWER, C)):
        await grant_role(uow(), by=ROOT, role=role, hall_chat_id=hall, now=START,
                         telegram_user_id=actor.user_id)
    return Seeded(approved, draft, opened, await _items(uow, approved, opened))


async def log_in(uow: TrackingUnitOfWorkFactory, client: TestClient[web.Request, web.Application],
                 actor: Actor) -> str:
    """Log ``actor`` in through the bot's one-time link; the login cookie's value."""
    token = await issue_login_link(uow(), actor, bootstrap_ids=BOOTSTRAP, now=START)
    response = await client.post(f"/login/{token}", allow_redirects=False)
    assert response.status == 303, await response.text()
    return response.cookies["yst_staff"].value
