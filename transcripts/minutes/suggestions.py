"""意见建议 and 协商共识: found in what was said, by linguistic cues (pure, standard library).

Suggestions come from the participants' turns (speech, question, follow-up, written, comment),
one per proposal: a sentence or enumerated item carrying a proposal cue (建议, 希望, 应该,
能不能, 最好, 可以考虑 ...), or an item of a list announced by a header ("我的建议是两条。第一，
……"). Department responses and the moderator's turns carry none. The text is the proposer's
own words, trimmed of the cue frame, of context before it and of the reasons after it.

Consensus items come from the moderator's turns: the points after a cue (形成了几点共识,
一致认为 ...) and before the follow-up assignments (会后 / 下面我把 / 一是请 ...).

A turn the moderator judged live (``marks`` is a tuple) is not searched automatically: its
marks decide whether it yields suggestions / consensus, with origin "mark".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from transcripts.minutes.categories import categorize
from transcripts.minutes.model import ConsensusItem, Origin, Suggestion, Transcript, Utterance
from transcripts.minutes.numerals import arabize
from transcripts.minutes.sentences import (
    ORDINAL,
    clauses,
    marker,
    sentences,
    split_items,
    strip_fillers,
    strip_marker,
)

PROPOSING_TURNS = ("speech", "question", "follow_up", "written", "comment")

STRONG = re.compile(
    r"(?<![的个条点项])(?:建议|希望)(?!很|非常|好|不错|过)|应该(?!是(?!由)|会|不会|没|差不多|够|还)|"
    r"应当|最好(?!的)|能不能|能否|可不可以|可否|是不是可以|是否可以|可以考虑|考虑一下|"
    r"提议|呼吁|务必|必须|(?<!不)一定要|亟需|急需|恳请|尽快|尽早|(?:^|[，,])请(?!问|大家)|"
    r"(?:^|[，,]|我们|咱们|大家|政府|部门|[镇乡村县区市]里|社区|街道)(?:也|还|完全)?"
    r"可以(?!说|看|想象|理解)|就(?:更)?好了|是不是能|"
    r"要求(?=[^，。]{0,6}?(?:尽快|尽早|把|将|对|给|在))")
WEAK = re.compile(r"(?<!不一定)(?<![主重只就想我人需])要(?![是么求不紧花多几好])|可以|需要")
# The speaker's own commitment ("我们将……" "表个态") is a follow-up item, not a suggestion.
COMMITMENT = re.compile(
    r"(?:我们|我|本)(?:局|局里|单位|部门|镇里|乡里)?(?:将|会|马上|立即|一定会|争取|保证)|表个?态")
INTENSIFIER = re.compile(r"我觉得|我认为|我看(?![着到了见])|我们觉得|我们认为|(?<!不)一定|"
                         r"关键是要|迫切|还是要|还得|得赶紧")
QUESTION_CUE = re.compile(r"^(?:能不能|能否|可不可以|是不是可以|是否可以|可否|是不是能)$")
ASKING = re.compile(r"什么时候|多少|几次|哪些|怎么安排|是怎么|有没有|到底|为什么|谁来|归谁|进展|"
                    r"关键在于|取决于|告诉|介绍|说一下|说说|讲一下|讲讲|解释|回答|不知道")
FRAME = re.compile(
    r"^(?:所以|因此|那么|那|这里|另外|还有|最后|对此|为此)?(?:呢)?(?:(?:我|本人|个人|[^，]{1,4}组)"
    r"(?P<mid>[^，：:]{0,8}?))?(?:建议|想法|意见|看法|提议|思路|呼吁|诉求|要求|请求)"
    r"(?:主要)?(?:是|有|如下|以下)?"
    r"(?P<count>[一两二三四五六几]+(?:条|点|个|项))?(?:建议|想法|意见)?$")
VERB_FRAME = re.compile(r"^(?:所以|因此|那么|那|另外|对此|为此)?(?:我|我们|本人)"
                        r"(?:也|还|再|强烈|郑重|在这里|这里)?(?:建议|提议|呼吁|要求|请求)$")
COUNT = re.compile(r"[一两二三四五六几]+(?=条|点|个|项)")
SAYING = re.compile(r"^(?:所以|因此|那么|那)?(?:我|我们)(?:就|也|再|还)?"
                    r"(?:想说|要说|说|想提|提)(?:一下)?(?:的是)?$")
TALK = re.compile(r"^(?:所以|那么|下面)?(?:我|我们)?(?:就|再|想|简单)?(?:从[^，]{1,8})?"
                  r"(?:讲|说|谈|提|补充)[一两二三四五六几]+(?:点|条|个方面)(?:意见|看法|体会)?$")
NOT_FRAME = re.compile(r"同意|赞成|支持|刚才|听了|认同|反映")
LEAD = re.compile(
    r"^(?:所以|因此|但是|但|而且|那么|那就|另外|还有|同时|我们?(?:也|还|就)?(?:觉得|认为|看|想说|"
    r"说|建议|希望|提议|呼吁)|建议|希望|最好是|最好|应该|应当|(?:也|还)?可以(?:考虑)?|能不能|"
    r"能否|可不可以|是不是可以|是否可以|是不是能|可否|考虑|一定要|还是要|还要|还应该?|也要|"
    r"要(?!是)|需要|请|就是|下一步|(?:要是|如果|假如)能)+")
MODAL = re.compile(r"(?:能不能|能否|可不可以|是不是可以|是否可以|是不是能|可否|最好是|最好|可以)"
                   r"(?:考虑)?")
WISH_END = re.compile(r"就(?:更)?好了$")
# A proposal says what to do: "希望你们认真研究" / "政府应该管一管" do not.
VAGUE = re.compile(
    r"^(?:你们|我们|咱们|大家|政府|领导|部门|有关|相关|单位|应该|应当|要|能|认真|好好|尽快|多|再|"
    r"一起|进一步|切实)*(?:研究|重视|关心|关注|支持|考虑|落实|解决|努力|加油|帮忙|帮助|处理|"
    r"管一?管|看一?看|想想?办法|抓紧)+(?:一下|起来)?$")
PERSONAL = re.compile(r"[我你您咱]")
NOW = re.compile(r"^(?:现在|目前|如今|其实|本来|原来|以前|过去|刚才)")
TURNING = re.compile(r"^(?:但是|但|可是|不过|所以|因此|因而|于是)")
RATIONALE = re.compile(r"^(?:这样|因为|不然|否则|要不然|以免|免得|避免|省得|毕竟|哪怕|即使|"
                       r"那样|这就|方便|便于|以便)")
MAX_CHARS = 70
LIST = 9  # items a list announced without a count may have

CONSENSUS_CUE = re.compile(
    r"共识|一致认为|大家(?:都)?认为|普遍认为|一致(?:同意|赞成|表示)|达成一致|"
    r"形成(?:了)?(?:以下|如下|这么)?几?[一两二三四五六几]?(?:点|条)(?:意见|看法)")
FOLLOW_UP = re.compile(
    r"^(?:好|那么|那|下面|接下来|最后)?[，,]?(?:我|我们)?(?:把|就)?(?:会后|下一步|后续)|"
    r"下面我把|接下来|工作(?:这样|如下)?(?:安排|分工|明确)|散会|^请|^(?:谢谢|感谢)")
_COUNTS = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6}


@dataclass
class _State:
    """Where the reading of one turn is: a header announced ``left`` more listed proposals."""

    left: int = 0
    after_header: bool = False
    remarks: bool = False  # a proposal was made or points announced: "第二，要……" may be one


@dataclass(frozen=True)
class _Frame:
    """A clause that frames what follows: "我的建议是两条" / "我的想法是，" / "我想说，"."""

    taken: int  # clauses of the piece the frame takes
    announces: int  # proposals it announces (0: it only introduces)
    introduces: bool  # what follows in the piece is the proposal itself ("……是，" / "……：")


def _frame(piece: str) -> _Frame | None:
    parts = clauses(piece)
    for i, clause in enumerate(parts[:3]):
        if VERB_FRAME.match(clause):  # "我建议，……": what follows is the proposal
            return _Frame(i + 1, 1, True)
        m = FRAME.match(clause)
        if m and not NOT_FRAME.search(m.group("mid") or ""):
            count = m.group("count") or next(iter(COUNT.findall(m.group("mid") or "")), None)
            after = piece.find(clause) + len(clause)
            introduces = clause.endswith(("是", "如下")) or piece[after:after + 1] in ("：", ":")
            number = _COUNTS.get(count[0], LIST) if count else 1  # "补充一点意见": a remark
            announced = number if number > 1 else int(introduces)
            if clause.endswith(("如下", "以下")):
                announced = LIST
            return _Frame(i + 1, announced, introduces and number == 1)
        if SAYING.match(clause):
            return _Frame(i + 1, 0, False)
    return None


def _strong(text: str) -> bool:
    cues = [m.group() for m in STRONG.finditer(text)]
    if not cues:
        return False
    return not (all(QUESTION_CUE.match(c) for c in cues) and ASKING.search(text))


def _cue_index(parts: list[str]) -> int:
    for test in (_strong, INTENSIFIER.search, WEAK.search):
        for i, clause in enumerate(parts):
            if test(clause):
                return i
    return 0


def _is_proposal(piece: str, state: _State) -> bool:
    if COMMITMENT.search(piece):
        return False
    if _strong(piece):
        return True
    listed = state.left > 0 and (bool(ORDINAL.match(piece)) or state.after_header)
    weak = bool(WEAK.search(piece)) and (
        bool(INTENSIFIER.search(piece)) or ((state.left > 0 or state.remarks)
                                            and marker(piece) is not None))
    return listed or weak


def _read(piece: str, state: _State) -> str | None:
    """The proposal in one piece of a turn, if any; ``state`` carries the turn's list."""
    listed = state.left > 0 and (bool(ORDINAL.match(piece)) or state.after_header)
    body = strip_marker(piece)
    if TALK.match(body):  # "我讲两点": remarks, which may or may not propose
        state.remarks = True
        return None
    frame = _frame(body)
    if frame:
        body = "，".join(clauses(body)[frame.taken:])
        if not body or not (frame.introduces or WEAK.search(body) or _is_proposal(body, state)):
            state.left, state.after_header = frame.announces, frame.announces > 0
            return None
        whole = frame.introduces and not _strong(body)
    elif not _is_proposal(piece, state):
        state.after_header = False
        return None
    else:
        whole = listed
    state.after_header = False
    state.left = max(state.left - 1, 0) if state.left or not ORDINAL.match(piece) else LIST - 1
    state.remarks = True
    return _trim(clauses(body), whole=whole)


