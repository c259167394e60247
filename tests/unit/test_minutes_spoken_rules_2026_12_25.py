"""Spoken ways of proposing (cues.py, suggestions.py): frames said the plain way ("我的意思就是"
"我的想法很简单"), a thought said alone before the proposal ("所以我想，……"), a prohibition laid
down as a rule ("……一律不准开进来"), a demand or a regular practice ("总要有人管" "要定期
清洗"), a 不能 clause after what is to be done, the time a trip takes ("走过去要一个钟头"),
and where a thing is to be moved ("往我们楼后面挪一挪"). Every sentence here is invented for
these tests; none is in the annotated data."""

from __future__ import annotations

import pytest

from transcripts.minutes.speech import prepare
from transcripts.minutes.suggestions import proposals


def _found(said: str) -> list[str]:
    return proposals(prepare(said))


# --- frames said the plain way ------------------------------------------------------------
@pytest.mark.parametrize(("said", "proposed"), [
    # speech recognition: no punctuation, pauses as spaces
    ("我们楼下那个菜场 一下雨门口全是水 我的意思就是 菜场门口搭个雨棚 放几条长凳",
     "菜场门口搭个雨棚"),
    ("我是南岙村的 我的想法也是 卫生室门口挂个牌子 写清楚夜里找谁", "卫生室门口挂个牌子"),
])
def test_a_frame_said_with_jiu_shi_introduces_the_proposal(said: str, proposed: str) -> None:
    assert any(f.startswith(proposed) for f in _found(said))


@pytest.mark.parametrize(("said", "proposed"), [
    ("晚上路过桥头那一段黑得很 我的要求很简单 桥头那一段装几盏路灯", "桥头那一段装几盏路灯"),
    ("路口那个红绿灯等得太久 我的想法很简单 行人的绿灯时间再延长二十秒", "行人的绿灯时间再延长"),
    ("我的要求也很简单 老年食堂的饭菜 价钱再便宜一点", "老年食堂的饭菜"),
])
def test_the_speaker_calling_it_simple_introduces_the_proposal(said: str, proposed: str) -> None:
    assert any(f.startswith(proposed) for f in _found(said))


# --- a thought said alone before the proposal ---------------------------------------------
def test_a_thought_said_alone_introduces_what_would_be_done() -> None:
    said = ("我孙女在镇上读幼儿园 三点半就放学了 我们骑车去接来回一个多钟头 所以我想 "
            "幼儿园放学的时间 往后延一个钟头")
    assert any("放学的时间" in f for f in _found(said))
    said = "我在想啊 每个村选一个护林员 山上的事情有人看着"
    assert any(f.startswith("每个村选一个护林员") for f in _found(said))


def test_a_thought_of_the_speakers_side_or_of_what_might_have_been_proposes_nothing() -> None:
    # the positive case first, so that the thought is read at all
    assert _found("所以我想，低保户的水费，每个月减免一半。")
    assert not _found("那条水渠是我们一锄头一锄头挖的，我就想，要是水渠还通着，田就不会旱。")
    assert not _found("我们几个退休的老人身体还行，我就想，我们这些老人也能出把力气。")


# --- a prohibition laid down as the rule to be ---------------------------------------------
@pytest.mark.parametrize(("said", "proposed"), [
    ("赶集那天老街上人挤人 另外我再说一个 赶集的时候 大货车一律不准开进老街",
     "大货车一律不准开进老街"),
    ("还有 水库边上的那片松树林 不准再砍 那是挡风的", "不准再砍"),
    ("学校门口那段路 要禁止鸣笛", "禁止鸣笛"),
])
def test_a_prohibition_said_as_a_rule_is_proposed(said: str, proposed: str) -> None:
    assert any(proposed in f for f in _found(said))


def test_a_prohibition_told_of_the_past_or_posted_is_no_proposal() -> None:
    assert _found("水库下游 钓鱼的人太多 汛期的时候一律不准下河")  # the rule to be, proposed
    assert not _found("我小时候村里有个老规矩 井边上不准洗衣服 谁洗了就罚他挑水")
    assert not _found("那时候生产队管得严 晚上八点以后不准出工")
    assert not _found("公园门口贴了一张告示，“禁止遛狗”，四个大字。")


# --- a demand, and a regular practice -------------------------------------------------------
@pytest.mark.parametrize(("said", "proposed"), [
    ("村口那个公厕脏得进不去 公厕的卫生 总要有人管起来", "有人管起来"),
    ("小区的垃圾桶夏天臭得很 垃圾桶要定期清洗消毒", "垃圾桶要定期清洗消毒"),
    ("河道里的水葫芦一长就是一大片 河道要经常打捞", "河道要经常打捞"),
])
def test_a_demand_or_a_regular_practice_is_proposed(said: str, proposed: str) -> None:
    assert any(proposed.removeprefix("垃圾桶要").removeprefix("河道要") in f
               for f in _found(said))


def test_a_rule_cited_as_the_one_there_is_proposes_nothing() -> None:
    assert _found("垃圾桶要定期清洗消毒，夏天苍蝇太多了。")  # said as what is to be done
    assert not _found("按规定，每个小区的垃圾桶都要定期清洗消毒，可是这个小区从来没洗过。")


# --- a 不能 clause after what is to be done ------------------------------------------------
def test_bu_neng_after_what_is_to_be_done_makes_a_prescription() -> None:
    found = _found("水渠修到一半就停了 后面那一段 也要修通 不能只修一半")
    assert any("修通" in f for f in found)
    # who may not decide is no prohibition
    assert not any("不能我们" in f for f in _found("这件事要跟镇里一起商量，不能我们村里自己定。"))


# --- the time a trip takes is no requirement ------------------------------------------------
def test_the_time_a_trip_takes_is_no_proposal() -> None:
    found = _found("我建议镇里开一趟到县医院的班车。还有 从我们村到镇上 走路要一个钟头")
    assert found and not any("一个钟头" in f for f in found)


# --- where a thing is to be moved -----------------------------------------------------------
@pytest.mark.parametrize(("said", "proposed"), [
    ("垃圾桶往我们楼后面挪一挪嘛", "垃圾桶往我们楼后面挪一挪"),
    ("那个路灯朝我们院子这边移一移嘛", "路灯朝我们院子这边移一移"),
])
def test_where_a_thing_is_to_be_moved_is_no_story_of_the_speakers(said: str,
                                                                  proposed: str) -> None:
    assert proposed in _found(said)
