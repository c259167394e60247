"""Spoken text as the extractors read it: sentence units for speech recognition output.

Whisper (and people dictating) give text with runs of spaces instead of punctuation, fillers
and self-corrections. Before suggestions, follow-up items, consensus and summaries are read,
each turn is *prepared* (the record and the verbatim annex keep what was said):

- **sentence units**: a space between Chinese characters is a pause: a clause boundary (，),
  or a sentence boundary (。) before a discourse marker that starts a new point (第一, 二是,
  还有, 另外, 然后, 最后, 首先, 会后, 下一步 ...); a bare numeral said as a list point
  ("一 请…… 二 由……") becomes "一、"; a line break ends a sentence;
- **fillers** (嗯 啊 呃 哦 那个 这个 就是说 然后呢 ...) standing alone between pauses are dropped;
- **details of a point**: lower list markers inside a numbered point ((1) ① after "2.")
  read as an inline list, so the point stays one proposal;
- **dialect pronouns**: 俺们 and 俺 read as 我们 and 我 (俺们公司 commits like 我们公司);
- **self-corrections** (哦不对, 不对不对, 我说错了, 说错了, 口误, 更正一下, 哦不; a bare 不是 or
  ……不 between two values): the corrected value wins. When the words after the correction
  start with a deadline or a number and the words before it hold one, that one is replaced
  in place (十一月底前 哦不对 12月底前 完成 → 12月底前完成); otherwise the short piece before
  the correction is dropped. When the words after it only say the wrong deadline again, and
  why (月底前 哦不对 月底前 来不及 下个月十号前), the next deadline of the following few pieces
  is the corrected one;
- **lists of things**: numbered things said one after another ("5栋 9栋 14栋") read as a list
  (5栋、9栋、14栋), and a pause before 和/以及 stays inside the list.

Written text (punctuated, no runs of spaces) goes through unchanged but for self-corrections.
"""

from __future__ import annotations

import re
from dataclasses import replace

from transcripts.minutes.deadlines import find_deadline
from transcripts.minutes.model import Transcript
from transcripts.minutes.units import unit_at

_HAN = r"\u3400-\u9fff"
# a pause: spaces between two Chinese characters (or a Chinese character and a digit)
_PAUSE = re.compile(rf"(?<=[{_HAN}0-9%])[ \t\u3000]+(?=[{_HAN}0-9])|(?<=[{_HAN}])[ \t\u3000]+"
                    rf"(?=[A-Za-z])|(?<=[A-Za-z])[ \t\u3000]+(?=[{_HAN}])")
# "还有" before a noun continues a list of things ("斑马线 限速标志 还有临时信号灯"); before
# 一个/就是 or standing alone it opens another point.
_POINT = re.compile(r"^(?:第[一二三四五六七八九十]{1,2}(?:个|条|点|项|方面|件)?"
                    r"|[一二三四五六七八九十]是|一个是|另一个是|另?一方面|还有(?=一|个|就是|，|$)"
                    r"|另外|此外|然后|最后|首先|其次|再一个|再就是|会后|下面|接下来|下一步)")
# What announces the points that follow: "我提两个建议" "我讲两条" "建议如下" -> a colon
# (but not a clause that opens on 几点: "分几批，几点开门" asks the time of day, nor a clock
# time: "图书室下午两点半开门" "三点五十放学" tell when, a numeral or 半 after 点)
_HEADER = re.compile(r"(?:建议|想法|意见|看法|要求|请求|如下|这样"
                     r"|(?:[两二三四五六]|(?<=[^，,。\s])几)\s*"
                     r"(?:条|点(?![零一二三四五六七八九十半钟整0-9])|个|件)[^，。]{0,4})$")
_BARE_NUMERAL = re.compile(r"^[一二三四五六七八九十]$")
_FILLER = re.compile(r"^(?:嗯|啊|呃|哦|唉|额|噢|哎|那个|这个|就是|就是说|然后|然后呢|那么|对吧|是吧"
                     r"|你知道|怎么说呢|我想想|对对|对对对|好|好吧)+$")
