"""The "what" of a follow-up item: the extractive text a minutes writer would list.

The verb phrase and its topic, without the responsible unit and its frame (由X负责, 请X牵头),
the deadline, the speaker's "我们(街道)" and fillers; 把X组建起来 -> 组建X; numbers as digits.
The topic is the first clause or two of the item's sentence that name something (纺机路沿线的
僵尸车, 刚才说的错时共享停车 -> 错时共享停车), not a story or a comment (轮胎都瘪了, 这是安全
问题); a little of what follows the main clause is kept (签订协议，拿出两百个车位), but not
who helps (县财政局、各村配合) nor another unit's duty (镇政府要配合……).
"""

from __future__ import annotations

import re

from transcripts.minutes.numerals import arabize
from transcripts.minutes.units import drop_own, unit_at

_FRAME_WORD = r"(?:交由|交给|委托|由|请|责成|希望|要求)"
COLLEAGUE = re.compile(r"^的(?:同志|负责同志|领导|相关同志)")
_TOPIC_REF = re.compile(r"^(?:关于|对于|至于)|"
                        r"^[^，]{0,12}?(?:刚才|前面|刚刚)?(?:说|讲|提|提出|反映|[谈讲提说]到)的")
_NOT_TOPIC = re.compile(r"^(?:好|是的|对|谢谢|感谢)|[我你他她咱也很都还了吗呢吧啊]|大家|已经|"
                        r"确实|其实|肯定|马上|现在|打算|准备|可以|应该|觉得|认为|[这那](?:个|样|是)|"
                        r"没有|不是|不能|表.{0,2}态|明确|就是|说|讲|补充|回应|[是请]|以后|之后|可能|理解|这边")
LEAD = re.compile(r"^(?:另外|此外|同时|然后|还有|再就是|那么|下一步|会后|这次|就|先|在这里|当场|"
                  r"请?你们|一定|确保|保证|争取|力争|务必|预计|计划|准备|打算|要|将|会(?![同议])|"
                  r"这(?:个|件|项)(?:事情?|工作|问题))+")
_FOLLOW_STOP = re.compile(r"^(?:请|就是|也就是|比如|例如|因为|主要|这个|这样|这是|其中|我们|大家|"
                          r"你|他|如果|但是|不过|所以|到时候|需要|可以|用得好|这些|那样|至于|关于|"
                          r"[^，]{1,8}的(?:事|问题)(?:情)?(?:[，,]|等|要|我们|还|再|$))")
_CARRIED = re.compile(r"^把(?P<o>.+?)(?P<c>起来|出来|下来)$")
_VERBS2 = tuple("组建 整理 建立 确定 落实 制定 梳理 统计 搭建 筹备 编制 清理 修复 建设 组织 "
                "固定 排查 汇总 拿出 提出".split())
MAX_CHARS = 40
LONG_LEAD = 4  # clauses before an item: past this, its topic is the one right before it
_DUTY = re.compile(r"(?:也|还)?(?:要|将|会|来|负责|牵头|配合|协助)")
_SUPPORT = re.compile(r"(?:配合|协助|参与|支持)$")  # "县财政局、各村配合": who helps, not what
# what says "by then" before a deadline (not the 要 of 纪要, 需要 ...)
_BEFORE_DEADLINE = r"(?:(?<![纪摘需重主只])要|将|会|争取|力争|计划|确保|保证|在|于)*"


def _clean(clause: str, unit: str | None, deadline: str | None) -> str:
    """A clause without its deadline, the unit and its frame, and leading fillers."""
    u = re.escape(unit) if unit else None
    unit_frame = re.compile(rf"{_FRAME_WORD}{u}(?:{COLLEAGUE.pattern[1:]})?(?:来)?(?:牵头|负责)?"
                            rf"|^{u}(?:这边|方面)?(?:来)?(?:牵头|负责)?") if u else None
    if unit_frame:
        clause = unit_frame.sub("", LEAD.sub("", clause), count=1)
    if deadline:
        clause = re.sub(_BEFORE_DEADLINE + re.escape(deadline), "",
                        clause, count=1)
        clause = unit_frame.sub("", clause, count=1) if unit_frame else clause
    return _carried(LEAD.sub("", drop_own(clause)).strip("，,、 "))


def _carried(clause: str) -> str:
    """把X组建起来 -> 组建X, 把X拿出来 -> 拿出X."""
    m = _CARRIED.match(clause)
    if not m:
        return clause
    head = m["o"]
    verb = next((v for v in _VERBS2 if head.endswith(v)), head[-1])
    obj = head[: -len(verb)]
    if len(verb) == 1 and m["c"] == "出来":
        verb += "出"
    return verb + obj if obj else clause


def _join(parts: list[str]) -> str:
    """Clauses joined by commas; a bare verb left by a frame (整理, 完成) joins its topic."""
    out = ""
    for part in filter(None, parts):
        out += part if out and len(part) <= 2 else ("，" if out else "") + part
    return out


def what(clauses: list[str], start: int, main: int, unit: str | None,
         deadline: str | None) -> str:
    """The item's text: from the clause naming the unit to the main clause, the topic clauses
    before them, and a little of what follows."""
    parts = [_clean(c, unit, deadline if i == main else None)
             for i, c in enumerate(clauses[start:main + 1], start)
             if i == main or not _SUPPORT.search(c)]
    for clause in clauses[main + 1:]:
        if sum(map(len, parts)) >= MAX_CHARS * 0.8 or _FOLLOW_STOP.match(clause) or \
                _duty_of_another(clause, unit):
            break
        parts += [] if _SUPPORT.search(clause) else [_clean(clause, unit, None)]
    return arabize(_join(_topic(clauses[:start], unit) + parts))


def _duty_of_another(clause: str, unit: str | None) -> bool:
    """"镇政府要配合……" after the item: another unit's duty, not part of this one."""
    other = unit_at(clause)
    return bool(other and other != unit and _DUTY.match(clause[len(other):]))


def _topic(clauses: list[str], unit: str | None) -> list[str]:
    """What the item is about: the first (up to two) clauses naming a topic, not a story;
    in a long sentence (spoken), the ones right before the item ("……，东门消防通道的网格线和
    禁停牌子，我们公司十天内全部画好")."""
    near = len(clauses) > LONG_LEAD
    out: list[str] = []
    for clause in reversed(clauses[-2:]) if near else clauses:
        if _is_topic(clause, unit):
            out.append(_TOPIC_REF.sub("", _clean(clause, unit, None)))
        elif out or near:
            break
        if len(out) == 2:
            break
    return out[::-1] if near else out


def _is_topic(clause: str, unit: str | None) -> bool:
    text = _TOPIC_REF.sub("", _clean(clause, unit, None))
    return bool(text) and len(text) <= 24 and not _NOT_TOPIC.search(_TOPIC_REF.sub("", clause))
