"""Texts of liaisons and proposers: items referred, replies, ratings (/mine, /reply, /rate) and
the notices of an item's changes: Simplified Chinese first, English second (joined into
bot/catalog.py).
"""

from __future__ import annotations

ZH: dict[str, str] = {
}

EN: dict[str, str] = {
}
