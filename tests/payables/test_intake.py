"""The intake end to end on EHF: receive → stored → processed, checks, duplicates, quarantine, retry, idempotency."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from fakturaflyt.ledger.audit import verify
from fakturaflyt.ledger.models import AuditEvent
from fakturaflyt.payables import intake, processing, storage
from fakturaflyt.payables.error_codes import IntakeCode, PayablesError
from fakturaflyt.payables.models import DocumentState, Receipt, StoredFile, Supplier, SupplierDocument
from tests.payables.factories import BILLION_LAUGHS, MALFORMED_PDF, XXE, blank_pdf, norwegian_ehf

pytestmark = pytest.mark.django_db

DONE = {DocumentState.READY_FOR_CODING, DocumentState.NEEDS_REVIEW}
#: The examples that pass the full Peppol BIS 3 validation (INDEX.csv), and are not copies of each other.
CLEAN = ["peppol__base-example.xml", "peppol__vat-category-E.xml", "cen__BIS3_Invoice_positive.XML"]


def codes(doc: SupplierDocument, severity: str | None = None) -> set[str]:
    return {p["code"] for p in doc.problems if severity is None or p["severity"] == severity}


def test_every_corpus_ehf_goes_through_and_none_is_lost(company, receive_now, ehf_examples) -> None:
    # given the 41 EHF examples, all received into one company
    # when
    docs = [d for p in ehf_examples for d in receive_now(company, p.read_bytes(), filename=p.name)]
    # then each became exactly one document, kept byte for byte, and was processed to an end state
    assert len(docs) == len(ehf_examples) == SupplierDocument.objects.filter(company=company).count()
    for path, doc in zip(ehf_examples, docs, strict=True):
        assert storage.read(doc.file) == path.read_bytes()
        assert doc.receipt.filename == path.name
        assert doc.state in DONE | {DocumentState.DUPLICATE}, (path.name, doc.state, doc.problems)
        assert doc.format == "ehf" and doc.ehf and doc.invoice_number and doc.total is not None
        assert doc.supplier is not None, path.name
        if doc.state == DocumentState.DUPLICATE:
            original = doc.duplicate_of
            assert original.supplier_id == doc.supplier_id
            assert original.invoice_number.lower() == doc.invoice_number.lower() or original.file_id == doc.file_id
        for p in doc.problems:
            assert set(p) >= {"code", "message", "field", "severity"} and p["message"]
    # and the audit chain holds every step
    assert verify(company) == []
    assert AuditEvent.objects.filter(company=company, action="document.received").count() == len(docs)


@pytest.mark.parametrize("name", CLEAN)
def test_a_clean_invoice_is_ready_for_coding(company, receive_now, ehf_bytes, name: str) -> None:
    (doc,) = receive_now(company, ehf_bytes(name), filename=name)
    assert doc.state == DocumentState.READY_FOR_CODING, doc.problems
    assert all(p["severity"] != "error" for p in doc.problems)
    assert all(f["confidence"] == 1.0 and f["source"] == "ehf" for f in doc.fields.values())


@pytest.mark.parametrize(
    "path",
    sorted((Path(__file__).parents[2].parent / "shared/corpus/ehf/examples").glob("*.[xX][mM][lL]")),
    ids=lambda p: p.name[:40],
)
def test_each_corpus_ehf_alone_is_read_and_checked(company, receive_now, path: Path) -> None:
    (doc,) = receive_now(company, path.read_bytes(), filename=path.name)
    assert doc.state in DONE, doc.problems
    # an EHF rule broken by the sender is an error for a person to look at, with the rule's own id
    assert all(p["code"] and p["message"].startswith(path.name) for p in doc.problems if p.get("stage") == "read")


def test_fields_of_a_norwegian_ehf(company, receive_now, corpus) -> None:
    pdf = blank_pdf()
    (doc,) = receive_now(company, norwegian_ehf(corpus, pdf=pdf), filename="faktura.xml")
    assert doc.state == DocumentState.READY_FOR_CODING, doc.problems
    assert (doc.invoice_number, doc.issue_date, doc.due_date, doc.currency) == (
        "F-1001",
        date(2026, 3, 2),
        date(2026, 3, 16),
        "NOK",
    )
    assert (doc.net_total, doc.vat_total, doc.total) == (Decimal("1436.50"), Decimal("365.28"), Decimal("1801.78"))
    assert doc.bank_account == "86011117947" and doc.kid and not doc.payment_blocked
    assert doc.fields["supplier_orgnr"]["value"] == "987654325"
    # the embedded PDF is stored once, on its own, as the visual; the EHF JSON does not carry its bytes again
    assert doc.visual is not None and storage.read(doc.visual) == pdf
    assert doc.attachments[0]["sha256"] == doc.visual.sha256
    assert "content" not in doc.ehf["attachments"][0]
    assert processing.attachment_bytes(doc, 0) == pdf


def test_supplier_is_created_from_the_org_nr_with_name_address_and_next_number(company, receive_now, corpus) -> None:
    Supplier.objects.create(company=company, number=7, name="Gammel Leverandør AS", orgnr="998811228")
    (doc,) = receive_now(company, norwegian_ehf(corpus, seller_orgnr="923609016", seller_name="Beta Levering AS"))
    supplier = doc.supplier
    assert (supplier.orgnr, supplier.name, supplier.number, supplier.vat_id) == (
        "923609016",
        "Beta Levering AS",
        8,
        "NO923609016MVA",
    )
    assert supplier.city and supplier.postal_code and supplier.country == "NO"
    assert IntakeCode.SUPPLIER_CREATED in codes(doc, "info")
    assert AuditEvent.objects.filter(company=company, action="supplier.created", object_id=str(supplier.pk)).exists()
    # the next invoice from the same org.nr finds the supplier instead of creating another
    (second,) = receive_now(company, norwegian_ehf(corpus, seller_orgnr="923609016", number="F-1002"))
    assert second.supplier_id == supplier.pk and IntakeCode.SUPPLIER_CREATED not in codes(second)
    assert Supplier.objects.filter(company=company, orgnr="923609016").count() == 1


def test_first_bank_account_is_learnt_and_a_changed_one_blocks_payment(company, receive_now, corpus) -> None:
    (first,) = receive_now(company, norwegian_ehf(corpus, number="F-1", account="86011117947"))
    supplier = Supplier.objects.get(pk=first.supplier_id)
    assert supplier.bank_account == "86011117947" and IntakeCode.BANK_LEARNED in codes(first)
    assert not first.payment_blocked
    # when the supplier's next invoice names another account
    (second,) = receive_now(company, norwegian_ehf(corpus, number="F-2", account="15032080119", issue=date(2026, 4, 2)))
    # then it is a fraud warning: payment is blocked and a person must look
    assert second.payment_blocked and second.state == DocumentState.NEEDS_REVIEW
    (warning,) = [p for p in second.problems if p["code"] == IntakeCode.BANK_CHANGED]
    assert warning["field"] == "bank_account" and "1503" in warning["message"] and warning["severity"] == "error"
    supplier.refresh_from_db()
    assert supplier.bank_account == "86011117947"  # never changed by a document
    # and after the accountant has confirmed and changed the supplier's account, a retry releases it
    supplier.bank_account = "15032080119"
    supplier.save()
    with_on_commit = processing.retry(second, None)
    processing.process_document(with_on_commit.pk)
    second.refresh_from_db()
    assert not second.payment_blocked and second.state == DocumentState.READY_FOR_CODING


def test_same_bytes_twice_is_a_duplicate_and_stored_once(company, receive_now, corpus) -> None:
    data = norwegian_ehf(corpus)
    (first,) = receive_now(company, data, filename="a.xml")
    (second,) = receive_now(company, data, filename="b.xml", channel="email")
    assert first.state == DocumentState.READY_FOR_CODING
    assert second.state == DocumentState.DUPLICATE and second.duplicate_of_id == first.pk
    assert IntakeCode.DUPLICATE_FILE in codes(second)
    assert StoredFile.objects.filter(sha256=first.file.sha256).count() == 1 and first.file_id == second.file_id
    assert Receipt.objects.filter(company=company).count() == 2  # both arrivals are recorded


def test_same_supplier_and_number_is_a_duplicate_even_with_other_bytes(company, receive_now, corpus) -> None:
    (first,) = receive_now(company, norwegian_ehf(corpus, number="F-77"))
    (again,) = receive_now(company, norwegian_ehf(corpus, number="f-77", issue=date(2026, 5, 1)))
    assert again.state == DocumentState.DUPLICATE and again.duplicate_of_id == first.pk
    assert IntakeCode.DUPLICATE_NUMBER in codes(again)


def test_same_supplier_amount_and_near_date_is_a_duplicate_until_dismissed(
    company, receive_now, corpus, settings
) -> None:
    settings.FAKTURAFLYT_DUPLICATE_WINDOW_DAYS = 3
    (first,) = receive_now(company, norwegian_ehf(corpus, number="A-1", issue=date(2026, 3, 2)))
    (near,) = receive_now(company, norwegian_ehf(corpus, number="A-2", issue=date(2026, 3, 5)))
    (far,) = receive_now(company, norwegian_ehf(corpus, number="A-3", issue=date(2026, 3, 9)))
    assert near.state == DocumentState.DUPLICATE and near.duplicate_of_id == first.pk
    assert IntakeCode.DUPLICATE_AMOUNT in codes(near)
    assert far.state == DocumentState.READY_FOR_CODING
    # the accountant confirms it is a separate invoice
    processing.dismiss_duplicate(near, None)
    near.refresh_from_db()
    assert near.state == DocumentState.READY_FOR_CODING and near.duplicate_of is None and near.duplicate_dismissed
    # a same-number duplicate cannot be dismissed that way
    (copy,) = receive_now(company, norwegian_ehf(corpus, number="A-1", issue=date(2026, 3, 2), kid=None))
    with pytest.raises(PayablesError) as exc:
        processing.dismiss_duplicate(copy, None)
    assert exc.value.code == IntakeCode.NOT_A_DUPLICATE_RULE


def test_credit_note_is_linked_to_the_invoice_it_credits(company, receive_now, corpus) -> None:
    (invoice,) = receive_now(company, norwegian_ehf(corpus, number="F-500"))
    (note,) = receive_now(company, norwegian_ehf(corpus, number="K-9", kind="CreditNote", credits="F-500", due=None))
    assert note.is_credit_note and note.credited_invoice_number == "F-500"
    assert note.credits_id == invoice.pk and IntakeCode.CREDIT_LINKED in codes(note)
    assert note.state == DocumentState.READY_FOR_CODING, note.problems
    assert list(invoice.credit_notes.all()) == [note]


def test_credit_note_before_its_invoice_is_linked_when_the_invoice_comes(company, receive_now, corpus) -> None:
    (note,) = receive_now(company, norwegian_ehf(corpus, number="K-1", kind="CreditNote", credits="F-9", due=None))
    assert note.credits is None and IntakeCode.CREDIT_UNMATCHED in codes(note, "warning")
    (invoice,) = receive_now(company, norwegian_ehf(corpus, number="F-9"))
    note.refresh_from_db()
    assert note.credits_id == invoice.pk and IntakeCode.CREDIT_UNMATCHED not in codes(note)


def test_corpus_credit_note_links_to_the_corpus_invoice(company, receive_now, ehf_bytes) -> None:
    (invoice,) = receive_now(company, ehf_bytes("peppol__base-example.xml"), filename="inv.xml")
    (note,) = receive_now(company, ehf_bytes("peppol__base-creditnote-correction.xml"), filename="cn.xml")
    assert note.is_credit_note and note.credits_id == invoice.pk
    assert note.state != DocumentState.DUPLICATE  # same number, but a credit note is not a copy of the invoice


def test_a_crashing_reader_quarantines_keeps_the_bytes_and_retry_works_after_the_fix(
    company, receive_now, corpus, monkeypatch, on_commit
) -> None:
    import fakturaflyt.core.ehf.read as reader

    data = norwegian_ehf(corpus)

    def broken(*args, **kwargs):
        raise RuntimeError("segment 7 of the parser exploded")

    monkeypatch.setattr(reader, "read_invoice", broken)
    (doc,) = receive_now(company, data, filename="knall.xml")
    assert doc.state == DocumentState.QUARANTINED
    (why,) = doc.problems
    assert why["code"] == IntakeCode.PARSER_CRASH and why["severity"] == "error"
    assert "knall.xml" in why["message"] and "RuntimeError" in why["message"] and "exploded" in why["message"]
    assert storage.read(doc.file) == data
    # after the fix, retry reads it normally
    monkeypatch.undo()
    with on_commit():
        processing.retry(doc, None)
    doc.refresh_from_db()
    assert doc.state == DocumentState.READY_FOR_CODING and doc.invoice_number == "F-1001"
    assert AuditEvent.objects.filter(object_id=str(doc.pk), action="document.retried").count() == 1


@pytest.mark.parametrize(
    ("data", "code"), [(XXE, "FF-XML-DTD"), (BILLION_LAUGHS, "FF-XML-DTD")], ids=["xxe", "billion-laughs"]
)
def test_hostile_xml_is_refused_into_quarantine(company, receive_now, data: bytes, code: str) -> None:
    (doc,) = receive_now(company, data, filename="evil.xml")
    assert doc.state == DocumentState.QUARANTINED
    assert code in codes(doc) and "root:" not in str(doc.problems) and "lol" not in str(doc.fields)
    assert storage.read(doc.file) == data


def test_a_malformed_pdf_is_refused_into_quarantine(company, receive_now) -> None:
    (doc,) = receive_now(company, MALFORMED_PDF, filename="broken.pdf")
    assert doc.state == DocumentState.QUARANTINED and doc.format == "pdf"
    assert any(c.startswith("FF-PDF-") for c in codes(doc)), doc.problems
    assert "broken.pdf" in doc.problems[0]["message"]


def test_unsupported_and_unreadable_files_are_quarantined_not_dropped(company, receive_now) -> None:
    (word,) = receive_now(company, b"\xd0\xcf\x11\xe0 an old Word file", filename="faktura.doc")
    assert word.state == DocumentState.QUARANTINED and IntakeCode.UNSUPPORTED in codes(word)
    (cii,) = receive_now(
        company,
        b'<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"/>',
        filename="cii.xml",
    )
    assert cii.state == DocumentState.QUARANTINED and "FF-EHF-CII" in codes(cii)


def test_empty_file_is_refused(company) -> None:
    with pytest.raises(PayablesError) as exc:
        intake.receive(company, b"", channel="upload", filename="empty.pdf")
    assert exc.value.code == IntakeCode.EMPTY
    assert not Receipt.objects.exists()


def test_processing_twice_gives_one_result(company, corpus) -> None:
    # given a received document whose queued task has not run (no commit inside this test)
    doc = intake.receive(company, norwegian_ehf(corpus), channel="api", filename="f.xml")
    assert doc.state == DocumentState.RECEIVED
    # when the worker runs it, and then runs it again (a redelivered task after a restart)
    processing.process_document(doc.pk)
    first = SupplierDocument.objects.get(pk=doc.pk)
    processing.process_document(doc.pk)
    again = SupplierDocument.objects.get(pk=doc.pk)
    # then nothing changed the second time
    assert first.state == again.state == DocumentState.READY_FOR_CODING
    assert (first.fields, first.problems, first.updated_at, first.attempts) == (
        again.fields,
        again.problems,
        again.updated_at,
        again.attempts,
    )
    assert AuditEvent.objects.filter(object_id=str(doc.pk), action="document.checked").count() == 1
    assert Supplier.objects.filter(company=company).count() == 1


def test_a_crash_between_reading_and_checking_resumes(company, corpus, monkeypatch) -> None:
    doc = intake.receive(company, norwegian_ehf(corpus), channel="api", filename="f.xml")

    def power_cut(pk):
        raise SystemExit("worker killed")

    monkeypatch.setattr(processing, "_check", power_cut)
    with pytest.raises(SystemExit):
        processing.process_document(doc.pk)
    doc.refresh_from_db()
    assert doc.state == DocumentState.INTERPRETED and doc.invoice_number == "F-1001"
    monkeypatch.undo()
    processing.process_document(doc.pk)  # the restarted worker, or the sweeper
    doc.refresh_from_db()
    assert doc.state == DocumentState.READY_FOR_CODING and doc.attempts == 2


def test_a_crash_while_reading_leaves_the_document_received_and_the_sweeper_finds_it(
    company, corpus, monkeypatch
) -> None:
    from datetime import timedelta

    doc = intake.receive(company, norwegian_ehf(corpus), channel="api", filename="f.xml")
    monkeypatch.setattr(processing, "interpret", lambda *a, **k: (_ for _ in ()).throw(MemoryError("oom")))
    with pytest.raises(MemoryError):
        processing.process_document(doc.pk)
    doc.refresh_from_db()
    assert doc.state == DocumentState.RECEIVED and doc.attempts == 1 and doc.processing_since is not None
    monkeypatch.undo()
    # a second delivery of the task while the lease runs leaves it to the (presumed) first worker
    processing.process_document(doc.pk)
    doc.refresh_from_db()
    assert doc.state == DocumentState.RECEIVED and doc.attempts == 1
    assert processing.pending(older_than=timedelta(0)) == []
    # when the lease has run out, the sweeper finds it and processing completes
    SupplierDocument.objects.filter(pk=doc.pk).update(processing_since=doc.processing_since - processing.LEASE)
    assert processing.pending(older_than=timedelta(0)) == [doc.pk]
    processing.process_document(doc.pk)
    doc.refresh_from_db()
    assert doc.state == DocumentState.READY_FOR_CODING and doc.attempts == 2 and doc.processing_since is None


def test_a_file_that_keeps_killing_the_worker_is_quarantined_after_max_attempts(company, corpus) -> None:
    doc = intake.receive(company, norwegian_ehf(corpus), channel="api", filename="f.xml")
    SupplierDocument.objects.filter(pk=doc.pk).update(attempts=processing.MAX_ATTEMPTS)
    processing.process_document(doc.pk)
    doc.refresh_from_db()
    assert doc.state == DocumentState.QUARANTINED and IntakeCode.TOO_MANY_ATTEMPTS in codes(doc)


def test_reject_needs_a_reason_and_is_audited(company, receive_now, corpus) -> None:
    (doc,) = receive_now(company, norwegian_ehf(corpus))
    with pytest.raises(PayablesError):
        processing.reject(doc, None, "  ")
    processing.reject(doc, None, "Not ours: wrong buyer")
    doc.refresh_from_db()
    assert doc.state == DocumentState.REJECTED and doc.rejected_reason == "Not ours: wrong buyer"
    event = AuditEvent.objects.get(object_id=str(doc.pk), action="document.rejected")
    assert event.data["reason"] == "Not ours: wrong buyer" and event.data["before"]["state"] == "ready_for_coding"
    with pytest.raises(PayablesError):
        processing.reject(doc, None, "twice")
    with pytest.raises(PayablesError):
        processing.retry(doc, None)


def test_correct_field_records_before_and_after_and_checks_again(company, receive_now, corpus, user_factory) -> None:
    user = user_factory("regnskap@alfa.test")
    (doc,) = receive_now(company, norwegian_ehf(corpus, kid="0003434323213231"))
    assert doc.state == DocumentState.NEEDS_REVIEW and IntakeCode.KID_INVALID in codes(doc)
    processing.correct_field(doc, user, "kid", "12345674")
    doc.refresh_from_db()
    assert doc.kid == "12345674" and doc.fields["kid"]["source"] == "user"
    assert doc.fields["kid"]["previous"] == "0003434323213231"
    assert doc.state == DocumentState.READY_FOR_CODING, doc.problems
    event = AuditEvent.objects.get(object_id=str(doc.pk), action="document.field_corrected")
    assert event.data["before"]["value"] == "0003434323213231" and event.data["after"]["value"] == "12345674"
    assert event.actor_label == "regnskap@alfa.test"
    # values are checked before they are stored
    for field, value in [
        ("issue_date", "31.02.2026"),
        ("total", "tolv"),
        ("bank_account", "12345678901"),
        ("nope", "1"),
    ]:
        with pytest.raises(PayablesError):
            processing.correct_field(doc, user, field, value)
    # a correction survives a new reading (a wrong total makes the document need review again)
    processing.correct_field(doc, user, "total", "1900,00")
    doc.refresh_from_db()
    assert doc.state == DocumentState.NEEDS_REVIEW and IntakeCode.SUMS in codes(doc, "error")
    processing.retry(doc, user)
    processing.process_document(doc.pk)
    doc.refresh_from_db()
    assert doc.kid == "12345674" and doc.fields["kid"]["source"] == "user" and doc.total == Decimal("1900.00")


def test_correcting_a_duplicate_number_releases_it(company, receive_now, corpus) -> None:
    (first,) = receive_now(company, norwegian_ehf(corpus, number="F-1"))
    (second,) = receive_now(company, norwegian_ehf(corpus, number="F-1", issue=date(2026, 6, 1)))
    assert second.state == DocumentState.DUPLICATE and second.duplicate_of_id == first.pk
    processing.correct_field(second, None, "invoice_number", "F-2")
    second.refresh_from_db()
    assert second.state == DocumentState.READY_FOR_CODING and second.duplicate_of is None


def test_supplier_portal_upload_is_tied_to_the_supplier_and_a_foreign_issuer_is_flagged(
    world, receive_now, corpus
) -> None:
    contact = world.users["supplier"]
    own = norwegian_ehf(corpus, seller_orgnr=world.supplier.orgnr, seller_name=world.supplier.name)
    (doc,) = receive_now(world.a, own, channel="portal", supplier=world.supplier, user=contact)
    assert doc.supplier_id == world.supplier.pk and doc.receipt.supplier_id == world.supplier.pk
    assert IntakeCode.SUPPLIER_MISMATCH not in codes(doc)
    other = norwegian_ehf(corpus, number="X-1", seller_orgnr=world.other_supplier.orgnr, issue=date(2026, 5, 5))
    (odd,) = receive_now(world.a, other, channel="portal", supplier=world.supplier, user=contact)
    assert odd.supplier_id == world.supplier.pk  # still only visible to the uploader, never to the other supplier
    assert IntakeCode.SUPPLIER_MISMATCH in codes(odd, "error") and odd.state == DocumentState.NEEDS_REVIEW


def _zip(members: dict[str, bytes]) -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_a_zip_upload_becomes_one_document_per_invoice(company, receive_now, corpus) -> None:
    data = _zip({"a.xml": norwegian_ehf(corpus, number="Z-1"), "b.pdf": blank_pdf(), "readme.txt": b"hi"})
    docs = receive_now(company, data, filename="batch.zip")
    assert [d.receipt.filename for d in docs] == ["a.xml", "b.pdf"]
    container = docs[0].receipt.container
    assert container.filename == "batch.zip" and not hasattr(container, "document")
    assert container.skipped == [
        {
            "filename": "readme.txt",
            "code": "FF-MAIL-UNSUPPORTED",
            "reason": container.skipped[0]["reason"],
            "origin": "batch.zip",
        }
    ]
    assert docs[0].state == DocumentState.READY_FOR_CODING
    # receive() gives the first; receive_all() gives them all
    assert intake.receive(company, data, channel="upload", filename="again.zip").receipt.filename == "a.xml"


def test_a_zip_without_invoices_is_kept_rejected_and_a_broken_one_quarantined(company, receive_now) -> None:
    (empty,) = receive_now(company, _zip({"notes.txt": b"hello"}), filename="notes.zip")
    assert empty.state == DocumentState.REJECTED and empty.rejected_reason == "zip file without invoice files"
    assert [p["code"] for p in empty.problems] == [IntakeCode.NO_INVOICE, "FF-MAIL-UNSUPPORTED"]
    (broken,) = receive_now(company, b"PK\x03\x04" + b"\x00" * 40, filename="broken.zip")
    assert broken.state == DocumentState.QUARANTINED and broken.problems[0]["code"] == IntakeCode.CONTAINER
    assert "FF-ZIP-BAD" not in broken.problems[0]["code"] and "cannot be read" in broken.problems[0]["message"]
    assert storage.read(broken.file).startswith(b"PK")


def test_an_uploaded_eml_file_gives_its_attachments(company, receive_now, corpus) -> None:
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"], msg["Message-ID"] = "lev@x.no", "regnskap@alfa.no", "Faktura", "<e1@x.no>"
    msg.set_content("Se vedlegg")
    msg.add_attachment(norwegian_ehf(corpus, number="E-1"), "application", "xml", filename="E-1.xml")
    (doc,) = receive_now(company, msg.as_bytes(), filename="Faktura.eml")
    assert doc.receipt.filename == "E-1.xml" and doc.receipt.container.message_id == "<e1@x.no>"
    assert doc.receipt.sender == "lev@x.no" and doc.state == DocumentState.READY_FOR_CODING
