"""The cue vocabulary of the minutes extractor, as data: the linguistic cues of a proposal in
spoken Chinese and of a follow-up item (pure regular expressions, no topic words), each with
the one-line reason it is there. suggestions.py, actions.py and action_text.py keep only the
structure that reads them.

- EXPLICIT cues put something forward as a proposal: 建议, 希望, 最好, 能不能, 是不是可以,
  有没有可能, 可以考虑, 不妨, 不如, 要是……就好了, 为什么就不能……, a request 请…….
- OBLIGATION cues say what must or may be done: 应该, 必须, 一定要, 非得……不可, 咱们得,
  得……才行, 尽快, 政府可以, an imperative 赶紧把/干脆把……; once proposing, "学校可以组织……"
  (a subject, then 可以).
- WEAK cues (要, 可以, 需要) propose only with an intensifier (我觉得, 关键是要 ...), as an
  item of a list, or in a prescription with its prohibition or warning ("……要……，不要……"
  "先把……，别……" "……要……，不然……"). A hedge ("不一定都要"), a quantity ("要八百万") or
  what is possible ("茶园是可以机采的") is no cue.
- Not suggestions: the speaker's commitments (我们将……, 表个态, and the points after "我表个
  态："), a stance (原则上……), and what the speaker's own side offers (我们公司可以免费……,
  我再认捐……, 我们可以轮流来当志愿者, 我们公司如果需要可以……, 如果我们中标，……我们可以……; the
  unit said as "我们" and its kind: 我们学院的老师可以……; the speakers counted: 我们几个……;
  a company's bare 我们), nor a question between two things (是……，还是……), nor what only
  points back (这两件事能不能办), a reminder to the public (提醒家长……), a caution (要当心), a
  title (……的几个问题), a courtesy (请主持人谅解), a question reported (问他们能不能……), a
  sentence closed by a rhetorical question (……，谁愿意), a statement (这是……的), "should have
  it" with nothing after (……都应该有), whether a unit takes it on (能不能认下来), an offer on
  the condition that others need it (业委会如果需要，我们……), a 能不能 said in doubt (……，我不敢
  打包票), the points that answer a why-question (为什么不愿意？一是……), a need said as a
  noun (群众的迫切需要), asking leave to speak (我能不能说一句).
- Context: a cue clause in which the speaker introduces the proposal (我建议, 我看, 我的想法是)
  opens it; the story before it is left out, but for the thing it is about named right
  before; what leads up to the proposal the speaker then introduces as theirs ("……，关键在
  考核。所以我建议，……") is its reasoning. An asking word makes 能不能 a question next to it
  only (多少, 有没有, an A不A question, a bare verb: 能不能办), or anywhere (什么时候, 到底 ...).

- Follow-up items: who is assigned (由X, 请X; not the partner in 请X配合, nor the people who
  serve in 由X护士……), what says a pledge is none (the past, a hedge, a condition on others, a
  rule of others), which time is no deadline (a limit counted from each case: 接报后2小时内;
  a period told: 一月到八月), the heads of a unit's tasks (我们站这样办：), the chair taking up
  a unit's pledge (按今天表的态), the verbs of a commitment, and what is and is not the item's
  topic or text (a thing named, not a story; not what follows a condition or a wait).

Also the frames that introduce proposals ("我的建议是两条" "我提个事：" "不如这样，" "我看可以
这样，" "有两个做法值得学：") and the patterns that trim a proposal to its words (cue words,
context before it, the reasons and results after it: "这样……" "老百姓就清楚了").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from transcripts.minutes.sentences import NOT_POINT, clauses

EXPLICIT = re.compile(
    r"(?<![的个条点项])(?:建议|希望|期望|盼望)(?!很|非常|好|不错|过)|最好(?!的)|能不能|能否|"
    r"可不可以|可否|是不是(?:可以|能)|是否可以|有没有可能|可以考虑|考虑一下|不妨|[提倡]议|呼吁|"
    r"恳请|(?:^|[，,])(?:我们?)?(?:也|再|还)?(?:想)?请(?!问|大家|教|了|过|人|"
    r"(?:个|了)?[半一两三几]?(?:天|周|个月)?假|"  # not 请半天假: taking leave,
    r"[^，,。]{0,8}?(?:谅解|包涵|见谅|指正|原谅)|会务|工作人员)|"  # a courtesy, the session's staff
    r"(?:就|那就|那)(?:更|太)?好了|(?:就|那|那就)?该(?:有)?多好|"
    # (not "还不如进厂": a complaint that what there is is worse)
    r"(?:^|[，,])(?:那|倒)?不如(?!以前|过去|从前|原来)|为什么(?:就|还)?不(?:能|可以|让)|"
    # a rhetorical "why not" that ends on 呢 ("为什么不组织大家一起团购呢"): do it (not a why
    # of what is, "为什么不愿意呢", nor of others: "他为什么不来呢")
    r"(?:^|[，,])为什么(?:就|还)?不(?!是|会|愿意|肯|敢|行|对|好|来|去|管|理)[^，,。？?]{2,}呢")
# Not a capacity ("一辆车可以坐四十个人") nor what can be done now ("现在手机上可以查").
_SUBJECT_MAY = (r"^(?!现在|目前|如今|以前|过去|原来|本来|平时|去年|今年|当时|那时)"
                r"[^\s，,。：:我你他她它这那是就都才能也还\d一二两三四五六七八九十百千万几]{2,8}"
                r"(?:也|还|完全)?可以(?!说|看|想象|理解|了|的)"
                r"(?![^，,。]{0,3}[\d一二两三四五六七八九十百千几]+多?(?:个人|辆|吨|人|位|斤|米|块|元))")
# "应该发五十万度左右": 应该 before a figure with 左右/上下 estimates, it does not oblige.
_ESTIMATE = r"(?![^，,。]{0,4}[\d一二两三四五六七八九十百千万几]+[^，,。]{0,4}?(?:左右|上下))"
OBLIGATION = re.compile(
    r"应该(?!是(?!由)|会|不会|没|差不多|够|还)" + _ESTIMATE
    + r"|应当|务必|必须|(?<!不)一定(?:要|得)|亟需|急需|尽快|"
    r"尽早|非得|(?:咱们|大家)(?:还|就|也)?得(?![到了很出益罪知分过])|"
    r"(?:^|[，,])(?:还|就)?得[^，,。]{1,24}?才(?:行|好|可以)|"
    r"(?:^|[，,]|我们|咱们|大家|政府|部门|[镇乡村县区市]里|社区|街道)(?:也|还|完全)?"
    r"可以(?!说|看|想象|理解|吧|吗|啊|呀)|要求(?=[^，。]{0,6}?(?:尽快|尽早|把|将|对|给|在))|"
    r"(?:^|[，,])(?:那|就|还是|我看)?(?:赶紧|赶快|抓紧|干脆)把|"
    # "干脆就简化成……": "might as well", what to do instead (not a story: "他干脆不来了")
    r"(?:^|[，,])(?:那|还是|我看)?干脆(?:就)?(?![不没])(?=[^，,。了]{2,}(?:[，,。]|$))")
# Once the speaker is proposing, a third party named at the start of a sentence may be asked
# to act: "学校可以组织……" (before that, "孩子们可以在操场上玩" only tells).
MAY = re.compile(_SUBJECT_MAY)
# ... and a limit set on a figure ("费用只收成本，一次不超过两百元"), said as the terms of the
# proposal just made: a rule proposed, not a fact (not what is the most there is: "最多摆二十
# 桌"; nor what is, "现在只收了五十").
LIMIT = re.compile(r"(?:只收|不超过|不得超过|不高于|不低于|不少于)"
                   r"(?=[^，,。]{0,6}?[\d一二两三四五六七八九十百千万几])")
WEAK = re.compile(r"(?<!不一定)(?<!不一定都)(?<![主重只就想我人需])"
                  r"要(?![是么求不紧花多几好\d两三四五六七八九十百千万])"
                  # (nor a time it takes: "走到镇上要一个钟头" "要一刻钟")
                  r"(?!一(?:刻钟|个?(?:小时|钟头|多钟头|礼拜|星期|月)|分钟|天|趟|年|上午|下午|晚上))|(?<!(?<![倒还就])是)可以|"
                  # (not a need, said as a noun: "是群众的迫切需要")
                  r"(?<![不的])(?<!的迫切)需要(?![\d两三四五六七八九十百千万几])")
# ("我看" with no more than a short object to the clause's end reads: "结果我看通报")
INTENSIFIER = re.compile(r"我觉得|我认为|我看(?![着到了见])(?![^，,。；;\s]{1,4}(?:[，,。；;]|$))|"
                         r"我们觉得|我们认为|(?<!不)一定|"
                         r"关键是要|(?<!的)迫切|还是要|还得|得赶紧|"
                         # "公厕总要有人管" "总得给个补助": what must be done at the least, a demand
                         r"总(?:要|得)(?![\d一二两三四五六七八九十几半花等])|"
                         # "垃圾桶要定期清洗" "河道要经常打捞": what is to be done as a regular
                         # practice
                         r"(?<![我们咱你他她])要(?:定期|经常|按时|专门|常态化)")
# Cues that may only ask ("能不能告诉我们……"): with an asking word they do not propose.
QUESTION_CUE = re.compile(r"^(?:能不能|能否|可不可以|是不是可以|是否可以|可否|是不是能)$")
# Asking words that ask wherever they are said, and those ("多少" "有没有") that ask only
# next to the cue ("能不能说一下，一年有多少"; not "能不能装个闸，……，上坑多少，下坑多少").
# ... so does the speaker's doubt said right after it ("能不能都办到，我不敢打包票"): whether it
# can be done, in doubt, not a proposal; and a guarantee asked for ("能不能打个包票，……"): a
# pledge asked of the unit, no proposal.
ASKING_NEAR = re.compile(r"多少|几次|哪些|有没有|多久|多长时间|"
                         r"打(?:个|一个)?包票|不敢保证|保证不了|说不准|说不好|不好说|拿不准|吃不准")
ASKING = re.compile(r"什么时候|(?:怎么|怎样|如何)(?!样)|到底|"
                    r"为什么(?!(?:就|还)?不)|谁来|归谁|进展|在于|取决于|告诉|介绍|说一下|说说|讲一下|"
                    r"讲讲|[说讲]一[说讲]|解释|回答|不知道")
# The speaker's own commitment ("我们将……" "表个态") is a follow-up item, not a suggestion.
COMMITMENT = re.compile(
    r"(?:我们|我|本)(?:局|局里|单位|部门|镇里|乡里)?(?:将|会|马上|立即|一定会|争取|保证)|表个?态")
# A piece that heads the speaker's own pledges ("……，我表个态：" "我们这样落实：" "我们书面承诺
# 以下几条："): the points
# after it are the speaker's side's, not proposals, unless one is put explicitly (建议 ...).
PLEDGES = re.compile(r"(?:^|[，,])(?:我|我们)[^，,]{0,6}?"
                     r"(?:表(?:一?个|一下)?态|(?:这样|这么)(?:办|做|落实|安排)|"
                     r"承诺(?:以下|如下)[^，,：:]{0,4})[：:]?$")
# A named unit's side ("商会这边可以……" "学院方面愿意……"): the unit itself, when the speaker
# works for it (its offer is no suggestion).
SIDE = re.compile(r"(?:这边|那边|这里|方面)$")
# A post that only backs another's proposal by naming it ("+1 老周的建议" "另外，赞成楼上
# 小王的意见"): support, not a proposal of the speaker's.
BACKING = re.compile(r"^(?:另外|还有|再)?[，,]?\s*(?:\+1|＋1|赞成|同意|支持|赞同|附议)[\s，,！!]*"
                     r"[^，,。]{0,16}的[^，,。的]{0,10}(?:意见|建议|提议|想法)[！!。]?$")
# The speaker's backing said after what they take up ("老周讲的错峰开放，……，我是非常赞成的"):
# a stance on the proposal named before it, not context that cuts it off.
BACKS = re.compile(r"^(?:我|我们)(?:也|是|都)*(?:非常|完全|很|十分|举双手)?(?:赞成|同意|支持|赞同)"
                   r"(?:的)?[啊呀]?$")
# A stance ("原则上还是要等……", "我们原则上支持"): what the speaker holds, not a proposal.
STANCE = re.compile(r"原则上")
# The speaker's own side undertaking a task by a deadline ("我们合作社6月底前先流转100亩"):
# a commitment (a follow-up item when it names a deadline), not a proposal to others.
OWN_TASK = re.compile(r"(?:^|[，,])(?:我们|我)(?!们?(?:建议|希望|呼吁|请求|要求|想|觉得|认为))")
# What the speaker's own side offers ("我们公司可以免费……" "我再认捐……" "我可以帮忙……"): not a
# suggestion.
OFFER = re.compile(r"(?<![给让帮为替对向跟和请])(?:我们|我)的?[^，,。我你他]{0,4}?(?:也|还|都|就)?"
                   r"(?:(?:可以|愿意|能)?(?:轮流)?(?:来|去)?(?:免费|无偿|义务|出[点些份]?力|出钱|出资|"
                   r"认捐|捐|拿出|让利|当志愿者|做志愿者)|愿意|(?:可以|能)(?:来|去)?帮(?:着|忙|(?!我|你|他)[^，,。]{1,4}?(?:装|修|建|搞|弄|做|办|跑|联系|对接)))|"
                   r"^不(?:要|收)钱")
# ... or a clause that opens on doing it for free ("免费帮……" "义务……"): the speaker's, unless
# others were asked before it in the piece ("能不能给独居老人，免费把软管换成……": asked of them).
BARE_OFFER = re.compile(r"^(?:可以|愿意|能)?(?:义务|免费|无偿)")
# "如果需要，我们可以派……": what follows is put at the others' disposal, an offer
CONDITIONAL_OFFER = re.compile(r"^(?:另外|此外)?[，,]?(?:如果|若|要是)(?:有|确有)?需要|"
                               # "业委会如果需要，我们律所可以……" "如果街道的托育点需要，我们……"
                               r"^(?:另外|此外)?[，,]?[^，,。我你他]{0,12}?(?:如果|若|要是)"
                               r"[^，,。我你他]{0,14}?需要[，,](?:我们|我)|"
                               r"^(?:如果|若|要是)(?:我们|我)[^，,。]{1,10}[，,][^。]*?(?:我们|我)"
                               r"[^，,。]{0,4}?(?:也|还|都|就)?(?:可以|能|愿意|保证)")
# ... and after the speaker's side, later in the piece ("……，我们公司如果需要，可以……"; in
# speech "我们公司，如果，需要，可以……"): the rest of the piece is the offer.
SIDE_OFFER = re.compile(r"(?:^|[，,])(?:我们|我)[^，,。我你他]{0,6}?[，,]?(?:如果|若|要是)[，,]?"
                        r"(?:有|确有)?[，,]?需要")
# What follows the speaker's own unit, named, when it offers ("区妇联可以组织……" said by a
# member from the 妇联): its means, not a request to others; what the unit has to give too
# ("区文化馆有……名录，可以提供……"), not what it is asked for ("医院能不能给我们……").
OWN_SIDE_OFFERS = re.compile(r"(?:也|还|都|就)?(?:(?<!不)可以|愿意|(?<![不否])能够?(?![不否])|"
                             r"(?<![没不])有)"  # (what the side has not, "没有", it cannot give)
                             r"(?![^，,。]*[给帮为替]我们)")
# ... said as "我们" and the unit's kind, maybe with what it has ("我们学院的实训室和老师"
# "我们中心" "我们自管会"): the kind is part of the unit's name.
OURS = re.compile(r"^(?:我们|咱们)的?(?P<kind>[^的，,我你他她]{2,8}?)(?:这边|里)?"
                  r"(?:的[^，,]{1,14})?$")
# The speakers themselves, counted ("我们几个狗主人" "我们这些老党员"): what they offer to do.
OUR_PEOPLE = re.compile(r"^(?:我们|咱们)(?:这些|几个|几位|[两三四五六七八九十]个|这几个)"
                        r"[^，,]{0,8}$")
# A company's bare "我们" ("我们也可以考虑……" "我们公司是可以供的"): the company itself.
OUR_BARE = re.compile(r"^(?:我们|咱们)(?:公司|企业|这边|单位|厂里|店里)?(?:也|还|是|都|就)?$")
# Links before such a clause ("另外，区妇联可以……").
LINK = re.compile(r"^(?:另外|此外|同时|还有|那|再)[，,]?")
# "……要……，不要……": a prescription with its prohibition.
PROHIBITION = re.compile(r"^(?:不要|别|不准|不许|不得|"
                         # "……也要修通，不能只修一半": a clause opening on 不能 after what is
                         # to be done forbids its opposite (not "不能我们自己定": who may not)
                         r"不能(?![不没我你他她咱]))")
# ... said of a thing before it ("自行车不能停在我们单元门口，最好……"): what not to do, the first
# half of the proposal that follows, not the speaker's story (for all its "我们").
FORBIDS = re.compile(r"^[^，,我你他她咱]{1,8}?(?:不能|不要|不准|不许|不让)(?![不是了])")
# "要么……，要么……": a choice of what to do, prescribed with its prohibition (or else).
CHOICE = re.compile(r"要么")
WARNING = re.compile(r"^(?:不然|否则|要不然|不然的话)")
# "是要出租，还是要做别的": a question between two things, not a proposal.
ALTERNATIVE = re.compile(r"是[^，,。]{1,12}[，,]还是")
# A question said as "A不A" ("报不报" "修不修"): it asks which.
A_NOT_A = re.compile(r"([\u4e00-\u9fff])不\1")
# (not "收多少补多少": so much for so much, a rule, not a question)
ASKS = re.compile(r"(?<![好十])几[点个天时次]|"
                  r"(?<!了)(?<!多少.)(?<!多少..)多少(?![^，,。、]{1,3}多少)|"
                  r"会不会|是不是|有没有|吗|什么|怎么|哪")
# A clause that tells what to do with something: "先把……", or what to make it into, the way
# it is to be built ("围墙砌成砖的，别用铁皮": with its prohibition, a prescription; not a
# story: "修成了").
IMPERATIVE = re.compile(r"^(?:先|再|就|都)?把|"
                        r"^[^，,了]{0,10}?(?:修|建|做|改|换|铺|砌|刷|装)成(?![了过])[^，,了]{1,10}$")

# Frames: a header ("我的建议是两条"), an introduction ("我建议，" "不如这样，"), remarks.
FRAME = re.compile(
    r"^(?:所以|因此|那么|那|这里|另外|还有|最后|对此|为此)?(?:呢)?(?:(?:我|本人|个人|[^，]{1,4}组|"
    r"[^，]{0,4}(?=提))(?P<mid>[^，：:]{0,8}?))?(?:书面|文字|补充|具体)?(?P<noun>建议|想法|意见|"
    r"看法|提议|思路|呼吁|诉求|要求|请求|意思)(?:主要|就|也)?(?:是|有|如下|以下)?"
    r"(?P<count>[一两二三四五六几]+(?:条|点|个|项))?(?:建议|想法|意见)?"
    # "我的想法很简单，……": the speaker calls what follows simple, and says it
    r"(?P<so>这样(?:的|子)?|(?:也|其实)?(?:很|非常|特别|挺)简单)?$")
# Clauses after which what follows is the proposal: "我建议，" "我提个事：" "不如这样，"
# "好的办法是，".
INTRO = re.compile(
    r"^(?:所以|因此|那么|那|另外|对此|为此)?(?:我|我们|本人)(?:也|还|再|就|强烈|郑重|在这里|这里)?"
    r"(?:想(?=建议|提议))?"
    r"(?:建议|提议|呼吁|要求|请求|提一?个事(?:情|儿)?)$|^(?:所以|那|那就|我看)?(?:倒|还)?"
    r"不如这样(?:吧|子|办)?$|^(?:所以|那)?我看(?:可以|就|还是)?这样(?:吧|子|办)?$|"
    # a way that works, put forward: "我们在别处做的办法是，" "解决的办法就是，"
    r"^(?!现在|目前|以前|过去|原来|本来|当时)[^，,]{0,16}?(?:办法|做法|法子|出路)(?:就|也)?是$")
# "所以我想，……" "我在想，……": the speaker's thought said alone, then a pause, then what they
# would have done; speech puts a proposal so as often as with 我建议 (not "我是想", a
# concession, nor when what follows is the speaker's side or a wish: see THOUGHT_NOT).
THINKS = re.compile(r"^(?:所以|因此|那|那么)?(?:我|我们)(?:就|也|在|倒|还)?想$")
# ... what follows the thought is no proposal when it says the speaker's side ("我们这些老人
# 也能出把力气") or what would have been ("要是水渠还通着，……").
THOUGHT_NOT = re.compile(r"^(?:我|咱|俺|要是|如果|假如|若是|万一)")
COUNT = re.compile(r"[一两二三四五六几]+(?=条|点|个|项)")
# A counted header that recommends what it announces: "有两个做法值得学：".
COUNTED = re.compile(r"有(?P<count>[两二三四五六几])(?:个|条|点|项|种|件|方面)[^，,：:]{0,12}?"
                     r"(?:可以|值得|应该|不妨)")
SAYING = re.compile(r"^(?:所以|因此|那么|那)?(?:我|我们)(?:就|也|再|还)?"
                    r"(?:想说|要说|说|想提|提)(?:一下)?(?:的是)?$")
TALK = re.compile(r"^(?:所以|那么|下面)?(?:我|我们)?(?:今天|这里|在这里)?"
                  r"(?:就|再|也|想|简单|书面|接着)*"
                  # "从设计上讲两点" "接着王老师的话补充两点": where the remarks start from
                  r"(?:(?:从|接着|顺着)[^，]{1,16}?)?"
                  # ("发几点书面意见": points sent in writing, as a remote member does)
                  r"(?:讲|说|谈|提|补充|想了|准备了|归纳了|发|写了?|交)"
                  # "说我想的两条": the speaker's own points, said the plain way
                  r"(?:(?:我|我们)(?:想|考虑|琢磨)(?:到)?的)?"
                  # ("我提两个：" the noun left out, the count ends the clause)
                  r"[一两二三四五六几]+(?:点|条|个方面|个(?=[^，,。]{1,6}的|$))"
                  r"(?:[^，,。]{1,6}的)?(?:书面|文字)?(?P<noun>意见|看法|体会)?$")
# A frame's count said in a clause of its own: "我的想法，主要是两条" "我的建议，一共三点"
COUNT_CLAUSE = re.compile(r"^(?:主要|一共|总共|就|大概)?(?:是|有)?(?P<count>[两二三四五六几])"
                          r"(?:条|点|个|项|件)(?:意见|建议|想法)?$")
NOT_FRAME = re.compile(r"同意|赞成|支持|刚才|听了|认同|反映|不|没")  # "我今天不提什么要求，"

# Trimming: the cue words, the context before a proposal and the reasons after it.
LEAD = re.compile(
    r"^(?:所以|因此|但是|但|而且|那么|那就|另外|还有|同时|我们?(?:也|还|就|再)?(?:觉得|认为|看|"
    r"想说|说|建议|希望|提议|呼吁|想请|请)|建议|[希期盼]望|最好是|最好|应该|应当|"
    r"(?:也|还)?可以(?:考虑)?|能不能|能否|可不可以|是不是可以|是否可以|是不是能|可否|考虑|一定要|"
    r"还是要|还要|还应该?|也要|要(?!是)|需要|请|就是|下一步|(?:咱们|大家)(?:还|就|也)?得|关键是|"
    r"(?:要是|如果|假如)能)+")
MODAL = re.compile(
    r"(?:能不能|能否|可不可以|是不是可以|是否可以|是不是能|可否|最好是|最好|可以|有没有可能|不妨|"
    r"为什么(?:就|还)?不(?:能|可以)?|非得|^(?:还|就)?得|(?:那|倒|还)?不如|"
    r"(?:赶紧|赶快|抓紧|干脆)(?=把))(?:考虑)?")
CUE_END = re.compile(
    r"(?:(?:就|那就|那)(?:更|太)?好了|(?:就|那|那就)?该(?:有)?多好|不可|才(?:行|好|可以))$")
WISH = re.compile(r"^(?:要是|如果|假如|若是)(?:能)?")
# A proposal says what to do: "希望你们认真研究" / "政府应该管一管" do not.
# ... nor does one that only asks a unit to answer or to lead ("请医保局回答" "街道牵个头").
VAGUE = re.compile(
    r"^(?:[^，,]{0,6}(?:局|所|委|办|镇里|街道|社区|村里|政府))?"
    r"(?:你们|我们|咱们|大家|政府|领导|部门|有关|相关|单位|应该|应当|要|能|认真|好好|尽快|多|再|"
    r"一起|一并|进一步|切实|也|都|来)*(?:研究|重视|关心|关注|支持|考虑|落实|解决|努力|加油|帮忙|帮助|"
    r"处理|管一?管|看一?看|想想?办法|抓紧|试一?试|学一?学|借鉴|推广|回答|答复|回应|解释|"
    r"牵(?:个|一下)?头)+(?:一下|起来)?$")
# A proposal that only points back to what was said ("这两件事能不能办" "这个事要趁热打铁" "(这个)
# 事一定要排在最前面"): no more than a few words on "this matter" propose nothing new.
# ... so does "装了那个东西就好了": the thing pointed back to, with a verb at most.
BACK_REF = re.compile(r"^(?:这|那)?(?:个|件|[两三几]件|些)?事(?:情|儿)?(?![业务项])(?P<rest>.*)$|"
                      r"^[^，,]{0,2}?了?(?:这|那)(?:个|些|种)(?:东西|玩意儿?|设备)(?P<tail>.*)$")
BACK_REF_WORDS = 8
PERSONAL = re.compile(r"[我你您咱]")
# ... but a clause that says whom the proposal is for, said as the speaker's kind ("像我们这种下
# 不了楼的老人，能不能……"), is what it is about, not context.
# ... and so does one that names, after a preposition, whom among "us" ("至少对我们村里的低保户"
# "给咱们小区的独居老人"): they get it, it is no story of the speaker's (not "对我们来说").
WHOM = re.compile(r"^(?:像|对|给|为)?(?:我们|咱们|他们)?(?:这种|这样|这些|这类)的?"
                  r"[^，,我你他]{0,12}"
                  r"(?:人|老人|人家|户|家庭|孩子|学生|群众|居民|娃|家)$|"
                  r"^(?:至少|尤其是|特别是)?(?:对|给|为)(?:我们|咱们)(?!来说|而言)"
                  r"[^，,我你他要能会可]{1,12}$")
# A rhetorical question closing a sentence ("……，谁愿意" "哪个肯来"): it complains, it proposes
# nothing, unless a proposal is made explicitly in it.
RHETORICAL = re.compile(r"^(?:那|可|又)?(?:谁|哪个|哪家|哪有人)(?:还|又|会)?"
                        r"(?:愿意|肯|敢|受得了|吃得消|顶得住|管|理)[^，,]{0,4}$")
# A statement of what something is ("这是我们应该做的"): a comment, not a proposal.
STATEMENT = re.compile(r"^(?:这|那)(?:个|些)?(?:也|都|本来就?)?是[^，,]*的$")
# A proposal whose verb has nothing after it ("易涝的社区都应该有"): it says no more than
# "should have (it)", pointing back to what someone else said.
NO_OBJECT = re.compile(r"^[^，,]{0,10}?(?:都|也)?(?:应该|应当|要|得)(?:有|这样|这么办|这么做)$")
# A cue clause in which the speaker introduces their proposal ("我们建议……" "我看，……"
# "我就一个想法，……") opens it: what was said before it (a story, a complaint) is context,
# but for the thing it is about, named right before ("还有东边那条路的路灯，我建议……").
OPENS = re.compile(r"^(?:所以|因此|那么|那|但是|不过)?(?:我|我们|本人|个人)(?:也|还|就|再|只|是)?"
                   r"(?:(?:强烈|郑重)?(?:建议|提议|呼吁)|(?<!们)看(?![着到了见])|"
                   r"(?:的|有|就|就有|只有)?[一两几]?个?(?:建议|想法|提议|意见)(?:是|就是)?$)")
TOPIC = re.compile(r"^(?:还有|另外|所以|那|至于|关于|对于)?[^，,我你他她]{1,14}的[^，,了的]{1,6}$")
# ... or the place a point is about ("东门停车场那边，……"), named first.
PLACE_TOPIC = re.compile(r"^[^，,我你他她这那]{2,10}(?:那边|这边|那块|这块|那里|这里)$")
# A thing named by itself, with a demonstrative or said to be there, and its measure word
# ("东头那片荒坡" "菜场后面不是有一间空房"): what a proposal said after its description ("……，
# 现在堆满了杂物，能不能清出来") is about; not an idea, a problem or a person ("一个想法").
NAMED_THING = re.compile(r"^[^，,我你他她]{0,12}?(?:那|这|(?:不是|还|也)?有一)"
                         r"(?:块|片|条|段|座|栋|间|处|排|个)(?!想法|建议|意见|问题|事|人|时候)"
                         r"[^，,了的我你他她]{1,5}$")
# A clause that draws the conclusion of what was said before it ("……，时间长，那就先……"): in
# a point, what comes before it (but its topic) is the reasoning, what follows is proposed.
CONCLUSION = re.compile(r"^(?:那|那么)(?:我们|咱们)?就(?!是|好了|更好|太好)")
# ... or by "所以" in a point that states facts first ("第一，这座桥是六十年代修的，……，所以过桥
# 的这一段，要限速"): the facts are its reasons, what follows 所以 is proposed.
DRAWN = re.compile(r"^(?:所以|因此|因而)")
# A proposal that opens by pointing back ("把它利用起来"): "它" is the thing named before it
# ("我们党群服务中心的二楼，空了快一年了，……"), named without the speaker's "我们".
ANAPHOR = re.compile(r"^(?:把|将|让|给)?它(?!们)")
POSSESSOR = re.compile(r"^(?:我们|咱们|你们|我|这个|那个)")
PARTICLE = re.compile(r"(?:啊|呀|呢|吧|嘛)*$")
NOW = re.compile(r"^(?:现在|目前|如今|其实|本来|原来|以前|过去|刚才)")
CONCESSION = re.compile(r"^(?:不管|无论|不论)|也好$")  # "不管谁来办，" "A也好、B也好，"
TURNING = re.compile(r"^(?:但是|但|可是|不过|所以|因此|因而|于是)")
RATIONALE = re.compile(r"^(?:这样|因为|不然|否则|要不然|以免|免得|避免|省得|毕竟|即使|"
                       r"那样|这就|方便|便于|以便)"
                       # what some do now, told after the proposal ("……，有的摊主那个秤，少
                       # 称二两"): the complaint behind it
                       r"|^(?:有的|有些)(?!时候|地方)")
# "……，手机上约好了，到点去就行": a step done (了), then "that is all it takes" (就行): the way
# the proposal works, said in two clauses, not what will come of it.
ENOUGH = re.compile(r"就(?:行|好|可以|成)(?:了|啦)?$")
# A clause that sets the case in which the reason after it holds ("……，没有路灯，晚上根本
#看不清" "……，水管一冻，整栋楼都停水"): without the thing, once something happens; it goes
# with the reason, not the proposal.
# (a thing of a few characters, then 一 and a verb: not a count, "每天只送一顿" "再来一次")
REASONS_CASE = re.compile(r"^(?:没有|没了|少了)[^，,]{1,8}$|^[^，,我你他她只再]{1,3}一"
                          r"(?!个|条|点|次|下|些|样|起|直|般|定|边|块|天|年|月|周|家|户|人|批|趟|遍|"
                          r"顿|份|张|位|间|口|台|辆|句|回)[\u4e00-\u9fff]$")
# A clause that opens a question after the proposal ("我想问，……" "请问"): the proposal ends.
ASK_OPEN = re.compile(r"^(?:我|我们)(?:还|也|再|就)?(?:想|要)?问(?:一下|一句|问)?$|^请问")
# ... typed without its subject before the question ("想问一下：老人能不能……"): what follows
# asks whether it may be, it proposes nothing (said with "我", it may lead into a proposal).
ASK_BARE = re.compile(r"^(?:还|也|再|就)?想问(?:一下|一句|问)?$")
# A clause after the proposal that says what will come of it, or how the speaker feels.
RESULT = re.compile(
    r"(?<!够|行)(?<!可以)了$|(?:也|都|就|才|自然|至少|起码)(?:能|会|不会|可以|不用)|"
    r"比[^，,]{1,10}(?:管用|强|好|划算)|管用|划算|没关系|不贵|也好|也算|(?:这|那)也是|"
    r"(?:也|都|就|更|才)(?:方便|放心|踏实|安心|满意|高兴|省心|省事|清楚|明白|安全)|"
    r"得更(?:快|慢|多|少|好|差|远|厉害)|"  # "……烂得更快": what would come of it
    r"^我们?[^，,]{0,6}?(?:也|都|就)")

# Points of a list (suggestions.py): what makes a counted point a proposal.
# A point the speaker counts ("第二，" "二是" "还有一条，" "再一个，"): one of their own list.
COUNTED_POINT = re.compile(r"^(?:第[一二三四五六七八九十]" + NOT_POINT
                           + r"|[一二三四五六七八九十]是|[一二三四五六七八九十]{1,2}、|"
                           r"\d{1,2}[、.．)）]|[①②③④⑤⑥⑦⑧⑨⑩]|"
                           r"(?:但是|不过|另外)?还有一(?:个|条|点)|再一个|头一个)")
# A piece that announces problems, not proposals ("我们难处也有，" "困难主要是两个：" "问题有这么
# 几个："): the points
# counted after it tell what is hard, unless one proposes explicitly.
TROUBLES = re.compile(r"^[^，,]{0,6}(?:难处|困难|难题|苦处|难点|问题)(?:也|还|主要|就|比较)?"
                      r"(?:有|是|在于|集中|突出)"
                      r"(?:(?:这么|这样)?[两二三四五六几](?:个|条|点|方面))?[：:]?$")
# A question why ("为什么不愿意？" "为啥没人管"): the points counted right after it answer it, they
# give reasons (一是怕……，二是……), unless one proposes explicitly.
WHY = re.compile(r"(?:为什么|为啥|咋)(?:不|没|会|要|老是|总是)")
# A point added to the speaker's own ("还有一条，" "再一个，"), or the first of the speaker's own
# said the spoken way ("头一个，"), not counted off a list told.
ONE_MORE = re.compile(r"^(?:(?:但是|不过|另外)?还有一|再一个|头一(?:个|条|点))")
# ... and one more point of the same list, counted as such ("再一个，" "还有一条，"; not "还有一个
#问题" nor "还有一节课").
POINT_MORE = re.compile(r"^(?:(?:但是|不过|另外)?还有一|再(?:有)?一)(?:个|条|点)(?:是|呢|就是)?"
                        r"(?![是]?(?:问题|情况|困难|疑问|事实|现象))(?=[，,：:]|$)")
# A clause that only sets when or if ("水不够的时候，" "办起来以后，" "雨多的季节，").
CONDITION = re.compile(r"(?:的时候|时候|以后|之后|之前|的话|时|"
                       r"(?:的)?(?:年份|年头|季节|月份|日子|期间|阶段))$")
# What a numbered point says may be done ("一是山塘可以……"): 可以, not "也可以" of a comment.
MAY_DO = re.compile(r"(?<![也都还])可以(?![说看想了的])")
# What a point the speaker adds says is to be done: 要 (not 需要/主要/要是 ...) or 可以.
PUT = re.compile(r"(?<![需主重只就想我人还也都又])要"
                 r"(?![是么求不紧花多几好\d两三四五六七八九十百千万])|"
                 r"(?<![也都还])可以(?![说看想了的])")
# An item that tells or asks rather than proposes: "我们那里……" "刚才……说" "你怎么……呢".
# "我说这钱……" / "我看这事……" at a point's start: the speaker's lead-in, not a story of theirs.
SPEAKER_LEAD = re.compile(r"^(?:我|我们)(?:就|是|还是)?(?:说|看|觉得|认为)(?![了过的着到见])")
# (not "我们" as whom something is for: "给我们楼里的老人装……" says who gets it)
ASIDE = re.compile(r"^[^，,]*(?<![给为替帮])[我你您]|刚才|"
                   r"(?:怎么|如何|为什么|哪里|哪儿)[^，,]*(?:呢|吗)$|吗$")
# A proposal announced in parts ("基金分三块用：头一块……"): what follows as "第二块……" "第三块……"
# are its parts, one proposal with it, not points of their own.
PARTS = re.compile(r"分(?:成|为)?[两二三四五六几](?:块|部分|份|档|笔|类)")
PART = re.compile(r"^(?:头一|第[一二三四五六七八九十])(?:块|部分|份|档|笔|类)")
# A title over what follows ("书面意见：……的几个法律问题"): it names the questions, it proposes
# nothing.
TITLE = re.compile(r"的(?:几个|几点|若干|一些)[^，,的]{0,4}(?:问题|思考|体会|看法|情况)$")
# A reminder to the public ("另外提醒家长：……"): said to them, not put forward for the minutes.
REMINDER = re.compile(r"^(?:另外|还有|最后|同时)?[，,]?(?:我)?(?:也|再|还)?提醒(?:一下)?")
# A caution ("……人多、娃多，要当心"): no proposal says only to take care.
CAUTION = re.compile(r"^(?:要|得|都要|一定要)?(?:当心|小心|注意|留意|留神)(?:点|一点|一下|安全)?$")
# "能不能办" "企业能不能办": whether it can be done, asked with a bare verb, proposes nothing.
# (nor whether a unit takes it on: "水利局能不能认下来" "镇里能不能答应")
BARE_DO = re.compile(r"^(?:办|做|行|搞|弄|解决|落实|实现|做到|办到|办下来|办成|认|认下来|答应|"
                     r"同意|批|批准|表态|管|兑现)(?:一下)?$")
# A clause that turns to another topic ("至于场地能不能换" "关于经费"): what it says (a doubt, a
# request) is about that topic, not about the item said before it.
TURNS_TO = re.compile(r"^(?:至于|关于|对于)")
# A point's headline that names only its topic ("3. 关于移交。"): the next sentence says it.
TOPIC_ONLY = re.compile(r"^(?:关于|对于|至于)[^，,。]{1,14}$")
# Asking leave to speak ("我能不能说一句" "插一句啊"): a courtesy to the room, no proposal.
# (not "说句良心话": an idiom that goes on with what is said)
LEAVE = re.compile(r"^(?:我)?(?:也|再)?(?:能不能|可不可以|可以)?"
                   r"(?:插一?|(?:说|讲|补充?)[一两几])句$")
# A frame said without a pause before the proposal ("我的建议是在溪边装一个……", as speech
# recognition writes it): the frame ends at its 是, as if a comma followed; not a header
# ("我的想法是这样的：" "我的建议是两条").
FRAME_RUN = re.compile(r"(?:^|(?<=[，,。！？!?；;\s]))(?:所以|那)?(?:我|我们)的?"
                       r"(?:建议|想法|意思|提议|意见)(?:就)?是(?=[^，,。：:；;！？!?\s的])"
                       # (a count that heads points: "我的建议是两条：", not a phrase that
                       # starts with one: "我的建议是两条腿走路")
                       r"(?!这样|这么|如下|以下|[一两二三四五六几]+[条点个项]"
                       r"(?:建议|意见|想法)?(?:[，,。：:；;！？!?\s]|$))")
# Thanks and sign-offs ("谢谢大家" "就这些"): what follows a point is not its detail.
COURTESY = re.compile(r"^(?:谢谢|感谢|多谢|就这些|就说这些|我就说这些|我说完了|完毕)")
# The words that open a headline's detail ("具体来说，……"): not part of the proposal.
DETAIL_LEAD = re.compile(r"^具体(?:可以|来说|而言|包括|做法是|是)?[：:，,]?")

# Follow-up items (actions.py, action_text.py): who commits, to what, and what is no pledge.
# A unit assigned by a frame: "由县住建局负责" "交给社区" (not 理由, 自由, 经由, 由于).
ASSIGN_BY = re.compile(r"(?<![理自缘经])(?:交由|交给|委托|由)(?!于)")
# The moderator's request to a unit: "请县交通局牵头" (not 请问, 请大家, 申请, 邀请).
ASSIGN_ASK = re.compile(r"(?<![申邀])(?:请|责成)(?!问|教|示|来|到|大家|各位|你们)")
# What follows a unit named in a frame when it is not the one assigned: a partner ("请X全力
# 配合"), or the people who serve ("由社区卫生服务中心护士为老人上门……": the speaker's side
# answers for it).
NOT_ASSIGNED = re.compile(r"^(?:全力|积极)?(?:配合|协助)|^(?:的)?(?:护士|医生|工作人员|人员|干部|"
                          r"网格员|志愿者|老师|民警|队员|师傅)")
# ... nor the one the chair gives the floor ("下面请社区卫生服务中心朱主任回应……" "请交警大队的同志
# 介绍一下"): a turn to speak, not a task (a person's name or title may come between).
HANDS_OVER = re.compile(r"^(?:的)?[^，,。请]{0,5}?(?:回应|发言|介绍|谈谈|讲讲|说说|讲两句|说两句|"
                        r"谈一谈|讲一讲|说一说)")
# Words that frame a unit as assigned, before its name (in the item's text, they go).
ASSIGN_FRAME = r"(?:交由|交给|委托|由|请|责成|希望|要求)"
# A proposal's or a request's lead before the unit named: "我建议由……" "请……".
ASSIGN_LEAD = re.compile(r"^(?:我们?|我个人)?(?:希望|建议|提议|请|要求|责成|交由|由|让)")
# A proposal cue in what a non-chair says: the item is proposed, not committed.
# ("一户一户看能不能装": whether it can be, a check the unit makes, not a proposal.)
# (not "看看能不能" "评估能不能用": a question a task will answer, embedded in it)
ITEM_PROPOSAL = re.compile(r"建议|希望|最好|应该|应当|可以考虑|呼吁|(?<![看估究证断试])能不能|能否|"
                           r"(?<![看估究证断试])可不可以|可否|是不是可以|我觉得|我想|我认为|我的想法")
# A proposal the unit answers by taking it up ("进度公示这个建议很好，我们局负责……" "罗委员的
# 建议很好，我们采纳，……" "这个意见我们采纳"): the word names another's proposal, it makes the
# item no proposal of the speaker's (its words are passed over when ITEM_PROPOSAL is looked for).
PROPOSAL_TAKEN = re.compile(r"(?:建议|意见|想法|提议)(?:提得|讲得|说得)?(?:很|非常|挺|也|都)?"
                            r"(?:好|不错|可行|实在|在理|对)|"
                            r"(?:采纳|赞成|同意|接受)[^，,。]{0,8}?(?:建议|意见|想法|提议)")
# A head over the tasks that follow, after the unit that takes them on: "我们站这样办：" "我们合作
# 社先做两件实事。" "我们公司这里表个态：" "我们镇里定了，"; it names the unit, it is no task.
OWN_HEAD = re.compile(r"^(?:(?:具体)?(?:这样|这么)(?:办|做|落实|安排|弄|搞)|"
                      r"(?:自己)?(?:先|再|也)?(?:做|办)(?:好)?"
                      r"[一两二三四五几]件(?:实)?事|(?:在?这里|这边)?表(?:一?个|一下)?态|定了|决定)$")
# The speaker putting forward a proposal of their own ("我的想法是，" "我建议，"): what follows is
# proposed, even when it names who is to do it.
OWN_PROPOSAL = re.compile(r"我(?:的)?(?:建议|想法|意见是|提议)")
# The chair taking up a unit's commitment ("按今天表的态" "刚才表态的" "按刚才说的" "县住建局表态
# 年底前……" "这是今天部门的承诺"): the item restates it, whatever words it keeps.
REFERS_BACK = re.compile(r"按(?:刚才|今天)|(?:刚才|今天)[^，,。；;]{0,8}?(?:表的态|说的)|"
                         r"表(?:了|过)?(?:的)?态|承诺|答应的")
# What "我们局" / "我们公司" goes on to say it does ("我们局纳入……" "我们公司正在……"), or the
# means it puts in, counted ("我们厂出三台吊车" "我们站派两个人"): a unit pledging its own
# machines, people or money is taking the task on.
OWN_PREDICATE = re.compile(r"^(?:[把将对给为向从在到纳列]|马上|立即|全部|统一|正在|准备|"
                           r"(?:出|派|抽调?|拿出)(?=[\d一二两三四五六七八九十几]+(?:个|台|辆|名|人|"
                           r"套|支|万|千)))")
# What follows "我们局" / "我们公司" when the speaker puts their unit at the head of a task, with
# no deadline ("我们局负责督促物业整改"): the explicit frame of a commitment, as 由X负责 is; not a
# remit ("我们局负责交通这一块" "我们负责的") nor a duty one shares ("负责配合").
OWN_FRAME = re.compile(r"^(?:来)?(?:负责|牵头)(?!的|配合|协助|[^，,]{0,8}(?:这一?块|方面|工作)$)"
                       r"(?=[\u4e00-\u9fff]{2})")
# ... or, said plainly, what the unit itself does, right after it is named ("我们中队派两名民警……"
# "镇里统一安排三辆货车……" "我们把粮站北门纳入巡查范围" "这一条我们写进分配办法" "由我局协调各管线
# 单位……" "我们局要求长者食堂……"): a few words of when or how, then a verb by which a unit puts in
# its own people or means, or binds itself; with no deadline, a commitment all the same (not a
# remit: "负责" alone is OWN_FRAME's; nor what it did: NO_PLEDGE).
OWN_UNDERTAKES = re.compile(r"^(?:(?:每天|每周|每月|每个月|早晚|各|都|统一|也|就|再|先|马上|立即|"
                            r"一起)*"
                            r"(?:加派|派(?!出所|人来)|安排(?!了|过|的|是)|开设|开通|协调(?!起来)|要求)"
                            r"(?=[\u4e00-\u9fff“]{2})|把[^，,]{2,20}?(?:纳入|列入|写进|写入)|"
                            r"(?:写进|写入|纳入|列入)[^，,了]{2,})")
# A unit's role told with a bare verb of running the whole ("一期工程由我们公司负责实施" "日常由
# 物业负责管理"): a remit, not a task (with no deadline, a business commits nothing by it).
REMIT = re.compile(r"(?:负责|牵头)(?:组织)?(?:实施|建设|运营|管理|运行|施工|维护|管护)$")
# "我们局负责，……" said with a pause: the frame heads the clause after it.
OWN_FRAME_ALONE = re.compile(r"^(?:来)?(?:负责|牵头)$")
# After another party named as the subject of a dated clause, the adverb of what is expected
# of it ("下周厂家就来换" "月底前施工队也会撤场"): the speaker tells what to expect, no pledge of
# their unit (a pledge's subject goes on with 要, 将, 负责 ...).
EXPECTED = re.compile(r"(?:就|也|才|都)")
# The verbs that act on a thing made before, said at the end of an item with no object ("……，
# 月底前开会表决" "……，下周验收"): what they act on is what the item before brought out.
ON_MADE = re.compile(r"(?:表决|审议|审定|验收|公示|印发|备案|报批|签字|讨论通过)$")
# A deadline's clause that points back to what was just said ("……，这个一个月内完成").
POINTS_BACK = re.compile(r"^(?:这个|这些|这项|这件事?|这块|以上)(?:工作|事情?)?")
# A duty set by others (上级要求, 按照文件): what the rules say, not a pledge of the speaker's.
OTHERS_RULE = re.compile(r"(?:省|市|县|上级|国家|文件|政策)[^，]{0,3}(?:要求|规定)|按照|根据")
# No pledge: what was done or planned before, what is usual, what is doubted, asks of everyone
# (but a thing of the past as the object: "把去年这十七户的补偿款打到户").
NO_PLEDGE = re.compile(
    r"已经(?![^，]{0,8}的)|(?<![把将对给])(?:去年|前年)|上个?月|上周|曾经|一共|早就|当时|原计划|原定|本来|原本|"
    r"(?<![定])了(?:[一二三四五六七八九十两几\d]|，|$)|(?:一般|通常)(?=[都是在会要就])|平时|往年|"
    r"(?:完成|做|办|赶|来)不(?:了|到|及)|无法|不(?:太)?现实|不太可能|很难|难以|(?<![说讲])的话|谈不上|"
    r"(?:时间)?(?:太|比较|有点)(?:紧|赶)|"
    r"请(?:大家|各位)")
# ... nor what another said, reported ("刚才卢主任说天桥年底前开工": their words, which the speaker
# may go on to correct), by a person named or called by title before 说/讲/提到.
REPORTED_SAY = re.compile(r"^(?:刚才|刚刚|前面|之前)[^，,。我]{1,8}?(?:说|讲|提到)"
                          r"(?![的了过明清好完])")
# ... but work under way ("已经请设计院在做"), told before the clause that dates the pledge.
UNDER_WAY = re.compile(r"已经[^，,]*在(?:做|办|搞|弄|编|推进|进行|落实)")
# A hedged reply promises nothing, wherever in the item it is said: 原则上支持, 积极争取,
# 下一步研究, 统筹考虑, 会后商量 / 会后研究, a study with no object (请设计单位一起研究).
HEDGE = re.compile(r"原则上|积极争取|下一步(?:再)?研究|研究研究|统筹考虑|认真考虑|"
                   r"会后(?:再)?(?:商量|研究)|(?:一起|再|共同|好好)研究(?:一下)?(?:[，,。；;]|$)")
# A pledge on a condition of others, said anywhere before it ("要是镇里能补一块，村集体再凑一点，
# 争取春耕前修起来"), is hedged too.
ON_CONDITION = re.compile(r"(?:^|[，,])(?:要是|如果|假如|若是|只要)[^，,]{0,12}?"
                          r"(?:能|肯|愿意|同意|支持|批(?:了|下来)|下来了|到位了?)")
# ... as is one on others' money or approval coming ("只要省里的资金下来了，我们一个月内拨付").
# A time said in a clause that ends on "……的时候" ("我们去年下半年走访的时候" "明年开春播种的
# 时候"): it says when something happens, a circumstance, not by when a task is due.
AT_THE_TIME = re.compile(r"的时候$")
# A time said in a clause of purpose ("……，不耽误大家四月中旬泡田"): what the item is for, not
# when it is due.
FOR_PURPOSE = re.compile(r"^(?:好|也|就)?(?:不耽误|不影响|不误|以免|免得|好让|以便|赶得上|赶上)")
# A time limit counted from each case, not from the session ("接报后2小时内到场", "“接报两小时内回
# 电”", "路面修好后三年内不准再挖", "审批时限压缩到20个工作日以内", "明确简易案件15个工作日内作出结
# 论"): the standard the item sets, not when it is due. Said in the limit's clause before it: an
# event ("……后", not 会后: after the meeting is from now), a case coming in, a limit named as such.
FROM_EVENT = re.compile(r"(?<!会)(?:后|以后|之后)$|(?:接报|接到|收到|受理|上报|报修|报案|来电)"
                        r"[^，,。]{0,10}$|时限|期限|(?:压缩|缩短|控制)(?:到|在)|明确")
# ... or in the clause before it, a case coming in ("投诉由患者服务中心受理，二十四小时内给答复",
# "医院发现学生聚集性病例，两小时内……"; not "发现的问题": the problems found, a thing).
# (and cases handed on, named as such: "12345转过来的供热工单，我们两个工作日内回复")
CASE_ARRIVES = re.compile(r"(?:受理|接报|上报|报修|推送|发现|投诉)(?!的)|"
                          r"(?:转过来|转来|转办|派发|交办)的[^，,]{0,4}?(?:工单|件|案件|投诉|诉求|问题)")
# A day named as one told of ("七月十二号那天" "去年汛期那次"): when something happened, no
# deadline.
TOLD_DAY = re.compile(r"^(?:那天|那晚|那次|那回|那会儿?|那几天)")
# A day counted from each case ("问题当月解决" "当天报城管"): the standard the item sets.
EACH_CASE_DAY = re.compile(r"^当(?:天|日|月|周|年|晚)$")
# The verbs of a commitment, for an item without a deadline (由X负责……) or the likeliest one;
# making public (公示, 公布) is a task as much as building is.
COMMIT_VERB = re.compile(r"负责|牵头|完成|组织|出台|落实|表态|推进|开展|制定|建成|解决|整改|安排|"
                         r"启动|实施|研究|答复|报送|整理|修|建|公示|公布")
# The words before an item's verb phrase that are not its "what": links, timing, modals.
ITEM_LEAD = re.compile(r"^(?:另外|此外|同时|然后|还有|再就是|那么|下一步|会后|这次|就|先|在这里|"
                       r"当场|请?你们|一定|确保|保证|争取|力争|务必|预计|计划|准备|打算|要|将|会(?![同议])|"
                       r"这(?:个|件|项)(?:事情?|工作|问题))+")
# A clause that refers back to a topic ("关于……" "刚才说的……"): its reference words go.
TOPIC_REF = re.compile(r"^(?:关于|对于|至于)|"
                       r"^[^，]{0,12}?(?:刚才|前面|刚刚)?(?:说|讲|提|提出|反映|[谈讲提说]到)的")
# ... and a clause that says whom or what the item is done to, the target set apart before it
# ("对八十岁以上的独居老人，一个月内免费安装燃气报警器"; not 对不起, 对了, 对的, 对这个我们…).
TARGET = re.compile(r"^(?:对|针对|为)(?!不起|了|的|啊|吧|我|你|他|大家|此|这个问题)[^，,]{2,}$")
# A clause before the item that is a story, a comment or a reply (or a speech act: 再强调一下),
# not the topic it is about.
NOT_TOPIC = re.compile(r"^(?:好|是的|对|谢谢|感谢)|[我你他她咱也很都还了吗呢吧啊]|大家|已经|"
                       r"确实|其实|肯定|马上|现在|打算|准备|可以|应该|觉得|认为|[这那](?:个|样|是)|"
                       r"没有|不是|不能|表.{0,2}态|明确|就是|说|讲|补充|回应|[是请]|以后|之后|"
                       r"可能|理解|这边|^(?:不等|不管|不论|无论|只要|等到)|有(?:一|两|几|个|块|些|\d)|"
                       r"强调|重申|提醒")
# A pledge's own frame, said in the item's clause ("停车的事我们公司表个态，……"): not its "what".
PLEDGE_FRAME = re.compile(r"(?:在这里|这里)?表(?:一?个|一下)?态")
# ... but a thing named with what is said of it now ("油车弄现在不亮的十七盏灯", "我们电信挂在
# 杆上的线缆") is a topic: a noun phrase, "……的" and its head, that tells no story (nor the
# pledges: "部门今天表的态").
THING = re.compile(r"^[^，,]{1,18}的[^，,的]{1,6}$")
STORY = re.compile(r"[我你他她咱吗呢吧啊是]|了(?!的)|^(?:好|是的|对|谢谢|感谢)|[这那]是|不是|没有|"
                   r"大家|表.{0,2}态")
# A person asked into a role ("请老周当组长" "请王医生担任顾问"): the speaker's side arranging its
# own task, not a request to the session nor the end of the item.
_APPOINTED = r"[^，,。]{1,6}?(?:当|担任|出任)"
APPOINTS = re.compile(rf"请{_APPOINTED}")
# A clause after the item that starts something else: an example, a reason, a condition
# ("用得好再推开"), another speaker's or topic's turn.
# (not "请有资质的机构检测": a provider the unit engages, part of its task; nor one it has
# vouch for or check its work, "请公证处全程公证" "请县司法局的律师把关" "请公证员到场")
# (nor the chair's sign-off after the last item: "散会" "谢谢大家")
_ENGAGED = r"[^，,。]{1,12}?(?:全程)?(?:公证|把关|到场|见证)"
FOLLOW_STOP = re.compile(rf"^(?:(?:也|再|同时)?请(?!有资质|专业|第三方|{_APPOINTED}|{_ENGAGED})|"
                         r"就是|也就是|比如|例如|因为|"
                         r"散会|谢谢|感谢|"
                         r"主要|这个|这样|这是|其中|我们|大家|"
                         r"我(?:也|还|再|就)?(?:提|建议|想|觉得|认为|看)|"
                         r"你|他|如果|要是|假如|等到?|但是|不过|所以|到时候|需要|可以|"
                         r"[^，]{1,2}得(?:好|顺|成)|这些|那样|至于|关于|"
                         r"[^，]{0,10}(?:要等|得等|等到|争取|力争|尽量)|"
                         r"[^，]{1,8}的(?:事|问题)(?:情)?(?:[，,]|等|要|我们|还|再|$))")
# An item that does "all of it" with no object of its own ("全部拆除到位" "全部弄好"): its
# object is the things named before (action_text._things_done), not what cannot be done
# ("管子修不了、查不了") nor the speaker's own words.
ALL_OF_IT = re.compile(r"^(?:全部|全都|都|一并|统统|一律)")
CANNOT = re.compile(r"不(?:了|到|成|通|动)|没(?:法|有)|难")
CONDITION_LEAD = re.compile(r"^(?:不等|不管|不论|无论|只要|等到?|如果|要是)")
PERSONAL_WORDS = re.compile(r"[我你您咱]|大家")
# An item's verb phrase with no object of its own: a verb and its result after a few adverbs
# ("尽快清运掉" "给装上" "装好"), or an object that points back ("自己把它拆掉" "把那段挡墙砌起
# 来"): what it is done to was named in the clause right before ("二楼还堆着一批旧桌椅，我们
# 尽快清运掉"; action_text.what), story or not.
VERB_ONLY = re.compile(r"^(?:自己|先|都|也|再|就|马上|立即|尽快|全部)*(?:给|帮)?"
                       r"(?:[\u4e00-\u9fff]{1,2}(?:好|掉|上|完|起来)$|(?:把|将)(?:它(?!们)|"
                       r"(?:这|那)(?:个|段|些|块|处|条|几[个处条段块])))")
# Verbs of two characters that "把X……起来/出来" may carry (把台账整理出来 -> 整理台账).
RESULTATIVE_VERBS = tuple("组建 整理 建立 确定 落实 制定 梳理 统计 搭建 筹备 编制 清理 修复 "
                          "建设 组织 固定 排查 汇总 拿出 提出 公示 公布 平整 收容 成立 议定 "
                          "安装".split())
# Another unit's duty after the item ("镇政府要配合……"): its verbs after the unit's name.
DUTY = re.compile(r"(?:也|还)?(?:要|将|会|来|负责|牵头|配合|协助)")
# Who helps, not what is done: "县财政局、各村配合".
SUPPORT = re.compile(r"(?:配合|协助|参与|支持)$")
# What says "by then" before a deadline (not the 要 of 纪要, 需要 ...).
BEFORE_DEADLINE = r"(?:(?<![纪摘需重主只])要|将|会|争取|力争|计划|确保|保证|在|于|^是)*(?:从|自)?"
# What says "from then on" after a day said as a start ("从下周一起"): it goes with the day.
AFTER_DEADLINE = r"(?:起|开始)?"

# A turn that takes up what another speaker said: "赞成包老师的意见，……" "宋园长讲的持证上岗，
# 我补充一点" (a name or a title before 讲的/说的/提的): its proposal may restate theirs in
# other words.
REFERS = re.compile(r"(?:赞成|同意|赞同|认同)[^，,。]{0,12}?(?:意见|建议|想法|提议|说法|讲的|说的)|"
                    r"(?:委员|老师|师傅|书记|主任|局长|所长|园长|院长|[^\s，,。我你他她]总|"
                    r"[^\s，,。我你他她]工|[^\s，,。我你他她]老|老伯|大姐|大哥|同志|代表|教授|医生|老板|女士|先生|"
                    r"阿姨|大爷|大妈|大叔|大家)(?:刚才|刚刚)?(?:讲|说|提)的")

# A proposal that opens by backing what a named person said ("赞成老李说的，把……" "同意王老师的
# 意见，……"): it restates theirs, in the backer's words; ``who`` is how the person is called.
BACKED = re.compile(r"^(?:我)?(?:也|很|完全)?(?:赞成|同意|赞同|认同|支持)"
                    r"(?P<who>[^，,。我你]{1,8}?)(?:刚才|刚刚|前面)?(?:说|讲|提)?的(?:意见|建议|想法|提议|说法)?$")
# The forms of address around a surname in ``who`` ("老李" "李老" "李老师" "王委员").
ADDRESS = re.compile(r"^(?:老|小|阿)|(?:老师|师傅|委员|书记|主任|局长|所长|园长|院长|总|工|老|"
                     r"伯|大姐|大哥|大爷|大妈|大叔|阿姨|姐|哥|叔|婶|嫂|同志|代表|教授|医生|老板|"
                     r"女士|先生)$")

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
    remarks: bool = False  # it announces remarks ("讲两点" "谈几点看法"), not proposals


def _header(m: re.Match[str], spoken: str, piece: str, taken: int) -> Frame:
    clause = m.group()
    count = m.group("count") or next(iter(COUNT.findall(m.group("mid") or "")), None)
    after = piece.find(spoken) + len(spoken)
    number = _COUNTS.get(count[0], LIST) if count else 1  # "补充一点意见": a remark
    introduces = (clause.endswith(("是", "如下")) or bool(m.group("so"))
                  or piece[after:after + 1] in _COLON
                  or (number == 1 and m.group("noun") in OFFERED
                      and (any(v in (m.group("mid") or "") for v in "有提")
                           or (count is not None and bool(piece[after:].strip("：: ，,"))))))
    # "我有个想法，" "我这里就一个建议，……": the one proposal follows (in the same sentence)
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


@lru_cache(maxsize=4096)
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
    """The frame among the clauses: the first three, and a handing-over one further on. A
    remark that announces nothing ("我补充一点，" "我想说，") lets a later frame that introduces
    the proposal ("……，我的建议是，……") take over."""
    remark: Frame | None = None
    for i, spoken in enumerate(parts):
        if i >= 3 or remark is not None:
            frame = _late_frame(parts, i, piece)
            if frame is not None and (remark is None or frame.introduces):
                return frame
            continue
        clause = PARTICLE.sub("", spoken)
        counted = COUNTED.search(clause)
        after = piece.find(spoken) + len(spoken)
        if counted and piece[after:after + 1] in _COLON:
            return Frame(i + 1, _COUNTS.get(counted.group("count"), LIST), False, True)
        if INTRO.match(clause) or _thinks(parts, i):  # "我建议，……": what follows is the
            return Frame(i + 1, 1, True)  # proposal
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
            frame = Frame(i + 1, number if number > 1 else 0, False,
                          piece[piece.find(spoken) + len(spoken):][:1] in _COLON,
                          _remarks(clause))
            if frame.announces:
                return frame
            remark = frame
        elif SAYING.match(clause):  # "我想说，"
            remark = Frame(i + 1, 0, False)
    return remark


def _thinks(parts: list[str], i: int) -> bool:
    """"我想，……": the speaker's thought said alone, before a clause that is neither their
    side nor a wish of what would have been."""
    return (bool(THINKS.match(PARTICLE.sub("", parts[i]))) and i + 1 < len(parts)
            and not THOUGHT_NOT.match(parts[i + 1].strip()))


def _late_frame(parts: list[str], i: int, piece: str) -> Frame | None:
    """A frame past the first clauses counts when it introduces what follows in the piece
    (我的意见是，……) or announces a list at the piece's end (我讲两条：)."""
    clause = PARTICLE.sub("", parts[i])
    last = i == len(parts) - 1
    if (INTRO.match(clause) or _thinks(parts, i)) and not last:
        return Frame(i + 1, 1, True)
    m = FRAME.match(clause)
    if m and not NOT_FRAME.search(m.group("mid") or ""):
        frame = _header(m, parts[i], piece, i + 1)
        if (frame.introduces and not last) or (last and frame.announces > 1):
            return frame
    if last and TALK.match(clause):  # "……，所以我讲两条：": the two points follow
        count = COUNT.search(clause)
        return Frame(i + 1, _COUNTS.get(count.group()[0], LIST) if count else LIST, False,
                     piece.rstrip()[-1:] in _COLON, _remarks(clause))
    return None


