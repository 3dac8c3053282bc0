"""The reasons as Norwegian sentences: every evidence kind has one, with the names and counts it carries."""

from __future__ import annotations

import doctest

import pytest

from fakturaflyt.coding import reasons
from fakturaflyt.coding.reasons import reason_text
from fakturaflyt.core.coding.features import KINDS

NAMES = {"6551": "Datautstyr"}


def test_doctests() -> None:
    result = doctest.testmod(reasons)
    assert result.failed == 0 and result.attempted > 0


@pytest.mark.parametrize("kind", [*KINDS, "rule", "chart", "prior"])
def test_every_kind_reads_as_a_sentence(kind: str) -> None:
    keys = {
        "supplier+amount": "911111111|1.2E+3",
        "supplier+buyer": "911111111|ola nordmann",
        "supplier+text": "911111111|lisens office",
        "supplier+bucket": "911111111|b5",
        "chain+buyer": "elkjøp|ola nordmann",
        "buyer+bucket": "ola nordmann|-b3",
        "buyer+day": "ola nordmann|739557",
        "buyer": "ola nordmann",
        "extra": "kostnadssted=400",
        "extra+buyer": "kostnadssted=400|ola nordmann",
        "gram": "^lis",
        "month": "11",
        "vat_rate": "25",
    }
    r = {
        "kind": kind,
        "key": keys.get(kind, "lisens"),
        "label": "6551",
        "count": 3,
        "total": 4,
        "last_date": "2026-11-02",
    }
    text = reason_text(r, "account", NAMES, supplier="Elkjøp Norge AS", buyer="Ola Nordmann")
    assert "6551" in text and "{" not in text and "None" not in text
    if kind.startswith("supplier"):
        assert text.startswith("Leverandøren Elkjøp Norge AS") and "3 av 4 linjer" in text and "02.11.2026" in text
    if "buyer" in kind:
        assert "Ola Nordmann" in text


def test_specific_sentences() -> None:
    amount = {"kind": "supplier+amount", "key": "911|1.2E+3", "label": "6551", "count": 2, "total": 2}
    assert reason_text(amount, "account", NAMES, supplier="Elkjøp") == (
        "Leverandøren Elkjøp med beløpet kr 1\u00a0200 er kontert 6551 Datautstyr i 2 av 2 linjer"
    )
    bucket = {"kind": "buyer+bucket", "key": "ola|-b3", "label": "200", "count": 1, "total": 1}
    assert reason_text(bucket, "department", {"200": "Salg"}) == (
        "Bestiller ola med kreditbeløp på 100–315 kr er ført på avdeling 200 Salg i 1 av 1 linje"
    )
    assert reason_text({"kind": "gram", "key": "^lis", "label": "6553", "count": 4, "total": 5}, "account") == (
        "Tekst som ligner «lis…» → 6553 (4 av 5 linjer)"
    )
    assert reason_text({"kind": "chart", "key": "15 %", "label": "11"}, "vat_code") == (
        "Mva-satsen 15 % på linjen → mva-kode 11"
    )
    prior = {"kind": "prior", "key": "", "label": "", "count": 9, "total": 10}
    assert reason_text(prior, "project") == "Oftest brukt: uten prosjekt i 9 av 10 linjer"
