"""Words with positions from a PDF's text layer (PDFium through pypdfium2).

:func:`open_pdf` refuses what it cannot read safely, with a :class:`FormatError`:

* ``FF-PDF-TOO-LARGE``: more than :data:`MAX_BYTES` bytes;
* ``FF-PDF-MALFORMED``: not a PDF, or PDFium cannot parse it (truncated, corrupted);
* ``FF-PDF-ENCRYPTED``: protected by a password (a PDF encrypted with an empty user
  password opens, as in any viewer);
* ``FF-PDF-TOO-MANY-PAGES``: more than :data:`MAX_PAGES` pages (an invoice has a few);
* ``FF-PDF-EMPTY``: no page at all.

:func:`page_words` turns the characters of one page into :class:`~.words.Word` objects in
points from the top left of the page as shown (``/Rotate`` applied), splitting at spaces
and at gaps. A page whose text layer is missing or unusable (a scan, or a font without a
Unicode map that gives only private-use code points) is reported by :func:`has_text`, and
the caller sends it to OCR.

PDFium keeps global state and is not thread-safe, so every call into it holds
:data:`PDFIUM_LOCK`.

>>> has_text([Word("Faktura", 1, 0, 0, 40, 10)] * 5)
True
>>> has_text([])
False
>>> open_pdf(b"%PDF-1.7 garbage")
Traceback (most recent call last):
...
fakturaflyt.core.errors.FormatError: FF-PDF-MALFORMED: The PDF cannot be read (PDFium: Data format error); ask the sender for a new copy (at PDF)
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from ctypes import c_double, c_int
from dataclasses import dataclass
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from fakturaflyt.core.errors import FormatError
from fakturaflyt.core.pdf.words import Word, split_glued

__all__ = [
    "MAX_BYTES",
    "MAX_PAGES",
    "PDFIUM_LOCK",
    "PdfPages",
    "broken_page",
    "has_text",
    "image_coverage",
    "is_pdf",
    "open_pdf",
    "page_words",
]

MAX_BYTES = 50 * 1024 * 1024
MAX_PAGES = 50
MAX_CHARS_PER_PAGE = 100_000
PDFIUM_LOCK = threading.RLock()


def is_pdf(data: bytes) -> bool:
    """True when the PDF header is in the first kilobyte (as readers accept it)."""
    return b"%PDF-" in data[:1024]


@dataclass(frozen=True, slots=True)
class PdfPages:
    """An open PDF: the PDFium document and the shown size of each page in points."""

    document: Any
    sizes: tuple[tuple[float, float], ...]


def open_pdf(data: bytes, *, max_pages: int = MAX_PAGES) -> PdfPages:
    """Open ``data`` with PDFium or raise a :class:`FormatError` (see the module docs)."""
    if len(data) > MAX_BYTES:
        raise FormatError(
            "FF-PDF-TOO-LARGE",
            f"The PDF is {len(data) / 1e6:.0f} MB; at most {MAX_BYTES // 1_000_000} MB is read. Ask for a smaller file",
            "PDF",
        )
    if not is_pdf(data):
        raise FormatError("FF-PDF-MALFORMED", "The file is not a PDF (no %PDF header)", "PDF")
    with PDFIUM_LOCK:
        try:
            doc = pdfium.PdfDocument(bytes(data))
        except pdfium.PdfiumError as exc:
            code = getattr(exc, "err_code", None)
            if code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
                raise FormatError(
                    "FF-PDF-ENCRYPTED",
                    "The PDF is protected by a password; ask the sender for an unprotected copy",
                    "PDF",
                ) from None
            found = re.search(r"PDFium: ([^)]*)", str(exc))
            reason = found.group(1) if found else "unknown error"
            raise FormatError(
                "FF-PDF-MALFORMED",
                f"The PDF cannot be read (PDFium: {reason}); ask the sender for a new copy",
                "PDF",
            ) from None
        n = len(doc)
        if n == 0:
            doc.close()
            raise FormatError("FF-PDF-EMPTY", "The PDF has no pages", "PDF")
        if n > max_pages:
            doc.close()
            raise FormatError(
                "FF-PDF-TOO-MANY-PAGES",
                f"The PDF has {n} pages; an invoice is read only up to {max_pages} pages",
                "PDF",
            )
        sizes = []
        try:
            for i in range(n):
                page = doc[i]
                w, h = page.get_size()
                page.close()
                if not (0 < w < 1e5 and 0 < h < 1e5):
                    raise pdfium.PdfiumError(f"page {i + 1} has no usable size")
                sizes.append((float(w), float(h)))
        except pdfium.PdfiumError:
            doc.close()
            raise broken_page(len(sizes) + 1) from None
    return PdfPages(doc, tuple(sizes))


def broken_page(page: int) -> FormatError:
    """The error for a page PDFium cannot load or read."""
    return FormatError(
        "FF-PDF-MALFORMED", f"Page {page} of the PDF cannot be read; ask the sender for a new copy", f"page {page}"
    )


@contextmanager
def opened(data: bytes, *, max_pages: int = MAX_PAGES) -> Iterator[PdfPages]:
    """:func:`open_pdf` as a context manager that closes the document."""
    pdf = open_pdf(data, max_pages=max_pages)
    try:
        yield pdf
    finally:
        with PDFIUM_LOCK:
            pdf.document.close()


def _transform(
    page: Any, width: float, height: float, turn: int = 0
) -> tuple[float, float, float, float, float, float]:
    """The affine map from PDF user space to shown-page points (y down), turned ``turn`` quarters clockwise."""
    scale = 16.0
    sx, sy = max(int(width * scale), 1), max(int(height * scale), 1)
    if turn % 2:
        sx, sy = sy, sx

    def to_device(x: float, y: float) -> tuple[float, float]:
        dx, dy = c_int(), c_int()
        pdfium_c.FPDF_PageToDevice(page, 0, 0, sx, sy, turn, c_double(x), c_double(y), dx, dy)
        return dx.value / scale, dy.value / scale

    ox, oy = to_device(0.0, 0.0)
    ax, ay = to_device(1000.0, 0.0)
    bx, by = to_device(0.0, 1000.0)
    return ((ax - ox) / 1000, (bx - ox) / 1000, ox, (ay - oy) / 1000, (by - oy) / 1000, oy)


def _usable(ch: str) -> bool:
    cat = unicodedata.category(ch)
    return not (cat in ("Co", "Cs", "Cn", "Cc") or ch == "\ufffd")


def page_words(pdf: PdfPages, index: int) -> tuple[list[Word], tuple[float, float]]:
    """The words of page ``index`` (0-based, words carry the 1-based number) and the page size they are measured in.

    Text set sideways or upside down on the shown page (a landscape table, a page whose
    ``/Rotate`` was set to fix a scan) reads as one letter per word; then the page is read
    turned a quarter at a time, and the turn giving the longest words is kept.
    """
    width, height = pdf.sizes[index]
    with PDFIUM_LOCK:
        try:
            page = pdf.document[index]
        except pdfium.PdfiumError:
            raise broken_page(index + 1) from None
        try:
            textpage = page.get_textpage()
            try:
                turn = 0
                if _forward_share(page, textpage, width, height, 0) < 0.6:
                    turn = max(range(4), key=lambda t: _forward_share(page, textpage, width, height, t))
                words = _words(page, textpage, index + 1, width, height, turn)
                return words, ((height, width) if turn % 2 else (width, height))
            finally:
                textpage.close()
        except pdfium.PdfiumError:
            raise broken_page(index + 1) from None
        finally:
            page.close()


def _forward_share(page: Any, textpage: Any, width: float, height: float, turn: int) -> float:
    """Of neighbouring letters, the share that runs left to right on a line (1.0 for upright text)."""
    a, b, c, d, e, f = _transform(page, width, height, turn)
    rect = pdfium_c.FS_RECTF()
    forward = total = 0
    last: tuple[float, float, float] | None = None
    for i in range(min(textpage.count_chars(), 3000)):
        code = pdfium_c.FPDFText_GetUnicode(textpage, i)
        if code <= 32 or not pdfium_c.FPDFText_GetLooseCharBox(textpage, i, rect):
            last = None
            continue
        cx = a * (rect.left + rect.right) / 2 + b * (rect.bottom + rect.top) / 2 + c
        cy = d * (rect.left + rect.right) / 2 + e * (rect.bottom + rect.top) / 2 + f
        size = max(abs(rect.top - rect.bottom), 1.0)
        if last is not None and abs(cx - last[0]) + abs(cy - last[1]) < 2 * size:
            total += 1
            if cx > last[0] and abs(cy - last[1]) < 0.3 * size:
                forward += 1
        last = (cx, cy, size)
    return forward / total if total >= 20 else 1.0


def _words(page: Any, textpage: Any, page_no: int, width: float, height: float, turn: int) -> list[Word]:
    a, b, c, d, e, f = _transform(page, width, height, turn)
    count = min(textpage.count_chars(), MAX_CHARS_PER_PAGE)
    words: list[Word] = []
    chars: list[str] = []
    box: list[float] = []
    rect = pdfium_c.FS_RECTF()
    last_x0 = 0.0

    def flush() -> None:
        if chars:
            text = "".join(chars)
            pieces = split_glued(text)
            if len(pieces) == 1:
                words.append(Word(text, page_no, box[0], box[1], box[2], box[3]))
            else:  # share the box out in proportion to the characters
                x, per = box[0], (box[2] - box[0]) / max(len(text), 1)
                for piece in pieces:
                    words.append(Word(piece, page_no, x, box[1], x + per * len(piece), box[3]))
                    x += per * len(piece)
            chars.clear()

    for i in range(count):
        code = pdfium_c.FPDFText_GetUnicode(textpage, i)
        ch = chr(code) if 0 < code < 0x110000 else "\ufffd"
        if ch.isspace() or ch in "\x00\ufffe\uffff" or not pdfium_c.FPDFText_GetLooseCharBox(textpage, i, rect):
            flush()
            continue
        xs = (a * rect.left + b * rect.bottom + c, a * rect.right + b * rect.top + c)
        ys = (d * rect.left + e * rect.bottom + f, d * rect.right + e * rect.top + f)
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        if chars:
            h = box[3] - box[1]
            same_line = abs((y0 + y1) / 2 - (box[1] + box[3]) / 2) < 0.5 * max(h, 1.0)
            gap = x0 - box[2]
            backwards = x0 < last_x0 - 0.5 * max(h, 1.0)  # ligature glyphs share one box; a jump back is new text
            if not same_line or gap > 0.35 * max(h, 1.0) or backwards:
                flush()
        if not chars:
            box = [x0, y0, x1, y1]
        else:
            box = [min(box[0], x0), min(box[1], y0), max(box[2], x1), max(box[3], y1)]
        chars.append(ch)
        last_x0 = x0
    flush()
    return words


def image_coverage(pdf: PdfPages, index: int) -> float:
    """The largest share of page ``index`` (0-based) that one image covers (0 when none; 1 for a scan)."""
    width, height = pdf.sizes[index]
    best = 0.0
    with PDFIUM_LOCK:
        try:
            page = pdf.document[index]
        except pdfium.PdfiumError:
            raise broken_page(index + 1) from None
        try:
            for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3):
                left, bottom, right, top = obj.get_bounds()
                w = max(min(right, width) - max(left, 0.0), 0.0)
                h = max(min(top, height) - max(bottom, 0.0), 0.0)
                best = max(best, w * h / max(width * height, 1.0))
        except pdfium.PdfiumError:
            return best
        finally:
            page.close()
    return min(best, 1.0)


def has_text(words: list[Word], *, min_chars: int = 20) -> bool:
    """True when the words are a usable text layer (enough readable characters)."""
    text = "".join(w.text for w in words)
    if len(text) < min_chars:
        return False
    good = sum(1 for ch in text if _usable(ch))
    letters = sum(1 for ch in text if ch.isalnum())
    return good / len(text) > 0.8 and letters / len(text) > 0.4
