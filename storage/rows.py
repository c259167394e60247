"""The tables, as declarative row classes. Rows are not domain objects: see mapping.py.

Enums are stored as their string values; Telegram ids are 64-bit; times are UTC.
The migrations in migrations/versions/ must produce exactly this schema (a test checks it).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Partial unique indexes: the same predicate text on SQLite and PostgreSQL.
SESSION_NOT_CLOSED = "status <> 'closed'"
HAND_PENDING = "status = 'pending'"
TURN_ACTIVE = "ended_at IS NULL"
EVENT_UNNOTIFIED = "notified_at IS NULL"
REMINDER_UNSENT = "sent_at IS NULL"


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend; naive datetimes are refused.

    PostgreSQL keeps ``timestamptz``; SQLite has no time zones, so values are stored as UTC
    text and given back their UTC tzinfo when read.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: storage needs timezone-aware times")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _session_fk() -> ForeignKey:
    return ForeignKey("sessions.id", ondelete="CASCADE")


class PersonRow(Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    display_name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(32))
    sector: Mapped[str | None] = mapped_column(Text)
    unit: Mapped[str | None] = mapped_column(Text)
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    language: Mapped[str | None] = mapped_column(String(16))
    has_profile: Mapped[bool] = mapped_column(Boolean)
    notice_accepted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    forgotten_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # a participant on the web (portal's phone page): the SHA-256 of their cookie's token
    web_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)


class SessionRow(Base):
    __tablename__ = "sessions"
    __table_args__ = (
        Index(
            "uq_sessions_open_chat_id",
            "chat_id",
            unique=True,
            sqlite_where=text(SESSION_NOT_CLOSED),
            postgresql_where=text(SESSION_NOT_CLOSED),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    topic: Mapped[str] = mapped_column(Text)
    # No cascade: a moderator's person row cannot go while their sessions exist.
    moderator_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    turn_limit_s: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(16))
    hall: Mapped[str | None] = mapped_column(Text)
    signin_opened_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    next_hand_seq: Mapped[int] = mapped_column(Integer)
    next_contribution_seq: Mapped[int] = mapped_column(Integer)
    # the room's screen on the web (/s/<screen code>); None only before it is set
    screen_code: Mapped[str | None] = mapped_column(String(32), unique=True)
    # the moderator showed the closing (consensus, follow-up) on the screen
    closing_shown_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # newcomers may sign in on the phone page (the moderator closes it from the console)
    web_signin_open: Mapped[bool] = mapped_column(Boolean, server_default=true())


class AttendanceRow(Base):
    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("session_id", "person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(_session_fk())
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(32))
    signed_in_at: Mapped[datetime] = mapped_column(UtcDateTime)
    method: Mapped[str] = mapped_column(String(32))
    sector: Mapped[str | None] = mapped_column(Text)
    unit: Mapped[str | None] = mapped_column(Text)
    remote: Mapped[bool] = mapped_column(Boolean)
    late: Mapped[bool] = mapped_column(Boolean)
    left_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    proxy_by: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )


class HandRow(Base):
    __tablename__ = "hands"
    __table_args__ = (
        Index(
            "uq_hands_pending_session_id_person_id",
            "session_id",
            "person_id",
            unique=True,
            sqlite_where=text(HAND_PENDING),
            postgresql_where=text(HAND_PENDING),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(_session_fk(), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    seq: Mapped[int] = mapped_column(Integer)
    raised_at: Mapped[datetime] = mapped_column(UtcDateTime)
    addressee: Mapped[str | None] = mapped_column(Text)
    priority: Mapped[int] = mapped_column(Integer)
    answers_hand_id: Mapped[int | None] = mapped_column(
        ForeignKey("hands.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(32))


class TurnRow(Base):
    __tablename__ = "turns"
    __table_args__ = (
        Index(
            "uq_turns_active_session_id",
            "session_id",
            unique=True,
            sqlite_where=text(TURN_ACTIVE),
            postgresql_where=text(TURN_ACTIVE),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(_session_fk(), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    limit_s: Mapped[int] = mapped_column(Integer)
    hand_id: Mapped[int | None] = mapped_column(
        ForeignKey("hands.id", ondelete="SET NULL"), index=True
    )
    addressee: Mapped[str | None] = mapped_column(Text)
    answers_turn_id: Mapped[int | None] = mapped_column(
        ForeignKey("turns.id", ondelete="SET NULL"), index=True
    )
    warned_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    timeup_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    overtime_s: Mapped[int] = mapped_column(Integer)


class ContributionRow(Base):
    __tablename__ = "contributions"
    __table_args__ = (UniqueConstraint("session_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(_session_fk())
    seq: Mapped[int] = mapped_column(Integer)
    # SET NULL: a person's data can be erased while the record of the session stays.
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    speaker_name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    turn_id: Mapped[int | None] = mapped_column(
        ForeignKey("turns.id", ondelete="SET NULL"), index=True
    )
    addressed_to: Mapped[str | None] = mapped_column(Text)
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    duration_s: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(16), server_default="final")
    segments: Mapped[str | None] = mapped_column(Text)  # JSON [[start, end, text], ...]
    engine: Mapped[str | None] = mapped_column(String(64))
    model: Mapped[str | None] = mapped_column(String(128))
    marks: Mapped[str | None] = mapped_column(String(64))  # "suggestion,action"; "" judged
    original_text: Mapped[str | None] = mapped_column(Text)


class HallRow(Base):
    """What a hall (its group chat) keeps between sessions: the recogniser's glossary and
    what its minutes are sent as."""

    __tablename__ = "halls"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    glossary: Mapped[str] = mapped_column(Text)  # words separated by newlines
    # what its minutes are sent as (发文要素): names separated by newlines
    doc_to: Mapped[str | None] = mapped_column(Text)  # 主送
    doc_cc: Mapped[str | None] = mapped_column(Text)  # 抄送
    doc_issuer: Mapped[str | None] = mapped_column(Text)  # 落款
    doc_numbering: Mapped[str | None] = mapped_column(Text)  # 期号, e.g. 平桥议事〔{year}〕{n}号
    doc_template: Mapped[bytes | None] = mapped_column(LargeBinary)  # the hall's .docx (红头)
    town: Mapped[str | None] = mapped_column(Text)  # 乡镇/街道 of the figures; None: from its name
    # tell the group when every item of one of its sessions is settled (None: no)
    settled_notice: Mapped[bool | None] = mapped_column(Boolean)
    # listed on the public showcase (opt-in), under the name the office gives it (never the
    # group's title, which any member may change), with a line or two about it
    showcase: Mapped[bool] = mapped_column(Boolean, server_default=false())
    showcase_name: Mapped[str | None] = mapped_column(String(60))
    showcase_intro: Mapped[str | None] = mapped_column(Text)


class AudioJobRow(Base):
    """Audio to transcribe: stored before any work, so a crash never loses a voice message."""

    __tablename__ = "audio_jobs"
    __table_args__ = (Index("ix_audio_jobs_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(_session_fk(), index=True)
    contribution_id: Mapped[int | None] = mapped_column(
        ForeignKey("contributions.id", ondelete="SET NULL"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int | None] = mapped_column(BigInteger)  # NULL: uploaded on the web
    file_id: Mapped[str] = mapped_column(Text)
    file_unique_id: Mapped[str | None] = mapped_column(String(128))
    file_size: Mapped[int | None] = mapped_column(BigInteger)
    claimed_duration_s: Mapped[float | None] = mapped_column(Float)
    mime_type: Mapped[str | None] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(16))
    reply_message_id: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    audio_path: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    progress: Mapped[float | None] = mapped_column(Float)  # a recording's fraction done
    turns_added: Mapped[int | None] = mapped_column(Integer)


class MinutesEditRow(Base):
    """A change to a session's draft minutes (add or drop a suggestion, set a unit...)."""

    __tablename__ = "minutes_edits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(_session_fk(), index=True)
    op: Mapped[str] = mapped_column(String(32))
    payload: Mapped[str] = mapped_column(Text)  # JSON
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UtcDateTime)