def _remarks(talk: str) -> bool:
    """Points announced as remarks ("讲两点" "谈几点看法"), not as opinions (意见) put forward."""
    m = TALK.match(talk)
    return m is None or m.group("noun") != "意见"


def prescribes(piece: str) -> bool:
    """"……要……，不要……" / "……要……，不然……": what to do, and what not to (or else). A clause
    of whichever ("哪个再半夜挖口子，要按村规民约罚，……，不然……") sets who, it does not ask."""
    parts = clauses(piece)
    asks = any(ASKS.search(c) for c in parts if not WHICHEVER.search(c))
    if asks or not any(PROHIBITION.match(c) or WARNING.match(c) for c in parts):
        return False
    return any(("要" in WEAK.findall(c) or IMPERATIVE.match(c) or CHOICE.match(c))
               and not PROHIBITION.match(c) for c in parts)


# "哪个……了，……就……": whichever it is, then; a condition, not a result.
WHICHEVER = re.compile(r"^[^，,]{0,4}(?:哪(?:个|家|里|儿|些|位|天|条)|谁家)")


# "能放东西，也能坐下来歇一歇": a second use said after a first, by the same modal, is one more
# thing the proposal is for (what it would be), not what comes of it.
ALSO_ABLE = re.compile(r"^(?:也|还)(?P<modal>能|可以)")


