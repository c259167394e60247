"""`yishitang ...`: run the bot, the demo, migrations and exports."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from yishitang.settings import Settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="yishitang",
        description="议事堂 Yishitang: run deliberation sessions in Telegram. Configuration "
                    "comes from YISHITANG_* environment variables (see README).")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    commands.add_parser("run", help="run the bot (long polling) until SIGINT/SIGTERM")
    demo = commands.add_parser("demo", help="a scripted roundtable through the local Bot API "
                                            "sandbox, with the real bot on SQLite")
    demo.add_argument("--output", type=Path, default=Path("demo-output"),
                      help="where the transcript is written (default ./demo-output)")
    demo.add_argument("--quiet", action="store_true", help="print only the summary")
    sandbox = commands.add_parser("sandbox", help="serve the local Bot API sandbox")
    sandbox.add_argument("--port", type=int, default=8081)
    sandbox.add_argument("--token", default="123456:SANDBOX")
    sandbox.add_argument("--bot-username", default="yishitang_bot")
    db = commands.add_parser("db", help="database migrations")
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_commands.add_parser("upgrade", help="apply every migration (also done on start)")
    db_commands.add_parser("current", help="print the database's migration revision")
    transcript = commands.add_parser("transcript", help="session transcripts")
    t_commands = transcript.add_subparsers(dest="transcript_command", metavar="ACTION",
                                           required=True)
    export = t_commands.add_parser("export", help="export a session's transcript")
    which = export.add_mutually_exclusive_group(required=True)
    which.add_argument("session", nargs="?", type=int, help="session id")
    which.add_argument("--latest", action="store_true", help="the most recent session")
    export.add_argument("--format", choices=("json", "md"), default="json")
    export.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    return parser


async def _export(settings: Settings, args: argparse.Namespace) -> str:
    from facilitation.record import load_record
    from storage.engine import make_engine
    from storage.uow import make_uow_factory
    from transcripts.export import to_interchange, to_markdown

    engine = make_engine(settings.db_url)
    try:
        record = await load_record(make_uow_factory(engine)(), session_id=args.session)
    finally:
        await engine.dispose()
    tz = ZoneInfo(settings.timezone)
    if args.format == "md":
        return to_markdown(record, tz)
    return json.dumps(to_interchange(record, tz), ensure_ascii=False, indent=2) + "\n"


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    print(f"wrote {output}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        print(f"configuration error:\n{exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if args.command == "demo":
        for noisy in ("telegram.ext", "alembic"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
    if args.command == "run":
        from yishitang.bootstrap import run_bot

        asyncio.run(run_bot(settings))
    elif args.command == "demo":
        from yishitang.demo import run_demo

        return int(asyncio.run(run_demo(settings, args.output, quiet=args.quiet)))
    elif args.command == "sandbox":
        from bot.sandbox.__main__ import main as sandbox_main

        sandbox_main(["--port", str(args.port), "--token", args.token,
                      "--bot-username", args.bot_username, "--can-read-all-group-messages"])
    elif args.command == "db":
        from storage.migrate import current, upgrade

        settings.data_dir.mkdir(parents=True, exist_ok=True)
        if args.db_command == "upgrade":
            upgrade(settings.db_url)
        print(current(settings.db_url) or "(empty database)")
    elif args.command == "transcript":
        from facilitation.errors import NotFound

        try:
            _write(asyncio.run(_export(settings, args)), args.output)
        except NotFound:
            print("no such session", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
