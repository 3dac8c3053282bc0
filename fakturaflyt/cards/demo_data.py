"""The demo's card files as data: an Amazon Business order report and a card statement (issue 9).

Everything is relative to a day (``today``), so the demo always shows the last two months.
:func:`business_report` writes the Amazon Business "Order History" report with its real
73-column header (:data:`AMAZON_BUSINESS_HEADER`, kept here so the demo never needs the test
corpus); :func:`statement_csv` writes a card statement in the default layout
(``date,time,merchant,amount,currency,amount_nok,card_holder,reference``).

What the files are built to show (see :data:`ORDERS` and :func:`demo_charges`):

* charges found by the Amazon payment reference in the merchant text (``AMZN MKTP DE*…``),
* one found by its amount alone, one that is two shipments of one order charged together
  (found by subset sum), one with two equally good shipments (ambiguous: a person chooses),
  one Amazon charge with no report row yet (unmatched),
* a gift-card part payment (the card paid less than the items: spread pro rata, flagged),
* a digital item (a software download), shipping on some rows, buyer-entered GL code, cost
  center and project on some rows (the demo company's accounts, departments and projects),
* non-shop merchants (fuel, a flight, a hotel, Microsoft, groceries) coded as one line each,
  and a refund.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

# The Amazon Business order history report, 73 columns, in the order Amazon writes them.
AMAZON_BUSINESS_HEADER: tuple[str, ...] = (
    "Order Date",
    "Order ID",
    "Account Group",
    "PO Number",
    "Order Quantity",
    "Currency",
    "Order Subtotal",
    "Order Shipping & Handling",
    "Order Promotion",
    "Order Tax",
    "Order Net Total",
    "Order Status",
    "Approver",
    "Order Receiving Status",
    "Order Received Quantity",
    "Account User",
    "Account User Email",
    "Invoice Status",
    "Total Amount",
    "Invoice Due Amount",
    "Invoice Issue Date",
    "Invoice Due Date",
    "Payment Reference ID",
    "Payment Date",
    "Payment Amount",
    "Payment Instrument Type",
    "Payment Identifier",
    "Amazon-Internal Product Category",
    "ASIN",
    "Title",
    "UNSPSC",
    "Segment",
    "Family",
    "Class",
    "Commodity",
    "Brand Code",
    "Brand",
    "Manufacturer",
    "National Stock Number",
    "Item model number",
    "Part number",
    "Product Condition",
    "Company Compliance",
    "Listed PPU",
    "Purchase PPU",
    "Item Quantity",
    "Item Subtotal",
    "Item Shipping & Handling",
    "Item Promotion",
    "Item Tax",
    "Item Net Total",
    "PO Line Item Id",
    "Tax Exemption Applied",
    "Tax Exemption Type",
    "Tax Exemption Opt Out",
    "Pricing Savings program",
    "Pricing Discount Applied",
    "Receiving Status",
    "Received Quantity",
    "Received Date",
    "Receiver Name",
    "Receiver Email",
    "GL Code",
    "Department",
    "Cost Center",
    "Project Code",
    "Location",
    "Custom Field 1",
    "Seller Name",
    "Seller Credentials",
    "Seller City",
    "Seller State",
    "Seller ZipCode",
)
STATEMENT_HEADER = ("date", "time", "merchant", "amount", "currency", "amount_nok", "card_holder", "reference")
# Amazon writes these ids as Excel formulas (="6674") so that spreadsheets keep leading zeros.
EXCEL_WRAPPED = ("Order ID", "PO Number", "GL Code", "Cost Center", "Payment Identifier")


def business_report(rows: Iterable[Mapping[str, object]]) -> bytes:
    """An Amazon Business order history report: the 73-column header and one row per item dict."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(AMAZON_BUSINESS_HEADER)
    for row in rows:
        cells = []
        for name in AMAZON_BUSINESS_HEADER:
            value = str(row.get(name, "") or "")
            cells.append(f'="{value}"' if value and name in EXCEL_WRAPPED else value)
        writer.writerow(cells)
    return out.getvalue().encode("utf-8")


