"""The doctests of the payables modules (pytest collects doctests only under fakturaflyt/core)."""

from __future__ import annotations

import doctest

import pytest

from fakturaflyt.payables import checks, mailbox


@pytest.mark.parametrize("module", [checks, mailbox], ids=lambda m: m.__name__)
def test_doctests(module, settings) -> None:
    settings.FAKTURAFLYT_MAIL_DOMAIN = ""
    result = doctest.testmod(module)
    assert result.failed == 0 and result.attempted > 0
