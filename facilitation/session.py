"""The deliberation session (协商会) in one chat: the aggregate root of the roundtable."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from facilitation.errors import InvalidInput, InvalidState, PermissionDenied
from facilitation.model import (
    ADDRESSEE_MAX_CHARS,
    CONTRIBUTION_MAX_CHARS,
    MAX_TURN_SECONDS,
    MIN_TURN_SECONDS,
    TOPIC_MAX_CHARS,
    Attendance,
    Contribution,
    ContributionKind,
    ContributionStatus,
    Hand,
    HandStatus,
    ParticipantKind,
    Person,
    SessionStatus,
    SignInMethod,
    Source,
    Turn,
    TurnKind,
    clean_text,
)


@dataclass
class Session:
    """A deliberation session (协商会) held in one chat: the aggregate root."""

    chat_id: int
    code: str
    topic: str
    moderator_id: int
    created_at: datetime
    turn_limit_s: int
    status: SessionStatus = SessionStatus.CREATED
    language: str = "zh"
    hall: str | None = None
    signin_opened_at: datetime | None = None
    started_at: datetime | None = None
    closed_at: datetime | None = None
    next_hand_seq: int = 1
    next_contribution_seq: int = 1
    screen_code: str | None = None  # the room's screen on the web: unguessable, unique
    closing_shown_at: datetime | None = None  # the moderator showed the closing on the screen
    web_signin_open: bool = True  # newcomers may sign in on the phone page (the console says)
    id: int | None = None
    events: list[str] = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def create(
        cls,
        *,
        chat_id: int,
        code: str,
        topic: str,
        moderator: Person,
        now: datetime,
        turn_limit_s: int,
        language: str = "zh",
    ) -> Session:
        cleaned = clean_text(topic, limit=TOPIC_MAX_CHARS, field_name="topic", required=True)
        if moderator.id is None:
            raise InvalidState("person_not_stored")
        check_turn_limit(turn_limit_s)
        return cls(
            chat_id=chat_id,
            code=code,
            topic=cleaned or "",
            moderator_id=moderator.id,
            created_at=now,
            turn_limit_s=turn_limit_s,
            language=language,
        )

    # --- roles -------------------------------------------------------------------------
    def can_run(self, person: Person, *, staff: bool = False) -> bool:
        """The session's moderator, or staff. ``staff`` is decided live by the caller, at
        this action, from the role grants and configuration (``services.may_run``); nothing kept
        says it."""
        return person.id == self.moderator_id or staff

    def require_runner(self, person: Person, *, staff: bool = False) -> None:
        if not self.can_run(person, staff=staff):
            raise PermissionDenied("not_moderator")

    # --- life cycle --------------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        return self.status in (SessionStatus.SIGNIN_OPEN, SessionStatus.IN_PROGRESS)

    def require_open(self) -> None:
        if not self.is_open:
            raise InvalidState("session_closed" if self.status == SessionStatus.CLOSED
                               else "signin_not_open")

    def open_signin(self, now: datetime) -> None:
        if self.status != SessionStatus.CREATED:
            raise InvalidState("signin_already_open")
        self.status = SessionStatus.SIGNIN_OPEN
        self.signin_opened_at = now

    def start(self, now: datetime) -> None:
        if self.status == SessionStatus.SIGNIN_OPEN:
            self.status = SessionStatus.IN_PROGRESS
            self.started_at = now

    def close(self, actor: Person, now: datetime, current: Turn | None, *,
              staff: bool = False) -> Turn | None:
        """Close the session; ends the turn in progress (returned) if there is one."""
        self.require_runner(actor, staff=staff)
        if self.status == SessionStatus.CLOSED:
            raise InvalidState("session_closed")
        if current is not None and current.active:
            current.end(now)
        self.status = SessionStatus.CLOSED
        self.closed_at = now
        return current

    def set_turn_limit(self, actor: Person, seconds: int, *, staff: bool = False) -> None:
        self.require_runner(actor, staff=staff)
        self.require_open()
        check_turn_limit(seconds)
        self.turn_limit_s = seconds

    # --- attendance --------------------------------------------------------------------
    def sign_in(
        self,
        person: Person,
        now: datetime,
        *,
        method: SignInMethod,
        existing: Attendance | None,
        remote: bool = False,
        proxy_by: Person | None = None,
        staff: bool = False,
    ) -> tuple[Attendance, bool]:
        """Sign a person in; returns the attendance and whether anything changed."""
        self.require_open()
        if proxy_by is not None:
            self.require_runner(proxy_by, staff=staff)
        if existing is not None:
            if existing.present and existing.remote == remote:
                return existing, False
            existing.left_at = None
            existing.remote = remote
            return existing, True
        if self.id is None or person.id is None:
            raise InvalidState("not_stored")
        kind = ParticipantKind.MODERATOR if person.id == self.moderator_id else person.kind
        attendance = Attendance(
            session_id=self.id,
            person_id=person.id,
            name=person.display_name,
            kind=kind,
            sector=person.sector,
            unit=person.unit,
            signed_in_at=now,
            method=method,
            remote=remote,
            late=self.status == SessionStatus.IN_PROGRESS,
            proxy_by=proxy_by.id if proxy_by is not None else None,
        )
        return attendance, True

    def sign_out(self, attendance: Attendance | None, now: datetime) -> Attendance:
        self.require_open()
        if attendance is None or not attendance.present:
            raise InvalidState("not_signed_in")
        attendance.left_at = now
        return attendance

    # --- the speaker queue -------------------------------------------------------------
    def raise_hand(
        self,
        attendance: Attendance | None,
        pending: Hand | None,
        kind: TurnKind,
        addressee: str | None,
        now: datetime,
        *,
        answers_hand_id: int | None = None,
    ) -> Hand:
        self.require_open()
        if attendance is None or not attendance.present:
            raise InvalidState("not_signed_in")
        if pending is not None:
            raise InvalidState("hand_already_raised", position_kind=str(pending.kind))
        addressee = clean_text(
            addressee, limit=ADDRESSEE_MAX_CHARS, field_name="addressee", required=False
        )
        if kind not in (TurnKind.QUESTION, TurnKind.RESPONSE):
            addressee = None
        assert self.id is not None
        hand = Hand(
            session_id=self.id,
            person_id=attendance.person_id,
            kind=kind,
            seq=self.next_hand_seq,
            raised_at=now,
            addressee=addressee,
            answers_hand_id=answers_hand_id if kind == TurnKind.RESPONSE else None,
        )
        self.next_hand_seq += 1
        return hand

    def requeue(self, hand: Hand) -> None:
        """Send a hand to the back of the queue (the moderator skipped it)."""
        hand.seq = self.next_hand_seq
        hand.priority = 0
        self.next_hand_seq += 1

    def call(self, actor: Person, hand: Hand, current: Turn | None, now: datetime,
             answers_turn_id: int | None = None, *, staff: bool = False) -> Turn:
        """Give the floor to ``hand``'s owner; the turn in progress, if any, ends now."""
        self.require_runner(actor, staff=staff)
        self.require_open()
        if hand.status != HandStatus.PENDING:
            raise InvalidState("hand_not_pending")
        if current is not None and current.active:
            current.end(now)
        self.start(now)
        hand.status = HandStatus.CALLED
        assert self.id is not None
        return Turn(
            session_id=self.id,
            person_id=hand.person_id,
            kind=hand.kind,
            started_at=now,
            limit_s=self.turn_limit_s,
            hand_id=hand.id,
            addressee=hand.addressee,
            answers_turn_id=answers_turn_id,
        )

    def end_turn(self, actor: Person, turn: Turn | None, now: datetime, *,
                 staff: bool = False) -> Turn:
        if turn is None or not turn.active:
            raise InvalidState("no_current_speaker")
        if actor.id != turn.person_id and not self.can_run(actor, staff=staff):
            raise PermissionDenied("not_speaker")
        turn.end(now)
        return turn

    # --- the record --------------------------------------------------------------------
    def record(
        self,
        *,
        person: Person | None,
        speaker_name: str,
        kind: ContributionKind,
        source: Source,
        text: str,
        now: datetime,
        turn: Turn | None = None,
        chat_id: int | None = None,
        message_id: int | None = None,
        duration_s: float | None = None,
        pending: bool = False,
        after_close: bool = False,
    ) -> Contribution:
        """Add an utterance; ``pending`` reserves its place while its audio is transcribed."""
        if not after_close:
            self.require_open()
        body = (text or "").strip()
        if not body and not pending:
            raise InvalidInput("empty_field", field="text")
        if len(body) > CONTRIBUTION_MAX_CHARS:
            raise InvalidInput("too_long", field="text", limit=CONTRIBUTION_MAX_CHARS,
                               length=len(body))
        assert self.id is not None
        contribution = Contribution(
            session_id=self.id,
            seq=self.next_contribution_seq,
            person_id=person.id if person is not None else None,
            speaker_name=speaker_name,
            kind=kind,
            source=source,
            text=body,
            at=now,
            turn_id=turn.id if turn is not None else None,
            addressed_to=turn.addressee if turn is not None else None,
            chat_id=chat_id,
            message_id=message_id,
            duration_s=duration_s,
            status=ContributionStatus.PENDING if pending else ContributionStatus.FINAL,
        )
        self.next_contribution_seq += 1
        return contribution


def check_turn_limit(seconds: int) -> None:
    if not MIN_TURN_SECONDS <= seconds <= MAX_TURN_SECONDS:
        raise InvalidInput("bad_turn_limit", low=MIN_TURN_SECONDS, high=MAX_TURN_SECONDS)
