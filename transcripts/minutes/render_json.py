"""Minutes as JSON (yishitang/schemas/minutes.schema.json), and read back.

:func:`to_json` writes the whole structure, with the transcript itself (the annexes) in the
interchange format under ``transcript`` unless ``annex=False``; :func:`minutes_from_json`
reads a document written by :func:`to_json` back into :class:`Minutes` (the bot stores its
versions that way). Dates are ISO 8601; the display forms (``date_text``, ``start``) are
for people and ignored on reading.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from transcripts.minutes.display import date_text, session_day
from transcripts.minutes.model import (
    KIND_ZH,
    KINDS,
    TURN_ZH,
    Action,
    Attendee,
    ConsensusItem,
    Heading,
    Issuance,
    Minutes,
    Proceeding,
    SpeakerStats,
    Statistics,
    Suggestion,
    Transcript,
    Utterance,
    load_transcript,
)

FORMAT = "yishitang-minutes"
FORMAT_VERSION = 1


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _hhmm(value: datetime | None) -> str | None:
    return value.strftime("%H:%M") if value is not None else None


def _session(m: Minutes) -> dict[str, Any]:
    h, day = m.heading, session_day(m)
    return {"topic": h.topic, "date": _iso(day), "date_text": date_text(day) if day else None,
            "start": _hhmm(h.started_at), "end": _hhmm(h.ended_at),
            "started_at": _iso(h.started_at), "ended_at": _iso(h.ended_at), "hall": h.hall,
            "place": h.place, "moderator": h.moderator}


def _attendance(h: Heading) -> dict[str, Any]:
    by_kind = {k: h.attendance_by_kind[k] for k in KINDS if h.attendance_by_kind.get(k)}
    return {"present": h.present, "by_kind": by_kind,
            "by_kind_zh": {KIND_ZH[k]: n for k, n in by_kind.items()},
            "remote": list(h.remote), "absentees": list(h.absentees)}


def _proceeding(p: Proceeding) -> dict[str, Any]:
    return {"seq": p.seq, "speaker": p.speaker, "kind": p.kind, "kind_zh": KIND_ZH[p.kind],
            "unit": p.unit, "turn": p.turn, "turn_zh": TURN_ZH[p.turn], "summary": p.summary,
            "addressed_to": p.addressed_to, "answers": p.answers, "at": _iso(p.at),
            "opening": p.opening}


def _statistics(s: Statistics) -> dict[str, Any]:
    return {"speakers": s.speakers, "turns": s.turns, "voice_turns": s.voice_turns,
            "text_turns": s.text_turns, "seconds": s.seconds,
            "per_speaker": [{"name": x.name, "turns": x.turns, "seconds": x.seconds,
                             "chars": x.chars} for x in s.per_speaker]}


def to_json(minutes: Minutes, *, annex: bool = True) -> dict[str, Any]:
    """The minutes as a JSON-ready dict (``json.dumps(..., ensure_ascii=False)``)."""
    m = minutes
    document: dict[str, Any] = {
        "format": FORMAT, "format_version": FORMAT_VERSION, "session": _session(m),
        "attendance": _attendance(m.heading),
        "proceedings": [_proceeding(p) for p in m.proceedings],
        "suggestions": [{"number": s.number, "text": s.text, "proposers": list(s.proposers),
                         "seq": s.seq, "also": list(s.also), "category": s.category,
                         "origin": s.origin}
                        for s in m.suggestions],
        "consensus": [{"text": c.text, "seq": c.seq, "origin": c.origin} for c in m.consensus],
        "actions": [{"text": a.text, "unit": a.unit, "deadline": _iso(a.deadline),
                     "deadline_text": a.deadline_text, "partners": list(a.partners),
                     "seq": a.seq, "also": list(a.also), "origin": a.origin}
                    for a in m.actions],
        "keywords": list(m.keywords), "statistics": _statistics(m.statistics),
        "status": m.status, "version": m.version, "confirmed_by": list(m.confirmed_by),
        "extra": dict(m.extra), "document": _issuance(m.issuance), "extractor": m.extractor}
    if annex:
        document["transcript"] = transcript_to_json(m.transcript)
    return document


def _attendee(a: Attendee) -> dict[str, Any]:
    out: dict[str, Any] = {"name": a.name, "kind": a.kind}
    for key, value in (("sector", a.sector), ("unit", a.unit),
                       ("signed_in_at", _iso(a.signed_in_at))):
        if value is not None:
            out[key] = value
    out |= {"left_at": _iso(a.left_at), "remote": a.remote, "late": a.late}
    out |= {"method": "proxy"} if a.proxy else {}
    return out | ({"absent": True} if a.absent else {}) | (
        {"aliases": list(a.aliases)} if a.aliases else {})


def _utterance(u: Utterance) -> dict[str, Any]:
    out: dict[str, Any] = {"seq": u.seq, "speaker": u.speaker, "turn": u.turn}
    for key, value in (("addressed_to", u.addressed_to), ("at", _iso(u.at)),
                       ("duration_s", u.duration_s)):
        if value is not None:
            out[key] = value
    out |= {"source": u.source, "text": u.text}
    out |= {"marks": list(u.marks)} if u.marks is not None else {}
    return out | ({"review": True} if u.needs_review else {})


def transcript_to_json(t: Transcript) -> dict[str, Any]:
    """The transcript in the interchange format (what :func:`load_transcript` reads)."""
    session = {k: v for k, v in (
        ("topic", t.topic), ("hall", t.hall), ("place", t.place), ("moderator", t.moderator),
        ("started_at", _iso(t.started_at)), ("ended_at", _iso(t.ended_at)),
        ("language", t.language)) if v is not None}
    return {"session": session, "attendance": [_attendee(a) for a in t.attendance],
            "utterances": [_utterance(u) for u in t.utterances]}


# Reading back ------------------------------------------------------------------------------

def _dt(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _heading(d: dict[str, Any]) -> Heading:
    s, a = d["session"], d["attendance"]
    return Heading(
        topic=s["topic"], started_at=_dt(s.get("started_at")), ended_at=_dt(s.get("ended_at")),
        hall=s.get("hall"), place=s.get("place"), moderator=s.get("moderator"),
        attendance_by_kind={k: int(n) for k, n in a["by_kind"].items()},
        present=int(a["present"]), remote=tuple(a.get("remote", ())),
        absentees=tuple(a.get("absentees", ())))


def _read_proceeding(p: dict[str, Any]) -> Proceeding:
    return Proceeding(
        seq=p["seq"], speaker=p["speaker"], kind=p["kind"], unit=p.get("unit"),
        turn=p["turn"], summary=p["summary"], addressed_to=p.get("addressed_to"),
        answers=p.get("answers"), at=_dt(p.get("at")), opening=bool(p.get("opening")))


def _read_statistics(s: dict[str, Any]) -> Statistics:
    return Statistics(
        speakers=s["speakers"], turns=s["turns"], voice_turns=s["voice_turns"],
        text_turns=s["text_turns"], seconds=float(s["seconds"]),
        per_speaker=tuple(SpeakerStats(x["name"], x["turns"], float(x["seconds"]), x["chars"])
                          for x in s.get("per_speaker", ())))


def _read_items(d: dict[str, Any]) -> dict[str, Any]:
    return {
        "suggestions": tuple(Suggestion(
            number=s["number"], text=s["text"], proposers=tuple(s.get("proposers", ())),
            seq=s["seq"], category=s["category"], origin=s.get("origin", "auto"),
            also=tuple(s.get("also", ())))
            for s in d.get("suggestions", ())),
        "consensus": tuple(ConsensusItem(text=c["text"], seq=c["seq"],
                                         origin=c.get("origin", "auto"))
                           for c in d.get("consensus", ())),
        "actions": tuple(Action(
            text=a["text"], unit=a.get("unit"),
            deadline=date.fromisoformat(a["deadline"]) if a.get("deadline") else None,
            deadline_text=a.get("deadline_text"), seq=a["seq"], origin=a.get("origin", "auto"),
            partners=tuple(a.get("partners", ())), also=tuple(a.get("also", ())))
            for a in d.get("actions", ()))}


def _issuance(i: Issuance) -> dict[str, Any]:
    return {"title": i.title, "number": i.number, "to": list(i.to), "cc": list(i.cc),
            "issuer": i.issuer, "issued_on": _iso(i.issued_on), "compiled_by": i.compiled_by,
            "reviewed_by": i.reviewed_by}


def _read_issuance(d: dict[str, Any] | None) -> Issuance:
    if not d:
        return Issuance()
    return Issuance(
        title=d.get("title"), number=d.get("number"), to=tuple(d.get("to") or ()),
        cc=tuple(d.get("cc") or ()), issuer=d.get("issuer"),
        issued_on=date.fromisoformat(d["issued_on"]) if d.get("issued_on") else None,
        compiled_by=d.get("compiled_by"), reviewed_by=d.get("reviewed_by"))


def minutes_from_json(document: dict[str, Any]) -> Minutes:
    """Read back what :func:`to_json` wrote. Without the ``transcript`` annex the transcript
    is an empty one for the same session. Raises KeyError/ValueError on a malformed one."""
    heading = _heading(document)
    if document.get("transcript") is not None:
        transcript = load_transcript(document["transcript"])
    else:
        transcript = Transcript(topic=heading.topic, attendance=(), utterances=(),
                                hall=heading.hall, place=heading.place,
                                moderator=heading.moderator, started_at=heading.started_at,
                                ended_at=heading.ended_at)
    return Minutes(
        heading=heading,
        proceedings=tuple(_read_proceeding(p) for p in document.get("proceedings", ())),
        **_read_items(document), keywords=tuple(document.get("keywords", ())),
        statistics=_read_statistics(document["statistics"]), transcript=transcript,
        confirmed_by=tuple(document.get("confirmed_by", ())),
        status=document.get("status", "draft"), version=document.get("version"),
        extra=dict(document.get("extra") or {}),
        issuance=_read_issuance(document.get("document")),
        extractor=str(document.get("extractor") or ""))
