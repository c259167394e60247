"""Rules of the minutes extractor that hold across session styles (issue 8): follow-up items
(standing time limits, periods, units as named, hedges, heads, restatements), proposals
(offers, reasoning before a concluding proposal, back-references, false cues) and spoken
self-corrections. Every sentence is made up for the test; none is in the annotated data."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from transcripts.minutes.actions import find_actions
from transcripts.minutes.compile import not_proposed
from transcripts.minutes.consensus import consensus_points
from transcripts.minutes.deadlines import find_deadline
from transcripts.minutes.model import Action, Attendee, Suggestion, Transcript, Utterance
from transcripts.minutes.restated import merge_restated
from transcripts.minutes.sentences import split_items
from transcripts.minutes.speech import prepare
from transcripts.minutes.suggestions import proposals
from transcripts.minutes.units import Speaker, own_unit, unit_at

ATTENDANCE = (
    Attendee("主持人", "moderator", unit="云溪县政协石桥镇委员履职小组"),
    Attendee("局长", "department", unit="云溪县交通运输局"),
    Attendee("镇长", "department", unit="石桥镇人民政府"),
    Attendee("院长", "department", unit="云溪县人民医院"),
    Attendee("主任", "other", unit="石桥镇柳岸社区居民委员会"),
    Attendee("老板", "business", unit="云溪县顺风物流有限公司"),
    Attendee("委员", "member", unit="云溪县农业技术推广中心"),
    Attendee("老人", "elder", unit="云溪县老年协会"),
    Attendee("村民", "resident", unit="石桥镇柳岸村"),
)
DAY = datetime(2026, 6, 11, 9, 0)  # a Thursday


def transcript(*turns: tuple[str, str, str]) -> Transcript:
    return Transcript("议题", ATTENDANCE, tuple(
        Utterance(i, speaker, text, turn=turn) for i, (speaker, turn, text) in enumerate(turns, 1)),
        started_at=DAY)


def actions(*turns: tuple[str, str, str]) -> list[Action]:
    return find_actions(transcript(*turns))


def summary(items: list[Action]) -> list[tuple[str | None, str | None, date | None]]:
    return [(a.unit, a.deadline_text, a.deadline) for a in items]


# --- follow-up items: when a time is no deadline ---------------------------------------

def test_a_time_limit_counted_from_each_case_is_the_items_standard() -> None:
    """"接报后2小时内" / "……受理，三个工作日内答复": no deadline of its own, no second item."""
    items = actions(("局长", "response", "我们局本月底前开通农村客运投诉专线，接报后两小时内回电，"
                                         "投诉专人受理，三个工作日内给答复。"))
    assert summary(items) == [("云溪县交通运输局", "本月底前", date(2026, 6, 30))]
    assert "接报后两小时内回电" in items[0].text


def test_a_limit_named_as_such_is_no_deadline() -> None:
    items = actions(("局长", "response",
                     "我们局一个月内上线网上办理，审批时限压缩到五个工作日以内。"))
    assert summary(items) == [("云溪县交通运输局", "一个月内", date(2026, 7, 11))]


def test_a_period_told_or_a_time_past_is_no_deadline() -> None:
    assert find_deadline("三月到五月，站点一共接到投诉四十件") is None
    assert actions(("主任", "comment", "今年一月到现在，我们社区一共登记了二十七起漏水。"),
                   ("主任", "comment",
                    "我们社区的助餐点今年3月开张，现在每天有六十个老人来吃。")) == []


def test_a_time_said_of_a_thing_is_no_deadline() -> None:
    assert find_deadline("二季度的停电主要是线路老化") is None
    assert find_deadline("二季度前完成线路改造") is not None


# --- follow-up items: who is responsible, as named -----------------------------------

@pytest.mark.parametrize(("text", "unit"), [
    ("在柳岸村开展一次安全检查", None),  # a preposition, not a name
    ("特别是县交通局月底前", None),  # a discourse word before the name
    ("镇综治办转交县交通局办理", "镇综治办"),  # a verb after the name ends it
    ("县交通局指导物流公司", "县交通局"),
    ("各乡镇交通部门会同县交通局", "各乡镇交通部门"),  # the units meant, as said
    ("水果类由县农业局负责", None),  # a name does not run over 由
    ("委员工作室整理成提案", "委员工作室"),
])
def test_unit_names_as_said(text: str, unit: str | None) -> None:
    assert unit_at(text) == unit


def test_the_place_of_the_speakers_own_unit_said_alone_is_theirs() -> None:
    town = Speaker("department", "石桥镇人民政府", ("石桥镇人民政府",))
    shop = Speaker("business", "石桥镇顺风物流有限公司", ("石桥镇顺风物流有限公司",))
    assert own_unit("镇里会同县交通局", town) == ("石桥镇人民政府", 2)
    assert own_unit("镇里月底前修好", shop) is None  # a shop's "镇里" is the 镇, not the shop


def test_a_unit_joined_to_another_is_the_partner_not_the_lead() -> None:
    items = actions(("主持人", "moderator",
                     "会后的工作这样安排：一是县交通局会同石桥镇人民政府8月底前建成候车亭。"))
    assert summary(items) == [("县交通局", "8月底前", date(2026, 8, 31))]


def test_the_speakers_side_asking_another_keeps_the_speakers_unit() -> None:
    items = actions(("镇长", "response",
                     "我们镇里两周内请县里的检测单位到现场取样，拿出整改方案。"))
    assert summary(items) == [("石桥镇人民政府", "两周内", date(2026, 6, 25))]


def test_the_people_who_serve_are_not_the_unit_assigned() -> None:
    items = actions(("院长", "response",
                     "我们院三季度在柳岸村试点，由乡镇卫生院医生为卧床老人上门换药。"))
    assert summary(items) == [("云溪县人民医院", "三季度", date(2026, 9, 30))]


def test_a_chair_names_units_as_said() -> None:
    items = actions(("主持人", "moderator",
                     "会后的工作这样安排：一是请委员履职小组下周五前把今天的意见整理成提案。"))
    assert summary(items) == [("委员履职小组", "下周五前", date(2026, 6, 19))]


# --- follow-up items: what is no pledge ----------------------------------------------

@pytest.mark.parametrize(("speaker", "turn", "said", "left"), [
    ("主持人", "moderator", "线上报名的事，请县交通局会后研究。", []),  # a study, no more
    ("镇长", "response", "要是县里能补一部分，镇里再凑一点，争取国庆前把桥修好。",
     []),  # a condition on others
    ("镇长", "response", "新站房，七月底时间太紧，我们争取年底前建成。",  # a time doubted
     [("石桥镇人民政府", "年底前", date(2026, 12, 31))]),
])
def test_a_hedged_or_conditional_reply_is_no_commitment(
        speaker: str, turn: str, said: str,
        left: list[tuple[str | None, str | None, date | None]]) -> None:
    assert summary(actions((speaker, turn, said))) == left


def test_a_division_of_duties_by_the_rules_is_no_item() -> None:
    assert actions(("局长", "response", "按照职责分工，客运站的日常管理由我局负责。")) == []


def test_work_under_way_before_the_dated_pledge_is_no_past() -> None:
    items = actions(("局长", "response", "站牌的样式，我们局已经请设计院在做，7月底前全部换新。"))
    assert summary(items) == [("云溪县交通运输局", "7月底前", date(2026, 7, 31))]


def test_a_thing_of_last_year_as_the_object_is_no_past() -> None:
    items = actions(("镇长", "response", "由镇财政所负责，端午节前把去年这九户的补贴全部发到户。"))
    assert summary(items) == [("镇财政所", "端午节前", date(2026, 6, 18))]


def test_seeing_whether_it_can_be_done_is_no_proposal() -> None:
    items = actions(("镇长", "response",
                     "我们镇一个月内逐户上门，看能不能装、装在哪里，拿出方案。"))
    assert summary(items) == [("石桥镇人民政府", "一个月内", date(2026, 7, 11))]


def test_the_speakers_own_proposal_that_names_who_does_it_is_no_pledge() -> None:
    assert actions(("主任", "follow_up",
                    "我的想法是，活动室改好以后交给物业管，电费由物业承担，年底一起结算。")) == []


def test_a_companys_head_carries_to_its_tasks() -> None:
    items = actions(("老板", "speech",
                     "我们公司先做两件实事。一是本周内把仓库门口的坑填平。二是月底前在村口设一个收货点。"),
                    ("老板", "follow_up", "分拣场地的事，我们公司定了，下个月1号开始对散户开放。"))
    assert summary(items) == [("云溪县顺风物流有限公司", "本周内", date(2026, 6, 14)),
                              ("云溪县顺风物流有限公司", "月底前", date(2026, 6, 30)),
                              ("云溪县顺风物流有限公司", "下个月1号", date(2026, 7, 1))]
    assert "定了" not in items[2].text


def test_a_lead_frame_without_deadline_is_an_item_but_a_head_is_not() -> None:
    items = actions(("镇长", "response",
                     "由石桥镇人民政府牵头，以后每月第一个周一搞一次联合巡查。"),
                    ("镇长", "response",
                     "由镇交通办负责以下两件事：一是一周内摸清站点；二是月底前出方案。"))
    assert summary(items) == [("石桥镇人民政府", None, None),
                              ("镇交通办", "一周内", date(2026, 6, 18)),
                              ("镇交通办", "月底前", date(2026, 6, 30))]


def test_the_target_set_apart_before_the_item_is_its_topic() -> None:
    items = actions(("局长", "response", "对七十岁以上的独居老人，我们局一个月内免费发放出行卡。"))
    assert items and items[0].text.startswith("对70岁以上的独居老人")


def test_a_comment_between_the_topic_and_the_task_is_passed_over() -> None:
    items = actions(("镇长", "response", "第一，村口的候车亭，这个我们马上改，顶棚加宽一米，"
                                         "由柳岸社区居委会负责，下周五前把新的样子公示出来。"))
    assert summary(items) == [("柳岸社区居委会", "下周五前", date(2026, 6, 19))]
    assert "顶棚加宽一米" in items[0].text


def test_a_provider_engaged_is_part_of_the_task() -> None:
    items = actions(("老板", "speech",
                     "我们公司下周五前把冷库全部消毒一遍，请有资质的机构检测，报告贴在门口。"))
    assert "报告贴在门口" in items[0].text


@pytest.mark.parametrize(("said", "words"), [
    ("我们局两周内把这几块路牌公示出来。", "公示这几块路牌"),
    ("我们局一周内把那几只流浪狗收容起来。", "收容那几只流浪狗"),
])
def test_two_character_verbs_of_a_result(said: str, words: str) -> None:
    assert actions(("局长", "response", said))[0].text == words


# --- follow-up items: restated in the closing -----------------------------------------

def test_the_chair_taking_up_a_pledge_restates_it_in_any_words() -> None:
    items = actions(("局长", "response", "我们局9月底前把全县十二条农村客运线路的站牌全部换新。"),
                    ("主持人", "moderator", "二、请县交通局按今天表的态，9月底前完成站牌更新。"))
    assert [(a.seq, a.also) for a in items] == [(1, (2,))]


def test_the_chair_reporting_a_pledge_never_made_gives_no_item() -> None:
    assert actions(("主持人", "moderator", "县交通局承诺的站牌更新9月底前完成，我们会跟踪。")) == []


# --- spoken self-corrections ---------------------------------------------------------

@pytest.mark.parametrize(("said", "read"), [
    ("我们局两周内，不是，十天内，把路面修好。", "我们局十天内，把路面修好。"),
    ("我们镇本周内……不，下周三前把群建起来。", "我们镇下周三前把群建起来。"),
    ("这个不是，我们的责任。", "这个不是，我们的责任。"),  # not before a value: says no
])
def test_a_bare_no_between_two_values_corrects_the_first(said: str, read: str) -> None:
    assert prepare(said) == read


# --- proposals: what is not one ------------------------------------------------------

@pytest.mark.parametrize(("text", "own", "company", "expected"), [
    # the speaker's unit as "我们" and its kind, what it has, the subject said apart
    ("建议县里办培训班。第二，我们中心的教室和老师可以拿出来。", "云溪县农业技术推广中心", False,
     ["县里办培训班"]),
    ("建议推广滴灌。我们中心有两台示范机，可以借给大家用。", "云溪县农业技术推广中心", False,
     ["推广滴灌"]),
    ("建议推广滴灌。另外我们中心的技术员，可以每个月来免费指导。", "云溪县农业技术推广中心", False,
     ["推广滴灌"]),
    # the speakers themselves, counted
    ("建议社区划一块遛狗区。我们几个养狗的可以轮流打扫。", None, False, ["社区划一块遛狗区"]),
    # a company's bare "我们"
    ("建议镇里统一收购。旺季的时候，我们也可以考虑多派两辆车。", None, True, ["镇里统一收购"]),
    # an offer before a proposal made explicitly stays apart from it
    ("我们协会有十几个退休教师，不如把我们组织起来，办个四点半课堂。", "云溪县老年协会", False,
     ["把我们组织起来，办个四点半课堂"]),
])
def test_what_the_speakers_own_side_offers_is_no_proposal(
        text: str, own: str | None, company: bool, expected: list[str]) -> None:
    assert proposals(text, own, company) == expected


@pytest.mark.parametrize("text", [
    "这个茶园是可以机采的，一台机器顶十个人。",  # what is possible
    "这两件事镇里能不能办？",  # only pointing back
    "我看这个事要抓紧。",
    "上午有门诊，工人请半天假要扣钱，小病就拖着。",  # taking leave
    "一个月补助两千块，还不如进厂。",  # a complaint
    "问他们能不能晚上开门，说没有人手。",  # a question reported
    "今天在外地，稍后提前下线，请主持人谅解。",  # a courtesy
    "区里的人没到，请会务组把这条转给他们。",  # the session's staff
    "另外提醒家长：孩子放学要及时接，不要在路边玩。",  # a reminder to the public
    "拉材料的大车都要从村里小路过，人多、娃多，要当心。",  # a caution
    "我们县有没有这个补贴，企业能不能办？",  # whether it can be done
    "用地手续能不能办下来，镇里支持不支持？",
    "我今天不提什么要求，就想问镇里几句话。",  # no frame in a negation
    "我这边声音，可以吧，好的，我是农技中心的。",  # a question tag
    "原则上还是要等验收以后再移交。",  # a stance
])
def test_no_proposal(text: str) -> None:
    assert proposals(text) == []


def test_reasoning_before_the_proposal_the_speaker_then_introduces_is_no_item() -> None:
    text = "我觉得治理不光是修路，也要管好车。我的建议是，村口装一个限高杆。"
    assert proposals(text) == ["村口装一个限高杆"]


def test_a_title_is_no_proposal() -> None:
    assert proposals("书面意见：农村客运发展的几个实际问题") == []


def test_remarks_announced_leave_the_unnumbered_story_out() -> None:
    text = ("我从专业角度补充两点。现在已经入汛，河道水位偏高。第一，我建议汛前清淤。"
            "第二，建议加装水位计。")
    assert proposals(text) == ["汛前清淤", "加装水位计"]


def test_after_a_pledge_head_the_points_are_pledges() -> None:
    text = "眼前的事不能等，我表个态：1. 我们公司本周内派人检修。2. 分公司尽快开通报修电话。"
    assert proposals(text, "云溪县顺风物流有限公司", True) == []


def test_a_whole_point_puts_its_proposal_after_what_it_is_about() -> None:
    text = ("我提两点建议：一是活动室太小。二是三楼以上的老楼，只有一部楼梯，一旦着火就没路了，"
            "建议这样的楼每层配一个灭火器。")
    assert proposals(text)[-1] == "三楼以上的老楼，只有一部楼梯，建议这样的楼每层配一个灭火器"


def test_a_headline_of_one_clause_takes_its_detail_but_not_thanks() -> None:
    text = ("我说两点想法：一是建一个微信群。二是现在大家都有手机，建议每个村建一个报修群，"
            "谁家水管坏了，当天拍照发到群里。谢谢大家。")
    assert proposals(text)[-1] == "每个村建一个报修群，谁家水管坏了，当天拍照发到群里"


def test_points_announced_by_a_title_of_problems_then_of_proposals() -> None:
    text = ("我书面说几点意见。调研发现，问题比较集中：一是合同太长，二是租金太低。"
            "三是没有退出办法，所以我们提两条建议：第一，镇里出合同样本。第二，租金每五年调一次。")
    assert proposals(text) == ["镇里出合同样本", "租金每五年调一次"]


def test_one_more_thing_taken_before_the_verb_is_the_same_item() -> None:
    assert split_items("所以我建议，把老人的名单，还有家里的电话，建一个台账") == [
        "所以我建议，把老人的名单，还有家里的电话，建一个台账"]


def test_a_point_that_names_its_topic_goes_on_in_the_next_sentence() -> None:
    text = "我讲三点。1. 关于电费。建议电费由企业承担。2. 关于移交。改造完成以后，要签订书面协议。"
    assert proposals(text) == ["电费由企业承担", "改造完成以后，要签订书面协议"]


def test_a_speaker_saying_their_proposal_again_adds_no_item() -> None:
    found = merge_restated([
        Suggestion(1, "村口建一个候车亭", ("村民",), 1, "交通"),
        Suggestion(2, "村口一定要建一个候车亭", ("村民",), 5, "交通"),
        Suggestion(3, "村口建一个候车亭，加装路灯", ("委员",), 6, "交通")])
    assert [(s.seq, s.proposers, s.also) for s in found] == [(1, ("村民", "委员"), (6,))]


def test_what_is_done_all_of_is_named_before_it() -> None:
    """"……，全部拆除到位": its object is the things named before, not what cannot be done."""
    items = actions(("局长", "response", "沿线现在有九处广告牌挡住了站牌，群众看不到，"
                                         "我们局月底前全部拆除到位。"))
    assert items[0].text == "沿线现在有九处广告牌挡住了站牌，全部拆除到位"


def test_our_unit_doing_it_first_is_the_subject() -> None:
    items = actions(("主任", "speech", "巡查员，我们社区先从志愿者里安排两个人，7月1日前到岗。"))
    assert summary(items) == [("石桥镇柳岸社区居民委员会", "7月1日前", date(2026, 7, 1))]
    assert "从志愿者里安排两个人" in items[0].text


def test_a_person_from_a_company_commits_it_when_naming_it() -> None:
    t = Transcript("议题", (Attendee("乡贤", "elder", unit="云溪县宏达五金厂"),), (
        Utterance(1, "乡贤", "我们厂7月底前派两个师傅回村，免费检修抽水泵。", turn="speech"),
        Utterance(2, "乡贤", "村里的合作社下个月开会，我回去跟他们提。", turn="speech")),
        started_at=DAY)
    assert summary(find_actions(t)) == [("云溪县宏达五金厂", "7月底前", date(2026, 7, 31))]


# --- round 2026.12.10: questions, offers, complaints, closings (one test per rule) -------

def test_a_question_asked_earlier_in_a_long_spoken_sentence_does_not_make_a_later_cue_ask(
) -> None:
    """Speech runs a question and a proposal into one sentence: "到底什么时候" far back asks
    on its own; "能不能……" after it still proposes."""
    found = proposals("我想问一下，桥下的路灯到底什么时候修，晚上走路都看不见，我想提的就是，"
                      "能不能在桥头装两盏太阳能路灯")
    assert any("在桥头装两盏太阳能路灯" in p for p in found)


def test_an_asking_word_in_the_cues_clause_still_asks() -> None:
    assert proposals("能不能告诉我们到底什么时候通车") == []


def test_one_announced_proposal_follows_in_the_same_sentence() -> None:
    """"我这里就一个建议，……": what follows is the proposal, after the numbers told."""
    found = proposals("我报几个数，去年桥下积水十一次，所以我这里就一个建议，"
                      "把桥下的排水沟加宽一倍")
    assert found == ["把桥下的排水沟加宽一倍"]


def test_an_offer_on_the_condition_that_others_need_it_is_no_proposal() -> None:
    assert proposals("另外，协会如果需要，我们律所可以派两个人帮忙") == []


def test_free_of_charge_asked_of_others_is_no_offer() -> None:
    """"免费……" after a request to others says how they are asked to do it."""
    found = proposals("能不能给村里的孤寡老人，免费把旧电线换成阻燃线")
    assert any("免费把旧电线换成阻燃线" in p for p in found)


def test_asking_whether_a_unit_takes_it_on_proposes_nothing() -> None:
    assert proposals("这笔钱，水务局能不能认下来") == []


def test_a_thing_only_pointed_back_to_proposes_nothing() -> None:
    assert proposals("装了那个东西就好了，我晚上也能睡个安稳觉了") == []


def test_whom_the_proposal_is_for_stays_with_it() -> None:
    found = proposals("像我们这种腿脚不便的老人，能不能把药送到家里")
    assert any("腿脚不便的老人" in p and "把药送到家里" in p for p in found)


def test_a_sentence_closed_by_a_rhetorical_question_complains() -> None:
    assert proposals("晚上十点下班，你叫我推着车走两里路去充电，充完了还得推回来，谁愿意啊") == []


def test_should_have_it_with_nothing_after_adds_no_proposal() -> None:
    assert proposals("老张讲的在路口装监控，我也赞成，每个小区都应该有") == []


def test_a_statement_of_what_something_is_proposes_nothing() -> None:
    assert proposals("这是我们应该做的") == []


def test_whichever_clause_in_a_prescription_does_not_ask() -> None:
    found = proposals("哪家再往河里倒垃圾，要按村规民约罚款，不然说了也白说")
    assert any("按村规民约罚款" in p for p in found)


def test_the_last_consensus_point_running_into_the_hand_over_is_kept() -> None:
    points = consensus_points("形成两点共识：第一，桥要尽快修好。第二，钱要多方筹措，"
                              "不能都等县里，那会后的工作这样安排：一、请交通局牵头。")
    assert points == ["桥要尽快修好", "钱要多方筹措，不能都等县里"]


def test_a_head_said_as_zhemeban_is_no_item() -> None:
    items = actions(("镇长", "response", "由我们镇牵头协调，具体这么办。第一个，"
                                         "我们镇一个月内在桥头装好护栏。"))
    assert [a.text for a in items if "护栏" not in a.text] == []
    assert len(items) == 1


def test_a_pledge_on_others_money_coming_is_hedged() -> None:
    assert actions(("局长", "response", "只要省里的资金下来了，我们一个月内拨付到位。")) == []


def test_a_time_in_a_clause_of_purpose_is_no_deadline() -> None:
    items = actions(("镇长", "response", "镇里清明前修好水渠，保证通水，不耽误大家四月中旬插秧。"))
    assert summary(items) == [("石桥镇人民政府", "清明前", date(2027, 4, 4))]


def test_the_chairs_sign_off_is_not_in_the_last_item() -> None:
    items = actions(("主持人", "moderator", "会后的工作这样安排：一、请柳岸社区居民委员会下周五前把"
                                           "纪要整理好，报镇党委，散会，谢谢大家。"))
    assert items and all("散会" not in a.text and "谢谢" not in a.text for a in items)


def test_an_item_that_is_a_proposal_of_its_turn_is_dropped() -> None:
    """One sentence is proposed or committed to, not both."""
    proposed = Suggestion(1, "河边的杂草汛前要清干净", ("主任",), 3, "其他")
    kept = Action("在村口装好路灯", "石桥镇柳岸社区居民委员会", None, "月底前", 3)
    dropped = Action("清干净河边的杂草", "石桥镇柳岸社区居民委员会", None, "汛前", 3)
    assert not_proposed([kept, dropped], [proposed]) == [kept]


# --- round 2026.12.11: online posts, plain talk, numbered points (one test per rule) ------

def test_a_first_numbered_point_saying_what_is_to_be_done_proposes() -> None:
    found = proposals("我在这一带跑了三年。第一，菜场门口的摊位要往里收一收。"
                      "第二，早高峰要有人疏导。")
    assert any("摊位要往里收" in f or "摊位往里收" in f for f in found) and len(found) == 2


def test_whom_it_is_given_to_said_with_women_is_no_aside() -> None:
    found = proposals("我的意见有两条：\n1、给我们院里的独居老人装个呼叫铃，夜里有人应。\n"
                      "2、楼道灯要换成感应的。")
    assert any("给我们院里的独居老人装个呼叫铃" in f for f in found)


def test_i_will_read_the_record_is_no_proposal() -> None:
    assert proposals("我九点要走，先把想法留在群里，后面的答复我看记录。") == []


def test_points_after_a_written_pledge_head_are_the_companys_own() -> None:
    assert proposals("针对大家的意见，我们公司承诺以下几条：\n1. 月底前在仓库门口装两盏灯。\n"
                     "2. 每周清运一次废纸箱。", "云溪县顺风物流有限公司", True) == []


def test_a_named_units_side_offering_is_its_own_offer() -> None:
    found = proposals("建议每个月抽检一次后厨。协会这边可以组织会员签卫生承诺书。",
                      "云溪县餐饮协会")
    assert found == ["每个月抽检一次后厨"]


def test_a_plus_one_naming_anothers_proposal_is_no_proposal() -> None:
    found = proposals("建议桥头装一盏路灯。另外，+1 王老师的停车建议。")
    assert len(found) == 1 and "路灯" in found[0]


def test_background_before_the_numbered_points_is_no_proposal() -> None:
    found = proposals("讲两点意见。上个月菜市场每天有三千人进出，出口只有一个。"
                      "（一）建议增设两个出口。（二）建议安排保洁员定时清扫。")
    assert len(found) == 2 and not any("三千人" in f for f in found)


def test_background_after_a_colon_header_before_the_proposal_is_no_proposal() -> None:
    found = proposals("我补充一个意见：夜市全靠路灯，好多摊位晚上看不清。建议在夜市两头加装照明。")
    assert len(found) == 1 and "加装照明" in found[0]


def test_plain_talk_zan_and_an_say_our_unit() -> None:
    who = Speaker("department", "石桥镇柳岸村村民委员会")
    assert own_unit("咱村委会月底前把路修好", who) is not None
    assert own_unit("俺们村委会下周把名单贴出来", who) is not None


def test_a_village_clinic_is_a_unit() -> None:
    assert unit_at("柳岸村卫生室尽快入户") == "柳岸村卫生室"


# ------------------------------------------------------------------ round c (issue 8)
def _items(speaker: str, turn: str, text: str) -> list[tuple[str | None, str | None, str]]:
    return [(a.unit, a.deadline_text, a.text)
            for a in find_actions(transcript((speaker, turn, prepare(text))))]


def test_the_thing_named_before_a_second_item_is_its_topic() -> None:
    """Spoken: two items in one sentence; what the second is done to is named right before
    it, after the first item's words."""
    found = _items("局长", "response",
                   "路口的信号灯 我们一个月内拿出改造方案 请设计院一起看 "
                   "学校门前的减速带和警示牌 我们元旦前安装到位 至于电子警察 要等预算")
    assert [(d, text) for _, d, text in found] == [
        ("一个月内", "路口的信号灯，拿出改造方案"),
        ("元旦前", "学校门前的减速带和警示牌，安装到位")]


