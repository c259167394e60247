"""`yishitang person forget|export` and `yishitang audit`: a person's data on request, and
the log of moderator and staff actions. The same use cases as the staff's /forget and
/export in the chat (facilitation/people.py); here the operator is trusted (whoever can run
this can read the database anyway) and logged by their login name.

Every failure the user can cause (no such person, a name two people share, a file that
cannot be written) is one line on stderr and exit code 1 (2 for bad arguments)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from yishitang.cli_common import failures_told, now, operator, with_uow
from yishitang.settings import Settings

if TYPE_CHECKING:
    from facilitation.people import AuditLine, Forgotten, PersonRef
    from facilitation.ports import Footprint


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    person = commands.add_parser(
        "person", help="a person's data on request: forget (erase) or export",
        description="Find a person by our id (--id, shown as #N), Telegram user id or name.")
    actions = person.add_subparsers(dest="person_command", metavar="ACTION", required=True)
    forget = actions.add_parser(
        "forget", help="erase a person's name, Telegram identity, profile and audio; their "
                       "turns stay, anonymised (匿名发言人N), so counts and minutes hold")
    _who(forget)
    forget.add_argument("--yes", action="store_true",
                        help="really erase (without it: show what would be erased)")
    export = actions.add_parser("export", help="everything stored about a person, as JSON")
    _who(export)
    export.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    audit = commands.add_parser("audit", help="the log of moderator and staff actions")
    audit.add_argument("--session", type=int, metavar="ID", help="one session's actions")
    audit.add_argument("--since", metavar="WHEN",
                       help="from a day or time (2026-12-01, 2026-12-01T09:00), hall time")
    audit.add_argument("--limit", type=int, default=1000, help="the newest N (default 1000)")
    audit.add_argument("--json", action="store_true", help="one JSON object per line")


def _who(parser: argparse.ArgumentParser) -> None:
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--id", type=int, dest="person_id", help="our id of the person (#N)")
    which.add_argument("--telegram-id", type=int, help="their Telegram user id")
    which.add_argument("--name", help="their name (as set, or as signed in)")


def _ref(args: argparse.Namespace) -> PersonRef:
    from facilitation.people import PersonRef

    return PersonRef(args.person_id, args.telegram_id, args.name)


def run(settings: Settings, args: argparse.Namespace) -> int:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    if args.command == "audit":
        return failures_told(lambda: _audit(settings, args))
    if args.person_command == "export":
        return failures_told(lambda: _export(settings, args))
    return failures_told(lambda: _forget(settings, args))


def _forget(settings: Settings, args: argparse.Namespace) -> int:
    from facilitation import people
    from storage.audio_files import FolderAudioFiles

    if not args.yes:
        found = asyncio.run(with_uow(settings, lambda uow: people.footprint(
            uow(), ref=_ref(args), by=operator())))
        print(_preview(found), file=sys.stderr)
        return 1
    done = asyncio.run(with_uow(settings, lambda uow: people.forget_person(
        uow(), ref=_ref(args), by=operator(), now=now(),
        audio=FolderAudioFiles(settings.data_dir / "audio"))))
    print(_forgotten(done))
    return 0


def _preview(found: Footprint) -> str:
    p = found.person
    if p.forgotten_at is not None:
        return f"#{p.id} was forgotten on {p.forgotten_at:%Y-%m-%d}: nothing more to erase"
    kept = sum(job.audio_path is not None for job in found.audio_jobs)
    return (f"#{p.id} {p.display_name} (Telegram id {p.telegram_user_id or '-'}): "
            f"{len(found.sessions)} sessions, {len(found.attendance)} sign-ins, "
            f"{len(found.contributions)} turns, {kept} audio files. "
            "Nothing was changed: add --yes to erase.")


def _forgotten(done: Forgotten) -> str:
    if done.already:
        return f"#{done.person_id} was forgotten before ({done.label}): nothing changed"
    return (f"forgot #{done.person_id}, now {done.label}: {done.sessions} sessions, "
            f"{done.sign_ins} sign-ins and {done.turns} turns kept anonymised, "
            f"{done.audio_files} audio files deleted, {done.texts} texts and "
            f"{done.versions} approved minutes versions and {done.items} tracked items "
            f"rewritten, {done.updates} stored updates emptied")


def _export(settings: Settings, args: argparse.Namespace) -> int:
    from facilitation import people
    from facilitation.personal_data import personal_data_json

    at = now()
    found = asyncio.run(with_uow(settings, lambda uow: people.export_person(
        uow(), ref=_ref(args), by=operator(), now=at)))
    document = personal_data_json(found, at)
    if args.output is None:
        sys.stdout.write(document)
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(document, encoding="utf-8")
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


def _since(text: str | None, tz: ZoneInfo) -> datetime | None:
    if text is None:
        return None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise SystemExit(f"--since {text!r}: give a day (2026-12-01) or a time "
                         "(2026-12-01T09:00)") from None
    return when if when.tzinfo is not None else when.replace(tzinfo=tz)


def _audit(settings: Settings, args: argparse.Namespace) -> int:
    from facilitation import people

    tz = ZoneInfo(settings.timezone)
    since = _since(args.since, tz)
    lines = asyncio.run(with_uow(settings, lambda uow: people.read_audit(
        uow(), by=operator(), session_id=args.session, since=since, limit=args.limit)))
    for line in lines:
        print(_audit_json(line, tz) if args.json else _audit_line(line, tz))
    return 0


def _audit_line(line: AuditLine, tz: ZoneInfo) -> str:
    e = line.entry
    at = e.at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S") if e.at else "?"
    where = f"session {e.session_id}" if e.session_id else (f"chat {e.chat_id}" if e.chat_id
                                                            else "-")
    detail = " ".join(f"{k}={v}" for k, v in sorted(e.detail.items()))
    subject = f" → {line.subject}" if line.subject else ""
    return f"{at}  {e.action.value:<10} {where:<12} by {line.actor}{subject}  {detail}".rstrip()


def _audit_json(line: AuditLine, tz: ZoneInfo) -> str:
    e = line.entry
    return json.dumps({
        "at": e.at.astimezone(tz).isoformat() if e.at else None, "action": e.action.value,
        "session_id": e.session_id, "chat_id": e.chat_id, "actor_id": e.actor_id,
        "actor": line.actor, "subject_id": e.subject_id, "subject": line.subject,
        "detail": e.detail}, ensure_ascii=False)
