"""Sentences, clauses, enumeration markers and fillers in spoken Chinese.

Small, pure helpers for the extractors: split a turn into sentences and clauses, recognise
enumeration markers (第一/二是/另外 ...) and drop spoken fillers (那个, 就是, 说实话 ...).
"""

from __future__ import annotations

import re
from functools import lru_cache

_SENTENCE_END = re.compile(r"(?<=[。！？!?；;…\n])")
_CLAUSE_SEP = re.compile(r"[，,：]|(?<!\d):|:(?!\d)|(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")
_TRAILING_PUNCT = re.compile(r"[\s。！？!?；;，,：:、…—-]+$")
_LEADING_PUNCT = re.compile(r"^[\s。！？!?；;，,：:、…—-]+")
_PIECE_END = re.compile(r"[\s，,、]+$")
_SPEECH_LABEL = re.compile(r"^\s*【[^】]{1,10}】")

# Ordinal markers: they start an item of a list ("第一，" "二是" "另一个是" "①" "头一个").
# Not an ordinal that counts days, times or ranks ("第二天早上……" "第一次" "第一时间" "第一个
# 月"): it tells when, it numbers no point.
NOT_POINT = r"(?![天次年周晚夜届名代批轮期号回遍趟时]|个(?:月|星期|礼拜|小时|钟头|季度))"
ORDINAL = re.compile(
    r"^(?:第[一二三四五六七八九十]{1,2}" + NOT_POINT + r"(?:个|条|点|项|方面)?(?:是|呢|就是)?"
    r"|首先|其次|最后一(?:个|条|点)|最后(?=[，,：:])"
    r"|[一二三四五六七八九十]是|[一两二]?(?:个|条|点)(?:是)|另一(?:个|条|点)(?:是)?"
    r"|[一二三四五六七八九十]{1,2}、|\d{1,2}(?:[、)）]|[.．](?!\d))|[（(][一二三四五六七八九十\d]{1,2}[）)]"
    r"|[①②③④⑤⑥⑦⑧⑨⑩]|头一(?:个|条|点)(?:是)?"
    # the two sides of a plan ("一方面，……，另一方面，……"), each a point of its own
    r"|另?一方面"
    # a count said alone in speech ("一个，……，二个，……"): the clause is the point's marker
    r"|[一二三四五六七八九十]个(?=[，,：:]|$))"
    r"(?:呢|啊)?[，,：:]?")
# Continuation markers: they add one more item but do not count ("另外" "还有").
CONTINUATION = re.compile(
    r"^(?:(?:但是|不过|另外)?还有一(?:个|条|点)|另外|此外|再一个|再有|再就是|还有就是|还有)"
    r"(?:呢|啊|的话|就是)?[，,：:]?")

_FILLERS = (
    (re.compile(r"(?:^|(?<=[，,：:]))(?:那个|这个|就是说|就是|说实话|说实在的|怎么说呢|其实|"
                r"坦白讲|讲句实话|我觉得|我认为|我看(?![着到了见])|我想)[，,]?"), ""),
    (re.compile(r"(?:那个|怎么说呢|说实话|说实在的)[，,]"), ""),
    (re.compile(r"(?<=[\u4e00-\u9fff])(?:呢|啊|吧|嘛|呀)(?=[，,。！？!?；;：:]|$)"), ""),
    (re.compile(r"一下(?=[，,。！？!?；;]|$)"), ""),
    (re.compile(r"[，,]{2,}"), "，"),
)


_HEADER_END = re.compile(r"[：:]\s*$")


def sentences(text: str) -> list[str]:
    """The turn's sentences, trimmed, without the end punctuation; a 【书面发言】 label dropped.
    A line that ends in a colon keeps it ("为此建议：" over a list on the next lines)."""
    text = _SPEECH_LABEL.sub("", text)
    parts = ((_TRAILING_PUNCT.sub("", _LEADING_PUNCT.sub("", p)),
              bool(_HEADER_END.search(p))) for p in _SENTENCE_END.split(text))
    return [p + "：" if colon else p for p, colon in parts if p]


_SERIES_END = re.compile(r"[；;]\s*$")


