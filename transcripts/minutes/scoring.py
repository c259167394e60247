"""Score compiled minutes against annotated gold minutes (tN.json beside tN.gold.json).

Matching, one to one and greedy by similarity, within the same turn (seq); a gold item may
list the later turns that restated it (``"also": [{"seq": N, ...}]``), and then a predicted item
at any of those turns (its own ``seq`` or the restatements it merged) can match it:
- a predicted suggestion matches a gold one when it covers at least ``COVER`` of the gold
  text's characters (as a multiset, punctuation ignored, Chinese numerals read as digits) and
  is not a wholesale dump of the turn (at most ``MAX_LENGTH_RATIO`` times the gold length);
- a follow-up item is right when it matches by text and has the gold's responsible unit and
  resolved deadline (both null or equal); a unit's name with or without its place
  (临江区卫生健康局, 区卫生健康局) is the same unit, as people say both;
- consensus recall: gold consensus items matched by a predicted one;
- attendance: the counts by kind are exactly the gold's.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from transcripts.minutes.model import Minutes

COVER = 0.6
MAX_LENGTH_RATIO = 3.0

_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2, "〇": 0}
_NUMERAL = re.compile(r"[零〇一二两三四五六七八九十百千]+")
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


def _numeral(text: str) -> str:
    """一百五十 -> 150, 二〇一三 -> 2013; anything odd is left as it is."""
    if all(c in _DIGITS for c in text) and len(text) > 1:
        return "".join(str(_DIGITS[c]) for c in text)
    total, section, digit = 0, 0, None
    for c in text:
        if c in _DIGITS:
            digit = _DIGITS[c]
        elif c in "十百千":
            unit = {"十": 10, "百": 100, "千": 1000}[c]
            section += (1 if digit is None else digit) * unit
            digit = None
        else:
            return text
    return str(total + section + (digit or 0))


def normalize(text: str) -> str:
    text = _NUMERAL.sub(lambda m: _numeral(m.group()) if len(m.group()) > 1 or
                        m.group() not in "一两" else m.group(), text)
    return _PUNCT.sub("", text).lower()


def coverage(gold: str, predicted: str) -> float:
    g, p = Counter(normalize(gold)), Counter(normalize(predicted))
    total = sum(g.values())
    return sum((g & p).values()) / total if total else 0.0


def similar(gold: str, predicted: str) -> float:
    """0 when not a match; otherwise the coverage (used to pick the best pairing)."""
    g, p = normalize(gold), normalize(predicted)
    if not g or len(p) > MAX_LENGTH_RATIO * len(g):
        return 0.0
    c = coverage(gold, predicted)
    return c if c >= COVER else 0.0


Seqs = int | frozenset[int]


def _seqs(seq: Seqs) -> frozenset[int]:
    return frozenset({seq}) if isinstance(seq, int) else seq


def match(gold: Sequence[tuple[Seqs, str]], predicted: Sequence[tuple[Seqs, str]]
          ) -> list[tuple[int, int]]:
    """Pairs (gold index, predicted index): a turn in common, similar text, one to one, best
    first."""
    candidates = []
    for gi, (gseq, gtext) in enumerate(gold):
        for pi, (pseq, ptext) in enumerate(predicted):
            if _seqs(gseq) & _seqs(pseq):
                s = similar(gtext, ptext)
                if s > 0:
                    candidates.append((s, gi, pi))
    pairs, used_g, used_p = [], set(), set()
    for _, gi, pi in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])):
        if gi not in used_g and pi not in used_p:
            pairs.append((gi, pi))
            used_g.add(gi)
            used_p.add(pi)
    return pairs


@dataclass
class Counts:
    gold: int = 0
    predicted: int = 0
    matched: int = 0

    def add(self, other: Counts) -> None:
        self.gold += other.gold
        self.predicted += other.predicted
        self.matched += other.matched

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class FileScore:
    name: str
    suggestions: Counts
    actions: Counts  # matched = right text, unit and deadline
    actions_found: int  # matched by text only
    consensus: Counts
    attendance_right: bool
    misses: list[str]


def _unit(value: str | None) -> str:
    return normalize(value or "")


_LEVELS = "省市县区镇乡"


def same_unit(gold: str | None, found: str | None) -> bool:
    """Equal, or one is the other with its place name before the level (临江 + 区卫生健康局)."""
    a, b = _unit(gold), _unit(found)
    if a == b:
        return True
    short, full = sorted((a, b), key=len)
    return (bool(short) and short[0] in _LEVELS and full.endswith(short)
            and 1 <= len(full) - len(short) <= 4)


def gold_seqs(item: dict[str, Any]) -> frozenset[int]:
    """The turn a gold item was made in and the turns that restated it."""
    return frozenset({int(item["seq"])} | {int(a["seq"]) for a in item.get("also", [])})


def score(name: str, minutes: Minutes, gold: dict[str, Any]) -> FileScore:
    misses: list[str] = []
    g_s: list[tuple[Seqs, str]] = [(gold_seqs(s), str(s["text"]))
                                   for s in gold.get("suggestions", [])]
    p_s: list[tuple[Seqs, str]] = [(frozenset({s.seq, *s.also}), s.text)
                                   for s in minutes.suggestions]
    pairs = match(g_s, p_s)
    hit_g, hit_p = {g for g, _ in pairs}, {p for _, p in pairs}
    misses += [f"  missed suggestion #{_show(seq)}: {text}" for i, (seq, text) in enumerate(g_s)
               if i not in hit_g]
    misses += [f"  extra suggestion  #{_show(seq)}: {text}" for i, (seq, text) in enumerate(p_s)
               if i not in hit_p]
    suggestions = Counts(len(g_s), len(p_s), len(pairs))

    g_a = gold.get("actions", [])
    p_a = list(minutes.actions)
    pairs = match([(gold_seqs(a), str(a["text"])) for a in g_a],
                  [(frozenset({a.seq, *a.also}), a.text) for a in p_a])
    right = 0
    for gi, pi in pairs:
        g, p = g_a[gi], p_a[pi]
        deadline = date.fromisoformat(g["deadline"]) if g.get("deadline") else None
        if same_unit(g.get("unit"), p.unit) and deadline == p.deadline:
            right += 1
        else:
            misses.append(f"  wrong action #{g['seq']}: {g['text']} — gold {g.get('unit')} "
                          f"{g.get('deadline')} ({g.get('deadline_text')}), got {p.unit} "
                          f"{p.deadline} ({p.deadline_text})")
    hit_g, hit_p = {g for g, _ in pairs}, {p for _, p in pairs}
    misses += [f"  missed action #{a['seq']}: {a['text']}" for i, a in enumerate(g_a)
               if i not in hit_g]
    misses += [f"  extra action  #{a.seq}: {a.text}" for i, a in enumerate(p_a)
               if i not in hit_p]
    actions = Counts(len(g_a), len(p_a), right)

    g_c: list[tuple[Seqs, str]] = [(gold_seqs(c), str(c["text"]))
                                   for c in gold.get("consensus", [])]
    pairs = match(g_c, [(c.seq, c.text) for c in minutes.consensus])
    hit_g = {g for g, _ in pairs}
    misses += [f"  missed consensus #{_show(seq)}: {text}" for i, (seq, text) in enumerate(g_c)
               if i not in hit_g]
    consensus = Counts(len(g_c), len(minutes.consensus), len(pairs))

    expected = {k: int(v) for k, v in gold.get("attendance_by_kind", {}).items() if v}
    got = {k: v for k, v in minutes.heading.attendance_by_kind.items() if v}
    if expected != got:
        misses.append(f"  attendance: gold {expected}, got {got}")
    return FileScore(name, suggestions, actions, len(pairs), consensus, expected == got, misses)


def _show(seqs: Seqs) -> str:
    return "/".join(map(str, sorted(_seqs(seqs))))


def gold_pairs(paths: Iterable[Path]) -> list[tuple[Path, Path]]:
    """tN.json beside tN.gold.json, for each directory or file given."""
    found = []
    for path in paths:
        files = sorted(path.glob("*.gold.json")) if path.is_dir() else [path]
        for gold in files:
            if not gold.name.endswith(".gold.json"):
                gold = gold.with_name(gold.name.removesuffix(".json") + ".gold.json")
            found.append((gold.with_name(gold.name.removesuffix(".gold.json") + ".json"), gold))
    return found


def _line(name: str, sug: Counts, act: Counts, con: Counts, att: str) -> str:
    return (f"{name:<12} suggestions P {sug.precision:.2f} R {sug.recall:.2f} F1 {sug.f1:.2f} "
            f"({sug.matched}/{sug.gold} gold, {sug.predicted} found) | actions right "
            f"{act.matched}/{act.gold} = {act.recall:.2f} (P {act.precision:.2f}) | consensus "
            f"recall {con.recall:.2f} ({con.matched}/{con.gold}) | attendance {att}")


def report(paths: Iterable[Path], *, verbose: bool = False) -> tuple[str, dict[str, float]]:
    """The printed report, and the figures over all files. Each path given (a set: dev,
    held-out, ...) gets its own total line, so sets tuned on and sets never seen are never
    mixed into one figure."""
    from transcripts.minutes.compile import compile_minutes
    from transcripts.minutes.model import load_transcript

    lines: list[str] = []
    totals = _Totals()
    for path in paths:
        subtotal = _Totals()
        for transcript_path, gold_path in gold_pairs([path]):
            transcript = load_transcript(json.loads(transcript_path.read_text(encoding="utf-8")))
            gold = json.loads(gold_path.read_text(encoding="utf-8"))
            s = score(transcript_path.stem, compile_minutes(transcript), gold)
            subtotal.add(s)
            totals.add(s)
            lines.append(_line(s.name, s.suggestions, s.actions, s.consensus,
                               "right" if s.attendance_right else "WRONG"))
            if verbose:
                lines += s.misses
        lines.append(subtotal.line(f"= {path.name or path}"))
    return "\n".join(lines), totals.figures()


@dataclass
class _Totals:
    suggestions: Counts = field(default_factory=Counts)
    actions: Counts = field(default_factory=Counts)
    consensus: Counts = field(default_factory=Counts)
    attendance_right: int = 0
    files: int = 0

    def add(self, s: FileScore) -> None:
        self.suggestions.add(s.suggestions)
        self.actions.add(s.actions)
        self.consensus.add(s.consensus)
        self.attendance_right += s.attendance_right
        self.files += 1

    def line(self, name: str) -> str:
        return _line(name, self.suggestions, self.actions, self.consensus,
                     f"{self.attendance_right}/{self.files} right")

    def figures(self) -> dict[str, float]:
        s, a = self.suggestions, self.actions
        return {
            "suggestion_precision": s.precision, "suggestion_recall": s.recall,
            "suggestion_f1": s.f1, "actions_right": a.recall, "actions_precision": a.precision,
            "consensus_recall": self.consensus.recall,
            "attendance_right": self.attendance_right / self.files if self.files else 0.0}
