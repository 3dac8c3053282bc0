"""Card split: 5,000 card charges matched to 20,000 Amazon order lines and split per item (core only).

Order lines are generated as Amazon Business rows (1-6 items per shipment, 1-3 shipments per
order, shipping on some rows, EUR, payment dates over a year). One card charge per shipment,
booked 0-2 days after the payment date. 85 % of the charges carry the payment reference in the
merchant text (``AMZN MKTP DE*...``); 15 % carry none and must be found by amount: most of
those one shipment, ~20 % two shipments of one order charged together, and some deliberately
with another shipment of the same amount in the window (these must come out "ambiguous").
Matching is :func:`fakturaflyt.core.cards.split.match_charges`, the split
:func:`fakturaflyt.core.cards.split.allocate` (checked to sum to the charge). "Wrong" is a
matched charge whose lines are not the ones it was generated for; it must be 0.
"""

from __future__ import annotations

import random
import time
from datetime import date, datetime, timedelta
from decimal import Decimal

from fakturaflyt.core.cards._csv import OSLO
from fakturaflyt.core.cards.orders import OrderLine
from fakturaflyt.core.cards.split import allocate, match_charges
from fakturaflyt.core.cards.statement import CardTransaction

CHARGES = 5_000
LINES = 20_000


def _ref(rng: random.Random) -> str:
    return "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(9)) + str(rng.randrange(10))


def generate(
    charges: int = CHARGES, lines: int = LINES, seed: int = 9
) -> tuple[list[CardTransaction], list[OrderLine], list[frozenset[int]], list[str]]:
    """Charges, order lines, per charge the ids of its lines, and per charge its kind."""
    rng = random.Random(seed)
    per_charge = lines // charges
    out_lines: list[OrderLine] = []
    plans: list[tuple[list[int], str, date, str]] = []  # line ids, ref, payment day, kind
    start = date(2025, 1, 1)
    order_no = 0
    while len(plans) < charges:
        order_no += 1
        order_id = f"302-{order_no:07d}-{rng.randrange(10**7):07d}"
        day = start + timedelta(days=rng.randrange(365))
        shipments = rng.choice((1, 1, 2, 3))
        for _ in range(shipments):
            ref = _ref(rng)
            ids = []
            for _ in range(max(1, min(6, round(rng.gauss(per_charge, 1.5))))):
                net = Decimal(rng.randrange(199, 60_000)).scaleb(-2)
                vat = (net * Decimal("0.19")).quantize(Decimal("0.01"))
                ship = Decimal(rng.choice((0, 0, 0, 399, 599))).scaleb(-2)
                ids.append(len(out_lines))
                out_lines.append(
                    OrderLine(
                        order_id,
                        f"Item {len(out_lines)}",
                        net,
                        vat,
                        ship,
                        "EUR",
                        payment_ref=ref,
                        payment_date=day,
                        order_date=day,
                        buyer="Kari",
                    )
                )
            plans.append((ids, ref, day, "ref"))
    plans = plans[:charges]
    keep = {i for ids, *_ in plans for i in ids}
    # Charges without a reference: the lines lose their payment reference too (consumer-like).
    kinds = ["ref"] * len(plans)
    for n in rng.sample(range(len(plans)), int(len(plans) * 0.15)):
        kinds[n] = "amount"
    charges_out: list[CardTransaction] = []
    expected: list[frozenset[int]] = []
    for n, (ids, ref, day, _) in enumerate(plans):
        amount = sum((out_lines[i].total for i in ids), Decimal(0))
        if kinds[n] == "amount":
            two = len(ids) > 1 and rng.random() < 0.2  # two shipments of one order, one charge
            if two:
                kinds[n] = "subset"
            for k, i in enumerate(ids):
                old = out_lines[i]
                out_lines[i] = OrderLine(
                    old.order_id,
                    old.title,
                    old.net,
                    old.vat,
                    old.shipping,
                    "EUR",
                    shipment_id=f"S{n}b" if two and k % 2 else f"S{n}",
                    payment_date=day,
                    order_date=day,
                )
            if rng.random() < 0.05:  # a twin shipment of exactly the same amount in the window
                kinds[n] = "ambiguous"
                out_lines.append(
                    OrderLine(
                        f"999-{n:07d}", "Twin", amount, Decimal(0), Decimal(0), "EUR", shipment_id="T", payment_date=day
                    )
                )
        booked = datetime.combine(day + timedelta(days=rng.randrange(3)), datetime.min.time(), OSLO)
        merchant = f"AMZN MKTP DE*{ref}" if kinds[n] == "ref" else "AMAZON.DE AMAZON.DE"
        charges_out.append(
            CardTransaction(
                f"C{n}",
                booked.replace(hour=rng.randrange(24)),
                merchant,
                amount,
                "EUR",
                None,
                "Kari",
                f"C{n}",
                ref if kinds[n] == "ref" else "",
            )
        )
        expected.append(frozenset(ids))
    # Order lines of no charge in this statement, up to the lines asked for.
    extra_day = start
    while len(out_lines) < lines:
        out_lines.append(
            OrderLine(
                "OLD",
                "Old",
                Decimal("1.00"),
                Decimal(0),
                Decimal(0),
                "EUR",
                payment_ref=_ref(rng),
                payment_date=extra_day - timedelta(days=400),
            )
        )
    del keep
    return charges_out, out_lines, expected, kinds


def run(charges: int = CHARGES, lines: int = LINES) -> list[tuple[str, str]]:
    started = time.perf_counter()
    cards, order_lines, expected, kinds = generate(charges, lines)
    rows = [
        (f"generate {len(cards):,} charges, {len(order_lines):,} order lines", f"{time.perf_counter() - started:.1f} s")
    ]
    index = {id(line): n for n, line in enumerate(order_lines)}
    started = time.perf_counter()
    matches = match_charges(cards, order_lines)
    took = time.perf_counter() - started
    rows.append(("match (group + reference + amount/subset)", f"{took:.2f} s ({len(cards) / took:,.0f} charges/s)"))
    started = time.perf_counter()
    exact = 0
    for m in matches:
        if m.status == "matched":
            exact += sum(s.total for s in allocate(m.charge.amount, m.lines)) == m.charge.amount
    took = time.perf_counter() - started
    matched = [(m, e, k) for m, e, k in zip(matches, expected, kinds, strict=True) if m.status == "matched"]
    rows.append(("split (allocate every matched charge)", f"{took:.2f} s; sums exact {exact}/{len(matched)}"))
    wrong = sum(1 for m, e, _ in matched if frozenset(index[id(x)] for x in m.lines) != e)
    rows.append(("matched automatically", f"{len(matched) / len(cards):.1%}"))
    for kind in ("ref", "amount", "subset", "ambiguous"):
        total = sum(1 for k in kinds if k == kind)
        auto = sum(1 for _, _, k in matched if k == kind)
        amb = sum(1 for m, k in zip(matches, kinds, strict=True) if k == kind and m.status == "ambiguous")
        rows.append((f"  of {kind} charges ({total:,})", f"{auto / max(total, 1):.1%} matched, {amb} ambiguous"))
    rows.append(("matched wrongly", f"{wrong / max(len(matched), 1):.3%} ({wrong})"))
    return rows


if __name__ == "__main__":
    for label, figure in run():
        print(f"{label:<55} {figure}")
