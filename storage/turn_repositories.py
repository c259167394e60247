"""Repositories of the floor's record: turns, contributions and audio jobs (see
repositories.py: Core statements, no identity map)."""

from __future__ import annotations

import builtins
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Select, and_, func, select

from facilitation.model import (
    DEFAULT_NUMBERING,
    AskedQuestion,
    AudioJob,
    AudioKind,
    Contribution,
    ContributionKind,
    ContributionStatus,
    HallDocument,
    JobStatus,
    SessionStatus,
    Turn,
    TurnKind,
)
from storage import mapping, search
from storage.repositories import SESSIONS, RowRepository, table_of
from storage.rows import AudioJobRow, ContributionRow, HallRow, TurnRow

_CLOSED = SessionStatus.CLOSED.value
_PENDING = JobStatus.PENDING.value
TURNS = table_of(TurnRow)
CONTRIBUTIONS = table_of(ContributionRow)
AUDIO_JOBS = table_of(AudioJobRow)
HALLS = table_of(HallRow)


def _in_order(statement: Select[Any]) -> Select[Any]:
    return statement.order_by(TURNS.c.started_at, TURNS.c.id)


class SqlAlchemyTurnRepository(RowRepository):
    async def get(self, turn_id: int) -> Turn | None:
        return await self._by_id(TURNS, turn_id, mapping.to_turn)

    async def current(self, session_id: int) -> Turn | None:
        """The turn in progress (at most one per session, by a partial unique index)."""
        return await self._one(
            select(TURNS).where(TURNS.c.session_id == session_id, TURNS.c.ended_at.is_(None)),
            mapping.to_turn)

    async def recent(self, session_id: int, limit: int = 10) -> list[Turn]:
        """The session's last ``limit`` turns, the newest first."""
        return await self._all(
            select(TURNS).where(TURNS.c.session_id == session_id)
            .order_by(TURNS.c.started_at.desc(), TURNS.c.id.desc()).limit(limit),
            mapping.to_turn)

    async def spoken_counts(self, session_id: int) -> dict[int, int]:
        """Turns had so far (the one in progress included), by person id."""
        result = await self._session.execute(
            select(TURNS.c.person_id, func.count())
            .where(TURNS.c.session_id == session_id)
            .group_by(TURNS.c.person_id)
        )
        return {person_id: count for person_id, count in result}

    async def questions(self, session_id: int, statuses: Collection[ContributionStatus],
                        limit: int = 20) -> list[AskedQuestion]:
        # one statement: the last question turns (by the session_id index), each joined to
        # its asker's question contributions; the first of them by seq is the question's text
        asked = (select(TURNS.c.id, TURNS.c.hand_id, TURNS.c.person_id, TURNS.c.addressee,
                        TURNS.c.started_at)
                 .where(TURNS.c.session_id == session_id,
                        TURNS.c.kind == TurnKind.QUESTION.value)
                 .order_by(TURNS.c.started_at.desc(), TURNS.c.id.desc())
                 .limit(limit).subquery())
        said = and_(CONTRIBUTIONS.c.turn_id == asked.c.id,
                    CONTRIBUTIONS.c.person_id == asked.c.person_id,
                    CONTRIBUTIONS.c.kind == ContributionKind.QUESTION.value,
                    CONTRIBUTIONS.c.status.in_([s.value for s in statuses]))
        result = await self._session.execute(
            select(asked, CONTRIBUTIONS.c.text)
            .select_from(asked.outerjoin(CONTRIBUTIONS, said))
            .order_by(asked.c.started_at.desc(), asked.c.id.desc(), CONTRIBUTIONS.c.seq))
        found: dict[int, AskedQuestion] = {}
        for r in result:
            if r.id not in found:  # the first row of a turn: its first contribution
                found[r.id] = AskedQuestion(r.id, r.hand_id, r.person_id, r.addressee,
                                            r.started_at, r.text)
        return list(found.values())

    async def active(self) -> list[Turn]:
        """Every turn in progress in a session that is not closed, the oldest first."""
        return await self._all(
            _in_order(
                select(TURNS)
                .join(SESSIONS, SESSIONS.c.id == TURNS.c.session_id)
                .where(TURNS.c.ended_at.is_(None), SESSIONS.c.status != _CLOSED)
            ),
            mapping.to_turn)

    async def add(self, turn: Turn) -> Turn:
        turn.id = await self._insert(TURNS, mapping.turn_values(turn))
        return turn

    async def save(self, turn: Turn) -> None:
        await self._update(TURNS, turn.id, mapping.turn_values(turn))

    async def list(self, session_id: int) -> list[Turn]:
        return await self._all(_in_order(select(TURNS).where(TURNS.c.session_id == session_id)),
                               mapping.to_turn)


