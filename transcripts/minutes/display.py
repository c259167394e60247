"""What the printed forms (Markdown and DOCX) say alike: the title and when the session was.

- :func:`title`: 关于{topic}的协商纪要, without a doubled 关于 or 的协商 when the topic has them
  (关于加快老旧小区加装电梯的协商 → 关于加快老旧小区加装电梯的协商纪要);
- :func:`session_day`: the day of the session, from its start, else the first timed turn
  (:attr:`Transcript.session_date`), else its end;
- :func:`session_time`: 2026年4月16日 09:00—09:43, 2026年4月16日 09:00, 2026年4月16日 (only the
  day known), 2026年4月16日 —11:00（结束） (only the end known); an end on another day has its
  date (2026年12月31日 23:30—2027年1月1日 00:40); an end before the start is left out.

Times are shown as they are in the minutes: ``compile_minutes(..., tz=...)`` has already put
them in the hall's time zone.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from transcripts.minutes.model import Action, Minutes

_ABOUT = re.compile(r"^\s*关于")
_MEETING = re.compile(r"的?(?:协商纪要|协商会议|协商会|协商|议事会|纪要)\s*$")
_ASKED = re.compile(r"[？?。！!\s]+$")
# A topic put as a question: "X怎么推进" -> 推进X工作, "X怎么办" -> 解决X问题, "如何X" -> X.
_HOW_VERB = re.compile(r"^(?P<what>.+?)(?:该|要|应该|应当)?(?:怎么|怎样|如何)"
                       r"(?P<verb>推进|推动|解决|治理|管理|管|建|建设|改|改造|落实|提升|破解|做)好?$")
_HOW_DO = re.compile(r"^(?P<what>.+?)(?:该|要)?(?:怎么办|咋办|如何是好)$")
_HOW_LEAD = re.compile(r"^(?:怎样|如何|怎么)(?=\S{2})")
_VERB = {"管": "管理", "建": "建设", "改": "改造", "做": "做好"}


def formal_topic(topic: str) -> str:
    """The topic as a document names it: 平桥镇污水零直排怎么推进 -> 推进平桥镇污水零直排工作,
    停车难怎么办 -> 解决停车难问题, 如何推进X -> 推进X; other topics as they are."""
    core = _ASKED.sub("", _MEETING.sub("", _ABOUT.sub("", topic)).strip())
    if m := _HOW_VERB.match(core):
        what = m["what"].rstrip("的")
        return f"{_VERB.get(m['verb'], m['verb'])}{what}" + (
            "" if what.endswith(("工作", "问题")) else "工作")
    if m := _HOW_DO.match(core):
        what = m["what"].rstrip("的")
        return f"解决{what}" + ("" if what.endswith("问题") else "问题")
    return _HOW_LEAD.sub("", core) or topic.strip()


def title(topic: str) -> str:
    """关于{topic}的协商纪要, the topic without a leading 关于 or a trailing (的)协商(会), and
    put formally when it is a question (:func:`formal_topic`)."""
    return f"关于{formal_topic(topic)}的协商纪要"


def document_title(minutes: Minutes) -> str:
    """The title set for the document (/title), else the one made from the topic."""
    return minutes.issuance.title or title(minutes.heading.topic)


def responsible(action: Action) -> str | None:
    """责任单位 as the document shows it: the lead, then the cooperating units (配合)."""
    if not action.partners:
        return action.unit
    return f"{action.unit or '待定'}（牵头），{'、'.join(action.partners)}（配合）"


REVIEW_MARK = "〔待核对〕"  # a voice turn the recogniser was unsure of, not yet checked


def unsure_turns(minutes: Minutes) -> set[int]:
    """The turns a draft marks 待核对 (an approved document carries no working marks)."""
    if minutes.status != "draft":
        return set()
    return {u.seq for u in minutes.transcript.utterances if u.needs_review}


def date_text(day: date) -> str:
    """2026年4月16日."""
    return f"{day.year}年{day.month}月{day.day}日"


def session_day(minutes: Minutes) -> date | None:
    """The day of the session: of its start, else of its first timed turn, else of its end."""
    h = minutes.heading
    if h.started_at is not None:
        return h.started_at.date()
    day = minutes.transcript.session_date
    if day is None and h.ended_at is not None:
        return h.ended_at.date()
    return day


def _before(a: datetime, b: datetime) -> bool:
    """``a`` is earlier than ``b`` (never, for a time with an offset and one without)."""
    if (a.utcoffset() is None) != (b.utcoffset() is None):
        return False
    return a < b


def session_time(minutes: Minutes) -> str | None:
    """The day and the hours of the session (see the module doc); None when nothing is known."""
    day = session_day(minutes)
    if day is None:
        return None
    start, end = minutes.heading.started_at, minutes.heading.ended_at
    if start is not None and end is not None and _before(end, start):
        end = None
    text = date_text(day) + (f" {start:%H:%M}" if start is not None else "")
    if end is not None:
        end_day = "" if end.date() == day else date_text(end.date()) + " "
        text += ("" if start is not None else " ") + f"—{end_day}{end:%H:%M}"
        text += "" if start is not None else "（结束）"
    return text
