"""Follow-up items in plain and spoken commitments: span, unit and deadline (actions.py)."""

from __future__ import annotations

from datetime import date, datetime

from transcripts.minutes.actions import find_actions
from transcripts.minutes.model import Action, Attendee, Transcript, Utterance

ATTENDANCE = (
    Attendee("主持人", "moderator", unit="县政协柳岸镇委员履职小组"),
    Attendee("局长", "department", unit="县城市管理局"),
    Attendee("镇长", "department", unit="柳岸镇人民政府"),
    Attendee("所长", "department", unit="县市场监督管理局"),
    Attendee("经理", "business", unit="柳岸镇禾丰农资有限公司"),
    Attendee("村民", "resident", unit="柳岸镇西塘村"),
)
DAY = datetime(2026, 9, 15, 9, 0)  # a Tuesday


def items(speaker: str, text: str, turn: str = "response") -> list[Action]:
    t = Transcript("议题", ATTENDANCE, (Utterance(1, speaker, text, turn=turn),), started_at=DAY)
    return find_actions(t)


def test_a_proposal_praised_and_taken_up_is_no_proposal_of_the_unit() -> None:
    """"这个建议很好" names another's proposal: the unit's dated task after it is its own."""
    found = items("局长", "菜场东门设岗这个建议很好，"
                          "县城管局下周五前在菜场东门安排两名队员值守。")
    assert [(a.unit, a.deadline) for a in found] == [("县城管局", date(2026, 9, 25))]
    assert "安排两名队员值守" in found[0].text


def test_a_deadline_said_again_after_a_pause_is_one_item() -> None:
    """"下个季度，也就是12月底之前": the later words restate the deadline, one item."""
    found = items("所长", "农药包装回收，这个我们局下个季度，也就是12月底之前，"
                          "在各村布设好回收点。")
    assert [(a.unit, a.deadline_text, a.deadline) for a in found] == [
        ("县市场监督管理局", "12月底之前", date(2026, 12, 31))]
    assert "也就是" not in found[0].text and "布设好回收点" in found[0].text


def test_a_topic_before_our_unit_is_not_part_of_its_name() -> None:
    """"维护费用我们局年底前……": the topic said before "我们局" names no unit."""
    found = items("局长", "今年新装的路灯，维护费用我们局年底前全部结清。")
    assert [(a.unit, a.deadline) for a in found] == [("县城市管理局", date(2026, 12, 31))]


def test_a_unit_name_ends_before_a_modal() -> None:
    """"县城管局一定在柳岸镇……": the name ends where the modal starts, not at 镇."""
    found = items("局长", "请大家放心，国庆节前，县城管局一定在柳岸镇把三个村的垃圾收运点建好。")
    assert [(a.unit, a.deadline) for a in found] == [("县城管局", date(2026, 9, 30))]


def test_a_unit_putting_in_its_own_people_commits_without_a_deadline() -> None:
    """"我们每天早晚各加派一名队员": said plainly, with no deadline, the unit's own task."""
    found = items("局长", "夜市开张以后，我们每天早晚各加派一名队员，在河埠头巡查占道摊点。")
    assert [(a.unit, a.deadline) for a in found] == [("县城市管理局", None)]
    assert "加派一名队员" in found[0].text


def test_a_unit_writing_a_rule_into_its_own_plan_commits() -> None:
    """"我们把……纳入……" binds the unit itself; "镇里统一安排……" puts in its own means."""
    found = items("局长", "西塘村的意见很实在，我们把西塘村路口纳入夜间巡查范围。")
    assert [(a.unit, a.deadline) for a in found] == [("县城市管理局", None)]
    found = items("镇长", "秋收那几天，镇里统一安排两台收割机，免费帮五保户收稻子。")
    assert [(a.unit, a.deadline) for a in found] == [("柳岸镇人民政府", None)]


def test_a_circumstance_before_our_unit_keeps_it_the_subject() -> None:
    """"每逢周末我们局安排……": when comes first, the unit after it still takes the task on."""
    found = items("局长", "新桥通车以后，每逢周末我们局安排队员在桥头疏导车辆。")
    assert [(a.unit, a.deadline) for a in found] == [("县城市管理局", None)]


def test_a_unit_named_only_to_tell_who_speaks_commits_nothing() -> None:
    """"我是……派出所的……": 派 inside a name is no verb of putting people in."""
    assert items("局长", "我是城关派出所的老周，简单说两句，情况大家都清楚。") == []


def test_a_business_that_frames_its_own_task_commits_without_a_deadline() -> None:
    """"由我们公司负责……": the company puts itself at the head of a task, no date needed."""
    found = items("经理", "送货车压坏的村道，由我们公司负责修补，恢复原样，不要村里出钱。")
    assert [(a.unit, a.deadline) for a in found] == [("柳岸镇禾丰农资有限公司", None)]
    assert "修补" in found[0].text


