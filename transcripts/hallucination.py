"""Whisper writes text where nobody spoke: subtitle credits and video-channel sign-offs learnt
from its training data (字幕由Amara.org社群提供, 请不吝点赞订阅转发打赏支持明镜与点点栏目,
谢谢观看...), loops of one syllable, the prompt read back. Such segments are recognised and
dropped, and the dropped texts are returned so nothing disappears unseen.

Thresholds were set on Whisper base with the real clips in shared/audio (every real segment kept:
no_speech_prob at most 0.52, avg_logprob at least -0.87) and on generated silence and noise
(hallucinated segments: no_speech_prob 0.77-0.91 with avg_logprob -0.5..-1.0, or avg_logprob
-3.9 on digital silence after a prompt).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import groupby

from facilitation.speech import NoSpeech, Segment
from transcripts.normalize import strip_for_scoring, to_simplified

NO_SPEECH_PROB = 0.6  # with LOW_LOGPROB_FOR_NO_SPEECH: the model itself heard no speech
LOW_LOGPROB_FOR_NO_SPEECH = -0.35
VERY_LOW_LOGPROB = -1.5  # whatever no_speech_prob says, this is guessing
MAX_COMPRESSION_RATIO = 2.4  # Whisper's own bound for repetitive text
QUIET_DBFS = -50.0  # the audio under the segment has no frame this loud
REPEATED_SEGMENTS = 3  # the same text this many times in a row: keep the first

# Matched inside any segment (no one says these in a meeting), after t2s, lower case, with
# punctuation and spaces removed.
CREDITS = (
    "amaraorg", "字幕由amara", "amara社区", "amara社群", "明镜与点点", "点点栏目",
    "明镜需要您的支持", "欢迎订阅明镜", "点赞订阅", "订阅转发", "转发打赏", "打赏支持",
    "不吝点赞", "优优独播剧场", "yoyotelevisionseries", "televisionseriesexclusive",
    "字幕志愿者", "字幕制作", "中文字幕", "字幕by", "字幕提供", "本字幕由", "小编字幕",
    "字幕组", "索兰娅", "以上言论不代表本台立场", "mingpao", "订阅我的频道", "订阅频道",
    "记得订阅", "感谢您的观看", "请不吝",
)
# Dropped only when they are the whole segment: sign-offs of videos.
SIGN_OFFS = (
    "谢谢观看", "感谢观看", "谢谢收看", "感谢收看", "多谢收看", "多谢观看", "谢谢大家观看",
    "谢谢大家收看", "感谢大家观看", "感谢大家收看", "下期再见", "我们下期再见", "下次再见",
    "谢谢观赏", "请订阅", "请点赞", "thankyouforwatching", "thanksforwatching",
)
_LOOP = re.compile(r"(.{1,8}?)\1{3,}")  # a unit repeated at least four times in a row


@dataclass(frozen=True)
class RawSegment:
    """A segment as an engine gives it, with Whisper's statistics when it has them."""

    start: float
    end: float
    text: str
    avg_logprob: float | None = None
    no_speech_prob: float | None = None
    compression_ratio: float | None = None


def kept_segment(segment: RawSegment, text: str) -> Segment:
    """A kept segment as the domain keeps it: its normalised ``text``, with the statistics
    (rounded: they are stored with every voice turn) that facilitation.review judges."""
    def rounded(value: float | None) -> float | None:
        return None if value is None else round(value, 3)

    return Segment(round(segment.start, 2), round(segment.end, 2), text,
                   rounded(segment.avg_logprob), rounded(segment.no_speech_prob),
                   rounded(segment.compression_ratio))


@dataclass(frozen=True)
class Dropped:
    text: str
    reason: str  # credits, sign_off, no_speech, low_confidence, repetition, repeated,
    #              prompt_echo, silence


@dataclass(frozen=True)
class Filtered:
    kept: tuple[RawSegment, ...]
    dropped: tuple[Dropped, ...]


SpanLevel = Callable[[float, float], float]  # dBFS of the loudest frame between two times


def _key(text: str) -> str:
    return strip_for_scoring(to_simplified(text))


def _is_loop(key: str) -> bool:
    """Mostly one short unit repeated (转转转转转, 请问请问请问请问)."""
    if len(key) < 5:
        return False
    covered = sum(len(m.group(0)) for m in _LOOP.finditer(key))
    most = max(key.count(c) for c in set(key))
    return covered >= len(key) / 2 or (len(key) >= 6 and most >= len(key) / 2)


def judge(segment: RawSegment, *, prompts: Sequence[str] = (),
          level: SpanLevel | None = None) -> str | None:
    """Why ``segment`` is a hallucination, or None when it is (as far as we can tell) speech."""
    key = _key(segment.text)
    if not key:
        return "empty"
    if any(credit in key for credit in CREDITS):
        return "credits"
    if key in SIGN_OFFS:
        return "sign_off"
    logprob, no_speech = segment.avg_logprob, segment.no_speech_prob
    if no_speech is not None and logprob is not None and no_speech >= NO_SPEECH_PROB \
            and logprob < LOW_LOGPROB_FOR_NO_SPEECH:
        return "no_speech"
    if logprob is not None and logprob < VERY_LOW_LOGPROB:
        return "low_confidence"
    if (segment.compression_ratio or 0.0) > MAX_COMPRESSION_RATIO or _is_loop(key):
        return "repetition"
    if len(key) >= 4 and any(key == _key(p) for p in prompts) and (no_speech or 0.0) >= 0.2:
        return "prompt_echo"  # the prompt read back where the model doubted there was speech
    if level is not None and level(segment.start, segment.end) < QUIET_DBFS:
        return "silence"
    return None


def filter_segments(segments: Sequence[RawSegment], *, prompts: Sequence[str] = (),
                    level: SpanLevel | None = None) -> Filtered:
    """Split ``segments`` into speech and hallucinations (see ``judge``); a text repeated in
    ``REPEATED_SEGMENTS`` or more consecutive segments is kept once."""
    keys = [_key(segment.text) for segment in segments]
    runs = [n for _, group in groupby(keys) for n in [len(list(group))] for _ in range(n)]
    kept: list[RawSegment] = []
    dropped: list[Dropped] = []
    for index, segment in enumerate(segments):
        reason = judge(segment, prompts=prompts, level=level)
        if reason is None and runs[index] >= REPEATED_SEGMENTS and index > 0 \
                and keys[index - 1] == keys[index]:
            reason = "repeated"
        if reason is None:
            kept.append(segment)
        elif reason != "empty":
            dropped.append(Dropped(segment.text.strip(), reason))
    return Filtered(tuple(kept), tuple(dropped))


def keep_speech(segments: Sequence[RawSegment], *, prompts: Sequence[str] = (),
                level: SpanLevel | None = None) -> Filtered:
    """``filter_segments``, raising NoSpeech when nothing is left."""
    result = filter_segments(segments, prompts=prompts, level=level)
    if not result.kept:
        raise NoSpeech(dropped=len(result.dropped))
    return result
