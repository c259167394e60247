"""The privacy checker: what in a text (a rendered public version: JSON, Markdown, the DOCX's
text) still identifies a private person, given the session's transcript with its identity
fields (names, kinds, units, aliases).

A leak is:
- a full form of a private person's name or alias (names.name_forms: either order, with or
  without the space, with a form of address, an @username), wherever it stands, even inside a
  longer word; the names of public attendees and of the moderator are read first, so 王芳芳
  is not a leak of 王芳 (but 王芳芳 is, if 王芳芳 is private);
- a short form (秀英, 秀英阿姨, 老王, 王师傅) where it names someone (names.names_someone);
- a private person's unit or sector beside their kind, as a label shows it (群众代表，东头村);
- personal data of anyone (personal.py): phone, ID-card and bank-card numbers, e-mail, licence
  plates, house numbers, @usernames, WeChat/QQ ids.

:func:`label_leaks` checks the structure too: a private attendee or speaker who kept a unit,
a sector or aliases. The public version runs :meth:`Checker.scrub` over every text as a last
guard; the tests run :func:`find_leaks` over every rendered public version.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from transcripts.minutes.model import KIND_ZH, Minutes, Transcript
from transcripts.minutes.names import (
    PRIVATE,
    aliases_of,
    name_forms,
    names_someone,
    pattern,
    private_names,
)
from transcripts.minutes.personal import LABELS, find_personal

_PUBLIC, _FULL, _SHORT, _LABEL = "public", "full", "short", "label"
ACCOUNTS = frozenset({"account"})
NOT_ACCOUNTS = frozenset(LABELS) - ACCOUNTS


@dataclass(frozen=True)
class Leak:
    kind: str  # "name", "unit", or a kind of personal data (personal.LABELS)
    text: str  # what was found
    start: int
    end: int
    context: str  # the text around it
    person: str | None = None  # the private name it belongs to

    def __str__(self) -> str:
        whose = f" ({self.person})" if self.person else ""
        return f"{self.kind}{whose}: {self.text!r} in …{self.context}…"


class Checker:
    """The leak finder of one transcript; ``labels`` (name -> 群众代表甲 …) for :meth:`scrub`."""

    def __init__(self, transcript: Transcript, labels: dict[str, str] | None = None) -> None:
        self.transcript = transcript
        self.private = private_names(transcript)
        self.labels = labels or {}

    @cached_property
    def _table(self) -> dict[str, tuple[str, str]]:
        """Every text to look for -> (what it is, whose); the first private person wins."""
        t = self.transcript
        table: dict[str, tuple[str, str]] = {}
        for name, kind in self.private.items():
            forms = name_forms(name, aliases_of(t, name))
            for form in forms.full:
                table.setdefault(form, (_FULL, name))
            for form in forms.short:
                table.setdefault(form, (_SHORT, name))
            for a in t.attendance:
                for extra in (a.unit, a.sector) if a.name == name else ():
                    if extra:
                        table.setdefault(f"{KIND_ZH[kind]}，{extra}", (_LABEL, name))
        public = ({a.name for a in t.attendance} | {u.speaker for u in t.utterances}
                  | {t.moderator or ""}) - set(self.private) - {""}
        for name in public:
            if table.get(name, (_SHORT,))[0] == _SHORT:  # a full form of a private name wins
                table[name] = (_PUBLIC, name)
        return table

    @cached_property
    def _regex(self) -> re.Pattern[str] | None:
        return pattern(list(self._table)) if self._table else None

    def leaks(self, text: str) -> list[Leak]:
        """Every leak in ``text``, in order."""
        found = self._personal(text, NOT_ACCOUNTS, [])
        for m in self._regex.finditer(text) if self._regex else ():
            what, whose = self._table[m.group()]
            if what == _PUBLIC or (what == _SHORT and not names_someone(text, *m.span())):
                continue
            if not any(m.start() < f.end and f.start < m.end() for f in found):
                found.append(Leak("unit" if what == _LABEL else "name", m.group(), m.start(),
                                  m.end(), _around(text, *m.span()), whose))
        # an @username known as someone's is their name (above); any other is personal data
        return sorted(self._personal(text, ACCOUNTS, found), key=lambda leak: leak.start)

    @staticmethod
    def _personal(text: str, kinds: frozenset[str], found: list[Leak]) -> list[Leak]:
        return found + [Leak(f.kind, f.text, f.start, f.end, _around(text, f.start, f.end))
                        for f in find_personal(text, kinds)
                        if not any(f.start < x.end and x.start < f.end for x in found)]

    def scrub(self, text: str) -> tuple[str, int]:
        """``text`` with every leak replaced (a name by the person's label, a unit beside a
        kind by the kind alone, personal data by its label), and how many there were."""
        leaks = self.leaks(text)
        pieces, at = [], 0
        for leak in leaks:
            pieces += [text[at:leak.start], self._replacement(leak)]
            at = leak.end
        return "".join(pieces) + text[at:], len(leaks)

    def _replacement(self, leak: Leak) -> str:
        if leak.kind == "name":
            return self.labels.get(leak.person or "", "群众代表")
        if leak.kind == "unit":
            return leak.text.split("，")[0]
        return LABELS[leak.kind]


def _around(text: str, start: int, end: int, width: int = 12) -> str:
    return text[max(0, start - width):end + width].replace("\n", " ")


def find_leaks(text: str, transcript: Transcript) -> list[Leak]:
    """Every leak of the transcript's private people (and any personal data) in ``text``."""
    return Checker(transcript).leaks(text)


def label_leaks(public: Minutes, transcript: Transcript) -> list[str]:
    """What the public version's structure still says of private people: aliases of anyone,
    a unit or sector of an attendee whose name is private in ``transcript`` (the original;
    attendees compared by position), a unit on a private speaker's proceeding."""
    private = private_names(transcript)
    found = []
    for before, after in zip(transcript.attendance, public.transcript.attendance, strict=True):
        if after.aliases:
            found.append(f"attendee {after.name}: aliases kept")
        if before.name in private and (after.unit or after.sector):
            found.append(f"attendee {after.name}: unit or sector kept")
    for p in public.proceedings:
        if p.unit and (p.kind in PRIVATE or p.speaker in private):
            found.append(f"proceeding #{p.seq} ({p.speaker}): unit kept")
    return found
