"""What the use cases need from the outside world, as Protocols.

storage/ implements them with SQLAlchemy; tests implement them in memory. ``add_*`` methods
assign the object's ``id``; ``save_*`` methods write back a changed object. Nothing is
visible to others until ``commit``.
"""

from __future__ import annotations

import builtins
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, Self

from facilitation.audit import AuditEntry
from facilitation.model import (
    AskedQuestion,
    Attendance,
    AudioJob,
    ConfirmationStatus,
    Contribution,
    ContributionKind,
    ContributionStatus,
    HallDocument,
    Hand,
    MinutesEdit,
    MinutesVersion,
    ParticipantKind,
    Person,
    SessionStatus,
    Turn,
    TurnKind,
)
from facilitation.session import Session
from facilitation.showcase_model import (
    HallListing,
    ListedMember,
    PlannedConsultation,
    PublicHall,
    PublicSession,
    SessionPhoto,
    ShowcasePage,
)
from facilitation.tracking import ItemEvent, ItemStatus, TrackedItem
from facilitation.units import Unit, UnitDirectory, UnitMapping, UnknownUnitName

if TYPE_CHECKING:  # the figures' types import this module's Protocols
    from facilitation.roles import RoleGrant
    from facilitation.tracking_counts import Figures, FiguresQuery
    from facilitation.tracking_documents import HeldMinutes, ItemRecord, ItemsQuery
    from facilitation.tracking_figures import Hall


@dataclass(frozen=True)
class Participant:
    """A platform user as one session sees them: read together, in one query."""

    person: Person
    attendance: Attendance | None
    pending_hand: Hand | None


@dataclass(frozen=True)
class WebRoomRead:
    """A session code's session and the person a phone's token names (with their attendance
    and pending hand there; None when no person has that token), read in one query. With
    ``full``, what else the phone page shows: the turn in progress and how many hands wait."""

    session: Session
    participant: Participant | None
    current: Turn | None = None
    waiting: int = 0


@dataclass(frozen=True)
class SearchHit:
    """A contribution (or, with ``seq`` None, a session's topic) that matched a search."""

    session_id: int
    topic: str
    session_at: datetime  # when the session started (or was opened, if it never started)
    seq: int | None  # the contribution's number in its session; None for a topic hit
    speaker: str | None
    snippet: str  # about 60 characters around the first word found
    rank: float  # higher is better; comparable within one search only


@dataclass(frozen=True)
class Footprint:
    """Everything stored about one person: what an export shows and forgetting rewrites."""

    person: Person
    sessions: tuple[Session, ...]  # moderated, attended, or with any trace of them, by id
    attendance: tuple[Attendance, ...]
    hands: tuple[Hand, ...]
    turns: tuple[Turn, ...]
    contributions: tuple[Contribution, ...]
    audio_jobs: tuple[AudioJob, ...]  # they sent, or of their contributions
    confirmations: tuple[tuple[int, ConfirmationStatus], ...]  # (session id, status)
    edits: tuple[MinutesEdit, ...]  # of draft minutes, made by them
    approvals: tuple[MinutesVersion, ...]  # minutes versions they approved
    audit: tuple[AuditEntry, ...]  # entries by them or about them
    # Tracked items of their sessions they proposed (named among the proposers) or acted on
    # (an event of theirs), with their history (facilitation.redact.concerns).
    items: tuple[TrackedItem, ...] = ()
    roles: tuple[RoleGrant, ...] = ()  # the roles they hold (facilitation/roles.py)

    @property
    def names(self) -> set[str]:
        """Every name they are stored under: theirs now, signed in, as a speaker."""
        return ({self.person.display_name} | {a.name for a in self.attendance}
                | {c.speaker_name for c in self.contributions})


class PersonRepository(Protocol):
    async def get(self, person_id: int) -> Person | None: ...
    async def get_many(self, person_ids: Sequence[int]) -> dict[int, Person]: ...
    async def by_telegram_id(self, telegram_user_id: int) -> Person | None: ...
    async def participant(self, session_id: int, telegram_user_id: int) -> Participant | None:
        """The person with that Telegram id, with their attendance and pending hand in the
        session (each None when there is none); None when the person is unknown."""
        ...

    async def add(self, person: Person) -> Person: ...
    async def save(self, person: Person) -> None: ...


