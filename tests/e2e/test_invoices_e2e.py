"""Make, issue and send a customer invoice in the browser: the demo's accountant opens Fakturaer, makes a
draft with two lines (one picked from the product list, one typed, with a live total), issues and sends it
by e-mail, finds it in the list as sent, and opens its PDF. Screenshots in test-results/invoices-*.png
(and /tmp/h4-*.png)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.e2e.helpers import log_in

pytestmark = [pytest.mark.e2e]

ACCOUNTANT = ("regnskap@nordlys.demo", "demo-regnskap")
DESKTOP = {"viewport": {"width": 1440, "height": 1000}}


@pytest.fixture
def demo(transactional_db, intake_dirs, settings):
    from fakturaflyt.companies.demo import load_demo
    from fakturaflyt.companies.models import CompanyBankAccount
    from fakturaflyt.receivables.models import Customer, Product

    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    company = load_demo()
    if not CompanyBankAccount.objects.filter(company=company).exists():
        CompanyBankAccount.objects.create(company=company, account_number="15064123456", is_default=True)
    last = Customer.objects.filter(company=company).order_by("-number").values_list("number", flat=True).first() or 0
    Customer.objects.create(
        company=company,
        number=last + 1,
        name="Fjellvind Arkitekter AS",
        orgnr="923609016",
        address_line="Kongens gate 5",
        postal_code="7011",
        city="Trondheim",
        email="faktura@fjellvind.test",
        channel="email",
    )
    Product.objects.create(
        company=company, code="E2E-KONS", name="Rådgivning, timer", unit_code="HUR", price=Decimal("1250"), vat_code="3"
    )
    return company


def test_make_issue_and_send_an_invoice(browser, live_server, demo, shot, mailoutbox):
    from fakturaflyt.receivables.models import Customer, Product, SalesInvoice

    customer = Customer.objects.get(company=demo, name="Fjellvind Arkitekter AS")
    product = Product.objects.get(company=demo, code="E2E-KONS")
    context = browser.new_context(**DESKTOP, locale="nb-NO")
    page = context.new_page()
    log_in(page, live_server.url, ACCOUNTANT)
    page.goto(f"{live_server.url}/receivables/invoices/")
    page.click('[data-action="new-invoice"]')
    page.wait_for_selector("#invoice-form")
    page.select_option("#id_customer", value=str(customer.pk))
    page.fill("#id_buyer_reference", "Siri Fjell")
    # line 1: picked from the products, which fills text, price, unit and VAT code
    page.select_option("#id_lines-0-product", value=str(product.pk))
    page.wait_for_function("document.querySelector('#id_lines-0-unit_price').value.startsWith('1250')")
    assert page.input_value("#id_lines-0-description") == "Rådgivning, timer"
    page.fill("#id_lines-0-quantity", "4")
    # line 2: added with htmx and typed in
    page.click('[data-action="add-line"]')
    page.wait_for_selector("#id_lines-1-description")
    assert page.input_value("#id_lines-TOTAL_FORMS") == "2"
    page.fill("#id_lines-1-description", "Reise Oslo–Trondheim")
    page.fill("#id_lines-1-quantity", "1")
    page.fill("#id_lines-1-unit_price", "1890")
    page.select_option("#id_lines-1-vat_code", value="33")
    # the live total: 4 x 1250 + 25 % = 6250, 1890 + 12 % = 2116.80
    page.wait_for_function("document.querySelector('[data-total=total]').textContent.replace(/\\s/g, '') === '8366,80'")
    page.screenshot(path="/tmp/h4-new.png", full_page=True)
    shot(page, "invoices-new")
    page.click('[data-action="save-draft"]')
    page.wait_for_selector('[data-action="issue"]')
    draft = SalesInvoice.objects.get(company=demo, buyer_reference="Siri Fjell")
    assert draft.is_draft and draft.total == Decimal("8366.80")
    # issue and send
    page.click('[data-action="issue"]')
    page.wait_for_selector(".message-success")
    invoice = SalesInvoice.objects.get(pk=draft.pk)
    assert invoice.number and invoice.kid and invoice.status in {"sent", "delivered"}
    assert str(invoice.number) in page.inner_text("h1")
    ours = [m for m in mailoutbox if m.to == ["faktura@fjellvind.test"]]  # the demo sends its own invoices too
    assert len(ours) == 1 and any(a[0].endswith(".pdf") for a in ours[0].attachments)
    page.screenshot(path="/tmp/h4-detail.png", full_page=True)
    shot(page, "invoices-detail")
    # the list shows it as sent, with its KID
    page.goto(f"{live_server.url}/receivables/invoices/")
    row = page.locator(f'tr[data-invoice="{invoice.pk}"]')
    row.wait_for()
    assert row.get_attribute("data-status") in {"sent", "delivered"}
    assert invoice.kid in row.inner_text() and "Fjellvind Arkitekter AS" in row.inner_text()
    page.screenshot(path="/tmp/h4-list.png", full_page=True)
    shot(page, "invoices-list")
    # the PDF link
    page.click(f'tr[data-invoice="{invoice.pk}"] a.doc-no')
    href = page.get_attribute('[data-action="pdf"]', "href")
    response = page.request.get(f"{live_server.url}{href}")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    context.close()
