"""`yishitang person forget|export` and `yishitang audit` on a real database (SQLite and
PostgreSQL): confirmation flag, one-line errors, JSON export, the log."""

from __future__ import annotations

import asyncio
import getpass
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from facilitation import floor, record, services
from facilitation.services import Actor
from storage.engine import make_engine
from storage.uow import make_uow_factory
from tests.fakes import FakeClock, SequentialCodes
from yishitang.cli import main

CHAT = -100
PAST = datetime(2025, 3, 1, 1, 0, tzinfo=UTC)  # before any CLI run: the CLI's entries come last
MOD, ZHANG, LI = Actor(1, "李主席"), Actor(1002, "张三"), Actor(1003, "李四")


async def _session(url: str) -> None:
    engine, clock = make_engine(url), FakeClock(PAST)
    uow = make_uow_factory(engine, clock=clock)  # actions without a time of their own too
    await services.open_session(uow(), chat_id=CHAT, topic="路灯维修", actor=MOD,
                                now=clock(), new_code=SequentialCodes(), turn_limit_s=180)
    for actor in (ZHANG, LI):
        await services.sign_in(uow(), actor=actor, now=clock.advance(30), chat_id=CHAT)
        await floor.raise_hand(uow(), chat_id=CHAT, actor=actor, kind=floor.TurnKind.SPEECH,
                               addressee=None, now=clock())
    await floor.manage_hand(uow(), chat_id=CHAT, actor=MOD, action="up", position=2)
    await floor.call_next(uow(), chat_id=CHAT, actor=MOD, now=clock.advance(60))
    await record.record_group_text(uow(), chat_id=CHAT, actor=LI, text="张三说得对，路灯该修",
                                   now=clock.advance(20))
    await floor.manage_hand(uow(), chat_id=CHAT, actor=MOD, action="remove", position=1)
    await services.set_turn_limit(uow(), chat_id=CHAT, actor=MOD, seconds=90)
    await floor.close_session(uow(), chat_id=CHAT, actor=MOD, now=clock.advance(60))
    await engine.dispose()


@pytest.fixture
async def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, db_url: str) -> str:
    monkeypatch.setenv("YISHITANG_DATABASE_URL", db_url)
    monkeypatch.setenv("YISHITANG_DATA_DIR", str(tmp_path))
    await _session(db_url)
    return db_url


async def _cli(*argv: str) -> int:
    """The CLI runs its own event loop: keep it off the test's loop."""
    return await asyncio.to_thread(main, list(argv))


async def test_forget_needs_yes_then_erases_once(env: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert await _cli("person", "forget", "--telegram-id", "1002") == 1
    shown = capsys.readouterr()
    assert "#2 张三 (Telegram id 1002): 1 sessions, 1 sign-ins, 0 turns" in shown.err
    assert "Nothing was changed: add --yes" in shown.err and shown.out == ""
    assert await _cli("person", "forget", "--telegram-id", "1002", "--yes") == 0
    done = capsys.readouterr().out
    assert done.startswith("forgot #2, now 匿名发言人2: 1 sessions, 1 sign-ins"), done
    assert "1 texts" in done  # 李四 named 张三
    assert await _cli("person", "forget", "--id", "2", "--yes") == 0
    assert "was forgotten before (匿名发言人2): nothing changed" in capsys.readouterr().out
    assert await _cli("person", "forget", "--telegram-id", "1002", "--yes") == 1
    assert capsys.readouterr().err.strip() == "No such person: 1002."


async def test_names_that_do_not_do(env: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert await _cli("person", "export", "--name", "王五") == 1
    assert capsys.readouterr().err.strip() == "No such person: 王五."
    engine = make_engine(env)
    await services.set_profile(make_uow_factory(engine)(), actor=Actor(9, "x"), name="李四",
                               kind=services.ParticipantKind.MEMBER, sector=None, unit=None)
    await engine.dispose()
    assert await _cli("person", "forget", "--name", "李四", "--yes") == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "2 people are called 李四: #3、#4" in error, error


async def test_export_writes_everything_to_a_file(env: str, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out" / "li.json"
    assert await _cli("person", "export", "--name", "李四", "-o", str(out)) == 0
    assert f"wrote {out}" in capsys.readouterr().err
    data = json.loads(out.read_text("utf-8"))
    assert data["format"] == "yishitang-personal-data/1"
    assert (data["person"]["display_name"], data["person"]["telegram_user_id"]) == ("李四", 1003)
    assert [c["text"] for c in data["contributions"]] == ["张三说得对，路灯该修"]
    assert [(h["status"], h["seq"]) for h in data["queue"]] == [("called", 2)]
    assert {a["action"] for a in data["audit"]} == {"moved", "next", "exported"}
    assert await _cli("person", "export", "--telegram-id", "1003") == 0
    assert json.loads(capsys.readouterr().out)["person"]["id"] == 3


async def test_audit_lists_who_did_what(env: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert await _cli("person", "forget", "--name", "张三", "--yes") == 0
    capsys.readouterr()
    assert await _cli("audit") == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[2] for line in lines] == [
        "opened", "moved", "next", "removed", "limit", "closed", "forgot"]
    assert "session 1" in lines[0] and "by 李主席" in lines[0]
    assert lines[1].endswith("by 李主席 → 李四  position=2")
    assert lines[3].endswith("by 李主席 → 匿名发言人2  position=1")
    assert lines[4].endswith("seconds=90")
    assert f"by cli:{getpass.getuser()} → 匿名发言人2" in lines[6]
    assert await _cli("audit", "--session", "1", "--json") == 0
    entries = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [e["action"] for e in entries] == ["opened", "moved", "next", "removed", "limit",
                                              "closed"]
    assert entries[0]["at"].endswith("+08:00") and entries[2]["subject"] == "李四"
    assert await _cli("audit", "--since", "2099-01-01") == 0
    assert capsys.readouterr().out == ""
