"""Candidate values for each field, found next to labels or by their form.

For every label (:mod:`.labels`) the value is looked for where invoices put it: after the
label in the same segment (``Fakturanummer: 2024-10457``), in the next segment of the row
(a label column and a value column), or below the label (a header over its value). Each
candidate gets a score from the label's weight, the place and how clearly the value reads.
Identifiers whose form is unmistakable (a valid IBAN, ``NO 987 654 325 MVA``, an EU VAT
number, an account number printed ``8601.11.17947``) are candidates without a label too.

Candidates in the buyer's block (after ``Fakturamottaker``, ``Bill to``, ``Kunde``...)
are marked down: the buyer's org.nr and name are on many invoices.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from fakturaflyt.core.pdf.labels import LabelHit, label_hits
from fakturaflyt.core.pdf.model import BBox, FieldValue
from fakturaflyt.core.pdf.parsers import Parsed, find_ibans, find_vat_ids, parse_field
from fakturaflyt.core.pdf.values import find_dates
from fakturaflyt.core.pdf.words import Row, Segment, Word

__all__ = ["Candidate", "Page", "find_candidates", "words_in_span"]

_AMOUNTS = {"net_total", "vat_total", "total"}
_NO_BELOW = {"supplier_name"}


@dataclass(frozen=True, slots=True)
class Candidate:
    """A possible value of a field, with a score in (0, 1] and where it stands."""

    field: str
    value: FieldValue
    score: float
    page: int
    bbox: BBox
    label: str | None
    source: str
    row: int
    rate: float | None = None  # a VAT rate printed with a VAT amount


@dataclass(frozen=True, slots=True)
class Page:
    """Rows and label hits of a document, with the sizes of its pages."""

    rows: list[Row]
    hits: dict[tuple[int, int], list[LabelHit]]  # (row index, segment index) -> labels
    sizes: tuple[tuple[float, float], ...]
    month_first: bool
    buyer_rows: frozenset[int]

    def width(self, page: int) -> float:
        return self.sizes[page - 1][0] if 0 < page <= len(self.sizes) else 595.0

    def height(self, page: int) -> float:
        return self.sizes[page - 1][1] if 0 < page <= len(self.sizes) else 842.0


def words_in_span(segment: Segment, start: int, end: int) -> tuple[Word, ...]:
    """The words of ``segment`` that overlap characters ``start:end`` of its text."""
    out, pos = [], 0
    for w in segment.words:
        w_end = pos + len(w.text)
        if pos < end and start < w_end:
            out.append(w)
        pos = w_end + 1
    return tuple(out) or segment.words


def _bbox(words: tuple[Word, ...]) -> BBox:
    return (min(w.x0 for w in words), min(w.y0 for w in words), max(w.x1 for w in words), max(w.y1 for w in words))


def analyse(rows: list[Row], sizes: tuple[tuple[float, float], ...]) -> Page:
    hits = {(r.index, i): label_hits(s.text) for r in rows for i, s in enumerate(r.segments)}
    text = " ".join(r.text for r in rows)
    month_first = "$" in text and not re.search(r"(?<!\d)\d{1,2}\.\d{1,2}\.\d{2,4}(?!\d)", text)
    return Page(rows, hits, sizes, month_first, _buyer_rows(rows, hits))


def _buyer_rows(rows: list[Row], hits: dict[tuple[int, int], list[LabelHit]]) -> frozenset[int]:
    """Rows in the buyer's block: from a buyer label down while the block goes on."""
    marked: set[int] = set()
    for r in rows:
        for i, seg in enumerate(r.segments):
            if not any(h.field == "_buyer" and h.start <= 2 for h in hits[(r.index, i)]):
                continue
            marked.add(r.index)
            x0, x1, last_y = seg.x0 - 2, max(seg.x1, seg.x0 + 120), r.y1
            for nxt in rows[r.index + 1 : r.index + 8]:
                if nxt.page != r.page or nxt.y0 - last_y > 2.2 * r.height:
                    break
                if any(s.x0 < x1 and x0 < s.x1 for s in nxt.segments):
                    marked.add(nxt.index)
                    last_y = nxt.y1
    return frozenset(marked)


