"""Supplier invoices from PDF files, scans and images: words with positions, OCR, fields with confidence.

The entry point is :func:`extract_invoice` (bytes of a PDF, JPEG, PNG or TIFF in, an
:class:`Extraction` out); :func:`extraction_to_json` gives the ``fakturaflyt pdf extract
--json`` form. :func:`learn` and :func:`apply_layout` remember where a supplier prints a
field after an accountant's correction (:class:`SupplierLayout`).

Modules: :mod:`.text` (PDF text layer), :mod:`.ocr` (RapidOCR / Tesseract), :mod:`.words`
(rows and segments), :mod:`.values` (amounts, dates), :mod:`.labels` (the multilingual
label lexicon), :mod:`.parsers` (one field's value), :mod:`.candidates`, :mod:`.supplier`,
:mod:`.totals`, :mod:`.tables` (lines), :mod:`.extract` (the whole), :mod:`.layout`
(learning), :mod:`.evaluate` (comparison with ground truth).
"""

from fakturaflyt.core.pdf.extract import extract_from_words, extract_invoice
from fakturaflyt.core.pdf.layout import FieldSpot, SupplierLayout, apply_layout, learn
from fakturaflyt.core.pdf.model import FIELD_NAMES, Extraction, Field, InvoiceLine, extraction_to_json
from fakturaflyt.core.pdf.words import Word

__all__ = [
    "FIELD_NAMES",
    "Extraction",
    "Field",
    "FieldSpot",
    "InvoiceLine",
    "SupplierLayout",
    "Word",
    "apply_layout",
    "extract_from_words",
    "extract_invoice",
    "extraction_to_json",
    "learn",
]