def _context(clause: str, following: str) -> bool:
    """A clause before the cue that is context (the speaker, now, a turn of the argument)."""
    return bool(PERSONAL.search(clause) or NOW.match(clause) or TURNING.match(following))


def _trim(parts: list[str], *, whole: bool) -> str | None:
    """The proposal's words: from its cue (or context it needs) to before the reasons."""
    if not parts:
        return None
    cue = 0 if whole else _cue_index(parts)
    start = cue
    while start > 0 and not _context(parts[start - 1], parts[start]):
        start -= 1
    end = next((i for i, c in enumerate(parts) if i > cue and RATIONALE.match(c)), len(parts))
    kept = [(strip_fillers(c), i == cue) for i, c in enumerate(parts) if start <= i < end]
    kept = [(c, is_cue) for c, is_cue in kept if c]
    if not kept:
        return None
    kept[0] = (LEAD.sub("", kept[0][0]) or kept[0][0], kept[0][1])
    parts = [MODAL.sub("", c, count=1) or c if is_cue else c for c, is_cue in kept]
    while len(parts) > 2 and sum(map(len, parts)) > MAX_CHARS:
        parts.pop()
    text = WISH_END.sub("", "，".join(parts))
    return None if VAGUE.match(text) else arabize(text)


def proposals(text: str) -> list[str]:
    """The proposals made in one turn's text, in order."""
    state, found = _State(), []
    for sentence in sentences(text):
        for piece in split_items(sentence):
            proposal = _read(piece, state)
            if proposal:
                found.append(proposal)
    return found