def test_a_unit_before_huitong_is_not_a_society() -> None:
    """"……学会" is a society, but "小学会同街道" is a school together with the street."""
    assert unit_at("石桥镇中心小学会同柳岸社区") == "石桥镇中心小学"
    assert unit_at("县交通运输局会同县财政局") == "县交通运输局"
    assert unit_at("柳岸村委会同意") == "柳岸村委会"  # 会同意: agrees, not "together with"


def test_a_corrected_unit_takes_the_place_of_the_wrong_one() -> None:
    assert prepare("这件事 由镇城管中队 更正一下 应该是镇综合行政执法队负责 十天内整治到位") \
        == "这件事，由镇综合行政执法队负责，十天内整治到位。"


def test_a_unit_put_at_the_head_after_an_item_opens_the_next_one() -> None:
    """"由X负责" between two dated items heads the second, not the first."""
    found = _items("镇长", "response",
                   "我们镇里月底前给护河志愿者配齐救生衣 河边乱堆的建筑垃圾 "
                   "由石桥镇综合行政执法队负责 两周内清运干净")
    assert [(u, d) for u, d, _ in found] == [("石桥镇人民政府", "月底前"),
                                             ("石桥镇综合行政执法队", "两周内")]
    assert "建筑垃圾" in found[1][2]


