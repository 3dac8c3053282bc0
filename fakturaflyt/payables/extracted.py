"""The fields read from a supplier document, their confidence and the problems found, prepared for the page.

A document's ``fields`` JSON holds, per field, ``{"value", "confidence", "source", ...}`` and for
PDFs the page and box (points from the top left) where the value was read; its ``problems`` a
list of ``{"code", "message", "field", "severity", "stage"}`` (:mod:`.error_codes`). This
module turns them into rows for the template: formatted values, a confidence level (high,
medium, low) with its bar, the problems attached to each field, and boxes to draw over the
page image. Nothing here changes data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fakturaflyt.payables.models import DocumentState, SupplierDocument

Text = str | Promise

AMOUNT_FIELDS = frozenset({"net_total", "vat_total", "total"})
DATE_FIELDS = frozenset({"issue_date", "due_date"})

#: The fields the intake reads (``fakturaflyt pdf extract``), in the order an accountant checks them.
FIELDS: tuple[tuple[str, Text], ...] = (
    ("supplier_name", _("Supplier")),
    ("supplier_orgnr", _("Org. no.")),
    ("supplier_vat_id", _("VAT no.")),
    ("invoice_number", _("Invoice number")),
    ("issue_date", _("Invoice date")),
    ("due_date", _("Due date")),
    ("currency", _("Currency")),
    ("net_total", _("Amount excl. VAT")),
    ("vat_total", _("VAT")),
    ("total", _("Amount incl. VAT")),
    ("kid", "KID"),
    ("bank_account", _("Bank account")),
    ("iban", "IBAN"),
    ("order_reference", _("Order reference")),
)
FIELD_LABELS: dict[str, Text] = dict(FIELDS)

HIGH, MEDIUM = 0.9, 0.6


def confidence_level(confidence: float | None) -> str:
    """``high`` (at least 0.9), ``medium`` (at least 0.6) or ``low``; '' when unknown.

    >>> [confidence_level(c) for c in (0.97, 0.75, 0.2, None)]
    ['high', 'medium', 'low', '']
    """
    if confidence is None:
        return ""
    return "high" if confidence >= HIGH else "medium" if confidence >= MEDIUM else "low"


LEVEL_LABELS: dict[str, Text] = {"high": _("High"), "medium": _("Medium"), "low": _("Low"), "": _("Unknown")}

SOURCE_LABELS: dict[str, Text] = {
    "ehf": _("EHF"),
    "text": _("PDF text"),
    "ocr": _("OCR"),
    "layout": _("Learnt layout"),
    "supplier": _("Supplier register"),
    "user": _("Corrected"),
    "manual": _("Corrected"),
    "correction": _("Corrected"),
}


@dataclass
class FieldRow:
    name: str
    label: Text
    kind: str  # "amount", "date" or "text"
    value: Any  # as stored: str, or None when not found
    display: str  # formatted for reading, '' when not found
    input_value: str  # for the edit input (ISO date, plain amount)
    confidence: float | None
    level: str
    level_label: Text
    percent: int | None
    source: str
    source_label: Text
    corrected: bool
    problems: list[ProblemRow] = field(default_factory=list)
    page: int | None = None  # where on the PDF it was read (1-based page, box in points from the top left)
    bbox: tuple[float, float, float, float] | None = None

    @property
    def found(self) -> bool:
        return self.value not in (None, "")


def _as_float(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return max(0.0, min(1.0, number))


def _as_date(value: object) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _as_decimal(value: object) -> Decimal | None:
    try:
        return Decimal(str(value).replace(" ", "").replace("\u00a0", "")) if value not in (None, "") else None
    except InvalidOperation:
        return None


def display_value(name: str, value: object) -> str:
    """A field value as an accountant reads it: 31.01.2026, 1 234,50, 923 609 016, 1503.20.80119."""
    from fakturaflyt.web.templatetags.fakturaflyt import kontonr, nok, orgnr

    if value in (None, ""):
        return ""
    if name in DATE_FIELDS:
        day = _as_date(value)
        return day.strftime("%d.%m.%Y") if day else str(value)
    if name in AMOUNT_FIELDS:
        amount = _as_decimal(value)
        return nok(amount) if amount is not None else str(value)
    if name == "supplier_orgnr":
        return orgnr(str(value))
    if name == "bank_account":
        return kontonr(str(value))
    if name == "iban":
        return format_iban(str(value))
    return str(value)


def format_iban(value: str) -> str:
    """``NO9386011117947`` as ``NO93 8601 1117 947``.

    >>> format_iban("NO9386011117947")
    'NO93 8601 1117 947'
    """
    compact = value.replace(" ", "").upper()
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def field_rows(document: SupplierDocument) -> list[FieldRow]:
    """The extracted fields in reading order; known fields even when not found, then any others."""
    fields: Mapping[str, Any] = document.fields if isinstance(document.fields, dict) else {}
    problems = problem_rows(document.problems)
    names = [name for name, _label in FIELDS] + sorted(n for n in fields if n not in FIELD_LABELS and n != "lines")
    rows = []
    for name in names:
        raw = fields.get(name)
        entry: Mapping[str, Any] = raw if isinstance(raw, dict) else {"value": raw} if raw is not None else {}
        value = entry.get("value")
        if isinstance(value, (dict, list)):
            continue  # structured data (invoice lines) is shown elsewhere
        confidence = _as_float(entry.get("confidence"))
        level = confidence_level(confidence) if value not in (None, "") else ""
        source = str(entry.get("source") or "")
        corrected = bool(
            entry.get("corrected") or entry.get("corrected_by") or source in {"user", "manual", "correction"}
        )
        kind = "amount" if name in AMOUNT_FIELDS else "date" if name in DATE_FIELDS else "text"
        day = _as_date(value) if kind == "date" and value else None
        rows.append(
            FieldRow(
                name=name,
                label=FIELD_LABELS.get(name, name.replace("_", " ")),
                kind=kind,
                value=value,
                display=display_value(name, value),
                input_value=(day.isoformat() if day else "") if kind == "date" else "" if value is None else str(value),
                confidence=confidence,
                level=level,
                level_label=LEVEL_LABELS[level],
                percent=round(confidence * 100) if confidence is not None and value not in (None, "") else None,
                source=source,
                source_label=SOURCE_LABELS.get(source, source),
                corrected=corrected,
                problems=[p for p in problems if p.field == name],
                page=_as_page(entry.get("page")),
                bbox=_as_bbox(entry.get("bbox")),
            )
        )
    return rows


def _as_page(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 1 else None


def _as_bbox(value: object) -> tuple[float, float, float, float] | None:
    if not isinstance(value, (list, tuple)) or len(value) != 4:
        return None
    try:
        x0, top, x1, bottom = (float(v) for v in value)
    except (TypeError, ValueError):
        return None
    return (x0, top, x1, bottom) if x1 > x0 and bottom > top else None


@dataclass(frozen=True)
class Highlight:
    """Where a field was read, as percentages of the page image (for a box drawn over it)."""

    field: str
    label: Text
    level: str
    left: float
    top: float
    width: float
    height: float


@dataclass(frozen=True)
class PageView:
    number: int
    highlights: tuple[Highlight, ...] = ()


def page_views(sizes: list[tuple[float, float]], rows: Iterable[FieldRow], limit: int) -> list[PageView]:
    """The pages to show, each with boxes around the fields read from it.

    >>> row = FieldRow("total", "Total", "amount", "10.00", "10,00", "10.00", 0.95, "high", "High", 95, "", "",
    ...                False, page=1, bbox=(300.0, 400.0, 360.0, 410.0))
    >>> [(h.field, h.left, h.top, h.width) for h in page_views([(600.0, 800.0)], [row], 30)[0].highlights]
    [('total', 49.667, 49.75, 10.667)]
    """
    rows = [r for r in rows if r.found and r.page is not None and r.bbox is not None]
    pages = []
    for number, (width, height) in enumerate(sizes[:limit], start=1):
        boxes = []
        for r in rows:
            if r.page != number or width <= 0 or height <= 0:
                continue
            x0, top, x1, bottom = r.bbox  # type: ignore[misc]
            pad = 2.0  # points around the text, so the box does not cut the letters
            boxes.append(
                Highlight(
                    r.name,
                    r.label,
                    r.level,
                    round(max(0.0, (x0 - pad) / width * 100), 3),
                    round(max(0.0, (top - pad) / height * 100), 3),
                    round(min(100.0, (x1 - x0 + 2 * pad) / width * 100), 3),
                    round(min(100.0, (bottom - top + 2 * pad) / height * 100), 3),
                )
            )
        pages.append(PageView(number, tuple(boxes)))
    return pages


def field_row(document: SupplierDocument, name: str) -> FieldRow | None:
    return next((row for row in field_rows(document) if row.name == name), None)


def editable_field(name: str) -> bool:
    return name in FIELD_LABELS


# ---------------------------------------------------------------- problems

SEVERITY_TONE = {
    "fatal": "danger",
    "error": "danger",
    "warning": "warn",
    "information": "info",
    "info": "info",
}
SEVERITY_LABELS: dict[str, Text] = {"danger": _("Error"), "warn": _("Warning"), "info": _("Note")}


@dataclass(frozen=True)
class ProblemRow:
    code: str
    message: str
    field: str
    field_label: Text
    tone: str
    severity_label: Text


def problem_rows(problems: object) -> list[ProblemRow]:
    """The document's problems, errors first; tolerant of older or partial entries.

    Severity is ``error``, ``warning`` or ``info`` (:mod:`.error_codes`); the core's ``fatal`` and
    ``information`` are understood too.
    """
    rows = []
    for p in problems if isinstance(problems, list) else []:
        if not isinstance(p, dict):
            p = {"message": str(p)}
        tone = SEVERITY_TONE.get(str(p.get("severity") or "error").lower(), "danger")
        name = str(p.get("field") or "")
        rows.append(
            ProblemRow(
                code=str(p.get("code") or ""),
                message=str(p.get("message") or ""),
                field=name,
                field_label=FIELD_LABELS.get(name, name),
                tone=tone,
                severity_label=SEVERITY_LABELS[tone],
            )
        )
    order = {"danger": 0, "warn": 1, "info": 2}
    return sorted(rows, key=lambda r: order[r.tone])


def supplier_problems(document: SupplierDocument) -> list[ProblemRow]:
    """The problems a supplier may read: why a quarantined file could not be read, nothing else.

    Warnings about bank accounts, duplicates or amounts are for the accountant; telling the
    sender about them would help an impostor more than an honest supplier.
    """
    if document.state != DocumentState.QUARANTINED:
        return []
    raw = document.problems if isinstance(document.problems, list) else []
    reading = [p for p in raw if isinstance(p, dict) and p.get("stage", "read") == "read"]
    return [p for p in problem_rows(reading) if p.tone == "danger"]
