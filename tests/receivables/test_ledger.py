"""The customer ledger (receivables.ledger and its pages): open items, aging, statement of account reconciled to
the 1500 postings per customer, DSO/CEI, payment predictions; permissions, another company's customer, query count.
"""

# ruff: noqa: F811 - the `ar` fixture is imported from test_services and requested by name
from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fakturaflyt.core.ledger import VoucherLine
from fakturaflyt.ledger.models import Posting
from fakturaflyt.ledger.services import post_voucher
from fakturaflyt.receivables import ledger, services
from fakturaflyt.receivables.models import Customer, CustomerPayment, SalesInvoice
from fakturaflyt.receivables.payments import allocate_credit, record_payment
from fakturaflyt.receivables.services import DraftLine

from .test_services import AR, ar  # noqa: F401 (the fixture)

D = Decimal

pytestmark = [pytest.mark.django_db]

JAN = date(2026, 1, 5)


def invoice(ar: AR, amount: str, on: date, customer: Customer | None = None) -> SalesInvoice:
    """An issued invoice of ``amount`` excl. 25 % VAT, through the services (numbered and posted)."""
    draft = services.create_draft(
        ar.company, customer or ar.kunde, [DraftLine("Konsulenttimer", D("1"), D(amount))], actor=ar.user
    )
    return services.issue(draft, ar.user, issue_date=on)


def second_customer(ar: AR) -> Customer:
    """A second business customer with 14 days' terms."""
    return Customer.objects.create(
        company=ar.company,
        number=43,
        name="Annen Kunde AS",
        orgnr="923609016",
        address_line="Vei 1",
        postal_code="0150",
        city="Oslo",
        payment_terms_days=14,
    )


def pay(ar: AR, inv: SalesInvoice | None, amount: str, on: date, *, extra: str = "0", customer: Customer | None = None):
    """A customer payment through ``record_payment``: ``amount`` allocated to ``inv``, ``extra`` left as credit."""
    allocated, rest = D(amount), D(extra)
    return record_payment(
        ar.company,
        customer=customer or (inv.customer if inv else ar.kunde),
        amount=allocated + rest,
        paid_on=on,
        allocations=[(inv, allocated)] if inv is not None and allocated else [],
        actor=ar.user,
        source="manual",
        kid="123",
    )


def fee_posting(ar: AR, customer: Customer, amount: str, on: date) -> None:
    """A reminder fee posted straight on 1500 with the customer (as the dunning run does)."""
    post_voucher(
        ar.company,
        ar.user,
        voucher_date=on,
        description=f"Purregebyr {customer.name}",
        lines=[VoucherLine("1500", debit=D(amount), customer_id=customer.pk), VoucherLine("3900", credit=D(amount))],
        series="GL",
    )


def books(ar: AR, customer: Customer, on: date) -> Decimal:
    total = D("0.00")
    for p in Posting.objects.filter(
        voucher__company=ar.company, account__number="1500", customer=customer, voucher__date__lte=on
    ):
        total += p.debit - p.credit
    return total


# --- open items and aging -----------------------------------------------------------------------------------------


def test_open_items_net_credit_notes_and_payments_and_show_unallocated_money(ar: AR) -> None:
    a = invoice(ar, "1000", JAN)  # 1250 incl. VAT, due in 10 days (15.01)
    b = invoice(ar, "2000", JAN)  # 2500
    services.credit(b, ar.user, reason="Rabatt", lines=[DraftLine("Konsulenttimer", D("1"), D("400"))], issue_date=JAN)
    pay(ar, a, "250.00", date(2026, 1, 20))
    pay(ar, None, "0", date(2026, 1, 22), extra="100.00")
    on = date(2026, 2, 1)
    items = {i.invoice.pk if i.invoice else i.kind: i for i in ledger.open_items(ar.company, ar.kunde, on=on)}
    assert items[a.pk].open_nok == D("1000.00")
    assert items[b.pk].open_nok == D("2000.00")  # 2500 − the credit note's 500
    assert items["payment"].open_nok == D("-100.00")
    assert items[a.pk].days_past_due == 17 and items[a.pk].bucket == "days_1_30"
    assert sum(i.open_nok for i in items.values()) == books(ar, ar.kunde, on) == D("2900.00")
    # before the payment and the credit note's issue: the invoices whole; before the invoices: nothing
    assert sum(i.open_nok for i in ledger.open_items(ar.company, ar.kunde, on=date(2026, 1, 19))) == D("3250.00")
    assert ledger.open_items(ar.company, ar.kunde, on=JAN - timedelta(days=1)) == []


