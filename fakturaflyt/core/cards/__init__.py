"""Company-card charges matched to shop orders and split per item (issue 9, framework-free).

* :mod:`.statement`: card statement CSV (:func:`read_statement`, :class:`ColumnMapping`, presets).
* :mod:`.orders`: the shop-export interface (:class:`OrderLine`, ``sniff``/``read``).
* :mod:`.amazon`: Amazon Business report, consumer ``Retail.OrderHistory.1.csv``, item list.
* :mod:`.split`: :func:`match_charges` and :func:`allocate`.

:func:`read_orders` reads any registered shop's export, chosen by its header (:data:`SHOPS`).
"""

from __future__ import annotations

from types import ModuleType

from fakturaflyt.core.cards import amazon
from fakturaflyt.core.cards._csv import decode, rows
from fakturaflyt.core.cards.orders import OrderLine
from fakturaflyt.core.errors import FormatError

SHOPS: list[ModuleType] = [amazon]


def detect_orders(data: bytes) -> tuple[ModuleType, str]:
    """The shop module and layout whose ``sniff`` accepts the file's header."""
    header = rows(decode(data))[0]
    for shop in SHOPS:
        layout = shop.sniff(header)
        if layout:
            return shop, str(layout)
    raise FormatError("FF-CARD-ORDERS-FORMAT", "The file is not an order export of a known shop", "line 1")


def read_orders(data: bytes) -> list[OrderLine]:
    """The order lines of any known shop's export (detected from the header)."""
    shop, _ = detect_orders(data)
    result: list[OrderLine] = shop.read(data)
    return result
