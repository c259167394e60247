"""Texts of reminders of deadlines to liaisons and staff: Simplified Chinese first, English
second (joined into bot/catalog.py).
"""

from __future__ import annotations

ZH: dict[str, str] = {
}

EN: dict[str, str] = {
}
