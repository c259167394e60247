"""Minutes (协商纪要) as a Word document in the formal layout of a CPPCC 协商纪要.

Page and fonts after GB/T 9704: A4, margins 3.7/3.5/2.8/2.6 cm, title 二号 (22 pt) 小标宋,
body 三号 (16 pt) 仿宋_GB2312, headings 黑体. Fonts are set once, on styles (the Chinese font
through ``w:rFonts/@w:eastAsia``), never run by run; the font table names a fallback
(``w:altName``) for the fonts many machines lack: 方正小标宋简体 → 黑体, 仿宋_GB2312 → 仿宋.
The proceedings, statistics and annexes are written by docx_parts.py.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from itertools import chain
from typing import NamedTuple, cast

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Pt
from docx.styles.style import CharacterStyle, ParagraphStyle
from docx.text.paragraph import Paragraph

from transcripts.minutes import docx_issuance, docx_parts
from transcripts.minutes.display import (
    date_text,
    document_title,
    responsible,
    session_day,
    session_time,
)
from transcripts.minutes.docx_parts import NONE
from transcripts.minutes.model import KIND_ZH, KINDS, Action, Minutes

TITLE_FONT, BODY_FONT, KAI_FONT, HEI_FONT = "方正小标宋简体", "仿宋_GB2312", "楷体_GB2312", "黑体"
LATIN_FONT = "Times New Roman"
FALLBACKS = {TITLE_FONT: HEI_FONT, BODY_FONT: "仿宋", KAI_FONT: "楷体", HEI_FONT: "SimHei"}
SECTIONS = ("一、基本情况", "二、协商过程", "三、意见建议", "四、协商共识", "五、下一步工作")
ACTION_HEADER = ("序号", "工作事项", "责任单位", "时限")
ACTION_WIDTHS = (1.4, 7.8, 3.4, 3.0)  # cm; the text block is 15.6 cm wide
_DIGITS = "零一二三四五六七八九"
CENTER = WD_ALIGN_PARAGRAPH.CENTER


class _Spec(NamedTuple):
    style_id: str  # ASCII: some tools mishandle non-ASCII style ids
    font: str
    size: float  # pt
    align: WD_ALIGN_PARAGRAPH | None = None
    indent: float = 0  # first line, pt
    line: float | None = None  # exact line height, pt
    bold: bool = False
    left: float = 0  # left indent, pt


STYLES = {
    "纪要标题": _Spec("MinutesTitle", TITLE_FONT, 22, CENTER, line=36, bold=True),
    "纪要副标题": _Spec("MinutesSubtitle", KAI_FONT, 16, CENTER, line=28),
    "纪要一级标题": _Spec("MinutesHeading", HEI_FONT, 16, indent=32, line=28),
    "纪要回应": _Spec("MinutesResponse", BODY_FONT, 16, indent=32, line=28, left=32),
    "纪要附件": _Spec("MinutesAnnex", HEI_FONT, 16, WD_ALIGN_PARAGRAPH.LEFT, line=28),
    "纪要表格": _Spec("MinutesCell", BODY_FONT, 12, WD_ALIGN_PARAGRAPH.LEFT),
    "纪要表头": _Spec("MinutesHeaderCell", HEI_FONT, 12, CENTER),
    "纪要逐字记录": _Spec("MinutesVerbatim", BODY_FONT, 12, line=20),
    "纪要版头": _Spec("MinutesMasthead", TITLE_FONT, 26, CENTER, line=40, bold=True),
    "纪要期号": _Spec("MinutesIssue", BODY_FONT, 16, CENTER, line=28),
    "纪要落款": _Spec("MinutesSignature", BODY_FONT, 16, WD_ALIGN_PARAGRAPH.RIGHT, line=28),
    "纪要版记": _Spec("MinutesRecord", BODY_FONT, 14, WD_ALIGN_PARAGRAPH.LEFT, line=24),
}


def zh_number(n: int) -> str:
    """1 → 一, 12 → 十二, 45 → 四十五 (100 and above stay in Arabic digits)."""
    if not 0 <= n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十")
    return head + (_DIGITS[ones] if ones or not head else "")


def _set_fonts(fonts: BaseOxmlElement, east_asian: str) -> None:
    """Set ``w:rFonts``: Latin fonts, the East Asian font; theme fonts would override them."""
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asian)


class _Writer:
    """The document and its styles; every paragraph goes through :meth:`para`."""

    def __init__(self) -> None:
        self.doc: DocxDocument = Document()
        self.styles: dict[str, ParagraphStyle] = {}
        self._setup_defaults()
        for name, spec in STYLES.items():
            self.styles[name] = self._paragraph_style(name, spec)
        self.styles["纪要附件"].paragraph_format.page_break_before = True
        self.styles["纪要一级标题"].paragraph_format.keep_with_next = True
        outline = OxmlElement("w:outlineLvl", {qn("w:val"): "0"})  # in Word's navigation pane
        self.styles["纪要一级标题"].element.get_or_add_pPr().insert_element_before(
            outline, "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
        self.strong = cast(CharacterStyle, self.doc.styles.add_style(
            "纪要加粗", WD_STYLE_TYPE.CHARACTER))
        self.strong.style_id, self.strong.font.bold = "MinutesStrong", True

    def _setup_defaults(self) -> None:
        styles = self.doc.styles
        r_pr = styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if r_pr is not None:  # python-docx's own template has it
            _set_fonts(r_pr.find(qn("w:rFonts")), BODY_FONT)
            r_pr.find(qn("w:lang")).set(qn("w:eastAsia"), "zh-CN")
        normal = cast(ParagraphStyle, styles["Normal"])
        _set_fonts(normal.element.get_or_add_rPr().get_or_add_rFonts(), BODY_FONT)
        normal.font.size = Pt(16)
        fmt = normal.paragraph_format
        fmt.first_line_indent, fmt.line_spacing = Pt(32), Pt(28)
        fmt.space_after, fmt.alignment = Pt(0), WD_ALIGN_PARAGRAPH.JUSTIFY
        self.styles["Normal"] = normal

    def _paragraph_style(self, name: str, spec: _Spec) -> ParagraphStyle:
        style = cast(ParagraphStyle, self.doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH))
        style.style_id, style.base_style = spec.style_id, self.styles["Normal"]
        _set_fonts(style.element.get_or_add_rPr().get_or_add_rFonts(), spec.font)
        style.font.size, style.font.bold = Pt(spec.size), spec.bold
        fmt = style.paragraph_format
        fmt.first_line_indent, fmt.left_indent = Pt(spec.indent), Pt(spec.left)
        fmt.line_spacing = Pt(spec.line) if spec.line else 1.0
        if spec.align is not None:
            fmt.alignment = spec.align
        return style

    def para(self, text: str = "", style: str = "Normal", *, lead: str = "") -> Paragraph:
        """A paragraph; ``lead`` (if any) comes first, in bold.

        Styles are referenced by id in the XML: python-docx's ``style=`` setters look up the
        default style with an XPath query on every call, which dominated the run time.
        """
        p = self.doc.add_paragraph()
        self._fill(p, text, style, lead)
        return p

    def _fill(self, p: Paragraph, text: str, style: str, lead: str = "") -> None:
        if style != "Normal":
            p._p.get_or_add_pPr().style = self.styles[style].style_id
        if lead:
            p.add_run(lead)._r.get_or_add_rPr().style = self.strong.style_id
        if text:
            p.add_run(text)

    def items(self, texts: Sequence[str]) -> None:
        for text in texts or (NONE,):
            self.para(text)

    def table(self, header: Sequence[str], widths: Sequence[float],
              rows: Sequence[Sequence[str]]) -> None:
        """A grid table with a header row repeated on every page; "无" when there are no rows."""
        if not rows:
            self.para(NONE)
            return
        table = self.doc.add_table(rows=0, cols=len(header))
        table.style = self.doc.styles["Table Grid"]
        for i, values in enumerate(chain([header], rows)):
            row = table.add_row()
            style = "纪要表格" if i else "纪要表头"
            if i == 0:  # repeated at the top of every page
                row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
            for cell, value, width in zip(row.cells, values, widths, strict=True):
                cell.width = Cm(width)
                self._fill(cell.paragraphs[0], value, style)
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Cm(width)

    def section_page(self, *, draft: bool) -> None:
        section = self.doc.sections[0]
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
        section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
        section.header_distance, section.footer_distance = Cm(1.5), Cm(2.5)
        footer = _band(section.footer.paragraphs[0], CENTER, "— ")  # — 1 —
        footer._p.append(OxmlElement("w:fldSimple", {qn("w:instr"): "PAGE"}))
        footer.add_run(" —")
        if draft:  # on every page, so a printed draft is not taken for the final text
            _band(section.header.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT, "协商纪要（草稿）")

    def font_fallbacks(self) -> None:
        """Name, in the font table, the font Word uses when a Chinese font is missing."""
        part = self.doc.part.part_related_by(RT.FONT_TABLE)
        entries = "".join(
            f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>'
            f'<w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>'
            for name, alt in FALLBACKS.items())
        part._blob = part.blob.replace(b"</w:fonts>", entries.encode() + b"</w:fonts>")

    def save(self) -> bytes:
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()


def _band(p: Paragraph, align: WD_ALIGN_PARAGRAPH, text: str) -> Paragraph:
    """A header or footer line (their styles inherit the body's first-line indent)."""
    p.paragraph_format.first_line_indent, p.alignment = Pt(0), align
    p.add_run(text)
    return p


def to_docx_bytes(minutes: Minutes, *, created: datetime | None = None) -> bytes:
    """The minutes as a .docx file: masthead and title, the five sections, the signature
    (落款, 整理/审核) and distribution (主送/抄送), and two annexes. A draft also carries the
    working material (keywords, statistics, who confirmed); an approved version does not.
    ``created``: the document's creation time (core properties), None for none."""
    draft = minutes.status == "draft"
    w = _Writer()
    w.section_page(draft=draft)
    w.font_fallbacks()
    docx_issuance.properties(w.doc, minutes, created)
    docx_issuance.masthead(w, minutes)
    _title(w, minutes)
    w.para(SECTIONS[0], "纪要一级标题")
    w.items(_basics(minutes))
    w.para(SECTIONS[1], "纪要一级标题")
    docx_parts.proceedings(w, minutes)
    w.para(SECTIONS[2], "纪要一级标题")
    w.items([f"（{zh_number(s.number)}）" + (f"〔{s.category}〕" if s.category else "") + s.text
             + (f"（提出人：{'、'.join(s.proposers)}）" if s.proposers else "")
             for s in minutes.suggestions])
    w.para(SECTIONS[3], "纪要一级标题")
    w.items([f"（{zh_number(i)}）{c.text}" for i, c in enumerate(minutes.consensus, 1)])
    w.para(SECTIONS[4], "纪要一级标题")
    w.table(ACTION_HEADER, ACTION_WIDTHS,
            [_action_row(i, a) for i, a in enumerate(minutes.actions, 1)])
    if draft:  # working material: the document that is sent does not carry it
        w.para("、".join(minutes.keywords) or NONE, lead="关键词：")
        docx_parts.statistics(w, minutes)
    docx_issuance.signature(w, minutes)
    docx_parts.sign_in_annex(w, minutes)
    docx_parts.transcript_annex(w, minutes)
    return w.save()


def _title(w: _Writer, minutes: Minutes) -> None:
    w.para(document_title(minutes), "纪要标题")
    held = session_day(minutes)
    day = date_text(held) if held else None
    status = "（草稿）" if minutes.status == "draft" else ""
    parts = [part for part in (day, minutes.heading.hall, status) if part]
    w.para("　".join(parts), "纪要副标题")


def _basics(minutes: Minutes) -> list[str]:
    h = minutes.heading
    host = minutes.transcript.attendee(h.moderator) if h.moderator else None
    moderator = (h.moderator or NONE) + (f"（{host.unit}）" if host and host.unit else "")
    order = list(KINDS) + sorted(set(h.attendance_by_kind) - set(KINDS))
    counts = "、".join(f"{KIND_ZH.get(k, k)} {h.attendance_by_kind[k]} 名"
                      for k in order if h.attendance_by_kind.get(k))
    return [f"时间：{session_time(minutes) or NONE}", f"地点：{h.place or h.hall or NONE}",
            f"主持人：{moderator}",
            f"出席人员：{h.present} 人" + (f"，其中{counts}" if counts else ""),
            f"线上参加：{'、'.join(h.remote) or NONE}", f"缺席：{'、'.join(h.absentees) or NONE}"]


def _action_row(number: int, action: Action) -> tuple[str, str, str, str]:
    resolved = date_text(action.deadline) if action.deadline else None
    when = action.deadline_text or resolved or "待定"
    if action.deadline_text and resolved and resolved != action.deadline_text:
        when += f"（{resolved}）"
    return str(number), action.text, responsible(action) or "待定", when