class MinutesVersionRow(Base):
    """Approved minutes, frozen: a later change makes a new version, the old one stays."""

    __tablename__ = "minutes_versions"
    __table_args__ = (UniqueConstraint("session_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(_session_fk())
    version: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)  # the minutes as JSON, transcript included
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ConfirmationRow(Base):
    """发言确认: a speaker was sent their turns, and confirmed (or asked to correct) them."""

    __tablename__ = "confirmations"

    session_id: Mapped[int] = mapped_column(_session_fk(), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"),
                                           primary_key=True)
    status: Mapped[str] = mapped_column(String(16))  # sent | confirmed | corrected
    at: Mapped[datetime] = mapped_column(UtcDateTime)


class MinutesFocusRow(Base):
    """Which session's minutes a person is editing in private chat."""

    __tablename__ = "minutes_focus"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"),
                                           primary_key=True, autoincrement=False)
    session_id: Mapped[int] = mapped_column(_session_fk())


class AuditRow(Base):
    """Who did what, when: moderator and staff actions (facilitation/audit.py). Entries
    outlive their session and the people in them (SET NULL), and hold no names or texts."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    action: Mapped[str] = mapped_column(String(32))
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="SET NULL"), index=True)
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True)
    operator: Mapped[str | None] = mapped_column(Text)  # e.g. "cli:root"
    subject_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True)
    detail: Mapped[str] = mapped_column(Text)  # JSON object of numbers and codes


class InboxRow(Base):
    """A bot update as received, kept until processed (and a while after, for idempotency)."""

    __tablename__ = "inbox"
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    update_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    payload: Mapped[str] = mapped_column(Text)  # the update as JSON text
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    processed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class OutboxRow(Base):
    """A message the bot owes: written in the transaction of the change it reports, sent
    afterwards and marked sent (bot/outbox.py). ``attempt`` holds what was put on the wire,
    so that a send cut off by a crash can be recognised instead of sent again."""

    __tablename__ = "outbox"
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    update_id: Mapped[int | None] = mapped_column(BigInteger)  # the update it answers
    kind: Mapped[str] = mapped_column(String(16))  # "message" (sendMessage) or "ack"
    payload: Mapped[str] = mapped_column(Text)  # JSON: the request, or the acknowledgement
    audio_job_id: Mapped[int | None] = mapped_column(Integer)  # its message id goes there
    # the first message of this session's live board: its message id goes to boards
    board_session_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    attempt: Mapped[str | None] = mapped_column(Text)  # JSON: text, markup, floor
    attempted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    failed: Mapped[str | None] = mapped_column(Text)


class ConsoleLinkRow(Base):
    """A moderator's console on the web (/m/<token>): the token's SHA-256, for one person
    and one session; what it may do is decided live at each action (Session.require_runner)."""

    __tablename__ = "console_links"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"),
                                            index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class RoomNoticeRow(Base):
    """What the group must hear of something done on the web (a call from the console, a
    written submission from a phone): written with the change, sent by the bot
    (bot/room_notices.py) and marked, once."""

    __tablename__ = "room_notices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    key: Mapped[str] = mapped_column(String(32))
    params: Mapped[str] = mapped_column(Text)  # JSON
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    notified_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)


# ------------------------------------------------------ following items up (facilitation.tracking)
class UnitRow(Base):
    """A responsible unit (责任单位) of the directory (facilitation/units.py)."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)  # canonical, written exactly
    level: Mapped[str] = mapped_column(String(16))


