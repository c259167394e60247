"""What people do to a session's minutes: mark contributions live, correct turns, edit the
draft, confirm their own turns (发言确认), approve a version. Compiling the minutes from the
record is transcripts.minutes' job; this module records the decisions, with their rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from facilitation.audit import AuditAction, audit_entry
from facilitation.draft_edits import CorrectTurn, DraftEdit, to_payload
from facilitation.errors import InvalidInput, InvalidState, NotFound, PermissionDenied
from facilitation.model import (
    CONTRIBUTION_MAX_CHARS,
    ConfirmationStatus,
    Contribution,
    ContributionStatus,
    Mark,
    MinutesEdit,
    MinutesVersion,
    Person,
    SessionStatus,
    clean_text,
)
from facilitation.ports import UnitOfWork
from facilitation.review import turn_needs_review
from facilitation.services import Actor, may_run, person_for, reachable
from facilitation.session import Session


@dataclass(frozen=True)
class Editor:
    session: Session
    person: Person | None  # staff may edit without ever having taken part
    may_edit: bool  # moderator of the session or staff; a speaker may only fix own turns

    @property
    def person_id(self) -> int | None:
        return self.person.id if self.person else None


async def _editor(uow: UnitOfWork, session_id: int, actor: Actor) -> Editor:
    session = await uow.sessions.get(session_id)
    if session is None:
        raise NotFound("no_session")
    person = await uow.people.by_telegram_id(actor.user_id) if actor.has_private_chat else None
    may_edit = await may_run(uow, actor, session, person)
    if person is None and not may_edit:
        raise PermissionDenied("not_moderator")
    return Editor(session, person, may_edit)


async def _closed_for_editor(uow: UnitOfWork, session_id: int, actor: Actor) -> Editor:
    """The moderator or staff, on a closed session: who may edit, confirm and approve."""
    editor = await _editor(uow, session_id, actor)
    if not editor.may_edit:
        raise PermissionDenied("not_moderator")
    if editor.session.status != SessionStatus.CLOSED:
        raise InvalidState("session_not_closed")
    return editor


async def _contribution(uow: UnitOfWork, session_id: int, seq: int) -> Contribution:
    for c in await uow.contributions.list(session_id):
        if c.seq == seq and c.final:
            return c
    raise NotFound("no_such_turn", seq=seq)


async def toggle_mark(uow: UnitOfWork, *, contribution_id: int, mark: Mark,
                      actor: Actor) -> Contribution:
    """The moderator's inline button: set the mark, or clear it when set."""
    async with uow:
        contribution = await uow.contributions.get(contribution_id)
        if contribution is None:
            raise NotFound("no_such_turn", seq="?")
        editor = await _editor(uow, contribution.session_id, actor)
        if not editor.may_edit:
            raise PermissionDenied("not_moderator")
        await uow.sessions.lock(contribution.session_id)  # one writer of marks at a time
        contribution = await uow.contributions.get(contribution_id) or contribution
        contribution.toggle_mark(mark)
        await uow.contributions.save(contribution)
        await uow.commit()
        return contribution


async def correct_turn(uow: UnitOfWork, *, session_id: int, seq: int, text: str,
                       actor: Actor, now: datetime) -> Contribution:
    """Correct the transcript of a turn: the moderator, staff, or the speaker themselves."""
    clean = clean_text(text, limit=CONTRIBUTION_MAX_CHARS, field_name="text", required=True)
    assert clean is not None
    async with uow:
        editor = await _editor(uow, session_id, actor)
        contribution = await _contribution(uow, session_id, seq)
        own = editor.person_id is not None and contribution.person_id == editor.person_id
        if not editor.may_edit and not own:
            raise PermissionDenied("not_your_turn")
        await record_correction(uow, contribution, clean, editor=editor.person, actor=actor,
                                own=own, now=now)
        await uow.commit()
        return contribution


