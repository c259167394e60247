"""Telegram's webhook (webhook mode, YISHITANG_WEBHOOK_URL): Telegram POSTs each update here.

Only a request carrying the secret token given to setWebhook is read (compared in constant
time; 403 otherwise, nothing stored). The update is stored before the answer (``accept``: the
bot's inbox), so a 200 means it is durable and a process killed right after loses nothing;
it is handled after the answer by the bot's loop, once, however often Telegram posts it. An
update that cannot be stored now (a database outage) is answered 503 and Telegram posts it
again later. Bodies over aiohttp's client_max_size (1 MiB) are refused by aiohttp (413).
"""

from __future__ import annotations

import hmac
import json

from aiohttp import web

from portal.deps import DEPS

PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_UPDATE_ID = 2**63 - 1  # the inbox's BIGINT
RETRY_AFTER_S = "5"


async def receive(request: web.Request) -> web.Response:
    hook = request.app[DEPS].webhook
    if hook is None:  # polling: there is no webhook here
        raise web.HTTPNotFound()
    # headers arrive decoded with surrogateescape: back to the bytes that were sent
    given = request.headers.get(SECRET_HEADER, "").encode("utf-8", "surrogateescape")
    if not hmac.compare_digest(given, hook.secret.encode()):
        raise web.HTTPForbidden()
    update_id, payload = _update_of(await request.read())
    if not await hook.accept(update_id, payload):
        raise web.HTTPServiceUnavailable(headers={"Retry-After": RETRY_AFTER_S})
    return web.Response()


def _update_of(body: bytes) -> tuple[int, str]:
    """The update's id and its JSON text as stored; 400 for anything that is not an update."""
    try:
        update = json.loads(body)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested beyond reason
        raise web.HTTPBadRequest(text="not a JSON update") from None
    update_id = update.get("update_id") if isinstance(update, dict) else None
    if type(update_id) is not int or not 0 <= update_id <= MAX_UPDATE_ID:
        raise web.HTTPBadRequest(text="an update needs its update_id")
    return update_id, json.dumps(update, ensure_ascii=False)
