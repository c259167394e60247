"""Invites of a unit's liaisons, stored (table unit_invites) and redeemed on both databases:
round trip, a code used once even when many open it at the same moment, codes unique."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from facilitation.errors import DomainError
from facilitation.ports import TrackingUnitOfWorkFactory, UnitInvite, UnitOfWorkFactory
from facilitation.services import Actor
from facilitation.tracking_access import LiveRoles
from facilitation.tracking_invites import Redeemed, create_invite, redeem_invite
from facilitation.units import UnitLevel, new_unit
from storage.uow import SqlAlchemyUnitOfWorkFactory
from tests.integration.storage_builders import at

STAFF = Actor(2**40 + 7, "何静", config_admin=True)


def _tracking(uow_factory: UnitOfWorkFactory) -> TrackingUnitOfWorkFactory:
    assert isinstance(uow_factory, SqlAlchemyUnitOfWorkFactory)  # it follows items up too
    return uow_factory


async def _unit_id(uow_factory: UnitOfWorkFactory) -> int:
    async with _tracking(uow_factory)() as uow:
        unit = await uow.units.add(new_unit("县住房和城乡建设局", UnitLevel.COUNTY, ["县住建局"]))
        await uow.commit()
    assert unit.id is not None
    return unit.id


async def test_an_invite_round_trip_and_its_one_use(uow_factory: UnitOfWorkFactory) -> None:
    factory = _tracking(uow_factory)
    unit_id = await _unit_id(uow_factory)
    made = await create_invite(factory(), unit="县住建局", actor=STAFF, roles=LiveRoles(),
                               now=at(0), new_code=lambda: "Abc123Def456Ghi7")
    async with factory() as uow:
        stored = await uow.units.invite("Abc123Def456Ghi7")
        staff = await uow.people.by_telegram_id(STAFF.user_id)
    assert stored == made.invite
    assert stored is not None and staff is not None
    assert (stored.unit_id, stored.created_by, stored.created_at, stored.expires_at) == (
        unit_id, staff.id, at(0), at(0) + timedelta(days=7))
    async with factory() as uow:
        assert await uow.units.invite("nothing") is None

    async with factory() as uow:
        assert await uow.units.use_invite("Abc123Def456Ghi7", 42, at(5))
        assert not await uow.units.use_invite("Abc123Def456Ghi7", 43, at(6))
        await uow.rollback()  # nothing of it stays
    async with factory() as uow:
        again = await uow.units.invite("Abc123Def456Ghi7")
    assert again is not None and again.used_at is None

    done = await redeem_invite(factory(), code="Abc123Def456Ghi7", actor=Actor(42, "王联络"),
                               now=at(5))
    assert done == Redeemed(done.unit) and done.unit.liaisons == (42,)
    async with factory() as uow:
        used = await uow.units.invite("Abc123Def456Ghi7")
        unit = await uow.units.get(unit_id)
    assert used is not None and (used.used_by, used.used_at) == (42, at(5))
    assert unit is not None and unit.liaisons == (42,)


async def test_codes_are_unique(uow_factory: UnitOfWorkFactory) -> None:
    factory = _tracking(uow_factory)
    unit_id = await _unit_id(uow_factory)
    invite = UnitInvite("SameCode12345678", unit_id, at(0), at(10))
    async with factory() as uow:
        await uow.units.add_invite(invite)
        await uow.commit()
    with pytest.raises(IntegrityError):
        async with factory() as uow:
            await uow.units.add_invite(invite)


async def test_of_many_opening_one_invite_at_once_one_becomes_the_liaison(
        uow_factory: UnitOfWorkFactory) -> None:
    factory = _tracking(uow_factory)
    unit_id = await _unit_id(uow_factory)
    made = await create_invite(factory(), unit=unit_id, actor=STAFF, roles=LiveRoles(),
                               now=at(0))

    async def open_link(user: int) -> str:
        try:
            await redeem_invite(factory(), code=made.invite.code, actor=Actor(user, "某人"),
                                now=at(60))
        except DomainError as error:
            return error.code
        return "ok"

    outcomes = await asyncio.gather(*(open_link(100 + k) for k in range(8)))
    assert sorted(outcomes) == ["invite_used"] * 7 + ["ok"]
    async with factory() as uow:
        unit = await uow.units.get(unit_id)
        used = await uow.units.invite(made.invite.code)
    assert unit is not None and used is not None
    assert unit.liaisons == (used.used_by,) and used.used_by == 100 + outcomes.index("ok")
