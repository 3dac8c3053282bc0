"""The main lists read a fixed number of queries, whatever the number of rows (no N+1).

Each list is built with ``K`` rows and then with ``3K``; the page must cost the same number of
queries both times, and no more than the stated budget. The budgets include what every page pays
(session, user, membership, company; about 5 queries) so a new middleware query shows up here too.
The load test (``python -m benchmarks.load``) measures the time; these tests keep the query
counts from creeping back.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from itertools import count
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fakturaflyt.core.ledger import VoucherLine
from tests.dashboards import builders

pytestmark = [pytest.mark.django_db]

K = 3
ORGNR = "924753811"
_n = count(1)


def queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return len(ctx.captured_queries)


def constant(client: Any, url: str, add: Callable[[int], None], budget: int) -> int:
    """Queries for ``url`` with K rows and with 3K rows: equal, and at most ``budget``."""
    add(K)
    client.get(url)  # first request: caches (content types, translations) out of the count
    few = queries(client, url)
    add(2 * K)
    many = queries(client, url)
    assert many == few, f"{url}: {few} queries with {K} rows, {many} with {3 * K}: one per row somewhere"
    assert many <= budget, f"{url}: {many} queries, budget {budget}"
    print(f"{url}: {many} queries")  # the figure, shown with -s
    return many


@pytest.fixture(autouse=True)
def _no_2fa(settings, tmp_path):
    settings.FAKTURAFLYT_REQUIRE_2FA = False
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def as_role(client, world) -> Callable[[str], Any]:
    def login(role: str) -> Any:
        client.force_login(world.users[role])
        return client

    return login


def documents(world: Any, state: str = "review", **extra: Any) -> Callable[[int], None]:
    """Supplier documents of two suppliers (and some unknown), received over the last days."""

    def add(n: int) -> None:
        for _ in range(n):
            i = next(_n)
            builders.document(
                world.a,
                received=timezone.now() - timedelta(hours=i),
                state=state,
                total=f"{1000 + i}.00",
                supplier=(world.supplier, world.other_supplier, None)[i % 3],
                invoice_number=f"F-{i}",
                issue_date=date(2026, 3, 2),
                due=date(2026, 4, 2),
                fields={"supplier_name": {"value": "Ukjent Leverandør AS", "confidence": 0.9}},
                ehf={"id": f"F-{i}", "lines": [{"id": str(j), "name": "x" * 200} for j in range(20)]},
                **extra,
            )

    return add


# ------------------------------------------------------------------------- supplier invoices


def test_inbox_page(world, as_role):
    constant(as_role("accountant"), "/payables/inbox/", documents(world), budget=10)


def test_inbox_api(world, as_role):
    url = f"/api/companies/{ORGNR}/payables/documents?limit=50"
    constant(as_role("accountant"), url, documents(world), budget=8)


def test_approvals_page_and_api(world, as_role):
    approver = world.users["approver"]

    def add(n: int) -> None:
        for _ in range(n):
            i = next(_n)
            doc = builders.document(
                world.a,
                received=timezone.now() - timedelta(hours=i),
                state="approval",
                supplier=world.supplier,
                invoice_number=f"A-{i}",
                due=date(2026, 4, 2),
            )
            builders.step(doc, approver, due_at=timezone.now() + timedelta(days=2))

    client = as_role("approver")
    constant(client, "/approvals/", add, budget=12)
    constant(client, f"/api/companies/{ORGNR}/approvals/pending", lambda n: add(n), budget=8)


# ------------------------------------------------------------------------- ledger


def test_vouchers_page_and_api(world, as_role, post):
    def add(n: int) -> None:
        for _ in range(n):
            amount = Decimal(100 + next(_n))
            post(
                world.a,
                [
                    VoucherLine("6300", debit=amount, vat_code="0"),
                    VoucherLine("2400", credit=amount, supplier_id=world.supplier.pk),
                ],
                series="AP",
            )

    client = as_role("accountant")
    constant(client, "/ledger/", add, budget=10)
    constant(client, f"/api/companies/{ORGNR}/vouchers", add, budget=8)


# ------------------------------------------------------------------------- customer invoices


@pytest.fixture
def customer(world) -> Any:
    from fakturaflyt.receivables.models import Customer

    return Customer.objects.create(
        company=world.a,
        number=10001,
        name="Kunde AS",
        orgnr="923609016",
        address_line="Vei 1",
        postal_code="0150",
        city="Oslo",
        payment_terms_days=14,
    )


def test_customer_invoices_page_and_api(world, as_role, customer):
    from fakturaflyt.receivables import services
    from fakturaflyt.receivables.services import DraftLine

    user = world.users["accountant"]

    def add(n: int) -> None:
        for _ in range(n):
            draft = services.create_draft(
                world.a, customer, [DraftLine("Konsulenttimer", Decimal(1), Decimal(1000 + next(_n)))], actor=user
            )
            services.issue(draft, user, issue_date=date(2026, 3, 2))

    client = as_role("accountant")
    constant(client, "/receivables/invoices/", add, budget=10)
    constant(client, f"/api/companies/{ORGNR}/invoices", add, budget=8)


# ------------------------------------------------------------------------- search, dashboard


def test_search_page(world, as_role):
    constant(as_role("accountant"), "/search/?q=F-", documents(world), budget=16)


def test_dashboard(world, as_role):
    # Posted and approved documents feed the monthly figures: their number must not add queries.
    def add(n: int) -> None:
        for _ in range(n):
            i = next(_n)
            received = timezone.now() - timedelta(days=i)
            builders.document(
                world.a,
                received=received,
                approved=received + timedelta(hours=5),
                posted=True,
                supplier=world.supplier,
                invoice_number=f"D-{i}",
            )

    constant(as_role("accountant"), "/dashboards/", add, budget=35)


# ------------------------------------------------------------------------- payment runs


def test_payment_runs_page(world, as_role):
    from fakturaflyt.companies.models import CompanyBankAccount
    from fakturaflyt.payments.models import Payment, PaymentRun

    account = CompanyBankAccount.objects.create(company=world.a, name="Drift", account_number="15064123456")

    def add(n: int) -> None:
        for _ in range(n):
            i = next(_n)
            run = PaymentRun.objects.create(company=world.a, number=i, until=date(2026, 4, 1), debtor_account=account)
            for j in range(2):
                doc = builders.document(world.a, received=timezone.now(), state="approved", supplier=world.supplier)
                Payment.objects.create(
                    company=world.a,
                    run=run,
                    document=doc,
                    supplier=world.supplier,
                    amount=Decimal("100.00"),
                    due_date=date(2026, 4, 1),
                    requested_date=date(2026, 4, 1),
                    end_to_end_id=f"E2E-{i}-{j}",
                )

    constant(as_role("accountant"), "/payments/", add, budget=10)
