"""The speaker queue and the floor: hands, the queue view, calling and ending turns."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.acks import Ack, ack_of
from bot.callbacks import number
from bot.catalog import t
from bot.common import (
    Context,
    acknowledge,
    actor_of,
    answer,
    chat_of,
    duration,
    kind_label,
    lang,
    reply,
    turn_label,
    uow,
)
from bot.handlers.session import parse_position
from bot.outbox import not_first
from bot.parsing import parse_hand
from facilitation import floor
from facilitation.floor import FloorChange, QueueView
from facilitation.model import ParticipantKind, TurnKind

QUEUE_SHOWN = 30
BUTTON_ROWS = 5


async def _raise(update: Update, context: Context, kind: TurnKind, addressee: str | None) -> Ack:
    language = lang(update, context)
    raised = await floor.raise_hand(uow(update, context), chat_id=chat_of(update).id,
                                    actor=actor_of(update, context), kind=kind,
                                    addressee=addressee, now=context.deps.clock())
    name = actor_of(update, context).display_name
    if raised.answers_name:
        fields = {"name": name, "asker": raised.answers_name, "position": raised.position}
        return ack_of(update, "acks_hand_raised", language,
                      t(language, "hand_raised_answers", **fields),
                      t(language, "ack_hand_answers_item", **fields))
    turn = "" if kind == TurnKind.SPEECH else turn_label(language, kind)
    if addressee:
        turn = f"{turn_label(language, kind)} → {addressee}"
    return ack_of(update, "acks_hand_raised", language,
                  t(language, "hand_raised", name=name, turn=f"（{turn}）" if turn else "",
                    position=raised.position),
                  t(language, "ack_hand_item", position=raised.position, name=name,
                    turn=t(language, "ack_hand_turn", turn=turn) if turn else ""))


async def hand(update: Update, context: Context) -> None:
    kind, addressee = parse_hand(context.args or [])
    await acknowledge(update, context, await _raise(update, context, kind, addressee))


async def hand_button(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    ack = await _raise(update, context, TurnKind(query.data.split(":", 1)[1]), None)
    await answer(query, ack.text)
    await acknowledge(update, context, ack)


async def lower(update: Update, context: Context) -> None:
    await floor.lower_hand(uow(update, context), chat_id=chat_of(update).id,
                           actor=actor_of(update, context))
    text = t(lang(update, context), "hand_lowered", name=actor_of(update, context).display_name)
    await answer(update.callback_query, text)
    await reply(update, text)


def turn_suffix(language: str, kind: TurnKind, addressee: str | None) -> str:
    """" · 提问 → 县交通局": what a turn is, when it is not a plain speech."""
    turn = "" if kind == TurnKind.SPEECH else f" · {turn_label(language, kind)}"
    return turn + (f" → {addressee}" if addressee else "")


def queue_line(language: str, position: int, name: str, kind: ParticipantKind | str,
               turn_kind: TurnKind, addressee: str | None) -> str:
    """One place in the queue, as /queue and the live board (bot/board.py) list it."""
    return t(language, "queue_entry", position=position, name=name,
             kind=kind_label(language, kind), turn=turn_suffix(language, turn_kind, addressee))


def render_queue(language: str, view: QueueView, now_s: int | None) -> str:
    lines = [t(language, "queue_title", count=len(view.entries))]
    if view.current is not None and view.current.active and now_s is not None:
        left = now_s
        time = t(language, "queue_remaining" if left >= 0 else "queue_overtime",
                 time=duration(language, abs(left)))
        lines.append(t(language, "queue_speaking", name=view.current_name, remaining=time))
    lines.extend(queue_line(language, entry.position, entry.name, entry.kind_label,
                            entry.hand.kind, entry.hand.addressee)
                 for entry in view.entries[:QUEUE_SHOWN])
    if not view.entries:
        lines.append(t(language, "queue_empty_line"))
    elif len(view.entries) > QUEUE_SHOWN:
        lines.append(t(language, "queue_more", more=len(view.entries) - QUEUE_SHOWN))
    return "\n".join(lines)


def queue_keyboard(language: str, view: QueueView) -> InlineKeyboardMarkup | None:
    """Moderator buttons: move up / remove for the first few, skip the head, call next."""
    if not view.viewer_can_run or not view.entries:
        return None
    rows = [[InlineKeyboardButton(t(language, "btn_up", position=e.position),
                                  callback_data=f"q:up:{e.hand.id}"),
             InlineKeyboardButton(t(language, "btn_remove", position=e.position),
                                  callback_data=f"q:remove:{e.hand.id}")]
            for e in view.entries[:BUTTON_ROWS]]
    rows.append([InlineKeyboardButton(t(language, "btn_skip"),
                                      callback_data=f"q:skip:{view.entries[0].hand.id}"),
                 InlineKeyboardButton(t(language, "btn_next"), callback_data="next")])
    return InlineKeyboardMarkup(rows)


async def show_queue(update: Update, context: Context) -> None:
    language = lang(update, context)
    view = await floor.view_queue(context.deps.uow(), chat_id=chat_of(update).id,
                                  actor=actor_of(update, context))
    left = view.current.remaining_s(context.deps.clock()) if view.current else None
    if not view.viewer_can_run:
        not_first()  # under Telegram's limits the moderator's answers go first (bot/limits.py)
    await answer(update.callback_query)
    await reply(update, render_queue(language, view, left),
                reply_markup=queue_keyboard(language, view))


def announce_floor(language: str, change: FloorChange) -> str:
    parts: list[str] = []
    if change.ended is not None and change.ended_name:
        over = change.ended.overtime_s
        used = int((change.ended.ended_at - change.ended.started_at).total_seconds()) \
            if change.ended.ended_at else 0
        parts.append(t(language, "turn_ended", name=change.ended_name,
                       used=duration(language, used),
                       overtime=t(language, "turn_overtime", time=duration(language, over))
                       if over else ""))
    if change.turn is not None and change.speaker is not None:
        extra = []
        if change.turn.addressee and change.turn.kind == TurnKind.QUESTION:
            extra.append(t(language, "floor_addressed", addressee=change.turn.addressee))
        extra.append(t(language, "floor_waiting", waiting=change.waiting))
        label = "" if change.turn.kind == TurnKind.SPEECH else turn_label(language,
                                                                         change.turn.kind)
        parts.append(t(language, "floor_given", name=change.speaker.display_name,
                       kind=kind_label(language, change.speaker.kind), turn=label,
                       minutes=duration(language, change.turn.limit_s), extra=" ".join(extra)))
    return "\n".join(parts)


async def call_next(update: Update, context: Context) -> None:
    change = await floor.call_next(uow(update, context), chat_id=chat_of(update).id,
                                   actor=actor_of(update, context), now=context.deps.clock())
    context.deps.on_floor_change()
    await answer(update.callback_query)
    await reply(update, announce_floor(lang(update, context), change))


async def done(update: Update, context: Context) -> None:
    change = await floor.end_turn(uow(update, context), chat_id=chat_of(update).id,
                                  actor=actor_of(update, context), now=context.deps.clock())
    context.deps.on_floor_change()
    await answer(update.callback_query)
    await reply(update, announce_floor(lang(update, context), change))


async def _manage(update: Update, context: Context, action: str, position: int | None,
                  hand_id: int | None) -> None:
    entry = await floor.manage_hand(uow(update, context), chat_id=chat_of(update).id,
                                    actor=actor_of(update, context), action=action,
                                    position=position, hand_id=hand_id)
    key = {"up": "moved_up", "skip": "skipped", "remove": "removed"}[action]
    text = t(lang(update, context), key, name=entry.name)
    await answer(update.callback_query, text)
    await reply(update, text)


async def _manage_at(update: Update, context: Context, action: str, command: str) -> None:
    """/up N and /remove N: the position is required."""
    position = parse_position(context.args)
    if position is None:
        await reply(update, t(lang(update, context), "usage_position", command=command))
        return
    await _manage(update, context, action, position, None)


async def move_up(update: Update, context: Context) -> None:
    await _manage_at(update, context, "up", "/up")


async def remove(update: Update, context: Context) -> None:
    await _manage_at(update, context, "remove", "/remove")


async def skip(update: Update, context: Context) -> None:
    await _manage(update, context, "skip", parse_position(context.args), None)


async def manage_button(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    _, action, hand_id = query.data.split(":")
    await _manage(update, context, action, None, number(hand_id))
