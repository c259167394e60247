"""Bot API methods: getMe, logOut/close, getUpdates (long polling) and webhook management."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from bot.sandbox import webhook
from bot.sandbox.errors import GET_UPDATES_CONFLICT, WEBHOOK_ACTIVE, bad_request, conflict
from bot.sandbox.models import DEFAULT_ALLOWED_UPDATES, BotAccount, UpdateRecord
from bot.sandbox.params import Params
from bot.sandbox.state import SandboxState

JSON = dict[str, Any]

MAX_POLL_TIMEOUT = 50.0


async def get_me(state: SandboxState, bot: BotAccount, p: Params) -> JSON:
    return {
        **bot.user.to_dict(),
        "can_join_groups": bot.can_join_groups,
        "can_read_all_group_messages": bot.can_read_all_group_messages,
        "supports_inline_queries": bot.supports_inline_queries,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


async def log_out(state: SandboxState, bot: BotAccount, p: Params) -> bool:
    return True


def _allowed(p: Params) -> frozenset[str] | None:
    raw = p.get_json("allowed_updates", "can't parse allowed_updates JSON object")
    if raw is None:
        return None
    if not isinstance(raw, list):
        raise bad_request("can't parse allowed_updates JSON object")
    return frozenset(str(kind) for kind in raw) or DEFAULT_ALLOWED_UPDATES


def _clamp(value: float | None, low: float, high: float, default: float) -> float:
    return default if value is None else min(max(value, low), high)


async def get_updates(state: SandboxState, bot: BotAccount, p: Params) -> list[JSON]:
    """Long polling; a newer getUpdates terminates an older pending one with 409 Conflict."""
    if bot.webhook_url:
        raise conflict(WEBHOOK_ACTIVE)
    limit = int(_clamp(p.get_int("limit"), 1, 100, 100))
    timeout = _clamp(p.get_float("timeout"), 0, MAX_POLL_TIMEOUT, 0)
    allowed = _allowed(p)
    if allowed is not None:
        bot.allowed_updates = allowed
    bot.confirm(p.get_int("offset") or 0)
    bot.poll_generation += 1
    generation = bot.poll_generation
    bot.notify()
    state.notify()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    batch: list[UpdateRecord] = []
    while True:
        if bot.poll_generation != generation:
            raise conflict(GET_UPDATES_CONFLICT)
        batch = bot.updates[:limit]
        remaining = deadline - loop.time()
        if batch or remaining <= 0 or state.closing:
            break
        changed = bot.changed
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(changed.wait(), remaining)
    state.mark_delivered(batch)
    return [record.to_dict() for record in batch]


async def set_webhook(state: SandboxState, bot: BotAccount, p: Params) -> bool:
    """From now on updates are POSTed to ``url`` (bot/sandbox/webhook.py); "" deletes it."""
    url = p.get_str("url") or ""
    if url:
        webhook.checked_url(url)
    secret = webhook.checked_secret(p.get_str("secret_token") or "")
    allowed = _allowed(p)
    if allowed is not None:
        bot.allowed_updates = allowed
    if p.get_bool("drop_pending_updates"):
        bot.updates.clear()
    bot.webhook_url, bot.webhook_secret, bot.webhook_error = url, secret if url else "", None
    bot.poll_generation += 1
    bot.notify()
    webhook.restart(state, bot)
    return True


async def delete_webhook(state: SandboxState, bot: BotAccount, p: Params) -> bool:
    if p.get_bool("drop_pending_updates"):
        bot.updates.clear()
    bot.webhook_url, bot.webhook_secret, bot.webhook_error = "", "", None
    bot.notify()
    webhook.restart(state, bot)
    return True


async def get_webhook_info(state: SandboxState, bot: BotAccount, p: Params) -> JSON:
    info: JSON = {
        "url": bot.webhook_url,
        "has_custom_certificate": False,
        "pending_update_count": len(bot.updates),
    }
    if bot.webhook_url:
        info["max_connections"] = 40
    if bot.webhook_error is not None:
        info["last_error_date"], info["last_error_message"] = bot.webhook_error
    if bot.allowed_updates != DEFAULT_ALLOWED_UPDATES:
        info["allowed_updates"] = sorted(bot.allowed_updates)
    return info
