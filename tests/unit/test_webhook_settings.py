"""Webhook mode's settings (YISHITANG_WEBHOOK_URL, _SECRET) as an operator writes them, and
what `run` refuses before it starts (issue 12)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from yishitang.cli import main
from yishitang.settings import Settings
from yishitang.startup import ExitCode, StartupFailure, check_webhook, describe_invalid

SECRET = "a" * 200 + "_-Z9"


@pytest.fixture(autouse=True)
def _no_settings_from_outside(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith("YISHITANG_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def test_polling_is_the_default() -> None:
    settings = Settings()
    assert settings.webhook_url is None and settings.webhook_secret is None
    check_webhook(settings)  # nothing asked of polling


def test_the_webhook_as_people_write_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("YISHITANG_WEBHOOK_URL", " https://yishitang.example.org/ ")
    monkeypatch.setenv("YISHITANG_WEBHOOK_SECRET", SECRET)
    settings = Settings()
    assert settings.webhook_url == "https://yishitang.example.org"
    assert settings.webhook_secret is not None
    assert settings.webhook_secret.get_secret_value() == SECRET
    check_webhook(settings)


def test_empty_means_unset() -> None:
    settings = Settings(webhook_url=" ", webhook_secret=SecretStr(""))
    assert settings.webhook_url is None and settings.webhook_secret is None


@pytest.mark.parametrize("secret", ["with space", "a+b/c=", "秘密", "x" * 257, "a.b"])
def test_a_secret_telegram_would_refuse_is_refused_without_showing_it(secret: str) -> None:
    with pytest.raises(ValidationError) as info:
        Settings(webhook_secret=SecretStr(secret))
    line = describe_invalid(info.value)
    assert line.startswith("configuration: YISHITANG_WEBHOOK_SECRET: Telegram accepts 1 to 256")
    assert secret not in line


def test_a_webhook_url_must_be_a_url() -> None:
    with pytest.raises(ValidationError) as info:
        Settings(webhook_url="yishitang.example.org")
    assert "YISHITANG_WEBHOOK_URL='yishitang.example.org': not a URL" in describe_invalid(
        info.value)


def test_a_webhook_without_its_secret_is_refused_at_start() -> None:
    with pytest.raises(StartupFailure) as info:
        check_webhook(Settings(webhook_url="https://yishitang.example.org"))
    assert info.value.code == ExitCode.CONFIG
    assert "YISHITANG_WEBHOOK_SECRET is not" in info.value.message


def test_a_webhook_without_the_web_app_is_refused_at_start() -> None:
    with pytest.raises(StartupFailure) as info:
        check_webhook(Settings(webhook_url="https://yishitang.example.org", web_port=0,
                               webhook_secret=SecretStr(SECRET)))
    assert info.value.code == ExitCode.CONFIG
    assert "YISHITANG_WEB_PORT=0" in info.value.message
    assert "https://yishitang.example.org/telegram/webhook" in info.value.message
    assert SECRET not in info.value.message


def test_run_refuses_it_in_one_line_before_the_database(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("YISHITANG_TELEGRAM_TOKEN", "123:TOKEN")
    monkeypatch.setenv("YISHITANG_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("YISHITANG_WEBHOOK_URL", "https://yishitang.example.org")
    monkeypatch.setenv("YISHITANG_WEB_PORT", "0")
    monkeypatch.setenv("YISHITANG_WEBHOOK_SECRET", SECRET)
    assert main(["run"]) == ExitCode.CONFIG
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "YISHITANG_WEB_PORT=0" in err and SECRET not in err
    assert not (tmp_path / "data" / "yishitang.db").exists()  # refused before the database


def test_the_secret_is_hidden_in_the_settings_shown(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("YISHITANG_WEBHOOK_SECRET", SECRET)
    assert main(["settings"]) == 0
    shown = capsys.readouterr().out
    assert "YISHITANG_WEBHOOK_SECRET=(set, hidden)" in shown and SECRET not in shown
