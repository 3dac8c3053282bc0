"""The interface every shop's order export implements: :class:`OrderLine` and a reader.

A shop module (see :mod:`fakturaflyt.core.cards.amazon`) is a module with these names:

* ``NAME``: a short id (``"amazon"``),
* ``sniff(header: Sequence[str]) -> str | None``: the layout name when the header row is one
  of the shop's exports, else ``None``,
* ``read(data: bytes) -> list[OrderLine]``: every item row of the export, raising
  :class:`~fakturaflyt.core.errors.FormatError` (``FF-CARD-*``, with line and column) on bad input,
* ``DOMESTIC: bool``: ``True`` only for a Norwegian shop charging Norwegian VAT; otherwise its
  items are purchases from abroad (import VAT or reverse charge, :mod:`fakturaflyt.core.cards.vat`),
* ``MERCHANT_PATTERNS: tuple[str, ...]``: regular expressions (searched case-insensitively)
  that recognise the shop in a card statement's merchant text (``r"\\bAMZN"``), used by
  :func:`fakturaflyt.core.cards.shop_for_merchant`.

Register it in :data:`fakturaflyt.core.cards.SHOPS`; :func:`fakturaflyt.core.cards.read_orders`
then picks it by the header. Amounts are ``Decimal`` in the order's currency: ``net`` is the
item price after discounts without VAT, ``vat`` the item's tax, ``shipping`` the shipping and
fees charged for the row (VAT on shipping included). ``total`` is what the row costs.

Rows charged together (one card charge per shipment at Amazon) share a :attr:`OrderLine.group_key`:
the payment reference when the export has one, else the order and shipment (or ship date).

>>> line = OrderLine(order_id="1", title="Paper", net=Decimal("80.00"), vat=Decimal("20.00"),
...                  shipping=Decimal("5.00"), currency="EUR", payment_ref="2X4AB12C3")
>>> line.total, line.group_key
(Decimal('105.00'), 'ref:2X4AB12C3')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class OrderLine:
    """One item row of a shop's order export (one item in one shipment)."""

    order_id: str
    title: str
    net: Decimal
    vat: Decimal = ZERO
    shipping: Decimal = ZERO
    currency: str = "NOK"
    quantity: Decimal = Decimal(1)
    shipment_id: str = ""
    payment_ref: str = ""
    payment_amount: Decimal | None = None
    payment_date: date | None = None
    payment_instrument: str = ""
    buyer: str = ""
    category: str = ""
    gl_code: str = ""
    cost_center: str = ""
    department: str = ""
    project: str = ""
    order_date: date | None = None
    ship_date: date | None = None
    item_id: str = ""
    source_row: int = 0

    @property
    def total(self) -> Decimal:
        """What the row costs: net + VAT + shipping."""
        return self.net + self.vat + self.shipping

    @property
    def group_key(self) -> str:
        """The key of the charge the row belongs to (payment reference, else order + shipment)."""
        if self.payment_ref:
            return f"ref:{self.payment_ref.upper()}"
        if self.shipment_id:
            return f"shp:{self.order_id}|{self.shipment_id}"
        return f"ord:{self.order_id}|{self.ship_date or self.order_date or ''}"

    @property
    def charge_date(self) -> date | None:
        """The day the shop charged the row: payment date, else ship date, else order date."""
        return self.payment_date or self.ship_date or self.order_date


class OrderReader(Protocol):
    """What a shop module provides (a module satisfies this protocol)."""

    NAME: str

    def sniff(self, header: Sequence[str]) -> str | None: ...

    def read(self, data: bytes) -> list[OrderLine]: ...
