"""Responsible units (责任单位): a unit's name as said, and who "我们" is.

:func:`unit_at` reads the name a text starts with, by its ending (局, 办公室, 管委会, 合作社 ...)
or from the attendance list, taking the longest unit-like span that is not cut inside a word
(枫林镇社会事务办, not 枫林镇社) nor run on past a verb (县住建局 | 会同县财政局).

A name is *proper* when it says whose unit it is: it starts with an administrative level (县住建局,
镇城建办) or with a place named in the attendance list (望江交警中队). A speaker who commits for
their own unit ("我们", "我们街道", "我们交警大队", a bare "社区", "居委会" for a 社区居民委员会,
"交通局" for a 县交通运输局) stands for the unit they attend for; one who names it properly
("我们望江交警中队") is taken as said. A business speaks for itself ("我们公司") too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from transcripts.minutes.deadlines import TIME_START

# (a school's or a hospital's campus is a unit of its own: "实验小学东湖校区" answers for the
# campus, not "实验小学" as a whole; so do 院区, 分校 and 分院)
UNIT_ENDINGS = tuple("""
局 厅 委 办 办公室 政府 中心 站 所 队 社 组 公司 集团 院 学校 小学 中学 银行 处 科 馆
厂 街道 社区 镇 乡 村 超市 委员会 管委会 村委会 居委会 商会 协会 学会 同乡会 联合会 联谊会
理事会 促进会 研究会 基金会 工会 农合联 妇联 残联 侨联 文联 工商联 联社 委会 总会 分会 红十字会
部门 单位 卫生室 医务室 组织部 宣传部 统战部 武装部 人武部 工作部 项目部 工作室
校区 院区 分校 分院 护理部 医务部 后勤部 保卫部""".split())
# (a hospital's own departments answer for their tasks: "由县人民医院护理部负责")
# The endings by their last character, longest first.
_BY_LAST = {c: sorted((e for e in UNIT_ENDINGS if e[-1] == c), key=len, reverse=True)
            for c in {e[-1] for e in UNIT_ENDINGS}}
# (nor a preposition, a request, a discourse word: 在…, 请…, 的…, 特别是…; nor a partner after
# its preposition, "跟收运公司把……" "与区城管局一起……", who works with the unit that leads (not
# 和 or 同: they start names, 和平街道, 同心村); nor a connective, "所以我们所……": a name
# starts after it. A unit of the attendance list is found by its name whatever it starts with.)
_NOT_UNIT = re.compile(r"^(?:[我你他她这那各每全本该有此其哪谁一把将在请的跟与]|大家|相关|有关|"
                       r"上级|下面|特别是|尤其是|包括|所以|因此|因而|于是|但是|可是|不过|然后|"
                       r"而且|那么)")
# ... but these name the units meant, as said: 各村, 各相关部门, 有关单位.
GROUP_UNIT = re.compile(r"(?:各|相关|有关|各相关|各有关)(?:[区县市镇乡]|乡镇|街道)?"
                        r"(?:[\u4e00-\u9fff]{1,4}?(?=部门|单位))?"  # 各区人社部门
                        r"(?:部门|单位|成员单位|村|镇|乡|街道|社区)")
_BREAK = re.compile(
    r"^(?:负责|牵头|会同|联合|配合|协同|共同|一起|和|与|及|以及|跟|同(?!乡)|把|将|对|在|于|向|为|从|"
    r"要|会|先|再|也|都|就|来|去|等|一定|必须|确保|争取|力争|组织.{2}|完成|开展|出台|制定|推进|落实|研究|编制|建立|组建|"
    r"建成|开通|安装|设置|提出|拿出|整理|报送|列入|举办|签订|实施|启动|做|搞|抓|统筹|协调|督促|"
    r"加强|加快|今年|明年|年内|年底|月底|下个?月|下周|本月|尽快|带队|派人|派出|到|进场|赶|深入|"
    r"走访|对接|联系|召开|装|印发|提交|起草|帮|给|指导|督促|转交|交办|安排|委托|"
    r"[修装换建弄搞做]好)")  # (a verb and its result: "我们局修好东门排涝站的……" names no unit)
VERBISH = re.compile(_BREAK.pattern[1:])
# An ending inside a longer word is no end: 社会, 所有, 局长, 办法 ...
_IN_WORD = re.compile(r"^(?:社会|所[有以]|办[法理]|队伍|.[员长])")
_ASSIGNED = re.compile(r"(?<=.)(?<![自理经缘])由")
# A topic said before the speaker's own unit ("补助资金我们局年底前……"): "我们" starts a name
# of its own (the speaker's), it is never inside one.
_PRONOUN_INSIDE = re.compile(r"(?<=.)(?:我们|咱们|俺们)")
# "实验小学会同街道……": a unit, then 会同 (together with), not a unit named ……学会
_TOGETHER_WITH = re.compile(r"^会同(?!意)")
# ... nor is 办 said as a verb: "我们站这样办" "马上办".
_DOING = re.compile(r"(?:这样|那样|怎么|怎样|如何|马上|立即|立刻|就|来|去|要|会|先)办$")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff（）()]+")
_LEVELS = "省市县区镇乡村"
_PLACE = re.compile(r"^[\u4e00-\u9fff]{2,3}?(?=省|市|县|区|镇|乡|街道)")
OWN_UNIT = r"(?:局|分局|单位|镇|乡|街道|社区|社|站|所|队|大队|中队|办|委|中心|院|公司|村|厂|合作社)"
COMPANY_ENDINGS = ("公司", "厂", "合作社", "商行")
# (plain talk says "咱" / "俺" for "我们": "咱村委会月底前……" "俺们合作社……")
_PRONOUN = re.compile(r"^(?:我们|咱们|俺们|我|咱|俺|本(?=[局镇乡办委队所站社院]))")
# "镇里" / "局里" alone said by that 镇 or 局 (not "村里" by a 镇: the village)
_OWN_PLACE = re.compile(r"^[局镇乡村所社]里(?!的)")
_PLACE_KINDS = {c: re.compile(p) for c, p in (
    ("局", "局$"), ("镇", "镇(?:人民)?政府$|镇$"), ("乡", "乡(?:人民)?政府$|乡$"),
    ("村", "村(?:民)?委员会$|村委会$|村$"), ("所", "所$"), ("社", "社$"))}
OWN_AT = re.compile(r"(?:^|(?<=的事)|(?<=的事情)|(?<=的问题)|由|交给)"
                    r"(?:我们|咱们|俺们|我|咱|俺|本(?=[局镇乡办委队所站社院])|(?=[局镇乡村所社]里(?!的)))")


@dataclass(frozen=True)
class Speaker:
    kind: str  # the speaker's kind in the attendance list
    unit: str | None  # the unit they attend for
    known: tuple[str, ...] = ()  # units in the attendance list, longest first
    places: frozenset[str] = frozenset()  # places those units are named after

    @property
    def for_unit(self) -> bool:
        """Does "我们" mean the speaker's unit (a department, a chair, a committee ...)?"""
        return self.kind in ("department", "other", "moderator", "staff")

    @property
    def chairs(self) -> bool:
        """The moderator or staff: they assign units by name, and a name is as said ("由街道委员
        履职小组整理"), not their own group's full name."""
        return self.kind in ("moderator", "staff")

    @property
    def company(self) -> bool:
        """Does the speaker attend for a company (an elder who runs a factory, a member from a
        firm)? Named ("我们公司"), it commits like a business."""
        return self.unit is not None and self.unit.endswith(COMPANY_ENDINGS)

    @property
    def owns(self) -> bool:
        """Can the speaker commit their own unit ("我们公司" of a business, too)?"""
        return self.for_unit or self.kind == "business" or self.company


