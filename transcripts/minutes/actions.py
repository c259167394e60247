"""下一步工作: follow-up items (what, responsible unit, deadline) found in what was said.

An item is one commitment or assignment: a department's "由县住建局负责，6月底前完成……" or
"我们两周内……", or the moderator's closing "一是请……牵头，月底前……". A turn is cut into
sentences, colon parts and enumerated items (第一/二是/另外 ...), and those into groups of
clauses with one deadline each (a deadline said on its own opens the clause after it; said
with only when or where, "从下周一开始，早晚高峰，我们在……", the subject's clause after it is
the item's). A group is an item when it has a deadline (or an explicit frame: 由/请, or a unit's
own "我们局负责……"), a responsible unit and no sign of a proposal, a question, the past, a
habit or a doubt. The head of a list ("我们年内做三件事：一是……；二是……") lends its unit and
deadline to the duties listed. In a long spoken sentence, the speaker's own unit named anew with
a deadline ("……，所以我的建议是，……，我们公司下周五前……") takes the task on: the proposal before
it is not its, nor a condition that governed an earlier clause of theirs (its consequent). The
chair's consensus points (after "形成两点共识", up to the hand-over) are no tasks.

Who commits: a unit's own speaker (a department, or an "other" such as a 居委会 or 协会) for
their unit; the moderator and staff by assignment (请X / 由X); a business only itself, by a
deadline (so does a person who attends for a company and names it: "我们厂7月底前……"); a
speaker not in the attendance list by naming a unit with a deadline. Members, residents,
elders and experts propose; they do not commit. The chair's own "我们" without a frame
("年底我们再来看看") is a remark; a dated clause about what another party will do ("下周厂家就
来换") is no pledge of the speaker's.

Which time is the deadline: not a limit counted from each case ("接报后2小时内到场" "……受理，
三个工作日内答复": the standard the item sets), not a time already past on the session's day,
not a period told ("一月到八月"), not a time in a clause of when ("我们上半年走访的时候"). A
pledge on a condition of others ("要是镇里能补一块，……") is hedged. The chair who takes up a
unit's pledge in the closing restates it (one item).

The unit is named as said (由X负责, 请X牵头, X会同Y -> X, "X+deadline+verb"; see
:mod:`transcripts.minutes.units`); "我们", "我们街道", a bare "社区" stand for the speaker's own
unit. A frame up to the deadline's clause comes first, then that clause's subject
("我们镇里月底前……，再由各村干部……": the 镇).
The text is the extractive "what" (:mod:`transcripts.minutes.action_text`).

A turn the moderator marked "action" live is searched on relaxed terms: it yields its items
(from any speaker), or the clause most like a commitment, with origin "mark". Unmarked turns
(and marks of other kinds) are read automatically.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from transcripts.minutes.action_text import COLLEAGUE, carried_object, what
from transcripts.minutes.consensus import CONSENSUS_CUE, FOLLOW_UP
from transcripts.minutes.cues import (
    ASSIGN_ASK,
    ASSIGN_BY,
    ASSIGN_LEAD,
    AT_THE_TIME,
    CASE_ARRIVES,
    COMMIT_VERB,
    EACH_CASE_DAY,
    EXPECTED,
    FOR_PURPOSE,
    FROM_EVENT,
    HANDS_OVER,
    HEDGE,
    ITEM_LEAD,
    ITEM_PROPOSAL,
    NO_PLEDGE,
    NOT_ASSIGNED,
    NOT_TOPIC,
    ON_CONDITION,
    ON_MADE,
    OTHERS_RULE,
    OWN_FRAME,
    OWN_FRAME_ALONE,
    OWN_HEAD,
    OWN_PREDICATE,
    OWN_PROPOSAL,
    OWN_UNDERTAKES,
    POINTS_BACK,
    PROPOSAL_TAKEN,
    REFERS_BACK,
    REMIT,
    REPORTED_SAY,
    STORY,
    TOLD_DAY,
    TOPIC_REF,
    TURNS_TO,
    UNDER_WAY,
    VERB_ONLY,
)
from transcripts.minutes.deadlines import find_deadline, resolve_deadline
from transcripts.minutes.model import Action, Transcript, Utterance
from transcripts.minutes.numerals import arabize
from transcripts.minutes.scoring import coverage
from transcripts.minutes.units import (
    GROUP_UNIT,
    OWN_UNIT,
    VERBISH,
    Speaker,
    abbreviates,
    as_named,
    drop_own,
    own_unit,
    partners,
    place_names,
    unit_at,
)

_SENTENCE = re.compile(r"[^。！？!?；;…\n]+[。！？!?；;…\n]*")
_N = "[一二三四五六七八九十]"
_ENUM = re.compile(  # list markers: 第一，/ 二是 / 第二个是 / 第一步 / 一、/ 1. / （一）/ 首先 ...
    rf"(?:^|(?<=[，,：:]))(?:第{_N}{{1,2}}(?:(?:个|条|项|点|件|方面)?(?:是|就是)?[，,、：:]|(?:个|条|项|"
    rf"点|件)?是|(?:步|阶段)[，,、：:]?)|{_N}[是要](?!求)|其{_N}是?[，,、]?|{_N}、|\d{{1,2}}[、.．](?!\d)|"
    rf"[（(](?:{_N}|\d){{1,2}}[）)]|(?:首先|其次|再一个|另?一方面)[，,]?|(?:另外|此外|最后)[，,])")
_COLON = re.compile(r"：|(?<!\d):|:(?!\d)")  # not the colon of a time (22:00)
_SUBJECT_END = re.compile(r"(?:要|将|会|争取|力争|计划|确保|保证|一定|必须|能够|可以|先|在|于)+$")
_AFTER_SUBJECT = re.compile(
    r"^(?:来)?(?:牵头|负责|会同|联合|这边|方面|要|将|会|在|于|争取|力争|计划|确保|一定|必须|把|完成|"
    r"出台|制定|组织|"
    r"开展|先(?!说|讲|谈|回答)|马上|立即|"
    r"建成|拿出|提出|落实|推进|启动|实施|(?:承诺|表态|答应)的|"
    rf"{OWN_HEAD.pattern[1:-1]}|"  # "我们站这样办：" "我们公司定了，" (cues.OWN_HEAD)
    # a head over what follows its colon: "我们公司能马上做的是：……"
    r"(?:能|可以)?(?:马上|立即|先|现在)?(?:能)?(?:做|办)的(?:是|有|就是))")
# The words of a start around its day ("从下周一起，"): said alone, the day opens what follows.
_START = re.compile(r"^(?:从|自)?(?:起|开始)?")
_TOPIC_HEAD = re.compile(r"^[^，]{1,12}?的(?:事情?|问题)")  # 这个路口的事(我们……来负责)
@dataclass(frozen=True)
class _Turn:
    seq: int
    who: Speaker
    day: date | None
    relaxed: bool = False  # marked by the moderator: any speaker, any phrasing

    @property
    def chair(self) -> bool:
        return self.who.kind in ("moderator", "staff")

    @property
    def own(self) -> str | None:
        """The unit a unit's own speaker (a department, a committee ...) commits for."""
        return self.who.unit if self.who.kind in ("department", "other") else None

    def when(self, deadline: str | None) -> date | None:
        return resolve_deadline(deadline, self.day) if deadline and self.day else None

    def commits(self, named: str | None, deadline: str | None, ours: bool = False,
                bound: bool = False) -> bool:
        """May the speaker commit the unit named (None: their own)? See "Who commits";
        ``ours``: named as the speaker's own ("我们公司"), which a person from a company (an
        elder who runs a factory) commits as a business does; ``bound``: a business that
        puts itself at the head of a task by its frame ("由我们公司负责修复") commits with no
        deadline too."""
        kind = self.who.kind
        if self.relaxed or self.own is not None:
            return True
        if kind == "business" or (self.who.company and ours):
            return (deadline is not None or (bound and kind == "business")) \
                and named == self.who.unit
        if named is None or kind in ("member", "resident", "elder", "expert"):
            return False
        return self.chair or deadline is not None


