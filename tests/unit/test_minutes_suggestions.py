"""意见建议 and 协商共识 extraction: cues, lists, trimming, the marks rule, the annotated data."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from transcripts.minutes.categories import CATEGORIES, categorize
from transcripts.minutes.model import Transcript, Utterance
from transcripts.minutes.scoring import report
from transcripts.minutes.sentences import sentences, split_items, strip_fillers
from transcripts.minutes.suggestions import (
    consensus_points,
    find_consensus,
    find_suggestions,
    proposals,
)

SHARED = Path(__file__).parents[3] / "shared" / "transcripts"


def session(*turns: tuple[str, str, str] | Utterance) -> Transcript:
    """A transcript of (speaker, turn, text) triples, or ready utterances, numbered from 1."""
    utterances = tuple(
        t if isinstance(t, Utterance) else Utterance(seq=i, speaker=t[0], turn=t[1], text=t[2])
        for i, t in enumerate(turns, 1))
    return Transcript(topic="议题", attendance=(), utterances=utterances)


# One proposal each, phrased in different ways (none of these is in the annotated data).
@pytest.mark.parametrize(("text", "expected"), [
    ("我建议在小区门口增设一个非机动车停车棚。", "在小区门口增设一个非机动车停车棚"),
    ("希望学校放学时段，交警能在门口加强疏导。", "学校放学时段，交警能在门口加强疏导"),
    ("可不可以把老年活动中心的开放时间延长到晚上八点？", "把老年活动中心的开放时间延长到晚上八点"),
    ("能否考虑在村口设一个快递代收点？", "在村口设一个快递代收点"),
    ("应当把农村公路养护经费纳入财政预算。", "把农村公路养护经费纳入财政预算"),
    ("请街道尽快协调物业，把地下车库的积水排掉。", "街道尽快协调物业，把地下车库的积水排掉"),
    ("要是能在村里设个卫生室就好了。", "在村里设个卫生室"),
    ("我觉得村道上的护栏，以后要明确个管护的人。", "村道上的护栏，以后要明确个管护的人"),
    ("我的想法是，养老服务要引入社会力量，引进专业机构来运营。",
     "养老服务要引入社会力量，引进专业机构来运营"),
])
def test_one_proposal_in_varied_phrasing(text: str, expected: str) -> None:
    assert proposals(text) == [expected]


@pytest.mark.parametrize("text", [
    "我想问一下，停车场什么时候能建好？",
    "有没有考虑过增加停车位？",
    "能不能告诉我们，资金什么时候到位？",
    "谢谢主任的回答，我很满意。",
    "我是东坡村的村民，在这里住了三十年。",
    "我们小区停车位只有两百个，但是车有五百多辆。",
    "这个钱应该是够的，去年就批下来了。",
    "最好的办法还是大家商量着来。",
    "去年我们就建议过，到现在也没有回音。",
    "我支持刘委员的建议，这个办法好。",
    "我从专业上讲两点。第一，道路改善，不一定要全线拓宽。第二，造价太高。",
    "我就想说，种菜的人苦啊。",
    "希望你们认真研究。",
    "零直排能不能坚持下去，关键在于企业有没有动力。",
])
def test_no_proposal(text: str) -> None:
    assert proposals(text) == []


@pytest.mark.parametrize(("text", "count"), [
    ("我提两点建议：第一，增加公交班次。第二，在车站设置遮阳棚。", 2),
    ("关于停车难，我有三个建议。首先，把机关停车场在夜间向居民开放。其次，建设立体停车库。"
     "最后，加强违停执法。", 3),
    ("一是建议社区食堂延长营业时间；二是对八十岁以上老人免费送餐。", 2),
    ("建议如下：1.增加停车位；2.规范收费标准。", 2),
    ("我建议在学校门口设置接送区。另外，还要在学校周边设置限速标志。", 2),
    ("我们村有两个问题，一是路窄，二是路灯坏了。所以我的建议是，尽快把路灯修好。", 1),
])
def test_each_item_of_a_list_is_one_proposal(text: str, count: int) -> None:
    found = proposals(text)
    assert len(found) == count
    markers = ("第", "一是", "二是", "首先", "其次", "另外", "1.")
    assert not any(f.startswith(markers) for f in found)


def test_text_is_trimmed_of_frame_fillers_context_and_reasons() -> None:
    text = ("说实话，我们最担心的是安全问题。那个，我建议把河边八十六处护栏纳入年度维修计划，"
            "这样老人晚上走路也放心一点。")
    assert proposals(text) == ["把河边86处护栏纳入年度维修计划"]


def test_only_participants_turns_carry_suggestions() -> None:
    t = session(("主持", "moderator", "希望大家踊跃发言，能不能先请王委员讲。"),
                ("王委员", "question", "我想问一下交通局，能不能在节假日搞单向通行？"),
                ("李局长", "response", "我们建议由交警大队牵头，尽快制定单向通行方案。"),
                ("张代表", "written", "【书面发言】我建议在景区入口增设停车场。"))
    found = find_suggestions(t)
    assert [(s.number, s.seq, s.proposers) for s in found] == [(1, 2, ("王委员",)),
                                                             (2, 4, ("张代表",))]
    assert found[0].text == "在节假日搞单向通行"
    assert all(s.category in CATEGORIES and s.origin == "auto" for s in found)


def test_marks_replace_automatic_extraction_for_their_turn() -> None:
    t = session(
        Utterance(1, "甲", "我建议在村口装路灯。", marks=()),
        Utterance(2, "乙", "村口晚上太黑了，老人出门很不方便，上个月还有人摔倒。",
                  marks=("suggestion",)),
        Utterance(3, "丙", "第一，建议增设公交站。第二，建议延长班次。", marks=("suggestion",)),
        Utterance(4, "丁", "我建议在河边装护栏。"),
        Utterance(5, "戊", "我们局里尽快把路灯修好。", turn="response", marks=("action",)))
    found = find_suggestions(t)
    assert [(s.seq, s.origin) for s in found] == [(2, "mark"), (3, "mark"), (3, "mark"),
                                                  (4, "auto")]
    assert found[0].text in "村口晚上太黑了，老人出门很不方便，上个月还有人摔倒"
    assert [s.number for s in found] == [1, 2, 3, 4]


CLOSING = ("好，我来做个小结。经过协商，大家形成了两点共识。第一，停车难要多方共治，"
           "挖潜和新建并举。第二，违停执法要常态化。下面我把会后的工作明确一下。"
           "一是请街道月底前拿出方案。二是请交警大队加强巡查。谢谢大家！")


def test_consensus_points_stop_before_the_follow_up_items() -> None:
    assert consensus_points(CLOSING) == ["停车难要多方共治，挖潜和新建并举", "违停执法要常态化"]
    assert consensus_points("大家一致认为，养老服务要多元供给。会后请民政局牵头。") == [
        "养老服务要多元供给"]
    assert consensus_points("大家一致认为老旧小区加装电梯要一楼一策。谢谢大家！") == [
        "老旧小区加装电梯要一楼一策"]
    assert consensus_points("好，今天的会就开到这里，谢谢大家。") == []


def test_consensus_comes_from_the_moderator_unless_marked() -> None:
    t = session(("甲", "speech", "我觉得大家已经形成共识，第一，要多方共治。"),
                ("主持", "moderator", CLOSING),
                Utterance(3, "主持", CLOSING, turn="moderator", marks=()),
                Utterance(4, "乙", "总之一句话，停车问题要大家一起想办法。", marks=("consensus",)))
    found = find_consensus(t)
    assert [(c.seq, c.origin) for c in found] == [(2, "auto"), (2, "auto"), (4, "mark")]
    assert found[2].text == "总之一句话，停车问题要大家一起想办法"


def test_helpers() -> None:
    assert sentences("【书面发言】你好。我建议这样！好吗？") == ["你好", "我建议这样", "好吗"]
    assert split_items("我有两条，第一，修路，第二，装灯") == [
        "我有两条", "第一，修路", "第二，装灯"]
    assert strip_fillers("那个，就是把路修好啊") == "把路修好"
    assert categorize("对小企业的技改投入给予补贴") == "政策资金"
    assert categorize("在学校门口增设公交站点，方便上学") == "公共服务"
    assert categorize("大家好") == "其他"


def test_a_long_session_is_fast() -> None:
    turn = ("我是村民代表，在村里开了二十年的农用车。我们村的路太窄了，错车很难，去年翻过两次车，"
            "大家出门都提心吊胆的。孩子上学要坐一个多小时的车，有条件的人家都搬到县城去了，"
            "村里现在留下的大多是老人。所以我有两个建议。第一，要加密设置错车道。"
            "第二，最好把断头路打通，这样就连成环线了。另外，能不能在弯道装上反光镜？")
    t = session(*((f"代表{i}", "speech", turn) for i in range(299)),
                ("主持", "moderator", CLOSING))
    assert sum(len(u.text) for u in t.utterances) >= 45_000
    start = time.perf_counter()
    assert len(find_suggestions(t)) == 3 * 299
    assert len(find_consensus(t)) == 2
    assert time.perf_counter() - start < 0.3


def test_annotated_sessions() -> None:
    _, figures = report([SHARED])
    assert figures["suggestion_f1"] >= 0.9
    assert figures["consensus_recall"] >= 0.9