@lru_cache(maxsize=4096)
def unit_at(text: str, known: tuple[str, ...] = ()) -> str | None:
    """The name of a unit that ``text`` starts with, exactly as said, or None."""
    run_match = _CJK_RUN.match(text)
    run = TIME_START.split(run_match.group() if run_match else "", maxsplit=1)[0]
    run = _ASSIGNED.split(run, maxsplit=1)[0]  # "科技类由区科技局负责": no name runs over 由
    run = _PRONOUN_INSIDE.split(run, maxsplit=1)[0]  # "补助资金我们局": nor over "我们"
    best = 0
    for end in range(2, min(len(run), 24) + 1):
        ends = [e for e in _BY_LAST.get(run[end - 1], ()) if run[:end].endswith(e)]
        if not ends or _IN_WORD.match(run[end - 1:]) or _DOING.search(run[:end]) \
                or (best == end - 1 and _TOGETHER_WITH.match(run[end - 1:])):
            continue
        completes = len(ends[0]) >= max(2, end - best)
        if best and _BREAK.match(run[best:]) and not completes:
            continue
        best = end
    generic = run[:best] if best and (not _NOT_UNIT.match(run) or
                                      GROUP_UNIT.fullmatch(run[:best])) else None
    named = next((k for k in known if text.startswith(k)), None)
    if named and (generic is None or len(named) >= len(generic)):
        return named
    return generic or _short_name(run, known)


SHORT_NAME = 4  # characters: a shorter part of a known unit's name says too little


