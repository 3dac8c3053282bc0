"""Round trips: corpus read → write → read gives the same model; generated invoices pass the official rules."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from fakturaflyt.core.ehf.calc import complete
from fakturaflyt.core.ehf.jsonio import invoice_from_dict, to_dict
from fakturaflyt.core.ehf.model import Invoice
from fakturaflyt.core.ehf.write import write_invoice
from tests.core.ehf._official import example_files, valid_example_names
from tests.core.ehf._strategies import invoices

EXAMPLES = example_files()
VALID = sorted(valid_example_names())
ReadInvoice = Callable[[bytes], Invoice]


@pytest.fixture(scope="session")
def read_invoice() -> ReadInvoice:
    read = pytest.importorskip("fakturaflyt.core.ehf.read")
    return read.read_invoice  # type: ignore[no-any-return]


def test_corpus_is_there() -> None:
    if not EXAMPLES:
        pytest.skip("corpus not found")
    assert len(EXAMPLES) >= 41
    assert len(VALID) == 11


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_corpus_read_write_read_gives_an_equal_model(
    path: Path, read_invoice: ReadInvoice, xsd_errors: Callable[[bytes], list[str]]
) -> None:
    # given
    first = read_invoice(path.read_bytes())
    # when
    xml = write_invoice(first)
    # then
    assert xsd_errors(xml) == []
    assert read_invoice(xml) == first
    # and the JSON form of ``ehf parse`` / ``ehf write`` carries the same model
    assert invoice_from_dict(json.loads(json.dumps(to_dict(first)))) == first


@pytest.mark.parametrize("name", VALID)
def test_valid_corpus_stays_valid_under_the_official_rules(
    name: str, read_invoice: ReadInvoice, official_fatal: Callable[[bytes], list[str]]
) -> None:
    path = next(p for p in EXAMPLES if p.name == name)
    xml = write_invoice(read_invoice(path.read_bytes()))
    assert official_fatal(xml) == []


@pytest.mark.parametrize("name", VALID)
def test_calc_reproduces_the_totals_of_the_valid_corpus(name: str, read_invoice: ReadInvoice) -> None:
    """complete() on a real, valid invoice gives back the totals and VAT breakdown its issuer computed."""
    path = next(p for p in EXAMPLES if p.name == name)
    original = read_invoice(path.read_bytes())
    again = complete(original)
    assert again.totals == original.totals
    assert again.tax_total == original.tax_total
    key = lambda b: (b.category, b.rate)  # noqa: E731
    assert sorted(again.vat_breakdown, key=key) == sorted(original.vat_breakdown, key=key)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(inv=invoices())
def test_generated_invoices_are_xsd_and_peppol_valid(
    inv: Invoice, xsd_errors: Callable[[bytes], list[str]], official_fatal: Callable[[bytes], list[str]]
) -> None:
    xml = write_invoice(inv)
    assert xsd_errors(xml) == []
    assert official_fatal(xml) == []


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(inv=invoices())
def test_generated_invoices_round_trip(inv: Invoice, read_invoice: ReadInvoice) -> None:
    assert read_invoice(write_invoice(inv)) == inv
    assert invoice_from_dict(json.loads(json.dumps(to_dict(inv)))) == inv
