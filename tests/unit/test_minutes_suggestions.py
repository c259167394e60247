"""意见建议 and 协商共识 extraction: cues, lists, trimming, the marks rule, the annotated data."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest

from transcripts.minutes.categories import CATEGORIES, categorize
from transcripts.minutes.model import Attendee, Transcript, Utterance
from transcripts.minutes.scoring import report
from transcripts.minutes.sentences import sentences, split_items, strip_fillers
from transcripts.minutes.speech import prepare
from transcripts.minutes.suggestions import (
    consensus_points,
    find_consensus,
    find_suggestions,
    proposals,
)

SHARED = Path(__file__).parents[1] / "data" / "transcripts"
DEV = Path(__file__).parents[1] / "data" / "minutes" / "dev"


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
    ("咱们得把垃圾分类的规矩定下来，谁不分类就公示。", "把垃圾分类的规矩定下来，谁不分类就公示"),
    ("渡口光靠一条船是不够的，得再添一条才行。", "渡口光靠一条船是不够的，再添一条"),
    ("村口那个路段，非得装上红绿灯不可，不然迟早出事。", "村口那个路段，装上红绿灯"),
    ("我们养殖户压力很大。不如这样，由镇里牵头建一个粪污集中处理中心。",
     "由镇里牵头建一个粪污集中处理中心"),
    ("我提个事：村委会要带个头，把河边的违章搭建清理掉。",
     "村委会要带个头，把河边的违章搭建清理掉"),
    ("图书馆晚上都关着门，为什么就不能开到九点呢？", "图书馆晚上都关着门，开到九点"),
    ("如果卫生院周末也能开门，那就太好了。", "卫生院周末也能开门"),
    ("要是食堂也能送餐上门就好了，哪怕每天只送一顿，我们也满足了。",
     "食堂也能送餐上门，哪怕每天只送一顿"),
    ("有没有可能在菜场边上建一个公共厕所？", "在菜场边上建一个公共厕所"),
    ("不妨在公园里试点设置共享雨伞。", "在公园里试点设置共享雨伞"),
    ("书面建议：在村口设置减速带，提醒过往车辆。", "在村口设置减速带，提醒过往车辆"),
    ("那个，我有个小想法啊，就是公交站台加个顶棚。", "公交站台加个顶棚"),
    ("我看可以这样，周末把学校操场向居民开放。", "周末把学校操场向居民开放"),
    ("是不是可以考虑，把夜市挪到河边广场？", "把夜市挪到河边广场"),
    ("我补充一点，图书室的开放时间要延长到晚上八点。", "图书室的开放时间要延长到晚上八点"),
    ("我想说，老房子不一定都要拆。不如挑几栋保存好的改成村史馆。", "挑几栋保存好的改成村史馆"),
    # plain imperatives, and prescriptions inside a story
    ("桥头那个坑，赶紧把它填平，前天又有人摔了。", "桥头那个坑，把它填平"),
    ("我跟物业说了多少回了，电动车要停到车棚里，不要推进楼道。",
     "电动车要停到车棚里，不要推进楼道"),
    ("车棚那边太黑，要装两盏灯，不然晚上没法停车。", "车棚那边太黑，要装两盏灯"),
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
    "孩子们可以在操场上玩，很安全。",
    "一辆校车可以坐四十个孩子，现在只有两辆。",
    "去年涨水的时候，我们得绕二十里路去镇上。",
    "现在的路还不如以前的土路好走。",
    "大家得到了实惠，都很高兴。",
    "最后两亩地的菜都烂了，心疼啊。",
    "我们公司可以免费提供场地。",
    "另外，我们厂可以免费给社区提供两台饮水机。",
    "我再认捐五万块，给村里的老人食堂。",
    "全部改完估计要三百多万，光材料就要一百万。",
    "我们请人估过价，翻修一遍要六十万。",
    "我想说，老房子不一定都要拆掉。",
    "晚上几点以前要把车开走，不然会不会被罚款？",
    "我们有两个问题需要解决：一是资金不够，二是没人管护。",
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
    ("书面意见：一、增设公交站点；二、延长末班车时间。", 2),
    ("我有两个想法。一个是修路，一个是装灯。", 2),
])
def test_each_item_of_a_list_is_one_proposal(text: str, count: int) -> None:
    found = proposals(text)
    assert len(found) == count
    markers = ("第", "一是", "二是", "首先", "其次", "另外", "1.")
    assert not any(f.startswith(markers) for f in found)


def test_a_list_after_a_recommending_header_ends_with_its_last_item() -> None:
    text = ("邻村有两个办法我看可以借鉴：一个是错时上班，早晚各错开半小时；另一个是拼车出行，"
            "由村里统一登记。我建议咱们村也建一个拼车群。")
    assert proposals(text) == ["错时上班，早晚各错开半小时", "拼车出行，由村里统一登记",
                               "咱们村也建一个拼车群"]


def test_what_the_speakers_own_side_offers_is_left_out() -> None:
    text = "建议在街心公园设一个便民书屋，我们书店可以免费捐一批书，由社区安排志愿者管理。"
    assert proposals(text) == ["在街心公园设一个便民书屋，由社区安排志愿者管理"]


@pytest.mark.parametrize(("text", "expected"), [
    ("建议在菜场门口装一块电子屏，每天公布菜价，大家一看就清楚，这也是一种监督。",
     "在菜场门口装一块电子屏，每天公布菜价"),
    ("希望在村口建一个候车亭，下雨天大家等车也方便。", "在村口建一个候车亭"),
    ("最好把夜市挪到河边广场，比现在挤在路边要强得多。", "把夜市挪到河边广场"),
    ("建议镇里牵头办一个农机合作社，统一买大型农机，我们种粮户也就不用各自借钱买了。",
     "镇里牵头办一个农机合作社，统一买大型农机"),
])
def test_the_results_promised_after_a_proposal_are_trimmed(text: str, expected: str) -> None:
    assert proposals(text) == [expected]


def test_once_proposing_a_named_party_may_be_asked_to_act() -> None:
    assert proposals("我呼吁大家少开车。学校可以组织学生结伴步行上学。") == [
        "大家少开车", "学校组织学生结伴步行上学"]


def test_a_point_gives_its_explicit_proposal_not_the_reasoning_before_it() -> None:
    text = ("我讲两点。第一，物业这个事，光靠社区是管不过来的，必须要引入第三方。"
            "别的小区有现成的做法，效果挺好。我建议街道出台物业服务评价办法。"
            "第二，刚才主任说电梯常坏，你们怎么保证维修及时呢？最好建立电梯维修快速响应机制。"
            "第三，要建一个垃圾中转站。")
    assert proposals(text) == ["街道出台物业服务评价办法", "建立电梯维修快速响应机制",
                               "建一个垃圾中转站"]


def test_an_item_that_tells_or_asks_is_not_listed_as_a_proposal() -> None:
    text = "我提两条建议。第一，我们村里老人多，年轻人都出去了。第二，刚才说的班车你们怎么安排呢？"
    assert proposals(text) == []


def test_a_partial_repeat_of_a_proposal_in_the_same_turn_is_dropped() -> None:
    text = "希望食堂晚上也开门。我再说一遍，希望食堂晚上也开门，哪怕只有一碗面条。"
    assert proposals(text) == ["食堂晚上也开门，哪怕只有一碗面条"]


def test_text_is_trimmed_of_frame_fillers_context_and_reasons() -> None:
    text = ("说实话，我们最担心的是安全问题。那个，我建议把河边八十六处护栏纳入年度维修计划，"
            "这样老人晚上走路也放心一点。")
    assert proposals(text) == ["把河边86处护栏纳入年度维修计划"]


def test_only_participants_turns_carry_suggestions() -> None:
    t = session(("主持", "moderator", "希望大家踊跃发言，能不能先请王委员讲。"),
                ("王委员", "question", "我想问一下交通局，能不能在节假日搞单向通行？"),
                ("李局长", "response", "我们建议由交警大队牵头，尽快制定单向通行方案。"),
                ("张代表", "written", "【书面发言】我建议在景区入口增设停车场。"),
                ("李局长", "comment", "我先走一步，有问题请街道随时跟我们联系。"))
    t = replace(t, attendance=(Attendee("李局长", "department"), Attendee("王委员", "member")))
    found = find_suggestions(t)
    assert [(s.number, s.seq, s.proposers) for s in found] == [(1, 2, ("王委员",)),
                                                             (2, 4, ("张代表",))]
    assert found[0].text == "在节假日搞单向通行"
    assert all(s.category in CATEGORIES and s.origin == "auto" for s in found)


def test_a_suggestion_mark_takes_precedence_other_turns_stay_automatic() -> None:
    t = session(
        Utterance(1, "甲", "我建议在村口装路灯。", marks=()),
        Utterance(2, "乙", "村口晚上太黑了，老人出门很不方便，上个月还有人摔倒。",
                  marks=("suggestion",)),
        Utterance(3, "丙", "第一，建议增设公交站。第二，建议延长班次。", marks=("suggestion",)),
        Utterance(4, "丁", "我建议在河边装护栏。"),
        Utterance(5, "戊", "我们局里尽快把路灯修好。", turn="response", marks=("action",)))
    found = find_suggestions(t)
    assert [(s.seq, s.origin) for s in found] == [(1, "auto"), (2, "mark"), (3, "mark"),
                                                  (3, "mark"), (4, "auto")]
    assert found[1].text in "村口晚上太黑了，老人出门很不方便，上个月还有人摔倒"
    assert [s.number for s in found] == [1, 2, 3, 4, 5]


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
    assert [(c.seq, c.origin) for c in found] == [(2, "auto"), (2, "auto"), (3, "auto"),
                                                  (3, "auto"), (4, "mark")]
    assert found[4].text == "总之一句话，停车问题要大家一起想办法"


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
    found = find_suggestions(t)  # the same three proposals, restated by 299 speakers
    assert [len(s.proposers) for s in found] == [299, 299, 299]
    assert len(find_consensus(t)) == 2
    # about 0.22 s here (2 cores); restatements compared pairwise would take many seconds.
    # The old budget, 0.3 s, failed at 0.43 s on a machine shared with other test runs.
    assert time.perf_counter() - start < 1.0


# Floors that pin what the extractor reaches, so a change that loses ground fails. The
# written sessions (t, h, g, f) were at 0.9 and stay there; the later sets in other styles
# (speech recognition, village, online: j, k, m, n, p, q) came in at 0.51-1.00 on their first,
# untouched score; the whole set is at 0.89 now (tests/data/minutes/dev/README-*.md).
WRITTEN = [*SHARED.glob("t?.gold.json"), *(g for g in DEV.glob("*.gold.json")
                                           if g.name[0] in "hgf")]


# The dev set grows by sessions nobody tuned on; a consensus point its annotator drew
# differently from the extractor's reading (x3 #22: two sentences of the chair the gold keeps
# as one point) stays a visible miss rather than a rule made for one sentence.
@pytest.mark.parametrize(("sessions", "floor", "consensus"), [
    (SHARED, 0.9, 1.0), (WRITTEN, 0.9, 1.0), (DEV, 0.88, 0.99)],
    ids=["t1-t3", "written", "dev"])
def test_annotated_sessions(sessions: Path | list[Path], floor: float,
                            consensus: float) -> None:
    _, figures = report(sessions if isinstance(sessions, list) else [sessions])
    assert figures["suggestion_f1"] >= floor
    assert figures["consensus_recall"] >= consensus


def test_a_wish_whose_ending_stands_apart_keeps_what_was_wished() -> None:
    """"要是……，……，那就好了": the proposal is the wish, not the words that close it."""
    found = proposals("唉，我也没办法。要是村口能建个候车亭，下雨天老人不用淋雨，那就好了，"
                      "我也省得天天操心。")
    assert found == ["村口能建个候车亭，下雨天老人不用淋雨"]


def test_a_proposal_restated_by_others_is_one_item_with_every_proposer() -> None:
    t = session(("王委员", "speech", "我建议镇里设立老房修缮补助资金，按面积给居民补贴。"),
                ("李大爷", "speech", "我也呼吁一下，镇里要设立老房修缮补助资金，给居民补贴。"),
                ("王委员", "speech", "我再建议老街晚上十点以后禁止酒吧音乐外放。"))
    found = find_suggestions(t)
    assert [(s.number, s.seq, s.also, s.proposers) for s in found] == [
        (1, 1, (2,), ("王委员", "李大爷")), (2, 3, (), ("王委员",))]


def test_the_own_side_taking_on_a_task_is_no_proposal() -> None:
    assert proposals("我讲两条：一是我们合作社6月底前先流转100亩抛荒茶园做试点。"
                     "二是建议镇里把后山茶园的机耕路硬化。") == ["镇里把后山茶园的机耕路硬化"]


@pytest.mark.parametrize(("text", "expected"), [
    # a heading that announces the points, and a closing clause with a colon
    ("二、几点建议。\n1. 编制健身设施专项规划，逐个街道查缺口。\n2. 利用边角地建设口袋公园。",
     ["编制健身设施专项规划，逐个街道查缺口", "利用边角地建设口袋公园"]),
    ("我们社区试过几个办法，效果还可以，建议推广：\n第一，广场分时段共享使用；\n第二，推广静音广场舞。",
     ["广场分时段共享使用", "推广静音广场舞"]),
    # a talk frame with a count, said before a colon
    ("我就讲两条：一是租房合同，镇里要弄一个统一的样本；二是签合同时让老板交一笔保证金。",
     ["租房合同，镇里要弄一个统一的样本", "签合同时让老板交一笔保证金"]),
    # 我的意思是 hands over to the proposal
    ("各家自己去找老板，谈不拢。我的意思是，由村里的合作社出面把闲置房子统一租过来。",
     ["由村里的合作社出面把闲置房子统一租过来"]),
    # an announcement is no proposal
    ("受调研组委托，把前期调研情况和建议报告如下。", []),
])
def test_headers_that_announce_points(text: str, expected: list[str]) -> None:
    assert proposals(text) == expected


def test_offers_to_volunteer_are_no_proposals() -> None:
    assert proposals("如果需要，我们愿意在公园里轮流值守，劝导不文明行为。") == []
    assert proposals("退休老师可以义务到公园里教太极拳。建议公园增设健身步道。") == [
        "公园增设健身步道"]


def test_a_second_proposal_within_a_point_does_not_use_up_the_points() -> None:
    text = ("提三点建议。\n（一）两评合一。目前要问两遍。建议统一评估量表。\n"
            "（二）助餐补贴实行分层分类。\n（三）建设全市统一的助餐服务数字化平台，刷社保卡就餐。")
    found = proposals(text)
    assert found[-1] == "建设全市统一的助餐服务数字化平台，刷社保卡就餐" and len(found) == 3


def test_written_submissions_in_the_official_numbering() -> None:
    """Headings in brackets, points with headlines and their details, a closing formula."""
    text = ("【背景】去年热线接到求助89件。\n【建议】\n1. 推广社区“四点半课堂”。"
            "依托社区党群服务中心，由社区和妇联组织志愿者看护孩子。\n"
            "（一）推行分层服务。具体可以：1. 每周安排两天特色课程；2. 开学前公布课程清单。\n"
            "以上建议，请各位批评指正。\n如果需要，我们可以派志愿者。")
    assert proposals(prepare(text)) == [
        "推广社区“四点半课堂”，依托社区党群服务中心，由社区和妇联组织志愿者看护孩子",
        "推行分层服务，每周安排两天特色课程、开学前公布课程清单"]


@pytest.mark.parametrize(("said", "found"), [
    # the speaker's own introduction opens the proposal: the story before it is context ...
    ("我家楼下那条路坑坑洼洼，下雨天全是水，老人走路摔过好几次，我建议把这段路面重新铺一遍",
     ["把这段路面重新铺一遍"]),
    # ... but for the thing it is about, named right before
    ("还有村口的那座桥，我建议加装护栏", ["村口的那座桥，我建议加装护栏"]),
    # a remark first ("我补充一点") lets a later frame introduce the proposal
    ("我补充一点，刚才大家讲的都是建设，我想讲讲管理，以前有的项目建好就没人管，我的建议是，"
     "每个项目明确一个管护责任人", ["每个项目明确一个管护责任人"]),
    # what the speaker's side offers, on a condition, is not proposed
    ("我的建议是，供水管网要定期检测，我们公司如果需要，可以免费提供检测设备",
     ["供水管网要定期检测"]),
    ("如果我们承接了这个项目，价格我们可以降一成", []),
    # one more point the speaker counts ("还有一条") says what is to be done
    ("我讲个事情，去年我们小区停了三天水。还有一条，水箱要每半年清洗一次",
     ["水箱要每半年清洗一次"]),
    # a numbered point with 可以 after a story
    ("我们村的情况大家都知道。一是，村集体可以把闲置的仓库改成农产品展销点。",
     ["村集体把闲置的仓库改成农产品展销点"]),
    # a question between two things asks
    ("那块空地是要建停车场，还是要做绿化", []),
    # "多少" far from 能不能 does not make it a question; next to it, it does
    ("能不能在路口装一个红绿灯，上学的时候，多少孩子过马路，太危险了",
     ["在路口装一个红绿灯，上学的时候，多少孩子过马路"]),
    ("能不能说一下，一年检测多少次", []),
    # "我讲两点管理上的意见": a header with what the points are about
    ("我讲两点管理上的意见。一是物业要公开账目。二是业委会要定期换届。",
     ["物业要公开账目", "业委会要定期换届"]),
])
def test_spoken_proposals_in_context(said: str, found: list[str]) -> None:
    assert proposals(said) == found


# --- rules of the cue-vocabulary pass (own example sentences) ---

def test_a_choice_with_its_prohibition_is_prescribed() -> None:
    text = "我就想说，河边那家洗车店，要么接上污水管，要么关掉，不准再往河里放水。"
    assert proposals(text) == ["河边那家洗车店，要么接上污水管，要么关掉，不准再往河里放水"]


def test_a_semicolon_series_after_i_propose_is_proposed_item_by_item() -> None:
    text = "我建议把村道路灯的电费列入镇里的年度预算；保洁员的工资提高到每月一千五百元。"
    assert proposals(text) == ["把村道路灯的电费列入镇里的年度预算", "保洁员的工资提高到每月1500元"]


def test_a_semicolon_series_without_an_introduction_is_not_carried() -> None:
    assert proposals("食堂的菜偏咸；老人吃了血压高。") == []


def test_own_unit_named_offering_its_means_is_no_suggestion() -> None:
    text = ("建议在老街设一个便民药箱。另外，县红十字会可以派人来教大家急救，"
            "有需要随时找我们。")
    assert proposals(text, "清河县红十字会") == ["在老街设一个便民药箱"]
    # the same words from someone else ask the 红十字会 to act
    assert len(proposals(text, "清河县第一中学")) == 2


def test_a_resident_naming_where_they_live_is_not_offering() -> None:
    text = "我们东村可以腾出一块地，建议镇里在那里建个停车场。"
    assert proposals(text, "青山镇东村") == proposals(text)


def test_a_request_for_the_speakers_side_is_no_offer() -> None:
    text = "卫生院能不能给我们值夜班的配一张折叠床？"
    assert proposals(text, "县中医院卫生院") == proposals(text)


def test_one_more_thing_of_the_same_kind_stays_in_the_proposal() -> None:
    text = "我想问，食堂能不能中午多开半小时，我们上夜班的，还有家里有病人的，就都能吃上热饭。"
    assert proposals(text) == ["食堂中午多开半小时，我们上夜班的，还有家里有病人的"]


def test_it_is_the_thing_named_before() -> None:
    text = "我们村委会后面的旧仓库，好多年没人用了，我看能不能把它改造一下，办个村史馆。"
    assert proposals(text) == ["把村委会后面的旧仓库改造，办个村史馆"]


def test_a_question_after_what_is_to_be_done_says_what_it_covers() -> None:
    text = "还有一条，合作社办起来以后，要成立一个理事会，账怎么管，钱怎么分，让社员一起监督。"
    assert proposals(text) == [
        "合作社办起来以后，要成立一个理事会，账怎么管，钱怎么分，让社员一起监督"]


def test_the_speakers_own_task_after_a_proposal_is_left_out() -> None:
    text = "还有一条，图书室要延长开放时间，我们社区下个月底前先把书架搬过去。"
    assert proposals(text) == ["图书室要延长开放时间"]
    # with nothing proposed before it, the task's topic is no proposal either
    assert proposals("第二，张师傅讲的书架，我们社区下个月底前搬过去。") == []


def test_a_restatement_that_refers_back_joins_the_first_in_other_words() -> None:
    found = find_suggestions(session(
        ("甲", "speech",
         "头一个，食堂的厨师，一定要持健康证上岗，每半年体检一次，后厨还要装监控。"),
        ("乙", "speech", "刚才王老师讲的健康证，我补充一点：厨师每年都要体检，后厨要装监控。"),
    ))
    assert len(found) == 1 and found[0].proposers == ("甲", "乙") and found[0].also == (2,)


def test_different_wording_without_a_reference_stays_apart() -> None:
    found = find_suggestions(session(
        ("甲", "speech",
         "头一个，食堂的厨师，一定要持健康证上岗，每半年体检一次，后厨还要装监控。"),
        ("乙", "speech", "我建议厨师每年都要体检，后厨要装监控。"),
    ))
    assert len(found) == 2


def test_a_counted_point_after_a_season_said_as_its_condition() -> None:
    text = "还有一条，雨水多的季节，要先把村口的排水沟清一遍。"
    assert proposals(text) == ["雨水多的季节，要先把村口的排水沟清一遍"]


def test_a_fragment_too_short_to_say_what_to_do_is_no_proposal() -> None:
    assert proposals("这个，缺口必须堵上，不然水就漫进来了。") == []
    # put forward explicitly, a short proposal stands
    assert proposals("我建议堵上缺口。") == ["堵上缺口"]


@pytest.mark.parametrize("text", ["请区医保局回答一下。", "这个事情，街道牵个头。"])
def test_asking_a_unit_only_to_answer_or_to_lead_is_vague(text: str) -> None:
    assert proposals(text) == []


# Round t (issue 8): general rules, each with sentences of our own.

def test_one_more_point_after_a_proposal_is_a_proposal_too() -> None:
    """"再一个，……" / "还有一条，……" after the speaker's points is one of them, even with a topic
    first; one that asks ("……修不修") is not."""
    text = ("我提两个想法：一个是，把村口的老桥加固一下。再一个，河边那一段，要装上护栏，"
            "晚上不准停车，我们志愿队有十来个人，可以轮流去看一看。")
    found = proposals(text)
    assert len(found) == 2
    assert "护栏" in found[1]
    asked = proposals("我建议把村口的老桥加固一下。还有一个，去年冲坏的那段河堤，镇里修不修")
    assert len(asked) == 1
    assert proposals("我建议把老桥加固一下。还有一节课，我就先讲到这里") == ["把老桥加固"]


def test_a_point_counted_by_its_list_proposes_without_a_cue() -> None:
    """"我想了三条" / "从……的角度说三点" announce a list whose points propose."""
    text = ("我想了三条，说给大家参考。一是成立一个河道保洁队，每个组出一个人。"
            "二是保洁费由村集体和商户各出一半。三是每月评一次最干净的河段")
    assert len(proposals(text)) == 3
    text = ("从老年人出行安全和道路设计的角度说两点：一、公交站台加装座椅和扶手。"
            "二、站台前后各划一段减速带")
    assert len(proposals(text)) == 2


def test_the_way_that_works_introduces_the_proposal() -> None:
    """"……做的办法是，X": X is put forward; what was told before it is the problem."""
    found = proposals("第一，垃圾桶放在路口，天天满出来，臭得很，我们在邻村看到的办法是，"
                      "垃圾桶换成带盖的分类箱，每天早晚各清一次")
    assert len(found) == 1 and found[0].startswith("垃圾桶换成带盖的分类箱")


def test_a_question_after_a_proposal_ends_it() -> None:
    """"我也建议X，我想问，……能不能……，多久能……": X is the proposal, the rest asks."""
    found = proposals("我也建议，菜场门口要划出临时停车位，限时十五分钟，我想问，"
                      "这个街道能不能管起来，多久能落实")
    assert len(found) == 1
    assert "临时停车位" in found[0] and "多久" not in found[0]


def test_telling_a_third_party_or_an_embedded_how_is_no_question() -> None:
    """"能不能跟X说一下" asks X to be told; "让家长看到……是怎么做的" asks nothing."""
    found = proposals("能不能跟公交公司说一下，哪个站台改线了，站牌上就贴个通知，让大家别走冤枉路")
    assert found and "站牌" in found[0]
    assert proposals("能不能在后厨装个摄像头，让家长随时看到饭菜是怎么做的")
    assert not proposals("能不能说一下，这个项目到底怎么安排的")


def test_a_pledge_after_a_proposal_leaves_the_proposal() -> None:
    """"我建议……，我们保证……": the pledge is the speaker's own, the proposal stands."""
    found = proposals("我想建议，政府给每个老小区配一台移动发电机，停电时随时能用，"
                      "我们业委会愿意安排人看管，下雨天我们保证有人在")
    assert len(found) == 1 and "移动发电机" in found[0]


