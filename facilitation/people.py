"""A person's data on request: find them, export everything stored about them, forget them.

Forgetting erases who they are and keeps what they did: the person row stays (sessions,
counts and the audit log point at it) under a label, ``匿名发言人<id>``, that replaces their
name everywhere it is stored in the sessions they took part in: their sign-ins and turns,
the texts of everyone's turns, the draft edits, the approved minutes kept in the database
(so the bot never sends their name again, in the full or the public version; copies already
sent out cannot be recalled), and the tracked items made from those minutes: their texts and
proposers, and the texts of their histories (the one rewrite of an item's events:
facilitation/tracking.py). Their Telegram identity goes (user id, language, the stored
updates showing them), and so do their profile fields (界别; 单位 too, except a department's:
it is the office they spoke for, which follow-up items name) and their audio files. A turn
still waiting for its transcript is dropped. Forgetting twice changes nothing more.

Only staff may do this in the chat; the command line (an operator with access to the
server) may too. Both go through these use cases, and both are written to the audit log.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime

from facilitation.audit import AuditAction, AuditEntry, Operator, audit_entry
from facilitation.errors import InvalidInput, NotFound, PermissionDenied
from facilitation.model import (
    ContributionStatus,
    JobStatus,
    ParticipantKind,
    Person,
)
from facilitation.ports import AudioFiles, Footprint, TrackingUnitOfWork, UnitOfWork
from facilitation.redact import (
    Rename,
    name_forms,
    redact_contribution,
    redact_item,
    redact_value,
    renamer,
    replaced_forms,
)
from facilitation.services import Actor, person_for, standing_of_actor

LABEL = "匿名发言人{id}"


@dataclass(frozen=True)
class PersonRef:
    """How a request names the person: by our id, their Telegram id, or a name."""

    person_id: int | None = None
    telegram_user_id: int | None = None
    name: str | None = None

    @classmethod
    def said(cls, text: str) -> PersonRef | None:
        """As typed: ``#12`` (our id), digits (a Telegram id) or a name; None for nothing."""
        said = text.strip()
        number = said.removeprefix("#")
        if number.isascii() and number.isdigit() and len(number) <= 15:
            return cls(person_id=int(number)) if said.startswith("#") else cls(
                telegram_user_id=int(number))
        return cls(name=said[:60]) if said else None

    def __str__(self) -> str:
        if self.person_id is not None:
            return f"#{self.person_id}"
        if self.telegram_user_id is not None:
            return str(self.telegram_user_id)
        return self.name or "?"


@dataclass(frozen=True)
class Forgotten:
    person_id: int
    label: str
    already: bool  # forgotten before: nothing was changed
    sessions: int = 0
    sign_ins: int = 0
    turns: int = 0  # contributions of theirs, kept under the label
    audio_files: int = 0  # deleted
    texts: int = 0  # contributions (theirs and others') whose text named them
    versions: int = 0  # approved minutes versions rewritten
    updates: int = 0  # stored bot updates emptied
    items: int = 0  # tracked items whose texts (now or in their history) named them
    roles: int = 0  # role grants revoked (a forgotten person holds no role)
    listed: int = 0  # entries naming them on the showcase's 组织架构, removed


Requester = Actor | Operator


async def require_admin(uow: UnitOfWork, by: Requester) -> None:
    """The one check of these use cases: an admin (the office: a grant, or configuration's
    list), read now inside the open unit of work; an operator of the command line is
    trusted. Someone's whole record, and the audit log, span every hall."""
    if isinstance(by, Actor) and not (await standing_of_actor(uow, by)).is_admin:
        raise PermissionDenied("not_admin")


async def _find(uow: UnitOfWork, ref: PersonRef) -> Person:
    if ref.person_id is not None:
        found = await uow.people.get(ref.person_id)
    elif ref.telegram_user_id is not None:
        found = await uow.people.by_telegram_id(ref.telegram_user_id)
    else:
        named = await uow.personal.named((ref.name or "").strip()) if ref.name else []
        if len(named) > 1:
            raise InvalidInput("person_ambiguous", ref=str(ref), n=len(named),
                               ids="、".join(f"#{p.id}" for p in named))
        found = named[0] if named else None
    if found is None or found.id is None:
        raise NotFound("person_not_found", ref=str(ref))
    return found


