"""The public showcase (`/`, issue 13): the seed's five sections, 组织架构, 工作制度, 协商计划,
议事堂风采 and 成果展示, for the halls the office opted in. No login; server-rendered; only what
facilitation/showcase_views.py and transcripts/minutes/showcase.py let the public see (public
minutes only, no resident named). Pages may be cached a minute by browsers and proxies."""

from __future__ import annotations

from datetime import datetime
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from aiohttp import web

from facilitation import showcase_views
from facilitation.errors import DomainError
from portal import room
from portal.markdown import to_html
from transcripts.minutes.showcase import (
    PublicMinutes,
    public_gallery,
    public_home,
    public_organisation,
    public_plan,
    public_result,
)

KEPT = web.AppKey("showcase_minutes", PublicMinutes)
CACHE = "public, max-age=60"
SECTIONS = ("org", "rules", "plan", "gallery", "results")


def _tz(request: web.Request) -> ZoneInfo:
    return ZoneInfo(room.room(request).timezone)


def _now(request: web.Request) -> datetime:
    return room.deps(request).clock().astimezone(_tz(request))


def _page(name: str, request: web.Request, context: dict[str, object], *,
          section: str | None) -> web.Response:
    response = room.render(name, request, {
        **context, "section": section, "sections": SECTIONS, "tz": _tz(request),
        "canonical": f"{room.room(request).base_url.rstrip('/')}{request.path}"})
    response.headers["Cache-Control"] = CACHE
    return response


def _missing(request: web.Request, error: DomainError) -> web.HTTPNotFound:
    return room.not_found(request)


async def home(request: web.Request) -> web.Response:
    found = await public_home(room.deps(request).uow.reading(), today=_now(request).date())
    return _page("showcase_home.html", request, {"home": found}, section=None)


async def organisation(request: web.Request) -> web.Response:
    found = await public_organisation(room.deps(request).uow.reading())
    return _page("showcase_org.html", request, {"org": found}, section="org")


async def rules(request: web.Request) -> web.Response:
    found = await showcase_views.pages(room.deps(request).uow.reading())
    return _page("showcase_rules.html", request, {"pages": found}, section="rules")


async def rule(request: web.Request) -> web.Response:
    try:
        found = await showcase_views.page(room.deps(request).uow.reading(),
                                          request.match_info["slug"][:40])
    except DomainError as error:
        raise _missing(request, error) from None
    return _page("showcase_rule.html", request, {"page": found, "html": to_html(found.body)},
                 section="rules")


async def plan(request: web.Request) -> web.Response:
    this_year = _now(request).year
    asked = room.number(request.query.get("year", ""), digits=4)
    year = asked if asked is not None and 2000 <= asked <= this_year + 5 else this_year
    found = await public_plan(room.deps(request).uow.reading(), year=year)
    return _page("showcase_plan.html", request, {
        "plan": found, "this_year": this_year, "today": _now(request).date()}, section="plan")


async def _gallery(request: web.Request, *, approved_only: bool) -> showcase_views.Gallery:
    page = room.number(request.query.get("page", ""), digits=5) or 1
    return await public_gallery(room.deps(request).uow.reading(), page=page,
                                approved_only=approved_only)


async def gallery(request: web.Request) -> web.Response:
    found = await _gallery(request, approved_only=False)
    return _page("showcase_gallery.html", request, {"gallery": found}, section="gallery")


async def results(request: web.Request) -> web.Response:
    found = await _gallery(request, approved_only=True)
    return _page("showcase_results.html", request, {"gallery": found}, section="results")


async def result(request: web.Request) -> web.Response:
    said = room.path_number(request, "session")
    try:
        found = await public_result(room.deps(request).uow.reading(), said, tz=_tz(request),
                                    kept=request.app[KEPT])
    except DomainError as error:
        raise _missing(request, error) from None
    return _page("showcase_session.html", request, {
        "found": found, "html": to_html(found.markdown, links=False) if found.markdown else None},
        section="results" if found.minutes is not None else "gallery")


async def photo(request: web.Request) -> web.StreamResponse:
    """A photo shown on the showcase (not hidden, of a listed hall's closed session)."""
    said = room.path_number(request, "photo")
    folder = room.room(request).photo_dir
    if folder is None:
        raise room.not_found(request)
    try:
        found = await showcase_views.public_photo(room.deps(request).uow.reading(), said)
    except DomainError as error:
        raise _missing(request, error) from None
    path = (folder / found.path).resolve()
    if not path.is_relative_to(folder.resolve()) or not path.is_file():
        raise room.not_found(request)
    # a minute, as the pages: a photo staff hide must leave caches soon
    return web.FileResponse(path, headers={"Content-Type": "image/jpeg",
                                           "Cache-Control": CACHE})


def _site(request: web.Request) -> tuple[str, str]:
    """The site's address, and how long a page naming it may be cached: the configured one
    (a minute), else this request's Host (not cached: a forged Host must not be kept)."""
    base = room.room(request).base_url.rstrip("/")
    return (base, CACHE) if base else (f"{request.scheme}://{request.host}", "no-store")


async def robots(request: web.Request) -> web.Response:
    base, cache = _site(request)
    lines = ["User-agent: *", "Disallow: /staff", "Disallow: /m/", "Disallow: /j/",
             "Disallow: /s/", "Disallow: /api", "Disallow: /login", "Disallow: /invite",
             f"Sitemap: {base}/sitemap.xml"]
    return web.Response(text="\n".join(lines) + "\n", headers={"Cache-Control": cache})


async def sitemap(request: web.Request) -> web.Response:
    """The sections and every published session, for search engines."""
    base, cache = _site(request)
    found = await showcase_views.published_ids(room.deps(request).uow.reading())
    paths = ["/", *(f"/{s}" for s in SECTIONS), *(f"/results/{i}" for i in found)]
    urls = "".join(f"<url><loc>{escape(base + p)}</loc></url>" for p in paths)
    return web.Response(
        text='<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns='
             f'"http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>\n',
        content_type="application/xml", headers={"Cache-Control": cache})


def routes(app: web.Application) -> None:
    app[KEPT] = PublicMinutes()
    app.router.add_get("/", home, name="showcase")
    app.router.add_get("/org", organisation, name="showcase-org")
    app.router.add_get("/rules", rules, name="showcase-rules")
    app.router.add_get("/rules/{slug}", rule, name="showcase-rule")
    app.router.add_get("/plan", plan, name="showcase-plan")
    app.router.add_get("/gallery", gallery, name="showcase-gallery")
    app.router.add_get("/results", results, name="showcase-results")
    app.router.add_get("/results/{session}", result, name="showcase-result")
    app.router.add_get("/photos/{photo}", photo, name="showcase-photo")
    app.router.add_get("/robots.txt", robots, name="robots")
    app.router.add_get("/sitemap.xml", sitemap, name="sitemap")
