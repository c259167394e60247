"""`yishitang roles grant|revoke|list`: per-hall roles (facilitation/roles.py). The operator is
trusted (whoever can run this can read the database anyway) and logged in the audit log by
their login name. The staff ids of YISHITANG_STAFF_USER_IDS are admins without a grant."""

from __future__ import annotations

import argparse
import asyncio
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from yishitang.cli_common import failures_told, now, operator, with_uow
from yishitang.settings import Settings

if TYPE_CHECKING:
    from facilitation.model import Person
    from facilitation.roles import RoleGrant

ROLES = ("admin", "staff", "viewer")


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    roles = commands.add_parser(
        "roles", help="who may use the staff's web pages: admin (every hall, grants roles), "
                      "staff (sees and edits their halls), viewer (reads their halls)",
        description="Roles are read at every request: a grant or a revocation counts at once. "
                    "The ids of YISHITANG_STAFF_USER_IDS are admins without a grant.")
    actions = roles.add_subparsers(dest="roles_command", metavar="ACTION", required=True)
    grant = actions.add_parser("grant", help="give a person a role (of one hall, or every hall)")
    revoke = actions.add_parser("revoke", help="take a role back (as it was given)")
    for parser in (grant, revoke):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--telegram-id", type=int, help="their Telegram user id (/whoami)")
        which.add_argument("--id", type=int, dest="person_id", help="our id of the person (#N)")
        parser.add_argument("role", choices=ROLES)
        parser.add_argument("--hall", type=int, metavar="CHAT_ID",
                            help="the hall's group chat id (/whoami in the group); "
                                 "default: every hall (an admin's always)")
    listed = actions.add_parser("list", help="every grant (and the bootstrap admins)")
    listed.add_argument("--hall", type=int, metavar="CHAT_ID",
                        help="the grants of this hall and of every hall")


def run(settings: Settings, args: argparse.Namespace) -> int:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    if args.roles_command == "list":
        return failures_told(lambda: _list(settings, args))
    return failures_told(lambda: _change(settings, args))


def _change(settings: Settings, args: argparse.Namespace) -> int:
    from facilitation.roles import Role, grant_role, revoke_role

    role, hall = Role(args.role), args.hall
    who = {"person_id": args.person_id, "telegram_user_id": args.telegram_id}
    if args.roles_command == "grant":
        done = asyncio.run(with_uow(settings, lambda uow: grant_role(
            uow(), by=operator(), role=role, hall_chat_id=hall, now=now(), **who)))
        told = "granted" if done.changed else "already granted"
        print(f"{told}: {_line(done.grant, None, settings)}")
        return 0
    gone = asyncio.run(with_uow(settings, lambda uow: revoke_role(
        uow(), by=operator(), role=role, hall_chat_id=hall, now=now(), **who)))
    print(f"revoked: {_line(gone, None, settings)}")
    return 0


def _line(grant: RoleGrant, person: Person | None, settings: Settings) -> str:
    where = "every hall" if grant.hall_chat_id is None else f"hall {grant.hall_chat_id}"
    who = f"#{grant.person_id}"
    if person is not None:
        who += f" {person.display_name} (Telegram id {person.telegram_user_id or '-'})"
    at = grant.granted_at.astimezone(ZoneInfo(settings.timezone)).strftime("%Y-%m-%d %H:%M")
    by = grant.operator or (f"#{grant.granted_by}" if grant.granted_by else "-")
    return f"{who}  {grant.role.value}  {where}  (since {at}, by {by})"


def _list(settings: Settings, args: argparse.Namespace) -> int:
    from facilitation.roles import list_grants

    found = asyncio.run(with_uow(settings, lambda uow: list_grants(
        uow(), hall_chat_id=args.hall)))
    for grant, person in found:
        print(_line(grant, person, settings))
    for user_id in sorted(settings.staff_user_ids):
        print(f"Telegram id {user_id}  admin  every hall  (YISHITANG_STAFF_USER_IDS)")
    if not found and not settings.staff_user_ids:
        print("no roles: grant one with `yishitang roles grant --telegram-id N admin`")
    return 0