_LEAD_FILLER = re.compile(r"^(?:嗯|啊|呃|额|噢)+")
CORRECTION = re.compile(r"^(?:哦不对|噢不对|啊不对|不对不对|不对|我说错了|说错了|口误|更正一下"
                        r"|哦不是|哦不)[，,]?")
# What leads the right value after a correction: "哦不对 应该是十月底前" "说错了 是三百".
RIGHT_LEAD = re.compile(r"^(?:应该是|应当是|应是|是)"
                        r"(?=[0-9０-９零〇一二两三四五六七八九十百千万本下这今明年月周])")
_NUMBER = re.compile(r"[0-9０-９]+(?:\.[0-9]+)?|[零〇一二两三四五六七八九十百千万]{1,8}")
_SPEECH = re.compile(rf"[{_HAN}][ \t\u3000]+[{_HAN}]")
_PUNCT = "，。！？；：、,.!?;:"
# A point of a list ("2. ……" "一是……" "（一）……") may list its details with lower markers on
# the same line: "基础包包括：(1)加装扶手;(2)地面防滑" reads as one point, "加装扶手、地面防滑".
# The levels of Chinese official numbering: 一、 > （一） > 1. > （1） > ①.
_N = "[一二三四五六七八九十]{1,2}"
_LEVELS = (
    re.compile(rf"{_N}、|{_N}是|第{_N}(?=[，,、：:])"),
    re.compile(rf"[（(]{_N}[）)]"),
    re.compile(r"(?<![\d.．])\d{1,2}[.、．](?!\d)"),
    re.compile(r"[（(]\d{1,2}[）)]"),
    re.compile(r"[①②③④⑤⑥⑦⑧⑨⑩]"),
)
_SEP = r"\s*[;；,，]?\s*"


def _level(line: str) -> int | None:
    """The numbering level a line opens with (0 the highest), if it is a point of a list."""
    head = line.lstrip()
    return next((n for n, marker in enumerate(_LEVELS) if marker.match(head)), None)


def _inline_details(text: str) -> str:
    lines = text.split("\n")
    for i, line in enumerate(lines):
        level = _level(line)
        if level is None:
            continue
        head = _LEVELS[level].match(line.lstrip())
        start = len(line) - len(line.lstrip()) + (head.end() if head else 0)
        for lower in _LEVELS[level + 1:]:
            detail = re.compile(_SEP + lower.pattern + r"\s*")
            rest = line[start:]
            if len(detail.findall(rest)) >= 2:  # a list inside the point: its details
                rest = detail.sub(lambda m: "" if m.string[:m.start()].endswith(("：", ":"))
                                  else "、", rest)
                line = line[:start] + rest
        lines[i] = line
    return "\n".join(lines)


# A bracketed heading on a line of its own ("【建议】") heads what follows: "建议："
_HEADING = re.compile(r"^\s*【([^】]{1,10})】\s*$", re.M)


# Northern and rural first persons, read as the standard ones (俺们公司 is 我们公司)
_PRONOUNS = {"俺们": "我们", "俺": "我"}
_DIALECT = re.compile("俺们|俺")
MAX_DROPPED = 12  # characters: a longer piece before a correction is kept (too much to lose)


def speech_like(text: str) -> bool:
    """Whether the text has pauses written as spaces (speech recognition, dictation)."""
    return bool(_SPEECH.search(text))


def _units(text: str) -> list[tuple[str, str]]:
    """(piece, what ends it) for the text cut at pauses and at its commas: recognisers that
    punctuate some pauses and not others ("6月底，嗯 不对，6月底来不及，7月20日前完成") give
    pieces of both kinds, and a filler or a correction stands alone only between them."""
    pieces: list[tuple[str, str]] = []
    for line in text.splitlines():
        parts = _PAUSE.split(line.strip())
        for i, part in enumerate(parts):
            end = "。" if i == len(parts) - 1 else " "
            clauses = [c for c in _COMMA.split(part) if c.strip("，,")]
            for k, clause in enumerate(clauses):
                last = k == len(clauses) - 1
                pieces.append((clause if last else clause.rstrip("，,"), end if last else "，"))
    return pieces


