"""/stats [period] [hall]: the halls' figures; /summary [period] [hall]: the 办理情况汇总表 as
DOCX and XLSX. Staff only (decided by the read side, facilitation/tracking_figures.py), in
private chat: the figures name halls and units. A period is 2026, 2026Q4 or 2026-12 (default:
this year, in the halls' time zone); the rest names a hall or a town (default: all).
"""

from __future__ import annotations

import asyncio
from zoneinfo import ZoneInfo

from telegram import InputFile, Update

from bot.catalog import t
from bot.common import Context, actor_of, chat_of, fit, is_group, kind_label, lang, reply
from facilitation import tracking_documents
from facilitation.tracking_counts import Figures
from facilitation.tracking_figures import (
    Line,
    Period,
    Report,
    looks_like_period,
    parse_period,
    report_figures,
    this_year,
)
from transcripts.minutes.followup_text import summary_stem
from transcripts.minutes.model import KINDS

MAX_LINES = 30  # towns or halls listed under the totals


def _request(words: list[str], context: Context) -> tuple[Period, str | None]:
    """(the period, the hall or town named); the period first when there is one."""
    now, tz = context.deps.clock(), ZoneInfo(context.deps.timezone)
    if words and looks_like_period(words[0]):
        return parse_period(words[0]), " ".join(words[1:]) or None
    return this_year(now, tz), " ".join(words) or None


def period_text(language: str, period: Period) -> str:
    key, params = period.words()
    return t(language, key, **params)


def _rate(language: str, rate: float | None) -> str:
    return t(language, "figures_no_rate") if rate is None else f"{rate:.1%}"


def _block(language: str, f: Figures) -> list[str]:
    kinds = "、" if language == "zh" else ", "
    named = kinds.join(t(language, "stats_kind", kind=kind_label(language, k), n=f.participants[k])
                       for k in KINDS if f.participants.get(k))
    return [
        t(language, "stats_sessions", sessions=f.sessions, people=f.people,
          kinds=t(language, "stats_kinds", kinds=named) if named else ""),
        t(language, "stats_items", suggestions=f.suggestions, follow_ups=f.follow_ups),
        t(language, "stats_handling", converted=f.converted, proposal=f.proposal,
          opinion=f.opinion, report=f.report, referred=f.referred, reserved=f.reserved),
        t(language, "stats_settled", settled=f.settled, on_time=f.settled_on_time,
          due=f.due_replied, on_time_rate=_rate(language, f.on_time_rate), overdue=f.overdue,
          open=f.open),
        t(language, "stats_satisfaction", rate=_rate(language, f.satisfaction),
          evaluated=f.evaluated, satisfied=f.satisfied, basically=f.basically,
          unsatisfied=f.unsatisfied),
    ]


def _line(language: str, line: Line) -> str:
    f = line.figures
    return t(language, "stats_line", name=line.name, sessions=f.sessions,
             suggestions=f.suggestions, settled=f.settled, overdue=f.overdue,
             rate=_rate(language, f.satisfaction))


def stats_text(language: str, report: Report) -> str:
    """The totals of the scope, then its towns (the county) or its halls (a town)."""
    scope = report.scope or t(language, "figures_county")
    lines = [t(language, "stats_title", scope=scope, period=period_text(language, report.period),
               as_of=report.as_of.isoformat()), *_block(language, report.total.figures)]
    parts, key = ((report.towns, "stats_by_town") if report.scope is None and len(report.towns) > 1
                  else (report.halls, "stats_by_hall"))
    if len(parts) > 1:
        lines += ["", t(language, key), *(_line(language, p) for p in parts[:MAX_LINES])]
        if len(parts) > MAX_LINES:
            lines.append(t(language, "stats_more", n=len(parts) - MAX_LINES))
    return "\n".join(lines)


async def _private_request(update: Update, context: Context) -> tuple[Period, str | None] | None:
    """(the period, the hall or town) asked for; None in a group, told that the figures are
    for a private chat (they name halls and units)."""
    if is_group(update):
        await reply(update, t(lang(update, context), "stats_private_only"))
        return None
    return _request(list(context.args or []), context)


async def stats(update: Update, context: Context) -> None:
    language = lang(update, context)
    if (asked := await _private_request(update, context)) is None:
        return
    period, hall = asked
    report = await report_figures(context.deps.uow(), by=actor_of(update, context),
                                  period=period, hall=hall, now=context.deps.clock(),
                                  tz=ZoneInfo(context.deps.timezone))
    await reply(update, fit(stats_text(language, report)))


def _render(summary: tracking_documents.Summary) -> tuple[bytes, bytes]:
    from transcripts.minutes.followup_docx import summary_docx
    from transcripts.minutes.followup_xlsx import summary_xlsx

    return summary_docx(summary), summary_xlsx(summary)


async def summary(update: Update, context: Context) -> None:
    """The 办理情况汇总表, rendered off the event loop (CPU work)."""
    language = lang(update, context)
    if (asked := await _private_request(update, context)) is None:
        return
    period, hall = asked
    found = await tracking_documents.summary(
        context.deps.uow(), by=actor_of(update, context), period=period, hall=hall,
        now=context.deps.clock(), tz=ZoneInfo(context.deps.timezone))
    scope, when = found.scope or t(language, "figures_county"), period_text(language, period)
    if not found.units:
        await reply(update, t(language, "summary_empty", scope=scope, period=when))
        return
    docx, xlsx = await asyncio.get_running_loop().run_in_executor(None, _render, found)
    stem = summary_stem(period.label, found.scope)
    items = sum(len(lines) for _, lines in found.units)
    chat_id = chat_of(update).id
    await context.bot.send_document(chat_id, InputFile(docx, f"{stem}.docx"), caption=fit(t(
        language, "summary_caption", scope=scope, period=when, units=len(found.units),
        items=items), 1024))
    await context.bot.send_document(chat_id, InputFile(xlsx, f"{stem}.xlsx"))