class SessionRepository(Protocol):
    async def get(self, session_id: int) -> Session | None: ...
    async def by_code(self, code: str) -> Session | None: ...
    async def by_screen_code(self, screen_code: str) -> Session | None: ...
    async def open_in_chat(self, chat_id: int, *, for_update: bool = False) -> Session | None:
        """The chat's open session; ``for_update`` also locks it for this unit of work (as
        ``lock`` does), in the same query."""
        ...

    async def open_with_participant(
        self, chat_id: int, telegram_user_id: int, *, for_update: bool = True
    ) -> tuple[Session, Participant | None] | None:
        """``open_in_chat`` and ``PersonRepository.participant`` in one query."""
        ...

    async def latest(self, chat_id: int | None = None) -> Session | None: ...
    async def recent(self, chat_id: int | None = None, limit: int = 10, *,
                     held: tuple[datetime, datetime] | None = None,
                     status: SessionStatus | None = None) -> list[Session]:
        """The newest first (by creation); ``held``: only those whose day, their start else
        their creation, is in [from, to); ``status``: only those in it. Narrowed in the
        query, so the limit counts only the sessions asked for."""
        ...

    async def taken_part(self, person_id: int, limit: int = 10) -> list[Session]:
        """The newest closed sessions the person moderated or signed in to."""
        ...

    async def open_sessions(self) -> list[Session]: ...
    async def add(self, session: Session) -> Session: ...
    async def save(self, session: Session) -> None: ...
    async def lock(self, session_id: int) -> Session | None:
        """Load the session for update (serialises writers on PostgreSQL)."""
        ...


class AttendanceRepository(Protocol):
    async def get(self, session_id: int, person_id: int) -> Attendance | None: ...
    async def list(self, session_id: int) -> list[Attendance]: ...
    async def of_people(self, session_id: int, person_ids: Collection[int]
                        ) -> builtins.list[Attendance]: ...
    async def count_present(self, session_id: int) -> int: ...
    async def present_by_kind(self, session_id: int) -> dict[ParticipantKind, int]:
        """How many are present (not left), by kind; kinds with none are absent."""
        ...
    async def add(self, attendance: Attendance) -> Attendance: ...
    async def save(self, attendance: Attendance) -> None: ...


class HandRepository(Protocol):
    async def get(self, hand_id: int) -> Hand | None: ...
    async def pending_for(self, session_id: int, person_id: int) -> Hand | None: ...
    async def pending(self, session_id: int, kind: TurnKind | None = None) -> list[Hand]:
        """Pending hands (of one kind, if given) by arrival; not in queue order."""
        ...

    async def head(self, session_id: int, limit: int) -> list[Hand]:
        """order_queue(pending, spoken)[:limit], without loading the whole queue."""
        ...
    async def count_pending(self, session_id: int) -> int: ...
    async def position(self, hand_id: int) -> int | None:
        """The hand's 1-based place in the speaker queue: its index in
        ``order_queue(pending, spoken_counts)`` of its session, counted without loading the
        queue; None when it is not pending."""
        ...

    async def add(self, hand: Hand) -> Hand: ...
    async def save(self, hand: Hand) -> None: ...


class TurnRepository(Protocol):
    async def get(self, turn_id: int) -> Turn | None: ...
    async def current(self, session_id: int) -> Turn | None: ...
    async def recent(self, session_id: int, limit: int = 10) -> list[Turn]: ...
    async def list(self, session_id: int) -> builtins.list[Turn]: ...
    async def spoken_counts(self, session_id: int) -> dict[int, int]: ...
    async def questions(self, session_id: int, statuses: Collection[ContributionStatus],
                        limit: int = 20) -> builtins.list[AskedQuestion]:
        """The session's last ``limit`` question turns, the newest first, each with the text
        of its asker's first question contribution in one of ``statuses`` (None: none). One
        query, whatever the number of turns (the room's screen: a 回应 with its question)."""
        ...

    async def active(self) -> builtins.list[Turn]:
        """Every turn in progress, in every session (the timekeeper's work list)."""
        ...

    async def add(self, turn: Turn) -> Turn: ...
    async def save(self, turn: Turn) -> None: ...


