"""Responsible units (责任单位): a directory of them, and reading a unit's name as written.

Minutes keep a unit's name exactly as said (县住建局, 住建局, 县住房和城乡建设局). Following an
item up needs the one unit it means. :func:`resolve_unit` tries, in order, and stops at the
first step that finds anything:

1. the canonical name, written exactly;
2. an alias, written exactly;
3. a mapping staff made once for that written form (compared normalised);
4. the normalised form (:func:`unit_key`) of every name and alias.

A step that finds two or more units answers "ambiguous" with the candidates, never a guess;
a step that finds none passes on; none finding any answers "unknown". An unknown or ambiguous
name is shown to staff, who map it once (:class:`UnitMapping`); the mapping is data the
resolver takes, so it is remembered wherever the directory is loaded.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from facilitation.errors import InvalidInput, InvalidState

UNIT_NAME_MAX_CHARS = 64


class UnitLevel(StrEnum):
    COUNTY = "county"  # 县级部门 (县住建局)
    TOWN = "town"  # 乡镇/街道 and their offices (镇城建办)
    VILLAGE = "village"  # 村/社区
    COMPANY = "company"  # 企业 (供电公司, 物业公司)


# Spoken and written forms of the same ending: 县政府办公室 = 县政府办, 街道办事处 = 街道办.
_ENDINGS = (("办公室", "办"), ("办事处", "办"))
# A leading level says whose unit it is; written without it the name is usually the same unit
# (住建局 for 县住建局). Stripped only when at least two characters are left, so 县委 stays,
# and not where the character begins a word: 市场监管局, 市政公司, 区域中心 (but 市政府办 is 市+).
_LEVEL_PREFIX = re.compile(r"^(?:县|区|市)(?!场|域|政(?!府))(?=..)")
_NOISE = re.compile(r"[\s\u3000·•・.,，。、;；:：!！?？\"'“”‘’《》<>「」『』【】\[\]]+")


def unit_key(name: str) -> str:
    """The normalised form two ways of writing one unit share: full-width folded (NFKC),
    spaces and punctuation dropped, brackets made ASCII, 办公室/办事处 read as 办, and a
    leading 县/区/市 dropped."""
    text = unicodedata.normalize("NFKC", name)
    text = _NOISE.sub("", text)
    for long, short in _ENDINGS:
        if text.endswith(long):
            text = text[: -len(long)] + short
    return _LEVEL_PREFIX.sub("", text)


def clean_unit_name(name: str) -> str:
    text = " ".join(name.split())
    if not text or not unit_key(text):
        raise InvalidInput("unit_name_empty")
    if len(text) > UNIT_NAME_MAX_CHARS:
        raise InvalidInput("too_long", field="unit", limit=UNIT_NAME_MAX_CHARS,
                           length=len(text))
    return text


@dataclass
class Unit:
    """A responsible unit: its canonical name, other names, level and liaisons (联络员, by
    Telegram user id), who receive the items referred to it."""

    name: str
    level: UnitLevel
    aliases: tuple[str, ...] = ()
    liaisons: tuple[int, ...] = ()
    id: int | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    def add_alias(self, alias: str) -> None:
        alias = clean_unit_name(alias)
        if alias not in self.names:
            self.aliases = (*self.aliases, alias)

    def add_liaison(self, telegram_user_id: int) -> None:
        if telegram_user_id <= 0:
            raise InvalidInput("bad_liaison")
        if telegram_user_id not in self.liaisons:
            self.liaisons = (*self.liaisons, telegram_user_id)

    def remove_liaison(self, telegram_user_id: int) -> None:
        self.liaisons = tuple(u for u in self.liaisons if u != telegram_user_id)


def new_unit(name: str, level: UnitLevel, aliases: Iterable[str] = (),
             existing: Sequence[Unit] = ()) -> Unit:
    """A unit to add to the directory; its names must not be another unit's."""
    unit = Unit(clean_unit_name(name), level)
    for alias in aliases:
        unit.add_alias(alias)
    check_names_free(unit, existing)
    return unit


