"""What staff type when following items up, read: a deadline (时限), a conversion's kind and a
unit's level. Pure functions; "today" is a parameter (the hall's day), never read here.

Deadlines (:func:`parse_deadline`), full-width digits and 一…九十 counts read as digits, an
ending 前 / 之前 / 以前 / 为止 / 内 / 以内 / 之内 ignored:

- a date: 2027-01-31, 2027/1/31, 2027.1.31, 2027年1月31日;
- a day of the year: 1月31日 (or 号): this year's, next year's once it is past;
- a month's end: 12月底 (末): of this year, of the next once it is past; 月底 / 本月底 this
  month's; 下月底 / 下个月底 the next one's; 年底 / 今年底 31 December;
- a span from today: 30天 (30日内), 2周 (星期), 3个月, +7 (days; a bare 7 is no deadline).

A date before today is refused (a deadline is never in the past), and so is one more than
ten years ahead.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable
from datetime import date, timedelta

from facilitation.errors import InvalidInput
from facilitation.tracking import Conversion
from facilitation.units import UnitLevel

MAX_YEARS_AHEAD = 10
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
           "七": 7, "八": 8, "九": 9}
_N = r"([0-9]{1,4}|[零〇一二两三四五六七八九十]{1,3})"
_BY = r"(?:前|之前|以前|为止|内|以内|之内)?"


def count_of(said: str) -> int | None:
    """A count as written: ASCII digits, or 一 … 九十九 (十五, 二十, 三十五)."""
    if said.isascii() and said.isdigit():
        return int(said)
    if said and all(c in _DIGITS for c in said):
        return int("".join(str(_DIGITS[c]) for c in said))
    tens, ten, ones = said.partition("十")
    if not ten or len(tens) > 1 or len(ones) > 1 or not all(c in _DIGITS for c in tens + ones):
        return None
    return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)


def last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def add_months(day: date, months: int) -> date:
    y, m = divmod(day.month - 1 + months, 12)
    return date(day.year + y, m + 1,
                min(day.day, calendar.monthrange(day.year + y, m + 1)[1]))


def _ahead(today: date, make: Callable[[int], date]) -> date:
    """This year's date, or next year's once this year's is past."""
    this = make(today.year)
    return this if this >= today else make(today.year + 1)


def _n(said: str) -> int:
    value = count_of(said)
    if value is None:
        raise ValueError(said)
    return value


Rule = tuple[re.Pattern[str], Callable[[re.Match[str], date], date]]
_RULES: tuple[Rule, ...] = tuple((re.compile(pattern + _BY), rule) for pattern, rule in (
    (r"([0-9]{4})[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})[日号]?",
     lambda m, today: date(int(m[1]), int(m[2]), int(m[3]))),
    (_N + r"月" + _N + r"[日号]",
     lambda m, today: _ahead(today, lambda y: date(y, _n(m[1]), _n(m[2])))),
    (_N + r"月[底末]",
     lambda m, today: _ahead(today, lambda y: last_day(y, _n(m[1])))),
    (r"(?:本|这个?)?月[底末]", lambda m, today: last_day(today.year, today.month)),
    (r"下个?月[底末]",
     lambda m, today: last_day(add_months(today, 1).year, add_months(today, 1).month)),
    (r"(?:今|本)?年[底末]", lambda m, today: date(today.year, 12, 31)),
    (r"\+" + _N + r"天?", lambda m, today: today + timedelta(days=_n(m[1]))),
    (_N + r"(?:天|日(?=内|以内|之内))", lambda m, today: today + timedelta(days=_n(m[1]))),
    (_N + r"(?:周|个?星期|个?礼拜)", lambda m, today: today + timedelta(weeks=_n(m[1]))),
    (_N + r"个月", lambda m, today: add_months(today, _n(m[1]))),
))