class ContributionRepository(Protocol):
    async def get(self, contribution_id: int) -> Contribution | None: ...
    async def save(self, contribution: Contribution) -> None: ...
    async def add(self, contribution: Contribution) -> Contribution: ...
    async def list(self, session_id: int) -> builtins.list[Contribution]: ...
    async def latest(self, session_id: int, kinds: Collection[ContributionKind],
                     statuses: Collection[ContributionStatus],
                     limit: int) -> builtins.list[Contribution]:
        """The last ``limit`` of those kinds and statuses, in order (the room's captions)."""
        ...

    async def count(self, session_id: int) -> int: ...
    async def by_message(self, person_id: int, chat_id: int,
                         message_id: int) -> Contribution | None:
        """The person's contribution recorded from that Telegram message (the first, if it
        made several); None when the message was not recorded as theirs."""
        ...


class AudioJobRepository(Protocol):
    async def get(self, job_id: int) -> AudioJob | None: ...
    async def add(self, job: AudioJob) -> AudioJob: ...
    async def save(self, job: AudioJob) -> None: ...
    async def due(self, now: datetime, limit: int = 10) -> builtins.list[AudioJob]:
        """Pending jobs whose next attempt is due, oldest first."""
        ...

    async def next_due_at(self) -> datetime | None: ...
    async def kept_in_session(self, session_id: int) -> builtins.list[AudioJob]:
        """The session's finished voice jobs whose audio is still kept (by contribution)."""
        ...

    async def kept_before(self, cutoff: datetime) -> builtins.list[AudioJob]:
        """Finished jobs created before ``cutoff`` whose audio file is still kept."""
        ...

    async def recordings_in_session(self, session_id: int,
                                    limit: int = 20) -> builtins.list[AudioJob]:
        """The session's whole-meeting recordings (sent or uploaded), newest first."""
        ...


class HallRepository(Protocol):
    """What a hall (a group chat) keeps between sessions."""

    async def glossary(self, chat_id: int) -> tuple[str, ...]: ...
    async def set_glossary(self, chat_id: int, words: Sequence[str]) -> None: ...
    async def town(self, chat_id: int) -> str | None:
        """The 乡镇/街道 staff set for its figures; None: derived from its name."""
        ...

    async def set_town(self, chat_id: int, town: str | None) -> None: ...
    async def document(self, chat_id: int) -> HallDocument: ...
    async def set_document(self, chat_id: int, document: HallDocument) -> None: ...
    async def template(self, chat_id: int) -> bytes | None: ...
    async def set_template(self, chat_id: int, data: bytes | None) -> None: ...
    async def move(self, old_chat_id: int, new_chat_id: int) -> None:
        """The hall's settings follow its group to a new chat id (kept there if it has any)."""
        ...

    async def settled_notice(self, chat_id: int) -> bool:
        """Whether the group is told when every item of one of its sessions is settled."""
        ...

    async def set_settled_notice(self, chat_id: int, on: bool) -> None: ...


class MinutesRepository(Protocol):
    async def edits(self, session_id: int) -> builtins.list[MinutesEdit]: ...
    async def add_edit(self, edit: MinutesEdit) -> None: ...
    async def latest_version(self, session_id: int) -> MinutesVersion | None: ...
    async def version(self, session_id: int, version: int) -> MinutesVersion | None: ...
    async def add_version(self, version: MinutesVersion) -> None: ...
    async def first_approvals(self, chat_id: int) -> builtins.list[tuple[int, datetime]]:
        """(session id, when its minutes were first approved) for the chat's sessions, in
        the order they were approved."""
        ...

    async def confirmations(self, session_id: int) -> dict[int, ConfirmationStatus]: ...
    async def set_confirmation(self, session_id: int, person_id: int,
                               status: ConfirmationStatus, at: datetime) -> None: ...
    async def focus(self, person_id: int) -> int | None: ...
    async def set_focus(self, person_id: int, session_id: int) -> None: ...


