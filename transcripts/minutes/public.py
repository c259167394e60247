"""The public (showcase) version of the minutes: residents are not named.

Residents (and attendees of kind "other", and speakers missing from the attendance) become
群众代表甲, 群众代表乙 … in order of first appearance (first turn, then the sign-in order). A
name is private when any attendee of that name is private; the session's moderator never is.
Every human-readable text is rewritten: heading, proceedings, suggestions' proposers,
statistics, the sign-in annex, the verbatim annex and every text that mentions them. Besides
the full name, the short forms go too: the given name of two characters or more (海波), with a
form of address (红梅阿姨), and the surname with one (老郑, 郑师傅, 小杜), which stands for the
first private person of that surname even when others share it (privacy wins).

A short form is replaced only where it names someone: not inside a longer word of jieba's
dictionary (小程序, 不小于, 小范围), and, when it is itself an everyday word of the dictionary
(小钱, 国庆, 海军), only beside words that point to a person (谢谢老方, 海波说). Names in Latin
letters match whole words only. Code fields (kind, turn, source, origin, category, marks,
status, language) are never touched. Members, departments, experts, businesses and units keep
their names. The result is a :class:`Minutes` like any other, for the same renderers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import fields, is_dataclass, replace
from functools import cache, lru_cache
from typing import Any

from transcripts import segmenter
from transcripts.minutes.model import KIND_ZH, UNKNOWN_SPEAKER, Minutes, Transcript

PRIVATE = ("resident", "other")
STEMS = "甲乙丙丁戊己庚辛壬癸"
COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "令狐", "慕容", "司徒",
                     "夏侯", "尉迟", "公孙", "长孙", "宇文", "端木", "西门", "南宫")
ADDRESS_BEFORE = ("老", "小", "阿")
ADDRESS_AFTER = ("师傅", "阿姨", "大爷", "大妈", "大姐", "大哥", "大叔", "大伯", "老板", "老师",
                 "总", "先生", "女士", "叔", "伯", "婶", "嫂", "姐", "哥", "奶奶", "爷爷", "老伯")
# Fields holding codes, not text: never rewritten (a name "res" must not touch "resident").
CODES = frozenset({"kind", "turn", "source", "origin", "category", "marks", "status",
                   "language", "attendance_by_kind"})
# Words beside which an everyday word (小钱, 老方, 国庆) is taken for a person's name.
PERSON_BEFORE = ("谢谢", "感谢", "请", "同意", "支持", "赞同", "赞成", "刚才", "和", "跟", "与",
                 "问", "叫", "让", "给", "找", "向", "我是")
PERSON_AFTER = ("说", "讲", "提", "刚才", "同志", "也", "你", "您", "他", "她", "家", "和", "跟",
                "还", "、", "的意见", "的建议", "的发言", "的话", "的说法", "的事")
_HAN = re.compile(r"[\u4e00-\u9fff]{2,}")


def _surname(name: str) -> str:
    return name[:2] if name.startswith(COMPOUND_SURNAMES) else name[:1]


def _private_kinds(t: Transcript) -> dict[str, str]:
    """Each private name -> the kind it is shown as (the first private kind of that name)."""
    kinds: dict[str, str] = {}
    for a in t.attendance:
        if a.kind in PRIVATE:
            kinds.setdefault(a.name, a.kind)
    listed = {a.name for a in t.attendance}
    for u in t.utterances:
        if u.speaker not in listed:
            kinds.setdefault(u.speaker, "other")
    for name in ("", UNKNOWN_SPEAKER, t.moderator or ""):
        kinds.pop(name, None)
    return kinds


def aliases(t: Transcript) -> dict[str, str]:
    """Each private attendee's name -> 群众代表甲 …, in order of first appearance."""
    kinds = _private_kinds(t)
    order = [u.speaker for u in t.utterances] + [a.name for a in t.attendance]
    counters: dict[str, int] = {}
    result = {}
    for name in (n for n in dict.fromkeys(order) if n in kinds):
        label = KIND_ZH[kinds[name]]
        i = counters.get(label, 0)
        counters[label] = i + 1
        result[name] = label + (STEMS[i] if i < len(STEMS) else str(i + 1))
    return result