def find_candidates(page: Page) -> list[Candidate]:
    """Every candidate of every field in the document."""
    out: list[Candidate] = []
    for r in page.rows:
        for i, seg in enumerate(r.segments):
            seg_hits = page.hits[(r.index, i)]
            for n, hit in enumerate(seg_hits):
                if hit.field.startswith("_"):
                    continue
                nxt = seg_hits[n + 1].start if n + 1 < len(seg_hits) else len(seg.text)
                out.extend(_near_label(page, r, i, seg, hit, nxt))
        out.extend(_by_form(page, r))
    buyer = page.buyer_rows
    return [
        replace(c, score=c.score * 0.35)
        if c.row in buyer and c.field in ("supplier_orgnr", "supplier_vat_id", "supplier_name", "iban", "bank_account")
        else c
        for c in out
    ]


def _label_alone(seg: Segment, hit: LabelHit) -> bool:
    rest = (seg.text[: hit.start] + seg.text[hit.end :]).strip(" :#.-°*()")
    return not rest


def _near_label(page: Page, r: Row, i: int, seg: Segment, hit: LabelHit, nxt: int) -> list[Candidate]:
    out: list[Candidate] = []
    before = seg.text[: hit.start].strip(" *•")
    weight = hit.weight
    if before:
        if hit.field in _AMOUNTS and re.search(r"[\d%]\s*$", before):
            return out  # "987 654 325 MVA", "25 % mva": a suffix, not a label
        weight *= 0.75
    # 1. after the label in the same segment
    inline = seg.text[hit.end : nxt]
    parsed = parse_field(hit.field, inline, month_first=page.month_first) if inline.strip(" :#.-°*") else None
    if parsed is not None:
        value, s, e, quality = parsed
        words = words_in_span(seg, hit.end + s, hit.end + e)
        out.append(_cand(hit, value, weight * quality, words, r, "label", inline))
        out.extend(_mva(out[-1], seg.text[hit.end + s : hit.end + e + 5]))
        if hit.field == "invoice_number":
            out.extend(_header_date(hit, seg, inline[e:], r, page, weight))
        if quality >= 1.0 or nxt < len(seg.text):
            return out
    if nxt < len(seg.text):
        return out
    # 2. the next segment on the row (a totals row of a table is read by its column headers)
    if hit.field in _AMOUNTS and i == 0 and _amount_segments(page, r) >= 2:
        return out + _total_row(page, r, hit, weight)
    if i + 1 < len(r.segments):
        right = r.segments[i + 1]
        right_hits = page.hits[(r.index, i + 1)]
        if not right_hits or right_hits[0].start > 0:
            end = right_hits[0].start if right_hits else len(right.text)
            parsed = parse_field(hit.field, right.text[:end], month_first=page.month_first)
            if parsed is not None:
                value, s, e, quality = parsed
                far = (right.x0 - seg.x1) > 0.35 * page.width(r.page)
                factor = 0.8 if far else 0.95
                out.append(
                    _cand(hit, value, weight * quality * factor, words_in_span(right, s, e), r, "label", right.text)
                )
                out.extend(_mva(out[-1], right.text[s : e + 5]))
                return out
    # 3. below the label, when the label stands alone as a header
    if hit.field in _NO_BELOW or before or not _label_alone(seg, hit):
        return out
    below = _below(page, r, seg)
    if below is not None:
        brow, bi, bseg = below
        bhits = page.hits[(brow.index, bi)]
        in_table = hit.field in _AMOUNTS and (len(r.segments) >= 3 or len(brow.segments) >= 3)
        if not in_table and (not bhits or bhits[0].start > 0):
            end = bhits[0].start if bhits else len(bseg.text)
            parsed = parse_field(hit.field, bseg.text[:end], month_first=page.month_first)
            if parsed is not None:
                value, s, e, quality = parsed
                factor = 0.6 if hit.field in _AMOUNTS else 0.85
                out.append(
                    _cand(hit, value, weight * quality * factor, words_in_span(bseg, s, e), brow, "label", bseg.text)
                )
    return out


def _amount_segments(page: Page, r: Row) -> int:
    """How many segments after the first hold an amount, when none of them holds a label (else 0)."""
    if any(page.hits[(r.index, j)] for j in range(1, len(r.segments))):
        return 0
    return sum(1 for s in r.segments[1:] if parse_field("total", s.text) is not None)