def test_an_offer_and_its_terms_are_no_proposal() -> None:
    """"我们愿意入股，具体多少再商量" / "我可以帮忙联系": what the speaker's side offers."""
    assert proposals("刚才说的合作社，我们愿意入股，具体入多少要回去开会，可以再谈") == []
    assert proposals("另外，我认识几个做屋顶防水的师傅，我可以帮忙联系") == []


def test_circled_and_first_markers_are_list_markers() -> None:
    found = proposals("提两点建议：① 把独居老人纳入每周走访名单。② 在楼道口贴上紧急联系电话")
    assert found == ["把独居老人纳入每周走访名单", "在楼道口贴上紧急联系电话"]


# Round u (issue 8): village talk.

def test_said_and_told_asks_for_information() -> None:
    """"能不能……讲一讲/说一说" asks to be told, it proposes nothing."""
    assert proposals("能不能把修桥的钱怎么花的，给大伙讲一讲？") == []


def test_a_can_we_between_questions_is_one_more_question() -> None:
    """"能不能……" between two questions for information asks whether it may be done."""
    text = "我问一下镇里。合作社的地租算不算集体收入？能不能拿来给社员发年货？发年货有没有标准？"
    assert proposals(text) == []
    assert proposals("能不能拿地租给社员发年货。") != []


