"""Invoice lines from the table of a PDF invoice.

A table starts at a header row naming at least two columns, one of them a price or an
amount (``Beskrivelse  Antall  Enhetspris  Beløp``, ``Item Quantity Rate Amount``,
``Pos. Menge Beschreibung VK-Preis Zeilenbetrag``). Below it, a row with numbers under
the numeric columns is a line; a row with text only continues the description of the line
above. The table ends at a totals label (``Sum``, ``Total``, ``Mva``...), at a wide gap or
at the end of the page; a header repeated on the next page continues it. Numbers are put in
the column whose header they stand under (by horizontal overlap, else the nearest).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from fakturaflyt.core.pdf.candidates import Page, words_in_span
from fakturaflyt.core.pdf.model import InvoiceLine
from fakturaflyt.core.pdf.values import Amount, find_amounts, fold, percentages
from fakturaflyt.core.pdf.words import Row

__all__ = ["find_lines"]

_ROLES = {
    "description": r"beskrivelse|tekst|varetekst|varebeskrivelse|produkt|artikkel|description|item|items|product|service|"
    r"article|artikel|beschreibung|bezeichnung|leistung|omschrijving|designation|libelle|prestation|details?|ytelse|vare",
    "quantity": r"antall|ant|mengde|qty|quantity|menge|anzahl|aantal|quantite|qte|stk|units?|hours|timer",
    "unit_price": r"enhetspris|a-?pris|pris|unit{S}price|price|rate|einzelpreis|ep|vk-?preis|preis|stuckpreis|"
    r"prijs{S}per{S}stuk|prijs|stukprijs|prix{S}unitaire|prix|pu",
    "amount": r"belop|sum|total|amount|line{S}total|betrag|gesamtpreis|gesamt|zeilenbetrag|summe|bedrag|totaal|montant|net",
    "vat": r"mva|moms|vat|tax|mwst|ust|btw|tva|gst",
}
_ROLE_RX = {
    role: re.compile(r"(?<![a-z])(?:" + rx.replace("{S}", r"[\s.\-]*") + r")(?![a-z])") for role, rx in _ROLES.items()
}
_NUMERIC_ROLES = ("quantity", "unit_price", "amount", "vat")
_STOP_FIELDS = {"net_total", "vat_total", "total"}


@dataclass(frozen=True, slots=True)
class _Column:
    role: str
    x0: float
    x1: float


_QUALIFIER = re.compile(r"(?<![a-z])(?:inkl|incl|eks|ekskl|excl|exkl|ohne|mit|zzgl|hors|avec|per|pr|i|in|%)\.?$")


def _header(row: Row) -> list[_Column] | None:
    cols: list[_Column] = []
    for seg in row.segments:
        previous = ""
        for w in seg.words:
            text = fold(w.text)
            if cols and _QUALIFIER.search(previous) and cols[-1].x1 >= w.x0 - 3 * w.height:
                cols[-1] = _Column(cols[-1].role, cols[-1].x0, w.x1)  # "Prijs incl. BTW": one column
                previous = text
                continue
            for role, rx in _ROLE_RX.items():
                if rx.search(text):
                    cols.append(_Column(role, w.x0, w.x1))
                    break
            previous = text
    prices = [c for c in cols if c.role == "unit_price"]
    if len(prices) >= 2 and not any(c.role == "amount" for c in cols):
        last = max(prices, key=lambda c: c.x1)
        cols = [_Column("amount", c.x0, c.x1) if c is last else c for c in cols]
    roles = {c.role for c in cols}
    if len(roles) < 2 or not roles & {"amount", "unit_price"} or len(cols) < 2:
        return None
    if len(row.segments) < 2:
        return None
    return cols


def _stops(page: Page, row: Row) -> bool:
    for i in range(len(row.segments)):
        for h in page.hits[(row.index, i)]:
            if h.field in _STOP_FIELDS and h.start <= 2 and i == 0:
                return True
    return False


def find_lines(page: Page) -> tuple[InvoiceLine, ...]:
    """The invoice lines of the document's tables (empty when no table header is found)."""
    lines: list[InvoiceLine] = []
    rows = page.rows
    i = 0
    while i < len(rows):
        cols = _header(rows[i])
        if cols is None:
            i += 1
            continue
        header = rows[i]
        desc_x1 = (
            min(c.x0 for c in cols if c.role in _NUMERIC_ROLES) - 2
            if any(c.role in _NUMERIC_ROLES for c in cols)
            else 1e9
        )
        last_y = header.y1
        i += 1
        while i < len(rows) and rows[i].page == header.page:
            row = rows[i]
            if _stops(page, row) or row.y0 - last_y > 6 * header.height or _header(row) is not None:
                break
            line = _line(page, row, cols, desc_x1)
            if line is not None:
                lines.append(line)
                last_y = row.y1
            elif lines and lines[-1].page == row.page and row.y0 - last_y < 3 * header.height:
                text = " ".join(s.text for s in row.segments if s.x0 < desc_x1).strip()
                if text:
                    prev = lines[-1]
                    lines[-1] = InvoiceLine(
                        f"{prev.description}\n{text}",
                        prev.quantity,
                        prev.unit_price,
                        prev.amount,
                        prev.vat_rate,
                        prev.page,
                        prev.confidence,
                    )
                    last_y = row.y1
            i += 1
    return tuple(lines)


