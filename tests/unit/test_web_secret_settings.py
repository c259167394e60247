"""YISHITANG_WEB_SECRET: the staff's login cookies' key, a Fernet key, or unset."""

from __future__ import annotations

import base64

import pytest
from pydantic import ValidationError

from yishitang.bootstrap import web_session_key
from yishitang.settings import Settings
from yishitang.settings_table import in_effect
from yishitang.startup import describe_invalid

KEY = base64.urlsafe_b64encode(bytes(range(32))).decode()


def test_a_fernet_key_gives_its_32_bytes_and_stays_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("YISHITANG_WEB_SECRET", f" {KEY} ")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert web_session_key(settings) == bytes(range(32))
    assert KEY not in in_effect(settings) and KEY not in repr(settings)


@pytest.mark.parametrize("written", ["", "  "])
def test_empty_means_a_key_per_process(monkeypatch: pytest.MonkeyPatch, written: str) -> None:
    monkeypatch.setenv("YISHITANG_WEB_SECRET", written)
    assert web_session_key(Settings(_env_file=None)) is None  # type: ignore[call-arg]


@pytest.mark.parametrize("written", ["hunter2", base64.urlsafe_b64encode(b"x" * 16).decode(),
                                     "not base64 at all!"])
def test_anything_else_is_refused_without_showing_it(monkeypatch: pytest.MonkeyPatch,
                                                     written: str) -> None:
    monkeypatch.setenv("YISHITANG_WEB_SECRET", written)
    with pytest.raises(ValidationError) as refused:
        Settings(_env_file=None)  # type: ignore[call-arg]
    line = describe_invalid(refused.value)
    assert "YISHITANG_WEB_SECRET: not a Fernet key" in line and written not in line
