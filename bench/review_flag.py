"""The 待核对 flag (facilitation.review) and the prompt check, on the 26 real clips of
tests/data/audio (AISHELL-1/-3, Whisper base int8 as production runs it).

1. Every clip transcribed with no prompt: per clip the CER, the segments' worst statistics and
   the flag; then, on the tuning part (the `part` column of refs.tsv: the even positions,
   where the thresholds were chosen) and the held-out part (odd positions), of clips with
   CER > 30% how many are flagged, and of clips with CER < 10% how many are not. Then the
   hallucination filter (transcripts.hallucination) on the same two parts: every clip is real
   speech, so a dropped segment is a real one lost; and the segment statistics nearest to the
   filter's bounds, beside the bounds.
2. The prompt check: each clip again with (b) a related topic as initial prompt, (c) an
   unrelated topic and a glossary as hotwords (the bot's real path when a hall has a
   glossary), and, to tell which of the two hurts, (c1) the unrelated topic alone and (c2) the
   glossary alone. CER of each beside (a); a difference counts as more than noise when the 95%
   paired bootstrap interval over clips (decoding is deterministic: the noise is which clips
   we happen to have) lies above zero.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.asr_accuracy import AUDIO_DIR, OUT_DIR, Ref, load_refs
from facilitation.review import LOW_AVG_LOGPROB, review_reason
from facilitation.speech import AudioRejected, Segment, TranscriptionRequest
from transcripts.hallucination import (
    LOW_LOGPROB_FOR_NO_SPEECH,
    MAX_COMPRESSION_RATIO,
    NO_SPEECH_PROB,
    VERY_LOW_LOGPROB,
)
from transcripts.scoring import char_errors
from transcripts.whisper import WhisperOptions, WhisperTranscriber

SUMMARY = "the 待核对 flag against CER on 26 real clips, and topic prompt / hotwords vs none"
RELATED_TOPIC = "限购放开后三四线城市楼市和房企怎么走"
UNRELATED_TOPIC = "平桥镇污水零直排怎么推进"
UNRELATED_GLOSSARY = ("平桥镇", "县住建局", "污水零直排", "截污纳管", "雨污分流", "化粪池")
BAD_CER, GOOD_CER = 0.30, 0.10
BOOTSTRAP = 2000


@dataclass(frozen=True)
class Condition:
    name: str
    request: TranscriptionRequest
    hotwords: bool = False


CONDITIONS = (
    Condition("a: no prompt", TranscriptionRequest()),
    Condition("b: related topic", TranscriptionRequest(prompt=RELATED_TOPIC)),
    Condition("c: unrelated topic + glossary", TranscriptionRequest(
        prompt=UNRELATED_TOPIC, hotwords=UNRELATED_GLOSSARY), hotwords=True),
    Condition("c1: unrelated topic only", TranscriptionRequest(prompt=UNRELATED_TOPIC)),
    Condition("c2: glossary only", TranscriptionRequest(hotwords=UNRELATED_GLOSSARY),
              hotwords=True),
)


PARTS = ("tuning", "held-out")


@dataclass(frozen=True)
class Heard:
    part: str  # the clip's part in refs.tsv: tuning | held-out
    text: str
    segments: tuple[Segment, ...]
    dropped: int  # segments the hallucination filter removed
    errors: int
    length: int

    @property
    def cer(self) -> float:
        return self.errors / max(1, self.length)

    @property
    def flag(self) -> str | None:
        reason = review_reason(self.segments)
        return None if reason is None else f"{reason.code} {reason.value:.2f}"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--audio", type=Path, default=AUDIO_DIR, help="clips and refs.tsv")
    parser.add_argument("--models-dir", type=Path, default=None,
                        help="where the model is assembled (default: bench/out/models)")
    parser.add_argument("--flag-only", action="store_true", help="skip the prompt check")
    parser.add_argument("--out", type=Path, default=OUT_DIR)


async def _transcribe(refs: list[Ref], audio: Path, models_dir: Path,
                      condition: Condition) -> list[Heard]:
    transcriber = WhisperTranscriber(WhisperOptions(models_dir=models_dir,
                                                    use_hotwords=condition.hotwords))
    await transcriber.start()
    heard = []
    try:
        for ref in refs:
            try:
                transcript = await transcriber.transcribe(audio / ref.file, condition.request)
                text, segments = transcript.text, transcript.segments
                dropped = len(transcript.dropped)
            except AudioRejected as refused:  # nothing kept: all deletions
                text, segments = "", ()
                dropped = int(refused.params.get("dropped", 0))
            heard.append(Heard(ref.part, text, segments, dropped,
                               *char_errors(ref.reference, text)))
    finally:
        await transcriber.close()
    return heard


def _worst(segments: tuple[Segment, ...]) -> str:
    def pick(values: list[float | None], fn: Any) -> str:
        known = [v for v in values if v is not None]
        return f"{fn(known):6.2f}" if known else "     -"
    return " ".join((pick([s.avg_logprob for s in segments], min),
                     pick([s.no_speech_prob for s in segments], max),
                     pick([s.compression_ratio for s in segments], max)))


def _figures(heard: list[Heard], part: str) -> dict[str, Any]:
    chosen = [h for h in heard if h.part == part]
    bad = [h for h in chosen if h.cer > BAD_CER]
    good = [h for h in chosen if h.cer < GOOD_CER]
    return {"clips": len(chosen), "bad": len(bad), "bad_flagged": sum(bool(h.flag) for h in bad),
            "good": len(good), "good_unflagged": sum(not h.flag for h in good),
            "middle_flagged": sum(bool(h.flag) for h in chosen
                                  if GOOD_CER <= h.cer <= BAD_CER)}


def _print_flag(refs: list[Ref], heard: list[Heard]) -> dict[str, Any]:
    print(f"{'clip':40} {'part':8} {'CER':>6}  logprob nospeech  ratio  flag")
    for ref, h in zip(refs, heard, strict=True):
        print(f"{ref.file[:40]:40} {h.part:8} "
              f"{h.cer:6.1%}  {_worst(h.segments)}  {h.flag or ''}")
    figures = {}
    for name in PARTS:
        f = figures[name] = _figures(heard, name)
        print(f"{name:9} ({f['clips']} clips): CER > 30%: {f['bad_flagged']} of {f['bad']} "
              f"flagged; CER < 10%: {f['good_unflagged']} of {f['good']} not flagged; "
              f"10-30%: {f['middle_flagged']} flagged")
    print(f"avg_logprob bound the tuning clips call for: {choose_bound(heard)} "
          f"(facilitation.review.LOW_AVG_LOGPROB = {LOW_AVG_LOGPROB})")
    return figures


def _lowest(h: Heard) -> float:
    return min((s.avg_logprob for s in h.segments if s.avg_logprob is not None), default=0.0)


def choose_bound(heard: list[Heard]) -> float:
    """The avg_logprob bound the tuning clips call for (see facilitation.review): the most
    bad clips flagged plus good clips unflagged (as shares), ties to the fewest flags."""
    tuning = [h for h in heard if h.part == "tuning"]
    bad = [_lowest(h) for h in tuning if h.cer > BAD_CER]
    good = [_lowest(h) for h in tuning if h.cer < GOOD_CER]
    values = sorted({_lowest(h) for h in tuning})
    candidates = [(a + b) / 2 for a, b in itertools.pairwise(values)]

    def score(bound: float) -> tuple[float, int]:
        caught = sum(v < bound for v in bad) / max(1, len(bad))
        spared = sum(v >= bound for v in good) / max(1, len(good))
        return caught + spared, -sum(_lowest(h) < bound for h in tuning)
    return round(max(candidates, key=score), 3)


def _filter_figures(heard: list[Heard], part: str) -> dict[str, Any]:
    """The hallucination filter on one part's clips (all real speech): segments kept and
    dropped, and the kept segments' statistics nearest to the filter's bounds."""
    chosen = [h for h in heard if h.part == part]
    kept = [s for h in chosen for s in h.segments]

    def known(values: list[float | None]) -> list[float]:
        return [v for v in values if v is not None]
    doubtful = [s.no_speech_prob for s in kept if s.avg_logprob is not None
                and s.avg_logprob < LOW_LOGPROB_FOR_NO_SPEECH]
    return {
        "clips": len(chosen), "kept": len(kept), "dropped": sum(h.dropped for h in chosen),
        "clips_with_drops": sum(h.dropped > 0 for h in chosen),
        "max_no_speech": max(known([s.no_speech_prob for s in kept]), default=None),
        "max_no_speech_below_logprob": max(known(doubtful), default=None),
        "min_avg_logprob": min(known([s.avg_logprob for s in kept]), default=None),
        "max_compression_ratio": max(known([s.compression_ratio for s in kept]), default=None),
    }


def _print_filter(heard: list[Heard]) -> dict[str, Any]:
    print(f"\nhallucination filter on real speech: no_speech_prob >= {NO_SPEECH_PROB} with "
          f"avg_logprob < {LOW_LOGPROB_FOR_NO_SPEECH}, avg_logprob < {VERY_LOW_LOGPROB}, "
          f"compression ratio > {MAX_COMPRESSION_RATIO} drop a segment")
    print(f"{'part':9} {'clips':>5} {'kept':>5} {'dropped':>7}  {'max no_speech':>13} "
          f"{'(logprob<' + str(LOW_LOGPROB_FOR_NO_SPEECH) + ')':>15} {'min logprob':>11} "
          f"{'max ratio':>9}")

    def shown(value: float | None) -> str:
        return "-" if value is None else f"{value:.2f}"
    figures = {}
    for name in PARTS:
        f = figures[name] = _filter_figures(heard, name)
        print(f"{name:9} {f['clips']:>5} {f['kept']:>5} {f['dropped']:>7}  "
              f"{shown(f['max_no_speech']):>13} {shown(f['max_no_speech_below_logprob']):>15} "
              f"{shown(f['min_avg_logprob']):>11} {shown(f['max_compression_ratio']):>9}")
    return figures


def _bootstrap(base: list[Heard], other: list[Heard], seed: int = 8) -> tuple[float, float]:
    """95% interval of corpus CER(other) - CER(base), clips resampled with replacement."""
    rng, n, diffs = random.Random(seed), len(base), []
    for _ in range(BOOTSTRAP):
        pick = [rng.randrange(n) for _ in range(n)]
        length = sum(base[i].length for i in pick) or 1
        diffs.append(sum(other[i].errors - base[i].errors for i in pick) / length)
    diffs.sort()
    return diffs[int(0.025 * BOOTSTRAP)], diffs[int(0.975 * BOOTSTRAP) - 1]


def _corpus(heard: list[Heard]) -> float:
    return sum(h.errors for h in heard) / max(1, sum(h.length for h in heard))


def _print_prompts(runs: dict[str, list[Heard]]) -> list[dict[str, Any]]:
    base = runs[CONDITIONS[0].name]
    rows = []
    print(f"\n{'condition':32} {'CER':>7} {'vs a':>7} {'95% interval':>17} "
          f"{'worse/better clips':>19}  verdict")
    for name, heard in runs.items():
        low, high = _bootstrap(base, heard)
        diff = _corpus(heard) - _corpus(base)
        worse = sum(h.errors > b.errors for h, b in zip(heard, base, strict=True))
        better = sum(h.errors < b.errors for h, b in zip(heard, base, strict=True))
        verdict = "" if heard is base else ("WORSE" if low > 0 else
                                            "better" if high < 0 else "within noise")
        rows.append({"name": name, "cer": round(_corpus(heard), 4), "diff": round(diff, 4),
                     "interval": [round(low, 4), round(high, 4)], "worse": worse,
                     "better": better, "verdict": verdict})
        print(f"{name:32} {_corpus(heard):7.2%} {diff:+7.2%} "
              f"[{low:+6.2%}, {high:+6.2%}] {worse:>9}/{better:<9}  {verdict}")
    return rows


async def _measure(args: argparse.Namespace) -> tuple[list[Ref], dict[str, list[Heard]]]:
    refs = load_refs(args.audio)
    models_dir = args.models_dir or args.out / "models"
    conditions = CONDITIONS[:1] if args.flag_only else CONDITIONS
    return refs, {c.name: await _transcribe(refs, args.audio, models_dir, c)
                  for c in conditions}


def run(args: argparse.Namespace) -> int:
    refs, runs = asyncio.run(_measure(args))
    figures = _print_flag(refs, runs[CONDITIONS[0].name])
    hallucination = {name: _print_filter(heard) if name == CONDITIONS[0].name
                     else {part: _filter_figures(heard, part) for part in PARTS}
                     for name, heard in runs.items()}
    prompts = [] if args.flag_only else _print_prompts(runs)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"review-flag-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    path.write_text(json.dumps({
        "flag": figures, "hallucination_filter": hallucination, "prompts": prompts,
        "clips": [{"file": ref.file, "reference": ref.reference, **{
            name: {"text": h.text, "cer": round(h.cer, 4), "flag": h.flag,
                   "segments": [[s.start, s.end, s.text, s.avg_logprob, s.no_speech_prob,
                                 s.compression_ratio] for s in h.segments]}
            for name, heard in runs.items() for h in (heard[i],)}}
            for i, ref in enumerate(refs)],
    }, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"wrote {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.review_flag", description=SUMMARY)
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
