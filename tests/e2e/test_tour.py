"""Every page of the shell, on a phone and on a desktop: it renders, and nothing widens a phone screen.

Screenshots go to test-results/tour-*.png for a person to look at.
"""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.e2e]

PAGES = [
    ("dashboard", "/"),
    ("vouchers", "/ledger/"),
    ("trial-balance", "/ledger/trial-balance/"),
    ("general-ledger", "/ledger/general-ledger/?account=1920&date_from=2026-01-01&date_to=2026-12-31"),
    ("accounts", "/ledger/accounts/?q=19"),
    ("suppliers", "/payables/suppliers/"),
    ("customers", "/receivables/customers/"),
    ("inbox", "/payables/inbox/"),
    ("coding", "/coding/"),
    ("coding-rules", "/coding/rules/"),
    ("not-found", "/ledger/vouchers/999999/"),
]


@pytest.fixture
def demo(transactional_db):
    from fakturaflyt.companies.demo import load_demo

    return load_demo()


def _log_in(page, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(f"{base_url}/")


@pytest.mark.parametrize(("device", "viewport"), [("phone", (390, 844)), ("desktop", (1280, 900))])
def test_every_page_renders_and_fits(live_server, browser, demo, shot, device, viewport):
    from playwright.sync_api import expect

    width, height = viewport
    context = browser.new_context(viewport={"width": width, "height": height}, locale="nb-NO")
    page = context.new_page()
    _log_in(page, live_server.url, "regnskap@nordlys.demo", "demo-regnskap")
    voucher_url = page.goto(f"{live_server.url}/ledger/") and page.locator("table a").first.get_attribute("href")
    for name, path in [*PAGES, ("voucher", voucher_url)]:
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("h1")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} is wider than the screen"
        shot(page, f"tour-{device}-{name}")

    # The user menu (language, logout) opens from the avatar.
    page.goto(f"{live_server.url}/")
    page.locator(".usermenu summary").click()
    expect(page.locator(".usermenu-panel")).to_be_visible()
    shot(page, f"tour-{device}-usermenu")
    context.close()


def test_approver_and_supplier_views_on_a_phone(live_server, browser, demo, shot):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="nb-NO")
    page = context.new_page()
    _log_in(page, live_server.url, "attestant@nordlys.demo", "demo-attest")
    expect(page.locator("h1")).to_contain_text("Velkommen")
    shot(page, "tour-phone-approver-dashboard")
    page.goto(f"{live_server.url}/ledger/")
    expect(page.locator("h1")).to_have_text("Ingen tilgang")
    shot(page, "tour-phone-forbidden")
    page.goto(f"{live_server.url}/payables/approvals/")
    shot(page, "tour-phone-approvals")
    context.close()

    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="nb-NO")
    page = context.new_page()
    _log_in(page, live_server.url, "leverandor@bergenkontor.demo", "demo-leverandor")
    expect(page.locator("main")).to_contain_text("Bergen Kontorutstyr AS")
    shot(page, "tour-phone-supplier-portal")
    context.close()


def test_chart_of_accounts_live_search(live_server, browser, demo):
    """htmx swaps the table as the user types; the address follows, so the result can be bookmarked."""
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nb-NO")
    page = context.new_page()
    _log_in(page, live_server.url, "regnskap@nordlys.demo", "demo-regnskap")
    page.goto(f"{live_server.url}/ledger/accounts/")
    page.fill("#id_q", "Bankinnskudd")
    expect(page.locator("#account-table")).not_to_contain_text("Kundefordringer")
    expect(page.locator("#account-table")).to_contain_text("1920")
    assert "q=Bankinnskudd" in page.url
    context.close()


def test_company_switcher(live_server, browser, demo, shot):
    from django.contrib.auth import get_user_model
    from playwright.sync_api import expect

    from fakturaflyt.companies.roles import Role
    from fakturaflyt.companies.services import add_member, create_company

    other = create_company(None, orgnr="923609016", name="Fjellet Regnskap AS")
    add_member(None, other, get_user_model().objects.get(username="regnskap@nordlys.demo"), Role.AUDITOR)

    # A new login starts in the company chosen last (at first: the first by name).
    steps = (
        ("phone", 390, "Fjellet Regnskap AS", "Nordlys Kontormøbler AS"),
        ("desktop", 1280, "Nordlys Kontormøbler AS", "Fjellet Regnskap AS"),
    )
    for device, width, active, target in steps:
        context = browser.new_context(viewport={"width": width, "height": 844}, locale="nb-NO")
        page = context.new_page()
        _log_in(page, live_server.url, "regnskap@nordlys.demo", "demo-regnskap")
        expect(page.locator(".topbar .company-name")).to_have_text(active)
        page.locator(".switcher summary").click()
        expect(page.locator(".switcher-panel")).to_be_visible()
        shot(page, f"tour-{device}-switcher")
        page.locator(".switcher-panel").get_by_role("button", name=target).click()
        page.wait_for_url(f"{live_server.url}/")
        expect(page.locator(".topbar .company-name")).to_have_text(target)
        expect(page.locator(".messages")).to_contain_text(f"Du jobber nå i {target}")
        if target == "Nordlys Kontormøbler AS":
            expect(page.locator(".figures")).to_contain_text("Bank (1920)")  # the amounts follow the demo's dates
        context.close()
