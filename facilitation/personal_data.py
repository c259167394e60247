"""A person's data as one JSON document: what an export on request gives them.

Times are ISO 8601 in UTC; enums are their codes; audio files are named as kept in the data
folder (``audio/<session>/<job>.<ext>``), null once deleted. Tracked items they proposed or
acted on come with their whole history; an event says whether it was theirs, never who else
acted.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict
from datetime import date, datetime
from enum import Enum
from typing import Any

from facilitation.ports import Footprint
from facilitation.tracking import TrackedItem

FORMAT = "yishitang-personal-data/1"


def _plain(value: Any) -> Any:
    if isinstance(value, date):  # and datetime
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _only(obj: Any, *names: str) -> dict[str, Any]:
    values = asdict(obj)
    return {name: _plain(values[name]) for name in names}


def _item(t: TrackedItem, person_id: int | None) -> dict[str, Any]:
    fields = ("session_id", "kind", "seq", "number", "text", "proposers", "category",
              "unit_name", "deadline", "status", "conversion", "reference", "satisfaction")
    return {"id": t.id} | {name: _plain(getattr(t, name)) for name in fields} | {
        "history": [{"n": e.n, "kind": e.kind.value, "at": e.at.isoformat(),
                     "from_status": _plain(e.from_status), "to_status": e.to_status.value,
                     "detail": _plain(e.detail), "theirs": e.who.person_id == person_id}
                    for e in t.history]}


def personal_data(found: Footprint, now: datetime) -> dict[str, Any]:
    p = found.person
    return {
        "format": FORMAT,
        "exported_at": now.isoformat(),
        "person": _only(p, "id", "display_name", "kind", "sector", "unit", "telegram_user_id",
                        "language", "has_profile", "notice_accepted_at", "forgotten_at"),
        "sessions": [_only(s, "id", "code", "topic", "hall", "chat_id", "created_at",
                           "closed_at") | {"moderated": s.moderator_id == p.id}
                     for s in found.sessions],
        "sign_ins": [_only(a, "session_id", "name", "kind", "sector", "unit", "signed_in_at",
                           "method", "remote", "late", "left_at", "proxy_by")
                     for a in found.attendance],
        "queue": [_only(h, "session_id", "kind", "seq", "raised_at", "addressee", "status")
                  for h in found.hands],
        "turns": [_only(t, "session_id", "kind", "started_at", "ended_at", "limit_s",
                        "overtime_s", "addressee") for t in found.turns],
        "contributions": [
            _only(c, "session_id", "seq", "speaker_name", "kind", "source", "at", "text",
                  "original_text", "status", "duration_s", "addressed_to", "marks")
            for c in found.contributions],
        "audio": [_only(j, "session_id", "kind", "status", "created_at", "claimed_duration_s",
                        "mime_type")
                  | {"file": f"audio/{j.audio_path}" if j.audio_path else None}
                  for j in found.audio_jobs],
        "confirmations": [{"session_id": sid, "status": status.value}
                          for sid, status in found.confirmations],
        "minutes_edits": [_only(e, "session_id", "op", "payload", "at") for e in found.edits],
        "approvals": [_only(v, "session_id", "version", "approved_at")
                      for v in found.approvals],
        "audit": [_only(e, "at", "action", "session_id", "detail")
                  | {"role": "actor" if e.actor_id == p.id else "subject"}
                  for e in found.audit],
        "tracked_items": [_item(t, p.id) for t in found.items],
        "roles": [_only(g, "role", "hall_chat_id", "granted_at") for g in found.roles],
    }


def personal_data_json(found: Footprint, now: datetime) -> str:
    return json.dumps(personal_data(found, now), ensure_ascii=False, indent=2) + "\n"