def parallel(before: str, clause: str) -> bool:
    """Is ``clause`` ("也能……") the second of two uses said by the same modal as ``before``
    ("能……")?"""
    m = ALSO_ABLE.match(clause)
    return m is not None and before.startswith(m.group("modal"))


def reason(clause: str) -> bool:
    """A clause after the proposal that gives its reasons or what will come of it; not one
    that lists what the proposal covers ("停车、民宿、漂流都能在手机上预约")."""
    if RATIONALE.match(clause):
        return True
    if WHICHEVER.search(clause):  # "哪个路段积水了，导航上就提示": a condition for what follows
        return False
    result = RESULT.search(clause)
    return bool(result and not PROHIBITION.match(clause) and "、" not in clause[:result.start()]
                and not REQUIREMENT.search(clause))


# "……合格了才能……" "……以后才可以……": only once it is done may the next be, a condition the
# proposal sets (its terms), not what will come of it.
REQUIREMENT = re.compile(r"(?:了|后|以后|之后)才(?:能|可以)")


# What others are asked to do, after an offer: "……，由社区安排志愿者管理".
OTHERS_DO = re.compile(r"^(?:再|另外|同时)?(?:由|交由|交给|请|让)")


def without_offers(piece: str) -> str:
    """The piece without the clauses in which the speaker's own side offers something (all of
    it after a condition: "如果需要，我们可以……"), and the offer's terms after it ("我们愿意
    入股，具体多少再谈") unless a proposal is made explicitly after it."""
    if CONDITIONAL_OFFER.match(piece):
        return ""
    side = SIDE_OFFER.search(piece)
    piece = piece[:side.start()] if side else piece
    pos = 0
    for clause in clauses(piece):
        at = piece.find(clause, pos)
        pos = at + len(clause)
        if OFFER.search(clause) or (BARE_OFFER.search(clause) and not explicit(piece[:at])):
            after = piece[pos:]  # the offer's terms ("具体入多少要回去商量") go with it, up to
            # what others are asked to do ("由社区安排……") or a proposal made explicitly
            # ... or what the speaker introduces as their proposal ("所以我的建议是，……")
            rest = next((c for c in clauses(after)
                         if OTHERS_DO.match(c) or explicit(c) or OPENS.match(c)), None)
            after = after[after.find(rest):] if rest else ""
            piece = piece[:at] + ("，" + after if after else "")
            pos = at
    return _PUNCT_RUN.sub(lambda m: m.group()[-1], piece).strip("，,、 ")


