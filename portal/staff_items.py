"""One followed-up item on the workbench, `/staff/items/<id>`: where it came from, its state,
unit and deadline, every change (who, when, what), and for the staff of its hall the forms of
what may be done with it now: refer (交办), reassign (改交办), convert (转化), keep for reference
(留作参考), change the deadline with a reason, close with the unit's reply (办结); for a
liaison of its unit (who sees no other page but the board), the bot's buttons: accept (接收),
a progress note (办理进展), the unit's reply (办结答复).

Each form posts to `/staff/items/<id>/<action>` with the session's CSRF token and calls the use
case the bot's command calls (facilitation/tracking_services.py), which checks the role again;
the page only shows what the same rules allow. After a change, the bot's senders of reminders
and of the notices to units and proposers are woken (``RoomDeps.on_item_change``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

from facilitation import tracking_services as use
from facilitation.errors import DomainError, InvalidInput
from facilitation.tracking import LEGAL_FROM, Conversion, EventKind, ItemStatus
from facilitation.tracking_access import LiveRoles
from facilitation.tracking_desk import item_page
from facilitation.tracking_input import parse_conversion, parse_deadline
from portal import room
from portal.login import Visit, posted, visit

ROLES = LiveRoles()


def _item_id(request: web.Request) -> int:
    return room.path_number(request, "item")


def _today(request: web.Request) -> date:
    return room.deps(request).clock().astimezone(ZoneInfo(room.room(request).timezone)).date()


def _deadline(request: web.Request, said: str, *, required: bool) -> date | None:
    """A deadline as the bot reads one (2027-01-31, 12月底, 30天); empty: none."""
    if not said.strip():
        if required:
            raise InvalidInput("deadline_unreadable", said="")
        return None
    return parse_deadline(said, _today(request))


# the forms, by the domain's action each one takes (facilitation.tracking.LEGAL_FROM says from
# which states); closing with the unit's reply accepts the item first when it must
FORMS: dict[str, tuple[EventKind, ...]] = {
    "refer": (EventKind.REFERRED,), "convert": (EventKind.CONVERTED,),
    "reserve": (EventKind.RESERVED,), "reassign": (EventKind.REASSIGNED,),
    "deadline": (EventKind.DEADLINE_CHANGED,),
    "reply": (EventKind.ACCEPTED, EventKind.REPLIED), "number": (EventKind.NUMBERED,)}
# a liaison of the item's unit: the bot's buttons 接收, 办理中, 办结 (bot/handlers/liaison.py)
LIAISON_FORMS: dict[str, tuple[EventKind, ...]] = {
    "accept": (EventKind.ACCEPTED,), "progress": (EventKind.PROGRESS,),
    "answer": (EventKind.REPLIED,)}


def _offers(status: ItemStatus,
            forms: dict[str, tuple[EventKind, ...]] = FORMS) -> dict[str, bool]:
    """Which forms the item's state allows, as the domain decides it."""
    return {form: any(status in LEGAL_FROM[kind] for kind in kinds)
            for form, kinds in forms.items()}


async def _page(request: web.Request, seen: Visit, *, error: DomainError | None = None,
                fields: dict[str, str] | None = None, action: str | None = None
                ) -> web.Response:
    try:
        found = await item_page(room.deps(request).uow(), item_id=_item_id(request),
                                actor=seen.actor, roles=ROLES)
    except DomainError as failed:
        return room.error_page(request, failed, "/staff/items")
    return room.render("staff_item.html", request, {
        "found": found, "item": found.item, "csrf": seen.csrf,
        "offers": _offers(found.item.status) if found.can_manage else {},
        "liaise": _offers(found.item.status, LIAISON_FORMS) if found.can_liaise else {},
        "staff": seen.standing.has_role,
        "conversions": list(Conversion), "tz": ZoneInfo(room.room(request).timezone),
        "deadline_days": room.room(request).follow_up.deadline_days,
        "done": request.query.get("done", ""), "fields": fields or {}, "action": action,
        "error": room.error_text(request, error) if error is not None else None},
        status=room.status_of(error) if error is not None else 200)


async def page(request: web.Request) -> web.Response:
    return await _page(request, await visit(request, liaisons=True))


Act = Callable[[web.Request, Visit, int, dict[str, str]], Awaitable[Any]]


