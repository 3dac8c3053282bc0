"""OCR of images and scans: both engines, orientation (quarter and half turns), small skew, multi-page TIFF."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from fakturaflyt.core.pdf.evaluate import field_matches
from fakturaflyt.core.pdf.extract import extract_invoice
from fakturaflyt.core.pdf.ocr import OcrUnavailable, get_engine, upright

from .invoices import make_invoice
from .pdfmaker import make_scan_pdf, render_png

MAIN = ("invoice_number", "issue_date", "due_date", "total", "net_total", "vat_total", "supplier_vat_id")


def _need(engine: str) -> None:
    try:
        get_engine(engine)
    except OcrUnavailable as exc:
        pytest.skip(str(exc))


def _wrong(truth: dict[str, str], x, names=MAIN) -> dict[str, tuple[str, object]]:
    return {k: (truth[k], x.value(k)) for k in names if k in truth and not field_matches(k, truth[k], x.value(k))}


def test_upright_finds_quarter_turn_and_skew() -> None:
    inv = make_invoice("en", 0, 3)
    page = Image.open(io.BytesIO(render_png(inv.pdf, 100)))
    for turn, skew in ((90, 0.0), (270, 0.0), (0, 2.5), (0, -3.0), (90, 2.0)):
        image = page.rotate(turn + skew, expand=True, fillcolor="white")
        fixed, rotation, angle = upright(image)
        assert rotation == (90 if turn else 0)
        assert abs(angle + skew) <= 0.3 if not turn else abs(abs(angle) - abs(skew)) <= 0.3
        assert fixed.width < fixed.height  # a portrait page again (or upside down: OCR settles that)


def test_png_upside_down_with_tesseract() -> None:
    _need("tesseract")
    inv = make_invoice("no", 0, 2)
    x = extract_invoice(render_png(inv.pdf, 200, rotate=180), ocr_engine="tesseract")
    assert x.engine == "ocr" and x.pages == 1
    assert not _wrong(inv.truth, x, (*MAIN, "kid", "bank_account", "supplier_orgnr"))
    assert x.ocr_seconds_per_page > 0


def test_jpeg_quarter_turned_with_rapidocr() -> None:
    _need("rapidocr")
    inv = make_invoice("de", 1, 2)
    png = Image.open(io.BytesIO(render_png(inv.pdf, 200, rotate=90)))
    buf = io.BytesIO()
    png.convert("RGB").save(buf, format="JPEG", quality=90)
    x = extract_invoice(buf.getvalue(), ocr_engine="rapidocr")
    assert not _wrong(inv.truth, x)


def test_multipage_tiff() -> None:
    _need("tesseract")
    first, second = make_invoice("fr", 0, 1), make_invoice("fr", 0, 2)
    frames = [Image.open(io.BytesIO(render_png(inv.pdf, 150))) for inv in (first, second)]
    buf = io.BytesIO()
    frames[0].save(buf, format="TIFF", save_all=True, append_images=frames[1:], dpi=(150, 150))
    x = extract_invoice(buf.getvalue(), ocr_engine="tesseract")
    assert x.pages == 2
    assert {w.page for w in x.words} == {1, 2}
    assert x.value("invoice_number") == first.truth["invoice_number"]


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["rapidocr", "tesseract"])
@pytest.mark.parametrize("turn", [90, 180, 270])
def test_turned_corpus_scans(engine: str, turn: int, pdf_cases) -> None:
    _need(engine)
    import pypdfium2 as pdfium

    from fakturaflyt.core.pdf.evaluate import score

    results: list[bool] = []
    for case in pdf_cases.values():
        pdf = pdfium.PdfDocument(case.scan.read_bytes())
        image = pdf[0].render(scale=300 / 72, grayscale=True).to_pil().rotate(turn, expand=True, fillcolor="white")
        pdf.close()
        buf = io.BytesIO()
        image.save(buf, format="PNG", dpi=(300, 300))
        x = extract_invoice(buf.getvalue(), ocr_engine=engine)
        page_one = {k: v for k, v in score(x, case.truth).items() if k not in ("due_date",)}
        results.extend(page_one.values())
    assert sum(results) / len(results) >= 0.75


def test_scan_with_a_text_stamp_is_still_ocrd() -> None:
    _need("tesseract")
    inv = make_invoice("en", 0, 5)
    scan = make_scan_pdf(render_png(inv.pdf, 200), stamp="Received 2026-03-02 by the mail gateway, ref 8812")
    x = extract_invoice(scan, ocr_engine="tesseract")
    assert x.engine == "ocr"
    assert not _wrong(inv.truth, x)
    assert any(w.text == "gateway," for w in x.words)  # the stamp's own text is kept
