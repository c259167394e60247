"""The unit of work: one connection, one transaction, the repositories bound to it.

Repositories run Core statements, so the unit of work holds an AsyncConnection rather than an
ORM AsyncSession: nothing needs an identity map or a flush, and each statement skips the ORM
session's layer.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self

from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    AsyncTransaction,
    async_sessionmaker,
)

from facilitation.ports import (
    AttendanceRepository,
    AudioJobRepository,
    AuditRepository,
    BoardRepository,
    Clock,
    ContributionRepository,
    FiguresRepository,
    HallRepository,
    HandRepository,
    MinutesRepository,
    PersonalDataRepository,
    PersonRepository,
    ReminderRepository,
    RoleRepository,
    SearchRepository,
    SessionRepository,
    ShowcaseRepository,
    TrackedItemRepository,
    TrackingUnitOfWork,
    TrackingUnitOfWorkFactory,
    TurnRepository,
    UnitRepository,
    WebRoomRepository,
)
from storage.audit_repository import SqlAlchemyAuditRepository
from storage.board_repository import SqlAlchemyBoardRepository
from storage.change_feed import announce
from storage.engine import READ_ONLY
from storage.figures_repository import SqlAlchemyFiguresRepository
from storage.inbox import mark_processed_in
from storage.minutes_repository import SqlAlchemyMinutesRepository
from storage.personal_repository import SqlAlchemyPersonalDataRepository
from storage.repositories import (
    SqlAlchemyAttendanceRepository,
    SqlAlchemyHandRepository,
    SqlAlchemyPersonRepository,
    SqlAlchemySessionRepository,
)
from storage.roles_repository import SqlAlchemyRoleRepository
from storage.search import SqlAlchemySearchRepository
from storage.shared import SharedTransaction, joined
from storage.showcase_repository import SqlAlchemyShowcaseRepository
from storage.sqlite_gate import enter, gate_of
from storage.tracking_repository import (
    SqlAlchemyReminderRepository,
    SqlAlchemyTrackedItemRepository,
)
from storage.turn_repositories import (
    SqlAlchemyAudioJobRepository,
    SqlAlchemyContributionRepository,
    SqlAlchemyHallRepository,
    SqlAlchemyTurnRepository,
)
from storage.unit_repository import SqlAlchemyUnitRepository
from storage.web_repository import SqlAlchemyWebRoomRepository
from storage.writers import enter as enter_slots
from storage.writers import writers_of


def utc_now() -> datetime:
    return datetime.now(UTC)


_CLOSING: set[asyncio.Future[Any]] = set()
# Connections that cancelled units of work were opening: made on, then closed (close_soon).
_OPENING: set[asyncio.Future[Any]] = set()


def close_soon(connection: AsyncConnection) -> None:
    """Close (give back to the pool) a connection that a unit of work cancelled while opening
    made, in a task of its own: awaited in the cancelled task it would be cancelled in turn,
    and left to the garbage collector it is lost to the pool (aiosqlite warns of it)."""
    task = asyncio.get_running_loop().create_task(connection.close())
    _CLOSING.add(task)
    task.add_done_callback(_CLOSING.discard)


async def closing_done() -> None:
    """Until the connections cancelled units of work were opening are made and closed again:
    before an engine is disposed (yishitang/bootstrap.py), or a shutdown that cancelled its
    tasks while they opened one would leave it to the garbage collector."""
    loop = asyncio.get_running_loop()
    while waiting := [f for f in [*_OPENING, *_CLOSING] if f.get_loop() is loop]:
        # (an opening's own callback, close_soon, runs before gather's: registered first)
        await asyncio.gather(*waiting, return_exceptions=True)


def _close_when_made(opening: asyncio.Future[AsyncConnection]) -> None:
    _OPENING.discard(opening)
    if not opening.cancelled() and opening.exception() is None:
        close_soon(opening.result())


async def connected(engine: AsyncEngine) -> AsyncConnection:
    """A new connection of ``engine``. A caller cancelled while it is being made does not
    leave it behind: it is closed once made (making it runs on, shielded)."""
    opening = asyncio.ensure_future(engine.connect().start())
    try:
        return await asyncio.shield(opening)
    except asyncio.CancelledError:
        _OPENING.add(opening)
        opening.add_done_callback(_close_when_made)
        raise


def make_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions whose objects stay usable after commit (rows are never lazy-loaded)."""
    return async_sessionmaker(engine, expire_on_commit=False)


