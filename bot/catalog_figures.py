"""Texts of the hall's figures and the follow-up documents (/stats, yishitang report):
Simplified Chinese first, English second (joined into bot/catalog.py).
"""

from __future__ import annotations

ZH: dict[str, str] = {
}

EN: dict[str, str] = {
}
