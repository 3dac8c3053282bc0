"""Who may do what: every role against every permission, across two companies, and scoped queries."""

from __future__ import annotations

import pytest

from fakturaflyt.companies.models import Membership
from fakturaflyt.companies.permissions import NotAllowed, can, companies_of, membership, require, scoped
from fakturaflyt.companies.roles import ROLE_PERMISSIONS, Perm, Role
from fakturaflyt.payables.models import Supplier
from fakturaflyt.receivables.models import Customer

pytestmark = pytest.mark.django_db

# The expected table, written out by hand from the role descriptions in companies/roles.py
# (not read from ROLE_PERMISSIONS, so a change to the table there must be made here too).
ROLE_ORDER = ("admin", "accountant", "approver", "requester", "supplier", "auditor")
EXPECTED: dict[Perm, tuple[int, int, int, int, int, int]] = {
    #                          admin acct appr req supp audit
    Perm.VIEW_DASHBOARD:      (1,    1,   1,   1,  0,   1),
    Perm.VIEW_LEDGER:         (1,    1,   0,   0,  0,   1),
    Perm.POST_VOUCHER:        (1,    1,   0,   0,  0,   0),
    Perm.VIEW_AUDIT:          (1,    1,   0,   0,  0,   1),
    Perm.VIEW_PAYABLES:       (1,    1,   1,   1,  0,   1),
    Perm.UPLOAD_DOCUMENT:     (1,    1,   0,   1,  1,   0),
    Perm.MANAGE_PAYABLES:     (1,    1,   0,   0,  0,   0),
    Perm.APPROVE:             (1,    1,   1,   0,  0,   0),
    Perm.MANAGE_PAYMENTS:     (1,    1,   0,   0,  0,   0),
    Perm.VIEW_RECEIVABLES:    (1,    1,   0,   0,  0,   1),
    Perm.MANAGE_RECEIVABLES:  (1,    1,   0,   0,  0,   0),
    Perm.VIEW_SUPPLIERS:      (1,    1,   1,   1,  0,   1),
    Perm.MANAGE_SUPPLIERS:    (1,    1,   0,   0,  0,   0),
    Perm.VIEW_CUSTOMERS:      (1,    1,   0,   0,  0,   1),
    Perm.MANAGE_CUSTOMERS:    (1,    1,   0,   0,  0,   0),
    Perm.VIEW_BANK:           (1,    1,   0,   0,  0,   1),
    Perm.VIEW_REPORTS:        (1,    1,   0,   0,  0,   1),
    Perm.MANAGE_COMPANY:      (1,    0,   0,   0,  0,   0),
    Perm.MANAGE_USERS:        (1,    0,   0,   0,  0,   0),
    Perm.SUPPLIER_PORTAL:     (0,    0,   0,   0,  1,   0),
}  # fmt: skip


def allowed(role: str, perm: Perm) -> bool:
    return bool(EXPECTED[perm][ROLE_ORDER.index(role)])


def test_the_expected_table_covers_every_permission_and_role() -> None:
    assert set(EXPECTED) == set(Perm)
    assert set(ROLE_ORDER) == {r.value for r in Role}
    # the product's table says the same as ours
    for role in ROLE_ORDER:
        assert {p for p in Perm if allowed(role, p)} == set(ROLE_PERMISSIONS[role]), role


@pytest.mark.parametrize("role", ROLE_ORDER)
def test_role_matrix_in_own_company(world, role: str) -> None:
    user = world.users[role]
    wrong = []
    for perm in Perm:
        expected = allowed(role, perm)
        if can(user, world.a, perm) != expected:
            wrong.append(f"can({perm})")
        try:
            m = require(user, world.a, perm)
        except NotAllowed as exc:
            if expected or exc.code != "FF-ROLE-FORBIDS" or exc.perm != perm:
                wrong.append(f"require({perm}) raised {exc.code}: {exc}")
        else:
            if not expected or m != world.memberships[role]:
                wrong.append(f"require({perm}) allowed")
    assert wrong == []


