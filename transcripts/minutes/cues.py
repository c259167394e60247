"""Linguistic cues of a proposal in spoken Chinese (pure regular expressions, no topic words).

- EXPLICIT cues put something forward as a proposal: 建议, 希望, 最好, 能不能, 是不是可以,
  有没有可能, 可以考虑, 不妨, 不如, 要是……就好了, 为什么就不能……, a request 请…….
- OBLIGATION cues say what must or may be done: 应该, 必须, 一定要, 非得……不可, 咱们得,
  得……才行, 尽快, 政府可以, an imperative 赶紧把/干脆把……; once proposing, "学校可以组织……"
  (a subject, then 可以).
- WEAK cues (要, 可以, 需要) propose only with an intensifier (我觉得, 关键是要 ...), as an
  item of a list, or in a prescription with its prohibition or warning ("……要……，不要……"
  "先把……，别……" "……要……，不然……"). A hedge ("不一定都要") or a quantity ("要八百万")
  is no cue.
- Not suggestions: the speaker's commitments (我们将……, 表个态) and what the speaker's own
  side offers (我们公司可以免费……, 我再认捐……).

Also the frames that introduce proposals ("我的建议是两条" "我提个事：" "不如这样，" "我看可以
这样，" "有两个做法值得学：") and the patterns that trim a proposal to its words (cue words,
context before it, the reasons and results after it: "这样……" "老百姓就清楚了").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from transcripts.minutes.sentences import clauses

EXPLICIT = re.compile(
    r"(?<![的个条点项])(?:建议|希望|期望|盼望)(?!很|非常|好|不错|过)|最好(?!的)|能不能|能否|"
    r"可不可以|可否|是不是(?:可以|能)|是否可以|有没有可能|可以考虑|考虑一下|不妨|[提倡]议|呼吁|"
    r"恳请|(?:^|[，,])(?:我们?)?(?:也|再|还)?(?:想)?请(?!问|大家|教|了|过|人)|"
    r"(?:就|那就|那)(?:更|太)?好了|(?:就|那|那就)?该(?:有)?多好|"
    r"(?:^|[，,])(?:那|倒|还)?不如(?!以前|过去|从前|原来)|为什么(?:就|还)?不(?:能|可以|让)")
# Not a capacity ("一辆车可以坐四十个人") nor what can be done now ("现在手机上可以查").
_SUBJECT_MAY = (r"^(?!现在|目前|如今|以前|过去|原来|本来|平时|去年|今年|当时|那时)"
                r"[^\s，,。：:我你他她它这那是就都才能也还\d一二两三四五六七八九十百千万几]{2,8}"
                r"(?:也|还|完全)?可以(?!说|看|想象|理解|了|的)"
                r"(?![^，,。]{0,3}[\d一二两三四五六七八九十百千几]+多?(?:个人|辆|吨|人|位|斤|米|块|元))")
OBLIGATION = re.compile(
    r"应该(?!是(?!由)|会|不会|没|差不多|够|还)|应当|务必|必须|(?<!不)一定(?:要|得)|亟需|急需|尽快|"
    r"尽早|非得|(?:咱们|大家)(?:还|就|也)?得(?![到了很出益罪知分过])|"
    r"(?:^|[，,])(?:还|就)?得[^，,。]{1,24}?才(?:行|好|可以)|"
    r"(?:^|[，,]|我们|咱们|大家|政府|部门|[镇乡村县区市]里|社区|街道)(?:也|还|完全)?"
    r"可以(?!说|看|想象|理解)|要求(?=[^，。]{0,6}?(?:尽快|尽早|把|将|对|给|在))|"
    r"(?:^|[，,])(?:那|就|还是|我看)?(?:赶紧|赶快|抓紧|干脆)把")
# Once the speaker is proposing, a third party named at the start of a sentence may be asked
# to act: "学校可以组织……" (before that, "孩子们可以在操场上玩" only tells).
MAY = re.compile(_SUBJECT_MAY)
WEAK = re.compile(r"(?<!不一定)(?<!不一定都)(?<![主重只就想我人需])"
                  r"要(?![是么求不紧花多几好\d两三四五六七八九十百千万])|可以|"
                  r"(?<!不)需要(?![\d两三四五六七八九十百千万几])")
INTENSIFIER = re.compile(r"我觉得|我认为|我看(?![着到了见])|我们觉得|我们认为|(?<!不)一定|"
                         r"关键是要|迫切|还是要|还得|得赶紧")
# Cues that may only ask ("能不能告诉我们……"): with an asking word they do not propose.
QUESTION_CUE = re.compile(r"^(?:能不能|能否|可不可以|是不是可以|是否可以|可否|是不是能)$")
ASKING = re.compile(r"什么时候|多少|几次|哪些|(?:怎么|怎样|如何)(?!样)|有没有|到底|"
                    r"为什么(?!(?:就|还)?不)|谁来|归谁|进展|在于|取决于|告诉|介绍|说一下|说说|讲一下|"
                    r"讲讲|解释|回答|不知道")
# The speaker's own commitment ("我们将……" "表个态") is a follow-up item, not a suggestion.
COMMITMENT = re.compile(
    r"(?:我们|我|本)(?:局|局里|单位|部门|镇里|乡里)?(?:将|会|马上|立即|一定会|争取|保证)|表个?态")
# The speaker's own side undertaking a task by a deadline ("我们合作社6月底前先流转100亩"):
# a commitment (a follow-up item when it names a deadline), not a proposal to others.
OWN_TASK = re.compile(r"(?:^|[，,])(?:我们|我)(?!们?(?:建议|希望|呼吁|请求|要求|想|觉得|认为))")
# What the speaker's own side offers ("我们公司可以免费……" "我再认捐……"): not a suggestion.
OFFER = re.compile(r"(?<![给让帮为替对向跟和请])(?:我们|我)的?[^，,。我你他]{0,4}?(?:也|还|都|就)?"
                   r"(?:(?:可以|愿意|能)?(?:免费|无偿|义务|出[点些份]?力|出钱|出资|认捐|捐|拿出|让利)"
                   r"|愿意)|^(?:可以|愿意|能)?(?:义务|免费|无偿)")
# "如果需要，我们可以派……": what follows is put at the others' disposal, an offer
CONDITIONAL_OFFER = re.compile(r"^(?:另外|此外)?[，,]?(?:如果|若|要是)(?:有|确有)?需要")
# "……要……，不要……": a prescription with its prohibition.
PROHIBITION = re.compile(r"^(?:不要|别)")
WARNING = re.compile(r"^(?:不然|否则|要不然|不然的话)")
ASKS = re.compile(r"(?<![好十])几[点个天时次]|(?<!了)多少|会不会|是不是|有没有|吗|什么|怎么|哪")
# A clause that tells what to do with something: "先把……".
IMPERATIVE = re.compile(r"^(?:先|再|就|都)?把")

# Frames: a header ("我的建议是两条"), an introduction ("我建议，" "不如这样，"), remarks.
FRAME = re.compile(
    r"^(?:所以|因此|那么|那|这里|另外|还有|最后|对此|为此)?(?:呢)?(?:(?:我|本人|个人|[^，]{1,4}组|"
    r"[^，]{0,4}(?=提))(?P<mid>[^，：:]{0,8}?))?(?:书面|文字|补充|具体)?(?P<noun>建议|想法|意见|"
    r"看法|提议|思路|呼吁|诉求|要求|请求|意思)(?:主要)?(?:是|有|如下|以下)?"
    r"(?P<count>[一两二三四五六几]+(?:条|点|个|项))?(?:建议|想法|意见)?$")
# Clauses after which what follows is the proposal: "我建议，" "我提个事：" "不如这样，".
INTRO = re.compile(
    r"^(?:所以|因此|那么|那|另外|对此|为此)?(?:我|我们|本人)(?:也|还|再|就|强烈|郑重|在这里|这里)?"
    r"(?:建议|提议|呼吁|要求|请求|提一?个事(?:情|儿)?)$|^(?:所以|那|那就|我看)?(?:倒|还)?"
    r"不如这样(?:吧|子|办)?$|^(?:所以|那)?我看(?:可以|就|还是)?这样(?:吧|子|办)?$")
COUNT = re.compile(r"[一两二三四五六几]+(?=条|点|个|项)")
# A counted header that recommends what it announces: "有两个做法值得学：".
COUNTED = re.compile(r"有(?P<count>[两二三四五六几])(?:个|条|点|项|种|件|方面)[^，,：:]{0,12}?"
                     r"(?:可以|值得|应该|不妨)")
SAYING = re.compile(r"^(?:所以|因此|那么|那)?(?:我|我们)(?:就|也|再|还)?"
                    r"(?:想说|要说|说|想提|提)(?:一下)?(?:的是)?$")
TALK = re.compile(r"^(?:所以|那么|下面)?(?:我|我们)?(?:就|再|想|简单)?(?:从[^，]{1,8})?"
                  r"(?:讲|说|谈|提|补充)[一两二三四五六几]+(?:点|条|个方面)(?:意见|看法|体会)?$")
# A frame's count said in a clause of its own: "我的想法，主要是两条" "我的建议，一共三点"
COUNT_CLAUSE = re.compile(r"^(?:主要|一共|总共|就|大概)?(?:是|有)?(?P<count>[两二三四五六几])"
                          r"(?:条|点|个|项|件)(?:意见|建议|想法)?$")
NOT_FRAME = re.compile(r"同意|赞成|支持|刚才|听了|认同|反映")

# Trimming: the cue words, the context before a proposal and the reasons after it.
LEAD = re.compile(
    r"^(?:所以|因此|但是|但|而且|那么|那就|另外|还有|同时|我们?(?:也|还|就|再)?(?:觉得|认为|看|"
    r"想说|说|建议|希望|提议|呼吁|想请|请)|建议|[希期盼]望|最好是|最好|应该|应当|"
    r"(?:也|还)?可以(?:考虑)?|能不能|能否|可不可以|是不是可以|是否可以|是不是能|可否|考虑|一定要|"
    r"还是要|还要|还应该?|也要|要(?!是)|需要|请|就是|下一步|(?:咱们|大家)(?:还|就|也)?得|关键是|"
    r"(?:要是|如果|假如)能)+")
MODAL = re.compile(
    r"(?:能不能|能否|可不可以|是不是可以|是否可以|是不是能|可否|最好是|最好|可以|有没有可能|不妨|"
    r"为什么(?:就|还)?不(?:能|可以)|非得|^(?:还|就)?得|(?:那|倒|还)?不如|"
    r"(?:赶紧|赶快|抓紧|干脆)(?=把))(?:考虑)?")
CUE_END = re.compile(
    r"(?:(?:就|那就|那)(?:更|太)?好了|(?:就|那|那就)?该(?:有)?多好|不可|才(?:行|好|可以))$")
WISH = re.compile(r"^(?:要是|如果|假如|若是)(?:能)?")
# A proposal says what to do: "希望你们认真研究" / "政府应该管一管" do not.
VAGUE = re.compile(
    r"^(?:你们|我们|咱们|大家|政府|领导|部门|有关|相关|单位|应该|应当|要|能|认真|好好|尽快|多|再|"
    r"一起|进一步|切实|也|都)*(?:研究|重视|关心|关注|支持|考虑|落实|解决|努力|加油|帮忙|帮助|处理|"
    r"管一?管|看一?看|想想?办法|抓紧|试一?试|学一?学|借鉴|推广)+(?:一下|起来)?$")
PERSONAL = re.compile(r"[我你您咱]")
PARTICLE = re.compile(r"(?:啊|呀|呢|吧|嘛)*$")
NOW = re.compile(r"^(?:现在|目前|如今|其实|本来|原来|以前|过去|刚才)")
CONCESSION = re.compile(r"^(?:不管|无论|不论)|也好$")  # "不管谁来办，" "A也好、B也好，"
TURNING = re.compile(r"^(?:但是|但|可是|不过|所以|因此|因而|于是)")
RATIONALE = re.compile(r"^(?:这样|因为|不然|否则|要不然|以免|免得|避免|省得|毕竟|即使|"
                       r"那样|这就|方便|便于|以便)")
# A clause after the proposal that says what will come of it, or how the speaker feels.
RESULT = re.compile(
    r"(?<!够|行)(?<!可以)了$|(?:也|都|就|才|自然|至少|起码)(?:能|会|不会|可以|不用)|"
    r"比[^，,]{1,10}(?:管用|强|好|划算)|管用|划算|没关系|不贵|也好|也算|(?:这|那)也是|"
    r"(?:也|都|就|更|才)(?:方便|放心|踏实|安心|满意|高兴|省心|省事|清楚|明白|安全)|"
    r"^我们?[^，,]{0,6}?(?:也|都|就)")

OFFERED = ("建议", "想法", "提议", "诉求", "要求", "请求")  # what "我有/提个……" puts forward
LIST = 9  # items a list announced without a count may have
_COUNTS = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6}
_PUNCT_RUN = re.compile(r"[，,、：:\s]{2,}")
_COLON = ("：", ":")


@dataclass(frozen=True)
class Frame:
    """A clause that frames what follows: "我的建议是两条" / "我的想法是，" / "我想说，"."""

    taken: int  # clauses of the piece the frame takes
    announces: int  # proposals it announces (0: it only introduces)
    introduces: bool  # what follows in the piece is the proposal itself ("……是，" / "……：")
    colon: bool = False  # the frame ends with a colon


def _header(m: re.Match[str], spoken: str, piece: str, taken: int) -> Frame:
    clause = m.group()
    count = m.group("count") or next(iter(COUNT.findall(m.group("mid") or "")), None)
    after = piece.find(spoken) + len(spoken)
    number = _COUNTS.get(count[0], LIST) if count else 1  # "补充一点意见": a remark
    introduces = (clause.endswith(("是", "如下")) or piece[after:after + 1] in _COLON
                  or (number == 1 and m.group("noun") in OFFERED
                      and any(v in (m.group("mid") or "") for v in "有提")))  # 我有个想法，
    announced = number if number > 1 else int(introduces)
    if clause.endswith(("如下", "以下")) or (introduces and not count
                                             and not piece[after:].strip("：: ，,")):
        announced = LIST  # "建议如下：" / "书面意见：" ending the piece: a list follows
    return Frame(taken, announced, introduces and number == 1, piece[after:after + 1] in _COLON)


# A heading or a closing clause that announces a list of proposals: "二、几点建议" "三点建议："
# "……，建议推广：" (a clause with a proposal noun, ending the piece in a colon).
LIST_HEAD = re.compile(r"^(?:几|[两二三四五六七八九十])(?:点|条|项|个)(?:具体|主要)?"
                       r"(?:建议|意见|想法|对策)(?:如下|是)?$")
_HEAD_NOUN = re.compile(r"建议|意见|想法|办法|做法|对策|如下|以下")
# A piece that only announces what follows ("……报告如下") or sums up what went before
# ("以上建议，请批评指正"): never itself a proposal.
ANNOUNCES = re.compile(r"(?:如下|以下)[：:]?$")
RECAP = re.compile(r"^以上")


def find_frame(piece: str) -> Frame | None:
    """The frame among the first clauses of a piece, if any; further on, a frame that hands
    over to what follows ("……，我的意见是，X" "……，所以我提两个建议：" at the end of a long
    spoken sentence: speech runs reasons and header together)."""
    parts = clauses(piece)
    if len(parts) == 1 and LIST_HEAD.match(PARTICLE.sub("", parts[0])):
        count = COUNT.search(parts[0])
        return Frame(1, _COUNTS.get(count.group()[0], LIST) if count else LIST, False,
                     piece.rstrip()[-1:] in _COLON)
    return _frame_in(parts, piece) or _colon_head(parts, piece)


def _colon_head(parts: list[str], piece: str) -> Frame | None:
    """"……，建议推广：": a closing clause with a proposal noun and a colon heads a list."""
    if parts and piece.rstrip()[-1:] in _COLON and _HEAD_NOUN.search(parts[-1]):
        return Frame(len(parts), LIST, False, True)
    return None


def _frame_in(parts: list[str], piece: str) -> Frame | None:
    """The frame among the clauses: the first three, and a handing-over one further on."""
    for i, spoken in enumerate(parts):
        if i >= 3:
            frame = _late_frame(parts, i, piece)
            if frame is not None:
                return frame
            continue
        clause = PARTICLE.sub("", spoken)
        counted = COUNTED.search(clause)
        after = piece.find(spoken) + len(spoken)
        if counted and piece[after:after + 1] in _COLON:
            return Frame(i + 1, _COUNTS.get(counted.group("count"), LIST), False, True)
        if INTRO.match(clause):  # "我建议，……": what follows is the proposal
            return Frame(i + 1, 1, True)
        m = FRAME.match(clause)
        if m and not NOT_FRAME.search(m.group("mid") or ""):
            counted_next = COUNT_CLAUSE.match(PARTICLE.sub("", parts[i + 1])) \
                if i + 1 < len(parts) else None
            if counted_next and not m.group("count"):  # "我的想法呢，主要是两条"
                return Frame(i + 2, _COUNTS.get(counted_next.group("count")[0], LIST), False,
                             piece[piece.find(parts[i + 1]) + len(parts[i + 1]):][:1] in _COLON)
            return _header(m, spoken, piece, i + 1)
        if TALK.match(clause):  # "我补充一点，" a remark; "我就讲两条：" two points follow
            count = COUNT.search(clause)
            number = _COUNTS.get(count.group()[0], LIST) if count else 1
            return Frame(i + 1, number if number > 1 else 0, False,
                         piece[piece.find(spoken) + len(spoken):][:1] in _COLON)
        if SAYING.match(clause):  # "我想说，"
            return Frame(i + 1, 0, False)
    return None


def _late_frame(parts: list[str], i: int, piece: str) -> Frame | None:
    """A frame past the first clauses counts when it introduces what follows in the piece
    (我的意见是，……) or announces a list at the piece's end (我讲两条：)."""
    clause = PARTICLE.sub("", parts[i])
    last = i == len(parts) - 1
    if INTRO.match(clause) and not last:
        return Frame(i + 1, 1, True)
    m = FRAME.match(clause)
    if m and not NOT_FRAME.search(m.group("mid") or ""):
        frame = _header(m, parts[i], piece, i + 1)
        if (frame.introduces and not last) or (last and frame.announces > 1):
            return frame
    if last and TALK.match(clause):  # "……，所以我讲两条：": the two points follow
        count = COUNT.search(clause)
        return Frame(i + 1, _COUNTS.get(count.group()[0], LIST) if count else LIST, False,
                     piece.rstrip()[-1:] in _COLON)
    return None