@dataclass(frozen=True)
class _Segment:
    text: str
    question: bool  # said as a question
    listed: bool = False  # opened by a list marker (一是, 第二, （三）...)
    heads_list: bool = False  # followed by a colon and a list: "我们年内做三件事："


def _segments(text: str) -> list[_Segment]:
    """Sentences cut at colons and list markers."""
    out = []
    for sentence in _SENTENCE.findall(text.replace("【书面发言】", "")):
        question = sentence.rstrip().endswith(("？", "?"))
        parts = _COLON.split(sentence.strip("。！？!?；;…\n "))
        for k, part in enumerate(parts):
            cuts = [m.start() for m in _ENUM.finditer(part) if m.start()] + [len(part)]
            pieces = [part[a:b] for a, b in zip([0, *cuts], cuts, strict=False)]
            heads = k + 1 < len(parts) and _ENUM.match(parts[k + 1].strip()) is not None
            for j, piece in enumerate(pieces):
                listed = _ENUM.match(piece) is not None
                piece = _ENUM.sub("", piece, count=1).strip("，, ")
                if piece:
                    out.append(_Segment(piece, question, listed, heads and j == len(pieces) - 1))
    return out


_LEVEL_CHARS = "省市县区镇乡"  # a unit named with its level ("区城管局") may be said alone
_OWN_SUBJECT = re.compile(r"(?:我们|咱们)(?P<rest>.{0,10}?)(?:这边|里|方面)?")


def _subject_only(clause: str) -> bool:
    """A clause that only says who ("我们局" "区城管局"): in speech, a pause after the subject."""
    m = _OWN_SUBJECT.fullmatch(clause)
    if m:
        rest = m["rest"]
        return not rest or re.fullmatch(OWN_UNIT, rest) is not None or (
            len(rest) <= 6 and unit_at(rest) == rest and not VERBISH.search(rest))
    ending = next((e for e in _FORMAL if clause.endswith(e)), "")
    return ((clause[:1] in _LEVEL_CHARS or bool(ending)) and "的" not in clause
            and len(clause) <= 12 and unit_at(clause) == clause
            and not VERBISH.search(clause[1:len(clause) - len(ending)]))


# the endings of a unit's formal name: said alone, before a pause, it is the subject of what
# follows ("三、青枫街道办事处，这个月底前……"), as a name with its level is
_FORMAL = ("办事处", "人民政府", "委员会", "居委会", "村委会", "管委会", "有限公司")