def statement_csv(rows: Iterable[Mapping[str, object]]) -> bytes:
    """A card statement in the default layout, one row per dict (keys of :data:`STATEMENT_HEADER`)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(STATEMENT_HEADER)
    for row in rows:
        writer.writerow([str(row.get(name, "") if row.get(name) is not None else "") for name in STATEMENT_HEADER])
    return out.getvalue().encode("utf-8")


# --------------------------------------------------------------------------------- the orders


@dataclass(frozen=True)
class Item:
    """One item row: quantity × unit price (EUR), its tax and shipping, what the buyer entered."""

    title: str
    asin: str
    category: str
    unspsc: str
    unit: str
    quantity: int = 1
    tax: str = "0.00"
    shipping: str = "0.00"
    gl_code: str = ""
    cost_center: str = ""
    project: str = ""
    brand: str = ""

    @property
    def subtotal(self) -> Decimal:
        return Decimal(self.unit) * self.quantity

    @property
    def total(self) -> Decimal:
        return self.subtotal + Decimal(self.tax) + Decimal(self.shipping)


@dataclass(frozen=True)
class Shipment:
    """Items Amazon charged together (one payment reference); ``paid`` overrides the amount (gift card)."""

    ref: str
    paid_days_ago: int
    items: tuple[Item, ...]
    paid: str | None = None
    instrument: str = "Visa"

    @property
    def total(self) -> Decimal:
        return sum((i.total for i in self.items), Decimal("0.00"))

    @property
    def payment(self) -> Decimal:
        return Decimal(self.paid) if self.paid is not None else self.total


@dataclass(frozen=True)
class Order:
    order_id: str
    days_ago: int
    buyer: str
    email: str
    shipments: tuple[Shipment, ...] = field(default_factory=tuple)


HEADSET = ("Jabra Evolve2 65 MS Stereo Headset, USB-A, Bluetooth", "B08B1BHHD2", "Electronics", "43211708")
IT, OFFICE, BOOKS, SOFTWARE = "Electronics", "Office Products", "Books", "Digital Software"

ORDERS: tuple[Order, ...] = (
    Order(
        "302-4418806-1175301",
        58,
        "Per Innkjøper",
        "innkjop@nordlys.demo",
        (
            Shipment(
                "4XK9PL2QWN",
                57,
                (
                    Item(*HEADSET, unit="189.00", brand="Jabra"),  # no buyer coding: the accountant corrects it
                    Item(
                        "Delock DisplayPort to HDMI monitor cable 2 m",
                        "B00DHJ2W6O",
                        IT,
                        "26121609",
                        "8.49",
                        quantity=2,
                        shipping="4.99",
                        brand="Delock",
                    ),
                ),
            ),
            Shipment(
                "7HM2RD5TYC",
                55,
                (
                    Item(
                        "Navigator Universal A4 copy paper 80 g, 500 sheets",
                        "B0046ZR7EE",
                        OFFICE,
                        "14111507",
                        "5.98",
                        quantity=5,
                        tax="7.48",
                        gl_code="6800",
                        cost_center="100",
                        brand="Navigator",
                    ),
                ),
            ),
        ),
    ),
    Order(
        "028-7731940-5528316",
        45,
        "Ola Regnskapsfører",
        "regnskap@nordlys.demo",
        (
            Shipment(
                "2QW8ZN4MBA",
                44,
                (
                    Item(
                        "HP 305A original toner cartridge, cyan (CE411A)",
                        "B004MMFV3S",
                        OFFICE,
                        "44103103",
                        "112.40",
                        gl_code="6800",
                        cost_center="100",
                        brand="HP",
                    ),
                    Item(
                        "Designing Data-Intensive Applications (Martin Kleppmann)",
                        "1449373321",
                        BOOKS,
                        "55101500",
                        "41.25",
                        gl_code="6860",
                        cost_center="400",
                        project="P1002",
                    ),
                ),
            ),
        ),
    ),
    Order(
        "302-9052264-3390714",
        33,
        "Per Innkjøper",
        "innkjop@nordlys.demo",
        (
            Shipment(
                "9TR3LS8KDE",
                32,
                (
                    Item(
                        "Logitech MX Keys wireless keyboard, Nordic layout",
                        "B07W6JN8V8",
                        IT,
                        "43211706",
                        "109.99",
                        gl_code="6551",
                        cost_center="400",
                        project="P1002",
                        brand="Logitech",
                    ),
                ),
            ),
            Shipment(
                "5GH7VB1NXQ",
                31,
                (
                    Item("Clean Code (Robert C. Martin)", "0132350882", BOOKS, "55101500", "31.60", cost_center="400"),
                    Item(
                        "Refactoring, 2nd edition (Martin Fowler)",
                        "0134757599",
                        BOOKS,
                        "55101500",
                        "44.95",
                        shipping="3.99",
                        cost_center="400",
                    ),
                ),
            ),
        ),
    ),
    Order(
        "D01-6620418-2288531",
        26,
        "Ingrid Admin",
        "admin@nordlys.demo",
        (
            Shipment(
                "3DL6QW9PZR",
                26,
                (
                    Item(
                        "Parallels Desktop 19 Pro Edition, 1 year, Mac (software download)",
                        "B0CGXV8R8K",
                        SOFTWARE,
                        "43232000",
                        "99.99",
                        brand="Parallels",
                    ),
                ),
            ),
        ),
    ),
    Order(  # the same toner ordered twice, by two people: two shipments of one amount
        "302-1187765-9043312",
        20,
        "Per Innkjøper",
        "innkjop@nordlys.demo",
        (
            Shipment(
                "8PL4MX2CWA",
                19,
                (
                    Item(
                        "Brother TN-2420 toner cartridge, black",
                        "B06XKPW7Q3",
                        OFFICE,
                        "44103103",
                        "54.90",
                        gl_code="6800",
                        cost_center="300",
                        brand="Brother",
                    ),
                ),
            ),
        ),
    ),
    Order(
        "028-5540021-7719045",
        19,
        "Ola Regnskapsfører",
        "regnskap@nordlys.demo",
        (
            Shipment(
                "6NB5QT7RJE",
                18,
                (
                    Item(
                        "Brother TN-2420 toner cartridge, black",
                        "B06XKPW7Q3",
                        OFFICE,
                        "44103103",
                        "54.90",
                        gl_code="6800",
                        cost_center="300",
                        brand="Brother",
                    ),
                ),
            ),
        ),
    ),
    Order(  # 25 EUR of it paid with a gift card: the card was charged the rest
        "302-6634109-4450287",
        14,
        "Ola Regnskapsfører",
        "regnskap@nordlys.demo",
        (
            Shipment(
                "1GC9KD3LMV",
                14,
                (
                    Item(
                        "The Pragmatic Programmer, 20th anniversary edition",
                        "0135957052",
                        BOOKS,
                        "55101500",
                        "42.80",
                        cost_center="400",
                        project="P1002",
                    ),
                    Item(
                        "Post-it Super Sticky notes 76 x 76 mm, 12 pads",
                        "B0013CDKBU",
                        OFFICE,
                        "14111514",
                        "12.40",
                        tax="3.10",
                        gl_code="6800",
                        cost_center="200",
                        brand="Post-it",
                    ),
                ),
                paid="33.30",
                instrument="Gift Certificate/Card and Visa",
            ),
        ),
    ),
    Order(  # a second headset: its department comes from the correction of the first
        "302-2290476-6612058",
        10,
        "Per Innkjøper",
        "innkjop@nordlys.demo",
        (
            Shipment(
                "4WE7UJ2NHB",
                9,
                (
                    Item(*HEADSET, unit="189.00", brand="Jabra"),
                    Item(
                        "Belkin USB-C to HDMI monitor cable 2 m",
                        "B07R7DG1ZM",
                        IT,
                        "26121609",
                        "14.99",
                        brand="Belkin",
                    ),
                ),
            ),
        ),
    ),
    Order(  # not charged yet: waits for next month's statement
        "302-8812045-1038862",
        3,
        "Kari Attestant",
        "attestant@nordlys.demo",
        (
            Shipment(
                "2RT6YU8IOP",
                2,
                (
                    Item(
                        "Moleskine Classic notebook A5, ruled, 3-pack",
                        "B015NG4Y6E",
                        OFFICE,
                        "14111514",
                        "23.80",
                        gl_code="6800",
                        cost_center="200",
                        project="P1003",
                        brand="Moleskine",
                    ),
                ),
            ),
        ),
    ),
)


def _us(day: date) -> str:
    return f"{day.month:02d}/{day.day:02d}/{day.year}"


def report_rows(today: date, orders: Iterable[Order] = ORDERS) -> list[dict[str, str]]:
    """The report's item rows for orders relative to ``today`` (US dates, as Amazon writes them)."""
    rows: list[dict[str, str]] = []
    for order in orders:
        items = [(s, i) for s in order.shipments for i in s.items]
        subtotal = sum((i.subtotal for _, i in items), Decimal("0.00"))
        shipping = sum((Decimal(i.shipping) for _, i in items), Decimal("0.00"))
        tax = sum((Decimal(i.tax) for _, i in items), Decimal("0.00"))
        for n, (shipment, item) in enumerate(items, start=1):
            paid_on = today - timedelta(days=shipment.paid_days_ago)
            rows.append(
                {
                    "Order Date": _us(today - timedelta(days=order.days_ago)),
                    "Order ID": order.order_id,
                    "Account Group": "Nordlys Kontormøbler AS",
                    "Order Quantity": str(sum(i.quantity for _, i in items)),
                    "Currency": "EUR",
                    "Order Subtotal": str(subtotal),
                    "Order Shipping & Handling": str(shipping),
                    "Order Promotion": "0.00",
                    "Order Tax": str(tax),
                    "Order Net Total": str(subtotal + shipping + tax),
                    "Order Status": "Closed",
                    "Account User": order.buyer,
                    "Account User Email": order.email,
                    "Invoice Status": "Paid",
                    "Payment Reference ID": shipment.ref,
                    "Payment Date": _us(paid_on),
                    "Payment Amount": str(shipment.payment),
                    "Payment Instrument Type": shipment.instrument,
                    "Payment Identifier": "4321",
                    "Amazon-Internal Product Category": item.category,
                    "ASIN": item.asin,
                    "Title": item.title,
                    "UNSPSC": item.unspsc,
                    "Brand": item.brand,
                    "Manufacturer": item.brand,
                    "Product Condition": "New",
                    "Listed PPU": item.unit,
                    "Purchase PPU": item.unit,
                    "Item Quantity": str(item.quantity),
                    "Item Subtotal": str(item.subtotal),
                    "Item Shipping & Handling": item.shipping,
                    "Item Promotion": "0.00",
                    "Item Tax": item.tax,
                    "Item Net Total": str(item.total),
                    "PO Line Item Id": str(n),
                    "Receiving Status": "Received",
                    "GL Code": item.gl_code,
                    "Cost Center": item.cost_center,
                    "Project Code": item.project,
                    "Location": "Oslo",
                    "Seller Name": "Amazon EU S.à r.l." if item.category != SOFTWARE else "Amazon Digital Services",
                    "Seller City": "Luxembourg",
                    "Seller ZipCode": "L-1855",
                }
            )
    return rows