class SearchRepository(Protocol):
    async def search(self, query: str, *, chat_id: int | None = None,
                     person_id: int | None = None, limit: int = 10) -> builtins.list[SearchHit]:
        """What was said (or a topic) with every word of ``query``, the best first: in one
        chat's sessions, in those a person attended, or (neither given) everywhere. Raises
        InvalidInput("search_empty") when the query has no word worth looking for."""
        ...


class AuditRepository(Protocol):
    async def add(self, entry: AuditEntry) -> None:
        """Record an action (an entry without ``at`` gets the unit of work's time)."""
        ...

    async def entries(self, *, session_id: int | None = None, since: datetime | None = None,
                      person_id: int | None = None,
                      limit: int = 1000) -> builtins.list[AuditEntry]:
        """Entries, the oldest first: of one session, since a time, by or about a person."""
        ...


class PersonalDataRepository(Protocol):
    """What exporting and forgetting a person need beyond the other repositories."""

    async def named(self, name: str) -> builtins.list[Person]:
        """People called ``name``, now or when they signed in somewhere (by id)."""
        ...

    async def footprint(self, person: Person) -> Footprint: ...
    async def hands(self, session_id: int) -> builtins.list[Hand]:
        """Every hand of the session, whatever its status."""
        ...

    async def versions(self, session_id: int) -> builtins.list[MinutesVersion]: ...
    async def set_edit_payload(self, edit_id: int, payload: dict[str, Any]) -> None: ...
    async def set_version_body(self, session_id: int, version: int, body: str) -> None: ...
    async def forget_updates(self, telegram_user_id: int | None, names: Sequence[str]) -> int:
        """Empty the stored bot updates that were handled and show this user or one of
        these names, and the one being handled now (the request to forget); how many."""
        ...


class AudioFiles(Protocol):
    async def delete(self, path: str) -> bool:
        """Delete a kept audio file (``AudioJob.audio_path``); whether it was there."""
        ...


@dataclass(frozen=True)
class RoomNotice:
    """What the group must hear of something done on the web (``key`` names the words, in
    bot/catalog_web.py; ``params`` fill them); sent by the bot once."""

    session_id: int
    chat_id: int
    key: str
    params: dict[str, Any]
    created_at: datetime
    id: int | None = None


@dataclass(frozen=True)
class ConsoleLink:
    session_id: int
    person_id: int
    created_at: datetime


class WebRoomRepository(Protocol):
    """The web's side of the record (portal/): participants' tokens, console links, and the
    notices the bot owes the group. Tokens are stored as their SHA-256 only."""

    async def person_by_token(self, token_hash: str) -> Person | None: ...
    async def set_token(self, person_id: int, token_hash: str | None) -> None: ...
    async def add_person(self, person: Person, token_hash: str) -> Person:
        """A new web participant with their token's hash, in one INSERT (its id set)."""
        ...

    async def by_code(self, code: str, token_hash: str | None, *, for_update: bool = False,
                      shared: bool = False, full: bool = False) -> WebRoomRead | None:
        """The session of ``code`` (None: none) and the person of ``token_hash`` in it.
        ``for_update``: the session is locked first (PostgreSQL), then the person's rows are
        read, so they include what a writer that held the lock committed. ``shared`` (with
        no token): the lock is shared with other such writers, which only add rows of their
        own (newcomers signing in): it keeps out changes of the session, not each other."""
        ...

    async def add_console_link(self, token_hash: str, link: ConsoleLink) -> None: ...
    async def console_link(self, token_hash: str) -> ConsoleLink | None: ...
    async def add_notice(self, notice: RoomNotice) -> None: ...
    async def unnotified(self, limit: int = 100) -> list[RoomNotice]: ...
    async def mark_notified(self, notice_id: int, now: datetime) -> bool:
        """Claim the notice (False: another process did)."""
        ...


@dataclass(frozen=True)
class BoardState:
    """The group's live board of one session (facilitation/board.py): the message the bot
    keeps editing. ``message_id`` None: its first sending is owed (in the outbox)."""

    session_id: int
    chat_id: int
    message_id: int | None
    text: str  # what the board says (sent, or owed)
    pinned: bool = False
    # the board is the session's opening message (/new's answer): its own words, which the
    # board keeps above what it shows live (None: a board sent on its own)
    head: str | None = None


