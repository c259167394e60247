"""Chinese numerals: read them as numbers, and write them as digits where a document would.

:func:`to_int` reads one numeral (十五 -> 15, 一百零五 -> 105, 二〇二六 -> 2026, 一万二 -> 12000,
also "15"); :func:`to_number` also reads decimals (一点二 -> 1.2). :func:`arabize` rewrites the
numbers in running text the way minutes are written (八十六家 -> 86家, 一点二公里 -> 1.2公里,
五月底 -> 5月底, 百分之八十 -> 80%, 两百多万 -> 200多万) and leaves alone what is not a count:
a lone 一/两/三 (一下, 一起, 两班, 三期), ordinals and weekdays (第一, 周三), approximations
(七八盏, 二三十, 十几年), idioms (万一, 千万, 三三两两), clock times (六点半) and holidays (十一).
"""

from __future__ import annotations

import re

DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
SMALL = {"十": 10, "百": 100, "千": 1000}
LARGE = {"万": 10_000, "亿": 100_000_000}
_ARABIC = str.maketrans("０１２３４５６７８９", "0123456789")

_RUN = re.compile(r"[零〇一二两三四五六七八九十百千万亿]+(?:点[零〇一二三四五六七八九]+)?")
# Before these a number is an ordinal, a weekday or a lunar day, not a count.
_NOT_AFTER = ("第", "初", "周", "星期", "礼拜", "几", "正月", "腊月", "冬月", "老", "小")
# After these a small number is a holiday (十一, 五一), not a count.
_HOLIDAY_AFTER = re.compile(r"^(?:期间|假期|长假|小长假|黄金周|节|前后|当天)")
_DECIMAL_UNITS = re.compile(
    r"^(?:公里|千米|米|万|亿|倍|元|块|吨|亩|斤|公斤|千克|克|平方|立方|升|度|个百分点|%)")
_CLOCK_BEFORE = ("上午", "下午", "早上", "晚上", "凌晨", "中午", "傍晚", "夜里")
_DATE_AFTER = re.compile(r"^(?:日|号)")


def _small_section(text: str) -> int | None:
    """A number below 10,000: 三千零五, 一百五十, 十五, 一百五 (= 150); None if malformed."""
    value, digit, last, zero = 0, None, 10_000, False
    for c in text:
        if c in "零〇":
            if digit is not None or zero:
                return None
            zero = True
        elif c in DIGITS:
            if digit is not None:
                return None  # two digits in a row: 七八, 三四 (an approximation)
            digit = DIGITS[c]
        elif c in SMALL:
            unit = SMALL[c]
            if unit >= last or (digit is None and (c != "十" or value)):
                return None
            value, digit, last, zero = value + (1 if digit is None else digit) * unit, None, \
                unit, False
        else:
            return None
    if digit is not None:
        value += digit if zero or last in (10, 10_000) else digit * last // 10
    return value


def to_int(text: str) -> int | None:
    """The integer a numeral says, or None when it is not one well-formed number."""
    text = text.translate(_ARABIC)
    if text.isdigit() and text.isascii():
        return int(text)
    if all(c in DIGITS for c in text) and (len(text) > 2 or "〇" in text or "零" in text[1:]):
        return int("".join(str(DIGITS[c]) for c in text))
    total, last = 0, 10**12
    for big in ("亿", "万"):
        head, sep, text = text.rpartition(big) if big in text else ("", "", text)
        if sep:
            if not head or text[:1] in LARGE or LARGE[big] >= last:
                return None
            value = _small_section(head)
            if value is None:
                return None
            total, last = total + value * LARGE[big], LARGE[big]
    if not text:
        return total
    rest = _small_section(text)
    if rest is None:
        return None
    if total and len(text) == 1 and text in DIGITS and not text.startswith(("零", "〇")):
        rest *= last // 10  # 一万二 = 12000
    return total + rest


def to_number(text: str) -> int | float | None:
    """Like :func:`to_int`, and also decimals: 一点二 -> 1.2, 4.5 -> 4.5."""
    head, sep, tail = text.translate(_ARABIC).partition("点" if "点" in text else ".")
    whole = to_int(head)
    if not sep or whole is None:
        return whole
    if not tail or not all(c in DIGITS or c.isdigit() for c in tail):
        return None
    return float(f"{whole}.{''.join(str(DIGITS.get(c, c)) for c in tail)}")


def _format(value: int | float) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if value >= 10_000 and value % 1000 == 0:
        return f"{value / 10_000:g}万"
    return str(value)


def _rewrite(text: str, m: re.Match[str]) -> str | None:
    """The digits for one numeral run in context, or None to leave it as said."""
    run, before, after = m.group(), text[:m.start()], text[m.end():]
    if before.endswith(_NOT_AFTER) or after.startswith(("几", "来个")):
        return None
    if "点" in run:
        if not _DECIMAL_UNITS.match(after) or before.endswith(_CLOCK_BEFORE):
            return None
        value = to_number(run)
        return None if value is None else _format(value)
    if len(run) == 1 or (len(run) == 2 and all(c in DIGITS for c in run)):
        is_date = (run in DIGITS or run == "十") and run != "两"
        if is_date and (re.match("^月(?!内)", after) or (before.endswith("月")
                                                          and _DATE_AFTER.match(after))):
            return str(to_int(run))
        return None
    if all(c in DIGITS for c in run) and "两" in run:
        return None  # 三三两两
    if len(run) == 2 and _HOLIDAY_AFTER.match(after):
        return None
    number = to_int(run)
    return None if number is None else _format(number)


_PERCENT = re.compile(r"百分之([零〇一二两三四五六七八九十百]+(?:点[零〇一二三四五六七八九]+)?)")


def _percent(m: re.Match[str]) -> str:
    value = to_number(m.group(1))
    return m.group() if value is None or m.group(1) == "百" else f"{_format(value)}%"


def arabize(text: str) -> str:
    """Running text with counted numbers, dates and decimals written in digits."""
    text = _PERCENT.sub(_percent, text)
    out, pos = [], 0
    for m in _RUN.finditer(text):
        digits = _rewrite(text, m)
        if digits is not None:
            out += [text[pos:m.start()], digits]
            pos = m.end()
    out.append(text[pos:])
    return "".join(out)