def _short_forms(name: str) -> list[str]:
    """老郑, 小郑, 郑师傅 …, and 海波, 海波阿姨 … (a given name of two characters or more)."""
    if not _HAN.fullmatch(name):
        return []
    s, given = _surname(name), name[len(_surname(name)):]
    forms = [p + s for p in ADDRESS_BEFORE] + [s + p for p in ADDRESS_AFTER] if given else []
    if len(given) >= 2:
        forms += [given] + [given + p for p in ADDRESS_AFTER]
    return forms


def _replacements(t: Transcript, names: dict[str, str]) -> tuple[dict[str, str], set[str]]:
    """Every text to replace -> its replacement, and which of them are short forms. Everyone
    else's name maps to itself, so that a longer name containing a private one is kept."""
    everyone = {a.name for a in t.attendance} | {u.speaker for u in t.utterances}
    short: dict[str, str] = {}
    for name, alias in names.items():  # in order of appearance: the first of a surname wins
        for form in _short_forms(name):
            short.setdefault(form, alias)
    table = {n: n for n in everyone if n} | short | names
    if t.moderator:
        table[t.moderator] = t.moderator
    return table, set(short) - set(names) - everyone


def _pattern(keys: list[str]) -> re.Pattern[str]:
    """All keys, longest first; a key starting or ending in a Latin letter or digit matches
    only at a word boundary there ("Li" is not in "Lighting")."""
    def one(key: str) -> str:
        before = r"(?<![A-Za-z0-9_])" if key[0].isascii() and key[0].isalnum() else ""
        after = r"(?![A-Za-z0-9_])" if key[-1].isascii() and key[-1].isalnum() else ""
        return before + re.escape(key) + after
    return re.compile("|".join(one(k) for k in sorted(keys, key=lambda k: (-len(k), k))))


@cache
def _jieba() -> tuple[Any, dict[str, int], dict[str, str]]:
    """(jieba, its word -> frequency table, its word -> part-of-speech table), loaded once."""
    module = segmenter.jieba()
    return module, module.dt.FREQ, module.posseg.dt.word_tag_tab


@lru_cache(maxsize=512)
def _boundaries(text: str) -> frozenset[int]:
    """The offsets between the words of ``text`` by jieba's dictionary alone."""
    offsets, at = {0}, 0
    for word in _jieba()[0].cut(text, HMM=False):
        at = text.find(word, at) + len(word)
        offsets.add(at)
    return frozenset(offsets)


def _names_someone(text: str, start: int, end: int) -> bool:
    """Whether the short form at text[start:end] names a person (see the module doc)."""
    if not {start, end} <= _boundaries(text):
        return False
    _, freq, tags = _jieba()
    word = text[start:end]
    if freq.get(word, 0) > 0 and not tags.get(word, "").startswith("nr"):
        return text[:start].endswith(PERSON_BEFORE) or text[end:].startswith(PERSON_AFTER)
    return True


def renamer(t: Transcript) -> Callable[[str], str]:
    """A function that replaces every private name (longest first) in a text."""
    names = aliases(t)
    if not names:
        return lambda text: text
    table, short = _replacements(t, names)
    pattern = _pattern(list(table))

    def substitute(m: re.Match[str]) -> str:
        key = m.group()
        if key in short and not _names_someone(m.string, m.start(), m.end()):
            return key
        return table[key]

    return lambda text: pattern.sub(substitute, text)


def _walk(value: Any, rename: Callable[[str], str]) -> Any:
    """The same structure with every text (not codes, not dictionary keys) renamed."""
    if isinstance(value, str):
        return rename(value)
    if is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _walk(getattr(value, f.name), rename)
                   for f in fields(value) if f.name not in CODES}
        return replace(value, **changes)
    if isinstance(value, tuple):
        return tuple(_walk(v, rename) for v in value)
    if isinstance(value, list):
        return [_walk(v, rename) for v in value]
    if isinstance(value, dict):
        return {k: _walk(v, rename) for k, v in value.items()}
    return value


def public_version(minutes: Minutes) -> Minutes:
    """The minutes with residents' names replaced everywhere (see the module doc)."""
    result: Minutes = _walk(minutes, renamer(minutes.transcript))
    return result
