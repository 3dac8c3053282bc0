"""The demo company's sales (issue 7 point 7): a month of subscriptions and orders made into sent, posted invoices.

After ``load_demo()`` the demo has invoices and credit notes covering several VAT rates, a
currency invoice, allowances and every channel; every issued invoice is posted, balanced
against 1500 with its customer, and its EHF passes the UBL XSD and the official Peppol rules.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from fakturaflyt.core.identifiers import validate_kid
from fakturaflyt.receivables import ehf
from fakturaflyt.receivables.models import DocumentType, InvoiceStatus, SalesInvoice
from tests.core.ehf import _official

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def judge() -> Callable[[bytes], list[str]]:
    if not _official.SCHEMAS.is_dir() or not _official.RULES.is_dir():
        pytest.skip(f"UBL schemas or Peppol rules not found under {_official.EHF}")
    _official._stylesheets()
    return lambda xml: _official.xsd_errors(xml) + _official.official_fatal(xml)


def test_the_demo_has_a_month_of_sent_posted_invoices(sales_demo_company, judge) -> None:
    # given the whole demo
    invoices = list(
        SalesInvoice.objects.filter(company=sales_demo_company).select_related("voucher").prefetch_related("lines")
    )
    issued = [i for i in invoices if i.number is not None]
    # then: invoices and credit notes, numbered gaplessly
    numbers = sorted(i.number for i in issued)
    assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))
    by_number = sorted(issued, key=lambda i: i.number)
    assert [i.issue_date for i in by_number] == sorted(i.issue_date for i in issued), "numbers follow the dates"
    assert {i.document_type for i in issued} == {DocumentType.INVOICE, DocumentType.CREDIT_NOTE}
    # every source of invoices is represented
    assert {"subscription", "order", "time", "contract", "manual"} <= {i.source for i in issued}
    # several VAT rates, a currency invoice, a line allowance
    rates = {line.vat_rate for i in issued for line in i.lines.all()}
    assert {Decimal("25"), Decimal("15"), Decimal("12"), Decimal("0")} <= rates
    assert any(i.currency == "EUR" and i.exchange_rate for i in issued)
    assert any(line.discount_percent > 0 for i in issued for line in i.lines.all())
    # every channel was used; the unconfigured eFaktura shows as a failed send
    assert {"ehf", "email", "print", "efaktura"} <= {i.channel for i in issued}
    assert any(i.status == InvoiceStatus.SEND_FAILED and i.channel == "efaktura" for i in issued)
    history = [i for i in issued if i.source_key.startswith("demo:history:")]  # the paid year before: not sent
    assert history and all(i.settlement == "paid" for i in history)
    assert all(i.status != InvoiceStatus.ISSUED for i in issued if i.channel != "efaktura" and i not in history), (
        "all else is sent"
    )
    for invoice in issued:
        # posted: the voucher balances and its receivable line carries the customer
        postings = list(invoice.voucher.postings.all())
        assert sum(p.debit for p in postings) == sum(p.credit for p in postings)
        receivable = [p for p in postings if p.account.number == "1500"]
        assert receivable and all(p.customer_id == invoice.customer_id for p in receivable)
        if invoice.document_type == DocumentType.INVOICE:
            validate_kid(invoice.kid)
    # and the EHF of the EHF-channel invoices, the currency invoice and the credit notes pass the official rules
    for invoice in issued:
        if invoice.customer.peppol_id:
            assert judge(ehf.ehf_bytes(invoice, attach_pdf=False)) == [], invoice
