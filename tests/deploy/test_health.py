"""`yishitang health`: the heartbeat's age (the bot) or a URL (asr-serve), one line, exit 0/1;
`yishitang --version`. The heartbeat written by a running bot: tests/deploy/test_install.py."""

from __future__ import annotations

import asyncio
import logging
import os
import time
from importlib import metadata
from pathlib import Path

import pytest
from aiohttp import web

from yishitang.cli import main
from yishitang.service import Heartbeat, heartbeat_problem, url_problem


def test_a_fresh_heartbeat_is_healthy_an_old_or_missing_one_is_not(tmp_path: Path) -> None:
    path = tmp_path / "heartbeat"
    now = time.time()
    assert "has not polled Telegram yet" in str(heartbeat_problem(path, 180, now))
    Heartbeat(path)()
    assert heartbeat_problem(path, 180, time.time()) is None
    os.utime(path, (now - 1000, now - 1000))
    assert heartbeat_problem(path, 180, now) == \
        "the bot last polled Telegram 1000 s ago (more than 180 s)"
    Heartbeat(path)()  # the next poll
    assert heartbeat_problem(path, 180, time.time()) is None


def test_a_heartbeat_that_cannot_be_written_is_logged_once_and_never_raised(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    beat = Heartbeat(tmp_path / "gone" / "heartbeat")
    with caplog.at_level(logging.WARNING, logger="yishitang.service"):
        beat()
        beat()
    assert [r.getMessage()[:29] for r in caplog.records] == ["cannot write the heartbeat /t"]


def test_the_command_says_why_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("YISHITANG_DATA_DIR", str(tmp_path))
    assert main(["health"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("unhealthy: no heartbeat at ") and err.count("\n") == 1
    (tmp_path / "heartbeat").touch()
    assert main(["health", "--max-age", "60"]) == 0
    assert capsys.readouterr() == ("healthy\n", "")
    old = time.time() - 120
    os.utime(tmp_path / "heartbeat", (old, old))
    assert main(["health", "--max-age", "60"]) == 1
    assert "more than 60 s" in capsys.readouterr().err


async def test_a_url_is_healthy_when_it_answers_200() -> None:
    async def health(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def broken(request: web.Request) -> web.Response:
        return web.json_response({"status": "loading"}, status=503)

    app = web.Application()
    app.add_routes([web.get("/health", health), web.get("/broken", broken)])
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        port = runner.addresses[0][1]
        root = f"http://127.0.0.1:{port}"
        assert await asyncio.to_thread(url_problem, f"{root}/health") is None
        assert await asyncio.to_thread(url_problem, f"{root}/broken") == \
            f"{root}/broken answered 503"
    finally:
        await runner.cleanup()
    closed = await asyncio.to_thread(url_problem, f"{root}/health")
    assert closed is not None and closed.startswith(f"{root}/health does not answer")


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out == f"yishitang {metadata.version('yishitang')}\n"
