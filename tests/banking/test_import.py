"""Importing bank files: each matching path through the import, thresholds, idempotency, refused files."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fakturaflyt.banking import services
from fakturaflyt.banking.error_codes import BankError
from fakturaflyt.banking.models import BankEntry, BankStatement, BankStatementImport, ReconciliationSettings
from fakturaflyt.core.errors import FormatError
from fakturaflyt.ledger.models import AuditEvent, Voucher
from fakturaflyt.payables.models import StoredFile
from fakturaflyt.receivables import services as invoicing
from fakturaflyt.receivables.models import CustomerPayment

from .conftest import BOOKED, Bank, camt054, ntry

D = Decimal
pytestmark = pytest.mark.django_db


def run(bank: Bank, data: bytes, name: str = "camt054.xml") -> services.ImportResult:
    return services.import_bank_file(bank.company, data, bank.user, filename=name)


def threshold(bank: Bank, value: str) -> None:
    ReconciliationSettings.objects.update_or_create(company=bank.company, defaults={"auto_threshold": D(value)})


def test_kid_payment_is_posted_and_the_same_file_again_adds_nothing(bank: Bank) -> None:
    inv = bank.issue("1000")
    data = camt054(ntry("R1", "1000.00", kid=inv.kid, name="Kunde AS", account="12345678903"))
    # when
    result = run(bank, data)
    # then
    assert (result.total, result.matched_auto, result.for_review, result.duplicates) == (1, 1, 0, 0)
    assert result.format == "camt.054"
    inv.refresh_from_db()
    assert (inv.settlement, inv.paid_on) == ("paid", BOOKED)
    entry = BankEntry.objects.get()
    assert (entry.state, entry.match_method, entry.payment.source_ref) == ("posted", "kid", "R1")
    assert entry.payment.payer_account == "12345678903" and entry.payment.voucher.postings.count() == 2
    imp = BankStatementImport.objects.get()
    assert (imp.status, imp.entries, imp.matched_auto) == ("imported", 1, 1)
    assert AuditEvent.objects.filter(company=bank.company, action="bank.imported").count() == 1
    vouchers = Voucher.objects.count()
    # the same file again: every entry a duplicate, nothing posted
    again = run(bank, data)
    assert (again.total, again.duplicates, again.matched_auto, again.for_review) == (1, 1, 0, 0)
    assert BankEntry.objects.count() == 1 and CustomerPayment.objects.count() == 1
    assert Voucher.objects.count() == vouchers


def test_the_same_entry_in_another_file_is_a_duplicate(bank: Bank) -> None:
    a, b = bank.issue("1000"), bank.issue("500")
    run(bank, camt054(ntry("R1", "1000.00", kid=a.kid), msg="N1"))
    result = run(bank, camt054(ntry("R1", "1000.00", kid=a.kid), ntry("R2", "500.00", kid=b.kid), msg="N2"))
    assert (result.total, result.duplicates, result.matched_auto) == (2, 1, 1)
    assert sorted(BankEntry.objects.values_list("ref", flat=True)) == ["R1", "R2"]
    assert CustomerPayment.objects.count() == 2


def test_partial_and_over_payment_by_kid(bank: Bank) -> None:
    part, over = bank.issue("1000"), bank.issue("800")
    result = run(bank, camt054(ntry("P1", "400.00", kid=part.kid), ntry("P2", "1000.00", kid=over.kid)))
    assert result.matched_auto == 2
    part.refresh_from_db()
    over.refresh_from_db()
    assert (part.settlement, part.paid_amount) == ("partly_paid", D("400.00"))
    assert (over.settlement, over.paid_amount) == ("paid", D("800.00"))
    credit = CustomerPayment.objects.get(source_ref="P2")
    assert credit.unallocated == D("200.00") and credit.customer == bank.kunde


def test_invoice_number_in_the_text(bank: Bank) -> None:
    inv = bank.issue("1500")
    result = run(bank, camt054(ntry("T1", "1500.00", text=f"Betaling faktura {inv.number}", name="Noen")))
    assert result.matched_auto == 1
    assert BankEntry.objects.get().match_method == "text_number"


def test_amount_and_name_waits_below_the_threshold_and_posts_above(bank: Bank) -> None:
    inv = bank.issue("2400", customer=bank.fjord)
    result = run(bank, camt054(ntry("A1", "2400.00", name="FJORD BYGG A/S")))
    assert (result.matched_auto, result.for_review) == (0, 1)
    entry = BankEntry.objects.get(ref="A1")
    assert entry.state == "matched" and entry.confidence == D("0.800")
    [cand] = entry.candidates
    assert (cand["method"], cand["customer"], cand["allocations"][0]["number"]) == (
        "amount_payer",
        "Fjord Bygg AS",
        inv.number,
    )
    assert "threshold" in entry.note
    # the company trusts amount + payer: the next such payment posts by itself
    threshold(bank, "0.8")
    other = bank.issue("1300", customer=bank.fjord)
    result = run(bank, camt054(ntry("A2", "1300.00", name="Fjord Bygg AS"), msg="N2"))
    assert result.matched_auto == 1
    other.refresh_from_db()
    assert other.settlement == "paid"


def test_one_payment_for_several_invoices(bank: Bank) -> None:
    threshold(bank, "0.75")
    a, b = bank.issue("1250", customer=bank.fjord), bank.issue("500", customer=bank.fjord)
    bank.issue("999", customer=bank.fjord)
    result = run(bank, camt054(ntry("S1", "1750.00", name="Fjord Bygg AS")))
    assert result.matched_auto == 1
    payment = CustomerPayment.objects.get()
    assert sorted(payment.allocations.values_list("invoice_id", flat=True)) == sorted([a.pk, b.pk])
    assert payment.match_method == "several_invoices" and payment.unallocated == 0


def test_a_payment_to_a_credited_invoice_is_flagged_not_posted(bank: Bank) -> None:
    inv = bank.issue("1000")
    invoicing.credit(inv, bank.user, reason="Returnert")
    result = run(bank, camt054(ntry("C1", "1000.00", kid=inv.kid)))
    assert (result.matched_auto, result.for_review) == (0, 1)
    entry = BankEntry.objects.get()
    assert entry.state == "matched" and entry.match_method == "credited_invoice"
    assert "credited" in entry.note and entry.candidates[0]["flagged"]
    assert not CustomerPayment.objects.exists()


def test_the_second_payment_of_one_invoice_in_a_file_is_not_posted_twice(bank: Bank) -> None:
    inv = bank.issue("1000")
    result = run(bank, camt054(ntry("D1", "1000.00", kid=inv.kid), ntry("D2", "1000.00", kid=inv.kid)))
    assert (result.matched_auto, result.for_review) == (1, 1)
    assert BankEntry.objects.get(ref="D2").match_method == "already_paid"
    inv.refresh_from_db()
    assert inv.paid_amount == D("1000.00")


def test_a_batched_entry_is_matched_payment_by_payment(bank: Bank) -> None:
    a, b = bank.issue("300"), bank.issue("700", customer=bank.fjord)
    batch = ntry("OCR-1", "1000.00", txs=[{"amount": "300.00", "kid": a.kid}, {"amount": "700.00", "kid": b.kid}])
    result = run(bank, camt054(batch))
    assert (result.total, result.matched_auto) == (2, 2)
    assert sorted(BankEntry.objects.values_list("ref", "entry_ref")) == [("OCR-1/1", "OCR-1"), ("OCR-1/2", "OCR-1")]
    # the camt.053 later holding the same entry as one line adds nothing
    again = run(bank, camt054(ntry("OCR-1", "1000.00"), msg="STMT"))
    assert (again.duplicates, again.matched_auto, again.for_review) == (1, 0, 0)


def test_payer_accounts_are_learned_from_earlier_payments(bank: Bank) -> None:
    first = bank.issue("1000")
    run(bank, camt054(ntry("L1", "1000.00", kid=first.kid, account="12345678903")))
    nxt = bank.issue("640")
    run(bank, camt054(ntry("L2", "640.00", account="12345678903"), msg="N2"))  # no KID, no name
    entry = BankEntry.objects.get(ref="L2")
    assert entry.candidates[0]["method"] == "amount_payer"
    assert entry.candidates[0]["allocations"][0]["invoice_id"] == nxt.pk


def test_nothing_found_is_left_unmatched(bank: Bank) -> None:
    result = run(bank, camt054(ntry("U1", "77.00", name="Ukjent Person")))
    assert result.for_review == 1
    entry = BankEntry.objects.get()
    assert (entry.state, entry.candidates) == ("unmatched", [])


def test_an_invalid_file_stores_only_the_file_and_the_error(bank: Bank) -> None:
    bank.issue("1000")
    bad = camt054(ntry("X1", "1000.00")).replace(b"<CdtDbtInd>CRDT", b"<CdtDbtInd>CRDX")
    with pytest.raises(FormatError) as exc:
        run(bank, bad, "bad.xml")
    assert exc.value.code == "FF-CAMT-INDICATOR"
    imp = BankStatementImport.objects.get()
    assert imp.status == "failed" and imp.problems[0]["code"] == "FF-CAMT-INDICATOR"
    assert StoredFile.objects.filter(pk=imp.file_id).exists()
    assert not BankStatement.objects.exists() and not BankEntry.objects.exists()
    assert not CustomerPayment.objects.exists()
    with pytest.raises(BankError) as exc:
        run(bank, b"%PDF-1.7 not a bank file", "x.pdf")
    assert exc.value.code == "FF-BANK-UNKNOWN-FILE"


def test_confirm_a_candidate_and_ignore_with_reason(bank: Bank) -> None:
    inv = bank.issue("2400", customer=bank.fjord)
    run(bank, camt054(ntry("M1", "2400.00", name="Fjord Bygg AS"), ntry("M2", "15.00", name="Banken")))
    entry = BankEntry.objects.get(ref="M1")
    services.confirm_candidate(entry, 0, bank.user)
    entry.refresh_from_db()
    inv.refresh_from_db()
    assert entry.state == "posted" and entry.handled_by == bank.user and inv.settlement == "paid"
    with pytest.raises(BankError) as exc:
        services.confirm_candidate(entry, 0, bank.user)
    assert exc.value.code == "FF-BANK-ENTRY-STATE"
    fee = BankEntry.objects.get(ref="M2")
    with pytest.raises(BankError):
        services.ignore(fee, "  ", bank.user)
    services.ignore(fee, "Renteinntekt, ført manuelt", bank.user)
    fee.refresh_from_db()
    assert (fee.state, fee.note) == ("ignored", "Renteinntekt, ført manuelt")
    assert AuditEvent.objects.filter(action__in=["bank.entry_confirmed", "bank.entry_ignored"]).count() == 2


def test_confirm_by_hand_to_chosen_invoices_with_the_rest_as_credit(bank: Bank) -> None:
    a, b = bank.issue("300"), bank.issue("400")
    run(bank, camt054(ntry("H1", "1000.00", name="Ukjent")))
    entry = BankEntry.objects.get()
    services.confirm(entry, [(a, D("300")), (b, D("400"))], bank.user, customer=bank.kunde)
    payment = CustomerPayment.objects.get()
    assert (payment.unallocated, payment.customer, payment.match_method) == (D("300.00"), bank.kunde, "manual")


def test_every_corpus_bank_file_imports_or_is_refused_cleanly(bank: Bank, corpus) -> None:
    files = sorted((corpus / "bank" / "samples").glob("camt05[34]/*.xml")) + sorted((corpus / "nets").glob("*ocr*"))
    assert files
    imported = 0
    for path in files:
        try:
            first = run(bank, path.read_bytes(), path.name)
        except (FormatError, BankError):
            assert BankStatementImport.objects.filter(filename=path.name, status="failed").exists()
            continue
        imported += 1
        again = run(bank, path.read_bytes(), path.name)
        assert again.duplicates == again.total == first.total, path.name
        assert again.matched_auto == again.for_review == again.outgoing == 0
    assert imported >= len(files) - 3