async def _by(uow: UnitOfWork, by: Requester) -> Person | Operator:
    return by if isinstance(by, Operator) else await person_for(uow, by)


async def footprint(uow: UnitOfWork, *, ref: PersonRef, by: Requester) -> Footprint:
    """What is stored about the person (read only: what a confirmation shows)."""
    async with uow:
        await require_admin(uow, by)
        return await uow.personal.footprint(await _find(uow, ref))


async def export_person(uow: UnitOfWork, *, ref: PersonRef, by: Requester,
                        now: datetime) -> Footprint:
    """Everything stored about the person; the export itself goes to the audit log."""
    async with uow:
        await require_admin(uow, by)
        person = await _find(uow, ref)
        await uow.audit.add(audit_entry(AuditAction.EXPORTED, await _by(uow, by), at=now,
                                        subject_id=person.id))
        found = await uow.personal.footprint(person)  # the export shows itself logged
        await uow.commit()
        return found


async def forget_person(uow: TrackingUnitOfWork, *, ref: PersonRef, by: Requester,
                        now: datetime, audio: AudioFiles) -> Forgotten:
    """Erase the person's identity and keep what they did (see the module's doc). Audio
    files go before the commit: if it fails, forgetting again finds everything to do."""
    async with uow:
        await require_admin(uow, by)
        person = await _find(uow, ref)
        assert person.id is not None
        label = LABEL.format(id=person.id)
        if person.forgotten_at is not None:
            return Forgotten(person.id, label, already=True)
        found = await uow.personal.footprint(person)
        actor = await _by(uow, by)  # before the erasing: staff may forget themselves
        names = found.names
        counts = await _rewrite_sessions(uow, found, label, renamer(names, label))
        await _erase_sign_ins(uow, found, label)
        counts["audio_files"] = await _erase_audio(uow, found, audio, now)
        for grant in found.roles:  # nobody acts under a forgotten identity
            assert grant.id is not None
            await uow.roles.remove(grant.id)
        if found.roles:
            counts["roles"] = len(found.roles)
        if listed := await uow.showcase.unlist(
                person.id, {form for name in names for form in name_forms(name)}):
            counts["listed"] = listed  # the showcase's 组织架构: named there no more
        telegram_user_id = person.telegram_user_id
        _erase_person(person, label, now)
        await uow.people.save(person)
        await uow.web.set_token(person.id, None)  # a browser on the phone page: signed out
        await uow.roles.drop_credentials(person.id)  # a login without Telegram: gone
        counts["updates"] = await uow.personal.forget_updates(telegram_user_id,
                                                              replaced_forms(names, label))
        await uow.audit.add(audit_entry(AuditAction.FORGOT, actor, at=now,
                                        subject_id=person.id, **counts))
        await uow.commit()
        return Forgotten(person.id, label, already=False, **counts)


async def _rewrite_sessions(uow: TrackingUnitOfWork, found: Footprint, label: str,
                            rename: Rename) -> dict[str, int]:
    """Their names out of the record, the minutes and the tracked items of every session
    they touched."""
    assert found.person.id is not None
    counts = {"sessions": len(found.sessions), "sign_ins": len(found.attendance),
              "turns": len(found.contributions), "texts": 0, "versions": 0, "items": 0}
    for session in found.sessions:  # one writer per session, in a fixed order
        assert session.id is not None
        await uow.sessions.lock(session.id)
    for session in found.sessions:
        assert session.id is not None
        counts["texts"] += await _redact_record(uow, session.id, found.person.id, label, rename)
        counts["versions"] += await _redact_minutes(uow, session.id, rename)
        counts["items"] += await _redact_items(uow, session.id, rename)
        for photo in await uow.showcase.photos_of([session.id], shown_only=False):
            if photo.caption and (caption := rename(photo.caption)) != photo.caption:
                assert photo.id is not None
                await uow.showcase.set_caption(photo.id, caption)
        board = await uow.boards.get(session.id)  # the live board's stored words
        if board is not None:
            await uow.boards.put(replace(board, text=rename(board.text), head=(
                rename(board.head) if board.head is not None else None)))
    return counts


def _keeps_unit(kind: ParticipantKind) -> bool:
    return kind == ParticipantKind.DEPARTMENT


def _erase_person(person: Person, label: str, now: datetime) -> None:
    person.display_name = label
    person.telegram_user_id = None
    person.language = None
    person.sector = None
    person.unit = person.unit if _keeps_unit(person.kind) else None
    person.has_profile = True  # nothing the platform says may name them again
    person.forgotten_at = now