async def record_correction(uow: UnitOfWork, contribution: Contribution, text: str, *,
                            editor: Person | None, actor: Actor, own: bool,
                            now: datetime, **audit_detail: Any) -> None:
    """Correct a turn inside a unit of work, as /fix does: the original kept, the correction
    stored as an edit of the minutes (so a draft compiled after an approval differs from
    it), audited, and the speaker's 发言确认 brought up to date."""
    session_id = contribution.session_id
    contribution.correct(text)
    await uow.contributions.save(contribution)
    op, payload = to_payload(CorrectTurn(contribution.seq, text))
    editor_id = editor.id if editor else None
    await uow.minutes.add_edit(MinutesEdit(session_id, op, payload, editor_id, now))
    await uow.audit.add(audit_entry(
        AuditAction.FIXED, editor or await person_for(uow, actor), session_id=session_id,
        at=now, subject_id=contribution.person_id, seq=contribution.seq, **audit_detail))
    if own and editor_id is not None:
        await uow.minutes.set_confirmation(session_id, editor_id,
                                           ConfirmationStatus.CORRECTED, now)
    elif contribution.person_id is not None:  # the speaker must look again
        asked = await uow.minutes.confirmations(session_id)
        if contribution.person_id in asked:
            await uow.minutes.set_confirmation(session_id, contribution.person_id,
                                               ConfirmationStatus.SENT, now)


async def edit_draft(uow: UnitOfWork, *, session_id: int, edit: DraftEdit, actor: Actor,
                     now: datetime) -> None:
    """Record an edit of a closed session's draft: its moderator or staff."""
    async with uow:
        editor = await _closed_for_editor(uow, session_id, actor)
        op, payload = to_payload(edit)
        await uow.minutes.add_edit(MinutesEdit(session_id, op, payload, editor.person_id, now))
        await uow.audit.add(audit_entry(
            AuditAction.EDITED, editor.person or await person_for(uow, actor),
            session_id=session_id, at=now, op=op.value))
        await uow.commit()


class UnreviewedTurns(InvalidState):
    """Turns marked 待核对 that nobody checked: approving needs ``anyway``."""

    code = "minutes_unreviewed"  # params: n, turns ("#3、#7")

    def __init__(self, seqs: list[int]) -> None:
        super().__init__(n=len(seqs), turns="、".join(f"#{seq}" for seq in seqs))
        self.seqs = tuple(seqs)


async def unreviewed_turns(uow: UnitOfWork, session_id: int) -> list[int]:
    """Seqs of the turns still 待核对 (facilitation.review), inside a unit of work."""
    confirmations = await uow.minutes.confirmations(session_id)
    confirmed = {p for p, status in confirmations.items()
                 if status == ConfirmationStatus.CONFIRMED}
    return [c.seq for c in await uow.contributions.list(session_id)
            if c.final and turn_needs_review(c, confirmed)]


async def approve(uow: UnitOfWork, *, session_id: int, body: str, actor: Actor,
                  now: datetime, anyway: bool = False) -> int:
    """Freeze the draft as the next version; the number of the new version. With turns still
    待核对, only ``anyway`` (the editor saw how many and said so) approves."""
    async with uow:
        editor = await _closed_for_editor(uow, session_id, actor)
        await uow.sessions.lock(session_id)  # approvals of one session one at a time
        pending = [c for c in await uow.contributions.list(session_id)
                   if c.status == ContributionStatus.PENDING]
        if pending:
            raise InvalidState("minutes_pending_audio", n=len(pending))
        if not anyway and (unchecked := await unreviewed_turns(uow, session_id)):
            raise UnreviewedTurns(unchecked)
        latest = await uow.minutes.latest_version(session_id)
        if latest is not None and latest.body == body:
            raise InvalidState("minutes_unchanged", version=latest.version)
        number = latest.version + 1 if latest else 1
        await uow.minutes.add_version(MinutesVersion(session_id, number, body,
                                                     editor.person_id, now))
        await uow.audit.add(audit_entry(
            AuditAction.APPROVED, editor.person or await person_for(uow, actor),
            session_id=session_id, at=now, version=number))
        await uow.commit()
        return number


async def confirm_turns(uow: UnitOfWork, *, session_id: int, actor: Actor,
                        now: datetime) -> None:
    """A speaker confirms that their turns in the draft are right."""
    async with uow:
        person = await uow.people.by_telegram_id(actor.user_id)
        if person is None or person.id is None:
            raise PermissionDenied("not_your_turn")
        spoken = [c for c in await uow.contributions.list(session_id)
                  if c.person_id == person.id and c.final]
        if not spoken:
            raise PermissionDenied("not_your_turn")
        await uow.minutes.set_confirmation(session_id, person.id,
                                           ConfirmationStatus.CONFIRMED, now)
        await uow.commit()


