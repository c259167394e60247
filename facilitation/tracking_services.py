"""Use cases of following items up: from approved minutes to tracked items, and every action
on an item (load with a lock, check who acts, apply the domain's method, save, commit).

Who may act is asked live of the policy the caller supplies (facilitation.tracking_access).
Reminders follow the item (facilitation.tracking_reminding): replaced whenever its unit or
deadline changed, none once it leaves its unit.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from facilitation.errors import InvalidInput, NotFound
from facilitation.ports import TrackingUnitOfWork
from facilitation.reminders import DEFAULT_LEAD_DAYS, REMINDER_TIME
from facilitation.services import Actor, person_for
from facilitation.tracking import (
    SYSTEM,
    Conversion,
    ItemEvent,
    ItemStatus,
    Satisfaction,
    TrackedItem,
    Who,
)
from facilitation.tracking_access import (
    TrackingRoles,
    require_liaison,
    require_proposer,
    require_staff,
)
from facilitation.tracking_reminding import Holding, Reminding, holding, reschedule
from facilitation.tracking_sync import apply_plan, minutes_items, plan_tracking, unresolved
from facilitation.units import (
    UNIT_NAME_MAX_CHARS,
    Resolution,
    Unit,
    resolve_unit,
    unknown_name,
)

DEFAULT_DEADLINE_DAYS = 30  # 交办 without a deadline named: a month, unless settings say else
MAX_ROW_ID = 2**31 - 1  # the database's integer keys: a larger id as typed names no row


@dataclass(frozen=True)
class TrackingResult:
    session_id: int
    version: int
    created: tuple[TrackedItem, ...] = ()
    kept: tuple[TrackedItem, ...] = ()  # matched in this version (revised, reinstated or not)
    withdrawn: tuple[TrackedItem, ...] = ()
    unknown_units: tuple[str, ...] = ()  # unit names as written that no unit answers to
    already: bool = False  # this version, or a later one, was tracked before: nothing done


def _document(minutes_json: str | Mapping[str, Any]) -> Mapping[str, Any]:
    if isinstance(minutes_json, str):
        document = json.loads(minutes_json)
        if not isinstance(document, dict):
            raise ValueError("minutes JSON must be an object")
        return document
    return minutes_json


async def track_approved(uow: TrackingUnitOfWork, *, session_id: int,
                         minutes_json: str | Mapping[str, Any], version: int, now: datetime,
                         lead_days: Iterable[int] = DEFAULT_LEAD_DAYS,
                         remind_at: time = REMINDER_TIME, tz: tzinfo) -> TrackingResult:
    """Follow up the items of version ``version`` of a session's approved minutes (its JSON
    form). Idempotent: once a version is tracked, tracking it (or an older one) again changes
    nothing, so staff's changes since are never undone by a repeated run."""
    items = minutes_items(_document(minutes_json))
    reminding = Reminding.of(tz, lead_days, remind_at)
    async with uow:
        if await uow.sessions.lock(session_id) is None:  # one approval at a time
            raise NotFound("no_session")
        tracked = await uow.tracked.for_session(session_id)
        applied = max((t.version for t in tracked if t.version is not None), default=None)
        if applied is not None and applied >= version:
            return TrackingResult(session_id, version, already=True)
        directory = await uow.units.directory()
        resolutions: dict[str, Resolution] = {}

        def unit_of(written: str) -> int | None:
            found = resolutions.setdefault(written, resolve_unit(written, directory))
            return found.unit.id if found.unit else None

        before = {t.id: holding(t) for t in tracked}
        plan = plan_tracking(items, tracked)
        created, changed = apply_plan(plan, session_id=session_id, version=version,
                                      unit_of=unit_of, who=SYSTEM, at=now)
        for item in created:
            await uow.tracked.add(item)
        for item in changed:
            await uow.tracked.save(item)
        for item in (*created, *changed):
            await reschedule(uow, item, before.get(item.id), now, reminding)
        unknown = await _record_unknown(uow, [*created, *changed], unit_of, resolutions, now)
        await uow.commit()
        return TrackingResult(session_id, version, tuple(created),
                              tuple(k.item for k in plan.keep), plan.withdraw, unknown)


async def _record_unknown(uow: TrackingUnitOfWork, items: list[TrackedItem],
                          unit_of: Callable[[str], int | None],
                          resolutions: dict[str, Resolution], now: datetime) -> tuple[str, ...]:
    names: dict[str, None] = {}
    for item in unresolved(items):
        assert item.unit_name is not None
        unit_of(item.unit_name)
        waiting = unknown_name(resolutions[item.unit_name], session_id=item.session_id,
                               item_id=item.id, at=now)
        if waiting is not None:
            await uow.units.add_unknown(waiting)
            names[item.unit_name] = None
    return tuple(names)


