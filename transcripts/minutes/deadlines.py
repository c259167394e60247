"""时限: find the deadline said in a clause and resolve it against the day of the session.

:func:`find_deadline` returns the expression exactly as said and where it is; a concrete one
(6月底前, 两周内, 端午节前 ...) wins over a vague one (雨季来临前, 尽快). :func:`resolve_deadline`
turns it into a date, or None when it names no day. Conventions (weeks run Monday to Sunday):

- 两周内 = the day + 14; 一周内 + 7; 10天内 + 10; 一个月内 = the same day next month; 半年内 + 6
  months; N个工作日内 counts working days (public holidays off, 调休 weekend days worked);
  24小时内 = the next day;
- 月底前 = this month's last day; 下个月底前 / 下个月15号之前 = in the next month; X月底前 = month
  X of this year, or of the next when X is past; 上旬 = the 10th, 中旬 = the 20th, 月中 = the
  15th; X月前 = the day before the 1st of month X; 7月15日前 = that day (next year's if past);
  20号前 = this month's 20th (next month's if past); 今年10月 / 10月份内 / a bare 下个月 = the
  month's end; 年内 / 年底前 = 31 December; 明年... = the next year; 上半年 = 30 June, 下半年 =
  31 December; 三季度末 = the quarter's last day (next year's when past), 季度末 = this one's;
- 下周五前 = the Friday of next week; 本周内 = this Sunday; 周五前 = the next Friday;
- a festival (春节前, 国庆前 ...) = the day before its next occurrence after the session day, or
  in the year said (2028年春节前) (lunar festivals from a table for 2024-2040; outside it, None);
- 雨季来临前, 汛期前, 开学前, 尽快 ...: kept as said, resolved to None;
- not deadlines: the past (去年八月底), "as of" (截至今年二月底，登记在册…), a period told
  (今年一月到八月, 6月1日到7月10日), a start said as a
  month (下个月起; but 三季度末前开始 is by then; a start said as a day, 从下周一起 /
  下个月1号开始, is due that day), a bare month (8月份).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import date, timedelta
from functools import lru_cache

from transcripts.minutes.numerals import to_int

# Lunar festivals as Gregorian dates (checked against lunardate), and 清明 (a solar term):
# year: 春节 元宵 端午 中秋 重阳 清明
_LUNAR = """
2024 0210 0224 0610 0917 1011 0404  2025 0129 0212 0531 1006 1029 0404
2026 0217 0303 0619 0925 1018 0405  2027 0206 0220 0609 0915 1008 0405
2028 0126 0209 0528 1003 1026 0404  2029 0213 0227 0616 0922 1016 0404
2030 0203 0217 0605 0912 1005 0405  2031 0123 0206 0624 1001 1024 0405
2032 0211 0225 0612 0919 1012 0404  2033 0131 0214 0601 0908 1001 0404
2034 0219 0305 0620 0927 1020 0405  2035 0208 0222 0610 0916 1009 0405
2036 0128 0211 0530 1004 1027 0404  2037 0215 0301 0618 0924 1017 0404
2038 0204 0218 0607 0913 1007 0405  2039 0124 0207 0527 1002 1026 0405
2040 0212 0226 0614 0920 1014 0404
"""
_LUNAR_NAMES = ("春节", "元宵", "端午", "中秋", "重阳", "清明")


def _lunar_table() -> dict[int, dict[str, date]]:
    table = {}
    for year, days in re.findall(r"(\d{4})((?: \d{4}){6})", _LUNAR):
        table[int(year)] = {n: date(int(year), int(d[:2]), int(d[2:]))
                            for n, d in zip(_LUNAR_NAMES, days.split(), strict=True)}
    return table


LUNAR_TABLE = _lunar_table()
FIXED = {"元旦": (1, 1), "五一": (5, 1), "劳动节": (5, 1), "六一": (6, 1), "儿童节": (6, 1),
         "七一": (7, 1), "建党节": (7, 1), "八一": (8, 1), "建军节": (8, 1), "国庆": (10, 1),
         "十一": (10, 1)}
ALIASES = {"过年": "春节", "年": "春节"}

_N = r"(?:[0-9０-９]{1,2}|[零〇一二两三四五六七八九十]{1,3})"
_NOT_NUM = r"(?<![0-9０-９零〇一二两三四五六七八九十百千])"
_YEAR = r"(?P<y>今年|明年|后年|20\d\d年|二〇[〇一二三四五六七八九]{2}年)?"
_BY = r"(?:前|之前|以前|为止)?"
_PART = r"(?P<part>底|末|中旬|上旬|下旬|初|中|内|份内)"
_FESTIVALS = (r"春节|过年|元宵节?|端午节?|中秋节?|国庆节?|元旦|五一|劳动节|六一|儿童节|七一|"
              r"建党节|八一|建军节|清明节?|重阳节?|除夕|十一")
_VAGUE_SEASON = (r"开春|雨季|主汛期|汛期|梅雨季节?|梅雨期|梅汛期?|台风季节?|台汛期|开学|秋收|春耕|"
                 r"农忙|旺季|上市季|冬季|入冬|入夏|夏季|暑假|寒假|高温季节?|防汛期|收获季节?")
# Said of the past, or "as of" (截至二月底，登记在册的犬只… states a fact, sets no deadline).
_PAST = re.compile(r"(?:去年|前年|上个?月|上周|上星期|上礼拜|截至(?:今年|本年|本月)?|"
                   r"截止到(?:今年)?)$")

# A period told ("今年一月到八月" "6月1日到7月10日" "一月到现在"): a span of time, due by
# neither end.
_DAY_N = "[0-9０-９一二三四五六七八九十]"
_WHEN = (rf"(?:今年|去年|明年|20\d\d年)?(?:{_DAY_N}{{1,2}}月(?:份)?(?:{_DAY_N}{{1,3}}[日号])?|"
         r"[一二三四1-4]季度)")
_PERIOD = re.compile(rf"{_WHEN}(?:到|至|—|－|-|~)(?:{_WHEN}|现在|目前|今天|当前)")
_FROM = re.compile(r"起|开始|以后|之后|后(?!前)")
_BOUND = re.compile(r"(?:前|内|为止)$")  # "三季度末前开始试行": by then, not from then
# A commitment that starts on a day ("从下周一起……" "下个月1号开始……") is due that day: a
# start said as a day is its deadline (a start said as a month, "下个月起", stays none).
# "A，也就是B": the deadline said again, more precisely, right after ("本季度内，也就是6月底前").
_SAID_AGAIN = re.compile(r"[，,]?(?:也就是|也即|即)(?:说)?[，,]?")
_START_DAY = re.compile(r"(?:周|星期|礼拜)[一二三四五六日天1-7]$|(?:日|号)$")
_STARTS_ON = re.compile(r"起|开始")

Resolver = Callable[[re.Match[str], date], date | None]


def last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def add_months(day: date, months: int) -> date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _year(m: re.Match[str], day: date) -> int | None:
    said = m.groupdict().get("y")
    if not said:
        return None
    offsets = {"今年": 0, "本年": 0, "本年度": 0, "明年": 1, "后年": 2}
    if said in offsets:
        return day.year + offsets[said]
    return to_int(said.removesuffix("年"))


def _in_month(year: int, month: int, part: str | None) -> date:
    days = {"上旬": 10, "初": 10, "中": 15, "中旬": 20}
    return date(year, month, days[part]) if part in days else last_day(year, month)


def _date(m: re.Match[str], day: date) -> date | None:
    month, dom, year = to_int(m["m"]), to_int(m["d"]), _year(m, day)
    try:
        when = date(year or day.year, month or 0, dom or 0)
    except ValueError:
        return None
    return when.replace(year=when.year + 1) if year is None and when < day else when


def _rel_day(m: re.Match[str], day: date) -> date | None:
    """下个月15号 / 本月20日 / a bare 20号前 (this month's, or next month's when past)."""
    base = add_months(day.replace(day=1), 0 if m["rel"] in ("", "本月", "这个月", "当月") else 1)
    try:
        when = base.replace(day=to_int(m["d"]) or 0)
    except ValueError:
        return None
    return add_months(when, 1) if not m["rel"] and when < day else when


def _month_part(m: re.Match[str], day: date) -> date | None:
    month, year = to_int(m["m"]), _year(m, day)
    if month is None or not 1 <= month <= 12:
        return None
    if year is None:
        year = day.year + (month < day.month)
    return _in_month(year, month, m.groupdict().get("part"))


def _rel_month(m: re.Match[str], day: date) -> date | None:
    base = day if m["rel"] in ("月", "本月", "这个月", "当月") else add_months(day, 1)
    return _in_month(base.year, base.month, m["part"])


def _month_before(m: re.Match[str], day: date) -> date | None:
    month, year = to_int(m["m"]), _year(m, day)
    if month is None or not 1 <= month <= 12:
        return None
    if year is None:
        year = day.year + (month <= day.month)
    return date(year, month, 1) - timedelta(days=1)


def _year_end(m: re.Match[str], day: date) -> date | None:
    return date(_year(m, day) or day.year, 12, 31)


def _half(m: re.Match[str], day: date) -> date | None:
    first = m["h"] == "上半年"
    year = _year(m, day) or day.year + (first and day.month > 6)
    return date(year, 6, 30) if first else date(year, 12, 31)


def _quarter(m: re.Match[str], day: date) -> date | None:
    q = to_int(m["q"]) or 1
    year = _year(m, day)
    end = last_day(year or day.year, 3 * q)
    return end.replace(year=end.year + 1) if year is None and end < day else end


def _rel_quarter(m: re.Match[str], day: date) -> date | None:
    month = 3 * ((day.month - 1) // 3 + 1) + 3 * m["rel"].startswith("下")
    return last_day(day.year + (month > 12), (month - 1) % 12 + 1)


def _weekday(m: re.Match[str], day: date) -> date | None:
    wd = 6 if m["wd"] in "日天末7" else (to_int(m["wd"]) or 1) - 1
    monday = day - timedelta(days=day.weekday())
    rel = m.groupdict().get("rel") or ""
    if not rel:
        return monday + timedelta(days=wd + (7 if wd <= day.weekday() else 0))
    return monday + timedelta(days=wd + 7 * rel.count("下"))


def _week(m: re.Match[str], day: date) -> date | None:
    return day - timedelta(days=day.weekday()) + timedelta(days=6 + 7 * m["rel"].count("下"))


def _duration(m: re.Match[str], day: date) -> date | None:
    unit, n = m["u"], m["n"]
    if n == "半":
        return day + timedelta(days=15) if "月" in unit else add_months(day, 6)
    count = to_int(n)
    if count is None:
        return None
    if unit == "个工作日":
        return add_working_days(day, count)
    if "月" in unit:
        return add_months(day, count) + timedelta(days=15 * ("半" in unit))
    if unit == "年":
        return add_months(day, 12 * count)
    days = {"小时": -(-count // 24), "天": count, "日": count}.get(unit.lstrip("个"), 7 * count)
    return day + timedelta(days=days)


def is_working_day(day: date) -> bool:
    """A working day in mainland China: public holidays are off and the adjusted weekend days
    (调休) are worked, as published by the State Council (chinese-calendar's table); for a year
    not yet published, Monday to Friday."""
    import chinese_calendar

    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def add_working_days(day: date, count: int) -> date:
    """The ``count``-th working day after ``day`` (N个工作日内)."""
    while count > 0:
        day += timedelta(days=1)
        count -= is_working_day(day)
    return day


def festival_date(name: str, year: int) -> date | None:
    """The Gregorian date of a festival in a year (None outside the lunar table)."""
    name = ALIASES.get(name, name)
    if name not in FIXED and name not in _LUNAR_NAMES:
        name = name.removesuffix("节")
    if name in FIXED:
        return date(year, *FIXED[name])
    if name == "除夕":
        spring = LUNAR_TABLE.get(year, {}).get("春节")
        return spring - timedelta(days=1) if spring else None
    return LUNAR_TABLE.get(year, {}).get(name)


def _festival(m: re.Match[str], day: date) -> date | None:
    year = _year(m, day)
    for y in (year,) if year is not None else (day.year, day.year + 1):
        when = festival_date(m["f"], y)
        if when is not None and (year is not None or when > day):
            return when - timedelta(days=1)
    return None


def _vague(m: re.Match[str], day: date) -> date | None:
    return None


_RULES: tuple[tuple[str, Resolver], ...] = (
    # (a date said as a start, "从6月1号起……", is due that day: _spans keeps it, as it keeps
    # 从下周一起; a date said as "after" it, 6月1号以后, is none)
    (rf"{_NOT_NUM}{_YEAR}(?P<m>{_N})月(?P<d>{_N})(?:日|号){_BY}(?!以后|之后|后)", _date),
    (rf"(?P<rel>本月|这个月|当月|下个?月)(?P<d>{_N})(?:日|号){_BY}", _rel_day),
    (rf"(?<![月第]){_NOT_NUM}(?P<rel>)(?P<d>{_N})(?:日|号)(?:前|之前|以前)(?![面方边排])",
     _rel_day),
    (rf"{_NOT_NUM}{_YEAR}(?P<m>{_N})月份?{_PART}(?:前|之前|以前)?", _month_part),
    (r"(?P<rel>本月|这个月|当月|下个?月)(?P<part>底|末|中旬|上旬|下旬|初|中|内)?(?:前|之前|以前)?",
     _rel_month),
    (r"(?<![0-9０-９零〇一二两三四五六七八九十个岁年上])(?P<rel>月)(?P<part>底|末)(?:前|之前|以前)?",
     _rel_month),
    (rf"{_NOT_NUM}{_YEAR}(?P<m>{_N})月份?(?:前|之前|以前)", _month_before),
    (rf"(?P<y>今年|明年|后年|20\d\d年)(?P<m>{_N})月份?(?![0-9０-９零〇一二两三四五六七八九十])",
     _month_part),
    (r"(?:(?P<y>今年|明年|后年|本年度|本年)(?:年底|年末|底|内)|年底|年末|(?<![0-9０-９零〇一二两三四"
     r"五六七八九十百半几多去前后每])年内|年度内)(?:前|之前|以前)?", _year_end),
    (r"(?P<y>今年|明年|后年)?(?P<h>上半年|下半年)(?:前|之前|以前|内|末|底)?", _half),
    (r"(?P<y>今年|明年|后年)?第?(?P<q>[一二三四1-4])季度(?:(?:末|底|结束)(?:前|之前|以前)?|内|前|之前|"
     r"以前)?", _quarter),
    (r"(?P<rel>本|这个?|下个?|(?<![一二三四1-4第个每上])(?=季度[末底]))季度(?:内|(?:末|底)?(?:前|之前|以前)?)",
     _rel_quarter),
    (r"(?<!每)(?P<rel>下下个?|下个?|本|这个?)(?:周|星期|礼拜)(?P<wd>[一二三四五六日天末1-7])(?:前|之前|以前)?",
     _weekday),
    (r"(?<![每下本这个])(?:周|星期|礼拜)(?P<wd>[一二三四五六日天末1-7])(?:前|之前|以前)", _weekday),
    (r"(?P<rel>下下个?|下个?|本|这个?)(?:周|星期|礼拜)(?![一二三四五六日天末1-7])(?:内|之内|以内)?",
     _week),
    (rf"{_NOT_NUM}(?P<n>{_N}|半(?!个?小时))(?P<u>个工作日|个?星期|个?礼拜|周|天|日|个半月|个月|年|个?小时)"
     r"(?:之内|以内|内)", _duration),
    (rf"{_NOT_NUM}{_YEAR}(?P<f>{_FESTIVALS})(?:假期|放假|长假|小长假|黄金周)?(?:前|之前|以前|来临前|到来前|到来之前)",
     _festival),
    (r"(?<![0-9０-９零〇一二两三四五六七八九十百千几多去今明前后本半每新])(?P<f>年)前", _festival),
)
_VAGUE = (rf"(?:今年|明年)?(?:{_VAGUE_SEASON})(?:来临|到来|开始|结束)?(?:前|之前|以前)|汛前|尽快|"
          r"尽早|近期|第一时间|(?:本|这个?)学[期年](?:内|之内|以内|末|结束前)?")
COMPILED = tuple((re.compile(p), r) for p, r in _RULES)
_CONCRETE = tuple(p for p, _ in COMPILED)
VAGUE = re.compile(_VAGUE)
# Where a time expression may start (cheaper than finding it): a unit's name stops there.
TIME_START = re.compile(
    rf"[0-9零〇一二两三四五六七八九十]+(?:月|个|天|周|日|年|季)|[上下本这]个?(?:月|周|星期|礼拜|季)|月底|"
    rf"月末|年底|年内|年末|今年|明年|{_VAGUE}|{_FESTIVALS}")
_HINT = re.compile(r"[月日号年季周礼天内前快早近汛学]")
# Any of them, unnamed: most clauses have no deadline, and this says so in one pass.
_ANY = re.compile("|".join(re.sub(r"\(\?P<\w+>", "(?:", p) for p, _ in _RULES) + "|" + _VAGUE)


def _spans(patterns: tuple[re.Pattern[str], ...], text: str) -> list[tuple[int, int]]:
    """Where the patterns match, but not inside a time said of the past or as a start
    (去年八月底, 下个月1号起: not 下个月)."""
    good: list[tuple[int, int]] = []
    bad: list[tuple[int, int]] = [m.span() for m in _PERIOD.finditer(text)]
    for pattern in patterns:
        for m in pattern.finditer(text):
            # a time said of a thing ("一季度的断货"), not by when: no 前/内 and a 的 after it
            of_thing = text[m.end():m.end() + 1] == "的" and not _BOUND.search(m.group())
            starts = of_thing or (_FROM.match(text, m.end()) and not _BOUND.search(m.group())
                      and not (_START_DAY.search(m.group()) and _STARTS_ON.match(text, m.end())))
            (bad if starts or _PAST.search(text[:m.start()]) else good).append(m.span())
    return [s for s in good if not any(b[0] <= s[0] and s[1] <= b[1] for b in bad)]


@lru_cache(maxsize=4096)
def find_deadline(text: str) -> tuple[str, tuple[int, int]] | None:
    """The deadline said in a clause (leftmost, longest; concrete before vague) and its span;
    when it is said again right after, more precisely ("本季度内，也就是6月底前"), the latter."""
    if not _HINT.search(text) or not _ANY.search(text):
        return None
    spans = _spans(_CONCRETE, text) or _spans((VAGUE,), text)
    if not spans:
        return None
    start, end = min(spans, key=lambda s: (s[0], -s[1]))
    said = _SAID_AGAIN.match(text, end)  # "本季度内，也就是6月底前": the speaker's own precision
    if said is not None:
        later = [s for s in spans if s[0] == said.end()]
        if later:
            start, end = max(later, key=lambda s: s[1])
    return text[start:end], (start, end)


@lru_cache(maxsize=4096)
def resolve_deadline(deadline_text: str, session_day: date) -> date | None:
    """The date a deadline expression means, said on ``session_day``; None if it names none."""
    for pattern, resolve in COMPILED:
        m = pattern.fullmatch(deadline_text)
        if m:
            return resolve(m, session_day)
    return None
