"""The card inbox in a browser: open a charge's split, correct a line's department, accept the charge.

The accountant of the demo company imports the demo month's Amazon Business report and card
statement, opens the first Amazon charge (a headset and a cable), corrects the headset's
department (the line shows "corrected, learnt"), and accepts the charge with one click: it is
posted in voucher series CARD and the row links to the voucher. Then Enter on the next ready
row accepts that one from the keyboard. Screenshots in /tmp/cards_inbox.png, /tmp/cards_split.png
(and test-results/cards-*.png).
"""

from __future__ import annotations

import shutil

import pytest

from tests.e2e.helpers import log_in

pytestmark = [pytest.mark.e2e]

ACCOUNTANT = ("regnskap@nordlys.demo", "demo-regnskap")
DESKTOP = {"viewport": {"width": 1440, "height": 1000}}
LEARNT_DEPARTMENT = "400"


@pytest.fixture
def demo(transactional_db):
    from django.utils import timezone

    from fakturaflyt.cards import demo_data, services
    from fakturaflyt.companies.demo import load_demo

    company = load_demo(sales=False)
    today = timezone.localdate()
    report = demo_data.business_report(demo_data.report_rows(today))
    services.import_card_file(company, report, None, filename="amazon-business-orders.csv")
    statement = demo_data.statement_csv(demo_data.statement_rows(today))
    services.import_card_file(company, statement, None, filename="firmakort.csv")
    return company


def _save(shot, page, name: str) -> None:
    page.evaluate("window.scrollTo(0, 0)")  # the top bar is sticky: a full-page shot from the top draws it there
    path = shot(page, f"cards-{name}")
    shutil.copyfile(path, f"/tmp/cards_{name}.png")


def test_open_correct_and_accept_a_charge(browser, live_server, demo, shot):
    from fakturaflyt.cards.models import CardCharge

    charge = CardCharge.objects.get(company=demo, external_id="DEMO-CARD-01")
    assert charge.status == "matched"
    headset = charge.lines.get(title__icontains="headset")
    page = browser.new_page(**DESKTOP)
    log_in(page, live_server.url, ACCOUNTANT)
    page.goto(f"{live_server.url}/cards/")
    assert page.locator("tbody.charge").count() >= 10
    _save(shot, page, "inbox")

    # open the split of the charge
    page.click(f"#toggle-{charge.pk}")
    page.wait_for_selector(f"#split-{charge.pk}")
    assert page.get_attribute(f"#toggle-{charge.pk}", "aria-expanded") == "true"
    assert page.locator(f"#split-{charge.pk} tbody.split-line").count() == 2

    # correct the headset's department and save: the line says it was corrected and learnt
    page.select_option(f"#c{headset.pk}-department", LEARNT_DEPARTMENT)
    page.click(f"#save-{headset.pk}")
    page.wait_for_selector(f"#line-{headset.pk}.is-corrected")
    assert page.locator(f"#line-{headset.pk} .split-tags .tag-warn").count() == 1
    assert page.input_value(f"#c{headset.pk}-department") == LEARNT_DEPARTMENT
    headset.coding_line.refresh_from_db()
    assert headset.coding_line.department == LEARNT_DEPARTMENT and headset.coding_line.state == "corrected"
    page.focus(f"#c{headset.pk}-department")  # the reasons show in full while a field has the focus
    _save(shot, page, "split")

    # accept: posted, and the row links to the voucher
    page.click(f"#accept-split-{charge.pk}")
    page.wait_for_selector(f"#charge-{charge.pk}.charge-posted a.voucher-link")
    charge.refresh_from_db()
    assert charge.status == "posted" and charge.voucher is not None
    assert charge.voucher.label in page.inner_text(f"#charge-{charge.pk}")


def test_enter_accepts_the_charge_in_focus(browser, live_server, demo):
    from fakturaflyt.cards.models import CardCharge

    page = browser.new_page(**DESKTOP)
    log_in(page, live_server.url, ACCOUNTANT)
    page.goto(f"{live_server.url}/cards/?status=matched")
    first = page.locator("tbody.charge:has([data-accept]) tr[data-charge-row]").first
    row_id = first.get_attribute("id")
    pk = int(row_id.split("-")[1])
    first.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#charge-{pk}.charge-posted")
    assert CardCharge.objects.get(pk=pk).status == "posted"


def test_choose_a_set_and_assign_order_lines(browser, live_server, demo, shot):
    from fakturaflyt.cards.models import CardCharge, ShopOrderLine

    ambiguous = CardCharge.objects.get(company=demo, status="ambiguous")
    unmatched = CardCharge.objects.get(company=demo, status="unmatched")
    free = ShopOrderLine.objects.filter(company=demo, charge__isnull=True).order_by("pk").first()
    page = browser.new_page(**DESKTOP)
    log_in(page, live_server.url, ACCOUNTANT)
    page.goto(f"{live_server.url}/cards/?status=open")

    # ambiguous: the two sets side by side, each with its lines and a Choose button
    page.click(f"#toggle-{ambiguous.pk}")
    page.wait_for_selector(f"#split-{ambiguous.pk} .candidate-grid")
    assert page.locator(f"#split-{ambiguous.pk} .candidate").count() == 2
    assert page.locator(f"#split-{ambiguous.pk} .match-note").is_visible()

    # unmatched: find order lines by order id and assign the one ticked
    page.click(f"#toggle-{unmatched.pk}")
    page.wait_for_selector(f"#split-{unmatched.pk}")
    page.click(f"#assign-{unmatched.pk} summary")
    page.fill(f"#q-{unmatched.pk}", free.order_id)
    page.wait_for_selector(f"#pick-{unmatched.pk}-{free.pk}")
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "cards-candidates")
    page.check(f"#pick-{unmatched.pk}-{free.pk}")
    page.click(f"#assign-{unmatched.pk} button[type=submit]")
    page.wait_for_selector(f"#charge-{unmatched.pk}.charge-matched")

    page.click(f"#choose-{ambiguous.pk}-0")
    page.wait_for_selector(f"#charge-{ambiguous.pk}.charge-matched")
    ambiguous.refresh_from_db()
    unmatched.refresh_from_db()
    assert ambiguous.status == unmatched.status == "matched"
    assert list(unmatched.lines.values_list("order_line_id", flat=True)) == [free.pk]
