"""The inbox in a browser: upload by drag and drop, watch the files arrive, read a document beside its fields.

An accountant uploads two files through the file input (what a drop hands the page) and one
by a real ``drop`` event, sees them in the inbox, opens the PDF (rendered page, fields with
confidence, an inline correction) and the EHF (shown as a readable invoice); a supplier
contact uploads an invoice in the supplier portal and follows its state. On a desktop and
on a phone; screenshots in test-results/inbox-*.png and portal-*.png.
"""

from __future__ import annotations

import base64
import re

import pytest

from tests.e2e.helpers import log_in

pytestmark = [pytest.mark.e2e]

ACCOUNTANT = ("regnskap@nordlys.demo", "demo-regnskap")
SUPPLIER = ("leverandor@bergenkontor.demo", "demo-leverandor")
PDF = "pdf/synthetic_no/bjorkas_ror_2024-10457.pdf"  # org.nr 987654325: the demo's Bergen Kontorutstyr AS
EHF = "ehf/examples/ehf-NO__ehf-3-faktura-1.xml"
EHF_DROPPED = "ehf/examples/peppol-NO__Norwegian-example-1.xml"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
PAGE_LOADED = "() => { const i = document.querySelector('.page img'); return i && i.complete && i.naturalWidth > 600; }"


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    from fakturaflyt.companies.demo import load_demo

    settings.MEDIA_ROOT = tmp_path / "media"
    return load_demo(sales=False)


def _drop(page, path) -> None:
    """A real drop on the upload area: a DataTransfer holding the file, as a drag from the desktop gives."""
    transfer = page.evaluate_handle(
        """([name, data]) => {
            const transfer = new DataTransfer();
            const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
            transfer.items.add(new File([bytes], name, { type: "application/xml" }));
            return transfer;
        }""",
        [path.name, base64.b64encode(path.read_bytes()).decode()],
    )
    page.dispatch_event("form[data-upload]", "dragenter", {"dataTransfer": transfer})
    page.dispatch_event("form[data-upload]", "drop", {"dataTransfer": transfer})


def _documents(company) -> int:
    from fakturaflyt.payables.models import SupplierDocument

    return SupplierDocument.objects.filter(company=company).count()


def _top(page):
    """Back to the top before a full-page screenshot: the sticky bar and document pane are drawn where they are."""
    page.evaluate("window.scrollTo(0, 0)")
    return page


