"""Plain proposals: what should be done, said with no proposal word (suggestions.py,
cues.PLAIN_*). Every sentence here is invented for these tests."""

from __future__ import annotations

import pytest

from transcripts.minutes.speech import prepare
from transcripts.minutes.suggestions import proposals


# --- an action with the count of what is to be made or given (装两盏 搭个 配一个) ---------
@pytest.mark.parametrize(("said", "proposed"), [
    ("我住九号楼，晚上回来路口黑黢黢的，路口那儿装两盏路灯，走夜路的人也安心。",
     "路口那儿装两盏路灯"),
    ("老年食堂人越来越多，打饭要排二十分钟，窗口边上再配一个打饭的阿姨。",
     "窗口边上再配一个打饭的阿姨"),
    # speech recognition: no punctuation, pauses as spaces
    ("那个 我说两句 公交站那边太晒了 站台上面搭个遮阳棚 等车的老人也好受点",
     "站台上面搭个遮阳棚"),
])
def test_an_action_with_a_count_is_proposed(said: str, proposed: str) -> None:
    assert proposals(prepare(said)) == [proposed]


# --- an action with its goal or result (延到 挪到 换掉 划出来) ------------------------------
@pytest.mark.parametrize(("said", "proposed"), [
    ("孩子放学过来图书室就关门了，周末那一档延到晚上八点嘛。", "周末那一档延到晚上八点"),
    ("河边那段栏杆，锈得一碰就晃，全部换掉，刷一遍防锈漆。",
     "河边那段栏杆，全部换掉，刷一遍防锈漆"),
    ("快递车天天堵在单元门口 快递点挪到小区南门那块空地上去", "快递点挪到小区南门那块空地上去"),
])
def test_an_action_with_its_goal_or_result_is_proposed(said: str, proposed: str) -> None:
    assert proposals(prepare(said)) == [proposed]


def test_a_tried_action_closed_by_a_particle_is_proposed() -> None:
    """"修一修嘛": the verb said again after 一, and the particle of a suggestion."""
    assert proposals("门口那几级台阶修一修嘛，老人上下太费劲。") == ["门口那几级台阶修一修"]


def test_an_action_closed_by_a_particle_needs_no_complement() -> None:
    """"……嘛" "……呗" on an action clause: the softened proposal, a bare verb enough."""
    assert proposals("周末孩子多，活动室早点开门呗。") == ["活动室早点开门"]


def test_a_rule_for_how_a_thing_is_run_is_proposed() -> None:
    """Made known to the public, or taken into a scheme: the rule proposed, no cue."""
    assert proposals("合作社的账大家心里没底，每年的收支向全体社员公开一次。") \
        == ["每年的收支向全体社员公开一次"]
    assert proposals("村道的保洁，也纳入每季度的文明户评比。") \
        == ["村道的保洁，也纳入每季度的文明户评比"]


def test_two_actions_each_at_its_own_place_are_two_proposals() -> None:
    said = "老人等车没地方坐，早班车提前到六点半，在卫生院门口加个停靠站。"
    assert proposals(said) == ["早班车提前到六点半", "在卫生院门口加个停靠站"]


# --- a procedure, a task assigned, a wish put as a condition ---------------------------
def test_a_procedure_first_then_next_is_proposed() -> None:
    assert proposals("这几栋楼年头都久了，先做一次房屋安全检测，再定加装的方案。") \
        == ["先做一次房屋安全检测，再定加装的方案"]


def test_a_task_given_by_the_preposition_you_is_proposed() -> None:
    assert proposals("晚上巷子里黑，由各楼栋的志愿者轮流来巡逻。") \
        == ["由各楼栋的志愿者轮流来巡逻"]


def test_a_wish_said_as_a_condition_with_its_good_is_proposed() -> None:
    assert proposals("下雨天买菜全身湿透，要是菜场门口能装个遮雨棚，大家就不用淋雨了。") \
        == ["菜场门口装个遮雨棚"]


# --- what must stay out: stories, facts, offers, commitments, questions ----------------
@pytest.mark.parametrize("said", [
    # a story: what was done (了), or when it happened
    "去年冬天楼下装了两盏路灯，没几天就坏了。",
    "那时候村口搭个草棚子，大家就在那里歇脚。",
    # a fact: what is there, what it costs
    "小区北门有块空地，平时停着几辆电瓶车。",
    "装一个充电桩要三千多块。",
    # the speaker's own side: an offer or a plan
    "我们几个退休的自己搭个棚子，材料我们出。",
    "镇里把场地定下来，我第一个报名。",
    # a commitment with its deadline
    "公司这个月底前把围挡设起来。",
    # a question for information, a report of what others said
    "路口那个灯谁来装？什么时候装好？",
    "听说街道要把菜场挪到北边去。",
    # what is not done, or done as a habit
    "那排椅子一直没换掉。",
    "每天早上五点收垃圾的车就开到楼下。",
    # a condition that leads to a question, not to a good
    "冷库建起来，电费谁出？",
])
def test_stories_facts_offers_and_questions_propose_nothing(said: str) -> None:
    assert proposals(prepare(said)) == []


def test_an_offer_of_the_speakers_unit_stays_out() -> None:
    """The unit's own means ("我们协会可以……"), with the same verbs: no proposal."""
    assert proposals("我们协会可以派两个志愿者，周末搭个咨询台。", own="区志愿者协会") == []
