"""Two- and three-way matching of a supplier invoice against a purchase order (innkjøpsordre) and goods receipts.

How an accountant reads the rules:

* **Two-way** (faktura mot bestilling): each invoice line is compared with the order line it
  belongs to. The invoiced quantity may not exceed what is still open on the order (ordered
  minus invoiced on earlier invoices), and the unit price must be the ordered price.
* **Three-way** (faktura mot bestilling og varemottak): as two-way, but the invoiced quantity may
  not exceed what has been *received* and not yet invoiced (received minus invoiced before).
  Three-way is used as soon as the order has any goods receipt.
* **Pairing lines**: first by item number (the seller's or the buyer's article number on the
  invoice equals the order line's item number), then by the order line reference of the
  invoice line (EHF BT-132, the order's line number), then by the most similar text (words and
  letter triples of the descriptions) together with the closest amount. Each order line takes
  at most one invoice line, best pairs first.
* **Tolerances** (:class:`Tolerance`): a price difference is accepted when it is within the
  percentage *or* within the absolute amount ("2 % or 50 kr": a 10 kr item may cost up to 50 kr
  more, a 10,000 kr item up to 200 kr more). A limit set to ``None`` allows nothing by itself;
  with both limits ``None`` the rule is not checked. Quantity over the open quantity is accepted up to ``quantity_pct``
  (default 0 %: never). The invoice total (its lines, and invoice-level charges when the net
  total is given) is compared with what the paired order lines cost at the ordered prices.
* **Outcome per line**: ``matched`` (quantity within the open quantity, price exactly as
  ordered), ``within_tolerance`` (a difference, but within the tolerance), ``deviation`` (a
  difference beyond it: which rule, expected, actual, difference and percent), ``unmatched``
  (no order line found). The invoice's outcome is the worst of its lines (and ``deviation``
  when the total is outside its tolerance); it is *within tolerance* only when every line is
  matched or within tolerance and the total is within, and then the order is the approval.

A line without quantity (a PDF table line with only an amount) is taken to invoice the open
quantity of its order line; its unit price is then its amount divided by that quantity. A
credit note's lines carry negative quantities and amounts: they never exceed the open quantity.

>>> from decimal import Decimal as D
>>> order = [OrderLine(1, "A-100", "Kontorstol Ergo", D("4"), D("0"), D("0"), D("1500.00"))]
>>> invoice = [InvoiceLine(1, "A-100", "Kontorstol Ergo sort", D("4"), D("1500.00"), D("6000.00"))]
>>> result = match_invoice(invoice, order, Tolerance(), three_way=False)
>>> result.outcome, result.within_tolerance
('matched', True)
>>> dearer = [InvoiceLine(1, "A-100", "Kontorstol", D("4"), D("1520.00"), D("6080.00"))]
>>> match_invoice(dearer, order, Tolerance(), three_way=False).outcome
'within_tolerance'
>>> received = [OrderLine(1, "A-100", "Kontorstol Ergo", D("4"), D("2"), D("0"), D("1500.00"))]
>>> r = match_invoice(invoice, received, Tolerance(), three_way=True)
>>> r.outcome, r.lines[0].deviations[0].rule, r.lines[0].deviations[0].difference
('deviation', 'quantity_over_receipt', Decimal('2'))
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

Outcome = Literal["matched", "within_tolerance", "deviation", "unmatched"]
Rule = Literal["price", "quantity_over_order", "quantity_over_receipt", "total"]
Mode = Literal["two_way", "three_way"]

OUTCOMES: tuple[Outcome, ...] = ("matched", "within_tolerance", "deviation", "unmatched")
_RANK = {o: i for i, o in enumerate(OUTCOMES)}
_ZERO = Decimal(0)
_HUNDRED = Decimal(100)
#: The lowest pairing score (0-1) by text and amount for an invoice line to be taken as an order line.
MIN_SCORE = 0.35


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    """One invoice line: its position, item numbers, text, quantity, unit price and net amount (negative on a credit)."""

    index: int
    item_id: str
    description: str
    quantity: Decimal | None
    unit_price: Decimal | None
    net_amount: Decimal
    buyer_item_id: str = ""
    order_line_ref: str = ""


@dataclass(frozen=True, slots=True)
class OrderLine:
    """One purchase order line with what was received and invoiced on earlier invoices."""

    line_no: int
    item_id: str
    description: str
    quantity_ordered: Decimal
    quantity_received: Decimal
    quantity_invoiced_before: Decimal
    unit_price: Decimal


@dataclass(frozen=True, slots=True)
class Tolerance:
    """How far an invoice may differ from the order and still pass. Percentages in percent (2 = 2 %)."""

    price_pct: Decimal | None = Decimal("2")
    price_abs: Decimal | None = Decimal("50")
    quantity_pct: Decimal | None = Decimal("0")
    total_pct: Decimal | None = Decimal("1")
    total_abs: Decimal | None = Decimal("100")


@dataclass(frozen=True, slots=True)
class Deviation:
    """A difference found by one rule: what the order says, what the invoice says, by how much (and in %)."""

    rule: Rule
    expected: Decimal
    actual: Decimal
    difference: Decimal
    percent: Decimal | None

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "expected": str(self.expected),
            "actual": str(self.actual),
            "difference": str(self.difference),
            "percent": None if self.percent is None else str(self.percent),
        }


@dataclass(frozen=True, slots=True)
class LineMatch:
    """The outcome of one invoice line: the order line it was paired with (None: unmatched) and what differs."""

    invoice_index: int
    order_line_no: int | None
    outcome: Outcome
    paired_by: str = ""  # "item_id", "order_line_ref", "text" or "" (unmatched)
    score: float = 0.0
    quantity: Decimal | None = None  # the invoiced quantity (or the open quantity assumed)
    open_quantity: Decimal | None = None  # what the quantity was checked against
    unit_price: Decimal | None = None
    order_price: Decimal | None = None
    net_amount: Decimal = _ZERO
    deviations: tuple[Deviation, ...] = ()  # beyond tolerance
    differences: tuple[Deviation, ...] = ()  # within tolerance

    def to_json(self) -> dict[str, Any]:
        def s(v: Decimal | None) -> str | None:
            return None if v is None else str(v)

        return {
            "invoice_index": self.invoice_index,
            "order_line_no": self.order_line_no,
            "outcome": self.outcome,
            "paired_by": self.paired_by,
            "score": round(self.score, 3),
            "quantity": s(self.quantity),
            "open_quantity": s(self.open_quantity),
            "unit_price": s(self.unit_price),
            "order_price": s(self.order_price),
            "net_amount": str(self.net_amount),
            "deviations": [d.to_json() for d in self.deviations],
            "differences": [d.to_json() for d in self.differences],
        }


@dataclass(frozen=True, slots=True)
class MatchResult:
    """The whole invoice: outcome (worst line, or deviation on the total), lines, the total compared."""

    mode: Mode
    outcome: Outcome
    within_tolerance: bool
    lines: tuple[LineMatch, ...]
    total: Deviation
    total_within: bool
    deviations: tuple[Deviation, ...] = field(default=())  # every deviation beyond tolerance, the total's last

    def to_json(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "outcome": self.outcome,
            "within_tolerance": self.within_tolerance,
            "lines": [x.to_json() for x in self.lines],
            "total": self.total.to_json(),
            "total_within": self.total_within,
            "deviations": [d.to_json() for d in self.deviations],
        }


# ------------------------------------------------------------------------------- text similarity

_WORD = re.compile(r"[a-z0-9æøå]+")


def normalise(text: str) -> str:
    """Lower case, accents folded (but æøå kept), punctuation to spaces.

    >>> normalise("  Kontorstol «ERGO»-sort, 2 stk ")
    'kontorstol ergo sort 2 stk'
    """
    lowered = text.lower().replace("æ", "\0a").replace("ø", "\0o").replace("å", "\0A")
    folded = unicodedata.normalize("NFKD", lowered).encode("ascii", "ignore").decode("ascii")
    folded = folded.replace("\0a", "æ").replace("\0o", "ø").replace("\0A", "å")
    return " ".join(_WORD.findall(folded))


def _features(text: str) -> tuple[frozenset[str], frozenset[str]]:
    norm = normalise(text)
    words = frozenset(w for w in norm.split() if len(w) > 1 or w.isdigit())
    padded = f" {norm} "
    grams = frozenset(padded[i : i + 3] for i in range(len(padded) - 2))
    return words, grams


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def text_similarity(a: str, b: str) -> float:
    """0-1: the mean of word overlap and letter-triple overlap of the normalised texts.

    >>> round(text_similarity("Kontorstol Ergo", "kontorstol ergo, sort"), 2) > 0.6
    True
    >>> text_similarity("Papir A4", "Toner HP 305") < 0.2
    True
    """
    fa, fb = _features(a), _features(b)
    return (_jaccard(fa[0], fb[0]) + _jaccard(fa[1], fb[1])) / 2


def _item_key(value: str) -> str:
    return re.sub(r"[\s\-./]", "", value).upper()


# ------------------------------------------------------------------------------------- helpers


def _pct(difference: Decimal, expected: Decimal) -> Decimal | None:
    if expected == 0:
        return None
    return (difference / abs(expected) * _HUNDRED).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _within(difference: Decimal, expected: Decimal, pct: Decimal | None, absolute: Decimal | None) -> bool:
    """A difference passes when it is within the percentage or within the absolute amount; no limit given: it passes."""
    size = abs(difference)
    if size == 0 or (pct is None and absolute is None):
        return True
    if pct is not None and size <= abs(expected) * pct / _HUNDRED:
        return True
    return absolute is not None and size <= absolute


def _open_quantity(line: OrderLine, *, received: bool) -> Decimal:
    base = line.quantity_received if received else line.quantity_ordered
    return base - line.quantity_invoiced_before


def _check_quantity(
    rule: Rule, quantity: Decimal, open_qty: Decimal, tolerance: Tolerance
) -> tuple[Deviation | None, bool]:
    """(the difference, if the quantity is over the open quantity; whether it is within the tolerance)."""
    if quantity <= open_qty:
        return None, True
    over = quantity - open_qty
    deviation = Deviation(rule, open_qty, quantity, over, _pct(over, open_qty))
    pct = tolerance.quantity_pct
    within = pct is not None and open_qty > 0 and over <= open_qty * pct / _HUNDRED
    return deviation, within


def _line_outcome(
    inv: InvoiceLine, order: OrderLine, tolerance: Tolerance, *, three_way: bool, paired_by: str, score: float
) -> LineMatch:
    open_order = _open_quantity(order, received=False)
    open_receipt = _open_quantity(order, received=True)
    open_qty = open_receipt if three_way else open_order
    quantity = inv.quantity
    if quantity is None:  # an amount-only line invoices what is open
        quantity = open_qty if open_qty > 0 else order.quantity_ordered
    unit_price = inv.unit_price
    if unit_price is None:
        unit_price = (inv.net_amount / quantity) if quantity else order.unit_price
    unit_price = abs(unit_price)
    beyond: list[Deviation] = []
    within: list[Deviation] = []
    checks: list[tuple[Rule, Decimal]] = [("quantity_over_order", open_order)]
    if three_way:
        checks.append(("quantity_over_receipt", open_receipt))
    for rule, limit in checks:
        found, ok = _check_quantity(rule, quantity, limit, tolerance)
        if found is not None:
            (within if ok else beyond).append(found)
    if unit_price != order.unit_price:
        diff = unit_price - order.unit_price
        price = Deviation("price", order.unit_price, unit_price, diff, _pct(diff, order.unit_price))
        ok = _within(diff, order.unit_price, tolerance.price_pct, tolerance.price_abs)
        (within if ok else beyond).append(price)
    outcome: Outcome = "deviation" if beyond else ("within_tolerance" if within else "matched")
    return LineMatch(
        invoice_index=inv.index,
        order_line_no=order.line_no,
        outcome=outcome,
        paired_by=paired_by,
        score=score,
        quantity=quantity,
        open_quantity=open_qty,
        unit_price=unit_price,
        order_price=order.unit_price,
        net_amount=inv.net_amount,
        deviations=tuple(beyond),
        differences=tuple(within),
    )


# ------------------------------------------------------------------------------------- pairing


def _amount_closeness(inv: InvoiceLine, order: OrderLine, three_way: bool) -> float:
    """1 when the invoice line's amount equals what is open on the order line at the ordered price, towards 0 apart."""
    quantity = inv.quantity if inv.quantity is not None else _open_quantity(order, received=three_way)
    expected = quantity * order.unit_price
    actual = inv.net_amount
    size = max(abs(expected), abs(actual))
    if size == 0:
        return 1.0
    return max(0.0, 1.0 - float(abs(expected - actual) / size))


