"""The public (showcase) version of the minutes: residents are not named, nor found.

Residents (and attendees of kind "other", and speakers missing from the attendance) become
群众代表甲, 群众代表乙 … in order of first appearance (first turn, then the sign-in order). Who
is private is names.private_names'. Members, departments, experts, elders, businesses, staff,
the moderator and every unit keep their names: they take part in their public role.

Every human-readable text is rewritten: heading, proceedings, suggestions' proposers,
statistics, the sign-in annex, the verbatim annex and every text that mentions them. A
private person's name goes in every form names.name_forms gives: the full name in either order
(Telegram's 秀英 王 is also 王秀英 and 秀英王), with a form of address, the aliases (another
display name, an @username); and the short forms (秀英, 秀英阿姨, 老王, 王师傅), which stand for
the first private person of that surname or given name even when others share it (privacy
wins), replaced only where they name someone (names.names_someone: not in 小程序, 不小于;
小钱, 国庆 only beside 谢谢, 说 …). Names in Latin letters match whole words only. A private
person's label loses its unit and sector (群众代表乙, not 群众代表乙（群众代表，东头村）), aliases
are dropped, and keywords that named someone go. Phone, ID-card and bank-card numbers, e-mail
addresses, licence plates, house numbers and @usernames become labels (personal.py).

Last, a guard: the privacy checker (privacy.py) reads every text once more and replaces what
it still finds; that should be nothing, and a warning is logged (counts only) when it is not.
Code fields (kind, turn, source, origin, category, marks, status, language) are never
touched. The result is a :class:`Minutes` like any other, for the same renderers.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import fields, is_dataclass, replace
from typing import Any

from transcripts.minutes.model import KIND_ZH, Minutes, Transcript
from transcripts.minutes.names import (
    aliases_of,
    name_forms,
    names_someone,
    pattern,
    private_names,
)
from transcripts.minutes.personal import redact_personal
from transcripts.minutes.privacy import ACCOUNTS, NOT_ACCOUNTS, Checker

log = logging.getLogger(__name__)
STEMS = "甲乙丙丁戊己庚辛壬癸"
# Fields holding codes, not text: never rewritten (a name "res" must not touch "resident").
CODES = frozenset({"kind", "turn", "source", "origin", "category", "marks", "status",
                   "language", "attendance_by_kind"})


def aliases(t: Transcript) -> dict[str, str]:
    """Each private attendee's name -> 群众代表甲 …, in order of first appearance."""
    kinds = private_names(t)
    order = [u.speaker for u in t.utterances] + [a.name for a in t.attendance]
    counters: dict[str, int] = {}
    result = {}
    for name in (n for n in dict.fromkeys(order) if n in kinds):
        label = KIND_ZH[kinds[name]]
        i = counters.get(label, 0)
        counters[label] = i + 1
        result[name] = label + (STEMS[i] if i < len(STEMS) else str(i + 1))
    return result


def _replacements(t: Transcript, names: dict[str, str]) -> tuple[dict[str, str], set[str]]:
    """Every text to replace -> its replacement, and which of them are short forms. Everyone
    else's name maps to itself, so that a longer name containing a private one is kept."""
    everyone = {a.name for a in t.attendance} | {u.speaker for u in t.utterances}
    full: dict[str, str] = {}
    short: dict[str, str] = {}
    for name, alias in names.items():  # in order of appearance: the first of a surname wins
        forms = name_forms(name, aliases_of(t, name))
        for form in forms.full:
            full.setdefault(form, alias)
        for form in forms.short:
            short.setdefault(form, alias)
    table = {n: n for n in everyone if n} | short | full | names
    if t.moderator:
        table[t.moderator] = t.moderator
    return table, set(short) - set(full) - set(names) - everyone


def renamer(t: Transcript) -> Callable[[str], str]:
    """A function that replaces every form of every private name (longest first) in a text."""
    names = aliases(t)
    if not names:
        return lambda text: text
    table, short = _replacements(t, names)
    regex = pattern(list(table))

    def substitute(m: re.Match[str]) -> str:
        key = m.group()
        if key in short and not names_someone(m.string, m.start(), m.end()):
            return key
        return table[key]

    return lambda text: regex.sub(substitute, text)


def anonymiser(t: Transcript) -> Callable[[str], str]:
    """Personal data out, then names (an @username known as someone's becomes their label),
    then any other @username."""
    rename = renamer(t)
    return lambda text: redact_personal(rename(redact_personal(text, NOT_ACCOUNTS)), ACCOUNTS)


def _walk(value: Any, rewrite: Callable[[str], str]) -> Any:
    """The same structure with every text (not codes, not dictionary keys) rewritten."""
    if isinstance(value, str):
        return rewrite(value)
    if is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _walk(getattr(value, f.name), rewrite)
                   for f in fields(value) if f.name not in CODES}
        return replace(value, **changes)
    if isinstance(value, tuple):
        return tuple(_walk(v, rewrite) for v in value)
    if isinstance(value, list):
        return [_walk(v, rewrite) for v in value]
    if isinstance(value, dict):
        return {k: _walk(v, rewrite) for k, v in value.items()}
    return value


def _unlabelled(minutes: Minutes, private: set[str]) -> Minutes:
    """Private people without unit, sector or aliases; nobody with aliases."""
    t = minutes.transcript
    attendance = tuple(replace(a, unit=None, sector=None, aliases=()) if a.name in private
                       else replace(a, aliases=()) for a in t.attendance)
    proceedings = tuple(replace(p, unit=None) if p.speaker in private else p
                        for p in minutes.proceedings)
    return replace(minutes, transcript=replace(t, attendance=attendance),
                   proceedings=proceedings)


def anonymise(minutes: Minutes) -> Minutes:
    """The minutes with private people's names and labels and all personal data replaced
    (without the guard: see :func:`public_version`)."""
    t = minutes.transcript
    rewrite = anonymiser(t)
    result: Minutes = _walk(_unlabelled(minutes, set(private_names(t))), rewrite)
    keywords = tuple(k for k, new in zip(minutes.keywords, result.keywords, strict=True)
                     if k == new)
    return replace(result, keywords=keywords)


def public_version(minutes: Minutes) -> Minutes:
    """The public version (see the module doc): :func:`anonymise`, then the guard."""
    checker = Checker(minutes.transcript, aliases(minutes.transcript))
    found: list[int] = []

    def guard(text: str) -> str:
        clean, n = checker.scrub(text)
        found.append(n)
        return clean

    result: Minutes = _walk(anonymise(minutes), guard)
    if sum(found):
        log.warning("public version: the privacy guard replaced %d leaks the anonymiser left",
                    sum(found))
    return result


def public_text(t: Transcript) -> Callable[[str], str]:
    """A free text about the session (a followed-up item, a unit's reply) as the public
    version writes it: the anonymiser, then the guard."""
    rewrite, checker = anonymiser(t), Checker(t, aliases(t))
    return lambda text: checker.scrub(rewrite(text))[0]