def test_an_estimate_with_should_is_no_obligation() -> None:
    """"应该……左右" estimates a figure; it obliges no one."""
    assert proposals("这口塘正常一年应该能蓄八万方左右，今年只有五万。") == []


def test_the_first_of_the_speakers_points_said_the_spoken_way() -> None:
    """"头一个，我说……不要……": the speaker's own first point, a prohibition, proposes."""
    found = proposals("头一个，我说修路的钱不要按人头分掉，分了就啥也不剩。")
    assert len(found) == 1 and "修路的钱不要按人头分掉" in found[0]


def test_a_bare_frame_before_counted_points_heads_them() -> None:
    """"所以我的建议，一是……；二是……": the counted points are the proposals."""
    found = proposals("所以我的建议，一是每年从租金里留出两成，作为水渠维修的钱；"
                      "二是管水员要定期巡渠。")
    assert len(found) == 2 and "留出两成" in found[0]


def test_a_frame_said_as_this_way_introduces() -> None:
    """"我的想法是这样的：……" introduces the proposal that follows."""
    found = proposals("我的想法是这样的：村里的空房统一收回来，租给做茶的年轻人。")
    assert found and "租给做茶的年轻人" in found[0]


def test_the_parts_of_one_proposal_stay_one_item() -> None:
    """A proposal announced in parts ("分两块：头一块……第二块……") is one item, with its parts."""
    found = proposals("我的想法是这样的：每年的租金拿出三成，设一笔养老金，分两块用：头一块占七成，"
                      "给七十岁以上的老人发米面。第二块占三成，请医生上门量血压。")
    assert len(found) == 1
    assert "岁以上的老人发米面" in found[0] and "请医生上门量血压" in found[0]


