"""Fixtures of the authorization tests: companies A and B with their books, built once per module.

Building both companies' books costs a few seconds; the matrix runs every operation for eight callers.
So the books are made once per module inside an outer transaction, every test runs in its own savepoint
(pytest-django's ``db``), rolled back after it, so a write allowed for one caller never leaks into the
next, and the outer transaction is rolled back when the module is done.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.test.utils import override_settings

from tests.conftest import ROLES, World

from .builders import Books, build_books


@dataclass
class Realm:
    """The ``world`` (A with a user per role, B with an accountant) and both companies' books."""

    world: World
    a: Books
    b: Books
    tokens: dict[str, str]  # caller ("admin", ..., "b_user") -> bearer token


def make_world() -> World:
    """The same two companies and users as the ``world`` fixture of tests/conftest.py."""
    from django.contrib.auth import get_user_model

    from fakturaflyt.companies.roles import Role
    from fakturaflyt.companies.services import add_member, create_company
    from fakturaflyt.payables.models import Supplier

    users_model = get_user_model()
    a = create_company(None, orgnr="924753811", name="Alfa AS")
    b = create_company(None, orgnr="923609016", name="Beta AS")
    supplier = Supplier.objects.create(
        company=a, number=1, name="Bergen Kontorutstyr AS", orgnr="987654325", bank_account="15032080119"
    )
    other = Supplier.objects.create(
        company=a, number=2, name="Fjordnett Telekom AS", orgnr="998811228", bank_account="12540512343"
    )
    users = {role: users_model.objects.create_user(f"{role}@alfa.test", f"{role}@alfa.test", "x") for role in ROLES}
    memberships = {
        role: add_member(
            None,
            a,
            users[role],
            Role(role),
            approval_limit=Decimal("50000.00") if role == "approver" else None,
            supplier=supplier if role == "supplier" else None,
        )
        for role in ROLES
    }
    b_user = users_model.objects.create_user("accountant@beta.test", "accountant@beta.test", "x")
    add_member(None, b, b_user, Role.ACCOUNTANT)
    return World(a, b, users, b_user, supplier, other, memberships)


@pytest.fixture(scope="module")
def realm(django_db_setup, django_db_blocker, tmp_path_factory) -> Any:
    from fakturaflyt.api.auth import issue_token
    from fakturaflyt.payables.models import Supplier

    media = tmp_path_factory.mktemp("authz-media")
    with (
        django_db_blocker.unblock(),
        override_settings(
            MEDIA_ROOT=media,
            FAKTURAFLYT_INTAKE_DIR=media / "intake",
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        ),
    ):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            world = make_world()
            b_own = Supplier.objects.create(company=world.b, number=1, name="BETA Leverandør Én AS", orgnr="974760673")
            b_other = Supplier.objects.create(
                company=world.b, number=2, name="BETA Leverandør To AS", orgnr="971526920"
            )
            a = build_books(world.a, "ALFA", world.supplier, world.other_supplier)
            b = build_books(world.b, "BETA", b_own, b_other)
            tokens = {role: issue_token(world.users[role], "authz") for role in ROLES}
            tokens["b_user"] = issue_token(world.b_user, "authz")
            yield Realm(world, a, b, tokens)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    # Two-factor enforcement is the security tests' subject; here every role must reach the permission check.
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "fakturaflyt.security.middleware.TwoFactorMiddleware"]
