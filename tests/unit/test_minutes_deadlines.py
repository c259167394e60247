"""Deadlines (时限) found in a clause and resolved against the session day; Chinese numerals."""

from __future__ import annotations

from datetime import date

import pytest

from transcripts.minutes.deadlines import (
    LUNAR_TABLE,
    add_months,
    festival_date,
    find_deadline,
    resolve_deadline,
)
from transcripts.minutes.numerals import arabize, to_int, to_number

THU = date(2026, 4, 16)  # a Thursday, like the sessions in the annotated data
DEC = date(2026, 12, 20)  # a Sunday in December: deadlines fall in the next year


@pytest.mark.parametrize(("text", "said"), [
    ("由县住建局负责，6月底前完成接驳并通水", "6月底前"),
    ("两周内由县住建局组织专业队伍", "两周内"),
    ("下个月15号之前出台实施细则", "下个月15号之前"),
    ("市生态环境局雁溪分局年内完成全覆盖", "年内"),
    ("请南峰乡人民政府雨季来临前完成选点", "雨季来临前"),
    ("县供销合作社7月15日前在高坪村先放一座预冷库", "7月15日前"),
    ("镇河长办一个月内把队伍组建起来", "一个月内"),
    ("下周五前报送镇党委", "下周五前"),
    ("今年年底前完成", "今年年底前"),
    ("争取在六月三十号之前完工", "六月三十号之前"),
    ("二〇二六年九月底前", "二〇二六年九月底前"),
    ("第三季度末前完成验收", "第三季度末前"),
    ("力争国庆假期前开通", "国庆假期前"),
    ("今年的上市季马上就要到了，7月1日前开通专线", "7月1日前"),  # 马上 is no deadline
    ("尽快组织力量排查", "尽快"),
    ("主汛期到来之前完成清淤", "主汛期到来之前"),
    ("三个工作日内印发", "三个工作日内"),
    ("半个月之内拿出方案", "半个月之内"),
    ("明年上半年开工", "明年上半年"),
    ("今年三季度建成", "今年三季度"),
    ("计划今年10月开工", "今年10月"),
    ("春节放假前把钱发到位", "春节放假前"),
    ("这学期内把午托班办起来", "这学期内"),
    ("本学年结束前完成评估", "本学年结束前"),
    ("四季度末前开始推行", "四季度末前"),  # by then, not from then
    ("季度末之前拨付到位", "季度末之前"),
    ("每个村的名单18号之前报上来", "18号之前"),
    ("暑假结束前完成改造", "暑假结束前"),
    ("今年梅雨季节前完成加固", "今年梅雨季节前"),
    ("元旦小长假前开通", "元旦小长假前"),
    ("下周起开始整治，两周内完成", "两周内"),
    ("到今年二月底前完成登记", "今年二月底前"),  # by then: 到 is not 截至
])
def test_finds_the_deadline_as_said(text: str, said: str) -> None:
    found = find_deadline(text)
    assert found is not None
    assert found[0] == said
    start, end = found[1]
    assert text[start:end] == said


@pytest.mark.parametrize("text", [
    "去年八月底价格跌穿",
    "上个月底前就批下来了",
    "为明年正式立项做准备",
    "每个人发言控制在五分钟以内",
    "早上七点到九点是出货高峰，下午三点一班",
    "三年前修的路",
    "家庭医生团队下个月起每周下村一次",  # from next month on: a start, not a deadline
    "每周一例会",
    "八月份价格跌穿",  # a bare month says when, not by when
    "一个月里面差了四倍",
    "半个小时之内送到",  # how fast it is done, not by when
    "5号楼前面的空地",
    "停在3号前面的那辆车",
    "每季度末检查一次",
    "截至今年二月底，全区登记在册的犬只一万二千三百只",  # as of: a fact, not a deadline
    "截至2月底登记率不到四成",
    "截止到今年6月底，已完成改造四十户",
])
def test_no_deadline(text: str) -> None:
    assert find_deadline(text) is None


