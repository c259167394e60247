"""What the web app's handlers need, built by the composition root (yishitang/bootstrap.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web

from facilitation.ports import AudioFiles, Clock, TrackingUnitOfWorkFactory
from facilitation.tracking_approval import FollowUpOptions
from portal.notifier import ScreenNotifier


@dataclass(frozen=True)
class WebhookDeps:
    """Webhook mode (portal/webhook.py): the secret Telegram sends, and where an update goes:
    ``accept(update_id, payload JSON)`` stores it durably (the bot's poller), True once stored,
    False when it cannot be now (Telegram posts it again)."""

    secret: str = field(repr=False)
    accept: Callable[[int, str], Awaitable[bool]]


def _key_only(language: str, key: str, **params: object) -> str:
    return key


@dataclass(frozen=True)
class RoomDeps:
    """The words (the bot's catalogue, bot/catalog_web.py: given by the composition root, so
    that the web and the bot say the same), who is staff (as configuration says now), the
    bot's username (the phone page's link to Telegram) and the hook that wakes the bot's
    sender of what the group must hear of the web (bot/room_notices.py)."""

    words: Callable[..., str] = _key_only  # words(language, key, **params)
    language: str = "zh"
    staff_user_ids: frozenset[int] = frozenset()
    bot_username: str | None = None
    base_url: str = ""  # the web app's public address ("": the request's own)
    timezone: str = "Asia/Shanghai"
    on_room_notice: Callable[[], None] = lambda: None
    # followed-up items: deadlines and reminders as configured, and the hook that wakes the
    # bot's senders of reminders and item notices after a change from the workbench
    follow_up: FollowUpOptions = field(default_factory=FollowUpOptions)
    on_item_change: Callable[[], None] = lambda: None
    # where the voice notes' audio is kept (the data folder's audio/); None: not served
    audio_dir: Path | None = None
    # where the photos moderators sent are kept (the data folder's photos/); None: not served
    photo_dir: Path | None = None
    # deletes kept audio when a person is forgotten (storage.audio_files.FolderAudioFiles)
    audio_files: AudioFiles | None = None
    # the staff's login cookies' key (32 bytes, YISHITANG_WEB_SECRET); None: one per process
    session_key: bytes | None = field(default=None, repr=False)
    # whole-meeting recordings uploaded on the workbench (portal/recordings.py): the largest
    # file (YISHITANG_UPLOAD_MAX_MB), the longest recording, and the hook that wakes the scribe
    upload_max_bytes: int = 500 * 2**20
    recording_max_s: float | None = None
    on_recording: Callable[[], None] = lambda: None


@dataclass(frozen=True)
class WebDeps:
    uow: TrackingUnitOfWorkFactory  # the staff's pages follow items up too
    clock: Clock
    notifier: ScreenNotifier = field(default_factory=ScreenNotifier)
    poll_s: float = 2.0  # how often a stream looks for changes other processes committed
    webhook: WebhookDeps | None = None  # Telegram's updates by webhook; None: polling
    room: RoomDeps = field(default_factory=lambda: RoomDeps())  # the phone page, the console
    # whether an error means the database is out of reach for now (storage/availability.py)
    unavailable: Callable[[BaseException], bool] = lambda error: False


DEPS = web.AppKey("deps", WebDeps)
