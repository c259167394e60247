"""What the web app's handlers need, built by the composition root (yishitang/bootstrap.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiohttp import web

from facilitation.ports import Clock, UnitOfWorkFactory
from portal.notifier import ScreenNotifier


@dataclass(frozen=True)
class WebDeps:
    uow: UnitOfWorkFactory
    clock: Clock
    notifier: ScreenNotifier = field(default_factory=ScreenNotifier)
    poll_s: float = 2.0  # how often a stream looks for changes other processes committed


DEPS = web.AppKey("deps", WebDeps)
