"""下一步工作: follow-up items (what, responsible unit, deadline) found in what was said.

An item is one commitment or assignment: a department's "由县住建局负责，6月底前完成……" or
"我们两周内……", or the moderator's closing "一是请……牵头，月底前……". A turn is cut into
sentences, colon parts and enumerated items (第一/二是/另外 ...), and those into groups of
clauses with one deadline each. A group is an item when it has a deadline (or an explicit
由/请 frame), a responsible unit and no sign of a proposal, a question or the past.

The unit is named as said (由X负责, 请X牵头, X会同Y -> X, "X+deadline+verb"), recognised by its
ending (局, 办公室, 管委会, 合作社 ...) or from the attendance list; a department speaking for
itself ("我们", no unit named) stands for its own unit. The text is the extractive "what": the
verb phrase and its topic, without the unit, the deadline and fillers, numbers as digits.

A turn the moderator judged live (``marks`` is a tuple) is not searched on its own terms: with
"action" it yields its items (from any speaker), or the clause most like a commitment; without,
nothing. Those items have origin "mark".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from transcripts.minutes.deadlines import TIME_START, find_deadline, resolve_deadline
from transcripts.minutes.model import Action, Transcript, Utterance
from transcripts.minutes.numerals import arabize

UNIT_ENDINGS = tuple("""
局 厅 委 办 办公室 政府 中心 站 所 队 社 组 公司 集团 院 学校 小学 中学 银行 处 科 馆
厂 街道 社区 镇 乡 村 超市 委员会 管委会 村委会 居委会 商会 协会 学会 同乡会 联合会 联谊会
理事会 促进会 研究会 基金会 工会 农合联 妇联 残联 侨联 文联 工商联 联社 委会 总会 红十字会
部门 单位 组织部 宣传部 统战部 武装部 人武部 工作部 项目部""".split())
_NOT_UNIT = re.compile(r"^(?:[我你他她这那各每全本该有此其哪谁一把将]|大家|相关|有关|上级|下面)")
# ... but these name the units meant, as said: 各村, 各相关部门, 有关单位.
_GROUP_UNIT = re.compile(r"(?:各|相关|有关|各相关|各有关)(?:部门|单位|成员单位|村|镇|乡|街道|社区)")
_BREAK = re.compile(
    r"^(?:负责|牵头|会同|联合|配合|协同|共同|一起|和|与|及|以及|跟|同(?!乡)|把|将|对|在|于|向|为|从|"
    r"要|会|先|再|也|都|就|来|去|等|组织.{2}|完成|开展|出台|制定|推进|落实|研究|编制|建立|组建|"
    r"建成|开通|安装|设置|提出|拿出|整理|报送|列入|举办|签订|实施|启动|做|搞|抓|统筹|协调|督促|"
    r"加强|加快|今年|明年|年内|年底|月底|下个?月|下周|本月|尽快|带队|派人|派出|到|进场|赶|深入|"
    r"走访|对接|召开|装|印发|提交|起草|帮|给)")
_VERBISH = re.compile(_BREAK.pattern[1:])
_CJK_RUN = re.compile(r"[\u4e00-\u9fff（）()]+")
_SENTENCE = re.compile(r"[^。！？!?；;…\n]+[。！？!?；;…\n]*")
_N = "[一二三四五六七八九十]"
_ENUM = re.compile(  # list markers: 第一，/ 二是 / 第二个是 / 第一步 / 一、/ 1. / （一）/ 首先 ...
    rf"(?:^|(?<=[，,：:]))(?:第{_N}{{1,2}}(?:(?:个|条|项|点|件|方面)?(?:是|就是)?[，,、：:]|(?:个|条|项|"
    rf"点|件)?是|(?:步|阶段)[，,、：:]?)|{_N}是|其{_N}是?[，,、]?|{_N}、|\d{{1,2}}[、.．](?!\d)|"
    rf"[（(](?:{_N}|\d){{1,2}}[）)]|(?:首先|其次|再一个)[，,]?|(?:另外|此外|最后)[，,])")
_BY = re.compile(r"(?<![理自缘经])(?:交由|交给|委托|由)(?!于)")
_ASK = re.compile(r"(?<![申邀])(?:请|责成)(?!问|教|示|来|到|大家|各位|你们)")
_SUBJECT_END = re.compile(r"(?:要|将|会|争取|力争|计划|确保|保证|一定|必须|能够|可以|先|在|于)+$")
_AFTER_SUBJECT = re.compile(
    r"^(?:来)?(?:牵头|负责|会同|联合|这边|方面|要|将|会|在|于|争取|力争|计划|确保|把|完成|出台|制定|组织|开展|"
    r"建成|拿出|提出|落实|推进|启动|实施)")
_OWN_UNIT = r"(?:局|分局|单位|镇|乡|街道|社|站|所|队|大队|办|委|中心|院|公司)"
_OWN = re.compile(rf"^(?:(?:我们|咱们|我){_OWN_UNIT}?|本{_OWN_UNIT})(?:里|这边)?")
_FRAME_WORD = r"(?:交由|交给|委托|由|请|责成|希望|要求)"
_COLLEAGUE = re.compile(r"^的(?:同志|负责同志|领导|相关同志)")
_OWN_AT = re.compile(r"(?:^|由|交给)(?:我们|咱们|我|本(?=[局镇乡办委队所站社院]))")
_HEAD_LEAD = re.compile(r"^(?:我们?|我个人)?(?:希望|建议|提议|请|要求|责成|交由|由|让)")
_PROPOSAL = re.compile(r"建议|希望|最好|应该|应当|可以考虑|呼吁|能不能|能否|可不可以|可否|"
                       r"是不是可以|我觉得|我想|我认为")
_NOT_OURS = re.compile(r"(?:省|市|县|上级|国家|文件|政策)[^，]{0,3}(?:要求|规定)|按照|根据")
_PAST = re.compile(r"已经|去年|前年|上个?月|上周|曾经|一共|早就|当时|完成不了|来不及|做不到|无法|"
                   r"了(?:[一二三四五六七八九十两几\d]|，|$)")
_TOPIC_REF = re.compile(r"^[^，]{0,12}?(?:刚才|前面|刚刚)?(?:说|讲|提|提出|反映|[谈讲提说]到)的")
_NOT_TOPIC = re.compile(r"^(?:好|是的|对|谢谢|感谢)|[我你他她咱也很都还了吗呢吧啊]|大家|已经|"
                        r"确实|其实|肯定|马上|现在|打算|准备|可以|应该|觉得|认为|这个|那个|没有|"
                        r"不是|不能|表.{0,2}态|明确|就是|说|讲|补充")
_LEAD = re.compile(r"^(?:另外|此外|同时|然后|还有|再就是|那么|下一步|会后|这次|就|先|在这里|当场|"
                   r"请?你们|一定|确保|保证|争取|力争|务必|预计|计划|准备|打算|要|将|会(?!同)|"
                   r"这(?:个|件|项)(?:事情?|工作|问题))+")
_FOLLOW_STOP = re.compile(r"^(?:就是|也就是|比如|例如|因为|主要|这个|这样|这是|其中|我们|大家|你|"
                          r"他|如果|但是|不过|所以|到时候|需要|可以|用得好|这些|那样)")
_COMMIT = re.compile(r"负责|牵头|完成|组织|出台|落实|表态|推进|开展|制定|建成|解决|整改|安排|启动|"
                     r"实施|研究|答复|报送|整理|修|建")
_CARRIED = re.compile(r"^把(?P<o>.+?)(?P<c>起来|出来|下来)$")
_VERBS2 = tuple("组建 整理 建立 确定 落实 制定 梳理 统计 搭建 筹备 编制 清理 修复 建设 组织 "
                "固定 排查 汇总 拿出 提出".split())
MAX_CHARS = 40


@dataclass(frozen=True)
class _Turn:
    seq: int
    kind: str  # the speaker's kind
    unit: str | None  # the speaker's unit, for a department
    day: date | None
    known: tuple[str, ...]  # units in the attendance list, longest first
    relaxed: bool = False  # marked by the moderator: any speaker, any phrasing


def unit_at(text: str, known: tuple[str, ...] = ()) -> str | None:
    """The name of a unit that ``text`` starts with, exactly as said, or None."""
    run_match = _CJK_RUN.match(text)
    run = TIME_START.split(run_match.group() if run_match else "", maxsplit=1)[0]
    best = 0
    for end in range(2, min(len(run), 24) + 1):
        if not run[:end].endswith(UNIT_ENDINGS) or run[end:end + 1] in ("员", "长"):
            continue
        completes = any(run[:end].endswith(e) and len(e) >= max(2, end - best)
                        for e in UNIT_ENDINGS)
        if best and _BREAK.match(run[best:]) and not completes:
            continue
        best = end
    generic = run[:best] if best and (not _NOT_UNIT.match(run) or
                                      _GROUP_UNIT.fullmatch(run[:best])) else None
    named = next((k for k in known if text.startswith(k)), None)
    if named and (generic is None or len(named) >= len(generic)):
        return named
    return generic


def _segments(text: str) -> list[tuple[str, bool]]:
    """Sentences cut at colons and list markers: (segment, said as a question)."""
    out = []
    for sentence in _SENTENCE.findall(text.replace("【书面发言】", "")):
        question = sentence.rstrip().endswith(("？", "?"))
        for part in re.split(r"[：:]", sentence.strip("。！？!?；;…\n ")):
            cuts = [m.start() for m in _ENUM.finditer(part) if m.start()] + [len(part)]
            pieces = [part[a:b] for a, b in zip([0, *cuts], cuts, strict=False)]
            for piece in pieces:
                piece = _ENUM.sub("", piece, count=1).strip("，, ")
                if piece:
                    out.append((piece, question))
    return out


def _groups(segment: str) -> list[list[str]]:
    """The segment's clauses, cut before each clause with a second (third ...) deadline."""
    groups: list[list[str]] = [[]]
    seen = False
    for clause in (c.strip() for c in re.split(r"[，,]", segment)):
        if not clause:
            continue
        has = find_deadline(clause) is not None
        if has and seen:
            groups.append([])
        seen = seen or has
        groups[-1].append(clause)
    return [g for g in groups if g]


