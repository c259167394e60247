"""Per-hall roles and the web's one-time login links (facilitation.ports.RoleRepository)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Row, delete, insert, select, update

from facilitation.roles import Role, RoleGrant
from storage.repositories import RowRepository, table_of
from storage.rows import LoginLinkRow, RoleGrantRow, WebCredentialRow

GRANTS = table_of(RoleGrantRow)
LINKS = table_of(LoginLinkRow)
CREDENTIALS = table_of(WebCredentialRow)


def grant_of(r: Row[Any]) -> RoleGrant:
    return RoleGrant(r.person_id, Role(r.role), r.hall_chat_id, r.granted_at, r.granted_by,
                     r.operator, r.id)


class SqlAlchemyRoleRepository(RowRepository):
    async def grants(self, *, person_id: int | None = None) -> list[RoleGrant]:
        statement = select(GRANTS).order_by(GRANTS.c.id)
        if person_id is not None:
            statement = statement.where(GRANTS.c.person_id == person_id)
        return await self._all(statement, grant_of)

    async def add(self, grant: RoleGrant) -> RoleGrant:
        result = await self._session.execute(insert(GRANTS).values(
            person_id=grant.person_id, role=grant.role.value, hall_chat_id=grant.hall_chat_id,
            granted_by=grant.granted_by, operator=grant.operator, granted_at=grant.granted_at)
            .returning(GRANTS.c.id))
        return RoleGrant(grant.person_id, grant.role, grant.hall_chat_id, grant.granted_at,
                         grant.granted_by, grant.operator, result.scalar_one())

    async def remove(self, grant_id: int) -> None:
        await self._session.execute(delete(GRANTS).where(GRANTS.c.id == grant_id))

    async def add_login_link(self, token_hash: str, person_id: int, created_at: datetime,
                             expires_at: datetime) -> None:
        await self._session.execute(insert(LINKS).values(
            token_hash=token_hash, person_id=person_id, created_at=created_at,
            expires_at=expires_at))

    async def use_login_link(self, token_hash: str, now: datetime,
                             kind: str = "login") -> int | None:
        # one UPDATE claims it: of two posts of the same link, only one finds used_at NULL
        result = await self._session.execute(
            update(LINKS).where(LINKS.c.token_hash == token_hash, LINKS.c.used_at.is_(None),
                                LINKS.c.expires_at > now, LINKS.c.kind == kind)
            .values(used_at=now).returning(LINKS.c.person_id))
        person_id = cast(CursorResult[Any], result).scalar_one_or_none()
        return None if person_id is None else int(person_id)

    async def add_invite(self, token_hash: str, person_id: int, created_at: datetime,
                         expires_at: datetime) -> None:
        await self._session.execute(insert(LINKS).values(
            token_hash=token_hash, person_id=person_id, created_at=created_at,
            expires_at=expires_at, kind="invite"))

    async def set_credentials(self, person_id: int, login_name: str, password_hash: str,
                              now: datetime) -> bool:
        taken = await self._session.scalar(
            select(CREDENTIALS.c.person_id).where(CREDENTIALS.c.login_name == login_name,
                                                  CREDENTIALS.c.person_id != person_id))
        if taken is not None:
            return False
        await self._session.execute(
            delete(CREDENTIALS).where(CREDENTIALS.c.person_id == person_id))
        await self._session.execute(insert(CREDENTIALS).values(
            person_id=person_id, login_name=login_name, password_hash=password_hash,
            set_at=now))
        return True

    async def credentials(self, login_name: str) -> tuple[int, str] | None:
        row = (await self._session.execute(
            select(CREDENTIALS.c.person_id, CREDENTIALS.c.password_hash)
            .where(CREDENTIALS.c.login_name == login_name))).first()
        return None if row is None else (int(row.person_id), str(row.password_hash))

    async def drop_credentials(self, person_id: int) -> None:
        await self._session.execute(
            delete(CREDENTIALS).where(CREDENTIALS.c.person_id == person_id))
