"""A generator of Amazon Business order history reports with the real 73-column header."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(scope="session")
def business_header(corpus: Path) -> list[str]:
    text = (corpus / "amazon" / "amazon_business_order_history_HEADER_ONLY.csv").read_text(encoding="utf-8-sig")
    header = next(csv.reader(io.StringIO(text)))
    assert len(header) == 73
    return header


def business_report(
    header: list[str], items: list[dict[str, Any]], *, delimiter: str = ",", excel_ids: bool = True
) -> bytes:
    """A Business report: one row per item dict (keys are header names); ids Excel-wrapped."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for item in items:
        row = []
        for name in header:
            value = item.get(name, "")
            if excel_ids and name in ("Order ID", "PO Number", "GL Code", "Cost Center") and value:
                value = f'="{value}"'
            row.append(str(value))
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


def item(order: str, ref: str, title: str, net: str, tax: str, ship: str = "0.00", **extra: Any) -> dict[str, Any]:
    from decimal import Decimal

    total = Decimal(net) + Decimal(tax) + Decimal(ship)
    row = {
        "Order Date": "03/01/2026",
        "Order ID": order,
        "Currency": "EUR",
        "Account User": "Kari Nordmann",
        "Payment Reference ID": ref,
        "Payment Date": "03/02/2026",
        "Payment Instrument Type": "Visa",
        "ASIN": f"B0{sum(map(ord, title)):08d}",
        "Title": title,
        "UNSPSC": "44121600",
        "Item Quantity": "1",
        "Item Subtotal": net,
        "Item Shipping & Handling": ship,
        "Item Promotion": "0.00",
        "Item Tax": tax,
        "Item Net Total": str(total),
    }
    row.update(extra)
    return row