def test_an_offer_to_help_with_something_is_no_proposal() -> None:
    """"我们可以帮村里装……" offers the speaker's help; its terms go with it."""
    assert proposals("至于监控，我们可以帮村里装，价钱上可以便宜点。") == []


def test_a_long_point_keeps_its_explicit_proposal_not_its_story() -> None:
    """Too long a point keeps "建议……" and drops the story before it."""
    found = proposals("我提两点：一是这几年河边的垃圾越堆越多，一到夏天臭得没法过，苍蝇蚊子满天飞，"
                      "孩子们不敢去河边玩，建议在河边每隔一百米放一个分类垃圾桶并且每天清运。"
                      "二是要有人管。")
    assert found and "分类垃圾桶" in found[0]


def test_points_that_tell_the_speakers_troubles_propose_nothing() -> None:
    """"我们难处也有，一是……二是……" tells problems."""
    text = ("这个大家可以去打听。我们难处也有，一是钱，收鸡蛋要付现钱，一季要垫几十万。"
            "二是人，喂鸡的师傅都六十多岁了。")
    assert proposals(text) == []


# Round z (issue 8): plain talk, speech run together, hedges and fragments (made-up sentences).

def test_points_announced_as_what_i_think_propose_without_a_cue() -> None:
    """"就说我想的两条。一是……" heads the speaker's points: each one is a proposal, also in
    plain words with no cue ("……就往外移……")."""
    found = proposals("我文化不高，就说我想的两条。一是那几根电线杆，挡路的就往外移，一根杆子"
                      "往外挪两米。二是挪好了，不准在杆子底下堆稻草。")
    assert len(found) == 2 and "电线杆" in found[0]


