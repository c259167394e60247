"""Consistency checks for the annotated minutes sessions (run from the repository root):

    .venv/bin/python tests/data/minutes/check_gold.py [DIR ...]   # default: dev (and heldout)

Each DIR holds pairs NAME.json (a transcript) + NAME.gold.json (its gold minutes items). The
default is tests/data/minutes/dev/ and, when it has files, tests/data/minutes/heldout/.
Written independently of the extractor; it never runs it (it imports only
transcripts.minutes.model.load_transcript and transcripts.minutes.scoring.similar). Not collected
by pytest itself (no test_ prefix); tests/unit/test_annotated_sets.py calls check() on dev.

This one script replaces the per-set copies check_j12/j34/j5, check_k12/k34/k5, check_m12/m34/m5
and check_n12/n34/n5 that the annotators of those sets wrote; it keeps their checks, stated as
rules over the data rather than over file names.

Transcript:
- validates against yishitang/schemas/transcript.schema.json (the repository's own copy) and
  loads with load_transcript; every date-time carries a time zone, +08:00; seqs are 1..N;
  turn times strictly increase and lie within the session's times; every speaker is in
  attendance; no live `marks`; no traditional characters;
- the number of turns fits the session's style (below): 16-24 for an ordinary session.

Gold items:
- each seq exists; a suggestion's proposer is that turn's speaker; no duplicate items;
  suggestions in seq order; actions have only the known keys;
- every gold text is reachable by an extract of its own turn: some run of consecutive pieces
  covering >= 60% of it and at most 3x its length (transcripts/minutes/scoring.py). Pieces end
  after punctuation (also 、 and an ASCII full stop that is not a decimal point) and at
  whitespace, so speech-recognition turns (spaces, no commas) split too;
- an action's deadline_text is said verbatim in its turn; its unit is said there or is the
  speaker's own; the extract that reaches it contains no hedge (下一步研究, 原则上, 积极争取,
  ...): hedged replies are not commitments;
- every deadline is recomputed here from deadline_text and the session date (README-f.md and
  README.md conventions, plus 本月底, 明年X月Y日, (明年)上/下半年, (明年)N季度(末), and the
  festivals from FESTIVALS, a table of dates per year; vague phrases such as 尽快, 梅雨季前,
  入冬前, 本学期内 give null); a phrase with no rule is an error, so is a deadline before the
  session;
- `also` (restatements): each seq exists, comes after the item's seq and is not repeated; a
  suggestion's restatement names a proposer who is that turn's speaker (in speech-recognition
  and long sessions not the first proposer), and the text is reachable there too; an action's
  restatement, if it names a proposer, names that turn's speaker, says the deadline_text again,
  names the unit (in full, as a short form such as 区住建局, or as the speaker's own unit) and
  reaches the text (a note, not an error, when the restatement is in the closing moderator
  turn, which may restate it briefly);
- `partners` (cooperating units): each is named verbatim in the action's turn or one of its
  restating turns, and is not the lead unit;
- attendance_by_kind and speakers agree with the transcript.

Coverage (what a held-out session is meant to contain): every participant kind and turn kind,
questions have addressed_to, someone remote, someone arriving late and someone leaving early,
nobody speaking before signing in or after leaving, both voice and text sources. These are
errors for sessions annotated with the extended conventions (the gold uses `also` or
`partners`); sessions written before those conventions (f, g, h) get them as notes.

Session styles, recognised from the data (not from file names):
- long (LONG): >= 30 turns. Then 35-45 turns; one proposal restated twice (three speakers)
  and another at least once; a department commitment restated in the closing, which also has
  partners; >= 3 departments; voice turns of both kinds (>= 5 in speech-recognition style and
  some punctuated) and typed turns;
- speech recognition (ASR): all voice turns unpunctuated and all but at most three turns
  voice. Then 18-22 turns, all but at most two voice, >= 12 suggestions and >= 8 actions, >= 2
  self-corrections (不对, 说错了, 哦不是...), a typed turn by a remote person;
- for both: the closing is a spoken speech-style moderator turn with 会后的工作这样安排, typed
  turns are punctuated, there are vague and (at least three) precise deadlines, and partners;
- written online (ONLINE): more than half the turns typed. Then 20-22 turns, >= 2 voice turns.

Dropped, because they cannot be stated without naming files or do not hold across the sets:
the 18-24 turn range that the village and department-heavy authors set (the general 16-24
stands for them: those styles are not recognisable from the data); the briefs' session dates
(j5 on a Thursday, m3 on 2026-05-07, m4 on 2026-11-05); m1's "a stretch of 40 characters run
together"; m2's reading of "restated by three speakers" as three restatements and its demand
that a restating closing names the action's partners too (j2 and n2 restate more briefly).
"""