@pytest.mark.parametrize("role", ROLE_ORDER)
def test_no_role_in_company_a_gives_anything_in_company_b(world, role: str) -> None:
    user = world.users[role]
    for perm in Perm:
        assert not can(user, world.b, perm)
        with pytest.raises(NotAllowed) as err:
            require(user, world.b, perm)
        assert err.value.code == "FF-NOT-MEMBER"
        # and by primary key just the same
        assert not can(user, world.b.pk, perm)


def test_member_of_b_gets_nothing_in_a(world) -> None:
    for perm in Perm:
        assert not can(world.b_user, world.a, perm)
        with pytest.raises(NotAllowed) as err:
            require(world.b_user, world.a, perm)
        assert err.value.code == "FF-NOT-MEMBER"
    assert require(world.b_user, world.b, Perm.POST_VOUCHER).company == world.b
    assert list(companies_of(world.b_user)) == [world.b]


def test_no_company_chosen(world) -> None:
    with pytest.raises(NotAllowed) as err:
        require(world.users["admin"], None, Perm.VIEW_DASHBOARD)
    assert err.value.code == "FF-NO-COMPANY"


def test_anonymous_user_has_no_access(world) -> None:
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert membership(anonymous, world.a) is None
    assert not can(anonymous, world.a, Perm.VIEW_DASHBOARD)
    assert list(companies_of(anonymous)) == []


def test_an_inactive_membership_gives_no_access(world) -> None:
    Membership.objects.filter(pk=world.memberships["admin"].pk).update(is_active=False)
    admin = world.users["admin"]
    assert membership(admin, world.a) is None
    assert not any(can(admin, world.a, p) for p in Perm)
    with pytest.raises(NotAllowed) as err:
        require(admin, world.a, Perm.VIEW_DASHBOARD)
    assert err.value.code == "FF-NOT-MEMBER"
    assert list(companies_of(admin)) == []


def test_an_inactive_user_has_no_access(world) -> None:
    auditor = world.users["auditor"]
    auditor.is_active = False
    auditor.save()
    assert not can(auditor, world.a, Perm.VIEW_LEDGER)


def test_approver_keeps_the_approval_limit(world) -> None:
    from decimal import Decimal

    assert require(world.users["approver"], world.a, Perm.APPROVE).approval_limit == Decimal("50000.00")


def test_supplier_contact_must_be_linked_to_a_supplier_of_the_same_company(world, user_factory) -> None:
    from django.core.exceptions import ValidationError

    from fakturaflyt.companies.services import add_member

    with pytest.raises(ValidationError):
        add_member(None, world.a, user_factory("nobody@x.test"), Role.SUPPLIER)
    foreign = Supplier.objects.create(company=world.b, number=1, name="B's supplier")
    with pytest.raises(ValidationError):
        add_member(None, world.a, user_factory("wrong@x.test"), Role.SUPPLIER, supplier=foreign)


# scoped(): rows a membership may see ----------------------------------------------------------


def test_scoped_shows_a_supplier_contact_only_its_own_supplier(world) -> None:
    # given a supplier of company B as well, and a second contact of the other supplier in A
    Supplier.objects.create(company=world.b, number=1, name="Beta's supplier")
    m = world.memberships["supplier"]
    # when / then: suppliers narrowed to its own
    assert list(scoped(Supplier.objects.all(), m)) == [world.supplier]
    # rows with a supplier field: only its supplier's
    assert list(scoped(Membership.objects.all(), m)) == [m]
    # rows without one are hidden from a supplier contact altogether
    Customer.objects.create(company=world.a, number=10001, name="Kunde AS")
    assert list(scoped(Customer.objects.all(), m)) == []


@pytest.mark.parametrize("role", ["admin", "accountant", "approver", "requester", "auditor"])
def test_scoped_shows_other_roles_their_whole_company_and_nothing_else(world, role: str) -> None:
    Supplier.objects.create(company=world.b, number=1, name="Beta's supplier")
    m = world.memberships[role]
    assert set(scoped(Supplier.objects.all(), m)) == {world.supplier, world.other_supplier}
    assert {x.company_id for x in scoped(Membership.objects.all(), m)} == {world.a.pk}
    assert scoped(Membership.objects.all(), m).count() == len(ROLE_ORDER)
