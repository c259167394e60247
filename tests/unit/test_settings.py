"""Settings as an operator writes them, and as README documents them (issue 10, points 1, 3).

README's settings table is generated from Settings; these tests keep the two equal, and the
exit codes README lists equal to the ones `yishitang` uses.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from yishitang.cli import main
from yishitang.settings import Settings
from yishitang.settings_table import BEGIN, END, markdown_table
from yishitang.startup import ExitCode, describe_invalid

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.fixture(autouse=True)
def _no_settings_from_outside(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Only what a test sets: no YISHITANG_* of the shell, no ./.env of the checkout."""
    for name in list(os.environ):
        if name.startswith("YISHITANG_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def test_readme_holds_exactly_the_generated_table() -> None:
    text = README.read_text(encoding="utf-8")
    assert text.count(BEGIN) == 1 and text.count(END) == 1
    shown = text.split(BEGIN, 1)[1].split(END, 1)[0].strip("\n") + "\n"
    assert shown == markdown_table(), "run `yishitang settings --markdown` and paste it"


def test_every_setting_is_described_and_in_the_table() -> None:
    table = markdown_table()
    for name, info in Settings.model_fields.items():
        assert info.description, name
        assert f"| `YISHITANG_{name.upper()}` |" in table


def test_readme_lists_every_exit_code() -> None:
    text = README.read_text(encoding="utf-8")
    section = text.split("### Exit codes", 1)[1].split("\n### ", 1)[0]
    listed = {int(code) for code in re.findall(r"^\| (\d+) \|", section, re.MULTILINE)}
    assert listed == {int(code) for code in ExitCode}


@pytest.mark.parametrize("written", ["123,456", "123, 456", "123 456", "[123, 456]", " 123;456 "])
def test_staff_ids_as_people_write_them(monkeypatch: pytest.MonkeyPatch, written: str) -> None:
    monkeypatch.setenv("YISHITANG_STAFF_USER_IDS", written)
    assert Settings().staff_user_ids == [123, 456]


@pytest.mark.parametrize("written", ["平桥镇,县住建局", "平桥镇、县住建局", "平桥镇，县住建局",
                                     '["平桥镇", "县住建局"]', "平桥镇 县住建局"])
def test_glossary_as_people_write_it(monkeypatch: pytest.MonkeyPatch, written: str) -> None:
    monkeypatch.setenv("YISHITANG_GLOSSARY", written)
    assert Settings().glossary == ["平桥镇", "县住建局"]


@pytest.mark.parametrize(("given", "level"), [("debug", "DEBUG"), ("Warn", "WARNING"),
                                              ("ERROR", "ERROR")])
def test_log_levels_in_any_case(given: str, level: str) -> None:
    assert Settings(log_level=given).log_level == level


def test_empty_means_unset() -> None:
    settings = Settings(telegram_token=SecretStr(""), database_url=" ", asr_url="")
    assert settings.telegram_token is None and settings.database_url is None
    assert settings.asr_url is None


def test_a_bad_token_is_described_without_it() -> None:
    with pytest.raises(ValidationError) as info:
        Settings(telegram_token=SecretStr("hunter2-no-colon"),
                 database_url="mysql://root:hunter3@db/x")
    line = describe_invalid(info.value)
    assert "\n" not in line and "hunter2" not in line and "hunter3" not in line
    assert "YISHITANG_TELEGRAM_TOKEN: this is not a bot token" in line
    assert "YISHITANG_DATABASE_URL: unsupported database URL mysql://root:***@db/x" in line


def test_dotenv_is_read_and_the_environment_wins(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".env").write_text("YISHITANG_LANGUAGE=en\nYISHITANG_TURN_SECONDS=60\n"
                                   "YISHITANG_TELEGRAM_TOKEN=123:FROM-DOTENV\n")
    monkeypatch.setenv("YISHITANG_TURN_SECONDS", "90")
    assert main(["settings"]) == 0
    shown = capsys.readouterr().out.splitlines()
    assert "YISHITANG_LANGUAGE=en" in shown and "YISHITANG_TURN_SECONDS=90" in shown
    assert "YISHITANG_TELEGRAM_TOKEN=(set, hidden)" in shown
    assert "FROM-DOTENV" not in "\n".join(shown)


def test_a_bad_value_in_dotenv_is_one_line(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / ".env").write_text("YISHITANG_TIMEZONE=Peking\n")
    assert main(["settings"]) == ExitCode.CONFIG
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("yishitang: configuration: YISHITANG_TIMEZONE='Peking': unknown")


@pytest.mark.parametrize(("written", "days"), [("7,1", [7, 1]), ("1, 7, 7", [7, 1]),
                                               ("[3, 0]", [3, 0])])
def test_reminder_lead_days_as_people_write_them(monkeypatch: pytest.MonkeyPatch,
                                                 written: str, days: list[int]) -> None:
    monkeypatch.setenv("YISHITANG_REMINDER_LEAD_DAYS", written)
    assert Settings().reminder_lead_days == days


@pytest.mark.parametrize("written", ["-1", "400", "x"])
def test_reminder_lead_days_out_of_range_are_refused(monkeypatch: pytest.MonkeyPatch,
                                                     written: str) -> None:
    monkeypatch.setenv("YISHITANG_REMINDER_LEAD_DAYS", written)
    with pytest.raises(ValidationError):
        Settings()
