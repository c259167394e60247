"""Print the project's requirements (dependencies plus the given extras) from pyproject.toml,
one a line, for `pip install -c constraints.txt -r -`: the Dockerfile installs them in a layer
of their own, rebuilt only when pyproject.toml or constraints.txt change.

    python deploy/requirements.py pyproject.toml whisper
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path


def requirements(pyproject: Path, extras: list[str]) -> list[str]:
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    optional: dict[str, list[str]] = project.get("optional-dependencies", {})
    unknown = sorted(set(extras) - set(optional))
    if unknown:
        raise SystemExit(f"no such extra in {pyproject}: {', '.join(unknown)}")
    return [*project["dependencies"], *(r for extra in extras for r in optional[extra])]


if __name__ == "__main__":
    wanted = [e for arg in sys.argv[2:] for e in arg.split(",") if e.strip()]
    print("\n".join(requirements(Path(sys.argv[1]), wanted)))
