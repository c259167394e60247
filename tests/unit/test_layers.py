"""Dependencies point inward: the domain imports nothing of ours or of the frameworks."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {
    "facilitation": {"telegram", "sqlalchemy", "aiohttp", "faster_whisper", "storage", "bot",
                     "portal", "yishitang", "transcripts", "alembic", "pydantic"},
    "transcripts": {"telegram", "sqlalchemy", "aiohttp", "storage", "bot", "portal",
                    "yishitang"},
    "bot": {"sqlalchemy", "storage", "yishitang"},
    "portal": {"sqlalchemy", "storage", "bot", "telegram", "yishitang"},
}


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


# The HTTP speech engine and the server exposing ours are transcripts/'s own adapters.
ALLOWED = {"transcripts/http_engine.py": {"aiohttp"}, "transcripts/asr_server.py": {"aiohttp"}}


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_does_not_import_outer_layers(package: str) -> None:
    offenders = {
        name: sorted(imported(path) & FORBIDDEN[package] - ALLOWED.get(name, set()))
        for path in (ROOT / package).rglob("*.py")
        if (name := str(path.relative_to(ROOT)))
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_only_storage_imports_sqlalchemy() -> None:
    users = [str(p.relative_to(ROOT)) for package in ("facilitation", "transcripts", "bot",
                                                      "portal", "yishitang")
             for p in (ROOT / package).rglob("*.py") if "sqlalchemy" in imported(p)]
    assert users == []
