"""Make small text PDFs for tests with PDFium itself (no other PDF writer needed).

``make_pdf([[(x, y, "text", size), ...], ...])`` gives one page per list; x and y are in
points from the top left, like the words extraction returns. Fonts are the standard 14
(Helvetica, Helvetica-Bold), whose WinAnsi encoding has æøå.
"""

from __future__ import annotations

import ctypes
import io

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

Item = tuple[float, float, str, float]


def make_pdf(pages: list[list[Item]], size: tuple[float, float] = (595.0, 842.0), *, rotate: int = 0) -> bytes:
    pdf = pdfium.PdfDocument.new()
    width, height = size
    for items in pages:
        page = pdf.new_page(width, height)
        fonts = {
            bold: pdfium_c.FPDFText_LoadStandardFont(pdf, b"Helvetica-Bold" if bold else b"Helvetica")
            for bold in (False, True)
        }
        for x, y, text, font_size in items:
            bold = font_size >= 14
            obj = pdfium_c.FPDFPageObj_CreateTextObj(pdf, fonts[bold], ctypes.c_float(font_size))
            data = (text + "\0").encode("utf-16-le")
            buf = ctypes.create_string_buffer(data, len(data))
            pdfium_c.FPDFText_SetText(obj, ctypes.cast(buf, pdfium_c.FPDF_WIDESTRING))
            # PDF space has its origin at the bottom left; y here is the top of the text
            pdfium_c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, x, height - y - font_size * 0.8)
            pdfium_c.FPDFPage_InsertObject(page, obj)
        if rotate:
            page.set_rotation(rotate)
        pdfium_c.FPDFPage_GenerateContent(page)
    out = io.BytesIO()
    pdf.save(out)
    pdf.close()
    return out.getvalue()


def render_png(data: bytes, dpi: int = 200, rotate: int = 0) -> bytes:
    """The first page of a PDF as a PNG (optionally turned ``rotate`` degrees counter-clockwise)."""
    pdf = pdfium.PdfDocument(data)
    image = pdf[0].render(scale=dpi / 72).to_pil().convert("L")
    pdf.close()
    if rotate:
        image = image.rotate(rotate, expand=True, fillcolor="white")
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(dpi, dpi))
    return out.getvalue()


def make_scan_pdf(png: bytes, stamp: str = "", size: tuple[float, float] = (595.0, 842.0)) -> bytes:
    """An image-only PDF page from a PNG (a scan), with an optional line of real text on it (a stamp)."""
    from PIL import Image

    pdf = pdfium.PdfDocument.new()
    width, height = size
    page = pdf.new_page(width, height)
    image = pdfium.PdfImage.new(pdf)
    image.set_bitmap(pdfium.PdfBitmap.from_pil(Image.open(io.BytesIO(png)).convert("RGB")))
    image.set_matrix(pdfium.PdfMatrix().scale(width, height))
    page.insert_obj(image)
    if stamp:
        font = pdfium_c.FPDFText_LoadStandardFont(pdf, b"Helvetica")
        obj = pdfium_c.FPDFPageObj_CreateTextObj(pdf, font, ctypes.c_float(8))
        data = (stamp + "\0").encode("utf-16-le")
        buf = ctypes.create_string_buffer(data, len(data))
        pdfium_c.FPDFText_SetText(obj, ctypes.cast(buf, pdfium_c.FPDF_WIDESTRING))
        pdfium_c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, 20, 10)
        pdfium_c.FPDFPage_InsertObject(page, obj)
    page.gen_content()
    out = io.BytesIO()
    pdf.save(out)
    pdf.close()
    return out.getvalue()
