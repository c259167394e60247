"""The minutes' editor on the workbench, `/staff/s/<id>/draft`: the draft as compiled now, with
the operations the bot's commands offer (a title, add or drop a suggestion, an item's unit or
deadline, correct a turn), 发言确认 and 待核对, and approval (asked again when turns are still
待核对); `/staff/s/<id>/versions?a=1&b=2` shows two approved versions side by side.

Every operation is the use case the bot calls (facilitation/minutes.py, built against the
draft by transcripts/minutes/drafts.py), which checks the role again and writes the audit log.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

from facilitation import minutes as use
from facilitation.access import Place
from facilitation.errors import DomainError, InvalidInput
from facilitation.model import ConfirmationStatus
from facilitation.tracking_approval import follow_up
from portal import room
from portal.login import Visit, posted, visit
from portal.markdown import to_html
from transcripts.minutes import drafts
from transcripts.minutes.display import document_title
from transcripts.minutes.render_md import to_markdown


def _session_id(request: web.Request) -> int:
    return room.path_number(request, "session")


def _tz(request: web.Request) -> ZoneInfo:
    return ZoneInfo(room.room(request).timezone)


def _whole(said: str) -> int:
    """A number as typed in a form (#3 or 3)."""
    found = room.number(said.strip().lstrip("#"), digits=6)
    if found is None:
        raise InvalidInput("minutes_number_unreadable", said=said.strip()[:20])
    return found


async def _page(request: web.Request, seen: Visit, *, error: DomainError | None = None,
                fields: dict[str, str] | None = None, action: str | None = None,
                unreviewed: DomainError | None = None) -> web.Response:
    session_id = _session_id(request)
    try:
        draft = await drafts.draft_for_editor(room.deps(request).uow(), session_id=session_id,
                                              actor=seen.actor, tz=_tz(request))
    except DomainError as failed:
        return room.error_page(request, failed, f"/staff/s/{session_id}")
    confirmed = sum(s == ConfirmationStatus.CONFIRMED for s in draft.confirmations.values())
    return room.render("staff_draft.html", request, {
        "draft": draft, "minutes": draft.minutes, "session": draft.record.session,
        "title": document_title(draft.minutes), "csrf": seen.csrf,
        # the document as it stands, after every change (residents' links stay text)
        "preview": to_html(to_markdown(draft.minutes), links=False),
        "confirmed": confirmed, "asked": len(draft.confirmations),
        "latest": draft.latest.version if draft.latest else None,
        "done": request.query.get("done", ""), "fields": fields or {}, "action": action,
        "error": room.error_text(request, error) if error is not None else None,
        "unreviewed": room.error_text(request, unreviewed) if unreviewed else None},
        status=room.status_of(error) if error is not None else
        room.status_of(unreviewed) if unreviewed is not None else 200)


async def page(request: web.Request) -> web.Response:
    return await _page(request, await visit(request))


Op = Callable[[web.Request, Visit, int, dict[str, str]], Awaitable[Any]]


async def _edit(request: web.Request, seen: Visit, session_id: int,
                build: Callable[[drafts.Draft], Any]) -> None:
    draft = await drafts.draft_for_editor(room.deps(request).uow(), session_id=session_id,
                                          actor=seen.actor, tz=_tz(request))
    await use.edit_draft(room.deps(request).uow(), session_id=session_id, edit=build(draft),
                         actor=seen.actor, now=room.deps(request).clock())


async def _title(request: web.Request, seen: Visit, sid: int, f: dict[str, str]) -> None:
    await _edit(request, seen, sid, lambda d: drafts.title_to_set(f.get("title", "") or "-"))


async def _add(request: web.Request, seen: Visit, sid: int, f: dict[str, str]) -> None:
    seq = _whole(f.get("seq", ""))
    await _edit(request, seen, sid,
                lambda d: drafts.suggestion_to_add(d, seq, f.get("text", "")))


async def _drop(request: web.Request, seen: Visit, sid: int, f: dict[str, str]) -> None:
    number = _whole(f.get("number", ""))
    await _edit(request, seen, sid, lambda d: drafts.suggestion_to_drop(d, number))


async def _unit(request: web.Request, seen: Visit, sid: int, f: dict[str, str]) -> None:
    number = _whole(f.get("number", ""))
    await _edit(request, seen, sid, lambda d: drafts.unit_to_set(d, number, f.get("unit", "")))


async def _deadline(request: web.Request, seen: Visit, sid: int, f: dict[str, str]) -> None:
    number = _whole(f.get("number", ""))
    await _edit(request, seen, sid,
                lambda d: drafts.deadline_to_set(d, number, f.get("deadline", "")))


async def _fix(request: web.Request, seen: Visit, sid: int, f: dict[str, str]) -> None:
    await use.correct_turn(room.deps(request).uow(), session_id=sid,
                           seq=_whole(f.get("seq", "")), text=f.get("text", ""),
                           actor=seen.actor, now=room.deps(request).clock())


async def _approve(request: web.Request, seen: Visit, sid: int, f: dict[str, str]) -> int:
    shown = room.deps(request)
    version = await drafts.approve_draft(
        shown.uow(), session_id=sid, actor=seen.actor, now=shown.clock(), tz=_tz(request),
        fingerprint=f.get("fingerprint") or None, anyway=f.get("anyway") == "yes")
    # its items followed up, as after the bot's /approve (a failure is caught up at start)
    await follow_up(shown.uow, session_id=sid, version=version, now=shown.clock(),
                    options=room.room(request).follow_up, tz=_tz(request),
                    changed=room.room(request).on_item_change)
    return version


OPS: dict[str, Op] = {"title": _title, "addsug": _add, "dropsug": _drop, "unit": _unit,
                      "deadline": _deadline, "fix": _fix, "approve": _approve}


async def act(request: web.Request) -> web.StreamResponse:
    name = request.match_info["op"]
    op = OPS.get(name)
    if op is None:
        raise room.not_found(request)
    session_id = _session_id(request)
    fields, seen = await posted(request)
    try:
        await op(request, seen, session_id, fields)
    except use.UnreviewedTurns as unchecked:  # asked again, with a button that says so
        return await _page(request, seen, unreviewed=unchecked)
    except DomainError as error:
        return await _page(request, seen, error=error, fields=fields, action=name)
    raise web.HTTPSeeOther(f"/staff/s/{session_id}/draft?done={name}")


async def versions(request: web.Request) -> web.Response:
    seen = await visit(request)
    session_id = _session_id(request)
    try:
        older = _whole(request.query.get("a", "1"))
        newer = _whole(request.query.get("b", "2"))
        found = await drafts.compare_versions(
            room.deps(request).uow(), session_id=session_id, older=older, newer=newer,
            actor=seen.actor, place=Place(None), tz=_tz(request))
    except DomainError as error:
        return room.error_page(request, error, f"/staff/s/{session_id}")
    return room.render("staff_versions.html", request, {"found": found})


def routes(app: web.Application) -> None:
    app.router.add_get("/staff/s/{session}/draft", page, name="staff-draft")
    app.router.add_post("/staff/s/{session}/draft/{op}", act, name="staff-draft-op")
    app.router.add_get("/staff/s/{session}/versions", versions, name="staff-versions")
