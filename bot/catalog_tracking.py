"""Texts of staff's commands of following items up and the units' directory (/track, /refer,
/convert, /units): Simplified Chinese first, English second (joined into bot/catalog.py).
"""

from __future__ import annotations

ZH: dict[str, str] = {
}

EN: dict[str, str] = {
}
