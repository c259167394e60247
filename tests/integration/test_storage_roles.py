"""Roles and login links in storage (storage/roles_repository.py), and the use cases that
grant, revoke and log in (facilitation/roles.py, staff_desk.py), on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from facilitation.audit import AuditAction, Operator
from facilitation.errors import InvalidInput, NotFound, PermissionDenied
from facilitation.model import Person
from facilitation.ports import TrackingUnitOfWorkFactory
from facilitation.roles import Role, grant_role, list_grants, revoke_role, standing_for
from facilitation.services import Actor
from facilitation.staff_desk import issue_login_link, log_in, token_hash
from storage.engine import make_engine
from storage.uow import make_uow_factory

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
ROOT = Operator("root")
HALL = -100500


@pytest.fixture
async def uow(db_url: str) -> AsyncIterator[TrackingUnitOfWorkFactory]:
    engine = make_engine(db_url)
    try:
        yield make_uow_factory(engine)
    finally:
        await engine.dispose()


async def test_a_grant_is_stored_listed_audited_and_revoked(
        uow: TrackingUnitOfWorkFactory) -> None:
    done = await grant_role(uow(), by=ROOT, role=Role.VIEWER, hall_chat_id=HALL, now=NOW,
                            telegram_user_id=9001)
    assert done.changed and done.grant.id is not None
    again = await grant_role(uow(), by=ROOT, role=Role.VIEWER, hall_chat_id=HALL, now=NOW,
                             telegram_user_id=9001)
    assert not again.changed and again.grant.id == done.grant.id
    listed = await list_grants(uow(), hall_chat_id=HALL)
    assert [(g.role, g.hall_chat_id, g.operator, p.telegram_user_id) for g, p in listed] == [
        (Role.VIEWER, HALL, "cli:root", 9001)]
    assert await list_grants(uow(), hall_chat_id=-1) == []
    await revoke_role(uow(), by=ROOT, role=Role.VIEWER, hall_chat_id=HALL, now=NOW,
                      person_id=done.grant.person_id)
    async with uow() as u:
        assert await u.roles.grants() == []
        entries = await u.audit.entries()
    assert [(e.action, e.operator, e.subject_id, e.chat_id, e.detail) for e in entries] == [
        (AuditAction.GRANTED, "cli:root", done.grant.person_id, HALL, {"role": "viewer"}),
        (AuditAction.REVOKED, "cli:root", done.grant.person_id, HALL, {"role": "viewer"})]
    with pytest.raises(NotFound):
        await revoke_role(uow(), by=ROOT, role=Role.VIEWER, hall_chat_id=HALL, now=NOW,
                          person_id=done.grant.person_id)


async def test_only_an_admin_grants_and_an_admin_has_no_hall(
        uow: TrackingUnitOfWorkFactory) -> None:
    async with uow() as u:
        boss = await u.people.add(Person("主任", telegram_user_id=1))
        clerk = await u.people.add(Person("小周", telegram_user_id=2))
        await u.commit()
    with pytest.raises(InvalidInput):
        await grant_role(uow(), by=ROOT, role=Role.ADMIN, hall_chat_id=HALL, now=NOW,
                         person_id=clerk.id)
    with pytest.raises(PermissionDenied):
        await grant_role(uow(), by=clerk, role=Role.STAFF, hall_chat_id=HALL, now=NOW,
                         person_id=clerk.id, bootstrap_ids={1})
    done = await grant_role(uow(), by=boss, role=Role.STAFF, hall_chat_id=HALL, now=NOW,
                            person_id=clerk.id, bootstrap_ids={1})
    assert done.grant.granted_by == boss.id
    async with uow() as u:
        standing = await standing_for(u, clerk, {1})
    assert standing.may_edit(HALL) and not standing.may_see(HALL + 1)


async def test_a_login_link_works_once_within_ten_minutes(
        uow: TrackingUnitOfWorkFactory) -> None:
    staff = Actor(31, "小周")
    with pytest.raises(PermissionDenied):  # no role: no link, and nothing recorded
        await issue_login_link(uow(), staff, bootstrap_ids=(), now=NOW)
    async with uow() as u:
        assert await u.people.by_telegram_id(31) is None
    tokens = iter(["first-token-0123456789", "second-token-0123456789"])
    first = await issue_login_link(uow(), staff, bootstrap_ids={31}, now=NOW,
                                   new_token=lambda: next(tokens))
    person = await log_in(uow(), first, bootstrap_ids={31}, now=NOW + timedelta(minutes=9))
    assert person.telegram_user_id == 31
    with pytest.raises(NotFound):  # used
        await log_in(uow(), first, bootstrap_ids={31}, now=NOW + timedelta(minutes=9))
    second = await issue_login_link(uow(), staff, bootstrap_ids={31}, now=NOW,
                                    new_token=lambda: next(tokens))
    with pytest.raises(NotFound):  # expired
        await log_in(uow(), second, bootstrap_ids={31}, now=NOW + timedelta(minutes=10))
    async with uow() as u:
        assert await u.roles.use_login_link(token_hash(second), NOW) is not None  # stored hashed
        assert await u.roles.use_login_link(second, NOW) is None
        assert [e.action for e in await u.audit.entries()] == [AuditAction.LOGIN]