class SqlAlchemyContributionRepository(RowRepository):
    async def get(self, contribution_id: int) -> Contribution | None:
        return await self._by_id(CONTRIBUTIONS, contribution_id, mapping.to_contribution)

    async def save(self, contribution: Contribution) -> None:
        await self._update(CONTRIBUTIONS, contribution.id,
                           mapping.contribution_values(contribution))
        await search.index_contribution(self._session, contribution)  # same transaction

    async def add(self, contribution: Contribution) -> Contribution:
        contribution.id = await self._insert(CONTRIBUTIONS,
                                             mapping.contribution_values(contribution))
        await search.index_contribution(self._session, contribution, new=True)
        return contribution

    async def count(self, session_id: int) -> int:
        return await self._count(
            select(func.count()).select_from(CONTRIBUTIONS)
            .where(CONTRIBUTIONS.c.session_id == session_id))

    async def list(self, session_id: int) -> list[Contribution]:
        return await self._all(
            select(CONTRIBUTIONS).where(CONTRIBUTIONS.c.session_id == session_id)
            .order_by(CONTRIBUTIONS.c.seq),
            mapping.to_contribution)

    async def latest(self, session_id: int, kinds: Collection[ContributionKind],
                     statuses: Collection[ContributionStatus],
                     limit: int) -> builtins.list[Contribution]:
        # backwards along the (session_id, seq) unique index, stopping after ``limit``: the
        # screen reads this at every change, however long the session has run
        newest = await self._all(
            select(CONTRIBUTIONS)
            .where(CONTRIBUTIONS.c.session_id == session_id,
                   CONTRIBUTIONS.c.kind.in_([k.value for k in kinds]),
                   CONTRIBUTIONS.c.status.in_([s.value for s in statuses]))
            .order_by(CONTRIBUTIONS.c.seq.desc()).limit(limit),
            mapping.to_contribution)
        return newest[::-1]

    async def by_message(self, person_id: int, chat_id: int,
                         message_id: int) -> Contribution | None:
        # by the person first: person_id is indexed, (chat_id, message_id) is not
        return await self._one(
            select(CONTRIBUTIONS)
            .where(CONTRIBUTIONS.c.person_id == person_id, CONTRIBUTIONS.c.chat_id == chat_id,
                   CONTRIBUTIONS.c.message_id == message_id)
            .order_by(CONTRIBUTIONS.c.id),
            mapping.to_contribution)


class SqlAlchemyAudioJobRepository(RowRepository):
    async def get(self, job_id: int) -> AudioJob | None:
        return await self._by_id(AUDIO_JOBS, job_id, mapping.to_audio_job)

    async def add(self, job: AudioJob) -> AudioJob:
        job.id = await self._insert(AUDIO_JOBS, mapping.audio_job_values(job))
        return job

    async def save(self, job: AudioJob) -> None:
        await self._update(AUDIO_JOBS, job.id, mapping.audio_job_values(job))

    async def due(self, now: datetime, limit: int = 10) -> list[AudioJob]:
        return await self._all(
            select(AUDIO_JOBS)
            .where(AUDIO_JOBS.c.status == _PENDING,
                   AUDIO_JOBS.c.next_attempt_at.is_(None) | (AUDIO_JOBS.c.next_attempt_at <= now))
            .order_by(AUDIO_JOBS.c.id)
            .limit(limit),
            mapping.to_audio_job)

    async def next_due_at(self) -> datetime | None:
        found: datetime | None = await self._session.scalar(
            select(func.min(AUDIO_JOBS.c.next_attempt_at))
            .where(AUDIO_JOBS.c.status == _PENDING))
        return found

    async def kept_in_session(self, session_id: int) -> list[AudioJob]:
        return await self._all(
            select(AUDIO_JOBS)
            .where(AUDIO_JOBS.c.session_id == session_id,
                   AUDIO_JOBS.c.contribution_id.is_not(None),
                   AUDIO_JOBS.c.status != _PENDING, AUDIO_JOBS.c.audio_path.is_not(None))
            .order_by(AUDIO_JOBS.c.id),
            mapping.to_audio_job)

    async def kept_before(self, cutoff: datetime) -> list[AudioJob]:
        return await self._all(
            select(AUDIO_JOBS)
            .where(AUDIO_JOBS.c.status != _PENDING, AUDIO_JOBS.c.audio_path.is_not(None),
                   AUDIO_JOBS.c.created_at < cutoff)
            .order_by(AUDIO_JOBS.c.id),
            mapping.to_audio_job)

    async def recordings_in_session(self, session_id: int, limit: int = 20) -> list[AudioJob]:
        return await self._all(
            select(AUDIO_JOBS)
            .where(AUDIO_JOBS.c.session_id == session_id,
                   AUDIO_JOBS.c.kind == AudioKind.RECORDING.value)
            .order_by(AUDIO_JOBS.c.id.desc())
            .limit(limit),
            mapping.to_audio_job)