def test_can_it_be_followed_by_the_speakers_doubt_is_no_proposal() -> None:
    """"能不能……，我不敢打包票": whether it can be done, in doubt."""
    assert proposals("工钱这一块，能不能全都免掉，我不敢打包票，回头再说") == []
    assert proposals("能不能都按老价钱算，说不准") == []


def test_the_setting_left_before_an_offer_is_no_fragment() -> None:
    """"二是雨季那一个月，我们水利站可以……": with the offer gone, the time left says nothing."""
    found = proposals("我补充两点。一是渠道里的淤泥要赶在雨季前清掉。二是雨季那一个月，"
                      "我们水利站可以派两个人守闸。", own="石桥镇水利站")
    assert found == ["渠道里的淤泥要赶在雨季前清掉"]


def test_what_to_make_it_into_with_its_prohibition_is_a_prescription() -> None:
    """"……修成砖的，别用铁皮": how it is to be built, and what not to do."""
    found = proposals("还有，围墙砌成砖的，别用铁皮，一刮风就哗哗响。")
    assert len(found) == 1 and found[0].startswith("围墙砌成砖的，别用铁皮")
    assert proposals("那堵墙早就砌成了，别提了。") == []


def test_asking_leave_to_speak_is_a_courtesy_not_a_question() -> None:
    """"我能不能说一句，X能不能……": the second 能不能 proposes; asking leave is no question
    of it, nor a proposal."""
    assert proposals("我能不能说一句，门卫的夜班费能不能提一点") == ["门卫的夜班费提一点"]
    assert proposals("插一句，食堂的菜价能不能降一点") == ["食堂的菜价降一点"]


