"""The units' directory for staff (/units: list, add, map a name of the minutes, invite a
liaison), and an invite redeemed: /start u_<code> makes whoever opens it the unit's liaison.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import Update

from bot.catalog import t
from bot.common import Context, actor_of, deep_link, lang, reply
from bot.minutes_view import chunks
from facilitation.errors import InvalidInput
from facilitation.ports import TrackingUnitOfWork
from facilitation.tracking_access import LiveRoles
from facilitation.tracking_desk import UnitsOverview, units_overview
from facilitation.tracking_input import LEVEL_WORD, guess_level, parse_level
from facilitation.tracking_invites import START_PREFIX, create_invite, invite_start, redeem_invite
from facilitation.tracking_units import UnitAssigned, add_unit, map_unit_name
from facilitation.units import Unit

ROLES = LiveRoles()
INVITE_PREFIX = START_PREFIX  # /start u_<code>: an invite, not a session's code


def _work(update: Update, context: Context) -> TrackingUnitOfWork:
    return context.deps.uow(update.update_id)


def _aliases(language: str, unit: Unit) -> str:
    return t(language, "tk_units_aliases", aliases="、".join(unit.aliases)) if unit.aliases \
        else ""


def overview_text(language: str, found: UnitsOverview) -> str:
    lines = [t(language, "tk_units_head", n=len(found.units)) if found.units
             else t(language, "tk_units_empty")]
    lines += [t(language, "tk_units_row", id=s.unit.id, name=s.unit.name,
                level=t(language, f"tk_level_{s.unit.level.value}"),
                aliases=_aliases(language, s.unit), liaisons=len(s.unit.liaisons),
                open=s.open_items) for s in found.units]
    if found.waiting:
        lines.append(t(language, "tk_units_waiting",
                       names="、".join(n.written for n in found.waiting)))
    lines.append(t(language, "usage_units"))
    return "\n".join(lines)


async def units(update: Update, context: Context) -> None:
    """/units [add | map | invite] ..."""
    args = list(context.args or [])
    action = {"add": _add, "map": _map, "invite": _invite}.get(args[0].lower()) if args else None
    if args and action is None:
        raise InvalidInput("usage_units")
    if action is not None:
        await action(update, context, args[1:])
        return
    found = await units_overview(context.deps.uow(), actor=actor_of(update, context),
                                 roles=ROLES)
    for part in chunks(overview_text(lang(update, context), found)):
        await reply(update, part)


def _assigned(language: str, done: UnitAssigned) -> str:
    return ("\n" + t(language, "tk_unit_assigned", n=len(done.items))) if done.items else ""


async def _add(update: Update, context: Context, args: list[str]) -> None:
    """/units add 名称 [别名…] [level=…]: the level from the name when none is said."""
    levels = [m[1] for a in args if (m := LEVEL_WORD.match(a))]
    names = [a for a in args if not LEVEL_WORD.match(a)]
    if not names or len(levels) > 1:
        raise InvalidInput("usage_units")
    level = parse_level(levels[0]) if levels else guess_level(names[0])
    if level is None:
        raise InvalidInput("unit_level_unknown", name=names[0])
    options = context.deps.follow_up
    done = await add_unit(_work(update, context), name=names[0], level=level,
                          aliases=names[1:], actor=actor_of(update, context), roles=ROLES,
                          now=context.deps.clock(), lead_days=options.lead_days,
                          remind_at=options.remind_at, tz=ZoneInfo(context.deps.timezone))
    if done.items:
        context.deps.on_item_change()
    language = lang(update, context)
    await reply(update, t(language, "tk_unit_added", id=done.unit.id, name=done.unit.name,
                          level=t(language, f"tk_level_{done.unit.level.value}"),
                          aliases=_aliases(language, done.unit)) + _assigned(language, done))


async def _map(update: Update, context: Context, args: list[str]) -> None:
    """/units map 写法 单位"""
    if len(args) < 2:
        raise InvalidInput("usage_units")
    options = context.deps.follow_up
    done = await map_unit_name(_work(update, context), written=args[0], unit=" ".join(args[1:]),
                               actor=actor_of(update, context), roles=ROLES,
                               now=context.deps.clock(), lead_days=options.lead_days,
                               remind_at=options.remind_at, tz=ZoneInfo(context.deps.timezone))
    if done.items:
        context.deps.on_item_change()
    language = lang(update, context)
    written = done.mapping.written if done.mapping else args[0]
    await reply(update, t(language, "tk_unit_mapped", written=written, unit=done.unit.name)
                + _assigned(language, done))


async def _invite(update: Update, context: Context, args: list[str]) -> None:
    """/units invite 单位: a one-time deep link that makes its opener the unit's liaison."""
    if not args:
        raise InvalidInput("usage_units")
    made = await create_invite(_work(update, context), unit=" ".join(args),
                               actor=actor_of(update, context), roles=ROLES,
                               now=context.deps.clock())
    expires = made.invite.expires_at.astimezone(ZoneInfo(context.deps.timezone))
    link = deep_link(context.bot.username, invite_start(made.invite.code))
    await reply(update, t(lang(update, context), "tk_invite_link", unit=made.unit.name,
                          date=expires.strftime("%Y-%m-%d %H:%M"), link=link))


async def redeem(update: Update, context: Context, code: str) -> None:
    """/start u_<code>: the opener becomes a liaison of the invite's unit."""
    done = await redeem_invite(_work(update, context), code=code,
                               actor=actor_of(update, context), now=context.deps.clock())
    await reply(update, t(lang(update, context),
                          "tk_invite_already" if done.already else "tk_invite_redeemed",
                          unit=done.unit.name))
