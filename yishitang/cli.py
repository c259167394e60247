"""`yishitang ...`: run the bot, the demo, migrations, exports and minutes."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from yishitang import minutes_cli, people_cli, report_cli, roles_cli, service
from yishitang.logs import configure_logging
from yishitang.settings import Settings

if TYPE_CHECKING:
    from facilitation.speech import Transcriber, Transcript, TranscriptionRequest


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="yishitang",
        description="议事堂 Yishitang: run deliberation sessions in Telegram. Configuration "
                    "comes from YISHITANG_* environment variables (see README).")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    service.add_parsers(parser, commands)
    commands.add_parser("run", help="run the bot (long polling, or a webhook when "
                                    "YISHITANG_WEBHOOK_URL is set) and beside it the web app "
                                    "on YISHITANG_WEB_HOST:YISHITANG_WEB_PORT (127.0.0.1:8080; "
                                    "port 0: no web) until SIGINT/SIGTERM; exit codes in "
                                    "README")
    served = commands.add_parser("web", help="serve the web app alone (the room's screen) "
                                 "until SIGINT/SIGTERM; `run` serves it beside the bot")
    served.add_argument("--host", default=None,
                        help="default: YISHITANG_WEB_HOST, else 127.0.0.1")
    served.add_argument("--port", type=int, default=None,
                        help="default: YISHITANG_WEB_PORT, else 8080")
    shown = commands.add_parser("settings", help="the settings in effect (environment and "
                                                 "./.env; secrets hidden)")
    shown.add_argument("--markdown", action="store_true",
                       help="print README's table of every setting instead")
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
    down = db_commands.add_parser("downgrade", help="undo migrations down to REVISION (before "
                                                    "going back to an older version; README)")
    down.add_argument("revision", help="e.g. 0006 (what that version's `db current` said)")
    transcript = commands.add_parser("transcript", help="session transcripts")
    t_commands = transcript.add_subparsers(dest="transcript_command", metavar="ACTION",
                                           required=True)
    export = t_commands.add_parser("export", help="export a session's transcript")
    which = export.add_mutually_exclusive_group(required=True)
    which.add_argument("session", nargs="?", type=int, help="session id")
    which.add_argument("--latest", action="store_true", help="the most recent session")
    export.add_argument("--format", choices=("json", "md"), default="json")
    export.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    _speech_parsers(commands)
    minutes_cli.add_parsers(commands)
    people_cli.add_parsers(commands)
    report_cli.add_parsers(commands)
    roles_cli.add_parsers(commands)
    return parser


def _speech_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    transcribe = commands.add_parser(
        "transcribe", help="transcribe audio files (any common format) with the configured "
                           "engine: text per file, or JSON lines")
    transcribe.add_argument("files", nargs="+", type=Path, metavar="FILE")
    transcribe.add_argument("--json", action="store_true",
                            help="one JSON object per line per file (text, segments, ...)")
    transcribe.add_argument("--language", help="spoken language (default YISHITANG_ASR_LANGUAGE"
                                               "); 'auto' detects it")
    transcribe.add_argument("--prompt", help="the topic, as a hint to the model")
    transcribe.add_argument("--vad", action="store_true",
                            help="voice-activity detection (whole-meeting recordings)")
    serve = commands.add_parser(
        "asr-serve", help="serve the in-process Whisper engine over an OpenAI-compatible API "
                          "(POST /v1/audio/transcriptions) for other bots")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8090)
    serve.add_argument("--max-upload-mb", type=float, default=25.0)
    serve.add_argument("--api-key", help="bearer key clients must send (default "
                                         "YISHITANG_ASR_API_KEY; none: open)")


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


async def _transcribe(settings: Settings, args: argparse.Namespace) -> int:
    """Each file in turn; a file that fails is reported on stderr and the rest still done."""
    from facilitation.speech import TranscriptionRequest
    from yishitang.speech import build_transcriber

    language = args.language if args.language is not None else settings.asr_language
    request = TranscriptionRequest(
        language=None if language in (None, "", "auto") else language, prompt=args.prompt,
        max_duration_s=settings.max_recording_seconds, vad=args.vad)
    transcriber = build_transcriber(settings)
    try:
        await transcriber.start()
    except Exception as error:
        print(f"cannot start {transcriber.engine}: {error}", file=sys.stderr)
        return 2
    try:
        done = [await _transcribe_one(transcriber, path, request, args) for path in args.files]
    finally:
        await transcriber.close()
    return 0 if all(done) else 1


async def _transcribe_one(transcriber: Transcriber, path: Path, request: TranscriptionRequest,
                          args: argparse.Namespace) -> bool:
    from facilitation.speech import AudioRejected
    from transcripts.rejections import explain

    try:
        transcript = await transcriber.transcribe(path, request)
    except AudioRejected as rejected:
        print(f"{path}: {explain(rejected)} [{rejected.code}]", file=sys.stderr)
        return False
    except (OSError, RuntimeError) as error:
        print(f"{path}: {type(error).__name__}: {error}", file=sys.stderr)
        return False
    print(_transcribed(path, transcript, as_json=args.json, named=len(args.files) > 1))
    return True


def _transcribed(path: Path, transcript: Transcript, *, as_json: bool, named: bool) -> str:
    if not as_json:
        return f"{path}: {transcript.text}" if named else transcript.text
    return json.dumps({
        "file": str(path), "text": transcript.text, "language": transcript.language,
        "duration": transcript.duration, "engine": transcript.engine, "model": transcript.model,
        "segments": [{"start": s.start, "end": s.end, "text": s.text}
                     for s in transcript.segments],
        "dropped": list(transcript.dropped)}, ensure_ascii=False)


def _serve_asr(settings: Settings, args: argparse.Namespace) -> None:
    from aiohttp import web

    from transcripts.asr_server import AsrServerOptions, make_asr_app
    from yishitang.speech import build_transcriber

    local = build_transcriber(settings.model_copy(update={"asr_url": None}))  # never a proxy
    key = args.api_key or (settings.asr_api_key.get_secret_value()
                           if settings.asr_api_key else None)
    options = AsrServerOptions(api_key=key, max_upload_mb=args.max_upload_mb,
                               max_duration_s=settings.max_recording_seconds)
    web.run_app(make_asr_app(local, options, manage=True), host=args.host, port=args.port,
                print=lambda line: print(line, file=sys.stderr))


def _run(settings: Settings) -> int:
    """`yishitang run`: what it needs is checked first (yishitang/startup.py), then it serves
    until SIGINT or SIGTERM."""
    from yishitang.startup import ExitCode, check_data_dir, require_token

    require_token(settings)  # before the heavy imports: a missing token is said at once
    check_data_dir(settings.data_dir)
    from yishitang.bootstrap import run_bot

    try:
        asyncio.run(run_bot(settings))
    except KeyboardInterrupt:  # before the signal handlers are in place: starting up
        return ExitCode.INTERRUPTED
    return ExitCode.OK


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    print(f"wrote {output}", file=sys.stderr)


def _settings() -> Settings:
    """The settings from the environment and ./.env (the environment wins), or a one-line
    StartupFailure saying what is wrong."""
    from pydantic_settings import SettingsError

    from yishitang.startup import ExitCode, StartupFailure, describe_invalid

    try:
        return Settings(_env_file=".env")  # type: ignore[call-arg]
    except ValidationError as exc:
        raise StartupFailure(ExitCode.CONFIG, describe_invalid(exc)) from None
    except SettingsError as exc:  # a value pydantic-settings could not even decode
        raise StartupFailure(ExitCode.CONFIG, f"configuration: {exc}") from None


def main(argv: list[str] | None = None) -> int:
    from yishitang.startup import StartupFailure

    args = _parser().parse_args(argv)
    try:
        return _command(args)
    except StartupFailure as failure:
        print(f"yishitang: {failure.message}", file=sys.stderr)
        return int(failure.code)


def _command(args: argparse.Namespace) -> int:
    settings = _settings()
    if args.command == "settings":
        from yishitang.settings_table import in_effect, markdown_table

        sys.stdout.write(markdown_table() if args.markdown else in_effect(settings))
        return 0
    configure_logging(settings, quiet=("telegram.ext", "alembic", "transcripts")
                      if args.command == "demo" else ())
    if args.command == "run":
        return _run(settings)
    elif args.command == "web":
        from yishitang.bootstrap import run_web

        asyncio.run(run_web(settings, args.host or settings.web_host,
                            settings.web_port if args.port is None else args.port))
        return 0
    elif args.command == "demo":
        from yishitang.demo import run_demo

        return int(asyncio.run(run_demo(settings, args.output, quiet=args.quiet)))
    elif args.command == "sandbox":
        from bot.sandbox.__main__ import main as sandbox_main

        sandbox_main(["--port", str(args.port), "--token", args.token,
                      "--bot-username", args.bot_username, "--can-read-all-group-messages"])
    elif args.command == "db":
        from storage.migrate import current, downgrade, upgrade
        from yishitang.startup import check_data_dir, reach_database

        check_data_dir(settings.data_dir)
        asyncio.run(reach_database(settings, known=args.db_command != "current"))
        if args.db_command == "upgrade":
            upgrade(settings.db_url)
        elif args.db_command == "downgrade":
            downgrade(settings.db_url, args.revision)
        print(current(settings.db_url) or "(empty database)")
    elif args.command == "transcribe":
        return asyncio.run(_transcribe(settings, args))
    elif args.command == "asr-serve":
        _serve_asr(settings, args)
    elif args.command == "minutes":
        return minutes_cli.run(settings, args)
    elif args.command in ("person", "audit"):
        return people_cli.run(settings, args)
    elif args.command == "roles":
        return roles_cli.run(settings, args)
    elif args.command in ("report", "documents"):
        return report_cli.run(settings, args)
    elif args.command in ("health", "prepare-model"):
        return service.run(settings, args)
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