class SqlAlchemyUnitOfWork:
    """``async with uow:`` opens a connection; leaving without ``commit()`` rolls it all back.

    With an ``idempotency_key`` (a Telegram update_id), ``commit()`` also marks that update
    processed in the inbox, in the same transaction as the changes it caused.
    It is a TrackingUnitOfWork: it also holds the units, tracked items, reminders and the
    figures' read side.
    """

    people: PersonRepository
    sessions: SessionRepository
    attendance: AttendanceRepository
    hands: HandRepository
    turns: TurnRepository
    contributions: ContributionRepository
    audio_jobs: AudioJobRepository
    halls: HallRepository
    minutes: MinutesRepository
    search: SearchRepository
    audit: AuditRepository
    personal: PersonalDataRepository
    units: UnitRepository
    tracked: TrackedItemRepository
    reminders: ReminderRepository
    figures: FiguresRepository
    web: WebRoomRepository
    roles: RoleRepository
    boards: BoardRepository
    showcase: ShowcaseRepository

    def __init__(
        self,
        engine: AsyncEngine,
        idempotency_key: int | None = None,
        *,
        clock: Clock = utc_now,
        on_commit: Callable[[int], None] = lambda _key: None,
        on_change: Callable[[], None] = lambda: None,
        read_only: bool = False,
    ) -> None:
        self._engine = engine
        self.idempotency_key = idempotency_key
        self._read_only = read_only
        self._clock = clock
        self._on_commit = on_commit
        self._on_change = on_change
        self._session: AsyncConnection | None = None
        self._savepoint: AsyncTransaction | None = None
        self._shared: SharedTransaction | None = None
        # held while open alone: SQLite's gate, or a writer's slot on PostgreSQL
        self._gate: asyncio.Lock | asyncio.Semaphore | None = None

    async def __aenter__(self) -> Self:
        if self._session is not None:
            raise RuntimeError("this unit of work is already in use")
        shared = joined(self._engine)
        if shared is not None:  # one savepoint of the update's transaction (storage/shared.py)
            session = self._session = shared.connection
            self._savepoint = await session.begin_nested()
            self._shared = shared
            shared.open_units += 1
        else:
            # a reader neither writes nor waits for the writers: on SQLite its transaction
            # is a plain (deferred) BEGIN, which WAL lets read beside the one writer
            gate = None if self._read_only else gate_of(self._engine)
            if gate is not None:
                await enter(gate)
                self._gate = gate
            slots = None if self._read_only else writers_of(self._engine)
            if slots is not None:
                await enter_slots(slots)
                self._gate = slots
            try:
                session = self._session = await connected(self._engine)
                if self._read_only:
                    await session.execution_options(**READ_ONLY)
            except BaseException:
                opened, self._session = self._session, None
                if opened is not None:  # cancelled (a page's stream closed) or failed
                    close_soon(opened)
                self._release()
                raise
        self.people = SqlAlchemyPersonRepository(session)
        self.sessions = SqlAlchemySessionRepository(session)
        self.attendance = SqlAlchemyAttendanceRepository(session)
        self.hands = SqlAlchemyHandRepository(session)
        self.turns = SqlAlchemyTurnRepository(session)
        self.contributions = SqlAlchemyContributionRepository(session)
        self.audio_jobs = SqlAlchemyAudioJobRepository(session)
        self.halls = SqlAlchemyHallRepository(session)
        self.minutes = SqlAlchemyMinutesRepository(session)
        self.search = SqlAlchemySearchRepository(session)
        audit = SqlAlchemyAuditRepository(session, self._clock)
        self.audit = audit
        self.personal = SqlAlchemyPersonalDataRepository(session, audit, self.idempotency_key)
        self.units = SqlAlchemyUnitRepository(session)
        self.tracked = SqlAlchemyTrackedItemRepository(session)
        self.reminders = SqlAlchemyReminderRepository(session)
        self.figures = SqlAlchemyFiguresRepository(session)
        self.web = SqlAlchemyWebRoomRepository(session)
        self.roles = SqlAlchemyRoleRepository(session)
        self.boards = SqlAlchemyBoardRepository(session)
        self.showcase = SqlAlchemyShowcaseRepository(session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session, self._session = self._session, None
        if session is None:
            return
        savepoint, shared = self._savepoint, self._shared
        self._savepoint, self._shared = None, None
        if shared is not None:
            shared.open_units -= 1
        if savepoint is not None:
            if savepoint.is_active:  # left without commit: undo this unit of work only
                await savepoint.rollback()
            return
        try:
            await session.rollback()  # a no-op after commit: nothing is left to undo
        finally:
            try:
                await session.close()
            finally:
                self._release()

    def _release(self) -> None:
        gate, self._gate = self._gate, None
        if gate is not None:
            gate.release()

    @property
    def session(self) -> AsyncConnection:
        """The open connection (for storage code only, e.g. search queries)."""
        if self._session is None:
            raise RuntimeError("the unit of work is not open: use `async with uow:`")
        return self._session

    async def commit(self) -> None:
        if self._read_only:
            raise RuntimeError("a reading unit of work cannot commit")
        session = self.session
        key = self.idempotency_key
        if key is not None and (self._shared is None or self._shared.marks != key):
            await mark_processed_in(session, key, self._clock())
        if self._savepoint is not None and self._shared is not None:
            await self._savepoint.commit()  # durable when the shared transaction commits
            if key is not None:
                on_commit = self._on_commit
                self._shared.after_commit(lambda: on_commit(key))
            self._shared.changed = True  # its commit NOTIFYs other processes, once
            self._shared.after_commit(self._on_change)
            return
        await announce(session)  # other processes' pages (PostgreSQL), in this transaction
        await session.commit()
        if key is not None:
            self._on_commit(key)
        self._on_change()

    async def rollback(self) -> None:
        if self._savepoint is not None:
            if self._savepoint.is_active:
                await self._savepoint.rollback()
            self._savepoint = await self.session.begin_nested()
            return
        await self.session.rollback()


class SqlAlchemyUnitOfWorkFactory:
    """Fresh units of work on one engine: ``factory(idempotency_key=None)``.

    It remembers, in memory, the keys its units of work committed, so that the poller need
    not mark those updates processed a second time (a restart forgets them: the poller then
    marks them again, which changes nothing).
    """

    def __init__(self, engine: AsyncEngine, *, clock: Clock = utc_now,
                 on_change: Callable[[], None] = lambda: None) -> None:
        self._engine = engine
        self._clock = clock
        self._committed: set[int] = set()
        self._on_change = on_change

    def __call__(self, idempotency_key: int | None = None) -> TrackingUnitOfWork:
        return SqlAlchemyUnitOfWork(self._engine, idempotency_key, clock=self._clock,
                                    on_commit=self._committed.add, on_change=self._on_change)

    def reading(self) -> TrackingUnitOfWork:
        return SqlAlchemyUnitOfWork(self._engine, clock=self._clock, read_only=True)

    def committed(self, idempotency_key: int) -> bool:
        if idempotency_key in self._committed:
            self._committed.discard(idempotency_key)
            return True
        return False


def make_uow_factory(engine: AsyncEngine, *, clock: Clock = utc_now,
                     on_change: Callable[[], None] = lambda: None) -> TrackingUnitOfWorkFactory:
    """A factory of fresh units of work on ``engine``: ``factory(idempotency_key=None)``.
    ``on_change`` is called once each commit is durable (the web's screens: portal/notifier)."""
    return SqlAlchemyUnitOfWorkFactory(engine, clock=clock, on_change=on_change)
