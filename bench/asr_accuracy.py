"""ASR accuracy and speed on the 26 real Mandarin clips of tests/data/audio (AISHELL-1/-3).

Contenders, in one run, on the same model (the offline Whisper base, CTranslate2 int8, CPU):
- "ours": WhisperTranscriber as production runs it (worker process, language zh, beam 5,
  Simplified output, hallucination filter), scored on its normalised text;
- "plain zh": faster_whisper.WhisperModel(...).transcribe(audio, language="zh") with every
  other default (beam 5, no prompt): like with like, since ours is told the language too;
  scored on its raw text and on its text converted by OpenCC t2s;
- "plain detected": the same with the language left to Whisper (its default), for reference.
With ``--variants``, ours again with a session topic and with glossaries (the measurements
behind what WhisperTranscriber passes to the model).

Character error rate: all edits over all reference characters, punctuation and spaces removed
on both sides. Real-time factor: wall time over audio duration, clip by clip, model loaded.
The "ratio" column is each CER over plain zh + t2s's (the strongest baseline told the language).
Goal: ours CER <= plain zh's (raw and t2s) and no Traditional character in ours.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import platform
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from facilitation.speech import AudioRejected, TranscriptionRequest
from transcripts.model_files import resolve_model
from transcripts.normalize import has_traditional, to_simplified
from transcripts.scoring import corpus_cer
from transcripts.whisper import WhisperOptions, WhisperTranscriber

SUMMARY = "Whisper base on 26 real Mandarin clips: our pipeline vs plain faster-whisper (CER, RTF)"
ROOT = Path(__file__).resolve().parents[1]
AUDIO_DIR = ROOT / "tests" / "data" / "audio"
OUT_DIR = ROOT / "bench" / "out"
UNRELATED_TOPIC = "停车难怎么解决"
UNRELATED_GLOSSARY = ("彭湖村", "城关镇", "政协委员", "停车")
RELATED_GLOSSARY = ("广州", "呼和浩特", "公积金", "限购", "郝荣福")


@dataclass(frozen=True)
class Ref:
    file: str
    reference: str
    duration_s: float
    part: str = ""  # tuning | held-out (refs.tsv; see tests/data/audio/README.md)


@dataclass
class Run:
    name: str
    texts: list[str] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    dropped: list[int] = field(default_factory=list)  # segments our filter removed

    def row(self, refs: list[Ref], convert: Callable[[str], str] = str) -> dict[str, Any]:
        texts = [convert(t) for t in self.texts]
        audio = sum(r.duration_s for r in refs)
        return {"name": self.name,
                "cer": round(corpus_cer(zip((r.reference for r in refs), texts, strict=True)), 4),
                "traditional_clips": sum(has_traditional(t) for t in texts),
                "rtf": round(sum(self.seconds) / audio, 3),
                "dropped_segments": sum(self.dropped) if self.dropped else None}


def load_refs(audio_dir: Path = AUDIO_DIR) -> list[Ref]:
    with (audio_dir / "refs.tsv").open(encoding="utf-8") as file:
        return [Ref(row["file"], row["reference"], float(row["duration_s"]), row.get("part") or "")
                for row in csv.DictReader(file, delimiter="\t")]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--audio", type=Path, default=AUDIO_DIR, help="clips and refs.tsv")
    parser.add_argument("--models-dir", type=Path, default=None,
                        help="where the model is assembled (default: bench/out/models)")
    parser.add_argument("--variants", action="store_true",
                        help="also ours with a topic prompt and with glossaries")
    parser.add_argument("--out", type=Path, default=OUT_DIR)


async def _ours(name: str, refs: list[Ref], audio_dir: Path, models_dir: Path,
                request: TranscriptionRequest, use_hotwords: bool = False) -> Run:
    transcriber = WhisperTranscriber(WhisperOptions(models_dir=models_dir,
                                                    use_hotwords=use_hotwords))
    await transcriber.start()
    run = Run(name)
    try:
        for ref in refs:
            started = time.perf_counter()
            try:
                transcript = await transcriber.transcribe(audio_dir / ref.file, request)
                text, dropped = transcript.text, len(transcript.dropped)
            except AudioRejected as rejected:  # counted as all deletions
                text, dropped = f"({rejected.code})", 0
            run.seconds.append(time.perf_counter() - started)
            run.texts.append(text)
            run.dropped.append(dropped)
    finally:
        await transcriber.close()
    return run


def _plain(refs: list[Ref], audio_dir: Path, model_path: str) -> tuple[Run, Run]:
    """Plain faster-whisper told the language (zh), and left to detect it."""
    from faster_whisper import WhisperModel

    model = WhisperModel(model_path, device="cpu", compute_type="int8")
    runs = (Run("plain zh"), Run("plain detected"))
    for run, language in zip(runs, ("zh", None), strict=True):
        for ref in refs:
            started = time.perf_counter()
            segments, _info = model.transcribe(str(audio_dir / ref.file), language=language)
            run.texts.append("".join(segment.text for segment in segments))
            run.seconds.append(time.perf_counter() - started)
    return runs


def _variants() -> list[tuple[str, TranscriptionRequest, bool]]:
    return [
        ("ours + unrelated topic", TranscriptionRequest(prompt=UNRELATED_TOPIC), False),
        ("ours + unrelated glossary", TranscriptionRequest(hotwords=UNRELATED_GLOSSARY), True),
        ("ours + related glossary", TranscriptionRequest(hotwords=RELATED_GLOSSARY), True),
    ]


async def _measure(args: argparse.Namespace) -> tuple[list[Ref], list[Run], list[dict[str, Any]]]:
    refs = load_refs(args.audio)
    models_dir = args.models_dir or args.out / "models"
    model_path = resolve_model("base", models_dir).path
    ours = await _ours("ours", refs, args.audio, models_dir, TranscriptionRequest())
    plain, detected = await asyncio.to_thread(_plain, refs, args.audio, model_path)
    runs = [ours, plain, detected]
    rows = [ours.row(refs), plain.row(refs), {**plain.row(refs, to_simplified),
                                              "name": "plain zh + t2s"},
            detected.row(refs), {**detected.row(refs, to_simplified),
                                 "name": "plain detected + t2s"}]
    if args.variants:
        for name, request, hot in _variants():
            run = await _ours(name, refs, args.audio, models_dir, request, hot)
            runs.append(run)
            rows.append(run.row(refs))
    return refs, runs, rows


def _ratios(rows: list[dict[str, Any]]) -> None:
    """Each CER over plain zh + t2s's (rows[2]), in place."""
    base = rows[2]["cer"]
    for row in rows:
        row["ratio"] = round(row["cer"] / base, 3) if base else None