class ShowcaseRepository(Protocol):
    """The public showcase (facilitation/showcase.py). The ``public_*`` reads see only halls
    opted in and closed sessions."""

    async def listing(self, chat_id: int) -> HallListing: ...
    async def set_listing(self, listing: HallListing) -> None: ...
    async def public_halls(self) -> builtins.list[PublicHall]:
        """The halls opted in, by name, with their counts; a hall's name is its newest
        session's."""
        ...

    async def public_sessions(self, *, approved_only: bool, limit: int,
                              offset: int) -> builtins.list[PublicSession]: ...
    async def public_session(self, session_id: int) -> PublicSession | None: ...
    async def public_session_ids(self, *, limit: int) -> builtins.list[int]:
        """Closed sessions of listed halls with approved minutes, newest first."""
        ...

    async def private_names(self, session_ids: Collection[int]) -> dict[int, set[str]]:
        """Per session, the names its public minutes show by a label (residents, others,
        speakers who never signed in): a public text about it must not carry them."""
        ...

    async def public_plans(self, *, since: date, limit: int,
                           until: date | None = None) -> builtins.list[PlannedConsultation]: ...
    async def public_photos(self, *, limit: int) -> builtins.list[SessionPhoto]: ...
    async def public_settled(self) -> int: ...
    async def pages(self) -> builtins.list[ShowcasePage]: ...
    async def page(self, slug: str) -> ShowcasePage | None: ...
    async def save_page(self, page: ShowcasePage) -> None: ...
    async def drop_page(self, slug: str) -> bool: ...
    async def plan(self, plan_id: int) -> PlannedConsultation | None: ...
    async def plans_of(self, chat_ids: Collection[int]) -> builtins.list[PlannedConsultation]: ...
    async def add_plan(self, plan: PlannedConsultation) -> PlannedConsultation: ...
    async def drop_plan(self, plan_id: int) -> None: ...
    async def member(self, member_id: int) -> ListedMember | None: ...
    async def members(self, chat_ids: Collection[int]) -> builtins.list[ListedMember]: ...
    async def add_member(self, member: ListedMember) -> ListedMember: ...
    async def drop_member(self, member_id: int) -> None: ...
    async def photo(self, photo_id: int) -> SessionPhoto | None: ...
    async def photos_of(self, session_ids: Collection[int], *,
                        shown_only: bool) -> builtins.list[SessionPhoto]: ...
    async def recent_photos(self, chat_ids: Collection[int], *, limit: int
                            ) -> tuple[builtins.list[SessionPhoto], dict[int, int]]:
        """The halls' latest photos, and each one's session's hall."""
        ...

    async def add_photo(self, photo: SessionPhoto) -> SessionPhoto: ...
    async def set_photo_shown(self, photo_id: int, shown: bool) -> None: ...
    async def move(self, old_chat_id: int, new_chat_id: int) -> None:
        """A hall's plans and listed people follow its group to a new chat id."""
        ...

    async def unlist(self, person_id: int, names: Collection[str]) -> int:
        """A forgotten person listed no more (by their person, or by one of their names);
        how many entries went."""
        ...

    async def set_caption(self, photo_id: int, caption: str | None) -> None: ...


class BoardRepository(Protocol):
    async def due(self, since: datetime | None = None
                  ) -> list[tuple[Session, BoardState | None]]:
        """Sessions whose board may need work: open ones in groups (created ``since``) whose
        board was not given up, and closed ones whose board has not said so yet; with their
        board, if they have one."""
        ...

    async def get(self, session_id: int) -> BoardState | None: ...
    async def add(self, board: BoardState) -> bool:
        """A new board; False (nothing written) if the session has one, even finished."""
        ...

    async def put(self, board: BoardState) -> None:
        """Insert or replace the session's board."""
        ...

    async def remove(self, session_id: int) -> None: ...
    async def finish(self, session_id: int) -> None:
        """The board is done (its session closed, or it can no longer be kept): kept without
        its words, never edited again."""
        ...