async def _refer(request: web.Request, seen: Visit, item_id: int, f: dict[str, str]) -> Any:
    options = room.room(request).follow_up
    return await use.refer(
        room.deps(request).uow(), item_id=item_id, unit=f.get("unit", ""),
        deadline=_deadline(request, f.get("deadline", ""), required=False), actor=seen.actor,
        roles=ROLES, now=room.deps(request).clock(), default_days=options.deadline_days,
        lead_days=options.lead_days, remind_at=options.remind_at,
        tz=ZoneInfo(room.room(request).timezone))


async def _reassign(request: web.Request, seen: Visit, item_id: int,
                    f: dict[str, str]) -> Any:
    options = room.room(request).follow_up
    return await use.reassign(
        room.deps(request).uow(), item_id=item_id, unit=f.get("unit", ""),
        reason=f.get("reason") or None,
        deadline=_deadline(request, f.get("deadline", ""), required=False), actor=seen.actor,
        roles=ROLES, now=room.deps(request).clock(), lead_days=options.lead_days,
        remind_at=options.remind_at, tz=ZoneInfo(room.room(request).timezone))


async def _convert(request: web.Request, seen: Visit, item_id: int, f: dict[str, str]) -> Any:
    return await use.convert(
        room.deps(request).uow(), item_id=item_id,
        kind=parse_conversion(f.get("kind", "")), reference=f.get("reference") or None,
        actor=seen.actor, roles=ROLES, now=room.deps(request).clock())


async def _reserve(request: web.Request, seen: Visit, item_id: int, f: dict[str, str]) -> Any:
    return await use.reserve(room.deps(request).uow(), item_id=item_id,
                             reason=f.get("reason") or None, actor=seen.actor, roles=ROLES,
                             now=room.deps(request).clock())


async def _due(request: web.Request, seen: Visit, item_id: int, f: dict[str, str]) -> Any:
    options = room.room(request).follow_up
    return await use.change_deadline(
        room.deps(request).uow(), item_id=item_id,
        deadline=_deadline(request, f.get("deadline", ""), required=True),
        reason=f.get("reason") or None, actor=seen.actor, roles=ROLES,
        now=room.deps(request).clock(), lead_days=options.lead_days,
        remind_at=options.remind_at, tz=ZoneInfo(room.room(request).timezone))


async def _reply(request: web.Request, seen: Visit, item_id: int, f: dict[str, str]) -> Any:
    return await use.record_reply(room.deps(request).uow(), item_id=item_id,
                                  text=f.get("text", ""), actor=seen.actor, roles=ROLES,
                                  now=room.deps(request).clock())


async def _accept(request: web.Request, seen: Visit, item_id: int, f: dict[str, str]) -> Any:
    return await use.accept(room.deps(request).uow(), item_id=item_id, actor=seen.actor,
                            roles=ROLES, now=room.deps(request).clock())


async def _progress(request: web.Request, seen: Visit, item_id: int,
                    f: dict[str, str]) -> Any:
    return await use.progress(room.deps(request).uow(), item_id=item_id,
                              note=f.get("note", ""), actor=seen.actor, roles=ROLES,
                              now=room.deps(request).clock())


async def _answer(request: web.Request, seen: Visit, item_id: int, f: dict[str, str]) -> Any:
    """The unit's own 办理答复, as /reply in the bot (``_reply`` is staff recording it)."""
    return await use.reply(room.deps(request).uow(), item_id=item_id,
                           text=f.get("text") or None, actor=seen.actor, roles=ROLES,
                           now=room.deps(request).clock())


ACTIONS: dict[str, Act] = {"refer": _refer, "reassign": _reassign, "convert": _convert,
                           "reserve": _reserve, "deadline": _due, "reply": _reply,
                           "accept": _accept, "progress": _progress, "answer": _answer}


async def act(request: web.Request) -> web.StreamResponse:
    name = request.match_info["action"]
    action = ACTIONS.get(name)
    if action is None:
        raise room.not_found(request)
    item_id = _item_id(request)
    # a liaison's form too: each use case checks who may take its action
    fields, seen = await posted(request, liaisons=True)
    try:
        await action(request, seen, item_id, fields)
    except DomainError as error:
        return await _page(request, seen, error=error, fields=fields, action=name)
    room.room(request).on_item_change()  # after the commit: reminders and notices
    raise web.HTTPSeeOther(f"/staff/items/{item_id}?done={name}")


def routes(app: web.Application) -> None:
    app.router.add_get("/staff/items/{item}", page, name="staff-item")
    app.router.add_post("/staff/items/{item}/{action}", act, name="staff-item-act")