def _own(text: str, turn: _Turn) -> str | None:
    m = _OWN.match(text)
    speaks_for_unit = turn.kind in ("department", "moderator", "staff")
    return turn.unit if m and m.group() and speaks_for_unit else None


def _framed(clauses: list[str], turn: _Turn) -> tuple[str, int] | None:
    """The unit in 由X / 请X (the moderator's assignment), and the clause it is in."""
    frames = [_BY] + ([_ASK] if turn.kind in ("moderator", "staff") or turn.relaxed else [])
    for frame in frames:
        for i, clause in enumerate(clauses):
            for m in frame.finditer(clause):
                rest = clause[m.end():]
                unit = _own(rest, turn) or unit_at(rest, turn.known)
                after = rest[len(unit):] if unit else ""
                if unit and (not after.startswith("的") or _COLLEAGUE.match(after)):
                    return unit, i
    return None


def _subject(clauses: list[str], main: int, turn: _Turn) -> tuple[str, int] | None:
    """The unit a clause opens with, before (or right after) its deadline or before a verb."""
    for i in [main, *range(len(clauses))]:
        clause = _LEAD.sub("", clauses[i])
        found = find_deadline(clause) if i == main else None
        said = _HEAD_LEAD.sub("", clause[:found[1][0]]) if found else ""
        for head in (said, _SUBJECT_END.sub("", said)) if said else ():
            own = _own(head, turn) or next((k for k in turn.known if head.endswith(k)), None)
            if own or unit_at(head, turn.known) == head:
                return own or head, i
        for opening in (clause, clause[found[1][1]:] if found else ""):
            unit = unit_at(opening, turn.known)
            if unit and _AFTER_SUBJECT.match(opening[len(unit):]):
                return unit, i
    return None