# ------------------------------------------------------------------ round d (issue 8)
def test_a_question_a_task_will_answer_is_no_proposal() -> None:
    """"评估能不能用" inside a commitment asks what the task finds out; it proposes nothing."""
    found = _items("镇长", "response",
                   "由石桥镇人民政府会同柳岸村股份经济合作社，12月底前完成旧仓库的房屋安全鉴定，"
                   "结果出来以后报县教育局评估能不能改作图书室。")
    assert [(u, d) for u, d, _ in found] == [("石桥镇人民政府", "12月底前")]


def test_the_chairs_next_dated_task_in_a_sentence_keeps_its_unit() -> None:
    found = _items("主持人", "moderator",
                   "会后的工作这样安排：一是请县交通运输局12月底前拿出方案。二是本次会议的纪要由"
                   "镇政协工作联络组整理，本周内发给发言人确认，下周五前报镇党委、镇政府。散会！")
    assert [(u, d) for u, d, _ in found] == [
        ("县交通运输局", "12月底前"), ("镇政协工作联络组", "本周内"),
        ("镇政协工作联络组", "下周五前")]


# ------------------------------------------------------------------ round e (issue 8)
def test_a_correction_between_commas_and_pauses_replaces_the_deadline() -> None:
    """Cleaner recognisers punctuate some pauses: "…，6月底，嗯 不对，6月底来不及，7月20日前
    完成" is one item, due by the corrected date, its words not the correction's."""
    found = _items("局长", "response",
                   "第一，由县公路养护中心负责，在村口新修3处会车道，6月底，嗯 不对，"
                   "6月底来不及，7月20日前完成。")
    assert [(d, t) for _, d, t in found] == [("7月20日前", found[0][2])]
    assert "会车道" in found[0][2] and "不对" not in found[0][2]


def test_the_word_that_assigns_a_unit_is_not_its_name() -> None:
    found = _items("局长", "response", "第二，由各村委会负责，7月底前把村里的路灯全部修好。")
    assert [(u, d) for u, d, _ in found] == [("各村委会", "7月底前")]


def test_a_bare_kind_is_the_unit_of_that_kind_named_before_in_the_turn() -> None:
    """"由中心……" after "由县人民医院急救中心负责……": that centre, not a unit called 中心."""
    found = _items("局长", "response",
                   "我们表两个态：第一，由云溪县人民医院急救中心负责，一个月内给各村配齐急救箱；"
                   "第二，入冬前，由中心给村医做一次急救培训。")
    assert [u for u, _, _ in found] == ["云溪县人民医院急救中心"] * 2


def test_one_character_put_forward_proposes_nothing() -> None:
    """"……这块地现在归谁？能不能动？" asks about the land; "动" is no proposal."""
    assert proposals("我建议把村口闲置的晒谷场改成停车场。想问镇里，这块地现在归谁？能不能动？") \
        == ["把村口闲置的晒谷场改成停车场"]