ASK_REACH = 1  # clauses after a cue that may still make it a question ("能不能，告诉我们……")
# ... and clauses before it in which an asking word ("什么时候" "到底") still does ("到底什么时候
# 修，能不能给个准话"); one asked further back is a question of its own, put before the proposal
# in the same long spoken sentence ("……到底什么时候封路，……，我想提的就是，……能不能……").
ASK_BACK = 0


# Words that only look like asking: a question told to a third party ("跟导航公司说一下": tell
# them, not us) or embedded after seeing or knowing ("让家长看到饭是怎么做的").
EMBEDDED = re.compile(r"(?:跟|和|向)(?!我|咱)[^，,。]{1,8}?(?:说|讲|反映|沟通)(?:一下|一声|说)?|"
                      r"(?<![不没])(?:看到|看得到|看见|知道|了解|清楚|明白)[^，,。]*")


# A question the speaker reports having asked ("问他们能不能上门换管子，说没有护士"): not put now.
REPORTED = re.compile(r"问(?:过|了)?(?:他们|他|她|人家|对方)?$")


def _cues(pattern: re.Pattern[str], text: str) -> bool:
    """Whether the text has a cue that is not only asking: an asking word in the cue's clause,
    or in the one after it, makes "能不能……" a question; one further on does not ("能不能装一个
    闸，……，上坑多少，下坑多少"); a question reported ("问他们能不能……") is none."""
    found = [m for m in pattern.finditer(text)
             if not (QUESTION_CUE.match(m.group()) and REPORTED.search(text, 0, m.start()))]
    if not found:
        return False
    if not all(QUESTION_CUE.match(m.group()) for m in found):
        return True
    asked = text[_clause_start(text, found[0].start(), ASK_BACK):]
    return not (ASKING.search(EMBEDDED.sub("", asked)) or any(_asks_near(text, m) for m in found))


