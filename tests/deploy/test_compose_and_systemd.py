"""docker-compose.yml and the systemd unit, checked without Docker or systemd running: they
parse, name only settings that exist and commands the CLI accepts, and agree with the
Dockerfile (data folder, port of asr-serve) and with each other (database service)."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from tests.deploy.dockerfile import COMPOSE, SYSTEMD_UNIT, env_of, final_stage, parse
from yishitang.cli import _parser
from yishitang.settings import Settings

SETTINGS = {f"YISHITANG_{name.upper()}" for name in Settings.model_fields}
# The service attributes this file may use (Compose specification); a typo is not one of them.
SERVICE_KEYS = {"image", "build", "restart", "env_file", "stop_grace_period", "command",
                "environment", "volumes", "depends_on", "profiles", "expose", "healthcheck",
                "ports"}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return loaded


def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each service with the YAML anchor's keys merged in (PyYAML resolves `<<`)."""
    found: dict[str, dict[str, Any]] = compose["services"]
    return found


def test_services_and_profiles(compose: dict[str, Any]) -> None:
    found = services(compose)
    assert set(found) == {"postgres", "bot", "asr", "telegram-bot-api"}
    assert {name: s.get("profiles") for name, s in found.items()} == {
        "postgres": None, "bot": None, "asr": ["asr"], "telegram-bot-api": ["local-api"]}
    for name, service in found.items():
        assert set(service) <= SERVICE_KEYS, (name, set(service) - SERVICE_KEYS)
        assert service["restart"] == "unless-stopped"
        # published to the host's loopback only (a reverse proxy faces the network)
        assert all(str(p).startswith("127.0.0.1:") for p in service.get("ports", [])), name
    assert found["bot"]["ports"] == ["127.0.0.1:8080:8080"]  # the web app of `run`


def test_volumes_are_declared_and_the_data_folder_is_the_images(
        compose: dict[str, Any]) -> None:
    used: dict[str, dict[str, str]] = {}
    for name, service in services(compose).items():
        for mount in service.get("volumes", []):
            source, target = mount.split(":")[:2]
            used.setdefault(name, {})[target] = source
    assert {s for mounts in used.values() for s in mounts.values()} == set(compose["volumes"])
    data_dir = env_of(final_stage(parse()))["YISHITANG_DATA_DIR"]
    assert used["bot"][data_dir] == "bot-data" and used["asr"][data_dir] == "asr-data"
    api_files = used["telegram-bot-api"]["/var/lib/telegram-bot-api"]
    assert used["bot"]["/var/lib/telegram-bot-api"] == api_files  # --local hands out paths
    assert "telegram-bot-api-data:/var/lib/telegram-bot-api:ro" in services(compose)["bot"][
        "volumes"]


def test_the_bot_uses_the_postgres_service(compose: dict[str, Any]) -> None:
    found = services(compose)
    bot, postgres = found["bot"], found["postgres"]
    url = urlsplit(bot["environment"]["YISHITANG_DATABASE_URL"])
    assert (url.scheme, url.hostname, url.port) == ("postgresql", "postgres", 5432)
    assert url.username == postgres["environment"]["POSTGRES_USER"]
    assert url.path == f"/{postgres['environment']['POSTGRES_DB']}"
    assert url.password == "${POSTGRES_PASSWORD}"
    assert postgres["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")
    assert bot["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])


def test_secrets_come_from_the_env_file_and_must_be_set(compose: dict[str, Any]) -> None:
    bot = services(compose)["bot"]
    assert bot["environment"]["YISHITANG_TELEGRAM_TOKEN"].startswith(
        "${YISHITANG_TELEGRAM_TOKEN:?")  # compose refuses to start without it
    assert bot["env_file"] == [{"path": ".env", "required": False}]
    assert bot["build"] == "." and services(compose)["asr"]["image"] == bot["image"]


def test_only_settings_that_exist_are_named(compose: dict[str, Any]) -> None:
    text = COMPOSE.read_text(encoding="utf-8")
    named = set(re.findall(r"\bYISHITANG_[A-Z0-9_]+", text))
    assert named and named <= SETTINGS, named - SETTINGS


def test_the_commands_are_ones_the_cli_accepts(compose: dict[str, Any]) -> None:
    found = services(compose)
    parser = _parser()
    assert parser.parse_args(found["bot"]["command"]).command == "run"
    serve = parser.parse_args(found["asr"]["command"])
    assert (serve.command, serve.host) == ("asr-serve", "0.0.0.0")
    health = found["asr"]["healthcheck"]["test"]
    assert health[0] == "CMD"
    checked = parser.parse_args(health[2:])
    assert checked.command == "health"
    assert checked.url == f"http://127.0.0.1:{serve.port}/health"
    assert found["asr"]["expose"] == [str(serve.port)]


# ---------------------------------------------------------------------------- systemd
def unit_entries() -> list[tuple[str, str, str]]:
    """(section, key, value) in order: a unit may repeat a key (Environment=)."""
    section, entries = "", []
    for line in SYSTEMD_UNIT.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        entries.append((section, key, value))
    return entries


def unit_value(key: str, section: str = "Service") -> str:
    (value,) = [v for s, k, v in unit_entries() if (s, k) == (section, key)]
    return value


def test_the_unit_runs_the_bot_as_its_own_user_in_its_state_directory() -> None:
    command = shlex.split(unit_value("ExecStart"))
    assert Path(command[0]).name == "yishitang"
    assert _parser().parse_args(command[1:]).command == "run"
    assert unit_value("User") not in ("", "root")
    environment = dict(v.split("=", 1) for s, k, v in unit_entries() if k == "Environment")
    assert environment["YISHITANG_DATA_DIR"] == f"/var/lib/{unit_value('StateDirectory')}"
    assert unit_value("WorkingDirectory") == environment["YISHITANG_DATA_DIR"]
    named = set(environment) | set(re.findall(r"\bYISHITANG_[A-Z0-9_]+",
                                              SYSTEMD_UNIT.read_text(encoding="utf-8")))
    assert {n for n in named if n.startswith("YISHITANG_")} <= SETTINGS
    assert (unit_value("KillSignal"), unit_value("Restart")) == ("SIGTERM", "on-failure")
    assert unit_value("ProtectSystem") == "strict"  # writes only its StateDirectory
    assert unit_value("WantedBy", "Install") == "multi-user.target"


def test_systemd_accepts_the_unit(tmp_path: Path) -> None:
    """systemd-analyze verify, with ExecStart pointing at this checkout's `yishitang` (it
    checks the program exists); it prints nothing for a unit without problems."""
    assert shutil.which("systemd-analyze"), "systemd-analyze is missing: apt-get install systemd"
    installed = Path(sys.executable).parent / "yishitang"
    text = SYSTEMD_UNIT.read_text(encoding="utf-8")
    text = re.sub(r"^ExecStart=\S+", f"ExecStart={installed}", text, flags=re.M)
    unit = tmp_path / SYSTEMD_UNIT.name
    unit.write_text(text, encoding="utf-8")
    done = subprocess.run(["systemd-analyze", "verify", "--man=no", str(unit)],
                          capture_output=True, text=True, timeout=60, check=False)
    assert (done.returncode, done.stdout + done.stderr) == (0, "")
    unit.write_text(text.replace("KillMode=mixed", "KillMode=gently"), encoding="utf-8")
    done = subprocess.run(["systemd-analyze", "verify", "--man=no", str(unit)],
                          capture_output=True, text=True, timeout=60, check=False)
    assert "kill mode" in done.stderr  # the check is alive: a bad value is reported
