"""What the JSON API answers, shaped from what the read side returns (the workbench pages'
own objects): the schemas of portal/api_schema.py, field for field. Times are ISO 8601 in
the halls' time zone, as the minutes' JSON has them."""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import Any

from facilitation.model import Attendance, Contribution
from facilitation.session import Session
from facilitation.staff_desk import Desk, DeskSession
from facilitation.tracking import EventKind, TrackedItem
from facilitation.tracking_counts import Figures
from facilitation.tracking_desk import HistoryLine, ItemPage, TrackPage
from facilitation.tracking_figures import Line, Report
from facilitation.tracking_views import TrackRow
from portal.api_schema import DETAIL_KEYS, FIGURE_COUNTS

JSON = dict[str, Any]


def _time(value: datetime | None, tz: tzinfo) -> str | None:
    return value.astimezone(tz).isoformat() if value is not None else None


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _session_head(s: Session, tz: tzinfo) -> JSON:
    return {"id": s.id, "topic": s.topic, "hall": s.hall, "hall_chat_id": s.chat_id,
            "status": s.status.value, "created_at": _time(s.created_at, tz),
            "started_at": _time(s.started_at, tz), "closed_at": _time(s.closed_at, tz)}


def session_list(desk: Desk, tz: tzinfo) -> JSON:
    return {"sessions": [_session_head(row.session, tz) | {"signed_in": row.present}
                         for row in desk.rows],
            "halls": [{"chat_id": chat_id, "name": name} for chat_id, name in desk.halls]}


def _attendee(a: Attendance, tz: tzinfo) -> JSON:
    return {"person_id": a.person_id, "name": a.name, "kind": a.kind.value, "unit": a.unit,
            "sector": a.sector, "remote": a.remote, "late": a.late, "method": a.method.value,
            "signed_in_at": _time(a.signed_in_at, tz), "left_at": _time(a.left_at, tz)}


def _turn(c: Contribution, found: DeskSession, tz: tzinfo) -> JSON:
    audio = (f"/staff/s/{c.session_id}/audio/{c.seq}" if c.seq in found.with_audio else None)
    return {"seq": c.seq, "speaker": c.speaker_name, "kind": c.kind.value,
            "source": c.source.value, "status": c.status.value, "at": _time(c.at, tz),
            "text": c.text, "addressed_to": c.addressed_to, "duration_s": c.duration_s,
            "marks": list(c.marks or ()), "to_check": c.seq in found.to_check,
            "corrected_from": c.original_text, "audio": audio}


def session_detail(found: DeskSession, tz: tzinfo) -> JSON:
    record = found.record
    people = record.attendance
    return {
        "session": _session_head(record.session, tz) | {
            "moderator": record.moderator_name, "minutes_version": found.version},
        "attendance": {"total": len(people), "present": sum(a.present for a in people),
                       "remote": sum(a.remote for a in people),
                       "people": [_attendee(a, tz) for a in people]},
        "turns": [_turn(c, found, tz) for c in record.contributions],
        "to_check": len(found.to_check)}


def _item_row(row: TrackRow) -> JSON:
    return {"id": row.item_id, "session_id": row.session_id, "kind": row.kind.value,
            "number": row.number, "text": row.text, "status": row.status.value,
            "unit_id": row.unit_id, "unit": row.unit, "deadline": _day(row.deadline),
            "overdue": row.overdue, "days_left": row.days_left, "reopens": row.reopens}


def item_list(page: TrackPage, page_size: int) -> JSON:
    unit = page.scope.unit
    return {"items": [_item_row(row) for row in page.rows], "page": page.page,
            "pages": page.pages, "page_size": page_size, "total": page.total,
            "overdue": page.overdue,
            "unit": {"id": unit, "name": page.unit_name or ""}
            if isinstance(unit, int) else None,
            "can_manage": page.can_manage}


def _detail(line: HistoryLine) -> JSON:
    """What the item's page says of a change (staff_item.html): the unit and deadline a
    creation names are the item's own, and only a reply or a revision shows its text."""
    event = line.event
    hidden = {EventKind.CREATED: {"unit_name", "deadline"}}.get(event.kind, set())
    if event.kind not in (EventKind.REPLIED, EventKind.REVISED):
        hidden = hidden | {"text"}
    return {key: str(event.detail[key]) for key in DETAIL_KEYS
            if key not in hidden and event.detail.get(key)}


def _history(line: HistoryLine, tz: tzinfo) -> JSON:
    e = line.event
    return {"n": e.n, "kind": e.kind.value, "at": _time(e.at, tz), "who": line.who,
            "by_proposer": line.by_proposer,
            "from_status": e.from_status.value if e.from_status else None,
            "to_status": e.to_status.value, "detail": _detail(line)}


def _item(item: TrackedItem) -> JSON:
    reply = item.reply
    return {"id": item.id, "session_id": item.session_id, "kind": item.kind.value,
            "number": item.number, "text": item.text, "status": item.status.value,
            "conversion": item.conversion.value if item.conversion else None,
            "reference": item.reference, "unit_id": item.unit_id,
            "unit_name": item.unit_name, "deadline": _day(item.deadline),
            "reply": {"text": reply.text, "document": reply.document} if reply else None}


def item_detail(found: ItemPage, tz: tzinfo) -> JSON:
    return {"item": _item(found.item),
            "session": {"id": found.item.session_id, "topic": found.topic,
                        "hall": found.hall, "held_at": _time(found.held_at, tz)},
            "history": [_history(line, tz) for line in found.history],
            "can_manage": found.can_manage}


def _figures(f: Figures) -> JSON:
    return {**{key: getattr(f, key) for key in FIGURE_COUNTS},
            "participants": dict(f.participants), "satisfaction": f.satisfaction,
            "on_time_rate": f.on_time_rate}


def _line(line: Line) -> JSON:
    return {"name": line.name, "figures": _figures(line.figures), "town": line.town,
            "halls": line.halls, "chat_id": line.chat_id}


def report(found: Report) -> JSON:
    period = found.period
    return {"period": {"label": period.label, "first": _day(period.first),
                       "end": _day(period.end)},
            "scope": found.scope, "as_of": _day(found.as_of), "total": _line(found.total),
            "halls": [_line(line) for line in found.halls],
            "towns": [_line(line) for line in found.towns]}
