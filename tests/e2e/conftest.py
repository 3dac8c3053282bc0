"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Chromium is not downloaded by Playwright; the tests use ``/usr/bin/chromium`` (``make e2e-deps``).
Without it they skip, unless ``FAKTURAFLYT_REQUIRE_E2E=1`` (CI), where a missing browser fails.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
RESULTS = Path(__file__).resolve().parents[2] / "test-results"


@pytest.fixture
def browser(monkeypatch):
    if not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} not found: install Debian's chromium (make e2e-deps) to run the browser tests"
        if os.environ.get("FAKTURAFLYT_REQUIRE_E2E") == "1":
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def shot():
    """Save a full-page screenshot as test-results/<name>.png (git-ignored)."""
    RESULTS.mkdir(exist_ok=True)

    def take(page, name: str) -> Path:
        path = RESULTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
