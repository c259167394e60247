"""Consistency checks for the fresh-n sessions n1 and n2 (run from the repository root):

    .venv/bin/python tests/data/minutes/fresh-n/check_n12.py

A copy of ../check_gold.py, extended for this round (README-n12.md). It never runs the
extractor. For n1.json and n2.json (other helpers' files in this folder are not touched) it
checks that:

- the transcript validates against shared/formats/transcript.schema.json and loads with
  transcripts.minutes.model.load_transcript; date-times carry a time zone; turns are in
  time order; speakers are in attendance; the number of turns fits the style;
- each gold item's seq exists; a suggestion's proposer is that turn's speaker, and so is the
  proposer of each "also" restatement; every "also" seq exists;
- an action's deadline_text appears verbatim in its turn, and its deadline, recomputed here
  by a small resolver of our own (not the extractor's), is the gold deadline;
- units are said in the turn or are the speaker's own; every partner is said in the turn;
- every gold text is reachable by an extract of its own turn, and of every turn that
  restates it ("also"): some run of consecutive pieces (split at punctuation and, for
  speech-recognition text, at spaces) covering >= 60% of it and at most 3x its length, as
  transcripts/minutes/scoring.py measures;
- attendance_by_kind and speakers agree with the transcript;
- the session has every participant kind and turn kind, questions have addressed_to,
  someone is remote, someone leaves early, someone arrives late, nobody speaks before
  signing in or after leaving, voice and text both occur;
- the style holds: in n1 (ASR) the voice turns carry no punctuation; in n2 (LONG) one
  suggestion is restated by three speakers, one by two, and one action is restated in the
  closing;
- there are no duplicate gold items and suggestions are in seq order.

Not a test of the extractor: it never runs it. Not collected by pytest (no test_ prefix).
"""

from __future__ import annotations

import calendar
import json
import re
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from transcripts.minutes.model import Transcript

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[3]
sys.path.insert(0, str(ROOT))

SCHEMA = ROOT.parent / "shared" / "formats" / "transcript.schema.json"

SESSIONS = {"n1": (18, 22), "n2": (35, 45)}  # name: allowed number of turns

# Festival dates (the day before is the deadline). Names without 节.
FESTIVALS = {
    ("元旦", 2027): date(2027, 1, 1),
    ("春节", 2027): date(2027, 2, 6),
    ("清明", 2026): date(2026, 4, 5),
    ("五一", 2026): date(2026, 5, 1),
    ("端午", 2026): date(2026, 6, 19),
    ("中秋", 2026): date(2026, 9, 25),
    ("国庆", 2026): date(2026, 10, 1),
}
VAGUE = ("尽快", "汛期前", "雨季前", "梅雨季前", "近期", "旺季前")
CN = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2, "十": 10}
PUNCT_ZH = "，。！？、；：“”《》（）,.!?;:"


def num(s: str) -> int:
    if s.isdigit():
        return int(s)
    if s == "十":
        return 10
    if s.startswith("十"):
        return 10 + CN[s[1]]
    if "十" in s:
        a, _, b = s.partition("十")
        return CN[a] * 10 + (CN[b] if b else 0)
    return CN[s]


