"""What a proposal carries after its action and what it does not (suggestions.py: _end,
_ends_at, _mishap, _remarks; cues.USES, BARE_ABLE, GRANTED, ESTIMATE, VERDICT, CHECKED,
MISHAP, SHARE). Every sentence here is invented for these tests."""

from __future__ import annotations

import pytest

from transcripts.minutes.speech import prepare
from transcripts.minutes.suggestions import proposals


# --- how those it serves use it, through a channel, stays (cues.USES) -----------------------
@pytest.mark.parametrize(("said", "proposed"), [
    ("建议在每个垃圾分类亭贴一个二维码，居民扫码就能预约大件垃圾上门回收。",
     "在每个垃圾分类亭贴一个二维码，居民扫码就能预约大件垃圾上门回收"),
    ("希望卫生院开通网上挂号，村里老人的子女在手机上就能帮着预约专家号。",
     "卫生院开通网上挂号，村里老人的子女在手机上就能帮着预约专家号"),
    ("能不能给村里的公交站装个电子站牌，等车的人用手机也能查到班车到哪儿了。",
     "给村里的公交站装个电子站牌，等车的人用手机也能查到班车到哪儿了"),
    # the channel after the modal
    ("建议社区食堂开个线上点餐的入口，在外地的子女也能在手机上给老人订饭。",
     "社区食堂开个线上点餐的入口，在外地的子女也能在手机上给老人订饭"),
])
def test_how_those_it_serves_use_it_stays(said: str, proposed: str) -> None:
    assert proposals(prepare(said)) == [proposed]


# --- a clause with no subject that says what the one before it allows stays (BARE_ABLE) -----
@pytest.mark.parametrize(("said", "proposed"), [
    ("建议社区出个规定，在小区住满两年的租户，也能参加业主大会的议事。",
     "社区出个规定，在小区住满两年的租户，也能参加业主大会的议事"),
    ("建议物业每月公示维修基金的账目，业委会审核签字以后，才能动用这笔钱。",
     "物业每月公示维修基金的账目，业委会审核签字以后，才能动用这笔钱"),
    ("能不能让村里出个证明，家里有重病人的困难户，就可以申请临时救助。",
     "让村里出个证明，家里有重病人的困难户，就可以申请临时救助"),
])
def test_what_the_clause_before_allows_stays(said: str, proposed: str) -> None:
    assert proposals(prepare(said)) == [proposed]


@pytest.mark.parametrize(("said", "proposed"), [
    # after a concession it is what will come of the proposal (cues.GRANTED)
    ("建议先在河边空地上划一块临时停车场，哪怕先铺点煤渣，也能停下几十辆车。",
     "先在河边空地上划一块临时停车场，哪怕先铺点煤渣"),
    # a result told of someone, with no channel: a reason, still left out
    ("建议在菜场门口装一个遮雨棚，老人买菜就能少淋点雨。", "在菜场门口装一个遮雨棚"),
    ("建议每个楼道装一盏感应灯，晚上回家的人就能看清台阶。", "每个楼道装一盏感应灯"),
])
def test_what_will_come_of_it_stays_out(said: str, proposed: str) -> None:
    assert proposals(prepare(said)) == [proposed]


# --- a cost estimate, an evaluation, the speaker's check: left out (_remarks) ---------------
@pytest.mark.parametrize(("said", "proposed"), [
    ("建议给每个独居老人家里装一个烟雾报警器，一个也就几十块钱，晚上睡觉也安心一点。",
     "给每个独居老人家里装一个烟雾报警器"),
    ("建议把村口那段土路铺上碎石，花钱不多，下雨天就不会满脚泥了。", "把村口那段土路铺上碎石"),
    # the detail said after the estimate still belongs
    ("建议给每栋楼的楼道配两个灭火器，一套才两百块，物业统一采购。",
     "给每栋楼的楼道配两个灭火器，物业统一采购"),
    ("建议每个月把食堂的账目在公告栏贴出来，大家心里有数。", "每个月把食堂的账目在公告栏贴出来"),
    ("建议每周的值日表在群里发出来，谁值哪天，清清楚楚，缺勤三次就换人。",
     "每周的值日表在群里发出来，谁值哪天，缺勤三次就换人"),
    ("建议把垃圾中转站搬到北边的空地上，那块地我去看过，离住户有两百多米，问题不大。",
     "把垃圾中转站搬到北边的空地上，离住户有200多米"),
    # also after a plain proposal
    ("村口那块空地，画个篮球场，花钱不多，年轻人下班也有个去处。",
     "村口那块空地，画个篮球场，年轻人下班也有个去处"),
])
def test_remarks_on_the_proposal_are_left_out(said: str, proposed: str) -> None:
    assert proposals(prepare(said)) == [proposed]


# --- a mishap and what the proposal would do then: the proposal ends (cues.MISHAP) ----------
@pytest.mark.parametrize(("said", "proposed"), [
    ("建议给村里的游泳塘统一买一份意外险，出了事，受伤的孩子有钱治。",
     "给村里的游泳塘统一买一份意外险"),
    ("建议每个小区都配一台自动除颤仪，关键时候能救命。", "每个小区都配一台自动除颤仪"),
    ("菜场门口那块空地，搭个雨棚，关键时候还能躲躲雨。", "菜场门口那块空地，搭个雨棚"),
])
def test_the_proposal_ends_before_a_mishap(said: str, proposed: str) -> None:
    assert proposals(prepare(said)) == [proposed]


def test_how_it_is_used_in_a_mishap_stays() -> None:
    said = "建议每个路口编个号，立一块小牌子，出了事打电话报一下编号，救护车马上就能找到。"
    assert proposals(prepare(said)) == ["每个路口编个号，立一块小牌子，出了事打电话报一下编号"]


# --- who bears which share of the cost: the proposal's terms (cues.SHARE) -------------------
@pytest.mark.parametrize(("said", "proposed"), [
    ("建议给沿街的小饭馆统一装油烟净化器，政府补贴一半，店里出一半，不然小店根本装不起。",
     "给沿街的小饭馆统一装油烟净化器，政府补贴一半，店里出一半"),
    ("能不能给山上的果农买一批防雹网，县里补一半，农户出一半，不然一场冰雹全完了。",
     "给山上的果农买一批防雹网，县里补一半，农户出一半"),
])
def test_a_share_of_the_cost_stays(said: str, proposed: str) -> None:
    assert proposals(prepare(said)) == [proposed]


def test_the_case_of_a_reason_still_goes() -> None:
    said = "建议给楼顶的水箱包一层保温棉，水管一冻，整栋楼都用不上水了。"
    assert proposals(prepare(said)) == ["给楼顶的水箱包一层保温棉"]
