"""A whole meeting's recording uploaded on the workbench (portal/recordings.py), over real HTTP
on both databases: a hall's staff member uploads a real clip into a session of their hall (a
file over aiohttp's 1 MiB form limit, streamed to disk); a viewer is refused (403), a file over
the limit too (413, whether its size is declared or only found while it streams), and a file
that is not audio (400, whatever its name): then nothing is stored and no file is left. Last,
the whole runtime with the real Whisper engine: the uploaded clip is transcribed into the
session's record, its progress ends in "done", and Telegram hears nothing of it."""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest
from aiohttp import FormData
from aiohttp.test_utils import TestClient, TestServer

from bot.catalog import t
from facilitation.audit import Operator
from facilitation.model import JobStatus, Source
from facilitation.ports import TrackingUnitOfWorkFactory
from facilitation.record import load_record
from facilitation.roles import Role, grant_role
from facilitation.services import Actor
from facilitation.speech import Progress, Transcript, TranscriptionRequest
from facilitation.staff_desk import issue_login_link
from portal.app import RoomDeps, WebDeps, build_web_app
from storage.engine import make_engine
from storage.uow import make_uow_factory
from tests.portal.test_staff import ADMIN, CLERK, START, VIEWER, A, B, Clock, Desk, _session
from transcripts.whisper import WhisperOptions, WhisperTranscriber
from yishitang.stage import free_port, staged

AUDIO = Path(__file__).parents[1] / "data" / "audio"
MEETING = AUDIO / "long" / "funasr__VAD_30s_mono.wav"  # 31 s of speech with pauses, 0.9 MB
LARGER = AUDIO / "long" / "funasr__fsmn_vad_example_0.wav"  # 70 s, 2.2 MB
LIMIT = 3 * 2**20
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
JSON = {"Accept": "application/json"}


@pytest.fixture
async def desk(db_url: str, tmp_path: Path) -> AsyncIterator[Desk]:
    engine = make_engine(db_url)
    uow = make_uow_factory(engine)
    await _session(uow, A, "AAAA2345", "村道硬化", "东头村议事堂", START - timedelta(days=2),
                   close=True)
    await _session(uow, B, "BBBB2345", "河道清淤", "西头村议事堂", START - timedelta(hours=3))
    await grant_role(uow(), by=Operator("root"), role=Role.VIEWER, hall_chat_id=A, now=START,
                     telegram_user_id=VIEWER.user_id)
    await grant_role(uow(), by=Operator("root"), role=Role.STAFF, hall_chat_id=B, now=START,
                     telegram_user_id=CLERK.user_id)
    woken: list[int] = []
    clock = Clock()
    deps = WebDeps(uow, clock, poll_s=30.0, room=RoomDeps(
        t, staff_user_ids=frozenset({ADMIN.user_id}), session_key=b"k" * 32,
        audio_dir=tmp_path / "audio", upload_max_bytes=LIMIT, recording_max_s=4 * 3600,
        on_recording=lambda: woken.append(1)))
    client = TestClient(TestServer(build_web_app(deps)))
    await client.start_server()
    try:
        yield Desk(uow, clock, client, woken=woken, audio_dir=tmp_path / "audio")
    finally:
        await client.close()
        await engine.dispose()


async def _session_of(uow: TrackingUnitOfWorkFactory, chat_id: int) -> int:
    async with uow() as work:
        [session] = await work.sessions.recent(chat_id, limit=1)
    assert session.id is not None
    return session.id


async def _token(client: TestClient | aiohttp.ClientSession, base: str = "") -> str:
    html = await (await client.get(f"{base}/staff")).text()
    found = CSRF.search(html)
    assert found is not None, html
    return found.group(1)


def _form(token: str, data: bytes, name: str = "meeting.wav") -> FormData:
    form = FormData()
    form.add_field("csrf", token)
    # a stream, as a browser sends a file (raw bytes over 1 MB make aiohttp warn)
    form.add_field("recording", io.BytesIO(data), filename=name, content_type="audio/wav")
    return form


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


async def _jobs(uow: TrackingUnitOfWorkFactory, session_id: int) -> int:
    async with uow() as work:
        return len(await work.audio_jobs.recordings_in_session(session_id))


