"""Transcript text as the minutes want it: Simplified Chinese (OpenCC t2s), punctuation kept
(half-width marks between Chinese characters made full-width), no stray spaces between Chinese
characters, segments joined at their pauses."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import opencc

# CJK ideographs (with extension A and compatibility), kana, hangul and CJK punctuation
_CJK = r"\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u31a0-\u31ff\u3400-\u4dbf" \
       r"\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
_SPACES = re.compile(r"\s+")
_HALF_AFTER_CJK = re.compile(rf"(?<=[{_CJK}])\s*([,!?;:])(?!\d)\s*")
_FULL = {",": "，", "!": "！", "?": "？", ";": "；", ":": "："}
_CLOSING = set("。，、；：？！…」』）》”’.,;:?!")


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional characters and phrases to Simplified (OpenCC t2s)."""
    return str(_t2s().convert(text)) if text else text


def has_traditional(text: str) -> bool:
    """Whether OpenCC t2s would change anything in ``text``."""
    return to_simplified(text) != text


def is_cjk(char: str) -> bool:
    return bool(re.match(f"[{_CJK}]", char))


def tidy_spacing(text: str) -> str:
    """One space at most, none between Chinese characters or around full-width marks."""
    text = _SPACES.sub(" ", text.replace("\u3000", " ")).strip()
    text = _HALF_AFTER_CJK.sub(lambda m: _FULL[m.group(1)], text)
    return _SPACE_BETWEEN_CJK.sub("", text)


def normalize_text(text: str) -> str:
    """The form every engine's text is given in: Simplified, tidy, punctuation kept."""
    return tidy_spacing(to_simplified(unicodedata.normalize("NFC", text)))


def join_segments(texts: Iterable[str]) -> str:
    """Segments in order: a full-width comma marks the pause between two Chinese segments
    that end without punctuation; a space joins anything else."""
    joined = ""
    for text in (t.strip() for t in texts):
        if not text:
            continue
        if not joined:
            joined = text
        elif joined[-1] in _CLOSING:
            joined += text if is_cjk(text[0]) or is_cjk(joined[-1]) else " " + text
        elif is_cjk(joined[-1]) and is_cjk(text[0]):
            joined += "，" + text
        else:
            joined += " " + text
    return joined


def strip_for_scoring(text: str) -> str:
    """Letters and digits only (punctuation, symbols and spaces removed), lower case: the
    form character error rates are computed on."""
    return "".join(c for c in text.lower() if unicodedata.category(c)[0] in "LN")
