"""Card import end to end: an Amazon Business report and a card statement through the card app.

The charges and order lines of :mod:`benchmarks.card_split` (85 % with the payment reference in
the merchant text, the rest found by amount or as a sum of shipments, some ambiguous), written
as a real 73-column Business report and a default-layout statement, imported with
:func:`fakturaflyt.cards.services.import_card_file`: the file stored, read, de-duplicated,
matched, split and every line coded by the company's coding engine (with the VAT rule and
the buyer's entries), all in the database. Then the same two files again (nothing added), and
a share of the charges accepted (voucher series CARD). ``FAKTURAFLYT_BENCH_CARD_CHARGES`` sets
the number of charges (default 1 000, about 4 order lines each).

The share matched is lower than the core benchmark's: a Business report has no shipment id,
so for a charge without a payment reference the rows of one order paid on the same day form
one group, and a charge for one of two such shipments cannot be told apart: it is reported
unmatched (never guessed). Real Business reports carry the Payment Reference ID on every row.
"""

from __future__ import annotations

import os
import time
from decimal import Decimal

from benchmarks.card_split import generate

N_CHARGES = int(os.environ.get("FAKTURAFLYT_BENCH_CARD_CHARGES", "1000"))
N_ACCEPT = 100


def _rate(n: int, seconds: float, unit: str) -> str:
    return f"{n / seconds:,.0f} {unit} ({seconds:.1f} s)"


def _files(charges: int) -> tuple[bytes, bytes, int]:
    from fakturaflyt.cards.demo_data import business_report, statement_csv

    txs, lines, _, _ = generate(charges, charges * 4)
    rows = [
        {
            "Order Date": line.order_date.isoformat() if line.order_date else "",
            "Order ID": line.order_id,
            "Currency": line.currency,
            "Account User": line.buyer or "Kari Nordmann",
            "Payment Reference ID": line.payment_ref,
            "Payment Date": line.payment_date.isoformat() if line.payment_date else "",
            "Shipment ID": line.shipment_id,
            "Amazon-Internal Product Category": "Office Product",
            "Title": line.title,
            "Item Quantity": "1",
            "Item Subtotal": f"{line.net:.2f}",
            "Item Shipping & Handling": f"{line.shipping:.2f}",
            "Item Tax": f"{line.vat:.2f}",
            "Item Net Total": f"{line.total:.2f}",
            "GL Code": "6540",
            "Cost Center": "IT" if n % 3 == 0 else "",
        }
        for n, line in enumerate(lines)
    ]
    statement = [
        {
            "date": t.booked_at.date().isoformat(),
            "time": t.booked_at.strftime("%H:%M"),
            "merchant": t.merchant,
            "amount": f"{t.amount:.2f}",
            "currency": t.currency,
            "amount_nok": f"{(t.amount * Decimal('11.60')).quantize(Decimal('0.01'))}",
            "card_holder": "Kari Nordmann",
            "reference": t.reference,
        }
        for t in txs
    ]
    return business_report(rows), statement_csv(statement), len(lines)


def run() -> list[tuple[str, str]]:
    from fakturaflyt.cards import services
    from fakturaflyt.cards.models import CardCharge, ChargeLine
    from fakturaflyt.companies.services import create_company
    from fakturaflyt.ledger.models import Department

    company = create_company(None, orgnr="923609016", name="Kortbench AS", address_line="Gata 1", city="Oslo")
    Department.objects.get_or_create(company=company, code="500", defaults={"name": "IT"})
    report, statement, n_lines = _files(N_CHARGES)
    figures: list[tuple[str, str]] = []

    t = time.perf_counter()
    orders = services.import_card_file(company, report, None, filename="orders.csv")
    figures.append((f"import report: {n_lines:,} order lines", _rate(orders.added, time.perf_counter() - t, "lines/s")))

    t = time.perf_counter()
    result = services.import_card_file(company, statement, None, filename="statement.csv")
    elapsed = time.perf_counter() - t
    figures.append(
        (
            f"import statement: {result.added:,} charges matched, split and coded",
            _rate(result.added, elapsed, "charges/s"),
        )
    )
    total = CardCharge.objects.filter(company=company).count()
    matched = CardCharge.objects.filter(company=company, status="matched").count()
    figures.append(("  matched automatically", f"{matched / total:.1%} ({matched:,} of {total:,})"))
    figures.append(("  ambiguous / unmatched", f"{result.ambiguous:,} / {result.unmatched:,}"))
    figures.append(("  charge lines coded", f"{ChargeLine.objects.filter(charge__company=company).count():,}"))

    t = time.perf_counter()
    again = [services.import_card_file(company, data, None, filename="again.csv") for data in (report, statement)]
    figures.append(
        (
            "import both files again (adds nothing)",
            f"{sum(r.added for r in again)} added ({time.perf_counter() - t:.1f} s)",
        )
    )

    ready = list(CardCharge.objects.filter(company=company, status="matched").order_by("pk")[:N_ACCEPT])
    t = time.perf_counter()
    accepted = services.accept_many(company, None, [c.pk for c in ready])
    figures.append(
        (f"accept {accepted} charges (confirm, learn, post)", _rate(accepted, time.perf_counter() - t, "charges/s"))
    )
    return figures
