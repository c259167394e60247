"""What Whisper invents on silence and noise is recognised and dropped; speech is kept.

The statistics below are what Whisper base gave on generated noise and on the real clips."""

from __future__ import annotations

import pytest

from facilitation.speech import NoSpeech
from transcripts.hallucination import RawSegment, filter_segments, judge, keep_speech

SPEECH = RawSegment(0, 4, "甚至出现交易几乎停滞的情况", -0.24, 0.11, 0.94)


@pytest.mark.parametrize("text", [
    "字幕由Amara.org社群提供", "字幕由 Amara.org 社區提供",
    "請不吝點贊 訂閱 轉發 打賞支持明鏡與點點欄目", "请不吝点赞 订阅 转发 打赏支持明镜与点点栏目",
    "優優獨播劇場——YoYo Television Series Exclusive",
    "优优独播剧场——YoYo Television Series Exclusive",
    "中文字幕志愿者 杨茜茜", "明鏡需要您的支持 歡迎訂閱明鏡",
])
def test_credits_are_dropped_wherever_they_appear(text: str) -> None:
    assert judge(RawSegment(0, 2, text, -0.3, 0.1, 1.0)) == "credits"


@pytest.mark.parametrize("text", ["谢谢观看", "謝謝觀看！", "感謝收看。", "我们下期再见"])
def test_video_sign_offs_are_dropped_when_they_are_the_whole_segment(text: str) -> None:
    assert judge(RawSegment(0, 2, text, -0.3, 0.1, 1.0)) == "sign_off"


def test_a_sign_off_inside_real_speech_is_kept() -> None:
    assert judge(RawSegment(0, 3, "谢谢观看这个方案的各位委员", -0.3, 0.1, 1.0)) is None


@pytest.mark.parametrize(("segment", "reason"), [
    (RawSegment(0, 8, "请问一下", -0.67, 0.77, 2.08), "no_speech"),  # pink noise
    (RawSegment(0, 8, "我很感受你竟然想出生了", -3.88, 0.48, 0.88), "low_confidence"),  # silence
    (RawSegment(0, 8, "转转转转转转转转转", -0.2, 0.3, 1.93), "repetition"),
    (RawSegment(0, 8, "车车啊停车停车的车车车车车车车车", -0.2, 0.3, 1.88), "repetition"),
    (RawSegment(0, 8, "请问请问请问请问请问", -0.2, 0.3, 1.5), "repetition"),
    (RawSegment(0, 8, "这个这个这个问题", -0.2, 0.1, 3.1), "repetition"),  # compression
])
def test_segment_statistics_and_loops_give_hallucinations_away(segment: RawSegment,
                                                              reason: str) -> None:
    assert judge(segment) == reason


def test_real_speech_statistics_are_kept() -> None:
    # the weakest real segments of the clips: no_speech up to 0.52, logprob down to -0.87
    for segment in (SPEECH, RawSegment(24, 28, "OK就这样", -0.87, 0.52, 0.55),
                    RawSegment(0, 2, "基地里严重渗水", -0.57, 0.03, 0.66),
                    RawSegment(0, 2, "好好学习", -0.3, 0.1, 0.8)):
        assert judge(segment) is None


def test_the_prompt_read_back_where_the_model_doubted_speech_is_dropped() -> None:
    echo = RawSegment(0, 3, "停车难怎么解决", -0.5, 0.3, 1.0)
    said = RawSegment(0, 3, "停车难怎么解决", -0.2, 0.05, 1.0)
    assert judge(echo, prompts=["停车难怎么解决"]) == "prompt_echo"
    assert judge(said, prompts=["停车难怎么解决"]) is None


def test_text_over_silent_audio_is_dropped() -> None:
    assert judge(SPEECH, level=lambda start, end: -80.0) == "silence"
    assert judge(SPEECH, level=lambda start, end: -25.0) is None


def test_a_segment_repeated_in_a_row_is_kept_once_and_the_rest_reported() -> None:
    loop = [RawSegment(i, i + 1, "请问", -0.3, 0.1, 1.0) for i in range(5)]
    result = filter_segments([SPEECH, *loop, RawSegment(9, 10, "谢谢观看")])
    assert [s.text for s in result.kept] == [SPEECH.text, "请问"]
    assert [d.reason for d in result.dropped] == ["repeated"] * 4 + ["sign_off"]
    twice = filter_segments([SPEECH, SPEECH])  # twice is speech: people do repeat themselves
    assert len(twice.kept) == 2


def test_nothing_left_is_no_speech() -> None:
    with pytest.raises(NoSpeech):
        keep_speech([RawSegment(0, 2, "字幕由Amara.org社群提供"), RawSegment(2, 3, " ")])
    assert keep_speech([SPEECH]).kept == (SPEECH,)
