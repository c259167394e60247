"""`yishitang ...`: run the bot, the demo, migrations, exports and minutes."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from yishitang.settings import Settings

if TYPE_CHECKING:
    from facilitation.speech import Transcriber, Transcript, TranscriptionRequest
    from transcripts.minutes.model import Minutes


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
    _speech_parsers(commands)
    _minutes_parsers(commands)
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


def _minutes_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    minutes = commands.add_parser(
        "minutes", help="协商纪要: compile minutes from a transcript file, score against gold",
        description="Minutes (协商纪要) from a transcript in the interchange format "
                    "(yishitang/schemas/transcript.schema.json); no database needed.")
    m_commands = minutes.add_subparsers(dest="minutes_command", metavar="ACTION", required=True)
    compile_ = m_commands.add_parser(
        "compile", help="compile a transcript file into minutes",
        description="Compile TRANSCRIPT (JSON, interchange format) into minutes: JSON "
                    "(yishitang/schemas/minutes.schema.json), Markdown or DOCX.")
    compile_.add_argument("transcript", type=Path, metavar="TRANSCRIPT",
                          help="a transcript JSON file (e.g. from `yishitang transcript export`)")
    compile_.add_argument("--format", choices=("json", "md", "docx"), default="json",
                          help="output format (default json); docx needs -o")
    compile_.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    compile_.add_argument("--public", action="store_true",
                          help="the public version: residents named 群众代表甲, 群众代表乙 …")
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


def _compile_minutes(args: argparse.Namespace) -> int:
    """`minutes compile`: a clear one-line error (exit 2) for a file that will not do."""
    from transcripts.minutes.compile import compile_minutes
    from transcripts.minutes.model import TranscriptError, load_transcript
    from transcripts.minutes.public import public_version

    if args.format == "docx" and args.output is None:
        print("--format docx writes a binary file: give -o FILE", file=sys.stderr)
        return 2
    try:
        data = json.loads(args.transcript.read_text(encoding="utf-8"))
        minutes = compile_minutes(load_transcript(data))
    except OSError as error:
        print(f"cannot read {args.transcript}: {error.strerror or error}", file=sys.stderr)
        return 2
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        print(f"{args.transcript}: not a JSON file: {error}", file=sys.stderr)
        return 2
    except TranscriptError as error:
        print(f"{args.transcript}: not a transcript: {error}", file=sys.stderr)
        return 2
    if args.public:
        minutes = public_version(minutes)
    if args.format == "docx":
        return _write_docx(minutes, args.output)
    _write(_render_minutes(minutes, args.format), args.output)
    return 0


def _write_docx(minutes: Minutes, output: Path) -> int:
    try:
        from transcripts.minutes.render_docx import to_docx_bytes
    except ImportError as error:
        print(f"DOCX output is not available: {error}", file=sys.stderr)
        return 2
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(to_docx_bytes(minutes))
    print(f"wrote {output}", file=sys.stderr)
    return 0


def _render_minutes(minutes: Minutes, form: str) -> str:
    from transcripts.minutes.render_json import to_json
    from transcripts.minutes.render_md import to_markdown

    if form == "md":
        return to_markdown(minutes)
    return json.dumps(to_json(minutes), ensure_ascii=False, indent=2) + "\n"


def _score_minutes(args: argparse.Namespace) -> int:
    from transcripts.minutes.model import TranscriptError
    from transcripts.minutes.scoring import gold_pairs, report

    absent = [str(p) for p in args.paths if not p.exists()]
    pairs = gold_pairs(p for p in args.paths if p.exists())
    absent += [str(t) for t, _ in pairs if not t.is_file()]
    if absent or not pairs:
        print(f"no such file: {', '.join(absent)}" if absent else
              f"no *.gold.json in {', '.join(map(str, args.paths))}", file=sys.stderr)
        return 2
    try:
        text, _ = report(args.paths, verbose=args.verbose)
    except (OSError, ValueError, TranscriptError) as error:
        print(f"cannot score: {error}", file=sys.stderr)
        return 2
    print(text)
    return 0


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
        for noisy in ("telegram.ext", "alembic", "transcripts"):
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
    elif args.command == "transcribe":
        return asyncio.run(_transcribe(settings, args))
    elif args.command == "asr-serve":
        _serve_asr(settings, args)
    elif args.command == "minutes":
        if args.minutes_command == "compile":
            return _compile_minutes(args)
        return _score_minutes(args)
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
