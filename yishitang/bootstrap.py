"""The composition root: builds everything from one Settings object, and runs it."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import secrets
import signal
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from bot.app import build_application, publish_commands
from bot.board import BoardKeeper
from bot.catalog import t
from bot.common import App, AudioLimits, BotDeps, deps_of
from bot.follow_up import catch_up
from bot.health import HEALTH_FILE, Health
from bot.item_notices import ItemNotifier
from bot.outbox import Outbox, when_committed
from bot.poller import DurablePoller
from bot.reminder_sender import ReminderSender
from bot.room_notices import RoomNoticeSender
from bot.scribe import Scribe, ScribeOptions
from bot.timekeeper import Timekeeper
from facilitation.ports import Clock, CodeGenerator, TrackingUnitOfWorkFactory
from facilitation.speech import Transcriber
from facilitation.tracking_approval import FollowUpOptions
from portal.app import WebDeps, build_web_app, serving, start
from portal.deps import RoomDeps, WebhookDeps
from portal.notifier import ScreenNotifier
from storage import search
from storage.audio_files import FolderAudioFiles
from storage.availability import unavailable
from storage.change_feed import listening
from storage.engine import AsyncEngine, is_sqlite, make_engine
from storage.inbox import Inbox
from storage.migrate import upgrade_async
from storage.outbox import OutboxStore, UpdateTransaction
from storage.uow import closing_done, make_session_factory, make_uow_factory
from yishitang.service import Heartbeat, heartbeat_path
from yishitang.settings import Settings
from yishitang.speech import build_transcriber
from yishitang.startup import check_webhook, preflight, set_webhook, with_telegram

log = logging.getLogger(__name__)

# How often a live page reads itself again unwoken: on SQLite this is how it sees what other
# processes commit; on PostgreSQL their NOTIFY wakes it (storage/change_feed.py), the poll is
# only a safety net.
POLL_S, SAFETY_POLL_S = 2.0, 15.0
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read aloud


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_session_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


@dataclass
class Runtime:
    settings: Settings
    engine: AsyncEngine
    uow: TrackingUnitOfWorkFactory
    inbox: Inbox
    app: App
    timekeeper: Timekeeper
    poller: DurablePoller
    scribe: Scribe
    transcriber: Transcriber
    web: WebDeps | None = None  # the web app's (portal/), served while WEB_PORT is not 0
    reminders: ReminderSender | None = None  # of deadlines (bot/reminder_sender.py)
    notices: ItemNotifier | None = None  # of items' changes (bot/item_notices.py)
    room_notices: RoomNoticeSender | None = None  # of what was done on the web
    board: BoardKeeper | None = None  # the groups' live boards (bot/board.py)


def web_poll_s(settings: Settings) -> float:
    return POLL_S if is_sqlite(settings.db_url) else SAFETY_POLL_S


def room_deps(settings: Settings, on_room_notice: Callable[[], None] = lambda: None,
              bot_username: str | None = None,
              on_item_change: Callable[[], None] = lambda: None,
              on_recording: Callable[[], None] = lambda: None) -> RoomDeps:
    """The web's words are the bot's catalogue: one place for what both say."""
    return RoomDeps(words=t, language=settings.language,
                    staff_user_ids=frozenset(settings.staff_user_ids), bot_username=bot_username,
                    base_url=settings.web_url, timezone=settings.timezone,
                    on_room_notice=on_room_notice, follow_up=follow_up_options(settings),
                    on_item_change=on_item_change, session_key=web_session_key(settings),
                    audio_dir=settings.data_dir / "audio",
                    audio_files=FolderAudioFiles(settings.data_dir / "audio"),
                    photo_dir=settings.data_dir / "photos",
                    upload_max_bytes=settings.upload_max_mb * 2**20,
                    recording_max_s=settings.max_recording_seconds,
                    on_recording=on_recording)


def web_session_key(settings: Settings) -> bytes | None:
    """YISHITANG_WEB_SECRET's 32 bytes (checked by Settings); None: one per process."""
    secret = settings.web_secret
    return None if secret is None else base64.urlsafe_b64decode(secret.get_secret_value())


def fan_out(*calls: Callable[[], None]) -> Callable[[], None]:
    """One hook that calls several (``on_item_change``: the reminders, the notices)."""
    def call() -> None:
        for each in calls:
            each()
    return call


def follow_up_options(settings: Settings) -> FollowUpOptions:
    return FollowUpOptions(lead_days=tuple(settings.reminder_lead_days),
                           remind_at=settings.reminder_time,
                           deadline_days=settings.referral_deadline_days)


