"""Text as the minutes want it: Simplified, punctuation kept, no stray spaces."""

from __future__ import annotations

import pytest

from transcripts.normalize import (
    has_traditional,
    join_segments,
    normalize_text,
    strip_for_scoring,
    tidy_spacing,
    to_simplified,
)
from transcripts.scoring import cer, corpus_cer, edit_distance


def test_traditional_becomes_simplified_with_punctuation_kept() -> None:
    assert to_simplified("廣州市房地產中介協會分析。") == "广州市房地产中介协会分析。"
    assert normalize_text("為了規避三四線城市明顯過剩的市場風險！") == \
        "为了规避三四线城市明显过剩的市场风险！"
    assert has_traditional("謝謝觀看") and not has_traditional("谢谢观看")


@pytest.mark.parametrize(("raw", "tidy"), [
    ("攻击金松榜 接榜 施压房价", "攻击金松榜接榜施压房价"),
    ("  我们用 AI 技术\t做记录  ", "我们用 AI 技术做记录"),
    ("进入中,高速增长区间", "进入中，高速增长区间"),
    ("是不是?我觉得:可以;好!", "是不是？我觉得：可以；好！"),
    ("投入 1,000 万元, 3.5 亿", "投入 1,000 万元，3.5 亿"),
    ("OK, fine", "OK, fine"),
    ("第一　第二", "第一第二"),
])
def test_spacing_is_tidied_between_chinese_characters(raw: str, tidy: str) -> None:
    assert tidy_spacing(raw) == tidy


def test_segments_are_joined_at_their_pauses() -> None:
    assert join_segments(["甚至出现交易", "几乎停滞的情况。", "好", " ", "OK", "thanks"]) == \
        "甚至出现交易，几乎停滞的情况。好 OK thanks"
    assert join_segments([]) == ""


def test_character_error_rate_ignores_punctuation_and_spaces() -> None:
    assert strip_for_scoring("你好， World！ 2024") == "你好world2024"
    assert edit_distance("abc", "axcd") == 2
    heard = "甚至出现交易，几乎停制的情况。"
    assert cer("甚至出现交易几乎停滞的情况", heard) == pytest.approx(1 / 13)
    assert corpus_cer([("一二三", "一二三"), ("四五", "")]) == pytest.approx(2 / 5)