_COMMA = re.compile(r"(?<=[，,])")


def _correct(before: str, after: str) -> tuple[str, str] | None:
    """``before`` with its deadline or number replaced by the one ``after`` starts with, and
    what is left of ``after``; None when they hold nothing alike."""
    unit = _corrected_unit(before, after)
    if unit is not None:
        return unit
    after = RIGHT_LEAD.sub("", after, count=1)
    said = find_deadline(after)
    if said is not None and said[1][0] == 0:
        old = find_deadline(before)
        if old is not None:
            start, end = old[1]
            return before[:start] + said[0] + before[end:], after[said[1][1]:]
    new = _NUMBER.match(after)
    if new is not None:
        numbers = list(_NUMBER.finditer(before))
        if numbers:
            last = numbers[-1]
            if len(before) - last.end() <= 2:  # only a unit after it: 三百元 -> 五百元
                return before[:last.start()] + after, ""
            return (before[:last.start()] + new.group() + before[last.end():],
                    after[new.end():])
    return None


# What leads the right unit after a correction: "由城管中队 更正一下 应该是综合行政执法队负责".
RIGHT_UNIT_LEAD = re.compile(r"^(?:应该是|应当是|应是|是由|是)")


def _corrected_unit(before: str, after: str) -> tuple[str, str] | None:
    """``before`` with the unit it ends with (within two characters) replaced by the unit
    ``after`` starts with, and what follows it; None when they do not both name one."""
    right = RIGHT_UNIT_LEAD.sub("", after, count=1)
    if not unit_at(right):
        return None
    for i in range(len(before)):
        if before[i] in "由请让叫":  # the frame stays: "由X负责" -> "由Y负责"
            continue
        wrong = unit_at(before[i:])
        if wrong and len(before) - (i + len(wrong)) <= 2:
            return before[:i] + right, ""
    return None


def _resolve_corrections(pieces: list[str]) -> list[str]:
    """Pieces with each self-correction applied (see the module doc)."""
    out: list[str] = []
    for piece in pieces:
        m = CORRECTION.match(piece)
        if m is None or not out:
            out.append(piece)
            continue
        rest = piece[m.end():].lstrip("，, ")
        if not rest:  # the correction stands alone: the next piece says the right value
            if out[-1] != "\0":  # "哦不是 我说错了": one correction said twice
                out.append("\0")
            continue
        out = _apply(out, rest)
    return out


def _apply(out: list[str], rest: str) -> list[str]:
    if out and out[-1] == "\0":
        out = out[:-1]
    if not out:
        return [rest]
    fixed = _correct(out[-1], rest)
    if fixed is not None:
        before, left = fixed
        return [*out[:-1], before + left] if left else [*out[:-1], before]
    if len(out[-1]) <= MAX_DROPPED:
        return [*out[:-1], rest]
    return [*out, rest]


def _pending(pieces: list[str]) -> list[str]:
    """A standalone correction (``\\0``) applied with the piece that follows it; when that
    piece only says the wrong deadline again ("月底前 哦不对 月底前 来不及 下个月十号前"), with
    the next piece (of the next few) that starts with another one: the words between are why."""
    out: list[str] = []
    skip_to = -1
    for i, piece in enumerate(pieces):
        if i < skip_to:
            continue
        if out and out[-1] == "\0":
            later = _restated_value(pieces, i, out[-2] if len(out) > 1 else "")
            if later is not None:
                piece, skip_to = pieces[later], later + 1
            out = _apply(out, piece)
        else:
            out.append(piece)
    return [p for p in out if p != "\0"]


RESTATED_WINDOW = 3  # pieces after a repeated wrong value in which the right one may come


def _restated_value(pieces: list[str], i: int, before: str) -> int | None:
    """Where the corrected deadline comes when ``pieces[i]`` repeats the wrong one."""
    said, old = find_deadline(pieces[i]), find_deadline(before)
    if said is None or old is None or said[0] != old[0]:
        return None
    for j in range(i + 1, min(i + 1 + RESTATED_WINDOW, len(pieces))):
        new = find_deadline(pieces[j])
        if new is not None and new[1][0] == 0 and new[0] != old[0]:
            return j
    return None


