"""Words with positions from the PDF text layer."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
import pytest

from fakturaflyt.core.pdf.evaluate import field_matches
from fakturaflyt.core.pdf.extract import extract_invoice
from fakturaflyt.core.pdf.text import has_text, image_coverage, opened, page_words
from fakturaflyt.core.pdf.words import rows

from .invoices import make_invoice
from .pdfmaker import make_pdf, make_scan_pdf, render_png


def test_words_rows_and_positions() -> None:
    data = make_pdf(
        [[(50, 100, "Fakturanummer: 2024-10457", 10), (400, 100, "Beløp 1 234,50", 10), (50, 130, "Neste linje", 10)]]
    )
    with opened(data) as pdf:
        words, size = page_words(pdf, 0)
    assert size == (595.0, 842.0)
    assert [w.text for w in words] == ["Fakturanummer:", "2024-10457", "Beløp", "1", "234,50", "Neste", "linje"]
    first = words[0]
    assert (
        first.page == 1
        and 49 <= first.x0 <= 51
        and 97 <= first.y0 <= 103
        and first.x1 > first.x0
        and first.y1 > first.y0
    )
    assert [[s.text for s in r.segments] for r in rows(words)] == [
        ["Fakturanummer: 2024-10457", "Beløp 1 234,50"],
        ["Neste linje"],
    ]


def test_pages_are_numbered_from_one() -> None:
    data = make_pdf([[(50, 50, "Side en", 10)], [(50, 50, "Side to", 10)]])
    with opened(data) as pdf:
        assert [page_words(pdf, i)[0][0].page for i in range(2)] == [1, 2]


@pytest.mark.parametrize("turn", [90, 180, 270])
def test_rotated_pages_read_upright(turn: int) -> None:
    inv = make_invoice("no", 1, 3)
    pdf = pdfium.PdfDocument(inv.pdf)
    pdf[0].set_rotation(turn)
    buf = io.BytesIO()
    pdf.save(buf)
    pdf.close()
    x = extract_invoice(buf.getvalue())
    assert x.engine == "text" and x.page_sizes == ((595.0, 842.0),)
    assert not [k for k, v in inv.truth.items() if not field_matches(k, v, x.value(k))]


def test_scan_has_no_text_layer() -> None:
    scan = make_scan_pdf(render_png(make_invoice("en", 0, 1).pdf, 72))
    with opened(scan) as pdf:
        words, _ = page_words(pdf, 0)
        assert not has_text(words)
        assert image_coverage(pdf, 0) > 0.99
    with opened(make_invoice("en", 0, 1).pdf) as pdf:
        assert has_text(page_words(pdf, 0)[0])
        assert image_coverage(pdf, 0) == 0.0


def test_private_use_glyphs_are_no_text_layer() -> None:
    from fakturaflyt.core.pdf.words import Word

    assert not has_text([Word("\ue000\ue001\ue002\ue003\ue004", 1, 0, 0, 50, 10)] * 6)
