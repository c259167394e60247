"""The Telegram application: handlers registered in one ordered function, the command menu."""

from __future__ import annotations

import logging
from typing import Any, cast

from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    Update,
)
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import callbacks, liaison_view, tracking_view
from bot.callbacks import ID
from bot.catalog import LANGUAGES, t
from bot.common import App, BotDeps, Context, deps_of, reply
from bot.errors import on_error
from bot.handlers import (
    archive,
    hall,
    liaison,
    marks,
    minutes,
    people,
    photos,
    portal_login,
    queue,
    screen,
    search,
    session,
    signin,
    stats,
    texts,
    tracking,
    tracking_buttons,
    units,
    voice,
    whoami,
)
from bot.limits import TelegramLimits
from bot.outbox import OutboxHook
from bot.poller import RAW_UPDATES, RawUpdatesRequest

GROUP_COMMANDS = ("new", "signin", "signout", "profile", "hand", "lower", "queue", "next", "done",
                  "qrcode", "screen", "console", "glossary", "hall", "template", "end", "minutes",
                  "search", "whoami", "help")
PRIVATE_COMMANDS = ("start", "profile", "minutes", "search", "draft", "fix", "addsug", "dropsug",
                    "unit", "deadline", "title", "approve", "confirm", "mine", "reply",
                    "progress", "rate", "portal", "whoami", "help")
log = logging.getLogger(__name__)
STAFF_COMMANDS = ("forget", "export",  # in the private-chat menu of staff only
                  "track", "refer", "reassign", "convert", "reserve", "due", "units", "stats",
                  "summary")
NEW = filters.UpdateType.MESSAGE
GROUPS = filters.ChatType.GROUPS


def build_application(
    *, token: str, deps: BotDeps, base_url: str, base_file_url: str, rate_limit: bool = False,
    local_mode: bool = False,
) -> App:
    """``local_mode``: a self-hosted Bot API server started with --local, whose getFile
    answers with paths on its disk (files up to 2000 MB) that PTB then reads directly."""
    builder = (
        Application.builder()
        .token(token)
        .base_url(base_url)
        .base_file_url(base_file_url)
        .local_mode(local_mode)
        .updater(None)
        .context_types(ContextTypes(context=Context))
    )
    # Every request passes the outbox's hook: while an update is handled, the messages it
    # sends become outbox rows of its transaction, sent after its commit (bot/outbox.py).
    # Telegram's limits with the moderator first (bot/limits.py)
    limiter = TelegramLimits(max_retries=3) if rate_limit else None
    store = deps.outbox.store if deps.outbox is not None else None
    builder = builder.rate_limiter(OutboxHook(limiter, store))  # type: ignore[arg-type]
    raw_updates = RawUpdatesRequest()  # the inbox stores updates as Telegram sent them
    builder = builder.get_updates_request(raw_updates)
    application = cast(App, builder.build())
    application.bot_data["deps"] = deps
    application.bot_data[RAW_UPDATES] = raw_updates
    if deps.outbox is not None:
        deps.outbox.bind(application.bot, limiter)
    register_handlers(application)
    return application


async def group_only(update: Any, context: Context) -> None:
    await reply(update, t(context.deps.language, "group_only"))


