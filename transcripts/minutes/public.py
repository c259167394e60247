"""The public (showcase) version of the minutes: residents are not named.

Residents (and attendees of kind "other") become 群众代表甲, 群众代表乙 … in order of first
appearance (first turn, then the sign-in order), everywhere: heading, proceedings,
suggestions' proposers, statistics, the sign-in annex, the verbatim annex, and every text
that mentions them, including a surname with a form of address (老郑, 郑师傅, 小杜) when the
surname is nobody else's (老X/小X only for surnames that make no everyday word: not 小钱).
Members, departments, experts, businesses and units keep their names. The result is a
:class:`Minutes` like any other, for the same renderers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import fields, is_dataclass, replace
from typing import Any

from transcripts.minutes.model import KIND_ZH, Minutes, Transcript

PRIVATE = ("resident", "other")
STEMS = "甲乙丙丁戊己庚辛壬癸"
COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "令狐", "慕容", "司徒",
                     "夏侯", "尉迟", "公孙", "长孙", "宇文", "端木", "西门", "南宫")
ADDRESS_BEFORE = ("老", "小", "阿")
ADDRESS_AFTER = ("师傅", "阿姨", "大爷", "大妈", "大姐", "大哥", "大叔", "大伯", "老板", "老师",
                 "总", "先生", "女士", "叔", "伯", "婶", "嫂", "姐", "哥", "奶奶", "爷爷", "老伯")
# Surnames that make everyday words after 老/小/阿 (小钱, 老马, 小白, 老党员): no 老X for them.
WORDY = frozenset("钱白龙米麦时区康路车牛黄商金石田方马党干百江师家城房公兵乡年街井树村屋汉实"
                  "大心组学吃孩伙鸡猪鱼雨额店事巷河溪桥姐板人同教高毛包丁户门明说婆妹")


def _surname(name: str) -> str:
    return name[:2] if name.startswith(COMPOUND_SURNAMES) else name[:1]


def aliases(t: Transcript) -> dict[str, str]:
    """Each private attendee's name -> 群众代表甲 …, in order of first appearance."""
    kinds = {a.name: a.kind for a in t.attendance}
    order = [u.speaker for u in t.utterances] + [a.name for a in t.attendance]
    private = [n for n in dict.fromkeys(order) if kinds.get(n, "other") in PRIVATE and n]
    counters: dict[str, int] = {}
    result = {}
    for name in private:
        label = KIND_ZH[kinds.get(name, "other")]
        i = counters.get(label, 0)
        counters[label] = i + 1
        result[name] = label + (STEMS[i] if i < len(STEMS) else str(i + 1))
    return result


def _replacements(t: Transcript, names: dict[str, str]) -> dict[str, str]:
    """Full names, and surname-with-address forms when the surname is unambiguous. Everyone
    else's name maps to itself, so that a longer name containing a private one is kept."""
    everyone = {a.name for a in t.attendance} | {u.speaker for u in t.utterances}
    surnames = [_surname(n) for n in everyone if n]
    table = {n: n for n in everyone if n}
    table |= names
    for name, alias in names.items():
        s = _surname(name)
        if len(name) > len(s) and surnames.count(s) == 1:
            if s not in WORDY:
                table |= {f"{p}{s}": alias for p in ADDRESS_BEFORE}
            table |= {f"{s}{p}": alias for p in ADDRESS_AFTER}
    return table


def renamer(t: Transcript) -> Callable[[str], str]:
    """A function that replaces every private name (longest first) in a text."""
    names = aliases(t)
    if not names:
        return lambda text: text
    table = _replacements(t, names)
    pattern = re.compile("|".join(re.escape(k) for k in sorted(table, key=lambda k: -len(k))))
    return lambda text: pattern.sub(lambda m: table[m.group()], text)


def _walk(value: Any, rename: Callable[[str], str]) -> Any:
    """The same structure with every string passed through ``rename``."""
    if isinstance(value, str):
        return rename(value)
    if is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _walk(getattr(value, f.name), rename) for f in fields(value)}
        return replace(value, **changes)
    if isinstance(value, tuple):
        return tuple(_walk(v, rename) for v in value)
    if isinstance(value, list):
        return [_walk(v, rename) for v in value]
    if isinstance(value, dict):
        return {_walk(k, rename): _walk(v, rename) for k, v in value.items()}
    return value


def public_version(minutes: Minutes) -> Minutes:
    """The minutes with residents' names replaced everywhere (see the module doc)."""
    result: Minutes = _walk(minutes, renamer(minutes.transcript))
    return result
