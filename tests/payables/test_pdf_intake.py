"""PDFs and scans through the intake: extraction, cross-checks with the supplier register, bank check, learnt layouts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from fakturaflyt.ledger.models import AuditEvent
from fakturaflyt.payables import processing
from fakturaflyt.payables.error_codes import IntakeCode
from fakturaflyt.payables.models import DocumentState, Supplier, SupplierLayout

pytestmark = pytest.mark.django_db

SYNTHETIC = "pdf/synthetic_no/bjorkas_ror_2024-10457"


@pytest.fixture
def bjorkas(corpus) -> bytes:
    return (corpus / f"{SYNTHETIC}.pdf").read_bytes()


def test_a_norwegian_text_pdf_is_read_and_ready(company, receive_now, bjorkas) -> None:
    (doc,) = receive_now(company, bjorkas, filename="faktura.pdf")
    assert doc.format == "pdf" and doc.extraction_engine == "text"
    assert doc.state == DocumentState.READY_FOR_CODING, doc.problems
    assert (doc.invoice_number, doc.issue_date, doc.due_date) == ("2024-10457", date(2024, 3, 14), date(2024, 3, 28))
    assert (doc.net_total, doc.vat_total, doc.total, doc.currency) == (
        Decimal("5972.50"),
        Decimal("1493.13"),
        Decimal("7465.63"),
        "NOK",
    )
    assert (doc.kid, doc.bank_account, doc.iban) == ("0010457208", "86011117947", "NO9386011117947")
    # every field keeps where it was found, for the detail page
    assert (
        doc.fields["total"]["page"] == 1
        and len(doc.fields["total"]["bbox"]) == 4
        and doc.fields["total"]["source"] == "text"
    )
    # the supplier was registered from the org.nr read with a valid check digit, its account learnt
    supplier = doc.supplier
    assert (supplier.orgnr, supplier.bank_account) == ("987654325", "86011117947")


def test_known_supplier_and_its_account_raise_confidence(company, receive_now, bjorkas) -> None:
    Supplier.objects.create(
        company=company, number=1, name="Bjørkås Rørleggerservice AS", orgnr="987654325", bank_account="86011117947"
    )
    (doc,) = receive_now(company, bjorkas, filename="faktura.pdf")
    assert doc.fields["supplier_name"]["confidence"] >= 0.95
    assert doc.fields["supplier_name"].get("cross_checked") == "known supplier"
    assert doc.fields["bank_account"]["confidence"] >= 0.98 and not doc.payment_blocked


def test_a_pdf_with_another_account_than_the_suppliers_blocks_payment(company, receive_now, bjorkas) -> None:
    Supplier.objects.create(company=company, number=1, name="Bjørkås", orgnr="987654325", bank_account="15032080119")
    (doc,) = receive_now(company, bjorkas, filename="faktura.pdf")
    assert doc.payment_blocked and doc.state == DocumentState.NEEDS_REVIEW
    assert IntakeCode.BANK_CHANGED in {p["code"] for p in doc.problems}


def test_the_same_invoice_as_pdf_and_as_scan_is_a_duplicate(company, receive_now, bjorkas, corpus) -> None:
    (first,) = receive_now(company, bjorkas, filename="faktura.pdf")
    (scan,) = receive_now(company, (corpus / f"{SYNTHETIC}.scan300.pdf").read_bytes(), filename="skann.pdf")
    assert scan.extraction_engine == "ocr"
    assert scan.state == DocumentState.DUPLICATE and scan.duplicate_of_id == first.pk


def test_a_correction_teaches_the_layout_and_the_next_invoice_comes_out_right(
    company, receive_now, bjorkas, on_commit
) -> None:
    # given an invoice whose order reference the reader does not find (the supplier prints it as "Kundenr.")
    (doc,) = receive_now(company, bjorkas, filename="mars.pdf")
    assert doc.fields["order_reference"]["value"] is None
    # when the accountant fills it in
    with on_commit():
        processing.correct_field(doc, None, "order_reference", "55120")
    # then the supplier's layout remembers where it stands
    layout = SupplierLayout.objects.get(supplier=doc.supplier)
    assert [s["field"] for s in layout.layout["spots"]] == ["order_reference"]
    assert AuditEvent.objects.filter(action="supplier.layout_learned").count() == 1
    # and the supplier's next invoice is read right without anyone touching it
    next_invoice = bjorkas + b"\n% april\n"
    (nxt,) = receive_now(company, next_invoice, filename="april.pdf")
    assert nxt.order_reference == "55120"
    assert nxt.fields["order_reference"]["source"] == "layout" and nxt.fields["order_reference"]["confidence"] >= 0.9


def test_an_image_is_read_by_ocr(company, receive_now, corpus) -> None:
    (doc,) = receive_now(company, (corpus / "pdf/invoice2data/oyo.png").read_bytes(), filename="photo.png")
    assert doc.format == "image" and doc.extraction_engine == "ocr"
    assert doc.state in (DocumentState.NEEDS_REVIEW, DocumentState.READY_FOR_CODING)
    assert doc.total is not None


def test_a_missing_ocr_engine_quarantines_for_a_later_retry(
    company, receive_now, corpus, monkeypatch, on_commit
) -> None:
    from fakturaflyt.core.pdf import ocr

    def missing(name):
        raise ocr.OcrUnavailable("tesseract is not installed")

    monkeypatch.setattr(ocr, "get_engine", missing)
    (doc,) = receive_now(company, (corpus / f"{SYNTHETIC}.scan300.pdf").read_bytes(), filename="skann.pdf")
    assert doc.state == DocumentState.QUARANTINED
    assert [p["code"] for p in doc.problems] == [IntakeCode.PDF_UNAVAILABLE]
    monkeypatch.undo()
    with on_commit():
        processing.retry(doc, None)
    doc.refresh_from_db()
    assert doc.state == DocumentState.READY_FOR_CODING and doc.invoice_number == "2024-10457"


TEXT_PDFS = ["AmazonWebServices", "QualityHosting", "SammyMaystoneLinesTest", "coolblue1", "free_fiber", "oyo"]


@pytest.mark.parametrize("name", TEXT_PDFS)
def test_every_corpus_text_pdf_goes_through_intake_with_its_expected_fields(company, receive_now, corpus, name) -> None:
    import json

    from fakturaflyt.core.pdf.evaluate import expected_fields, field_matches

    folder = corpus / "pdf" / "invoice2data"
    (doc,) = receive_now(company, (folder / f"{name}.pdf").read_bytes(), filename=f"{name}.pdf")
    assert doc.state not in (DocumentState.QUARANTINED, DocumentState.RECEIVED), doc.problems
    assert doc.file.sha256 and doc.extraction_engine == "text"
    expected = expected_fields(json.loads((folder / f"{name}.json").read_text()))
    for field in ("invoice_number", "issue_date", "total", "currency"):
        if field in expected:
            got = (doc.fields.get(field) or {}).get("value")
            assert field_matches(field, expected[field], got), (field, expected[field], got)
