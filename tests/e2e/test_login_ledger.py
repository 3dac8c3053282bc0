"""An accountant logs in, reads the ledger and the trial balance, on a desktop and on a phone."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.e2e]

EMAIL, PASSWORD = "regnskap@nordlys.demo", "demo-regnskap"
KNOWN_VOUCHER = "Husleie januar – Vestland Eiendom AS"


@pytest.fixture
def demo(transactional_db):
    from fakturaflyt.companies.demo import load_demo

    return load_demo(sales=False)


def _log_in(page, base_url: str) -> None:
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", EMAIL)
    page.fill("#id_password", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(f"{base_url}/")


def test_accountant_reads_ledger_and_trial_balance_on_desktop(live_server, browser, demo, shot):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nb-NO")
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    expect(page.locator("h1")).to_have_text("Logg inn")
    shot(page, "desktop-login")

    _log_in(page, live_server.url)
    expect(page.locator(".topbar")).to_contain_text("Nordlys Kontormøbler AS")
    expect(page.locator(".topbar")).to_contain_text("924 753 811 MVA")
    expect(page.locator(".figures")).to_contain_text("329 000,00")
    shot(page, "desktop-dashboard")

    page.locator("#nav").get_by_role("link", name="Regnskap").click()
    page.wait_for_url(f"{live_server.url}/ledger/")
    expect(page.locator("main")).to_contain_text(KNOWN_VOUCHER)
    expect(page.locator("#nav a[aria-current=page]")).to_have_text("Regnskap")
    shot(page, "desktop-vouchers")

    page.get_by_role("link", name="AP 2026-1", exact=True).click()
    expect(page.locator("h1")).to_have_text("Bilag AP 2026-1")
    expect(page.locator("tfoot")).to_contain_text("18 500,00")
    expect(page.get_by_role("button", name="Reverser bilaget")).to_be_visible()
    shot(page, "desktop-voucher")

    page.locator(".tabs").get_by_role("link", name="Saldobalanse").click()
    expect(page.locator("h1")).to_have_text("Saldobalanse")
    expect(page.locator("table")).to_contain_text("1920")
    expect(page.locator("tfoot")).to_contain_text("Sum")
    shot(page, "desktop-trial-balance")
    context.close()


def test_phone_menu_collapses_and_opens(live_server, browser, demo, shot):
    from playwright.sync_api import expect

    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True, locale="en-GB"
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    expect(page.locator("h1")).to_have_text("Log in")
    shot(page, "phone-login")

    _log_in(page, live_server.url)
    nav = page.locator("#nav")
    expect(nav).to_be_hidden()
    shot(page, "phone-dashboard")

    toggle = page.locator(".menu-toggle")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(nav).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    shot(page, "phone-menu-open")

    nav.get_by_role("link", name="Ledger", exact=True).click()
    page.wait_for_url(f"{live_server.url}/ledger/")
    expect(page.locator("main")).to_contain_text(KNOWN_VOUCHER)
    expect(nav).to_be_hidden()
    # The table scrolls inside its frame instead of widening the page.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "phone-vouchers")

    page.get_by_role("link", name="AP 2026-1", exact=True).click()
    expect(page.locator("h1")).to_have_text("Voucher AP 2026-1")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "phone-voucher")

    page.locator(".tabs").get_by_role("link", name="Trial balance").click()
    expect(page.locator("h1")).to_have_text("Trial balance")
    shot(page, "phone-trial-balance")
    context.close()
