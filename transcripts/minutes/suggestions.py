"""意见建议: the proposals made in the participants' turns (pure, standard library).

Suggestions come from the participants' turns (speech, question, follow-up, written, comment;
not the moderator's, nor a department's), one per proposal: a sentence or enumerated item
carrying a proposal cue (cues.py: 建议, 能不能, 不如, 应该, 咱们得 ...), what follows a frame
("我的想法是，……" "我提个事：……" "不如这样，……"), or an item of a list announced by a header
("我的建议是两条。第一，……"). Within a point of an enumeration ("第一，……"), a proposal made
explicitly (建议/能不能/最好 ...) is the point's proposal: the reasoning around it is not; a
list that follows its header's colon ends with its last item; what leads up to a proposal the
speaker then introduces as theirs ("……。所以我建议，……") is its reasoning. What the speaker's own
side offers (their unit, named or as "我们" and its kind; the speakers themselves; a company's
"我们") is left out, and so are the points after a pledge's head ("我表个态：") and a stance
(原则上……). A speaker saying their own proposal again in a later turn adds nothing. The text
is the proposer's own words, trimmed of the cue frame, of context before it and of the reasons
and results after it (at most about ``MAX_CHARS`` characters).

A proposal is also said plainly, with no proposal word (cues.PLAIN_*): in a piece with no
cue, an action clause not yet done ("门口搭个棚子" "晚上那一档延到九点半呗" "由班主任把学生送到
接送区"), a procedure ("先做安全鉴定，再定方案") or a wish put as a condition with the good it
would do ("要是……，路面就能宽出一截"), unless it tells a story, states a fact, asks, or is the
speaker's side's own doing; with the thing it is about named before it, up to its reasons.

Where a proposal starts and ends: a long complaint before it (how things are, a story, a
figure, a question) is left out but for what names the thing or place it is about; it ends
before an aside after its action (the state now, a caveat "当然……", a comment "这是……") or a
mishap and what it would do then ("出了事，……有个着落"). After its action it keeps how those
it serves use it ("家长扫码就能查询") and what the clause before allows ("……，才能拨尾款"), and
leaves out the speaker's remarks on it: a cost estimate, an evaluation, their own check.

A turn the moderator marked "suggestion" live yields its proposals, or failing those its most
proposal-like sentence, with origin "mark": the mark takes precedence over the cues and the
turn's kind. Unmarked turns (and marks of other kinds) leave extraction automatic.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from transcripts.minutes.categories import categorize
from transcripts.minutes.consensus import chairs, consensus_points, find_consensus
from transcripts.minutes.cues import (
    A_NOT_A,
    ALTERNATIVE,
    ANAPHOR,
    ANNOUNCES,
    APPOINTS,
    ASIDE,
    ASK_BARE,
    ASK_OPEN,
    ASKING,
    ASKS,
    BACK_REF,
    BACK_REF_WORDS,
    BACKED,
    BACKING,
    BACKS,
    BARE_ABLE,
    BARE_CUE,
    CAUTION,
    CHECKED,
    COMMITMENT,
    CONCESSION,
    CONCLUSION,
    CONDITION,
    COUNTED_POINT,
    COURTESY,
    CUE_END,
    DESCRIBES,
    DETAIL_LEAD,
    DRAWN,
    ENOUGH,
    ESTIMATE,
    EXPLICIT,
    FORBIDS,
    FRAME_RUN,
    GRANTED,
    INTENSIFIER,
    LEAD,
    LEAVE,
    LIMIT,
    LINK,
    LIST,
    LIST_MORE,
    LIST_MORE_BARE,
    MAY,
    MISHAP,
    MODAL,
    NAMED_BY_KIND,
    NAMED_THING,
    NO_OBJECT,
    NOW,
    OBLIGATION,
    OFFERS_BEFORE,
    OPENS,
    OTHERS_DO,
    OUR_BARE,
    OUR_PEOPLE,
    OURS,
    OWN_SIDE_OFFERS,
    OWN_TASK,
    PART,
    PARTICLE,
    PARTS,
    PERSONAL,
    PLACE_TOPIC,
    PLAIN_ACTION,
    PLAIN_ASSIGN,
    PLAIN_BETTER,
    PLAIN_DONE,
    PLAIN_ENOUGH,
    PLAIN_FIRST,
    PLAIN_IF,
    PLAIN_NEGATED,
    PLAIN_NEXT,
    PLAIN_OWN,
    PLAIN_OWN_BEFORE,
    PLAIN_PARTICLE,
    PLAIN_PLACE,
    PLAIN_REASON,
    PLAIN_STORY,
    PLAIN_THEN,
    PLAIN_VERB,
    PLAIN_WHEN,
    PLEDGES,
    POINT_ACTION,
    POINT_MORE,
    POINTS_HEADER,
    POINTS_TO,
    POSSESSOR,
    PUT,
    QUESTION_BEFORE,
    QUESTION_CUE,
    REASONS_CASE,
    RECAP,
    REFERS,
    REMINDER,
    RHETORICAL,
    RULE_CITED,
    RULE_SET,
    RULE_TOLD,
    SHARE,
    SIDE,
    SPEAKER_LEAD,
    STANCE,
    STATEMENT,
    TAIL_STOP,
    TALK,
    TITLE,
    TOPIC,
    TOPIC_ONLY,
    TROUBLES,
    TURNING,
    USES,
    VAGUE,
    VERDICT,
    WEAK,
    WHOM,
    WHY,
    WISH,
    Frame,
    explicit,
    find_frame,
    parallel,
    prescribes,
    reason,
    strong,
    without_offers,
)
from transcripts.minutes.deadlines import find_deadline
from transcripts.minutes.model import Origin, Suggestion, Transcript, Utterance
from transcripts.minutes.numerals import arabize
from transcripts.minutes.restated import PUNCT, merge_restated
from transcripts.minutes.sentences import (
    ORDINAL,
    clauses,
    in_series,
    marker,
    sentences,
    split_items,
    strip_fillers,
    strip_marker,
)
from transcripts.minutes.units import unit_at

__all__ = ["best_sentence", "consensus_points", "find_consensus", "find_suggestions",
           "proposals"]

PROPOSING_TURNS = ("speech", "question", "follow_up", "written", "comment")
SILENT_KINDS = ("department", "moderator", "staff")  # their turns answer, chair or record
# Kinds who speak from a workplace (a resident's or an elder's unit is where they live).
OFFERING_KINDS = ("member", "expert", "business", "other", "elder")

MAX_CHARS = 60
# Fewer characters than this, found only by an obligation or a weak cue, say too little to be
# a proposal: a fragment of one ("镇里回答", "街道牵个头"); one put forward (建议, a list's
# item: "增加公交班次") may be short.
MIN_CHARS = 7
# even put explicitly, one character proposes nothing ("……归谁？能不能动？" asks about it)
MIN_PUT = 2


@dataclass
class _State:
    """Where the reading of one turn is: a header announced ``left`` more listed proposals."""

    left: int = 0
    after_header: bool = False
    remarks: bool = False  # a proposal was made or points announced: "第二，要……" may be one
    colon: bool = False  # the list follows its header's colon: it ends with its last item
    done: bool = False  # such a list's last item was just read: what follows is a new point
    proposed: bool = False  # the speaker has made a proposal in this turn
    troubles: bool = False  # the points being counted tell problems ("难处也有，一是……")
    # the sentence before asked why ("为什么不愿意？"): the points that answer it are reasons
    why: bool = False
    # the points announced are remarks ("补充两点。……"): what follows unnumbered is not one
    remark_list: bool = False
    pledging: bool = False  # the speaker announced pledges ("但是眼前的问题不能等，我表个态：")
    numbered_ahead: bool = False  # no point numbered yet, a later sentence is the first
    run_on: bool = False  # the piece ends where a long spoken one was cut after its header
    following: str = ""  # the turn's next sentence


@dataclass(frozen=True)
class _Found:
    text: str
    explicit: bool  # put forward as a proposal (建议, a frame ...), not only "要/必须 ……"
    item: int  # the enumerated point it belongs to; 0: before any enumeration marker
    put: bool = True  # put forward as a proposal, by a cue, a frame or a list: not a fragment
    concludes: bool = False  # the speaker introduces it as their proposal ("所以我建议……")


def _cue_index(parts: list[str]) -> int:
    for test in (strong, INTENSIFIER.search, WEAK.search, _rule_set):
        for i, clause in enumerate(parts):
            if test(clause):
                return i
    return 0


def _rule_set(piece: str) -> bool:
    """A prohibition laid down ("赶集的时候，大货车一律不准进老街"), said as the rule to be, not
    told of the past (cues.PLAIN_WHEN) nor as one there is (a sign, a custom: cues.RULE_TOLD)."""
    return bool(RULE_SET.search(piece)) and not (PLAIN_WHEN.search(piece)
                                                 or RULE_TOLD.search(piece))


def _listed(piece: str, state: _State) -> bool:
    """An item of an announced list, which proposes unless it tells or asks; one more point
    added ("再一个，……" "还有一条，……") after the list's points or the speaker's proposals is
    one of them too, unless it asks ("……报不报")."""
    body = SPEAKER_LEAD.sub("", strip_marker(piece))
    if ASIDE.search(body):
        return False
    if state.left > 0 and (bool(ORDINAL.match(piece))
                           or (state.after_header and not state.remark_list)):
        return True
    return (bool(POINT_MORE.match(piece)) and (state.left > 0 or state.proposed)
            and not (ASKS.search(body) or ASKING.search(body) or A_NOT_A.search(body)))


def _one_more(piece: str, state: _State) -> bool:
    """One more point said the spoken way ("还有就是……" "再一个 ……" "另外 ……"): one of the
    points a header announced while some are left, when it says an action (a cue or a plain
    action: "还有就是值班电话 公布到各村的群里"), or, after the speaker's proposal, one more
    when it says what is to be done (要, 可以 ...); not when it asks, nor the speaker's side.
    (Its words are trimmed from its cue, as a proposal said on its own is: it is no numbered
    point.)"""
    if not (LIST_MORE.match(piece) or LIST_MORE_BARE.match(piece)):
        return False
    body = SPEAKER_LEAD.sub("", strip_marker(piece))
    if ASKS.search(body) or ASKING.search(body) or A_NOT_A.search(body) \
            or PLAIN_OWN.search(clauses(body)[0] if clauses(body) else body):
        return False  # (said of the speaker's side, or another's story, from its start)
    if state.left > 0 and (_acts(clauses(body)) or POINT_ACTION.search(body)):
        return True
    return state.proposed and bool(WEAK.search(body) or strong(body))


def _own_task(piece: str) -> bool:
    """The speaker's side taking on a task by a deadline: theirs to do, not a proposal."""
    return (bool(OWN_TASK.search(piece)) and find_deadline(piece) is not None
            and not explicit(APPOINTS.sub("", piece)))  # (请X当Y: the side's own arranging)