def test_a_paid_invoice_is_not_open_and_aging_totals_the_balance(ar: AR) -> None:
    a = invoice(ar, "1000", JAN)
    invoice(ar, "800", date(2026, 3, 1))  # 1000 incl. VAT, due 11.03
    other = second_customer(ar)
    invoice(ar, "400", JAN, customer=other)  # 500, terms 14 days: due 19.01
    pay(ar, a, "1250.00", date(2026, 1, 14))
    per, total = ledger.aging(ar.company, date(2026, 3, 11))
    assert set(per) == {ar.kunde.pk, other.pk}
    assert per[ar.kunde.pk].as_pairs()[0] == ("not_due", D("1000.00"))  # due today: not yet due
    assert per[other.pk].days_31_60 == D("500.00")  # 51 days past due
    assert total.total == D("1500.00") and total.overdue == D("500.00")
    assert ledger.aging(ar.company, date(2026, 3, 12))[1].days_1_30 == D("1000.00")


# --- statement of account -----------------------------------------------------------------------------------------


def test_statement_runs_from_the_opening_balance_and_reconciles_to_1500(ar: AR) -> None:
    a = invoice(ar, "1000", date(2025, 12, 10))  # before the period: in the opening balance
    b = invoice(ar, "2000", JAN)
    services.credit(b, ar.user, reason="Retur", lines=[DraftLine("Konsulenttimer", D("1"), D("200"))], issue_date=JAN)
    pay(ar, a, "1250.00", date(2026, 1, 8), extra="50.00")
    fee_posting(ar, ar.kunde, "70.00", date(2026, 1, 25))
    invoice(ar, "999", date(2026, 2, 10))  # after the period: not in it
    invoice(ar, "300", JAN, customer=second_customer(ar))  # another customer: not in it

    st = ledger.statement(ar.kunde, date(2026, 1, 1), date(2026, 1, 31))
    assert st.opening == D("1250.00")
    assert [(ln.kind, ln.debit, ln.credit, ln.balance) for ln in st.lines] == [
        ("invoice", D("2500.00"), D("0.00"), D("3750.00")),
        ("credit_note", D("0.00"), D("250.00"), D("3500.00")),
        ("payment", D("0.00"), D("1300.00"), D("2200.00")),
        ("posting", D("70.00"), D("0.00"), D("2270.00")),
    ]
    assert str(b.number + 1) in st.lines[1].text and str(b.number) in st.lines[1].text
    assert st.closing == st.books_closing == books(ar, ar.kunde, date(2026, 1, 31)) == D("2270.00")
    assert st.difference == 0
    assert sum(i.open_nok for i in st.open_items) == st.closing
    assert ledger.statement(ar.kunde, date(2026, 2, 1), date(2026, 2, 28)).opening == st.closing


def test_unidentified_payments_and_later_allocations_keep_the_ledger_on_1500(ar: AR) -> None:
    a = invoice(ar, "1000", JAN)  # 1250
    b = invoice(ar, "2000", JAN)  # 2500
    # nobody knew whose: on 2900, not the customer's yet
    unknown = record_payment(
        ar.company, customer=None, amount=D("1500.00"), paid_on=date(2026, 1, 10), allocations=[], actor=ar.user
    )
    on = date(2026, 1, 12)
    assert sum(i.open_nok for i in ledger.open_items(ar.company, ar.kunde, on=on)) == D("3750.00")
    # placed on invoice a: 1250 moves to 1500; the rest stays on 2900
    allocate_credit(unknown, a, ar.user)
    # an overpayment: 2500 for b plus 300 on the customer's account, later set against a new invoice
    pay(ar, b, "2500.00", date(2026, 1, 11), extra="300.00")
    c = invoice(ar, "200", date(2026, 1, 12))  # 250
    overpayment = CustomerPayment.objects.get(company=ar.company, unallocated=D("300.00"))
    allocate_credit(overpayment, c, ar.user)
    items = ledger.open_items(ar.company, ar.kunde, on=on)
    assert [(i.kind, i.open_nok) for i in items] == [("payment", D("-50.00"))]
    st = ledger.statement(ar.kunde, date(2026, 1, 1), on)
    assert st.closing == st.books_closing == books(ar, ar.kunde, on) == D("-50.00")
    assert [ln.kind for ln in st.lines].count("payment") == 2  # the placed part and the bank payment


