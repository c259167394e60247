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

from transcripts.minutes.cues import (
    AFTER_DEADLINE,
    ALL_OF_IT,
    ASSIGN_FRAME,
    AT_THE_TIME,
    BEFORE_DEADLINE,
    CANNOT,
    CONDITION_LEAD,
    DUTY,
    FOLLOW_STOP,
    ITEM_LEAD,
    NOT_TOPIC,
    OWN_HEAD,
    PERSONAL_WORDS,
    PLEDGE_FRAME,
    RESULTATIVE_VERBS,
    STORY,
    SUPPORT,
    TARGET,
    THING,
    TOPIC,
    TOPIC_REF,
    VERB_ONLY,
)
from transcripts.minutes.numerals import arabize
from transcripts.minutes.units import VERBISH, drop_own, unit_at

COLLEAGUE = re.compile(r"^的(?:同志|负责同志|领导|相关同志)")
THINGS_BACK = 3  # clauses back in which what an item does "all of" is named
_CARRIED = re.compile(r"^把(?P<o>.+?)(?P<c>起来|出来|下来)$")
MAX_CHARS = 40
BARE_VERB = 2  # characters: an item's words no longer than this are a verb alone ("修好")
LONG_LEAD = 4  # clauses before an item: past this, its topic is the one right before it


def _clean(clause: str, unit: str | None, deadline: str | None) -> str:
    """A clause without its deadline, the unit and its frame, and leading fillers."""
    u = re.escape(unit) if unit else None
    unit_frame = re.compile(rf"{ASSIGN_FRAME}{u}(?:{COLLEAGUE.pattern[1:]})?(?:来)?(?:牵头|负责)?"
                            rf"|^{u}(?:这边|方面)?(?:来)?(?:牵头|负责)?") if u else None
    if unit_frame:
        clause = unit_frame.sub("", ITEM_LEAD.sub("", clause), count=1)
    if deadline:
        clause = re.sub(BEFORE_DEADLINE + re.escape(deadline) + AFTER_DEADLINE, "",
                        clause, count=1)
        clause = unit_frame.sub("", clause, count=1) if unit_frame else clause
    clause = PLEDGE_FRAME.sub("", drop_own(clause))
    clause = _carried(ITEM_LEAD.sub("", clause).strip("，,、 "))
    return "" if OWN_HEAD.match(clause) else clause


def _carried(clause: str) -> str:
    """把X组建起来 -> 组建X, 把X拿出来 -> 拿出X."""
    m = _CARRIED.match(clause)
    if not m:
        return clause
    head = m["o"]
    verb = next((v for v in RESULTATIVE_VERBS if head.endswith(v)), head[-1])
    obj = head[: -len(verb)]
    if len(verb) == 1 and m["c"] == "出来":
        verb += "出"
    return verb + obj if obj else clause


def carried_object(clause: str) -> str | None:
    """The thing of "把X拿出来 / 组建起来 / 定下来" (X), said after the clause's deadline and
    subject, or None."""
    m = _CARRIED.search(clause[clause.find("把"):]) if "把" in clause else None
    if not m:
        return None
    head = m["o"]
    verb = next((v for v in RESULTATIVE_VERBS if head.endswith(v)), head[-1])
    return head[: -len(verb)] or None


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
    # the deadline is said in the main clause, or before it ("从下周一起，早晚高峰，我们……")
    said = next((i for i in range(main, start - 1, -1) if deadline and deadline in clauses[i]),
                main)
    parts = [_clean(c, unit, deadline if i == said else None)
             for i, c in enumerate(clauses[start:main + 1], start)
             if i == main or not SUPPORT.search(c)]
    for k, clause in enumerate(clauses[main + 1:], main + 1):
        if sum(map(len, parts)) >= MAX_CHARS * 0.8 or FOLLOW_STOP.match(clause) or \
                _new_topic(clauses[k:]):
            break
        if _helpers(clauses[k:]):
            continue
        if _duty_of_another(clause, unit):
            break
        parts += [] if SUPPORT.search(clause) else [_clean(clause, unit, None)]
    before = clauses[:start]
    # what a verb alone ("尽快修好") is done to is named before it too, as for "全部……": the
    # things said there ("……有两盏路灯不亮了，晚上看不清路，我们月底前修好"), story or not
    bare = len(parts) == 1 and len(parts[0]) <= BARE_VERB
    topic = _things_done(before) if parts and (ALL_OF_IT.match(parts[0]) or bare) else \
        _things_done(before[-1:]) if parts and VERB_ONLY.match(parts[0]) else []
    return arabize(_join((topic or _topic(before, unit)) + parts))


