"""Rendered invoice content is escaped (issue 11): a supplier or customer named ``<script>...`` stays text in
the UI, the htmx partials, the JSON API and the invoice PDF (WeasyPrint must not read it as markup).
"""

from __future__ import annotations

import io
from typing import Any

import pytest

from .builders import HOSTILE_NAME

pytestmark = pytest.mark.django_db

RAW = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
HOSTILE_LINE = "<b>fet</b><img src=x onerror=alert(2)> kontor"


@pytest.fixture
def hostile(realm) -> Any:
    """A's own supplier, customer and invoice line renamed to markup (rolled back after the test)."""
    from fakturaflyt.receivables.models import Customer, SalesInvoice, SalesInvoiceLine

    a = realm.a
    a.own_supplier.name = HOSTILE_NAME
    a.own_supplier.save(update_fields=["name"])
    Customer.objects.filter(pk=a.customer.pk).update(name=HOSTILE_NAME)
    SalesInvoice.objects.filter(pk=a.invoice.pk).update(buyer_name=HOSTILE_NAME)
    SalesInvoiceLine.objects.filter(invoice=a.invoice).update(description=HOSTILE_LINE)
    return realm


def pdf_text(data: bytes) -> str:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(io.BytesIO(data))
    return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))


def strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return [value] if isinstance(value, str) else []


def test_pages_show_markup_as_text(hostile, client) -> None:
    a = hostile.a
    client.force_login(hostile.world.users["admin"])
    pages = [
        "/",
        "/payables/suppliers/",
        "/payables/inbox/",
        f"/payables/inbox/{a.own_doc.pk}/",
        f"/approvals/{a.own_doc.pk}/",
        "/approvals/",
        "/search/?q=Bergen",
        "/search/suggest/?q=Bergen",
        "/dashboards/",
        "/coding/",
        "/purchasing/",
        "/receivables/customers/",
        "/receivables/invoices/",
        f"/receivables/invoices/{a.invoice.pk}/",
        "/receivables/ledger/",
        f"/receivables/ledger/{a.customer.pk}/",
    ]
    wrong = []
    escaped_on = []
    for url in pages:
        for headers in ({}, {"HX-Request": "true"}):  # the full page and the htmx partial
            response = client.get(url, headers=headers)
            if response.status_code != 200:
                continue
            html = response.content.decode("utf-8", "replace")
            if RAW in html or "<b>fet</b>" in html or "<img src=x" in html:
                wrong.append(f"{url} {headers}: markup rendered as markup")
            if ESCAPED in html:
                escaped_on.append(url)
    assert not wrong, "\n".join(wrong)
    assert {"/payables/suppliers/", f"/payables/inbox/{a.own_doc.pk}/", "/receivables/customers/"} <= set(escaped_on)


def test_the_supplier_portal_shows_its_name_as_text(hostile, client) -> None:
    client.force_login(hostile.world.users["supplier"])
    for url in ("/", f"/portal/documents/{hostile.a.own_doc.pk}/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert RAW not in response.content.decode(), url


def test_the_json_api_returns_the_plain_string(hostile, client) -> None:
    headers = {"Authorization": f"Bearer {hostile.tokens['accountant']}"}
    base = f"/api/companies/{hostile.a.company.orgnr}"
    doc = client.get(f"{base}/payables/documents/{hostile.a.own_doc.pk}", headers=headers)
    assert HOSTILE_NAME in strings(doc.json())
    customers = client.get(f"{base}/customers", headers=headers)
    assert HOSTILE_NAME in strings(customers.json())
    assert doc["Content-Type"].startswith("application/json")


def test_the_invoice_pdf_prints_markup_as_text(hostile, client) -> None:
    headers = {"Authorization": f"Bearer {hostile.tokens['accountant']}"}
    url = f"/api/companies/{hostile.a.company.orgnr}/invoices/{hostile.a.invoice.number}/pdf"
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    data = b"".join(response.streaming_content) if response.streaming else response.content
    text = pdf_text(data)
    # the literal characters are on the paper: WeasyPrint did not take them for a <script> or a <b>
    assert RAW in text.replace("\r", "").replace("\n", "")
    assert "<b>fet</b>" in text