def _fits(page, width: int) -> None:
    wide = page.evaluate(
        """(w) => Array.from(document.querySelectorAll("main *"))
            .filter((e) => e.getBoundingClientRect().right > w + 1 && !e.closest(".table-wrap"))
            .map((e) => e.tagName + "." + e.className).slice(0, 5)""",
        width,
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= width, wide


def test_accountant_uploads_and_reads_documents_on_desktop(live_server, browser, demo, corpus, shot):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nb-NO")
    page = context.new_page()
    log_in(page, live_server.url, ACCOUNTANT)
    page.locator("#nav").get_by_role("link", name="Innboks").click()
    expect(page.locator("h1")).to_have_text("Innboks")
    before = _documents(demo)  # the demo company's own invoices (by e-mail), before the uploads

    # two files through the file input: each gets a progress bar, then its state and a link
    page.set_input_files("#id_files", [str(corpus / PDF), str(corpus / EHF)])
    expect(page.locator(".upload-item")).to_have_count(2)
    expect(page.locator(".upload-item.is-done")).to_have_count(2, timeout=30_000)
    expect(page.locator(".upload-item.is-done .state").first).to_be_visible()
    # when all are done the list is fetched again and shows them
    rows = page.locator("#inbox-results tbody tr")
    expect(rows).to_have_count(before + 2)
    expect(page.locator("#inbox-results")).to_contain_text("Bergen Kontorutstyr AS")
    expect(page.locator("#inbox-results")).to_contain_text("TOSL108")

    # a third file by a real drop
    _drop(page, corpus / EHF_DROPPED)
    expect(page.locator(".upload-item.is-done")).to_have_count(3, timeout=30_000)
    expect(rows).to_have_count(before + 3)
    expect(page.locator('.tabs [data-tab="all"] .count')).to_have_text(str(before + 3))
    shot(page, "inbox-desktop-list")

    # the PDF: its page rendered on the server, the fields beside it with their confidence
    page.locator("#inbox-results tr", has_text="2024-10457").get_by_role("link").click()
    expect(page.locator("h1")).to_have_text("Faktura 2024-10457")
    page.wait_for_function(PAGE_LOADED)
    expect(page.locator("#field-invoice_number")).to_contain_text("2024-10457")
    expect(page.locator("#field-total")).to_contain_text(re.compile(r"7\s465,63"))
    expect(page.locator("#field-total .confbar")).to_be_visible()
    # pointing at a field lights up where it was read on the page
    page.locator("#field-total").hover()
    expect(page.locator('.hl[data-field="total"]')).to_have_class(re.compile("is-active"))
    # (keyboard focus does the same, and stays when the page is scrolled back up for the screenshot)
    page.mouse.move(0, 0)
    page.locator("#field-total a").focus()
    _top(page)
    expect(page.locator('.hl[data-field="total"]')).to_have_class(re.compile("is-active"))
    shot(page, "inbox-desktop-pdf")

    # an inline correction (htmx): the panel is redrawn with the value, marked as corrected
    page.locator("#field-order_reference").get_by_role("link", name="Legg til Ordrereferanse").click()
    page.locator("#input-order_reference").fill("PO-4711")
    page.locator("#field-order_reference").get_by_role("button", name="Lagre").click()
    expect(page.locator("#field-order_reference")).to_contain_text("PO-4711")
    expect(page.locator("#field-order_reference")).to_contain_text("Korrigert")
    shot(_top(page), "inbox-desktop-corrected")

    # the EHF, shown as a readable invoice
    page.goto(f"{live_server.url}/payables/inbox/")
    original = page.locator("#inbox-results tr", has_text="TOSL108").filter(has_not_text="Duplikat")
    original.get_by_role("link").click()
    paper = page.locator(".paper")
    expect(paper).to_contain_text("The Sellercompany ASA")
    expect(paper).to_contain_text("Å betale NOK")
    expect(paper.locator("table").first).to_contain_text("Laptop computer")
    shot(_top(page), "inbox-desktop-ehf")
    context.close()


def test_accountant_uploads_and_reads_on_a_phone(live_server, browser, demo, corpus, shot):
    from playwright.sync_api import expect

    context = browser.new_context(**PHONE, locale="nb-NO")
    page = context.new_page()
    log_in(page, live_server.url, ACCOUNTANT)
    page.goto(f"{live_server.url}/payables/inbox/")
    before = _documents(demo)
    page.set_input_files("#id_files", [str(corpus / PDF), str(corpus / EHF)])
    expect(page.locator(".upload-item.is-done")).to_have_count(2, timeout=30_000)
    expect(page.locator("#inbox-results tbody tr")).to_have_count(before + 2)
    _fits(page, 390)
    shot(page, "inbox-phone-list")

    page.locator("#inbox-results tr", has_text="2024-10457").get_by_role("link").click()
    page.wait_for_function(PAGE_LOADED)
    expect(page.locator("#field-invoice_number")).to_contain_text("2024-10457")
    _fits(page, 390)
    shot(page, "inbox-phone-pdf")

    page.go_back()
    page.locator("#inbox-results tr", has_text="TOSL108").get_by_role("link").click()
    expect(page.locator(".paper")).to_contain_text("Buyercompany ASA")
    _fits(page, 390)
    shot(page, "inbox-phone-ehf")
    context.close()


@pytest.mark.parametrize(
    ("device", "options"), [("desktop", {"viewport": {"width": 1280, "height": 900}}), ("phone", PHONE)]
)
def test_supplier_uploads_in_the_portal(live_server, browser, demo, corpus, shot, device, options):
    from playwright.sync_api import expect

    context = browser.new_context(**options, locale="nb-NO")
    page = context.new_page()
    log_in(page, live_server.url, SUPPLIER)
    expect(page.locator("h1")).to_have_text("Leverandørportal")

    page.set_input_files("#id_files", str(corpus / PDF))
    expect(page.locator(".upload-item.is-done")).to_have_count(1, timeout=30_000)
    table = page.locator("#portal-documents")
    expect(table).to_contain_text("2024-10457")
    expect(table.locator("tr", has_text="2024-10457").locator(".state").first).to_be_visible()
    expect(table).to_contain_text(re.compile("Mottatt|Vi har mottatt"))
    width = options["viewport"]["width"]
    _fits(page, width)
    shot(page, f"portal-{device}")

    table.get_by_role("link", name="2024-10457").click()
    expect(page.locator("h1")).to_have_text("Faktura 2024-10457")
    page.wait_for_function(PAGE_LOADED)
    _fits(page, width)
    shot(page, f"portal-{device}-document")
    context.close()