def _clean(clause: str, unit: str | None, deadline: str | None) -> str:
    """A clause without its deadline, the unit and its frame, and leading fillers."""
    u = re.escape(unit) if unit else None
    unit_frame = re.compile(rf"{_FRAME_WORD}{u}(?:{_COLLEAGUE.pattern[1:]})?(?:来)?(?:牵头|负责)?"
                            rf"|^{u}(?:这边|方面)?(?:来)?(?:牵头|负责)?") if u else None
    if unit_frame:
        clause = unit_frame.sub("", _LEAD.sub("", clause), count=1)
    if deadline:
        clause = re.sub(r"(?:要|将|会|争取|力争|计划|确保|保证|在|于)*" + re.escape(deadline), "",
                        clause, count=1)
        clause = unit_frame.sub("", clause, count=1) if unit_frame else clause
    return _carried(_LEAD.sub("", _drop_own(clause)).strip("，,、 "))


def _drop_own(clause: str) -> str:
    """Without the speaker's "我们(交警大队)(来)(负责)" / "由我们镇里牵头"."""
    m = _OWN_AT.search(clause)
    if not m:
        return clause
    rest = clause[m.end():]
    word = unit_at(rest) or ""
    if len(word) > 8 or _VERBISH.search(word):
        word = ""
    word = word or re.match(rf"{_OWN_UNIT}?", rest).group()  # type: ignore[union-attr]
    rest = re.sub(r"^(?:里|这边)?(?:来)?(?:负责|牵头)?", "", rest[len(word):])
    return clause[:m.start()] + rest


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


