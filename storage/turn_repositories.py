"""Repositories of the floor's record: turns and contributions (see repositories.py)."""

from __future__ import annotations

from sqlalchemy import Select, func, select

from facilitation.model import Contribution, SessionStatus, Turn
from storage import mapping
from storage.repositories import RowRepository
from storage.rows import ContributionRow, SessionRow, TurnRow

_CLOSED = SessionStatus.CLOSED.value


def _in_order(statement: Select[TurnRow]) -> Select[TurnRow]:
    return statement.order_by(TurnRow.started_at, TurnRow.id)


class SqlAlchemyTurnRepository(RowRepository):
    async def get(self, turn_id: int) -> Turn | None:
        row = await self._session.get(TurnRow, turn_id)
        return mapping.to_turn(row) if row is not None else None

    async def current(self, session_id: int) -> Turn | None:
        """The turn in progress (at most one per session, by a partial unique index)."""
        row = await self._row(
            select(TurnRow).where(TurnRow.session_id == session_id, TurnRow.ended_at.is_(None))
        )
        return mapping.to_turn(row) if row is not None else None

    async def recent(self, session_id: int, limit: int = 10) -> list[Turn]:
        """The session's last ``limit`` turns, the newest first."""
        rows = await self._rows(
            select(TurnRow)
            .where(TurnRow.session_id == session_id)
            .order_by(TurnRow.started_at.desc(), TurnRow.id.desc())
            .limit(limit)
        )
        return [mapping.to_turn(row) for row in rows]

    async def spoken_counts(self, session_id: int) -> dict[int, int]:
        """Turns had so far (the one in progress included), by person id."""
        result = await self._session.execute(
            select(TurnRow.person_id, func.count())
            .where(TurnRow.session_id == session_id)
            .group_by(TurnRow.person_id)
        )
        return {person_id: count for person_id, count in result}

    async def active(self) -> list[Turn]:
        """Every turn in progress in a session that is not closed, the oldest first."""
        rows = await self._rows(
            _in_order(
                select(TurnRow)
                .join(SessionRow, SessionRow.id == TurnRow.session_id)
                .where(TurnRow.ended_at.is_(None), SessionRow.status != _CLOSED)
            )
        )
        return [mapping.to_turn(row) for row in rows]

    async def add(self, turn: Turn) -> Turn:
        row = await self._insert(TurnRow(**mapping.turn_values(turn)))
        turn.id = row.id
        return turn

    async def save(self, turn: Turn) -> None:
        await self._update(TurnRow, turn.id, mapping.turn_values(turn))

    async def list(self, session_id: int) -> list[Turn]:
        rows = await self._rows(_in_order(select(TurnRow).where(TurnRow.session_id == session_id)))
        return [mapping.to_turn(row) for row in rows]


class SqlAlchemyContributionRepository(RowRepository):
    async def add(self, contribution: Contribution) -> Contribution:
        row = await self._insert(ContributionRow(**mapping.contribution_values(contribution)))
        contribution.id = row.id
        return contribution

    async def count(self, session_id: int) -> int:
        return await self._count(
            select(func.count())
            .select_from(ContributionRow)
            .where(ContributionRow.session_id == session_id)
        )

    async def list(self, session_id: int) -> list[Contribution]:
        rows = await self._rows(
            select(ContributionRow)
            .where(ContributionRow.session_id == session_id)
            .order_by(ContributionRow.seq)
        )
        return [mapping.to_contribution(row) for row in rows]