def _total_row(page: Page, r: Row, hit: LabelHit, weight: float) -> list[Candidate]:
    """``Total  24.99  5.00  29.99``: each amount is what its column header says; the label takes the last."""
    out: list[Candidate] = []
    last: tuple[Segment, Parsed] | None = None
    for seg in r.segments[1:]:
        parsed = parse_field("total", seg.text)
        if parsed is None:
            continue
        last = (seg, parsed)
        header = _header_above(page, r, seg)
        if header is not None:
            h_field, h_weight, h_text = header
            value, s, e, quality = parsed
            words = words_in_span(seg, s, e)
            out.append(
                Candidate(h_field, value, 0.8 * h_weight * quality, r.page, _bbox(words), h_text, "label", r.index)
            )
    if last is not None and hit.field == "total":
        seg, (value, s, e, quality) = last
        out.append(_cand(hit, value, 0.85 * weight * quality, words_in_span(seg, s, e), r, "label", seg.text))
    return out


def _header_above(page: Page, r: Row, seg: Segment) -> tuple[str, float, str] | None:
    for above in reversed(page.rows[max(r.index - 12, 0) : r.index]):
        if above.page != r.page:
            return None
        for j, s in enumerate(above.segments):
            if min(s.x1, seg.x1) - max(s.x0, seg.x0) <= 0:
                continue
            hits = [h for h in page.hits[(above.index, j)] if h.field in _AMOUNTS]
            if hits and hits[0].start <= 2:
                return (hits[0].field, hits[0].weight, hits[0].text)
    return None


def _below(page: Page, r: Row, seg: Segment) -> tuple[Row, int, Segment] | None:
    for nxt in page.rows[r.index + 1 : r.index + 3]:
        if nxt.page != r.page or nxt.y0 - r.y1 > 2.0 * r.height:
            return None
        for j, s in enumerate(nxt.segments):
            overlap = min(s.x1, seg.x1) - max(s.x0, seg.x0)
            if overlap > 0.3 * min(s.x1 - s.x0, seg.x1 - seg.x0):
                return (nxt, j, s)
    return None


def _header_date(hit: LabelHit, seg: Segment, rest: str, r: Row, page: Page, weight: float) -> list[Candidate]:
    """``Facture n°562044387 du 02 Juillet 2015``: the issue date in the invoice-number line."""
    dates = find_dates(rest, month_first=page.month_first)
    if not dates or dates[0].start > 12:
        return []
    offset = len(seg.text) - len(rest)
    words = words_in_span(seg, offset + dates[0].start, offset + dates[0].end)
    return [Candidate("issue_date", dates[0].value, 0.75 * weight, r.page, _bbox(words), hit.text, "label", r.index)]


def _mva(c: Candidate, text: str) -> list[Candidate]:
    """``Org.nr 987 654 325 MVA``: a VAT-registered seller, whose VAT number is ``NO987654325MVA``."""
    if c.field == "supplier_orgnr" and "MVA" in text.upper():
        return [replace(c, field="supplier_vat_id", value=f"NO{c.value}MVA")]
    return []


def _cand(
    hit: LabelHit, value: FieldValue, score: float, words: tuple[Word, ...], r: Row, source: str, text: str
) -> Candidate:
    rate = None
    if hit.field == "vat_total":
        m = re.search(r"(\d{1,2}(?:[.,]\d{1,2})?)\s?%", text)
        if m:
            rate = float(m.group(1).replace(",", "."))
    row = r.index
    return Candidate(hit.field, value, min(score, 1.0), words[0].page, _bbox(words), hit.text, source, row, rate)


_DOTTED_ACCOUNT = re.compile(r"(?<![\d.])\d{4}\.\d{2}\.\d{5}(?![\d.])")


def _by_form(page: Page, r: Row) -> list[Candidate]:
    """Identifiers recognised by their form alone, wherever they stand."""
    out: list[Candidate] = []
    for seg in r.segments:
        text = seg.text
        for value, s, e in find_ibans(text):
            out.append(Candidate("iban", value, 0.6, r.page, _bbox(words_in_span(seg, s, e)), None, "pattern", r.index))
        for value, s, e in find_vat_ids(text):
            score = 0.6 if value.startswith("NO") else 0.45
            words = words_in_span(seg, s, e)
            out.append(Candidate("supplier_vat_id", value, score, r.page, _bbox(words), None, "pattern", r.index))
            if value.startswith("NO"):
                out.append(
                    Candidate("supplier_orgnr", value[2:11], 0.6, r.page, _bbox(words), None, "pattern", r.index)
                )
        for m in _DOTTED_ACCOUNT.finditer(text):
            parsed = parse_field("bank_account", m.group(0))
            if parsed is not None:
                words = words_in_span(seg, m.start(), m.end())
                out.append(Candidate("bank_account", parsed[0], 0.55, r.page, _bbox(words), None, "pattern", r.index))
    return out
