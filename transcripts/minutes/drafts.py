"""A session's minutes as they stand: compiled from the record, with the recorded edits and
the speakers' confirmations; and the frozen, approved versions."""

from __future__ import annotations

import asyncio
import hashlib
import json
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

from facilitation.model import ConfirmationStatus, ContributionStatus, MinutesEdit, MinutesVersion
from facilitation.ports import UnitOfWork
from facilitation.record import SessionRecord, load_record
from transcripts.export import to_interchange
from transcripts.minutes.compile import compile_minutes
from transcripts.minutes.edits import replay
from transcripts.minutes.model import Minutes, load_transcript


@dataclass(frozen=True)
class Draft:
    minutes: Minutes
    record: SessionRecord
    latest: MinutesVersion | None  # the last approved version, if any
    confirmations: dict[int, ConfirmationStatus]  # by person id
    lost: list[MinutesEdit] = field(default_factory=list)  # edits whose item is gone

    @cached_property
    def body(self) -> str:
        """What approving this draft would freeze."""
        return approved_body(self.minutes)

    @property
    def fingerprint(self) -> str:
        """Short, stable id of the draft's content: a button made for it approves only it."""
        return hashlib.sha256(self.body.encode()).hexdigest()[:10]

    @property
    def pending(self) -> int:
        """Voice messages still being transcribed: they are not in the draft yet."""
        return sum(c.status == ContributionStatus.PENDING for c in self.record.contributions)

    @property
    def changed_since_approval(self) -> bool:
        return self.latest is None or self.latest.body != self.body

    def speakers(self) -> dict[int, str]:
        """Person id -> name of everyone with a final turn (those who can confirm)."""
        return {c.person_id: c.speaker_name for c in self.record.contributions
                if c.final and c.person_id is not None}


def approved_body(minutes: Minutes) -> str:
    """The minutes as frozen by an approval: JSON with the transcript annex."""
    from transcripts.minutes.render_json import to_json

    body = to_json(replace(minutes, status="draft", version=None, extra={}), annex=True)
    return json.dumps(body, ensure_ascii=False, sort_keys=True)


async def load_draft(uow: UnitOfWork, session_id: int, tz: ZoneInfo) -> Draft:
    record = await load_record(uow, session_id=session_id)
    async with uow:
        edits = await uow.minutes.edits(session_id)
        latest = await uow.minutes.latest_version(session_id)
        confirmations = await uow.minutes.confirmations(session_id)
    interchange = to_interchange(record, tz)
    # compiling a long session is CPU work: off the event loop
    minutes, lost = await asyncio.get_running_loop().run_in_executor(
        None, _compiled, interchange, edits)
    names = {c.person_id: c.speaker_name for c in record.contributions if c.person_id}
    confirmed = tuple(sorted({names[p] for p, s in confirmations.items()
                              if s == ConfirmationStatus.CONFIRMED and p in names}))
    minutes = replace(minutes, confirmed_by=confirmed)
    return Draft(minutes, record, latest, confirmations, lost)


def _compiled(interchange: dict[str, Any], edits: list[MinutesEdit]
              ) -> tuple[Minutes, list[MinutesEdit]]:
    return replay(compile_minutes(load_transcript(interchange)), edits)


def version_minutes(version: MinutesVersion) -> Minutes:
    """An approved version, read back exactly as it was frozen."""
    from transcripts.minutes.render_json import minutes_from_json

    minutes = minutes_from_json(json.loads(version.body))
    return replace(minutes, status="approved", version=version.version)
