"""The halls' figures (facilitation/tracking_figures.py) as tables: the columns, once, for
the XLSX (followup_xlsx.py), CSV and Markdown; Chinese headers, as in the documents staff
send on. Levels: 按议事堂 (each hall, with its town), 按乡镇 (each town, with its number of
halls), 汇总 (the scope: the county, a town or a hall)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from facilitation.tracking_counts import Figures
from facilitation.tracking_figures import Line, Report
from transcripts.minutes.followup_text import scope_text
from transcripts.minutes.model import KIND_ZH, KINDS

COUNT, RATE, TEXT = "count", "rate", "text"
LEVELS = ("按议事堂", "按乡镇", "汇总")


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Line], str | int | float | None]
    kind: str = COUNT
    width: float = 9.0  # characters, in the XLSX


def _f(get: Callable[[Figures], int | float | None]) -> Callable[[Line], int | float | None]:
    return lambda line: get(line.figures)


def _kind(kind: str) -> Column:
    return Column(KIND_ZH[kind], _f(lambda f: f.participants.get(kind, 0)), width=7.0)


FIGURES: tuple[Column, ...] = (
    Column("议事会（场）", _f(lambda f: f.sessions)),
    Column("参会（人次）", _f(lambda f: f.people)),
    *(_kind(k) for k in KINDS),
    Column("意见建议（条）", _f(lambda f: f.suggestions), width=10),
    Column("工作事项（项）", _f(lambda f: f.follow_ups), width=10),
    Column("转化合计", _f(lambda f: f.converted)),
    Column("转为提案", _f(lambda f: f.proposal)),
    Column("转为社情民意信息", _f(lambda f: f.opinion), width=11),
    Column("转为专报", _f(lambda f: f.report)),
    Column("留作参考", _f(lambda f: f.reserved)),
    Column("交办", _f(lambda f: f.referred), width=7.0),
    Column("已办结", _f(lambda f: f.settled), width=7.0),
    Column("已答复", _f(lambda f: f.replied), width=7.0),
    Column("有时限的已答复", _f(lambda f: f.due_replied), width=10),
    Column("按期办结", _f(lambda f: f.settled_on_time)),
    Column("按期办结率", _f(lambda f: f.on_time_rate), RATE, 10),
    Column("逾期", _f(lambda f: f.overdue), width=7.0),
    Column("未办结", _f(lambda f: f.open), width=7.0),
    Column("已评价", _f(lambda f: f.evaluated), width=7.0),
    Column("满意", _f(lambda f: f.satisfied), width=7.0),
    Column("基本满意", _f(lambda f: f.basically)),
    Column("不满意", _f(lambda f: f.unsatisfied), width=7.0),
    Column("满意率", _f(lambda f: f.satisfaction), RATE),
)
HALL_COLUMNS = (Column("议事堂", lambda line: line.name, TEXT, 22),
                Column("乡镇（街道）", lambda line: line.town, TEXT, 12), *FIGURES)
TOWN_COLUMNS = (Column("乡镇（街道）", lambda line: line.name, TEXT, 14),
                Column("议事堂（个）", lambda line: line.halls), *FIGURES)
TOTAL_COLUMNS = (Column("范围", lambda line: line.name, TEXT, 14),
                 Column("议事堂（个）", lambda line: line.halls), *FIGURES)


def scope_name(report: Report) -> str:
    return scope_text(report.scope)


def title(report: Report) -> str:
    """2026年 全县议事堂工作统计（截至 2026-12-06）."""
    as_of = report.as_of.isoformat()
    return f"{period_text(report.period.label)} {scope_name(report)}议事堂工作统计（截至 {as_of}）"


def period_text(label: str) -> str:
    """2026 → 2026年, 2026Q4 → 2026年第四季度, 2026-12 → 2026年12月."""
    if "Q" in label:
        year, quarter = label.split("Q")
        return f"{year}年第{'一二三四'[int(quarter) - 1]}季度"
    if "-" in label:
        year, month = label.split("-")
        return f"{year}年{int(month)}月"
    return f"{label}年"


def total_line(report: Report) -> Line:
    return Line(scope_name(report), report.total.figures, halls=report.total.halls)


def levels(report: Report) -> tuple[tuple[str, Sequence[Column], Sequence[Line]], ...]:
    """(sheet name, its columns, its rows): halls and towns get a totals row of their own."""
    return ((LEVELS[0], HALL_COLUMNS, report.halls), (LEVELS[1], TOWN_COLUMNS, report.towns),
            (LEVELS[2], TOTAL_COLUMNS, (total_line(report),)))


def shown(column: Column, line: Line) -> str:
    """A cell as text: rates as percentages (— when there is nothing to rate)."""
    value = column.value(line)
    if value is None:
        return "—" if column.kind == RATE else ""
    if column.kind == RATE:
        return f"{float(value):.1%}"
    return str(value)


def to_csv(report: Report) -> str:
    """One table: 层级 (按议事堂 / 按乡镇 / 汇总), then the hall's columns (a town's halls in
    乡镇's place); rates as fractions with four decimals, empty when there is nothing to rate."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["层级", "名称", "乡镇（街道）", "议事堂（个）", *(c.header for c in FIGURES)])
    for level, _, rows in levels(report):
        for line in rows:
            town = line.town if level == LEVELS[0] else ""
            writer.writerow([level, line.name, town or "", line.halls,
                             *(_csv_value(c, line) for c in FIGURES)])
    return buffer.getvalue()


def _csv_value(column: Column, line: Line) -> str:
    value = column.value(line)
    if value is None:
        return ""
    return f"{float(value):.4f}" if column.kind == RATE else str(value)


def to_markdown(report: Report) -> str:
    parts = [f"# {title(report)}", ""]
    for level, columns, rows in levels(report):
        parts += [f"## {level}", "", "| " + " | ".join(c.header for c in columns) + " |",
                  "|" + "|".join("---" if c.kind == TEXT else "---:" for c in columns) + "|"]
        parts += ["| " + " | ".join(_md(shown(c, line)) for c in columns) + " |"
                  for line in rows]
        parts.append("")
    return "\n".join(parts)


def _md(cell: str) -> str:
    return cell.replace("|", "\\|").replace("\n", " ")