def _clause_start(text: str, at: int, back: int) -> int:
    """Where the clause ``back`` clauses before the one of ``at`` starts."""
    start = at
    for _ in range(back + 1):
        start = max(text.rfind(c, 0, start) for c in "，,：:")
        if start < 0:
            return 0
    return start + 1


def _asks_near(text: str, m: re.Match[str]) -> bool:
    """Near the cue, an asking word, an "A不A" question ("……，镇里支持不支持") or a bare verb
    ("能不能办"): the cue asks."""
    near = _near(text, m.start())
    return bool(ASKING_NEAR.search(near) or A_NOT_A.search(_CUE_WORDS.sub("", near))
                or BARE_DO.match(_clause_after(text, m.end())))


# The asking cues themselves, left out before an "A不A" question is looked for near a cue: a
# second "能不能" in the next clause ("……能不能说一句，补贴能不能涨一点") asks nothing.
_CUE_WORDS = re.compile(r"能不能|可不可以|是不是(?:可以|能)")


def _clause_after(text: str, at: int) -> str:
    """What the clause says after ``at``, up to its end."""
    end = min((i for i in (text.find(c, at) for c in "，,：:。？?") if i >= 0), default=len(text))
    return text[at:end]


def _near(text: str, at: int) -> str:
    """The text from the clause of ``at`` to the end of the next ``ASK_REACH`` clauses."""
    start = max(text.rfind(c, 0, at) for c in "，,：:") + 1
    end = at
    for _ in range(ASK_REACH + 1):
        nxt = min((i for i in (text.find(c, end) for c in "，,：:") if i >= 0), default=len(text))
        end = nxt + 1
    return text[start:end]


