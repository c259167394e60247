"""The group's live board (issue 9, point 11): one message per session, edited in place with
the floor, its timer and the queue (facilitation/board.py says what it shows).

``BoardKeeper`` looks at every open session's board after each commit of this process
(``kick``, wired to the units of work's ``on_change``), every ``poll_s`` anyway (the web may
run in another process, and the timer's warning is due at a time, not at a commit), and at
start. For each board whose text is not what it should say:

- the board is normally the session's opening message (/new's answer, linked in the update's
  transaction: bot/handlers/session.py); a session without one (its board lost, or opened
  before boards existed) gets its first message owed as an outbox row in the same
  transaction as the board's record (``board_owed``), so a crash sends it exactly once. The
  outbox writes the message id to the board once it has gone out (storage/outbox.py) and
  wakes the keeper, which pins it when the group's budget is unused (best effort: the bot
  may not have the right; a pin costs one request, once);
- otherwise, once the group's budget allows the board's priority (bot/limits.py: after the
  answers to the moderator, the captions and the notices), one editMessageText with the
  latest state. However many changes came while it waited, they cost one edit. An edit is
  made again harmlessly after a crash ("message is not modified" counts as done);
- a message gone (deleted, too old to edit) is replaced by a new one;
- a closed session's board says so, is unpinned and is never edited again.

Between two looks the keeper rests ``REST`` times as long as the last reading took (at least
``GAP_S``): a burst of commits is read as a few looks, not one each. Under Telegram's limits a
board is edited at most every ``EDIT_GAP_S``. A board whose request fails is tried again after
a back-off of its own (or Telegram's "retry after"), while the other groups' boards go on; one
that can never be sent or edited (the bot left the group) is given up, and a board left behind
by a group that became a supergroup is sent anew there (services.move_chat). Open sessions
older than ``RECENT`` (abandoned) are not looked at.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError
from telegram.ext import ExtBot

from bot.catalog import t
from bot.common import (
    BotDeps,
    duration,
    fit,
    kind_label,
    session_keyboard,
    wait_or_timeout,
)
from bot.handlers.queue import queue_line, turn_suffix
from bot.health import Backoff
from bot.limits import Priority, priority, retry_seconds
from bot.outbox import NOT_MODIFIED, Outbox, Owed
from facilitation.board import (
    Board,
    board_finished,
    board_given_up,
    board_lost,
    board_owed,
    board_shown,
    boards_due,
)
from facilitation.ports import BoardState

log = logging.getLogger(__name__)

GAP_S = 0.2
REST = 4.0
PIN_RESERVE = 19  # of the group's 20: the pin goes only when its budget is unused
NO_RETRIES = 0  # the limiter's retries after "retry after": none, the board waits its turn
RETRY_S, MAX_RETRY_S = 5.0, 300.0  # a board whose request failed is tried again after this
# under Telegram's limits a board is edited at most this often: in a burst of changes the edit
# that waited says them all, and the budget goes to the messages
EDIT_GAP_S = 10.0
RECENT = timedelta(days=2)  # open sessions older than this (abandoned) keep their board as is
GONE = ("message to edit not found", "message can't be edited", "message_id_invalid")


def board_text(board: Board, timezone: str) -> str:
    """What the board says (plain text: names are never markup)."""
    language, screen = board.language, board.screen
    if screen is None:
        return t(language, "board_closed", topic=board.topic)
    head = board.state.head if board.state is not None else None
    lines = ([head, "", t(language, "board_live")] if head is not None
             else [t(language, "board_title", topic=board.topic)])
    speaker = screen.speaker
    if speaker is None:
        lines.append(t(language, "board_no_floor"))
    else:
        lines.append(t(language, "board_floor", name=speaker.name,
                       kind=kind_label(language, speaker.kind),
                       turn=turn_suffix(language, speaker.turn_kind, speaker.addressee)))
        until = speaker.deadline.astimezone(ZoneInfo(timezone)).strftime("%H:%M:%S")
        if board.timed_out:
            lines.append(t(language, "board_timeup", until=until))
        elif board.warned and speaker.warning_at is not None:
            seconds = round((speaker.deadline - speaker.warning_at).total_seconds())
            lines.append(t(language, "board_warning", seconds=seconds, until=until))
        else:
            lines.append(t(language, "board_limit", minutes=duration(language, speaker.limit_s),
                           until=until))
    lines += ["", t(language, "queue_title", count=screen.waiting)]
    lines.extend(queue_line(language, w.position, w.name, w.kind, w.turn_kind, w.addressee)
                 for w in screen.queue)
    if not screen.queue:
        lines.append(t(language, "queue_empty_line"))
    elif screen.waiting > len(screen.queue):
        lines.append(t(language, "queue_more", more=screen.waiting - len(screen.queue)))
    lines += ["", t(language, "board_present", count=screen.signed_in, code=board.code)]
    return fit("\n".join(lines))  # a long topic: cut, never refused as too long


def board_markup(board: Board) -> InlineKeyboardMarkup | None:
    return None if board.closed else session_keyboard(board.language)


class BoardKeeper:
    """Keeps every open session's board up to date (see the module's docstring)."""

    def __init__(self, deps: BotDeps, bot: ExtBot[Any], outbox: Outbox,
                 poll_s: float = 5.0) -> None:
        self._deps, self._bot, self._outbox = deps, bot, outbox
        self._poll_s = poll_s
        self._wake = asyncio.Event()
        self.edits = 0  # requests made (sends are the outbox's), for the benches and tests
        self._unpinnable: set[int] = set()  # sessions whose board the bot may not pin
        self._not_before: dict[int, float] = {}  # session -> loop time: it failed just now
        self._failures: dict[int, int] = {}  # session -> failures in a row
        self._edited_at: dict[int, float] = {}  # session -> loop time of its last edit
        self.read_s = 0.0  # how long the last look's reading took
        # set while the keeper waits with nothing it can do now (every board as it should
        # be, or waiting for the group's budget) and no kick pending: for tests and benches
        self.idle = asyncio.Event()

    def kick(self) -> None:
        """Something was committed: a board may say something else now."""
        self._wake.set()
        self.idle.clear()  # at once: whoever waits for the keeper waits for this look too

    def _now(self) -> datetime:
        return self._deps.clock()

    async def tick(self) -> float:
        """Every board that needs it sent or edited, as far as the budgets allow now; the
        seconds until the next look. One board's trouble never holds up the others'."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        # a reading unit of work: no write lock (SQLite), nothing waits for it
        due = await boards_due(self._deps.uow.reading(), now=self._now(),
                               since=self._now() - RECENT)
        self.read_s = loop.time() - started
        wait = self._poll_s
        for board in due:
            not_before = self._not_before.get(board.session_id, 0.0) - loop.time()
            if not_before > 0:  # it failed a moment ago: not hammered
                wait = min(wait, not_before)
                continue
            try:
                wait = min(wait, await self._keep(board))
                self._failures.pop(board.session_id, None)
            except RetryAfter as error:  # this group's turn comes later; the others' now
                self._later(board, retry_seconds(error))
            except TelegramError as error:
                log.warning("board of session %s not kept this time: %s", board.session_id,
                            error)
                self._later(board)
        return wait

    def _later(self, board: Board, seconds: float | None = None) -> None:
        """Try this board again after ``seconds`` (a back-off of its own if not given)."""
        failures = self._failures[board.session_id] = self._failures.get(board.session_id,
                                                                         0) + 1
        wait = seconds if seconds is not None else min(RETRY_S * 2 ** (failures - 1),
                                                        MAX_RETRY_S)
        self._not_before[board.session_id] = asyncio.get_running_loop().time() + wait

    async def _keep(self, board: Board) -> float:
        """Bring one board up to date; how soon to look at it again."""
        text = board_text(board, self._deps.timezone)
        state = board.state
        if state is None:
            if not board.closed:
                await self._owe(board, text)
            return self._poll_s
        if state.message_id is None:
            if await self._outbox.store.owed_for_board(board.session_id):
                return self._poll_s  # its first message is still owed: the outbox sends it
            # nothing owed: it could never be sent (the outbox gave it up: the bot left the
            # group…), or it was sent since this look read the board
            if not await board_given_up(self._deps.uow(), state):
                return 0.0  # sent meanwhile: the next look keeps it
            log.info("board of session %s could not be sent: none is kept", board.session_id)
            return self._poll_s
        pin = not state.pinned and not board.closed and state.session_id not in self._unpinnable
        unpin = board.closed and state.pinned
        if state.text == text and not pin and not unpin:
            if board.closed:
                await board_finished(self._deps.uow(), state)
            return self._poll_s
        # what it says first; a pin waits for a quiet group: worth having, not a slot that
        # a message will soon need
        pin = pin and state.text == text
        wait = self._outbox.delay(board.chat_id, Priority.BOARD,
                                  reserve=PIN_RESERVE if pin else None)
        if wait > 0:  # its turn comes when the group's budget refills: read again then
            return wait
        if state.text != text:  # one request per look: the budget is asked again before the next
            since = asyncio.get_running_loop().time() - self._edited_at.get(board.session_id,
                                                                            -EDIT_GAP_S)
            if self._outbox.limited and since < EDIT_GAP_S:  # a burst: one edit says it all
                return EDIT_GAP_S - since
            await self._edit(board, state, text)
            self._edited_at[board.session_id] = asyncio.get_running_loop().time()
        elif pin:
            await self._pin(state)
        else:
            await self._unpin(state)
        return 0.0

    async def _owe(self, board: Board, text: str) -> None:
        markup = board_markup(board)
        payload = {"method": "sendMessage", "chat_id": board.chat_id, "text": text,
                   "priority": int(Priority.BOARD)}
        if markup is not None:
            payload["reply_markup"] = markup.to_dict()
        async with self._outbox.scope(level=Priority.BOARD) as scope:
            if not await board_owed(self._deps.uow(), board, text):
                return
            scope.owed.append(Owed(board.chat_id, "message", payload,
                                   board_session_id=board.session_id))
            await scope.commit()
        await self._outbox.send_chat(board.chat_id)

    async def _pin(self, state: BoardState) -> None:
        assert state.message_id is not None
        try:
            with priority(Priority.BOARD):
                await self._bot.pin_chat_message(state.chat_id, state.message_id,
                                                 disable_notification=True,
                                                 rate_limit_args=NO_RETRIES)
            self.edits += 1
        except (BadRequest, Forbidden) as error:  # no right to pin: the board works anyway
            log.info("board of session %s not pinned: %s", state.session_id, error)
            self._unpinnable.add(state.session_id)  # not tried again by this process
            return
        await board_shown(self._deps.uow(), state, pinned=True)

    async def _edit(self, board: Board, state: BoardState, text: str) -> None:
        assert state.message_id is not None
        try:
            with priority(Priority.BOARD):
                await self._bot.edit_message_text(text, chat_id=state.chat_id,
                                                  message_id=state.message_id,
                                                  reply_markup=board_markup(board),
                                                  rate_limit_args=NO_RETRIES)
            self.edits += 1
        except ChatMigrated as error:  # a supergroup now: the board there is a new one
            log.info("board of session %s: the group moved (%s)", state.session_id, error)
            await board_lost(self._deps.uow(), state)
            return
        except BadRequest as error:
            reason = str(error).lower()
            if NOT_MODIFIED not in reason:
                if any(gone in reason for gone in GONE):
                    log.info("board of session %s is gone (%s)", state.session_id, error)
                    await (board_finished(self._deps.uow(), state) if board.closed
                           else board_lost(self._deps.uow(), state))  # a new one, once
                    return
                raise  # unexpected: this board is tried again later, the others go on
        except Forbidden as error:  # the bot left the group: nothing to keep there
            log.warning("board of session %s not edited: %s", state.session_id, error)
            await board_finished(self._deps.uow(), state)
            return
        await board_shown(self._deps.uow(), state, text=text)

    async def _unpin(self, state: BoardState) -> None:
        assert state.message_id is not None
        try:
            with priority(Priority.BOARD):
                await self._bot.unpin_chat_message(state.chat_id, state.message_id,
                                                   rate_limit_args=NO_RETRIES)
            self.edits += 1
        except (BadRequest, Forbidden) as error:  # unpinned already, or no right: done
            log.info("board of session %s not unpinned: %s", state.session_id, error)
        await board_shown(self._deps.uow(), state, pinned=False)

    async def run(self) -> None:
        """Forever: look, rest, wait for a kick or the next time something is due."""
        loop = asyncio.get_running_loop()
        backoff = Backoff()
        health = self._deps.health
        while True:
            self.idle.clear()
            self._wake.clear()
            started = loop.time()
            try:
                wait = await self.tick()
                backoff.reset()  # (the database's return is the poller's to report: the
                # keeper mostly reads, which SQLite allows while another process writes)
            except Exception as error:  # keep going: a board late is better than none
                if health.unavailable(error):
                    health.database_down(error, "board")
                    wait = backoff.next()
                else:
                    log.exception("keeping the boards failed")
                    wait = self._poll_s
            # a pace, not a synchronisation: a burst of commits is read as a few looks (the
            # reading's time counts, not Telegram's)
            await asyncio.sleep(max(GAP_S, REST * self.read_s))
            wait = max(wait - (loop.time() - started), 0.0)
            if wait > 0 and not self._wake.is_set():
                self.idle.set()
            await wait_or_timeout(self._wake, wait)
