"""Where a proposal starts and ends (suggestions.py: _shed, _describes, _aside; cues.DESCRIBES,
QUESTION_BEFORE, TAIL_STOP, BARE_CUE, POINTS_TO, NAMED_BY_KIND). Every sentence here is
invented for these tests."""

from __future__ import annotations

import pytest

from transcripts.minutes.speech import prepare
from transcripts.minutes.suggestions import proposals


# --- before the proposal: how things are, told at length, is left out ----------------------
@pytest.mark.parametrize(("said", "proposed"), [
    # a state reached (……的), a place that cannot be got through (进不来), a story (去年被……)
    ("菜市场后门那条小巷子一直是堵着的，早上送货的三轮车进不来，卸货的时候人都挤不过去，"
     "建议把小巷子两边的违章棚子拆掉。",
     "卸货的时候人都挤不过去，建议把小巷子两边的违章棚子拆掉"),
    ("老年活动室的空调坏了两年了，夏天里面闷得跟蒸笼一样，一下午都坐不住，"
     "希望街道把活动室的空调换成新的。",
     "夏天里面闷得跟蒸笼一样，希望街道把活动室的空调换成新的"),
    # a fact said with 是……的, a figure told (两个多钟头)
    ("卫生站周六下午是关着的，孩子发烧只能跑到县医院，来回要两个多钟头，"
     "能不能让卫生站周六下午也开门。",
     "孩子发烧只能跑到县医院，让卫生站周六下午也开门"),
    ("老街那几户危房的墙已经裂了好几条缝，下大雨的时候住在里面太危险了，"
     "建议先把那几户的人搬出来。",
     "老街那几户危房的墙已经裂了好几条缝，建议先把那几户的人搬出来"),
    ("公交站台的顶棚去年被台风刮坏了，到现在都没修，下雨天等车的人全淋湿了，"
     "建议尽快把顶棚修好。",
     "到现在都没修，下雨天等车的人全淋湿了，建议尽快把顶棚修好"),
])
def test_a_long_complaint_before_the_proposal_is_left_out(said: str, proposed: str) -> None:
    assert proposals(prepare(said)) == [proposed]


@pytest.mark.parametrize(("said", "proposed"), [
    ("周末孩子们去哪里玩，建议把小学的操场周末开放。", "把小学的操场周末开放"),
    ("放学以后孩子们去哪儿写作业，能不能在社区活动室开个作业辅导班。",
     "在社区活动室开个作业辅导班"),
])
def test_a_question_before_the_proposal_is_left_out_however_short(said: str,
                                                                  proposed: str) -> None:
    assert proposals(prepare(said)) == [proposed]


# --- ... but not what names the thing or place the proposal is about ------------------------
@pytest.mark.parametrize(("said", "proposed"), [
    ("东头那片空地，建议搭个车棚。", "东头那片空地，建议搭个车棚"),
    ("新修的那段河堤，要种上一排柳树。", "新修的那段河堤，要种上一排柳树"),
    ("西门口那块空地，能不能划成临时停车位。", "西门口那块空地，划成临时停车位"),
    # a short complaint that names the thing stays: it keeps the proposal well within reach
    ("村口那座老桥的栏杆锈得很厉害，建议把栏杆换掉。",
     "村口那座老桥的栏杆锈得很厉害，建议把栏杆换掉"),
    # the proposal points back ("这一段" "它"): what it points to stays
    ("河边那条小路晚上黑得很，一个路灯都没有，路面坑坑洼洼的，老人散步常常绊倒，"
     "建议在这一段装上路灯。",
     "河边那条小路晚上黑得很，老人散步常常绊倒，建议在这一段装上路灯"),
    ("镇卫生院后面那块荒地，杂草长得比人还高，晚上黑乎乎的没人敢走，"
     "能不能把它平整出来做个停车场。",
     "镇卫生院后面那块荒地，杂草长得比人还高，晚上黑乎乎的没人敢走，把它平整出来做个停车场"),
    # the cue clause opens on its modal ("一定要……"): the clause before says where, a figure
    # and all
    ("菜场门口那段路一到早上就堵得不得了，三轮车电动车挤成一团，东门到西门这两百多米，"
     "一定要划出专门的卸货区。",
     "三轮车电动车挤成一团，东门到西门这200多米，一定要划出专门的卸货区"),
])
def test_what_names_the_thing_stays(said: str, proposed: str) -> None:
    assert proposals(prepare(said)) == [proposed]


@pytest.mark.parametrize(("clause", "describes"), [
    ("学校晚上是锁着的", True),
    ("广场上一盏灯都没有", True),
    ("人挤得不得了", True),
    ("钱从哪里出", True),
    ("离镇上有十几公里", True),
    ("新盖的那二十户", False),  # a thing named, with its count
    ("北门保安亭边上", False),  # a place
    ("跟着房子一起转给新业主", False),  # 跟着: a preposition, no state
    ("每一户的表后面", False),
])
def test_what_tells_how_things_are(clause: str, describes: bool) -> None:
    from transcripts.minutes.suggestions import _describes  # (imported here: new in this rule)

    assert _describes(clause) is describes


# --- after the proposal: the state now, a caveat, a comment -----------------------------------
@pytest.mark.parametrize(("said", "proposed"), [
    ("文化站的图书室，建议周末开放，当然借书的规矩要先定好。", "文化站的图书室，建议周末开放"),
    ("社区食堂要增加一个素菜窗口，现在每天只有两个窗口，排队要排二十分钟。",
     "社区食堂要增加一个素菜窗口"),
    ("小区要建一个快递柜，目前快递都堆在门卫室，经常拿错。", "小区要建一个快递柜"),
])
def test_the_proposal_ends_before_an_aside(said: str, proposed: str) -> None:
    assert proposals(prepare(said)) == [proposed]


@pytest.mark.parametrize(("said", "proposed"), [
    # the state now between the topic and its action: the action is still to come
    ("投放点的那块牌子，现在字太小，换成大字的牌子。", "投放点的那块牌子，换成大字的牌子"),
    # an action after the state now: the proposal goes on
    ("社区食堂要增加一个素菜窗口，现在每天只有两个窗口，再开一个早餐窗口。",
     "社区食堂要增加一个素菜窗口，现在每天只有两个窗口，再开一个早餐窗口"),
])
def test_an_aside_before_an_action_does_not_end_it(said: str, proposed: str) -> None:
    assert proposals(prepare(said)) == [proposed]
