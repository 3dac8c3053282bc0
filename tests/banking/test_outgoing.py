"""Debit entries of a bank file are our own payment runs: booked by the issue-6 code, marked outgoing."""

# ruff: noqa: F811 - fixtures imported from another test module and requested by name

from __future__ import annotations

from datetime import date, timedelta

import pytest

from fakturaflyt.banking import services
from fakturaflyt.banking.models import BankEntry
from fakturaflyt.ledger.models import Voucher
from fakturaflyt.payments import services as payments
from fakturaflyt.payments.models import PaymentState
from tests.payments.conftest import TODAY, camt054, make_doc, pay_company, payer, suppliers  # noqa: F401

pytestmark = pytest.mark.django_db


def test_outgoing_entries_book_our_payment_run_once(pay_company, suppliers, make_doc, payer, intake_dirs) -> None:
    # given an exported payment run of two supplier invoices
    make_doc(suppliers[1], "1250.00", due=TODAY + timedelta(days=5))
    make_doc(suppliers[2], "800.00", number="2026-0042", due=TODAY + timedelta(days=9))
    run = payments.propose(pay_company, TODAY + timedelta(days=30), payer["ola"], today=TODAY)
    payments.approve_run(run, payer["kari"])
    payments.export_run(run, user=payer["kari"])
    paid = list(run.payments.order_by("pk"))
    data = camt054("NO1415064123456", [(p.end_to_end_id, p.amount, date(2026, 3, 16)) for p in paid])
    # when the bank's debit notification is imported through the bank import
    result = services.import_bank_file(pay_company, data, payer["kari"], filename="debit.xml")
    # then both entries are outgoing, and the payments are booked against the run
    assert (result.total, result.outgoing, result.matched_auto, result.for_review) == (2, 2, 0, 0)
    entries = list(BankEntry.objects.order_by("ref"))
    assert {e.state for e in entries} == {"outgoing"}
    assert {e.match_method for e in entries} == {"payment_run"}
    assert "2026-0042" in " ".join(e.note for e in entries)
    for p in paid:
        p.refresh_from_db()
        assert p.status == PaymentState.BOOKED and p.voucher is not None
    # the same file again books nothing twice
    vouchers = Voucher.objects.count()
    again = services.import_bank_file(pay_company, data, payer["kari"], filename="debit.xml")
    assert (again.duplicates, again.outgoing) == (2, 0)
    assert Voucher.objects.count() == vouchers