def _line(page: Page, row: Row, cols: list[_Column], desc_x1: float) -> InvoiceLine | None:
    numeric = [c for c in cols if c.role in _NUMERIC_ROLES]
    values: dict[str, Decimal] = {}
    desc: list[str] = []
    rate: Decimal | None = None
    for seg in row.segments:
        if seg.x1 <= desc_x1 + 2 and re.search(r"[^\W\d_]", seg.text):
            desc.append(seg.text)
            continue
        for p in percentages(seg.text):
            rate = p
        for a in _line_amounts(seg.text):
            words = words_in_span(seg, a.start, a.end)
            x0, x1 = words[0].x0, words[-1].x1
            col = min(numeric, key=lambda c: (_distance(c, x0, x1), abs(c.x1 - x1)), default=None)
            if col is None or col.role == "vat":
                continue
            if col.role == "amount" and "amount" in values and a.decimals:
                values["amount_2"] = values["amount"]
            values[col.role] = a.value
    if not values.keys() & {"amount", "unit_price"}:
        return None
    if not desc:
        desc = [s.text for s in row.segments if s.x0 < desc_x1 and not re.fullmatch(r"[\d\s.,]+", s.text)]
    description = " ".join(d for d in desc if d).strip()
    qty, price, amount = values.get("quantity"), values.get("unit_price"), values.get("amount")
    if amount is None and price is not None and qty is None:
        amount, price = price, None
    confidence = 0.5
    if qty is not None and price is not None and amount is not None and abs(qty * price - amount) <= Decimal("0.02"):
        confidence = 0.9
    return InvoiceLine(description, qty, price, amount, rate, row.page, confidence)


def _line_amounts(text: str) -> list[Amount]:
    """The amounts of one cell: all of them when they are plain; the priced one in ``Rs 1939 x 1 Night``."""
    found = find_amounts(text)
    if len(found) <= 1 or not re.search(r"[^\W\d_]{2}", text):
        return found
    for a in found:
        if re.search(r"(?:[€$£₹]|\b[A-Z]{3}|\bRs\.?|\bkr\.?)\s?$", text[: a.start]):
            return [a]
    with_decimals = [a for a in found if a.decimals]
    return with_decimals[:1] or found[:1]


def _distance(c: _Column, x0: float, x1: float) -> float:
    if x0 < c.x1 + 1 and c.x0 - 1 < x1:
        return 0.0
    return min(abs(x0 - c.x1), abs(c.x0 - x1))
