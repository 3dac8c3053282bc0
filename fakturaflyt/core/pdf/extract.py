"""Template-free field extraction from a PDF invoice or a scan: :func:`extract_invoice`.

The document is read into words with positions: from the PDF text layer where a page has
one (:mod:`.text`), else by OCR (:mod:`.ocr`; images are always OCR'd). The words are
grouped into rows and segments (:mod:`.words`); labels in Norwegian, English, German,
Dutch and French (:mod:`.labels`) point to candidate values (:mod:`.candidates`), and
each field takes its best candidate. Cross-checks then raise or lower the confidence:

* net + VAT = total, and VAT = rate x net (:mod:`.totals`, which chooses the three together);
* check digits: org.nr and account number (MOD11), KID (MOD10/MOD11), IBAN (MOD97), VAT
  numbers (national checks) -- a value that fails is never returned;
* the org.nr agrees with the ``NO...MVA`` VAT number, a Norwegian IBAN with the account;
* the due date is not before the issue date.

No rule knows a particular supplier. A supplier's learnt layout (:mod:`.layout`) can be
given to re-read the fields an accountant corrected before.

>>> extract_invoice(b"not a pdf")
Traceback (most recent call last):
...
fakturaflyt.core.errors.FormatError: FF-PDF-FORMAT: The file is neither a PDF nor a JPEG, PNG or TIFF image (at document)
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from fakturaflyt.core.errors import FormatError, Problem
from fakturaflyt.core.pdf.candidates import Candidate, Page, analyse, find_candidates
from fakturaflyt.core.pdf.model import (
    Engine,
    Extraction,
    Field,
    FieldValue,
    InvoiceLine,
    extraction_to_json,
)
from fakturaflyt.core.pdf.parsers import as_date
from fakturaflyt.core.pdf.supplier import supplier_candidates
from fakturaflyt.core.pdf.tables import find_lines
from fakturaflyt.core.pdf.text import has_text, image_coverage, is_pdf, opened, page_words
from fakturaflyt.core.pdf.totals import choose_totals, find_currency
from fakturaflyt.core.pdf.values import find_amounts, find_dates
from fakturaflyt.core.pdf.words import Word, rows

if TYPE_CHECKING:
    from fakturaflyt.core.pdf.layout import SupplierLayout

__all__ = [
    "Extraction",
    "Field",
    "InvoiceLine",
    "Word",
    "extract_from_words",
    "extract_invoice",
    "extraction_to_json",
    "field_problems",
]

SPARSE_TEXT = 200  # characters: less text than this on a page-sized image means the page is a scan
_CHECKED = {"supplier_orgnr", "supplier_vat_id", "kid", "bank_account", "iban"}
_SIMPLE = (
    "invoice_number",
    "issue_date",
    "due_date",
    "supplier_orgnr",
    "supplier_vat_id",
    "kid",
    "bank_account",
    "iban",
    "order_reference",
)


def extract_invoice(data: bytes, *, ocr_engine: str = "rapidocr", layout: SupplierLayout | None = None) -> Extraction:
    """Read an invoice (PDF, or a JPEG/PNG/TIFF image) and extract its fields.

    Raises :class:`FormatError` (``FF-PDF-*``, ``FF-IMAGE-*``) for what cannot be read, and
    :class:`~.ocr.OcrUnavailable` when a scan needs an OCR engine that is not installed.
    """
    start = time.perf_counter()
    words, sizes, engine, problems, ocr_pages = _read(data, ocr_engine)
    x = extract_from_words(words, sizes, engine=engine, problems=problems)
    if layout is not None:
        from fakturaflyt.core.pdf.layout import apply_layout

        x = apply_layout(x, layout)
    seconds = time.perf_counter() - start
    per_page = sum(ocr_pages) / len(ocr_pages) if ocr_pages else 0.0
    return Extraction(x.engine, x.fields, x.lines, x.words, x.problems, x.pages, seconds, x.page_sizes, per_page)


def _read(
    data: bytes, ocr_engine: str
) -> tuple[list[Word], tuple[tuple[float, float], ...], Engine, list[Problem], list[float]]:
    from fakturaflyt.core.pdf import ocr

    if ocr_engine not in ocr.ENGINES:
        raise ValueError(f"unknown OCR engine {ocr_engine!r}; choose one of {', '.join(ocr.ENGINES)}")
    words: list[Word] = []
    problems: list[Problem] = []
    seconds: list[float] = []
    if is_pdf(data):
        sizes: list[tuple[float, float]] = []
        scanned: list[int] = []
        with opened(data) as pdf:
            for i in range(len(pdf.sizes)):
                page, size = page_words(pdf, i)
                text = has_text(page)
                # a scan with a few words of text on it (a stamp, a header added by a mail gateway) is still a scan
                if text and (sum(len(w.text) for w in page) >= SPARSE_TEXT or image_coverage(pdf, i) < 0.5):
                    words.extend(page)
                    sizes.append(size)
                    continue
                engine = ocr.get_engine(ocr_engine)
                image, dpi = ocr.render_page(pdf, i)
                result = ocr.ocr_page(image, dpi, i + 1, engine)
                words.extend(result.words)
                if text and result.rotation == 0 and abs(result.skew) < 0.2:
                    words.extend(w for w in page if not any(_inside(w, o) for o in result.words))
                sizes.append(result.size)
                seconds.append(result.seconds)
                scanned.append(i + 1)
        if scanned:
            problems.append(
                Problem(
                    "FF-PDF-OCR",
                    f"Page(s) {', '.join(map(str, scanned))} had no text layer and were read by OCR ({ocr_engine}); "
                    "check the fields against the document",
                    "PDF",
                    "information",
                )
            )
        return words, tuple(sizes), "ocr" if scanned else "text", problems, seconds
    if ocr.image_kind(data) is None:
        raise FormatError("FF-PDF-FORMAT", "The file is neither a PDF nor a JPEG, PNG or TIFF image", "document")
    images = ocr.open_images(data)
    engine = ocr.get_engine(ocr_engine)
    sizes = []
    for n, (image, dpi) in enumerate(images, start=1):
        result = ocr.ocr_page(image, dpi, n, engine)
        words.extend(result.words)
        sizes.append(result.size)
        seconds.append(result.seconds)
    problems.append(Problem("FF-PDF-OCR", f"The image was read by OCR ({ocr_engine})", "image", "information"))
    return words, tuple(sizes), "ocr", problems, seconds


def _inside(w: Word, o: Word) -> bool:
    cx, cy = (w.x0 + w.x1) / 2, (w.y0 + w.y1) / 2
    return o.x0 <= cx <= o.x1 and o.y0 <= cy <= o.y1


def extract_from_words(
    words: list[Word] | tuple[Word, ...],
    sizes: tuple[tuple[float, float], ...],
    *,
    engine: Engine = "text",
    problems: list[Problem] | None = None,
) -> Extraction:
    """Extract the fields from words already read (the part of :func:`extract_invoice` after reading)."""
    start = time.perf_counter()
    problems = list(problems or [])
    page = analyse(rows(words, gap=1.5 if engine == "ocr" else 0.9), sizes)
    cands = find_candidates(page)
    fields: dict[str, Field] = {}
    by_field: dict[str, list[Candidate]] = defaultdict(list)
    for c in cands:
        by_field[c.field].append(c)
    for name in _SIMPLE:
        f = _choose(by_field.get(name, []), name)
        if f is not None:
            fields[name] = f
    ids = [c for c in cands if c.field in ("supplier_orgnr", "supplier_vat_id", "iban", "bank_account")]
    name_field = _choose(by_field.get("supplier_name", []) + supplier_candidates(page, ids), "supplier_name")
    if name_field is not None:
        fields["supplier_name"] = name_field
    printed = {a.value for r in page.rows for s in r.segments for a in find_amounts(s.text) if a.decimals}
    totals, notes = choose_totals(
        by_field.get("net_total", []) + by_field.get("vat_total", []) + by_field.get("total", []), printed
    )
    fields.update(totals)
    _cross_check(fields, page)
    norwegian = any(k in fields for k in ("supplier_orgnr", "kid", "bank_account")) or bool(
        re.search(r"(?i)\bmva\b", " ".join(r.text for r in page.rows[:200]))
    )
    country = next((str(fields[k].value)[:2] for k in ("supplier_vat_id", "iban") if k in fields), None)
    currency = find_currency(page.rows, totals, norwegian, country)
    if currency is not None:
        fields["currency"] = currency
    lines = find_lines(page)
    _check_lines(fields, lines)
    problems.extend(field_problems(fields, notes))
    return Extraction(
        engine, fields, lines, tuple(words), tuple(problems), len(sizes), time.perf_counter() - start, tuple(sizes)
    )


def _choose(cands: list[Candidate], name: str) -> Field | None:
    """The best candidate, counting agreement: the same value found in several places."""
    if not cands:
        return None
    groups: dict[FieldValue, list[Candidate]] = defaultdict(list)
    for c in cands:
        key = c.value.casefold() if isinstance(c.value, str) and name == "supplier_name" else c.value
        groups[key].append(c)
    best_key = max(groups, key=lambda k: _group_score(groups[k]))
    group = groups[best_key]
    top = max(group, key=lambda c: c.score)
    confidence = 0.4 + 0.55 * min(_group_score(group), 1.0)
    if name in _CHECKED:
        confidence = min(confidence + 0.1, 0.98)
    runner_up = sorted((_group_score(g) for k, g in groups.items() if k != best_key), reverse=True)
    if runner_up and runner_up[0] > 0.8 * _group_score(group):
        confidence *= 0.85  # a close competitor: less sure
    return Field(name, top.value, round(min(confidence, 0.98), 3), top.page, top.bbox, top.label, top.source)


def _group_score(group: list[Candidate]) -> float:
    best = max(c.score for c in group)
    places = len({(c.page, c.row) for c in group})
    return best + min(0.05 * (places - 1), 0.15)


def _boost(fields: dict[str, Field], name: str, floor: float) -> None:
    f = fields.get(name)
    if f is not None:
        fields[name] = Field(f.name, f.value, max(f.confidence, floor), f.page, f.bbox, f.label, f.source)


def _cross_check(fields: dict[str, Field], page: Page) -> None:
    org, vat, iban, account = (fields.get(k) for k in ("supplier_orgnr", "supplier_vat_id", "iban", "bank_account"))
    if org is not None and vat is not None and vat.value == f"NO{org.value}MVA":
        _boost(fields, "supplier_orgnr", 0.97)
        _boost(fields, "supplier_vat_id", 0.97)
    elif org is None and vat is not None and isinstance(vat.value, str) and vat.value.startswith("NO"):
        fields["supplier_orgnr"] = Field(
            "supplier_orgnr", vat.value[2:11], vat.confidence * 0.95, vat.page, vat.bbox, vat.label, "derived"
        )
    if iban is not None and isinstance(iban.value, str) and iban.value.startswith("NO"):
        if account is not None and account.value == iban.value[4:]:
            _boost(fields, "iban", 0.98)
            _boost(fields, "bank_account", 0.98)
        elif account is None:
            fields["bank_account"] = Field(
                "bank_account", iban.value[4:], iban.confidence * 0.95, iban.page, iban.bbox, iban.label, "derived"
            )
    issue, due = as_date(fields["issue_date"].value) if "issue_date" in fields else None, None
    if "due_date" in fields:
        due = as_date(fields["due_date"].value)
    if issue is None:
        guess = _first_date(page)
        if guess is not None:
            fields["issue_date"] = guess
            issue = as_date(guess.value)
    if issue is not None and due is not None and due < issue:
        f = fields["due_date"]
        fields["due_date"] = Field(f.name, f.value, round(f.confidence * 0.5, 3), f.page, f.bbox, f.label, f.source)
    if issue is not None and due is None:
        terms = _payment_terms(page)
        if terms is not None:
            fields["due_date"] = Field("due_date", issue + timedelta(days=terms), 0.45, None, None, None, "derived")


def _first_date(page: Page) -> Field | None:
    """No labelled issue date: the first date on page 1 not next to another date label."""
    for r in page.rows:
        if r.page != 1:
            break
        for i, seg in enumerate(r.segments):
            if any(h.field in ("_other_date", "due_date") for h in page.hits[(r.index, i)]):
                continue
            hits = find_dates(seg.text, month_first=page.month_first)
            if hits:
                return Field("issue_date", hits[0].value, 0.35, r.page, seg.bbox, None, "heuristic")
    return None


_TERMS = re.compile(r"(?i)(?<!\d)(\d{1,3})\s*(?:dager|dagar|days|tage|dagen|jours|d\.)\b")


def _payment_terms(page: Page) -> int | None:
    for r in page.rows:
        m = _TERMS.search(r.text)
        if m and re.search(r"(?i)netto|net|betal|zahl|paiement|betaling|terms|vilkår|vilkar|frist", r.text):
            days = int(m.group(1))
            if 0 < days <= 120:
                return days
    return None


def _check_lines(fields: dict[str, Field], lines: tuple[InvoiceLine, ...]) -> None:
    amounts = [line.amount for line in lines if line.amount is not None]
    if not amounts:
        return
    total = sum(amounts, Decimal(0))
    for name in ("net_total", "total"):
        f = fields.get(name)
        if f is not None and f.value == total:
            _boost(fields, name, 0.9)


def field_problems(fields: dict[str, Field], notes: list[str]) -> list[Problem]:
    """Warnings about the fields: mandatory ones missing, sums that do not add up, dates out of order."""
    out: list[Problem] = []
    missing = [n for n in ("supplier_name", "invoice_number", "issue_date", "total") if n not in fields]
    if missing:
        out.append(
            Problem(
                "FF-PDF-MISSING",
                f"Not found on the document: {', '.join(missing)}; enter them from the document",
                ", ".join(missing),
                "warning",
            )
        )
    net, vat, total = (fields.get(k) for k in ("net_total", "vat_total", "total"))
    if (
        net
        and vat
        and total
        and isinstance(net.value, Decimal)
        and isinstance(vat.value, Decimal)
        and isinstance(total.value, Decimal)
    ):
        if abs(net.value + vat.value - total.value) >= Decimal("0.01"):
            out.append(
                Problem(
                    "FF-PDF-SUMS",
                    f"Net {net.value} + VAT {vat.value} is not the total {total.value}; check the amounts",
                    "net_total, vat_total, total",
                    "warning",
                )
            )
    if "no VAT amount found: net assumed equal to total" in notes:
        out.append(
            Problem(
                "FF-PDF-NO-VAT",
                "No VAT amount was found; the net amount is assumed equal to the total. Check whether VAT applies",
                "vat_total",
                "warning",
            )
        )
    issue, due = fields.get("issue_date"), fields.get("due_date")
    if issue and due and isinstance(issue.value, date) and isinstance(due.value, date) and due.value < issue.value:
        out.append(Problem("FF-PDF-DATES", "The due date is before the issue date; check both", "due_date", "warning"))
    return out
