"""Customer payments: posting to bank and 1500, allocation, settlement, overpayment credit, duplicates."""

# ruff: noqa: F811 - fixtures imported from another test module and requested by name

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from fakturaflyt.banking.error_codes import BankError
from fakturaflyt.core.ledger import check_voucher
from fakturaflyt.ledger.models import AuditEvent, Voucher
from fakturaflyt.ledger.services import line_of
from fakturaflyt.receivables import services
from fakturaflyt.receivables.models import Customer, CustomerPayment, PaymentAllocation, SalesInvoice
from fakturaflyt.receivables.payments import allocate_credit, open_invoices, record_payment, remaining
from fakturaflyt.receivables.services import DraftLine

from .test_services import AR, DAY, ar  # noqa: F401 - the fixture

D = Decimal
PAID = date(2026, 3, 20)
pytestmark = pytest.mark.django_db


def invoice(ar: AR, amount: str = "1000", customer=None) -> SalesInvoice:
    """An issued NOK invoice of ``amount`` incl. 25 % VAT (net = amount / 1.25)."""
    net = D(amount) / D("1.25")
    draft = services.create_draft(ar.company, customer or ar.kunde, [DraftLine("Vare", D("1"), net)], actor=ar.user)
    return services.issue(draft, ar.user, issue_date=DAY)


def lines(payment: CustomerPayment) -> list:
    return [line_of(p) for p in payment.voucher.postings.select_related("account")]


def pay(ar: AR, amount: str, allocations, ref: str = "REF-1", **kw) -> CustomerPayment:
    return record_payment(
        ar.company,
        customer=kw.pop("customer", ar.kunde),
        amount=D(amount),
        paid_on=PAID,
        allocations=[(inv, D(a)) for inv, a in allocations],
        actor=ar.user,
        source_ref=ref,
        **kw,
    )


def test_exact_payment_settles_the_invoice_with_paid_on(ar: AR) -> None:
    inv = invoice(ar, "1000")
    payment = pay(ar, "1000", [(inv, "1000")])
    inv.refresh_from_db()
    assert (inv.settlement, inv.paid_amount, inv.paid_on) == ("paid", D("1000.00"), PAID)
    assert payment.unallocated == 0 and payment.customer == ar.kunde
    got = lines(payment)
    assert check_voucher(got) == []
    assert [(ln.account, ln.debit, ln.credit, ln.customer_id) for ln in got] == [
        ("1920", D("1000.00"), D("0.00"), None),
        ("1500", D("0.00"), D("1000.00"), ar.kunde.pk),
    ]
    assert payment.voucher.series.code == "BANK" and payment.voucher.source == "customer_payment"
    assert payment.voucher.date == PAID
    assert list(PaymentAllocation.objects.values_list("invoice_id", "amount")) == [(inv.pk, D("1000.00"))]
    event = AuditEvent.objects.get(company=ar.company, action="payment.recorded")
    assert event.data["allocations"] == [{"invoice": inv.number, "amount": "1000.00"}]
    assert inv not in open_invoices(ar.company)


def test_partial_payment_leaves_the_rest_open(ar: AR) -> None:
    inv = invoice(ar, "1000")
    pay(ar, "400", [(inv, "400")])
    inv.refresh_from_db()
    assert (inv.settlement, inv.paid_amount, inv.paid_on) == ("partly_paid", D("400.00"), None)
    assert [(i.pk, remaining(i)) for i in open_invoices(ar.company)] == [(inv.pk, D("600.00"))]
    # the rest paid later settles it
    pay(ar, "600", [(inv, "600")], ref="REF-2")
    inv.refresh_from_db()
    assert inv.settlement == "paid" and inv.paid_on == PAID


