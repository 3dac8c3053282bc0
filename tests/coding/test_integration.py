"""Coding in the pipeline: a received EHF ends with coding lines; the document is coded when its lines are;
a broken coding step never breaks intake; the lines of EHF, PDF and plain documents; the tasks; the demo."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from fakturaflyt.coding import services, tasks
from fakturaflyt.coding.error_codes import CodingError
from fakturaflyt.coding.models import CodingLine, LearnEvent, LineState, ModelSnapshot, TouchlessMode
from fakturaflyt.ledger.models import AuditEvent
from fakturaflyt.payables.models import DocumentState, SupplierDocument
from tests.payables.factories import norwegian_ehf

pytestmark = pytest.mark.django_db


def test_an_ehf_through_intake_ends_with_coding_lines(company, accountant, receive_now, corpus) -> None:
    # given an EHF invoice from the corpus, received the ordinary way
    (doc,) = receive_now(company, norwegian_ehf(corpus))
    # then it is ready for coding with one suggested coding line per invoice line
    assert doc.state == DocumentState.READY_FOR_CODING
    lines = list(CodingLine.objects.filter(document=doc).order_by("line_no"))
    assert len(lines) == len(doc.ehf["lines"]) > 0
    first, raw = lines[0], doc.ehf["lines"][0]
    assert first.state == LineState.QUEUED and first.suggested_at is not None and first.suggestion
    assert first.supplier == doc.supplier and first.line["supplier_id"] == "987654325"
    assert first.amount == Decimal(raw["net_amount"]) and first.line_date == doc.issue_date
    assert raw["item"]["name"] in first.description
    # calling again (a task run twice) makes no new lines
    assert [x.pk for x in services.lines_for_document(doc)] == [x.pk for x in lines]
    assert tasks.code_document(doc.pk) == len(lines)
    assert CodingLine.objects.filter(document=doc).count() == len(lines)
    # and once every line is coded, the document is coded
    for line in lines:
        services.confirm_line(line, accountant, {"account": "6540", "vat_code": "1"})
    doc.refresh_from_db()
    assert doc.state == DocumentState.CODED
    assert AuditEvent.objects.filter(company=company, action="document.coded", object_id=str(doc.pk)).exists()


def test_a_known_suppliers_invoice_is_coded_touchless(company, accountant, receive_now, corpus) -> None:
    (first,) = receive_now(company, norwegian_ehf(corpus, number="F-1"))
    for line in CodingLine.objects.filter(document=first):
        services.confirm_line(line, accountant, {"account": "6540", "vat_code": "1"})
    services.update_settings(company, accountant, mode=TouchlessMode.FIXED, fixed_threshold="0.5")
    (second,) = receive_now(company, norwegian_ehf(corpus, number="F-2", issue=date(2026, 4, 2), due=date(2026, 4, 16)))
    lines = CodingLine.objects.filter(document=second)
    assert lines and {x.state for x in lines} == {LineState.AUTO}
    assert {x.account for x in lines} == {"6540"}
    second.refresh_from_db()
    # coded, and once committed routed on to approval (issue 6): here nobody may approve, so back to the accountant
    assert AuditEvent.objects.filter(action="document.coded", object_id=str(second.pk)).exists()
    assert second.state in (DocumentState.CODED, DocumentState.IN_APPROVAL, DocumentState.RETURNED)


def test_a_failing_coding_step_does_not_break_intake(company, receive_now, corpus, monkeypatch, caplog) -> None:
    def broken(document):
        raise RuntimeError("the coding engine is down")

    monkeypatch.setattr(services, "lines_for_document", broken)
    (doc,) = receive_now(company, norwegian_ehf(corpus))
    assert doc.state == DocumentState.READY_FOR_CODING
    assert not CodingLine.objects.filter(document=doc).exists()
    assert "coding supplier document" in caplog.text


EHF = {
    "notes": ["Levering uke 48"],
    "buyer_reference": "Ola Nordmann",
    "order_reference": "PO-778",
    "project_reference": "Nettbutikk",
    "accounting_cost": "",
    "lines": [
        {
            "id": "1",
            "net_amount": "4800.00",
            "item": {
                "name": "Lisens",
                "description": "Skyhavn Regnskap, 12 brukere",
                "vat_category": "S",
                "vat_rate": "25",
            },
            "accounting_cost": "6553-400",
            "order_line_ref": "2",
        },
        {"id": "2", "net_amount": "250.00", "item": {"name": "Frakt", "vat_category": "S", "vat_rate": "25"}},
    ],
}


def test_ehf_lines_carry_the_invoice_fields(company, supplier_of, make_document) -> None:
    supplier = supplier_of(company, "Skyhavn Programvare AS", "976543211")
    doc = make_document(company, supplier, ehf=EHF, is_credit_note=True, order_reference="PO-778")
    first, second = services.lines_for_document(doc)
    line = first.line
    assert line["supplier_id"] == "976543211" and line["supplier_name"] == "Skyhavn Programvare AS"
    assert line["description"] == "Lisens Skyhavn Regnskap, 12 brukere" and line["invoice_text"] == "Levering uke 48"
    assert line["amount"] == "-4800.00" and first.amount == Decimal("-4800.00")  # a credit note
    assert (line["buyer"], line["po_ref"], line["project_ref"]) == ("Ola Nordmann", "PO-778/2", "Nettbutikk")
    assert line["vat_rate"] == "25" and line["extra"] == {"kontostreng": "6553-400", "mva_kategori": "S"}
    assert line["date"] == doc.issue_date.isoformat() and line["currency"] == "NOK"
    assert second.line["description"] == "Frakt" and second.line_no == 2
    assert first.account == "6553" and second.account == "4500"  # the standard words for a first suggestion


def test_pdf_table_lines_and_the_whole_invoice(company, supplier_of, make_document) -> None:
    supplier = supplier_of(company)
    pdf = make_document(
        company,
        supplier,
        fields={"lines": [{"description": "Skjerm 27", "amount": "2990.00", "vat_rate": "25"}, {"description": ""}]},
    )
    (only,) = services.lines_for_document(pdf)
    assert only.description == "Skjerm 27" and only.amount == Decimal("2990.00")
    plain = make_document(company, supplier, net_total=Decimal("1000.00"), total=Decimal("1250.00"))
    (whole,) = services.lines_for_document(plain)
    assert whole.amount == Decimal("1000.00") and whole.description == f"Faktura {plain.invoice_number}"
    assert services.lines_for_document(plain) == [whole]


def test_a_document_not_ready_for_coding_is_refused(company, make_document) -> None:
    doc = make_document(company, state=DocumentState.NEEDS_REVIEW)
    with pytest.raises(CodingError) as caught:
        services.lines_for_document(doc)
    assert caught.value.code == "FF-CODING-NOT-READY" and caught.value.field == "document"
    assert tasks.code_document(doc.pk) == 0 and tasks.code_document(999999) == 0


def test_the_nightly_refit(company, make_company, accountant, history) -> None:
    history(company, accountant, 3, {"account": "6551", "vat_code": "1", "department": "", "project": ""})
    make_company("923609016", "Beta AS")  # no coding: left alone
    done = tasks.refit_models()
    assert done == {company.orgnr: LearnEvent.objects.latest("pk").pk}
    assert ModelSnapshot.objects.get(company=company).refitted_at is not None
    assert services.settings_for(company).measured_at is not None


def test_the_demo_has_a_coding_history_and_a_queue(db) -> None:
    from fakturaflyt.companies.demo import load_demo

    company = load_demo(sales=False)
    # The coding demo's own lines (the approval and payment demos add invoices with lines of their own).
    coded = CodingLine.objects.filter(company=company, document=None).exclude(state=LineState.QUEUED)
    assert (
        coded.count() >= 100
        and LearnEvent.objects.filter(company=company, line__document=None).count() == coded.count()
    )
    assert coded.exclude(department="").exists() and coded.exclude(project="").exists()
    assert coded.filter(coded_at__date__lt=date.today().replace(day=1)).exists()  # months of history
    queue = list(services.queue(company).filter(document=None))
    assert 6 <= len(queue) <= 10
    right = [x for x in queue if x.suggestion.get("account", {}).get("value") and x.suggestion["account"]["text"]]
    assert len(right) >= len(queue) - 1
    assert any("Leverandøren" in t for x in queue for t in x.suggestion["account"]["text"])
    # idempotent
    lines, documents = CodingLine.objects.filter(company=company).count(), SupplierDocument.objects.count()
    load_demo(sales=False)
    assert CodingLine.objects.filter(company=company, document=None).count() == coded.count() + len(queue)
    assert CodingLine.objects.filter(company=company).count() == lines
    assert SupplierDocument.objects.count() == documents
