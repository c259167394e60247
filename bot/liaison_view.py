"""What liaisons and proposers see of an item, and how their answers are read back: the
buttons under a notice (接收 / 办理中 / 办结; 满意 / 基本满意 / 不满意), a reply document's
reference, which item an answer to the bot's prompt or notice is about, the /mine list.
Shared by the handlers (bot/handlers/liaison.py) and the notices (bot/item_notices.py)."""

from __future__ import annotations

import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.ext import filters

from bot.callbacks import ID
from bot.catalog import CATALOGS, t
from bot.minutes_view import one_line
from facilitation.tracking import REFERENCE_MAX_CHARS, ItemStatus, Satisfaction
from facilitation.tracking_views import TrackRow

ITEM_PATTERN = rf"^lia:(acc|prog|done|doc):{ID}$"
RATE_PATTERN = rf"^rate:{ID}:[sbu]$"
RATING_CODES = {"s": Satisfaction.SATISFIED, "b": Satisfaction.BASICALLY,
                "u": Satisfaction.UNSATISFIED}
RATING_WORDS = {"满意": Satisfaction.SATISFIED, "基本满意": Satisfaction.BASICALLY,
                "不满意": Satisfaction.UNSATISFIED, "satisfied": Satisfaction.SATISFIED,
                "basically": Satisfaction.BASICALLY, "unsatisfied": Satisfaction.UNSATISFIED}
DOCUMENT_MAX_CHARS = REFERENCE_MAX_CHARS * 4  # facilitation.tracking.TrackedItem.reply_with
MINE_ROWS = 30
TEXT_CHARS = 60


# ------------------------------------------------------------------ keyboards
def button(language: str, key: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(t(language, key), callback_data=data)


def liaison_keyboard(language: str, item_id: int, status: ItemStatus) -> InlineKeyboardMarkup:
    """接收 / 办理中 / 办结 under an item referred to the unit (接收 while it waits for it)."""
    row = [button(language, "btn_item_progress", f"lia:prog:{item_id}"),
           button(language, "btn_item_done", f"lia:done:{item_id}")]
    if status == ItemStatus.REFERRED:
        row.insert(0, button(language, "btn_item_accept", f"lia:acc:{item_id}"))
    return InlineKeyboardMarkup([row])


def rating_keyboard(language: str, item_id: int, *,
                    document: bool = False) -> InlineKeyboardMarkup:
    """满意 / 基本满意 / 不满意 under a reply (and its document, if it has one)."""
    rows = [[button(language, f"btn_rate_{rating.value}", f"rate:{item_id}:{code}")
             for code, rating in RATING_CODES.items()]]
    if document:
        rows.append([button(language, "btn_item_document", f"lia:doc:{item_id}")])
    return InlineKeyboardMarkup(rows)


# ------------------------------------------------------------------ reply documents
def document_ref(file_id: str, file_name: str | None) -> str:
    """A reply document as the item keeps it: Telegram's file id and the file's name."""
    head = f"tg:{file_id}:"
    return head + (file_name or "document")[:max(1, DOCUMENT_MAX_CHARS - len(head))]


def document_parts(ref: str) -> tuple[str, str] | None:
    """(file id, name) of a reference made by :func:`document_ref`; None for another kind."""
    scheme, _, rest = ref.partition(":")
    file_id, _, name = rest.partition(":")
    return (file_id, name) if scheme == "tg" and file_id else None


def document_name(ref: str) -> str:
    parts = document_parts(ref)
    return parts[1] if parts else ref


# ------------------------------------------------------------------ what an answer replies to
def _template_pattern(template: str) -> re.Pattern[str]:
    """A catalogue template as a pattern: {item} captured, other fields any text."""
    out, seen = [], False
    for index, part in enumerate(re.split(r"\{(\w+)\}", template)):
        if index % 2 == 0:
            out.append(re.escape(part))
        elif part == "item":
            out.append("(?P=item)" if seen else "(?P<item>[0-9]{1,10})")
            seen = True
        else:
            out.append(".*?")
    return re.compile("".join(out))


def _patterns(key: str) -> list[re.Pattern[str]]:
    return [_template_pattern(catalogue[key]) for catalogue in CATALOGS.values()]


PROGRESS_PROMPTS = _patterns("liaison_progress_prompt")
REPLY_PROMPTS = _patterns("liaison_reply_prompt")
NOTICE_HEADS = [re.compile(re.escape(c[key].split("{", 1)[0])) for c in CATALOGS.values()
                for key in ("tell_assigned", "tell_redo")]
NOTICE_ITEMS = _patterns("tell_item")


def replied_item(message: Message | None) -> tuple[str, int] | None:
    """("progress" | "reply" | "notice", item id) when ``message`` answers the bot's prompt
    for an item's progress or reply, or its notice of an item to handle; else None."""
    quoted = message.reply_to_message if message is not None else None
    if quoted is None or quoted.from_user is None or not quoted.from_user.is_bot:
        return None
    said = quoted.text or ""
    for purpose, patterns in (("progress", PROGRESS_PROMPTS), ("reply", REPLY_PROMPTS)):
        for pattern in patterns:
            if found := pattern.fullmatch(said):
                return purpose, int(found.group("item"))
    if any(head.match(said) for head in NOTICE_HEADS if head.pattern):
        for pattern in NOTICE_ITEMS:
            if found := pattern.search(said):
                return "notice", int(found.group("item"))
    return None


class AnswersToItems(filters.MessageFilter):
    """A message answering an item's prompt or notice (:func:`replied_item`)."""

    def filter(self, message: Message) -> bool:
        return replied_item(message) is not None


ANSWERS = AnswersToItems(name="AnswersToItems")


# ------------------------------------------------------------------ /mine
def _when(language: str, row: TrackRow) -> str:
    if row.days_left is None:
        return ""
    if row.days_left < 0:
        return t(language, "liaison_overdue", days=-row.days_left)
    return t(language, "liaison_left", days=row.days_left)


def mine_text(language: str, rows: list[TrackRow]) -> str:
    if not rows:
        return t(language, "liaison_mine_empty")
    lines = [t(language, "liaison_mine_head", n=len(rows))]
    for row in rows[:MINE_ROWS]:
        deadline = (t(language, "tell_date", year=row.deadline.year, month=row.deadline.month,
                      day=row.deadline.day) if row.deadline else t(language, "tell_no_deadline"))
        lines.append(t(language, "liaison_mine_row", item=row.item_id,
                       text=one_line(row.text, TEXT_CHARS),
                       status=t(language, f"liaison_status_{row.status.value}"),
                       unit=row.unit or t(language, "tell_unit_unknown"), deadline=deadline,
                       when=_when(language, row)))
    if len(rows) > MINE_ROWS:
        lines.append(t(language, "liaison_mine_more", n=len(rows) - MINE_ROWS))
    return "\n".join(lines)