def test_a_frame_said_without_a_pause_introduces_its_proposal() -> None:
    """"我的建议是在……装……" (speech recognition writes no comma after 是)."""
    found = proposals("晚上那里黑得很，我的建议是在桥头那个路口装两盏路灯，再刷一道反光漆")
    assert len(found) == 1 and found[0].startswith("在桥头那个路口装两盏路灯")
    # a header stays a header: "我的想法是这样的：" introduces what follows its colon
    assert proposals("我的想法是这样的：每个组选一个联络员，每月碰一次头。") == [
        "每个组选一个联络员，每月碰一次头"]


def test_an_offers_terms_end_where_the_speaker_introduces_the_proposal() -> None:
    """"我们愿意……，但是有个条件，……，所以我的建议是，……": the proposal after the offer
    stands."""
    found = proposals("我们愿意免费上门收旧衣服，但是有个条件，要叠好装袋，所以我的建议是，"
                      "每个小区在物业门口放一个旧衣回收箱")
    assert found == ["每个小区在物业门口放一个旧衣回收箱"]


def test_might_as_well_proposes_but_not_in_a_story() -> None:
    """"干脆就……" says what to do instead; "他干脆不来了" tells."""
    found = proposals("报名表太复杂了，干脆就改成扫码登记")
    assert len(found) == 1 and found[0].endswith("改成扫码登记")
    assert proposals("上次开会人太少，老刘干脆不来了") == []


def test_so_much_for_so_much_is_no_question() -> None:
    """"用多少报多少" is a rule, not a question of how much: the prescription stands."""
    found = proposals("燃油费要按实际里程补，用多少报多少，不要按人头平摊")
    assert len(found) == 1 and "用多少报多少" in found[0]
    assert proposals("燃油费要按实际里程补，一年报多少，不要按人头平摊") == []


def test_points_that_answer_a_why_question_are_reasons() -> None:
    """"为什么不愿意？我们问了，有两条：一是……二是……": the points are the reasons."""
    text = ("年轻人为什么不愿意回村？我们问了一圈，归纳了两条：一是工资要比城里低一半，"
            "二是孩子上学要跑十几里路。")
    assert proposals(text) == []


def test_a_need_said_as_a_noun_is_no_cue() -> None:
    """"这确实是居民的迫切需要": a statement of need, no proposal."""
    assert proposals("刚才说的充电桩，确实是居民的迫切需要") == []
    assert proposals("我们迫切需要在村口建一个充电站") != []


# Round i (2026.12.16): each rule with a sentence of its own, not from the annotated data.
def test_an_ordinal_of_days_or_times_numbers_no_point() -> None:
    from transcripts.minutes.sentences import marker
    assert marker("第二天上午垃圾就堆满了") is None
    assert marker("第一次去就碰了钉子") is None
    assert marker("第一时间通知到楼长") is None
    assert marker("第二，停车位要重新划线") is not None
    assert split_items("能不能晚上也安排人清运，第二天上午垃圾就堆满了") == [
        "能不能晚上也安排人清运，第二天上午垃圾就堆满了"]


