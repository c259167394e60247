"""The moderator's console, `/m/<token>`: the session run from a tablet, with or without the
group. Every button posts to one action that calls the use case its command calls
(facilitation/floor.py, services.py, minutes.py, console.py), with the link's person as the
actor and their right to run the session decided there, live."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from facilitation import console, floor, services
from facilitation.errors import DomainError, InvalidInput
from facilitation.model import Mark
from facilitation.screen import screen_of
from portal import room

EVENT = "console"
Action = Callable[[web.Request, console.Console, dict[str, str]], Awaitable[None]]


def _token(request: web.Request) -> str:
    return request.match_info["token"]


async def _console(request: web.Request) -> console.Console:
    return await console.console_of(room.deps(request).uow(), token=_token(request),
                                    staff=room.room(request).staff_user_ids)


async def _context(request: web.Request, found: console.Console, **extra: Any) -> dict[str, Any]:
    assert found.session.id is not None and found.session.screen_code is not None
    uow = room.deps(request).uow
    return {"screen": await screen_of(uow(), found.session.screen_code, queue_shown=None),
            "console": await console.console_view(uow(), session_id=found.session.id),
            "session": found.session, "base": f"/m/{_token(request)}",
            "screen_url": f"/s/{found.session.screen_code}", "marks": tuple(Mark),
            "now": room.deps(request).clock().isoformat(),
            "events": f"/m/{_token(request)}/events", **extra}


async def page(request: web.Request) -> web.Response:
    try:
        found = await _console(request)
    except DomainError as error:
        return room.error_page(request, error, None)
    done = request.query.get("done") == "1"
    return room.render("console.html", request, await _context(request, found, done=done))


def _number(fields: dict[str, str], name: str) -> int:
    value = fields.get(name, "")
    if not (value.isascii() and value.isdigit() and len(value) <= 9):
        raise InvalidInput("bad_action")
    return int(value)


async def _next(request: web.Request, found: console.Console, fields: dict[str, str]) -> None:
    hand_id = _number(fields, "hand") if fields.get("hand") else None
    await floor.call_next(room.deps(request).uow(), chat_id=found.session.chat_id,
                          actor=found.actor, now=room.deps(request).clock(), hand_id=hand_id,
                          announce=True)


def _manage(action: str) -> Action:
    async def act(request: web.Request, found: console.Console, fields: dict[str, str]) -> None:
        await floor.manage_hand(room.deps(request).uow(), chat_id=found.session.chat_id,
                                actor=found.actor, action=action,
                                hand_id=_number(fields, "hand"))
    return act


async def _limit(request: web.Request, found: console.Console, fields: dict[str, str]) -> None:
    seconds = services.parse_turn_limit(fields.get("minutes", ""))
    await services.set_turn_limit(room.deps(request).uow(), chat_id=found.session.chat_id,
                                  actor=found.actor, seconds=seconds)


async def _mark(request: web.Request, found: console.Console, fields: dict[str, str]) -> None:
    try:
        mark = Mark(fields.get("mark", ""))
    except ValueError:
        raise InvalidInput("bad_action") from None
    assert found.session.id is not None
    await console.mark_turn(room.deps(request).uow(), session_id=found.session.id,
                            contribution_id=_number(fields, "contribution"), mark=mark,
                            actor=found.actor)


async def _web_signin(request: web.Request, found: console.Console,
                      fields: dict[str, str]) -> None:
    assert found.session.id is not None
    await console.set_web_signin(room.deps(request).uow(), session_id=found.session.id,
                                 actor=found.actor, open_=fields.get("open") == "yes")


async def _closing(request: web.Request, found: console.Console, fields: dict[str, str]) -> None:
    assert found.session.id is not None
    await console.show_closing(room.deps(request).uow(), session_id=found.session.id,
                               actor=found.actor, now=room.deps(request).clock(),
                               shown=fields.get("shown") == "yes")


async def _end(request: web.Request, found: console.Console, fields: dict[str, str]) -> None:
    await floor.close_session(room.deps(request).uow(), chat_id=found.session.chat_id,
                              actor=found.actor, now=room.deps(request).clock(), announce=True)


async def _remove_web(request: web.Request, found: console.Console,
                      fields: dict[str, str]) -> None:
    assert found.session.id is not None
    await console.remove_web_participant(
        room.deps(request).uow(), session_id=found.session.id,
        person_id=_number(fields, "person"), actor=found.actor, now=room.deps(request).clock())


ACTIONS: dict[str, Action] = {
    "next": _next, "up": _manage("up"), "skip": _manage("skip"), "remove": _manage("remove"),
    "limit": _limit, "mark": _mark, "closing": _closing, "end": _end, "remove-web": _remove_web,
    "web-signin": _web_signin,
}
AFTER_CLOSE = frozenset({"closing", "mark"})  # what a console still does once it has ended


async def act(request: web.Request) -> web.StreamResponse:
    action = ACTIONS.get(request.match_info["action"])
    if action is None:
        raise web.HTTPNotFound()
    room.check_write(request)
    fields = await room.form(request)
    try:
        found = await _console(request)
        if request.match_info["action"] not in AFTER_CLOSE:
            console.require_current(found)
        await action(request, found, fields)
    except DomainError as error:
        return room.error_page(request, error, f"/m/{_token(request)}")
    room.room(request).on_room_notice()
    raise web.HTTPSeeOther(f"/m/{_token(request)}?done=1")


@dataclass(frozen=True)
class _Shown:
    context: dict[str, Any]

    def fingerprint(self) -> str:
        return str(self.context["screen"].fingerprint()) + str(
            self.context["console"].fingerprint())


async def events(request: web.Request) -> web.StreamResponse:
    async def compute() -> _Shown:
        try:
            return _Shown(await _context(request, await _console(request)))
        except DomainError:
            raise web.HTTPNotFound() from None

    return await room.stream(request, EVENT, (EVENT, _token(request)), compute,
                             lambda shown: room.fragment("console_live.html", request,
                                                         shown.context))


def routes(app: web.Application) -> None:
    app.router.add_get("/m/{token}", page, name="console")
    app.router.add_post("/m/{token}/{action}", act, name="console-action")
    app.router.add_get("/m/{token}/events", events, name="console-events")