from __future__ import annotations

import calendar
import json
import re
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from transcripts.minutes.model import Transcript, Utterance

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SCHEMA = ROOT / "yishitang" / "schemas" / "transcript.schema.json"
FOLDERS = (HERE / "dev", HERE / "heldout")

# Festival dates per year; a "X前" deadline is the day before the next one after the session.
FESTIVALS: dict[str, dict[int, date]] = {
    "元旦": {y: date(y, 1, 1) for y in (2026, 2027, 2028)},
    "春节": {2026: date(2026, 2, 17), 2027: date(2027, 2, 6), 2028: date(2028, 1, 26)},
    "元宵": {2026: date(2026, 3, 3), 2027: date(2027, 2, 20), 2028: date(2028, 2, 9)},
    "清明": {2026: date(2026, 4, 5), 2027: date(2027, 4, 5), 2028: date(2028, 4, 4)},
    "五一": {y: date(y, 5, 1) for y in (2026, 2027, 2028)},
    "端午": {2026: date(2026, 6, 19), 2027: date(2027, 6, 9), 2028: date(2028, 5, 28)},
    "中秋": {2026: date(2026, 9, 25), 2027: date(2027, 9, 15), 2028: date(2028, 10, 3)},
    "国庆": {y: date(y, 10, 1) for y in (2026, 2027, 2028)},
}
FESTIVAL_ALIASES = {"劳动节": "五一", "元宵节": "元宵", "新年": "元旦"}
VAGUE = ("尽快", "汛期前", "雨季前", "梅雨季", "近期", "旺季前", "入冬前", "本学期")
HEDGES = ("下一步研究", "原则上", "积极争取", "会后我们", "会后商量", "统筹考虑", "认真考虑",
          "研究研究")
TRADITIONAL = set("這們說會來時與為個過還裡後麼樣對點開關電話區縣鎮辦業費維護")
ACTION_KEYS = {"seq", "text", "unit", "deadline_text", "deadline", "partners", "also"}
PUNCT = "，。！？、；：,.!?;:“”（）()【】…"
SELF_CORRECTION = re.compile(r"不对|说错了|哦不是|不是 \S")
ORDINARY_TURNS = (16, 24)
TURN_RANGES = {"ASR": (18, 22), "LONG": (35, 90), "ONLINE": (20, 22)}  # long: up to a 90-turn afternoon (z4)
LONG_FROM = 30  # a session with this many turns or more is a long one
CN = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2, "十": 10}
N = r"(\d+|[一二两三四五六七八九十]+)"


# -- deadlines -----------------------------------------------------------------------------

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


def festival_eve(name: str, day: date) -> date | None:
    """The day before the first festival `name` (with or without 节) after `day`."""
    name = FESTIVAL_ALIASES.get(name, name)
    dates = FESTIVALS.get(name) or FESTIVALS.get(name.removesuffix("节"))
    if dates is None:
        return None
    after = sorted(d for d in dates.values() if d > day)
    if not after:
        raise ValueError(f"no date for {name} after {day}: add it to FESTIVALS")
    return after[0] - timedelta(days=1)


