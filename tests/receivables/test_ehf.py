"""Every EHF the invoicing makes passes the UBL 2.1 XSD and the official Peppol BIS 3 schematron (the judge).

Invoices and credit notes with several VAT rates (25, 15, 12, 0), line discounts, line periods,
a EUR invoice with its VAT in NOK, reverse charge (code 51), export (52), exempt (6), and the PDF
embedded; the totals the invoice stores are the ones the EHF states. Skips cleanly without the corpus.
"""

# ruff: noqa: F811 - the `ar` fixture is imported from test_services and requested by name

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from fakturaflyt.core.ehf.read import read_invoice
from fakturaflyt.receivables import ehf, services
from fakturaflyt.receivables.models import InvoiceSettings, SalesInvoice
from fakturaflyt.receivables.services import DraftLine
from tests.core.ehf import _official

from .test_services import AR, ar, issued, lines_mixed  # noqa: F401 - the fixture and helpers

D = Decimal
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="session")
def judge() -> Callable[[bytes], list[str]]:
    """XSD errors + fatal official failures of a document (empty: valid)."""
    if not _official.SCHEMAS.is_dir() or not _official.RULES.is_dir():
        pytest.skip(f"UBL schemas or Peppol rules not found under {_official.EHF}")
    _official._stylesheets()
    return lambda xml: _official.xsd_errors(xml) + _official.official_fatal(xml)


@pytest.fixture
def fake_pdf(monkeypatch) -> bytes:
    """The PDF renderer replaced by a tiny valid PDF (WeasyPrint is tested with the PDF module)."""
    from fakturaflyt.receivables import pdf

    monkeypatch.setattr(pdf, "render_pdf", lambda invoice: PDF, raising=False)
    return PDF


def _check(judge: Callable[[bytes], list[str]], invoice: SalesInvoice, **kw: bool) -> bytes:
    xml = ehf.ehf_bytes(invoice, **kw)
    assert judge(xml) == [], xml.decode()
    model = read_invoice(xml)
    assert model.totals.payable == invoice.total
    assert model.tax_total == invoice.vat_total
    assert model.id == str(invoice.number)
    return xml


def test_a_norwegian_invoice_with_four_rates_discount_and_pdf(judge, ar: AR, fake_pdf: bytes) -> None:
    invoice = issued(ar, buyer_reference="Kari Nordmann", order_reference="PO-9001")
    xml = _check(judge, invoice, attach_pdf=True)
    model = read_invoice(xml)
    assert model.kid == invoice.kid and model.due_date == invoice.due_date
    assert model.payment_means[0].code == "30" and model.payment_means[0].account_id == "15064123456"
    assert {(b.category, b.rate) for b in model.vat_breakdown} == {
        ("S", D("25")),
        ("S", D("15")),
        ("S", D("12")),
        ("Z", D("0")),
    }
    discounted = model.lines[1]
    assert discounted.allowances_charges[0].percent == D("10") and discounted.net_amount == D("2699.73")
    assert model.lines[5].period is not None and model.period is not None
    assert model.seller.vat_id == "NO924753811MVA" and model.seller.tax_registration_id == "Foretaksregisteret"
    assert model.buyer.endpoint is not None and model.buyer.endpoint.scheme == "0192"
    assert model.attachments[0].content == fake_pdf and model.attachments[0].mime_code == "application/pdf"


def test_the_company_setting_decides_the_attachment(judge, ar: AR, fake_pdf: bytes) -> None:
    invoice = issued(ar, [DraftLine("Stol", D("1"), D("100"))])
    InvoiceSettings.objects.filter(company=ar.company).update(attach_pdf_to_ehf=False)
    assert read_invoice(_check(judge, invoice)).attachments == ()
    InvoiceSettings.objects.filter(company=ar.company).update(attach_pdf_to_ehf=True)
    assert len(read_invoice(_check(judge, invoice)).attachments) == 1