class SqlAlchemyHallRepository(RowRepository):
    async def glossary(self, chat_id: int) -> tuple[str, ...]:
        text = await self._session.scalar(
            select(HALLS.c.glossary).where(HALLS.c.chat_id == chat_id))
        return tuple(w for w in (text or "").split("\n") if w)

    async def set_glossary(self, chat_id: int, words: Sequence[str]) -> None:
        await self._upsert(chat_id, glossary="\n".join(words))

    async def town(self, chat_id: int) -> str | None:
        town: str | None = await self._session.scalar(
            select(HALLS.c.town).where(HALLS.c.chat_id == chat_id))
        return town

    async def set_town(self, chat_id: int, town: str | None) -> None:
        await self._upsert(chat_id, town=town)

    async def document(self, chat_id: int) -> HallDocument:
        row = (await self._session.execute(
            select(HALLS.c.doc_to, HALLS.c.doc_cc, HALLS.c.doc_issuer, HALLS.c.doc_numbering)
            .where(HALLS.c.chat_id == chat_id))).first()
        if row is None:
            return HallDocument()
        return HallDocument(to=_names(row.doc_to), cc=_names(row.doc_cc), issuer=row.doc_issuer,
                            numbering=row.doc_numbering or DEFAULT_NUMBERING)

    async def set_document(self, chat_id: int, document: HallDocument) -> None:
        await self._upsert(
            chat_id, doc_to="\n".join(document.to) or None, doc_cc="\n".join(document.cc) or None,
            doc_issuer=document.issuer,
            doc_numbering=None if document.numbering == DEFAULT_NUMBERING else document.numbering)

    async def template(self, chat_id: int) -> bytes | None:
        data = await self._session.scalar(
            select(HALLS.c.doc_template).where(HALLS.c.chat_id == chat_id))
        return bytes(data) if data is not None else None

    async def set_template(self, chat_id: int, data: bytes | None) -> None:
        await self._upsert(chat_id, doc_template=data)

    async def move(self, old_chat_id: int, new_chat_id: int) -> None:
        taken = await self._session.scalar(
            select(HALLS.c.chat_id).where(HALLS.c.chat_id == new_chat_id))
        if taken is None:
            await self._session.execute(
                HALLS.update().where(HALLS.c.chat_id == old_chat_id).values(chat_id=new_chat_id))

    async def settled_notice(self, chat_id: int) -> bool:
        on = await self._session.scalar(
            select(HALLS.c.settled_notice).where(HALLS.c.chat_id == chat_id))
        return bool(on)

    async def set_settled_notice(self, chat_id: int, on: bool) -> None:
        await self._upsert(chat_id, settled_notice=on)

    async def _upsert(self, chat_id: int, **values: str | bytes | bool | None) -> None:
        updated = await self._session.execute(
            HALLS.update().where(HALLS.c.chat_id == chat_id).values(**values))
        if cast(CursorResult[Any], updated).rowcount == 0:
            await self._session.execute(
                HALLS.insert().values(chat_id=chat_id, **({"glossary": ""} | values)))


def _names(text: str | None) -> tuple[str, ...]:
    return tuple(n for n in (text or "").split("\n") if n)