def resolve(text: str, day: date) -> date | None:
    """The deadline `text` (as said) means for a session on `day`; None when vague."""
    if any(v in text for v in VAGUE):
        return None
    t = text.rstrip("前内之")
    next_month = add_months(day.replace(day=1), 1)
    if m := re.fullmatch(N + r"(天|周|个月)", t):
        n = num(m.group(1))
        if m.group(2) == "个月":
            return add_months(day, n)
        return day + timedelta(days=n * (7 if m.group(2) == "周" else 1))
    if t in ("年底", "年") or text == "年内":
        return date(day.year, 12, 31)
    if t == "本周":  # by Sunday of the session's week (weeks run Monday-Sunday)
        return day + timedelta(days=6 - day.weekday())
    if t in ("月底", "本月底", "这个月底"):
        return month_end(day.year, day.month)
    if t == "下个月底":
        return month_end(next_month.year, next_month.month)
    if m := re.fullmatch(r"下个月" + N + r"[号日]", t):
        return next_month.replace(day=num(m.group(1)))
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
    if m := re.fullmatch(r"明年" + N + r"月" + N + r"[日号]", t):
        return date(day.year + 1, num(m.group(1)), num(m.group(2)))
    if m := re.fullmatch(r"(明年)?(上|下)半年", t):
        return date(day.year + (1 if m.group(1) else 0), 6 if m.group(2) == "上" else 12,
                    30 if m.group(2) == "上" else 31)
    if m := re.fullmatch(r"(明年)?([一二三四1-4])季度(末|底)?", t):  # the quarter's last day
        return month_end(day.year + (1 if m.group(1) else 0), 3 * num(m.group(2)))
    if (eve := festival_eve(t, day)) is not None:
        return eve
    raise ValueError(f"no rule for {text!r}")


# -- reachability --------------------------------------------------------------------------

def pieces(turn: str) -> list[str]:
    """The turn cut after punctuation (and after an ASCII full stop that is no decimal point)
    and at whitespace, which is dropped (scoring ignores it anyway)."""
    cut = re.split(r"(?<=[，,。！!？?；;：:、])|(?<=\.)(?!\d)|\s+", turn)
    return [p for p in cut if p and not p.isspace()]


def runs(turn: str, limit: int) -> Iterator[str]:
    """Runs of consecutive pieces, up to about `limit` normalised characters (longer ones
    cannot match; the margin allows for numerals normalising to more digits)."""
    from transcripts.minutes.scoring import normalize

    ps = pieces(turn)
    for i in range(len(ps)):
        for j in range(i + 1, len(ps) + 1):
            run = "".join(ps[i:j])
            if len(normalize(run)) > limit + 8:
                break
            yield run


def best_run(gold: str, turn: str) -> str | None:
    """The shortest extract of the turn that reaches gold about as well as the best one
    (similarity >= 90% of the best), or None when none reaches it."""
    from transcripts.minutes.scoring import MAX_LENGTH_RATIO, normalize, similar

    limit = int(MAX_LENGTH_RATIO * len(normalize(gold)))
    scored = [(similar(gold, r), r) for r in runs(turn, limit)]
    top = max((s for s, _ in scored), default=0.0)
    if top <= 0:
        return None
    return min((r for s, r in scored if s >= 0.9 * top), key=len)


def reachable(gold: str, turn: str) -> bool:
    return best_run(gold, turn) is not None


# -- the checks ----------------------------------------------------------------------------

def check_transcript(data: Any, transcript: Transcript) -> list[str]:
    """Schema, loader, time stamps, speakers, marks, characters."""
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    v = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = [f"schema: {e.message} at {list(e.path)}" for e in v.iter_errors(data)]
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
        errors.append("utterance times are not strictly in seq order")
    elif ats and None not in (transcript.started_at, transcript.ended_at) and \
            not transcript.started_at <= ats[0] <= ats[-1] <= transcript.ended_at:
        errors.append("utterances outside the session's times")
    if [u.seq for u in transcript.utterances] != list(range(1, len(ats) + 1)):
        errors.append("seqs are not 1..N in order")
    names = {a.name for a in transcript.attendance}
    errors += [f"seq {u.seq}: speaker {u.speaker} not in attendance"
               for u in transcript.utterances if u.speaker not in names]
    if any(u.marks is not None for u in transcript.utterances):
        errors.append("live marks present")
    if trad := sorted({c for u in transcript.utterances for c in u.text if c in TRADITIONAL}):
        errors.append(f"traditional characters: {trad}")
    return errors


def check_suggestions(gold: dict, turns: dict[int, Utterance]) -> list[str]:
    errors: list[str] = []
    for s in gold["suggestions"]:
        u = turns.get(s["seq"])
        if u is None:
            errors.append(f"suggestion seq {s['seq']} missing")
            continue
        if s["proposer"] != u.speaker:
            errors.append(f"suggestion #{s['seq']}: proposer {s['proposer']} != {u.speaker}")
        if not reachable(s["text"], u.text):
            errors.append(f"suggestion #{s['seq']} not reachable: {s['text']}")
    seqs = [s["seq"] for s in gold["suggestions"]]
    if seqs != sorted(seqs):
        errors.append("suggestions not in seq order")
    return errors


