"""What every handler shares: dependencies, the acting user, replies, labels, keyboards."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from telegram import (
    CallbackQuery,
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyParameters,
    Update,
    User,
)
from telegram.constants import MessageLimit
from telegram.ext import Application, CallbackContext, ExtBot

from bot import outbox
from bot.acks import Ack, run_key
from bot.catalog import language_of, t
from bot.health import Health
from bot.outbox import Outbox
from facilitation.access import Place
from facilitation.model import ParticipantKind, TurnKind
from facilitation.ports import (
    AudioFiles,
    Clock,
    CodeGenerator,
    TrackingUnitOfWork,
    TrackingUnitOfWorkFactory,
)
from facilitation.services import Actor
from facilitation.tracking_approval import FollowUpOptions


@dataclass(frozen=True)
class AudioLimits:
    max_file_bytes: int = 20 * 1024 * 1024  # getFile's limit; 2000 MB with a local server
    max_voice_s: int = 600
    max_recording_s: int = 4 * 3600


@dataclass
class BotDeps:
    """Everything handlers need, built once by the composition root."""

    uow: TrackingUnitOfWorkFactory
    clock: Clock
    new_code: CodeGenerator
    turn_seconds: int = 180
    language: str = "zh"
    staff_user_ids: frozenset[int] = frozenset()
    on_floor_change: Callable[[], None] = field(default=lambda: None)
    on_audio: Callable[[], None] = field(default=lambda: None)
    # a followed-up item changed (committed): wakes the sender of the notices its events owe
    # (bot/item_notices.py) and of reminders (bot/reminder_sender.py)
    on_item_change: Callable[[], None] = field(default=lambda: None)
    audio: AudioLimits = field(default_factory=AudioLimits)
    outbox: Outbox | None = None  # messages owed, sent after the commit (bot/outbox.py)
    web_url: str = "http://127.0.0.1:8080"  # the web app's public root (`/screen`'s link)
    web_served: bool = True  # off: no phone page for the QR code to open (the bot's link)
    timezone: str = "Asia/Shanghai"  # of the documents: dates and times in the minutes
    follow_up: FollowUpOptions = field(default_factory=FollowUpOptions)  # reminders, deadlines
    audio_files: AudioFiles | None = None  # the kept audio, deleted when a person is forgotten
    photo_dir: Path | None = None  # where moderators' photos are kept (the showcase); None: not
    health: Health = field(default_factory=Health)  # database outages: bot/health.py
    # updates whose handler met a database outage (update_id -> error): the poller handles
    # them again once the database is back, unless their change was committed
    interrupted: dict[int, BaseException] = field(default_factory=dict)


class Context(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """The callback context, with typed access to the dependencies."""

    @property
    def deps(self) -> BotDeps:
        deps = self.application.bot_data["deps"]
        assert isinstance(deps, BotDeps)
        return deps


App = Application[ExtBot[None], Context, dict[Any, Any], dict[Any, Any], dict[Any, Any], Any]


def deps_of(app: App) -> BotDeps:
    deps = app.bot_data["deps"]
    assert isinstance(deps, BotDeps)
    return deps


def user_of(update: Update) -> User:
    user = update.effective_user
    if user is None:
        raise LookupError("update without a user")
    return user


def chat_of(update: Update) -> Chat:
    chat = update.effective_chat
    if chat is None:
        raise LookupError("update without a chat")
    return chat


def actor_of(update: Update, context: Context) -> Actor:
    """Who acts. A message sent as a channel (from Channel_Bot) or by an anonymous admin (from
    GroupAnonymousBot, as the group) is that chat's: identified by ``sender_chat`` (a negative
    id, never a user's) and named by its title; it is never staff."""
    message = update.message or update.edited_message
    sender = message.sender_chat if message is not None else None
    if sender is not None:
        return Actor(sender.id, sender.effective_name or str(sender.id), context.deps.language)
    user = user_of(update)
    return Actor(user.id, user.full_name, language_of(user.language_code, context.deps.language),
                 config_admin=user.id in context.deps.staff_user_ids)


