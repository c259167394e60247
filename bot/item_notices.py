"""The notices of followed-up items' changes, sent once each, whatever changed the item.

Every change of an item is an event stored unnotified (item_events.notified_at NULL). This
sender is woken by ``BotDeps.on_item_change`` after a change committed (a liaison's button, a
staff command, an approval), looks every ``max_wait_s`` anyway (the command line changes
items from another process) and catches up at start. In one transaction (the outbox's,
bot/sending.owe) it claims the next events, works out what each owes
(facilitation/tracking_notifying.py, the rules in facilitation/tracking_notices.py) and writes
the messages as outbox rows, private chats included (written directly, not through the bot's
request hook, which would send them at once); after the commit the outbox sends them. Killed
before the commit, the events are still unnotified and taken again; after it, each row is
sent once (the outbox recognises a send cut off by a crash).

The words: short, in the recipient's language where the person is known (else the bot's),
the group's in its session's language; a resident's name never appears, only the kind of
participant who raised the item.
"""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup

from bot import sending
from bot.catalog import t
from bot.common import BotDeps, fit
from bot.liaison_view import document_name, liaison_keyboard, rating_keyboard
from bot.minutes_view import short
from bot.outbox import Outbox, Owed
from bot.sending import notice_row
from facilitation.tracking import ItemKind, ItemStatus
from facilitation.tracking_notices import NoticeKind
from facilitation.tracking_notifying import ItemBrief, Notice, Taken, take_notices

log = logging.getLogger(__name__)
ITEM_TEXT_CHARS = 300  # of an item's text in a notice
REPLY_TEXT_CHARS = 2500  # of a reply's text: the rest of a message stays within its limit


def _date(language: str, brief: ItemBrief, which: str = "deadline") -> str:
    day = brief.deadline if which == "deadline" else brief.held_on
    if day is None:
        return t(language, "tell_no_deadline")
    return t(language, "tell_date", year=day.year, month=day.month, day=day.day)


def _unit(language: str, brief: ItemBrief) -> str:
    return brief.unit or t(language, "tell_unit_unknown")


def _item(language: str, brief: ItemBrief) -> str:
    return t(language, "tell_item", what=t(language, f"tell_what_{brief.kind.value}"),
             item=brief.item_id, text=short(brief.text, ITEM_TEXT_CHARS))


def _source(language: str, brief: ItemBrief) -> str:
    return t(language, "tell_source", topic=brief.topic, date=_date(language, brief, "held"))


def _proposer(language: str, brief: ItemBrief) -> str:
    if brief.kind == ItemKind.FOLLOW_UP:
        kinds = t(language, "tell_from_meeting")
    elif brief.proposer_kinds:
        kinds = ("、" if language == "zh" else ", ").join(
            t(language, f"kind_{k.value}") for k in brief.proposer_kinds)
    else:
        kinds = "—"
    return t(language, "tell_proposer", kinds=kinds)


def _deadline(language: str, brief: ItemBrief) -> str:
    return t(language, "tell_deadline", deadline=_date(language, brief))


def _to_liaison(language: str, notice: Notice) -> list[str]:
    brief = notice.item
    head = "tell_assigned" if notice.kind == NoticeKind.ASSIGNED else "tell_redo"
    hint = ("tell_liaison_hint" if brief.status == ItemStatus.REFERRED
            else "tell_liaison_hint_handling")
    return [t(language, head, unit=_unit(language, brief)), _item(language, brief),
            _source(language, brief), _proposer(language, brief), _deadline(language, brief),
            t(language, hint, item=brief.item_id)]


