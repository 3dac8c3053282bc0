"""PO matching: 10,000 invoices matched two- and three-way against 10,000 purchase orders with the core.

Each purchase order has 1-5 lines (item number, text, quantity, price); its invoice has the same
lines in shuffled order, a quarter of them without item number (paired by text and amount), some
with a price within or beyond tolerance, some with a quantity over the receipt. Only the core
(:func:`fakturaflyt.core.matching.purchase.match_invoice`) is timed: no database.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from decimal import Decimal

from fakturaflyt.core.matching.purchase import InvoiceLine, OrderLine, Tolerance, match_invoice

N = 10_000
WORDS = (
    "kontorstol skrivebord papir toner lisens kabel skjerm tastatur mus lampe hylle rekol kaffe vann "
    "konsulenttimer montering frakt service batteri lader headset"
).split()


def _data(seed: int = 6) -> list[tuple[list[InvoiceLine], list[OrderLine], bool]]:
    rng = random.Random(seed)
    cases = []
    for n in range(N):
        orders: list[OrderLine] = []
        invoice: list[InvoiceLine] = []
        three_way = n % 3 == 0
        for no in range(1, rng.randint(1, 5) + 1):
            text = " ".join(rng.sample(WORDS, 3))
            qty = Decimal(rng.randint(1, 50))
            price = Decimal(rng.randint(100, 500_000)) / 100
            received = qty if not three_way or rng.random() > 0.05 else qty - 1
            orders.append(OrderLine(no, f"IT-{n}-{no}", text, qty, received, Decimal(0), price))
            inv_price = price
            r = rng.random()
            if r < 0.05:
                inv_price = (price * Decimal("1.01")).quantize(Decimal("0.01"))
            elif r < 0.08:
                inv_price = (price * Decimal("1.10")).quantize(Decimal("0.01"))
            item = f"IT-{n}-{no}" if rng.random() > 0.25 else ""
            invoice.append(
                InvoiceLine(no, item, text.upper(), qty, inv_price, (qty * inv_price).quantize(Decimal("0.01")))
            )
        rng.shuffle(invoice)
        cases.append((invoice, orders, three_way))
    return cases


def run() -> list[tuple[str, str]]:
    cases = _data()
    tolerance = Tolerance()
    outcomes: Counter[str] = Counter()
    started = time.perf_counter()
    for invoice, orders, three_way in cases:
        outcomes[match_invoice(invoice, orders, tolerance, three_way=three_way).outcome] += 1
    seconds = time.perf_counter() - started
    lines = sum(len(c[0]) for c in cases)
    return [
        ("invoices matched", f"{N:,} ({lines:,} lines)"),
        ("time", f"{seconds:.2f} s"),
        ("invoices per second", f"{N / seconds:,.0f}"),
        ("outcomes", ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items()))),
    ]


if __name__ == "__main__":
    for label, figure in run():
        print(f"{label:<30} {figure}")
