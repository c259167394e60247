"""What makes the DOCX minutes a document an office sends (发文要素): the core properties, the
red masthead (红头) with the issue number, and the signature with the distribution record
(落款, 整理/审核, 主送/抄送 between rules, after GB/T 9704). Written through the document writer
of render_docx.py, in the styles it sets up."""

from __future__ import annotations

from datetime import UTC, datetime

from docx.document import Document as DocxDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import RGBColor
from docx.text.paragraph import Paragraph

from transcripts.minutes.display import date_text, document_title
from transcripts.minutes.docx_parts import Writer
from transcripts.minutes.model import Minutes

RED = RGBColor(0xC0, 0x00, 0x00)  # the masthead of an official document (红头)


def properties(doc: DocxDocument, minutes: Minutes, created: datetime | None) -> None:
    """Core properties: the title, the hall (or issuer) as author, the time of creation."""
    props = doc.core_properties
    props.title = document_title(minutes)
    props.author = minutes.heading.hall or minutes.issuance.issuer or ""
    props.last_modified_by = props.author
    props.subject = minutes.heading.topic
    props.comments = ""
    props.keywords = "、".join(minutes.keywords)
    props.revision = minutes.version or 1
    if created is not None:
        props.created = props.modified = created.astimezone(UTC).replace(tzinfo=None)


def masthead(w: Writer, minutes: Minutes) -> None:
    """红头: the hall's 协商纪要 in red, the issue number, a red rule (when the hall is known)."""
    head = minutes.heading.hall or minutes.issuance.issuer
    if not head:
        return
    masthead = w.para(f"{head}协商纪要", "纪要版头")
    for run in masthead.runs:
        run.font.color.rgb = RED
    number = minutes.issuance.number or ("（草稿）" if minutes.status == "draft" else "")
    rule(w.para(number, "纪要期号"), "bottom", size=18, color="C00000")


def signature(w: Writer, minutes: Minutes) -> None:
    """落款 (issuer and date), 整理/审核, and the distribution record (主送, 抄送)."""
    i = minutes.issuance
    if i.issuer or i.issued_on:
        w.para()
        for line in (i.issuer, date_text(i.issued_on) if i.issued_on else None):
            if line:
                w.para(line, "纪要落款")
    people = "　　".join(f"{label}：{name}" for label, name in
                        (("整理", i.compiled_by), ("审核", i.reviewed_by)) if name)
    if people:
        w.para(people, "纪要落款")
    record = [w.para("、".join(units) + "。", "纪要版记", lead=f"{label}：")
              for label, units in (("主送", i.to), ("抄送", i.cc)) if units]
    if record:  # 版记 between two rules, as GB/T 9704 lays it out
        rule(record[0], "top")
        rule(record[-1], "bottom")


def rule(p: Paragraph, side: str, *, size: int = 8, color: str = "000000") -> None:
    """A line above or below a paragraph (``size`` in eighths of a point)."""
    border = OxmlElement("w:pBdr")
    border.append(OxmlElement(f"w:{side}", {qn("w:val"): "single", qn("w:sz"): str(size),
                                             qn("w:space"): "4", qn("w:color"): color}))
    p._p.get_or_add_pPr().insert_element_before(
        border, "w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc", "w:outlineLvl", "w:rPr")