_DURATION = re.compile(r"(?:个工作日|个?星期|个?礼拜|周|天|日|个半月|个月|年|个?小时)"
                       r"(?:之内|以内|内)$")


def _due(clause: str, before: str = "", day: date | None = None
         ) -> tuple[str, tuple[int, int]] | None:
    """The clause's deadline, but not a time limit counted from each case ("接报后2小时内到场";
    "……受理，7个工作日内答复": a standard of the item, cues.FROM_EVENT; "问题当月解决",
    cues.EACH_CASE_DAY; but "这个一个月内完成" dates what was said) nor a time already past
    on the day of the session ("今年3月开业": what was done; "七月十二号那天": a day told of,
    cues.TOLD_DAY)."""
    found = find_deadline(clause)
    if found is None:
        return None
    said, (start, end) = found
    if FOR_PURPOSE.match(clause) or AT_THE_TIME.search(clause, start) \
            or TOLD_DAY.match(clause[end:]) or EACH_CASE_DAY.match(said):
        return None
    if _DURATION.search(said) and not POINTS_BACK.match(clause) and (
            FROM_EVENT.search(clause[:start]) or CASE_ARRIVES.search(before)):
        return None
    when = resolve_deadline(said, day) if day else None
    return None if when is not None and day is not None and when < day else found


def _groups(segment: str, day: date | None = None) -> list[list[str]]:
    """The segment's clauses, cut before each clause with a second (third ...) deadline; a
    deadline or a subject said on its own ("下个月底前，我们……" "我们局，月底前，出台……", as
    speech pauses) opens the clause after it."""
    groups: list[list[str]] = [[]]
    seen = False
    held = before = ""
    for clause in _said_again([c.strip() for c in re.split(r"[，,]", segment)]):
        if not clause:
            continue
        clause, held = held + clause, ""
        found = _due(clause, before, day)
        before = clause
        rest = ITEM_LEAD.sub("", clause.replace(found[0], "")) if found else clause
        if not rest or _START.fullmatch(rest) or _subject_only(rest) or \
                (seen and not found and _frame_only(rest)):
            held = clause
            continue
        if found and seen:
            # the thing the new item is about, named right before it ("……，拿一个方案出来，
            # 校门口的限速标志和减速带，我们十二月十号前设置到位"), is its topic, not the
            # last words of the item before
            moved = [groups[-1].pop()] if _named_for_next(groups[-1], clause, found[0]) else []
            groups.append(moved)
        seen = seen or found is not None
        groups[-1].append(clause)
    if held:
        if _due(held, "", day) and seen:
            groups.append([])
        groups[-1].append(held)
    return [g for g in groups if g]


_AGAIN = re.compile(r"^(?:也就是|也即|即)(?:说)?")


def _said_again(clauses: list[str]) -> list[str]:
    """The clauses, a deadline said again more precisely after a pause put in place of the one
    it restates ("我们局下个季度，也就是二季度末之前，……" -> "我们局二季度末之前"): one
    deadline, not two items."""
    out: list[str] = []
    for clause in clauses:
        first = find_deadline(out[-1]) if out and _AGAIN.match(clause) else None
        if first and find_deadline(clause):
            start, end = first[1]
            out[-1] = out[-1][:start] + _AGAIN.sub("", clause, count=1) + out[-1][end:]
        else:
            out.append(clause)
    return out


# a task of its own, not a thing: "拿出方案" "组织巡查" (a verb of two characters: 建筑垃圾 and
# 修缮资金 are things)
_DOES = re.compile(r"负责|牵头|完成|组织|出台|落实|推进|开展|制定|建成|解决|整改|安排|启动|实施|"
                   r"拿出|做好|搞好|起来|出来|下来|到位")


def _named_for_next(group: list[str], clause: str, deadline: str) -> bool:
    """Whether the group's last clause names the thing the next clause's item is done to: a
    noun phrase (a modifier and 的, no verb of commitment, no deadline, not a remark) and the
    next clause says only who and when before its verb ("我们十二月十号前设置到位")."""
    if len(group) < 2:
        return False
    last = TOPIC_REF.sub("", group[-1])  # "刚才说的人行道占道经营": what was said
    lead = clause[:clause.find(deadline)] if deadline in clause else clause
    if _object_less(clause, deadline) and not lead and find_deadline(last) is None \
            and not _DOES.search(last):
        return True  # "……北边两个点没有灯，入冬前我们给装上": told, then done to, story or not
    return ("的" in group[-1] and 0 < len(last) <= 24 and not NOT_TOPIC.search(last)
            and not STORY.search(last) and not _DOES.search(last)
            and find_deadline(last) is None
            and (not lead or _OWN_SUBJECT.fullmatch(lead) is not None or _frame_only(lead)))


def _object_less(clause: str, deadline: str) -> bool:
    """Is the dated clause, past its deadline and the speaker's "我们(街道)", a verb with no
    object of its own ("入冬前我们街道给装上"; cues.NO_OBJECT)?"""
    rest = clause[clause.find(deadline) + len(deadline):] if deadline in clause else clause
    return VERB_ONLY.match(ITEM_LEAD.sub("", drop_own(rest))) is not None


_FRAME_ONLY = re.compile(r"^(?:由|请)?(?P<unit>.+?)(?:来)?(?:牵头|负责)$")


