"""The Bot API sandbox's webhooks (bot/sandbox/webhook.py), driven by python-telegram-bot's
real Bot: setWebhook's checks, delivery by POST with the secret token, retries and
getWebhookInfo's last error, and nothing ever sent beyond 127.0.0.1."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web
from telegram import Bot
from telegram.error import BadRequest, Conflict

from bot.sandbox import RunningSandbox, Sandbox, SandboxUser, running_sandbox
from bot.sandbox.server import serve
from bot.sandbox.webhook import ONLY_LOOPBACK, SECRET_HEADER

TOKEN = "123456789:SANDBOX-WEBHOOK-TOKEN"
SECRET = "the_Secret-42"


@dataclass
class Receiver:
    """A webhook on 127.0.0.1 that records what it is sent and answers ``statuses`` in turn
    (200 once they run out)."""

    url: str = ""
    posts: list[tuple[str | None, dict[str, Any]]] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.Response:
        self.posts.append((request.headers.get(SECRET_HEADER), json.loads(await request.read())))
        return web.Response(status=self.statuses.pop(0) if self.statuses else 200)


@pytest.fixture
async def served() -> AsyncIterator[RunningSandbox]:
    sandbox = Sandbox()
    sandbox.add_bot(TOKEN, "yishitang_bot", "议事堂")
    async with running_sandbox(sandbox) as running:
        yield running


@pytest.fixture
async def bot(served: RunningSandbox) -> AsyncIterator[Bot]:
    async with served.make_bot() as ptb_bot:
        yield ptb_bot


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    hook = Receiver()
    app = web.Application()
    app.router.add_post("/hook", hook.handle)
    async with serve(app, "127.0.0.1", 0) as port:
        hook.url = f"http://127.0.0.1:{port}/hook"
        yield hook


@pytest.fixture
def alice(served: RunningSandbox) -> SandboxUser:
    return served.sandbox.add_user("Alice", language_code="en")


@pytest.mark.parametrize(("url", "secret", "said"), [
    ("http://example.org/hook", None, "An HTTPS URL must be provided for webhook"),
    ("ftp://127.0.0.1/hook", None, "An HTTPS URL must be provided for webhook"),
    ("https://example.org/hook", "a b", "secret token contains unallowed characters"),
    ("https://example.org/hook", "x" * 257, "secret token is too long"),
])
async def test_set_webhook_refuses_what_telegram_refuses(
        served: RunningSandbox, bot: Bot, url: str, secret: str | None, said: str) -> None:
    with pytest.raises(BadRequest, match="(?i)" + re.escape(said)):  # PTB capitalises
        await bot.set_webhook(url, secret_token=secret)
    assert (await bot.get_webhook_info()).url == ""


async def test_updates_are_posted_with_the_secret_and_confirmed_by_200(
        served: RunningSandbox, bot: Bot, receiver: Receiver, alice: SandboxUser) -> None:
    sandbox = served.sandbox
    assert await bot.set_webhook(receiver.url, secret_token=SECRET, allowed_updates=["message"])
    first = sandbox.send_text(alice, alice.id, "/start")
    second = sandbox.send_text(alice, alice.id, "你好")
    await sandbox.wait_for(lambda sb: len(receiver.posts) == 2 and not sb.bot.updates,
                           what="both updates posted and confirmed")

    assert [secret for secret, _ in receiver.posts] == [SECRET, SECRET]
    assert [update["message"]["message_id"] for _, update in receiver.posts] == [
        first["message_id"], second["message_id"]]  # in order
    info = await bot.get_webhook_info()
    assert info.url == receiver.url and info.pending_update_count == 0
    assert info.last_error_message is None
    with pytest.raises(Conflict):
        await bot.get_updates()


async def test_a_refused_delivery_is_reported_and_posted_again(
        served: RunningSandbox, bot: Bot, receiver: Receiver, alice: SandboxUser) -> None:
    sandbox = served.sandbox
    receiver.statuses = [403, 500]
    await bot.set_webhook(receiver.url, secret_token=SECRET)
    sandbox.send_text(alice, alice.id, "/start")
    await sandbox.wait_for(lambda sb: len(receiver.posts) == 3 and not sb.bot.updates,
                           what="posted three times, the last answered 200")

    ids = {update["update_id"] for _, update in receiver.posts}
    assert len(ids) == 1  # the same update each time
    info = await bot.get_webhook_info()
    assert info.pending_update_count == 0
    assert info.last_error_message == "Wrong response from the webhook: 500 Internal Server Error"


async def test_a_webhook_that_does_not_answer_is_reported(
        served: RunningSandbox, bot: Bot, receiver: Receiver, alice: SandboxUser) -> None:
    closed = receiver.url.replace("/hook", "/nowhere")  # 404 from the same server
    await bot.set_webhook(closed)
    served.sandbox.send_text(alice, alice.id, "/start")
    await served.sandbox.wait_for(lambda sb: sb.bot.webhook_error, what="an error")
    info = await bot.get_webhook_info()
    assert info.pending_update_count == 1
    assert info.last_error_message == "Wrong response from the webhook: 404 Not Found"


async def test_nothing_is_sent_beyond_loopback_and_delete_webhook_brings_polling_back(
        served: RunningSandbox, bot: Bot, alice: SandboxUser) -> None:
    sandbox = served.sandbox
    await bot.set_webhook("https://yishitang.example.org/telegram/webhook", secret_token=SECRET)
    sandbox.send_text(alice, alice.id, "/start")
    await sandbox.wait_for(lambda sb: sb.bot.webhook_error, what="the refusal to deliver")
    info = await bot.get_webhook_info()
    assert info.last_error_message == ONLY_LOOPBACK and info.pending_update_count == 1

    assert await bot.delete_webhook(drop_pending_updates=False)
    [update] = await bot.get_updates()  # kept for polling
    assert update.message is not None and update.message.text == "/start"
    assert (await bot.get_webhook_info()).last_error_message is None
