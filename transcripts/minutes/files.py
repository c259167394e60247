"""The files of minutes as offices use them: DOCX (in the hall's own template when it has one),
Markdown and the JSON interchange, named alike (协商纪要-议题-日期-第N版[-公开版]); rendered off
the event loop. The bot sends them, the workbench offers them for download."""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from transcripts.minutes.model import Minutes


@dataclass(frozen=True)
class Files:
    docx: bytes
    markdown: bytes
    stem: str


def stem(minutes: Minutes) -> str:
    topic = re.sub(r'[\\/:*?"<>|\s]+', "", minutes.heading.topic)[:30] or "minutes"
    when = minutes.heading.started_at.date().isoformat() if minutes.heading.started_at else ""
    label = f"-第{minutes.version}版" if minutes.version else "-草稿"
    public = "-公开版" if minutes.extra.get("public") else ""
    return f"协商纪要-{topic}-{when}{label}{public}"


def _render(minutes: Minutes, template: bytes | None, created: datetime) -> Files:
    from transcripts.minutes.render_docx import to_docx_bytes
    from transcripts.minutes.render_md import to_markdown
    from transcripts.minutes.render_template import fill

    docx = (fill(minutes, template) if template is not None
            else to_docx_bytes(minutes, created=created))
    return Files(docx, to_markdown(minutes).encode("utf-8"), stem(minutes))


def to_json_bytes(minutes: Minutes) -> bytes:
    """The minutes as the JSON interchange (its annex too), UTF-8."""
    from transcripts.minutes.render_json import to_json

    return json.dumps(to_json(minutes), ensure_ascii=False, indent=2).encode("utf-8")


async def render_files(minutes: Minutes, template: bytes | None = None,
                       created: datetime | None = None) -> Files:
    """DOCX (in the hall's own template when it has one) and Markdown, rendered off the
    event loop."""
    return await asyncio.get_running_loop().run_in_executor(
        None, _render, minutes, template, created or datetime.now(UTC))