# ------------------------------------------------------------------------------ the statement

EUR_NOK = Decimal("11.74")  # what the card issuer charged per euro (its rate with its markup)


@dataclass(frozen=True)
class Charge:
    """One statement row; ``kind`` says what the demo means it to show (the tests read it)."""

    reference: str
    days_ago: int
    clock: str
    merchant: str
    amount: Decimal
    currency: str
    holder: str
    kind: str

    def row(self, today: date) -> dict[str, str]:
        nok = (self.amount * EUR_NOK).quantize(Decimal("0.01")) if self.currency != "NOK" else self.amount
        return {
            "date": (today - timedelta(days=self.days_ago)).isoformat(),
            "time": self.clock,
            "merchant": self.merchant,
            "amount": str(self.amount),
            "currency": self.currency,
            "amount_nok": str(nok),
            "card_holder": self.holder,
            "reference": self.reference,
        }


def _shipment(ref: str) -> Shipment:
    return next(s for o in ORDERS for s in o.shipments if s.ref == ref)


def demo_charges() -> list[Charge]:
    """The statement's rows. Statement references (``DEMO-CARD-nn``) do not depend on the day."""
    a1, a2, b1 = _shipment("4XK9PL2QWN"), _shipment("7HM2RD5TYC"), _shipment("2QW8ZN4MBA")
    c1, c2, d1 = _shipment("9TR3LS8KDE"), _shipment("5GH7VB1NXQ"), _shipment("3DL6QW9PZR")
    e1, g1, h1 = _shipment("8PL4MX2CWA"), _shipment("1GC9KD3LMV"), _shipment("4WE7UJ2NHB")
    per, ingrid, ola = "Per Innkjøper", "Ingrid Admin", "Ola Regnskapsfører"
    nok = "NOK"
    return [
        Charge("DEMO-CARD-01", 56, "09:12", f"AMZN MKTP DE*{a1.ref}", a1.payment, "EUR", per, "reference"),
        Charge("DEMO-CARD-02", 54, "18:40", f"AMZN MKTP DE*{a2.ref}", a2.payment, "EUR", per, "reference"),
        Charge("DEMO-CARD-03", 50, "07:58", "CIRCLE K NORGE 0231 LILLESTROM", Decimal("812.40"), nok, ingrid, "fuel"),
        Charge("DEMO-CARD-04", 47, "12:03", "SAS AB 1170 OSLO", Decimal("2845.00"), nok, ingrid, "flight"),
        Charge("DEMO-CARD-05", 46, "22:17", "SCANDIC BERGEN CITY", Decimal("1690.00"), nok, ingrid, "hotel"),
        Charge("DEMO-CARD-06", 43, "10:25", "AMZN MKTP DE", b1.payment, "EUR", ola, "amount"),
        Charge("DEMO-CARD-07", 40, "00:04", "MICROSOFT*M365 BUSINESS", Decimal("1399.20"), nok, ola, "software"),
        Charge("DEMO-CARD-08", 30, "14:51", "AMZN MKTP DE", c1.payment + c2.payment, "EUR", per, "subset"),
        Charge("DEMO-CARD-09", 25, "03:30", f"AMZN MKTP DE*{d1.ref}", d1.payment, "EUR", ingrid, "digital"),
        Charge("DEMO-CARD-10", 21, "16:44", "REMA 1000 STORO", Decimal("312.50"), nok, ola, "groceries"),
        Charge("DEMO-CARD-11", 17, "11:09", "AMZN MKTP DE", e1.payment, "EUR", per, "ambiguous"),
        Charge("DEMO-CARD-12", 15, "09:00", "SAS AB 1170 OSLO", Decimal("-845.00"), nok, ingrid, "refund"),
        Charge("DEMO-CARD-13", 13, "20:36", f"AMZN MKTP DE*{g1.ref}", g1.payment, "EUR", ola, "gift_card"),
        Charge("DEMO-CARD-14", 8, "13:22", f"AMZN MKTP DE*{h1.ref}", h1.payment, "EUR", per, "learnt"),
        Charge("DEMO-CARD-15", 5, "19:05", "AMZN MKTP DE*0ZX5CV8BNM", Decimal("27.45"), "EUR", per, "unmatched"),
    ]


def statement_rows(today: date) -> list[dict[str, str]]:
    return [c.row(today) for c in demo_charges()]
