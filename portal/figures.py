"""`/staff/figures`: the halls' figures for a period (a year, a quarter or a month), as the
bot's /stats reads them (``tracking_figures.report_figures``: the halls one sees, by the same
rule), with a bar chart drawn on the server as SVG (no script, nothing fetched), and the
办理情况汇总表 as DOCX and XLSX (``tracking_documents.summary``, as /summary sends it)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from aiohttp import web
from markupsafe import Markup, escape

from facilitation import tracking_documents
from facilitation.errors import DomainError
from facilitation.tracking_figures import (
    Line,
    Period,
    Report,
    parse_period,
    report_figures,
    this_year,
)
from portal import room
from portal.login import visit
from transcripts.minutes.followup_text import summary_stem

MAX_BARS = 30  # lines drawn (the table lists them all)
SERIES = (("suggestions", "#3867d6"), ("settled", "#20bf6b"), ("overdue", "#eb3b5a"))
FILES = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@dataclass(frozen=True)
class Asked:
    period: Period
    hall: str | None


def _asked(request: web.Request) -> Asked:
    """The period (default: this year in the halls' time zone) and the hall or town."""
    said = request.query.get("period", "").strip()
    period = parse_period(said) if said else this_year(
        room.deps(request).clock(), ZoneInfo(room.room(request).timezone))
    return Asked(period, request.query.get("hall", "").strip()[:60] or None)


def period_words(request: web.Request, period: Period) -> str:
    key, params = period.words()
    return room.words(request)(key, **params)


def chart(lines: Sequence[Line], labels: dict[str, str], title: str) -> Markup:
    """A horizontal bar chart of suggestions, settled and overdue items per line, as SVG
    (the numbers are in the table beside it too)."""
    shown = list(lines)[:MAX_BARS]
    top = max((max(getattr(line.figures, key) for key, _ in SERIES) for line in shown),
              default=0) or 1
    label_w, bar_w, row_h, bar_h = 180, 420, 16 * len(SERIES) + 10, 14
    height = 30 + row_h * len(shown)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{label_w + bar_w + 60}"'
             f' height="{height}" viewBox="0 0 {label_w + bar_w + 60} {height}"'
             f' data-testid="chart"><title>{escape(title)}</title>']
    x = label_w
    for key, colour in SERIES:  # the legend
        parts.append(f'<rect x="{x}" y="4" width="12" height="12" fill="{colour}"/>'
                     f'<text x="{x + 16}" y="15" font-size="12">{escape(labels[key])}</text>')
        x += 24 + 14 * len(labels[key])
    for i, line in enumerate(shown):
        y = 30 + i * row_h
        parts.append(f'<text x="{label_w - 6}" y="{y + row_h / 2}" font-size="13" '
                     f'text-anchor="end">{escape(line.name[:14])}</text>')
        for j, (key, colour) in enumerate(SERIES):
            value = getattr(line.figures, key)
            width = round(bar_w * value / top)
            parts.append(f'<rect x="{label_w}" y="{y + j * 16}" width="{max(width, 1)}" '
                         f'height="{bar_h}" fill="{colour}"><title>{escape(line.name)} '
                         f'{escape(labels[key])} {value}</title></rect>'
                         f'<text x="{label_w + width + 4}" y="{y + j * 16 + 11}" '
                         f'font-size="11">{value}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _query(asked: Asked) -> str:
    return urlencode({"period": asked.period.label, **({"hall": asked.hall} if asked.hall else {})})


async def page(request: web.Request) -> web.Response:
    seen = await visit(request)
    t = room.words(request)
    try:
        asked = _asked(request)
        report: Report = await report_figures(
            room.deps(request).uow(), by=seen.actor, period=asked.period, hall=asked.hall,
            now=room.deps(request).clock(), tz=ZoneInfo(room.room(request).timezone))
    except DomainError as error:
        return room.error_page(request, error, "/staff/figures")
    by_town = report.scope is None and len(report.towns) > 1
    lines = report.towns if by_town else report.halls
    scope = report.scope or t("figures_county")
    when = period_words(request, report.period)
    labels = {"suggestions": t("staff_fig_suggestions"), "settled": t("staff_fig_settled"),
              "overdue": t("staff_fig_overdue")}
    return room.render("staff_figures.html", request, {
        "report": report, "lines": lines, "by_town": by_town, "scope": scope, "when": when,
        "asked": asked, "query": _query(asked), "csrf": seen.csrf,
        "chart": chart(lines, labels, t("staff_fig_chart", scope=scope, period=when))})


async def summary_file(request: web.Request) -> web.StreamResponse:
    """The 办理情况汇总表 of the period (and hall or town), as /summary sends it."""
    seen = await visit(request)
    fmt = request.match_info["fmt"]
    if fmt not in FILES:
        raise room.not_found(request)
    try:
        asked = _asked(request)
        found = await tracking_documents.summary(
            room.deps(request).uow(), by=seen.actor, period=asked.period, hall=asked.hall,
            now=room.deps(request).clock(), tz=ZoneInfo(room.room(request).timezone))
    except DomainError as error:
        return room.error_page(request, error, "/staff/figures")
    if not found.units:
        t = room.words(request)
        return room.render("error.html", request, {
            "message": t("summary_empty", scope=found.scope or t("figures_county"),
                         period=period_words(request, asked.period)),
            "back": f"/staff/figures?{_query(asked)}"}, status=404)
    body = await asyncio.get_running_loop().run_in_executor(None, _render, found, fmt)
    name = f"{summary_stem(asked.period.label, found.scope)}.{fmt}"
    return web.Response(body=body, headers={
        "Content-Type": FILES[fmt], "Cache-Control": "no-store",
        "Content-Disposition": f"attachment; filename=\"summary.{fmt}\"; "
                               f"filename*=UTF-8''{quote(name)}"})


def _render(found: tracking_documents.Summary, fmt: str) -> bytes:
    from transcripts.minutes.followup_docx import summary_docx
    from transcripts.minutes.followup_xlsx import summary_xlsx

    return summary_docx(found) if fmt == "docx" else summary_xlsx(found)


def routes(app: web.Application) -> None:
    app.router.add_get("/staff/figures", page, name="staff-figures")
    app.router.add_get("/staff/figures/summary.{fmt}", summary_file, name="staff-summary")
