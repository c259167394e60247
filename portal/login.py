"""The staff's login to the web (issue 13): /portal in the bot sends a one-time link; opening
it shows a button (a link preview or a scanner fetching the page uses nothing), posting it
starts a web session in an encrypted cookie (aiohttp-session). The session holds the person,
a CSRF token and when it was last used: unused for 30 minutes, it ends. Roles are read from
the database at every request (facilitation/staff_desk.py), never kept in the cookie."""

from __future__ import annotations

import base64
import hmac
import logging
import os
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware
from aiohttp_session import Session
from aiohttp_session.cookie_storage import EncryptedCookieStorage

from facilitation.errors import DomainError, InvalidInput
from facilitation.roles import Standing
from facilitation.services import Actor
from facilitation.staff_desk import IDLE, log_in, log_out, web_standing
from facilitation.web_logins import accept_invitation, password_log_in
from portal import room
from portal.deps import RoomDeps
from portal.passwords import HASHER

log = logging.getLogger(__name__)

COOKIE = "yst_staff"
LOGIN = "/login"
HOME = "/staff"
LIAISON_HOME = "/staff/items"  # a unit's liaison uses the follow-up board only
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,128}$")


def session_storage(shown: RoomDeps) -> EncryptedCookieStorage:
    key = shown.session_key
    if key is None:
        # info, not a warning: the demo and the room's pages need no secret; only staff's
        # web logins do, and they end at a restart (README: YISHITANG_WEB_SECRET)
        log.info("YISHITANG_WEB_SECRET is not set: a random key for this process, so the "
                 "staff's web logins end when it restarts")
        key = os.urandom(32)
    return EncryptedCookieStorage(
        base64.urlsafe_b64encode(key).decode(), cookie_name=COOKIE, httponly=True,
        samesite="Lax", secure=shown.base_url.startswith("https://"), path="/")


# aiohttp-session's own middleware keeps its objects under str keys of the request, which
# aiohttp (3.14) warns about (NotAppKeyWarning); its storage is used here with typed keys.
STORAGE = web.RequestKey("staff_session_storage", EncryptedCookieStorage)
SESSION = web.RequestKey("staff_session", Session)


def middleware(shown: RoomDeps) -> Middleware:
    storage = session_storage(shown)

    @web.middleware
    async def sessions(request: web.Request, handler: Handler) -> web.StreamResponse:
        request[STORAGE] = storage
        try:
            response = await handler(request)
        except web.HTTPException as raised:  # a redirect or refusal still saves the session
            await _save(request, raised)
            raise
        if isinstance(response, web.Response):  # not a stream (already sent)
            await _save(request, response)
        return response
    return sessions


async def _save(request: web.Request, response: web.StreamResponse) -> None:
    session = request.get(SESSION)
    if session is not None and session._changed:  # the library's own test
        await request[STORAGE].save_session(request, response, session)


async def get_session(request: web.Request) -> Session:
    if SESSION not in request:
        request[SESSION] = await request[STORAGE].load_session(request)
    return request[SESSION]


async def new_session(request: web.Request) -> Session:
    """A fresh session (a new cookie at login: nothing of an earlier one carries over)."""
    request[SESSION] = await request[STORAGE].new_session()
    return request[SESSION]


@dataclass(frozen=True)
class Visit:
    """The person logged in, what they may do now, their form token, and who they are to
    the use cases (the same ones the bot calls)."""

    person_id: int
    standing: Standing
    csrf: str
    actor: Actor


def _bootstrap(request: web.Request) -> frozenset[int]:
    return room.room(request).staff_user_ids


def _refused(request: web.Request, key: str = "staff_no_role",
             back: str | None = None) -> web.HTTPForbidden:
    return web.HTTPForbidden(text=room.fragment("error.html", request, {
        "message": room.words(request)(key), "back": back}), content_type="text/html")


@dataclass(frozen=True)
class Refusals:
    """How a visit is refused: a page sends the browser to the login page (and says a lost
    role, or a page not for a unit's liaison, in a page); the JSON API (portal/api.py)
    answers in JSON instead."""

    logged_out: Callable[[web.Request], web.HTTPException]
    no_role: Callable[[web.Request], web.HTTPException]
    liaison_only: Callable[[web.Request], web.HTTPException]


PAGES = Refusals(lambda request: web.HTTPSeeOther(LOGIN), _refused,
                 lambda request: _refused(request, "staff_liaison_only", LIAISON_HOME))


async def visit(request: web.Request, fields: dict[str, str] | None = None, *,
                refusals: Refusals = PAGES, liaisons: bool = False) -> Visit:
    """The logged-in person's visit, checked now: idle too long or never logged in goes to
    the login page; a role lost is refused; a form (``fields``) must carry the CSRF token.
    A unit's liaison without a role is refused too, but on pages that admit ``liaisons``
    (the follow-up board, whose read side shows them their units' items only)."""
    session = await get_session(request)
    person_id, seen, csrf = session.get("person"), session.get("seen"), session.get("csrf")
    now = room.deps(request).clock().timestamp()
    if (not isinstance(person_id, int) or not isinstance(seen, float | int)
            or not isinstance(csrf, str) or now - seen > IDLE.total_seconds()):
        session.invalidate()
        raise refusals.logged_out(request)
    if fields is not None and not hmac.compare_digest(fields.get("csrf", ""), csrf):
        raise web.HTTPForbidden(text=room.words(request)("web_cross_site"))
    found = await web_standing(room.deps(request).uow(), person_id,
                               bootstrap_ids=_bootstrap(request))
    if found is None:
        session.invalidate()
        raise refusals.no_role(request)
    session["seen"] = now
    standing, actor = found
    if not (standing.has_role or liaisons):  # still logged in: the board is theirs
        raise refusals.liaison_only(request)
    return Visit(person_id, standing, csrf, actor)