# ------------------------------------------------------------------ acting on one item
Action = Callable[[TrackedItem, Who], ItemEvent | None]
Check = Callable[[TrackedItem], Awaitable[None]]  # raises when the actor may not act


async def _who(uow: TrackingUnitOfWork, actor: Actor) -> Who:
    return Who(person_id=(await person_for(uow, actor)).id)


async def _locked(uow: TrackingUnitOfWork, item_id: int) -> TrackedItem:
    item = await uow.tracked.lock(item_id)
    if item is None:
        raise NotFound("item_not_found", item=item_id)
    return item


async def item_by_id(uow: TrackingUnitOfWork, item_id: int) -> TrackedItem:
    """The item, to read (not locked); NotFound when there is none."""
    item = await uow.tracked.get(item_id)
    if item is None:
        raise NotFound("item_not_found", item=item_id)
    return item


async def _store(uow: TrackingUnitOfWork, item: TrackedItem, before: Holding, now: datetime,
                 reminding: Reminding | None) -> None:
    await uow.tracked.save(item)
    await reschedule(uow, item, before, now, reminding)
    await uow.commit()


async def _act(uow: TrackingUnitOfWork, item_id: int, actor: Actor, check: Check,
               action: Action, now: datetime, reminding: Reminding | None = None) -> TrackedItem:
    """Load the item locked, check who acts, act, save, reschedule its reminder, commit."""
    async with uow:
        item = await _locked(uow, item_id)
        await check(item)
        who = await _who(uow, actor)
        before = holding(item)
        action(item, who)
        await _store(uow, item, before, now, reminding)
        return item


def _staff(uow: TrackingUnitOfWork, roles: TrackingRoles, actor: Actor) -> Check:
    async def check(item: TrackedItem) -> None:
        await require_staff(uow, roles, actor, item)
    return check


async def unit_by_ref(uow: TrackingUnitOfWork, unit: int | str) -> Unit:
    """A unit by its id (or "#id"), or by a name as written (resolved as minutes' names
    are)."""
    if isinstance(unit, str) and (by_id := re.fullmatch(r"#([0-9]{1,12})", unit.strip())):
        unit = int(by_id.group(1))
    if isinstance(unit, int):
        found = await uow.units.get(unit) if 0 < unit <= MAX_ROW_ID else None
        if found is None:
            raise NotFound("unit_not_found", unit=f"#{unit}")
        return found
    resolution = resolve_unit(unit, await uow.units.directory())
    if resolution.candidates:
        raise InvalidInput("unit_ambiguous", unit=unit,
                           units="、".join(u.name for u in resolution.candidates))
    if resolution.unit is None:
        raise NotFound("unit_not_found", unit=unit[:UNIT_NAME_MAX_CHARS])
    return resolution.unit


async def refer(uow: TrackingUnitOfWork, *, item_id: int, unit: int | str,
                deadline: date | None, actor: Actor, roles: TrackingRoles, now: datetime,
                default_days: int = DEFAULT_DEADLINE_DAYS,
                lead_days: Iterable[int] = DEFAULT_LEAD_DAYS, remind_at: time = REMINDER_TIME,
                tz: tzinfo) -> TrackedItem:
    """交办 a pending suggestion to a unit (by id or name); no deadline named: the default
    (``default_days`` from today in the hall)."""
    reminding = Reminding.of(tz, lead_days, remind_at)
    due = deadline or now.astimezone(tz).date() + timedelta(days=default_days)
    async with uow:
        item = await _locked(uow, item_id)
        await require_staff(uow, roles, actor, item)
        target = await unit_by_ref(uow, unit)
        assert target.id is not None
        before = holding(item)
        item.refer(target.id, target.name, due, who=await _who(uow, actor), at=now)
        await _store(uow, item, before, now, reminding)
        return item


async def reassign(uow: TrackingUnitOfWork, *, item_id: int, unit: int | str, reason: str | None,
                   deadline: date | None = None, actor: Actor, roles: TrackingRoles,
                   now: datetime, lead_days: Iterable[int] = DEFAULT_LEAD_DAYS,
                   remind_at: time = REMINDER_TIME, tz: tzinfo) -> TrackedItem:
    """改交办 an item with its unit to another (by id or name), with a reason; its deadline
    stays unless a new one is named. The new unit must accept it anew."""
    reminding = Reminding.of(tz, lead_days, remind_at)
    async with uow:
        item = await _locked(uow, item_id)
        await require_staff(uow, roles, actor, item)
        target = await unit_by_ref(uow, unit)
        before = holding(item)
        item.reassign(target.id, target.name, reason=reason, deadline=deadline,
                      who=await _who(uow, actor), at=now)
        await _store(uow, item, before, now, reminding)
        return item