def check_consensus(gold: dict, turns: dict[int, Utterance]) -> list[str]:
    return [f"consensus #{c['seq']} not reachable: {c['text']}" for c in gold["consensus"]
            if c["seq"] not in turns or not reachable(c["text"], turns[c["seq"]].text)]


def check_actions(gold: dict, transcript: Transcript) -> list[str]:
    """Each action against its own turn: seq, deadline (said and recomputed), unit, hedges,
    partners, keys."""
    errors: list[str] = []
    turns = {u.seq: u for u in transcript.utterances}
    day = transcript.session_date
    for a in gold["actions"]:
        where = f"action #{a['seq']}"
        if extra := set(a) - ACTION_KEYS:
            errors.append(f"{where}: unexpected keys {sorted(extra)}")
        u = turns.get(a["seq"])
        if u is None:
            errors.append(f"action seq {a['seq']} missing")
            continue
        if a["deadline_text"] and a["deadline_text"] not in u.text:
            errors.append(f"{where}: {a['deadline_text']!r} not in turn")
        run = best_run(a["text"], u.text)
        if run is None:
            errors.append(f"{where} not reachable: {a['text']}")
        elif hedge := [h for h in HEDGES if h in run]:
            errors.append(f"{where} reached through a hedge {hedge}: {run}")
        errors += check_deadline(a, day)
        speaker = transcript.attendee(u.speaker)
        if a["unit"] != (speaker.unit if speaker else None) and a["unit"] not in u.text:
            errors.append(f"{where}: unit {a['unit']} neither said nor the speaker's unit")
        said = u.text + "".join(turns[r["seq"]].text for r in a.get("also", [])
                                if r["seq"] in turns)
        for p in a.get("partners", []):
            if p not in said:
                errors.append(f"{where}: partner {p} not named in the turn (or a restatement)")
            if p == a["unit"]:
                errors.append(f"{where}: partner {p} is the lead unit")
    return errors


def check_deadline(a: dict, day: date | None) -> list[str]:
    where = f"action #{a['seq']} {a['deadline_text']!r}"
    got = date.fromisoformat(a["deadline"]) if a["deadline"] else None
    if day is None:
        return [f"{where}: no session date"]
    if got and got < day:
        return [f"{where}: deadline {got} before the session"]
    try:
        want = resolve(a["deadline_text"], day) if a["deadline_text"] else None
    except ValueError as e:
        return [f"{where} not recomputed: {e}"]
    return [] if want == got else [f"{where}: gold {got}, recomputed {want}"]


def check_also(gold: dict, transcript: Transcript, notes: list[str]) -> list[str]:
    """Restatements of a suggestion or an action in later turns."""
    errors: list[str] = []
    turns = {u.seq: u for u in transcript.utterances}
    another = style(transcript) in ("ASR", "LONG")  # restated by other speakers only
    for kind in ("suggestions", "actions"):
        for x in gold[kind]:
            seen = [x["seq"]]
            for r in x.get("also", []):
                where = f"{kind[:-1]} #{x['seq']} also #{r['seq']}"
                v = turns.get(r["seq"])
                if v is None:
                    errors.append(f"{where}: no such turn")
                    continue
                if r["seq"] <= x["seq"]:
                    errors.append(f"{where}: a restatement must come after the item's turn")
                if r["seq"] in seen:
                    errors.append(f"{where}: repeated seq")
                seen.append(r["seq"])
                if kind == "suggestions" and "proposer" not in r:
                    errors.append(f"{where}: no proposer")
                if "proposer" in r and r["proposer"] != v.speaker:
                    errors.append(f"{where}: proposer {r['proposer']} != {v.speaker}")
                if another and kind == "suggestions" and r.get("proposer") == x["proposer"]:
                    errors.append(f"{where}: restated by the first proposer")
                if kind == "actions":
                    errors += restated_action(x, v, transcript, where, notes)
                elif not reachable(x["text"], v.text):
                    errors.append(f"{where}: not reachable there: {x['text']}")
    return errors


