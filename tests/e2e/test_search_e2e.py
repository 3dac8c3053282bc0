"""The search box in a browser: "/" focuses it, typing shows grouped hits, the arrow keys and Enter open one.

The accountant of company A (the search fixtures: an invoice of 1 250,00 from Bergen Kontorutstyr,
a voucher "Husleie mars" of the same amount) presses "/", types "1 250,00" and sees the supplier
invoice and the voucher in the dropdown; then types "husleie", moves down with the arrow key and
opens the voucher with Enter. Screenshots in /tmp/search.png and /tmp/search_page.png (and test-results/search*.png).
"""

from __future__ import annotations

import re
import shutil

import pytest

from tests.e2e.helpers import log_in
from tests.search.conftest import build_books

pytestmark = [pytest.mark.e2e]

DESKTOP = {"viewport": {"width": 1440, "height": 900}}


@pytest.fixture
def books(transactional_db, world):
    return build_books(world)


def test_type_in_the_box_and_open_a_hit(browser, live_server, books, shot):
    page = browser.new_page(**DESKTOP, locale="en-GB", extra_http_headers={"Accept-Language": "en"})
    log_in(page, live_server.url, ("accountant@alfa.test", "secret-pass-1"))

    page.keyboard.press("/")
    box = page.locator("#search-q")
    assert box.evaluate("el => el === document.activeElement")
    box.type("1 250,00", delay=20)
    dropdown = page.locator("#search-dropdown [role=listbox]")
    dropdown.wait_for()
    assert box.get_attribute("aria-expanded") == "true"
    text = dropdown.inner_text()
    assert "INV-4711" in text and books.voucher.label in text
    page.keyboard.press("ArrowDown")
    assert page.locator("#search-dropdown [aria-selected=true]").count() == 1
    path = shot(page, "search")
    shutil.copyfile(path, "/tmp/search.png")

    box.fill("")
    box.type("husleie", delay=20)
    page.locator("#search-dropdown .search-hit", has_text=books.voucher.label).wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/ledger/vouchers/{books.voucher.pk}/$"))
    assert books.voucher.label in page.locator("main").inner_text()

    # Enter without choosing a hit opens the full results page.
    page.keyboard.press("/")
    page.locator("#search-q").fill("bergen")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=bergen"))
    assert "Bergen Kontorutstyr AS" in page.locator("main").inner_text()
    shutil.copyfile(shot(page, "search-page"), "/tmp/search_page.png")