async def convert(uow: TrackingUnitOfWork, *, item_id: int, kind: Conversion,
                  reference: str | None, actor: Actor, roles: TrackingRoles,
                  now: datetime) -> TrackedItem:
    """转化 a pending suggestion into a 提案 / 社情民意信息 / 专报; once converted, a reference
    given later numbers it."""
    def action(item: TrackedItem, who: Who) -> ItemEvent:
        if item.conversion is not None and reference:
            return item.number_conversion(reference, who=who, at=now)
        return item.convert(kind, reference, who=who, at=now)

    return await _act(uow, item_id, actor, _staff(uow, roles, actor), action, now)


async def reserve(uow: TrackingUnitOfWork, *, item_id: int, reason: str | None, actor: Actor,
                  roles: TrackingRoles, now: datetime) -> TrackedItem:
    return await _act(uow, item_id, actor, _staff(uow, roles, actor),
                      lambda item, who: item.reserve(reason, who=who, at=now), now)


async def change_deadline(uow: TrackingUnitOfWork, *, item_id: int, deadline: date | None,
                          reason: str | None, actor: Actor, roles: TrackingRoles,
                          now: datetime, lead_days: Iterable[int] = DEFAULT_LEAD_DAYS,
                          remind_at: time = REMINDER_TIME, tz: tzinfo) -> TrackedItem:
    return await _act(uow, item_id, actor, _staff(uow, roles, actor),
                      lambda item, who: item.change_deadline(deadline, reason=reason, who=who,
                                                             at=now),
                      now, Reminding.of(tz, lead_days, remind_at))


def _liaison(uow: TrackingUnitOfWork, roles: TrackingRoles, actor: Actor) -> Check:
    async def check(item: TrackedItem) -> None:
        await require_liaison(uow, roles, actor, item)
    return check


async def accept(uow: TrackingUnitOfWork, *, item_id: int, actor: Actor, roles: TrackingRoles,
                 now: datetime) -> TrackedItem:
    return await _act(uow, item_id, actor, _liaison(uow, roles, actor),
                      lambda item, who: item.accept(who=who, at=now), now)


async def progress(uow: TrackingUnitOfWork, *, item_id: int, note: str, actor: Actor,
                   roles: TrackingRoles, now: datetime) -> TrackedItem:
    return await _act(uow, item_id, actor, _liaison(uow, roles, actor),
                      lambda item, who: item.progress(note, who=who, at=now), now)


async def reply(uow: TrackingUnitOfWork, *, item_id: int, text: str | None = None,
                document: str | None = None, actor: Actor, roles: TrackingRoles,
                now: datetime) -> TrackedItem:
    """办结 with the unit's 办理答复; its reminders stop."""
    return await _act(uow, item_id, actor, _liaison(uow, roles, actor),
                      lambda item, who: item.reply_with(text, document, who=who, at=now), now)


async def record_reply(uow: TrackingUnitOfWork, *, item_id: int, text: str, actor: Actor,
                       roles: TrackingRoles, now: datetime) -> TrackedItem:
    """办结 recorded by the hall's staff with the reply the unit sent them another way (on
    paper, by telephone), for a unit without a liaison in the bot. An item the unit has not
    accepted is accepted with it; both events name the staff member who recorded them."""
    def action(item: TrackedItem, who: Who) -> ItemEvent:
        if item.status == ItemStatus.REFERRED:
            item.accept(who=who, at=now)
        return item.reply_with(text, None, who=who, at=now)

    return await _act(uow, item_id, actor, _staff(uow, roles, actor), action, now)


async def evaluate(uow: TrackingUnitOfWork, *, item_id: int, satisfaction: Satisfaction,
                   actor: Actor, roles: TrackingRoles, now: datetime,
                   lead_days: Iterable[int] = DEFAULT_LEAD_DAYS,
                   remind_at: time = REMINDER_TIME, tz: tzinfo) -> TrackedItem:
    """The proposer's evaluation; a first 不满意 sends the item back to its unit (再办理),
    and its reminders run again."""
    async def check(item: TrackedItem) -> None:
        await require_proposer(uow, roles, actor, item)

    return await _act(uow, item_id, actor, check,
                      lambda item, who: item.evaluate(satisfaction, who=who, at=now), now,
                      Reminding.of(tz, lead_days, remind_at))