def _frame_only(clause: str) -> bool:
    """A clause that only puts a unit at the head of what follows ("由X负责" "Y牵头"): after an
    item, it opens the next one rather than ending the last."""
    m = _FRAME_ONLY.match(clause)
    return m is not None and unit_at(m["unit"]) == m["unit"]


_Named = tuple[str, str | None, int]  # the unit, the name said for it, the clause


def _framed(clauses: list[str], turn: _Turn, last: int) -> _Named | None:
    """The unit in 由X / 请X (the moderator's assignment) up to clause ``last``, and the
    clause it is in."""
    frames = [ASSIGN_BY] + ([ASSIGN_ASK] if turn.who.for_unit or turn.relaxed else [])
    for frame in frames:
        for i, clause in enumerate(clauses[:last + 1]):
            for m in frame.finditer(clause):
                if frame is ASSIGN_ASK and _asks_for_itself(clause[:m.start()], turn.who):
                    continue  # "我们乡里两周内请设计单位……": the speaker's side asks
                rest = clause[m.end():]
                own = own_unit(rest, turn.who)
                if own:
                    part = _own_part(rest, turn.who)
                    return (part, part, i) if part else (own[0], None, i)
                unit = unit_at(rest, turn.who.known)
                after = rest[len(unit):] if unit else ""
                if frame is ASSIGN_ASK and HANDS_OVER.match(after):
                    continue  # "下面请X朱主任回应……": the floor, not a task
                if unit and not NOT_ASSIGNED.match(after) and (
                        not after.startswith("的") or COLLEAGUE.match(after)):
                    return as_named(unit, turn.who), unit, i
    return None


_OWN_KIND = re.compile(r"^(?:我们|我|本)(?:局|委|办|院|中心)")


def _own_part(rest: str, who: Speaker) -> str | None:
    """A part of the speaker's own unit named right after it and put at the head of the task
    ("由我局城关监管所负责……" "由我们局执法大队牵头"): that part answers for it."""
    kind = _OWN_KIND.match(rest)
    if kind is None:
        return None
    after = rest[kind.end():]
    part = unit_at(after, who.known)
    return part if part and re.match(r"(?:来)?(?:负责|牵头)", after[len(part):]) else None


# A unit named after another's and a joining word is the partner ("县水利局会同栗溪镇人民政府").
_JOINS_ANOTHER = re.compile(r"(?:会同|联合|协同|以及|[和与及跟同])$")


def _asks_for_itself(before: str, who: Speaker) -> bool:
    """Words before a request that name who asks: the speaker's own side ("我们乡里……请")."""
    return bool(before) and own_unit(ITEM_LEAD.sub("", before), who) is not None


def _subject(clauses: list[str], main: int, turn: _Turn, order: list[int]) -> _Named | None:
    """The unit a clause opens with, before (or right after) its deadline or before a verb."""
    who = turn.who
    for i in order:
        clause = _TOPIC_HEAD.sub("", ITEM_LEAD.sub("", clauses[i]))
        found = find_deadline(clause) if i == main else None
        said = ASSIGN_LEAD.sub("", clause[:found[1][0]]) if found else ""
        for head in _heads(said):
            own = own_unit(head, who)
            unit = own[0] if own else next((k for k in who.known if head.endswith(k)
                                            and not _JOINS_ANOTHER.search(head[:-len(k)])), None)
            if unit or unit_at(head, who.known) == head:
                return as_named(unit or head, who), None if own else head, i
        for opening in (clause, _START.sub("", clause[found[1][1]:], count=1) if found else ""):
            named = _opening(opening, who, found is not None)
            if named:
                return (*named, i)
    return None


def _heads(said: str) -> list[str]:
    """What may name the unit before a deadline: all, without modals, or from "我们" on."""
    k = max(said.rfind("我们"), said.rfind("咱们"))
    return [said, _SUBJECT_END.sub("", said)] + ([said[k:]] if k > 0 else []) if said else []


def _opening(text: str, who: Speaker, dated: bool) -> tuple[str, str | None] | None:
    """The unit a clause opens with when a verb follows (after "我们", also in a dated clause;
    after "我们局" / "我们公司", whatever it says it does: "我们局纳入今年的养护计划")."""
    own = own_unit(text, who)
    if own and (dated or _AFTER_SUBJECT.match(text[own[1]:])
                or _named_own(text[:own[1]], text[own[1]:])):
        return own[0], None
    unit = unit_at(text, who.known)
    if unit and _AFTER_SUBJECT.match(text[len(unit):]):
        return as_named(unit, who), unit
    return None





def _named_own(said: str, rest: str) -> bool:
    """"我们局" / "我们厂里" (the pronoun and the unit's kind), then what it does."""
    return bool(re.fullmatch(rf"(?:我们|咱们|俺们){OWN_UNIT}(?:里|这边)?", said)
                and OWN_PREDICATE.match(rest))


@dataclass(frozen=True)
class _Reading:
    main: int  # the clause with the deadline (or the first)
    deadline: str | None
    named: str | None  # the unit named in the clauses
    start: int  # the clause where the item starts (the one naming the unit)
    said: str | None = None  # the name said for it, when not the same (社区 for 东湖社区居委会)