# A short numbered thing ("5栋" "十二号" "三组"): said one after another, they are a list.
_NUMBERED = re.compile(r"^[0-9一二三四五六七八九十]{1,3}[^\s0-9一二三四五六七八九十，。]$")


# A pause before "和" / "以及" / "及" is inside a list of things.
_JOINS = re.compile(r"^(?:和|以及|及)(?!大家|各位|我们|你们)")


def _punctuate(pieces: list[tuple[str, str]]) -> str:
    text = ""
    numeral = False
    for k, (piece, end) in enumerate(pieces):
        following = pieces[k + 1][0] if k + 1 < len(pieces) else ""
        if end == " " and _NUMBERED.match(piece) and _NUMBERED.match(following):
            text += piece + "、"
            continue
        if end == " " and _JOINS.match(following) and piece[-1] not in _PUNCT:
            text += piece  # "东门 和西门": one thing and another, not two clauses
            continue
        if numeral:
            text += piece + (end if end != " " else "，")
            numeral = False
            continue
        if _BARE_NUMERAL.match(piece) and end == " ":
            text = _close(text) + piece + "、"
            numeral = True
            continue
        if _POINT.match(piece) and text:
            text = _close(text)
        text += piece + ("，" if end == " " and piece[-1] not in _PUNCT else
                         "" if end == " " else end if piece[-1] not in _PUNCT else "")
    return text.rstrip("，")


def _close(text: str) -> str:
    """End the text so far before a new point: a colon after a header that announces the
    points ("我提两个建议：第一，……"), else a full stop."""
    text = text.rstrip("，, ")
    if not text or text[-1] in "。！？!?；;：:":
        return text
    return text + ("：" if _HEADER.search(text) else "。")


# A bare "不是" / "不" between a value and another ("两周内，不是，十天内" "本周内……不，下周五前")
# corrects the first: read as "不对". Only before a value: "不是" otherwise says no.
_VALUE = r"(?=[0-9０-９零〇一二两三四五六七八九十百本下这今明年月周])"
_BARE_CORRECTION = re.compile(rf"(?<=[，,\s])不是(?=[，,\s]+{_VALUE})|"
                              rf"(?:……|…|——|—)\s*不(?:是|对)?[，,\s]+{_VALUE}")


def _bare_corrections(text: str) -> str:
    return _BARE_CORRECTION.sub(lambda m: "不对" if m.group() == "不是" else "，不对，", text)


def prepare(text: str) -> str:
    """The turn as the extractors read it (see the module doc)."""
    text = _bare_corrections(_DIALECT.sub(lambda m: _PRONOUNS[m.group()], text))
    text = _inline_details(_HEADING.sub(r"\1：", text))
    if not speech_like(text):
        if CORRECTION.search(text) or "不对" in text or "说错" in text:
            return _fix_written(text)
        return text
    units = _units(text)
    kept = [(_LEAD_FILLER.sub("", p), e) for p, e in units if not _FILLER.match(p)]
    kept = [(p, e) for p, e in kept if p]
    ends = [e for _, e in kept]
    fixed = _pending(_resolve_corrections([p for p, _ in kept]))
    if len(fixed) != len(ends):  # corrections merged pieces: pauses stay pauses
        ends = [" "] * (len(fixed) - 1) + ["。"]
    return _punctuate(list(zip(fixed, ends, strict=True)))


def _fix_written(text: str) -> str:
    """Self-corrections in punctuated text: clause by clause."""
    parts = re.split(r"(?<=[，,])", text)
    pieces = [p.rstrip("，,") for p in parts]
    if not any(CORRECTION.match(p.strip()) for p in pieces):
        return text
    fixed = _pending(_resolve_corrections([p.strip() for p in pieces if p.strip()]))
    return "，".join(fixed)


def prepared(transcript: Transcript) -> Transcript:
    """The transcript with every turn prepared for extraction."""
    return replace(transcript, utterances=tuple(
        replace(u, text=prepare(u.text)) for u in transcript.utterances))