def restated_action(a: dict, v: Utterance, transcript: Transcript, where: str,
                    notes: list[str]) -> list[str]:
    """A restated action: its deadline_text is said again, its unit is named (in full, as a
    short form, or as the restating speaker's own unit) and its text is reachable there (in
    the closing, where the moderator may restate it briefly, a note otherwise)."""
    errors: list[str] = []
    if a["deadline_text"] and a["deadline_text"] not in v.text:
        errors.append(f"{where}: {a['deadline_text']!r} not said there")
    speaker = transcript.attendee(v.speaker)
    if not mentions(v.text, a["unit"]) and a["unit"] != (speaker.unit if speaker else None):
        errors.append(f"{where}: unit {a['unit']} not named there")
    if not reachable(a["text"], v.text):
        if v.seq == transcript.utterances[-1].seq and v.turn == "moderator":
            notes.append(f"{where}: restated briefly in the closing (text not reachable)")
        else:
            errors.append(f"{where}: not reachable there: {a['text']}")
    return errors


def mentions(text: str, name: str) -> bool:
    """`name` is in text in full or as a short form: >= 3 of its characters in order, ending
    with its last one (区住建局 for 澄江区住房和城乡建设局)."""
    if name in text:
        return True
    for end, c in enumerate(text):
        if c != name[-1]:
            continue
        start, k = end, len(name) - 1  # match text backwards against name
        while start > 0 and k > 0:
            k = name.rfind(text[start - 1], 0, k)
            if k < 0:
                break
            start -= 1
        if end - start + 1 >= 3:
            return True
    return False


def check_summary(gold: dict, transcript: Transcript) -> list[str]:
    """attendance_by_kind, speakers, duplicates."""
    errors: list[str] = []
    kinds = Counter(a.kind for a in transcript.attendance if not a.absent)
    if dict(kinds) != gold["attendance_by_kind"]:
        errors.append(f"attendance_by_kind {gold['attendance_by_kind']} != {dict(kinds)}")
    if list(dict.fromkeys(u.speaker for u in transcript.utterances)) != gold["speakers"]:
        errors.append("speakers differ")
    for kind in ("suggestions", "actions", "consensus"):
        seen = [(x["seq"], x["text"]) for x in gold[kind]]
        if len(seen) != len(set(seen)):
            errors.append(f"duplicate {kind}")
    return errors


def coverage(transcript: Transcript) -> list[str]:
    """What a held-out session is meant to contain."""
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


# -- session styles ------------------------------------------------------------------------

def speech_style(text: str) -> bool:
    """Speech-recognition text: spaces between phrases, no punctuation."""
    return " " in text and not any(c in PUNCT for c in text)


def style(transcript: Transcript) -> str | None:
    us = transcript.utterances
    voice = [u for u in us if u.source == "voice"]
    if len(us) >= LONG_FROM:
        return "LONG"
    if voice and all(speech_style(u.text) for u in voice) and len(voice) >= len(us) - 3:
        return "ASR"
    if sum(u.source == "text" for u in us) > len(us) / 2:
        return "ONLINE"
    return None


def check_turn_count(transcript: Transcript) -> list[str]:
    lo, hi = TURN_RANGES.get(style(transcript), ORDINARY_TURNS)
    n = len(transcript.utterances)
    return [] if lo <= n <= hi else [f"{n} utterances, want {lo}-{hi}"]


