"""Just enough of a Dockerfile reader for the deployment tests: instructions with their stage,
continuation lines joined, comments dropped; the repository's own deployment files, named once."""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DOCKERFILE = REPO / "Dockerfile"
DOCKERIGNORE = REPO / ".dockerignore"
COMPOSE = REPO / "docker-compose.yml"
SYSTEMD_UNIT = REPO / "deploy" / "yishitang.service"
CONSTRAINTS = REPO / "constraints.txt"
PYPROJECT = REPO / "pyproject.toml"


@dataclass(frozen=True)
class Instruction:
    keyword: str  # upper case: FROM, RUN, COPY...
    args: str
    stage: int  # 0 for the first FROM's stage, 1 for the next...

    def words(self) -> list[str]:
        """The arguments as a list: JSON (exec form) or shell words."""
        if self.args.startswith("["):
            parsed: list[str] = json.loads(self.args)
            return parsed
        return shlex.split(self.args)

    def flags(self) -> dict[str, str]:
        """``--from=build --chown=...`` at the start of COPY and the like."""
        return dict(w[2:].split("=", 1) for w in self.words() if w.startswith("--") and "=" in w)

    def operands(self) -> list[str]:
        return [w for w in self.words() if not w.startswith("--")]


def parse(path: Path = DOCKERFILE) -> list[Instruction]:
    instructions: list[Instruction] = []
    stage = -1
    pending = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue  # comments may sit between continuation lines too
        pending = f"{pending} {line}" if pending else line
        if pending.endswith("\\"):
            pending = pending[:-1].rstrip()
            continue
        keyword, _, args = pending.partition(" ")
        pending = ""
        if keyword.upper() == "FROM":
            stage += 1
        instructions.append(Instruction(keyword.upper(), args.strip(), stage))
    return instructions


def env_of(instructions: list[Instruction]) -> dict[str, str]:
    """ENV KEY=VALUE pairs, in order (the later wins)."""
    env: dict[str, str] = {}
    for ins in instructions:
        if ins.keyword == "ENV":
            for word in shlex.split(ins.args):
                key, _, value = word.partition("=")
                env[key] = value
    return env


def final_stage(instructions: list[Instruction]) -> list[Instruction]:
    last = max(i.stage for i in instructions)
    return [i for i in instructions if i.stage == last]


def build_stage(instructions: list[Instruction]) -> list[Instruction]:
    return [i for i in instructions if i.stage == 0]