async def _erase_sign_ins(uow: UnitOfWork, found: Footprint, label: str) -> None:
    for attendance in found.attendance:
        attendance.name = label
        attendance.sector = None
        attendance.unit = attendance.unit if _keeps_unit(attendance.kind) else None
        await uow.attendance.save(attendance)


async def _erase_audio(uow: UnitOfWork, found: Footprint, audio: AudioFiles,
                       now: datetime) -> int:
    """Delete their kept audio and what fetches it again from Telegram (the file id);
    audio still waiting to be transcribed is dropped. How many files were deleted."""
    deleted = 0
    for job in found.audio_jobs:
        if job.audio_path:
            deleted += int(await audio.delete(job.audio_path))
        job.audio_path, job.file_id, job.file_unique_id = None, "", None
        if job.status == JobStatus.PENDING:
            job.finish(JobStatus.DROPPED, now, "forgotten")
        await uow.audio_jobs.save(job)
    return deleted


async def _redact_record(uow: UnitOfWork, session_id: int, person_id: int, label: str,
                         rename: Rename) -> int:
    """Their turns under the label, their names out of every text of the session; how many
    turns' texts named them."""
    named = 0
    for c in await uow.contributions.list(session_id):
        theirs = c.person_id == person_id
        text_before = (c.text, c.original_text, c.addressed_to, c.segments)
        changed = redact_contribution(c, rename, speaker=label if theirs else None)
        named += text_before != (c.text, c.original_text, c.addressed_to, c.segments)
        if theirs and c.status == ContributionStatus.PENDING:
            c.status, changed = ContributionStatus.DROPPED, True
        if changed:
            await uow.contributions.save(c)
    for hand in await uow.personal.hands(session_id):
        if hand.addressee and (renamed := rename(hand.addressee)) != hand.addressee:
            hand.addressee = renamed
            await uow.hands.save(hand)
    for turn in await uow.turns.list(session_id):
        if turn.addressee and (renamed := rename(turn.addressee)) != turn.addressee:
            turn.addressee = renamed
            await uow.turns.save(turn)
    return named


async def _redact_minutes(uow: UnitOfWork, session_id: int, rename: Rename) -> int:
    """Names out of the draft edits and the approved versions; how many versions changed."""
    for edit in await uow.minutes.edits(session_id):
        payload = redact_value(edit.payload, rename)
        if payload != edit.payload and edit.id is not None:
            await uow.personal.set_edit_payload(edit.id, payload)
    changed = 0
    for version in await uow.personal.versions(session_id):
        body = json.loads(version.body)
        redacted = redact_value(body, rename)
        if redacted != body:
            await uow.personal.set_version_body(
                session_id, version.version,
                json.dumps(redacted, ensure_ascii=False, sort_keys=True))
            changed += 1
    return changed


async def _redact_items(uow: TrackingUnitOfWork, session_id: int, rename: Rename) -> int:
    """Names out of the session's tracked items, their snapshots and their events' texts,
    each item locked first; how many items changed."""
    changed = 0
    for listed in await uow.tracked.for_session(session_id):
        assert listed.id is not None
        item = await uow.tracked.lock(listed.id)
        redacted = redact_item(item, rename) if item is not None else None
        if redacted is not None:
            await uow.tracked.redact(redacted)
            changed += 1
    return changed


@dataclass(frozen=True)
class AuditLine:
    entry: AuditEntry
    actor: str  # the person's name now (a label once forgotten), or the operator
    subject: str | None


async def read_audit(uow: UnitOfWork, *, by: Requester, session_id: int | None = None,
                     since: datetime | None = None, limit: int = 1000) -> list[AuditLine]:
    """The audit log, the oldest first, with the names of the people in it."""
    async with uow:
        await require_admin(uow, by)
        entries = await uow.audit.entries(session_id=session_id, since=since, limit=limit)
        ids = {i for e in entries for i in (e.actor_id, e.subject_id) if i is not None}
        people = await uow.people.get_many(sorted(ids))

    def name(person_id: int | None) -> str | None:
        person = people.get(person_id) if person_id is not None else None
        return person.display_name if person else None

    return [AuditLine(e, name(e.actor_id) or e.operator or "?", name(e.subject_id))
            for e in entries]
