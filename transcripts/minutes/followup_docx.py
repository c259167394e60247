"""The follow-up documents as Word files, in the layout and styles of the DOCX minutes
(render_docx.py: GB/T 9704 page, 仿宋 body, 黑体 headings):

- 办理情况汇总表: per unit, a heading with its totals and a table of its items (item, source,
  status, deadline, reply);
- 专报 "金点子·好建议": the chosen suggestions, each with its proposers, source and handling;
- 报送单: a hall's approved minutes of a period and their items, with 主送 / 抄送 and 落款
  from the hall's document settings.
"""

from __future__ import annotations

from collections.abc import Sequence
from copy import deepcopy
from datetime import UTC, date, datetime

from docx.oxml.ns import qn

from facilitation.tracking import ItemKind
from facilitation.tracking_documents import Cover, ItemLine, Summary
from transcripts.minutes import docx_issuance
from transcripts.minutes.display import date_text
from transcripts.minutes.docx_parts import NONE
from transcripts.minutes.figures_tables import period_text
from transcripts.minutes.followup_text import (
    NO_UNIT,
    REPORT_TITLE,
    SUMMARY_TITLE,
    how_handled,
    item_label,
    scope_text,
    status_text,
    summary_totals,
)
from transcripts.minutes.render_docx import _Writer, zh_number  # the minutes' own writer

SUMMARY_HEADER = ("序号", "事项", "来源", "状态", "时限", "办理答复")
SUMMARY_WIDTHS = (1.1, 5.2, 2.9, 2.0, 1.9, 2.5)  # cm; the text block is 15.6 cm
MINUTES_HEADER = ("序号", "议题", "协商日期", "版本", "文号", "意见建议", "工作事项")
MINUTES_WIDTHS = (1.1, 4.5, 2.6, 1.2, 3.0, 1.6, 1.6)
ITEMS_HEADER = ("序号", "议题", "类别", "事项", "办理情况")
ITEMS_WIDTHS = (1.1, 3.0, 1.8, 5.6, 4.1)
REPLY_CHARS = 60  # of a reply in the table; the full text is in the XLSX
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _writer(title: str, subtitle: str, created: datetime) -> _Writer:
    w = _Writer()
    w.section_page(draft=False)
    w.font_fallbacks()
    props = w.doc.core_properties
    props.title, props.author, props.comments = title, "议事堂", ""
    props.created = props.modified = created.astimezone(UTC).replace(tzinfo=None)
    w.para(title, "纪要标题")
    w.para(subtitle, "纪要副标题")
    return w


def _table(w: _Writer, header: Sequence[str], widths: Sequence[float],
           rows: Sequence[Sequence[str]]) -> None:
    """The minutes' grid table (render_docx.py), its body rows copied from one made the slow
    way: python-docx builds a row in about 5 ms, a summary of the county has thousands."""
    if not rows:
        w.para(NONE)
        return
    w.table(header, widths, [["·"] * len(header)])
    table = w.doc.tables[-1]._tbl
    prototype = table.tr_lst[-1]
    for values in rows:
        row = deepcopy(prototype)
        for cell, value in zip(row.tc_lst, values, strict=True):
            text = next(cell.iter(qn("w:t")))
            text.text = " ".join(value.split()) if value else ""
            text.set(XML_SPACE, "preserve")
        table.append(row)
    table.remove(prototype)


def _short(text: str | None, limit: int = REPLY_CHARS) -> str:
    if not text:
        return "—"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _summary_row(n: int, line: ItemLine) -> tuple[str, ...]:
    r = line.record
    due = r.deadline.isoformat() if r.deadline else "—"
    if line.overdue:
        due += "（逾期）"
    elif line.on_time is False:
        due += "（超期办结）"
    return (str(n), f"{r.text}（#{r.item_id}）", f"{line.hall}·{r.topic}（{line.held_on}）",
            status_text(r), due, _short(r.reply))