def test_one_more_after_what_a_preposition_takes_is_the_same_item() -> None:
    # "还有" after what 把 takes, with an example between, before its verb
    assert len(split_items("建议把收费标准，比如每小时两块，还有开放的时段，都贴在门口")) == 1
    # ... and after whom 对 names ("……的X"), before what is asked for them
    text = "我的意思是，至少对我们小区里的低保户，还有行动不便的老人，能不能上门收件"
    assert len(split_items(text)) == 1
    found = proposals(text)
    assert len(found) == 1 and "低保户" in found[0] and "行动不便的老人" in found[0]


def test_a_second_use_said_like_the_first_goes_on_with_the_proposal() -> None:
    found = proposals("能不能在车棚边上装个充电柜，能给电瓶车充电，也能不让大家乱拉电线。")
    assert found == ["在车棚边上装个充电柜，能给电瓶车充电，也能不让大家乱拉电线"]


def test_in_a_point_the_conclusion_drawn_is_the_proposal() -> None:
    found = proposals("我从规划上讲两点：第一，菜场后门那边，大家都想建个停车场，"
                      "但是土地手续慢，那就先划一片临时停车区，用隔离桩围起来。第二，噪音的问题，不是商户不配合，是风机太旧，"
                      "我建议统一换成静音风机，晚上十点以后停用。")
    assert found == ["菜场后门那边，先划一片临时停车区，用隔离桩围起来",
                     "噪音的问题，统一换成静音风机，晚上十点以后停用"]


def test_a_proposal_backing_a_named_person_restates_theirs() -> None:
    t = session(("李桂兰", "speech", "我建议把小区里能充电的车棚都在手机地图上标出来。"),
                ("周志强", "speech", "我建议在东门加装一个道闸。"),
                ("王德明", "written", "提两点：一是赞成李阿姨说的，把能充电的车棚都标到导航软件上，"
                                      "最好能看到还有几个空位；二是东门晚上派人值守。"))
    found = find_suggestions(t)
    assert found[0].text == "把小区里能充电的车棚都在手机地图上标出来"
    assert found[0].proposers == ("李桂兰", "王德明") and found[0].also == (3,)
    assert "赞成" not in " ".join(s.text for s in found)


def test_an_opinion_said_without_a_pause_is_framed() -> None:
    found = proposals("电梯用了二十年了，我的意见是每个季度请第三方检测一次，结果贴在电梯口。")
    assert found and found[0].startswith("每个季度请第三方检测一次")


def test_points_sent_in_writing_are_a_list() -> None:
    found = proposals("我在外地开会，发几点书面意见。一是公交站台加装顶棚。"
                      "二是站牌上的字再放大一些。")
    assert found == ["公交站台加装顶棚", "站牌上的字再放大一些"]


def test_a_limit_set_after_a_proposal_is_one_more() -> None:
    found = proposals("我的想法是，把村里的活动室腾出来给大家办酒。"
                      "租金只收水电成本，一次不超过两百元。活动室最多摆十五桌。")
    assert found[1:] == ["租金只收水电成本，一次不超过200元"]
    assert proposals("现在只收了五十块，一次不超过两个钟头。") == []


def test_a_guarantee_asked_for_is_no_proposal() -> None:
    assert proposals("我想问一下，能不能跟居民打个包票，今年汛期地下室不再进水？") == []


def test_points_told_as_problems_are_no_proposals() -> None:
    found = proposals("说说停车的事，问题有这么几个：\n第一，晚上外卖车可以随便停。\n"
                      "第二，停一晚上要另外收二十块。\n我的建议：停车收费标准要在门口公示。")
    assert found == ["停车收费标准要在门口公示"]


def test_before_the_numbered_points_a_quantity_is_background() -> None:
    found = proposals("先说几句实话，再提几条建议。先算一笔账，一个保安一晚上要巡五栋楼，"
                      "一栋要走二十分钟。我的建议是：\n一是每晚增加一个夜班保安。\n二是装电子巡更系统。")
    assert found == ["每晚增加一个夜班保安", "装电子巡更系统"]


def test_a_headline_before_a_colon_heads_two_sides() -> None:
    # "我的建议是两手抓" is no header of a count (两条): the frame introduces a headline, and
    # "一方面……另一方面……" are the two proposals it heads
    found = proposals("图书馆晚上没人来，我的建议是两手抓：一方面，把闭馆时间推到晚上九点，"
                      "另一方面，周末请志愿者来讲绘本课。")
    assert found == ["把闭馆时间推到晚上九点", "周末请志愿者来讲绘本课"]


def test_a_bare_count_said_alone_marks_the_points() -> None:
    found = proposals("我的建议是，一个，菜场早上七点前不许卸货，二个，垃圾桶挪到后门去。")
    assert found == ["菜场早上七点前不许卸货", "垃圾桶挪到后门去"]
    # a bare "一个" with no "二个" after it is a number
    assert split_items("窗口太少了，只开了，一个，排队要一个钟头") == [
        "窗口太少了，只开了，一个，排队要一个钟头"]


def test_a_proposal_introduced_before_the_speakers_own_task_stands() -> None:
    found = proposals("老楼的水管锈得厉害，所以我的想法是，物业统一换成不锈钢管，费用从维修基金出，"
                      "我们业委会月底前把各户意见收上来。")
    assert found == ["物业统一换成不锈钢管，费用从维修基金出"]


def test_a_rhetorical_why_not_proposes() -> None:
    found = proposals("社区食堂的饭菜太贵了。为什么不给八十岁以上的老人打个八折呢？")
    assert found == ["给80岁以上的老人打个八折"]
    assert proposals("他们为什么不来开会呢，我们等了一个钟头。") == []


def test_an_offer_after_a_topic_put_first_is_the_companys() -> None:
    found = proposals("另外，周末的冷链配送我们也可以承担，运费按公里算，头一个月半价。",
                      company=True)
    assert found == []


def test_a_condition_left_before_an_offer_says_nothing() -> None:
    found = proposals("我建议小区多装几盏路灯。还有，冬天下大雪要铲雪的话，"
                      "我们物业中心有两台铲雪车，可以借出来。", own="滨湖物业中心")
    assert found == ["小区多装几盏路灯"]