def test_a_business_telling_its_role_commits_nothing() -> None:
    """"……由我们公司负责建设": the company's remit in the project, no task."""
    assert items("经理", "我是禾丰农资的老陈，新仓库由我们公司负责建设。") == []


def test_a_day_told_of_is_no_deadline() -> None:
    """"八月三号那天": the day something happened, said late in the year, dates nothing."""
    assert items("局长", "八月三号那天，我们局的队员一共清了六车淤泥。") == []


def test_a_day_counted_from_each_case_is_no_deadline() -> None:
    """"问题当月解决": a standard for each problem, not when the item is due."""
    found = items("镇长", "镇里牵头，每月开一次碰头会，问题当月解决。")
    assert all(a.deadline_text != "当月" for a in found)


def test_a_limit_for_cases_handed_on_is_a_standard() -> None:
    """"12345转过来的……工单，我们两个工作日内回复": counted from each case, no item."""
    assert items("局长", "热线转过来的占道工单，我们三个工作日内必须回复。") == []


def test_the_chair_giving_the_floor_assigns_nothing() -> None:
    """"下面先请镇卫生院陈院长回应……": a turn to speak, not a task."""
    found = items("主持人", "下面先请镇卫生院陈院长回应周委员的建议，再请县民政局谈谈补贴的事。",
                  turn="moderator")
    assert found == []


def test_a_verb_with_no_object_takes_the_thing_told_right_before() -> None:
    """"……还堆着两车建筑垃圾，我们镇里尽快清运掉": what is cleared was told before it."""
    found = items("镇长", "西塘村口现在还堆着两车建筑垃圾，我们镇里尽快清运掉，腾出地方来。")
    assert len(found) == 1 and "建筑垃圾" in found[0].text and "清运掉" in found[0].text


def test_a_thing_told_before_a_dated_verb_alone_goes_with_that_item() -> None:
    """"……东边两盏路灯不亮，国庆前我们给换上": the lamps are the next item's, not the last's."""
    found = items("局长", "西塘村的垃圾桶，我们局十天内补齐，"
                          "还有东边两盏路灯不亮，国庆前我们给换上。")
    assert [a.deadline for a in found] == [date(2026, 9, 25), date(2026, 9, 30)]
    assert "路灯" not in found[0].text and "路灯" in found[1].text


def test_a_verb_and_its_result_end_the_name_of_our_unit() -> None:
    """"我们局月底前修好西塘泵站的……": the pumping station is what is mended, not the unit."""
    found = items("局长", "我们局月底前修好西塘泵站的1号水泵，保证秋灌用水。")
    assert len(found) == 1 and found[0].text.startswith("修好西塘泵站")


def test_a_notary_the_unit_engages_is_part_of_its_task() -> None:
    """"……公开抽签，请公证处全程公证": the unit has its work vouched for, one item."""
    found = items("镇长", "摊位的事，我们镇里下周三前组织公开抽签，"
                          "请公证处全程公证，结果张榜公布。")
    assert len(found) == 1 and "公证处全程公证" in found[0].text


def test_a_part_of_our_unit_put_at_the_head_answers_for_the_task() -> None:
    """"由我局城关监管所负责": the office named after "我局" is the responsible unit."""
    found = items("所长", "由我局城关监管所负责，两周内对全镇农资店开展一次假种子专项检查。")
    assert [(a.unit, a.deadline) for a in found] == [("城关监管所", date(2026, 9, 29))]


def test_a_hospital_department_named_in_the_frame_is_the_unit() -> None:
    """"由县中医院护理部负责": the department, not the hospital, answers for it."""
    found = items("局长", "陪护登记的事，由县中医院护理部负责，月底前在各病区张贴登记流程。")
    assert [(a.unit, a.deadline) for a in found] == [("县中医院护理部", date(2026, 9, 30))]


def test_another_speakers_words_reported_are_no_pledge() -> None:
    """"刚才王主任说……年底前通车": reported (to be corrected), not the speaker's pledge."""
    assert items("局长", "刚才王主任说西塘村的便桥年底前通车，这个说法不准确，我更正一下。") == []


def test_a_formal_name_said_alone_is_the_subject_of_what_follows() -> None:
    """"二、西塘村村民委员会，月底前……": the unit said before a pause heads the item, not a
    unit asked later in the sentence."""
    found = items("主持人", "二、西塘村村民委员会，月底前把村口的垃圾堆清运干净，"
                            "河埠头护栏的事，请县城管局会同柳岸镇人民政府，尽快落实。",
                  turn="moderator")
    assert (found[0].unit, found[0].deadline) == ("西塘村村民委员会", date(2026, 9, 30))