def summary_docx(summary: Summary) -> bytes:
    """办理情况汇总表: each unit under a heading with its totals, then its items."""
    title = SUMMARY_TITLE
    subtitle = (f"{period_text(summary.period.label)}　{scope_text(summary.scope)}　"
                f"截至{date_text(summary.as_of)}")
    w = _writer(title, subtitle, summary.at)
    w.para(summary_totals(summary.units) + "。")
    for i, (unit, lines) in enumerate(summary.units, 1):
        w.para(f"{zh_number(i)}、{unit or NO_UNIT}（{len(lines)} 件）", "纪要一级标题")
        _table(w, SUMMARY_HEADER, SUMMARY_WIDTHS,
                [_summary_row(n, line) for n, line in enumerate(lines, 1)])
    if not summary.units:
        w.para(NONE)
    return w.save()


def special_report_docx(lines: Sequence[ItemLine], *, as_of: date, created: datetime,
                        issue: str | None = None) -> bytes:
    """专报 "金点子·好建议" of the chosen suggestions (``issue``: e.g. 第3期)."""
    w = _writer(REPORT_TITLE, "　".join(p for p in (issue, date_text(as_of)) if p), created)
    w.para(f"现将各议事堂协商中提出的 {len(lines)} 条优秀意见建议（金点子·好建议）报送如下。")
    for i, line in enumerate(lines, 1):
        r = line.record
        heading = f"{zh_number(i)}、" + (f"〔{r.category}〕" if r.category else "")
        w.para(heading + r.text, "纪要一级标题")
        if r.proposers:
            w.para("、".join(r.proposers), lead="提出人：")
        w.para(f"{line.hall}“{r.topic}”协商（{date_text(line.held_on)}），"
               f"{item_label(r.kind)}第 {r.number or '—'} 条", lead="来源：")
        w.para(how_handled(line), lead="办理情况：")
    return w.save()


def _minutes_row(n: int, cover: Cover, i: int) -> tuple[str, ...]:
    m = cover.minutes[i]
    mine = [line for line in cover.items if line.record.session_id == m.minutes.session_id]
    return (str(n), m.minutes.topic, date_text(m.held_on), f"第{m.minutes.version}版",
            m.number or "—", str(sum(line.record.kind == ItemKind.SUGGESTION for line in mine)),
            str(sum(line.record.kind == ItemKind.FOLLOW_UP for line in mine)))


def cover_docx(cover: Cover) -> bytes:
    """报送单: the minutes sent, their items, then 落款 and 主送 / 抄送 (版记)."""
    title = f"{cover.hall}协商成果报送单"
    w = _writer(title, f"{period_text(cover.period.label)}", cover.at)
    w.para(f"现将{cover.hall}{period_text(cover.period.label)}协商纪要 {len(cover.minutes)} 份"
           f"及意见建议、工作事项 {len(cover.items)} 项报送如下，请审阅。")
    w.para("一、协商纪要", "纪要一级标题")
    _table(w, MINUTES_HEADER, MINUTES_WIDTHS,
            [_minutes_row(n, cover, i) for n, i in enumerate(range(len(cover.minutes)), 1)])
    w.para("二、意见建议和工作事项", "纪要一级标题")
    _table(w, ITEMS_HEADER, ITEMS_WIDTHS,
            [(str(n), line.record.topic, item_label(line.record.kind), line.record.text,
              how_handled(line)) for n, line in enumerate(cover.items, 1)])
    d = cover.document
    w.para()
    for text in (d.issuer or cover.hall, date_text(cover.as_of)):
        w.para(text, "纪要落款")
    record = [w.para("、".join(units) + "。", "纪要版记", lead=f"{label}：")
              for label, units in (("主送", d.to), ("抄送", d.cc)) if units]
    if record:
        docx_issuance.rule(record[0], "top")
        docx_issuance.rule(record[-1], "bottom")
    return w.save()
