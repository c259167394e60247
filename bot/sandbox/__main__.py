"""``python -m bot.sandbox --port P --token T --bot-username U``: serve a sandbox until killed.

Prints ``SANDBOX_READY http://HOST:PORT`` on stdout once it accepts connections.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal

from bot.sandbox.sandbox import Sandbox
from bot.sandbox.server import create_app, serve


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot.sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--token", default="123456789:SANDBOX-TOKEN")
    parser.add_argument("--bot-username", default="sandbox_bot")
    parser.add_argument("--bot-first-name", default="Sandbox Bot")
    parser.add_argument("--can-read-all-group-messages", action="store_true")
    return parser.parse_args(argv)


async def run(args: argparse.Namespace) -> None:
    sandbox = Sandbox()
    sandbox.add_bot(
        args.token, args.bot_username, args.bot_first_name, args.can_read_all_group_messages
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    async with serve(create_app(sandbox), args.host, args.port) as port:
        print(f"SANDBOX_READY http://{args.host}:{port}", flush=True)
        await stop.wait()


def main(argv: list[str] | None = None) -> None:
    asyncio.run(run(parse_args(argv)))


if __name__ == "__main__":
    main()