def _is_proposal(piece: str, state: _State) -> bool:
    if COMMITMENT.search(piece) or _own_task(piece) or STATEMENT.match(piece) \
            or BACKING.match(piece):
        return False
    if (state.pledging or STANCE.search(piece)) and not explicit(piece):
        return False  # after "我表个态：" the points are pledges; "原则上……" states a stance
    if ALTERNATIVE.search(piece) and not explicit(piece):  # "是……，还是……": asks
        return False
    if (strong(piece) or _listed(piece, state) or _one_more(piece, state)
            or (state.remarks and MAY.search(piece))
            or (state.proposed and _limit(piece)) or prescribes(piece) or _rule_set(piece)):
        return True
    if RULE_CITED.match(piece):  # "按规定，……都要定期清洗": the rule there is, told
        return False
    return bool(WEAK.search(piece)) and (
        bool(INTENSIFIER.search(piece)) or ((state.left > 0 or state.remarks)
                                            and marker(piece) is not None)
        or _counted_point(piece))


def _limit(piece: str) -> bool:
    """A limit set on a figure, after the speaker's proposal ("场地只收成本，一场不超过两百
    元"): its terms, proposed; not when the speaker tells of themselves or of now."""
    return bool(LIMIT.search(piece)) and not (PERSONAL.search(piece) or NOW.match(piece)
                                              or "了" in piece)


def _counted_point(piece: str) -> bool:
    """A point the speaker counts (一是, 第二, 还有一条 ...) that says what is to be done in its
    first clause ("一是山塘要装上……"), or after when or if ("还有一条，旱的年份，水不够的时候，
    要先保……"); not a point that tells a problem ("一是排队难，……要等一个半小时")."""
    counted = COUNTED_POINT.match(piece)
    if counted is None:
        return False
    body = SPEAKER_LEAD.sub("", strip_marker(piece))
    if ASIDE.search(body):
        return False
    # a numbered point that says what "要" (or 可以) be done proposes it, "第一，……要……" as
    # well as "还有一条，……要……" (a requirement told after its header, "有两个要求：", is that
    # header's list). A question after what is to be done says what it covers ("要成立一个
    # 理事会，账怎么管，让村民监督").
    for clause in clauses(body):
        if ASKS.search(clause):
            return False
        if PUT.search(clause):
            return True
        if not CONDITION.search(clause):
            return False
    return False


