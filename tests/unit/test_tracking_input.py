"""What staff type when following items up, read: deadlines against the hall's day, the kind
of a conversion, a unit's level (said, or guessed from its name)."""

from __future__ import annotations

from datetime import date

import pytest

from facilitation.errors import InvalidInput
from facilitation.tracking import Conversion
from facilitation.tracking_input import (
    check_deadline,
    count_of,
    guess_level,
    parse_conversion,
    parse_deadline,
    parse_level,
    quick_deadlines,
)
from facilitation.units import UnitLevel

TODAY = date(2026, 11, 5)


@pytest.mark.parametrize(("said", "meant"), [
    ("2027-01-31", date(2027, 1, 31)),
    ("2027/1/31", date(2027, 1, 31)),
    ("2027.01.31", date(2027, 1, 31)),
    ("2027年1月31日", date(2027, 1, 31)),
    ("1月31日", date(2027, 1, 31)),  # past this year: next year's
    ("12月31号", date(2026, 12, 31)),
    ("１２月３１日前", date(2026, 12, 31)),  # full-width, with 前
    ("11月5日", TODAY),  # today is not past
    ("12月底", date(2026, 12, 31)),
    ("2月底", date(2027, 2, 28)),
    ("十月底前", date(2027, 10, 31)),
    ("月底", date(2026, 11, 30)),
    ("本月底", date(2026, 11, 30)),
    ("下个月底", date(2026, 12, 31)),
    ("下月末", date(2026, 12, 31)),
    ("年底", date(2026, 12, 31)),
    ("30天", date(2026, 12, 5)),
    ("三十天内", date(2026, 12, 5)),
    ("15日内", date(2026, 11, 20)),
    ("+7", date(2026, 11, 12)),
    ("+7天", date(2026, 11, 12)),
    ("2周", date(2026, 11, 19)),
    ("两个星期", date(2026, 11, 19)),
    ("3个月", date(2027, 2, 5)),
    ("一个月内", date(2026, 12, 5)),
])
def test_deadlines_as_staff_type_them(said: str, meant: date) -> None:
    assert parse_deadline(said, TODAY) == meant


def test_a_month_end_in_a_short_month_and_a_leap_year() -> None:
    assert parse_deadline("1个月", date(2027, 1, 31)) == date(2027, 2, 28)
    assert parse_deadline("2月底", date(2028, 1, 10)) == date(2028, 2, 29)


@pytest.mark.parametrize("said", ["7", "31日", "下周", "尽快", "2026-02-30", "13月底",
                                  "2月30日", "99999天", "9999天", "", "明天吧"])
def test_what_is_no_deadline_is_refused_in_words(said: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_deadline(said, TODAY)
    assert raised.value.code == "deadline_unreadable"


def test_a_deadline_in_the_past_is_refused() -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_deadline("2026-11-04", TODAY)
    assert (raised.value.code, raised.value.params) == ("deadline_past", {"date": "2026-11-04"})


def test_a_deadline_given_as_a_date_is_checked_like_a_typed_one() -> None:
    assert check_deadline(TODAY, TODAY) == TODAY
    for day, code in ((date(2026, 11, 4), "deadline_past"),
                      (date(2037, 1, 1), "deadline_unreadable")):
        with pytest.raises(InvalidInput) as raised:
            check_deadline(day, TODAY)
        assert raised.value.code == code


def test_counts_in_digits_and_characters() -> None:
    assert [count_of(s) for s in ("7", "七", "十", "十五", "二十", "三十五", "两", "二〇")] == [
        7, 7, 10, 15, 20, 35, 2, 20]
    assert count_of("百") is None and count_of("十十") is None and count_of("") is None


def test_quick_deadlines_run_from_the_later_of_today_and_the_deadline() -> None:
    later = quick_deadlines(TODAY, date(2026, 12, 1))
    assert later == (("plus7", date(2026, 12, 8)), ("plus30", date(2026, 12, 31)),
                     ("month_end", date(2026, 11, 30)))
    past = dict(quick_deadlines(TODAY, date(2026, 10, 1)))
    assert past["plus7"] == date(2026, 11, 12)
    assert dict(quick_deadlines(TODAY, None))["plus30"] == date(2026, 12, 5)


@pytest.mark.parametrize(("name", "level"), [
    ("县住房和城乡建设局", UnitLevel.COUNTY),
    ("县乡村振兴局", UnitLevel.COUNTY),  # a county body whose name holds 乡 and 村
    ("平桥县住房和城乡建设局", UnitLevel.COUNTY),  # the 乡 of 城乡 names no place
    ("县农业农村局", UnitLevel.COUNTY),
    ("平桥镇城乡建设办公室", UnitLevel.TOWN),
    ("平桥镇东头村村委会", UnitLevel.VILLAGE),  # the lowest place it names
    ("区城管局", UnitLevel.COUNTY),
    ("市场监管局", UnitLevel.COUNTY),
    ("住建局", UnitLevel.COUNTY),
    ("平桥镇人民政府", UnitLevel.TOWN),
    ("城关街道办事处", UnitLevel.TOWN),
    ("东门村村委会", UnitLevel.VILLAGE),
    ("幸福社区", UnitLevel.VILLAGE),
    ("县供电公司", UnitLevel.COMPANY),  # a company, though its name starts with 县
    ("平桥物业集团", UnitLevel.COMPANY),
    ("交警队", None),
    ("消防救援大队", None),
])
def test_a_units_level_guessed_from_its_name(name: str, level: UnitLevel | None) -> None:
    assert guess_level(name) == level


def test_levels_and_conversions_said_in_either_language() -> None:
    assert parse_level("town") == UnitLevel.TOWN == parse_level("乡镇")
    assert parse_level("COMPANY") == UnitLevel.COMPANY == parse_level("企业")
    assert parse_conversion("社情民意") == Conversion.OPINION == parse_conversion("opinion")
    assert parse_conversion("提案") == Conversion.PROPOSAL
    assert parse_conversion("专报") == Conversion.REPORT
    with pytest.raises(InvalidInput) as raised:
        parse_level("省级")
    assert raised.value.code == "unit_level_unknown"
    with pytest.raises(InvalidInput) as raised:
        parse_conversion("议案")
    assert raised.value.code == "conversion_unknown"