async def test_staff_upload_a_recording_larger_than_a_form_may_be(desk: Desk) -> None:
    hall_b = await _session_of(desk.uow, B)
    await desk.log_in(CLERK)
    status, html = await desk.page(f"/staff/s/{hall_b}")
    assert status == 200 and 'data-testid="upload-form"' in html and "最大 3 MB" in html
    data = LARGER.read_bytes()
    assert len(data) > 2**20  # more than aiohttp's client_max_size, which other forms keep
    sent = await desk.client.post(f"/staff/s/{hall_b}/recording", headers=JSON,
                                  data=_form(await _token(desk.client), data, "会议.mp3"))
    assert sent.status == 201, await sent.text()
    job = (await sent.json())["job"]
    [kept] = _files(desk.audio_dir)
    assert kept.parent.name == str(hall_b) and re.fullmatch(r"upload-[0-9a-f]{32}\.wav",
                                                            kept.name)  # the content's kind
    assert kept.read_bytes() == data and desk.woken == [1]
    async with desk.uow() as work:
        stored = await work.audio_jobs.get(job)
        entries = await work.audit.entries(session_id=hall_b)
    assert stored is not None and stored.uploaded and stored.status == JobStatus.PENDING
    assert (stored.audio_path, stored.mime_type, stored.file_size) == (
        f"{hall_b}/{kept.name}", "audio/wav", len(data))
    assert entries[-1].action == "uploaded" and entries[-1].detail["job"] == job
    polled = await desk.client.get(f"/staff/s/{hall_b}/recordings.json")
    [shown] = (await polled.json())["recordings"]
    assert (shown["job"], shown["state"], shown["uploaded"]) == (job, "waiting", True)
    assert "等待转写" in shown["text"]
    status, html = await desk.page(f"/staff/s/{hall_b}")
    assert f'data-job="{job}" data-state="waiting"' in html and shown["text"] in html

    plain = await desk.client.post(f"/staff/s/{hall_b}/recording", allow_redirects=False,
                                   data=_form(await _token(desk.client), MEETING.read_bytes()))
    assert plain.status == 303 and plain.headers["Location"] == f"/staff/s/{hall_b}#recordings"
    assert len(_files(desk.audio_dir)) == 2 and await _jobs(desk.uow, hall_b) == 2


async def test_a_viewer_is_refused_and_sees_no_form(desk: Desk) -> None:
    hall_a = await _session_of(desk.uow, A)
    await desk.log_in(VIEWER)
    status, html = await desk.page(f"/staff/s/{hall_a}")
    assert status == 200 and "upload-form" not in html
    refused = await desk.client.post(f"/staff/s/{hall_a}/recording", headers=JSON,
                                     data=_form(await _token(desk.client), MEETING.read_bytes()))
    assert refused.status == 403
    assert (await refused.json())["error"] == t("zh", "not_moderator")
    forged = await desk.client.post(f"/staff/s/{hall_a}/recording",
                                    data=_form("forged", MEETING.read_bytes()))
    assert forged.status == 403
    assert _files(desk.audio_dir) == [] and await _jobs(desk.uow, hall_a) == 0
    assert (await desk.client.get(f"/staff/s/{hall_a}/recordings.json")).status == 200
    hall_b = await _session_of(desk.uow, B)  # not the viewer's hall: not even its states
    assert (await desk.client.get(f"/staff/s/{hall_b}/recordings.json")).status == 404
    # another hall's staff member: the same refusal
    other = await desk.other_browser()
    try:
        await desk.log_in(CLERK, other)
        refused = await other.post(f"/staff/s/{hall_a}/recording",
                                   data=_form(await _token(other), MEETING.read_bytes()))
        assert refused.status == 403
    finally:
        await other.close()
    assert _files(desk.audio_dir) == [] and await _jobs(desk.uow, hall_a) == 0


async def test_too_large_is_413_declared_or_streamed_and_leaves_nothing(desk: Desk) -> None:
    hall_b = await _session_of(desk.uow, B)
    await desk.log_in(CLERK)
    token = await _token(desk.client)
    too_big = LARGER.read_bytes() * 2  # 4.5 MB: over the 3 MB limit
    declared = await desk.client.post(f"/staff/s/{hall_b}/recording",
                                      data=_form(token, too_big))
    assert declared.status == 413
    assert t("zh", "upload_too_large", limit_mb=3) in await declared.text()

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it comes
        for start in range(0, len(too_big), 256 * 1024):
            yield too_big[start:start + 256 * 1024]

    with aiohttp.MultipartWriter("form-data") as body:
        body.append(token).set_content_disposition("form-data", name="csrf")
        body.append(chunks(), {"Content-Type": "audio/wav"}).set_content_disposition(
            "form-data", name="recording", filename="big.wav")
    streamed = await desk.client.post(f"/staff/s/{hall_b}/recording", data=body, headers=JSON)
    assert streamed.status == 413
    assert (await streamed.json())["error"] == t("zh", "upload_too_large", limit_mb=3)
    assert _files(desk.audio_dir) == [] and await _jobs(desk.uow, hall_b) == 0