def _read(clauses: list[str], turn: _Turn) -> _Reading:
    found = [(i, d) for i, c in enumerate(clauses)
             if (d := _due(c, clauses[i - 1] if i else "", turn.day))]
    main, deadline = (found[0][0], found[0][1][0]) if found else (0, None)
    # a frame up to the main clause, a subject (of the main clause first), a later frame
    # (without a deadline, any clause may name a company, which commits only itself by name:
    # "今天当着大家的面，我们合作社先做两件实事。" heads the tasks that follow)
    company = turn.who.kind == "business" and not found
    order = list(range(len(clauses))) if company else [main, *range(main)]
    named = (_framed(clauses, turn, main) or _subject(clauses, main, turn, order)
             or (found and (after := _said_after(clauses, main, found[0][1]))
                 and _subject(clauses, main, turn, [after]))
             or _framed(clauses, turn, len(clauses)))
    if named is not None and named[2] > main and not _framed(clauses, turn, len(clauses)):
        main, named = named[2], (*named[:2], main)  # the dated clause starts the item
    if named is None and not found:  # "……的问题，我们局负责督促……": undated, by its frame
        named = _takes_on(clauses, turn)
    unit, said, start = named if named else (None, None, main)
    if _points_back(clauses[main], deadline):  # "……，这个一个月内完成": what was said before
        start = 0
    if not found and named:  # no deadline: the item is said from its unit's clause on
        main = start
    return _Reading(main, deadline, unit, min(start, main), said)


def _said_after(clauses: list[str], main: int, found: tuple[str, tuple[int, int]]) -> int:
    """The clause right after the deadline's in which the unit may be said, or 0: when the
    deadline's clause holds only the deadline and when or where the task is done, with no verb
    ("从下月一号起，早晚高峰，我们在路口加派一名协管员"): in speech, the deadline and the
    circumstance come first; so may further circumstances, one a clause ("本月内每天上午八点到
    九点，傍晚五点到六点，我们在桥头安排人值守": two times of day)."""
    rest = _START.sub("", clauses[main].replace(found[0], "", 1), count=1)
    rest = re.sub(r"^(?:起|开始)", "", ITEM_LEAD.sub("", rest))
    if not _circumstance(rest):
        return 0
    after = main + 1
    while after + 1 < len(clauses) and _circumstance(clauses[after]) \
            and find_deadline(clauses[after]) is None:
        after += 1
    return after if after < len(clauses) else 0


CIRCUMSTANCE = 8  # characters: a time or a place said before the subject ("每天早上" "校门口")
# a time of day, "八点到九点" "三点半" "7:30": said as a circumstance, however long
_DIGIT = r"[零一二两三四五六七八九十\d]"
_CLOCK = re.compile(rf"{_DIGIT}{{1,3}}(?:点|:)(?:半|{_DIGIT}{{1,3}}分?)?(?:到|至|-|—|~)?")


def _circumstance(text: str) -> bool:
    """Only when or where a task is done, no verb ("每天早上" "校门口" "下午四点到六点")."""
    short = _CLOCK.sub("点", text)
    return (0 < len(short) <= CIRCUMSTANCE
            and not (_DOES.search(short) or COMMIT_VERB.search(short) or VERBISH.search(short)))


def _takes_on(clauses: list[str], turn: _Turn) -> _Named | None:
    """The clause, anywhere in an undated group, in which a unit's own speaker puts their unit
    at the head of a task by the explicit frame ("桥下那段护栏，我们局负责联系厂家修复"), not
    of a remit (cues.OWN_FRAME)."""
    if turn.own is None and turn.who.kind != "business":
        return None
    for i, clause in enumerate(clauses):
        text = _after_when(_BY_OWN.sub("", ITEM_LEAD.sub("", clause), count=1))
        own = own_unit(text, turn.who)
        rest = text[own[1]:] if own else ""
        if own and (OWN_FRAME.match(rest) or OWN_UNDERTAKES.match(rest)
                    or (OWN_FRAME_ALONE.match(rest) and i + 1 < len(clauses))):
            return own[0], None, i
    return None


_BY_OWN = re.compile(r"^(?:由|交由)(?=我|本)")  # "由我局协调……": the speaker's own, framed
_OUR = re.compile(r"我们|咱们")


def _after_when(text: str) -> str:
    """The clause from the speaker's "我们" on, when only when or where is said before it ("每个
    集日我们中队安排……": in speech the circumstance comes first)."""
    m = _OUR.search(text)
    return text[m.start():] if m and m.start() and _circumstance(text[:m.start()]) \
        and "是" not in text[:m.start()] else text  # not "市场这一块是我们队负责的": a remit


def _points_back(clause: str, deadline: str | None) -> bool:
    """A deadline's clause that only points back to what was said ("这个一个月内完成")."""
    rest = clause.replace(deadline, "", 1) if deadline else clause
    back = POINTS_BACK.match(rest)
    return back is not None and len(rest) - back.end() <= 4


PROPOSAL_AFTER = 2  # clauses after the main one that may still put it as a proposal


def _proposal_end(clauses: list[str], main: int) -> int:
    """Where the clauses that may still put the item as a proposal end: PROPOSAL_AFTER past the
    main clause, but not past one that turns to another topic ("……，月底前把台账建起来，至于
    场地能不能换，要等街道定": whether the other thing can be done is not this item's doubt)."""
    end = main + 1
    while end < min(len(clauses), main + 1 + PROPOSAL_AFTER) and not TURNS_TO.match(clauses[end]):
        end += 1
    return end