def _score(sentence: str) -> int:
    strong = len(STRONG.findall(sentence))
    return 2 * strong + len(WEAK.findall(sentence)) + (1 if marker(sentence) else 0)


def best_sentence(text: str) -> str | None:
    """The turn's most proposal-like sentence, trimmed (for a turn marked as a suggestion)."""
    candidates = sentences(text)
    if not candidates:
        return None
    best = max(candidates, key=lambda s: (_score(s), -candidates.index(s)))
    if _score(best) == 0:
        best = max(candidates, key=len)
    return _trim(clauses(strip_marker(best)), whole=False) or strip_fillers(best) or None


def _chairs(u: Utterance, transcript: Transcript) -> bool:
    """Whether the turn is the moderator's (by turn kind, session moderator or attendee kind)."""
    who = transcript.attendee(u.speaker)
    return (u.turn == "moderator" or u.speaker == transcript.moderator
            or (who is not None and who.kind == "moderator"))


def _turn_suggestions(u: Utterance, transcript: Transcript) -> Iterator[tuple[str, Origin]]:
    """(text, origin) for each suggestion the turn yields."""
    if u.marks is None:
        if u.turn in PROPOSING_TURNS and not _chairs(u, transcript):
            yield from ((p, "auto") for p in proposals(u.text))
        return
    if "suggestion" not in u.marks:
        return
    found = proposals(u.text) or [t for t in [best_sentence(u.text)] if t]
    yield from ((p, "mark") for p in found)


