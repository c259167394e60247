"""Messages owed are never lost and never sent twice, whatever moment the process is killed.

What an update (or a timer tick) does runs in one transaction (storage/shared.py): its use
cases, the messages its handler sends and the mark that the update was handled. The handler's
sendMessage requests do not go out while it runs: the bot's request hook (``OutboxHook``)
turns them into outbox rows of that transaction, and the acknowledgements of sign-ins and
raised hands become rows too. After the commit, ``Outbox.send_pending`` sends the rows of
each chat in order, one at a time, merging consecutive acknowledgements of one kind into one
message (bot/acks.py), and marks each sent with its message id.

Before a row goes on the wire, what is sent (text, buttons) and the highest message id the bot
knew in that chat are stored with it. If the process dies with the request in flight, the row
stays "attempted": at the next send the message either never reached Telegram or did. It is
recognised by asking Telegram to edit the messages after that id, that the bot does not know,
into exactly that text: "message is not modified" means it is there (marked sent, not sent
again); "not found" or "can't be edited" means it is not that one. Only if none is, is it sent.

Answers to button presses and edits are held until right after the commit, and so are the
wake-ups of the timekeeper and the scribe (``when_committed``). A message to a private chat
goes out at once, and first commits what the update did so far, with the messages it owes and
its mark: what a user did is always stored before the bot answers them.

Only messages to groups go through the outbox (texts, and files and photos, so that they keep
their order); the few sent to a private chat go out at once, so that a user who never started
the bot is found out while the handler can still tell the group. A file cut off by a crash
cannot be recognised and is sent again. Answers to button presses and edits are not kept in
the table (made right after the commit, in the same process: a query expires within seconds,
and an edit can be made twice without harm); lookups (getChatMember) go out at once.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import contextvars
import logging
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from telegram import Bot, InlineKeyboardMarkup, InputFile, Message, ReplyParameters
from telegram.constants import MessageLimit
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import BaseRateLimiter
from telegram.request._requestparameter import RequestParameter

from bot.acks import Ack, messages
from bot.limits import Priority, TelegramLimits, priority, retry_seconds
from facilitation.ports import Clock, OutboxStore, OwedMessage, OwingTransaction
from facilitation.ports import PendingMessage as Pending

Owed = OwedMessage

log = logging.getLogger(__name__)
JSON = dict[str, Any]
PROBE_SPAN = 20  # message ids after the last known one that may be a send cut off by a crash
KEEP_SENT = timedelta(days=2)
NOT_MODIFIED = "not modified"
PLACEHOLDER_WAIT_S = 2.5  # "transcribing…" under rate limits: only if no caption by then
RETRY_S, MAX_RETRY_S = 2.0, 60.0  # a chat whose messages could not go out is tried again


@dataclass
class Capture:
    """What the handler of one update (or one timer tick) owes, until its commit."""

    update_id: int | None
    owed: list[Owed] = field(default_factory=list)
    known: list[tuple[int, int]] = field(default_factory=list)  # sent at once: (chat, id)
    # commit what is done so far, before a request that goes out at once
    checkpoint: Callable[[], Awaitable[None]] | None = None
    deferred: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    after: list[Callable[[], None]] = field(default_factory=list)  # wake-ups, after commit
    checkpointed: bool = False  # part of it is committed (and the update marked handled)
    # of the messages it owes (an acknowledgement and "transcribing…" are notices anyway)
    priority: Priority = Priority.FLOOR


_CAPTURE: contextvars.ContextVar[Capture | None] = contextvars.ContextVar(
    "outbox_capture", default=None)


_SENDING: contextvars.ContextVar[bool] = contextvars.ContextVar("outbox_sending",
                                                                default=False)


def owe_ack(chat_id: int, ack: Ack, run: str | None) -> bool:
    """Add an acknowledgement to what the current update owes; False outside an update.
    ``run``: the command or button of the update (acknowledgements of consecutive updates of
    one run are merged)."""
    capture = _CAPTURE.get()
    if capture is None:
        return False
    capture.owed.append(Owed(chat_id, "ack", {**ack_json(ack), "run": run,
                                              "priority": int(Priority.NOTICE)},
                             capture.update_id))
    return True


def when_committed(wake: Callable[[], None]) -> Callable[[], None]:
    """``wake`` (the timekeeper's or the scribe's kick), called at once outside an update
    and after its commit inside one: woken earlier, they would read the state before it."""

    def call() -> None:
        capture = _CAPTURE.get()
        if capture is None:
            wake()
        elif wake not in capture.after:
            capture.after.append(wake)

    return call


async def cancel_all(tasks: Sequence[asyncio.Task[Any]]) -> None:
    """Cancel ``tasks`` and wait until each has stopped."""
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError):
            await task


def not_first(level: Priority = Priority.FLOOR) -> None:
    """What the current update still owes goes at ``level`` or later, not first: the answer to
    someone who does not run the session (a participant's /queue, a refused command). Never
    raises a priority; nothing outside an update."""
    capture = _CAPTURE.get()
    if capture is not None and level > capture.priority:
        capture.priority = level


def link_board(session_id: int) -> bool:
    """The message the handler just sent (the session's opening message) is the live board of
    ``session_id`` (bot/board.py): its message id is written to the board when it is sent.
    False outside an update (nothing captured)."""
    capture = _CAPTURE.get()
    if capture is None or not capture.owed or capture.owed[-1].kind != "message":
        return False
    last = capture.owed[-1]
    capture.owed[-1] = Owed(last.chat_id, last.kind, last.payload, last.update_id,
                            last.audio_job_id, session_id)
    return True


def link_last(*, audio_job: int) -> bool:
    """The message the handler just sent is the placeholder of ``audio_job``: its message id
    is written to the job when it is sent. False outside an update (nothing captured)."""
    capture = _CAPTURE.get()
    if capture is None or not capture.owed or capture.owed[-1].kind != "message":
        return False
    last = capture.owed[-1]
    # a notice, and only worth its share of the group's budget if the caption is not there
    # soon: under rate limits it waits PLACEHOLDER_WAIT_S, and the caption that comes first
    # takes its place (Outbox.supersede)
    payload = {**last.payload, "priority": int(Priority.NOTICE),
               "after": time.time() + PLACEHOLDER_WAIT_S}
    capture.owed[-1] = Owed(last.chat_id, last.kind, payload, last.update_id, audio_job)
    return True


def ack_json(ack: Ack) -> JSON:
    return {"kind": ack.kind, "language": ack.language, "text": ack.text, "item": ack.item,
            "reply_to": ack.reply_to, "fields": ack.fields,
            "markup": ack.markup.to_dict() if ack.markup is not None else None}


def ack_of_json(data: JSON, bot: Bot) -> Ack:
    markup = InlineKeyboardMarkup.de_json(data["markup"], bot) if data.get("markup") else None
    return Ack(data["kind"], data["language"], data["text"], data["item"], data.get("reply_to"),
               markup, data.get("fields") or {})


CAPTURED = ("sendMessage", "sendDocument", "sendPhoto")
DEFERRED = ("answerCallbackQuery", "editMessage", "deleteMessage")


def _plain(endpoint: str, data: JSON) -> JSON | None:
    """The request as JSON values, a file as its bytes (base64): what the sender needs to
    make it again. None when it cannot be kept (a file by path or a stream)."""
    plain: JSON = {"method": endpoint}
    for key, value in data.items():
        if value is None:
            continue
        parameter = RequestParameter.from_input(key, value)
        if parameter.input_files:
            if not isinstance(value, InputFile) or len(parameter.input_files) != 1 or \
                    not isinstance(value.input_file_content, bytes):
                return None
            plain[key] = {"file": base64.b64encode(value.input_file_content).decode(),
                          "filename": value.filename}
            continue
        plain[key] = parameter.value
    return plain


Callback = Callable[..., Coroutine[Any, Any, bool | JSON | list[JSON]]]


class OutboxHook(BaseRateLimiter[JSON]):
    """The bot's request hook (PTB's rate-limiter interface sees every request): while an
    update is handled, a sendMessage becomes an outbox row and the handler gets a stand-in
    message (id 0); everything else goes to the real rate limiter, if there is one."""

    def __init__(self, inner: BaseRateLimiter[Any] | None = None,
                 store: OutboxStore | None = None) -> None:
        self._inner, self._store = inner, store

    async def initialize(self) -> None:
        if self._inner is not None:
            await self._inner.initialize()

    async def shutdown(self) -> None:
        if self._inner is not None:
            await self._inner.shutdown()

    async def process_request(
        self, callback: Callback, args: Any, kwargs: JSON, endpoint: str, data: JSON,
        rate_limit_args: JSON | None,
    ) -> bool | JSON | list[JSON]:
        capture = _CAPTURE.get()
        chat_id = data.get("chat_id")
        # Messages to groups: a private chat's go out at once, so that a user who never
        # started the bot is told at once (Forbidden) where to find what was meant for them.
        if (capture is not None and endpoint in CAPTURED and isinstance(chat_id, int)
                and chat_id < 0 and not _SENDING.get()):
            plain = _plain(endpoint, data)
            if plain is not None:
                plain["priority"] = int(capture.priority)
                capture.owed.append(Owed(chat_id, "message", plain, capture.update_id))
                return {"message_id": 0, "date": int(time.time()), "text": plain.get("text"),
                        "chat": {"id": chat_id, "type": "supergroup"}}
        if capture is not None and not _SENDING.get() and endpoint.startswith(DEFERRED):
            # an answer to a button press or an edit: made right after the commit, so that
            # what the user did is stored before they see it (and nothing is shown of a
            # change that an outage undid: the update is then handled again)
            inner, level = self._inner, capture.priority

            async def later() -> None:
                with priority(level):
                    if inner is None:
                        await callback(*args, **kwargs)
                    else:
                        await inner.process_request(callback, args, kwargs, endpoint, data,
                                                    rate_limit_args)

            capture.deferred.append(later)
            return True
        if (capture is not None and capture.checkpoint is not None and not _SENDING.get()
                and not endpoint.startswith("get")):
            # a private message goes out now: what the user did is stored first (and the
            # messages owed so far with it)
            await capture.checkpoint()
        if self._inner is None:
            result = await callback(*args, **kwargs)
        else:
            result = await self._inner.process_request(callback, args, kwargs, endpoint, data,
                                                       rate_limit_args)
        if (self._store is not None and endpoint.startswith(("send", "copyMessage"))
                and isinstance(result, dict) and isinstance(chat_id, int)
                and isinstance(result.get("message_id"), int) and not _SENDING.get()):
            if capture is not None:  # in the update's transaction (a second one would wait)
                capture.known.append((chat_id, result["message_id"]))
            else:
                try:
                    await self._store.known(chat_id, result["message_id"])  # never probed
                except Exception:  # the message went out: that is what the caller learns
                    log.warning("could not record message %s of chat %s", result["message_id"],
                                chat_id, exc_info=True)
        return result


class Scope:
    """One update's (or tick's) transaction and the messages it owes."""

    def __init__(self, shared: OwingTransaction, capture: Capture, outbox: Outbox) -> None:
        self.shared, self.capture, self._outbox = shared, capture, outbox

    @property
    def owed(self) -> list[Owed]:
        return self.capture.owed

    async def _write(self) -> None:
        await self.shared.write(self.capture.owed, self.capture.known, self.capture.update_id,
                                self._outbox.clock())
        self.capture.owed.clear()
        self.capture.known.clear()

    async def checkpoint(self) -> None:
        """Commit what is done so far (the change, what it owes, the update's mark) and go
        on in a new transaction; skipped inside an open unit of work."""
        if self.shared.open_units:
            return
        await self._write()
        await self.shared.commit_and_continue()
        self.capture.checkpointed = True

    @property
    def checkpointed(self) -> bool:
        return self.capture.checkpointed

    async def answer(self) -> None:
        """After the commit: the answers to button presses and the edits held back."""
        after, self.capture.after = self.capture.after, []
        for wake in after:
            wake()
        deferred, self.capture.deferred = self.capture.deferred, []
        for request in deferred:
            try:
                await request()
            except TelegramError as error:  # an expired query, an unchanged message …
                log.info("an answer or edit after the commit was refused: %s", error)

    async def commit(self) -> None:
        """The change, the messages it owes and the update's mark, durable together."""
        await self._write()
        await self.shared.commit()


@dataclass(frozen=True)
class _Send:
    """One message to put on the wire: the rows it stands for and the request."""

    ids: list[int]
    params: JSON
    level: Priority = Priority.FLOOR


class Outbox:
    def __init__(self, store: OutboxStore, transaction: Callable[[], OwingTransaction],
                 clock: Clock) -> None:
        self.store, self._transaction, self.clock = store, transaction, clock
        self._bot: Bot | None = None
        self._limits: TelegramLimits | None = None
        self._locks: dict[int, asyncio.Lock] = {}
        self._seen: dict[int, int] = {}  # chat -> the highest message id of it handled
        self._wakes: dict[int, tuple[float, asyncio.Task[None]]] = {}  # chat -> (due, task)
        self._waking: set[asyncio.Task[None]] = set()  # every wake-up task, running ones too
        self._failures: dict[int, int] = {}  # chat -> sends failed in a row (retry_later)
        # a live board's first message went out: its keeper may edit it now (bot/board.py)
        self.on_board_sent: Callable[[], None] = lambda: None
        self._closed = False

    def bind(self, bot: Bot, limits: TelegramLimits | None = None) -> None:
        """The bot that sends, and its rate limiter (None: no limits, as in the tests)."""
        self._bot, self._limits = bot, limits

    async def close(self) -> None:
        """Stop the wake-ups of chats waiting for their budget, sleeping or sending, and
        schedule no more (what they owe stays owed for the next start)."""
        self._closed = True
        self._wakes.clear()
        tasks, self._waking = list(self._waking), set()
        await cancel_all(tasks)

    @property
    def limited(self) -> bool:
        """Whether Telegram's limits are kept (off only against the local sandbox)."""
        return self._limits is not None

    def delay(self, chat_id: int, level: Priority, *, reserve: float | None = None) -> float:
        """Seconds before a request of ``level`` may change ``chat_id``'s messages (0 with
        no rate limiter): for a sender that waits for its turn by reading again later.
        ``reserve``: leave that many in the group's budget instead of the level's."""
        if self._limits is None:
            return 0.0
        return self._limits.delay(chat_id, level, reserve=reserve)

    def seen(self, chat_id: int, message_id: int) -> None:
        """An update carried this message: a message sent later has a higher id."""
        if message_id > self._seen.get(chat_id, 0):
            self._seen[chat_id] = message_id

    @property
    def bot(self) -> Bot:
        assert self._bot is not None, "Outbox.bind(bot) first"
        return self._bot

    @contextlib.asynccontextmanager
    async def scope(self, update_id: int | None = None,
                    level: Priority = Priority.FLOOR) -> AsyncIterator[Scope]:
        """``async with outbox.scope(update_id) as scope: ...; await scope.commit()``;
        leaving without commit stores nothing and owes nothing. ``level``: the priority of
        the messages it owes (bot/limits.py)."""
        capture = Capture(update_id, priority=level)
        async with self._transaction() as shared:
            shared.marks = update_id  # its write marks the update: its units of work need not
            scope = Scope(shared, capture, self)
            capture.checkpoint = scope.checkpoint
            token = _CAPTURE.set(capture)
            try:
                yield scope
            finally:
                _CAPTURE.reset(token)

    async def send_pending(self) -> int:
        """Send what every chat is owed, each chat in order; return how many messages."""
        count = 0
        for chat_id in await self.store.chats():
            try:
                count += await self.send_chat(chat_id)
            except Exception:  # one chat's trouble stops neither the others nor the bot
                log.warning("owed messages to chat %s not sent this time", chat_id,
                            exc_info=True)
        return count

    async def send_chat(self, chat_id: int) -> int:
        lock = self._locks.setdefault(chat_id, asyncio.Lock())
        count = 0
        async with lock:
            try:
                while batch := await self.store.pending(chat_id):
                    cut_off = next((row for row in batch if row.attempt is not None), None)
                    if cut_off is not None:  # on the wire at a crash: found, or sent again
                        await self._arrived(cut_off)
                        continue
                    # the first row in order whose priority has budget now: a notice held
                    # back for the group's budget never holds an answer up (bot/limits.py)
                    start, wait = self._ready(batch)
                    if start is None:
                        self._wake_in(chat_id, wait)
                        break
                    send = self._next(batch[start:])
                    if send is None:
                        continue
                    count += await self._send(chat_id, send)
            except _Undecided as undecided:  # Telegram did not answer: a while later
                log.warning("messages to chat %s wait: %s", chat_id, undecided)
                self._retry_later(chat_id)
                return count
            except Exception:  # the database is out of reach, say: a while later
                self._retry_later(chat_id)
                raise
        self._failures.pop(chat_id, None)
        return count

    def _retry_later(self, chat_id: int) -> None:
        """What ``chat_id`` owes could not all go out: try again by itself, sooner than the
        next update of a quiet group would (2 s, doubling to a minute while it fails)."""
        failures = self._failures[chat_id] = self._failures.get(chat_id, 0) + 1
        self._wake_in(chat_id, min(RETRY_S * 2 ** (failures - 1), MAX_RETRY_S))

    def _ready(self, batch: Sequence[Pending]) -> tuple[int | None, float]:
        """The index of the first row that may go now, or None and how long until one may."""
        if self._limits is None:
            return 0, 0.0
        soonest, now = math.inf, time.time()
        for index, row in enumerate(batch):
            wait = max(self._limits.delay(row.chat_id, _priority(row)),
                       float(row.payload.get("after") or 0) - now)
            if wait <= 0:
                return index, 0.0
            soonest = min(soonest, wait)
        return None, soonest

    def _wake_in(self, chat_id: int, seconds: float) -> None:
        """Try ``chat_id`` again in ``seconds`` (sooner if something new is owed to it)."""
        if self._closed:
            return
        loop = asyncio.get_running_loop()
        due = loop.time() + seconds
        current = self._wakes.get(chat_id)
        if current is not None and current[0] <= due:
            return
        if current is not None:
            current[1].cancel()
        task = loop.create_task(self._wake(chat_id, seconds), name=f"outbox-wake-{chat_id}")
        self._waking.add(task)
        task.add_done_callback(self._waking.discard)
        self._wakes[chat_id] = (due, task)

    async def _wake(self, chat_id: int, seconds: float) -> None:
        await asyncio.sleep(seconds)
        self._wakes.pop(chat_id, None)  # from here on, not cancelled by a newer wake-up
        try:
            await self.send_chat(chat_id)
        except Exception:  # the next update or tick tries again
            log.warning("owed messages to chat %s not sent this time", chat_id, exc_info=True)

    async def supersede(self, chat_id: int, audio_job: int, text: str,
                        markup: InlineKeyboardMarkup | None, level: Priority) -> bool:
        """The reply owed for ``audio_job`` ("transcribing…"), if it has not gone out yet,
        becomes ``text`` (its caption) with ``level``; True if it did (then it is sent, now or
        when the group's budget allows). False: it is out or on the wire; edit it."""
        async with self._locks.setdefault(chat_id, asyncio.Lock()):
            row = await self.store.owed_for_job(audio_job)
            if row is None or row.attempt is not None or row.kind != "message":
                return False
            payload = {**row.payload, "text": text[:MessageLimit.MAX_TEXT_LENGTH],
                       "priority": int(level)}
            payload.pop("after", None)
            if isinstance(payload.get("reply_parameters"), dict):  # the note may be gone
                payload["reply_parameters"] = {**payload["reply_parameters"],
                                               "allow_sending_without_reply": True}
            payload.pop("reply_markup", None)
            if markup is not None:
                payload["reply_markup"] = markup.to_dict()
            if not await self.store.rewrite(row.id, payload):
                return False
        await self.send_chat(chat_id)
        return True

    # ------------------------------------------------------------------ what goes out
    def _next(self, batch: Sequence[Pending]) -> _Send | None:
        head = batch[0]
        if head.kind != "ack":
            return _Send([head.id], {k: v for k, v in head.payload.items()
                                     if k not in ("priority", "after")}, _priority(head))
        # the run: consecutive acknowledgements of updates that were the same command or
        # button; of it, those of the head's kind go first, as one message (bot/acks.py)
        run = [head]
        for row in batch[1:]:
            if row.kind != "ack" and _priority(row) == Priority.BOARD and row.attempt is None:
                continue  # the live board has no place in the order: a run goes on past it
            if (row.kind != "ack" or row.attempt is not None
                    or row.payload.get("run") != head.payload.get("run")):
                break
            run.append(row)
        run = [row for row in run if (row.payload["kind"], row.payload["language"])
               == (head.payload["kind"], head.payload["language"])]
        acks = [ack_of_json(row.payload, self.bot) for row in run]
        text, first = messages(acks)[0]  # the first message; the rest come next round
        taken = run[:len(_parts(acks)[0])]
        params: JSON = {"chat_id": head.chat_id, "text": text[:MessageLimit.MAX_TEXT_LENGTH]}
        if first.reply_to is not None:
            params["reply_parameters"] = ReplyParameters(
                first.reply_to, allow_sending_without_reply=True).to_dict()
        if first.markup is not None:
            params["reply_markup"] = first.markup.to_dict()
        return _Send([row.id for row in taken], params, Priority.NOTICE)

    async def _send(self, chat_id: int, send: _Send) -> int:
        floor, _known = await self.store.sent_ids(chat_id)
        quoted = (send.params.get("reply_parameters") or {}).get("message_id") or 0
        floor = max(floor, int(quoted), self._seen.get(chat_id, 0))
        attempt = {"text": send.params.get("text"), "floor": floor,
                   "params": _edit_params(send.params) if "text" in send.params else None}
        await self.store.attempting(send.ids, attempt, self.clock())
        while True:
            try:
                token = _SENDING.set(True)
                try:
                    with priority(send.level):
                        message = await _request(self.bot, send.params)
                finally:
                    _SENDING.reset(token)
            except RetryAfter as error:
                await asyncio.sleep(retry_seconds(error))
                continue
            except ChatMigrated as error:  # the group became a supergroup: its new id
                send.params["chat_id"] = error.new_chat_id
                continue
            except (Forbidden, BadRequest) as error:  # will never arrive: blocked, chat gone
                log.warning("message to chat %s given up: %s", chat_id, error)
                await self.store.failed(send.ids, str(error))
                return 0
            except (TelegramError, NetworkError) as error:
                # may or may not have arrived (timed out): recognised at the next round
                raise _Undecided(f"no answer from Telegram ({error})") from error
            except Exception as error:  # a request that cannot be made: never retried
                log.exception("message to chat %s cannot be sent", chat_id)
                await self.store.failed(send.ids, repr(error))
                return 0
            break
        if await self.store.sent(send.ids, message.message_id, self.clock()):
            self.on_board_sent()
        return 1

    # ------------------------------------------------------------------ after a crash
    async def _arrived(self, row: Pending) -> bool:
        """A row put on the wire before a crash: find it among the bot's messages, or make it
        sendable again. True when it was found (and marked sent)."""
        attempt = row.attempt or {}
        group = [p.id for p in await self.store.pending(row.chat_id)
                 if p.attempt == row.attempt]
        _floor, known = await self.store.sent_ids(row.chat_id)
        floor = int(attempt.get("floor") or 0)
        params = dict(attempt.get("params") or {})
        span = PROBE_SPAN if params else 0  # a file cannot be recognised: it is sent again
        for candidate in range(floor + 1, floor + 1 + span):
            if candidate in known:
                continue
            try:
                token = _SENDING.set(True)
                try:
                    with priority(_priority(row)):
                        await self.bot.edit_message_text(
                            params.get("text", ""), chat_id=row.chat_id,
                            message_id=candidate,
                            api_kwargs={k: v for k, v in params.items() if k != "text"})
                finally:
                    _SENDING.reset(token)
            except BadRequest as error:
                if NOT_MODIFIED in str(error).lower():
                    log.info("message %s in chat %s had arrived before the crash: not sent "
                             "again", candidate, row.chat_id)
                    if await self.store.sent(group, candidate, self.clock()):
                        self.on_board_sent()
                    return True
                continue  # not found, not the bot's, not text: not this one
            except Forbidden:
                break  # the bot is out of the chat: nothing to find
            except TelegramError as error:  # flood control, no network: undecided yet
                raise _Undecided(f"could not look for message cut off ({error})") from error
            # The edit went through: a message of the bot's it did not know of. Every message
            # the bot sends is recorded (OutboxHook), so only another send cut off by the same
            # crash can be one; it was rewritten, which the log says.
            log.error("message %s in chat %s, unknown to the outbox, was rewritten while "
                      "looking for a message cut off by a crash", candidate, row.chat_id)
        await self.store.retry(group)
        return False

    async def prune(self) -> int:
        return await self.store.prune(self.clock() - KEEP_SENT)


def _priority(row: Pending) -> Priority:
    """A row's priority (rows written before priorities existed: the floor's)."""
    try:
        return Priority(int(row.payload.get("priority", Priority.FLOOR)))
    except (TypeError, ValueError):
        return Priority.FLOOR


class _Undecided(Exception):
    """Telegram did not answer: whether a message arrived is known only later."""


def _parts(acks: list[Ack]) -> list[list[Ack]]:
    """The acknowledgements of each message ``messages`` makes of ``acks``."""
    texts = messages(acks)
    firsts = [first for _text, first in texts]
    parts: list[list[Ack]] = []
    for ack in acks:
        if any(ack is first for first in firsts):
            parts.append([])
        parts[-1].append(ack)
    return parts


async def _request(bot: Bot, params: JSON) -> Message:
    """Make the request an outbox row holds."""
    method = params.get("method", "sendMessage")
    chat_id = params["chat_id"]
    if method == "sendMessage":
        rest = {k: v for k, v in params.items() if k not in ("chat_id", "text", "method")}
        return await bot.send_message(chat_id, params["text"], api_kwargs=rest)
    field_name = "document" if method == "sendDocument" else "photo"
    kept = params[field_name]
    upload = InputFile(base64.b64decode(kept["file"]), filename=kept["filename"])
    rest = {k: v for k, v in params.items() if k not in ("chat_id", "method", field_name)}
    if method == "sendDocument":
        return await bot.send_document(chat_id, upload, api_kwargs=rest)
    return await bot.send_photo(chat_id, upload, api_kwargs=rest)


def _edit_params(params: JSON) -> JSON:
    """What an editMessageText needs to find the message ``params`` sent, unchanged."""
    keys = ("text", "parse_mode", "entities", "reply_markup", "link_preview_options")
    return {key: params[key] for key in keys if key in params}