def month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    y, m = d.year + y, m + 1
    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def resolve(text: str, day: date) -> date | None:
    t = text.rstrip("前内之")
    if any(v in text for v in VAGUE):
        return None
    N = r"(\d+|[一二两三四五六七八九十]+)"
    if m := re.fullmatch(N + r"(天|周|个月)", t):
        n = num(m.group(1))
        return {
            "天": day + timedelta(days=n),
            "周": day + timedelta(days=7 * n),
            "个月": add_months(day, n),
        }[m.group(2)]
    if t in ("年底", "年") or text == "年内":
        return date(day.year, 12, 31)
    if t == "本周":  # 本周内: by Sunday of the session's week (weeks run Monday-Sunday)
        return day + timedelta(days=6 - day.weekday())
    if t == "月底":
        return month_end(day.year, day.month)
    if t == "下个月底":
        nxt = add_months(day.replace(day=1), 1)
        return month_end(nxt.year, nxt.month)
    if m := re.fullmatch(r"下个月" + N + r"[号日]", t):
        nxt = add_months(day.replace(day=1), 1)
        return nxt.replace(day=num(m.group(1)))
    if m := re.fullmatch(r"(本|下)周([一二三四五六日])", t):
        monday = day - timedelta(days=day.weekday())
        if m.group(1) == "下":
            monday += timedelta(days=7)
        return monday + timedelta(days="一二三四五六日".index(m.group(2)))
    if m := re.fullmatch(r"(明年)?" + N + r"月底", t):
        y, mo = day.year + (1 if m.group(1) else 0), num(m.group(2))
        if not m.group(1) and mo < day.month:
            y += 1
        return month_end(y, mo)
    if m := re.fullmatch(N + r"月" + N + r"[日号]", t):
        said = date(day.year, num(m.group(1)), num(m.group(2)))
        return said if said >= day else said.replace(year=day.year + 1)
    # quarters and half-years: the last day of the period (明年一季度 = March 31 next year)
    if m := re.fullmatch(r"(明年)?(上半年|下半年|[一二三四]季度末?)", t):
        y = day.year + (1 if m.group(1) else 0)
        p = m.group(2)
        if p == "上半年":
            return date(y, 6, 30)
        if p == "下半年":
            return date(y, 12, 31)
        return month_end(y, 3 * "一二三四".index(p[0]) + 3)
    for (name, y), d in FESTIVALS.items():
        if t in (name, name + "节") and d > day and y in (day.year, day.year + 1):
            return d - timedelta(days=1)
    raise ValueError(f"no rule for {text!r}")


def pieces(turn: str) -> list[str]:
    """Consecutive pieces of a turn: split after punctuation and at spaces (speech-recognition
    text separates phrases by spaces)."""
    return [c for c in re.split(r"(?<=[，,。！!？?；;：:、])|\s+", turn) if c]


def reachable(gold: str, turn: str) -> bool:
    from transcripts.minutes.scoring import similar

    ps = pieces(turn)
    for i in range(len(ps)):
        for j in range(i + 1, len(ps) + 1):
            if similar(gold, "".join(ps[i:j])) > 0:
                return True
    return False