# An item without a deadline whose text is shorter than this is a verb left without its object
# ("协调" of "由我们街道牵头协调，具体这么办"): it says what the unit heads, not a task (with a
# deadline, "建成" of "新站房，……，年底前建成" is one).
MIN_TEXT = 3


def _item(clauses: list[str], r: _Reading, turn: _Turn, carried: str | None,
          before: list[str] | None = None, continues: bool = False) -> Action | None:
    """The item a group of clauses makes, or None; ``before``: the topic of the item said
    before it in the same sentence, for a group that opens with its deadline ("……，三天内拉好
    警戒线，元旦前装好防护网": both about what was named first)."""
    chair = turn.chair
    # a proposal made later in a long spoken sentence ("……，我们本周内清一遍，我提个建议，……")
    # is not this item's
    # a unit's own judgement before it takes the task on ("乡里认为应该办，由乡政府负责，……")
    # is no proposal: what it commits to is said from the clause that assigns it
    # ... but the speaker's own proposal ("我的想法是，……由合作社承担，……") stays one
    first = r.start if turn.own is not None and _assigned_here(clauses, r) \
        and not OWN_PROPOSAL.search("，".join(clauses[:r.start])) else 0
    # ... nor is a proposal (or an offer's condition) said before the speaker's own unit takes
    # a task on anew, by a deadline, in a long spoken sentence ("……，所以我的建议是，由镇里出
    # 场地，……，我们公司下周五前把样机运过去"): the pledge is said from its own clause on
    anew = _own_dated(clauses, r, turn)
    first = r.start if anew else first
    joined = "，".join(clauses[first:_proposal_end(clauses, r.main)])
    # work under way before the dated clause ("我们局已经请设计院在做，6月底前出台……") is not
    # the past of the pledge
    core = "，".join(c for i, c in enumerate(clauses[r.start:r.main + 1], r.start)
                    if i == r.main or not UNDER_WAY.search(c))
    proposal = not chair and (ITEM_PROPOSAL.search(PROPOSAL_TAKEN.sub("", joined)) or
                              (r.named is None and OTHERS_RULE.search(joined)))
    said_with = "，".join(clauses[max(r.start - 1, 0):r.main + 1])  # and the clause before
    said_up_to = "，".join(clauses[_consequent(clauses, r.start, turn) if anew else 0:r.main + 1])
    # ... nor a division of duties told by the rules, with no deadline ("按照职责分工，……由我局
    # 负责"), nor a pledge on a condition of others
    if not turn.relaxed and (proposal or NO_PLEDGE.search(core) or HEDGE.search(said_with)
                             or ON_CONDITION.search(said_up_to)
                             or (r.deadline is None and OTHERS_RULE.search(said_up_to))):
        return None
    if r.named is None and r.deadline and _another_does(clauses[r.main], r.deadline, turn.who):
        return None
    if REPORTED_SAY.match(ITEM_LEAD.sub("", clauses[r.main])):
        return None  # "刚才卢主任说……年底前开工": another's words reported
    unit = r.named or carried or turn.own
    framed = bool(r.named and not GROUP_UNIT.fullmatch(r.named)
                  and (re.search(r"由|请|责成|牵头|负责", joined) or (
                      r.deadline is None and _takes_on(clauses[r.start:r.main + 1], turn))))
    # a business's later points carry the company it named (see _turn_items); so does the
    # chair's next dated task in the same sentence ("由联络组整理，本周内发给发言人确认，
    # 下周五前报镇党委")
    named = r.named or (carried if turn.who.kind == "business" or continues else None)
    ours = r.named is not None and r.said is None and r.named == turn.who.unit
    # a business binds itself with no deadline only by a task's frame (负责/牵头, or putting
    # in its own means), not by bearing a cost ("由我们公司承担": an offer)
    bound = framed and not REMIT.search(clauses[r.start]) and bool(
        re.search(r"负责|牵头", joined) or _takes_on(clauses[r.start:r.main + 1], turn))
    if unit is None or not turn.commits(named, r.deadline, ours, bound) or not (r.deadline
                                                                                or framed):
        return None
    if ours and turn.chair and not turn.relaxed and not CHAIR_FRAME.search(
            "，".join(clauses[r.start:r.main + 1])):
        return None  # the chair's own "我们" with no frame: a remark, not an assignment
    extra = before if before and r.start == 0 and _opens_with_deadline(clauses[0]) else []
    text = what(extra + clauses, r.start + len(extra), r.main + len(extra), r.said or unit,
                r.deadline)
    # without a deadline, the item needs a verb of commitment: in its text, or the frame that
    # puts the unit at its head ("由榕荫街道办事处牵头，以后每个月……搞联合清障")
    if len(text) < (2 if r.deadline else MIN_TEXT) or not (r.deadline or COMMIT_VERB.search(text)
                             or (framed and (LEADS.search(core) or _takes_on(
                                 clauses[r.start:r.main + 1], turn)))):
        return None
    return Action(text, unit, turn.when(r.deadline), r.deadline, turn.seq,
                  partners=partners(clauses[r.start:r.main + 1], turn.who.known, unit))


