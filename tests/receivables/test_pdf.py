"""The invoice PDF: every fact bokføringsforskriften § 5-1-1 asks for is on the paper, in the customer's
language, escaped, and rendered offline. Text is read back from the PDF with pypdfium2.

``make_invoice`` (plain ORM, no services) is shared with the view and API tests of this folder.
"""

from __future__ import annotations

import time
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def make_customer(company: Any, name: str = "Fjordkraft Bedrift AS", **kw: Any):
    from fakturaflyt.receivables.models import Customer

    number = kw.pop("number", None) or (Customer.objects.filter(company=company).count() + 1)
    defaults = {
        "orgnr": "923609016",
        "address_line": "Sandviksboder 1",
        "postal_code": "5035",
        "city": "Bergen",
        "email": "faktura@fjordkraft.test",
    }
    return Customer.objects.create(company=company, number=number, name=name, **{**defaults, **kw})


def make_invoice(
    company: Any,
    customer: Any = None,
    *,
    lines: list[tuple[str, str, str, str, str]] | None = None,
    number: int | None = 10001,
    status: str = "sent",
    currency: str = "NOK",
    exchange_rate: str | None = None,
    credits: Any = None,
    reason: str = "",
    issue_date: date = date(2026, 3, 2),
    due_date: date = date(2026, 3, 16),
    kid: str = "0000100000100013",
    channel: str = "email",
    **kw: Any,
):
    """An invoice straight in the database; ``lines`` = [(description, quantity, unit price, VAT code, rate)]."""
    from fakturaflyt.core.money import ore
    from fakturaflyt.receivables.models import DocumentType, SalesInvoice, SalesInvoiceLine

    customer = customer or make_customer(company)
    lines = lines or [
        ("Konsulenttimer mars", "7.5", "1200", "3", "25"),
        ("Kaffe og frukt", "2", "150", "31", "15"),
    ]
    draft = status == "draft"
    inv = SalesInvoice.objects.create(
        company=company,
        customer=customer,
        document_type=DocumentType.CREDIT_NOTE if credits is not None else DocumentType.INVOICE,
        number=None if draft else number,
        status=status,
        currency=currency,
        exchange_rate=Decimal(exchange_rate) if exchange_rate else None,
        issue_date=issue_date,
        due_date=None if draft else due_date,
        delivery_date=issue_date,
        kid="" if draft or credits is not None else kid,
        buyer_name="" if draft else customer.name,
        buyer_orgnr="" if draft else customer.orgnr,
        buyer_address={}
        if draft
        else {
            "address_line": customer.address_line,
            "postal_code": customer.postal_code,
            "city": customer.city,
            "country": customer.country,
        },
        credits=credits,
        credit_reason=reason,
        channel="" if draft else channel,
        **kw,
    )
    net = vat = Decimal("0.00")
    by_rate: dict[tuple[str, Decimal], Decimal] = {}
    for no, (text, qty, price, code, rate) in enumerate(lines, start=1):
        amount = ore(Decimal(qty) * Decimal(price))
        SalesInvoiceLine.objects.create(
            invoice=inv,
            line_no=no,
            description=text,
            quantity=Decimal(qty),
            unit_code="HUR" if "timer" in text.lower() else "C62",
            unit_price=Decimal(price),
            net_amount=amount,
            vat_code=code,
            vat_rate=Decimal(rate),
            revenue_account="3000",
        )
        by_rate[(code, Decimal(rate))] = by_rate.get((code, Decimal(rate)), Decimal("0.00")) + amount
        net += amount
    for (_code, rate), basis in by_rate.items():
        vat += ore(basis * rate / 100)
    inv.net_total, inv.vat_total, inv.total = net, vat, net + vat
    fx = Decimal(exchange_rate) if exchange_rate else Decimal(1)
    inv.total_nok, inv.vat_total_nok = ore((net + vat) * fx), ore(vat * fx)
    inv.save()
    return inv


@pytest.fixture
def ar_company(company):
    from fakturaflyt.companies.models import CompanyBankAccount
    from fakturaflyt.receivables.models import InvoiceSettings

    company.address_line = "Storgata 1"
    company.postal_code = "0155"
    company.city = "Oslo"
    company.save()
    CompanyBankAccount.objects.create(
        company=company, account_number="15064123456", iban="NO1415064123456", bic="DNBANOKK", is_default=True
    )
    InvoiceSettings.objects.create(company=company, accent_color="#0a6e5c", footer="Takk for handelen!")
    return company


def pdf_text(data: bytes) -> str:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in doc)
    finally:
        doc.close()


