"""The invoice pages: list with filters, detail, draft form with live totals, downloads, customers and products;
permission per role (auditor reads, approver and supplier contact see nothing), another company's invoice is 404,
and every change is a CSRF-protected POST."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from fakturaflyt.receivables.models import Customer, Product, SalesInvoice

from .test_pdf import make_customer, make_invoice, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def ar(world):
    """Company A of ``world`` with a bank account, invoice settings, a customer, a product and four invoices."""
    from fakturaflyt.companies.models import CompanyBankAccount
    from fakturaflyt.receivables.models import InvoiceSettings

    CompanyBankAccount.objects.create(company=world.a, account_number="15064123456", is_default=True)
    InvoiceSettings.objects.create(company=world.a)
    fjord = make_customer(world.a, "Fjordkraft Bedrift AS")
    solvik = make_customer(world.a, "Solvik kommune", orgnr="964338531", channel="ehf")
    Product.objects.create(
        company=world.a, code="KONS", name="Konsulenttime", unit_code="HUR", price=Decimal("1200"), vat_code="3"
    )
    today = date.today()
    world.sent = make_invoice(world.a, fjord, number=10001, kid="1000011", due_date=today + timedelta(days=10))
    world.overdue = make_invoice(world.a, solvik, number=10002, kid="2000022", due_date=today - timedelta(days=3))
    world.paid = make_invoice(world.a, fjord, number=10003, kid="3000033", settlement="paid")
    world.draft = make_invoice(world.a, solvik, status="draft")
    world.fjord, world.solvik = fjord, solvik
    # another company's invoice, with a customer name that must not leak
    world.foreign = make_invoice(world.b, make_customer(world.b, "Hemmelig Kunde AS"), number=50001)
    return world


def _rows(html: str) -> set[str]:
    import re

    return set(re.findall(r'data-invoice="(\d+)"', html))


def test_list_shows_status_and_filters(client, ar) -> None:
    client.force_login(ar.users["accountant"])
    html = client.get(reverse("receivables:invoices")).content.decode()
    assert _rows(html) == {str(i.pk) for i in (ar.sent, ar.overdue, ar.paid, ar.draft)}
    assert "Hemmelig Kunde AS" not in html
    assert 'data-state="overdue"' in html and 'data-state="paid"' in html and 'data-state="draft"' in html
    assert "1000011" in html  # KID column
    url = reverse("receivables:invoices")
    assert _rows(client.get(url, {"status": "overdue"}).content.decode()) == {str(ar.overdue.pk)}
    assert _rows(client.get(url, {"status": "paid"}).content.decode()) == {str(ar.paid.pk)}
    assert _rows(client.get(url, {"status": "draft"}).content.decode()) == {str(ar.draft.pk)}
    assert _rows(client.get(url, {"status": "sent"}).content.decode()) == {str(ar.sent.pk)}
    assert _rows(client.get(url, {"customer": ar.solvik.pk}).content.decode()) == {str(ar.overdue.pk), str(ar.draft.pk)}
    assert _rows(client.get(url, {"q": "10003"}).content.decode()) == {str(ar.paid.pk)}
    assert _rows(client.get(url, {"q": "2000022"}).content.decode()) == {str(ar.overdue.pk)}
    assert _rows(client.get(url, {"q": "fjordkraft"}).content.decode()) == {str(ar.sent.pk), str(ar.paid.pk)}
    # htmx asks for the results only
    partial = client.get(url, {"status": "paid"}, headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<div id="invoice-results">') and "<html" not in partial


def test_list_queries_do_not_grow_with_rows(client, ar, django_assert_max_num_queries) -> None:
    for n in range(20):
        make_invoice(ar.a, ar.fjord, number=20000 + n)
    client.force_login(ar.users["accountant"])
    with django_assert_max_num_queries(14):
        assert client.get(reverse("receivables:invoices")).status_code == 200


def test_detail_shows_lines_vat_and_actions_by_state(client, ar) -> None:
    client.force_login(ar.users["accountant"])
    html = client.get(reverse("receivables:invoice", args=[ar.sent.pk])).content.decode()
    assert "Konsulenttimer mars" in html and "Kaffe og frukt" in html
    assert "2\xa0250,00" in html and "45,00" in html  # VAT at 25 % and 15 %
    assert 'data-action="pdf"' in html and 'data-action="ehf"' in html and 'data-action="credit"' in html
    assert 'data-action="issue"' not in html
    draft = client.get(reverse("receivables:invoice", args=[ar.draft.pk])).content.decode()
    assert (
        'data-action="issue"' in draft and 'data-action="preview-pdf"' in draft and 'data-action="credit"' not in draft
    )


def test_auditor_reads_but_cannot_act(client, ar) -> None:
    client.force_login(ar.users["auditor"])
    assert client.get(reverse("receivables:invoices")).status_code == 200
    html = client.get(reverse("receivables:invoice", args=[ar.sent.pk])).content.decode()
    assert 'data-action="pdf"' in html and 'data-action="credit"' not in html and 'data-action="send"' not in html
    assert client.get(reverse("receivables:invoice_pdf", args=[ar.sent.pk])).status_code == 200
    for name, pk in (
        ("invoice_issue", ar.draft.pk),
        ("invoice_credit", ar.sent.pk),
        ("invoice_send", ar.sent.pk),
        ("invoice_delete", ar.draft.pk),
    ):
        assert client.post(reverse(f"receivables:{name}", args=[pk]), {"reason": "x"}).status_code == 403, name
    assert client.get(reverse("receivables:invoice_new")).status_code == 403
    assert client.get(reverse("receivables:customer_new")).status_code == 403
    ar.draft.refresh_from_db()
    assert ar.draft.is_draft


@pytest.mark.parametrize("role", ["approver", "requester", "supplier"])
def test_roles_without_receivables_see_nothing(client, ar, role) -> None:
    client.force_login(ar.users[role])
    for url in (
        reverse("receivables:invoices"),
        reverse("receivables:invoice", args=[ar.sent.pk]),
        reverse("receivables:invoice_pdf", args=[ar.sent.pk]),
        reverse("receivables:products"),
    ):
        assert client.get(url).status_code == 403, url


def test_another_companys_invoice_is_404(client, ar) -> None:
    client.force_login(ar.users["accountant"])
    for name in ("invoice", "invoice_pdf", "invoice_ehf"):
        assert client.get(reverse(f"receivables:{name}", args=[ar.foreign.pk])).status_code == 404, name
    for name in ("invoice_issue", "invoice_send", "invoice_credit", "invoice_delete"):
        assert client.post(reverse(f"receivables:{name}", args=[ar.foreign.pk]), {"reason": "x"}).status_code == 404
    # and the other company's accountant does not see A's invoice either
    client.force_login(ar.b_user)
    assert client.get(reverse("receivables:invoice", args=[ar.sent.pk])).status_code == 404


def test_posts_need_the_csrf_token(ar) -> None:
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(ar.users["accountant"])
    for name, pk in (("invoice_issue", ar.draft.pk), ("invoice_credit", ar.sent.pk), ("invoice_send", ar.sent.pk)):
        assert csrf_client.post(reverse(f"receivables:{name}", args=[pk]), {"reason": "x"}).status_code == 403
    assert csrf_client.post(reverse("receivables:customer_new"), {"name": "X"}).status_code == 403
    # and GET does not act
    assert Client().get(reverse("receivables:invoice_issue", args=[ar.draft.pk])).status_code in (302, 405)


def test_pdf_download_and_draft_preview(client, ar) -> None:
    client.force_login(ar.users["accountant"])
    response = client.get(reverse("receivables:invoice_pdf", args=[ar.sent.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="faktura-10001.pdf"'
    assert "10001" in pdf_text(response.content)
    inline = client.get(reverse("receivables:invoice_pdf", args=[ar.sent.pk]), {"inline": "1"})
    assert inline["Content-Disposition"].startswith("inline;")
    preview = client.get(reverse("receivables:invoice_pdf", args=[ar.draft.pk]))
    assert preview["Content-Disposition"].startswith("inline;") and "UTKAST" in pdf_text(preview.content)
    assert client.get(reverse("receivables:invoice_ehf", args=[ar.draft.pk])).status_code == 404


def test_draft_form_live_totals_and_add_line(client, ar) -> None:
    client.force_login(ar.users["accountant"])
    page = client.get(reverse("receivables:invoice_new"))
    assert page.status_code == 200 and 'name="lines-TOTAL_FORMS"' in page.content.decode()
    data = {
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "0",
        "lines-0-description": "Timer",
        "lines-0-quantity": "2",
        "lines-0-unit_price": "1000",
        "lines-0-discount_percent": "10",
        "lines-0-vat_code": "3",
        "lines-1-description": "Mat",
        "lines-1-quantity": "1,5",
        "lines-1-unit_price": "100",
        "lines-1-vat_code": "31",
    }
    html = client.post(reverse("receivables:invoice_totals"), data).content.decode()
    # 2 x 1000 - 10 % = 1800 at 25 % (450), 150 at 15 % (22.50): 2422.50
    assert 'data-total="net">1\xa0950,00' in html and 'data-total="total">2\xa0422,50' in html
    product = Product.objects.get(company=ar.a, code="KONS")
    row = client.get(
        reverse("receivables:invoice_line"), {"lines-TOTAL_FORMS": "2", "product": product.pk}
    ).content.decode()
    assert 'name="lines-2-description"' in row and 'value="Konsulenttime"' in row and 'value="1200' in row
    assert 'hx-swap-oob="true"' in row and 'value="3"' in row
    # another company's product fills nothing
    foreign = Product.objects.create(company=ar.b, code="X", name="Hemmelig vare", price=Decimal("1"))
    row = client.get(
        reverse("receivables:invoice_line"), {"lines-TOTAL_FORMS": "0", "product": foreign.pk}
    ).content.decode()
    assert "Hemmelig vare" not in row


def test_draft_form_refuses_an_invoice_without_lines(client, ar) -> None:
    client.force_login(ar.users["accountant"])
    before = SalesInvoice.objects.count()
    response = client.post(
        reverse("receivables:invoice_new"),
        {"customer": ar.fjord.pk, "lines-TOTAL_FORMS": "0", "lines-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 400 and SalesInvoice.objects.count() == before


def test_customer_form_validates_orgnr_and_saves(client, ar) -> None:
    client.force_login(ar.users["accountant"])
    base = {
        "name": "Nytt Firma AS",
        "country": "NO",
        "channel": "email",
        "email": "post@nytt.test",
        "language": "nb",
        "currency": "nok",
        "payment_terms_days": "30",
        "is_active": "on",
    }
    bad = client.post(reverse("receivables:customer_new"), {**base, "orgnr": "123456789"})
    assert bad.status_code == 400 and "123456789" in bad.content.decode()
    assert not Customer.objects.filter(name="Nytt Firma AS").exists()
    ok = client.post(reverse("receivables:customer_new"), {**base, "orgnr": "923 609 016"})
    assert ok.status_code == 302
    customer = Customer.objects.get(company=ar.a, name="Nytt Firma AS")
    assert customer.orgnr == "923609016" and customer.currency == "NOK" and customer.number > 0
    # e-mail channel without an address is refused
    no_mail = client.post(
        reverse("receivables:customer_edit", args=[customer.pk]), {**base, "orgnr": "923609016", "email": ""}
    )
    assert no_mail.status_code == 400
    # another company's customer is not editable
    foreign = Customer.objects.filter(company=ar.b).first()
    assert client.get(reverse("receivables:customer_edit", args=[foreign.pk])).status_code == 404
    from fakturaflyt.ledger.models import AuditEvent

    assert AuditEvent.objects.filter(company=ar.a, action="customer.created").exists()


def test_product_list_and_form(client, ar) -> None:
    client.force_login(ar.users["accountant"])
    assert "Konsulenttime" in client.get(reverse("receivables:products")).content.decode()
    data = {
        "code": "SUPP",
        "name": "Support",
        "unit_code": "MON",
        "price": "499",
        "revenue_account": "3000",
        "vat_code": "3",
        "is_active": "on",
    }
    assert client.post(reverse("receivables:product_new"), data).status_code == 302
    assert Product.objects.get(company=ar.a, code="SUPP").price == Decimal("499")
    dup = client.post(reverse("receivables:product_new"), {**data, "code": "KONS"})
    assert dup.status_code == 400
    unknown_account = client.post(
        reverse("receivables:product_new"), {**data, "code": "NEW", "revenue_account": "9999x"}
    )
    assert unknown_account.status_code == 400


def _form_data(customer, **extra):
    return {
        "customer": customer.pk,
        "issue_date": "",
        "buyer_reference": "Kari Nordmann",
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "0",
        "lines-0-description": "Konsulenttime",
        "lines-0-quantity": "3",
        "lines-0-unit_code": "HUR",
        "lines-0-unit_price": "1200",
        "lines-0-vat_code": "3",
        "lines-0-revenue_account": "3000",
        "lines-1-description": "Lunsj",
        "lines-1-quantity": "2",
        "lines-1-unit_code": "C62",
        "lines-1-unit_price": "100",
        "lines-1-discount_percent": "50",
        "lines-1-vat_code": "31",
        "lines-1-revenue_account": "3000",
        **extra,
    }


def test_create_edit_issue_send_and_credit(client, ar, intake_dirs, settings, mailoutbox) -> None:
    from fakturaflyt.receivables.models import InvoiceSettings

    settings.CELERY_TASK_ALWAYS_EAGER = True
    InvoiceSettings.objects.filter(company=ar.a).update(first_number=30001)  # above the ORM-made numbers
    client.force_login(ar.users["accountant"])
    # a draft from the form
    response = client.post(reverse("receivables:invoice_new"), _form_data(ar.fjord))
    assert response.status_code == 302, response.content.decode()[:2000]
    draft = SalesInvoice.objects.get(company=ar.a, buyer_reference="Kari Nordmann")
    assert draft.is_draft and draft.number is None and draft.net_total == Decimal("3700.00")
    # edited: the second line goes
    edit = _form_data(ar.fjord, **{"lines-1-DELETE": "on"})
    assert client.get(reverse("receivables:invoice_edit", args=[draft.pk])).status_code == 200
    assert client.post(reverse("receivables:invoice_edit", args=[draft.pk]), edit).status_code == 302
    draft.refresh_from_db()
    assert draft.lines.count() == 1 and draft.net_total == Decimal("3600.00")
    # issued and sent (e-mail channel)
    response = client.post(reverse("receivables:invoice_issue", args=[draft.pk]), follow=True)
    draft.refresh_from_db()
    assert draft.number == 30001 and draft.kid and draft.voucher_id is not None
    assert draft.status in {"sent", "delivered"}, [str(m) for m in response.context["messages"]]
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["faktura@fjordkraft.test"]
    page = response.content.decode()
    assert "30001" in page and 'data-dispatch="' in page and 'data-action="credit"' in page
    assert client.get(reverse("receivables:invoice_edit", args=[draft.pk])).status_code == 302  # no edits once issued
    # credit one of the three hours
    line = draft.lines.get()
    response = client.post(
        reverse("receivables:invoice_credit", args=[draft.pk]),
        {"reason": "Én time for mye", "line": [str(line.pk)], f"quantity-{line.pk}": "1"},
    )
    note = SalesInvoice.objects.get(company=ar.a, credits=draft)
    assert response.status_code == 302 and response.url == reverse("receivables:invoice", args=[note.pk])
    assert note.is_credit_note and note.number == 30002 and abs(note.net_total) == Decimal("1200.00")
    html = client.get(response.url).content.decode()
    assert "Én time for mye" in html and reverse("receivables:invoice", args=[draft.pk]) in html
    # the original lists its credit note
    assert (
        reverse("receivables:invoice", args=[note.pk])
        in client.get(reverse("receivables:invoice", args=[draft.pk])).content.decode()
    )
    # more than invoiced is refused
    client.post(
        reverse("receivables:invoice_credit", args=[draft.pk]),
        {"reason": "x", "line": [str(line.pk)], f"quantity-{line.pk}": "5"},
    )
    assert SalesInvoice.objects.filter(credits=draft).count() == 1


def test_delete_draft(client, ar) -> None:
    client.force_login(ar.users["accountant"])
    response = client.post(reverse("receivables:invoice_new"), _form_data(ar.fjord))
    draft = SalesInvoice.objects.get(company=ar.a, buyer_reference="Kari Nordmann")
    assert client.post(reverse("receivables:invoice_delete", args=[draft.pk])).status_code == 302
    assert not SalesInvoice.objects.filter(pk=draft.pk).exists()
    # an issued invoice cannot be deleted
    assert client.post(reverse("receivables:invoice_delete", args=[ar.sent.pk])).status_code == 302
    assert SalesInvoice.objects.filter(pk=ar.sent.pk).exists()
    assert response.status_code == 302
