"""Reading a received file into fields: EHF through the EHF library, PDFs and images through the PDF/OCR reader.

:func:`interpret` never raises. It returns an :class:`Interpretation`: the fields (each
``{"value", "confidence", "source", ...}``, values as JSON strings), the problems found
while reading, and, when the file cannot be read at all, ``quarantine=True`` with a problem
that names the file, the field and the rule or error. This module does not touch the
database: the supplier's learnt layout comes in through the ``layout_for`` callback.

* **EHF** (UBL 2.1 Invoice/CreditNote, also in an SBDH envelope): :func:`read_invoice` for
  the model and :func:`validate` (XSD and our own rules, the fast check; the official
  schematron is for tests) for the problems. The model is kept as JSON
  (:func:`~fakturaflyt.core.ehf.jsonio.to_dict`) without the bytes of embedded files, which
  are returned in :attr:`Interpretation.embedded` to be stored on their own (the first PDF
  becomes the document's visual).
* **PDF and images**: :func:`extract_pdf`, the one door to :mod:`fakturaflyt.core.pdf`.
  When ``layout_for`` knows a learnt layout for the supplier the extraction names (org.nr or
  VAT number), it is applied on top (``core.pdf.layout.apply_layout``).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from fakturaflyt.core.errors import FakturaflytError, FormatError, Problem
from fakturaflyt.core.filetypes import EML, IMAGE_TYPES, PDF, XML, ZIP, sniff
from fakturaflyt.core.identifiers import normalise_iban, normalise_kontonr, normalise_orgnr
from fakturaflyt.payables.checks import FIELD_NAMES
from fakturaflyt.payables.error_codes import IntakeCode, problem
from fakturaflyt.payables.models import DocumentFormat

logger = logging.getLogger(__name__)

LayoutFor = Callable[[str, str], dict[str, Any] | None]  # (orgnr, vat_id) -> stored layout or None

#: Where an EHF rule's problem shows on the document (rule id -> field).
RULE_FIELDS = {
    "BR-02": "invoice_number",
    "BR-03": "issue_date",
    "BR-05": "currency",
    "BR-06": "supplier_name",
    "BR-CO-09": "supplier_vat_id",
    "BR-CO-10": "net_total",
    "BR-CO-13": "net_total",
    "BR-CO-14": "vat_total",
    "BR-CO-15": "total",
    "BR-CO-16": "total",
    "BR-CO-25": "due_date",
    "BR-S-08": "vat_total",
    "BR-S-09": "vat_total",
    "NO-R-001": "supplier_orgnr",
    "NO-R-002": "supplier_orgnr",
    "FF-KID-CHECKDIGIT": "kid",
}
_SEVERITY = {"fatal": "error", "warning": "warning", "information": "info"}


@dataclass
class Embedded:
    """A file embedded in an EHF (BG-24), to be stored on its own."""

    index: int
    id: str
    filename: str
    mime: str
    description: str
    data: bytes


@dataclass
class Interpretation:
    format: str
    fields: dict[str, Any] = field(default_factory=dict)
    problems: list[dict[str, str]] = field(default_factory=list)
    quarantine: bool = False
    engine: str = ""
    ehf: dict[str, Any] | None = None
    is_credit_note: bool = False
    credited_invoice_number: str = ""
    embedded: list[Embedded] = field(default_factory=list)
    address: dict[str, str] = field(default_factory=dict)  # the supplier's, for registering a new supplier


def _json(value: object) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _read_problem(p: Problem, filename: str, severity: str | None = None) -> dict[str, str]:
    where = f" (at {p.location})" if p.location else ""
    entry = problem(
        p.code,
        f"{filename}: {p.message}{where}",
        RULE_FIELDS.get(p.code, ""),
        severity or _SEVERITY.get(p.severity, "error"),
        stage="read",
    )
    if p.location:
        entry["location"] = p.location
    return entry


def _crash(filename: str, reader: str, exc: BaseException) -> dict[str, str]:
    return problem(
        IntakeCode.PARSER_CRASH,
        f"{filename}: reading it as {reader} failed unexpectedly ({type(exc).__name__}: {exc}). "
        "The file is kept unchanged; retry when the fault is fixed, or enter the fields by hand.",
        "",
        "error",
        stage="read",
    )


def format_of(content_type: str) -> str:
    if content_type == XML:
        return DocumentFormat.EHF
    if content_type == PDF:
        return DocumentFormat.PDF
    if content_type in IMAGE_TYPES:
        return DocumentFormat.IMAGE
    return DocumentFormat.UNKNOWN


def interpret(data: bytes, filename: str, *, layout_for: LayoutFor | None = None) -> Interpretation:
    """Read one received file (see the module docstring); never raises."""
    mime = sniff(data, filename)
    fmt = format_of(mime)
    try:
        if not data.strip():
            result = Interpretation(fmt, quarantine=True)
            result.problems.append(
                problem(IntakeCode.EMPTY, f"{filename}: the file is empty.", "", "error", stage="read")
            )
            return result
        if fmt == DocumentFormat.EHF:
            return interpret_ehf(data, filename)
        if fmt in (DocumentFormat.PDF, DocumentFormat.IMAGE):
            return interpret_pdf(data, filename, fmt, layout_for=layout_for)
    except Exception as exc:  # the last line of defence: nothing a reader does may lose the document
        logger.exception("reading %s failed", filename)
        return Interpretation(fmt, problems=[_crash(filename, fmt, exc)], quarantine=True)
    what = {ZIP: "a zip file inside a zip or e-mail", EML: "an e-mail inside an e-mail"}.get(mime, mime)
    return Interpretation(
        fmt,
        quarantine=True,
        problems=[
            problem(
                IntakeCode.UNSUPPORTED,
                f"{filename}: the file is {what}, not an invoice format. Supported are EHF (XML), PDF and "
                "scanned images (JPEG, PNG, TIFF). Ask the sender for the invoice in one of them.",
                "",
                "error",
                stage="read",
            )
        ],
    )


# ---------------------------------------------------------------------------------------- EHF


def _orgnr(*candidates: Any) -> str:
    """The first Norwegian org.nr among identifiers (scheme 0192 or none) and VAT numbers (NO...MVA)."""
    for ident in candidates:
        if ident is None:
            continue
        value, scheme = (ident, None) if isinstance(ident, str) else (ident.value, ident.scheme)
        if scheme not in (None, "0192", "NO:ORGNR"):
            continue
        if isinstance(ident, str) and not value.upper().startswith("NO"):
            continue
        try:
            return normalise_orgnr(value)
        except FormatError:
            continue
    return ""


def _account(account_id: str | None) -> tuple[str, str]:
    """(kontonr, iban) from a payment account (BT-84): an 11-digit kontonr or an IBAN (a Norwegian one gives both)."""
    if not account_id:
        return "", ""
    compact = account_id.replace(" ", "").replace(".", "")
    if compact.isdecimal():
        try:
            return normalise_kontonr(compact), ""
        except FormatError:
            return "", ""
    try:
        iban = normalise_iban(compact)
    except FormatError:
        return "", ""
    if iban.startswith("NO") and len(iban) == 15:
        return iban[4:], iban
    return "", iban


def _ehf_fields(invoice: Any) -> dict[str, Any]:
    seller = invoice.seller
    pm = next((p for p in invoice.payment_means if p.account_id), None)
    kontonr, iban = _account(pm.account_id if pm else None)
    kid = invoice.kid or ""
    # A KID is Norwegian: a payment reference to a foreign account is just a reference (shown in the EHF).
    norwegian = bool(kontonr) or (not iban and invoice.currency == "NOK")
    tax_total = invoice.tax_total
    if tax_total is None and invoice.vat_breakdown:
        tax_total = sum((row.tax_amount for row in invoice.vat_breakdown), Decimal("0"))
    values = {
        "supplier_name": seller.registration_name,
        "supplier_orgnr": _orgnr(seller.legal_id, seller.endpoint, seller.vat_id),
        "supplier_vat_id": seller.vat_id or "",
        "invoice_number": invoice.id,
        "issue_date": invoice.issue_date,
        "due_date": invoice.due_date,
        "currency": invoice.currency,
        "net_total": invoice.totals.tax_exclusive,
        "vat_total": tax_total if tax_total is not None else Decimal("0.00"),
        "total": invoice.totals.tax_inclusive,
        "kid": kid if norwegian and kid.isdecimal() and len(kid) <= 25 else "",
        "bank_account": kontonr,
        "iban": iban,
        "order_reference": invoice.order_reference or "",
    }
    fields: dict[str, Any] = {}
    for name in FIELD_NAMES:
        value = values.get(name)
        fields[name] = {"value": _json(value) if value not in ("", None) else None, "confidence": 1.0, "source": "ehf"}
    return fields


def _ehf_notes(invoice: Any, fields: dict[str, Any], filename: str) -> list[dict[str, str]]:
    """What the EHF says that our columns cannot hold: a payment reference that is no KID, an unreadable account."""
    notes = []
    reference = invoice.kid or ""
    if reference and not fields["kid"]["value"]:
        notes.append(
            problem(
                IntakeCode.PAYMENT_REFERENCE,
                f"{filename}: the payment reference is {reference!r} (not a Norwegian KID); give it with the payment.",
                "kid",
                "info",
                stage="read",
            )
        )
    pm = next((p for p in invoice.payment_means if p.account_id), None)
    if pm and not (fields["bank_account"]["value"] or fields["iban"]["value"]):
        notes.append(
            problem(
                IntakeCode.BANK_INVALID,
                f"{filename}: the payment account {pm.account_id!r} is neither a valid Norwegian account number "
                "nor a valid IBAN, so it cannot be paid to as given. Ask the supplier for the account (IBAN) "
                "before paying.",
                "bank_account",
                "warning",
                stage="read",
            )
        )
    return notes


def interpret_ehf(data: bytes, filename: str) -> Interpretation:
    from fakturaflyt.core.ehf.jsonio import to_dict
    from fakturaflyt.core.ehf.read import read_invoice
    from fakturaflyt.core.ehf.validate import validate

    result = Interpretation(DocumentFormat.EHF, engine="ehf")
    try:
        invoice = read_invoice(data)
    except FakturaflytError as exc:
        result.quarantine = True
        result.problems = [_read_problem(p, filename, "error") for p in exc.problems]
        return result
    except Exception as exc:
        logger.exception("reading %s as EHF failed", filename)
        result.quarantine = True
        result.problems = [_crash(filename, "EHF", exc)]
        return result
    try:
        report = validate(data, filename=filename)
        result.problems = [_read_problem(p, filename) for p in report.problems]
    except Exception as exc:  # a failing validator must not stop a readable invoice
        logger.exception("validating %s failed", filename)
        result.problems = [
            problem(
                IntakeCode.PARSER_CRASH,
                f"{filename}: the EHF rules could not be checked ({type(exc).__name__}: {exc}); the invoice was read.",
                "",
                "warning",
                stage="read",
            )
        ]
    result.fields = _ehf_fields(invoice)
    result.problems.extend(_ehf_notes(invoice, result.fields, filename))
    result.is_credit_note = invoice.is_credit_note
    result.credited_invoice_number = invoice.preceding_invoices[0].id if invoice.preceding_invoices else ""
    for i, att in enumerate(invoice.attachments):
        if att.content:
            result.embedded.append(
                Embedded(i, att.id, att.filename or att.id, att.mime_code or "", att.description or "", att.content)
            )
    light = dataclasses.replace(
        invoice, attachments=tuple(dataclasses.replace(a, content=None) for a in invoice.attachments)
    )
    result.ehf = to_dict(light)
    address = invoice.seller.address
    result.address = {
        "address_line": ", ".join(x for x in (address.street, address.additional_street, address.address_line) if x),
        "postal_code": address.postal_zone or "",
        "city": address.city or "",
        "country": address.country_code or "",
    }
    return result


# ---------------------------------------------------------------------------------- PDF, image


def extract_pdf(data: bytes, *, layout: dict[str, Any] | None = None) -> Any:
    """The one call into the PDF/OCR reader (``fakturaflyt.core.pdf.extract.extract_invoice``).

    Raises ``ImportError`` when the reader is not installed, :class:`FormatError` (``FF-PDF-*``)
    for a file it refuses, ``OcrUnavailable`` when a scan needs an OCR engine that is missing,
    anything else for a fault in it.
    """
    from django.conf import settings

    from fakturaflyt.core.pdf.extract import extract_invoice

    engine = getattr(settings, "FAKTURAFLYT_OCR_ENGINE", "rapidocr")
    if layout:
        from fakturaflyt.core.pdf.layout import SupplierLayout

        return extract_invoice(data, ocr_engine=engine, layout=SupplierLayout.from_dict(layout))
    return extract_invoice(data, ocr_engine=engine)


def _open_check(data: bytes) -> None:
    """Refuse a PDF that PDFium cannot open (``FF-PDF-MALFORMED``, ``-ENCRYPTED``, ...) before any extraction."""
    try:
        from fakturaflyt.core.pdf.text import opened
    except ImportError:
        return
    with opened(data):
        pass


def apply_stored_layout(extraction: Any, layout: dict[str, Any]) -> Any:
    from fakturaflyt.core.pdf.layout import SupplierLayout, apply_layout

    return apply_layout(extraction, SupplierLayout.from_dict(layout))


def extraction_fields(extraction: Any) -> dict[str, Any]:
    """The extraction's fields as stored on the document (value as JSON, confidence, where it was found)."""
    engine = str(getattr(extraction, "engine", "") or "text")
    fields: dict[str, Any] = {}
    for name in FIELD_NAMES:
        f = extraction.fields.get(name)
        if f is None or f.value in (None, ""):
            fields[name] = {"value": None, "confidence": 0.0, "source": engine}
            continue
        method = str(getattr(f, "source", "") or "")
        entry: dict[str, Any] = {
            "value": _json(f.value),
            "confidence": round(float(f.confidence), 3),
            "source": "layout" if method == "layout" else engine,
            "method": method,
        }
        if getattr(f, "page", None) is not None:
            entry["page"] = f.page
        if getattr(f, "bbox", None) is not None:
            entry["bbox"] = [round(float(v), 2) for v in f.bbox]
        if getattr(f, "label", None):
            entry["label"] = f.label
        fields[name] = entry
    lines = getattr(extraction, "lines", ()) or ()
    if lines:
        fields["lines"] = [line.as_json() if hasattr(line, "as_json") else _json(line) for line in lines]
    return fields


