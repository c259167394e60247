"""Cued points in run-on speech (suggestions.py: _run_on_apart, _announces, _one_more;
cues.POINTS_HEADER, LIST_MORE, OFFERS_BEFORE, POINT_ACTION): a header of N points said
in the middle of a long spoken sentence, one more point after it or after a proposal
("还有就是……" "再一个 ……"), and a proposal frame after the speaker's side pledged or
offered. Every sentence here is invented for these tests."""

from __future__ import annotations

import pytest

from transcripts.minutes.speech import prepare
from transcripts.minutes.suggestions import proposals


# --- a header said inside the story, then the points it announces ------------------------
@pytest.mark.parametrize(("said", "proposed"), [
    # speech recognition: no punctuation, pauses as spaces
    ("我是东村的 去年冬天我妈摔了一跤 送到医院等了很久 我就想说两个事 村口那段路晚上太黑了 "
     "还有就是卫生室的值班表 贴到村委会门口的公告栏上",
     "卫生室的值班表，贴到村委会门口的公告栏上"),
    ("我是河湾组的 上个月我家老头子半夜发烧 打电话没人接 我今天就讲两件事 卫生室夜里留个人 "
     "再一个 值班手机号码 发到组里的群里",
     "值班手机号码，发到组里的群里"),
])
def test_a_point_announced_inside_a_long_sentence_is_proposed(said: str, proposed: str) -> None:
    assert proposed in proposals(prepare(said))


# --- a proposal frame after the speaker's side pledged and offered -----------------------
@pytest.mark.parametrize("said", [
    "我们超市表个态 从下个月起 每天早上七点开门 另外 我们愿意免费给老人送菜上门 这个不收钱 "
    "我也提个建议 街道把助餐点的菜单 每周贴到各个楼道里",
    "我们超市表个态，从下个月起，每天早上七点开门。另外，我们愿意免费给老人送菜上门，这个"
    "不收钱，我也提个建议，街道把助餐点的菜单每周贴到各个楼道里。",
])
def test_a_proposal_framed_after_a_pledge_is_proposed(said: str) -> None:
    found = proposals(prepare(said), None, True)
    assert len(found) == 1 and found[0].startswith("街道把助餐点的菜单")


# --- precision: troubles, pledges, offers and questions stay out -------------------------
@pytest.mark.parametrize(("said", "company"), [
    # the points after the header tell troubles, with no action in them
    ("我就想说两个事 我们村的路太窄了 还有就是晚上太黑了", False),
    ("我讲两个事。一个是，小区里的车太多了，停得乱七八糟，一到晚上就堵。", False),
    # a company's pledge and offer, with no proposal framed after them
    ("我们公司表个态 从下周起 门店开到晚上十点 另外 我们愿意免费给老人量血压", True),
    ("我们店表个态，这个月起晚上开到九点。另外补一句，我们愿意给老人免费送货上门。", True),
])
def test_troubles_and_pledges_are_no_points(said: str, company: bool) -> None:
    assert proposals(prepare(said), None, company) == []


def test_one_more_that_asks_or_tells_is_no_point() -> None:
    found = proposals(prepare("我建议把东门的闸机修好 还有就是到底什么时候能修好"))
    assert found == ["把东门的闸机修好"]
    found = proposals(prepare("我建议镇里在桥头装一块警示牌 另外 去年那里翻过一辆三轮车"))
    assert found == ["镇里在桥头装一块警示牌"]
