"""Speech-recognition text as the extractors read it (transcripts/minutes/speech.py)."""

from __future__ import annotations

import pytest

from transcripts.minutes.actions import find_actions
from transcripts.minutes.model import Attendee, Transcript, Utterance
from transcripts.minutes.speech import prepare, speech_like
from transcripts.minutes.suggestions import proposals


@pytest.mark.parametrize(("said", "read"), [
    # pauses are clauses; a discourse marker starts a sentence; fillers alone are dropped
    ("嗯 我们 十一月底前 哦不对 12月底前 把账目公示出来 然后 第二个 就是 电梯的事",
     "我们，12月底前，把账目公示出来。第二个，电梯的事。"),
    # a correction replaces the deadline in place
    ("我们局 十一月底前完成 不对不对 12月底前", "我们局，12月底前完成。"),
    # and a number, unit and all
    ("每户补贴三百 哦不对 五百块 大家看行不行", "每户补贴五百块，大家看行不行。"),
    ("补贴三百元，不对，五百元", "补贴五百元"),
    # a spoken closing: bare numerals are list points
    ("会后的工作这样安排 一 请滨江街道办事处会同望江社区 明年一季度拿出方案 "
     "二 由区住建局负责 月底前完成",
     "会后的工作这样安排。一、请滨江街道办事处会同望江社区，明年一季度拿出方案。"
     "二、由区住建局负责，月底前完成。"),
    # a header before the points keeps them together
    ("所以我提两个建议 第一 流程要简化 第二 推行线上表决",
     "所以我提两个建议：第一，流程要简化。第二，推行线上表决。"),
    # a clock time ("两点半") is no count of points: the sentence before the next point ends
    ("图书室下午两点半开门 第二 周末也开放", "图书室下午两点半开门。第二，周末也开放。"),
])
def test_speech_is_cut_into_sentences_and_corrected(said: str, read: str) -> None:
    assert speech_like(said) == ("，" not in said)
    assert prepare(said) == read


@pytest.mark.parametrize("text", [
    "我觉得这个不对，应该先调研。", "这样做不对吧", "建议在村口建一个候车亭。"])
def test_written_text_is_left_alone(text: str) -> None:
    assert prepare(text) == text


def test_a_spoken_closing_yields_every_assignment_with_the_corrected_deadline() -> None:
    closing = ("好 时间差不多了 会后的工作这样安排 一 请区住建局牵头 十一月底前 哦不对 12月底前 "
               "开通维修资金手机查询 二 由枫林街道负责 两周内 组建业委会筹备组")
    t = Transcript(topic="物业", attendance=(Attendee("沈", "moderator"),),
                   utterances=(Utterance(1, "沈", prepare(closing), turn="moderator"),))
    found = [(a.unit, a.deadline_text) for a in find_actions(t)]
    assert found == [("区住建局", "12月底前"), ("枫林街道", "两周内")]


def test_a_header_at_the_end_of_a_long_spoken_sentence_announces_its_points() -> None:
    said = ("从申请到拨款 最快也要三四个月 漏水的等不起 电梯坏了也等不起 所以我讲两条 "
            "一是 凡是用维修资金的项目 都要引入第三方造价审核 "
            "二是 要请业主代表参与竣工验收 签字以后才拨尾款")
    assert len(proposals(prepare(said))) == 2
    told = ("还有一个事，合同是明年六月份到期，我问了一下，我的意见是，"
            "合同到期以后由业主大会公开选聘物业公司。")
    assert proposals(told) == ["合同到期以后由业主大会公开选聘物业公司"]


def test_details_of_a_point_stay_in_the_point_and_dialect_pronouns_read_as_standard() -> None:
    written = ("建议如下：\n1. 推行菜单式改造。基础包包括：(1)加装扶手;(2)地面防滑;(3)夜间照明。\n"
               "2. 扩大补贴对象范围。")
    assert prepare(written) == ("建议如下：\n1. 推行菜单式改造。基础包包括：加装扶手、地面防滑、"
                                "夜间照明。\n2. 扩大补贴对象范围。")
    assert proposals(prepare(written)) == [  # the point carries its details
        "推行菜单式改造，基础包包括，加装扶手、地面防滑、夜间照明", "扩大补贴对象范围"]
    assert prepare("俺们公司月底前派人来修，俺说话算数。") == "我们公司月底前派人来修，我说话算数。"