@pytest.mark.parametrize(("data", "name", "code"), [
    (b"ID3 but really a shopping list\n" * 400, "会议.mp3", "corrupt_audio"),  # an MP3's tag
    ("这是会议纪要的文字稿，不是录音。\n".encode() * 400, "会议.mp3", "not_audio"),
    (MEETING.read_bytes()[:60], "会议.wav", "corrupt_audio"),  # cut off in its header
    (b"", "会议.wav", "empty_audio"),
    (b"", "", "upload_no_file")],  # the form posted with no file chosen
    ids=["tag", "text", "cut", "empty", "none"])
async def test_not_audio_is_400_whatever_its_name(desk: Desk, data: bytes, name: str,
                                                  code: str) -> None:
    hall_b = await _session_of(desk.uow, B)
    await desk.log_in(CLERK)
    refused = await desk.client.post(f"/staff/s/{hall_b}/recording", headers=JSON,
                                     data=_form(await _token(desk.client), data, name))
    assert refused.status == 400
    assert (await refused.json())["error"] == t("zh", code)
    assert _files(desk.audio_dir) == [] and await _jobs(desk.uow, hall_b) == 0


class Borrowed:
    """The module's Whisper engine lent to one runtime (which closes what it is given)."""

    def __init__(self, engine: WhisperTranscriber) -> None:
        self._engine = engine
        self.engine, self.model = engine.engine, engine.model

    async def start(self) -> None:
        await self._engine.start()

    async def close(self) -> None:
        """The engine stays up for the module's next test."""

    async def transcribe(self, audio: Path | bytes, request: TranscriptionRequest,
                         progress: Progress | None = None) -> Transcript:
        return await self._engine.transcribe(audio, request, progress)


@pytest.fixture(scope="module")
def whisper(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WhisperTranscriber]:
    """The real engine, as production runs it (a worker process), once for the module."""
    engine = WhisperTranscriber(WhisperOptions(models_dir=tmp_path_factory.mktemp("models"),
                                               chunk_seconds=20.0))
    asyncio.run(engine.start())
    yield engine
    asyncio.run(engine.close())


async def test_the_real_scribe_transcribes_the_upload_into_the_session(
        tmp_path: Path, db_url: str, whisper: WhisperTranscriber) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    async with staged(tmp_path, database_url=db_url, transcriber=Borrowed(whisper),
                      web_port=port, web_url=base) as stage:
        group = stage.open_group("东头村议事堂", ["主持人", "张三", "小周"])
        await stage.ask("主持人", "/new 村道硬化")
        stage.say("主持人", "现在开始协商。")
        await stage.ask("主持人", "/end")
        clerk = stage.person("小周")
        await grant_role(stage.runtime.uow(), by=Operator("root"), role=Role.STAFF,
                         hall_chat_id=group.id, now=stage.clock(), telegram_user_id=clerk.id)
        session_id = await _session_of(stage.runtime.uow, group.id)
        before = len(stage.sandbox.messages(group))
        link = await issue_login_link(stage.runtime.uow(), Actor(clerk.id, "小周"),
                                      bootstrap_ids=(), now=stage.clock())
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as web:
            assert (await web.post(f"{base}/login/{link}")).status == 200
            sent = await web.post(f"{base}/staff/s/{session_id}/recording", headers=JSON,
                                  data=_form(await _token(web, base), MEETING.read_bytes()))
            assert sent.status == 201, await sent.text()
            await asyncio.wait_for(stage.runtime.scribe.wait_done(1), 60)
            polled = await (await web.get(f"{base}/staff/s/{session_id}/recordings.json")).json()
        [shown] = polled["recordings"]
        record = await load_record(stage.runtime.uow(), session_id=session_id)
        heard = [c for c in record.contributions if c.source == Source.RECORDING]
        assert heard and all(c.text and c.message_id is None for c in heard)
        assert "协商" not in "".join(c.text for c in heard)  # the clip's words, not the chat's
        assert (shown["state"], shown["percent"], shown["turns"]) == ("done", 100, len(heard))
        assert shown["text"].endswith(t("zh", "recording_state_done", count=len(heard)))
        # nothing of it in the group: no download, no progress, no result message
        assert stage.sandbox.calls_to("getFile") == []
        assert not [m for m in stage.sandbox.messages(group)[before:]
                    if "📼" in str(m.get("text"))]
