"""关键词: the session's keywords, by TF-IDF over everything said (jieba, loaded lazily).

Candidates are the dictionary's nouns (place, organisation and other nouns and verbal nouns;
never personal names), plus the topic's own words and short quoted terms (“一企一档”), which
the dictionary may not know. Generic meeting words, attendees' names and the hall's name are
left out. jieba's dictionary loads once per process (about a second); it logs nothing.
"""

from __future__ import annotations

import re
import warnings
from collections import Counter
from functools import cache
from typing import Any

from transcripts import segmenter
from transcripts.minutes.model import Transcript

TOP = 10
NOUNS = ("n", "ns", "nt", "nz", "vn", "nw")
GENERIC = frozenset("""
大家 问题 我们 这个 情况 同志 委员 事情 时候 东西 地方 办法 想法 意见 建议 工作 领导 代表 部门
老百姓 群众 镇里 村里 乡里 县里 市里 局里 会长 局长 组长 科长 老师 师傅 老板 老人 同学 人家
方面 时间 问题 一下 今天 明天 去年 今年 明年 这次 一次 协商 议事堂 议题 发言 回应 补充 主持
共识 小结 纪要 政府 单位 负责人 个人 家里 心里 对方 样子 一点 作用 关系 条件 结果 过程 声音
""".split())
_QUOTED = re.compile(r"[“\"「]([\u4e00-\u9fff]{2,6})[”\"」]")


@cache
def _jieba() -> tuple[Any, Any, dict[str, float], float]:
    """(jieba, its word -> part-of-speech table, IDF table, median IDF), loaded once."""
    module = segmenter.jieba()
    tfidf = module.analyse.default_tfidf
    return module, module.posseg.dt.word_tag_tab, tfidf.idf_freq, float(tfidf.median_idf)


def _excluded(transcript: Transcript) -> set[str]:
    names = {a.name for a in transcript.attendance} | {u.speaker for u in transcript.utterances}
    return {transcript.hall or "", *names} - {""}


def _usable(word: str, excluded: set[str]) -> bool:
    return (len(word) >= 2 and word not in GENERIC and not word.isascii()
            and not any(word in other for other in excluded))


def extract_keywords(transcript: Transcript, top: int = TOP) -> tuple[str, ...]:
    """The ``top`` keywords, most characteristic first (deterministic)."""
    text = "\n".join(u.text for u in transcript.utterances)
    if not text.strip():
        return ()
    jieba, tags, idf, median = _jieba()
    excluded = _excluded(transcript)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        words = Counter(w for w in jieba.cut(text, HMM=False)
                        if tags.get(w, "x") in NOUNS and _usable(w, excluded))
        special = [w for w in jieba.cut(transcript.topic) if len(w) >= 2]
    special += _QUOTED.findall(text)
    for term in dict.fromkeys(special):
        if _usable(term, excluded) and text.count(term) >= 2:
            words[term] = text.count(term) * 2
    total = sum(words.values()) or 1
    weight = {w: n / total * idf.get(w, median) for w, n in words.items()}
    ranked = sorted(weight, key=lambda w: (-weight[w], w))
    chosen: list[str] = []
    for word in ranked:
        if not any(word in c or c in word for c in chosen):
            chosen.append(word)
        if len(chosen) == top:
            break
    return tuple(chosen)