def _another_does(clause: str, deadline: str, who: Speaker) -> bool:
    """Is the dated clause about what another party does, named after the deadline ("……，下周
    厂家就来换")? The speaker tells what to expect; it is not their unit's pledge."""
    rest = clause[clause.find(deadline) + len(deadline):] if deadline in clause else ""
    rest = _START.sub("", rest, count=1)
    unit = None if VERBISH.match(rest) or own_unit(rest, who) else unit_at(rest, who.known)
    return (unit is not None and as_named(unit, who) != who.unit
            and EXPECTED.match(rest[len(unit):]) is not None)


def _own_dated(clauses: list[str], r: _Reading, turn: _Turn) -> bool:
    """Is the item's clause, past the first, one in which the speaker names their own unit
    ("我们公司" "我们村") and its deadline: a pledge said anew?"""
    if not (r.deadline and 0 < r.start == r.main and r.said is None and turn.who.owns
            and r.named is not None and r.named == turn.who.unit):
        return False
    return own_unit(ITEM_LEAD.sub("", clauses[r.main]), turn.who) is not None


def _consequent(clauses: list[str], start: int, turn: _Turn) -> int:
    """Where what a condition said before an item may still govern starts: after the last
    clause before the item that opens with the speaker's own side, the condition's consequent
    ("只要村里把地让出来，我们公司愿意出设备，……": the offer, not a later pledge)."""
    return next((k for k in range(start - 1, -1, -1)
                 if own_unit(ITEM_LEAD.sub("", clauses[k]), turn.who)), 0)


# The chair commits their own group only by a frame ("由我们履职小组……" "我们联络组负责……"):
# "……，年底我们还会来看看" closing the session is a remark on the others' pledges, and "这个题目
# 是我们年初调研时……" tells the story of the session.
CHAIR_FRAME = re.compile(rf"{ASSIGN_BY.pattern}|{ASSIGN_ASK.pattern}|牵头|负责")
LEADS = re.compile(rf"(?:{ASSIGN_BY.pattern}|{ASSIGN_ASK.pattern})[^，,]{{1,24}}?(?:牵头|负责)")


def _assigned_here(clauses: list[str], r: _Reading) -> bool:
    """The item's unit named in a clause that assigns it ("由X负责"), past the first clause."""
    return (r.named is not None and 0 < r.start < len(clauses)
            and ASSIGN_BY.search(clauses[r.start]) is not None)


def _opens_with_deadline(clause: str) -> bool:
    found = find_deadline(clause)
    return found is not None and found[1][0] == 0


# a unit named with the word that assigns it ("第二，由各村委会负责，……"): the word is not
# the name
ASSIGN_HEAD = re.compile(r"^(?:由|请|责成)(?=[\u4e00-\u9fff]{2})")
BARE_KIND = 3  # characters: "中心" "居委会" say the kind of a unit, not which one


def _as_meant(r: _Reading, earlier: list[str]) -> _Reading:
    """The unit as meant: without the word that assigns it, and a bare kind ("入冬前，由中心
    为……") as the unit of that kind the turn's items named before (望月街道社区卫生服务中心)."""
    if r.named is None:
        return r
    name = ASSIGN_HEAD.sub("", r.named)
    if len(name) <= BARE_KIND:
        name = next((e for e in reversed(earlier) if e != name and len(e) > len(name)
                     and (e.endswith(name) or abbreviates(name, e))), name)
    return r if name == r.named else replace(r, named=name, said=r.said or r.named)


def _turn_items(u: Utterance, turn: _Turn, least: list[float] | None = None
                ) -> list[Action]:
    """The turn's items; a unit named without an item of its own ("由X负责以下工作：") carries,
    and so does the deadline of a list's head ("我们年内做三件事：一是……") to its duties.
    ``least``: for each item, the words in common from which it restates an earlier one."""
    items: list[Action] = []
    pending: str | None = None
    listing: _Reading | None = None
    points: str | None = None  # a business's points: "第一，我们公司……；第二，……"
    agreed = False  # in the chair's consensus points ("形成两点共识：第一，……")
    for seg in _segments(u.text):
        if seg.question and not turn.relaxed:
            continue
        # the points the chair states after a consensus cue are consensus, not tasks (a
        # point's "由镇里牵头，群众的事一天内有人回应" sets a standard), up to the hand-over
        # ("会后的工作这样安排" "请……"), as consensus.py reads them
        agreed = agreed and not FOLLOW_UP.search(seg.text)
        if agreed:
            continue
        agreed = turn.chair and not turn.relaxed and bool(CONSENSUS_CUE.search(seg.text))
        listing = listing if seg.listed else None
        points = points if seg.listed else None
        carried, made = pending or points, False
        groups = _groups(seg.text, turn.day)
        topic: list[str] = []  # what the last item of the sentence was about
        brought: list[str] = []  # ... or what it brought out ("把草案拿出来": 草案)
        for group in groups:
            reading = _as_meant(_read(group, turn), [i.unit for i in items if i.unit])
            if listing and not reading.deadline:
                reading = replace(reading, deadline=listing.deadline)
            if seg.heads_list and reading.deadline and group is groups[-1]:
                listing = replace(reading, named=reading.named or carried or turn.own)
                continue
            heads = seg.heads_list and group is groups[-1]  # "由X负责以下几项工作：": a head
            item = None if heads else _item(group, reading, turn,
                                            (listing and listing.named) or carried,
                                            topic or _acted_on(group, reading, brought),
                                            continues=turn.chair and made)
            topic = group[:reading.start] if item is not None and reading.start else topic
            brought = _brought_out(group[reading.main]) if item is not None else brought
            carried = reading.named or carried
            items += [item] if item else []
            if item is not None and least is not None:
                least.append(_least_in_common(turn, group[:reading.main + 1]))
            made = made or item is not None
            if item is not None and seg.listed and turn.who.kind == "business":
                points = item.unit  # a business's next points are its own too
        pending = pending if made else carried
    return items