@lru_cache(maxsize=8192)
def explicit(text: str) -> bool:
    """Whether the text puts something forward (建议, 能不能 that is not only asking ...)."""
    return _cues(EXPLICIT, text)


@lru_cache(maxsize=8192)
def strong(text: str) -> bool:
    """Whether the text proposes by an explicit or an obligation cue."""
    return explicit(text) or bool(OBLIGATION.search(text))


# --- Plain proposals: what should be done, said with no proposal word (suggestions.py) -----
# People in a hall often say the proposal as a bare statement of the action to be taken
# ("门口搭个棚子" "晚上那一档延到九点半呗" "门口装上灯"): Mandarin marks it as not yet done by
# the verb's complement (a count of what is to be made, where or what it is to become, its
# result) with no perfective 了/过, no negation and no subject of the speaker's own side. A
# clause of that form is a proposal when nothing in it tells a story, states what exists or
# asks (the filters below); the verbs are those of doing something to the place or the
# service, not of saying or of moving about.
_PLAIN_VERB = (r"(?P<verb>提前|推迟|延长|加装|安装|增设|设立|配备|开通|搭建|建立|成立|组织|安排|"
               r"征集|培训|公示|公开|平整|硬化|清理|"
               r"装|加|配|设|建|搭|弄|搞|办|开|放|挂|贴|画|划|立|修|铺|做|买|派|招|选|发|留|备|"
               r"换|挪|移|搬|延|改|腾|扫|盖|竖|砌|刷|封|补|种|定|标|写|给|评|穿|挖)")
