"""bot/poller.py RawUpdatesRequest: the getUpdates connection keeps each update's JSON as
Telegram sent it, for the inbox (no serialising of PTB's objects back)."""

from __future__ import annotations

import json

from bot.poller import RawUpdatesRequest


def test_it_keeps_each_updates_json_as_sent_once() -> None:
    request = RawUpdatesRequest()
    update = {"update_id": 7, "message": {"message_id": 1, "date": 0, "text": "/hand 提问",
                                          "chat": {"id": -5, "type": "group"},
                                          "some_future_field": {"kept": True}}}
    body = json.dumps({"ok": True, "result": [update, {"no_id": 1}]}, ensure_ascii=False)
    parsed = request.parse_json_payload(body.encode())
    assert parsed["result"][0] == update  # what PTB parses is untouched
    payloads = request.take()
    assert list(payloads) == [7]
    assert json.loads(payloads[7]) == update  # unknown fields too: as Telegram sent it
    assert "提问" in payloads[7]  # not escaped: as the inbox stored it before
    assert request.take() == {}  # once


def test_an_error_answer_keeps_nothing() -> None:
    request = RawUpdatesRequest()
    request.parse_json_payload(b'{"ok": false, "error_code": 409, "description": "Conflict"}')
    assert request.take() == {}