def _normalise_pdf_values(fields: dict[str, Any]) -> None:
    """Org.nr as nine digits; an account with dots or spaces compact (the checks compare them)."""
    orgnr = fields.get("supplier_orgnr", {}).get("value")
    if orgnr:
        try:
            fields["supplier_orgnr"]["value"] = normalise_orgnr(str(orgnr))
        except FormatError:
            pass
    account = fields.get("bank_account", {}).get("value")
    if account:
        fields["bank_account"]["value"] = str(account).replace(" ", "").replace(".", "")
    iban = fields.get("iban", {}).get("value")
    if iban:
        fields["iban"]["value"] = str(iban).replace(" ", "").upper()


def _unavailable(result: Interpretation, filename: str, exc: BaseException) -> Interpretation:
    result.quarantine = True
    result.problems = [
        problem(
            IntakeCode.PDF_UNAVAILABLE,
            f"{filename}: PDFs and scans cannot be read on this installation ({exc}). The file is kept; "
            "retry when the PDF reader or OCR engine is installed.",
            "",
            "error",
            stage="read",
        )
    ]
    return result


def interpret_pdf(
    data: bytes, filename: str, fmt: str = DocumentFormat.PDF, *, layout_for: LayoutFor | None = None
) -> Interpretation:
    result = Interpretation(fmt)
    try:
        if fmt == DocumentFormat.PDF:
            _open_check(data)
        extraction = extract_pdf(data)
    except ImportError as exc:
        return _unavailable(result, filename, exc)
    except FakturaflytError as exc:
        result.quarantine = True
        result.problems = [_read_problem(p, filename, "error") for p in exc.problems]
        return result
    except Exception as exc:
        if type(exc).__name__ == "OcrUnavailable":  # a system problem (no OCR engine), not the file's fault
            return _unavailable(result, filename, exc)
        logger.exception("reading %s as PDF failed", filename)
        result.quarantine = True
        result.problems = [_crash(filename, "PDF" if fmt == DocumentFormat.PDF else "image", exc)]
        return result
    if layout_for is not None:
        orgnr = extraction.value("supplier_orgnr") if hasattr(extraction, "value") else None
        vat_id = extraction.value("supplier_vat_id") if hasattr(extraction, "value") else None
        layout = layout_for(str(orgnr or ""), str(vat_id or ""))
        if layout:
            try:
                extraction = apply_stored_layout(extraction, layout)
            except Exception as exc:  # a bad layout must not stop the reading; it is just not used
                logger.exception("applying the layout to %s failed", filename)
                result.problems.append(
                    problem(
                        IntakeCode.PARSER_CRASH,
                        f"{filename}: the supplier's learnt layout could not be applied ({exc}).",
                        "",
                        "warning",
                        stage="read",
                    )
                )
    result.engine = str(getattr(extraction, "engine", "") or "")
    result.fields = extraction_fields(extraction)
    _normalise_pdf_values(result.fields)
    for p in getattr(extraction, "problems", ()) or ():
        if isinstance(p, Problem):
            # The reader's own findings are notes: the checks judge the fields themselves (missing, sums, dates).
            result.problems.append(_read_problem(p, filename, "info" if p.severity == "information" else "warning"))
    return result


__all__ = ["Embedded", "Interpretation", "extract_pdf", "extraction_fields", "format_of", "interpret"]