class UnitAliasRow(Base):
    """Another name of a unit: an exact name identifies one unit, so aliases are unique
    across units (normalised forms may be shared: see facilitation.units.unit_key)."""

    __tablename__ = "unit_aliases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # keeps the aliases' order
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(64), unique=True)


class UnitLiaisonRow(Base):
    """A unit's liaison (联络员), by Telegram user id; one person may serve several units."""

    __tablename__ = "unit_liaisons"
    __table_args__ = (UniqueConstraint("unit_id", "telegram_user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # keeps the liaisons' order
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, index=True)


class UnitInviteRow(Base):
    """A one-time deep link (/start u_<code>) that makes whoever opens it a liaison of the
    unit, until it expires or is used."""

    __tablename__ = "unit_invites"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_by: Mapped[int | None] = mapped_column(BigInteger)  # the liaison's Telegram user id
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class UnitMappingRow(Base):
    """Staff said once that a written unit name means this unit: one per normalised form."""

    __tablename__ = "unit_mappings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    written: Mapped[str] = mapped_column(Text)
    key: Mapped[str] = mapped_column(Text, unique=True)  # unit_key(written)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class UnknownUnitNameRow(Base):
    """A unit name from minutes no unit answers to, waiting for staff: one per normalised
    form, as first seen."""

    __tablename__ = "unknown_unit_names"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    written: Mapped[str] = mapped_column(Text)
    key: Mapped[str] = mapped_column(Text, unique=True)  # unit_key(written)
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="SET NULL"))
    item_id: Mapped[int | None] = mapped_column(
        ForeignKey("tracked_items.id", ondelete="SET NULL"))
    seen_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    candidates: Mapped[str] = mapped_column(Text)  # unit ids, comma-separated, when ambiguous


