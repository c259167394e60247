"""Extractive summaries of one turn: the speaker's most informative sentences, in order.

Nothing is invented: the turn is first *cleaned* (:func:`clean`: half-width punctuation beside
Chinese made full-width, a 【书面发言】 label, spoken fillers and greetings/thanks dropped), and
every sentence of a summary is a contiguous piece of the cleaned text (a whole sentence, or a
run of its clauses when the sentence is too long), followed by its end punctuation; a sentence
with no clause short enough is cut at the limit (at a space if it can be) and ends in …… / ….
Sentences end at 。！？ and at . ! ? before a space or Chinese; clauses at ，：；and , ; (never
inside 1,500, 9:30 or 2.5), so English and unpunctuated turns are summarised too.

Sentences are scored for substance: numbers, place and unit names, proposals, commitments,
questions, the session's keywords; self-introductions and procedural remarks score nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

MAX_CHARS = 120
CLOSING_MIN_SCORE = 1.0  # "时间差不多了，我来做个小结。" "散会，谢谢大家！" score below it
MAX_SENTENCES = 3
MIN_PIECE = 12  # a clause window shorter than this is not worth adding
MAX_STARTS = 64  # a run of clauses starts within the first this many clauses of a sentence

_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef“”‘’"
_HALF = re.compile(rf"(?<=[{_CJK}])\s*([,!?;:])\s*|\s*([,!?;:])(?=[{_CJK}])")
_FULL = {",": "，", "!": "！", "?": "？", ";": "；", ":": "："}
_STOP = re.compile(r"(?<=[\u3400-\u9fff])\s*\.(?![\d.A-Za-z])\s*")
_LABEL = re.compile(r"^\s*【[^】]{1,10}】\s*")
_FILLERS = (
    re.compile(r"(?:(?<![也这])就是说|说实话|说实在的|实话实说|怎么说呢|你知道吗|讲句实话)[，？]?"),
    re.compile(r"(?:^|(?<=[，。！？；：]))(?:那个|这个|嗯+|呃+)[，]"),
    re.compile(r"[嗯呃]+(?=[，。！？；：])"),
    re.compile(r"(?<=[\u4e00-\u9fff])[啊呀]+(?=[，。！？；：]|$)"),
    re.compile(r"(?<=[\u4e00-\u9fff])呢(?=[，：])"),
)
_REPEATED = re.compile(r"([，：；])[，：；]+")
_LOOSE = re.compile(r"(?:^|(?<=[。！？]))[，：；、,;\s]+|[，：；、,;\s]+(?=[。！？.!?]|$)")
ENDS = "。！？.!?"
_CLOSING = "”’」』）)\"'"
# A sentence ends at 。！？, or at . ! ? before a space, the end or Chinese (not 2.5, not 1,500).
_BOUNDARY = re.compile(rf"(?:[。！？]+|[.!?]+(?=[{_CLOSING}]*(?:\s|$))"
                       rf"|(?<!\d)[.!?]+(?=[{_CLOSING}]*[{_CJK}]))[{_CLOSING}]*|\n")
_NOT_AN_END = re.compile(r"^\(?(?:\d{1,3}|[A-Za-z])\.$"  # a list number: 1. a.
                         r"|(?:^|\s)(?:Mr|Mrs|Ms|Dr|Prof|No|St|vs|e\.g|i\.e)\.$")
_END = re.compile(rf"[{ENDS}]+[{_CLOSING}]*$")
_HAN = re.compile(r"[\u3400-\u9fff]")
_CLAUSE = re.compile(r"(?:[^，：；,;]|(?<=\d)[,;](?=\d))+[，：；,;]?")
_PAUSES = "，：；、,;: "
# Forms of address: 各位领导、各位委员, 家乡的乡亲们, 在座的各位 ...; a greeting is one of them
# with 好 (大家好, 各位领导下午好), a vocative one ending in a noun (各位委员、各位乡亲，).
_WHO = (r"(?:领导|委员|代表|同志|朋友|乡亲|父老|长辈|摊主|居民|村民|邻居|街坊|家长|嘉宾|来宾|专家"
        r"|老师|群众|干部|同事|同仁|商户|业主|老乡|网友|同学)")
_TO = rf"(?:各位|大家|尊敬的|在座的|家乡的?|部门的|线上的|现场的|{_WHO}|们|[、和及])*"
_OPENING = re.compile(
    r"^(?:(?:好的?|嗯|对|是的?)(?:[，！]|$)"
    r"|(?:谢谢|感谢|多谢)[^，。！？]{0,10}(?:[，！。]|$)"
    r"|(?i:thanks|thank you)[^，。！？.!?,]{0,20}(?:[，！。.!?,]\s*|$)"
    rf"|(?:各位|大家|同志们|乡亲们|尊敬的){_TO}(?:上午|下午|晚上|早上|中午)?好(?:[，！。]|$)"
    rf"|(?:各位|尊敬的){_TO}{_WHO}们?(?:[，！：]|$))*")
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
_QUESTION = re.compile(r"[？?]$|吗|什么时候|怎么|多少|有没有|到底|谁来|是否|几次")


@dataclass(frozen=True)
class Context:
    """What makes a sentence informative in this session (names are never substance)."""

    names: frozenset[str] = frozenset()
    units: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()


def full_width(text: str) -> str:
    """Half-width , ! ? ; : beside Chinese text as full-width, and a . ending a Chinese
    sentence as 。 (1,500, 3:30 and 2.5 untouched)."""
    return _STOP.sub("。", _HALF.sub(lambda m: _FULL[m.group(1) or m.group(2)], text))


def sentences(text: str) -> list[str]:
    """The sentences of a text, each with its end marks (if it has any)."""
    pieces, start = [], 0
    for m in _BOUNDARY.finditer(text):
        if not _NOT_AN_END.search(piece := text[start:m.end()].strip()):
            pieces.append(piece)
            start = m.end()
    pieces.append(text[start:].strip())
    return [p for p in pieces if p.strip(ENDS + _CLOSING)]


def _body(sentence: str) -> str:
    """The sentence without its end marks."""
    end = _END.search(sentence)
    return sentence[:end.start()] if end else sentence


def _stop(text: str) -> str:
    """The end mark for a text that has none: 。 for Chinese, . for other text."""
    return "。" if _HAN.search(text) else "."


def _close(sentence: str) -> str:
    """The sentence with an end mark (never a second one: no "Thanks!。")."""
    return sentence if _body(sentence) != sentence else sentence + _stop(sentence)


def _join(pieces: Iterable[str]) -> str:
    """Sentences as one text: a space after one that ends in a Latin mark, as in English."""
    out: list[str] = []
    for piece in pieces:
        out += [" ", piece] if out and out[-1][-1].isascii() else [piece]
    return "".join(out)


def _drop_opening(sentence: str, names: Iterable[str]) -> str:
    """Greetings, thanks and a self-introduction are not substance."""
    opening = _OPENING.match(sentence)
    sentence = sentence[opening.end():] if opening else sentence
    if not sentence.strip(ENDS + _CLOSING + " "):
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
    kept = (_LOOSE.sub("", _drop_opening(_LOOSE.sub("", s), names)) for s in sentences(text))
    return _join(_close(s) for s in kept if s)


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
    body = _body(sentence)
    end = sentence[len(body):]
    parts = _CLAUSE.findall(body)
    best, best_score = "", float("-inf")
    for i in range(min(len(parts), MAX_STARTS)):
        for j in range(i + 1, len(parts) + 1):
            piece = "".join(parts[i:j]).strip().rstrip(_PAUSES)
            if len(piece) + len(end) > limit:
                break
            value = score(piece, context) - (j - i < len(parts)) - (i > 0)
            if value > best_score:
                best, best_score = piece, value
    if not best:
        return ""
    return best + (end if body.endswith(best) else _stop(best))


def _cut(sentence: str, limit: int, context: Context) -> str:
    """The best clause of a sentence with no clause short enough, cut at about ``limit``
    characters (at a space if there is one in its second half), with an ellipsis."""
    clauses = [c.strip().rstrip(_PAUSES) for c in _CLAUSE.findall(_body(sentence))]
    clause = max(clauses, key=lambda c: score(c, context), default="")
    mark = "……" if _HAN.search(clause) else "…"
    piece = clause[:limit - len(mark)]
    space = piece.rfind(" ")
    if space > len(piece) // 2 and clause[len(piece):len(piece) + 1] not in ("", " "):
        piece = piece[:space]
    return piece.rstrip(_PAUSES) + mark if piece.strip() else ""


def summarize(text: str, context: Context | None = None, *, max_chars: int = MAX_CHARS,
              max_sentences: int = MAX_SENTENCES, min_score: float = 0.0) -> str:
    """At most ``max_sentences`` sentences and about ``max_chars`` characters, in order; a
    single sentence too long for ``max_chars`` is cut rather than left out. Past the first,
    a sentence must score above ``min_score`` (a closing keeps its points, not its
    procedural words: ``CLOSING_MIN_SCORE``)."""
    context = context or Context()
    found = [_close(s) for s in sentences(clean(text, context.names))]
    ranked = sorted(range(len(found)), key=lambda i: (-score(found[i], context), i))
    chosen: dict[int, str] = {}
    room = max_chars
    for i in ranked:
        if len(chosen) == max_sentences or room < MIN_PIECE:
            break
        if chosen and score(found[i], context) <= min_score:
            break
        piece = found[i] if len(found[i]) <= room else _window(found[i], room, context)
        if not piece and not chosen:
            piece = _cut(found[i], room, context)
        if len(piece) >= min(MIN_PIECE, len(found[i])):
            chosen[i] = piece
            room -= len(piece) + piece[-1].isascii()  # and the space after it
    return _join(chosen[i] for i in sorted(chosen))
