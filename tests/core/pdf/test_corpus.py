"""The PDF corpus (``../shared/corpus/pdf``): extracted fields against the expected JSON.

Text PDFs are read from their text layer, every one in the normal suite. The 300-dpi
scans go through OCR: one scan per engine in the normal suite, the full sweep with
``pytest -m slow``. Known misses are listed with the reason; the accuracy targets of
issue 4 (95 % of expected fields on text PDFs, 85 % on scans) are asserted over all files.
"""

from __future__ import annotations

import pytest

from fakturaflyt.core.pdf.evaluate import expected_fields, field_matches, score
from fakturaflyt.core.pdf.extract import extract_invoice
from fakturaflyt.core.pdf.ocr import OcrUnavailable, get_engine
from tests.conftest import CORPUS

from .conftest import Case, corpus_cases

CASES = [c.name for c in corpus_cases(CORPUS)] if (CORPUS / "pdf").is_dir() else []

# The expected "issuer" of the hotel receipt is the brand (OYO); the document names its legal
# seller (Oravel Stays Pvt. Ltd.) as the payee, which is what a template-free reader finds.
KNOWN_TEXT_MISSES = {("oyo", "supplier_name")}
# RapidOCR's character set has no æøå: "Bjørkås Rørleggerservice AS" reads "Bjorkas Rorleggerservice As".
KNOWN_SCAN_MISSES = KNOWN_TEXT_MISSES | {("bjorkas_ror_2024-10457", "supplier_name")}


def _engine(name: str) -> None:
    try:
        get_engine(name)
    except OcrUnavailable as exc:
        pytest.skip(str(exc))


def _check(case: Case, path, engine: str, known: set[tuple[str, str]]) -> tuple[int, int]:
    x = extract_invoice(path.read_bytes(), ocr_engine=engine)
    expected = expected_fields(case.truth)
    wrong = {
        name: (value, x.value(name))
        for name, value in expected.items()
        if not field_matches(name, value, x.value(name)) and (case.name, name) not in known
    }
    assert not wrong, f"{case.name} ({x.engine}): expected vs got {wrong}"
    return len(expected) - len(wrong), len(expected)


@pytest.mark.parametrize("name", CASES)
def test_text_pdf_fields_match_expected(name: str, pdf_cases: dict[str, Case]) -> None:
    case = pdf_cases[name]
    x = extract_invoice(case.pdf.read_bytes())
    assert x.engine == "text"
    result = score(x, case.truth)
    wrong = {
        k: (expected_fields(case.truth)[k], x.value(k))
        for k, ok in result.items()
        if not ok and (name, k) not in KNOWN_TEXT_MISSES
    }
    assert not wrong, wrong
    for f in x.fields.values():
        assert 0.0 <= f.confidence <= 1.0


def test_text_pdf_accuracy_target(pdf_cases: dict[str, Case]) -> None:
    results = [
        ok for case in pdf_cases.values() for ok in score(extract_invoice(case.pdf.read_bytes()), case.truth).values()
    ]
    assert sum(results) / len(results) >= 0.95


def test_norwegian_invoice_every_field_and_lines(pdf_cases: dict[str, Case]) -> None:
    case = pdf_cases.get("bjorkas_ror_2024-10457")
    if case is None:
        pytest.skip("the synthetic Norwegian invoice is not in the corpus")
    x = extract_invoice(case.pdf.read_bytes())
    assert x.value("supplier_vat_id") == "NO987654325MVA"
    assert [(line.description, str(line.quantity), str(line.amount)) for line in x.lines] == [
        (d["description"], f"{d['quantity']:g}", f"{d['amount']:.2f}") for d in case.truth["lines"]
    ]
    # every cross-check holds: sums, check digits, IBAN = account
    for name in ("net_total", "vat_total", "total", "kid", "bank_account", "iban", "supplier_orgnr"):
        assert x.fields[name].confidence >= 0.95, name


@pytest.mark.parametrize("engine", ["rapidocr", "tesseract"])
def test_one_scan_per_engine(engine: str, pdf_cases: dict[str, Case]) -> None:
    _engine(engine)
    case = pdf_cases.get("bjorkas_ror_2024-10457") or next(iter(pdf_cases.values()))
    assert case.scan is not None
    _check(case, case.scan, engine, KNOWN_SCAN_MISSES if engine == "rapidocr" else KNOWN_TEXT_MISSES)


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["rapidocr", "tesseract"])
def test_scan_sweep(engine: str, pdf_cases: dict[str, Case]) -> None:
    _engine(engine)
    results: list[bool] = []
    for case in pdf_cases.values():
        if case.scan is None:
            continue
        x = extract_invoice(case.scan.read_bytes(), ocr_engine=engine)
        assert x.engine == "ocr"
        results.extend(score(x, case.truth).values())
    assert sum(results) / len(results) >= 0.85, f"{sum(results)}/{len(results)}"
