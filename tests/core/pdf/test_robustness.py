"""Hostile and broken input is refused with a FormatError code, never a crash or a hang."""

from __future__ import annotations

import hashlib
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fakturaflyt.core.errors import FormatError
from fakturaflyt.core.pdf import ocr
from fakturaflyt.core.pdf.extract import Extraction, extract_invoice

from .invoices import make_invoice
from .pdfmaker import make_pdf

INVOICE = make_invoice("no", 0, 1).pdf


class _BlankEngine:
    """Stands in for OCR when a mangled PDF loses its text layer: robustness, not reading, is tested."""

    name = "blank"

    def recognise(self, image):
        return []


@pytest.fixture
def no_ocr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "get_engine", lambda name: _BlankEngine())


def _refused(data: bytes) -> str:
    with pytest.raises(FormatError) as exc:
        extract_invoice(data)
    return exc.value.code


def test_malformed_pdf_is_refused() -> None:
    assert _refused(
        b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF"
    ) in (
        "FF-PDF-MALFORMED",
        "FF-PDF-EMPTY",
    )
    assert _refused(b"%PDF-1.4 \x00\xff garbage \x00" * 10) == "FF-PDF-MALFORMED"


def test_truncated_pdf_is_refused_or_read_without_crash(no_ocr: None) -> None:
    # a PDF cut in its header is refused; cut later, PDFium may still recover some pages
    assert _refused(INVOICE[:40]) == "FF-PDF-MALFORMED"
    for cut in (len(INVOICE) // 3, len(INVOICE) // 2, len(INVOICE) - 30):
        try:
            assert isinstance(extract_invoice(INVOICE[:cut]), Extraction)
        except FormatError as exc:
            assert exc.code.startswith("FF-PDF-")


def test_not_a_pdf_or_image() -> None:
    assert _refused(b"") == "FF-PDF-FORMAT"
    assert _refused(b"<Invoice/>") == "FF-PDF-FORMAT"
    assert _refused(b"\x89PNG\r\n\x1a\n" + b"\x00" * 50) == "FF-IMAGE-MALFORMED"
    assert _refused(b"\xff\xd8\xff\xe0 not really a jpeg") == "FF-IMAGE-MALFORMED"


def _encrypted_pdf() -> bytes:
    """A PDF whose Standard security handler wants a user password (R2, RC4-40)."""
    o = hashlib.sha256(b"owner").digest()
    u = hashlib.sha256(b"user").digest()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        b"<< /Filter /Standard /V 1 /R 2 /O <" + o.hex().encode() + b"> /U <" + u.hex().encode() + b"> /P -44 >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += b"trailer\n<< /Size 5 /Root 1 0 R /Encrypt 4 0 R /ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>] >>\n"
    out += f"startxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def test_encrypted_pdf_is_refused() -> None:
    assert _refused(_encrypted_pdf()) == "FF-PDF-ENCRYPTED"


def test_too_many_pages_is_refused() -> None:
    assert _refused(make_pdf([[] for _ in range(51)])) == "FF-PDF-TOO-MANY-PAGES"


def test_huge_image_is_refused() -> None:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("1", (8000, 6000), 1).save(buf, format="PNG")  # 48 megapixels, small on disk
    assert _refused(buf.getvalue()) == "FF-IMAGE-SIZE"


def test_oversized_file_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from fakturaflyt.core.pdf import text

    monkeypatch.setattr(text, "MAX_BYTES", 1000)
    assert _refused(INVOICE) == "FF-PDF-TOO-LARGE"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    prefix=st.sampled_from([b"", b"%PDF-1.7\n", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*"]),
    body=st.binary(max_size=2000),
)
def test_random_bytes_never_crash(prefix: bytes, body: bytes, no_ocr: None) -> None:
    try:
        result = extract_invoice(prefix + body)
    except FormatError as exc:
        assert exc.code.startswith(("FF-PDF-", "FF-IMAGE-"))
    else:
        assert isinstance(result, Extraction)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    flips=st.lists(
        st.tuples(st.integers(min_value=0, max_value=len(INVOICE) - 1), st.integers(0, 255)), min_size=1, max_size=8
    )
)
def test_mutated_pdf_never_crashes(flips: list[tuple[int, int]], no_ocr: None) -> None:
    data = bytearray(INVOICE)
    for pos, value in flips:
        data[pos] = value
    try:
        result = extract_invoice(bytes(data))
    except FormatError as exc:
        assert exc.code.startswith("FF-PDF-")
    else:
        assert isinstance(result, Extraction)


def test_random_pdf_sizes_do_not_blow_up_rendering(no_ocr: None) -> None:
    # a page of 14 400 x 14 400 points (the PDF maximum) with no text is rendered under the pixel cap
    big = make_pdf([[]], size=(14400.0, 14400.0))
    x = extract_invoice(big)
    assert x.engine == "ocr" and x.pages == 1


def test_unknown_engine_is_a_usage_error() -> None:
    with pytest.raises(ValueError):
        extract_invoice(INVOICE, ocr_engine="nonsense")


def test_environment_has_no_network_need() -> None:
    # RapidOCR's models ship in its wheel: their files are on disk
    pytest.importorskip("rapidocr_onnxruntime")
    import rapidocr_onnxruntime

    models = os.path.join(os.path.dirname(rapidocr_onnxruntime.__file__), "models")
    assert any(name.endswith(".onnx") for name in os.listdir(models))
