"""The figures (three sheets: 按议事堂, 按乡镇, 汇总) and the 办理情况汇总表 as XLSX (openpyxl):
a title row, a styled header row frozen under it, column widths, number formats (counts,
percentages, dates), a totals row."""

from __future__ import annotations

import io
from collections.abc import Sequence
from copy import copy
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from facilitation.tracking_documents import ItemLine, Summary
from facilitation.tracking_figures import Line, Report
from transcripts.minutes import figures_tables as tables
from transcripts.minutes.figures_tables import RATE, TEXT, Column
from transcripts.minutes.followup_text import (
    NO_UNIT,
    SUMMARY_TITLE,
    item_label,
    satisfaction_text,
    scope_text,
    status_text,
    summary_totals,
)

HEADER_FONT = Font(name="黑体", bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
TITLE_FONT = Font(name="黑体", bold=True, size=14)
TOTAL_FONT = Font(bold=True)
TOTAL_FILL = PatternFill("solid", fgColor="DDEBF7")
THIN = Side(style="thin", color="999999")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(vertical="top", wrap_text=True)
FORMATS = {tables.COUNT: "#,##0", RATE: "0.0%", TEXT: "@"}
HEADER_ROW = 2  # under the title


def _header(ws: Any, title: str, headers: Sequence[str], widths: Sequence[float]) -> None:
    ws.append([title])
    ws.cell(row=1, column=1).font = TITLE_FONT
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws.append(list(headers))
    for i, width in enumerate(widths, 1):
        cell = ws.cell(row=HEADER_ROW, column=i)
        cell.font, cell.fill, cell.alignment, cell.border = HEADER_FONT, HEADER_FILL, CENTER, GRID
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.row_dimensions[HEADER_ROW].height = 32
    ws.freeze_panes = f"B{HEADER_ROW + 1}"  # the header and the names stay


class _Styled:
    """Cells styled by copying a style made once (openpyxl hashes every style object set on a
    cell: setting them cell by cell took most of the time of a long 汇总表)."""

    def __init__(self) -> None:
        self._made: dict[tuple[str, bool, bool], Any] = {}

    def row(self, ws: Any, values: Sequence[Any], formats: Sequence[str], *,
            total: bool = False, wrap: bool = False) -> None:
        ws.append(list(values))
        row = ws._current_row  # max_row looks at every cell: quadratic over a long sheet
        for i, number_format in enumerate(formats, 1):
            cell = ws.cell(row=row, column=i)
            if cell.data_type == "f":  # a text that starts with "=" (an item, a reply) is text:
                cell.data_type = "s"  # these sheets hold no formula of ours
            key = (number_format, total, wrap)
            made = self._made.get(key)
            if made is not None:
                cell._style = copy(made)
                continue
            cell.number_format, cell.border = number_format, GRID
            if wrap:
                cell.alignment = WRAP
            if total:
                cell.font, cell.fill = TOTAL_FONT, TOTAL_FILL
            self._made[key] = copy(cell._style)


def _figures_sheet(ws: Any, report: Report, columns: Sequence[Column], rows: Sequence[Line],
                   totals: bool) -> None:
    _header(ws, tables.title(report), [c.header for c in columns], [c.width for c in columns])
    formats = [FORMATS[c.kind] for c in columns]
    styled = _Styled()
    for line in rows:
        styled.row(ws, [c.value(line) for c in columns], formats)
    if totals:  # the same figures as the 汇总 sheet, under the rows they add up
        total = Line("合计", report.total.figures, town="", halls=report.total.halls)
        styled.row(ws, [c.value(total) if c.kind != TEXT or i == 0 else ""
                        for i, c in enumerate(columns)], formats, total=True)


def figures_xlsx(report: Report) -> bytes:
    """按议事堂 and 按乡镇 with a 合计 row each; 汇总: the scope's one row."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, columns, rows in tables.levels(report):
        _figures_sheet(wb.create_sheet(name), report, columns, rows,
                       totals=name != tables.LEVELS[2])
    wb.properties.title = tables.title(report)
    wb.properties.creator = "议事堂"
    return _save(wb)


SUMMARY_COLUMNS: tuple[tuple[str, float, str], ...] = (  # header, width, number format
    ("承办单位", 16, "@"), ("序号", 6, "0"), ("事项编号", 9, "@"), ("类别", 9, "@"),
    ("事项", 40, "@"), ("议事堂", 18, "@"), ("议题", 20, "@"), ("议事日期", 11, "yyyy-mm-dd"),
    ("办理状态", 10, "@"), ("办理时限", 11, "yyyy-mm-dd"), ("答复日期", 11, "yyyy-mm-dd"),
    ("办理答复", 36, "@"), ("满意度", 9, "@"), ("逾期", 6, "@"), ("按期办结", 9, "@"),
)


def _summary_values(unit: str | None, n: int, line: ItemLine) -> list[Any]:
    r = line.record
    return [unit or NO_UNIT, n, f"#{r.item_id}", item_label(r.kind), r.text, line.hall,
            r.topic, line.held_on, status_text(r), r.deadline, line.replied_on, r.reply or "",
            satisfaction_text(r.satisfaction), "是" if line.overdue else "",
            {True: "是", False: "否", None: ""}[line.on_time]]


def summary_xlsx(summary: Summary) -> bytes:
    """办理情况汇总表: one row per item, by unit; a 合计 row."""
    wb = Workbook()
    ws = wb.active
    ws.title = SUMMARY_TITLE
    title = (f"{SUMMARY_TITLE}（{tables.period_text(summary.period.label)}，"
             f"{scope_text(summary.scope)}，截至 {summary.as_of.isoformat()}）")
    _header(ws, title, [c[0] for c in SUMMARY_COLUMNS], [c[1] for c in SUMMARY_COLUMNS])
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    formats = [c[2] for c in SUMMARY_COLUMNS]
    styled = _Styled()
    for unit, unit_lines in summary.units:
        for n, line in enumerate(unit_lines, 1):
            styled.row(ws, _summary_values(unit, n, line), formats, wrap=True)
    lines = [line for _, unit_lines in summary.units for line in unit_lines]
    styled.row(ws, ["合计", len(lines), "", "", summary_totals(summary.units), *[None] * 10],
               formats, total=True)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(formats))}{ws.max_row - 1}"
    wb.properties.title = title
    return _save(wb)


def _save(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
