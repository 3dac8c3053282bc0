"""Showing a received document in the browser: PDF pages as PNG images, rendered on the server.

The page images are made with pypdfium2 (PDFium, the renderer of Chromium) and kept on disk
under ``MEDIA_ROOT/previews/`` by the SHA-256 of the PDF's bytes, the page and the width,
so a page is rendered once however often it is looked at and whoever looks at it. The
images are derived data: deleting the folder costs only the time to render them again.

PDFium is not thread-safe, so every call into it holds the PDF library's process-wide lock
(``core.pdf.text.PDFIUM_LOCK``, the one text extraction and OCR hold too); a web server with
threads renders one page at a time, which at about 50 ms a page is no bottleneck.

The PNG is written by a few lines of ``zlib`` (:func:`png`), so showing a page needs no
imaging library beside pypdfium2.
"""

from __future__ import annotations

import hashlib
import os
import struct
import tempfile
import threading
import zlib
from pathlib import Path

from django.conf import settings

#: Rendered width in pixels: an A4 page at 150 dpi, sharp on a laptop and zoomable on a phone.
PAGE_WIDTH = 1240
#: Pages beyond this are not shown in the browser (the original file can still be downloaded).
MAX_PAGES = 30

_LOCK = threading.RLock()  # only used when the PDF library is not installed


class PreviewError(Exception):
    """The bytes are not a PDF PDFium can open, or the page does not exist."""


def _pdfium_lock() -> threading.RLock:
    """The lock around PDFium: the PDF library's own when it offers one, so that rendering and OCR never overlap."""
    try:
        from fakturaflyt.core.pdf.text import PDFIUM_LOCK
    except ImportError:
        return _LOCK
    return PDFIUM_LOCK


def page_count(data: bytes) -> int:
    """Number of pages of the PDF ``data``; :class:`PreviewError` when it cannot be opened."""
    import pypdfium2 as pdfium

    with _pdfium_lock():
        try:
            doc = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            raise PreviewError(str(exc)) from exc
        try:
            return len(doc)
        finally:
            doc.close()


def page_sizes(data: bytes) -> list[tuple[float, float]]:
    """The shown size (width, height) in points of each page, ``/Rotate`` applied; :class:`PreviewError` when unreadable.

    These are the units of the positions the PDF reader gives for each field (from the top left).
    """
    import pypdfium2 as pdfium

    with _pdfium_lock():
        try:
            doc = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            raise PreviewError(str(exc)) from exc
        try:
            sizes = []
            for i in range(len(doc)):
                page = doc[i]
                try:
                    sizes.append(tuple(page.get_size()))
                finally:
                    page.close()
            return sizes  # type: ignore[return-value]
        finally:
            doc.close()


def render_page(data: bytes, page: int, width: int = PAGE_WIDTH) -> bytes:
    """Page ``page`` (1-based) of the PDF ``data`` as a PNG ``width`` pixels wide."""
    import pypdfium2 as pdfium

    with _pdfium_lock():
        try:
            doc = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            raise PreviewError(str(exc)) from exc
        try:
            if not 1 <= page <= len(doc):
                raise PreviewError(f"the document has no page {page}")
            pdf_page = doc[page - 1]
            try:
                page_width, _ = pdf_page.get_size()
                scale = max(0.1, min(4.0, width / page_width)) if page_width > 0 else 1.0
                bitmap = pdf_page.render(scale=scale, rev_byteorder=True, fill_color=(255, 255, 255, 255))
                try:
                    return png(bitmap.width, bitmap.height, bytes(bitmap.buffer), bitmap.stride, bitmap.n_channels)
                finally:
                    bitmap.close()
            finally:
                pdf_page.close()
        except pdfium.PdfiumError as exc:
            raise PreviewError(str(exc)) from exc
        finally:
            doc.close()


def cached_page(data: bytes, sha256: str | None, page: int, width: int = PAGE_WIDTH) -> bytes:
    """:func:`render_page`, kept on disk by the PDF's SHA-256, the page and the width."""
    sha = sha256 or hashlib.sha256(data).hexdigest()
    folder = Path(settings.MEDIA_ROOT) / "previews" / sha[:2]
    path = folder / f"{sha}-p{page}-w{width}.png"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    image = render_page(data, page, width)
    folder.mkdir(parents=True, exist_ok=True)
    # Write to a temporary file and rename: a reader never sees half an image.
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(image)
        os.replace(tmp, path)
    except OSError:
        Path(tmp).unlink(missing_ok=True)
    return image


def png(width: int, height: int, pixels: bytes, stride: int, channels: int = 3) -> bytes:
    """An 8-bit RGB (3 channels) or RGBA (4) PNG from rows of ``stride`` bytes.

    >>> data = png(1, 1, bytes([255, 0, 0]), 3)
    >>> data[:8] == b"\\x89PNG\\r\\n\\x1a\\n" and b"IHDR" in data and data.endswith(b"IEND\\xaeB`\\x82")
    True
    """
    if channels not in (3, 4):
        raise ValueError(f"PNG from {channels} channels is not supported")
    row = width * channels
    raw = b"".join(b"\x00" + pixels[y * stride : y * stride + row] for y in range(height))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    colour_type = 2 if channels == 3 else 6
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b"")
