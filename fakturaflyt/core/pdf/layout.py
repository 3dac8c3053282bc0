"""Learnt supplier layouts: where a supplier prints a field, remembered from an accountant's correction.

When extraction gets a field wrong and the accountant types the right value, :func:`learn`
looks for that value among the document's words (numbers and dates compared by value, so
``7 465,63`` matches ``7465.63``), and records for the field:

* the page and the value's box relative to the page size;
* the label context: the words just left of the value on its row (``Kundenr.:``), or, when
  the value starts its row, the words of the segment just above it (a header).

:func:`apply_layout` re-reads those fields from the words of the supplier's next invoice,
without parsing the PDF again: first next to the remembered label (confidence 0.97 when it
stands where it stood before, 0.9 elsewhere), else in the remembered box (0.75). A field
the layout cannot find keeps the value extraction gave it.

A :class:`SupplierLayout` is immutable and turns into plain JSON with :meth:`~SupplierLayout.to_dict`
(to store per supplier) and back with :meth:`~SupplierLayout.from_dict`.

>>> from fakturaflyt.core.pdf.words import Word
>>> from fakturaflyt.core.pdf.extract import extract_from_words
>>> def doc(nr, cust):
...     return extract_from_words([Word("Fakturanr:", 1, 50, 100, 100, 110), Word(nr, 1, 110, 100, 150, 110),
...                                Word("Kundenr:", 1, 50, 120, 95, 130), Word(cust, 1, 110, 120, 140, 130)],
...                               ((595.0, 842.0),))
>>> layout = learn(None, doc("1001", "77"), "invoice_number", "77")   # the accountant says: it is the 77
>>> apply_layout(doc("1002", "88"), layout).fields["invoice_number"].value
'88'
>>> SupplierLayout.from_dict(layout.to_dict()) == layout
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from fakturaflyt.core.errors import FormatError
from fakturaflyt.core.pdf.candidates import words_in_span
from fakturaflyt.core.pdf.model import AMOUNT_FIELDS, DATE_FIELDS, FIELD_NAMES, Extraction, Field, FieldValue
from fakturaflyt.core.pdf.parsers import parse_field
from fakturaflyt.core.pdf.values import find_amounts, find_dates, fold, parse_date
from fakturaflyt.core.pdf.words import Row, Segment, Word, rows

__all__ = ["FieldSpot", "SupplierLayout", "apply_layout", "learn"]

LAYOUT_VERSION = 1


@dataclass(frozen=True, slots=True)
class FieldSpot:
    """Where one field stands on a supplier's invoices."""

    field: str
    page: int
    box: tuple[float, float, float, float]  # relative to the page: x0, y0, x1, y1 in 0..1
    label: tuple[str, ...]  # folded words of the label context
    side: str  # "left": the label is left of the value on its row; "above": over it; "none"
    example: str  # the value it was learnt from

    def to_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "page": self.page,
            "box": [round(v, 4) for v in self.box],
            "label": list(self.label),
            "side": self.side,
            "example": self.example,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> FieldSpot:
        box = tuple(float(v) for v in d["box"])
        if len(box) != 4:
            raise FormatError("FF-LAYOUT-FORMAT", "A layout box must have four numbers", "layout")
        return cls(
            str(d["field"]),
            int(d["page"]),
            (box[0], box[1], box[2], box[3]),
            tuple(str(t) for t in d["label"]),
            str(d["side"]),
            str(d.get("example", "")),
        )


@dataclass(frozen=True, slots=True)
class SupplierLayout:
    """The learnt spots of one supplier's invoices, one per field (the latest correction wins)."""

    spots: tuple[FieldSpot, ...] = ()

    def spot(self, field: str) -> FieldSpot | None:
        return next((s for s in self.spots if s.field == field), None)

    def to_dict(self) -> dict[str, Any]:
        return {"version": LAYOUT_VERSION, "spots": [s.to_dict() for s in self.spots]}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SupplierLayout:
        try:
            if int(d.get("version", LAYOUT_VERSION)) != LAYOUT_VERSION:
                raise FormatError("FF-LAYOUT-FORMAT", f"Unknown layout version {d.get('version')}", "layout")
            return cls(tuple(FieldSpot.from_dict(s) for s in d.get("spots", [])))
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, FormatError):
                raise
            raise FormatError("FF-LAYOUT-FORMAT", f"The stored layout cannot be read ({exc})", "layout") from None


# --- learning ----------------------------------------------------------------------------