# ... the count of what is to be made or given ("搭个棚子" "配一个洗手池" "放几条长凳")
_MADE = (r"(?:[一两二三四五六七八九十几]?(?:个|台|块|道|条|张|份|套|批|名|盏|排|面|根|间|处|"
         r"支|辆|部|座|片|些)|[一两]?点(?=[\u4e00-\u9fff]{2}))"
         # (not a length of time: "放一个晚上" "摆两个钟头" tell how long)
         r"(?!晚上|早上|上午|下午|中午|白天|钟|小时|月|星期|礼拜|季度|年|人|性|体)")
# ... where or when it goes, what it becomes ("挪到北边" "延到九点半" "改成陈列馆")
_WHERE_TO = r"(?:到|成|为|进(?![去来]))(?![了过])"
# ("开到" only of the hours a place is open, "开到晚上九点": "车开到门口" tells a story)
_OPEN_TILL = r"开到(?=晚上|夜里|早上|[\d一二三四五六七八九十]+点)"
# ... its result ("装上灯" "扫干净" "配齐" "换掉"), or the action tried ("挪一挪" "培训一下");
# not a direction (划出来 定下来 建起来), by which the action is mostly the case of what
# follows ("标准定下来，大家照着做" "冷库建起来，……")
_RESULT = r"(?:上(?![去来])|好|齐|干净|清楚|掉|一下)(?![了过的])"
PLAIN_ACTION = re.compile(
    rf"{_OPEN_TILL}|(?!开到|加起来|加上|配套){_PLAIN_VERB}"
    rf"(?:{_MADE}[\u4e00-\u9fff]|{_WHERE_TO}[^，,。]|{_RESULT}|一(?P=verb))"
    # ... or a rule for how a thing is to be run: taken into a scheme ("纳入年度考核"), handed
    # to someone to run ("交给社会组织来做"), made known to or asked of the public ("向居民
    # 公开一次" "向居民征集"); (拉 only of what is put up, "拉上一道围栏": "拉到镇上卖" tells
    # a trade)
    r"|拉上(?=[一两]?[道条根个张])|纳入(?=[\u4e00-\u9fff]{2})"
    r"|交(?:给|由)[^，,。]{2,12}来(?:做|管|办|运营)|向[^，,。]{1,8}(?:公开|公示|征集|通报)")
# The particles of a suggestion closing an action clause ("早点开门嘛" "门口挪一挪呗"): they
# soften a proposal, and the verb needs no complement then (not 吧, which also guesses).
PLAIN_PARTICLE = re.compile(r"(?:嘛|呗)$")
PLAIN_VERB = re.compile(_PLAIN_VERB)
# A procedure: what is done first, then what next ("先做安全鉴定，再定方案"), said as the way
# to go about it.
PLAIN_FIRST = re.compile(r"^(?:都|就)?先(?![了过])[\u4e00-\u9fff]{2,}")
PLAIN_NEXT = re.compile(r"^(?:然后|再)(?![了过说])[\u4e00-\u9fff]{2,}")
# Not yet done: a perfective or experiential 了/过 (but the "that is all it takes" 就行了 at
# the end) tells what happened; a negation, what is not done.
PLAIN_DONE = re.compile(r"[了过着](?!解|去|来|程|期|年)|已经|曾经")
PLAIN_ENOUGH = re.compile(r"(?:就|也)(?:行|好|可以|成)(?:了|啦)?$")
PLAIN_NEGATED = re.compile(r"[不没别莫甭未]")
# A story: when it happened ("去年……" "上回……" "那时候……"), in the clause or right before it
# (not "晚上回来": 上回 there is no time) ...
PLAIN_WHEN = re.compile(r"去年|前年|第二天|到现在|至今|"
                        r"(?<![晚早马路])上个?(?:月|礼拜|星期|周|回|次)|那天|那时|当时|当年|以前|原来|后来|昨天|前天|刚才|那阵|小时候|"
                        r"年轻的时候|听说|据说")
# ... what is done as a habit ("一直" "天天"): in the action clause a habit told; before it,
# the complaint the proposal answers
PLAIN_HABIT = re.compile(r"一直|每次|天天|老是|总是")
# ... or a fact, what is there or how things are ("有块空地" "是……的"), a question ("谁……"
# "几点……"), a condition; the modal of what can be (能 会) says how it would work.
PLAIN_STORY = re.compile(
    PLAIN_WHEN.pattern + "|" + PLAIN_HABIT.pattern
    + r"|^(?:有|是)|(?<![就都也])有(?![关序效])|是|"
    r"(?<![功技性体智动效])能|(?<![谈大开议例年晚早班宴])会|"
    r"吗|呢$|谁|什么|怎么|哪|多少|几[点个天时次]|为什么|要是|如果|假如|"
    r"只要|一旦|等到?|的话|的时候|以后$|之后$|之前$|"
    # what it costs or takes ("装一个要两三千"), a comparison ("比立个牌子管用", not 评比),
    # what is wanted or said by someone ("想开个……" "说……"), another's proposal taken up
    # ("老李讲的……"), a description (……的)
    r"要[\d一二两三四五六七八九十几半花等]|(?<![评对相])比(?![赛例率重])|想|说|讲的|提的|的$|"
    # how bad it is ("划到这么远的学校"), what was done to someone (被), a span told ("从早上
    # 放到晚上"), what it explains or what rule says so ("根子在……" "按照规定")
    r"这么|那么|被|^从|^就是|根子|在于|按照|规定|做法|"
    # "once it is on" (一开起来……): what happens each time
    r"^一(?![楼层号期年个])[\u4e00-\u9fff]起来|"
    # the action as the topic of what it costs or takes ("买个菜要挤")
    r"个[\u4e00-\u9fff]{1,4}要")
# The speaker or their side as the one who acts ("我们自己带袋子来" "我回去一喊"), or another
# person ("你把摊子挪到角落里", "他开个小店"): an offer or a story, never a proposal to others
# (给我们/让我们 ... says who it is for; 往我们/朝我们 where it goes: "垃圾桶往我们楼后面挪一挪").
PLAIN_OWN = re.compile(r"(?<![给为替帮让跟和对向叫请往朝])(?:我|咱|俺|你|您|他|她)")
# ... or said as the subject of the clause before, which the action goes on with ("我是……的，
# 开个小货车"), unless it only says the speaker thinks or proposes ("所以我想，……")
PLAIN_OWN_BEFORE = re.compile(r"^(?:所以|那|但是)?(?:我|我们|咱们|俺|他|她|他们|她们)"
                              r"(?!觉得|认为|看|想|的意思|的想法|建议|说句)|"
                              # (the speaker's offer going on: "……照片，到时候可以拿出来")
                              r"^(?:到时候|到时|回头)(?:也|还|都)?(?:可以|愿意)|"
                              # (a rule or a practice told: "按照市里的规定，……由……管理")
                              r"按照|规定|做法|已经")
# The place a plain proposal is for, named in the clause before it ("北门保安亭边上，弄一个……").
PLAIN_PLACE = re.compile(r"^[^，,我你他她]{2,10}(?:边上|旁边|门口|那边|这边|那块|这块|那里|这里|"
                         r"里面|外面|里头|上面)$")
# After an action that is only the case ("冷库建起来，电费谁出" "一台电梯装下来，楼前要占掉……"):
# what follows it tells what happens then, the action proposes nothing; so it is when the
# speaker then offers on it ("镇里定下来，我第一个认捐"), or backs what another said ("镇里先
# 搭个棚子，这个好").
PLAIN_THEN = re.compile(r"谁|吗|什么时候|怎么|哪里|从哪|多少钱|就是|要占|[也还都]没|"
                        r"^(?:可是|但是|可)|"
                        r"^(?:那)?(?:我|我们|咱们)[^，,]{0,6}?(?:可以|愿意|第一个|来出|出钱|认捐|负责)|"
                        r"^这个(?:好|行|可以|不错)|赞成|同意|支持")
# Who is to do it, named by 由 ("由村合作社出面，……" "放学时由班主任把学生送到……"): a task
# assigned, proposed (the speaker's own side is left out by PLAIN_OWN).
PLAIN_ASSIGN = re.compile(r"(?:^|时|后)(?:统一|再|也)?由(?!于)"
                          r"[^，,。我你他她]{2,10}?"
                          r"(?:负责|出面|牵头|来|统一|按|把|派|组织|承担|会签)")
