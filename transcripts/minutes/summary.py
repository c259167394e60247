"""Extractive summaries of one turn: the speaker's most informative sentences, in order.

Nothing is invented: the turn is first *cleaned* (:func:`clean`: half-width punctuation beside
Chinese made full-width, a 【书面发言】 label, spoken fillers and greetings/thanks dropped), and
every sentence of a summary is a contiguous piece of the cleaned text (a whole sentence, or a
run of its clauses when the sentence is too long), followed by its end punctuation.

Sentences are scored for substance: numbers, place and unit names, proposals, commitments,
questions, the session's keywords; self-introductions and procedural remarks score nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

MAX_CHARS = 120
MAX_SENTENCES = 3
MIN_PIECE = 12  # a clause window shorter than this is not worth adding

_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef“”‘’"
_HALF = re.compile(rf"(?<=[{_CJK}])\s*([,!?;:])\s*|\s*([,!?;:])(?=[{_CJK}])")
_FULL = {",": "，", "!": "！", "?": "？", ";": "；", ":": "："}
_LABEL = re.compile(r"^\s*【[^】]{1,10}】\s*")
_FILLERS = (
    re.compile(r"(?:(?<![也这])就是说|说实话|说实在的|实话实说|怎么说呢|你知道吗|讲句实话)[，？]?"),
    re.compile(r"(?:^|(?<=[，。！？；：]))(?:那个|这个|嗯+|呃+)[，]"),
    re.compile(r"[嗯呃]+(?=[，。！？；：])"),
    re.compile(r"(?<=[\u4e00-\u9fff])[啊呀]+(?=[，。！？；：]|$)"),
    re.compile(r"(?<=[\u4e00-\u9fff])呢(?=[，：])"),
)
_REPEATED = re.compile(r"([，：；])[，：；]+")
_LOOSE = re.compile(r"(?:^|(?<=[。！？]))[，：；、\s]+|[，：；、\s]+(?=[。！？]|$)")
_SENTENCE = re.compile(r"[^。！？\n]+[。！？]*")
_CLAUSE = re.compile(r"[^，：；]+[，：；]?")
_OPENING = re.compile(
    r"^(?:(?:好的?|嗯|对|是的?)(?:[，！]|$)"
    r"|(?:谢谢|感谢|多谢)[^，。！？]{0,10}(?:[，！。]|$)"
    r"|(?:各位|大家|同志们|乡亲们)[^，。！？]{0,12}?(?:上午|下午|晚上|早上)?好(?:[，！。]|$)"
    r"|各位[^，。！？]{1,12}，)*")
_INTRO = re.compile(r"^我(?:是|叫|姓)")
_META = re.compile(r"^(?:好[，]?)?(?:那)?我(?:就|再|先|也|来|接着|想)?(?:简单)?"
                   r"(?:讲|说|补充|谈|汇报|回应|插|问)[^，。！？]{0,14}[。！？]$|^就这些|^我的发言(?:完了|就到这)")
_NUMBER = re.compile(r"\d+(?:\.\d+)?%?|百分之[零一二两三四五六七八九十]+|"
                     r"(?:[零〇二两三四五六七八九十百千万][零〇一二两三四五六七八九十百千万点多]*|"
                     r"一[零〇一二两三四五六七八九十百千万点多]+)"
                     r"(?=[个家处人名次年月日号米公里吨元块方斤亩天周成倍岁户辆座条盏间所项期批])")
_PLACE = re.compile(r"[\u4e00-\u9fff]{1,6}?(?:村|镇|乡|县|市|局|厂|公司|院|所|办|站|溪|河|江"
                    r"|路|园区|社|中心|小学|中学|医院|平台)")
_PROPOSAL = re.compile(r"建议|希望|能不能|能否|应该|应当|最好|必须|呼吁|提议|想法|出台|建立|设立|"
                       r"引进|纳入|要把|要对|统筹|共识|要求")
_COMMITMENT = re.compile(r"负责|牵头|完成|表态|表个态|之前|之内|以内|月底|年内|底前|前完成|落实|"
                         r"推进|组建|通报|公布")
_ORDINAL = re.compile(r"^(?:第[一二三四五六七八九十]|[一二三四五六七八九十]是|首先|其次|另外|最后)")
_QUESTION = re.compile(r"[？]$|吗|什么时候|怎么|多少|有没有|到底|谁来|是否|几次")


@dataclass(frozen=True)
class Context:
    """What makes a sentence informative in this session (names are never substance)."""

    names: frozenset[str] = frozenset()
    units: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()


def full_width(text: str) -> str:
    """Half-width , ! ? ; : beside Chinese text as full-width (１,５００ and 3:30 untouched)."""
    return _HALF.sub(lambda m: _FULL[m.group(1) or m.group(2)], text)


def _drop_opening(sentence: str, names: Iterable[str]) -> str:
    """Greetings, thanks and a self-introduction are not substance."""
    opening = _OPENING.match(sentence)
    sentence = sentence[opening.end():] if opening else sentence
    if not sentence.strip("。！？"):
        return ""
    if _INTRO.match(sentence) and (sentence.startswith(("我叫", "我姓"))
                                   or any(n in sentence for n in names)):
        return ""
    return sentence


def clean(text: str, names: Iterable[str] = ()) -> str:
    """The turn without label, fillers, greetings, thanks and self-introduction."""
    text = full_width(_LABEL.sub("", text.strip()))
    for pattern in _FILLERS:
        text = pattern.sub("", text)
    text = _REPEATED.sub(r"\1", text)
    names = tuple(names)
    kept = (_LOOSE.sub("", _drop_opening(_LOOSE.sub("", s.strip()), names))
            for s in _SENTENCE.findall(text))
    return "".join(s if s[-1] in "。！？" else s + "。" for s in kept if s)


def score(sentence: str, context: Context) -> float:
    """How much substance a sentence (or a run of its clauses) carries."""
    if _META.match(sentence):
        return -1.0
    value = 2.0 * min(len(_NUMBER.findall(sentence)), 3)
    units = sum(1 for u in context.units if u in sentence)
    value += 1.5 * min(units + len(_PLACE.findall(sentence)), 3)
    value += 3.0 * min(len(_PROPOSAL.findall(sentence)), 2)
    value += 1.5 if _ORDINAL.match(sentence) else 0.0
    value += 2.0 * min(len(_COMMITMENT.findall(sentence)), 2)
    value += 2.0 if _QUESTION.search(sentence) else 0.0
    value += min(sum(sentence.count(k) for k in context.keywords), 3)
    length = len(sentence)
    return value - (2.0 if length < 8 else 0.0) + min(length, 60) / 60


def _window(sentence: str, limit: int, context: Context) -> str:
    """The best run of whole clauses of a long sentence that fits in ``limit`` characters."""
    end = sentence[len(sentence.rstrip("。！？")):] or "。"
    parts = _CLAUSE.findall(sentence.rstrip("。！？"))
    best, best_score = "", float("-inf")
    for i in range(len(parts)):
        for j in range(i + 1, len(parts) + 1):
            piece = "".join(parts[i:j]).rstrip("，：；")
            if len(piece) + 1 > limit:
                break
            value = score(piece, context) - (j - i < len(parts)) - (i > 0)
            if value > best_score:
                best, best_score = piece, value
    if not best:
        return ""
    return best + (end if sentence.rstrip("。！？").endswith(best) else "。")


def summarize(text: str, context: Context | None = None, *, max_chars: int = MAX_CHARS,
              max_sentences: int = MAX_SENTENCES) -> str:
    """At most ``max_sentences`` sentences and about ``max_chars`` characters, in order."""
    context = context or Context()
    found = [s if s[-1] in "。！？" else s + "。"
             for s in _SENTENCE.findall(clean(text, context.names)) if s.strip("。！？")]
    ranked = sorted(range(len(found)), key=lambda i: (-score(found[i], context), i))
    chosen: dict[int, str] = {}
    room = max_chars
    for i in ranked:
        if len(chosen) == max_sentences or room < MIN_PIECE:
            break
        if chosen and score(found[i], context) <= 0:
            break
        piece = found[i] if len(found[i]) <= room else _window(found[i], room, context)
        if len(piece) >= min(MIN_PIECE, len(found[i])):
            chosen[i] = piece
            room -= len(piece)
    return "".join(chosen[i] for i in sorted(chosen))
