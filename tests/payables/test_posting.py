"""Posting an approved supplier invoice: the voucher balances with the right accounts and VAT codes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from fakturaflyt.approvals.error_codes import ApprovalCode, ApprovalError
from fakturaflyt.payables import posting
from tests.approvals import conftest as approval_fixtures

D = Decimal

# the fixtures of the approval tests: a company with approvers, and coded documents
office = approval_fixtures.office
coded = approval_fixtures.coded


def _rows(voucher):
    """(account, debit, credit, vat code) per posting, in line order."""
    return [
        (p.account.number, p.debit, p.credit, p.vat_code.code if p.vat_code else None)
        for p in voucher.postings.select_related("account", "vat_code").order_by("line")
    ]


def _balanced(voucher) -> None:
    postings = list(voucher.postings.all())
    assert sum(p.debit for p in postings) == sum(p.credit for p in postings)


def _post(doc, office):
    voucher = posting.post_document(doc, office.accountant)
    doc.refresh_from_db()
    assert doc.voucher == voucher
    _balanced(voucher)
    return voucher


def test_25_percent_posts_expense_input_vat_and_payable(office, coded):
    # given a coded invoice of 1 000 + 25 % VAT on account 6540, department 100
    doc = coded([("1000.00", "6540", "1", "100", "P1")])
    # when it is posted
    voucher = _post(doc, office)
    # then
    assert voucher.series.code == "AP" and voucher.date == date(2026, 3, 2)
    assert voucher.description == f"Leverandørfaktura {doc.invoice_number} Bergen Kontorutstyr AS"
    assert _rows(voucher) == [
        ("6540", D("1000.00"), D("0.00"), "1"),
        ("2710", D("250.00"), D("0.00"), "1"),
        ("2400", D("0.00"), D("1250.00"), None),
    ]
    expense, _vat, payable = voucher.postings.order_by("line")
    assert expense.vat_base == D("1000.00") and expense.department.code == "100" and expense.project.code == "P1"
    assert payable.supplier_id == office.supplier.pk


def test_15_and_0_percent(office, coded):
    doc = coded([("200.00", "6560", "11", "", "")])
    assert _rows(_post(doc, office)) == [
        ("6560", D("200.00"), D("0.00"), "11"),
        ("2711", D("30.00"), D("0.00"), "11"),
        ("2400", D("0.00"), D("230.00"), None),
    ]
    zero = coded([("500.00", "6790", "0", "", "")])
    assert _rows(_post(zero, office)) == [("6790", D("500.00"), D("0.00"), "0"), ("2400", D("0.00"), D("500.00"), None)]


def test_mixed_lines_and_rounding_difference_goes_to_the_largest_vat_line(office, coded):
    # given three lines at 25, 15 and 12 % whose per-line VAT (33.33 + 1.50 + 1.20) the supplier rounded to 36.04
    doc = coded(
        [("133.33", "6540", "1", "", ""), ("10.00", "6560", "11", "", ""), ("10.00", "6790", "13", "", "")],
        vat="36.04",
    )
    voucher = _post(doc, office)
    rows = _rows(voucher)
    # then the 0.01 difference lands on the 25 % line and the payable is the invoice total
    assert ("2710", D("33.34"), D("0.00"), "1") in rows
    assert ("2711", D("1.50"), D("0.00"), "11") in rows
    assert ("2713", D("1.20"), D("0.00"), "13") in rows
    assert rows[-1] == ("2400", D("0.00"), D("189.37"), None)


def test_vat_difference_over_one_krone_is_refused(office, coded):
    doc = coded([("1000.00", "6540", "1", "", "")], vat="150.00")
    with pytest.raises(ApprovalError) as exc:
        posting.post_document(doc, office.accountant)
    assert exc.value.code == ApprovalCode.VAT_MISMATCH


def test_reverse_charge_86_debits_input_and_credits_output_vat(office, coded):
    # given a service from abroad (no VAT on the invoice), coded with code 86
    doc = coded([("4000.00", "6553", "86", "", "")], supplier=office.foreign, vat="0.00")
    rows = _rows(_post(doc, office))
    # then input VAT 2714 and output VAT 2704, net zero; the supplier is owed the net only
    assert rows == [
        ("6553", D("4000.00"), D("0.00"), "86"),
        ("2714", D("1000.00"), D("0.00"), "86"),
        ("2704", D("0.00"), D("1000.00"), "86"),
        ("2400", D("0.00"), D("4000.00"), None),
    ]


def test_reverse_charge_87_without_deduction_makes_the_vat_a_cost(office, coded):
    doc = coded([("4000.00", "6553", "87", "", "")], supplier=office.foreign, vat="0.00")
    assert _rows(_post(doc, office)) == [
        ("6553", D("5000.00"), D("0.00"), "87"),
        ("2704", D("0.00"), D("1000.00"), "87"),
        ("2400", D("0.00"), D("4000.00"), None),
    ]


def test_credit_note_posts_the_mirror(office, coded):
    doc = coded([("400.00", "6540", "1", "", "")], credit_note=True)
    voucher = _post(doc, office)
    assert voucher.description.startswith("Kreditnota")
    assert _rows(voucher) == [
        ("6540", D("0.00"), D("400.00"), "1"),
        ("2710", D("0.00"), D("100.00"), "1"),
        ("2400", D("500.00"), D("0.00"), None),
    ]


def test_credit_note_of_an_approved_unpaid_invoice_is_recorded_for_set_off(office, coded):
    from fakturaflyt.ledger.models import AuditEvent
    from fakturaflyt.payables.models import DocumentState

    invoice = coded([("1000.00", "6540", "1", "", "")])
    _post(invoice, office)
    invoice.state = DocumentState.APPROVED
    invoice.save()
    note = coded([("400.00", "6540", "1", "", "")], credit_note=True, credits=invoice)
    assert posting.set_off_target(note) == invoice
    _post(note, office)
    event = AuditEvent.objects.filter(action="posting.set_off_recorded").get()
    assert event.data["after"]["invoice"] == invoice.pk


def test_foreign_currency_uses_the_nok_vat_or_is_refused(office, coded):
    doc = coded([("100.00", "6553", "1", "", "")], currency="EUR", vat="25.00")
    with pytest.raises(ApprovalError) as exc:
        posting.post_document(doc, office.accountant)
    assert exc.value.code == ApprovalCode.FOREIGN_CURRENCY
    # with the EHF's VAT in NOK (BT-111), the rate is 290.00 / 25.00 = 11.6
    doc.ehf = {"tax_currency": "NOK", "tax_total": "25.00", "tax_total_in_tax_currency": "290.00"}
    doc.save()
    voucher = _post(doc, office)
    assert _rows(voucher) == [
        ("6553", D("1160.00"), D("0.00"), "1"),
        ("2710", D("290.00"), D("0.00"), "1"),
        ("2400", D("0.00"), D("1450.00"), None),
    ]
    payable = voucher.postings.get(account__number="2400")
    assert payable.currency == "EUR" and payable.currency_amount == D("-125.00")


def test_every_voucher_balances_in_the_trial_balance(office, coded):
    from fakturaflyt.ledger.reports import trial_balance

    for lines in (
        [("1000.00", "6540", "1", "", "")],
        [("4000.00", "6553", "86", "", "")],
        [("80.00", "6560", "11", "", ""), ("20.00", "6790", "0", "", "")],
    ):
        _post(coded(lines, vat=None if lines[0][2] != "86" else "0.00"), office)
    rows = trial_balance(office.company, date(2026, 1, 1), date(2026, 12, 31))
    assert sum(r.debit for r in rows) == sum(r.credit for r in rows)
    by = {r.account: r for r in rows}
    assert by["2400"].credit == D("1250.00") + D("4000.00") + D("112.00")


def test_posting_twice_is_refused(office, coded):
    doc = coded()
    _post(doc, office)
    with pytest.raises(ApprovalError) as exc:
        posting.post_document(doc, office.accountant)
    assert exc.value.code == ApprovalCode.ALREADY_POSTED
