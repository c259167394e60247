"""`yishitang minutes compile|score`: minutes (协商纪要) from a transcript file, no database.

Every failure the user can cause (a file that will not do, an output that cannot be written,
an output that is the input) is one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from yishitang.settings import Settings

if TYPE_CHECKING:
    from transcripts.minutes.model import Minutes


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    minutes = commands.add_parser(
        "minutes", help="协商纪要: compile minutes from a transcript file, score against gold",
        description="Minutes (协商纪要) from a transcript in the interchange format "
                    "(yishitang/schemas/transcript.schema.json); no database needed.")
    m_commands = minutes.add_subparsers(dest="minutes_command", metavar="ACTION", required=True)
    compile_ = m_commands.add_parser(
        "compile", help="compile a transcript file into minutes",
        description="Compile TRANSCRIPT (JSON, interchange format) into minutes: JSON "
                    "(yishitang/schemas/minutes.schema.json), Markdown or DOCX. Times are "
                    "shown in the halls' time zone (YISHITANG_TIMEZONE, default Asia/Shanghai).")
    compile_.add_argument("transcript", type=Path, metavar="TRANSCRIPT",
                          help="a transcript JSON file (e.g. from `yishitang transcript export`)")
    compile_.add_argument("--format", choices=("json", "md", "docx"), default="json",
                          help="output format (default json); docx needs -o")
    compile_.add_argument("-o", "--output", type=Path,
                          help="file to write (default: stdout); not the input file")
    compile_.add_argument("--public", action="store_true",
                          help="the public version: residents named 群众代表甲, 群众代表乙 …")
    compile_.add_argument("--template", type=Path, metavar="DOCX",
                          help="with --format docx: a hall's own Word template (红头) to fill "
                               "(fields: see transcripts/minutes/render_template.py)")
    score = m_commands.add_parser(
        "score", help="score compiled minutes against annotated gold minutes",
        description="Compile each tN.json that has a tN.gold.json beside it and compare: "
                    "suggestions (precision, recall, F1), follow-up items with unit and "
                    "deadline, consensus recall, attendance counts.")
    score.add_argument("paths", nargs="+", type=Path, metavar="DIR_OR_GOLD",
                       help="a directory of tN.json + tN.gold.json pairs, or a gold file "
                            "(e.g. ../shared/transcripts)")
    score.add_argument("-v", "--verbose", action="store_true",
                       help="also list every missed, extra or wrong item")


def run(settings: Settings, args: argparse.Namespace) -> int:
    if args.minutes_command == "compile":
        return compile_minutes(settings, args)
    return score_minutes(args)


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


def _same_file(a: Path, b: Path) -> bool:
    """The same file, by path (symbolic links resolved) or, when both exist, by inode."""
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


def compile_minutes(settings: Settings, args: argparse.Namespace) -> int:
    """`minutes compile`: a clear one-line error (exit 2) for a file that will not do."""
    if args.format == "docx" and args.output is None:
        return _fail("--format docx writes a binary file: give -o FILE")
    if args.output is not None and _same_file(args.transcript, args.output):
        return _fail(f"{args.output} is the input file: give another -o")
    try:
        tz = ZoneInfo(settings.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return _fail(f"YISHITANG_TIMEZONE: no such time zone: {settings.timezone!r}")
    minutes = _read(args.transcript, tz)
    if isinstance(minutes, str):
        return _fail(minutes)
    if args.public:
        from transcripts.minutes.public import public_version

        minutes = public_version(minutes)
    if args.template is not None and args.format != "docx":
        return _fail("--template fills a Word document: use it with --format docx")
    try:
        content = _render(minutes, args.format, args.template)
    except ImportError as error:
        return _fail(f"{args.format.upper()} output is not available: {error}")
    except OSError as error:
        return _fail(f"cannot read {args.template}: {error.strerror or error}")
    except ValueError as error:  # TemplateError
        return _fail(f"{args.template}: {error}")
    return _write(content, args.output)


def _read(path: Path, tz: ZoneInfo) -> Minutes | str:
    """The minutes of the transcript at ``path``, or why there are none (one line)."""
    from transcripts.minutes.compile import compile_minutes as compile_
    from transcripts.minutes.model import TranscriptError, load_transcript

    try:
        return compile_(load_transcript(json.loads(path.read_text(encoding="utf-8"))), tz)
    except OSError as error:
        return f"cannot read {path}: {error.strerror or error}"
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        return f"{path}: not a JSON file: {error}"
    except TranscriptError as error:
        return f"{path}: not a transcript: {error}"


def _render(minutes: Minutes, form: str, template: Path | None = None) -> str | bytes:
    if form == "docx" and template is not None:
        from transcripts.minutes.render_template import fill

        return fill(minutes, template.read_bytes())
    if form == "docx":
        from transcripts.minutes.render_docx import to_docx_bytes

        return to_docx_bytes(minutes)
    if form == "md":
        from transcripts.minutes.render_md import to_markdown

        return to_markdown(minutes)
    from transcripts.minutes.render_json import to_json

    return json.dumps(to_json(minutes), ensure_ascii=False, indent=2) + "\n"


def _write(content: str | bytes, output: Path | None) -> int:
    """To stdout, or to ``output`` (its folder made if need be); exit 2 if it cannot be."""
    if output is None:
        if isinstance(content, bytes):
            sys.stdout.buffer.write(content)
        else:
            sys.stdout.write(content)
        return 0
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            output.write_bytes(content)
        else:
            output.write_text(content, encoding="utf-8")
    except OSError as error:
        return _fail(f"cannot write {output}: {error.strerror or error}")
    print(f"wrote {output}", file=sys.stderr)
    return 0


def score_minutes(args: argparse.Namespace) -> int:
    from transcripts.minutes.model import TranscriptError
    from transcripts.minutes.scoring import gold_pairs, report

    absent = [str(p) for p in args.paths if not p.exists()]
    pairs = gold_pairs(p for p in args.paths if p.exists())
    absent += [str(t) for t, _ in pairs if not t.is_file()]
    if absent or not pairs:
        return _fail(f"no such file: {', '.join(absent)}" if absent else
                     f"no *.gold.json in {', '.join(map(str, args.paths))}")
    try:
        text, _ = report(args.paths, verbose=args.verbose)
    except (OSError, ValueError, TranscriptError) as error:
        return _fail(f"cannot score: {error}")
    print(text)
    return 0
