"""Staff's desk for following items up, as Telegram shows it: the /track pages with their
buttons, the questions a button asks (which unit, which kind, which date, what reason), and
the data of those buttons, packed and unpacked in one place.

Button data is ``tk:<action>:...`` with row ids only (bot.callbacks.ID); what a press means is
checked again by the use case it leads to, as for the command it stands for.
"""

from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import ID, number
from bot.catalog import t
from bot.minutes_view import short
from facilitation.errors import InvalidInput
from facilitation.tracking import WITH_UNIT, Conversion, ItemKind, ItemStatus, TrackedItem
from facilitation.tracking_desk import TrackPage, TrackScope
from facilitation.tracking_input import quick_deadlines
from facilitation.tracking_views import TrackRow
from facilitation.units import Unit

UNITS_PER_PAGE = 8
ROW_TEXT_CHARS = 40
PATTERN = (rf"^tk:(p:(a|o|[us]{ID}):{ID}|[rcdx]:{ID}|rp:{ID}:{ID}|r[ua]:{ID}:{ID}"
           rf"|cv:{ID}:[por]|dd:{ID}:[0-9]{{8}})$")
CONVERSIONS = {"p": Conversion.PROPOSAL, "o": Conversion.OPINION, "r": Conversion.REPORT}
# What a question waiting for a reply asks (it is written in the question itself, so the
# answer needs no state kept anywhere): /reserve <item>, /due <item> <date>,
# /reassign <item> #<unit>.
ASKED = re.compile(rf"/(?:reserve ({ID})|due ({ID}) ([0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}})"
                   rf"|reassign ({ID}) #({ID}))\b")


# ------------------------------------------------------------------ button data
def scope_token(scope: TrackScope) -> str:
    if scope.session is not None:
        return f"s{scope.session}"
    if isinstance(scope.unit, int):
        return f"u{scope.unit}"
    return "o" if scope.overdue else "a"


def scope_of(token: str) -> TrackScope:
    if token[0] in "us":
        value = number(token[1:])
        return TrackScope(unit=value) if token[0] == "u" else TrackScope(session=value)
    return TrackScope(overdue=token == "o")


def day_of(raw: str) -> date:
    """A date of a button (yyyymmdd)."""
    try:
        return date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
    except ValueError:
        raise InvalidInput("stale_button") from None


def _b(text: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=data)


# ------------------------------------------------------------------ /track
def _due(language: str, row: TrackRow) -> str:
    if row.deadline is None or row.days_left is None:
        return t(language, "tk_due_none")
    day = row.deadline.isoformat()
    if row.overdue:
        return t(language, "tk_due_overdue", date=day, days=max(1, -row.days_left))
    if row.days_left == 0:
        return t(language, "tk_due_today", date=day)
    return t(language, "tk_due_left", date=day, days=row.days_left)


def _kind(language: str, kind: ItemKind, number_: int | None) -> str:
    label = t(language, f"tk_kind_{kind.value}")
    return t(language, "tk_kind_numbered", kind=label, number=number_) \
        if number_ is not None else label


def row_text(language: str, row: TrackRow) -> str:
    return t(language, "tk_row", id=row.item_id, kind=_kind(language, row.kind, row.number),
             session=row.session_id, text=short(row.text, ROW_TEXT_CHARS),
             unit=row.unit or t(language, "tk_no_unit"), due=_due(language, row),
             status=t(language, f"tk_status_{row.status.value}"))


def _scope_text(language: str, page: TrackPage) -> str:
    scope = page.scope
    if scope.session is not None:
        return t(language, "tk_scope_session", session=scope.session)
    if page.unit_name is not None:
        return t(language, "tk_scope_unit", unit=page.unit_name)
    return t(language, "tk_scope_overdue" if scope.overdue else "tk_scope_all")


def track_text(language: str, page: TrackPage) -> str:
    scope = _scope_text(language, page)
    if not page.rows:
        return t(language, "tk_list_empty", scope=scope)
    lines = [t(language, "tk_list_head", scope=scope, total=page.total, overdue=page.overdue,
               page=page.page, pages=page.pages)]
    lines += [row_text(language, row) for row in page.rows]
    if page.can_manage:
        lines.append(t(language, "tk_list_hint"))
    return "\n".join(lines)