def lang(update: Update, context: Context) -> str:
    user = update.effective_user
    return language_of(user.language_code if user else None, context.deps.language)


def uow(update: Update, context: Context) -> TrackingUnitOfWork:
    """A unit of work whose commit also marks this update as handled."""
    return context.deps.uow(update.update_id)


def place_of(update: Update) -> Place:
    """Where the update comes from, for the read side's access rules."""
    return Place(chat_of(update).id if is_group(update) else None)


def is_group(update: Update) -> bool:
    return chat_of(update).type in (Chat.GROUP, Chat.SUPERGROUP)


def fit(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> str:
    """Keep a message within Telegram's limit."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def reply(update: Update, text: str, **kwargs: Any) -> Message | None:
    """Answer the message that caused ``update``, quoting it; or post in the chat of a button."""
    message = update.effective_message
    if update.callback_query is None and message is not None:
        return await message.reply_text(fit(text), do_quote=True, **kwargs)
    chat = update.effective_chat
    if chat is None:
        return None
    return await chat.send_message(fit(text), **kwargs)


async def acknowledge(update: Update, context: Context, *acks: Ack) -> None:
    """Owe acknowledgements of ``update``: outbox rows of its transaction, sent after it and
    merged with others of the same kind sent at the same moment (bot/outbox.py, acks.py)."""
    chat_id = chat_of(update).id
    for ack in acks:
        if not outbox.owe_ack(chat_id, ack, run_key(update)):  # not inside an update: sent as it is
            await context.bot.send_message(chat_id, fit(ack.text), reply_markup=ack.markup,
                                           reply_parameters=None if ack.reply_to is None
                                           else ReplyParameters(
                                               ack.reply_to, allow_sending_without_reply=True))


async def answer(query: CallbackQuery | None, text: str | None = None, alert: bool = False) -> None:
    if query is not None:
        await query.answer(text[:200] if text else None, show_alert=alert)


def kind_label(language: str, kind: ParticipantKind | str) -> str:
    return t(language, f"kind_{kind}")


def turn_label(language: str, kind: TurnKind | str) -> str:
    return t(language, f"turn_{kind}")


def duration(language: str, seconds: int) -> str:
    seconds = max(0, int(seconds))
    m, s = divmod(seconds, 60)
    if m and s:
        return t(language, "minutes_seconds_fmt", m=m, s=s)
    if m:
        return t(language, "minutes_fmt", m=m)
    return t(language, "seconds_fmt", s=s)


def deep_link(bot_username: str, code: str, remote: bool = False) -> str:
    return f"https://t.me/{bot_username}?start={code}{'_r' if remote else ''}"


def session_keyboard(language: str) -> InlineKeyboardMarkup:
    """The control panel under the session's messages."""
    def b(key: str, data: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(t(language, key), callback_data=data)

    return InlineKeyboardMarkup([
        [b("btn_signin", "signin"), b("btn_hand", "hand:speech"),
         b("btn_question", "hand:question")],
        [b("btn_response", "hand:response"), b("btn_follow_up", "hand:follow_up"),
         b("btn_lower", "lower")],
        [b("btn_queue", "queue"), b("btn_next", "next"), b("btn_done", "done")],
    ])


def private_chat_button(language: str, bot_username: str, payload: str) -> InlineKeyboardMarkup:
    url = f"https://t.me/{bot_username}?start={payload}"
    return InlineKeyboardMarkup([[InlineKeyboardButton(t(language, "btn_open_private"), url=url)]])


async def wait_or_timeout(event: asyncio.Event, seconds: float) -> None:
    """Wait for ``event`` at most ``seconds``. Unlike asyncio.wait_for on Python 3.11, a
    cancellation that races with the event is never swallowed, so loops stop when told."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            await event.wait()