def test_the_thing_named_before_its_description_is_what_is_proposed() -> None:
    found = proposals("我的想法是，菜场后面那间仓库，现在堆满了旧货架，"
                      "能不能清出来，改成老年食堂。")
    assert found == ["菜场后面那间仓库，清出来，改成老年食堂"]


def test_a_point_about_a_thing_keeps_it_with_what_is_proposed() -> None:
    found = proposals("我提两条建议。第一，增加一班早班车。第二，村口那间旧祠堂，年轻人都出去了，"
                      "空了好几年，可以改成村史馆，放老照片和农具。")
    assert found[1] == "村口那间旧祠堂，改成村史馆，放老照片和农具"


def test_a_condition_that_must_be_met_first_is_part_of_the_proposal() -> None:
    found = proposals("能不能把每辆校车都检查一遍，刹车检测合格了才能上路，不然出事就晚了。")
    assert found == ["把每辆校车都检查一遍，刹车检测合格了才能上路"]


def test_what_the_side_has_not_is_no_offer() -> None:
    found = proposals("县里在搞便民驿站，我们青竹村一个也没有，我的建议是，"
                      "在村委会旁边建一个便民驿站，方便老人取快递。", own="青竹村股份经济合作社")
    assert found == ["在村委会旁边建一个便民驿站"]


def test_a_frame_said_before_a_phrase_with_a_count_still_introduces() -> None:
    # "两条路" is no header's count ("我的建议是两条：")
    assert proposals("我的建议是两条路都修宽一点，方便会车。") == ["两条路都修宽一点"]


def test_what_not_to_do_with_a_thing_before_the_proposal_is_part_of_it() -> None:
    # "我们单元" is no story of the speaker's: the clause says where the bikes may not go
    found = proposals(prepare("电动车不能停在我们单元楼道里 最好统一停到北门那个车棚 离楼远一点"))
    assert found[0].startswith("电动车不能停在我们单元楼道里，")


def test_in_a_point_what_follows_so_is_proposed_not_the_facts_before_it() -> None:
    found = proposals("从安全上讲三点：第一，这座桥是按六十年代的标准修的，桥面只有四米宽，"
                      "设计时没考虑现在的大货车，所以过桥的这一段，要限速二十公里，不然迟早出事。")
    assert found == ["过桥的这一段，要限速20公里"]


def test_a_typed_question_without_its_subject_proposes_nothing() -> None:
    found = proposals("想问一下：退休的老师能不能到社区食堂吃饭。建议给退休教师办一张就餐卡。")
    assert found == ["给退休教师办一张就餐卡"]


@pytest.mark.parametrize(("said", "proposed"), [
    # the case in which the reason holds ("没有……" "……一冻"), said right before it, is the
    # reason's: the proposal ends before it
    ("菜场门口最好搭个雨棚 没有雨棚 一下雨摊主就只能收摊了", "菜场门口搭个雨棚"),
    ("水表箱外面最好包一层保温棉 水管一冻 整栋楼就停水了", "水表箱外面包一层保温棉"),
    # what would come of it, said comparatively ("……坏得更快")
    ("书库里最好装两台除湿机 不要开窗通风 潮气一进 书页坏得更快",
     "书库里装两台除湿机，不要开窗通风"),
    # what some do now, told after the proposal: the complaint behind it
    ("停车场出口最好装个道闸 有的司机那个车 不交钱就直接开走了", "停车场出口装个道闸"),
])
def test_a_spoken_proposal_ends_before_its_reasons_and_complaints(said: str, proposed: str) -> None:
    assert proposals(prepare(said)) == [proposed]


def test_what_another_proposed_taken_up_after_a_proposal_is_another_point() -> None:
    """"……，周师傅讲的X，我也觉得……": the speaker's own proposal, then one taken up."""
    found = proposals(prepare("北门那段围墙最好也刷一遍 周师傅说的门口装监控 我也觉得一定要装"))
    assert found[0] == "北门那段围墙也刷一遍"


def test_what_is_taken_up_and_backed_with_a_detail_is_one_proposal() -> None:
    """"王老师讲的X，……，我是非常赞成的，……最好……": the backing is no context that cuts the
    proposal taken up off from the speaker's detail."""
    found = proposals(prepare(
        "王老师刚才讲的错峰开放操场 周末也开 我是非常赞成的 开放时间最好长一点"))
    assert found == ["王老师刚才讲的错峰开放操场，周末也开，开放时间长一点"]


def test_a_spoken_header_that_leaves_out_its_noun_announces_the_points() -> None:
    """"……，我提两个：一个是，……。第二个，……": the count ends the header, its noun unsaid."""
    found = proposals(prepare("这个食堂办了三年了 菜价年年涨 我提两个 一个是 每周把菜谱和价格"
                              "贴在门口 第二个 老人和残疾人 每顿减免两块钱"))
    assert found == ["每周把菜谱和价格贴在门口", "老人和残疾人，每顿减免两块钱"]


def test_a_step_done_before_that_is_all_it_takes_is_part_of_the_proposal() -> None:
    """"……，网上填好了，到窗口签个字就行": the step (了) is how the proposal works, no result
    that ends it."""
    found = proposals(prepare("能不能把开证明的表格放到网上 网上填好了 到窗口签个字就行"))
    assert found == ["把开证明的表格放到网上，网上填好了，到窗口签个字就行"]


def test_a_wish_about_what_another_proposed_keeps_what_it_is_about() -> None:
    """"刚才周医生说的X，我非常希望能尽快办起来": the wish is about X, named before it (for
    all its 刚才, no context)."""
    found = proposals("刚才周医生说的给独居老人装紧急呼叫器，我非常希望能尽快办起来。")
    assert found == ["刚才周医生说的给独居老人装紧急呼叫器，我非常希望能尽快办起来"]