class TrackedItemRow(Base):
    """A suggestion or follow-up item of approved minutes, followed up until settled.

    The item is its events (item_events, replayed by facilitation.tracking.replay); these
    columns are a snapshot of the replayed state, written with every save, for queries.
    """

    __tablename__ = "tracked_items"
    __table_args__ = (
        Index("ix_tracked_items_session", "session_id", "seq"),
        Index("ix_tracked_items_unit", "unit_id", "status", "deadline"),
        Index("ix_tracked_items_deadline", "status", "deadline"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(_session_fk())
    kind: Mapped[str] = mapped_column(String(16))
    seq: Mapped[int] = mapped_column(Integer)  # the source turn of the record
    number: Mapped[int | None] = mapped_column(Integer)  # the suggestion's number
    text: Mapped[str] = mapped_column(Text)
    proposers: Mapped[str] = mapped_column(Text)  # names as in the minutes, one per line
    category: Mapped[str | None] = mapped_column(Text)
    # No cascade: a unit with items cannot go.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    unit_name: Mapped[str | None] = mapped_column(Text)  # as written, or as referred
    deadline: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    conversion: Mapped[str | None] = mapped_column(String(16))
    reference: Mapped[str | None] = mapped_column(String(64))
    satisfaction: Mapped[str | None] = mapped_column(String(16))
    reopens: Mapped[int] = mapped_column(Integer)
    settled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    version: Mapped[int | None] = mapped_column(Integer)  # of the minutes
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)  # its first event's time
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)  # its last event's time


