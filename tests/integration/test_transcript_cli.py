"""`yishitang transcript export` and `yishitang db` on a real database, and the schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from facilitation import floor, record, services
from facilitation.model import ParticipantKind, TurnKind
from facilitation.services import Actor
from storage import migrate
from storage.engine import make_engine
from storage.uow import make_uow_factory
from tests.fakes import FakeClock, SequentialCodes
from yishitang.cli import main

ROOT = Path(__file__).resolve().parents[2]
SHARED_SCHEMA = ROOT / "tests" / "data" / "formats" / "transcript.schema.json"
OUR_SCHEMA = ROOT / "yishitang" / "schemas" / "transcript.schema.json"
CHAT = -100


async def _session(url: str) -> None:
    engine = make_engine(url)
    uow, clock = make_uow_factory(engine), FakeClock()
    mod, a, b = Actor(1, "李主席"), Actor(2, "张三"), Actor(3, "王科长")
    await services.open_session(uow(), chat_id=CHAT, topic="老旧小区加装电梯", actor=mod,
                                now=clock(), new_code=SequentialCodes(), turn_limit_s=180)
    await services.set_profile(uow(), actor=b, name="王科长", kind=ParticipantKind.DEPARTMENT,
                               sector=None, unit="区住建局")
    for actor in (a, b):
        await services.sign_in(uow(), actor=actor, now=clock.advance(30), chat_id=CHAT)
    await services.proxy_sign_in(uow(), chat_id=CHAT, actor=mod, name="赵大爷",
                                 kind=ParticipantKind.ELDER, now=clock())
    await floor.raise_hand(uow(), chat_id=CHAT, actor=a, kind=TurnKind.QUESTION,
                           addressee="区住建局", now=clock())
    await floor.call_next(uow(), chat_id=CHAT, actor=mod, now=clock.advance(60))
    await record.record_group_text(uow(), chat_id=CHAT, actor=a, text="补贴标准是多少？",
                                   now=clock.advance(20))
    await record.record_group_text(uow(), chat_id=CHAT, actor=b, text="我们回去核实。",
                                   now=clock.advance(20))
    await record.submit_written(uow(), actor=a, text="建议分期付款", now=clock.advance(5))
    await floor.close_session(uow(), chat_id=CHAT, actor=mod, now=clock.advance(60))
    await engine.dispose()


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, db_url: str) -> str:
    monkeypatch.setenv("YISHITANG_DATABASE_URL", db_url)
    monkeypatch.setenv("YISHITANG_DATA_DIR", str(tmp_path))
    return db_url


async def test_export_json_is_valid_against_both_schemas(env: str, tmp_path: Path) -> None:
    await _session(env)
    out = tmp_path / "t.json"
    assert await _in_thread(["transcript", "export", "--latest", "--format", "json",
                             "-o", str(out)]) == 0
    document = json.loads(out.read_text("utf-8"))
    for schema_file in (SHARED_SCHEMA, OUR_SCHEMA):
        jsonschema.validate(document, json.loads(schema_file.read_text("utf-8")))
    assert document["session"]["topic"] == "老旧小区加装电梯"
    assert document["session"]["started_at"].endswith("+08:00")
    assert [a["name"] for a in document["attendance"]] == ["李主席", "张三", "王科长", "赵大爷"]
    assert document["attendance"][3]["method"] == "proxy"
    turns = [(u["speaker"], u["turn"]) for u in document["utterances"]]
    assert turns == [("张三", "question"), ("王科长", "comment"), ("张三", "written")]
    assert document["utterances"][0]["addressed_to"] == "区住建局"


async def test_export_markdown_and_missing_session(env: str, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert await _in_thread(["transcript", "export", "--latest"]) == 1
    assert "no such session" in capsys.readouterr().err
    await _session(env)
    assert await _in_thread(["transcript", "export", "1", "--format", "md"]) == 0
    markdown = capsys.readouterr().out
    assert "# 老旧小区加装电梯：逐字记录" in markdown
    assert "| 4 | 赵大爷 | 乡贤 |" in markdown and "代签" in markdown
    assert "张三**（提问 → 区住建局）：补贴标准是多少？" in markdown
    assert "张三**（书面发言）：建议分期付款" in markdown


def test_db_upgrade_and_help(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("YISHITANG_DATA_DIR", str(tmp_path / "fresh"))
    monkeypatch.delenv("YISHITANG_DATABASE_URL", raising=False)
    assert main(["db", "upgrade"]) == 0
    assert (tmp_path / "fresh" / "yishitang.db").exists()
    assert capsys.readouterr().out.strip() == migrate.head() == "0017"
    with pytest.raises(SystemExit) as shown:
        main(["--help"])
    assert shown.value.code == 0
    listed = capsys.readouterr().out
    for command in ("run", "demo", "db", "transcript", "sandbox"):
        assert command in listed


def test_bad_configuration_is_reported(monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("YISHITANG_LANGUAGE", "fr")
    assert main(["db", "current"]) == 2
    assert "language must be zh or en" in capsys.readouterr().err


def test_db_downgrade_then_upgrade(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    """Going back a version: the schema goes down with the newer code, then up again."""
    from alembic.script import ScriptDirectory

    from storage.migrate import alembic_config, head

    newest = head()
    assert newest is not None
    before = ScriptDirectory.from_config(alembic_config("sqlite://")).get_revision(newest)
    assert before is not None and isinstance(before.down_revision, str)
    monkeypatch.setenv("YISHITANG_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("YISHITANG_DATABASE_URL", raising=False)
    assert main(["db", "upgrade"]) == 0
    assert main(["db", "downgrade", before.down_revision]) == 0
    assert capsys.readouterr().out.split() == [newest, before.down_revision]
    assert main(["db", "upgrade"]) == 0
    assert capsys.readouterr().out.strip() == newest


async def _in_thread(argv: list[str]) -> int:
    """The CLI runs its own event loop: keep it off the test's loop."""
    import asyncio

    return await asyncio.to_thread(main, argv)