def check(path: Path, bounds: tuple[int, int]) -> list[str]:
    import jsonschema

    from transcripts.minutes.model import load_transcript

    errors: list[str] = []
    data = json.loads(path.read_text(encoding="utf-8"))
    gold = json.loads(path.with_name(path.stem + ".gold.json").read_text(encoding="utf-8"))
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    v = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    errors += [f"schema: {e.message} at {list(e.path)}" for e in v.iter_errors(data)]
    transcript = load_transcript(data)
    if any("marks" in u for u in data["utterances"]):
        errors.append("live marks present")
    # jsonschema does not enforce "format" without extra packages: check date-times here.
    stamps = [transcript.started_at, transcript.ended_at]
    stamps += [t for a in transcript.attendance for t in (a.signed_in_at, a.left_at) if t]
    stamps += [u.at for u in transcript.utterances]
    if any(t is None or t.tzinfo is None for t in stamps):
        errors.append("a date-time is missing or has no time zone")
    elif any(t.utcoffset() != timedelta(hours=8) for t in stamps):
        errors.append("a date-time is not +08:00")
    ats = [u.at for u in transcript.utterances]
    if ats != sorted(ats) or len(set(ats)) != len(ats):
        errors.append("utterance times are not in seq order")
    if ats[0] < transcript.started_at or ats[-1] > transcript.ended_at:
        errors.append("utterances outside the session's times")
    if [u["seq"] for u in data["utterances"]] != list(range(1, len(data["utterances"]) + 1)):
        errors.append("seqs are not 1..N in order")
    day = transcript.session_date
    names = {a.name for a in transcript.attendance}
    turns = {u.seq: u for u in transcript.utterances}
    for u in transcript.utterances:
        if u.speaker not in names:
            errors.append(f"seq {u.seq}: speaker {u.speaker} not in attendance")
    lo, hi = bounds
    if not lo <= len(turns) <= hi:
        errors.append(f"{len(turns)} utterances, want {lo}-{hi}")

    def restated(item: dict, what: str, proposer: bool) -> None:
        for r in item.get("also", []):
            ru = turns.get(r["seq"])
            if ru is None:
                errors.append(f"{what} #{item['seq']}: also seq {r['seq']} missing")
                continue
            if r["seq"] <= item["seq"]:
                errors.append(f"{what} #{item['seq']}: also seq {r['seq']} not later")
            if proposer and r.get("proposer") != ru.speaker:
                errors.append(f"{what} #{item['seq']}: also #{r['seq']} proposer "
                              f"{r.get('proposer')} != {ru.speaker}")
            if not reachable(item["text"], ru.text):
                errors.append(f"{what} #{item['seq']}: not reachable in also #{r['seq']}")

    for s in gold["suggestions"]:
        u = turns.get(s["seq"])
        if u is None:
            errors.append(f"suggestion seq {s['seq']} missing")
            continue
        if s["proposer"] != u.speaker:
            errors.append(f"suggestion #{s['seq']}: proposer {s['proposer']} != {u.speaker}")
        if not reachable(s["text"], u.text):
            errors.append(f"suggestion #{s['seq']} not reachable: {s['text']}")
        restated(s, "suggestion", True)
    for c in gold["consensus"]:
        u = turns.get(c["seq"])
        if u is None or not reachable(c["text"], u.text):
            errors.append(f"consensus #{c['seq']} not reachable: {c['text']}")
    for a in gold["actions"]:
        u = turns.get(a["seq"])
        if u is None:
            errors.append(f"action seq {a['seq']} missing")
            continue
        if a["deadline_text"] and a["deadline_text"] not in u.text:
            errors.append(f"action #{a['seq']}: {a['deadline_text']!r} not in turn")
        if not reachable(a["text"], u.text):
            errors.append(f"action #{a['seq']} not reachable: {a['text']}")
        restated(a, "action", False)
        unit = a["unit"]
        own = transcript.attendee(u.speaker).unit
        if unit != own and unit not in u.text:
            errors.append(f"action #{a['seq']}: unit {unit} neither said nor the speaker's unit")
        for p in a.get("partners", []):
            if p not in u.text:
                errors.append(f"action #{a['seq']}: partner {p} not said in the turn")
        try:
            want = resolve(a["deadline_text"], day) if a["deadline_text"] else None
        except ValueError:  # an expression this small resolver has no rule for
            errors.append(f"action #{a['seq']} {a['deadline_text']!r} not recomputed")
            continue
        got = date.fromisoformat(a["deadline"]) if a["deadline"] else None
        if want != got:
            errors.append(f"action #{a['seq']} {a['deadline_text']}: gold {got}, recomputed {want}")
    kinds = Counter(a.kind for a in transcript.attendance if not a.absent)
    if dict(kinds) != gold["attendance_by_kind"]:
        errors.append(f"attendance_by_kind {gold['attendance_by_kind']} != {dict(kinds)}")
    speakers = list(dict.fromkeys(u.speaker for u in transcript.utterances))
    if speakers != gold["speakers"]:
        errors.append("speakers differ")
    errors += coverage(transcript)
    for kind in ("suggestions", "actions", "consensus"):
        seen = [(x["seq"], x["text"]) for x in gold[kind]]
        if len(seen) != len(set(seen)):
            errors.append(f"duplicate {kind}")
    if [x["seq"] for x in gold["suggestions"]] != sorted(x["seq"] for x in gold["suggestions"]):
        errors.append("suggestions not in seq order")
    errors += style(path.stem, transcript, gold)
    return errors