def test_statement_reconciles_to_1500_for_every_demo_customer(sales_demo_company) -> None:
    company = sales_demo_company
    customers = Customer.objects.filter(company=company)
    notes = SalesInvoice.objects.filter(company=company, document_type="credit_note").exclude(number=None)
    assert notes.exists()  # the demo credits an invoice
    today = date.today() + timedelta(days=1)
    checked = 0
    for customer in customers:
        st = ledger.statement(customer, date(2000, 1, 1), today)
        in_books = Posting.objects.filter(
            voucher__company=company, account__number="1500", customer=customer, voucher__date__lte=today
        )
        expected = sum((p.debit - p.credit for p in in_books), D("0.00"))
        assert st.closing == st.books_closing == expected, customer
        assert sum((i.open_nok for i in st.open_items), D("0.00")) == expected, customer
        checked += bool(st.lines)
    assert checked >= 3
    _rows, total = ledger.overview(company, today)
    assert total.total == sum(
        (p.debit - p.credit for p in Posting.objects.filter(voucher__company=company, account__number="1500")),
        D("0.00"),
    )


# --- DSO, CEI and predictions -------------------------------------------------------------------------------------


def test_dso_and_cei_per_month_from_the_documents(ar: AR) -> None:
    # January: 2500 + 1250 invoiced, 1250 paid on 14.01; 2500 open at the end, due 15.01 → overdue
    a = invoice(ar, "1000", JAN)
    invoice(ar, "2000", JAN)
    pay(ar, a, "1250.00", date(2026, 1, 14))
    # February: 1250 invoiced on 25.02 (due 07.03: not due at the end of February); nothing paid
    invoice(ar, "1000", date(2026, 2, 25))
    dec, jan, feb = ledger.dso_cei(ar.company, 3, on=date(2026, 2, 28))
    assert dec.credit_sales == 0 and dec.dso is None and dec.cei is None
    assert jan.credit_sales == D("3750.00") and jan.receivables_end == D("2500.00") and jan.current_end == 0
    assert jan.dso == D("20.7")  # 2500 × 31 / 3750
    assert jan.cei == D("33.3")  # (0 + 3750 − 2500) / (0 + 3750 − 0)
    assert feb.receivables_begin == D("2500.00") and feb.receivables_end == D("3750.00")
    assert feb.current_end == D("1250.00")
    assert feb.dso == D("84.0")  # 3750 × 28 / 1250
    assert feb.cei == D("0.0")  # nothing collected of the 2500 collectable


def test_predictions_follow_the_customers_own_history(ar: AR) -> None:
    for month in (1, 2, 3, 4):
        old = invoice(ar, "100", date(2026, month, 2))  # due the 12th; paid 10 days late
        pay(ar, old, "125.00", old.due_date + timedelta(days=10))
    other = second_customer(ar)
    for month in (1, 2, 3):
        punctual = invoice(ar, "100", date(2026, month, 2), customer=other)  # due the 16th; paid that day
        pay(ar, punctual, "125.00", punctual.due_date)
    open_late = invoice(ar, "500", date(2026, 5, 4))  # due 14.05
    open_punctual = invoice(ar, "500", date(2026, 5, 4), customer=other)  # due 18.05
    found = {i.invoice.pk: i.prediction for i in ledger.predictions(ar.company, on=date(2026, 5, 5))}
    assert set(found) == {open_late.pk, open_punctual.pk}
    late, punctual = found[open_late.pk], found[open_punctual.pk]
    assert late.history == 4 and punctual.history == 3
    assert 6 <= (late.expected_pay_date - open_late.due_date).days <= 11
    assert late.p_late > 0.7 > 0.3 > punctual.p_late
    assert 0 <= (punctual.expected_pay_date - open_punctual.due_date).days <= 4


# --- pages --------------------------------------------------------------------------------------------------------