def find_suggestions(transcript: Transcript) -> list[Suggestion]:
    """Suggestions numbered 1..n in the order they were made."""
    found: list[Suggestion] = []
    for u in transcript.utterances:
        for text, origin in _turn_suggestions(u, transcript):
            found.append(Suggestion(
                number=len(found) + 1, text=text, proposers=(u.speaker,), seq=u.seq,
                category=categorize(text), origin=origin))
    return found


# Consensus ---------------------------------------------------------------------------------

def _after_cue(body: str) -> str | None:
    """What a piece says after its consensus cue ("大家一致认为，X" -> X); None: no cue."""
    parts = clauses(body)
    for i, clause in enumerate(parts):
        m = CONSENSUS_CUE.search(clause)
        if m:
            rest = clause[m.end():].lstrip("是就：:")
            return "，".join(([rest] if len(rest) > 4 else []) + parts[i + 1:])
    return None


def consensus_points(text: str) -> list[str]:
    """The consensus points stated in one (moderator's) turn."""
    points: list[str] = []
    inside = False
    for sentence in sentences(text):
        for piece in split_items(sentence):
            body = strip_marker(piece)
            if inside and FOLLOW_UP.search(body):
                return points
            if not inside:
                after = _after_cue(body)
                if after is None:
                    continue
                inside, body = True, after
            point = arabize("，".join(p for p in map(strip_fillers, clauses(body)) if p))
            if point:
                points.append(point)
    return points


def _best_consensus(text: str) -> str | None:
    candidates = sentences(text)
    if not candidates:
        return None
    cued = [s for s in candidates if CONSENSUS_CUE.search(s)]
    return strip_fillers(strip_marker(cued[0] if cued else max(candidates, key=len))) or None


def _turn_consensus(u: Utterance, transcript: Transcript) -> Iterator[tuple[str, Origin]]:
    if u.marks is None:
        if _chairs(u, transcript):
            yield from ((p, "auto") for p in consensus_points(u.text))
        return
    if "consensus" not in u.marks:
        return
    found = consensus_points(u.text) or [t for t in [_best_consensus(u.text)] if t]
    yield from ((p, "mark") for p in found)


def find_consensus(transcript: Transcript) -> list[ConsensusItem]:
    """Consensus points in the order they were stated."""
    return [ConsensusItem(text=text, seq=u.seq, origin=origin)
            for u in transcript.utterances for text, origin in _turn_consensus(u, transcript)]
