"""The reconciliation screen by keyboard: j/k move between entries, Enter confirms the top candidate,
the next entry gets the focus. Screenshot in test-results/reconcile.png."""

# ruff: noqa: F811 - fixtures imported from another test module and requested by name

from __future__ import annotations

import pytest

from tests.banking.conftest import bank, camt054, ntry  # noqa: F401 - the fixture
from tests.e2e.helpers import log_in

pytestmark = [pytest.mark.e2e]

DESKTOP = {"viewport": {"width": 1440, "height": 1000}}


def test_confirm_the_top_candidate_with_enter(browser, live_server, transactional_db, bank, shot):
    from fakturaflyt.banking.models import BankEntry
    from fakturaflyt.banking.services import import_bank_file

    # given two entries for review: one with a candidate (amount and payer), one unknown
    inv = bank.issue("2400", customer=bank.fjord)
    import_bank_file(
        bank.company,
        camt054(ntry("E1", "2400.00", name="Fjord Bygg AS"), ntry("E2", "99.00", name="Ukjent")),
        bank.user,
        filename="camt.xml",
    )
    first, second = BankEntry.objects.get(ref="E1"), BankEntry.objects.get(ref="E2")
    page = browser.new_page(**DESKTOP)
    log_in(page, live_server.url, ("regnskap@testfirma.no", "secret-pass-1"))
    page.goto(f"{live_server.url}/banking/reconcile/")
    # the first entry has the focus; j moves down, k back up
    page.wait_for_function(f"document.activeElement && document.activeElement.id === 'entry-{first.pk}'")
    page.keyboard.press("j")
    page.wait_for_function(f"document.activeElement.id === 'entry-{second.pk}'")
    page.keyboard.press("k")
    page.wait_for_function(f"document.activeElement.id === 'entry-{first.pk}'")
    shot(page, "reconcile")
    # when Enter is pressed on it
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # then the payment is posted and the next entry is the one in focus
    page.wait_for_function(f"document.activeElement && document.activeElement.id === 'entry-{second.pk}'")
    assert page.locator(f"#entry-{first.pk}").count() == 0
    first.refresh_from_db()
    inv.refresh_from_db()
    assert first.state == "posted" and inv.settlement == "paid"
    # i goes to the reason field; typing and Enter ignores the entry
    page.keyboard.press("i")
    page.keyboard.type("Testbeløp fra banken")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    second.refresh_from_db()
    assert second.state == "ignored"
    assert page.locator(".empty-state").count() == 1
