"""HTTPS_PROXY works: the bot reaches an HTTPS Bot API through an HTTP CONNECT proxy, as it
would reach api.telegram.org from a network that only lets a proxy out (README, Operating it).

The Bot API sandbox is served over TLS with a certificate made for the test (openssl), which
the bot trusts through SSL_CERT_FILE; the proxy is a small CONNECT tunnel in this process that
records where it was asked to go.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

from aiohttp import web

from bot.sandbox import Sandbox, create_app
from tests.e2e.test_startup import TOKEN, base_env, finished, running_bot, spawn

CHUNK = 65536


def certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True)
    return cert, key


@contextlib.asynccontextmanager
async def tls_sandbox(sandbox: Sandbox, cert: Path, key: Path) -> AsyncIterator[str]:
    """The sandbox on https://localhost:PORT."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    runner = web.AppRunner(create_app(sandbox), access_log=None, shutdown_timeout=2.0)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=context)
        await site.start()
        yield f"https://localhost:{runner.addresses[0][1]}"
    finally:
        sandbox.close()
        await runner.cleanup()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError):
        while data := await reader.read(CHUNK):
            writer.write(data)
            await writer.drain()
    writer.close()


@contextlib.asynccontextmanager
async def connect_proxy(asked: list[str]) -> AsyncIterator[str]:
    """An HTTP proxy that only tunnels (CONNECT host:port), as HTTPS goes through proxies."""
    tunnels: set[asyncio.Task[None]] = set()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        method, target = head.split()[:2]
        asked.append(f"{method} {target}")
        host, port = target.rsplit(":", 1)
        upstream_reader, upstream_writer = await asyncio.open_connection(host, int(port))
        writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        await writer.drain()
        await asyncio.gather(_pipe(reader, upstream_writer), _pipe(upstream_reader, writer))

    def track(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.ensure_future(serve(reader, writer))
        tunnels.add(task)
        task.add_done_callback(tunnels.discard)

    server = await asyncio.start_server(track, "127.0.0.1", 0)
    try:
        yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    finally:
        server.close()
        for task in list(tunnels):
            task.cancel()
        await asyncio.gather(*tunnels, return_exceptions=True)
        await server.wait_closed()


async def test_the_bot_reaches_telegram_through_https_proxy(tmp_path: Path) -> None:
    cert, key = certificate(tmp_path)
    sandbox = Sandbox()
    sandbox.add_bot(TOKEN, "yishitang_bot", "议事堂助手", can_read_all_group_messages=True)
    asked: list[str] = []
    async with tls_sandbox(sandbox, cert, key) as root, connect_proxy(asked) as proxy:
        env = base_env(root, tmp_path / "data") | {"HTTPS_PROXY": proxy,
                                                   "SSL_CERT_FILE": str(cert)}
        async with running_bot(env, tmp_path, sandbox) as child:
            alice = sandbox.add_user("Alice", language_code="en")
            sent = sandbox.send_text(alice, sandbox.private_chat(alice), "/whoami")
            reply = await sandbox.wait_for_reply(sent, timeout=10)
        code, _, err = await finished(child)
    port = root.rsplit(":", 1)[1]
    assert asked and set(asked) == {f"CONNECT localhost:{port}"}, asked
    assert f"your Telegram user id is {alice.id}" in reply["text"]
    assert code == 0 and "Traceback" not in err, err


async def test_an_unreachable_proxy_is_named_in_the_one_line(tmp_path: Path) -> None:
    env = base_env("https://localhost:9", tmp_path / "data") | {
        "HTTPS_PROXY": "http://127.0.0.1:9", "YISHITANG_STARTUP_ATTEMPTS": "1"}
    code, _, err = await finished(await spawn(env, tmp_path))
    assert err.count("\n") == 1 and "cannot reach the Bot API at https://localhost:9" in err
    assert "HTTPS_PROXY" in err and code == 4