def pair_lines(
    invoice_lines: Sequence[InvoiceLine], order_lines: Sequence[OrderLine], *, three_way: bool = False
) -> dict[int, tuple[int, str, float]]:
    """Invoice line index → (order line number, how it was paired, score). One-to-one, strongest first.

    >>> from decimal import Decimal as D
    >>> orders = [OrderLine(1, "", "Papir A4 80g", D(10), D(0), D(0), D(50)),
    ...           OrderLine(2, "", "Toner HP 305A sort", D(2), D(0), D(0), D(900))]
    >>> lines = [InvoiceLine(7, "", "HP 305A toner, sort", D(2), D(900), D(1800)),
    ...          InvoiceLine(8, "", "Kopipapir A4 80 g", D(10), D(50), D(500))]
    >>> {k: v[:2] for k, v in sorted(pair_lines(lines, orders).items())}
    {7: (2, 'text'), 8: (1, 'text')}
    """
    pairs: dict[int, tuple[int, str, float]] = {}
    taken: set[int] = set()
    by_item: dict[str, list[OrderLine]] = {}
    by_no = {o.line_no: o for o in order_lines}
    for o in order_lines:
        if o.item_id.strip():
            by_item.setdefault(_item_key(o.item_id), []).append(o)
    # 1. item numbers (the seller's or the buyer's)
    for inv in invoice_lines:
        for key in (inv.item_id, inv.buyer_item_id):
            if not key.strip():
                continue
            candidates = [o for o in by_item.get(_item_key(key), ()) if o.line_no not in taken]
            if candidates:
                ref = inv.order_line_ref.strip()
                chosen = next((o for o in candidates if str(o.line_no) == ref), candidates[0])
                pairs[inv.index] = (chosen.line_no, "item_id", 1.0)
                taken.add(chosen.line_no)
                break
    # 2. the invoice line's reference to the order line number (EHF BT-132)
    for inv in invoice_lines:
        if inv.index in pairs or not inv.order_line_ref.strip().isdigit():
            continue
        found = by_no.get(int(inv.order_line_ref.strip()))
        if found is not None and found.line_no not in taken:
            # an item number on both sides that disagrees is not the same line
            if inv.item_id and found.item_id and _item_key(inv.item_id) != _item_key(found.item_id):
                continue
            pairs[inv.index] = (found.line_no, "order_line_ref", 1.0)
            taken.add(found.line_no)
    # 3. text similarity and amount, best pair first
    rest_inv = [inv for inv in invoice_lines if inv.index not in pairs]
    rest_ord = [o for o in order_lines if o.line_no not in taken]
    if rest_inv and rest_ord:
        ord_features = {o.line_no: _features(o.description) for o in rest_ord}
        scored: list[tuple[float, int, int]] = []
        for inv in rest_inv:
            fi = _features(inv.description)
            for o in rest_ord:
                fo = ord_features[o.line_no]
                text = (_jaccard(fi[0], fo[0]) + _jaccard(fi[1], fo[1])) / 2
                score = 0.7 * text + 0.3 * _amount_closeness(inv, o, three_way)
                if text > 0.15 and score >= MIN_SCORE:
                    scored.append((score, inv.index, o.line_no))
        scored.sort(key=lambda t: (-t[0], t[1], t[2]))
        for score, index, line_no in scored:
            if index in pairs or line_no in taken:
                continue
            pairs[index] = (line_no, "text", score)
            taken.add(line_no)
    return pairs


