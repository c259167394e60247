"""Who is private in a transcript, and every form of a private person's name.

Private: residents, attendees of kind "other" and speakers missing from the attendance (a
name is private when any attendee of that name is); the session's moderator never is.

A name comes as the bot knows it: a /profile name (王秀英), or Telegram's display name, which
is "first last" (秀英 王, Xiuying Wang, 秀英 Wang), perhaps with decorations (王秀英🌸,
王秀英(东头村)); an attendee may also carry aliases (another display name, an @username).
:func:`name_forms` gives the *full* forms, which name the person wherever they occur (the
name in both orders, with and without the space, a full name with a form of address), and
the *short* forms, which name the person only where :func:`names_someone` says so: the given
name of two characters or more (秀英), the surname or given name with a form of address (老王,
王阿姨, 秀英阿姨), each part of a name in several parts, a Latin part as a whole word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import permutations
from typing import Any

from transcripts import segmenter
from transcripts.minutes.model import UNKNOWN_SPEAKER, Transcript

PRIVATE = ("resident", "other")
COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "令狐", "慕容", "司徒",
                     "夏侯", "尉迟", "公孙", "长孙", "宇文", "端木", "西门", "南宫")
# Common surnames: an alias (a Telegram display name: 小鱼儿, 快乐每一天) has surname forms only
# when it starts with one; a /profile name is a real name and always has them.
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞"
    "左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕"
    "屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧"
    "闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥"
    "南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼满闻位厉伊仝区郜阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国"
    "狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊裘亓修邰赫杭况那宿鲜印逯隆茹诸战"
    "慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由")
ADDRESS_BEFORE = ("老", "小", "阿")
ADDRESS_AFTER = ("师傅", "阿姨", "大爷", "大妈", "大姐", "大哥", "大叔", "大伯", "老板", "老师",
                 "总", "先生", "女士", "叔", "伯", "婶", "嫂", "姐", "哥", "奶奶", "爷爷", "老伯",
                 "老", "姨", "嫂子", "婆婆", "阿婆", "老太", "老汉", "同志")
# Words beside which an everyday word (小钱, 老方, 国庆) is taken for a person's name.
PERSON_BEFORE = ("谢谢", "感谢", "请", "同意", "支持", "赞同", "赞成", "刚才", "和", "跟", "与",
                 "问", "叫", "让", "给", "找", "向", "我是")
PERSON_AFTER = ("说", "讲", "提", "刚才", "同志", "也", "你", "您", "他", "她", "家", "和", "跟",
                "还", "、", "的意见", "的建议", "的发言", "的话", "的说法", "的事")
_PART = re.compile(r"[\u4e00-\u9fff]+|[A-Za-z][A-Za-z'-]*[A-Za-z]|[A-Za-z]")
_BRACKETED = re.compile(r"[(（\[【〔].*?[)）\]】〕]")
_HANDLE = re.compile(r"[@＠]?([A-Za-z][A-Za-z0-9_]{3,31})")


@dataclass(frozen=True)
class NameForms:
    full: tuple[str, ...]
    short: tuple[str, ...]


def private_names(t: Transcript) -> dict[str, str]:
    """Each private name -> the kind it is shown as (the first private kind of that name)."""
    kinds: dict[str, str] = {}
    for a in t.attendance:
        if a.kind in PRIVATE:
            kinds.setdefault(a.name, a.kind)
    listed = {a.name for a in t.attendance}
    for u in t.utterances:
        if u.speaker not in listed:
            kinds.setdefault(u.speaker, "other")
    for name in ("", UNKNOWN_SPEAKER, t.moderator or ""):
        kinds.pop(name, None)
    return kinds


def aliases_of(t: Transcript, name: str) -> tuple[str, ...]:
    """The other names every attendee called ``name`` is known by."""
    return tuple(dict.fromkeys(x for a in t.attendance if a.name == name for x in a.aliases))


def parts(name: str) -> list[str]:
    """The words of a name: runs of Han characters or Latin letters, decorations and anything
    in brackets (a village, a note) left out."""
    return _PART.findall(_BRACKETED.sub(" ", name))


def _han(text: str) -> bool:
    return all("\u4e00" <= c <= "\u9fff" for c in text)


def _surname(name: str) -> str:
    return name[:2] if name.startswith(COMPOUND_SURNAMES) else name[:1]


def splits(name: str) -> list[tuple[str, str]]:
    """The (surname, given name) a Han name may be, in either order: 王秀英 -> 王, 秀英;
    Telegram's 秀英 王 -> 王, 秀英; 王 芳 could be either way round, so both."""
    han = [p for p in parts(name) if _han(p)]
    if len(han) == 1:
        return [(_surname(han[0]), han[0][len(_surname(han[0])):])]
    if len(han) != 2:
        return []
    found = [(s, g) for s, g in permutations(han)
             if len(s) == 1 or s in COMPOUND_SURNAMES]
    if len(found) == 2 and len(han[0]) != len(han[1]):  # 欧阳 海波: the compound one
        found = [(s, g) for s, g in found if s in COMPOUND_SURNAMES]
    return found