@pytest.mark.parametrize(("said", "day", "expected"), [
    ("两周内", THU, date(2026, 4, 30)),
    ("一周内", date(2026, 5, 21), date(2026, 5, 28)),
    ("10天内", THU, date(2026, 4, 26)),
    ("十天之内", THU, date(2026, 4, 26)),
    ("一个月内", THU, date(2026, 5, 16)),
    ("一个月内", date(2026, 1, 31), date(2026, 2, 28)),
    ("三个月内", THU, date(2026, 7, 16)),
    ("半个月内", THU, date(2026, 5, 1)),
    ("半年内", THU, date(2026, 10, 16)),
    ("五个工作日内", THU, date(2026, 4, 23)),
    ("24小时内", THU, date(2026, 4, 17)),
    ("月底前", THU, date(2026, 4, 30)),
    ("本月底", THU, date(2026, 4, 30)),
    ("月底前", DEC, date(2026, 12, 31)),
    ("下个月底前", date(2026, 5, 21), date(2026, 6, 30)),
    ("下个月底前", DEC, date(2027, 1, 31)),
    ("下个月15号之前", THU, date(2026, 5, 15)),
    ("下月10日前", DEC, date(2027, 1, 10)),
    ("6月底前", THU, date(2026, 6, 30)),
    ("九月底前", THU, date(2026, 9, 30)),
    ("4月底前", THU, date(2026, 4, 30)),  # this month: not a year away
    ("3月底前", THU, date(2027, 3, 31)),  # already past: next year
    ("2月底前", DEC, date(2027, 2, 28)),
    ("6月中旬", THU, date(2026, 6, 20)),
    ("6月上旬前", THU, date(2026, 6, 10)),
    ("6月前", THU, date(2026, 5, 31)),
    ("7月15日前", date(2026, 6, 11), date(2026, 7, 15)),
    ("7月1日前", date(2026, 6, 11), date(2026, 7, 1)),
    ("1月15日前", DEC, date(2027, 1, 15)),
    ("2027年3月1日前", THU, date(2027, 3, 1)),
    ("明年3月底前", THU, date(2027, 3, 31)),
    ("明年3月底前", DEC, date(2027, 3, 31)),
    ("年内", THU, date(2026, 12, 31)),
    ("年底前", DEC, date(2026, 12, 31)),
    ("今年年底", THU, date(2026, 12, 31)),
    ("明年年底前", THU, date(2027, 12, 31)),
    ("明年上半年", THU, date(2027, 6, 30)),
    ("上半年", THU, date(2026, 6, 30)),
    ("上半年", date(2026, 9, 1), date(2027, 6, 30)),
    ("下半年", THU, date(2026, 12, 31)),
    ("一季度", DEC, date(2027, 3, 31)),
    ("今年一季度", THU, date(2026, 3, 31)),  # said of the past: the extractor sees to that
    ("一季度末", DEC, date(2027, 3, 31)),
    ("三季度末", THU, date(2026, 9, 30)),
    ("明年一季度", THU, date(2027, 3, 31)),
    ("本季度内", THU, date(2026, 6, 30)),
    ("下季度", DEC, date(2027, 3, 31)),
    ("季度末前", THU, date(2026, 6, 30)),
    ("本季度末前", DEC, date(2026, 12, 31)),
    ("18号之前", THU, date(2026, 4, 18)),
    ("10号前", THU, date(2026, 5, 10)),  # already past this month: next month's
    ("今年汛期前", THU, None),
    ("下周五前", THU, date(2026, 4, 24)),
    ("下周三前", date(2026, 6, 11), date(2026, 6, 17)),
    ("下周一前", DEC, date(2026, 12, 21)),  # a Sunday: next week starts tomorrow
    ("本周五前", THU, date(2026, 4, 17)),
    ("周五前", THU, date(2026, 4, 17)),
    ("周三前", THU, date(2026, 4, 22)),
    ("本周内", THU, date(2026, 4, 19)),
    ("下周", THU, date(2026, 4, 26)),
    ("端午节前", date(2026, 5, 21), date(2026, 6, 18)),
    ("端午节前", date(2026, 6, 19), date(2027, 6, 8)),  # on the day itself: next year's
    ("春节前", THU, date(2027, 2, 5)),
    ("春节前", DEC, date(2027, 2, 5)),
    ("春节前", date(2026, 1, 10), date(2026, 2, 16)),
    ("年前", DEC, date(2027, 2, 5)),
    ("明年春节前", THU, date(2027, 2, 5)),
    ("2028年春节前", THU, date(2028, 1, 25)),  # the year said, not the next festival
    ("二〇二八年春节前", DEC, date(2028, 1, 25)),
    ("2027年国庆前", THU, date(2027, 9, 30)),
    # working days: the National Day week is off, Saturday 10 October 2026 is worked (调休)
    ("5个工作日内", date(2026, 9, 28), date(2026, 10, 10)),
    ("三个工作日内", date(2026, 9, 18), date(2026, 9, 22)),  # Sunday 20 September is worked
    ("两个工作日内", date(2026, 2, 13), date(2026, 2, 24)),  # 14 Feb worked, then the holiday
    ("中秋节前", THU, date(2026, 9, 24)),
    ("中秋前", date(2026, 10, 1), date(2027, 9, 14)),
    ("元宵节前", DEC, date(2027, 2, 19)),
    ("国庆前", THU, date(2026, 9, 30)),
    ("国庆节前", DEC, date(2027, 9, 30)),
    ("元旦前", THU, date(2026, 12, 31)),
    ("元旦前", DEC, date(2026, 12, 31)),
    ("五一前", THU, date(2026, 4, 30)),
    ("劳动节前", date(2026, 5, 2), date(2027, 4, 30)),
    ("七一前", THU, date(2026, 6, 30)),
    ("清明节前", date(2026, 3, 1), date(2026, 4, 4)),
    ("除夕前", DEC, date(2027, 2, 4)),
    ("今年10月", THU, date(2026, 10, 31)),
    ("明年3月份", THU, date(2027, 3, 31)),
    ("下个月", DEC, date(2027, 1, 31)),
    ("春节放假前", THU, date(2027, 2, 5)),
    ("雨季来临前", THU, None),
    ("汛期前", THU, None),
    ("开学前", THU, None),
    ("尽快", THU, None),
    ("本学期内", THU, None),
    ("不是时限", THU, None),
])
def test_resolves_against_the_session_day(said: str, day: date,
                                          expected: date | None) -> None:
    assert resolve_deadline(said, day) == expected


