"""Amazon order exports: the corpus consumer samples and generated Business reports."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from fakturaflyt.core.cards import detect_orders, read_orders
from fakturaflyt.core.cards.amazon import read_business, read_consumer, read_items
from fakturaflyt.core.errors import FormatError
from tests.core.cards.conftest import business_report, item


def test_consumer_retail_order_history(corpus: Path) -> None:
    data = (corpus / "amazon" / "consumer_Retail.OrderHistory.1_karlmdavis_fixture.csv").read_bytes()
    assert detect_orders(data)[1] == "consumer"
    a, b = read_consumer(data)
    assert (a.order_id, a.net, a.vat, a.shipping, a.currency) == (
        "111-2223334-5556667",
        Decimal("45.99"),
        Decimal("3.91"),
        Decimal("0"),
        "USD",
    )
    assert a.total == Decimal("49.90")  # = Total Owed
    assert b.total == Decimal("21.68") and b.quantity == 2
    assert a.title.startswith("Echo Dot") and a.shipment_id == "AMZN_US(TBA123456789)"
    assert a.order_date == date(2024, 8, 15) and a.ship_date == date(2024, 8, 16)
    assert a.gl_code == "" and a.payment_instrument == "Visa - 1234"
    erica = read_orders(
        (corpus / "amazon" / "consumer_Retail.OrderHistory.1_karlmdavis_fixture_erica.csv").read_bytes()
    )
    assert len(erica) == 1 and erica[0].total == Decimal("26.99")


def test_items_style_list_totals_match_total_owed(corpus: Path) -> None:
    data = (corpus / "amazon" / "consumer_items_style_sample_orders_karlmdavis.csv").read_bytes()
    lines = read_items(data)
    assert len(lines) == 20
    by_order: dict[str, Decimal] = {}
    for line in lines:
        by_order[line.order_id] = by_order.get(line.order_id, Decimal(0)) + line.total
    assert by_order["888-6858475-5187674"] == Decimal("72.46")
    assert lines[0].net == Decimal("16.38") and lines[0].vat == Decimal("1.42")
    assert lines[0].order_date == date(2025, 9, 19)


def test_business_report_by_header_name(business_header: list[str]) -> None:
    rows = [
        item(
            "302-1111111-1111111",
            "2X4AB12C3",
            "Headset",
            "100.00",
            "19.00",
            "5.95",
            **{"GL Code": "6550", "Cost Center": "IT", "Project Code": "P-12", "Account User": "Kari"},
        ),
        item(
            "302-1111111-1111111",
            "2X4AB12C3",
            "Paper A4",
            "20.00",
            "3.80",
            "0.00",
            **{"Item Promotion": "-2.00", "Item Net Total": "21.80"},
        ),
    ]
    data = business_report(business_header, rows)
    assert detect_orders(data)[1] == "business"
    a, b = read_business(data)
    assert a.order_id == "302-1111111-1111111" and a.payment_ref == "2X4AB12C3"
    assert (a.net, a.vat, a.shipping, a.total) == (
        Decimal("100.00"),
        Decimal("19.00"),
        Decimal("5.95"),
        Decimal("124.95"),
    )
    assert (a.gl_code, a.cost_center, a.project, a.buyer, a.category) == ("6550", "IT", "P-12", "Kari", "44121600")
    assert a.payment_date == date(2026, 3, 2) and a.order_date == date(2026, 3, 1)
    assert b.net == Decimal("18.00") and b.total == Decimal("21.80")  # promotion taken off the net
    # Columns in another order, semicolons and decimal commas: still read by name.
    reordered = list(reversed(business_header))
    rows[0]["Item Net Total"] = "124,95"
    rows[0]["Item Shipping & Handling"] = "5,95"
    rows[0]["Payment Date"] = "13/03/2026"  # day first: detected
    again = read_business(business_report(reordered, rows, delimiter=";"))
    assert again[0].total == Decimal("124.95") and again[0].payment_date == date(2026, 3, 13)


def test_business_report_bad_cell_located(business_header: list[str]) -> None:
    data = business_report(business_header, [item("1", "R", "X", "1.00", "0.00", **{"Item Tax": "abc"})])
    with pytest.raises(FormatError) as err:
        read_business(data)
    assert err.value.code == "FF-CARD-AMOUNT" and err.value.problems[0].location == "line 2, column item tax"


def test_unknown_shop_refused() -> None:
    with pytest.raises(FormatError) as err:
        read_orders(b"a,b,c\n1,2,3\n")
    assert err.value.code == "FF-CARD-ORDERS-FORMAT"