def _brought_out(clause: str) -> list[str]:
    """What an item brings out ("两周内把章程草案拿出来"): the thing a later item may act on."""
    thing = carried_object(clause)
    return [thing] if thing else []


def _acted_on(group: list[str], r: _Reading, brought: list[str]) -> list[str]:
    """The topic of an item that acts on what the item before it brought out, said without an
    object ("两周内把章程草案拿出来，月底前开会表决": the 草案 is voted on; cues.ON_MADE)."""
    return brought if ON_MADE.search(group[r.main]) else []


def _most_committal(u: Utterance, turn: _Turn) -> Action | None:
    """For a turn marked "action" where nothing was found: its most commitment-like clause."""
    best, score = None, -1
    for seg in _segments(u.text):
        for group in _groups(seg.text, turn.day):
            s = sum(bool(find_deadline(c)) * 2 + bool(COMMIT_VERB.search(c)) for c in group)
            if s > score:
                best, score = group, s
    if best is None:
        return None
    r = _read(best, turn)
    unit = r.named or turn.own
    text = what(best, r.start, r.main, unit, r.deadline) or arabize(best[r.main])
    return Action(text, unit, turn.when(r.deadline), r.deadline, turn.seq)


def _repeated(items: list[Action], least: list[float] | None = None) -> list[Action]:
    """Without an item that repeats an earlier one of another turn: the same unit and deadline
    and much the same words (a commitment the moderator restates in the closing; see
    :func:`_least_in_common`)."""
    kept: list[Action] = []
    for n, item in enumerate(items):
        floor = least[n] if least is not None else RESTATED
        same = next((i for i, k in enumerate(kept) if _restates(k, item, floor)), None)
        if same is None:
            if floor > RESTATED_BACK:  # the chair reporting a pledge never made: no item
                kept.append(item)
            continue
        first = kept[same]  # stays where it was first said; the restatement adds to it
        kept[same] = replace(first, also=(*first.also, item.seq),
                             partners=tuple(dict.fromkeys((*first.partners, *item.partners))))
    return kept


def _same_unit(a: str | None, b: str | None) -> bool:
    """One unit, named in full or short ("梧桐街道办事处" / "街道办事处", "区卫生健康局" /
    "区卫健局"): the short name's characters in order in the full one, with the same end."""
    if a is None or b is None:
        return a == b
    short, full = sorted((a, b), key=len)
    return short == full or (len(short) >= 3 and abbreviates(short, full))


RESTATED = 0.6  # words in common (coverage, either way) from which a later item restates one
RESTATED_BY_CHAIR = 0.5  # ... when the chair gives the same unit the same deadline again
# ... when the chair says it takes up what a unit pledged ("按今天表的态" "区卫生健康局承诺的……"):
# any, and such an item only restates (with no pledge before it, it is none: the chair reports)
RESTATED_BACK = 0.0


def _least_in_common(turn: _Turn, said: list[str]) -> float:
    """The words in common from which an item said in these clauses restates an earlier one of
    the same unit and deadline: the chair who gives a unit the same deadline again in the
    closing restates its commitment in fewer words, or in any when saying so
    (cues.REFERS_BACK)."""
    if not turn.chair:
        return RESTATED
    return RESTATED_BACK if REFERS_BACK.search("，".join(said)) else RESTATED_BY_CHAIR


def _restates(k: Action, item: Action, least: float = RESTATED) -> bool:
    return (k.seq != item.seq and _same_unit(k.unit, item.unit) and k.deadline == item.deadline
            and k.deadline_text == item.deadline_text and item.origin == "auto"
            and max(coverage(k.text, item.text), coverage(item.text, k.text)) >= least)


def find_actions(transcript: Transcript) -> list[Action]:
    """The follow-up items said in the session, in the order they were said."""
    known = tuple(sorted({a.unit for a in transcript.attendance if a.unit}, key=len, reverse=True))
    places = place_names([*known, transcript.hall, transcript.place])
    items: list[Action] = []
    least: list[float] = []  # per item, see _least_in_common
    for u in transcript.utterances:
        a = transcript.attendee(u.speaker)
        who = Speaker(a.kind if a else "unknown", a.unit if a else None, known, places)
        marked = "action" in (u.marks or ())
        turn = _Turn(u.seq, who, transcript.session_date, relaxed=marked)
        floors: list[float] = []
        found = _turn_items(u, turn, floors)
        if marked:
            fallback = found or [a for a in [_most_committal(u, turn)] if a]
            found = [replace(a, origin="mark") for a in fallback]
            floors = [RESTATED] * len(found)
        items += found
        least += floors
    return _repeated(items, least)
