"""What field extraction returns: :class:`Field`, :class:`InvoiceLine`, :class:`Extraction`.

Values are typed: text (``str``), amounts (``Decimal``), dates (``datetime.date``). The JSON
form (``fakturaflyt pdf extract --json``, issue 4) writes dates as ISO strings and amounts as
strings, and leaves out fields that were not found:

>>> from decimal import Decimal
>>> x = Extraction("text", {"total": Field("total", Decimal("7465.63"), 0.97, 1, None, "Å betale", "label")},
...                (), (), (), 1, 0.01)
>>> extraction_to_json(x)
{'engine': 'text', 'fields': {'total': {'value': '7465.63', 'confidence': 0.97}}, 'lines': [], 'problems': []}
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from fakturaflyt.core.errors import Problem
from fakturaflyt.core.pdf.words import Word

__all__ = [
    "AMOUNT_FIELDS",
    "DATE_FIELDS",
    "FIELD_NAMES",
    "Extraction",
    "Field",
    "FieldValue",
    "InvoiceLine",
    "extraction_to_json",
    "value_to_json",
]

FieldValue = str | Decimal | date | None
BBox = tuple[float, float, float, float]
Engine = Literal["text", "ocr"]

FIELD_NAMES = (
    "supplier_name",
    "supplier_orgnr",
    "supplier_vat_id",
    "invoice_number",
    "issue_date",
    "due_date",
    "currency",
    "net_total",
    "vat_total",
    "total",
    "kid",
    "bank_account",
    "iban",
    "order_reference",
)
AMOUNT_FIELDS = frozenset({"net_total", "vat_total", "total"})
DATE_FIELDS = frozenset({"issue_date", "due_date"})


@dataclass(frozen=True, slots=True)
class Field:
    """One extracted field: value, confidence in [0, 1], where it was and how it was found.

    ``source`` is ``label`` (next to a label), ``pattern`` (recognised by its form, e.g. a
    valid IBAN), ``derived`` (computed from other fields), ``layout`` (a learnt supplier
    layout) or ``heuristic`` (position or font size).
    """

    name: str
    value: FieldValue
    confidence: float
    page: int | None = None
    bbox: BBox | None = None
    label: str | None = None
    source: str = "label"


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    """One invoice line found in a table (any part may be missing)."""

    description: str
    quantity: Decimal | None = None
    unit_price: Decimal | None = None
    amount: Decimal | None = None
    vat_rate: Decimal | None = None
    page: int | None = None
    confidence: float = 0.5

    def as_json(self) -> dict[str, Any]:
        return {
            "description": self.description,
            "quantity": value_to_json(self.quantity),
            "unit_price": value_to_json(self.unit_price),
            "amount": value_to_json(self.amount),
            "vat_rate": value_to_json(self.vat_rate),
            "confidence": round(self.confidence, 2),
        }


@dataclass(frozen=True, slots=True)
class Extraction:
    """The result of reading one invoice document.

    ``engine`` is ``text`` when every page had a text layer and ``ocr`` when any page was
    read by OCR; ``seconds`` is the wall time of reading and extracting; ``page_sizes``
    the shown size of each page in points (for relative positions in learnt layouts);
    ``ocr_seconds_per_page`` the OCR time per OCR'd page (0 for text).
    """

    engine: Engine
    fields: dict[str, Field]
    lines: tuple[InvoiceLine, ...]
    words: tuple[Word, ...]
    problems: tuple[Problem, ...]
    pages: int
    seconds: float
    page_sizes: tuple[tuple[float, float], ...] = ()
    ocr_seconds_per_page: float = 0.0

    def value(self, name: str) -> FieldValue:
        """The value of field ``name``, or None when it was not found."""
        f = self.fields.get(name)
        return f.value if f else None


def value_to_json(value: object) -> Any:
    """Dates as ISO strings, Decimals as strings, the rest as is."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def extraction_to_json(x: Extraction) -> dict[str, Any]:
    """The ``fakturaflyt pdf extract --json`` form of an extraction (issue 4)."""
    return {
        "engine": x.engine,
        "fields": {
            name: {"value": value_to_json(f.value), "confidence": round(f.confidence, 2)}
            for name, f in sorted(x.fields.items(), key=lambda kv: _order(kv[0]))
            if f.value is not None
        },
        "lines": [line.as_json() for line in x.lines],
        "problems": [p.as_dict() for p in x.problems],
    }


def _order(name: str) -> int:
    return FIELD_NAMES.index(name) if name in FIELD_NAMES else len(FIELD_NAMES)
