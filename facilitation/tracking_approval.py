"""From an approval to following its items up: the approved version's items tracked in a unit
of work of their own, after the approval committed, and the versions an interrupted process
approved but never tracked, found again at start.

The approval never waits on tracking: tracking is idempotent per version
(tracking_services.track_approved), so whatever was missed is simply tracked later.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, tzinfo

from facilitation.errors import NotFound
from facilitation.ports import TrackingUnitOfWork, TrackingUnitOfWorkFactory
from facilitation.reminders import DEFAULT_LEAD_DAYS, REMINDER_TIME
from facilitation.tracking_services import (
    DEFAULT_DEADLINE_DAYS,
    TrackingResult,
    track_approved,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FollowUpOptions:
    """How items are followed up, as configured (yishitang.settings)."""

    lead_days: tuple[int, ...] = DEFAULT_LEAD_DAYS
    remind_at: time = REMINDER_TIME
    deadline_days: int = DEFAULT_DEADLINE_DAYS  # a referral without a deadline named


async def track_version(uow_factory: TrackingUnitOfWorkFactory, *, session_id: int,
                        version: int, now: datetime, options: FollowUpOptions,
                        tz: tzinfo) -> TrackingResult:
    """Track the items of an approved (committed) version, one unit of work to read it and
    one for tracking."""
    async with uow_factory() as uow:
        frozen = await uow.minutes.version(session_id, version)
    if frozen is None:
        raise NotFound("no_session")
    return await track_approved(uow_factory(), session_id=session_id, minutes_json=frozen.body,
                                version=version, now=now, lead_days=options.lead_days,
                                remind_at=options.remind_at, tz=tz)


async def follow_up(uow_factory: TrackingUnitOfWorkFactory, *, session_id: int, version: int,
                    now: datetime, options: FollowUpOptions, tz: tzinfo,
                    changed: Callable[[], None] = lambda: None) -> TrackingResult | None:
    """Track an approved version's items, after the approval committed, whoever approved it
    (the bot's /approve and button, the workbench's editor, the start-up catch-up); None when
    that failed: logged, and the next start catches up. ``changed`` wakes the senders of
    reminders and notices."""
    try:
        result = await track_version(uow_factory, session_id=session_id, version=version,
                                     now=now, options=options, tz=tz)
    except Exception:  # the approval is committed: it stands whatever tracking met
        log.exception("tracking version %s of session %s failed; the next start catches up",
                      version, session_id)
        return None
    changed()  # items and their reminders were made or changed
    return result


async def untracked_versions(uow: TrackingUnitOfWork) -> list[tuple[int, int]]:
    """(session id, version) still to track: the latest approved version of each session
    whose items were tracked for an older one or never. One query; a session approved with
    no items at all stays in the answer (nothing records that it was looked at), and is
    tracked again at no cost to anyone but a query of its own."""
    async with uow:
        return await uow.tracked.untracked_approvals()