def test_a_currency_invoice_states_its_vat_in_nok(judge, ar: AR) -> None:
    invoice = issued(
        ar,
        [
            DraftLine("Consulting", D("7.5"), D("120.50"), vat_code="3"),
            DraftLine("Catering", D("3"), D("33.33"), vat_code="31", discount_percent=D("5")),
            DraftLine("Machine export", D("1"), D("2500"), vat_code="52", revenue_account="3100"),
        ],
        customer=ar.utland,
        exchange_rate=D("11.4567"),
    )
    model = read_invoice(_check(judge, invoice, attach_pdf=False))
    assert model.currency == "EUR" and model.tax_currency == "NOK"
    assert model.tax_total_in_tax_currency == invoice.vat_total_nok
    assert model.buyer.endpoint is not None and model.buyer.endpoint.scheme == "0007"
    assert model.payment_means[0].account_id == "NO1415064123456"  # IBAN abroad
    export = next(b for b in model.vat_breakdown if b.category == "G")
    assert export.exemption_reason_code == "VATEX-EU-G"
    assert "MVA i NOK" in model.notes[0]


def test_reverse_charge_and_exempt_lines(judge, ar: AR) -> None:
    invoice = issued(
        ar,
        [
            DraftLine("Byggearbeid", D("10"), D("800"), vat_code="51"),
            DraftLine("Legeerklæring", D("1"), D("750"), vat_code="6", revenue_account="3100"),
            DraftLine("Materialer", D("1"), D("99.99")),
        ],
    )
    model = read_invoice(_check(judge, invoice, attach_pdf=False))
    ae = next(b for b in model.vat_breakdown if b.category == "AE")
    assert ae.exemption_reason_code == "VATEX-EU-AE" and ae.exemption_reason == "Omvendt avgiftsplikt"
    assert "Omvendt avgiftsplikt" in model.notes[0]
    assert any(b.category == "E" for b in model.vat_breakdown)


def test_credit_notes_full_and_partial(judge, ar: AR, fake_pdf: bytes) -> None:
    invoice = issued(ar)
    partial = services.credit(
        invoice,
        ar.user,
        reason="Én stol",
        lines=[DraftLine("Kontorstol", D("1"), D("999.90"), discount_percent=D("10"))],
    )
    model = read_invoice(_check(judge, partial, attach_pdf=True))
    assert model.kind == "CreditNote" and model.type_code == "381"
    assert model.preceding_invoices[0].id == str(invoice.number)
    assert model.preceding_invoices[0].issue_date == invoice.issue_date
    assert model.payment_means == () and model.kid is None
    assert "Én stol" in model.notes[0]
    rest = services.credit(invoice, ar.user, reason="Resten", lines=lines_mixed()[:1])
    _check(judge, rest, attach_pdf=False)
    currency = issued(ar, [DraftLine("Consulting", D("2"), D("500"))], customer=ar.utland, exchange_rate=D("11.5"))
    note = services.credit(currency, ar.user, reason="Cancelled")
    model = read_invoice(_check(judge, note, attach_pdf=False))
    assert model.tax_total_in_tax_currency == D("2875.00")


def test_archive_stores_the_bytes_once(ar: AR, intake_dirs, fake_pdf: bytes) -> None:
    from fakturaflyt.payables import storage

    invoice = issued(ar, [DraftLine("Stol", D("1"), D("100"))])
    stored = ehf.archive(invoice)
    assert stored is not None and invoice.ehf_file_id == stored.pk
    data = storage.read(stored)
    assert read_invoice(data).id == str(invoice.number)
    assert ehf.archive(invoice).pk == stored.pk  # once: the archived bytes are what is sent
    draft = services.create_draft(ar.company, ar.kunde, [DraftLine("Stol", D("1"), D("100"))], actor=None)
    with pytest.raises(Exception) as exc:
        ehf.archive(draft)
    assert exc.value.code == "FF-INV-NOT-ISSUED"


def test_the_judge_is_awake_a_consumer_has_no_peppol_address(judge, ar: AR) -> None:
    """A consumer has no Peppol endpoint: the official rules refuse such an EHF (consumers get PDF)."""
    Customer = type(ar.privat)
    Customer.objects.filter(pk=ar.privat.pk).update(address_line="Gata 1", postal_code="0150", city="Oslo")
    ar.privat.refresh_from_db()
    invoice = issued(ar, [DraftLine("Stol", D("1"), D("100"))], customer=ar.privat)
    problems = judge(ehf.ehf_bytes(invoice, attach_pdf=False))
    assert [p.split(":")[0] for p in problems] == ["PEPPOL-EN16931-R010"]