def _things_done(before: list[str]) -> list[str]:
    """What "全部拆除到位" / "年内全部完成" is done to: the things named in the clauses right
    before it ("沿河现在有十四处违章搭建压在排水管上"), passing over what
    cannot be done now ("管子修不了") and conditions ("不等资金到位"), up to the speaker's own
    words."""
    out: list[str] = []
    for clause in reversed(before[-THINGS_BACK:]):
        if PERSONAL_WORDS.search(clause):
            break
        if not (CANNOT.search(clause) or CONDITION_LEAD.match(clause)):
            out.append(clause)
    return out[::-1]


def _new_topic(clauses: list[str]) -> bool:
    """A thing named after the item (a noun phrase: no verb after its 的, no "……的时候"),
    then what the speaker says of it in a clause of their own ("……，我们月底前换好，北头那座
    桥的护栏，我回去再问问"): another point, not the item's."""
    head = clauses[0][clauses[0].rfind("的") + 1:]
    return (len(clauses) > 1 and TOPIC.match(clauses[0]) is not None
            and not VERBISH.search(head) and not AT_THE_TIME.search(clauses[0])
            and PERSONAL_WORDS.match(clauses[1]) is not None)


_LISTED = re.compile(r"[、和与及跟]")


def _helpers(clauses: list[str]) -> bool:
    """Whether the first clause only names who helps, one of the partners of a frame said in
    pauses ("……由我们镇牵头，东村，西村配合，……"): units up to a clause of units and their
    support verb ("西村配合"); no part of what is done, and no duty of another that ends the
    item ("镇政府要配合……")."""
    for clause in clauses:
        support = SUPPORT.search(clause)
        units = clause[:support.start()] if support else clause
        if not units or not all(p and unit_at(p) == p and not VERBISH.search(p)
                                for p in _LISTED.split(units)):
            return False
        if support:
            return True
    return False


def _duty_of_another(clause: str, unit: str | None) -> bool:
    """"镇政府要配合……" after the item: another unit's duty, not part of this one."""
    other = unit_at(clause)  # not a thing of the item's ("活动室的改造费用街道来出")
    return bool(other and other != unit and "的" not in other
                and DUTY.match(clause[len(other):]))


def _topic(clauses: list[str], unit: str | None) -> list[str]:
    """What the item is about: the first (up to two) clauses naming a topic, not a story;
    in a long sentence (spoken), the ones right before the item ("……，东门消防通道的网格线和
    禁停牌子，我们公司十天内全部画好")."""
    near = len(clauses) > LONG_LEAD
    out: list[str] = []
    for clause in reversed(clauses[-2:]) if near else clauses:
        if _is_topic(clause, unit):
            out.append(TOPIC_REF.sub("", _clean(clause, unit, None)))
        elif near or (out and STORY.search(clause) is None):
            break  # (a comment between, "这个我们马上改", is passed over)
        if len(out) == 2:
            break
    return out[::-1] if near else out


def _is_topic(clause: str, unit: str | None) -> bool:
    text = TOPIC_REF.sub("", _clean(clause, unit, None))
    if not text or len(text) > 24:
        return False
    if TARGET.match(text):  # "对已经受理的办学许可申请，两周内全部办结": what it is done to
        return True
    return bool(THING.match(text) and not STORY.search(text)) or \
        not NOT_TOPIC.search(TOPIC_REF.sub("", clause))
