"""JSON control endpoints under ``/_sandbox/`` for driving a sandbox in another process.

All responses are ``{"ok": true, "result": ...}`` or ``{"ok": false, "description": ...}`` (400).
"""

from __future__ import annotations

import contextlib
import inspect
import json
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.sandbox.errors import ApiError, SandboxUsageError
from bot.sandbox.sandbox import Sandbox

JSON = dict[str, Any]
SANDBOX_KEY = web.AppKey("sandbox", Sandbox)
Action = Callable[[Sandbox, Any], Any]


def _reply(ok: bool, payload: Any, status: int = 200) -> web.Response:
    body = {"ok": True, "result": payload} if ok else {"ok": False, "description": payload}
    return web.json_response(body, status=status, dumps=lambda o: json.dumps(o, ensure_ascii=False))


def _endpoint(action: Action) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def handler(request: web.Request) -> web.Response:
        sandbox = request.app[SANDBOX_KEY]
        try:
            if request.method == "GET":
                arg: Any = dict(request.query.items())
            else:
                arg = await request.json() if request.body_exists else {}
            result = action(sandbox, arg)
            if inspect.isawaitable(result):
                result = await result
            return _reply(True, result)
        except (SandboxUsageError, ApiError, KeyError, TypeError, ValueError) as exc:
            return _reply(False, f"{type(exc).__name__}: {exc}", 400)

    return handler


def _new_user(sb: Sandbox, item: JSON) -> JSON:
    user = sb.add_user(
        item["first_name"], item.get("last_name"), item.get("username"),
        item.get("language_code", "zh-hans"),
    )  # fmt: skip
    return user.to_dict()


def create_users(sb: Sandbox, body: Any) -> Any:
    """A user object, ``{"users": [...]}``, a list, or ``{"count": N, "prefix": "User"}``."""
    if isinstance(body, dict) and "count" in body:
        prefix = body.get("prefix", "User")
        return [
            _new_user(sb, {"first_name": f"{prefix}{i + 1}"}) for i in range(int(body["count"]))
        ]
    if isinstance(body, list):
        return [_new_user(sb, item) for item in body]
    if "users" in body:
        return [_new_user(sb, item) for item in body["users"]]
    return _new_user(sb, body)


def create_group(sb: Sandbox, body: JSON) -> JSON:
    chat = sb.add_group(
        body["title"], body.get("member_ids", []), bool(body.get("bot_is_admin", False)),
        bool(body.get("supergroup", True)), bot=body.get("bot_token"),
        username=body.get("username"),
    )  # fmt: skip
    return {**chat.to_dict(), "members": dict(chat.members)}


def send_texts(sb: Sandbox, body: Any) -> list[JSON]:
    """``[{user_id, chat_id, text, reply_to_message_id?}]`` or ``{"messages": [...]}``."""
    items = body["messages"] if isinstance(body, dict) else body
    sent = []
    for item in items:
        message = sb.send_text(
            int(item["user_id"]), int(item.get("chat_id", item["user_id"])), str(item["text"]),
            item.get("reply_to_message_id"),
        )  # fmt: skip
        key = (message["chat"]["id"], message["message_id"])
        sent.append({"chat_id": key[0], "message_id": key[1],
                     "created_ns": sb.timings[key].created_ns})  # fmt: skip
    return sent


def press_button(sb: Sandbox, body: JSON) -> str:
    message = (int(body["chat_id"]), int(body["message_id"]))
    return sb.press_button(int(body["user_id"]), message, str(body["callback_data"]))


def list_messages(sb: Sandbox, query: JSON) -> list[JSON]:
    """``?chat_id=…[&include_users=true][&after=<message_id>]``: with ``after``, only the
    messages sent since (their current state), for a reader that polls."""
    include = query.get("include_users", "false").lower() in ("1", "true")
    found = sb.messages(int(query["chat_id"]), include_users=include)
    after = query.get("after")
    return found if after is None else [m for m in found if m["message_id"] > int(after)]


def reset_stats(sb: Sandbox, body: Any) -> bool:
    sb.reset_stats()
    return True


async def wait_replied(sb: Sandbox, body: Any) -> JSON:
    """Wait (no polling) until every user message tracked since reset_stats has a bot reply.

    ``{"timeout": seconds}`` (default 30); answers ``{"user_messages", "replied", "timed_out"}``.
    """
    timeout = float((body or {}).get("timeout", 30))
    waiting = deque(t for t in sb.timings.values() if t.replied_ns is None)

    def all_replied(_sb: Sandbox) -> bool:
        while waiting and waiting[0].replied_ns is not None:  # amortised O(1) per wake-up
            waiting.popleft()
        return not waiting

    with contextlib.suppress(TimeoutError):
        await sb.wait_for(all_replied, timeout, "every user message replied")
    replied = sum(t.replied_ns is not None for t in sb.timings.values())
    return {"user_messages": len(sb.timings), "replied": replied, "timed_out": bool(waiting)}


def health(sb: Sandbox, query: Any) -> JSON:
    return {"bots": [bot.username for bot in sb.bots.values()]}


def add_control_routes(app: web.Application) -> None:
    app.router.add_post("/_sandbox/users", _endpoint(create_users))
    app.router.add_post("/_sandbox/groups", _endpoint(create_group))
    app.router.add_post("/_sandbox/send_texts", _endpoint(send_texts))
    app.router.add_post("/_sandbox/press_button", _endpoint(press_button))
    app.router.add_post("/_sandbox/reset_stats", _endpoint(reset_stats))
    app.router.add_post("/_sandbox/wait_replied", _endpoint(wait_replied))
    app.router.add_get("/_sandbox/messages", _endpoint(list_messages))
    app.router.add_get("/_sandbox/stats", _endpoint(lambda sb, _query: sb.stats()))
    app.router.add_get("/_sandbox/health", _endpoint(health))
