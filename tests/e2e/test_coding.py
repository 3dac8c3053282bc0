"""The coding queue in a browser: correct a line from the keyboard and see the next similar line learn it.

The accountant of the demo company opens Kontering, moves to a line with the keyboard, types
the right account into its type-ahead field and confirms with Enter; the other line from the
same supplier with the same text shows the learnt account at once. "Hvorfor?" shows the
reasons; bulk accept takes the rest. Also on a phone. Screenshots in test-results/coding-*.png.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from tests.e2e.helpers import log_in

pytestmark = [pytest.mark.e2e]

ACCOUNTANT = ("regnskap@nordlys.demo", "demo-regnskap")
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
TEXT = "Skjerm Dell U2724D 27 tommer"


@pytest.fixture
def demo(transactional_db):
    from fakturaflyt.companies.demo import load_demo

    return load_demo(sales=False)


@pytest.fixture
def screens(demo):
    """Two lines alike from a supplier with no history, created in this order: the one to correct, then its twin.

    A supplier rule codes the supplier's lines to 6540 Inventar, so both are suggested 6540; the
    accountant knows a screen is 6551 Datautstyr.
    """
    from fakturaflyt.coding import services
    from fakturaflyt.coding.models import RuleKind
    from fakturaflyt.core.coding.features import PurchaseLine
    from fakturaflyt.payables.models import Supplier

    supplier = Supplier.objects.create(company=demo, number=90, name="Skjermhuset Oslo AS", orgnr="974760673")
    services.add_rule(demo, None, kind=RuleKind.SUPPLIER, supplier=supplier, account="6540", vat_code="1")

    def line(ref: str, amount: str):
        purchase = PurchaseLine(
            date=date(2026, 3, 2),
            supplier_id=supplier.orgnr,
            supplier_name=supplier.name,
            description=TEXT,
            amount=Decimal(amount),
            currency="NOK",
            vat_rate=Decimal("25"),
        )
        return services.add_line(demo, purchase, source="api", source_ref=ref, supplier=supplier)

    first = line("e2e-1", "4290.00")
    second = line("e2e-2", "4390.00")
    assert (first.account, second.account) == ("6540", "6540")
    return first, second


def _viewport_shot(page, name: str) -> None:
    """What the screen shows (a popover is fixed to the screen, so a full-page shot would misplace it)."""
    from tests.e2e.conftest import RESULTS

    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS / f"{name}.png"))


def _fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def _focused_row(page) -> str:
    return page.evaluate("document.activeElement.closest('tr.coding-row')?.id || ''")


def test_accountant_corrects_a_line_from_the_keyboard_and_the_twin_learns(live_server, browser, screens, shot):
    from playwright.sync_api import expect

    first, second = screens
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nb-NO")
    page = context.new_page()
    log_in(page, live_server.url, ACCOUNTANT)
    page.locator("#nav").get_by_role("link", name="Kontering").click()
    expect(page.locator("h1")).to_have_text("Kontering")
    expect(page.locator("[data-threshold]")).to_be_visible()
    expect(page.locator(f"#line-{first.pk}")).to_be_visible()
    # the demo's own queue is there too; ours are the newest, so the twin is first and the line to correct second
    expect(page.locator(f"#l{first.pk}-account")).to_have_value("6540")
    expect(page.locator(f"#l{second.pk}-account")).to_have_value("6540")
    expect(page.locator(f"#line-{first.pk} .conf-badge").first).to_be_visible()
    shot(page, "coding-desktop-queue")

    # the keyboard: the first row has the focus; j moves down to the line, e edits its account
    assert _focused_row(page) == f"line-{second.pk}"
    page.keyboard.press("j")
    assert _focused_row(page) == f"line-{first.pk}"
    page.keyboard.press("k")
    assert _focused_row(page) == f"line-{second.pk}"
    page.keyboard.press("ArrowDown")
    assert _focused_row(page) == f"line-{first.pk}"
    page.keyboard.press("e")
    account = page.locator(f"#l{first.pk}-account")
    expect(account).to_be_focused()
    # type-ahead: the company's accounts are offered with their names; the name follows what is typed
    assert page.locator('#dl-account option[value="6551"]').count() == 1
    page.keyboard.type("6551")
    expect(page.locator(f"#line-{first.pk} [data-target=account] [data-name]")).to_have_text(re.compile("Datautstyr"))
    expect(page.locator(f"#line-{first.pk} [data-confirm]")).to_have_text("Lagre")
    shot(page, "coding-desktop-editing")
    page.keyboard.press("Enter")

    # the correction is saved, the line leaves the queue, and its twin now shows the learnt account
    notice = page.locator(".coding-notice")
    expect(notice).to_contain_text("Korrigert: Skjermhuset Oslo AS")
    expect(notice).to_contain_text("6551 Datautstyr")
    expect(page.locator(f"#line-{first.pk}")).to_have_count(0)
    twin = page.locator(f"#line-{second.pk}")
    expect(page.locator(f"#l{second.pk}-account")).to_have_value("6551")
    expect(twin).to_contain_text("Nytt forslag")
    expect(twin).to_contain_text("Datautstyr")
    shot(page, "coding-desktop-learnt")

    # "Hvorfor?" (the ? key on a row) says why: the line corrected a moment ago
    page.keyboard.press("k")
    assert _focused_row(page) == f"line-{second.pk}"
    page.keyboard.press("?")
    why = page.locator(f"#why-{second.pk}")
    expect(why).to_be_visible()
    expect(why).to_contain_text("Hvorfor dette forslaget?")
    expect(why).to_contain_text("6551 Datautstyr")
    expect(why.locator(".why-reasons li").first).to_be_visible()
    _viewport_shot(page, "coding-desktop-why")
    page.keyboard.press("Escape")
    expect(why).to_be_hidden()

    # an error names the field and keeps what was typed
    page.locator(f"#l{second.pk}-account").fill("9999")
    page.locator(f"#l{second.pk}-account").press("Enter")
    expect(page.locator(f"#e{second.pk}")).to_contain_text("Konto 9999 finnes ikke i kontoplanen")
    expect(page.locator(f"#l{second.pk}-account")).to_have_value("9999")
    expect(page.locator(f"#l{second.pk}-account")).to_be_focused()
    shot(page, "coding-desktop-error")

    # bulk accept: the page again (the failed value was not saved), tick the twin and accept
    page.goto(f"{live_server.url}/coding/?q=Skjermhuset")
    page.keyboard.press("j")  # from the search page, j starts at the first row
    assert _focused_row(page) == f"line-{second.pk}"
    page.keyboard.press("x")
    expect(page.locator(f"#line-{second.pk} [data-line-check]")).to_be_checked()
    expect(page.locator("[data-bulk-count]")).to_have_text("(1)")
    page.get_by_role("button", name=re.compile("Godkjenn valgte forslag")).click()
    expect(notice).to_contain_text("1 forslag godkjent")
    expect(page.locator(f"#line-{second.pk}")).to_have_count(0)
    second.refresh_from_db()
    first.refresh_from_db()
    assert (first.state, first.account) == ("corrected", "6551")
    assert (second.state, second.account) == ("confirmed", "6551")

    # the coded tab shows both, for review
    page.locator('.tabs [data-tab="coded"]').click()
    expect(page.locator(f"#line-{first.pk}")).to_contain_text("Korrigert")
    expect(page.locator(f"#line-{first.pk}")).to_contain_text("foreslått 6540")
    shot(page, "coding-desktop-coded")
    context.close()


def test_queue_and_rules_on_a_phone(live_server, browser, screens, shot):
    from playwright.sync_api import expect

    first, second = screens
    context = browser.new_context(**PHONE, locale="nb-NO")
    page = context.new_page()
    log_in(page, live_server.url, ACCOUNTANT)
    page.goto(f"{live_server.url}/coding/")
    expect(page.locator("h1")).to_have_text("Kontering")
    expect(page.locator(f"#l{first.pk}-account")).to_be_visible()
    _fits(page, 390)
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "coding-phone-queue")

    # correct by touch: the field, the value, the button
    page.locator(f"#l{first.pk}-account").fill("6551")
    page.locator(f"#line-{first.pk}").get_by_role("button", name="Lagre").click()
    expect(page.locator(f"#l{second.pk}-account")).to_have_value("6551")
    page.locator(f"#line-{second.pk}").get_by_role("button", name="Hvorfor?").click()
    expect(page.locator(f"#why-{second.pk}")).to_be_visible()
    _fits(page, 390)
    _viewport_shot(page, "coding-phone-why")
    page.keyboard.press("Escape")

    page.goto(f"{live_server.url}/coding/rules/")
    expect(page.locator("h1")).to_have_text("Konteringsregler")
    _fits(page, 390)
    shot(page, "coding-phone-rules")
    context.close()


def test_rules_page_on_desktop(live_server, browser, screens, shot):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nb-NO")
    page = context.new_page()
    log_in(page, live_server.url, ACCOUNTANT)
    page.goto(f"{live_server.url}/coding/")
    page.get_by_role("link", name="Konteringsregler og innstillinger").click()
    expect(page.locator("h1")).to_have_text("Konteringsregler")
    expect(page.locator(".rules-table")).to_contain_text("Skjermhuset Oslo AS")
    # a keyword rule: the supplier field steps aside when the kind is a keyword
    page.get_by_label("Nøkkelord i teksten").check()
    expect(page.locator(".field-supplier")).to_be_hidden()
    page.locator("#id_keyword").fill("husleie")
    page.locator("#id_account").fill("6300")
    page.get_by_role("button", name="Legg til regel").click()
    expect(page.locator(".message-success")).to_contain_text("Regelen ble lagt til: «husleie» → 6300")
    shot(page, "coding-desktop-rules")
    row = page.locator(".rules-table tr", has_text="husleie")
    row.get_by_role("button", name="Deaktiver").click()
    expect(page.locator(".rules-table tr", has_text="husleie")).to_contain_text("Inaktiv")
    context.close()