class ItemEventRow(Base):
    """One change of a tracked item. Append-only: rows are inserted, never updated, but for
    ``notified_at``, set once the notices the change owes (to liaisons, proposers, the group)
    are written to the outbox, in that same transaction, and for the names in ``detail`` of a
    person who is forgotten (facilitation.tracking: the one rewrite)."""

    __tablename__ = "item_events"
    __table_args__ = (
        UniqueConstraint("item_id", "n"),
        Index("ix_item_events_unnotified", "id",
              sqlite_where=text(EVENT_UNNOTIFIED), postgresql_where=text(EVENT_UNNOTIFIED)),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("tracked_items.id", ondelete="CASCADE"))
    n: Mapped[int] = mapped_column(Integer)  # 1, 2, 3 ... within the item
    kind: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True)
    operator: Mapped[str | None] = mapped_column(Text)  # e.g. "cli:root"
    from_status: Mapped[str | None] = mapped_column(String(16))  # None for "created"
    to_status: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str] = mapped_column(Text)  # JSON object
    notified_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ScheduledReminderRow(Base):
    """A reminder of an item's deadline (facilitation/reminders.py), sent once: the sender
    claims it by setting sent_at where it is still NULL."""

    __tablename__ = "scheduled_reminders"
    __table_args__ = (
        UniqueConstraint("item_id", "key"),
        Index("ix_scheduled_reminders_due", "due_at",
              sqlite_where=text(REMINDER_UNSENT), postgresql_where=text(REMINDER_UNSENT)),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("tracked_items.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))  # e.g. 2026-12-31/before/7
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class RoleGrantRow(Base):
    """A role given to a person (facilitation/roles.py): of one hall, or of every hall
    (hall_chat_id NULL). Revoking deletes the row; the audit log keeps both."""

    __tablename__ = "role_grants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    hall_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    granted_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    operator: Mapped[str | None] = mapped_column(Text)  # e.g. "cli:root"
    granted_at: Mapped[datetime] = mapped_column(UtcDateTime)


class LoginLinkRow(Base):
    """A one-time link to the staff's web pages, sent by /portal: the token's SHA-256, used
    once (used_at set where it is still NULL) before it expires."""

    __tablename__ = "login_links"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # "login" (/portal's link) or "invite" (an admin's invitation to set a password)
    kind: Mapped[str] = mapped_column(String(10), server_default="login")


class WebCredentialRow(Base):
    """A login without Telegram: the person's login name and the argon2 hash of their
    password, set by accepting an admin's invitation."""

    __tablename__ = "web_credentials"
    __table_args__ = (UniqueConstraint("login_name", name="uq_web_credentials_login_name"),)

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    login_name: Mapped[str] = mapped_column(String(40))
    password_hash: Mapped[str] = mapped_column(Text)
    set_at: Mapped[datetime] = mapped_column(UtcDateTime)


class BoardRow(Base):
    """The group's live board of a session (facilitation/board.py): the message the bot edits
    in place. ``message_id`` NULL: its first sending is owed in the outbox (the outbox row
    names the session, and sets it once sent). ``finished``: the closed session's board said
    so; its text is dropped then (it holds names)."""

    __tablename__ = "boards"

    session_id: Mapped[int] = mapped_column(_session_fk(), primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    text: Mapped[str] = mapped_column(Text)
    head: Mapped[str | None] = mapped_column(Text)  # the opening message's own words
    pinned: Mapped[bool] = mapped_column(Boolean, server_default=false())
    finished: Mapped[bool] = mapped_column(Boolean, server_default=false(), index=True)


class ShowcasePageRow(Base):
    """A page of the showcase's 工作制度, written by the office in Markdown."""

    __tablename__ = "showcase_pages"
    __table_args__ = (UniqueConstraint("slug", name="uq_showcase_pages_slug"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    slug: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(80))
    body: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, server_default="0")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ConsultationPlanRow(Base):
    """A consultation a hall plans (协商计划): its topic and date."""

    __tablename__ = "consultation_plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    topic: Mapped[str] = mapped_column(String(120))
    planned_on: Mapped[date] = mapped_column(Date, index=True)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ListedMemberRow(Base):
    """Someone who agreed to be listed under a hall on the showcase's 组织架构; with a person,
    the entry goes when that person is forgotten."""

    __tablename__ = "listed_members"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(60))
    agreed_at: Mapped[datetime] = mapped_column(UtcDateTime)


class SessionPhotoRow(Base):
    """A photo a moderator sent to the group during a session, kept in the data folder (议事堂
    风采); public only once the hall's staff approved it."""

    __tablename__ = "session_photos"
    __table_args__ = (UniqueConstraint("session_id", "message_id",
                                       name="uq_session_photos_message"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    message_id: Mapped[int] = mapped_column(BigInteger)
    path: Mapped[str] = mapped_column(Text)
    caption: Mapped[str | None] = mapped_column(Text)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime)
    shown: Mapped[bool] = mapped_column(Boolean, server_default=false())  # staff approve each
