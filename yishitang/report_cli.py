"""`yishitang report` (the halls' figures as XLSX, CSV or Markdown) and `yishitang documents
summary|report|cover` (办理情况汇总表, 专报 "金点子·好建议", 报送单): the same read side as the
staff's /stats and /summary in the chat (facilitation/tracking_figures.py,
tracking_documents.py); the operator is trusted, as for `yishitang person`.

Every failure the user can cause (a period or hall that will not do, an item that is not a
suggestion, a file that cannot be written) is one line on stderr and exit code 1 (2 for bad
arguments)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from yishitang.cli_common import failures_told, now, operator, with_uow
from yishitang.settings import Settings

if TYPE_CHECKING:
    from facilitation.ports import TrackingUnitOfWorkFactory
    from facilitation.tracking_figures import Period
PERIOD_HELP = "2026 (a year), 2026Q4 (a quarter) or 2026-12 (a month), in the halls' time " \
              "zone (YISHITANG_TIMEZONE); default: this year"
HALL_HELP = "one hall (its name, part of it, or its chat id) or a town (乡镇/街道); " \
            "default: every hall"


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    report = commands.add_parser(
        "report", help="the halls' figures (sessions, suggestions, conversions, referrals, "
                       "settled, on time, overdue, satisfaction) per hall, town and county",
        description="The figures of every hall, each town and the county for a period; each "
                    "figure is defined in facilitation/tracking_counts.py. XLSX: sheets "
                    "按议事堂, 按乡镇, 汇总.")
    report.add_argument("--period", help=PERIOD_HELP)
    report.add_argument("--hall", help=HALL_HELP)
    report.add_argument("--format", choices=("xlsx", "csv", "md"), default="xlsx",
                        help="output format (default xlsx); xlsx needs -o")
    report.add_argument("-o", "--output", type=Path, help="file to write (csv, md: default "
                                                          "stdout)")
    documents = commands.add_parser(
        "documents", help="follow-up documents: 办理情况汇总表, 专报, 报送单 (DOCX, XLSX)")
    kinds = documents.add_subparsers(dest="documents_command", metavar="DOCUMENT",
                                     required=True)
    summary = kinds.add_parser(
        "summary", help="办理情况汇总表: the items referred to units, by unit (item, status, "
                        "deadline, reply)")
    summary.add_argument("--period", help=PERIOD_HELP)
    summary.add_argument("--hall", help=HALL_HELP)
    summary.add_argument("--format", choices=("docx", "xlsx"), default="docx")
    summary.add_argument("-o", "--output", type=Path, required=True, help="file to write")
    special = kinds.add_parser(
        "report", help="专报 \"金点子·好建议\": the suggestions chosen by item id")
    special.add_argument("items", nargs="+", type=int, metavar="ITEM_ID",
                         help="tracked items (suggestions), in the order they are to appear")
    special.add_argument("--issue", help="the issue line under the title, e.g. 第3期")
    special.add_argument("-o", "--output", type=Path, required=True, help="file to write (docx)")
    cover = kinds.add_parser(
        "cover", help="报送单: one hall's approved minutes of a period and their items, to "
                      "主送 / 抄送 of its document settings")
    cover.add_argument("--hall", required=True, help="the hall: its name, part of it, or its "
                                                     "chat id")
    cover.add_argument("--period", help=PERIOD_HELP)
    cover.add_argument("-o", "--output", type=Path, required=True, help="file to write (docx)")


def _period(text: str | None, now: datetime, tz: ZoneInfo) -> Period:
    from facilitation.tracking_figures import parse_period, this_year

    return parse_period(text) if text else this_year(now, tz)


def run(settings: Settings, args: argparse.Namespace) -> int:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    if args.command == "report" and args.format == "xlsx" and args.output is None:
        print("--format xlsx writes a binary file: give -o FILE", file=sys.stderr)
        return 2
    return failures_told(lambda: _report(settings, args))


def _report(settings: Settings, args: argparse.Namespace) -> int:
    data = asyncio.run(with_uow(settings, lambda uow: _render(
        uow, args, now(), ZoneInfo(settings.timezone))))
    _write(data, args.output)
    return 0


async def _render(uow: TrackingUnitOfWorkFactory, args: argparse.Namespace, now: datetime,
                  tz: ZoneInfo) -> bytes:
    from facilitation import tracking_documents as docs
    from facilitation.tracking_figures import report_figures
    from transcripts.minutes import figures_tables, followup_docx, followup_xlsx

    by = operator()
    if args.command == "report":
        report = await report_figures(uow(), by=by, period=_period(args.period, now, tz),
                                      hall=args.hall, now=now, tz=tz)
        if args.format == "xlsx":
            return followup_xlsx.figures_xlsx(report)
        text = (figures_tables.to_csv(report) if args.format == "csv"
                else figures_tables.to_markdown(report))
        return text.encode("utf-8")
    if args.documents_command == "summary":
        summary = await docs.summary(uow(), by=by, period=_period(args.period, now, tz),
                                     hall=args.hall, now=now, tz=tz)
        return (followup_xlsx.summary_xlsx(summary) if args.format == "xlsx"
                else followup_docx.summary_docx(summary))
    if args.documents_command == "report":
        lines = await docs.special_report(uow(), by=by, item_ids=args.items, now=now, tz=tz)
        return followup_docx.special_report_docx(lines, as_of=now.astimezone(tz).date(),
                                                 created=now, issue=args.issue)
    cover = await docs.cover(uow(), by=by, hall=args.hall, period=_period(args.period, now, tz),
                             now=now, tz=tz)
    return followup_docx.cover_docx(cover)


def _write(data: bytes, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(data.decode("utf-8"))
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(data)
    print(f"wrote {output}", file=sys.stderr)