def in_series(text: str) -> list[bool]:
    """For each of :func:`sentences`, whether it ends in a semicolon: the next one goes on
    with the same series ("我建议……；……。")."""
    text = _SPEECH_LABEL.sub("", text)
    parts = ((_TRAILING_PUNCT.sub("", _LEADING_PUNCT.sub("", p)), bool(_SERIES_END.search(p)))
             for p in _SENTENCE_END.split(text))
    return [semi for p, semi in parts if p]


def clauses(sentence: str) -> list[str]:
    """Comma- and colon-separated clauses (the 、 of a list stays inside its clause)."""
    return list(_clauses(sentence))


@lru_cache(maxsize=8192)
def _clauses(sentence: str) -> tuple[str, ...]:
    return tuple(c.strip() for c in _CLAUSE_SEP.split(sentence) if c.strip())


def marker(clause: str) -> re.Match[str] | None:
    """The enumeration marker a clause starts with, if any."""
    return ORDINAL.match(clause) or CONTINUATION.match(clause)


# "还有" before one more thing of the kind just named ("我们倒班的，还有家里临时有事的"): the
# same list of things goes on, no new item.
_ALIKE = re.compile(r"^还有(?!一|个|就是|呢|啊)[^，,]{1,12}的$")


# "把0到3岁婴幼儿的底数，还有家里想不想送托，建一个台帐": "还有" after what 把 takes, before
# its verb, adds to the thing taken: the same item. So it does after whom a preposition names
# before the verb ("至少对店里的员工，还有来办事的残疾人，能不能……"): one more of them.
_TAKEN = re.compile(r"^(?:所以|那|我建议|建议|能不能|可不可以)?[，,]?(?:把|将)[^，,]{1,14}$|"
                    r"^(?:至少|尤其是|特别是|主要是)?(?:对|给|为|向)(?!不起|了|的|啊)"
                    r"[^，,要能会可该得就]{1,12}的[^，,的个了]{1,5}$")  # (whom: "……的X")
_DONE = re.compile(r"(?:好|掉|起来|出来|下来|清楚|到位|干净|完|了|上|下|走|开|通)$")
# An example said between what 把 takes and "还有" ("把开放时间，比如早上八点到晚上八点，还有
# 责任怎么划分，写清楚"): the thing taken is still waiting for its verb.
_EXAMPLE = re.compile(r"^(?:比如|比方说|例如|像是?|包括)")


def _one_more_alike(taken: str, before: str, clause: str) -> bool:
    if clause.startswith("还有") and taken and not _DONE.search(taken):
        return True
    return before.endswith("的") and _ALIKE.match(clause) is not None


def split_items(sentence: str) -> list[str]:
    """Cut a sentence before each clause that starts an item ("……，第二，……"); a bare "一个"
    within it starts one only when a bare "二个" follows ("……，一个，……，二个，……"): else it is
    a number ("剩，一个，车道").

    The pieces keep their own punctuation, but not the comma before the next item.
    """
    cuts, pos, before, taken = [0], 0, "", ""
    parts = clauses(sentence)
    for k, clause in enumerate(parts):
        at = sentence.find(clause, pos)
        if marker(clause) and at > 0 and not _one_more_alike(taken, before, clause) \
                and not (clause == "一个" and "二个" not in parts[k + 1:]):
            cuts.append(at)
        pos, before = at + len(clause), clause
        taken = clause if _TAKEN.match(clause) else taken if _EXAMPLE.match(clause) else ""
    pieces = (sentence[a:b] for a, b in zip(cuts, [*cuts[1:], len(sentence)], strict=True))
    return [p for p in (_PIECE_END.sub("", _LEADING_PUNCT.sub("", p)) for p in pieces) if p]


def strip_marker(text: str) -> str:
    m = marker(text)
    return _LEADING_PUNCT.sub("", text[m.end():]) if m else text


def strip_fillers(text: str) -> str:
    for pattern, repl in _FILLERS:
        text = pattern.sub(repl, text)
    return _TRAILING_PUNCT.sub("", _LEADING_PUNCT.sub("", text))
