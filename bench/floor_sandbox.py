"""``python -m bench.floor_sandbox``: ``python -m bot.sandbox`` (same options, same server,
same ``SANDBOX_READY`` line) with four more control endpoints that ``bench floor`` needs and
the sandbox's own control API (bot/sandbox/control.py) does not have. They live here, beside
the benchmark, so that the product's sandbox stays as it is.

POST /_sandbox/send_voices    {"voices": [{"user_id", "chat_id", "data": base64, "duration"}]}
                              -> [{"chat_id", "message_id", "created_ns"}], all sent in one go
POST /_sandbox/wait_messages  {"messages": [[chat_id, message_id], ...], "field": "replied_ns",
                              "timeout": s} -> {"timings": [...], "timed_out": bool}
POST /_sandbox/wait_final     {"messages": [...], "pending": regex, "timeout": s}
                              -> {"found": [{"chat_id", "message_id", "ns", "method", "text"}],
                              "timed_out": bool}: for each message, the first bot message
                              quoting it (sent, or edited into) whose text does not match
                              ``pending``; ``ns`` is when that request finished
GET  /_sandbox/chat_calls?chat_id=C -> every Bot API request the bots made for chat C:
                              [{"method", "ts_ns", "end_ns", "ok", "message_id", "reply_to",
                              "text"}]

Every wait is event-driven (Sandbox.wait_for), like /_sandbox/wait_replied. Times are
``time.perf_counter`` in the sandbox process, the clock of ``created_ns``/``replied_ns``.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import inspect
import json
import re
import signal
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.sandbox import ApiCall, Sandbox, SandboxUsageError, create_app
from bot.sandbox.__main__ import parse_args
from bot.sandbox.control import SANDBOX_KEY
from bot.sandbox.server import serve

JSON = dict[str, Any]
Key = tuple[int, int]
MESSAGE_METHODS = frozenset({"sendMessage", "editMessageText"})


def _endpoint(action: Callable[[Sandbox, Any], Any]
              ) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def handler(request: web.Request) -> web.Response:
        sandbox = request.app[SANDBOX_KEY]
        try:
            arg = dict(request.query) if request.method == "GET" else await request.json()
            result = action(sandbox, arg)
            if inspect.isawaitable(result):
                result = await result
            body: JSON = {"ok": True, "result": result}
            status = 200
        except (SandboxUsageError, KeyError, TypeError, ValueError) as exc:
            body, status = {"ok": False, "description": f"{type(exc).__name__}: {exc}"}, 400
        return web.json_response(body, status=status,
                                 dumps=lambda o: json.dumps(o, ensure_ascii=False))

    return handler


def send_voices(sb: Sandbox, body: JSON) -> list[JSON]:
    sent = []
    for item in body["voices"]:
        message = sb.send_voice(int(item["user_id"]), int(item["chat_id"]),
                                base64.b64decode(item["data"]), int(item["duration"]))
        key = (message["chat"]["id"], message["message_id"])
        sent.append({"chat_id": key[0], "message_id": key[1],
                     "created_ns": sb.timings[key].created_ns})
    return sent


def _keys(body: JSON) -> list[Key]:
    return [(int(chat), int(message)) for chat, message in body["messages"]]


async def wait_messages(sb: Sandbox, body: JSON) -> JSON:
    keys, field = _keys(body), str(body.get("field", "replied_ns"))
    timings = [sb.timings[key] for key in keys]
    timed_out = False
    try:
        await sb.wait_for(lambda _sb: all(getattr(t, field) is not None for t in timings),
                          float(body.get("timeout", 30)), f"every message has {field}")
    except TimeoutError:
        timed_out = True
    return {"timings": [t.to_dict() for t in timings], "timed_out": timed_out}


def _message_of(call: ApiCall) -> JSON | None:
    return call.result if call.ok and isinstance(call.result, dict) else None


def _quoted(message: JSON) -> Key | None:
    reply = message.get("reply_to_message")
    return None if reply is None else (message["chat"]["id"], reply["message_id"])


async def wait_final(sb: Sandbox, body: JSON) -> JSON:
    wanted = set(_keys(body))
    pending = re.compile(str(body["pending"])) if body.get("pending") else None
    found: dict[Key, JSON] = {}
    seen = 0

    def scan(_sb: Sandbox) -> bool:
        nonlocal seen
        seen = min(seen, len(sb.calls))  # reset_stats empties the list
        for call in sb.calls[seen:]:
            message = _message_of(call) if call.method in MESSAGE_METHODS else None
            key = _quoted(message) if message is not None else None
            if message is None or key not in wanted or key in found:
                continue
            text = str(message.get("text") or "")
            if pending is None or not pending.search(text):
                found[key] = {"chat_id": key[0], "message_id": key[1], "method": call.method,
                              "ns": int(call.end_ts * 1e9), "text": text}
        seen = len(sb.calls)
        return len(found) == len(wanted)

    timed_out = False
    try:
        await sb.wait_for(scan, float(body.get("timeout", 30)), "final bot messages")
    except TimeoutError:
        timed_out = True
    return {"found": list(found.values()), "timed_out": timed_out}


def chat_calls(sb: Sandbox, query: JSON) -> list[JSON]:
    chat_id = int(query["chat_id"])
    out = []
    for call in sb.calls:
        with contextlib.suppress(TypeError, ValueError):
            if int(call.param("chat_id")) != chat_id:
                continue
            message = _message_of(call) or {}
            quoted = _quoted(message) if message else None
            out.append({"method": call.method, "ts_ns": int(call.ts * 1e9),
                        "end_ns": int(call.end_ts * 1e9), "ok": call.ok,
                        "message_id": message.get("message_id"),
                        "reply_to": quoted[1] if quoted else None,
                        "text": str(message.get("text") or "")[:200]})
    return out


def add_bench_routes(app: web.Application) -> None:
    app.router.add_post("/_sandbox/send_voices", _endpoint(send_voices))
    app.router.add_post("/_sandbox/wait_messages", _endpoint(wait_messages))
    app.router.add_post("/_sandbox/wait_final", _endpoint(wait_final))
    app.router.add_get("/_sandbox/chat_calls", _endpoint(chat_calls))


async def run(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    sandbox = Sandbox()
    sandbox.add_bot(args.token, args.bot_username, args.bot_first_name,
                    args.can_read_all_group_messages)
    app = create_app(sandbox)
    add_bench_routes(app)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    async with serve(app, args.host, args.port) as port:
        print(f"SANDBOX_READY http://{args.host}:{port}", flush=True)
        await stop.wait()


if __name__ == "__main__":
    asyncio.run(run())