def style(name: str, transcript: Transcript, gold: dict) -> list[str]:
    """What each style asks for (/tmp/helpers/styles.md, summarised in README-n12.md)."""
    errors: list[str] = []
    voice = [u for u in transcript.utterances if u.source == "voice"]
    asr = [u for u in voice if not any(c in PUNCT_ZH for c in u.text)]
    if name == "n1":
        if len(asr) != len(voice):
            errors.append("n1: a voice turn carries punctuation")
        if len(voice) < len(transcript.utterances) - 2:
            errors.append("n1: not nearly all turns are voice")
        if len(gold["suggestions"]) < 12 or len(gold["actions"]) < 8:
            errors.append("n1: fewer than 12 suggestions or 8 actions")
        if sum(1 for x in ("哦不对", "不对", "不是", "呃") if any(
                x in u.text for u in transcript.utterances)) < 2:
            errors.append("n1: no self-corrections")
    if name == "n2":
        sizes = sorted(len(s.get("also", [])) for s in gold["suggestions"])
        if 2 not in sizes or 1 not in sizes:
            errors.append("n2: want a suggestion restated by three speakers and one by two")
        if not any(a.get("also") for a in gold["actions"]):
            errors.append("n2: no department commitment restated in the closing")
        if len(asr) < 5:
            errors.append("n2: fewer than five speech-recognition-style turns")
        closing = transcript.utterances[-1]
        if closing.turn != "moderator" or closing not in asr:
            errors.append("n2: the closing is not a spoken turn in speech style")
    if not any(a["deadline"] is None for a in gold["actions"]):
        errors.append("no vague deadline")
    if not any(a.get("partners") for a in gold["actions"]):
        errors.append("no partners")
    return errors


def coverage(transcript: Transcript) -> list[str]:
    """What a held-out session is meant to contain (see ../heldout conventions)."""
    from transcripts.minutes.model import KINDS, TURNS

    errors: list[str] = []

    present = {a.kind for a in transcript.attendance}
    if missing := [k for k in KINDS if k not in present]:
        errors.append(f"participant kinds missing: {missing}")
    if missing := [t for t in TURNS if t not in {u.turn for u in transcript.utterances}]:
        errors.append(f"turn kinds missing: {missing}")
    if any(u.turn == "question" and not u.addressed_to for u in transcript.utterances):
        errors.append("a question without addressed_to")
    if not any(a.remote for a in transcript.attendance):
        errors.append("nobody remote")
    if not any(a.left_at for a in transcript.attendance):
        errors.append("nobody leaves early")
    if not any(a.signed_in_at and a.signed_in_at > transcript.started_at
               for a in transcript.attendance):
        errors.append("nobody arrives late")
    for a in transcript.attendance:
        spoke = [u.at for u in transcript.utterances if u.speaker == a.name]
        if spoke and a.signed_in_at and min(spoke) < a.signed_in_at:
            errors.append(f"{a.name} speaks before signing in")
        if spoke and a.left_at and max(spoke) > a.left_at:
            errors.append(f"{a.name} speaks after leaving")
    if not {u.source for u in transcript.utterances} >= {"voice", "text"}:
        errors.append("voice and text sources not both present")
    return errors


def main() -> int:
    bad = 0
    for name, bounds in SESSIONS.items():
        path = HERE / f"{name}.json"
        gold = json.loads(path.with_name(f"{name}.gold.json").read_text(encoding="utf-8"))
        errors = check(path, bounds)
        print(
            f"{path.name}: {len(gold['suggestions'])} suggestions, {len(gold['actions'])} "
            f"actions, {len(gold['consensus'])} consensus: "
            f"{'ok' if not errors else 'PROBLEMS'}"
        )
        for e in errors:
            print("  " + e)
        bad += bool(errors)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