def audio_limits(settings: Settings) -> AudioLimits:
    max_mb = 2000 if settings.telegram_local_mode else 20
    return AudioLimits(max_file_bytes=max_mb * 1024 * 1024,
                       max_voice_s=settings.max_voice_seconds,
                       max_recording_s=settings.max_recording_seconds)


def webhook_deps(settings: Settings, poller: DurablePoller) -> WebhookDeps | None:
    """Webhook mode: the web app stores what Telegram posts through the poller's inbox."""
    if settings.webhook_url is None or settings.webhook_secret is None:
        return None
    return WebhookDeps(settings.webhook_secret.get_secret_value(), poller.receive)


async def build_runtime(
    settings: Settings, *, clock: Clock = utc_now, new_code: CodeGenerator = new_session_code,
    transcriber: Transcriber | None = None,
) -> Runtime:
    """Migrate the database and wire storage, the bot and its timekeeper (not started)."""
    if settings.telegram_token is None:
        raise SystemExit("YISHITANG_TELEGRAM_TOKEN is not set: get a token from @BotFather")
    check_webhook(settings)  # webhook mode: its secret, and the web app to receive it
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    await upgrade_async(settings.db_url)
    engine = make_engine(settings.db_url)
    notifier = ScreenNotifier()  # the web's live screens, woken at every commit
    changed: list[Callable[[], None]] = [notifier.wake]  # and the groups' live boards

    def on_change() -> None:
        for wake in changed:
            wake()

    uow = make_uow_factory(engine, on_change=on_change)
    deps = BotDeps(uow=uow, clock=clock, new_code=new_code, turn_seconds=settings.turn_seconds,
                   language=settings.language, web_url=settings.web_url,
                   web_served=settings.web_port != 0,
                   staff_user_ids=frozenset(settings.staff_user_ids),
                   audio=audio_limits(settings), timezone=settings.timezone,
                   follow_up=follow_up_options(settings),
                   audio_files=FolderAudioFiles(settings.data_dir / "audio"),
                   photo_dir=settings.data_dir / "photos",
                   health=Health(settings.data_dir / HEALTH_FILE, unavailable=unavailable),
                   outbox=Outbox(OutboxStore(engine), lambda: UpdateTransaction(engine), clock))
    app = build_application(
        token=settings.telegram_token.get_secret_value(), deps=deps,
        base_url=settings.api_base_url, base_file_url=settings.file_base_url,
        rate_limit=settings.rate_limit, local_mode=settings.telegram_local_mode)
    # the 30-second warning is the live board's, not a message of its own
    timekeeper = Timekeeper(uow, clock, app.bot, health=deps.health, outbox=deps.outbox,
                            warn_on_board=True)
    deps.on_floor_change = when_committed(timekeeper.kick)
    assert deps.outbox is not None
    reminders = ReminderSender(deps, deps.outbox)
    notices = ItemNotifier(deps, deps.outbox)
    deps.on_item_change = fan_out(when_committed(reminders.kick), when_committed(notices.kick))
    inbox = Inbox(make_session_factory(engine))
    poller = DurablePoller(app, inbox, clock, poll_timeout=settings.poll_timeout,
                           on_poll=Heartbeat(heartbeat_path(settings)),
                           webhook=settings.webhook_url is not None)
    transcriber = transcriber or build_transcriber(settings)
    scribe = Scribe(uow, clock, app.bot, transcriber, ScribeOptions(
        audio_dir=settings.data_dir / "audio", workers=settings.asr_workers,
        language=settings.asr_language or None, glossary=tuple(settings.glossary),
        retention_days=settings.audio_retention_days, limits=deps.audio), health=deps.health)
    scribe.outbox = deps.outbox
    deps.on_audio = when_committed(scribe.kick)
    room_notices = RoomNoticeSender(deps, deps.outbox)
    board = BoardKeeper(deps, app.bot, deps.outbox)
    changed.append(board.kick)
    deps.outbox.on_board_sent = board.kick
    web = (WebDeps(uow, clock, notifier, poll_s=web_poll_s(settings),
                   webhook=webhook_deps(settings, poller),
                   room=room_deps(settings, room_notices.kick,
                                  on_item_change=deps.on_item_change,
                                  on_recording=deps.on_audio),
                   unavailable=unavailable)
           if settings.web_port else None)
    return Runtime(settings, engine, uow, inbox, app, timekeeper, poller, scribe, transcriber,
                   web=web, reminders=reminders, notices=notices, room_notices=room_notices,
                   board=board)


