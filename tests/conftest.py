"""Shared fixtures: the corpus, companies with seeded books, users, and the test-flush door."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CORPUS = Path(os.environ.get("FAKTURAFLYT_CORPUS", Path(__file__).resolve().parents[1].parent / "shared" / "corpus"))


def _allow_test_flush() -> None:
    """Transactional tests empty the tables between tests; let that flush through the immutability triggers."""
    from django.core.management.commands import flush

    from fakturaflyt.ledger.maintenance import guard_open

    original = flush.Command.handle
    if getattr(original, "_ff_guarded", False):
        return

    def handle(self, *args, **options):
        with guard_open("test database flush", using=options.get("database", "default")):
            return original(self, *args, **options)

    handle._ff_guarded = True
    flush.Command.handle = handle


def pytest_configure(config: pytest.Config) -> None:
    import django

    django.setup()
    _allow_test_flush()


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The shared corpus of real external test data; skips the test when it is absent."""
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS} (set FAKTURAFLYT_CORPUS)")
    return CORPUS


@pytest.fixture
def make_company(db):
    """Factory: a company with seeded books (chart of accounts, VAT codes, number series)."""
    from fakturaflyt.companies.services import create_company

    def make(orgnr: str = "924753811", name: str = "Testfirma AS"):
        return create_company(None, orgnr=orgnr, name=name)

    return make


@pytest.fixture
def company(make_company):
    return make_company()


@pytest.fixture
def demo_company(db):
    from fakturaflyt.companies.demo import load_demo

    return load_demo()


@pytest.fixture
def user_factory(db):
    from django.contrib.auth import get_user_model

    def make(username: str, password: str = "secret-pass-1"):
        return get_user_model().objects.create_user(username, username, password)

    return make
