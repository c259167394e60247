"""The rules of per-hall roles (facilitation/roles.py): who sees and edits which halls."""

from __future__ import annotations

from datetime import UTC, datetime

from facilitation.model import Person
from facilitation.roles import Role, RoleGrant, Standing, standing_of

AT = datetime(2026, 12, 7, tzinfo=UTC)
A, B, C = -1001, -1002, -1003


def _standing(*grants: tuple[Role, int | None], bootstrap: bool = False) -> Standing:
    return Standing(7, tuple(RoleGrant(7, role, hall, AT) for role, hall in grants), bootstrap)


def test_nobody_without_a_grant_sees_anything() -> None:
    nobody = _standing()
    assert not nobody.has_role and not nobody.is_admin and not nobody.may_grant
    assert nobody.halls_seen() == frozenset() and not nobody.may_see(A)


def test_an_admin_sees_and_edits_every_hall_and_grants() -> None:
    for admin in (_standing((Role.ADMIN, None)), _standing(bootstrap=True)):
        assert admin.is_admin and admin.may_grant and admin.has_role
        assert admin.halls_seen() is None and admin.halls_edited() is None
        assert admin.may_see(C) and admin.may_edit(C)


def test_staff_see_and_edit_their_halls_only() -> None:
    staff = _standing((Role.STAFF, A), (Role.STAFF, B))
    assert staff.halls_seen() == {A, B} and staff.halls_edited() == {A, B}
    assert staff.may_edit(A) and not staff.may_see(C) and not staff.may_edit(C)
    assert not staff.may_grant


def test_a_viewer_reads_but_never_edits() -> None:
    viewer = _standing((Role.VIEWER, A))
    assert viewer.may_see(A) and not viewer.may_edit(A) and not viewer.may_see(B)
    everywhere = _standing((Role.VIEWER, None))
    assert everywhere.halls_seen() is None and everywhere.halls_edited() == frozenset()


def test_roles_add_up_a_viewer_of_all_and_staff_of_one() -> None:
    both = _standing((Role.VIEWER, None), (Role.STAFF, B))
    assert both.may_see(C) and both.may_edit(B) and not both.may_edit(C)


def test_the_bootstrap_list_makes_admins_but_not_of_a_forgotten_person() -> None:
    person = Person("老张", telegram_user_id=42, id=7)
    others = RoleGrant(8, Role.STAFF, A, AT)
    assert standing_of(person, [others], {42}).is_admin
    assert standing_of(person, [others], {42}).grants == ()  # another's grant is not theirs
    assert not standing_of(person, [], {43}).has_role
    gone = Person("匿名发言人7", telegram_user_id=42, forgotten_at=AT, id=7)
    assert not standing_of(gone, [], {42}).has_role
