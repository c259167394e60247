"""The group's live board (issue 9, point 11): one message per session that the bot edits in
place with the floor, its timer and the queue, instead of a new message for each change.

Under Telegram's limits (about 20 sends or edits a minute per group) the board comes after the
answers to the moderator and before captions and notices (bot/limits.py), and however many
changes happen while it waits for the group's budget, it costs one edit: the bot reads the
board when its turn comes and edits it to the latest state (bot/board.py). So it must never
say something that changes by itself: the timer is shown as the time it ends and, once the
30-second warning is due, as that warning; no ticking countdown.

What the board shows is what the group already reads (names as people signed in, kinds,
units of departments): the same rule as the room's screen (facilitation/screen.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from facilitation.model import SessionStatus
from facilitation.ports import BoardState, UnitOfWork
from facilitation.screen import Screen, screen_in
from facilitation.session import Session

SHOWN = 8  # places in the queue the board lists; the rest are counted


@dataclass(frozen=True)
class Board:
    """What the board of one session says: the room's screen (facilitation/screen.py, the
    one rule of what the room is shown) without its captions, and the time it was read."""

    session_id: int
    chat_id: int
    language: str
    topic: str
    code: str
    screen: Screen | None  # None: the session is closed
    now: datetime
    state: BoardState | None  # the message that shows it (None: none yet)

    @property
    def closed(self) -> bool:
        return self.screen is None

    @property
    def warned(self) -> bool:
        """The floor's last seconds: its warning is due (or given)."""
        speaker = self.screen.speaker if self.screen is not None else None
        return speaker is not None and (speaker.warned or (
            speaker.warning_at is not None and self.now >= speaker.warning_at))

    @property
    def timed_out(self) -> bool:
        speaker = self.screen.speaker if self.screen is not None else None
        return speaker is not None and (speaker.timed_out or self.now >= speaker.deadline)


async def _read(uow: UnitOfWork, session: Session, state: BoardState | None,
                now: datetime) -> Board:
    assert session.id is not None
    screen = (None if session.status == SessionStatus.CLOSED else
              await screen_in(uow, session, queue_shown=SHOWN, captions=False))
    return Board(session.id, session.chat_id, session.language, session.topic, session.code,
                 screen, now, state)


async def boards_due(uow: UnitOfWork, *, now: datetime,
                     since: datetime | None = None) -> list[Board]:
    """Every board that may need sending or editing: those of open sessions in groups
    (opened ``since``, if given: an abandoned session's board stays as it is), and of closed
    sessions whose board does not say so yet."""
    async with uow:
        return [await _read(uow, session, state, now)
                for session, state in await uow.boards.due(since)]


async def board_of(uow: UnitOfWork, session_id: int, *, now: datetime) -> Board | None:
    """The board of one session as it stands now (None: no such session)."""
    async with uow:
        session = await uow.sessions.get(session_id)
        if session is None:
            return None
        return await _read(uow, session, await uow.boards.get(session_id), now)


async def board_opened(uow: UnitOfWork, session: Session, text: str) -> None:
    """The session's opening message (/new's answer, owed in the same transaction) is its
    board: ``text`` stays at its head, what the board shows live is added below it."""
    assert session.id is not None
    async with uow:
        await uow.boards.add(BoardState(session.id, session.chat_id, None, text, head=text))
        await uow.commit()


async def board_owed(uow: UnitOfWork, board: Board, text: str) -> bool:
    """The board's first message is owed (written with the outbox row that sends it, in the
    same transaction): False if another process owes or sent one already."""
    async with uow:
        if not await uow.boards.add(BoardState(board.session_id, board.chat_id, None, text)):
            return False
        await uow.commit()
        return True


async def board_shown(uow: UnitOfWork, state: BoardState, *, text: str | None = None,
                      pinned: bool | None = None) -> None:
    """The board's message now says ``text`` (and is pinned, or not)."""
    async with uow:
        current = await uow.boards.get(state.session_id)
        if current is None or current.message_id != state.message_id:
            return  # replaced meanwhile: the newer board is what counts
        if text is not None and current.text != state.text:
            return  # another keeper edited it meanwhile: the next look compares again
        await uow.boards.put(BoardState(
            current.session_id, current.chat_id, current.message_id,
            current.text if text is None else text,
            current.pinned if pinned is None else pinned, current.head))
        await uow.commit()


async def board_lost(uow: UnitOfWork, state: BoardState) -> None:
    """The board's message is gone (deleted, too old to edit): a new one is owed next."""
    async with uow:
        current = await uow.boards.get(state.session_id)
        if current is not None and current.message_id == state.message_id:
            await uow.boards.remove(state.session_id)
            await uow.commit()


async def board_given_up(uow: UnitOfWork, state: BoardState) -> bool:
    """The board's first message will never be sent (the outbox gave it up, the bot left the
    group…): finished, unless it was sent meanwhile. Read again here: the look that found it
    unsent may be older than the send (the outbox marks the row sent and the board's message
    in one transaction). True when given up."""
    async with uow:
        current = await uow.boards.get(state.session_id)
        if current is None or current.message_id is not None:
            return False
        await uow.boards.finish(state.session_id)
        await uow.commit()
        return True


async def board_finished(uow: UnitOfWork, state: BoardState) -> None:
    """The closed session's board says so: never edited again, its names dropped."""
    async with uow:
        await uow.boards.finish(state.session_id)
        await uow.commit()