def _what(clauses: list[str], start: int, main: int, unit: str | None,
          deadline: str | None) -> str:
    """The item's text: from the clause naming the unit to the main clause, the topic clauses
    before them, and a little of what follows."""
    parts = [_clean(c, unit, deadline if i == main else None)
             for i, c in enumerate(clauses[start:main + 1], start)]
    taken = 0
    for clause in reversed(clauses[:start]):
        text = _TOPIC_REF.sub("", _clean(clause, unit, None))
        if not text:
            continue
        if taken == 2 or len(text) > 24 or _NOT_TOPIC.search(_TOPIC_REF.sub("", clause)):
            break
        parts.insert(0, text)
        taken += 1
    for clause in clauses[main + 1:]:
        if sum(map(len, parts)) >= MAX_CHARS * 0.8 or _FOLLOW_STOP.match(clause):
            break
        parts.append(_clean(clause, unit, None))
    return arabize(_join(parts))


@dataclass(frozen=True)
class _Reading:
    main: int  # the clause with the deadline (or the first)
    deadline: str | None
    named: str | None  # the unit named in the clauses
    start: int  # the clause where the item starts (the one naming the unit)


def _read(clauses: list[str], turn: _Turn) -> _Reading:
    found = [(i, d) for i, c in enumerate(clauses) if (d := find_deadline(c))]
    main, deadline = (found[0][0], found[0][1][0]) if found else (0, None)
    named = _framed(clauses, turn) or _subject(clauses, main, turn)
    unit, start = named if named else (None, main)
    return _Reading(main, deadline, unit, min(start, main))


def _item(clauses: list[str], r: _Reading, turn: _Turn, carried: str | None) -> Action | None:
    """The item a group of clauses makes, or None."""
    joined, chair = "，".join(clauses), turn.kind in ("moderator", "staff")
    core = "，".join(clauses[r.start:r.main + 1])
    proposal = not chair and (_PROPOSAL.search(joined) or _NOT_OURS.search(joined))
    if not turn.relaxed and (proposal or _PAST.search(core)):
        return None
    unit = r.named or carried or (turn.unit if turn.kind == "department" else None)
    framed = bool(r.named and not _GROUP_UNIT.fullmatch(r.named)
                  and re.search(r"由|请|责成|牵头|负责", joined))
    allowed = turn.relaxed or turn.kind == "department" or (
        r.named is not None and (chair or r.deadline is not None))
    if unit is None or not allowed or not (r.deadline or framed):
        return None
    text = _what(clauses, r.start, r.main, unit, r.deadline)
    if len(text) < 2 or not (r.deadline or _COMMIT.search(text)):
        return None
    when = resolve_deadline(r.deadline, turn.day) if r.deadline and turn.day else None
    return Action(text, unit, when, r.deadline, turn.seq)


def _turn_items(u: Utterance, turn: _Turn) -> list[Action]:
    """The turn's items; a unit named without an item of its own ("由X负责以下工作：") carries."""
    items: list[Action] = []
    pending: str | None = None
    for segment, question in _segments(u.text):
        if question and not turn.relaxed:
            continue
        carried, made = pending, False
        for group in _groups(segment):
            reading = _read(group, turn)
            item = _item(group, reading, turn, carried)
            carried = reading.named or carried
            items += [item] if item else []
            made = made or item is not None
        pending = pending if made else carried
    return items


def _most_committal(u: Utterance, turn: _Turn) -> Action | None:
    """For a turn marked "action" where nothing was found: its most commitment-like clause."""
    best, score = None, -1
    for segment, _ in _segments(u.text):
        for group in _groups(segment):
            s = sum(bool(find_deadline(c)) * 2 + bool(_COMMIT.search(c)) for c in group)
            if s > score:
                best, score = group, s
    if best is None:
        return None
    r = _read(best, turn)
    unit = r.named or (turn.unit if turn.kind == "department" else None)
    text = _what(best, r.start, r.main, unit, r.deadline) or arabize(best[r.main])
    when = resolve_deadline(r.deadline, turn.day) if r.deadline and turn.day else None
    return Action(text, unit, when, r.deadline, turn.seq)


def find_actions(transcript: Transcript) -> list[Action]:
    """The follow-up items said in the session, in the order they were said."""
    known = tuple(sorted({a.unit for a in transcript.attendance if a.unit}, key=len, reverse=True))
    items: list[Action] = []
    for u in transcript.utterances:
        who = transcript.attendee(u.speaker)
        kind = who.kind if who else "other"
        turn = _Turn(u.seq, kind, who.unit if who else None, transcript.session_date, known,
                     relaxed=u.marks is not None)
        if u.marks is None:
            items += _turn_items(u, turn)
        elif "action" in u.marks:
            found = _turn_items(u, turn)
            fallback = [] if found else [_most_committal(u, turn)]
            items += [replace(a, origin="mark") for a in found + fallback if a is not None]
    return items
