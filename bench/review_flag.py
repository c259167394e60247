"""The 待核对 flag (facilitation.review) and the prompt check, on the 26 real clips of
tests/data/audio (AISHELL-1/-3, Whisper base int8 as production runs it).

1. Every clip transcribed with no prompt: per clip the CER, the segments' worst statistics and
   the flag; then, on the tuning part (even positions in refs.tsv, where the thresholds were
   chosen) and the held-out part (odd positions), of clips with CER > 30% how many are
   flagged, and of clips with CER < 10% how many are not.
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


@dataclass(frozen=True)
class Heard:
    text: str
    segments: tuple[Segment, ...]
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


def held_out(index: int) -> bool:
    return index % 2 == 1


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
            except AudioRejected:  # nothing kept: all deletions
                text, segments = "", ()
            heard.append(Heard(text, segments, *char_errors(ref.reference, text)))
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


def _figures(refs: list[Ref], heard: list[Heard], part: bool) -> dict[str, Any]:
    chosen = [h for i, h in enumerate(heard) if held_out(i) == part]
    bad = [h for h in chosen if h.cer > BAD_CER]
    good = [h for h in chosen if h.cer < GOOD_CER]
    return {"clips": len(chosen), "bad": len(bad), "bad_flagged": sum(bool(h.flag) for h in bad),
            "good": len(good), "good_unflagged": sum(not h.flag for h in good),
            "middle_flagged": sum(bool(h.flag) for h in chosen
                                  if GOOD_CER <= h.cer <= BAD_CER)}


def _print_flag(refs: list[Ref], heard: list[Heard]) -> dict[str, Any]:
    print(f"{'clip':40} {'part':8} {'CER':>6}  logprob nospeech  ratio  flag")
    for i, (ref, h) in enumerate(zip(refs, heard, strict=True)):
        print(f"{ref.file[:40]:40} {'held-out' if held_out(i) else 'tuning':8} "
              f"{h.cer:6.1%}  {_worst(h.segments)}  {h.flag or ''}")
    figures = {}
    for part, name in ((False, "tuning"), (True, "held-out")):
        f = figures[name] = _figures(refs, heard, part)
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
    tuning = [h for i, h in enumerate(heard) if not held_out(i)]
    bad = [_lowest(h) for h in tuning if h.cer > BAD_CER]
    good = [_lowest(h) for h in tuning if h.cer < GOOD_CER]
    values = sorted({_lowest(h) for h in tuning})
    candidates = [(a + b) / 2 for a, b in itertools.pairwise(values)]

    def score(bound: float) -> tuple[float, int]:
        caught = sum(v < bound for v in bad) / max(1, len(bad))
        spared = sum(v >= bound for v in good) / max(1, len(good))
        return caught + spared, -sum(_lowest(h) < bound for h in tuning)
    return round(max(candidates, key=score), 3)


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
    prompts = [] if args.flag_only else _print_prompts(runs)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"review-flag-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    path.write_text(json.dumps({
        "flag": figures, "prompts": prompts,
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
