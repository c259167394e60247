"""bot/acks.py without a bot: runs, combined texts, the 4096-character split."""

from __future__ import annotations

from typing import Any

from telegram import Update

from bot.acks import Ack, messages, run_key
from bot.catalog import t


def _update(data: dict[str, Any]) -> Update:
    return Update.de_json({"update_id": 1, **data}, None)  # type: ignore[arg-type]


def _message(text: str) -> dict[str, Any]:
    return {"message": {"message_id": 5, "date": 0, "text": text,
                        "chat": {"id": -100, "type": "supergroup"}}}


def _ack(name: str, reply_to: int | None = None, **fields: Any) -> Ack:
    return Ack("acks_signed_in", "zh", f"✅ {name}（其他）已签到。现到 9 人。", name, reply_to,
               fields=fields or {"present": 9})


def test_run_key_is_the_command_or_the_button_action() -> None:
    assert run_key(_update(_message("/signin"))) == "signin"
    assert run_key(_update(_message("/SignIn@yishitang_bot 远程"))) == "signin"
    assert run_key(_update(_message("/hand 提问 交通局"))) == "hand"
    assert run_key(_update(_message("大家好"))) is None
    query = {"callback_query": {"id": "1", "chat_instance": "1", "data": "hand:question",
                                "from": {"id": 7, "is_bot": False, "first_name": "A"}}}
    assert run_key(_update(query)) == "hand"


def test_one_acknowledgement_is_sent_as_it_always_was() -> None:
    alone = _ack("张三", reply_to=11)
    assert messages([alone]) == [(alone.text, alone)]


def test_several_become_one_message_replying_to_the_first() -> None:
    acks = [_ack("张三", 11, present=2), _ack("李四", 12, present=3), _ack("王五", 13, present=4)]
    [(text, first)] = messages(acks)
    assert text == "✅ 已签到：张三、李四、王五（共 3 人，现到 4 人）"
    assert first is acks[0]


def test_long_lists_are_split_at_telegrams_limit() -> None:
    acks = [_ack(f"{n:03d}" + "名" * 60, reply_to=n, present=n) for n in range(1, 201)]
    parts = messages(acks)
    assert len(parts) > 1
    assert all(len(text) <= 4096 for text, _ in parts)
    listed = [item for text, _ in parts
              for item in text.removeprefix("✅ 已签到：").split("（共")[0].split("、")]
    assert listed == [a.item for a in acks]  # everyone once, in order
    firsts = [first.reply_to for _, first in parts]
    assert firsts[0] == 1 and firsts == sorted(firsts)  # each part quotes its own first
    counts = [int(text.split("（共 ")[1].split(" 人")[0]) for text, _ in parts]
    assert sum(counts) == 200


def test_english_combined_texts() -> None:
    acks = [Ack("acks_hand_raised", "en", "single", t("en", "ack_hand_item", name=name,
                                                          turn="", position=n))
            for n, name in enumerate(["Alice", "Bob"], start=1)]
    [(text, _)] = messages(acks)
    assert text == "✋ Hands raised: Alice (position 1), Bob (position 2) (2)."