def _read(piece: str, state: _State) -> tuple[str, bool, bool] | None:
    """The proposal in one piece of a turn, whether it is explicit and whether it is put
    forward as such (explicitly, or by a frame or the list it is an item of); ``state``: the
    list."""
    if marker(piece) is None:
        state.troubles = (bool(TROUBLES.search(clauses(piece)[-1])) if clauses(piece) else False)\
            or state.why
    elif state.troubles and not strong(piece):
        announced = find_frame(strip_marker(piece))
        if announced is None or not announced.announces:
            return None
        state.troubles = False  # "第三个是水量，……，所以我们提两条建议：": proposals follow
    listed = _listed(piece, state)
    body = strip_marker(piece)
    if _announces(body, state):
        return None
    if PLEDGES.search(body):  # "……，我表个态：" heads the speaker's own pledges
        state.pledging = True
        return None
    if clauses(body) and ASK_BARE.match(PARTICLE.sub("", clauses(body)[0])) \
            and len(clauses(body)) > 1:
        return None  # "想问一下：老人能不能……": it asks whether they may, it proposes nothing
    if TALK.match(body):  # "我讲两点": remarks, which may or may not propose
        state.remarks = True
        return None
    if RECAP.match(body) or (ANNOUNCES.search(body) and not find_frame(body)) \
            or REMINDER.match(body) or TOPIC_ONLY.match(body):
        return None  # "以上建议，……" sums up; "……报告如下" announces what follows; "3. 关于
        # 移交。" names the point's topic, said in the next sentence
    frame = find_frame(body)
    if frame:
        # a proposal the speaker introduces ("我也提个建议") ends what their pledge head covered
        state.pledging = state.pledging and not frame.introduces
        body = "，".join(clauses(body)[frame.taken:])
        if not body or not (frame.introduces or WEAK.search(body) or _is_proposal(body, state)):
            state.left, state.after_header = frame.announces, frame.announces > 0
            state.remark_list = frame.remarks
            if not body and not frame.announces:  # "所以我的建议，一是……": counted points follow
                state.left = LIST
            state.colon = frame.colon
            return None
        if TITLE.search(body):  # "书面意见：……的几个法律问题": a title
            return None
        if _heads_points(piece, body, frame):  # "我的建议是，两手抓：一方面……": its headline
            state.left, state.after_header, state.colon = LIST, True, True
            return None
        if frame.introduces and frame.colon and _background(body) \
                and explicit(state.following):
            return None  # "我补充一个意见：……全靠路灯，摊位看不清。建议……": its background
        whole = frame.introduces and not strong(body)
    elif state.numbered_ahead and listed and marker(piece) is None and not strong(piece):
        return None  # "讲两点。（情况）……。（一）建议……": the list is numbered, what
        # comes before its first point without a strong cue is background ("先算一笔账。……
        # 一天要派三百件左右。……一是……": a 要 of a quantity proposes nothing there)
    elif not _is_proposal(piece, state):
        state.after_header = False
        return None
    else:
        whole = listed
    state.after_header = False
    # (the last point said as a headline goes on in the next sentence: "（三）畅通争议解决渠道。
    # 建议……")
    state.done = listed and state.left == 1 and state.colon and not _headline(body)
    if listed or not state.left or ORDINAL.match(piece):  # another proposal within the same
        # point ("（一）……。建议……") does not use up one of the points announced
        state.left = max(state.left - 1, 0) if state.left or not ORDINAL.match(piece) else LIST - 1
    state.remarks = state.proposed = True
    text = _trim(clauses(body), whole=whole)
    put = bool(frame and frame.introduces) or explicit(body)
    return (text, put, put or listed or frame is not None) if text else None


def _announces(body: str, state: _State) -> bool:
    """A piece that ends on a header of N points the frames do not read ("……我就想说两个事",
    cut from the long spoken sentence it ends: see _run_on_apart): the points that follow,
    unnumbered in speech, are the proposals announced."""
    parts = clauses(body)
    m = POINTS_HEADER.match(PARTICLE.sub("", parts[-1])) if parts else None
    if m is None or not state.run_on or find_frame(body) is not None:
        return False
    # (unnumbered, a point proposes when it says an action: see _one_more; "村口那段路晚上太黑
    # 了" after "我就想说两个事" tells the trouble)
    state.left, state.after_header, state.remark_list = COUNTS_SAID.get(m.group("count"), LIST), \
        True, True
    state.remarks, state.colon = True, False
    return True


