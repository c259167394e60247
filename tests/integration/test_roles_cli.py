"""`yishitang roles grant|revoke|list` on a real database (SQLite and PostgreSQL): a grant by
Telegram id or by our id, of a hall or every hall; each change in the audit log; one-line
errors."""

from __future__ import annotations

import asyncio
import getpass
from pathlib import Path

import pytest

from facilitation.audit import AuditAction
from storage.engine import make_engine
from storage.uow import make_uow_factory
from yishitang.cli import main


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, db_url: str) -> str:
    monkeypatch.setenv("YISHITANG_DATABASE_URL", db_url)
    monkeypatch.setenv("YISHITANG_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("YISHITANG_STAFF_USER_IDS", "555")
    return db_url


async def _cli(*argv: str) -> int:
    """The CLI runs its own event loop: keep it off the test's loop."""
    return await asyncio.to_thread(main, list(argv))


async def test_grant_list_revoke_and_the_log(env: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert await _cli("roles", "grant", "--telegram-id", "7001", "viewer", "--hall", "-100") == 0
    assert "granted: #1" in capsys.readouterr().out
    assert await _cli("roles", "grant", "--id", "1", "viewer", "--hall", "-100") == 0
    assert "already granted" in capsys.readouterr().out
    assert await _cli("roles", "grant", "--id", "1", "staff") == 0
    capsys.readouterr()
    assert await _cli("roles", "list", "--hall", "-100") == 0
    listed = capsys.readouterr().out.splitlines()
    assert [line.split("  ")[1:3] for line in listed] == [
        ["viewer", "hall -100"], ["staff", "every hall"], ["admin", "every hall"]]
    assert "Telegram id 7001" in listed[0] and "Telegram id 555" in listed[2]
    assert await _cli("roles", "revoke", "--id", "1", "viewer", "--hall", "-100") == 0
    assert "revoked: #1  viewer  hall -100" in capsys.readouterr().out
    engine = make_engine(env)
    try:
        async with make_uow_factory(engine)() as uow:
            entries = await uow.audit.entries()
            assert [g.role.value for g in await uow.roles.grants()] == ["staff"]
    finally:
        await engine.dispose()
    assert [(e.action, e.operator, e.subject_id) for e in entries] == [
        (AuditAction.GRANTED, f"cli:{getpass.getuser()}", 1)] * 2 + [
        (AuditAction.REVOKED, f"cli:{getpass.getuser()}", 1)]


async def test_mistakes_are_one_line(env: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert await _cli("roles", "grant", "--telegram-id", "7001", "admin", "--hall", "-1") == 1
    assert "every hall" in capsys.readouterr().err
    assert await _cli("roles", "revoke", "--telegram-id", "7002", "staff") == 1
    assert capsys.readouterr().err.count("\n") == 1
    assert await _cli("roles", "revoke", "--id", "99", "staff") == 1
    with pytest.raises(SystemExit):
        await _cli("roles", "grant", "--id", "1", "boss")
    assert "invalid choice: 'boss'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as shown:
        await _cli("roles", "--help")
    out = capsys.readouterr().out
    assert shown.value.code == 0 and all(a in out for a in ("grant", "revoke", "list"))
    with pytest.raises(SystemExit) as shown:
        await _cli("roles", "grant", "--help")
    assert shown.value.code == 0 and "--hall CHAT_ID" in capsys.readouterr().out
