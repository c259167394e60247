"""How minutes look in chat: the draft's summary message, its buttons, the files."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.catalog import t
from facilitation.model import ConfirmationStatus
from transcripts.minutes.drafts import Draft
from transcripts.minutes.model import Action, Minutes, Suggestion

ITEM_CHARS = 70


def short(text: str, limit: int = ITEM_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def one_line(text: str, limit: int) -> str:
    """``text`` with its runs of white space (line breaks too) as one space, shortened."""
    return short(" ".join(text.split()), limit)


def day_text(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def suggestion_line(s: Suggestion) -> str:
    return f"{s.number}. 〔{s.category}〕{short(s.text)}（{'、'.join(s.proposers)}，#{s.seq}）"


def review_lines(language: str, m: Minutes) -> list[str]:
    """The turns still 待核对, each with its speaker and the start of its text."""
    flagged = [u for u in m.transcript.utterances if u.needs_review]
    if not flagged:
        return []
    mark = t(language, "review_mark")
    return ["", t(language, "minutes_review", n=len(flagged)),
            *(f"#{u.seq}{mark} {u.speaker}：{short(u.text, 40)}" for u in flagged)]


def action_line(language: str, number: int, a: Action) -> str:
    when = a.deadline_text or t(language, "minutes_no_deadline")
    if a.deadline is not None:
        when += f"（{day_text(a.deadline)}）"
    unit = a.unit or t(language, "minutes_no_unit")
    return f"{number}. {short(a.text)}｜{unit}｜{when}"


def draft_text(language: str, draft: Draft) -> str:
    m = draft.minutes
    lines = [t(language, "minutes_draft_title", topic=m.heading.topic),
             t(language, "minutes_draft_counts", present=m.heading.present,
               turns=m.statistics.turns, speakers=m.statistics.speakers), ""]
    lines.append(t(language, "minutes_suggestions", n=len(m.suggestions)))
    lines += [suggestion_line(s) for s in m.suggestions] or [t(language, "minutes_none")]
    lines += ["", t(language, "minutes_consensus", n=len(m.consensus))]
    lines += [f"{i}. {short(c.text)}" for i, c in enumerate(m.consensus, start=1)] \
        or [t(language, "minutes_none")]
    lines += ["", t(language, "minutes_actions", n=len(m.actions))]
    lines += [action_line(language, i, a) for i, a in enumerate(m.actions, start=1)] \
        or [t(language, "minutes_none")]
    lines += review_lines(language, m)
    lines += ["", confirmation_text(language, draft), version_text(language, draft)]
    if draft.pending:
        lines.append(t(language, "minutes_pending_audio", n=draft.pending))
    if draft.lost:
        lines.append(t(language, "minutes_lost_edits", n=len(draft.lost), items="；".join(
            short(str(e.payload.get("text", "")), 20) for e in draft.lost)))
    lines += ["", t(language, "minutes_edit_help")]
    return "\n".join(lines)


def chunks(text: str, limit: int = 4096) -> list[str]:
    """Split at line breaks into messages within Telegram's limit (a long line is cut)."""
    return pack((piece for line in text.split("\n")
                 for piece in [line[i:i + limit] for i in range(0, len(line), limit)] or [""]),
                limit)


def pack(pieces: Iterable[str], limit: int, separator: str = "\n") -> list[str]:
    """Consecutive pieces (each within ``limit``) joined by ``separator`` into as few texts
    within ``limit`` as their order allows."""
    parts: list[str] = []
    current = ""
    for piece in pieces:
        if current and len(current) + len(separator) + len(piece) > limit:
            parts.append(current)
            current = piece
        else:
            current = f"{current}{separator}{piece}" if current else piece
    return [*parts, current] if current else parts


def confirmation_text(language: str, draft: Draft) -> str:
    speakers = draft.speakers()
    confirmed = [name for p, name in speakers.items()
                 if draft.confirmations.get(p) == ConfirmationStatus.CONFIRMED]
    asked = sum(1 for p in speakers if p in draft.confirmations)
    if not asked:
        return t(language, "minutes_confirm_none", n=len(speakers))
    return t(language, "minutes_confirm_state", done=len(confirmed), n=len(speakers),
             names="、".join(confirmed) or "—")


def version_text(language: str, draft: Draft) -> str:
    if draft.latest is None:
        return t(language, "minutes_not_approved")
    key = "minutes_changed_since" if draft.changed_since_approval else "minutes_same_as"
    return t(language, key, version=draft.latest.version)


def draft_keyboard(language: str, session_id: int, fingerprint: str) -> InlineKeyboardMarkup:
    """Approve (this very draft: its fingerprint rides along), ask speakers, files."""
    def b(key: str, data: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(t(language, key), callback_data=data)

    return InlineKeyboardMarkup([
        [b("btn_minutes_approve", f"mn:approve:{session_id}:{fingerprint}"),
         b("btn_minutes_confirm", f"mn:confirm:{session_id}")],
        [b("btn_minutes_files", f"mn:files:{session_id}")],
    ])


def approve_anyway_keyboard(language: str, session_id: int,
                            fingerprint: str) -> InlineKeyboardMarkup:
    """Approve despite turns still 待核对 (this very draft), or ask the speakers first."""
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(t(language, "btn_minutes_approve_anyway"),
                             callback_data=f"mn:force:{session_id}:{fingerprint}"),
        InlineKeyboardButton(t(language, "btn_minutes_confirm"),
                             callback_data=f"mn:confirm:{session_id}")]])