def _short_name(run: str, known: tuple[str, ...]) -> str | None:
    """A known unit called by the core of its name ("惠民物业" for 岑州惠民物业服务有限公司):
    the longest start of ``run`` that is part of one known name, but not its end (a bare kind,
    "委员工作室", is read by :func:`as_named`)."""
    if _NOT_UNIT.match(run):
        return None
    for end in range(min(len(run), 12), SHORT_NAME - 1, -1):
        inside = [k for k in known if run[:end] in k]
        if inside:
            return None if any(k.endswith(run[:end]) for k in inside) else run[:end]
    return None


def place_names(names: Iterable[str | None]) -> frozenset[str]:
    """The places units are named after: 望江 in 望江街道办事处, 临湖 in 临湖区城管局."""
    return frozenset(m.group() for n in names if n and (m := _PLACE.match(n)))


def is_proper(name: str, who: Speaker) -> bool:
    """Does the name say whose unit it is (县住建局, 望江交警中队), not just its kind (交警大队,
    村委会, 镇政府)?"""
    return name in who.known or name.startswith(tuple(who.places)) or (
        len(name) >= 4 and name.startswith(tuple(_LEVELS)))


def as_named(name: str, who: Speaker) -> str:
    """A unit as said, or the speaker's own unit for a bare kind of theirs (社区, 交警大队); a
    chair's names are as said."""
    own = who.unit
    if not own or not who.owns or who.chairs or is_proper(name, who) \
            or GROUP_UNIT.fullmatch(name):
        return name
    return own if name in own or name[-2:] in own or abbreviates(name, own) else name


def abbreviates(name: str, unit: str) -> bool:
    """交通局 for 县交通运输局, 居委会 for 河滨社区居民委员会: the same ending, and every
    character of the short name in the unit's name, in order."""
    chars = iter(unit)
    return name[-1] == unit[-1] and all(c in chars for c in name)


@lru_cache(maxsize=8192)
def own_unit(text: str, who: Speaker) -> tuple[str, int] | None:
    """The unit meant by "我们(...)" / "本局" at the start of ``text``, for a unit's speaker,
    and where that mention ends."""
    m = _PRONOUN.match(text) or _OWN_PLACE.match(text)
    if not m or not who.owns or not who.unit:
        return None
    if m.group().endswith("里"):  # "镇里会同……" said by the 镇: the speaker's own
        kind = _PLACE_KINDS[m.group()[0]]
        return (who.unit, m.end()) if who.for_unit and kind.search(who.unit) else None
    word = _own_word(text[m.end():], who.known)
    if not (who.for_unit or who.kind == "business") and not (
            word and who.unit.endswith(word)):  # a company's person names it: "我们公司"
        return None
    end = m.end() + len(word)
    end += len(re.match(r"(?:里|这边)?", text[end:]).group())  # type: ignore[union-attr]
    return (word if is_proper(word, who) else who.unit), end


def _own_word(rest: str, known: tuple[str, ...] = ()) -> str:
    """The unit's name or kind after "我们": 望江交警中队, 交警大队, 局, 镇(里) ... or nothing."""
    kind = re.match(rf"{OWN_UNIT}?(?=里|这边)|{OWN_UNIT}?", rest).group()  # type: ignore[union-attr]
    if rest[len(kind):].startswith(("里", "这边")):
        return kind
    word = unit_at(rest, known) or ""
    return kind if len(word) > 8 or VERBISH.search(word[:-1]) else word or kind


def drop_own(clause: str) -> str:
    """Without the speaker's "我们(交警大队)(来)(负责)" / "由我们镇里牵头"."""
    m = OWN_AT.search(clause)
    if not m:
        return clause
    rest = clause[m.end():]
    rest = re.sub(r"^(?:里|这边)?(?:来)?(?:负责|牵头|落实)?", "", rest[len(_own_word(rest)):])
    return clause[:m.start()] + rest


_WITH = re.compile(r"会同|协同|联合|商同")
_HELPS = re.compile(r"^(?P<unit>.{2,24}?)(?:等单位|等部门|等)?(?:全力|积极|做好)?"
                    r"(?:配合|协助|协办)$")


def partners(clauses: list[str], known: tuple[str, ...], lead: str) -> tuple[str, ...]:
    """The units that work with the lead, as named: 会同Y, Y配合 / Y协助 (配合单位)."""
    found: list[str] = []
    for clause in clauses:
        for m in _WITH.finditer(clause):
            unit = unit_at(clause[m.end():], known)
            if unit:
                found.append(unit)
        helps = _HELPS.match(clause)
        if helps:
            found += [u for u in re.split(r"[、和及与]", helps["unit"]) if unit_at(u, known) == u]
    return tuple(dict.fromkeys(u for u in found if u != lead))