def _to_proposer(language: str, notice: Notice) -> list[str]:
    brief, unit = notice.item, _unit(language, notice.item)
    if notice.kind == NoticeKind.CONVERTED:
        conversion = (t(language, f"tell_conversion_{brief.conversion.value}")
                      if brief.conversion else "")
        reference = t(language, "tell_reference", reference=brief.reference) \
            if brief.reference else ""
        said = t(language, "tell_converted", conversion=conversion, reference=reference)
        return [said, _item(language, brief), _source(language, brief)]
    if notice.kind == NoticeKind.REFERRED:
        return [t(language, "tell_referred", unit=unit, deadline=_date(language, brief)),
                _item(language, brief), _source(language, brief)]
    lines = [t(language, f"tell_replied_{brief.kind.value}", unit=unit), _item(language, brief),
             _source(language, brief)]
    if brief.reply is not None and brief.reply.text:
        lines.append(t(language, "tell_reply_text",
                       text=short(brief.reply.text, REPLY_TEXT_CHARS)))
    if brief.reply is not None and brief.reply.document:
        lines.append(t(language, "tell_reply_document",
                       name=document_name(brief.reply.document)))
    lines.append(t(language, "tell_rate_hint", item=brief.item_id))
    return lines


def _to_staff(language: str, notice: Notice) -> list[str]:
    brief, unit = notice.item, _unit(language, notice.item)
    if notice.kind == NoticeKind.NO_LIAISON:
        head = t(language, "tell_no_liaison", unit=unit)
    elif brief.status == ItemStatus.REOPENED:
        head = t(language, "tell_unsatisfied_redo", unit=unit)
    else:
        head = t(language, "tell_unsatisfied_final", unit=unit)
    return [head, _item(language, brief), _source(language, brief), _deadline(language, brief)]


def notice_text(language: str, notice: Notice) -> str:
    """What a notice says, in ``language``."""
    if notice.kind == NoticeKind.SETTLED:
        return t(language, "tell_settled", topic=notice.item.topic, n=notice.items,
                 date=_date(language, notice.item, "held"))
    if notice.kind in (NoticeKind.ASSIGNED, NoticeKind.REDO):
        lines = _to_liaison(language, notice)
    elif notice.kind in (NoticeKind.CONVERTED, NoticeKind.REFERRED, NoticeKind.REPLIED):
        lines = _to_proposer(language, notice)
    else:
        lines = _to_staff(language, notice)
    return fit("\n".join(lines))


def notice_markup(language: str, notice: Notice) -> InlineKeyboardMarkup | None:
    """The liaison's buttons under an item to handle; the rating under a reply."""
    brief = notice.item
    if notice.kind in (NoticeKind.ASSIGNED, NoticeKind.REDO):
        return liaison_keyboard(language, brief.item_id, brief.status)
    if notice.kind == NoticeKind.REPLIED:
        return rating_keyboard(language, brief.item_id, document=bool(
            brief.reply is not None and brief.reply.document))
    return None


def owed_messages(notices: tuple[Notice, ...], default_language: str) -> list[Owed]:
    """The outbox rows of ``notices``: each one message to its chat."""
    owed = []
    for notice in notices:
        language = notice.to.language or default_language
        owed.append(notice_row(notice.to.chat_id, notice_text(language, notice),
                               notice_markup(language, notice)))
    return owed


class ItemNotifier(sending.ClaimingSender[Taken]):
    """Writes the notices items' events owe and has the outbox send them."""

    where = "item notices"

    def __init__(self, deps: BotDeps, outbox: Outbox, max_wait_s: float = 60.0,
                 batch: int = 100) -> None:
        super().__init__(deps.health, outbox, max_wait_s, batch)
        self._deps = deps

    async def take(self) -> tuple[Taken, list[Owed]]:
        deps = self._deps
        taken = await take_notices(deps.uow(), now=deps.clock(), staff=deps.staff_user_ids,
                                   tz=ZoneInfo(deps.timezone), limit=self._batch)
        return taken, owed_messages(taken.notices, deps.language)

    def claimed(self, taken: Taken) -> int:
        return taken.events

    def written(self, taken: Taken) -> int:
        return len(taken.notices)