def test_overpayment_is_a_credit_on_the_customer(ar: AR) -> None:
    inv = invoice(ar, "1000")
    payment = pay(ar, "1250", [(inv, "1000")])
    assert payment.unallocated == D("250.00")
    got = lines(payment)
    assert check_voucher(got) == []
    assert [(ln.account, ln.credit, ln.customer_id) for ln in got if ln.credit] == [
        ("1500", D("1000.00"), ar.kunde.pk),
        ("1500", D("250.00"), ar.kunde.pk),
    ]
    # the credit is later set against the next invoice: no new voucher, the invoice is settled in part
    nxt = invoice(ar, "500")
    vouchers = Voucher.objects.count()
    allocate_credit(payment, nxt, ar.user)
    nxt.refresh_from_db()
    payment.refresh_from_db()
    assert (nxt.settlement, nxt.paid_amount, payment.unallocated) == ("partly_paid", D("250.00"), D("0.00"))
    assert Voucher.objects.count() == vouchers


def test_without_customer_the_rest_waits_on_the_suspense_account(ar: AR) -> None:
    payment = record_payment(
        ar.company, customer=None, amount=D("300"), paid_on=PAID, allocations=[], actor=ar.user, source_ref="X"
    )
    assert [(ln.account, ln.debit, ln.credit) for ln in lines(payment)] == [
        ("1920", D("300.00"), D("0.00")),
        ("2900", D("0.00"), D("300.00")),
    ]
    inv = invoice(ar, "300")
    allocate_credit(payment, inv, ar.user)
    payment.refresh_from_db()
    inv.refresh_from_db()
    assert payment.customer == ar.kunde and inv.settlement == "paid"
    moved = Voucher.objects.filter(source="customer_payment").order_by("pk").last()
    assert [(ln.account, ln.debit, ln.credit, ln.customer_id) for ln in map(line_of, moved.postings.all())] == [
        ("2900", D("300.00"), D("0.00"), None),
        ("1500", D("0.00"), D("300.00"), ar.kunde.pk),
    ]


def test_a_duplicate_bank_reference_is_refused_and_changes_nothing(ar: AR) -> None:
    inv = invoice(ar, "1000")
    pay(ar, "400", [(inv, "400")], ref="BANK-77")
    before = (CustomerPayment.objects.count(), Voucher.objects.count())
    with pytest.raises(BankError) as exc:
        pay(ar, "400", [(inv, "400")], ref="BANK-77")
    assert exc.value.code == "FF-BANK-DUPLICATE"
    inv.refresh_from_db()
    assert inv.paid_amount == D("400.00")
    assert (CustomerPayment.objects.count(), Voucher.objects.count()) == before


def test_never_more_than_the_open_amount_nor_than_paid(ar: AR) -> None:
    inv = invoice(ar, "1000")
    with pytest.raises(BankError) as exc:
        pay(ar, "2000", [(inv, "1500")])
    assert exc.value.code == "FF-BANK-OVERALLOCATED"
    with pytest.raises(BankError) as exc:
        pay(ar, "500", [(inv, "600")])
    assert exc.value.code == "FF-BANK-OVERALLOCATED"
    assert not CustomerPayment.objects.exists()
    inv.refresh_from_db()
    assert inv.paid_amount == 0 and inv.settlement == "open"


def test_credited_and_foreign_invoices_are_refused(ar: AR, make_company) -> None:
    inv = invoice(ar, "1000")
    services.credit(inv, ar.user, reason="Feil pris")
    with pytest.raises(BankError) as exc:
        pay(ar, "1000", [(inv, "1000")])
    assert exc.value.code == "FF-BANK-CREDITED"
    annen = Customer.objects.create(company=ar.company, number=43, name="Annen Kunde AS", orgnr="923609016")
    other = invoice(ar, "200", customer=annen)
    with pytest.raises(BankError) as exc:
        pay(ar, "200", [(other, "200")])  # paid by Kunde AS, but the invoice is Annen Kunde's
    assert exc.value.code == "FF-BANK-CUSTOMER"
    assert not CustomerPayment.objects.exists()


def test_a_partial_credit_note_lowers_what_is_open(ar: AR) -> None:
    inv = invoice(ar, "1000")
    services.credit(inv, ar.user, reason="Rabatt", lines=[DraftLine("Rabatt", D("1"), D("320"))])  # 400 incl. VAT
    [found] = open_invoices(ar.company)
    assert remaining(found) == D("600.00")
    pay(ar, "600", [(inv, "600")])
    inv.refresh_from_db()
    assert inv.settlement == "paid"
