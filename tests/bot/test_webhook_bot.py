"""Webhook mode (YISHITANG_WEBHOOK_URL): the real bot receives its updates through the web
app, posted by the Bot API sandbox with the secret token, on both databases. What comes
without the secret is refused and not stored; an update posted twice is handled once; one
stored but not handled when the process stopped is handled at the next start."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from pydantic import SecretStr

from bot.sandbox import Sandbox, running_sandbox
from bot.sandbox.webhook import SECRET_HEADER
from portal.app import build_web_app, serving
from portal.webhook import PATH
from tests.bot.messages import text
from tests.fakes import FakeTranscriber
from yishitang.bootstrap import build_runtime, running
from yishitang.stage import BOT_TOKEN, BOT_USERNAME, Stage, free_port, stage_settings, staged
from yishitang.startup import ExitCode, StartupFailure

SECRET = "webhook-Secret_0123456789abcdef"
TOPIC = "老旧小区加装电梯"
JSON = dict[str, Any]


def _webhook(port: int) -> dict[str, Any]:
    """The settings of webhook mode on ``port`` (the sandbox posts to 127.0.0.1 over HTTP,
    as a self-hosted Bot API server in --local mode may)."""
    return {"web_port": port, "webhook_url": f"http://127.0.0.1:{port}/",
            "webhook_secret": SecretStr(SECRET)}


@pytest.fixture
async def stage(tmp_path: Path, db_url: str) -> AsyncIterator[Stage]:
    async with staged(tmp_path, database_url=db_url, transcriber=FakeTranscriber(),
                      **_webhook(free_port())) as s:
        s.open_group("平桥议事堂", ["主持人", "张三"])
        yield s


def _hook_url(stage: Stage) -> str:
    return f"http://127.0.0.1:{stage.runtime.settings.web_port}{PATH}"


async def _post(stage: Stage, update: JSON, secret: str | None = SECRET) -> int:
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    async with aiohttp.ClientSession() as http, http.post(
            _hook_url(stage), json=update, headers=headers) as answer:
        return answer.status


async def _held_back(stage: Stage, name: str, words: str) -> tuple[JSON, JSON]:
    """``name`` says ``words`` while the webhook has another secret: the sandbox's posts are
    refused (403) and the update waits at "Telegram". Returns the message and the update."""
    await stage.settled()  # what came before (the bot joining the group) is through
    async with stage.served.make_bot() as bot:
        await bot.set_webhook(_hook_url(stage), secret_token="another-secret")
    message = stage.say(name, words)
    await stage.sandbox.wait_for(lambda sb: sb.bot.webhook_error, what="a refused delivery")
    [update] = stage.sandbox.pending_updates()
    return message, update


async def _restore(stage: Stage) -> None:
    async with stage.served.make_bot() as bot:
        await bot.set_webhook(_hook_url(stage), secret_token=SECRET)


def _replies(stage: Stage, message: JSON) -> list[JSON]:
    return [m for m in stage.sandbox.messages(message["chat"]["id"])
            if (m.get("reply_to_message") or {}).get("message_id") == message["message_id"]]


async def test_a_session_is_opened_and_people_sign_in_by_webhook(stage: Stage) -> None:
    [call] = stage.sandbox.calls_to("setWebhook")
    assert call.param("url") == _hook_url(stage)
    assert call.param("secret_token") == SECRET
    assert str(call.param("drop_pending_updates")).lower() == "false"
    assert "message" in str(call.param("allowed_updates"))

    opened = text(await stage.ask("主持人", f"/new {TOPIC}"))
    signed = text(await stage.ask("张三", "/signin"))
    await stage.settled()

    assert TOPIC in opened and "张三" in signed
    assert stage.sandbox.calls_to("getUpdates") == []  # no polling beside the webhook
    assert stage.sandbox.bot.webhook_error is None
    assert await stage.runtime.inbox.pending() == []


async def test_what_comes_without_the_secret_is_refused_and_not_stored(stage: Stage) -> None:
    await stage.ask("主持人", f"/new {TOPIC}")
    await stage.settled()
    before = await stage.runtime.inbox.max_update_id()
    message, update = await _held_back(stage, "张三", "/signin")

    assert stage.sandbox.bot.webhook_error is not None
    assert "403" in stage.sandbox.bot.webhook_error[1]
    assert await _post(stage, update, secret=None) == 403
    assert await _post(stage, update, secret=SECRET + "0") == 403
    assert await stage.runtime.inbox.max_update_id() == before  # nothing of it was stored
    assert _replies(stage, message) == []

    await _restore(stage)  # Telegram goes on posting it: with the secret, it is handled
    signed = await stage.sandbox.wait_for_reply(message, timeout=10)
    assert "张三" in text(signed)
    assert await stage.runtime.inbox.max_update_id() == update["update_id"]


async def test_an_update_posted_twice_is_handled_once(stage: Stage) -> None:
    message, update = await _held_back(stage, "主持人", f"/new {TOPIC}")

    statuses = await asyncio.gather(_post(stage, update), _post(stage, update))
    assert list(statuses) == [200, 200]
    reply = await stage.sandbox.wait_for_reply(message, timeout=10)
    assert await _post(stage, update) == 200  # after it was handled
    await _restore(stage)  # and the sandbox's own delivery, a fourth
    await stage.settled()

    assert TOPIC in text(reply)
    assert _replies(stage, message) == [reply]
    assert await stage.runtime.inbox.pending() == []
    assert await stage.runtime.inbox.is_processed(update["update_id"])


async def test_an_update_stored_but_not_handled_is_handled_at_the_next_start(
        tmp_path: Path, db_url: str) -> None:
    sandbox = Sandbox()
    sandbox.add_bot(BOT_TOKEN, BOT_USERNAME, "议事堂助手", can_read_all_group_messages=True)
    people = [sandbox.add_user(name) for name in ("主持人", "张三")]
    group = sandbox.add_group("平桥议事堂", people, bot_is_admin=True)
    port = free_port()
    async with running_sandbox(sandbox) as served:
        settings = stage_settings(tmp_path, served.root_url, database_url=db_url,
                                  **_webhook(port))
        # a first process that stored the update and was killed before handling it: only
        # its web app ran
        first = await build_runtime(settings, transcriber=FakeTranscriber())
        assert first.web is not None
        try:
            async with serving(build_web_app(first.web), "127.0.0.1", port), \
                    served.make_bot() as bot:
                await bot.set_webhook(f"http://127.0.0.1:{port}{PATH}", secret_token=SECRET)
                message = sandbox.send_text(people[0], group, f"/new {TOPIC}")
                await sandbox.wait_for_updates_consumed()  # answered 200: Telegram forgot it
            stored = await first.inbox.pending()  # the bot's joining the group, and /new
        finally:
            await first.engine.dispose()
        [(update_id, _)] = [(i, payload) for i, payload in stored if "/new" in payload]
        assert sandbox.messages(group) == []  # nothing was handled

        second = await build_runtime(settings, transcriber=FakeTranscriber())
        async with running(second):
            reply = await sandbox.wait_for_reply(message, timeout=10)
            await asyncio.wait_for(second.poller.wait_handled(), 10)
            assert await second.inbox.pending() == []
            assert await second.inbox.is_processed(update_id)
    assert TOPIC in text(reply)
    assert len([m for m in sandbox.messages(group)
                if (m.get("reply_to_message") or {}).get("message_id")
                == message["message_id"]]) == 1


async def test_a_webhook_telegram_refuses_stops_the_start_with_a_clear_line(
        tmp_path: Path, sqlite_url: str) -> None:
    port = free_port()
    settings = {**_webhook(port), "webhook_url": "http://yishitang.example.org"}
    with pytest.raises(StartupFailure) as info:
        async with staged(tmp_path, database_url=sqlite_url, transcriber=FakeTranscriber(),
                          **settings):
            pytest.fail("started with a webhook Telegram refused")
    assert info.value.code == ExitCode.CONFIG
    assert "Telegram refused the webhook http://yishitang.example.org/telegram/webhook" in (
        info.value.message)
    assert "public HTTPS address" in info.value.message and SECRET not in info.value.message
    async with aiohttp.ClientSession() as http:  # the web app was stopped on the way out
        with pytest.raises(aiohttp.ClientConnectionError):
            await http.post(f"http://127.0.0.1:{port}{PATH}")
