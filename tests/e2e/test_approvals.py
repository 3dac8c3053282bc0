"""Approve an invoice on a phone: the demo's approver opens Attestering on a 390-pixel-wide screen,
sees the invoices waiting for her with supplier, amount, due date and coding, and approves one
with one tap; it is posted. Screenshots in test-results/approvals-*.png."""

from __future__ import annotations

import pytest

from tests.e2e.helpers import log_in

pytestmark = [pytest.mark.e2e]

APPROVER = ("attestant@nordlys.demo", "demo-attest")
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


@pytest.fixture
def demo(transactional_db, intake_dirs):
    from fakturaflyt.companies.demo import load_demo

    return load_demo(sales=False)


def test_approve_an_invoice_on_a_phone(browser, live_server, demo, shot):
    from fakturaflyt.payables.models import DocumentState, SupplierDocument

    doc = SupplierDocument.objects.get(company=demo, invoice_number="BK-2026-0412")
    assert doc.state == DocumentState.IN_APPROVAL
    context = browser.new_context(**PHONE, locale="nb-NO")
    page = context.new_page()
    log_in(page, live_server.url, APPROVER)
    page.goto(f"{live_server.url}/approvals/")
    card = page.locator(f'article.approval-card[data-document="{doc.pk}"]')
    card.wait_for()
    assert "Bergen Kontorutstyr AS" in card.inner_text() and "6540" in card.inner_text()
    # nothing is wider than the phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "approvals-phone-list")
    button = card.locator("button.button-approve")
    box = button.bounding_box()
    assert box is not None and box["height"] >= 40  # a finger-sized target
    button.tap()
    page.wait_for_selector(".message-success")
    shot(page, "approvals-phone-approved")
    doc.refresh_from_db()
    assert doc.state == DocumentState.APPROVED and doc.voucher is not None
    assert doc.voucher.label in page.inner_text(".messages")
    assert page.locator(f'article.approval-card[data-document="{doc.pk}"]').count() == 0
    # the detail page (the reminder e-mail's link) on the phone
    other = SupplierDocument.objects.get(company=demo, invoice_number="SKY-88231")
    page.goto(f"{live_server.url}/approvals/{other.pk}/")
    page.wait_for_selector("button.button-approve")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "approvals-phone-detail")
    context.close()
