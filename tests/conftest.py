"""Shared fixtures: the corpus, companies with seeded books, users, and the test-flush door."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

CORPUS = Path(os.environ.get("FAKTURAFLYT_CORPUS", Path(__file__).resolve().parents[1].parent / "shared" / "corpus"))


def _allow_test_flush() -> None:
    """Transactional tests empty the tables between tests; let that flush through the immutability triggers."""
    from django.core.management.commands import flush

    from fakturaflyt.ledger.maintenance import guard_open

    original = flush.Command.handle
    if getattr(original, "_ff_guarded", False):
        return

    def handle(self, *args, **options):
        with guard_open("test database flush", using=options.get("database", "default")):
            return original(self, *args, **options)

    handle._ff_guarded = True
    flush.Command.handle = handle


def pytest_configure(config: pytest.Config) -> None:
    import django
    from django.conf import settings

    # The default PBKDF2 hasher makes each demo or fixture user cost about 0.2 s; tests need no strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.FAKTURAFLYT_REQUIRE_2FA = False  # tests/security switches two-factor enforcement on where it tests it
    django.setup()
    _allow_test_flush()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None, request: pytest.FixtureRequest, tmp_path_factory
) -> None:
    """Test databases that lock like the real ones, and that parallel runs do not share.

    SQLite: Django's default test database is an in-memory, shared-cache database, where a
    second writer fails at once with "database table is locked" instead of waiting for the
    IMMEDIATE transaction ahead of it (the busy timeout does not apply to shared-cache locks).
    That is not how the product's file database behaves, so tests get a file database in a
    temporary directory: concurrent posters then queue exactly as they do in production.
    PostgreSQL: the test database name gets this process's id, so two runs against one
    server (two engineers, two checkouts) do not drop each other's database.
    """
    from django.conf import settings

    if request.config.getvalue("reuse_db"):
        return
    for alias, db in settings.DATABASES.items():
        test = db.setdefault("TEST", {})
        if db["ENGINE"] == "django.db.backends.sqlite3":
            if not test.get("NAME") or test["NAME"] == ":memory:":
                test["NAME"] = str(tmp_path_factory.mktemp("db") / f"test_{alias}.sqlite3")
        else:
            test["NAME"] = f"{test.get('NAME') or 'test_' + db['NAME']}_p{os.getpid()}"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, request: pytest.FixtureRequest):
    """After the run, end sessions that threads left open on this run's PostgreSQL test database
    (a live server's request threads, say), so that it can be dropped instead of left behind.
    The database name is this process's own (see above), so every such session is ours."""
    yield
    from django.db import connection

    if connection.vendor == "postgresql" and not request.config.getvalue("reuse_db"):
        with django_db_blocker.unblock(), connection.cursor() as cur:
            cur.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


PDF_MEMO: dict[str, bytes] = {}
"""Rendered PDFs by the SHA-256 of their HTML, for this test process (see ``_remember_pdfs``)."""


@pytest.fixture(autouse=True, scope="session")
def _remember_pdfs():
    """WeasyPrint takes about 0.7 s a page, and every load of the full demo renders the same 57
    invoices and reminder letters again (half of ``sales_demo_company``'s time). The same HTML
    gives the same PDF, so this process renders each distinct HTML once: the first test gets
    WeasyPrint's real output and later ones the same bytes. HTML that differs renders afresh."""
    import hashlib

    from fakturaflyt.receivables import pdf

    real = pdf.html_to_pdf

    def remembered(html: str) -> bytes:
        key = hashlib.sha256(html.encode()).hexdigest()
        if key not in PDF_MEMO:
            PDF_MEMO[key] = real(html)
        return PDF_MEMO[key]

    remembered.__doc__ = real.__doc__
    pdf.html_to_pdf = remembered
    yield
    pdf.html_to_pdf = real


@pytest.fixture(autouse=True)
def _celery_joins_allowed(request: pytest.FixtureRequest):
    """Celery's process-wide "inside a task, never wait for a result" flag starts each test off.

    An eager task sets it while it runs; one test in a process once left it on, and a later
    test's ``task.delay().get()`` then failed with "Never call result.get() within a task!".
    The test that leaves it on is named in a warning, so it can be mended where it happens."""
    import warnings

    from celery._state import task_join_will_block
    from celery.result import _set_task_join_will_block

    _set_task_join_will_block(False)
    yield
    if task_join_will_block():
        warnings.warn(f"{request.node.nodeid} left Celery's task-join flag on", stacklevel=1)
        _set_task_join_will_block(False)


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The shared corpus of real external test data; skips the test when it is absent."""
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS} (set FAKTURAFLYT_CORPUS)")
    return CORPUS


@pytest.fixture
def make_company(db):
    """Factory: a company with seeded books (chart of accounts, VAT codes, number series)."""
    from fakturaflyt.companies.services import create_company

    def make(orgnr: str = "924753811", name: str = "Testfirma AS"):
        return create_company(None, orgnr=orgnr, name=name)

    return make


@pytest.fixture
def company(make_company):
    return make_company()


@pytest.fixture
def demo_company(db):
    """The demo company without its customer invoices (those render PDFs: slow; see ``sales_demo_company``)."""
    from fakturaflyt.companies.demo import load_demo

    return load_demo(sales=False)


@pytest.fixture
def sales_demo_company(db):
    """The whole demo company, with a month of customer invoices made, sent and credited."""
    from fakturaflyt.companies.demo import load_demo

    return load_demo()


@pytest.fixture
def user_factory(db):
    from django.contrib.auth import get_user_model

    def make(username: str, password: str = "secret-pass-1"):
        return get_user_model().objects.create_user(username, username, password)

    return make


@pytest.fixture
def post(db):
    """Factory: post a voucher through the service (default: 100,00 from bank 1920 to expense 6300)."""
    from fakturaflyt.core.ledger import VoucherLine
    from fakturaflyt.ledger.services import post_voucher

    def make(
        company,
        lines: list[VoucherLine] | None = None,
        *,
        amount: str = "100.00",
        actor: Any = None,
        on: date = date(2026, 3, 1),
        series: str = "GL",
        text: str = "Test voucher",
    ):
        if lines is None:
            lines = [VoucherLine("6300", debit=Decimal(amount)), VoucherLine("1920", credit=Decimal(amount))]
        return post_voucher(company, actor, voucher_date=on, description=text, lines=lines, series=series)

    return make


ROLES = ("admin", "accountant", "approver", "requester", "supplier", "auditor")


@dataclass
class World:
    """Two companies: A with a user in every role (and suppliers), B with one accountant."""

    a: Any
    b: Any
    users: dict[str, Any]  # role -> user in company A
    b_user: Any  # accountant in company B, no membership in A
    supplier: Any  # the supplier contact's supplier, in A
    other_supplier: Any  # another supplier of A
    memberships: dict[str, Any] = field(default_factory=dict)


@pytest.fixture
def world(make_company, user_factory) -> World:
    from fakturaflyt.companies.roles import Role
    from fakturaflyt.companies.services import add_member
    from fakturaflyt.payables.models import Supplier

    a = make_company("924753811", "Alfa AS")
    b = make_company("923609016", "Beta AS")
    supplier = Supplier.objects.create(company=a, number=1, name="Bergen Kontorutstyr AS", orgnr="987654325")
    other = Supplier.objects.create(company=a, number=2, name="Fjordnett Telekom AS", orgnr="998811228")
    users = {role: user_factory(f"{role}@alfa.test") for role in ROLES}
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
    b_user = user_factory("accountant@beta.test")
    add_member(None, b, b_user, Role.ACCOUNTANT)
    return World(a, b, users, b_user, supplier, other, memberships)


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """The manifest storage needs ``collectstatic``; tests render ``{% static %}`` from the finders instead."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def intake_dirs(settings, tmp_path: Path) -> Path:
    """Stored files and the intake folders under the test's temporary directory; folders read at once."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FAKTURAFLYT_INTAKE_DIR = tmp_path / "intake"
    settings.FAKTURAFLYT_INTAKE_SETTLE_SECONDS = 0
    return settings.MEDIA_ROOT


@pytest.fixture
def receive_now(django_capture_on_commit_callbacks):
    """``receive_now(company, data, filename=..., channel=...)``: receive and process (the on-commit work run)."""
    from fakturaflyt.payables import intake

    def receive(company: Any, data: bytes, *, filename: str = "faktura.xml", channel: str = "upload", **kw: Any):
        with django_capture_on_commit_callbacks(execute=True):
            documents = intake.receive_all(company, data, channel=channel, filename=filename, **kw)
        for d in documents:
            d.refresh_from_db()
        return documents

    return receive


@pytest.fixture(autouse=True)
def _fresh_coding_engine():
    """Each test starts with no cached coding models (as a fresh process) and leaves none behind: ids of
    rolled-back companies come back on SQLite, and a model cached for one must not serve the next."""
    from fakturaflyt.coding import engine

    engine.forget()
    yield
    engine.forget()
