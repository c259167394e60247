"""``yishitang transcribe`` and ``yishitang asr-serve`` as people run them: real processes."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from tests.transcripts.conftest import clip
from tests.transcripts.test_http import KEY, _serve
from transcripts.asr_server import AsrServerOptions, make_asr_app
from transcripts.scoring import cer
from transcripts.whisper import WhisperTranscriber

ROOT = Path(__file__).resolve().parents[2]
FIRST, SECOND = clip("masr__BAC009S0901W0150"), clip("codex_tts__SSB17110468")


def _env(models_dir: Path, data_dir: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("YISHITANG_")}
    env.update(HF_HUB_OFFLINE="1", YISHITANG_DATA_DIR=str(data_dir),
               YISHITANG_MODEL_CACHE_DIR=str(models_dir), YISHITANG_LOG_LEVEL="WARNING",
               **{f"YISHITANG_{k.upper()}": v for k, v in settings.items()})
    return env


async def _run(*args: str, env: dict[str, str]) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "yishitang.cli", *args, cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_transcribe_json_gives_a_line_per_file_and_reports_failures(
        models_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "minutes.txt"
    bad.write_text("这不是音频", encoding="utf-8")
    code, out, err = await _run("transcribe", "--json", str(FIRST.path), str(bad),
                                str(SECOND.path), env=_env(models_dir, tmp_path))
    assert code == 1  # one file failed; the others were still done
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["file"] for line in lines] == [str(FIRST.path), str(SECOND.path)]
    for line, expected in zip(lines, (FIRST, SECOND), strict=True):
        assert {"file", "text", "language", "duration", "segments", "engine",
                "model"} <= line.keys()
        assert line["engine"] == "faster-whisper" and line["model"] == "whisper-base (ct2 int8)"
        assert line["language"] == "zh"
        assert line["duration"] == pytest.approx(expected.duration_s, abs=0.05)
        assert all(set(s) == {"start", "end", "text"} for s in line["segments"])
        assert cer(expected.reference, line["text"]) < 0.35
    assert f"{bad}: not audio that can be transcribed [not_audio]" in err


@pytest.fixture
async def asr_url(transcriber: WhisperTranscriber) -> AsyncIterator[str]:
    runner, url = await _serve(make_asr_app(transcriber, AsrServerOptions(api_key=KEY)))
    yield url
    await runner.cleanup()


async def test_transcribe_uses_the_asr_server_when_one_is_configured(
        asr_url: str, tmp_path: Path) -> None:
    env = _env(tmp_path / "no-models-here", tmp_path, asr_url=asr_url, asr_api_key=KEY)
    code, out, err = await _run("transcribe", str(FIRST.path), env=env)
    assert code == 0, err
    assert cer(FIRST.reference, out.strip()) < 0.35 and "\n" not in out.strip()
    assert not (tmp_path / "no-models-here").exists()  # no model was assembled: remote engine


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_asr_serve_answers_openai_requests(models_dir: Path, tmp_path: Path) -> None:
    port = _free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "yishitang.cli", "asr-serve", "--port", str(port),
        "--api-key", KEY, cwd=ROOT, env=_env(models_dir, tmp_path),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as session:
            await _wait_healthy(session, url)
            form = aiohttp.FormData()
            form.add_field("file", FIRST.path.read_bytes(), filename=FIRST.path.name)
            form.add_field("model", "whisper-1")
            form.add_field("response_format", "verbose_json")
            async with session.post(f"{url}/v1/audio/transcriptions", data=form,
                                    headers={"Authorization": f"Bearer {KEY}"}) as response:
                body = await response.json()
        assert response.status == 200, body
        assert body["language"] == "zh" and body["segments"][0]["start"] == 0.0
        assert cer(FIRST.reference, body["text"]) < 0.35
    finally:
        process.send_signal(signal.SIGINT)
        _, err = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, err.decode()


async def _wait_healthy(session: aiohttp.ClientSession, url: str) -> None:
    for _ in range(300):
        try:
            async with session.get(f"{url}/health") as response:
                if response.status == 200:
                    return
        except aiohttp.ClientConnectionError:
            pass
        await asyncio.sleep(0.1)
    raise AssertionError("asr-serve did not come up")