def _print(rows: list[dict[str, Any]]) -> None:
    print(f"{'contender':28} {'CER':>7} {'ratio':>6} {'Traditional clips':>18} {'RTF':>6} "
          f"{'dropped segments':>17}")
    for row in rows:
        dropped = "" if row["dropped_segments"] is None else row["dropped_segments"]
        ratio = "" if row["ratio"] is None else f"{row['ratio']:.2f}"
        print(f"{row['name']:28} {row['cer']:>7.2%} {ratio:>6} {row['traditional_clips']:>18} "
              f"{row['rtf']:>6.3f} {dropped:>17}")


def _write(out: Path, refs: list[Ref], runs: list[Run], rows: list[dict[str, Any]]) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = out / f"asr-accuracy-{stamp}.json"
    clips = [{**asdict(ref), **{run.name: {"text": run.texts[i],
                                           "seconds": round(run.seconds[i], 3)}
                                for run in runs}} for i, ref in enumerate(refs)]
    path.write_text(json.dumps({
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "model": "whisper-base (ct2 int8, cpu)", "summary": rows, "clips": clips,
    }, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def run(args: argparse.Namespace) -> int:
    refs, runs, rows = asyncio.run(_measure(args))
    _ratios(rows)
    _print(rows)
    print(f"wrote {_write(args.out, refs, runs, rows)}")
    ours, plain, plain_t2s = rows[0], rows[1], rows[2]
    met = ours["cer"] <= min(plain["cer"], plain_t2s["cer"]) and ours["traditional_clips"] == 0
    print("goal met" if met else "GOAL MISSED: ours must be at least as accurate as plain "
                                 "faster-whisper told the language, with no Traditional "
                                 "characters")
    return 0 if met else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.asr_accuracy", description=SUMMARY)
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