# A wish said as a condition and the good it would do ("要是每天能派辆洒水车，……" "要是把水沟
# 盖上盖板，路面就能宽出一截"): the condition proposes the action, when the clause after it says
# what would be better then.
PLAIN_IF = re.compile(r"^(?:要是|如果|假如|若是)(?:能|能够|可以)?")
PLAIN_BETTER = re.compile(r"就能|就不用|就可以|也能|就方便|会[^，,]{0,6}(?:很多|不少)|"
                          r"就好|就[少多]")
# How bad things are, said after the proposal ("老人上下太费劲"): its reason.
PLAIN_REASON = re.compile(r"(?:太|特别|非常|实在)[\u4e00-\u9fff]")


# --- Spans: where a proposal starts and ends (suggestions.py) -------------------------------
# A proposal starts at the clause that carries it; the clauses before it come in only when
# they name what it is about. A clause that tells how things are is the complaint the
# proposal answers, not part of it ("门球场边上光秃秃的，一棵树都没有，……要是能搭个遮阳棚"):
# a state reached (……了, ……着), a lack (没有, 一棵……都没有), a vivid state (光秃秃的
# 黑乎乎), how bad (太/挤得不得了), a sure prediction (肯定), a figure told (八百米, 两三个钟头),
# a question (……怎么来回, 钱从哪里出), a fact said with 是 (是锁着的). Of them, a question
# (QUESTION_BEFORE) is never part of the proposal, however short; the others go only when
# they make it long (suggestions._shed).
QUESTION_BEFORE = re.compile(r"吗$|谁|什么|怎么|哪里|哪儿|从哪|多少|为什么")
DESCRIBES = re.compile(
    r"(?<![为除])了$|(?<![跟沿顺接随照对朝向靠挨按带紧])着(?![急手力重想落])|没有|没得|"
    r"[一半][^，,]{0,3}都(?:没|不)|([\u4e00-\u9fff])\1的?$|不得了|得很|得要命|肯定|"
    r"(?:太|特别|非常|实在|挺|很)[\u4e00-\u9fff]|"
    r"(?:\d+|[二两三四五六七八九十几][一二两三四五六七八九十百千几]*)(?:多|来)?个?多?"
    r"(?:米|公里|里路|块钱|元|分钟|钟头|小时|年)|(?:\d+|[一二两三四五六七八九十几]{2,})块|"
    # ... a story (去年, 那天, 被……), the state now (现在是……), what cannot be (上不去
    # 看不清), what is still so (还是泥巴路)
    r"去年|前年|上个?月|那天|当时|后来|昨天|被|现在|目前|"
    r"不(?:[上下进出过回起开]?(?:去|来)|清|着|动|起|住|到)(?:[，,]|$)|还是(?!要|得|应该|建议|希望|最好)|"
    r"^(?:是|都是|全是)|是[^，,]{1,6}的$|" + QUESTION_BEFORE.pattern)
# A cue clause that opens on its modal or an adverb, with no subject or object of its own
# ("……这段机耕路，要做路面硬化" "每一户的表后面，都加装……"): what it acts on was named in the
# clause before, which the proposal keeps, whatever it says.
BARE_CUE = re.compile(r"^(?:就|都|也|还|再|先|要|得|一定要|必须|应该|可以|最好|能不能|能否|"
                      r"可不可以)(?!把|将|让|给|由|在|对|请)")
# A proposal that points back to a thing or place named before ("在这一段修……" "就用这块地"
# "把它……"): the clause that named it stays.
POINTS_TO = re.compile(r"(?:这|那)(?:一)?(?:段|块|片|条|里|边|儿|个地方|些)|它(?!们)")
# A proposal ends before a clause that, after it, tells how things are now ("……，现在宿舍里
# 冷得跟冰窖一样"): the complaint it answers, a reason; before a caveat the speaker adds
# ("当然安全责任要讲清楚"), a comment on the proposal itself ("这是长远的事情"), or the
# speaker's own doing ("光我一家打没用"): none of them is what is proposed.
TAIL_STOP = re.compile(r"^(?:现在|目前|如今|眼下)(?!起|开始|就)|"
                       r"^当然|^这(?:是|也是|个是)[^，,]{0,8}(?:事|问题|办法|情况)|"
                       r"^(?:光|单)(?:我|靠我)")
# A thing named by what it is ("新盖的那23户" "后山的茶园"): a few characters after 的, none
# of which says how it is (不, 没, 很, 是, 在 ...): a topic, not a description.
NAMED_BY_KIND = re.compile(r"^[^，,我你他她]{1,14}的(?:那|这)?"
                           r"[^，,了的是有在没不很太都也就还]{1,5}$")


# --- Span tails: what the proposal carries after its action (suggestions.py) ---------------
# The way those it serves use what is proposed, through a channel ("……，家长扫码就能查询"
# "子女在手机上就能给父母充值" "扫码就能看"): how the proposal works, which the minutes keep,
# though it says what becomes possible (就能) like a result does.
# (the channel may follow the modal: "在外打工的人也能在手机上祭扫")
_CHANNEL = r"(?:手机|扫码|扫一下|一扫|扫一扫|小程序|网上|线上|微信)"
USES = re.compile(rf"(?:{_CHANNEL}[^，,。；;]{{0,8}}?(?:就|也|都)?(?:能|可以)|"
                  rf"(?:能|可以)(?:在|用|通过)?{_CHANNEL})"
                  r"(?![^，,。；;]*(?:就业|放心|安心|省心))")
# A clause that opens on "就能/也能/才能/都可以" with no subject of its own, after the proposal
# ("……，持证满一年的外地老人，也能同等享受补贴" "……，约定联系不上多久，就可以由社区开门"
# "……，验收单上有业主签字，才能拨尾款"): what the clause before it gets or allows, the
# proposal's own terms; a result is told of someone or something ("老人就能安心").
BARE_ABLE = re.compile(r"^(?:也|就|都|才)(?:能够?|可以)")
# ... but after a concession or a first reason ("哪怕先铺碎石，也能解决几百个车位" "既是防疫的
# 需要，也能减少异味"), such a clause is what will come of the proposal.
GRANTED = re.compile(r"^(?:哪怕|即使|就算|即便|既)")
# What the speaker adds after the proposal's action about it, not part of it: the left-out
# remarks (suggestions._remarks) and where it ends (suggestions._end).
# ... a cost estimate, said as small ("一年也就几千块钱" "花钱不多" "几十块钱一个" "造价只有
# 入地的十分之一"), unlike the terms ("每餐补三块钱" "按成本收"), which say who pays what;
ESTIMATE = re.compile(r"(?:也就|才|只有|只要|不过)[^，,。]{0,8}(?:块|元|万|千|百)|花不了|"
                      r"(?:块钱?|元)一(?:个|面|台|套|户|家|只|块)$|^(?:但是)?成本(?:不高|能|要)|"
                      r"造价|^(?:花钱|费用|投入)(?:不多|不高|不大|少)")
# ... an evaluation of it ("问题不大" "心里有数" "清清楚楚" "见效快" "也是个面子" "他们最清楚");
VERDICT = re.compile(r"问题不大|心里(?:就|也)?(?:踏实|有数|有底|有个数|有个底)|一清二楚|清清楚楚|"
                     r"见效快|效果(?:很|也|最|比较)?好|是个面子|最清楚")
# ... the speaker's own check of it ("后山那块我看了地图" "我算了");
CHECKED = re.compile(r"我[^，,。]{0,3}(?:看了|算了|查了|问了|问过|看过|算过|查过|量过|量了|"
                     r"了解过|了解了)")
# ... and a mishap and what the proposal would do then ("出了事，孩子的医药费有个着落"
# "万一再有个垮塌，有个保障" "关键时候能救命"): what will come of it; the proposal ends there.
# Not how it is then used ("出了事打电话一报编号"): that is part of it.
MISHAP = re.compile(r"^(?:但是|不过)?(?:出了事|出事|万一|关键时候|关键时刻)"
                    r"(?![^，,。]*(?:打电话|拨打|报警|扫码|一报))")
# A share of the cost someone bears ("政府补贴一半，店里出一半" "农户拿大头"): the proposal's
# terms, not the case of a reason (REASONS_CASE reads "店里出一半" like "水管一冻").
SHARE = re.compile(r"[出补付交掏担拿摊]一半$|拿(?:大头|小头)$")


# --- Cued points in run-on speech (suggestions.py) -----------------------------------------
# In a long unpunctuated turn the speaker's header of N points is said in the middle of the
# sentence, after the story ("……他们就一个医生也没办法 我就想说两个事 卫生院……"): the
# header announces the proposals that follow it, counted by 个事/件事 as often as by 点/条
# ("我提两个事" "我就讲两件事"). Not 句 ("我讲两句": a word, not points) nor 问题 (problems).
POINTS_HEADER = re.compile(
    r"^(?:所以|那|那么|因此|今天)?(?:我|我们)(?:今天|这里)?(?:就|也|再|还|简单|只)*(?:想|要)?"
    r"(?:说|讲|提|谈)(?:一下|一提|一讲)?(?P<count>[两二三四五六几])(?:个|件|点|条)"
    r"(?:事情?|建议|意见|想法)?[啊呀吧哈]?$")
# One more point after the speaker's proposal or within the points announced: "还有就是……"
# "再一个 ……" "另外 ……" "其次 ……" (LIST_MORE_BARE: said with no pause after it in speech,
# "还有就是值班电话……"; 另外/还有/再有/其次 need a pause: "还有人……" "再有人……" tell,
# "另外补一句" remarks).
LIST_MORE = re.compile(r"^(?:但是|不过)?(?:还有就是|还有一个|还有一条|再一个|再就是|另外|"
                       r"还有|再有|其次|再者)(?:呢|啊)?(?:[，,\s]|$)")
LIST_MORE_BARE = re.compile(r"^(?:但是|不过)?(?:还有就是|还有一个|还有一条|再一个|再就是)"
                            r"(?:呢|啊)?")
# The speaker's side offering or pledging before a proposal frame in the same breath ("……我们
# 愿意免费给老人量血压 这个不要钱 我也提个建议 镇里……"): the frame ends the offer's reach.
OFFERS_BEFORE = re.compile(r"表个?态|(?:我|我们)[^，,。]{0,6}?(?:愿意|免费|义务|保证|承诺|负责)")
# What an announced point said plainly asks done: an action clause (PLAIN_ACTION, without the
# filters of a plain proposal said on its own: the header has put it forward), or making a
# thing known where people see it ("值班电话 公布到各个村的微信群里").
POINT_ACTION = re.compile(PLAIN_ACTION.pattern + r"|公布|张贴|通知到|告知")
# A rule laid down for a place or a time ("赶集的时候大货车一律不准进老街" "学校门口那段要禁止
# 鸣笛" "水库边的松树不准再砍"): spoken Mandarin proposes a prohibition by stating it, with no
# proposal word; the act forbidden is not yet done (no 了/过/着 to the clause's end), kept from
# no one of the speaker's side ("不准我们进去": a story of being kept out) and not reported
# (说不准).
RULE_SET = re.compile(r"(?<![说讲听是“\"「])(?:一律|坚决|严格|绝对|都|再|也|要)?"
                      r"(?:禁止|严禁|不准|不许)(?:再)?(?![我你他她咱人])"
                      r"(?=[^，,。；;了过着我你他她咱”\"」]{1,12}(?:[，,。；;！!？?\s]|$))")
# ... but not a rule told, one there is already or was: a sign quoted ("“禁止遛狗”"), a custom
# or regulation named (老规矩, 规定), one posted (贴了, 写着).
RULE_TOLD = re.compile(r"[“\"「]|规矩|规定|贴了|贴着|写着|挂着|立着")
# A rule cited as the one there is ("按规定，垃圾桶都要定期清洗"): what it says is to be
# done is told, not proposed (with no proposal word of the speaker's own).
RULE_CITED = re.compile(r"^(?:按|按照|根据|依照)(?:老)?(?:规矩|规定|文件|政策|要求)")
