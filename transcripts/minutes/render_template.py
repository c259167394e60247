"""The minutes in a hall's own layout (红头): a Word template with Jinja2 tags, filled by
docxtpl. An office lays out its 版头, fonts and 版记 once in Word and writes the fields where
they go; every approved minutes of the hall then comes out in that layout.

Fields (all text, already formatted; lists can be looped with ``{%p for s in suggestions %}``):

- ``title`` ``number`` ``hall`` ``place`` ``time`` (2026年4月16日 09:00—09:43) ``date``
  ``moderator`` ``attendance`` (出席 15 人，其中……) ``remote`` ``absentees`` ``status``
  (草稿 or empty) ``draft`` (true for a draft);
- ``proceedings``: ``speaker`` ``who`` (kind, unit) ``label`` (提问/回应…) ``summary``
  ``reply`` (true for a response placed under its question);
- ``suggestions``: ``number`` ``text`` ``proposers`` ``category``; ``consensus``: texts;
- ``actions``: ``number`` ``text`` ``unit`` (with 配合 units) ``deadline``;
- ``issuer`` ``issued_on`` ``compiled_by`` ``reviewed_by`` ``to`` ``cc`` (joined with 、).
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from transcripts.minutes.display import (
    date_text,
    document_title,
    responsible,
    session_day,
    session_time,
)
from transcripts.minutes.docx_parts import TURN_LABEL, ordered
from transcripts.minutes.model import KIND_ZH, KINDS, Minutes

MAX_TEMPLATE_BYTES = 2 * 1024 * 1024


class TemplateError(ValueError):
    """Not a Word template that can be filled; the message says why, ``reason`` in a word
    (not_docx, too_big, cannot_fill) for adapters that say it in the user's language."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def context(minutes: Minutes) -> dict[str, Any]:
    """The fields a template may use (see the module doc)."""
    h, i = minutes.heading, minutes.issuance
    held = session_day(minutes)
    counts = "、".join(f"{KIND_ZH.get(k, k)} {h.attendance_by_kind[k]} 名"
                      for k in KINDS if h.attendance_by_kind.get(k))
    return {
        "title": document_title(minutes), "number": i.number or "", "hall": h.hall or "",
        "place": h.place or h.hall or "", "time": session_time(minutes) or "",
        "date": date_text(held) if held else "", "moderator": h.moderator or "",
        "attendance": f"出席 {h.present} 人" + (f"，其中{counts}" if counts else ""),
        "remote": "、".join(h.remote), "absentees": "、".join(h.absentees),
        "status": "草稿" if minutes.status == "draft" else "", "draft": minutes.status == "draft",
        "proceedings": [{
            "speaker": p.speaker, "who": KIND_ZH.get(p.kind, p.kind) + (f"，{p.unit}" if p.unit
                                                                      else ""),
            "label": TURN_LABEL.get(p.turn, ""), "summary": p.summary,
            "reply": p.turn == "response" and p.answers is not None}
            for p in ordered([p for p in minutes.proceedings if not p.opening])],
        "suggestions": [{"number": s.number, "text": s.text, "proposers": "、".join(s.proposers),
                         "category": s.category} for s in minutes.suggestions],
        "consensus": [c.text for c in minutes.consensus],
        "actions": [{"number": n, "text": a.text, "unit": responsible(a) or "待定",
                     "deadline": a.deadline_text or (date_text(a.deadline) if a.deadline
                                                     else "待定")}
                    for n, a in enumerate(minutes.actions, 1)],
        "issuer": i.issuer or "", "issued_on": date_text(i.issued_on) if i.issued_on else "",
        "compiled_by": i.compiled_by or "", "reviewed_by": i.reviewed_by or "",
        "to": "、".join(i.to), "cc": "、".join(i.cc),
    }


def fill(minutes: Minutes, template: bytes) -> bytes:
    """The minutes as a .docx in the template's layout; TemplateError when it cannot be."""
    from docxtpl import DocxTemplate
    from jinja2 import TemplateError as JinjaError

    check_format(template)
    try:
        document = DocxTemplate(io.BytesIO(template))
        document.render(context(minutes), autoescape=True)
    except (JinjaError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise TemplateError(f"the template cannot be filled: {error}",
                            "cannot_fill") from error
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def check_format(template: bytes) -> None:
    """A Word document (.docx) of a sensible size, or TemplateError."""
    if len(template) > MAX_TEMPLATE_BYTES:
        raise TemplateError(f"the template is over {MAX_TEMPLATE_BYTES // 1024 // 1024} MB",
                            "too_big")
    try:
        with zipfile.ZipFile(io.BytesIO(template)) as archive:
            if "word/document.xml" not in archive.namelist():
                raise TemplateError("not a Word document (.docx)", "not_docx")
    except zipfile.BadZipFile as error:
        raise TemplateError("not a Word document (.docx)", "not_docx") from error


def check_template(template: bytes) -> None:
    """TemplateError (a ValueError) unless the file can be filled: tried on empty minutes."""
    from transcripts.minutes.compile import compile_minutes
    from transcripts.minutes.model import Transcript

    fill(compile_minutes(Transcript(topic="样例", attendance=(), utterances=())), template)
