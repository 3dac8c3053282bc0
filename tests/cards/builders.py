"""Small card files for the CLI and API tests: an Amazon Business report and a statement (default layout)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import timezone

from fakturaflyt.cards.demo_data import Charge, Item, Order, Shipment, business_report, report_rows, statement_csv

IT, OFFICE = "Electronics", "Office Products"
ORDERS = (
    Order(
        "302-1111111-1111111",
        10,
        "Kari Nordmann",
        "kari@testfirma.no",
        (
            Shipment(
                "1AB2CD3EF4",
                9,
                (
                    Item("Jabra Evolve2 65 headset", "B000000001", IT, "43211708", "100.00", gl_code="6551"),
                    Item("A4 copy paper", "B000000002", OFFICE, "14111507", "20.00", shipping="5.00", gl_code="6800"),
                ),
            ),
        ),
    ),
    Order(
        "302-2222222-2222222",
        8,
        "Kari Nordmann",
        "kari@testfirma.no",
        (Shipment("5GH6IJ7KL8", 7, (Item("Toner black", "B000000003", OFFICE, "44103103", "50.00", gl_code="6800"),)),),
    ),
    Order(
        "302-3333333-3333333",
        8,
        "Per Hansen",
        "per@testfirma.no",
        (Shipment("9MN8OP7QR6", 7, (Item("Toner black", "B000000003", OFFICE, "44103103", "50.00", gl_code="6800"),)),),
    ),
)
CHARGES = (
    Charge("T-1", 8, "10:00", "AMZN MKTP DE*1AB2CD3EF4", Decimal("125.00"), "EUR", "Kari Nordmann", "reference"),
    Charge("T-2", 6, "11:00", "AMZN MKTP DE", Decimal("50.00"), "EUR", "Kari Nordmann", "ambiguous"),
    Charge("T-3", 5, "12:00", "AMZN MKTP DE*0ZZ9YY8XX7", Decimal("12.34"), "EUR", "Per Hansen", "unmatched"),
    Charge("T-4", 4, "08:15", "CIRCLE K NORGE 0231 OSLO", Decimal("500.00"), "NOK", "Per Hansen", "fuel"),
)


def today() -> date:
    return timezone.localdate()


def report() -> bytes:
    return business_report(report_rows(today(), ORDERS))


def statement() -> bytes:
    return statement_csv(c.row(today()) for c in CHARGES)
