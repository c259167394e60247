"""Markdown to HTML for the showcase (the office's pages, the public minutes): CommonMark with
tables, raw HTML off (shown as text), links only of safe schemes (markdown-it's own check
refuses javascript:, vbscript:, file: and data: other than images)."""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt
from markupsafe import Markup

_MD = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")
# minutes carry what residents typed in the group: no link or image of theirs becomes one
_PLAIN = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table") \
    .disable(["link", "image", "autolink"])


@lru_cache(maxsize=256)
def _render(text: str, links: bool) -> str:
    return str((_MD if links else _PLAIN).render(text))


def to_html(text: str, *, links: bool = True) -> Markup:
    """The page's HTML (the same text renders once; pages change rarely); ``links=False``
    for text others wrote (the minutes): links and images stay as text."""
    return Markup(_render(text, links))  # markdown-it escapes the text; raw HTML is off
