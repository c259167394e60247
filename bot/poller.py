"""Long polling that loses nothing: every update is stored before Telegram is told it arrived.

getUpdates confirms a batch only when the next call passes a higher offset, and we make that
call only after the batch is in the inbox table. Each stored update is then handled once: the
handler's unit of work marks it processed in the same transaction as its change, and the
poller marks the others (those that changed nothing) after the handler returns, so a crash at
any point either re-runs an update whose change was not committed or skips one whose change
was. Acknowledgements gathered while a batch is handled are sent after it (bot/acks.py).

A database outage (bot/health.py) stops nothing: a batch that could not be stored is not
confirmed, so getUpdates hands it out again; an update whose handler met the outage before
committing is handled again; one handled whose mark could not be written is only marked.

In webhook mode (YISHITANG_WEBHOOK_URL) there is no getUpdates: the web app's webhook
(portal/webhook.py) hands each update Telegram posts to ``receive``, which stores it before
Telegram is answered and wakes the same handling loop; an update not stored is not answered
200, so Telegram posts it again.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

from telegram import Update
from telegram.error import NetworkError, RetryAfter, TimedOut
from telegram.request import HTTPXRequest

from bot.common import App, deps_of, wait_or_timeout
from bot.health import Backoff
from bot.limits import Priority, retry_seconds
from facilitation.ports import Clock

log = logging.getLogger(__name__)
ALLOWED_UPDATES = Update.ALL_TYPES  # asked for by getUpdates and by setWebhook alike
KEEP_HANDLED = timedelta(days=2)
PRUNE_EVERY = timedelta(hours=1)


class InboxPort(Protocol):
    async def store(self, updates: Sequence[tuple[int, str]], now: datetime) -> int: ...
    async def pending(self, limit: int = 100) -> list[tuple[int, str]]: ...
    async def mark_processed(self, update_id: int, now: datetime) -> None: ...
    async def prune(self, older_than: datetime) -> int: ...


def answer_or_floor(update: Update) -> Priority:
    """What an update owes goes first when it answers a command or a button press."""
    message = update.effective_message
    if update.callback_query is not None or (
            message is not None and (message.text or "").startswith("/")):
        return Priority.ANSWER
    return Priority.FLOOR


RAW_UPDATES = "raw_updates_request"  # its key in bot_data


class RawUpdatesRequest(HTTPXRequest):
    """The getUpdates connection (PTB's own, one connection), which also keeps each update's
    JSON as Telegram sent it: what the inbox stores, without turning PTB's objects back into
    JSON (that cost about as much as parsing them)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("connection_pool_size", 1)
        super().__init__(*args, **kwargs)
        self._payloads: dict[int, str] = {}

    def parse_json_payload(self, payload: bytes) -> dict[str, Any]:  # type: ignore[override]
        """PTB's parse (it asks the request object), keeping the updates' JSON on the way: this
        request object serves getUpdates only."""
        parsed: dict[str, Any] = super().parse_json_payload(payload)
        result = parsed.get("result") if isinstance(parsed, dict) else None
        if isinstance(result, list):
            self._payloads = {raw["update_id"]: json.dumps(raw, ensure_ascii=False)
                              for raw in result
                              if isinstance(raw, dict) and isinstance(raw.get("update_id"), int)}
        return parsed

    def take(self) -> dict[int, str]:
        """The JSON of the updates the last getUpdates brought, by update_id (once)."""
        payloads, self._payloads = self._payloads, {}
        return payloads


class DurablePoller:
    def __init__(self, app: App, inbox: InboxPort, clock: Clock, poll_timeout: int = 25,
                 on_poll: Callable[[], None] | None = None, *, webhook: bool = False) -> None:
        self._app, self._inbox, self._clock = app, inbox, clock
        # the heartbeat: after each getUpdates that succeeded; with a webhook, each time the
        # loop wakes (an update, or poll_timeout idle seconds)
        self._on_poll = on_poll
        self._webhook = webhook  # updates come to receive(), not from getUpdates
        self._arrived = asyncio.Event()
        self._deps = deps_of(app)
        self._health = self._deps.health
        self._poll_timeout = poll_timeout
        self.stored = 0
        self.handled = 0
        self._progress = asyncio.Condition()
        self._pruned_at: datetime | None = None
        self._fetched: dict[int, Update] = {}  # stored by the last fetch: no need to re-parse
        raw = app.bot_data.get(RAW_UPDATES)
        self._raw = raw if isinstance(raw, RawUpdatesRequest) else None
        self._unmarked: set[int] = set()  # handled, but the mark did not reach the database

    async def drain(self) -> int:
        """Handle every stored update not handled yet, in arrival order. A database outage
        is raised at the update it reached; the next drain goes on from there."""
        count = 0
        while batch := await self._inbox.pending(limit=100):
            handled = 0
            try:
                for update_id, payload in batch:
                    await self._handle(update_id, payload)
                    handled += 1
                await self._send_owed()  # before they count as handled (Stage.settled)
            finally:
                count += handled
                await self._advance(handled=handled)
        if not count:
            await self._send_owed()  # what an earlier run owed (cut off by a crash)
        self._fetched.clear()
        return count

    async def _send_owed(self) -> None:
        """What the handled updates owe, each chat in order (bot/outbox.py)."""
        if self._deps.outbox is not None:
            await self._deps.outbox.send_pending()

    async def _handle(self, update_id: int, payload: str) -> None:
        outbox = self._deps.outbox
        if outbox is not None:
            update = self._fetched.pop(update_id, None)
            if update is None:
                update = Update.de_json(json.loads(payload), self._app.bot)
            message = update.effective_message
            if message is not None and message.message_id:
                outbox.seen(message.chat.id, message.message_id)
            # the update's change, the messages it owes and its mark: one transaction
            async with outbox.scope(update_id, answer_or_floor(update)) as scope:
                try:
                    await self._app.process_update(update)
                    interrupted = self._deps.interrupted.pop(update_id, None)
                    if interrupted is not None:
                        raise interrupted
                    await scope.commit()
                except Exception as error:
                    if not scope.checkpointed:
                        raise  # nothing of it is stored: handled again after the outage
                    # it wrote to a private chat, which committed (and marked) what came
                    # before; what came after is not done again
                    log.warning("update %s: its change is stored; what came after it "
                                "failed and is not done again (%s)", update_id, error)
                    self._deps.uow.committed(update_id)
                    return
            self._deps.uow.committed(update_id)  # forget it: the scope marked it
            await scope.answer()  # button answers, edits and wake-ups, now that it is stored
            return
        if update_id not in self._unmarked:
            update = self._fetched.pop(update_id, None) or Update.de_json(
                json.loads(payload), self._app.bot)
            await self._app.process_update(update)
            interrupted = self._deps.interrupted.pop(update_id, None)
            if self._deps.uow.committed(update_id):  # its unit of work marked it
                if interrupted is not None:
                    log.warning("update %s: its change is stored; what came after it met the "
                                "database outage and is not done again", update_id)
                return
            if interrupted is not None:
                raise interrupted  # nothing of it is stored: handled again after the outage
            self._unmarked.add(update_id)
        await self._inbox.mark_processed(update_id, self._clock())
        self._unmarked.discard(update_id)

    async def _advance(self, *, stored: int = 0, handled: int = 0) -> None:
        async with self._progress:
            self.stored += stored
            self.handled += handled
            self._progress.notify_all()

    async def wait_handled(self) -> None:
        """Until every update this poller stored has been handled (for tests and demos)."""
        async with self._progress:
            await self._progress.wait_for(lambda: self.handled >= self.stored)

    async def fetch(self, offset: int | None) -> int | None:
        """One getUpdates round: store the batch, return the offset that confirms it."""
        updates = await self._app.bot.get_updates(
            offset=offset, timeout=self._poll_timeout, allowed_updates=ALLOWED_UPDATES)
        self._health.polled()
        if not updates:
            return offset
        payloads = self._raw.take() if self._raw is not None else {}
        fresh = await self._inbox.store(
            [(u.update_id, payloads.get(u.update_id)
              or json.dumps(u.to_dict(), ensure_ascii=False)) for u in updates],
            self._clock())
        self._fetched.update((u.update_id, u) for u in updates)
        await self._advance(stored=fresh)
        return updates[-1].update_id + 1

    async def receive(self, update_id: int, payload: str) -> bool:
        """Webhook mode: store an update Telegram posted and wake the handling. True once it
        is stored (or was already: handled once all the same); False during a database
        outage, when the webhook must not answer 200."""
        try:
            fresh = await self._inbox.store([(update_id, payload)], self._clock())
        except Exception as error:
            if not self._health.unavailable(error):
                raise
            self._health.database_down(error, "webhook")
            return False
        if fresh:
            await self._advance(stored=fresh)
            self._arrived.set()
        return True

    async def _next_updates(self, offset: int | None) -> int | None:
        """A getUpdates round; with a webhook, until receive() stored something (or a while,
        for the heartbeat), the wake-up cleared before the drain that follows, so that what
        arrives during that drain wakes the next one."""
        if not self._webhook:
            return await self.fetch(offset)
        await wait_or_timeout(self._arrived, max(self._poll_timeout, 1))
        self._arrived.clear()
        return offset

    async def prune(self) -> None:
        """Forget handled updates after a while: they hold people's messages."""
        now = self._clock()
        if self._pruned_at is None or now - self._pruned_at > PRUNE_EVERY:
            removed = await self._inbox.prune(now - KEEP_HANDLED)
            if self._deps.outbox is not None:
                removed += await self._deps.outbox.prune()
            self._pruned_at = now
            if removed:
                log.info("pruned %d handled updates from the inbox", removed)

    async def run(self, stop: asyncio.Event) -> None:
        """Until ``stop``: the stored updates first, then getUpdates (or the webhook's), store,
        handle. Telegram's errors and database outages are waited out with backoff; anything
        else is raised."""
        offset: int | None = None
        drained = False  # every stored update is handled before the next getUpdates
        telegram, database = Backoff(1.0), Backoff()
        while not stop.is_set():
            try:
                if drained:
                    await self.prune()
                    offset = await self._next_updates(offset)
                    telegram.reset()
                    if self._on_poll is not None:
                        self._on_poll()
                    drained = False
                await self.drain()
                drained = True
                database.reset()
                self._health.database_up()
            except RetryAfter as exc:
                await self._pause(stop, retry_seconds(exc))
            except (TimedOut, NetworkError) as exc:
                wait = telegram.next()
                log.warning("getUpdates failed (%s); retrying in %.0f s", exc, wait)
                await self._pause(stop, wait)
            except Exception as error:
                if not self._health.unavailable(error):
                    raise
                self._health.database_down(error, "poller")
                await self._pause(stop, database.next())

    @staticmethod
    async def _pause(stop: asyncio.Event, seconds: float) -> None:
        await wait_or_timeout(stop, seconds)