def handle(alias: str) -> str | None:
    """The Telegram username an alias is (``@xiuying_w``), without the @."""
    m = _HANDLE.fullmatch(alias.strip())
    return m.group(1) if m and alias.strip()[0] in "@＠" else None


def _forms_of_one(name: str, alias: bool) -> tuple[list[str], list[str]]:
    words = parts(name)
    full = [name.strip()] + ["".join(words)] + [sep.join(p) for sep in ("", " ")
                                               for p in permutations(words) if len(words) > 1]
    short = [w for w in words if len(words) > 1 and len(w) >= 2]
    for surname, given in splits(name):
        if alias and surname not in SURNAMES and surname not in COMPOUND_SURNAMES:
            continue
        whole = surname + given
        full += [whole] + ([given + surname] if len(given) >= 2 else [])
        full += [whole + p for p in ADDRESS_AFTER if len(p) >= 2] if given else []
        if given:
            short += [p + surname for p in ADDRESS_BEFORE] + [surname + p for p in ADDRESS_AFTER]
        if len(given) >= 2:
            short += [given] + [given + p for p in ADDRESS_AFTER]
    return full, short


def name_forms(name: str, aliases: tuple[str, ...] = ()) -> NameForms:
    """Every form of a person's name and aliases (see the module doc), each once."""
    full: list[str] = []
    short: list[str] = []
    for one in (name, *aliases):
        user = handle(one)
        if user:
            full += ["@" + user, "＠" + user, user]
            continue
        f, s = _forms_of_one(one, alias=one != name)
        full += f
        short += s
    fulls = dict.fromkeys(x for x in full if x)
    return NameForms(tuple(fulls), tuple(x for x in dict.fromkeys(short) if x not in fulls))


@cache
def jieba_tables() -> tuple[Any, dict[str, int], dict[str, str]]:
    """(jieba, its word -> frequency table, its word -> part-of-speech table), loaded once."""
    module = segmenter.jieba()
    return module, module.dt.FREQ, module.posseg.dt.word_tag_tab


@lru_cache(maxsize=512)
def boundaries(text: str) -> frozenset[int]:
    """The offsets between the words of ``text`` by jieba's dictionary alone; a word that is
    itself a person's name (和秀英, tagged nr) is no word here: a name inside it may start
    anywhere in it (谢谢王阿姨和秀英姐)."""
    module, _, tags = jieba_tables()
    offsets, at = {0}, 0
    for word in module.cut(text, HMM=False):
        start = text.find(word, at)
        at = start + len(word)
        offsets |= set(range(start, at + 1)) if tags.get(word, "").startswith("nr") else {at}
    return frozenset(offsets)


def everyday(word: str) -> bool:
    """A word of jieba's dictionary that is not a person's name (国庆, 海军, 小钱)."""
    _, freq, tags = jieba_tables()
    return freq.get(word, 0) > 0 and not tags.get(word, "").startswith("nr")


def names_someone(text: str, start: int, end: int) -> bool:
    """Whether the short form at text[start:end] names a person: not inside a longer word of
    jieba's dictionary (小程序, 不小于, 小范围), and, when it is itself an everyday word, only
    beside words that point to a person (谢谢老方, 海波说)."""
    if not {start, end} <= boundaries(text):
        return False
    if text[start:end].endswith("老") and _han(text[end:end + 1] or "a") and not (
            text[end:].startswith((*PERSON_AFTER, "的"))):
        return False  # 郑老说, but not 周老三, 王老五
    if everyday(text[start:end]):
        return text[:start].endswith(PERSON_BEFORE) or text[end:].startswith(PERSON_AFTER)
    return True


def pattern(keys: list[str]) -> re.Pattern[str]:
    """All keys, longest first; a key starting or ending in a Latin letter or digit matches
    only at a word boundary there ("Li" is not in "Lighting")."""
    def one(key: str) -> str:
        before = r"(?<![A-Za-z0-9_])" if key[0].isascii() and key[0].isalnum() else ""
        after = r"(?![A-Za-z0-9_])" if key[-1].isascii() and key[-1].isalnum() else ""
        return before + re.escape(key) + after
    return re.compile("|".join(one(k) for k in sorted(keys, key=lambda k: (-len(k), k))))
