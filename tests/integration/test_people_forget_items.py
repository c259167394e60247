"""Forgetting a person whose suggestion is followed up, on SQLite and PostgreSQL: her names
leave the tracked items and the texts of their histories (the one rewrite of item events),
the items still replay to their snapshots, the figures do not move; the export shows the
items she proposed or acted on."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from facilitation import floor, minutes, record, services
from facilitation.audit import Operator
from facilitation.draft_edits import AddSuggestion
from facilitation.model import TurnKind
from facilitation.people import PersonRef, export_person, forget_person
from facilitation.personal_data import personal_data
from facilitation.ports import TrackingUnitOfWorkFactory
from facilitation.redact import name_forms
from facilitation.services import Actor
from facilitation.tracking import EventKind, ItemStatus, Satisfaction, TrackedItem
from facilitation.tracking_access import LiveRoles
from facilitation.tracking_approval import FollowUpOptions, track_version
from facilitation.tracking_figures import Report, parse_period, report_figures
from facilitation.tracking_services import accept, evaluate, progress, refer, reply
from facilitation.tracking_units import add_liaison, add_unit
from facilitation.units import UnitLevel
from storage.audio_files import FolderAudioFiles
from tests.integration.storage_builders import at
from transcripts.minutes.drafts import approve_draft

TZ = ZoneInfo("Asia/Shanghai")
CHAT = -1005678
MOD = Actor(2001, "赵主任")
WANG = Actor(2002, "秀英 王")  # Telegram's "first last": 王秀英, 秀英王, 王 秀英 name her too
LI = Actor(2003, "李四")
LIAISON = Actor(2004, "住建局联络员")
STAFF = Actor(2009, "督导", config_admin=True)
OPERATOR = Operator("tester")
ROLES = LiveRoles()
FORMS = name_forms(WANG.display_name)
SUGGESTED = "在村口王秀英家附近增设两盏路灯"


@dataclass
class Followed:
    uow: TrackingUnitOfWorkFactory
    engine: AsyncEngine
    session_id: int
    item_id: int
    wang_id: int


async def _session(uow: TrackingUnitOfWorkFactory) -> int:
    session = await services.open_session(
        uow(), chat_id=CHAT, topic="村口照明", actor=MOD, now=at(0), new_code=lambda: "LIGHT1",
        turn_limit_s=180)
    for n, actor in enumerate((WANG, LI)):
        await services.sign_in(uow(), actor=actor, now=at(10 + n), chat_id=CHAT)
        await floor.raise_hand(uow(), chat_id=CHAT, actor=actor, kind=TurnKind.SPEECH,
                               addressee=None, now=at(20 + n))
    await floor.call_next(uow(), chat_id=CHAT, actor=MOD, now=at(30))
    await record.record_group_text(uow(), chat_id=CHAT, actor=WANG, now=at(40),
                                   text="我是王秀英，村口晚上太黑了")
    await floor.call_next(uow(), chat_id=CHAT, actor=MOD, now=at(60))
    await record.record_group_text(uow(), chat_id=CHAT, actor=LI, now=at(70),
                                   text="秀英王说得对，我也常摸黑走")
    await floor.close_session(uow(), chat_id=CHAT, actor=MOD, now=at(100))
    assert session.id is not None
    return session.id


async def _followed_up(uow: TrackingUnitOfWorkFactory, session_id: int) -> int:
    """Her suggestion approved, tracked, referred, accepted, noted, replied, evaluated by her:
    its id."""
    await minutes.edit_draft(uow(), session_id=session_id, actor=MOD, now=at(200),
                             edit=AddSuggestion(1, SUGGESTED, ("王秀英",), "城建"))
    version = await approve_draft(uow(), session_id=session_id, actor=MOD, now=at(300), tz=TZ,
                                  anyway=True)
    await track_version(uow, session_id=session_id, version=version, now=at(301),
                        options=FollowUpOptions(), tz=TZ)
    unit = await add_unit(uow(), name="县住房和城乡建设局", level=UnitLevel.COUNTY,
                          aliases=["县住建局"], actor=STAFF, roles=ROLES, now=at(310), tz=TZ)
    assert unit.unit.id is not None
    await add_liaison(uow(), unit=unit.unit.id, telegram_user_id=LIAISON.user_id, actor=STAFF,
                      roles=ROLES)
    async with uow() as work:
        item = next(t for t in await work.tracked.for_session(session_id)
                    if t.text == SUGGESTED)
    assert item.id is not None and item.proposers == ("王秀英",)
    await refer(uow(), item_id=item.id, unit="县住建局", deadline=date(2025, 4, 30),
                actor=STAFF, roles=ROLES, now=at(400), tz=TZ)
    await accept(uow(), item_id=item.id, actor=LIAISON, roles=ROLES, now=at(500))
    await progress(uow(), item_id=item.id, note="已电话联系王 秀英，下周施工", actor=LIAISON,
                   roles=ROLES, now=at(600))
    await reply(uow(), item_id=item.id, text="秀英王反映的两盏路灯已装好", actor=LIAISON,
                roles=ROLES, now=at(700))
    await evaluate(uow(), item_id=item.id, satisfaction=Satisfaction.SATISFIED, actor=WANG,
                   roles=ROLES, now=at(800), tz=TZ)
    return item.id


@pytest.fixture
async def followed(uow_factory: TrackingUnitOfWorkFactory, engine: AsyncEngine) -> Followed:
    session_id = await _session(uow_factory)
    item_id = await _followed_up(uow_factory, session_id)
    async with uow_factory() as work:
        wang = await work.people.by_telegram_id(WANG.user_id)
    assert wang is not None and wang.id is not None
    return Followed(uow_factory, engine, session_id, item_id, wang.id)


async def _stored(engine: AsyncEngine) -> tuple[list[str], list[tuple[int, int, str, str]]]:
    """Every text column of tracked_items, and (item, n, kind, detail) of item_events, as
    plain SQL reads them."""
    async with engine.connect() as connection:
        items = [str(v) for row in await connection.execute(text(
            "SELECT text, proposers, category, unit_name, reference FROM tracked_items"))
            for v in row if v is not None]
        events = [(int(r[0]), int(r[1]), str(r[2]), str(r[3])) for r in await connection.execute(
            text("SELECT item_id, n, kind, detail FROM item_events ORDER BY item_id, n"))]
    return items, events


def _naming(texts: list[str]) -> list[str]:
    return [t for t in texts if any(form in t for form in FORMS)]


async def _figures(uow: TrackingUnitOfWorkFactory) -> Report:
    return await report_figures(uow(), by=OPERATOR, period=parse_period("2025"), now=at(5000),
                                tz=TZ)


async def test_forget_renames_her_in_tracked_items_and_their_histories(
        followed: Followed, tmp_path: Path) -> None:
    items, events = await _stored(followed.engine)
    naming = {e[0] for e in events if _naming([e[3]])}
    assert followed.item_id in naming and _naming(items)  # there is something to erase
    figures = await _figures(followed.uow)
    assert figures.total.figures.satisfied == 1  # hers: figures to keep
    done = await forget_person(followed.uow(), ref=PersonRef(telegram_user_id=WANG.user_id),
                               by=OPERATOR, now=at(900), audio=FolderAudioFiles(tmp_path))
    label = done.label
    assert (done.sessions, done.items) == (1, len(naming))

    items_after, events_after = await _stored(followed.engine)
    assert _naming(items_after) == [] and _naming([e[3] for e in events_after]) == []
    assert [e[:3] for e in events_after] == [e[:3] for e in events]  # only details changed
    async with followed.uow() as work:
        item = await work.tracked.get(followed.item_id)  # replayed from the rewritten events
    assert item is not None and item.status == ItemStatus.EVALUATED
    assert item.text == SUGGESTED.replace("王秀英", label) and item.proposers == (label,)
    assert item.reply is not None and item.reply.text == f"{label}反映的两盏路灯已装好"
    notes = [e.detail["note"] for e in item.history if e.kind == EventKind.PROGRESS]
    assert notes == [f"已电话联系{label}，下周施工"]
    assert await _snapshot(followed.engine, followed.item_id) == _values(item)
    assert await _figures(followed.uow) == figures


async def _snapshot(engine: AsyncEngine, item_id: int) -> tuple[object, ...]:
    async with engine.connect() as connection:
        row = (await connection.execute(text(
            "SELECT text, proposers, unit_name, status, satisfaction, reopens, version "
            "FROM tracked_items WHERE id = :id"), {"id": item_id})).one()
    return tuple(row)


def _values(item: TrackedItem) -> tuple[object, ...]:
    return (item.text, "\n".join(item.proposers), item.unit_name, item.status.value,
            item.satisfaction.value if item.satisfaction else None, item.reopens, item.version)


async def test_export_shows_the_items_she_proposed_or_acted_on(followed: Followed) -> None:
    found = await export_person(followed.uow(), ref=PersonRef(name=WANG.display_name), by=STAFF,
                                now=at(850))
    data = json.loads(json.dumps(personal_data(found, at(850)), ensure_ascii=False))
    [item] = [t for t in data["tracked_items"] if t["id"] == followed.item_id]
    assert (item["text"], item["proposers"], item["status"]) == (
        SUGGESTED, ["王秀英"], "evaluated")
    assert [(e["kind"], e["theirs"]) for e in item["history"]] == [
        ("created", False), ("referred", False), ("accepted", False), ("progress", False),
        ("replied", False), ("evaluated", True)]
    assert item["history"][4]["detail"]["text"] == "秀英王反映的两盏路灯已装好"
    assert "person_id" not in json.dumps(item)  # who else acted is not hers to see
    liaison = await export_person(followed.uow(), ref=PersonRef(name=LIAISON.display_name),
                                  by=STAFF, now=at(860))
    acted = personal_data(liaison, at(860))
    assert [t["id"] for t in acted["tracked_items"]] == [followed.item_id]
    assert [s["id"] for s in acted["sessions"]] == [followed.session_id]  # a trace of theirs


async def test_the_rewrite_refuses_a_history_that_is_not_the_stored_one(
        followed: Followed) -> None:
    from storage.tracking_repository import StaleItem

    async with followed.uow() as work:
        item = await work.tracked.get(followed.item_id)
        assert item is not None
        item.history.pop()
        with pytest.raises(StaleItem):
            await work.tracked.redact(item)