async def posted(request: web.Request, *, longer: Mapping[str, int] | None = None,
                 liaisons: bool = False) -> tuple[dict[str, str], Visit]:
    """A staff form: posted from this site, its fields, and the visit its CSRF token proves."""
    room.check_write(request)
    fields = await room.form(request, longer=longer)
    return fields, await visit(request, fields, liaisons=liaisons)


async def _landing(request: web.Request, person_id: int) -> str:
    """Where a login lands: the sessions; for a unit's liaison without a role, their board."""
    found = await web_standing(room.deps(request).uow(), person_id,
                               bootstrap_ids=_bootstrap(request))
    return LIAISON_HOME if found is not None and not found[0].has_role else HOME


async def login_page(request: web.Request, error: DomainError | None = None,
                     login_name: str = "") -> web.Response:
    """Not logged in: how to log in (send /portal to the bot), or by name and password."""
    return room.render("login.html", request, {
        "bot": room.room(request).bot_username, "login_name": login_name,
        "set": request.query.get("done") == "set",
        "error": room.error_text(request, error) if error is not None else None},
        status=room.status_of(error) if error is not None else 200)


async def password_login(request: web.Request) -> web.StreamResponse:
    """A login by name and password (for people without Telegram): a fresh web session."""
    room.check_write(request)
    fields = await room.form(request)
    clock = room.deps(request).clock
    name = fields.get("login_name", "")
    try:
        person = await password_log_in(room.deps(request).uow(), login_name=name,
                                       password=fields.get("password", ""), hasher=HASHER,
                                       now=clock(), bootstrap_ids=_bootstrap(request))
    except DomainError as error:
        return await login_page(request, error, name[:40])
    assert person.id is not None
    _start(await new_session(request), person.id, clock().timestamp())  # a fresh cookie
    raise web.HTTPSeeOther(await _landing(request, person.id))


async def invitation_page(request: web.Request) -> web.Response:
    _token(request)
    return room.render("invitation.html", request, {"action": request.path, "fields": {}})


async def accept(request: web.Request) -> web.StreamResponse:
    """The invitation's form: a login name and a password (twice), then the login page."""
    token = _token(request)
    room.check_write(request)
    fields = await room.form(request)
    try:
        if fields.get("password", "") != fields.get("again", ""):
            raise InvalidInput("password_mismatch")
        await accept_invitation(room.deps(request).uow(), token=token,
                                login_name=fields.get("login_name", ""),
                                password=fields.get("password", ""), hasher=HASHER,
                                now=room.deps(request).clock())
    except DomainError as error:
        return room.render("invitation.html", request, {
            "action": request.path, "fields": {"login_name": fields.get("login_name", "")},
            "error": room.error_text(request, error)}, status=room.status_of(error))
    raise web.HTTPSeeOther(LOGIN + "?done=set")


def _token(request: web.Request) -> str:
    token = request.match_info["token"]
    if not TOKEN.match(token):
        raise room.not_found(request)
    return token


async def confirm_page(request: web.Request) -> web.Response:
    return room.render("login_confirm.html", request, {"action": f"/login/{_token(request)}"})


def _start(session: Session, person_id: int, now: float) -> None:
    session["person"] = person_id
    session["csrf"] = secrets.token_urlsafe(24)
    session["seen"] = now


async def use_link(request: web.Request) -> web.Response:
    token = _token(request)
    room.check_write(request)
    await room.form(request)
    clock = room.deps(request).clock
    try:
        person = await log_in(room.deps(request).uow(), token,
                              bootstrap_ids=_bootstrap(request), now=clock())
    except DomainError as error:
        return room.error_page(request, error, LOGIN)
    assert person.id is not None
    _start(await new_session(request), person.id, clock().timestamp())  # a fresh cookie
    raise web.HTTPSeeOther(await _landing(request, person.id))


async def logout(request: web.Request) -> web.Response:
    _, seen = await posted(request, liaisons=True)
    await log_out(room.deps(request).uow(), seen.person_id, now=room.deps(request).clock())
    (await get_session(request)).invalidate()
    raise web.HTTPSeeOther(LOGIN)


def routes(app: web.Application) -> None:
    app.router.add_get(LOGIN, login_page, name="login")
    app.router.add_post("/password-login", password_login, name="password-login")
    app.router.add_get("/invite/{token}", invitation_page, name="invitation")
    app.router.add_post("/invite/{token}", accept)
    app.router.add_get(LOGIN + "/{token}", confirm_page, name="login-link")
    app.router.add_post(LOGIN + "/{token}", use_link)
    app.router.add_post("/logout", logout, name="logout")
