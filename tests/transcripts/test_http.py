"""The OpenAI-compatible pair: ``asr-serve``'s app in front of the real engine, and the HTTP
client, over 127.0.0.1; plus the client against a stand-in for another compatible service."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import numpy as np
import pytest
from aiohttp import web

from facilitation.speech import (
    AudioRejected,
    AudioTooLarge,
    NoSpeech,
    NotAudio,
    TranscriptionRequest,
)
from tests.transcripts.conftest import clip, encode, wav
from transcripts.asr_server import AsrServerOptions, make_asr_app
from transcripts.audio import SAMPLE_RATE, Samples
from transcripts.http_engine import AsrServiceError, AsrTimeout, HttpOptions, OpenAIHttpTranscriber
from transcripts.whisper import WhisperTranscriber

KEY = "test-key"
SHORT = clip("masr__BAC009S0901W0150")  # 据广州日报昨天报道, 2.9 s


async def _serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}"


@pytest.fixture
async def asr_url(transcriber: WhisperTranscriber) -> AsyncIterator[str]:
    runner, url = await _serve(make_asr_app(transcriber, AsrServerOptions(
        api_key=KEY, max_upload_mb=1, max_duration_s=120)))
    yield url
    await runner.cleanup()


async def _post(url: str, data: bytes | None, key: str | None = KEY,
                **fields: str) -> tuple[int, Any]:
    form = aiohttp.FormData()
    if data is not None:
        form.add_field("file", io.BytesIO(data), filename="voice.ogg")
    for name, value in fields.items():
        form.add_field(name, value)
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    async with aiohttp.ClientSession() as session, session.post(
            f"{url}/v1/audio/transcriptions", data=form, headers=headers) as response:
        body = await response.text()
        is_json = response.content_type == "application/json"
        return response.status, (await response.json()) if is_json else body


async def test_the_client_gets_what_the_engine_gives(asr_url: str,
                                                     transcriber: WhisperTranscriber) -> None:
    client = OpenAIHttpTranscriber(asr_url, api_key=KEY)
    await client.start()
    try:
        remote = await client.transcribe(SHORT.path, TranscriptionRequest())
    finally:
        await client.close()
    local = await transcriber.transcribe(SHORT.path, TranscriptionRequest())
    assert remote.text == local.text and remote.language == "zh"
    assert [(s.start, s.end, s.text) for s in remote.segments] == \
        [(s.start, s.end, s.text) for s in local.segments]
    assert remote.duration == pytest.approx(local.duration)
    assert remote.engine == "openai-http" and remote.model.startswith("whisper-1 @ 127.0.0.1:")


async def test_the_server_speaks_json_verbose_json_and_text(asr_url: str) -> None:
    data = SHORT.path.read_bytes()
    status, text = await _post(asr_url, data, response_format="text", language="zh")
    assert status == 200 and "广州" in text
    status, body = await _post(asr_url, data, language="zh")
    assert status == 200 and body == {"text": text.strip()}
    status, body = await _post(asr_url, data, response_format="srt")
    assert status == 400 and body["error"]["param"] == "response_format"


@pytest.mark.parametrize(("data", "key", "status", "code"), [
    (b"\x89PNG\r\n\x1a\n" + bytes(500), KEY, 400, "not_audio"),
    (b"OggS" + bytes(500), KEY, 400, "corrupt_audio"),
    (wav(np.zeros(SAMPLE_RATE * 3, np.float32)), KEY, 400, "no_speech"),
    (wav(np.zeros(SAMPLE_RATE * 40, np.float32)), KEY, 413, "audio_too_large"),
    (b"", KEY, 400, "empty_audio"),
    (None, KEY, 400, None),
    (SHORT.path.read_bytes(), None, 401, "invalid_api_key"),
    (SHORT.path.read_bytes(), "wrong", 401, "invalid_api_key"),
], ids=["png", "damaged", "silence", "too-large", "empty", "no-file", "no-key", "wrong-key"])
async def test_errors_come_in_openai_shape(asr_url: str, data: bytes | None, key: str | None,
                                           status: int, code: str | None) -> None:
    got, body = await _post(asr_url, data, key)
    assert got == status
    assert body["error"]["code"] == code and body["error"]["message"]
    assert body["error"]["type"] == "invalid_request_error"


async def test_health_is_open_and_models_need_the_key(asr_url: str) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{asr_url}/health") as response:
            assert (await response.json())["status"] == "ok"
        async with session.get(f"{asr_url}/v1/models") as response:
            assert response.status == 401
        async with session.get(f"{asr_url}/v1/models",
                               headers={"Authorization": f"Bearer {KEY}"}) as response:
            assert (await response.json())["data"][0]["id"] == "whisper-1"


async def test_the_client_turns_server_refusals_into_our_errors(asr_url: str) -> None:
    client = OpenAIHttpTranscriber(asr_url, api_key=KEY)
    try:
        with pytest.raises(NoSpeech):
            await client.transcribe(wav(np.zeros(SAMPLE_RATE * 3, np.float32)),
                                    TranscriptionRequest())
        with pytest.raises(AudioTooLarge) as refused:
            await client.transcribe(wav(np.zeros(SAMPLE_RATE * 40, np.float32)),
                                    TranscriptionRequest())
        assert refused.value.params["limit_mb"] == 1
        with pytest.raises(NotAudio):  # found here, before any upload
            await client.transcribe(b"not audio at all" * 50, TranscriptionRequest())
    finally:
        await client.close()
    stranger = OpenAIHttpTranscriber(asr_url, api_key="wrong")
    with pytest.raises(AsrServiceError, match="refused our key") as failed:
        await stranger.transcribe(SHORT.path, TranscriptionRequest())
    await stranger.close()
    assert failed.value.status == 401


class _StandIn:
    """Another OpenAI-compatible service: answers what it is told, records what it got."""

    def __init__(self, answer: dict[str, Any], status: int = 200, delay: float = 0.0) -> None:
        self.answer, self.status, self.delay = answer, status, delay
        self.fields: dict[str, str] = {}
        self.headers: dict[str, str] = {}
        self.filename = ""

    async def handle(self, request: web.Request) -> web.Response:
        form = await request.post()
        self.fields = {k: v for k, v in form.items() if isinstance(v, str)}
        upload = form.get("file")
        self.filename = upload.filename if isinstance(upload, web.FileField) else ""
        self.headers = dict(request.headers)
        await asyncio.sleep(self.delay)
        return web.json_response(self.answer, status=self.status)


async def _stand_in(stand_in: _StandIn) -> tuple[web.AppRunner, str]:
    app = web.Application()
    app.router.add_post("/v1/audio/transcriptions", stand_in.handle)
    return await _serve(app)


async def test_another_services_answer_is_normalised_and_filtered(speech: Samples) -> None:
    stand_in = _StandIn({"text": "...", "language": "chinese", "duration": 7.5, "segments": [
        {"start": 0.0, "end": 3.1, "text": "廣州市房地產中介協會分析", "avg_logprob": -0.3,
         "no_speech_prob": 0.05, "compression_ratio": 1.0},
        {"start": 3.1, "end": 6.0, "text": " 為了規避三四線城市 明顯過剩的市場風險"},
        {"start": 6.0, "end": 7.5, "text": "字幕由Amara.org社群提供"}]})
    runner, url = await _stand_in(stand_in)
    client = OpenAIHttpTranscriber(url + "/", api_key="sk-test", options=HttpOptions(
        model="whisper-large"))
    try:
        transcript = await client.transcribe(SHORT.path, TranscriptionRequest(
            prompt="楼市調控", hotwords=("广州",)))
        assert stand_in.filename == SHORT.path.name
        assert stand_in.fields == {"model": "whisper-large", "response_format": "verbose_json",
                                   "temperature": "0.0", "language": "zh", "prompt": "楼市调控"}
        await client.transcribe(encode(speech, "ogg"), TranscriptionRequest())
        assert stand_in.filename == "audio.ogg"  # services tell formats by the name
    finally:
        await client.close()
        await runner.cleanup()
    assert transcript.text == "广州市房地产中介协会分析，为了规避三四线城市明显过剩的市场风险"
    assert transcript.dropped == ("字幕由Amara.org社群提供",)
    assert transcript.language == "zh" and transcript.duration == 7.5
    assert stand_in.headers["Authorization"] == "Bearer sk-test"


async def test_service_failures_are_not_blamed_on_the_audio() -> None:
    cases: list[tuple[_StandIn, type[Exception]]] = [
        (_StandIn({"error": {"message": "overloaded", "type": "server_error"}}, 503),
         AsrServiceError),
        (_StandIn({"error": {"message": "Invalid file format.", "param": None}}, 400),
         AudioRejected),
        (_StandIn({"text": "慢"}, delay=2.0), AsrTimeout),
    ]
    for stand_in, expected in cases:
        runner, url = await _stand_in(stand_in)
        client = OpenAIHttpTranscriber(url, options=HttpOptions(timeout_s=0.5))
        try:
            with pytest.raises(expected):
                await client.transcribe(SHORT.path, TranscriptionRequest())
        finally:
            await client.close()
            await runner.cleanup()
    unreachable = OpenAIHttpTranscriber("http://127.0.0.1:9")
    with pytest.raises(AsrServiceError, match="cannot reach"):
        await unreachable.transcribe(SHORT.path, TranscriptionRequest())
    await unreachable.close()
