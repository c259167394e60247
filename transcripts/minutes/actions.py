"""下一步工作: follow-up items (what, responsible unit, deadline) found in what was said.

An item is one commitment or assignment: a department's "由县住建局负责，6月底前完成……" or
"我们两周内……", or the moderator's closing "一是请……牵头，月底前……". A turn is cut into
sentences, colon parts and enumerated items (第一/二是/另外 ...), and those into groups of
clauses with one deadline each (a deadline said on its own opens the clause after it). A group
is an item when it has a deadline (or an explicit 由/请 frame), a responsible unit and no sign
of a proposal, a question, the past, a habit or a doubt. The head of a list
("我们年内做三件事：一是……；二是……") lends its unit and deadline to the duties listed.

Who commits: a unit's own speaker (a department, or an "other" such as a 居委会 or 协会) for
their unit; the moderator and staff by assignment (请X / 由X); a business only itself, by a
deadline; a speaker not in the attendance list by naming a unit with a deadline. Members,
residents, elders and experts propose; they do not commit. The unit is named as said (由X负责,
请X牵头, X会同Y -> X, "X+deadline+verb"; see :mod:`transcripts.minutes.units`); "我们",
"我们街道", a bare "社区" stand for the speaker's own unit. A frame up to the deadline's clause
comes first, then that clause's subject ("我们镇里月底前……，再由各村干部……": the 镇).
The text is the extractive "what" (:mod:`transcripts.minutes.action_text`).

A turn the moderator marked "action" live is searched on relaxed terms: it yields its items
(from any speaker), or the clause most like a commitment, with origin "mark". Unmarked turns
(and marks of other kinds) are read automatically.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from transcripts.minutes.action_text import COLLEAGUE, LEAD, what
from transcripts.minutes.deadlines import find_deadline, resolve_deadline
from transcripts.minutes.model import Action, Transcript, Utterance
from transcripts.minutes.numerals import arabize
from transcripts.minutes.scoring import coverage
from transcripts.minutes.units import (
    GROUP_UNIT,
    Speaker,
    as_named,
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
_BY = re.compile(r"(?<![理自缘经])(?:交由|交给|委托|由)(?!于)")
_ASK = re.compile(r"(?<![申邀])(?:请|责成)(?!问|教|示|来|到|大家|各位|你们)")
_SUBJECT_END = re.compile(r"(?:要|将|会|争取|力争|计划|确保|保证|一定|必须|能够|可以|先|在|于)+$")
_AFTER_SUBJECT = re.compile(
    r"^(?:来)?(?:牵头|负责|会同|联合|这边|方面|要|将|会|在|于|争取|力争|计划|确保|把|完成|出台|制定|组织|开展|"
    r"建成|拿出|提出|落实|推进|启动|实施)")
_HEAD_LEAD = re.compile(r"^(?:我们?|我个人)?(?:希望|建议|提议|请|要求|责成|交由|由|让)")
_PROPOSAL = re.compile(r"建议|希望|最好|应该|应当|可以考虑|呼吁|能不能|能否|可不可以|可否|"
                       r"是不是可以|我觉得|我想|我认为")
_NOT_OURS = re.compile(r"(?:省|市|县|上级|国家|文件|政策)[^，]{0,3}(?:要求|规定)|按照|根据")
_TOPIC_HEAD = re.compile(r"^[^，]{1,12}?的(?:事情?|问题)")  # 这个路口的事(我们……来负责)
# No pledge: what was done or planned before, what is usual, what is doubted, asks of everyone.
_NO_PLEDGE = re.compile(
    r"已经(?![^，]{0,8}的)|去年|前年|上个?月|上周|曾经|一共|早就|当时|原计划|原定|本来|原本|"
    r"了(?:[一二三四五六七八九十两几\d]|，|$)|(?:一般|通常)(?=[都是在会要就])|平时|往年|"
    r"(?:完成|做|办|赶|来)不(?:了|到|及)|无法|不(?:太)?现实|不太可能|很难|难以|(?<![说讲])的话|"
    r"请(?:大家|各位)")
# A hedged reply promises nothing, wherever in the item it is said: 原则上支持, 积极争取,
# 下一步研究, 统筹考虑, 会后商量.
_HEDGE = re.compile(r"原则上|积极争取|下一步(?:再)?研究|研究研究|统筹考虑|认真考虑|会后(?:再)?商量")
_COMMIT = re.compile(r"负责|牵头|完成|组织|出台|落实|表态|推进|开展|制定|建成|解决|整改|安排|启动|"
                     r"实施|研究|答复|报送|整理|修|建")


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

    def commits(self, named: str | None, deadline: str | None) -> bool:
        """May the speaker commit the unit named (None: their own)? See "Who commits"."""
        kind = self.who.kind
        if self.relaxed or self.own is not None:
            return True
        if named is None or kind in ("member", "resident", "elder", "expert"):
            return False
        if kind == "business":
            return deadline is not None and named == self.who.unit
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


def _groups(segment: str) -> list[list[str]]:
    """The segment's clauses, cut before each clause with a second (third ...) deadline; a
    deadline said on its own ("下个月底前，我们……") opens the clause after it."""
    groups: list[list[str]] = [[]]
    seen = bare = False
    for clause in (c.strip() for c in re.split(r"[，,]", segment)):
        if not clause:
            continue
        if bare:
            groups[-1][-1] += clause
            bare = False
            continue
        found = find_deadline(clause)
        if found and seen:
            groups.append([])
        seen = seen or found is not None
        groups[-1].append(clause)
        bare = found is not None and not LEAD.sub("", clause.replace(found[0], ""))
    return [g for g in groups if g]


_Named = tuple[str, str | None, int]  # the unit, the name said for it, the clause


def _framed(clauses: list[str], turn: _Turn, last: int) -> _Named | None:
    """The unit in 由X / 请X (the moderator's assignment) up to clause ``last``, and the
    clause it is in."""
    frames = [_BY] + ([_ASK] if turn.who.for_unit or turn.relaxed else [])
    for frame in frames:
        for i, clause in enumerate(clauses[:last + 1]):
            for m in frame.finditer(clause):
                rest = clause[m.end():]
                own = own_unit(rest, turn.who)
                if own:
                    return own[0], None, i
                unit = unit_at(rest, turn.who.known)
                after = rest[len(unit):] if unit else ""
                if unit and (not after.startswith("的") or COLLEAGUE.match(after)):
                    return as_named(unit, turn.who), unit, i
    return None


def _subject(clauses: list[str], main: int, turn: _Turn, order: list[int]) -> _Named | None:
    """The unit a clause opens with, before (or right after) its deadline or before a verb."""
    who = turn.who
    for i in order:
        clause = _TOPIC_HEAD.sub("", LEAD.sub("", clauses[i]))
        found = find_deadline(clause) if i == main else None
        said = _HEAD_LEAD.sub("", clause[:found[1][0]]) if found else ""
        for head in _heads(said):
            own = own_unit(head, who)
            unit = own[0] if own else next((k for k in who.known if head.endswith(k)), None)
            if unit or unit_at(head, who.known) == head:
                return as_named(unit or head, who), None if own else head, i
        for opening in (clause, clause[found[1][1]:] if found else ""):
            named = _opening(opening, who, found is not None)
            if named:
                return (*named, i)
    return None


def _heads(said: str) -> list[str]:
    """What may name the unit before a deadline: all, without modals, or from "我们" on."""
    k = max(said.rfind("我们"), said.rfind("咱们"))
    return [said, _SUBJECT_END.sub("", said)] + ([said[k:]] if k > 0 else []) if said else []


def _opening(text: str, who: Speaker, dated: bool) -> tuple[str, str | None] | None:
    """The unit a clause opens with when a verb follows (after "我们", also in a dated clause)."""
    own = own_unit(text, who)
    if own and (dated or _AFTER_SUBJECT.match(text[own[1]:])):
        return own[0], None
    unit = unit_at(text, who.known)
    if unit and _AFTER_SUBJECT.match(text[len(unit):]):
        return as_named(unit, who), unit
    return None


@dataclass(frozen=True)
class _Reading:
    main: int  # the clause with the deadline (or the first)
    deadline: str | None
    named: str | None  # the unit named in the clauses
    start: int  # the clause where the item starts (the one naming the unit)
    said: str | None = None  # the name said for it, when not the same (社区 for 东湖社区居委会)


def _read(clauses: list[str], turn: _Turn) -> _Reading:
    found = [(i, d) for i, c in enumerate(clauses) if (d := find_deadline(c))]
    main, deadline = (found[0][0], found[0][1][0]) if found else (0, None)
    # a frame up to the main clause, a subject (of the main clause first), a later frame
    named = (_framed(clauses, turn, main) or _subject(clauses, main, turn, [main, *range(main)])
             or _framed(clauses, turn, len(clauses)))
    unit, said, start = named if named else (None, None, main)
    return _Reading(main, deadline, unit, min(start, main), said)


def _item(clauses: list[str], r: _Reading, turn: _Turn, carried: str | None) -> Action | None:
    """The item a group of clauses makes, or None."""
    joined, chair = "，".join(clauses), turn.chair
    core = "，".join(clauses[r.start:r.main + 1])
    proposal = not chair and (_PROPOSAL.search(joined) or
                              (r.named is None and _NOT_OURS.search(joined)))
    said_with = "，".join(clauses[max(r.start - 1, 0):r.main + 1])  # and the clause before
    if not turn.relaxed and (proposal or _NO_PLEDGE.search(core) or _HEDGE.search(said_with)):
        return None
    unit = r.named or carried or turn.own
    framed = bool(r.named and not GROUP_UNIT.fullmatch(r.named)
                  and re.search(r"由|请|责成|牵头|负责", joined))
    # a business's later points carry the company it named (see _turn_items)
    named = r.named or (carried if turn.who.kind == "business" else None)
    if unit is None or not turn.commits(named, r.deadline) or not (r.deadline or framed):
        return None
    text = what(clauses, r.start, r.main, r.said or unit, r.deadline)
    if len(text) < 2 or not (r.deadline or _COMMIT.search(text)):
        return None
    return Action(text, unit, turn.when(r.deadline), r.deadline, turn.seq,
                  partners=partners(clauses[r.start:r.main + 1], turn.who.known, unit))


def _turn_items(u: Utterance, turn: _Turn) -> list[Action]:
    """The turn's items; a unit named without an item of its own ("由X负责以下工作：") carries,
    and so does the deadline of a list's head ("我们年内做三件事：一是……") to its duties."""
    items: list[Action] = []
    pending: str | None = None
    listing: _Reading | None = None
    points: str | None = None  # a business's points: "第一，我们公司……；第二，……"
    for seg in _segments(u.text):
        if seg.question and not turn.relaxed:
            continue
        listing = listing if seg.listed else None
        points = points if seg.listed else None
        carried, made = pending or points, False
        groups = _groups(seg.text)
        for group in groups:
            reading = _read(group, turn)
            if listing and not reading.deadline:
                reading = replace(reading, deadline=listing.deadline)
            if seg.heads_list and reading.deadline and group is groups[-1]:
                listing = replace(reading, named=reading.named or carried or turn.own)
                continue
            item = _item(group, reading, turn, (listing and listing.named) or carried)
            carried = reading.named or carried
            items += [item] if item else []
            made = made or item is not None
            if item is not None and seg.listed and turn.who.kind == "business":
                points = item.unit  # a business's next points are its own too
        pending = pending if made else carried
    return items


def _most_committal(u: Utterance, turn: _Turn) -> Action | None:
    """For a turn marked "action" where nothing was found: its most commitment-like clause."""
    best, score = None, -1
    for seg in _segments(u.text):
        for group in _groups(seg.text):
            s = sum(bool(find_deadline(c)) * 2 + bool(_COMMIT.search(c)) for c in group)
            if s > score:
                best, score = group, s
    if best is None:
        return None
    r = _read(best, turn)
    unit = r.named or turn.own
    text = what(best, r.start, r.main, unit, r.deadline) or arabize(best[r.main])
    return Action(text, unit, turn.when(r.deadline), r.deadline, turn.seq)


def _repeated(items: list[Action]) -> list[Action]:
    """Without an item that repeats an earlier one of another turn: the same unit and deadline
    and much the same words (a commitment the moderator restates in the closing)."""
    kept: list[Action] = []
    for item in items:
        same = next((i for i, k in enumerate(kept) if _restates(k, item)), None)
        if same is None:
            kept.append(item)
            continue
        first = kept[same]  # stays where it was first said; the restatement adds to it
        kept[same] = replace(first, also=(*first.also, item.seq),
                             partners=tuple(dict.fromkeys((*first.partners, *item.partners))))
    return kept


def _restates(k: Action, item: Action) -> bool:
    return (k.seq != item.seq and k.unit == item.unit and k.deadline == item.deadline
            and k.deadline_text == item.deadline_text and item.origin == "auto"
            and max(coverage(k.text, item.text), coverage(item.text, k.text)) >= 0.6)


def find_actions(transcript: Transcript) -> list[Action]:
    """The follow-up items said in the session, in the order they were said."""
    known = tuple(sorted({a.unit for a in transcript.attendance if a.unit}, key=len, reverse=True))
    places = place_names([*known, transcript.hall, transcript.place])
    items: list[Action] = []
    for u in transcript.utterances:
        a = transcript.attendee(u.speaker)
        who = Speaker(a.kind if a else "unknown", a.unit if a else None, known, places)
        marked = "action" in (u.marks or ())
        turn = _Turn(u.seq, who, transcript.session_date, relaxed=marked)
        found = _turn_items(u, turn)
        if marked:
            fallback = found or [a for a in [_most_committal(u, turn)] if a]
            found = [replace(a, origin="mark") for a in fallback]
        items += found
    return _repeated(items)