def test_lunar_festivals_outside_the_table_are_unknown() -> None:
    assert resolve_deadline("春节前", date(2041, 3, 1)) is None
    assert resolve_deadline("国庆前", date(2041, 3, 1)) == date(2041, 9, 30)


@pytest.mark.parametrize(("name", "year", "expected"), [
    ("春节", 2024, date(2024, 2, 10)), ("春节", 2025, date(2025, 1, 29)),
    ("春节", 2026, date(2026, 2, 17)), ("春节", 2027, date(2027, 2, 6)),
    ("春节", 2030, date(2030, 2, 3)), ("春节", 2033, date(2033, 1, 31)),
    ("春节", 2040, date(2040, 2, 12)), ("元宵节", 2026, date(2026, 3, 3)),
    ("端午节", 2025, date(2025, 5, 31)), ("端午", 2026, date(2026, 6, 19)),
    ("端午", 2031, date(2031, 6, 24)), ("中秋节", 2025, date(2025, 10, 6)),
    ("中秋", 2026, date(2026, 9, 25)), ("中秋", 2033, date(2033, 9, 8)),
    ("重阳节", 2026, date(2026, 10, 18)), ("清明", 2026, date(2026, 4, 5)),
    ("清明节", 2028, date(2028, 4, 4)), ("除夕", 2027, date(2027, 2, 5)),
    ("国庆节", 2030, date(2030, 10, 1)), ("劳动节", 2030, date(2030, 5, 1)),
])
def test_festival_dates(name: str, year: int, expected: date) -> None:
    assert festival_date(name, year) == expected