def check_names_free(unit: Unit, existing: Sequence[Unit]) -> None:
    """Exact names and aliases identify one unit each (normalised forms may be shared: such
    a form is then ambiguous and needs a mapping)."""
    for other in existing:
        if other.id is not None and other.id == unit.id:
            continue
        taken = set(unit.names) & set(other.names)
        if taken:
            raise InvalidState("unit_name_taken", name=sorted(taken)[0], unit=other.name)


@dataclass(frozen=True)
class UnitMapping:
    """Staff said once that ``written`` means the unit ``unit_id``."""

    written: str
    unit_id: int
    by: int | None = None  # the person who mapped it
    at: datetime | None = None


@dataclass(frozen=True)
class UnitDirectory:
    units: tuple[Unit, ...] = ()
    mappings: tuple[UnitMapping, ...] = ()

    def get(self, unit_id: int) -> Unit | None:
        return next((u for u in self.units if u.id == unit_id), None)


class Match(StrEnum):
    NAME = "name"
    ALIAS = "alias"
    MAPPING = "mapping"
    NORMALISED = "normalised"
    AMBIGUOUS = "ambiguous"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Resolution:
    written: str
    match: Match
    unit: Unit | None = None
    candidates: tuple[Unit, ...] = ()  # when ambiguous: the units it could be

    @property
    def resolved(self) -> bool:
        return self.unit is not None


def _one(written: str, match: Match, found: list[Unit]) -> Resolution | None:
    unique = list({id(u): u for u in found}.values())
    if not unique:
        return None
    if len(unique) == 1:
        return Resolution(written, match, unique[0])
    return Resolution(written, Match.AMBIGUOUS, None, tuple(unique))


def resolve_unit(written: str, directory: UnitDirectory) -> Resolution:
    """The one unit ``written`` means, or why there is none (see the module's docstring)."""
    text = " ".join(written.split())
    key = unit_key(text)
    if not key:
        return Resolution(written, Match.UNKNOWN)
    units = directory.units
    by_id = {u.id: u for u in units if u.id is not None}
    steps: list[tuple[Match, list[Unit]]] = [
        (Match.NAME, [u for u in units if u.name == text]),
        (Match.ALIAS, [u for u in units if text in u.aliases]),
        (Match.MAPPING, [by_id[m.unit_id] for m in directory.mappings
                         if unit_key(m.written) == key and m.unit_id in by_id]),
        (Match.NORMALISED, [u for u in units if any(unit_key(n) == key for n in u.names)]),
    ]
    for match, found in steps:
        if (answer := _one(written, match, found)) is not None:
            return answer
    return Resolution(written, Match.UNKNOWN)


def map_name(written: str, unit: Unit, *, by: int | None, at: datetime,
             directory: UnitDirectory) -> UnitMapping:
    """Remember that ``written`` means ``unit``: only for a name that does not already resolve
    (a name that does is changed by editing the units, not by a mapping)."""
    if unit.id is None:
        raise InvalidInput("unit_not_saved")
    resolution = resolve_unit(written, directory)
    if resolution.resolved:
        raise InvalidState("unit_already_resolved", name=written,
                           unit=resolution.unit.name if resolution.unit else "")
    return UnitMapping(clean_unit_name(written), unit.id, by, at)


@dataclass(frozen=True)
class UnknownUnitName:
    """A unit name from minutes that resolved to no unit, waiting for staff to map it."""

    written: str
    session_id: int | None = None
    item_id: int | None = None
    seen_at: datetime | None = None
    candidates: tuple[int, ...] = field(default=())  # unit ids, when it was ambiguous

    @property
    def key(self) -> str:
        return unit_key(self.written)


def unknown_name(resolution: Resolution, *, session_id: int | None, item_id: int | None,
                 at: datetime) -> UnknownUnitName | None:
    """What to show staff for a name that did not resolve; None when it did."""
    if resolution.resolved:
        return None
    return UnknownUnitName(resolution.written, session_id, item_id, at,
                           tuple(u.id for u in resolution.candidates if u.id is not None))