def _orm_invoice(company: Any, customer: Customer, number: int, amount: str, issue: date, due: date) -> SalesInvoice:
    return SalesInvoice.objects.create(
        company=company,
        customer=customer,
        number=number,
        status="sent",
        issue_date=issue,
        due_date=due,
        total=D(amount),
        total_nok=D(amount),
    )


def _customers(company: Any, n: int, start: int = 1) -> None:
    today = date.today()
    for k in range(start, start + n):
        c = Customer.objects.create(company=company, number=k, name=f"Kunde {k:02d} AS")
        _orm_invoice(company, c, 20000 + 2 * k, "1000.00", today - timedelta(days=40), today - timedelta(days=k))
        paid = _orm_invoice(company, c, 20001 + 2 * k, "500.00", today - timedelta(days=90), today - timedelta(days=76))
        record_payment(
            company,
            customer=c,
            amount=D("500.00"),
            paid_on=today - timedelta(days=70),
            allocations=[(paid, D("500.00"))],
            actor=None,
        )


def test_overview_page_shows_aging_chart_table_and_customers(client, world) -> None:
    _customers(world.a, 3)
    Customer.objects.create(company=world.b, number=1, name="Hemmelig Kunde AS")
    client.force_login(world.users["accountant"])
    response = client.get(reverse("receivables_ledger:overview"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('role="img"') == 3 and '<title id="aging-title">' in html and '<desc id="aging-desc">' in html
    assert len(re.findall(r'data-customer="\d+"', html)) == 3
    assert "Hemmelig Kunde AS" not in html
    assert 'data-figure="total">NOK 3\u00a0000,00' in html
    first = Customer.objects.get(company=world.a, number=1)
    assert reverse("receivables_ledger:statement", args=[first.pk]) in html
    assert client.get(reverse("receivables_ledger:overview"), {"on": "not a date"}).status_code == 200


def test_overview_reads_a_fixed_number_of_queries_whatever_the_customers(client, world) -> None:
    client.force_login(world.users["accountant"])
    _customers(world.a, 2)
    url = reverse("receivables_ledger:overview")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _customers(world.a, 18, start=3)
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert len(re.findall(r'data-customer="\d+"', html)) == 20
    assert len(many) == len(few) <= 30


def test_statement_page_reconciles_and_is_scoped_to_the_company(client, world) -> None:
    _customers(world.a, 1)
    mine = Customer.objects.get(company=world.a, number=1)
    theirs = Customer.objects.create(company=world.b, number=1, name="Hemmelig Kunde AS")
    client.force_login(world.users["auditor"])
    response = client.get(
        reverse("receivables_ledger:statement", args=[mine.pk]), {"from": "2000-01-01"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    html = response.content.decode()
    # the ORM invoices of this test post nothing: the page says so rather than hiding it
    assert "a difference of NOK" in html
    assert 'data-kind="invoice"' in html and 'data-kind="payment"' in html
    assert client.get(reverse("receivables_ledger:statement", args=[theirs.pk])).status_code == 404


def test_the_pages_need_view_receivables(client, world) -> None:
    mine = Customer.objects.create(company=world.a, number=1, name="Kunde AS")
    for role in ("approver", "requester", "supplier"):
        client.force_login(world.users[role])
        assert client.get(reverse("receivables_ledger:overview")).status_code in (403, 404), role
        assert client.get(reverse("receivables_ledger:statement", args=[mine.pk])).status_code in (403, 404), role
    client.logout()
    assert client.get(reverse("receivables_ledger:overview")).status_code == 302


def test_statement_page_with_posted_documents_agrees_with_the_books(client, ar: AR) -> None:
    from fakturaflyt.companies.roles import Role
    from fakturaflyt.companies.services import add_member

    add_member(None, ar.company, ar.user, Role.ACCOUNTANT)
    a = invoice(ar, "1000", JAN)
    pay(ar, a, "500.00", date(2026, 1, 20))
    client.force_login(ar.user)
    html = client.get(
        reverse("receivables_ledger:statement", args=[ar.kunde.pk]), {"from": "2026-01-01", "to": "2026-01-31"}
    ).content.decode()
    assert 'data-reconciled="1"' in html and 'data-figure="closing"><strong>750,00' in html