def _target(field: str, value: str) -> FieldValue:
    """The corrected value in comparable form: a Decimal, a date, or compact text."""
    if field in AMOUNT_FIELDS:
        hits = find_amounts(value)
        if len(hits) == 1:
            return hits[0].value
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            raise FormatError("FF-LAYOUT-VALUE", f"{value!r} is not an amount", field) from None
    if field in DATE_FIELDS:
        found = parse_date(value) or _iso(value)
        if found is None:
            raise FormatError("FF-LAYOUT-VALUE", f"{value!r} is not a date", field)
        return found
    return value.strip()


def _iso(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def _compact(text: str) -> str:
    return re.sub(r"[\s.]", "", fold(text))


def _occurrences(field: str, target: FieldValue, segment: Segment) -> list[tuple[int, int]]:
    """Character spans of ``segment.text`` that hold ``target``."""
    text = segment.text
    if isinstance(target, Decimal):
        return [(a.start, a.end) for a in find_amounts(text) if a.value == target]
    if isinstance(target, date):
        return [(h.start, h.end) for h in find_dates(text) if h.value == target]
    wanted = _compact(str(target))
    if not wanted:
        return []
    # compare without spaces and dots, keeping a map back to the original characters
    kept = [(i, ch) for i, ch in enumerate(fold(text)) if not (ch.isspace() or ch == ".")]
    squashed = "".join(ch for _, ch in kept)
    out = []
    start = squashed.find(wanted)
    while start >= 0:
        out.append((kept[start][0], kept[start + len(wanted) - 1][0] + 1))
        start = squashed.find(wanted, start + 1)
    return out


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(t for t in re.split(r"[^a-z0-9#%]+", fold(text)) if t and not t.isdigit())[-4:]


def _context(all_rows: list[Row], row: Row, seg_index: int, start: int) -> tuple[tuple[str, ...], str]:
    seg = row.segments[seg_index]
    before = _tokens(seg.text[:start])
    if before:
        return before, "left"
    if seg_index > 0:
        left = _tokens(row.segments[seg_index - 1].text)
        if left:
            return left, "left"
    for above in reversed(all_rows[max(row.index - 2, 0) : row.index]):
        if above.page != row.page:
            break
        for s in above.segments:
            if min(s.x1, seg.x1) - max(s.x0, seg.x0) > 0:
                tokens = _tokens(s.text)
                if tokens:
                    return tokens, "above"
    return (), "none"


def _page_size(x: Extraction, page: int) -> tuple[float, float]:
    if 0 < page <= len(x.page_sizes):
        return x.page_sizes[page - 1]
    return (595.0, 842.0)


def _relative(x: Extraction, page: int, words: tuple[Word, ...]) -> tuple[float, float, float, float]:
    w, h = _page_size(x, page)
    box = (
        min(v.x0 for v in words) / w,
        min(v.y0 for v in words) / h,
        max(v.x1 for v in words) / w,
        max(v.y1 for v in words) / h,
    )
    return (round(box[0], 4), round(box[1], 4), round(box[2], 4), round(box[3], 4))


def learn(layout: SupplierLayout | None, extraction: Extraction, field: str, correct_value: str) -> SupplierLayout:
    """Remember where ``correct_value`` of ``field`` stands on this invoice.

    Raises ``FF-LAYOUT-VALUE`` when the value cannot be read as the field's type and
    ``FF-LAYOUT-NOT-FOUND`` when it is not on the document (then nothing can be learnt).
    """
    if field not in FIELD_NAMES:
        raise FormatError("FF-LAYOUT-FIELD", f"{field!r} is not a field; use one of {', '.join(FIELD_NAMES)}", field)
    target = _target(field, correct_value)
    all_rows = rows(extraction.words, gap=1.5 if extraction.engine == "ocr" else 0.9)
    found: list[tuple[int, FieldSpot]] = []
    for row in all_rows:
        for i, seg in enumerate(row.segments):
            for start, end in _occurrences(field, target, seg):
                label, side = _context(all_rows, row, i, start)
                words = words_in_span(seg, start, end)
                spot = FieldSpot(
                    field, row.page, _relative(extraction, row.page, words), label, side, correct_value.strip()
                )
                rank = (0 if label else 2) + (0 if row.page == 1 else 1)
                found.append((rank, spot))
    if not found:
        raise FormatError(
            "FF-LAYOUT-NOT-FOUND",
            f"{correct_value!r} is not on the document, so its place cannot be learnt; the correction is kept for this invoice only",
            field,
        )
    spot = min(found, key=lambda f: f[0])[1]
    spots = (*tuple(s for s in (layout.spots if layout else ()) if s.field != field), spot)
    return SupplierLayout(spots)


# --- applying ----------------------------------------------------------------------------


def _label_at(seg: Segment, label: tuple[str, ...]) -> int | None:
    """The character offset just after ``label``'s words in ``seg``, or None."""
    if not label:
        return None
    folded = fold(seg.text)
    pattern = r"(?<![a-z0-9])" + r"[^a-z#%]*".join(re.escape(t) for t in label) + r"(?![a-z0-9])"
    m = re.search(pattern, folded)
    if m is None:
        return None
    return min(m.end(), len(seg.text))


def _read(field: str, text: str) -> tuple[FieldValue, int, int] | None:
    if field == "supplier_name":
        value = text.strip(" :,-")
        return (value, text.find(value), text.find(value) + len(value)) if value else None
    if field == "currency":
        m = re.search(r"\b[A-Z]{3}\b", text)
        return (m.group(0), m.start(), m.end()) if m else None
    parsed = parse_field(field, text)
    return (parsed[0], parsed[1], parsed[2]) if parsed else None


def _by_label(x: Extraction, all_rows: list[Row], spot: FieldSpot) -> list[tuple[Field, float]]:
    out: list[tuple[Field, float]] = []
    for row in all_rows:
        for i, seg in enumerate(row.segments):
            end = _label_at(seg, spot.label)
            if end is None:
                continue
            places: list[tuple[Segment, int]] = []
            if spot.side == "left":
                places.append((seg, end))
                if i + 1 < len(row.segments):
                    places.append((row.segments[i + 1], 0))
            elif spot.side == "above":
                for below in all_rows[row.index + 1 : row.index + 3]:
                    if below.page == row.page:
                        places.extend((s, 0) for s in below.segments if min(s.x1, seg.x1) - max(s.x0, seg.x0) > 0)
            for target, offset in places:
                got = _read(spot.field, target.text[offset:])
                if got is None:
                    continue
                value, s, e = got
                words = words_in_span(target, offset + s, offset + e)
                box = _relative(x, row.page, words)
                distance = abs(box[0] - spot.box[0]) + abs(box[1] - spot.box[1]) + (0 if row.page == spot.page else 1)
                confidence = 0.97 if distance < 0.06 else 0.9
                bbox = (
                    min(w.x0 for w in words),
                    min(w.y0 for w in words),
                    max(w.x1 for w in words),
                    max(w.y1 for w in words),
                )
                out.append(
                    (Field(spot.field, value, confidence, row.page, bbox, " ".join(spot.label), "layout"), distance)
                )
                break
    return out


def _by_position(x: Extraction, spot: FieldSpot) -> Field | None:
    w, h = _page_size(x, spot.page)
    x0, y0, x1, y1 = spot.box
    pad_x, pad_y = 0.02, 0.006
    inside = [
        v
        for v in x.words
        if v.page == spot.page
        and v.x0 / w >= x0 - pad_x
        and v.x1 / w <= x1 + 3 * pad_x
        and v.y0 / h >= y0 - pad_y
        and v.y1 / h <= y1 + pad_y
    ]
    if not inside:
        return None
    text = " ".join(v.text for v in sorted(inside, key=lambda v: (round(v.y0), v.x0)))
    got = _read(spot.field, text)
    if got is None:
        return None
    bbox = (min(v.x0 for v in inside), min(v.y0 for v in inside), max(v.x1 for v in inside), max(v.y1 for v in inside))
    return Field(spot.field, got[0], 0.75, spot.page, bbox, None, "layout")


def apply_layout(extraction: Extraction, layout: SupplierLayout) -> Extraction:
    """Re-read the fields ``layout`` knows from ``extraction``'s words (see the module docs)."""
    if not layout.spots:
        return extraction
    all_rows = rows(extraction.words, gap=1.5 if extraction.engine == "ocr" else 0.9)
    fields = dict(extraction.fields)
    for spot in layout.spots:
        found = _by_label(extraction, all_rows, spot)
        if found:
            fields[spot.field] = min(found, key=lambda f: f[1])[0]
            continue
        positioned = _by_position(extraction, spot)
        if positioned is not None:
            fields[spot.field] = positioned
    from fakturaflyt.core.pdf.extract import field_problems

    rechecked = {"FF-PDF-SUMS", "FF-PDF-MISSING", "FF-PDF-DATES"}
    problems = tuple(p for p in extraction.problems if p.code not in rechecked) + tuple(
        p for p in field_problems(fields, []) if p.code in rechecked
    )
    return replace(extraction, fields=fields, problems=problems)
