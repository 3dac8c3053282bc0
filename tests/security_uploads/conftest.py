"""Fixtures: the upload guard middleware switched on (the lead adds it to MIDDLEWARE), a private MEDIA_ROOT."""

from __future__ import annotations

import pytest

GUARD = "fakturaflyt.payables.uploads_guard.UploadGuardMiddleware"


@pytest.fixture(autouse=True)
def _guarded(settings, intake_dirs):
    if GUARD not in settings.MIDDLEWARE:
        middleware = list(settings.MIDDLEWARE)
        middleware.insert(middleware.index("fakturaflyt.companies.middleware.ActiveCompanyMiddleware") + 1, GUARD)
        settings.MIDDLEWARE = middleware
    settings.FAKTURAFLYT_REQUIRE_2FA = False  # two-factor has its own tests
    return settings