def test_the_lunar_table_is_whole_and_in_season() -> None:
    assert sorted(LUNAR_TABLE) == list(range(2024, 2041))
    for year, days in LUNAR_TABLE.items():
        assert date(year, 1, 21) <= days["春节"] <= date(year, 2, 20)
        assert (days["元宵"] - days["春节"]).days == 14
        assert date(year, 5, 27) <= days["端午"] <= date(year, 6, 25)
        assert date(year, 9, 7) <= days["中秋"] <= date(year, 10, 8)
        assert days["清明"] in (date(year, 4, 4), date(year, 4, 5))


def test_add_months_keeps_the_day_or_the_month_end() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)


# Numerals -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "value"), [
    ("一", 1), ("两", 2), ("十", 10), ("十五", 15), ("二十一", 21), ("一百五十", 150),
    ("一百零五", 105), ("一千零五十", 1050), ("两千一百", 2100), ("一百五", 150),
    ("二〇二六", 2026), ("一二〇", 120), ("五万", 50_000), ("一万两千", 12_000),
    ("一万二", 12_000), ("三亿", 300_000_000), ("15", 15), ("１５", 15),
    ("七八", None), ("二三十", None), ("百", None), ("万一", None), ("千万", None),
    ("一五一十", None), ("十几", None),
])
def test_to_int(text: str, value: int | None) -> None:
    assert to_int(text) == value


def test_to_number_reads_decimals() -> None:
    assert to_number("一点二") == 1.2
    assert to_number("四点五") == 4.5
    assert to_number("3.5") == 3.5
    assert to_number("一点") is None
    assert to_number("二十") == 20


@pytest.mark.parametrize(("text", "written"), [
    ("园区有八十六家企业，跑了三十多家", "园区有86家企业，跑了30多家"),
    ("一点二公里河段的清淤", "1.2公里河段的清淤"),
    ("中间差一点八公里没通", "中间差1.8公里没通"),
    ("五月底前完成", "5月底前完成"),
    ("七月一号开通", "7月1号开通"),
    ("十二月底前", "12月底前"),
    ("二〇一三年建的", "2013年建的"),
    ("宿舍住了一千二百多人，每天一百五十吨左右", "宿舍住了1200多人，每天150吨左右"),
    ("百分之八十以上是卖给收购商的", "80%以上是卖给收购商的"),
    ("投了两百多万，罚款四十多万", "投了200多万，罚款40多万"),
    ("全镇有一万两千多亩", "全镇有1.2万多亩"),
    ("我个人先认捐五万元", "我个人先认捐5万元"),
    ("执法人员一共才十一个人", "执法人员一共才11个人"),
    ("二十四小时有人接", "24小时有人接"),
    ("四点五米以下的占了百分之七十八", "4.5米以下的占了78%"),
])
def test_arabize_writes_counts_in_digits(text: str, written: str) -> None:
    assert arabize(text) == written


@pytest.mark.parametrize("text", [
    "大家一起统一一下", "一直在一些地方", "第一，第二个", "一企一档", "七八盏路灯坏了",
    "百分之二三十", "一两百万", "十几年", "二十来个", "三三两两", "万一出事", "千万不要",
    "十分重要", "每天两班，三期培训", "上午六点半一班，下午三点一班", "十一期间", "五一假期",
    "周三前报送", "星期五", "正月十五", "十一点二十", "百分之百", "几十万", "一个月",
])
def test_arabize_leaves_idioms_and_small_words(text: str) -> None:
    assert arabize(text) == text


def test_a_deadline_said_again_more_precisely_is_the_precise_one() -> None:
    assert find_deadline("我们局本季度内，也就是9月底前，完成改造") == ("9月底前", (11, 15))


@pytest.mark.parametrize(("text", "said"), [
    ("从下周三起每天巡查一次", "下周三"), ("下个月5号开始试运行", "下个月5号"),
    ("下个月5号起增开两班车", "下个月5号"),  # the day it starts, not a bare 下个月
    ("下个月起实行", None), ("下周一以后再说", None),
])
def test_a_start_said_as_a_day_is_due_that_day(text: str, said: str | None) -> None:
    found = find_deadline(text)
    assert (found[0] if found else None) == said