def _row_buttons(language: str, row: TrackRow) -> list[InlineKeyboardButton]:
    i = row.item_id
    if row.status == ItemStatus.PENDING:
        return [_b(t(language, "btn_tk_refer", id=i), f"tk:r:{i}"),
                _b(t(language, "btn_tk_convert", id=i), f"tk:c:{i}"),
                _b(t(language, "btn_tk_reserve", id=i), f"tk:x:{i}")]
    due = _b(t(language, "btn_tk_due", id=i), f"tk:d:{i}")
    if row.status in WITH_UNIT:  # 改交办: the same keyboard of units as 交办
        return [_b(t(language, "btn_tk_reassign", id=i), f"tk:r:{i}"), due]
    return [due]


def _pager(language: str, prefix: str, page: int, pages: int) -> list[InlineKeyboardButton]:
    nav = []
    if page > 1:
        nav.append(_b(t(language, "btn_tk_prev"), f"{prefix}:{page - 1}"))
    if page < pages:
        nav.append(_b(t(language, "btn_tk_next"), f"{prefix}:{page + 1}"))
    return nav


def track_keyboard(language: str, page: TrackPage) -> InlineKeyboardMarkup | None:
    rows = [_row_buttons(language, r) for r in page.rows] if page.can_manage else []
    nav = _pager(language, f"tk:p:{scope_token(page.scope)}", page.page, page.pages)
    rows += [nav] if nav else []
    return InlineKeyboardMarkup(rows) if rows else None


# ------------------------------------------------------------------ the questions
def units_keyboard(language: str, item_id: int, units: tuple[Unit, ...], page: int, *,
                   reassign: bool = False) -> InlineKeyboardMarkup:
    """The units to refer (or reassign) an item to, two a row, a page at a time."""
    pages = max(1, -(-len(units) // UNITS_PER_PAGE))
    page = min(max(page, 1), pages)
    shown = units[(page - 1) * UNITS_PER_PAGE: page * UNITS_PER_PAGE]
    action = "ra" if reassign else "ru"
    buttons = [_b(short(u.name, 20), f"tk:{action}:{item_id}:{u.id}") for u in shown]
    rows = [buttons[i:i + 2] for i in range(0, len(buttons), 2)]
    nav = _pager(language, f"tk:rp:{item_id}", page, pages)
    return InlineKeyboardMarkup(rows + ([nav] if nav else []))


def conversion_keyboard(language: str, item_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_b(t(language, f"tk_conv_{kind.value}"),
                                     f"tk:cv:{item_id}:{key}")
                                  for key, kind in CONVERSIONS.items()]])


def deadline_keyboard(language: str, item: TrackedItem, today: date) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[
        _b(t(language, f"btn_tk_{key}", date=day.isoformat()),
           f"tk:dd:{item.id}:{day.strftime('%Y%m%d')}")
        for key, day in quick_deadlines(today, item.deadline)]])


def deadline_text(language: str, day: date | None) -> str:
    return day.isoformat() if day is not None else t(language, "tk_due_none")


class Asked(NamedTuple):
    """What a question waiting for a reply asked: its action, item and date or unit."""

    action: str  # "reserve", "due" or "reassign"
    item_id: int
    day: date | None = None
    unit_id: int | None = None


def asked(text: str) -> Asked | None:
    """What a question the user replies to asked; None for any other message. Read from
    its last line only: the lines above quote an item's text, which anyone may have
    written."""
    m = ASKED.search(text.rsplit("\n", 1)[-1])
    if m is None:
        return None
    if m[1] is not None:
        return Asked("reserve", number(m[1]))
    if m[4] is not None:
        return Asked("reassign", number(m[4]), unit_id=number(m[5]))
    try:
        return Asked("due", number(m[2]), day=date.fromisoformat(m[3]))
    except ValueError:
        return None
