"""The closing on the room's screen: the draft minutes' consensus and follow-up items, shown
when the moderator asks (the console's button). Compiled from the record as the draft is
(transcripts/minutes/drafts.py: off the event loop) once per showing and state of the
screen, shared by every screen of the session: a mark or an edit made after it shows when
the moderator shows the closing again (the console's 刷新 button), not at every wake."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from aiohttp import web

from facilitation.screen import Screen
from portal.deps import DEPS
from transcripts.minutes.drafts import load_draft

KEPT = 64  # sessions' closings kept in memory


@dataclass(frozen=True)
class FollowUp:
    text: str
    unit: str | None
    deadline: str | None


@dataclass(frozen=True)
class Closing:
    consensus: tuple[str, ...]
    follow_up: tuple[FollowUp, ...]


CLOSINGS = web.AppKey("closings", dict[tuple[int, str, str], Closing])


async def closing_of(app: web.Application, shown: Screen) -> Closing | None:
    if not shown.closing_shown:
        return None
    cache = app[CLOSINGS]
    assert shown.closing_shown_at is not None
    key = (shown.session_id, shown.closing_shown_at.isoformat(), shown.fingerprint())
    found = cache.get(key)
    if found is None:
        deps = app[DEPS]
        draft = await load_draft(deps.uow(), shown.session_id, ZoneInfo(deps.room.timezone))
        minutes = draft.minutes
        found = Closing(tuple(c.text for c in minutes.consensus), tuple(
            FollowUp(a.text, a.unit, a.deadline.isoformat() if a.deadline else a.deadline_text)
            for a in minutes.actions))
        if len(cache) >= KEPT:
            del cache[next(iter(cache))]
        cache[key] = found
    return found
