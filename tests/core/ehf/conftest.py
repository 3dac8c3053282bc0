"""Fixtures for the EHF tests: the XSD and the official schematron, compiled once per session."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.core.ehf import _official


@pytest.fixture(scope="session")
def xsd_errors() -> Callable[[bytes], list[str]]:
    if not _official.SCHEMAS.is_dir():
        pytest.skip(f"UBL schemas not found in {_official.SCHEMAS}")
    return _official.xsd_errors


@pytest.fixture(scope="session")
def official_fatal() -> Callable[[bytes], list[str]]:
    """The fatal failed asserts of the official CEN + Peppol schematron (compiled once, ~0.6 s)."""
    if not _official.RULES.is_dir():
        pytest.skip(f"Peppol rules not found in {_official.RULES}")
    _official._stylesheets()
    return _official.official_fatal
