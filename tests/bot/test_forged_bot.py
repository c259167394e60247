"""Forged and stale input: every button press is answered, nothing answers 'internal error'
(issue 9, point 8)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.bot.messages import text
from tests.fakes import FakeTranscriber
from yishitang.stage import Stage, staged

MOD = "李主席"
HUGE = "9" * 30
FORGED = [
    "mn:files:" + HUGE, "mn:public:" + HUGE, "mn:edit:" + HUGE, "mn:approve:" + HUGE + ":abc",
    "mn:force:" + HUGE + ":x", "mn:confirm:" + HUGE, "cf:ok:" + HUGE, "cf:fix:" + HUGE,
    "q:up:" + HUGE, "q:remove:" + HUGE, "q:skip:" + HUGE, "mark:" + HUGE + ":s",
    "notice:" + HUGE, "mn:files:1:2", "mn:files:", "mn:nope:1", "hand:dance", "q:up:-1",
    "mark:1:z", "", "x" * 64, "signin:1", "mn:public:0", "cf:ok:9223372036854775808",
    "mn:files:１２", "mark:٣:s",
]


@pytest.fixture
async def stage(tmp_path: Path, db_url: str) -> AsyncIterator[Stage]:
    async with staged(tmp_path, database_url=db_url, transcriber=FakeTranscriber()) as s:
        s.open_group("议事堂", [MOD, "张三"])
        yield s


async def test_every_forged_press_is_answered_without_an_internal_error(stage: Stage) -> None:
    await stage.ask(MOD, "/start", stage.private(MOD))
    opened = await stage.ask(MOD, "/new 河道保洁")
    for data in FORGED:
        for deleted in (False, True):
            query_id = stage.sandbox.forge_press(stage.person("张三"), opened, data,
                                                 deleted=deleted)
            call = await stage.sandbox.wait_for_call(
                "answerCallbackQuery",
                lambda c, q=query_id: str(c.param("callback_query_id")) == q)
            said = str(call.param("text") or "")
            assert "出了点问题" not in said, (data, deleted, said)


async def test_a_turn_limit_that_is_no_number_is_refused_in_words(stage: Stage) -> None:
    await stage.ask(MOD, "/new 河道保洁")
    for bad in ("inf", "1e400", "-inf", "nan", "1e20", "²", "3m3", "999999999999999999999"):
        said = text(await stage.ask(MOD, f"/limit {bad}"))
        assert "出了点问题" not in said and "30" in said, (bad, said)