def parse_deadline(said: str, today: date) -> date:
    """The date a deadline as staff type it means, said on ``today`` (module docstring)."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", said))
    for pattern, rule in _RULES:
        if (m := pattern.fullmatch(text)) is None:
            continue
        try:
            day = rule(m, today)
        except (ValueError, OverflowError):
            break
        if day > add_months(today, 12 * MAX_YEARS_AHEAD):
            break
        return check_deadline(day, today)
    raise InvalidInput("deadline_unreadable", said=said.strip()[:40])


def check_deadline(day: date, today: date) -> date:
    """A deadline given as a date (a button's): never in the past, at most ten years on."""
    if day < today:
        raise InvalidInput("deadline_past", date=day.isoformat())
    if day > add_months(today, 12 * MAX_YEARS_AHEAD):
        raise InvalidInput("deadline_unreadable", said=day.isoformat())
    return day


def quick_deadlines(today: date, current: date | None) -> tuple[tuple[str, date], ...]:
    """The deadlines a button offers: a week and a month later (from the current deadline,
    or today when that is past or there is none), and the end of this month."""
    start = max(current, today) if current is not None else today
    return (("plus7", start + timedelta(days=7)), ("plus30", start + timedelta(days=30)),
            ("month_end", last_day(today.year, today.month)))


DEADLINE_WORD = re.compile(r"^(?:时限|期限|due)[=＝:：](.+)$", re.IGNORECASE)


def deadline_word(said: str, today: date) -> date | None:
    """A deadline written as a word of its own, 时限=2027-01-31 (or due=…), read as
    :func:`parse_deadline` reads it; None when ``said`` is not such a word."""
    m = DEADLINE_WORD.fullmatch(unicodedata.normalize("NFKC", said).strip())
    return parse_deadline(m[1], today) if m is not None else None


_CONVERSIONS = {
    "提案": Conversion.PROPOSAL, "proposal": Conversion.PROPOSAL,
    "社情民意": Conversion.OPINION, "社情民意信息": Conversion.OPINION,
    "opinion": Conversion.OPINION,
    "专报": Conversion.REPORT, "report": Conversion.REPORT,
}


def parse_conversion(said: str) -> Conversion:
    """提案 / 社情民意(信息) / 专报, or their English names."""
    found = _CONVERSIONS.get(unicodedata.normalize("NFKC", said).strip().lower())
    if found is None:
        raise InvalidInput("conversion_unknown", said=said[:20])
    return found


_LEVELS = {
    "county": UnitLevel.COUNTY, "县级": UnitLevel.COUNTY, "县": UnitLevel.COUNTY,
    "部门": UnitLevel.COUNTY,
    "town": UnitLevel.TOWN, "乡镇": UnitLevel.TOWN, "镇": UnitLevel.TOWN,
    "乡": UnitLevel.TOWN, "街道": UnitLevel.TOWN,
    "village": UnitLevel.VILLAGE, "村": UnitLevel.VILLAGE, "社区": UnitLevel.VILLAGE,
    "村社区": UnitLevel.VILLAGE, "村/社区": UnitLevel.VILLAGE,
    "company": UnitLevel.COMPANY, "企业": UnitLevel.COMPANY, "公司": UnitLevel.COMPANY,
}
LEVEL_WORD = re.compile(r"^(?:level|级别|层级)[=＝:：](.*)$", re.IGNORECASE)


def parse_level(said: str) -> UnitLevel:
    """An explicit level: county / town / village / company, or 县级 / 乡镇 / 村 / 企业 …"""
    found = _LEVELS.get(unicodedata.normalize("NFKC", said).strip().lower())
    if found is None:
        raise InvalidInput("unit_level_unknown", name=said[:20])
    return found


# A name's level is the lowest place it names (平桥镇东头村村委会 is the village's); words
# that only hold a place character (城乡, 乡村, 农村, 乡镇) name no place, so
# 平桥县住房和城乡建设局 and 县农业农村局 stay the county's. A company's name says what it is,
# wherever its place word stands (县供电公司). A name with no place word but 局 is a county
# bureau.
_COMPANY = re.compile(r"公司|集团|企业|有限|厂$")
_NOT_A_PLACE = re.compile(r"城乡|乡村|农村|乡镇")
_LEVELS_BY_DEPTH = ((re.compile(r"社区|居委会|村"), UnitLevel.VILLAGE),
                    (re.compile(r"街道|镇|乡"), UnitLevel.TOWN),
                    (re.compile(r"县|市|区"), UnitLevel.COUNTY))


def guess_level(name: str) -> UnitLevel | None:
    """The level a unit's name says (县/市 → county, 镇/乡/街道 → town, 村/社区 → village,
    公司/集团/企业 → company); None when it says none (交警队)."""
    text = unicodedata.normalize("NFKC", name)
    if _COMPANY.search(text):
        return UnitLevel.COMPANY
    places = _NOT_A_PLACE.sub("", text)
    for pattern, level in _LEVELS_BY_DEPTH:
        if pattern.search(places):
            return level
    if text.endswith("局"):
        return UnitLevel.COUNTY
    return None