def register_handlers(app: App) -> None:
    """Every handler, in the order they are tried."""
    group_commands = {
        "signin": signin.sign_in, "signout": signin.sign_out, "proxy": signin.proxy,
        "hand": queue.hand, "lower": queue.lower, "queue": queue.show_queue,
        "next": queue.call_next, "done": queue.done, "up": queue.move_up,
        "skip": queue.skip, "remove": queue.remove, "limit": session.set_limit,
        "qrcode": session.send_qrcode, "end": session.end_session,
        "glossary": session.glossary, "hall": hall.hall_document, "template": hall.template,
        "screen": screen.screen_link,
        "console": screen.console_link,
    }
    private_commands = {
        "draft": minutes.show_draft, "fix": minutes.fix_turn, "addsug": minutes.add_suggestion,
        "dropsug": minutes.drop_suggestion, "unit": minutes.set_unit,
        "deadline": minutes.set_deadline, "title": minutes.set_title,
        "approve": minutes.approve,
        "confirm": minutes.request_confirmations,
        # liaisons and proposers (bot/handlers/liaison.py)
        "mine": liaison.mine, "reply": liaison.reply_command,
        "progress": liaison.progress_command, "rate": liaison.rate_command,
        # following items up (staff; /track also a liaison's, for their units)
        "track": tracking.track, "refer": tracking.refer, "reassign": tracking.reassign,
        "convert": tracking.convert,
        "reserve": tracking.reserve, "due": tracking.due, "units": units.units,
        "portal": portal_login.portal,  # the staff's web pages (roles decide, at once)
    }
    app.add_handler(TypeHandler(Update, callbacks.without_message), group=-1)
    app.add_handler(CommandHandler("start", signin.start, filters=NEW))
    app.add_handler(CommandHandler("help", session.show_help, filters=NEW))
    app.add_handler(CommandHandler("profile", signin.profile, filters=NEW))
    app.add_handler(CommandHandler("new", session.new_session, filters=NEW))
    app.add_handler(CommandHandler("minutes", archive.list_minutes, filters=NEW))
    app.add_handler(CommandHandler("search", search.search, filters=NEW))
    app.add_handler(CommandHandler("forget", people.forget, filters=NEW))
    app.add_handler(CommandHandler("export", people.export, filters=NEW))
    app.add_handler(CommandHandler("stats", stats.stats, filters=NEW))  # private: it says so
    app.add_handler(CommandHandler("summary", stats.summary, filters=NEW))
    app.add_handler(CommandHandler("whoami", whoami.whoami, filters=NEW))
    for name, callback in private_commands.items():
        app.add_handler(CommandHandler(name, callback, filters=NEW & filters.ChatType.PRIVATE))
    for name, callback in group_commands.items():
        app.add_handler(CommandHandler(name, callback, filters=NEW & GROUPS))
    app.add_handler(CommandHandler(list(group_commands), group_only,
                                   filters=NEW & filters.ChatType.PRIVATE))
    app.add_handler(CallbackQueryHandler(signin.sign_in_button, pattern=r"^signin$"))
    app.add_handler(CallbackQueryHandler(signin.admission_button,
                                         pattern=rf"^(admit|refuse):{ID}:{ID}:[rp]$"))
    app.add_handler(CallbackQueryHandler(signin.accept_notice, pattern=r"^notice(:[0-9]{1,16})?$"))
    app.add_handler(CallbackQueryHandler(
        queue.hand_button, pattern=r"^hand:(speech|question|response|follow_up)$"))
    app.add_handler(CallbackQueryHandler(queue.lower, pattern=r"^lower$"))
    app.add_handler(CallbackQueryHandler(queue.show_queue, pattern=r"^queue$"))
    app.add_handler(CallbackQueryHandler(queue.call_next, pattern=r"^next$"))
    app.add_handler(CallbackQueryHandler(queue.done, pattern=r"^done$"))
    app.add_handler(CallbackQueryHandler(queue.manage_button,
                                         pattern=rf"^q:(up|skip|remove):{ID}$"))
    app.add_handler(CallbackQueryHandler(marks.mark_button, pattern=marks.PATTERN))
    app.add_handler(CallbackQueryHandler(minutes.draft_button,
                                         pattern=rf"^mn:((approve|force):{ID}:[0-9a-f]{{1,64}}|confirm:{ID})$"))
    app.add_handler(CallbackQueryHandler(archive.files_button,
                                         pattern=rf"^mn:(files|public|edit):{ID}$"))
    app.add_handler(CallbackQueryHandler(minutes.confirm_button, pattern=rf"^cf:(ok|fix):{ID}$"))
    app.add_handler(CallbackQueryHandler(people.forget_button, pattern=people.PATTERN))
    app.add_handler(CallbackQueryHandler(tracking_buttons.button,
                                         pattern=tracking_view.PATTERN))
    app.add_handler(CallbackQueryHandler(liaison.item_button, pattern=liaison_view.ITEM_PATTERN))
    app.add_handler(CallbackQueryHandler(liaison.rate_button, pattern=liaison_view.RATE_PATTERN))
    app.add_handler(CallbackQueryHandler(callbacks.unknown_button))  # after every button
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, session.chat_migrated))
    app.add_handler(ChatMemberHandler(session.added_to_group,
                                      ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(MessageHandler(NEW & GROUPS & filters.Document.FileExtension("docx")
                                   & filters.CaptionRegex(r"^/template(?:@\w+)?\s*$"),
                                   hall.template))
    app.add_handler(MessageHandler(NEW & filters.COMMAND, session.unknown_command))
    # an answer to an item's prompt or notice: a progress note, a reply, a reply document
    app.add_handler(MessageHandler(
        NEW & filters.ChatType.PRIVATE & liaison_view.ANSWERS
        & ((filters.TEXT & ~filters.COMMAND) | filters.Document.ALL), liaison.answer_to_item))
    app.add_handler(MessageHandler(
        NEW & (filters.VOICE | filters.AUDIO | filters.VIDEO_NOTE | filters.VIDEO
               | filters.Document.ALL), voice.on_audio))
    app.add_handler(MessageHandler(NEW & filters.PHOTO & GROUPS, photos.on_photo))
    app.add_handler(MessageHandler(NEW & filters.TEXT & GROUPS, texts.group_text))
    # the reason a question of /track's buttons asked for, replied to it (before texts)
    app.add_handler(MessageHandler(NEW & filters.TEXT & ~filters.COMMAND
                                   & filters.ChatType.PRIVATE
                                   & tracking_buttons.ANSWERS_QUESTION,
                                   tracking_buttons.reason_reply))
    app.add_handler(MessageHandler(NEW & filters.TEXT & filters.ChatType.PRIVATE,
                                   texts.private_text))
    # an edit of a recorded text is its correction; an edited command or caption is not
    app.add_handler(MessageHandler(
        filters.UpdateType.EDITED_MESSAGE & filters.TEXT & ~filters.COMMAND
        & (GROUPS | filters.ChatType.PRIVATE), texts.edited_text))
    app.add_error_handler(on_error)


async def publish_commands(app: App) -> None:
    """The command menu (setMyCommands), for groups and private chats, in every language."""
    for language in LANGUAGES:
        code = None if language == "zh" else language
        for scope, names in ((BotCommandScopeAllGroupChats(), GROUP_COMMANDS),
                             (BotCommandScopeAllPrivateChats(), PRIVATE_COMMANDS)):
            commands = [BotCommand(n, t(language, f"cmd_{n}")) for n in names]
            await app.bot.set_my_commands(commands, scope=scope, language_code=code)
        await _publish_staff_commands(app, language, code)


async def _publish_staff_commands(app: App, language: str, code: str | None) -> None:
    """Staff's private chats get the private menu and the staff commands; a staff member
    who never opened a private chat with the bot cannot get one (Telegram: chat not found)."""
    commands = [BotCommand(n, t(language, f"cmd_{n}"))
                for n in (*PRIVATE_COMMANDS, *STAFF_COMMANDS)]
    for user_id in sorted(deps_of(app).staff_user_ids):
        try:
            await app.bot.set_my_commands(commands, scope=BotCommandScopeChat(user_id),
                                          language_code=code)
        except TelegramError as error:
            log.info("no staff menu for %s yet: %s", user_id, error)
