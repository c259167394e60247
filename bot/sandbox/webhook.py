"""Webhook delivery, as Telegram does it after setWebhook: each pending update is POSTed as JSON
to the webhook's URL, with the secret token in ``X-Telegram-Bot-Api-Secret-Token``; a 2xx
answer confirms it, anything else (or no answer) is kept for getWebhookInfo's last_error and
the update is posted again later.

Where the sandbox differs, on purpose: one request at a time, in update order (Telegram may
open up to max_connections); a failed delivery is retried within a second, not minutes; and
since tests may reach nothing but 127.0.0.1, plain HTTP is accepted for a loopback host (as a
self-hosted Bot API server in ``--local`` mode accepts it) and nothing is ever sent elsewhere:
an HTTPS URL on another host is accepted and its updates stay pending, with last_error saying
why.
"""

from __future__ import annotations

import asyncio
import re
import time
from urllib.parse import urlsplit

import aiohttp

from bot.sandbox.errors import bad_request
from bot.sandbox.models import BotAccount, UpdateRecord
from bot.sandbox.state import SandboxState

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
SECRET_FORM = re.compile(r"[A-Za-z0-9_-]*")
MAX_SECRET = 256
TIMEOUT_S = 30.0
RETRY_FIRST_S, RETRY_MOST_S = 0.05, 1.0
ONLY_LOOPBACK = "the sandbox delivers webhooks to 127.0.0.1 only"


def checked_url(url: str) -> str:
    """setWebhook's ``url`` as Telegram checks it; the Bad Request it answers otherwise."""
    parts = urlsplit(url)
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK):
        return url
    raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")


def checked_secret(secret: str) -> str:
    """setWebhook's ``secret_token``: up to 256 of A-Z a-z 0-9 _ - ("" for none)."""
    if len(secret) > MAX_SECRET:
        raise bad_request("secret token is too long")
    if not SECRET_FORM.fullmatch(secret):
        raise bad_request("secret token contains unallowed characters")
    return secret


def restart(state: SandboxState, bot: BotAccount) -> None:
    """Deliver to the webhook ``bot`` has now (none: stop); a delivery under way ends."""
    if bot.delivery is not None:
        bot.delivery.cancel()
        bot.delivery = None
    if not bot.webhook_url:
        return
    task = asyncio.get_running_loop().create_task(
        _deliver(state, bot), name=f"webhook delivery to {bot.username}")
    bot.delivery = task
    state.deliveries.add(task)
    task.add_done_callback(state.deliveries.discard)


async def stop_all(state: SandboxState) -> None:
    """The server stops: every delivery ends (its HTTP client closed)."""
    tasks = list(state.deliveries)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def _deliver(state: SandboxState, bot: BotAccount) -> None:
    me = asyncio.current_task()
    if urlsplit(bot.webhook_url).hostname not in LOOPBACK:
        _failed(state, bot, ONLY_LOOPBACK)
        return
    retry = RETRY_FIRST_S
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=TIMEOUT_S)) as http:
        while bot.delivery is me and not state.closing:
            changed = bot.changed  # taken before looking: an update enqueued after sets it
            if not bot.updates:
                await changed.wait()
                continue
            record = bot.updates[0]
            state.mark_delivered([record])
            error = await _post(http, bot, record)
            if error is None:
                bot.updates = [u for u in bot.updates if u is not record]
                retry = RETRY_FIRST_S
                state.notify()
                continue
            _failed(state, bot, error)
            await asyncio.sleep(retry)  # Telegram's back-off, much shortened
            retry = min(retry * 2, RETRY_MOST_S)


async def _post(http: aiohttp.ClientSession, bot: BotAccount, record: UpdateRecord) -> str | None:
    """None when the webhook answered 2xx, else what getWebhookInfo reports."""
    headers = {SECRET_HEADER: bot.webhook_secret} if bot.webhook_secret else {}
    try:
        async with http.post(bot.webhook_url, json=record.to_dict(), headers=headers) as answer:
            if 200 <= answer.status < 300:
                return None
            return f"Wrong response from the webhook: {answer.status} {answer.reason}"
    except aiohttp.ClientConnectorError:
        return "Connection refused"
    except TimeoutError:
        return "Read timeout expired"
    except aiohttp.ClientError as error:
        return f"Connection failed: {type(error).__name__}"


def _failed(state: SandboxState, bot: BotAccount, error: str) -> None:
    bot.webhook_error = (int(time.time()), error)
    state.notify()