class RoleRepository(Protocol):
    """Per-hall roles (facilitation/roles.py) and the one-time login links of the web
    (facilitation/staff_desk.py); a link is stored as its token's SHA-256 only."""

    async def grants(self, *, person_id: int | None = None) -> list[RoleGrant]: ...
    async def add(self, grant: RoleGrant) -> RoleGrant: ...
    async def remove(self, grant_id: int) -> None: ...
    async def add_login_link(self, token_hash: str, person_id: int, created_at: datetime,
                             expires_at: datetime) -> None: ...
    async def use_login_link(self, token_hash: str, now: datetime,
                             kind: str = "login") -> int | None:
        """Claim the link of this kind ("login": /portal's; "invite": an admin's invitation),
        once, before it expires: its person's id (None: unknown, used, or expired)."""
        ...

    async def add_invite(self, token_hash: str, person_id: int, created_at: datetime,
                         expires_at: datetime) -> None: ...
    async def set_credentials(self, person_id: int, login_name: str, password_hash: str,
                              now: datetime) -> bool:
        """The person's login name and password hash (replacing theirs); False when another
        person has that login name."""
        ...

    async def credentials(self, login_name: str) -> tuple[int, str] | None:
        """(person id, password hash) of a login name."""
        ...

    async def drop_credentials(self, person_id: int) -> None: ...


class UnitOfWork(Protocol):
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
    web: WebRoomRepository
    roles: RoleRepository
    boards: BoardRepository
    showcase: ShowcaseRepository

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self, idempotency_key: int | None = None) -> UnitOfWork:
        """A fresh unit of work; with a key, committing also marks that key as done."""
        ...

    def reading(self) -> UnitOfWork:
        """A fresh unit of work that only reads (it cannot commit): a page's view. It need
        not wait for the writers (SQLite: no write lock, no queue behind them)."""
        ...

    def committed(self, idempotency_key: int) -> bool:
        """Whether a unit of work of this factory, in this process, committed with that key
        (so the key is marked done); the answer is given once, then forgotten."""
        ...


class Clock(Protocol):
    def __call__(self) -> datetime: ...


class CodeGenerator(Protocol):
    def __call__(self) -> str: ...


# ---------------------------------------------------------------- the bot's outbox (bot/outbox.py)
@dataclass(frozen=True)
class OwedMessage:
    """A message owed to ``chat_id``: a request ("message") or an acknowledgement ("ack"),
    as JSON values; its message id goes to ``audio_job_id``'s job, or to the board of
    ``board_session_id``, once sent."""

    chat_id: int
    kind: str
    payload: dict[str, Any]
    update_id: int | None = None
    audio_job_id: int | None = None
    board_session_id: int | None = None  # the first message of this session's live board


@dataclass(frozen=True)
class PendingMessage:
    id: int
    chat_id: int
    kind: str
    payload: dict[str, Any]
    audio_job_id: int | None
    attempt: dict[str, Any] | None  # put on the wire, not known to have arrived


class OutboxStore(Protocol):
    async def chats(self) -> list[int]: ...
    async def pending(self, chat_id: int, limit: int = 200) -> list[PendingMessage]: ...
    async def owed_for_job(self, audio_job_id: int) -> PendingMessage | None: ...
    async def sent_ids(self, chat_id: int) -> tuple[int, set[int]]: ...
    async def known(self, chat_id: int, message_id: int) -> None: ...
    async def attempting(self, ids: Sequence[int], attempt: dict[str, Any],
                         now: datetime) -> None: ...
    async def sent(self, ids: Sequence[int], message_id: int | None, now: datetime) -> bool:
        """Mark them sent; True when one was a live board's first message."""
        ...

    async def owed_for_board(self, session_id: int) -> bool:
        """Whether the first message of the session's live board is still to be sent."""
        ...

    async def rewrite(self, row_id: int, payload: dict[str, Any]) -> bool: ...
    async def failed(self, ids: Sequence[int], reason: str) -> None: ...
    async def retry(self, ids: Sequence[int]) -> None: ...
    async def prune(self, older_than: datetime) -> int: ...