COUNTS_SAID = {"两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6}


def _run_on_apart(piece: str) -> list[str]:
    """A long spoken piece cut where the speaker turns to their points: after a header of N
    points said inside it ("……他们就一个医生也没办法 我就想说两个事 卫生院……"), and before a
    frame that introduces a proposal after the speaker's side offered or pledged ("……我们愿意
    免费给老人量血压 我也提个建议 镇里……"): what follows is read as the points, not as the
    story or the offer."""
    parts = clauses(piece)
    for k, clause in enumerate(parts[:-1]):
        if POINTS_HEADER.match(PARTICLE.sub("", clause)) and (k or find_frame(clause) is None):
            return ["，".join(parts[:k + 1]), *_run_on_apart("，".join(parts[k + 1:]))]
        frame = find_frame(clause) if k else None
        if frame is not None and frame.introduces and OFFERS_BEFORE.search("，".join(parts[:k])):
            return ["，".join(parts[:k]), "，".join(parts[k:])]
    return [piece]


def _heads_points(piece: str, body: str, frame: Frame) -> bool:
    """What a frame introduces, one clause with no cue that ends the piece at a colon ("我的
    想法是，两手抓：" "我的建议是，三管齐下："): the headline of the points that follow it,
    each of them a proposal, not a proposal itself."""
    return (frame.introduces and piece.rstrip()[-1:] in ("：", ":")
            and len(clauses(body)) == 1 and not strong(body) and not WEAK.search(body))


def _background(piece: str) -> bool:
    """A piece with no proposal cue of any strength (建议, 要, 可以 ...) that announces no
    parts: after a header, when the proposal or the numbered points come after it, it tells
    what they answer."""
    return not (strong(piece) or WEAK.search(piece) or prescribes(piece) or PARTS.search(piece))


def _context(clause: str, following: str) -> bool:
    """A clause before the cue that is context (the speaker, now, a concession, a turn)."""
    # (nor is what another proposed, taken up: "刚才王老师说的错峰开放，我希望尽快办起来"
    # proposes what it names, for all its 刚才)
    if WHOM.match(clause) or FORBIDS.match(clause) or _takes_up(clause):
        return False
    return bool(PERSONAL.search(clause) or NOW.match(clause) or CONCESSION.search(clause)
                or TURNING.match(following))


def _span(parts: list[str], whole: bool) -> tuple[int, int, int, set[int]]:
    """(start, cue, end, left out) of the proposal's clauses: from its cue or context to its
    reasons. A whole point ("第三，……") that puts its proposal explicitly after what it is about
    ("四层以上住人多的出租屋，只有一部楼梯，一旦……就没路了，建议这样的楼每层都配……") keeps what
    it is about, from the first clause that is not context, but not what happens there."""
    if whole:
        put = next((i for i in range(1, len(parts))
                    if explicit(parts[i]) and explicit("，".join(parts[i:]))), None)
        if put is None:  # "……，但是要走审批，时间长，那就先……": the conclusion drawn
            put = next((i for i in range(1, len(parts)) if CONCLUSION.match(parts[i])
                        and not any(strong(c) for c in parts[:i])), None)
        if put is None:  # "第一，这座桥是六十年代修的，桥面只有四米宽，所以过桥的这一段，
            # 要……": what the point's facts lead to (所以, with a cue in it or the next clause)
            put = next((i for i in range(1, len(parts)) if DRAWN.match(parts[i])
                        and any(WEAK.search(c) or strong(c) for c in parts[i:i + 2])
                        and not any(strong(c) or WEAK.search(c) for c in parts[:i])), None)
            if put is not None:
                return put, put, _end(parts, put + 1), set()
        if put is not None and (OPENS.match(parts[put]) or CONCLUSION.match(parts[put])):
            # the speaker draws the proposal from what they said before it: that is its
            # reasoning, but for the point's topic said first ("臭的问题，……，我建议……")
            topic = TOPIC.match(parts[0]) or PLACE_TOPIC.match(parts[0])
            return (0 if topic else put), put, _end(parts, put), set(range(1, put))
        if put is not None:
            lead = next((i for i in range(put) if not _context(parts[i], parts[i + 1])), put)
            end = _end(parts, put)
            return lead, put, end, {i for i in range(lead + 1, put) if reason(parts[i])}
        later = next((i for i in range(_end(parts, 0), len(parts)) if strong(parts[i])), None)
        if later is not None and _thing(parts[0]):  # "二是村口那间旧仓库，空了几年了，……，可以
            # 改成……": the thing the point is about, then what is proposed for it
            return 0, later, _end(parts, later), set(range(1, later))
    cue = 0 if whole else _cue_index(parts)
    start = cue
    while start > 0 and not _context(parts[start - 1], parts[start]):
        start -= 1
    thing = next((i for i in range(start - 1, max(start - 1 - THING_REACH, -1), -1)
                  if _thing(parts[i])), None)
    if thing is not None and not any(strong(c) for c in parts[thing:cue]) \
            and not OPENS.match(parts[cue]) and "把" not in parts[cue]:
        # "……，东头那片荒坡，现在长满了草，能不能平整出来": the thing named before the context
        # that describes it is what the proposal is about (when the proposal does not name
        # what it takes, "我建议把这段路……", itself)
        return thing, cue, _end(parts, cue), set(range(thing + 1, start))
    taken = next((j for j in range(start - 2, -1, -1) if _takes_up(parts[j])), None)
    if taken is not None and BACKS.match(parts[start - 1]) \
            and not NO_OBJECT.match(strip_fillers(parts[cue])):
        # "……，老周讲的错峰开放，周末也开，我是非常赞成的，时段最好再长一点": the proposal
        # taken up and backed, with the speaker's detail after it
        return taken, cue, _end(parts, cue), {start - 1}
    if start < cue and OPENS.match(parts[cue]) and len(LEAD.sub("", "".join(parts[cue:]))) > 6:
        start = max(start, cue - 1 if TOPIC.match(parts[cue - 1]) else cue)
    if len(CUE_END.sub("", strip_fillers(parts[cue]))) < 2:  # "要是……，……，那就好了"
        start = next((i for i in range(cue - 1, -1, -1) if WISH.match(parts[i])), start)
    return start, cue, _end(parts, cue), set()


def _describes(clause: str) -> bool:
    """A clause before the proposal that tells how things are (cues.DESCRIBES: "学校空着"
    "一盏灯都没有" "钱从哪里出"), with no cue of its own: the complaint it answers, not part of
    it. Not a clause that names the thing or place (a topic: "新盖的那23户") or says an action
    of its own ("步道上每隔500米装一个……"): the proposal needs those."""
    said = strip_fillers(clause)
    return bool(DESCRIBES.search(said)) and not (
        strong(clause) or WEAK.search(clause) or FORBIDS.match(clause) or WHOM.match(clause)
        or _names(said) or _plain_action(clause, ""))


def _names(said: str) -> bool:
    """A clause that only names a thing or a place (东头那片荒坡, 北门保安亭边上, 新盖的那23户)."""
    bare = PARTICLE.sub("", POSSESSOR.sub("", said))
    return bool(NAMED_THING.match(bare) or PLACE_TOPIC.match(bare) or PLAIN_PLACE.match(bare)
                or NAMED_BY_KIND.match(bare))


# characters: a proposal is typically about 24 long; past a third more, the complaint said
# before it is what makes it long, and it goes (see _shed)
SPAN_BUDGET = 32


def _shed(parts: list[str], before: range, end: int, left_out: set[int]) -> set[int]:
    """The clauses before the proposal's cue that tell how things are, left out, the first
    first, while the proposal is longer than ``SPAN_BUDGET`` characters: a short complaint
    said before it may name what it is about, a long one buries it (and takes the proposal
    past three times its length in the minutes' own scoring); a question asked before it
    ("钱从哪里出，……") goes however short. A clause right before
    a clause with no subject of its own ("……这2.8公里机耕路，要做……") and the first one
    when the proposal points back to it ("在这一段修……" "就用这块地") stay."""
    if not before:
        return set()
    kept = [i for i in range(before.start, end) if i not in left_out]
    size = sum(len(PUNCT.sub("", parts[i])) for i in kept)
    keep = {i for i in before if BARE_CUE.match(strip_fillers(parts[i + 1]))}
    if any(POINTS_TO.search(parts[i]) for i in range(before.stop, end)):
        keep.add(next((i for i in before if i not in left_out), before.start))
    shed: set[int] = set()
    for i in before:
        if i in left_out or i in keep or not _describes(parts[i]):
            continue
        if size > SPAN_BUDGET or QUESTION_BEFORE.search(strip_fillers(parts[i])):
            shed.add(i)
            size -= len(PUNCT.sub("", parts[i]))
    return shed


THING_REACH = 3  # clauses before the context in which the thing a proposal is about may be named


def _thing(clause: str) -> bool:
    """A clause that only names a thing (cues.NAMED_THING), said by the speaker or not."""
    return bool(NAMED_THING.match(PARTICLE.sub("", POSSESSOR.sub("", strip_fillers(clause)))))


def _end(parts: list[str], cue: int) -> int:
    """Where the proposal's clauses end after its cue: at its reasons or results (_ends_at),
    a question opened, an aside or a mishap; a second use said like the first ("能……，也能……")
    goes on with it."""
    end = next((i for i, c in enumerate(parts) if i > cue
                and ((_ends_at(parts, i) and not parallel(parts[i - 1], c) and not _step(parts, i))
                     or ASK_OPEN.match(c) or _aside(parts, cue, i) or _mishap(parts, cue, i))),
               len(parts))
    # the case in which the reason holds, said right before it, is the reason's ("……，要建
    # 个棚，没有棚，一下雨货全湿了")
    # (not a share of the cost, "……，政府补贴一半，店里出一半": the proposal's terms)
    if cue + 1 < end < len(parts) and REASONS_CASE.match(parts[end - 1]) \
            and not SHARE.search(parts[end - 1]) and not ASK_OPEN.match(parts[end]):
        end -= 1
    return end


def _ends_at(parts: list[str], i: int) -> bool:
    """A clause after the proposal's action that gives its reasons or what will come of it
    (cues.reason); not one that says how those it serves use it (cues.USES: "……，家长扫码就能
    查询"), nor one with no subject of its own that says what the clause before it allows
    (cues.BARE_ABLE: "……，验收单上有业主签字，才能拨尾款"): the proposal carries both; but
    after a concession or a first reason (cues.GRANTED: "哪怕先铺碎石，也能……") it is what
    will come of it."""
    clause = parts[i]
    if not reason(clause):
        return False
    return not (USES.search(clause) or (BARE_ABLE.match(clause)
                                        and not GRANTED.match(strip_fillers(parts[i - 1]))))


def _aside(parts: list[str], cue: int, i: int) -> bool:
    """Clause ``i``, after the proposal's action, tells how things are now, adds a caveat or
    a comment, or says what the speaker does alone (cues.TAIL_STOP): the proposal ended
    before it. Not before the action is said, nor when one follows ("那个分类指引，现在全是
    小字，老人看不清，换成大字的"): then it is the complaint between the topic and its action."""
    return bool(TAIL_STOP.match(strip_fillers(parts[i]))) and _acts(parts[cue:i]) \
        and not _acts([c for c in parts[i + 1:] if strong(c) or not DESCRIBES.search(c)])


def _mishap(parts: list[str], cue: int, i: int) -> bool:
    """Clause ``i``, after the proposal's action, opens on a mishap (cues.MISHAP: "出了事，
    孩子的医药费有个着落"): what the proposal would do then is what will come of it."""
    return bool(MISHAP.match(strip_fillers(parts[i]))) and _acts(parts[cue:i])


def _remarks(parts: list[str], cue: int, end: int) -> set[int]:
    """The clauses after the proposal's action in which the speaker remarks on it rather than
    says it: a cost estimate (cues.ESTIMATE: "一年也就几千块钱"), an evaluation (cues.VERDICT:
    "问题不大" "心里有数") or their own check (cues.CHECKED: "我看了地图"). Left out, not ended
    at: the terms or detail said after one ("……，清清楚楚，违规三次就取消") still belong."""
    return {i for i in range(cue + 1, end) if _remark(parts[i]) and _acts(parts[cue:i])}


def _remark(clause: str) -> bool:
    """A cost estimate, an evaluation or the speaker's own check (see _remarks)."""
    said = strip_fillers(clause)
    return bool(ESTIMATE.search(said) or VERDICT.search(said) or CHECKED.search(said))


def _acts(parts: list[str]) -> bool:
    """Whether one of the clauses proposes or says an action: a cue, or a plain action that
    is not a topic. (After an aside, a clause that tells how things are, "排队要排二十分钟",
    is passed over: its 要 proposes nothing.)"""
    return any(strong(c) or WEAK.search(c)
               or (_plain_action(c, "") and not TOPIC.match(strip_fillers(c))) for c in parts)


def _taken_up_apart(piece: str) -> list[str]:
    """The piece cut before a clause that takes up what another person proposed, when a
    proposal of the speaker's own comes before it ("……，北门的围墙也要刷一遍，老周说的路灯，
    我也赞成"): two points, said in one breath."""
    parts = clauses(piece)
    cut = next((k for k in range(1, len(parts)) if _takes_up(parts[k])
                and any(strong(c) or WEAK.search(c) for c in parts[:k])), None)
    return [piece] if cut is None else ["，".join(parts[:cut]), "，".join(parts[cut:])]


def _step(parts: list[str], i: int) -> bool:
    """A clause done with (……了) before one that says it is all it takes ("……，手机上约好了，
    到点去看病就行"): a step of the proposal, not a result of it."""
    return parts[i].endswith("了") and i + 1 < len(parts) and bool(ENOUGH.search(parts[i + 1]))


def _takes_up(clause: str) -> bool:
    """A clause after the proposal that names what another person proposed ("……，老周讲的路灯
    也要换"): another point, not this one's (not the speaker's own backing, "我赞成老周讲的")."""
    m = REFERS.search(clause)
    return m is not None and m.end() < len(clause) and not PERSONAL.search(clause)


def _unframe(clause: str, is_cue: bool, first: bool, wish: bool) -> str:
    """A kept clause without its cue words: the lead, the modal, 就好了 / 不可 / 才行.

    A clause of cue words only ("是不是可以考虑，……") is left out.
    """
    if first:
        clause = LEAD.sub("", clause)
        clause = WISH.sub("", clause) if wish else clause
    if is_cue:
        clause = CUE_END.sub("", MODAL.sub("", clause, count=1))
    return clause


def _trim(parts: list[str], *, whole: bool) -> str | None:
    """The proposal's words: from its cue (or context it needs) to before the reasons."""
    if not parts:
        return None
    start, cue, end, left_out = _span(parts, whole)
    left_out |= _shed(parts, range(start, cue), end, left_out) | _remarks(parts, cue, end)
    wish = bool(CUE_END.search(strip_fillers(parts[cue])))
    kept = [(strip_fillers(c), i == cue) for i, c in enumerate(parts)
            if start <= i < end and i not in left_out]
    kept = [(c, is_cue) for c, is_cue in kept if c]
    # the conclusion drawn after a point's topic ("臭的问题，我建议……") loses its lead as well
    drawn = whole and (bool(OPENS.match(parts[cue])) or bool(CONCLUSION.match(parts[cue])))
    words = [_unframe(c, is_cue, i == 0 or (is_cue and drawn), wish)
             for i, (c, is_cue) in enumerate(kept)]
    if words and CAUTION.match(words[-1]) and not any(explicit(c) for c, _ in kept):
        return None  # "……人多、娃多，要当心": a caution
    # a clause that puts the proposal forward explicitly (建议, 能不能 ...), also within a point
    cued = [explicit(c) for (c, _), w in zip(kept, words, strict=True) if w]
    words = [w for w in words if w]
    if words and ANAPHOR.match(words[0]):
        words[0] = _named_back(words[0], parts[max(start - ANAPHOR_REACH, 0):start])
    while len(words) > 2 and sum(map(len, words)) > MAX_CHARS:
        if not cued[0] and any(cued):  # too long: the story before "建议……" goes first
            words.pop(0)
            cued.pop(0)
        else:
            words.pop()
            cued.pop()
    text = "，".join(words)
    return None if not text or VAGUE.match(text) or NO_OBJECT.match(text) or _only_back(text) \
        else arabize(text)


def _only_back(text: str) -> bool:
    """"这两件事能不能办" "这个事一定要排在最前面": what was said is pointed back to, with no
    more than a word on it; nothing new is proposed."""
    m = BACK_REF.match(text)
    rest = (m.group("rest") if m.group("rest") is not None else m.group("tail")) if m else ""
    return m is not None and len(PUNCT.sub("", rest)) <= BACK_REF_WORDS


ANAPHOR_REACH = 3  # clauses back in which the thing "它" points to may be named


def _named_back(words: str, before: list[str]) -> str:
    """"把它利用起来" with "它" the thing named in the clauses before ("党群服务中心的二楼")."""
    for clause in reversed(before):
        thing = POSSESSOR.sub("", strip_fillers(clause))
        if TOPIC.match(thing):
            return words.replace("它", thing, 1)
    return words


def _prefer_explicit(found: list[_Found]) -> list[_Found]:
    """In an enumerated point, what leads up to an explicit proposal is its reasoning; so is,
    anywhere, what leads up to the proposal the speaker then introduces as theirs ("治这条河，
    光堵不行，还要让它活起来。我的建议是，……" "……关键在考核。……所以我建议，……")."""
    return [f for i, f in enumerate(found)
            if f.explicit
            or not ((f.item and any(g.item == f.item and g.explicit for g in found[i + 1:]))
                    or (i + 1 < len(found) and found[i + 1].item == f.item
                        and found[i + 1].concludes))]


def _distinct(texts: list[str]) -> list[str]:
    """Without a proposal that only repeats part of a fuller one from the same turn."""
    bare = [PUNCT.sub("", t) for t in texts]
    return [t for i, t in enumerate(texts)
            if not any(j != i and bare[i] in b and (bare[i] != b or j < i)
                       for j, b in enumerate(bare))]


HEADLINE = 20  # characters: a point's first sentence this short is its headline


_LEVEL = "省市县区镇乡"
# A unit named after a place it serves (村, 社区 ...): a resident's "unit" is where they live,
# and "村里可以……" from them asks, not offers.
_PLACE_UNIT = ("村", "社区", "镇", "乡", "街道", "居委会", "村委会")


def _names_own(name: str, own: str) -> bool:
    """Does ``name`` call the speaker's own unit, in full or short ("区妇联" for 枫林区妇女联合会,
    "县文化馆" for 云岙县文化馆): the characters past its level, in order, in the unit's name?"""
    core = name.lstrip(_LEVEL)
    chars = iter(own)
    return len(core) >= 2 and all(c in chars for c in core)


def without_own_offers(piece: str, own: str | None, company: bool = False) -> str:
    """The piece up to a clause in which the speaker's own side offers its means: their unit,
    named ("区妇联可以组织巾帼志愿者……") or as "我们" and its kind ("我们学院的实训室和老师可以
    拿出来" "我们中心有示范机，可以借过来"); the speakers themselves ("我们几个狗主人可以……");
    a company's bare "我们" ("我们也可以考虑少发一点电"). What the speaker's side will do is no
    suggestion. ``company``: the speaker speaks for a business."""
    parts = clauses(piece)
    pos = 0
    for i, clause in enumerate(parts):
        at = piece.find(clause, pos)
        pos = at + len(clause)
        body = strip_marker(LINK.sub("", strip_marker(clause)))
        offers = OWN_SIDE_OFFERS.search(body)
        name = _subject(body[:offers.start()]) if offers else ""
        if not offers and i + 1 < len(parts) and OWN_SIDE_OFFERS.match(parts[i + 1]):
            name = body  # "我们学院营养专业的学生，可以每个月来……": the subject said apart
        if name and _own_side(name, own, company):
            # the offer and its terms go, up to what others are asked to do or a proposal made
            # explicitly ("我们议事会有二十几个老党员，……，不如把我们组织起来")
            rest = next((c for c in parts[i + 1:] if OTHERS_DO.match(c) or explicit(c)), None)
            kept = piece[:at].rstrip("，,、：: ")
            if rest is None:
                return kept if _says_something(kept) else ""
            return kept + ("，" if kept else "") + piece[piece.find(rest, pos):]
    return piece


def _subject(said: str) -> str:
    """Who is said before 可以/愿意/有: the subject after a topic put first ("夜里的配送我们也
    可以……": 我们), or all of it."""
    at = max(said.rfind("我们"), said.rfind("咱们"))
    return said[at:] if at > 0 else said


def _says_something(kept: str) -> bool:
    """What is left before an offer says something of its own: a cue, or words enough for a
    proposal; a bare setting ("二是雨季那一个月，我们水利站可以……") is the offer's when or where,
    and so is a condition only ("……，要是下雪要铲的话，我们物业有铲车"): when it is needed."""
    if all(CONDITION.search(c) for c in clauses(LINK.sub("", strip_marker(kept)))):
        return False
    body = PUNCT.sub("", strip_marker(kept))
    return bool(strong(body) or WEAK.search(body)) or len(body) >= MIN_CHARS


def _own_side(name: str, own: str | None, company: bool) -> bool:
    """Does ``name`` (what comes before 可以/愿意/有) say the speaker's own side?"""
    name = SIDE.sub("", name) or name
    if OUR_PEOPLE.match(name) or (company and OUR_BARE.match(name)):
        return True
    if not own or own.endswith(_PLACE_UNIT):
        return False
    if unit_at(name) == name and _names_own(name, own):
        return True
    ours = OURS.match(name)
    kind = ours.group("kind") if ours else ""
    return any(own.endswith(kind[:k]) or _names_own(kind[:k], own)
               for k in range(len(kind), 1, -1))


def _task(clause: str, following: str) -> bool:
    """The speaker's side taking on a task by a deadline, said in the clause or, when it
    ends at its deadline (a pause: "我们社区下周三前，把……"), with the next one; not what
    was done ("我上半年，跑了四趟")."""
    if not _own_task(clause):
        return False
    found = find_deadline(clause)
    said = clause if found is None or len(clause) - found[1][1] >= 2 else clause + following
    return "了" not in said


def without_later_commitments(piece: str) -> str:
    """The piece up to a later clause in which the speaker's side pledges ("……，建议政府给每个
    小区配一台泵，……，我们保证人在岗上"), when a proposal is made explicitly before it: the
    pledge is the speaker's own, the proposal stands."""
    pos = 0
    for clause in clauses(piece):
        at = piece.find(clause, pos)
        pos = at + len(clause)
        if at > 0 and COMMITMENT.search(clause):
            before = piece[:at].rstrip("，,、：: ")
            return before if explicit(before) else piece
    return piece


def without_own_tasks(piece: str) -> str:
    """The piece up to a later clause in which the speaker's side takes on a task by a
    deadline ("……，让家长参与监督，我们社区下周三前摸一遍底"): theirs, not the proposal's.
    Without a cue before it, what comes first is the task's topic ("胡伯讲的流转，我们……"):
    nothing is proposed. What the speaker did ("我上半年跑了四趟") is no task. A proposal the
    speaker introduced by a frame ("所以我的建议是，……") before the task stands, cue or not."""
    pos, parts = 0, clauses(piece)
    for i, clause in enumerate(parts):
        at = piece.find(clause, pos)
        pos = at + len(clause)
        if at > 0 and _task(clause, parts[i + 1] if i + 1 < len(parts) else ""):
            before = piece[:at].rstrip("，,、：: ")
            # (a proposal the speaker introduced before it, "我的建议是，……", stands too)
            introduced = find_frame(before)
            return before if strong(before) or WEAK.search(before) \
                or (introduced is not None and introduced.introduces) else ""
    return piece


def proposals(text: str, own: str | None = None, company: bool = False) -> list[str]:
    """The proposals made in one turn's text, in order; ``own``: the unit the speaker works
    for, whose offers are left out; ``company``: the speaker speaks for a business."""
    state, found, item = _State(), [], 0
    text = FRAME_RUN.sub(r"\g<0>，", text)
    said, series = sentences(text), in_series(text)
    detail_of: set[int] = set()  # sentences read as the detail of the point before them
    scope = False  # "我建议……；" scopes over the series its semicolon goes on with
    counted = ""  # the marker of a point headed by its topic only ("3. 关于移交。")
    numbered = False  # a numbered point has been read in the turn
    last_marked = max((i for i, s in enumerate(said) if marker(s)), default=-1)
    for n, sentence in enumerate(said):
        if n in detail_of or _asked_among(said, n) or _rhetorical(sentence):
            continue
        cut = [_run_on_apart(p) for p in split_items(sentence) for p in _taken_up_apart(p)]
        said_pieces = [q for run in cut for q in run]
        heads = {q for run in cut for q in run[:-1]}  # pieces cut after a header
        pieces = [without_own_tasks(without_own_offers(without_offers(
            without_later_commitments(_without_leave(p))), own, company))
                  for p in said_pieces]
        # the pieces cut short before an offer or task of the speaker's side
        offered = {p for p, whole in zip(pieces, said_pieces, strict=True) if p != whole}
        if counted and pieces and pieces[0] and marker(pieces[0]) is None:
            pieces[0] = counted + pieces[0]  # the point goes on: "改造完成以后，要签订……"
            item -= 1  # (still the same point)
        counted = _topic_point(sentence)
        carried, scope = scope, False
        numbered = numbered or any(marker(piece) for piece in filter(None, pieces))
        state.numbered_ahead = not numbered and last_marked > n
        state.following = said[n + 1] if n + 1 < len(said) else ""
        state.why = n > 0 and bool(WHY.search(said[n - 1])) and not explicit(said[n - 1])
        for piece in filter(None, pieces):
            item += marker(piece) is not None or state.done
            state.done = False
            state.run_on = piece in heads
            got = _read(piece, state) or (_in_scope(piece) if carried else None)
            if not got:
                found += [_Found(t, False, item, False)
                          for t in _plain_proposals(piece, state, piece in offered)]
            scope = bool(got and series[n] and (carried or _opens(piece)))
            if got:
                words = got[0]
                if piece == sentence and marker(piece) and len(words) <= HEADLINE \
                        and len(clauses(strip_marker(piece))) == 1:  # a headline: one clause
                    whole = _with_detail(words, said[n + 1] if n + 1 < len(said) else "")
                    detail_of |= {n + 1} if whole != words else set()
                    words = whole
                if PARTS.search(piece):
                    parts = _parts(said, n + 1)
                    detail_of |= set(range(n + 1, n + 1 + len(parts)))
                    words = "，".join([words, *parts])
                found.append(_Found(words, got[1], item, got[2], _opens(piece)))
    return _distinct([f.text for f in _prefer_explicit(found)
                      if len(PUNCT.sub("", f.text)) >= (MIN_PUT if f.put else MIN_CHARS)])


# what says something of the thing rather than naming it ("禽流感的风险也在" "坐轮椅的上不去"),
# or says it is there ("有一个上海的客户"): no topic of a proposal
PLAIN_NOT_TOPIC = re.compile(r"[也都还就是不没过有]|(?<=.)在|已经")
# the modal of a wish ("要是门口能装个棚子"): what would be done, without it
PLAIN_CAN = re.compile(r"能够|能|可以")
# a clause that explains what is ("……，就是山上修个水池子"), before its filler is dropped
ORIGINAL_STORY = re.compile(r"^(?:就是|也就是|都是|全是)")
# (not "那": "那块地方划出来" names the thing)
PLAIN_LINK = re.compile(r"^(?:另外|此外|同时|还有|再一个)[，,]?")
MIN_PLAIN = 6  # characters: "社区里放个点" is a plain proposal, "装个灯" too little to tell
PLAIN_REACH = 2  # clauses of detail that may follow a plain proposal's action clause


def _plain_proposals(piece: str, state: _State, offered: bool = False) -> list[str]:
    """The proposals said as plain statements of what is to be done, in a piece with no
    proposal cue ("……，门口搭个棚子，放几条长凳，……"): each action clause not yet done
    (cues.PLAIN_ACTION), with the thing it is about named right before it and the detail
    after it, up to the reasons; a later action said at its own place ("在……加个……") is a
    proposal of its own. Not after a pledge's head or in a stance or commitment: the
    speaker's side's own, nor the action right before the speaker's side's offer
    (``offered``: the piece was cut there, "镇里定下来，我第一个认捐"): its condition."""
    if state.pledging or COMMITMENT.search(piece) or STANCE.search(piece) \
            or PLEDGES.search(piece):
        return []
    parts = clauses(strip_marker(piece))
    found: list[str] = []
    i = 0
    while i < len(parts):
        wish = _plain_wish(parts, i)
        if wish:
            found.append(wish)
            i += 1
            continue
        if not (_plain_action(parts[i], parts[i - 1] if i else "")
                or _plain_procedure(parts, i)):
            i += 1
            continue
        if any(c.endswith("是") and find_frame(c) is None for c in parts[:i]):
            break  # "这次的设计是：……": what the plan is, told
        topic = next((k for k in range(i - 1, max(i - 1 - THING_REACH, -1), -1)
                      if _plain_topic(parts[k])), None)
        start = i if topic is None else topic
        end = _plain_end(parts, i)
        said = [parts[i]] + [c for c in parts[i + 1:end] if not _remark(c)]
        text = _plain_text([parts[start], *said] if start < i else said)
        then = parts[i + 1] if i + 1 < len(parts) else ""
        if text and not PLAIN_THEN.search(then) and not (offered and end == len(parts)) \
                and not any(find_deadline(c) for c in parts[start:end]):
            found.append(text)
        i = end
    return found


def _plain_action(clause: str, before: str) -> bool:
    """An action clause said as what is to be done: a verb with its count, goal or result
    ("搭个棚子" "延到九点半" "装上灯"), a task given to someone (由X负责), or closed by a
    particle of suggestion ("早点开门呗"); not done (了/过), not negated, with no story, fact
    or question in it or the time of a story right before it, not the speaker's side acting."""
    said = PLAIN_ENOUGH.sub("", strip_fillers(PLAIN_LINK.sub("", clause)))
    acts = PLAIN_ACTION.search(PLAIN_ENOUGH.sub("", clause)) or PLAIN_ASSIGN.search(said) \
        or (PLAIN_PARTICLE.search(clause) and PLAIN_VERB.search(said))
    if not acts or len(PUNCT.sub("", said)) < 4:
        return False
    return _plain_said(said, clause, before)


def _plain_said(said: str, clause: str, before: str) -> bool:
    """Nothing in an action clause (``said`` without fillers) or right before it makes it
    a story, a fact, a question, a negation or the speaker's side's own doing."""
    return not (PLAIN_NEGATED.search(said) or PLAIN_DONE.search(said)
                or PLAIN_STORY.search(said) or PLAIN_WHEN.search(before) or NOW.match(said)
                or "已经" in before
                or PLAIN_OWN.search(said) or PLAIN_OWN_BEFORE.match(strip_fillers(before))
                or ORIGINAL_STORY.match(clause)
                or A_NOT_A.search(said) or strong(said)
                or find_deadline(clause) is not None or find_deadline(before) is not None)



def _plain_wish(parts: list[str], i: int) -> str | None:
    """A wish put as a condition with the good it would do ("要是每天能派个洒水车，……，路面
    就能宽出一截"): the action of the condition, without 要是/能, is proposed."""
    m = PLAIN_IF.match(strip_fillers(parts[i]))
    if m is None or i + 1 >= len(parts) or not PLAIN_BETTER.search(parts[i + 1]):
        return None
    action = PLAIN_CAN.sub("", strip_fillers(parts[i])[m.end():], count=1)
    if not PLAIN_ACTION.search(action) or not _plain_said(action, action, ""):
        return None
    return _plain_text([action])


def _plain_procedure(parts: list[str], i: int) -> bool:
    """The first step of a procedure put as the way to go about it ("先做结构安全鉴定，再定
    改造方案"), with the same filters as an action clause."""
    said = strip_fillers(PLAIN_LINK.sub("", parts[i]))
    return (i + 1 < len(parts) and bool(PLAIN_FIRST.match(said))
            and bool(PLAIN_NEXT.match(parts[i + 1]))
            and _plain_said(said, parts[i], parts[i - 1] if i else "")
            and _plain_said(parts[i + 1], parts[i + 1], said))


def _plain_topic(clause: str) -> bool:
    """The thing a plain proposal is about, named in the clause before it ("外面那块空地，
    画个篮球场")."""
    said = strip_fillers(PLAIN_LINK.sub("", clause))
    bare = PARTICLE.sub("", POSSESSOR.sub("", said))
    if not bare or PERSONAL.search(said) or PLAIN_NOT_TOPIC.search(bare):
        return False
    return bool(
        NAMED_THING.match(bare) or TOPIC.match(bare) or PLACE_TOPIC.match(bare)
        or PLAIN_PLACE.match(bare))


def _plain_end(parts: list[str], i: int) -> int:
    """Where a plain proposal starting at clause ``i`` ends: before its reasons, the speaker,
    a story or question, the next point, or another action said at its own place; after at
    most ``PLAIN_REACH`` clauses of detail."""
    end, detail = i + 1, 0
    while end < len(parts) and detail <= PLAIN_REACH:
        c = parts[end]
        if reason(c) or PLAIN_OWN.search(c) or marker(c) or ASKS.search(c) \
                or PLAIN_REASON.search(c) or PLAIN_WHEN.search(c) or _aside(parts, i, end) \
                or _mishap(parts, i, end) \
                or PLAIN_DONE.search(PLAIN_ENOUGH.sub("", c).replace("着", "")):
            break
        if _plain_action(c, parts[end - 1]):
            if c.startswith(("在", "给")) or PLAIN_LINK.match(c):
                break
        else:
            detail += 1
            if detail > PLAIN_REACH:
                break
        end += 1
    return end


def _plain_text(parts: list[str]) -> str | None:
    """The words of a plain proposal: its clauses without fillers, at most ``MAX_CHARS``."""
    words = [PLAIN_PARTICLE.sub("", PARTICLE.sub("", strip_fillers(PLAIN_LINK.sub("", c))))
             for c in parts]
    words = [w for w in words if w]
    while len(words) > 1 and sum(map(len, words)) > MAX_CHARS:
        words.pop()
    text = "，".join(words)
    return arabize(text) if len(PUNCT.sub("", text)) >= MIN_PLAIN else None


def _without_leave(piece: str) -> str:
    """The piece without the clauses that ask leave to speak ("我能不能说一句，……")."""
    parts = clauses(piece)
    if not any(LEAVE.match(PARTICLE.sub("", c)) for c in parts):
        return piece
    return "，".join(c for c in parts if not LEAVE.match(PARTICLE.sub("", c)))


def _rhetorical(sentence: str) -> bool:
    """A sentence closed by a rhetorical question ("……，充上了还得走回来，谁愿意"): a complaint,
    unless it puts a proposal explicitly."""
    parts = clauses(sentence)
    return bool(parts) and bool(RHETORICAL.match(PARTICLE.sub("", parts[-1]))) \
        and not explicit(sentence)


def _topic_point(sentence: str) -> str:
    """The marker of a point that names only its topic ("3. 关于移交" "（二）关于维修资金"): what
    it says of it comes in the next sentence."""
    m = marker(sentence)
    return m.group() if m and TOPIC_ONLY.match(strip_marker(sentence)) else ""


def _parts(said: list[str], start: int) -> list[str]:
    """The parts of a proposal announced in parts ("分三块：头一块……"), said in the sentences
    from ``start`` on ("第二块……" "第三块……"): each trimmed whole."""
    found: list[str] = []
    for sentence in said[start:]:
        if not PART.match(sentence):
            break
        text = _trim(clauses(sentence), whole=True)
        if text:
            found.append(text)
    return found


def _asks(sentence: str) -> bool:
    """A sentence that asks for information ("算不算……" "有没有……"), proposing nothing."""
    return bool(ASKS.search(sentence) or A_NOT_A.search(sentence)) and not strong(sentence)


def _asked_among(said: list[str], n: int) -> bool:
    """A "能不能……" sentence between two questions for information ("……算不算……？能不能……？
    ……有没有……？") is one more of them: it asks whether it may be, it proposes nothing."""
    if not 0 < n < len(said) - 1 or OBLIGATION.search(said[n]):
        return False
    cues = [m.group() for m in EXPLICIT.finditer(said[n])]
    return (bool(cues) and all(QUESTION_CUE.match(c) for c in cues)
            and _asks(said[n - 1]) and _asks(said[n + 1]))


def _opens(piece: str) -> bool:
    """A piece in which the speaker introduces their proposal ("我建议……")."""
    return any(OPENS.match(c) for c in clauses(strip_marker(piece))[:2])


def _in_scope(piece: str) -> tuple[str, bool, bool] | None:
    """A sentence in the series after "我建议……；": one more proposal, unless it tells or asks."""
    body = strip_marker(piece)
    if ASIDE.search(body) or ASKS.search(body) or find_frame(body):
        return None
    text = _trim(clauses(body), whole=True)
    return (text, True, True) if text else None


def _headline(body: str) -> bool:
    """A point said as a short headline of one clause ("（三）畅通争议解决渠道")."""
    return len(clauses(body)) == 1 and len(body) <= HEADLINE


def _with_detail(headline: str, following: str) -> str:
    """A point put as a short headline ("（一）推行分层服务。基础托管面向全体学生，……")
    carries what its next sentence says of it: the whole proposal, not its title."""
    if not following or marker(following) or TALK.match(following) or find_frame(following) \
            or RECAP.match(following) or explicit(following) or PERSONAL.search(following) \
            or COURTESY.match(following):
        return headline
    detail = _trim(clauses(DETAIL_LEAD.sub("", following)), whole=True)
    return f"{headline}，{detail}" if detail else headline


def _score(sentence: str) -> int:
    cues = len(EXPLICIT.findall(sentence)) + len(OBLIGATION.findall(sentence))
    return 2 * cues + len(WEAK.findall(sentence)) + (1 if marker(sentence) else 0)


def best_sentence(text: str) -> str | None:
    """The turn's most proposal-like sentence, trimmed (for a turn marked as a suggestion)."""
    candidates = sentences(text)
    if not candidates:
        return None
    best = max(candidates, key=lambda s: (_score(s), -candidates.index(s)))
    if _score(best) == 0:
        best = max(candidates, key=len)
    return _trim(clauses(strip_marker(best)), whole=False) or strip_fillers(best) or None


def _silent(u: Utterance, transcript: Transcript) -> bool:
    """A turn that proposes nothing: the moderator's, a department's, or not a proposing kind."""
    who = transcript.attendee(u.speaker)
    return (u.turn not in PROPOSING_TURNS or chairs(u, transcript)
            or (who is not None and who.kind in SILENT_KINDS))


def _turn_suggestions(u: Utterance, transcript: Transcript) -> Iterator[tuple[str, Origin]]:
    """(text, origin) for each suggestion the turn yields."""
    who = transcript.attendee(u.speaker)
    own = who.unit if who is not None and who.kind in OFFERING_KINDS else None
    company = who is not None and who.kind == "business"
    if "suggestion" not in (u.marks or ()):
        if not _silent(u, transcript):
            yield from ((p, "auto") for p in proposals(u.text, own, company))
        return
    found = proposals(u.text, own, company) or [t for t in [best_sentence(u.text)] if t]
    yield from ((p, "mark") for p in found)


def find_suggestions(transcript: Transcript) -> list[Suggestion]:
    """Suggestions numbered 1..n in the order they were first made."""
    found: list[Suggestion] = []
    backed: dict[int, str] = {}  # the proposals that open by backing a person named
    for u in transcript.utterances:
        for said, origin in _turn_suggestions(u, transcript):
            text, who = _unbacked(said)
            found.append(Suggestion(
                number=len(found) + 1, text=text, proposers=(u.speaker,), seq=u.seq,
                category=categorize(text), origin=origin))
            if who:
                backed[len(found)] = who
    referring = frozenset(u.seq for u in transcript.utterances if REFERS.search(u.text))
    return merge_restated(found, referring, backed)


def _unbacked(text: str) -> tuple[str, str]:
    """A proposal that opens by backing a person named ("赞成老李说的，把……"): the proposal
    without it, and how the person is called ("老李"); others as they are, with ""."""
    parts = clauses(text)
    m = BACKED.match(parts[0]) if len(parts) > 1 else None
    return ("，".join(parts[1:]), m.group("who")) if m else (text, "")