def test_a_business_commits_each_of_its_points() -> None:
    t = Transcript(
        topic="光伏", attendance=(Attendee("钱", "business", unit="阳光新能源公司"),),
        utterances=(Utterance(1, "钱", prepare(
            "我表个态：第一，本周内俺们公司派工程师上门检修漏水屋顶；第二，月底前在村里设一个服务点；"
            "第三，汛期前对全村光伏支架做一次加固检查。"), turn="response"),))
    assert [(a.unit, a.deadline_text) for a in find_actions(t)] == [
        ("阳光新能源公司", "本周内"), ("阳光新能源公司", "月底前"), ("阳光新能源公司", "汛期前")]


@pytest.mark.parametrize(("said", "read"), [
    # a correction that says the wrong deadline again, and why, before the right one
    ("我们 下周五前 哦不对 下周五前 赶不上 月底前 交方案", "我们，月底前，交方案。"),
    # numbered things said one after another are a list; a pause before 和 stays in the list
    ("3号 5号 8号 路灯 都不亮", "3号、5号、8号，路灯，都不亮。"),
    ("北门 和南门 都要装", "北门和南门，都要装。"),
])
def test_speech_units_keep_lists_and_the_corrected_value(said: str, read: str) -> None:
    assert prepare(said) == read


def _spoken(attendance: tuple[Attendee, ...],
            turns: list[tuple[str, str, str]]) -> list[tuple[str, str | None, str]]:
    t = Transcript(topic="物业", attendance=attendance, utterances=tuple(
        Utterance(i, who, prepare(text), turn=kind)
        for i, (who, text, kind) in enumerate(turns, 1)))
    return [(a.unit, a.deadline_text, a.text) for a in find_actions(t)]


def test_a_subject_said_on_its_own_opens_the_clause_after_it() -> None:
    # the proposal made later in the long spoken sentence is not the company's task
    found = _spoken((Attendee("钱", "business", unit="滨河青松物业服务有限公司"),), [(
        "钱", "我是 青松物业的 去年 接的 这个小区 东门的 路灯 坏了 好几盏 我们公司 两周内 "
        "把东门的 路灯 全部 修好 我也提个建议 能不能 由社区 统一请 一家 检测机构", "speech")])
    assert found == [("滨河青松物业服务有限公司", "两周内", "把东门的路灯全部修好")]


def test_a_second_deadline_keeps_the_topic_of_the_first() -> None:
    found = _spoken((Attendee("卢", "department", unit="滨河街道办事处"),), [(
        "卢", "第一 东门 和西门 那两段围墙 我们街道 五天内 拉好警示带 春节前 把围墙 加固到位",
        "response")])
    assert [d for _, d, _ in found] == ["五天内", "春节前"]
    assert all("东门和西门" in text for _, _, text in found)


def test_a_known_unit_called_by_the_core_of_its_name() -> None:
    found = _spoken((Attendee("沈", "moderator", unit="滨河街道政协工作组"),
                     Attendee("钱", "business", unit="滨河青松物业服务有限公司")),
                    [("沈", "会后的工作这样安排 一 请青松物业 尽快 公布 报修电话", "moderator")])
    assert found == [("青松物业", "尽快", "公布，报修电话")]


def test_a_correction_said_twice_and_led_by_its_right_value() -> None:
    """"八月底 哦不是 我说错了 应该是九月底前": one correction, the value after 应该是 wins."""
    text = prepare("由县交通局负责 八月底 哦不是 我说错了 应该是九月底前 完成两座桥的检测")
    assert "九月底前" in text and "八月底" not in text and "县交通局" in text


def test_the_two_sides_of_a_plan_start_points() -> None:
    text = prepare("夜市要两头管 一方面 摊位统一编号 另一方面 十点以后不许放音乐")
    assert text == "夜市要两头管。一方面，摊位统一编号。另一方面，十点以后不许放音乐。"