async def focus_on(uow: UnitOfWork, *, session_id: int, actor: Actor) -> Session:
    """Choose the session whose minutes the next edit commands in private chat apply to."""
    async with uow:
        editor = await _editor(uow, session_id, actor)
        if not editor.may_edit:
            raise PermissionDenied("not_moderator")
        person = editor.person or await person_for(uow, actor)  # staff new to the bot
        assert person.id is not None
        await uow.minutes.set_focus(person.id, session_id)
        await uow.commit()
        return editor.session


def require_text(value: str, field: str, limit: int = 2000) -> str:
    clean = clean_text(value, limit=limit, field_name=field, required=True)
    if clean is None:
        raise InvalidInput("empty_field", field=field)
    return clean


@dataclass(frozen=True)
class Recipient:
    """A speaker to be sent their own turns for 发言确认."""

    person_id: int
    telegram_user_id: int
    name: str
    turns: tuple[Contribution, ...]
    unchecked: frozenset[int] = frozenset()  # seqs of their turns marked 待核对


async def request_confirmations(uow: UnitOfWork, *, session_id: int, actor: Actor
                                ) -> tuple[list[Recipient], list[str]]:
    """Everyone with a turn who can be reached in private chat, and the names of those who
    cannot (signed in by proxy)."""
    async with uow:
        await _closed_for_editor(uow, session_id, actor)
        turns: dict[int, list[Contribution]] = {}
        for c in await uow.contributions.list(session_id):
            if c.final and c.person_id is not None:
                turns.setdefault(c.person_id, []).append(c)
        people = await uow.people.get_many(list(turns))
    recipients, unreachable = [], []
    for person_id, spoken in turns.items():
        person = people.get(person_id)
        if person is None or not reachable(person.telegram_user_id):
            unreachable.append(spoken[0].speaker_name)
        else:
            unchecked = frozenset(c.seq for c in spoken if turn_needs_review(c, ()))
            assert person.telegram_user_id is not None
            recipients.append(Recipient(person_id, person.telegram_user_id,
                                        spoken[0].speaker_name, tuple(spoken), unchecked))
    return recipients, unreachable


async def confirmations_sent(uow: UnitOfWork, *, session_id: int, person_ids: list[int],
                             now: datetime) -> None:
    """Record who was actually sent their turns (a confirmed speaker stays confirmed)."""
    async with uow:
        done = await uow.minutes.confirmations(session_id)
        for person_id in person_ids:
            if done.get(person_id) != ConfirmationStatus.CONFIRMED:
                await uow.minutes.set_confirmation(session_id, person_id,
                                                   ConfirmationStatus.SENT, now)
        await uow.commit()


async def start_correcting(uow: UnitOfWork, *, session_id: int, actor: Actor) -> Session:
    """A speaker pressed 我要更正: their next /fix applies to this session."""
    async with uow:
        session = await uow.sessions.get(session_id)
        person = await uow.people.by_telegram_id(actor.user_id)
        if session is None or person is None or person.id is None:
            raise PermissionDenied("not_your_turn")
        if not any(c.person_id == person.id for c in await uow.contributions.list(session_id)):
            raise PermissionDenied("not_your_turn")
        await uow.minutes.set_focus(person.id, session_id)
        await uow.commit()
        return session


async def require_editor(uow: UnitOfWork, *, session_id: int, actor: Actor) -> None:
    """Drafts are internal until approved: only the moderator and staff see them."""
    async with uow:
        if not (await _editor(uow, session_id, actor)).may_edit:
            raise PermissionDenied("not_moderator")


async def may_edit_minutes(uow: UnitOfWork, *, session_id: int, actor: Actor) -> bool:
    """Whether the person may see and edit the session's draft (``require_editor``'s rule),
    for a page that offers the draft only to them."""
    async with uow:
        try:
            return (await _editor(uow, session_id, actor)).may_edit
        except (NotFound, PermissionDenied):
            return False


async def focused_session(uow: UnitOfWork, *, actor: Actor) -> int:
    """The session whose minutes this person's private edit commands apply to."""
    async with uow:
        person = await uow.people.by_telegram_id(actor.user_id)
        session_id = await uow.minutes.focus(person.id) if person and person.id else None
    if session_id is None:
        raise NotFound("no_minutes_focus")
    return session_id