def check_style(gold: dict, transcript: Transcript) -> list[str]:
    """What the speech-recognition and long styles ask for (see the module docstring)."""
    kind = style(transcript)
    if kind == "ONLINE":
        if Counter(u.source for u in transcript.utterances)["voice"] < 2:
            return ["ONLINE: fewer than two voice turns"]
        return []
    if kind is None:
        return []
    errors: list[str] = []
    us = transcript.utterances
    voice = [u for u in us if u.source == "voice"]
    typed = [u for u in us if u.source == "text"]
    closing = us[-1]
    if closing.turn != "moderator" or "会后的工作这样安排" not in closing.text:
        errors.append("the closing is not a moderator turn with 会后的工作这样安排")
    if closing.source != "voice" or not speech_style(closing.text):
        errors.append("the closing is not a spoken speech-recognition-style turn")
    if bad := [u.seq for u in typed if not any(c in PUNCT for c in u.text)]:
        errors.append(f"typed turns without punctuation: {bad}")
    precise = sum(a["deadline"] is not None for a in gold["actions"])
    if precise < 3 or precise == len(gold["actions"]):
        errors.append("not both vague and (at least three) precise deadlines")
    if not any(a.get("partners") for a in gold["actions"]):
        errors.append("no partners")
    if kind == "ASR":
        if len(voice) < len(us) - 2:
            errors.append("ASR: not nearly all turns are voice")
        if len(gold["suggestions"]) < 12 or len(gold["actions"]) < 8:
            errors.append("ASR: fewer than 12 suggestions or 8 actions")
        if sum(len(SELF_CORRECTION.findall(u.text)) for u in voice) < 2:
            errors.append("ASR: fewer than two self-corrections")
        remote = {a.name for a in transcript.attendance if a.remote}
        if not any(u.speaker in remote for u in typed):
            errors.append("ASR: no remote typed turn")
    if kind == "LONG":
        restated = sorted((len(s.get("also", [])) for s in gold["suggestions"]), reverse=True)
        if len(restated) < 2 or restated[0] < 2 or restated[1] < 1:
            errors.append("LONG: no proposal restated by three speakers and another by two")
        if not any(r["seq"] == closing.seq for a in gold["actions"] for r in a.get("also", [])
                   if a["seq"] != closing.seq):
            errors.append("LONG: no department commitment restated in the closing")
        if not any(a.get("partners") for a in gold["actions"] if a["seq"] == closing.seq):
            errors.append("LONG: no 牵头/配合 partners in the closing")
        if sum(speech_style(u.text) for u in voice[:-1]) < 5 or not typed \
                or all(speech_style(u.text) for u in voice):
            errors.append("LONG: voice turns not mixed (five speech-style and punctuated ones)"
                          " or no typed turn")
        if len({a.unit for a in transcript.attendance if a.kind == "department"}) < 3:
            errors.append("LONG: fewer than three departments")
    return errors


# -- driver --------------------------------------------------------------------------------

def extended(gold: dict) -> bool:
    """Annotated with the extended conventions (restatements, partners)."""
    return any("also" in x or "partners" in x for k in ("suggestions", "actions")
               for x in gold[k])


def check(path: Path, notes: list[str] | None = None) -> list[str]:
    """The errors of one pair: path is NAME.json beside NAME.gold.json. Notes (coverage of
    sessions written before the extended conventions) go to `notes` when given."""
    from transcripts.minutes.model import load_transcript

    data = json.loads(path.read_text(encoding="utf-8"))
    gold = json.loads(path.with_name(path.stem + ".gold.json").read_text(encoding="utf-8"))
    transcript = load_transcript(data)
    turns = {u.seq: u for u in transcript.utterances}
    errors = check_transcript(data, transcript)
    errors += check_turn_count(transcript)
    errors += check_suggestions(gold, turns)
    errors += check_consensus(gold, turns)
    errors += check_actions(gold, transcript)
    errors += check_also(gold, transcript, notes if notes is not None else [])
    errors += check_summary(gold, transcript)
    errors += check_style(gold, transcript)
    covered = coverage(transcript)
    if extended(gold):
        errors += covered
    elif notes is not None:
        notes += covered
    return errors


def pairs(folders: list[Path]) -> list[Path]:
    """NAME.json of every NAME.gold.json in the folders."""
    golds = sorted(p for folder in folders for p in folder.glob("*.gold.json"))
    return [p.with_name(p.name.removesuffix(".gold.json") + ".json") for p in golds]


def main(argv: list[str]) -> int:
    bad = 0
    for path in pairs([Path(a) for a in argv] or list(FOLDERS)):
        notes: list[str] = []
        errors = check(path, notes)
        gold = json.loads(path.with_name(path.stem + ".gold.json").read_text(encoding="utf-8"))
        turns = len(json.loads(path.read_text(encoding="utf-8"))["utterances"])
        print(f"{path.parent.name}/{path.name}: {turns} turns, {len(gold['suggestions'])} "
              f"suggestions, {len(gold['actions'])} actions, {len(gold['consensus'])} "
              f"consensus: {'PROBLEMS' if errors else 'ok'}")
        for n in notes:
            print(f"  note: {n}")
        for e in errors:
            print(f"  {e}")
        bad += bool(errors)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
