"""The dashboards in a browser: the demo company's figures drawn as charts by the vendored uPlot, with
the numbers in the tables under them, and the monthly report link.

The accountant of the full demo (sales included) opens /dashboards/: every chart gets its canvas,
the aging table has amounts, and the tiles link to their lists. Screenshot in /tmp/dash.png (and
test-results/dashboards.png).
"""

from __future__ import annotations

import re
import shutil

import pytest

from tests.e2e.helpers import log_in

pytestmark = [pytest.mark.e2e]

ACCOUNTANT = ("regnskap@nordlys.demo", "demo-regnskap")
DESKTOP = {"viewport": {"width": 1440, "height": 1000}}
CHARTS = (
    "ap-channels",
    "ap-touchless",
    "ap-cycle",
    "ap-late",
    "ar-months",
    "ar-aging",
    "ar-dso",
    "ar-cei",
    "ar-cash",
    "cards-waiting",
)


def test_dashboard_draws_its_charts_with_numbers_under_them(
    browser, live_server, transactional_db, sales_demo_company, shot
):
    page = browser.new_page(**DESKTOP)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, live_server.url, ACCOUNTANT)
    page.goto(f"{live_server.url}/dashboards/")
    page.wait_for_selector('[data-chart="ar-aging"] canvas')
    for key in CHARTS:
        holder = page.locator(f'[data-chart="{key}"]')
        assert holder.get_attribute("data-drawn") == "1", key
        assert holder.locator("canvas").count() == 1, key
        box = holder.locator("canvas").bounding_box()
        assert box is not None and box["width"] > 250 and box["height"] > 150, key
    assert not errors

    # the numbers are in the tables under the charts
    aging = page.locator('[data-table="ar-aging"]')
    assert aging.locator("tbody tr").count() == 5
    cells = aging.locator("tbody td").all_text_contents()
    assert any(re.search(r"[1-9]", c) for c in cells)
    page.locator("#ar-aging summary").click()
    assert aging.is_visible()
    cards = page.locator('[data-table="cards-waiting"]')
    assert cards.is_visible() and re.search(r"\d", cards.locator("tbody").inner_text())

    # tiles link to their lists
    assert page.locator('[data-tile="overdue"] a').get_attribute("href") == "/receivables/invoices/?status=overdue"
    assert page.locator('[data-tile="touchless"] .dash-value').inner_text().endswith("%")
    assert page.locator("a[data-report]").get_attribute("href").startswith("/dashboards/report/")

    page.evaluate("window.scrollTo(0, 0)")
    path = shot(page, "dashboards")
    shutil.copyfile(path, "/tmp/dash.png")
