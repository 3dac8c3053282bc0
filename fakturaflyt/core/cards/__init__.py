"""Company-card charges matched to shop orders and split per item (issue 9, framework-free).

* :mod:`.statement`: card statement CSV (:func:`read_statement`, :class:`ColumnMapping`, presets).
* :mod:`.orders`: the shop-export interface (:class:`OrderLine`, ``sniff``/``read``).
* :mod:`.amazon`: Amazon Business report, consumer ``Retail.OrderHistory.1.csv``, item list.
* :mod:`.split`: :func:`match_charges` and :func:`allocate`.
* :mod:`.vat`: the Norwegian VAT code of one item (:func:`~.vat.vat_for_line`, :func:`~.vat.is_foreign`).
* :mod:`.camt`: card entries of camt.052/053/054 bank statements.

:func:`read_orders` reads any registered shop's export, chosen by its header (:data:`SHOPS`).
"""

from __future__ import annotations

import re
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


def shop_by_name(name: str) -> ModuleType | None:
    """The registered shop module whose ``NAME`` is ``name`` (case-insensitive), else ``None``."""
    wanted = name.strip().lower()
    for shop in SHOPS:
        if str(shop.NAME).lower() == wanted:
            return shop
    return None


def shop_for_merchant(merchant: str) -> str | None:
    """The ``NAME`` of the shop whose ``MERCHANT_PATTERNS`` match a card statement's merchant text.

    Patterns are regular expressions searched case-insensitively; ``None`` when no shop matches.

    >>> shop_for_merchant("AMZN MKTP DE*2X4AB12C3"), shop_for_merchant("Amazon Business EU")
    ('amazon', 'amazon')
    >>> shop_for_merchant("REMA 1000 GRUNERLOKKA") is None
    True
    """
    for shop in SHOPS:
        for pattern in getattr(shop, "MERCHANT_PATTERNS", ()):
            if re.search(pattern, merchant, re.IGNORECASE):
                return str(shop.NAME)
    return None
