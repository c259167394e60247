"""What the public showcase shows, as the public may read it. Which halls, sessions, photos and
people are shown at all is facilitation/showcase_views.py's rule; here every text passes the
public version's rules before it leaves: a session's approved minutes in their public version
only; its topic, its photos' captions, its settled items and the units' replies with the names
its public minutes label (residents, others, speakers never signed in) replaced and personal
data (phones, ID numbers …) redacted; the office's own texts (a hall's introduction, a plan's
topic and note) with personal data redacted. Nothing from the group's title is shown: a hall
goes by the public name the office gave it."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, tzinfo

from facilitation import showcase_views
from facilitation.ports import TrackingUnitOfWork, UnitOfWork
from facilitation.redact import renamer
from facilitation.showcase_model import (
    PlannedConsultation,
    PublicHall,
    PublicSession,
    SessionPhoto,
)
from facilitation.showcase_views import Gallery, Home, Organisation, Plan
from facilitation.tracking import ItemStatus
from transcripts.minutes import render_md
from transcripts.minutes.drafts import approved_minutes
from transcripts.minutes.model import Minutes
from transcripts.minutes.personal import redact_personal
from transcripts.minutes.public import public_text, public_version

CACHED = 64  # public versions kept in memory: making one reads every turn again
LABEL = "群众代表"  # a private name in a topic or a caption
Rewrite = Callable[[str], str]


def _office(text: str | None) -> str | None:
    """A text the office wrote: personal data redacted (names are theirs to choose)."""
    return redact_personal(text) if text else text


def _of_names(names: Iterable[str]) -> Rewrite:
    rename = renamer(names, LABEL)
    return lambda text: redact_personal(rename(text))


def _hall(hall: PublicHall) -> PublicHall:
    return replace(hall, name=_office(hall.name) or "", intro=_office(hall.intro))


def _plan(plan: PlannedConsultation) -> PlannedConsultation:
    return replace(plan, topic=_office(plan.topic) or "", note=_office(plan.note))


def _session(session: PublicSession, rewrite: Rewrite) -> PublicSession:
    return replace(session, topic=rewrite(session.topic), hall=_office(session.hall) or "")


def _photo(photo: SessionPhoto, rewrite: Rewrite) -> SessionPhoto:
    return replace(photo, caption=rewrite(photo.caption) if photo.caption else None)


async def _rewriters(uow: UnitOfWork, session_ids: Collection[int]) -> dict[int, Rewrite]:
    if not session_ids:
        return {}
    async with uow:
        names = await uow.showcase.private_names(session_ids)
    return {i: _of_names(names.get(i, ())) for i in session_ids}


async def public_home(uow: UnitOfWork, *, today: date) -> Home:
    home = await showcase_views.home(uow, today=today)
    rewrite = await _rewriters(uow, {s.id for s in home.results}
                               | {p.session_id for p in home.photos})
    return replace(home, halls=tuple(_hall(h) for h in home.halls),
                   plans=tuple(_plan(p) for p in home.plans),
                   results=tuple(_session(s, rewrite[s.id]) for s in home.results),
                   photos=tuple(_photo(p, rewrite[p.session_id]) for p in home.photos))


async def public_organisation(uow: UnitOfWork) -> Organisation:
    found = await showcase_views.organisation(uow)
    return replace(found, halls=tuple(_hall(h) for h in found.halls))


async def public_plan(uow: UnitOfWork, *, year: int) -> Plan:
    found = await showcase_views.plan(uow, year=year)
    return replace(found, plans=tuple(_plan(p) for p in found.plans),
                   halls={k: _office(v) or "" for k, v in found.halls.items()})


async def public_gallery(uow: UnitOfWork, *, page: int, approved_only: bool) -> Gallery:
    found = await showcase_views.gallery(uow, page=page, approved_only=approved_only)
    rewrite = await _rewriters(uow, {s.id for s in found.sessions})
    return replace(found, sessions=tuple(_session(s, rewrite[s.id]) for s in found.sessions),
                   photos={k: tuple(_photo(p, rewrite[k]) for p in v)
                           for k, v in found.photos.items()})


@dataclass(frozen=True)
class Published:
    minutes: Minutes  # the public version
    rewrite: Rewrite  # any other text about the session, as the public version writes it


def _publish(approved: Minutes) -> Published:
    # the rewriter reads the names in the approved transcript (the public one has none left)
    return Published(public_version(approved), public_text(approved.transcript))


class PublicMinutes:
    """The public version of a session's latest approved minutes, kept while the approved
    version is the same: its number, its stored body (forgetting a person rewrites it in
    place) and what the document adds (issue number, reviewer)."""

    def __init__(self, size: int = CACHED) -> None:
        self._kept: OrderedDict[tuple[object, ...], Published] = OrderedDict()
        self._size = size

    async def __call__(self, uow: TrackingUnitOfWork, session_id: int,
                       tz: tzinfo) -> Published | None:
        async with uow:
            latest = await uow.minutes.latest_version(session_id)
        if latest is None:
            return None
        approved = await approved_minutes(uow, latest, tz)
        key = (session_id, latest.version, hash(latest.body), repr(approved.issuance))
        if key not in self._kept:
            # CPU work of a few milliseconds to seconds: off the event loop
            self._kept[key] = await asyncio.to_thread(_publish, approved)
            while len(self._kept) > self._size:
                self._kept.popitem(last=False)
        self._kept.move_to_end(key)
        return self._kept[key]


@dataclass(frozen=True)
class PublicItem:
    text: str
    unit: str | None
    status: ItemStatus
    reply: str | None
    settled_at: datetime | None


@dataclass(frozen=True)
class PublicResult:
    session: PublicSession
    minutes: Minutes | None  # the public version; None until approved
    markdown: str  # its sections for a page (no sign-in table, no verbatim annex)
    items: tuple[PublicItem, ...]
    photos: tuple[SessionPhoto, ...]


def page_markdown(minutes: Minutes) -> str:
    parts = (render_md.basics, render_md.proceedings, render_md.suggestions,
             render_md.consensus, render_md.actions)
    return "\n".join(line for part in parts for line in part(minutes)).rstrip() + "\n"


async def public_result(uow: TrackingUnitOfWork, session_id: int, *, tz: tzinfo,
                        kept: PublicMinutes) -> PublicResult:
    """A closed session of a listed hall (else NotFound), as the public sees it."""
    session = await showcase_views.public_session(uow, session_id)
    published = await kept(uow, session.id, tz)
    async with uow:
        items = await uow.tracked.for_session(session.id) if published is not None else []
        photos = await uow.showcase.photos_of([session.id], shown_only=True)
    rewrite = published.rewrite if published is not None \
        else (await _rewriters(uow, [session.id]))[session.id]
    shown = tuple(
        PublicItem(rewrite(i.text), i.unit_name, i.status,
                   rewrite(i.reply.text) if i.reply and i.reply.text else None, i.settled_at)
        for i in items if i.settled)
    return PublicResult(
        _session(session, rewrite), published.minutes if published else None,
        page_markdown(published.minutes) if published else "", shown,
        tuple(_photo(p, rewrite) for p in photos))