class OwingTransaction(Protocol):
    """One transaction for all an update does, and the messages it owes (storage/shared.py):
    units of work opened inside it join it."""

    open_units: int
    marks: int | None  # the update whose mark it writes (``write``): its units need not

    async def __aenter__(self) -> Self: ...

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None: ...

    async def write(self, owed: Sequence[OwedMessage], known: Sequence[tuple[int, int]],
                    update_id: int | None, now: datetime) -> None: ...

    async def commit(self) -> None: ...

    async def commit_and_continue(self) -> None: ...


# ------------------------------------------------------- following items up (facilitation.tracking)
@dataclass(frozen=True)
class ScheduledReminder:
    """A reminder of an item kept by storage: due at ``due_at``, sent once (``sent_at``)."""

    item_id: int
    key: str  # facilitation.reminders.Reminder.key: unique within the item
    due_at: datetime
    sent_at: datetime | None = None
    id: int | None = None


@dataclass(frozen=True)
class UnitInvite:
    """A one-time link that makes whoever opens it a liaison of the unit
    (facilitation.tracking_invites); ``used_by`` is their Telegram user id."""

    code: str
    unit_id: int
    created_at: datetime
    expires_at: datetime
    created_by: int | None = None  # the staff member's person id
    used_by: int | None = None
    used_at: datetime | None = None
    id: int | None = None


class UnitRepository(Protocol):
    """The directory of responsible units, the mappings staff made, the names still unknown."""

    async def get(self, unit_id: int) -> Unit | None: ...
    async def list(self) -> builtins.list[Unit]: ...
    async def directory(self) -> UnitDirectory:
        """Every unit and every mapping: what facilitation.units.resolve_unit takes."""
        ...

    async def add(self, unit: Unit) -> Unit: ...
    async def save(self, unit: Unit) -> None: ...
    async def by_liaison(self, telegram_user_id: int) -> builtins.list[Unit]: ...
    async def add_mapping(self, mapping: UnitMapping) -> None: ...
    async def unknown(self) -> builtins.list[UnknownUnitName]:
        """Names waiting to be mapped, one per normalised form, the oldest first."""
        ...

    async def add_unknown(self, name: UnknownUnitName) -> None:
        """Record a name that did not resolve (nothing when its normalised form is there)."""
        ...

    async def drop_unknown(self, written: str) -> None:
        """Forget the waiting names with the normalised form of ``written`` (it was mapped)."""
        ...

    async def add_invite(self, invite: UnitInvite) -> UnitInvite: ...
    async def invite(self, code: str) -> UnitInvite | None: ...
    async def use_invite(self, code: str, telegram_user_id: int, at: datetime) -> bool:
        """Mark the invite used by that user; False (nothing changed) when it already was,
        also by another writer at the same moment."""
        ...


@dataclass(frozen=True)
class UnnotifiedEvent:
    """An item's event whose notices are still owed: ``event_id`` orders them as stored."""

    event_id: int
    item_id: int
    n: int  # the event's number within its item (ItemEvent.n)


