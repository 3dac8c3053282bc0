"""Extraction generalises: generated invoices in five languages, three layouts, three date styles."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fakturaflyt.core.pdf.evaluate import field_matches
from fakturaflyt.core.pdf.extract import extract_invoice

from .invoices import make_invoice

LANGS = ["no", "en", "de", "nl", "fr"]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("layout", [0, 1, 2])
def test_every_field_right(lang: str, layout: int) -> None:
    for seed in range(3):
        inv = make_invoice(lang, layout, seed, date_style=seed)
        x = extract_invoice(inv.pdf)
        wrong = {k: (v, x.value(k)) for k, v in inv.truth.items() if not field_matches(k, v, x.value(k))}
        assert not wrong, f"{lang} layout {layout} seed {seed}: {wrong}"
        assert x.engine == "text"
        assert not [p for p in x.problems if p.code in ("FF-PDF-SUMS", "FF-PDF-MISSING")]


def test_buyer_is_not_taken_for_the_supplier() -> None:
    inv = make_invoice("no", 1, 7)
    x = extract_invoice(inv.pdf)
    assert x.value("supplier_name") == inv.truth["supplier_name"]
    assert "Kunde" not in str(x.value("supplier_name"))


def test_swiss_number_format() -> None:
    inv = make_invoice("de", 0, 3, swiss=True)
    x = extract_invoice(inv.pdf)
    assert x.value("total") == Decimal(inv.truth["total"])
    assert x.value("currency") == "CHF"


def test_lines_are_read() -> None:
    inv = make_invoice("en", 1, 4)
    x = extract_invoice(inv.pdf)
    assert x.lines
    assert sum(line.amount or 0 for line in x.lines) == Decimal(inv.truth["net_total"])
    assert all(line.quantity and line.unit_price for line in x.lines)


def test_consistent_amounts_get_high_confidence() -> None:
    x = extract_invoice(make_invoice("nl", 0, 2).pdf)
    assert min(x.fields[k].confidence for k in ("net_total", "vat_total", "total")) >= 0.95
