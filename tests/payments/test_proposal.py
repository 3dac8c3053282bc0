"""Proposal rules: horizon, holds, bank account changes, KID or invoice number, credit note netting, and approval rights."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from fakturaflyt.companies.permissions import NotAllowed
from fakturaflyt.core.identifiers import make_kid
from fakturaflyt.ledger.models import AuditEvent
from fakturaflyt.payables.models import PaymentStatus
from fakturaflyt.payments import services
from fakturaflyt.payments.error_codes import PaymentCode, PaymentError
from fakturaflyt.payments.models import Payment, PaymentState, RunStatus

from .conftest import TODAY

pytestmark = pytest.mark.django_db
KID = make_kid("4455667", "mod10")


def test_horizon_overdue_hold_and_order(pay_company, suppliers, make_doc) -> None:
    # given invoices overdue, due soon, due after the horizon, on hold, a credit note and a not yet approved one
    s = suppliers[1]
    overdue = make_doc(s, "500.00", due=TODAY - timedelta(days=3))
    soon = make_doc(s, "700.00", due=TODAY + timedelta(days=10))
    make_doc(s, "900.00", due=TODAY + timedelta(days=40))
    make_doc(s, "300.00", due=TODAY + timedelta(days=2), on_hold=True, hold_reason="Disputed")
    make_doc(s, "200.00", due=TODAY + timedelta(days=2), state="in_approval")
    # when
    run = services.propose(pay_company, TODAY + timedelta(days=30), None, today=TODAY)
    # then
    payments = list(run.payments.order_by("requested_date"))
    assert [p.document for p in payments] == [overdue, soon]
    assert payments[0].requested_date == TODAY  # overdue: pay today
    assert payments[1].requested_date == soon.due_date
    assert run.status == RunStatus.DRAFT and run.number == 1
    overdue.refresh_from_db()
    assert overdue.payment_status == PaymentStatus.SCHEDULED
    assert AuditEvent.objects.filter(company=pay_company, action="payments.run.proposed").count() == 1


def test_kid_or_invoice_number_as_message(pay_company, suppliers, make_doc) -> None:
    with_kid = make_doc(suppliers[1], kid=KID)
    bad_kid = make_doc(suppliers[1], kid="1234567890", number="F-77")
    without = make_doc(suppliers[2], number="2026-0042")
    run = services.propose(pay_company, TODAY + timedelta(days=30), None, today=TODAY)
    by_doc = {p.document_id: p for p in run.payments.all()}
    assert (by_doc[with_kid.pk].kid, by_doc[with_kid.pk].message) == (KID, "")
    assert (by_doc[bad_kid.pk].kid, by_doc[bad_kid.pk].message) == ("", "Faktura F-77")
    assert PaymentCode.KID_INVALID in by_doc[bad_kid.pk].warning
    assert (by_doc[without.pk].kid, by_doc[without.pk].message) == ("", "Faktura 2026-0042")
    assert by_doc[without.pk].creditor_account == "12540512343"


def test_bank_account_change_and_blocked_are_held(pay_company, suppliers, make_doc) -> None:
    changed = make_doc(suppliers[1], account="86011117947")
    blocked = make_doc(suppliers[2], payment_blocked=True)
    fine = make_doc(suppliers[2])
    run = services.propose(pay_company, TODAY + timedelta(days=30), None, today=TODAY)
    assert [p.document for p in run.payments.all()] == [fine]
    held = {h["document"]: h for h in run.held}
    assert held[changed.pk]["code"] == PaymentCode.BANK_ACCOUNT_CHANGED
    assert "86011117947" in held[changed.pk]["reason"] and "15032080119" in held[changed.pk]["reason"]
    assert held[blocked.pk]["code"] == PaymentCode.PAYMENT_BLOCKED
    changed.refresh_from_db()
    assert changed.payment_status == PaymentStatus.UNPAID  # the next proposal looks at it again


def test_credit_notes_are_set_off(pay_company, suppliers, make_doc) -> None:
    # given an invoice with its own credit note, and an open credit note of the same supplier
    s = suppliers[1]
    first = make_doc(s, "1000.00", due=TODAY + timedelta(days=1))
    second = make_doc(s, "500.00", due=TODAY + timedelta(days=3))
    own = make_doc(s, "200.00", credit_note=True, credits=second)
    open_note = make_doc(s, "150.00", credit_note=True)
    other_supplier_note = make_doc(suppliers[2], "99.00", credit_note=True)
    # when
    run = services.propose(pay_company, TODAY + timedelta(days=30), None, today=TODAY)
    # then
    by_doc = {p.document_id: p for p in run.payments.all()}
    assert by_doc[second.pk].amount == Decimal("300.00")
    assert by_doc[first.pk].amount == Decimal("850.00")
    assert sum(Decimal(s["amount"]) for s in by_doc[first.pk].set_off) == Decimal("150.00")
    for note in (own, open_note):
        note.refresh_from_db()
        assert note.payment_status == PaymentStatus.SET_OFF
    other_supplier_note.refresh_from_db()
    assert other_supplier_note.payment_status == PaymentStatus.UNPAID


def test_supplier_with_credit_exceeding_invoices_is_held(pay_company, suppliers, make_doc) -> None:
    invoice = make_doc(suppliers[1], "100.00")
    note = make_doc(suppliers[1], "250.00", credit_note=True)
    other = make_doc(suppliers[2], "400.00")
    run = services.propose(pay_company, TODAY + timedelta(days=30), None, today=TODAY)
    assert [p.document for p in run.payments.all()] == [other]
    assert run.held[0]["document"] == invoice.pk and run.held[0]["code"] == PaymentCode.CREDIT_EXCEEDS
    note.refresh_from_db()
    assert note.payment_status == PaymentStatus.UNPAID


def test_invoice_never_in_two_open_runs(pay_company, suppliers, make_doc) -> None:
    doc = make_doc(suppliers[1])
    first = services.propose(pay_company, TODAY + timedelta(days=30), None, today=TODAY)
    make_doc(suppliers[2])
    second = services.propose(pay_company, TODAY + timedelta(days=30), None, today=TODAY)
    assert first.payments.get().document == doc
    assert doc.pk not in {p.document_id for p in second.payments.all()}
    # and the database itself refuses a second live payment of the same invoice
    p = first.payments.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(
            company=pay_company,
            run=second,
            document=doc,
            supplier=doc.supplier,
            amount=p.amount,
            due_date=p.due_date,
            requested_date=p.requested_date,
            end_to_end_id="OTHER-1",
        )


def test_nothing_due(pay_company, suppliers, make_doc) -> None:
    make_doc(suppliers[1], due=TODAY + timedelta(days=60))
    with pytest.raises(PaymentError) as exc:
        services.propose(pay_company, TODAY + timedelta(days=30), None, today=TODAY)
    assert exc.value.code == PaymentCode.NOTHING_DUE


def test_approval_rights(pay_company, suppliers, make_doc, payer) -> None:
    make_doc(suppliers[1])
    run = services.propose(pay_company, TODAY + timedelta(days=30), payer["ola"], today=TODAY)
    # an approver without payment rights may not
    with pytest.raises(NotAllowed):
        services.approve_run(run, payer["attestant"])
    # the proposer may not approve their own proposal
    with pytest.raises(PaymentError) as exc:
        services.approve_run(run, payer["ola"])
    assert exc.value.code == PaymentCode.SELF_APPROVAL
    # a draft cannot be exported
    with pytest.raises(PaymentError) as exc:
        services.export_run(run)
    assert exc.value.code == PaymentCode.NOT_APPROVED
    # another accountant may
    run = services.approve_run(run, payer["kari"])
    assert run.status == RunStatus.APPROVED and run.approved_by == payer["kari"]
    with pytest.raises(PaymentError) as exc:
        services.approve_run(run, payer["kari"])
    assert exc.value.code == PaymentCode.NOT_DRAFT


def test_automated_run_may_be_approved_by_its_creator(pay_company, suppliers, make_doc, payer) -> None:
    make_doc(suppliers[1])
    run = services.propose(pay_company, TODAY + timedelta(days=30), payer["ola"], today=TODAY)
    run = services.approve_run(run, payer["ola"], automated=True)
    assert run.status == RunStatus.APPROVED


def test_cancel_frees_the_invoices(pay_company, suppliers, make_doc) -> None:
    doc = make_doc(suppliers[1], "1000.00")
    note = make_doc(suppliers[1], "100.00", credit_note=True)
    run = services.propose(pay_company, TODAY + timedelta(days=30), None, today=TODAY)
    services.cancel_run(run, None, "wrong date")
    doc.refresh_from_db()
    note.refresh_from_db()
    assert doc.payment_status == note.payment_status == PaymentStatus.UNPAID
    assert run.payments.get().status == PaymentState.CANCELLED
    again = services.propose(pay_company, TODAY + timedelta(days=30), None, today=TODAY)
    assert again.payments.get().amount == Decimal("900.00")
