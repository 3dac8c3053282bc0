"""The invoice number series: starts at the setting, rolls back with a refused issue, stays gapless under concurrency."""

# ruff: noqa: F811 - the `ar` fixture is imported from test_services and requested by name

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection, transaction

from fakturaflyt.core.errors import FormatError
from fakturaflyt.receivables import numbering, services
from fakturaflyt.receivables.models import InvoiceNumberCounter, InvoiceSettings, SalesInvoice
from fakturaflyt.receivables.services import DraftLine

from .test_services import AR, ar  # noqa: F401 - the fixture

D = Decimal


@pytest.mark.django_db
def test_the_series_starts_at_the_first_number_and_counts_on(company) -> None:
    settings = InvoiceSettings.objects.create(company=company, first_number=500)
    with transaction.atomic():
        assert [numbering.next_number(company, settings) for _ in range(3)] == [500, 501, 502]
    settings.first_number = 1  # used once only: the series goes on
    with transaction.atomic():
        assert numbering.next_number(company, settings) == 503


@pytest.mark.django_db
def test_a_rolled_back_transaction_gives_its_number_back(company) -> None:
    settings = numbering.invoice_settings(company)
    with pytest.raises(RuntimeError), transaction.atomic():
        assert numbering.next_number(company, settings) == 10001
        raise RuntimeError("issue refused")
    with transaction.atomic():
        assert numbering.next_number(company, settings) == 10001


@pytest.mark.django_db
def test_kid_scheme_from_settings(company) -> None:
    settings = InvoiceSettings(company=company, kid_method="mod11", kid_length=14, kid_customer_digits=4)
    scheme = numbering.kid_scheme(settings)
    assert (scheme.method, scheme.length, scheme.customer_digits, scheme.invoice_digits) == ("mod11", 14, 4, 7)
    assert len(numbering.kid(settings, 1, 1)) == 14
    # 4 + 7 digits, the running digit and the check digit need 13: a 12-digit KID is refused, naming the setting
    settings.kid_length = 12
    with pytest.raises(FormatError) as exc:
        numbering.kid(settings, 1, 1)
    assert exc.value.code == "FF-KID-LENGTH" and exc.value.problems[0].location == "KID length"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_invoices_issued_from_five_threads_are_numbered_without_gaps(ar: AR) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks under concurrency are proved on PostgreSQL (set DATABASE_URL=postgres://...)")
    drafts = [
        services.create_draft(ar.company, ar.kunde, [DraftLine(f"Vare {i}", D("1"), D(100 + i))], actor=None)
        for i in range(20)
    ]
    start = threading.Barrier(5)
    errors: list[BaseException] = []

    def issuer(k: int) -> None:
        try:
            start.wait(timeout=30)
            for draft in drafts[k::5]:
                services.issue(draft, None)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=issuer, args=(k,)) for k in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    numbers = sorted(SalesInvoice.objects.filter(company=ar.company).values_list("number", flat=True))
    assert numbers == list(range(10001, 10021))
    assert InvoiceNumberCounter.objects.get(company=ar.company).last_number == 10020
    # every invoice has its own voucher, and the AR vouchers are gapless too
    vouchers = sorted(SalesInvoice.objects.filter(company=ar.company).values_list("voucher__number", flat=True))
    assert vouchers == list(range(vouchers[0], vouchers[0] + 20))
