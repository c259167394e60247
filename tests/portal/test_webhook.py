"""Telegram's webhook on the web app (portal/webhook.py), the handler alone: what it refuses
before anything is stored, and what it hands to the bot's inbox (a recording fake here; the
real bot and both databases are in tests/bot/test_webhook_bot.py)."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from facilitation.ports import UnitOfWork
from portal.app import WebDeps, build_web_app
from portal.deps import WebhookDeps
from portal.webhook import PATH, SECRET_HEADER

Client = TestClient[web.Request, web.Application]
SECRET = "s3cret_Token-for-the-webhook"
UPDATE = {"update_id": 700001, "message": {
    "message_id": 5, "date": 1764000000, "text": "/signin 远程",
    "chat": {"id": -1001, "type": "supergroup", "title": "平桥议事堂"},
    "from": {"id": 42, "is_bot": False, "first_name": "张三"}}}


@dataclass
class Inbox:
    """What the bot's side was given; ``storing`` False plays a database outage."""

    accepted: list[tuple[int, str]] = field(default_factory=list)
    storing: bool = True

    async def accept(self, update_id: int, payload: str) -> bool:
        if self.storing:
            self.accepted.append((update_id, payload))
        return self.storing


@pytest.fixture
def inbox() -> Inbox:
    return Inbox()


class NoDatabase:
    """The webhook's handler reads nothing itself: it hands the update over."""

    def __call__(self, idempotency_key: int | None = None) -> UnitOfWork:
        raise AssertionError("the webhook read the database")

    def reading(self) -> UnitOfWork:
        raise AssertionError("the webhook read the database")

    def committed(self, idempotency_key: int) -> bool:
        raise AssertionError("the webhook read the database")


async def _client(webhook: WebhookDeps | None) -> Client:
    deps = WebDeps(NoDatabase(), lambda: datetime(2026, 12, 7, tzinfo=UTC), webhook=webhook)
    client = TestClient(TestServer(build_web_app(deps)))
    await client.start_server()
    return client


@pytest.fixture
async def client(inbox: Inbox) -> AsyncIterator[Client]:
    client = await _client(WebhookDeps(SECRET, inbox.accept))
    try:
        yield client
    finally:
        await client.close()


async def test_an_update_with_the_secret_is_handed_over_as_json(
        client: Client, inbox: Inbox) -> None:
    answer = await client.post(PATH, json=UPDATE, headers={SECRET_HEADER: SECRET})
    assert answer.status == 200
    [(update_id, payload)] = inbox.accepted
    assert update_id == 700001 and json.loads(payload) == UPDATE
    assert "张三" in payload  # stored as text people can read, as polling stores it


@pytest.mark.parametrize("headers", [
    {}, {SECRET_HEADER: ""}, {SECRET_HEADER: SECRET[:-1]}, {SECRET_HEADER: SECRET + "x"},
    {SECRET_HEADER: SECRET.upper()}, {"X-Telegram-Bot-Api-Secret": SECRET},
], ids=["missing", "empty", "shorter", "longer", "other-case", "other-header"])
async def test_without_the_secret_nothing_is_read_or_stored(
        client: Client, inbox: Inbox, headers: dict[str, str]) -> None:
    answer = await client.post(PATH, json=UPDATE, headers=headers)
    assert answer.status == 403
    assert inbox.accepted == []


@pytest.mark.parametrize("body", [
    b"not json", b"\xff\xfe\x00garbage", b"[1, 2]", b'{"message": {}}', b'{"update_id": "7"}',
    b'{"update_id": true}', b'{"update_id": -1}', b'{"update_id": 99999999999999999999}',
    b"[" * 100_000,
], ids=["text", "bytes", "list", "no-id", "string-id", "bool-id", "negative", "huge", "deep"])
async def test_what_is_not_an_update_is_refused(
        client: Client, inbox: Inbox, body: bytes) -> None:
    answer = await client.post(PATH, data=body, headers={SECRET_HEADER: SECRET,
                                                         "Content-Type": "application/json"})
    assert answer.status == 400
    assert inbox.accepted == []


async def test_a_body_too_large_is_refused_by_aiohttp(client: Client, inbox: Inbox) -> None:
    huge = json.dumps({**UPDATE, "padding": "x" * (1024 * 1024)}).encode()
    answer = await client.post(PATH, data=io.BytesIO(huge), headers={
        SECRET_HEADER: SECRET, "Content-Type": "application/json"})
    assert answer.status == 413
    assert inbox.accepted == []


async def test_an_update_that_cannot_be_stored_is_not_acknowledged(
        client: Client, inbox: Inbox) -> None:
    inbox.storing = False  # Telegram posts again what was not answered 2xx
    answer = await client.post(PATH, json=UPDATE, headers={SECRET_HEADER: SECRET})
    assert answer.status == 503 and answer.headers["Retry-After"] == "5"


async def test_there_is_no_webhook_while_the_bot_polls() -> None:
    client = await _client(None)
    try:
        answer = await client.post(PATH, json=UPDATE, headers={SECRET_HEADER: SECRET})
        assert answer.status == 404
    finally:
        await client.close()
