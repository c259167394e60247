"""Following items up after an approval: the one place approved minutes become tracked items
(the /approve command and the 批准 button both go through bot.handlers.minutes.approve, which
calls :func:`follow_up`), the start-up catch-up, and the words for the approver.

Tracking runs after the approval committed, in a unit of work of its own: when it fails the
approval stands, the failure is logged, and the next start tracks the version
(:func:`catch_up`; tracking is idempotent per version).
"""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from bot.catalog import t
from bot.common import BotDeps
from facilitation import tracking_approval
from facilitation.tracking_approval import untracked_versions
from facilitation.tracking_services import TrackingResult

log = logging.getLogger(__name__)


async def follow_up(deps: BotDeps, session_id: int, version: int) -> TrackingResult | None:
    """Track an approved version's items; None when that failed (logged, caught up later)."""
    return await tracking_approval.follow_up(
        deps.uow, session_id=session_id, version=version, now=deps.clock(),
        options=deps.follow_up, tz=ZoneInfo(deps.timezone), changed=deps.on_item_change)


async def catch_up(deps: BotDeps) -> list[TrackingResult]:
    """At start: track the approved versions never tracked (one query when there are none)."""
    done = []
    for session_id, version in await untracked_versions(deps.uow()):
        result = await follow_up(deps, session_id, version)
        if result is not None and not result.already:
            done.append(result)
    if done:
        log.info("caught up tracking %d approved versions", len(done))
    return done


def follow_up_note(language: str, result: TrackingResult | None) -> str:
    """What the approver is told: how many items are followed up, and the unit names staff
    must map to the directory."""
    if result is None:
        return t(language, "minutes_tracking_later")
    if result.already:
        return ""
    lines = []
    if count := len(result.created) + len(result.kept):
        lines.append(t(language, "minutes_tracked", n=count))
    if result.unknown_units:
        lines.append(t(language, "minutes_tracked_unknown_units",
                       units="、".join(result.unknown_units)))
    return "\n".join(lines)