def test_invoice_pdf_has_the_legal_content(ar_company) -> None:
    from fakturaflyt.receivables.pdf import render_pdf

    # given an issued invoice with two VAT rates
    inv = make_invoice(ar_company, buyer_reference="Kari Nordmann", seller_reference="Ola")
    # when it is rendered
    started = time.perf_counter()
    data = render_pdf(inv)
    elapsed = time.perf_counter() - started
    # then it is a PDF with everything § 5-1-1 asks for
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    for expected in (
        "Faktura",
        "10001",  # number
        "0000100000100013",  # KID
        "16.03.2026",  # due date
        "02.03.2026",  # invoice date
        "Org.nr 924 753 811 MVA",
        "Foretaksregisteret",
        "Fjordkraft Bedrift AS",
        "923 609 016",  # buyer org.nr
        "Sandviksboder 1",
        "Konsulenttimer mars",
        "7,5 timer",
        "25 %",
        "15 %",
        "9 000,00",  # basis at 25 %
        "2 250,00",  # VAT at 25 %
        "45,00",  # VAT at 15 %
        "11 595,00",  # total
        "1506.41.23456",  # account number, formatted
        "NO1415064123456",
        "Betalingsinformasjon",
        "Kari Nordmann",
        "Takk for handelen!",
    ):
        assert expected in text, expected
    assert "UTKAST" not in text and "Omvendt avgiftsplikt" not in text
    assert elapsed < 5, f"rendering took {elapsed:.2f} s"
    print(f"\nPDF render: {elapsed * 1000:.0f} ms")


def test_draft_is_marked_and_has_no_number(ar_company) -> None:
    from fakturaflyt.receivables.pdf import render_pdf

    text = pdf_text(render_pdf(make_invoice(ar_company, status="draft")))
    assert "UTKAST – ikke gyldig som faktura" in text
    assert "Fakturanr." not in text and "10001" not in text


def test_foretaksregisteret_only_for_registered_companies(ar_company) -> None:
    from fakturaflyt.receivables.pdf import render_pdf

    ar_company.in_foretaksregisteret = False
    ar_company.save()
    assert "Foretaksregisteret" not in pdf_text(render_pdf(make_invoice(ar_company)))


def test_currency_invoice_states_vat_in_nok_and_the_rate(ar_company) -> None:
    from fakturaflyt.receivables.pdf import render_pdf

    customer = make_customer(ar_company, "Svenska Möbler AB", orgnr="", country="SE", currency="EUR", language="en")
    inv = make_invoice(
        ar_company, customer, currency="EUR", exchange_rate="11.5", lines=[("Desk", "2", "500", "3", "25")]
    )
    text = pdf_text(render_pdf(inv))
    # English labels for an English-speaking customer
    assert "Invoice" in text and "Amount due" in text and "EUR 1,250.00" in text
    assert "VAT in NOK" in text
    assert "NOK 2,875.00" in text  # 250.00 EUR x 11.5
    assert "1 EUR = 11.5 NOK" in text


def test_reverse_charge_is_stated(ar_company) -> None:
    from fakturaflyt.receivables.pdf import render_pdf

    inv = make_invoice(ar_company, lines=[("Klimakvoter", "100", "80", "51", "0")])
    assert "Omvendt avgiftsplikt" in pdf_text(render_pdf(inv))


def test_credit_note_names_the_invoice_it_credits(ar_company) -> None:
    from fakturaflyt.receivables.pdf import render_pdf

    original = make_invoice(ar_company)
    note = make_invoice(
        ar_company, original.customer, number=10002, credits=original, reason="Feil antall timer", status="sent"
    )
    text = pdf_text(render_pdf(note))
    assert "Kreditnota" in text and "10002" in text
    assert "Krediterer faktura 10001 av 02.03.2026" in text
    assert "Feil antall timer" in text


def test_hostile_text_stays_text_and_nothing_is_fetched(ar_company, monkeypatch) -> None:
    from fakturaflyt.receivables import pdf

    customer = make_customer(ar_company, '<script>alert("x")</script><img src="http://evil.test/x.png">')
    inv = make_invoice(ar_company, customer)
    html = pdf.render_html(inv)
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    # the accent colour goes into CSS, so only a plain colour is used
    from fakturaflyt.receivables.models import InvoiceSettings

    InvoiceSettings.objects.filter(company=ar_company).update(accent_color="};*{a:0")  # 7 characters, the field's width
    assert "red;}" not in pdf.render_html(inv)
    fetched: list[str] = []
    import urllib.request

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", lambda self, url, *a, **k: fetched.append(url))
    text = pdf_text(pdf.render_pdf(inv))
    assert '<script>alert("x")</script>' in text.replace("\r", "").replace("\n", "")
    assert fetched == []
    # and the fetcher refuses http(s) outright
    with pytest.raises(ValueError):
        pdf.offline_fetcher().fetch("https://example.com/x.css")