class TrackedItemRepository(Protocol):
    """Tracked items with their events. ``add`` stores an item and its history; ``save``
    writes back its state and appends the events not stored yet: stored events are never
    changed or deleted, but by ``redact`` (erasing a person's data)."""

    async def get(self, item_id: int) -> TrackedItem | None: ...
    async def lock(self, item_id: int) -> TrackedItem | None:
        """Load the item for update (one writer of an item at a time on PostgreSQL)."""
        ...

    async def for_session(self, session_id: int) -> builtins.list[TrackedItem]:
        """Every item of the session, withdrawn ones too, in the order of the minutes."""
        ...

    async def open_items(self, *, unit_id: int | None = None, session_id: int | None = None,
                         chat_id: int | None = None) -> builtins.list[TrackedItem]:
        """Items not settled nor withdrawn, narrowed to a unit, a session or a hall."""
        ...

    async def open_without_unit(self) -> builtins.list[TrackedItem]:
        """The open items no unit is given to yet (unit id None), as ``open_items`` orders
        them: those waiting for a unit name to be mapped are among them."""
        ...

    async def open_snapshots(self, *, unit_id: int | None = None,
                             session_id: int | None = None,
                             chat_id: int | None = None) -> builtins.list[TrackedItem]:
        """The same items read from their stored state, not replayed: without history,
        reply or reason (for lists that only read them; never to act on)."""
        ...

    async def snapshots_in(self, status: ItemStatus, *, unit_id: int | None = None,
                           session_id: int | None = None,
                           chat_id: int | None = None) -> builtins.list[TrackedItem]:
        """As ``open_snapshots``, the items in one state instead (settled or withdrawn ones
        too), in the same order."""
        ...

    async def open_per_unit(self) -> dict[int, int]:
        """How many open items each unit has (units with none left out): counted, not
        loaded."""
        ...

    async def add(self, item: TrackedItem) -> TrackedItem: ...
    async def save(self, item: TrackedItem) -> None: ...
    async def events(self, item_id: int) -> builtins.list[ItemEvent]: ...
    async def redact(self, item: TrackedItem) -> None:
        """The one rewrite of stored events (facilitation.tracking): each stored event takes
        the detail of the item's event of the same number, and the snapshot the item's
        state. The history in hand must be the stored one but for the details (StaleItem
        otherwise, and nothing is written)."""
        ...

    async def untracked_approvals(self) -> builtins.list[tuple[int, int]]:
        """(session id, its latest approved version) of every session whose items were
        tracked for no version as recent (or never), by session: what is still to track."""
        ...

    async def unnotified(self, *, after: int = 0, session_id: int | None = None,
                         limit: int = 100) -> builtins.list[UnnotifiedEvent]:
        """Events whose notices are not written yet (facilitation.tracking_notifying), in
        the order they were stored; those after the event ``after``, of one session."""
        ...

    async def mark_notified(self, event_id: int, at: datetime) -> bool:
        """Record that the event's notices are written; False when another writer did it
        first (then its notices are theirs to write)."""
        ...


class ReminderRepository(Protocol):
    async def schedule(self, item_id: int, reminders: Sequence[ScheduledReminder]) -> None:
        """Keep these as the item's unsent reminders (replacing unsent ones with other keys;
        a key already sent is never scheduled again)."""
        ...

    async def due(self, now: datetime, limit: int = 100) -> builtins.list[ScheduledReminder]:
        """Unsent reminders due at ``now`` or before, the oldest first."""
        ...

    async def next_due(self) -> datetime | None:
        """When the earliest unsent reminder is due; None when there is none."""
        ...

    async def mark_sent(self, reminder_id: int, at: datetime) -> bool:
        """Record that it was sent; False when it already was (another process sent it)."""
        ...


class FiguresRepository(Protocol):
    """The read side of the figures and the follow-up documents: SQL aggregates and joins
    (facilitation/tracking_counts.py defines each figure; tracking_documents.py the rows)."""

    async def halls(self, *, until: datetime) -> builtins.list[Hall]:
        """Every hall (group chat) that held a session before ``until``, with its name (its
        latest session's hall text) and its town as set, by chat id."""
        ...

    async def counts(self, query: FiguresQuery) -> dict[int, Figures]:
        """The figures of each hall (by chat id) that held a session in the period."""
        ...

    async def items(self, query: ItemsQuery) -> builtins.list[ItemRecord]:
        """Items (never withdrawn ones) by session, kind and turn; or those of
        ``query.item_ids`` (found ones only)."""
        ...

    async def minutes_held(self, chat_id: int, start: datetime,
                           end: datetime) -> builtins.list[HeldMinutes]:
        """The hall's sessions held in [start, end) whose minutes are approved, by time."""
        ...


class TrackingUnitOfWork(UnitOfWork, Protocol):
    """A unit of work that also follows items up."""

    units: UnitRepository
    tracked: TrackedItemRepository
    reminders: ReminderRepository
    figures: FiguresRepository


class TrackingUnitOfWorkFactory(UnitOfWorkFactory, Protocol):
    def __call__(self, idempotency_key: int | None = None) -> TrackingUnitOfWork:
        """A fresh unit of work that also follows items up."""
        ...

    def reading(self) -> TrackingUnitOfWork: ...