def prescribes(piece: str) -> bool:
    """"……要……，不要……" / "……要……，不然……": what to do, and what not to (or else)."""
    parts = clauses(piece)
    if ASKS.search(piece) or not any(PROHIBITION.match(c) or WARNING.match(c) for c in parts):
        return False
    return any(("要" in WEAK.findall(c) or IMPERATIVE.match(c)) and not PROHIBITION.match(c)
               for c in parts)


def reason(clause: str) -> bool:
    """A clause after the proposal that gives its reasons or what will come of it; not one
    that lists what the proposal covers ("停车、民宿、漂流都能在手机上预约")."""
    if RATIONALE.match(clause):
        return True
    result = RESULT.search(clause)
    return bool(result and not PROHIBITION.match(clause) and "、" not in clause[:result.start()])


def without_offers(piece: str) -> str:
    """The piece without the clauses in which the speaker's own side offers something (all of
    it after a condition: "如果需要，我们可以……")."""
    if CONDITIONAL_OFFER.match(piece):
        return ""
    for clause in clauses(piece):
        if OFFER.search(clause):
            piece = piece.replace(clause, "", 1)
    return _PUNCT_RUN.sub(lambda m: m.group()[-1], piece).strip("，,、 ")


def _cues(pattern: re.Pattern[str], text: str) -> bool:
    cues = [m.group() for m in pattern.finditer(text)]
    if not cues:
        return False
    return not (all(QUESTION_CUE.match(c) for c in cues) and ASKING.search(text))


def explicit(text: str) -> bool:
    """Whether the text puts something forward (建议, 能不能 that is not only asking ...)."""
    return _cues(EXPLICIT, text)


def strong(text: str) -> bool:
    """Whether the text proposes by an explicit or an obligation cue."""
    return explicit(text) or bool(OBLIGATION.search(text))
