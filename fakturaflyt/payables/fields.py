"""A supplier document's fields: the stored JSON (value, confidence, source), the columns, and hand corrections.

``document.fields`` holds, per field name (:data:`~.checks.FIELD_NAMES`), ``{"value", "confidence",
"source", ...}`` with the value as JSON (ISO dates, amounts as strings); :func:`set_columns`
copies the values into the typed columns the rest of the product queries, and
:func:`clean_value` checks and normalises a value typed by a person before it is stored.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from fakturaflyt.core.errors import FakturaflytError
from fakturaflyt.core.identifiers import normalise_iban, normalise_kontonr, normalise_orgnr
from fakturaflyt.core.money import D
from fakturaflyt.payables import checks
from fakturaflyt.payables.error_codes import IntakeCode, PayablesError, problem
from fakturaflyt.payables.models import SupplierDocument

TEXT_LIMITS = {"invoice_number": 100, "order_reference": 100, "supplier_name": 200, "supplier_vat_id": 30}


def field_value(doc: SupplierDocument, name: str) -> Any:
    entry = (doc.fields or {}).get(name)
    return entry.get("value") if isinstance(entry, dict) else entry


def set_columns(doc: SupplierDocument) -> list[dict[str, str]]:
    """Copy the field values into the document's columns; a value that does not fit is a problem."""
    found: list[dict[str, str]] = []
    for name in ("invoice_number", "currency", "kid", "bank_account", "iban", "order_reference"):
        raw = field_value(doc, name)
        setattr(
            doc,
            name,
            "" if raw in (None, "") else str(raw).strip()[: SupplierDocument._meta.get_field(name).max_length],
        )
    for name in sorted(checks.DATE_FIELDS):
        raw = field_value(doc, name)
        try:
            setattr(doc, name, date.fromisoformat(str(raw)[:10]) if raw not in (None, "") else None)
        except ValueError:
            setattr(doc, name, None)
            found.append(
                problem(IntakeCode.BAD_VALUE, f"The {checks.LABELS[name]} {raw!r} is not a date.", name, stage="read")
            )
    for name in sorted(checks.AMOUNT_FIELDS):
        raw = field_value(doc, name)
        try:
            amount = D(str(raw)).quantize(Decimal("0.01")) if raw not in (None, "") else None
            if amount is not None and abs(amount) >= Decimal("1e16"):
                raise InvalidOperation
        except (FakturaflytError, InvalidOperation):
            amount = None
            found.append(
                problem(
                    IntakeCode.BAD_VALUE, f"The {checks.LABELS[name]} {raw!r} is not an amount.", name, stage="read"
                )
            )
        setattr(doc, name, amount)
    return found


def facts_of(doc: SupplierDocument) -> checks.Facts:
    fields = doc.fields or {}
    confidences = {
        name: float(entry.get("confidence", 0) or 0)
        for name, entry in fields.items()
        if isinstance(entry, dict) and name in checks.FIELD_NAMES
    }
    return checks.Facts(
        invoice_number=doc.invoice_number,
        issue_date=doc.issue_date,
        due_date=doc.due_date,
        currency=doc.currency,
        net_total=doc.net_total,
        vat_total=doc.vat_total,
        total=doc.total,
        kid=doc.kid,
        bank_account=doc.bank_account,
        iban=doc.iban,
        supplier_name=str(field_value(doc, "supplier_name") or ""),
        supplier_orgnr=str(field_value(doc, "supplier_orgnr") or ""),
        supplier_vat_id=str(field_value(doc, "supplier_vat_id") or ""),
        is_credit_note=doc.is_credit_note,
        confidences=confidences,
    )


def confidence_of(doc: SupplierDocument, name: str) -> float:
    entry = (doc.fields or {}).get(name)
    return float(entry.get("confidence", 0) or 0) if isinstance(entry, dict) else 0.0


def raise_confidence(doc: SupplierDocument, name: str, to: float, why: str) -> None:
    entry = (doc.fields or {}).get(name)
    if isinstance(entry, dict) and entry.get("value") not in (None, "") and float(entry.get("confidence") or 0) < to:
        entry["confidence"] = to
        entry["cross_checked"] = why


def parse_date(text: str) -> date:
    """2026-01-31 (ISO, as the API and the date input send it), 31.01.2026, 31/01/2026 or 31.01.26."""
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%d.%m.%y"):
        try:
            return datetime.strptime(text[:10] if fmt == "%Y-%m-%d" else text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def clean_value(name: str, value: Any) -> Any:
    """A corrected field's value as stored (JSON): ISO date, amount string, compact identifiers; None to clear."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = value.isoformat() if isinstance(value, date) else str(value).strip()
    label = checks.LABELS[name]
    try:
        if name in checks.DATE_FIELDS:
            return parse_date(text).isoformat()
        if name in checks.AMOUNT_FIELDS:
            amount = D(text).quantize(Decimal("0.01"))
            if abs(amount) >= Decimal("1e16"):
                raise InvalidOperation
            return str(amount)
        if name == "currency":
            if len(text) != 3 or not text.isalpha():
                raise ValueError
            return text.upper()
        if name == "supplier_orgnr":
            return normalise_orgnr(text)
        if name == "bank_account":
            return normalise_kontonr(text.replace(".", "").replace(" ", ""))
        if name == "iban":
            return normalise_iban(text)
        if name == "kid":
            compact = text.replace(" ", "")
            if not compact.isdecimal() or len(compact) > 25:
                raise ValueError
            return compact
    except (FakturaflytError, InvalidOperation, ValueError) as exc:
        message = exc.problems[0].message if isinstance(exc, FakturaflytError) else f"{text!r} is not a valid {label}"
        raise PayablesError(IntakeCode.BAD_VALUE, message, name) from None
    limit = TEXT_LIMITS.get(name, 200)
    return text[:limit]


__all__ = ["clean_value", "confidence_of", "facts_of", "field_value", "parse_date", "raise_confidence", "set_columns"]