# ---------------------------------------------------------------------------------------- match


def worst(outcomes: Iterable[Outcome]) -> Outcome:
    """The worst outcome of several (``matched`` for none)."""
    return max(outcomes, key=_RANK.__getitem__, default="matched")


def match_invoice(
    invoice_lines: Sequence[InvoiceLine],
    order_lines: Sequence[OrderLine],
    tolerance: Tolerance,
    *,
    three_way: bool,
    net_total: Decimal | None = None,
) -> MatchResult:
    """Match an invoice's lines with an order's lines; see the module docstring for the rules.

    ``net_total``, when given, is the invoice's amount excluding VAT: invoice-level charges and
    allowances (freight, a discount on the whole invoice) then count in the total comparison.
    """
    by_no = {o.line_no: o for o in order_lines}
    pairs = pair_lines(invoice_lines, order_lines, three_way=three_way)
    results: list[LineMatch] = []
    expected = actual = _ZERO
    for inv in invoice_lines:
        paired = pairs.get(inv.index)
        if paired is None:
            results.append(LineMatch(inv.index, None, "unmatched", net_amount=inv.net_amount, quantity=inv.quantity))
            continue
        line_no, how, score = paired
        m = _line_outcome(inv, by_no[line_no], tolerance, three_way=three_way, paired_by=how, score=score)
        results.append(m)
        expected += (m.quantity or _ZERO) * by_no[line_no].unit_price
        actual += inv.net_amount
    if net_total is not None:  # invoice-level charges and allowances count against the order too
        actual += net_total - sum((inv.net_amount for inv in invoice_lines), _ZERO)
    expected = expected.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    difference = actual - expected
    total = Deviation("total", expected, actual, difference, _pct(difference, expected))
    total_within = _within(difference, expected, tolerance.total_pct, tolerance.total_abs)
    outcome: Outcome = worst(m.outcome for m in results) if results else "unmatched"
    if not total_within and _RANK[outcome] < _RANK["deviation"]:
        outcome = "deviation"
    deviations = [d for m in results for d in m.deviations]
    if not total_within:
        deviations.append(total)
    ok = bool(results) and total_within and all(m.outcome in ("matched", "within_tolerance") for m in results)
    return MatchResult(
        mode="three_way" if three_way else "two_way",
        outcome=outcome,
        within_tolerance=ok,
        lines=tuple(results),
        total=total,
        total_within=total_within,
        deviations=tuple(deviations),
    )


__all__ = [
    "MIN_SCORE",
    "OUTCOMES",
    "Deviation",
    "InvoiceLine",
    "LineMatch",
    "MatchResult",
    "Mode",
    "OrderLine",
    "Outcome",
    "Rule",
    "Tolerance",
    "match_invoice",
    "normalise",
    "pair_lines",
    "text_similarity",
    "worst",
]
