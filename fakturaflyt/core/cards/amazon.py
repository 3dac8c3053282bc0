"""Amazon order exports as :class:`~fakturaflyt.core.cards.orders.OrderLine` rows.

Three layouts, recognised by header names (never by position):

* ``"business"``: the Amazon Business "Order History" report (Business Analytics > Reports,
  73 columns, one row per item per payment). Used: Order ID, Order Date, Shipment Date (when
  present), Payment Reference ID, Payment Date, Payment Amount, Payment Instrument Type,
  Account User, GL Code, Department, Cost Center, Project Code, UNSPSC / Segment / Amazon-Internal
  Product Category, ASIN, Title, Item Quantity, Item Subtotal, Item Shipping & Handling,
  Item Promotion, Item Tax, Item Net Total, Currency. ``Item Net Total`` (subtotal + shipping +
  tax - promotion) is the row's total; net = total - tax - shipping.
* ``"consumer"``: ``Retail.OrderHistory.1.csv`` from "Request my data" (28 columns, one row
  per item per shipment): net = Shipment Item Subtotal - Total Discounts, VAT = Shipment Item
  Subtotal Tax, shipping = Shipping Charge; shipments told apart by the carrier tracking number.
* ``"items"``: the simplified item list (Order ID, Order Date, Ship Date, Title, Quantity,
  ASIN/ISBN, Item Subtotal incl. tax, Item Tax).

Excel-wrapped ids (``="6674"``), "Not Available" markers, currency symbols and US or European
number and date styles are handled; a bad cell raises ``FF-CARD-*`` with line and column.

>>> sniff(["Website", "Order ID", "Order Date", "Shipment Item Subtotal", "Product Name"])
'consumer'
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal

from fakturaflyt.core.cards._csv import clean, decode, norm_header, parse_amount, parse_date, rows, slash_order
from fakturaflyt.core.cards.orders import ZERO, OrderLine
from fakturaflyt.core.errors import FormatError

NAME = "amazon"
#: Amazon has no Norwegian store: every Amazon purchase is one from abroad (see :mod:`.vat`).
DOMESTIC = False
#: How Amazon charges look on card statements (``AMZN MKTP DE*2X4AB12C3``, ``AMAZON.DE``,
#: ``Amazon Business EU``, ``AMZNMKTPLACE``); Amazon Web Services bills separately and is not a shop order.
MERCHANT_PATTERNS: tuple[str, ...] = (
    r"\bAMZN",
    r"\bAMZ\s*MKTP",
    r"\bAMAZON(?![\s.]*WEB\s*SERVICES)",
)
_BUSINESS = ("order id", "payment reference id", "item net total", "title")
_CONSUMER = ("order id", "shipment item subtotal", "product name")
_ITEMS = ("order id", "item subtotal", "title", "ship date")


def sniff(header: Sequence[str]) -> str | None:
    """``"business"``, ``"consumer"``, ``"items"`` or ``None`` for the header row."""
    names = {norm_header(h) for h in header}
    for layout, needed in (("business", _BUSINESS), ("consumer", _CONSUMER), ("items", _ITEMS)):
        if all(n in names for n in needed):
            return layout
    return None


class _Row:
    """Cells of one row by header name, with located parsing."""

    def __init__(self, index: dict[str, int], row: list[str], line: int, slash: str, currency: str) -> None:
        self.index, self.row, self.line, self.slash, self.currency = index, row, line, slash, currency

    def __call__(self, *names: str) -> str:
        for name in names:
            i = self.index.get(name)
            if i is not None and i < len(self.row):
                value = clean(self.row[i])
                if value:
                    return value
        return ""

    def where(self, name: str) -> str:
        return f"line {self.line}, column {name}"

    def amount(self, name: str, default: Decimal | None = ZERO) -> Decimal | None:
        text = self(name)
        if not text:
            return default
        return parse_amount(text, location=self.where(name))

    def money(self, name: str) -> Decimal:
        value = self.amount(name)
        return value if value is not None else ZERO

    def day(self, *names: str) -> date | None:
        for name in names:
            text = self(name)
            if text:
                return parse_date(text, location=self.where(name), slash=self.slash)
        return None


def _table(data: bytes, layout: str) -> tuple[dict[str, int], list[list[str]], str]:
    table = rows(decode(data))
    header = table[0]
    if sniff(header) != layout:
        raise FormatError("FF-CARD-HEADER", f"The header is not an Amazon {layout} order export", "line 1")
    index = {norm_header(h): i for i, h in reversed(list(enumerate(header)))}
    date_cells = [r[i] for r in table[1:200] for n, i in index.items() if "date" in n and i < len(r)]
    return index, table[1:], slash_order(date_cells)


def _quantity(r: _Row, name: str) -> Decimal:
    q = r.amount(name, None)
    return q if q is not None and q > 0 else Decimal(1)


def _read(data: bytes, layout: str, build: Callable[[_Row], OrderLine]) -> list[OrderLine]:
    index, body, slash = _table(data, layout)
    return [build(_Row(index, row, n, slash, "")) for n, row in enumerate(body, start=2)]


def _business(r: _Row) -> OrderLine:
    currency = r("currency").upper() or "USD"
    shipping = r.money("item shipping & handling")
    vat = r.money("item tax")
    total = r.amount("item net total", None)
    if total is None:
        promotion = abs(r.money("item promotion"))
        total = r.money("item subtotal") + shipping + vat - promotion
    order_id = r("order id")
    if not order_id:
        raise FormatError("FF-CARD-ORDER-ID", "The row has no Order ID", r.where("order id"))
    return OrderLine(
        order_id=order_id,
        title=r("title"),
        net=total - vat - shipping,
        vat=vat,
        shipping=shipping,
        currency=currency,
        quantity=_quantity(r, "item quantity"),
        shipment_id=r("shipment id", "carrier tracking #"),
        payment_ref=r("payment reference id"),
        payment_amount=r.amount("payment amount", None),
        payment_date=r.day("payment date"),
        payment_instrument=r("payment instrument type"),
        buyer=r("account user", "account user email"),
        category=r("unspsc", "commodity", "segment", "amazon-internal product category"),
        gl_code=r("gl code"),
        cost_center=r("cost center"),
        department=r("department"),
        project=r("project code"),
        order_date=r.day("order date"),
        ship_date=r.day("shipment date", "ship date"),
        item_id=r("asin", "part number"),
        source_row=r.line,
    )


def _consumer(r: _Row) -> OrderLine:
    order_id = r("order id")
    if not order_id:
        raise FormatError("FF-CARD-ORDER-ID", "The row has no Order ID", r.where("order id"))
    return OrderLine(
        order_id=order_id,
        title=r("product name"),
        net=r.money("shipment item subtotal") - abs(r.money("total discounts")),
        vat=r.money("shipment item subtotal tax"),
        shipping=r.money("shipping charge"),
        currency=r("currency").upper() or "USD",
        quantity=_quantity(r, "quantity"),
        shipment_id=r("carrier name & tracking number"),
        payment_instrument=r("payment instrument type"),
        category="",
        order_date=r.day("order date"),
        ship_date=r.day("ship date"),
        item_id=r("asin"),
        source_row=r.line,
    )


def _items(r: _Row) -> OrderLine:
    order_id = r("order id")
    if not order_id:
        raise FormatError("FF-CARD-ORDER-ID", "The row has no Order ID", r.where("order id"))
    subtotal = r.money("item subtotal")
    tax = r.money("item tax")
    return OrderLine(
        order_id=order_id,
        title=r("title"),
        net=subtotal - tax,
        vat=tax,
        currency=r("currency").upper() or "USD",
        quantity=_quantity(r, "quantity"),
        order_date=r.day("order date"),
        ship_date=r.day("ship date"),
        item_id=r("asin/isbn", "asin"),
        source_row=r.line,
    )


def read_business(data: bytes) -> list[OrderLine]:
    """The item rows of an Amazon Business order history report."""
    return _read(data, "business", _business)


def read_consumer(data: bytes) -> list[OrderLine]:
    """The item rows of a consumer ``Retail.OrderHistory.1.csv``."""
    return _read(data, "consumer", _consumer)


def read_items(data: bytes) -> list[OrderLine]:
    """The item rows of the simplified Amazon item list."""
    return _read(data, "items", _items)


def read(data: bytes) -> list[OrderLine]:
    """Any of the three Amazon layouts, detected from the header."""
    layout = sniff(rows(decode(data))[0])
    readers = {"business": read_business, "consumer": read_consumer, "items": read_items}
    if layout is None:
        raise FormatError("FF-CARD-HEADER", "The header is not an Amazon order export", "line 1")
    return readers[layout](data)
