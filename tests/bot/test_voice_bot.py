"""Voice in the session: the real bot over the sandbox, with a scripted fake recogniser
(the real Whisper runs in tests/transcripts and the benchmarks)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from facilitation.model import ContributionKind, ContributionStatus, JobStatus, Source
from facilitation.record import load_record
from facilitation.speech import Segment
from tests.bot.messages import text
from tests.fakes import FakeTranscriber
from yishitang.stage import Stage, staged

MOD = "李主席"


@pytest.fixture
def ears() -> FakeTranscriber:
    return FakeTranscriber()


@pytest.fixture
async def stage(tmp_path: Path, sqlite_url: str,
                ears: FakeTranscriber) -> AsyncIterator[Stage]:
    async with staged(tmp_path, database_url=sqlite_url, transcriber=ears) as running:
        running.open_group("议事堂", [MOD, "张三", "李四"])
        await running.ask(MOD, "/new 污水零直排")
        for name in ("张三", "李四"):
            await running.ask(name, "/signin")
        yield running


async def speak(stage: Stage, name: str, data: bytes, duration: int = 3,
                chat: Any = None) -> dict[str, Any]:
    return stage.sandbox.send_voice(stage.person(name), chat or stage.group, data, duration)


async def caption(stage: Stage, sent: dict[str, Any], contains: str) -> dict[str, Any]:
    """Our reply to a voice message, once it has been edited to say ``contains``."""
    chat = sent["chat"]["id"]

    def edited(sb: Any) -> dict[str, Any] | None:
        for m in sb.messages(chat):
            replied = (m.get("reply_to_message") or {}).get("message_id")
            if replied == sent["message_id"] and contains in text(m):
                return m  # type: ignore[no-any-return]
        return None

    return await stage.sandbox.wait_for(edited, 10.0, f"a reply saying {contains!r}")


async def test_speaker_voice_becomes_their_speech(stage: Stage, ears: FakeTranscriber) -> None:
    await stage.ask("张三", "/hand 提问 县住建局")
    await stage.ask(MOD, "/next")
    sent = await speak(stage, "张三", "SAY:排污管什么时候接？".encode())
    shown = await caption(stage, sent, "排污管什么时候接？")
    assert "张三（提问）" in text(shown)
    record = await load_record(stage.runtime.uow())
    [said] = record.contributions
    assert (said.kind, said.source, said.status) == (
        ContributionKind.QUESTION, Source.VOICE, ContributionStatus.FINAL)
    assert said.engine == "fake" and said.segments == (
        Segment(0.0, 2.0, "排污管什么时候接？", avg_logprob=-0.2),)
    assert said.addressed_to == "县住建局"
    assert ears.calls[0][1].prompt == "污水零直排" and ears.calls[0][1].language == "zh"


async def test_order_is_the_order_of_speaking(stage: Stage, ears: FakeTranscriber) -> None:
    slow = await speak(stage, "张三", "HOLD:先说的话".encode())
    await caption(stage, slow, "正在转写")
    stage.say("李四", "后打的字")
    await stage.settled()
    ears.release()
    await caption(stage, slow, "先说的话")
    record = await load_record(stage.runtime.uow())
    assert [(c.seq, c.text) for c in record.contributions] == [(1, "先说的话"), (2, "后打的字")]
    assert record.contributions[0].kind == ContributionKind.COMMENT  # nobody held the floor


async def test_silence_is_dropped_not_recorded(stage: Stage) -> None:
    sent = await speak(stage, "张三", b"SILENCE")
    shown = await caption(stage, sent, "没有识别出讲话内容")
    assert "只有静音或噪声" in text(shown)
    record = await load_record(stage.runtime.uow())
    assert [c.status for c in record.contributions] == [ContributionStatus.DROPPED]


async def test_failures_are_retried_then_reported(stage: Stage, ears: FakeTranscriber) -> None:
    sent = await speak(stage, "张三", b"FAIL")
    for attempt, wait in ((1, 10), (2, 30)):
        await stage.runtime.scribe.wait_done(attempt)
        async with stage.runtime.uow() as work:
            job = await work.audio_jobs.get(1)
        assert job is not None and job.attempts == attempt and job.status == JobStatus.PENDING
        stage.clock.advance(wait + 1)
        stage.runtime.scribe.kick()
    shown = await caption(stage, sent, "转写失败")
    assert "已重试 3 次" in text(shown)
    # the moderator never opened a private chat with the bot: the alert goes to the group
    alert = await stage.sandbox.wait_for_message(stage.group.id, "主持人请注意")  # type: ignore[union-attr]
    assert "RuntimeError" in text(alert)
    [tried] = [c for c in stage.sandbox.calls_to("sendMessage")
               if str(c.param("chat_id")) == str(stage.person(MOD).id)]
    assert tried.error_code == 403
    async with stage.runtime.uow() as work:
        job = await work.audio_jobs.get(1)
    assert job is not None and job.status == JobStatus.FAILED and job.audio_path
    assert (stage.runtime.settings.data_dir / "audio" / job.audio_path).read_bytes() == b"FAIL"


async def test_too_large_and_too_long_are_refused_before_download(stage: Stage) -> None:
    big = await speak(stage, "张三", b"SAY:" + b"x" * (21 * 1024 * 1024))
    assert "文件太大了" in text(await stage.sandbox.wait_for_reply(big))
    long = await speak(stage, "张三", "SAY:很长".encode(), duration=3600)
    assert "音频太长了（3600 秒，最多 600 秒）" in text(await stage.sandbox.wait_for_reply(long))
    await stage.settled()
    async with stage.runtime.uow() as work:
        assert await work.audio_jobs.get(1) is None
    assert not stage.sandbox.calls_to("getFile")


async def test_not_audio(stage: Stage) -> None:
    private = stage.private("张三")
    sent = stage.sandbox.send_document(stage.person("张三"), private, b"hello", "a.txt",
                                       "text/plain")
    assert "不是可以转写的音频" in text(await stage.sandbox.wait_for_reply(sent))
    in_group = stage.sandbox.send_document(stage.person("张三"), stage.group, b"%PDF",
                                           "plan.pdf", "application/pdf")
    await stage.settled()
    assert not any((m.get("reply_to_message") or {}).get("message_id") ==
                   in_group["message_id"] for m in stage.sandbox.messages(stage.group.id))  # type: ignore[union-attr]
    fake = await speak(stage, "李四", b"\x00\x01not really opus")
    assert "这不是可以转写的音频文件" in text(await caption(stage, fake, "没有识别出"))


async def test_private_voice_is_a_written_submission_relayed(stage: Stage) -> None:
    sent = await speak(stage, "李四", "SAY:书面意见：加装路灯".encode(),
                       chat=stage.private("李四"))
    await caption(stage, sent, "加装路灯")
    relay = await stage.sandbox.wait_for_message(stage.group.id, "书面发言")  # type: ignore[union-attr]
    assert "加装路灯" in text(relay)
    record = await load_record(stage.runtime.uow())
    [said] = record.contributions
    assert (said.kind, said.source) == (ContributionKind.WRITTEN, Source.VOICE)


async def test_recording_from_the_moderator(stage: Stage, ears: FakeTranscriber) -> None:
    # held, so that the acknowledgement is seen before the result takes its place (a result
    # ready before the acknowledgement went out is sent instead of it: bot/outbox.py)
    sent = stage.sandbox.send_audio(stage.person(MOD), stage.group,
                                    "HOLD:第一段讲话|第二段讲话".encode(), 7200)
    assert "收到会议录音" in text(await stage.sandbox.wait_for_reply(sent))
    ears.release()
    await caption(stage, sent, "2 段")
    record = await load_record(stage.runtime.uow())
    assert [(c.speaker_name, c.source, c.text) for c in record.contributions] == [
        ("会议录音", Source.RECORDING, "第一段讲话"), ("会议录音", Source.RECORDING, "第二段讲话")]
    assert record.contributions[1].at > record.contributions[0].at


async def test_pending_voice_survives_a_restart(tmp_path: Path, sqlite_url: str) -> None:
    first = FakeTranscriber()
    async with staged(tmp_path, database_url=sqlite_url, transcriber=first) as stage:
        stage.open_group("议事堂", [MOD, "张三"])
        await stage.ask(MOD, "/new 停车")
        await stage.ask("张三", "/signin")
        sent = await speak(stage, "张三", "HOLD:重启之前说的".encode())
        await caption(stage, sent, "正在转写")
        while not first.calls:  # the transcription is under way when the bot stops
            await asyncio.wait_for(stage.sandbox.wait_for(lambda _: first.calls, 5.0), 6.0)
        sandbox, group = stage.sandbox, stage.group
    record = await load_record_at(sqlite_url)
    assert [c.status for c in record.contributions] == [ContributionStatus.PENDING]
    second = FakeTranscriber()
    second.release()
    async with staged(tmp_path, database_url=sqlite_url, transcriber=second) as again:
        await again.runtime.scribe.wait_done(1)
    assert sandbox is not None and group is not None
    record = await load_record_at(sqlite_url)
    assert [(c.status, c.text) for c in record.contributions] == [
        (ContributionStatus.FINAL, "重启之前说的")]


async def load_record_at(url: str) -> Any:
    from storage.engine import make_engine
    from storage.uow import make_uow_factory

    engine = make_engine(url)
    try:
        return await load_record(make_uow_factory(engine)())
    finally:
        await engine.dispose()


async def test_hall_glossary_reaches_the_recogniser(stage: Stage, ears: FakeTranscriber) -> None:
    assert "只有本场主持人" in text(await stage.ask("张三", "/glossary 平桥镇"))
    done = text(await stage.ask(MOD, "/glossary 平桥镇 县住建局 平桥镇"))
    assert "（2 个词）" in done and "平桥镇、县住建局" in done
    assert "平桥镇、县住建局" in text(await stage.ask("张三", "/glossary"))
    sent = await speak(stage, "张三", "SAY:东头村的管网".encode())
    await caption(stage, sent, "东头村的管网")
    assert ears.calls[-1][1].hotwords == ("平桥镇", "县住建局")
    assert "（空）" in text(await stage.ask(MOD, "/glossary -"))