@contextlib.asynccontextmanager
async def running(runtime: Runtime) -> AsyncIterator[asyncio.Event]:
    """Start the bot, its poller and timekeeper; yield the event that stops them."""
    stop = asyncio.Event()
    app = runtime.app
    # approvals whose tracking a failure or a stop cut short: tracked now (one query if none)
    await catch_up(deps_of(app))
    # a hiccup between the checks (yishitang/startup.py) and here is tried again as well
    await with_telegram(runtime.settings, app.initialize)
    await app.start()
    await with_telegram(runtime.settings, lambda: publish_commands(app))
    web = runtime.web  # the phone page links to the bot, known once initialised
    if web is not None:
        web = replace(web, room=replace(web.room, bot_username=app.bot.username))
    web_runner = (await start(build_web_app(web), runtime.settings.web_host,
                              runtime.settings.web_port) if web is not None else None)
    changes = contextlib.AsyncExitStack()  # other processes' commits wake its pages (PostgreSQL)
    woken = [runtime.web.notifier.wake] if runtime.web is not None else []
    woken += [runtime.board.kick] if runtime.board is not None else []
    if woken:
        await changes.enter_async_context(listening(runtime.settings.db_url, fan_out(*woken)))
    tasks = [asyncio.create_task(runtime.poller.run(stop), name="poller"),
             asyncio.create_task(runtime.timekeeper.run(), name="timekeeper"),
             asyncio.create_task(runtime.scribe.run(), name="scribe"),
             *([asyncio.create_task(runtime.reminders.run(), name="reminders")]
               if runtime.reminders is not None else []),
             # catches up at start: what changes of items owe and a stop left unwritten
             *([asyncio.create_task(runtime.notices.run(), name="item-notices")]
               if runtime.notices is not None else []),
             # catches up at start: what the group owes to hear of the web
             *([asyncio.create_task(runtime.room_notices.run(), name="room-notices")]
               if runtime.room_notices is not None else []),
             # sends, edits and closes the groups' live boards; catches up at start
             *([asyncio.create_task(runtime.board.run(), name="board")]
               if runtime.board is not None else []),
             # the word segmenter's dictionary (about 1 s), loaded before the first search
             asyncio.create_task(asyncio.to_thread(search.warm), name="warm-up")]

    def stop_on_failure(task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            log.error("%s stopped", task.get_name(), exc_info=task.exception())
            stop.set()

    for task in tasks:
        task.add_done_callback(stop_on_failure)
    try:
        if runtime.settings.webhook_url is not None:  # now that the web app receives it
            await set_webhook(runtime.settings, app.bot)
        yield stop
    finally:
        stop.set()
        if web_runner is not None:
            await web_runner.cleanup()  # its streams end first (portal/notifier.py)
        await changes.aclose()
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        outbox = deps_of(app).outbox
        if outbox is not None:
            await outbox.close()  # its wake-ups; what is owed stays in the table
        await app.stop()
        await app.shutdown()
        await runtime.transcriber.close()
        await closing_done()  # connections the cancelled tasks were opening
        await runtime.engine.dispose()
    failed = [t for t in tasks if t.done() and not t.cancelled() and t.exception()]
    if failed:
        raise RuntimeError(f"{failed[0].get_name()} stopped") from failed[0].exception()


async def run_bot(settings: Settings) -> None:
    """`yishitang run`: serve until SIGINT or SIGTERM, once the outside world is as it must be
    (yishitang/startup.py: a StartupFailure otherwise)."""
    await preflight(settings)
    runtime = await build_runtime(settings)
    async with running(runtime) as stop:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        log.info("bot @%s running against %s", runtime.app.bot.username,
                 settings.telegram_api_url)
        await stop.wait()


async def run_web(settings: Settings, host: str, port: int) -> None:
    """`yishitang web`: the web app alone, until SIGINT or SIGTERM. Changes the bot commits in
    another process wake its screens by NOTIFY on PostgreSQL; on SQLite their poll finds them."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    await upgrade_async(settings.db_url)
    engine = make_engine(settings.db_url)
    notifier = ScreenNotifier()
    deps = WebDeps(make_uow_factory(engine, on_change=notifier.wake), utc_now, notifier,
                   poll_s=web_poll_s(settings), room=room_deps(settings),
                   unavailable=unavailable)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        async with listening(settings.db_url, notifier.wake), \
                serving(build_web_app(deps), host, port):
            log.info("web app on http://%s:%d", host, port)
            await stop.wait()
    finally:
        await closing_done()
        await engine.dispose()
