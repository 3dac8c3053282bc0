"""Reading a received card file into rows, and storing the rows idempotently (issue 9 points 1-2).

:func:`read_card_file` tells what the bytes are and reads them with the framework-free readers
of :mod:`fakturaflyt.core.cards`:

* a **shop order report** (Amazon Business 73-column report, consumer ``Retail.OrderHistory.1.csv``,
  item list; any shop in :data:`fakturaflyt.core.cards.SHOPS`), chosen by its header;
* **camt.053/054 card entries** (ISO 20022 XML), read by :mod:`fakturaflyt.core.cards.camt`;
* a **CSV card statement**: the default layout or a preset detected from the header, or the
  explicit :class:`~fakturaflyt.core.cards.statement.ColumnMapping` (or preset name) given.

:func:`store_charges` and :func:`store_order_lines` add only what is new, so importing a file
again, or a report overlapping an earlier one, adds nothing twice:

* a charge is known by its ``external_id`` (the statement's reference, else the reader's
  stable row hash);
* an order line by its :func:`line_key`: a hash of shop, order id, item id and title,
  shipment and payment reference, quantity and amounts, plus a counter for identical rows of
  one file (two identical items in one shipment stay two lines, and the same two rows in a
  later, overlapping report are recognised as the same two).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from fakturaflyt.cards.error_codes import CardCode, CardError
from fakturaflyt.cards.models import CardCharge, CardImport, ShopOrderLine
from fakturaflyt.core.cards import detect_orders
from fakturaflyt.core.cards._csv import decode, rows
from fakturaflyt.core.cards.orders import OrderLine
from fakturaflyt.core.cards.statement import PRESETS, CardTransaction, ColumnMapping, detect_mapping, read_statement
from fakturaflyt.core.errors import FormatError

OSLO = ZoneInfo("Europe/Oslo")
STATEMENT = "statement"  # ImportKind.STATEMENT
ORDERS = "orders"  # ImportKind.ORDERS
CENT = Decimal("0.01")
CHUNK = 500


@dataclass
class ReadFile:
    """What a received file holds: card transactions (a statement) or order lines (a shop report)."""

    kind: str
    format: str
    shop: str = ""
    transactions: list[CardTransaction] = field(default_factory=list)
    order_lines: list[OrderLine] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(self.transactions) if self.kind == STATEMENT else len(self.order_lines)


def _camt() -> Any:
    """The camt card-entry reader (lazily: it is a separate module of the core)."""
    try:
        from fakturaflyt.core.cards import camt
    except ImportError:  # pragma: no cover - the module ships with the core
        return None
    return camt


def _looks_like_xml(data: bytes) -> bool:
    return data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def _unknown(filename: str) -> CardError:
    return CardError(
        CardCode.UNKNOWN_FILE,
        "This is neither a card statement (CSV with a known header or column mapping, camt.053/054) "
        "nor an order report of a shop we read (Amazon Business, Amazon order history).",
        filename or "file",
    )


def _mapping_name(mapping: ColumnMapping) -> str:
    for name, preset in PRESETS.items():
        if preset == mapping:
            return name
    return "custom"


def read_card_file(data: bytes, *, filename: str = "", mapping: ColumnMapping | str | None = None) -> ReadFile:
    """Detect and read a card statement or a shop's order report (see the module docstring).

    Raises :class:`CardError` ``FF-CARD-UNKNOWN-FILE``, or the reader's ``FormatError``
    (``FF-CARD-*`` naming line and column).
    """
    if not data.strip():
        raise CardError(CardCode.UNKNOWN_FILE, "The file is empty.", filename or "file")
    if mapping is not None:
        name = mapping if isinstance(mapping, str) else _mapping_name(mapping)
        return ReadFile(STATEMENT, name, transactions=read_statement(data, mapping))
    camt = _camt()
    if _looks_like_xml(data):
        if camt is None or not camt.looks_like_camt(data):
            raise _unknown(filename)
        head = data[:4000]
        fmt = "camt.054" if b"camt.054" in head else "camt.052" if b"camt.052" in head else "camt.053"
        return ReadFile(STATEMENT, fmt, transactions=camt.read_camt_card_transactions(data))
    table = rows(decode(data))
    if not table:
        raise CardError(CardCode.UNKNOWN_FILE, "The file has no rows.", filename or "file")
    try:
        shop, layout = detect_orders(data)
    except FormatError:
        shop = None
    if shop is not None:
        name = str(shop.NAME)
        return ReadFile(ORDERS, f"{name}-{layout}", shop=name, order_lines=shop.read(data))
    preset = detect_mapping(table[0])
    if preset is None:
        raise _unknown(filename)
    return ReadFile(STATEMENT, _mapping_name(preset), transactions=read_statement(data, preset))


# ------------------------------------------------------------------------------------ storing


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for i in range(0, len(items), CHUNK):
        yield items[i : i + CHUNK]


def store_charges(company: Any, imp: CardImport, transactions: Sequence[CardTransaction]) -> tuple[int, int]:
    """Add the transactions not imported before; (added, duplicates)."""
    ids = [t.id[:100] for t in transactions]
    known: set[str] = set()
    for chunk in _chunks(ids):
        known |= set(
            CardCharge.objects.filter(company=company, external_id__in=chunk).values_list("external_id", flat=True)
        )
    new: list[CardCharge] = []
    for tx, ident in zip(transactions, ids, strict=True):
        if ident in known:
            continue
        known.add(ident)
        new.append(
            CardCharge(
                company=company,
                card_import=imp,
                external_id=ident,
                booked_at=tx.booked_at,
                merchant=tx.merchant[:200],
                amount=_money(tx.amount),
                currency=tx.currency[:3].upper() or "NOK",
                amount_nok=_money(tx.amount_nok) if tx.amount_nok is not None else None,
                card_holder=tx.card_holder[:100],
                reference=tx.reference[:100],
                merchant_payment_ref=tx.merchant_payment_ref[:40],
            )
        )
    CardCharge.objects.bulk_create(new, batch_size=CHUNK)
    return len(new), len(transactions) - len(new)


def _money(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def line_key(shop: str, line: OrderLine, occurrence: int) -> str:
    """The row's identity: shop, order, item, shipment/payment reference, quantity, amounts, and its occurrence."""
    basis = "|".join(
        (
            shop,
            line.order_id.strip().upper(),
            line.item_id.strip().upper(),
            line.title.strip(),
            line.shipment_id.strip(),
            line.payment_ref.strip().upper(),
            f"{line.quantity.normalize():f}",
            f"{line.net:.2f}",
            f"{line.vat:.2f}",
            f"{line.shipping:.2f}",
            line.currency.upper(),
        )
    )
    return hashlib.sha256(f"{basis}|{occurrence}".encode()).hexdigest()


def keyed(shop: str, lines: Sequence[OrderLine]) -> list[tuple[str, OrderLine]]:
    """Each line with its :func:`line_key` (identical rows of one file counted 1, 2, ...)."""
    seen: Counter[str] = Counter()
    out = []
    for line in lines:
        first = line_key(shop, line, 0)
        seen[first] += 1
        out.append((line_key(shop, line, seen[first]), line))
    return out


def store_order_lines(company: Any, imp: CardImport, shop: str, lines: Sequence[OrderLine]) -> tuple[int, int]:
    """Add the report rows not imported before (by :func:`line_key`); (added, duplicates)."""
    pairs = keyed(shop, lines)
    known: set[str] = set()
    for chunk in _chunks([k for k, _ in pairs]):
        known |= set(
            ShopOrderLine.objects.filter(company=company, shop=shop, line_key__in=chunk).values_list(
                "line_key", flat=True
            )
        )
    new = []
    for key, line in pairs:
        if key in known:
            continue
        known.add(key)
        new.append(from_order_line(company, imp, shop, key, line))
    ShopOrderLine.objects.bulk_create(new, batch_size=CHUNK)
    return len(new), len(lines) - len(new)


def from_order_line(company: Any, imp: CardImport, shop: str, key: str, line: OrderLine) -> ShopOrderLine:
    """A :class:`ShopOrderLine` keeping every field of the report row."""
    return ShopOrderLine(
        company=company,
        card_import=imp,
        shop=shop[:20],
        line_key=key,
        order_id=line.order_id[:60],
        title=line.title[:500],
        net=_money(line.net),
        vat=_money(line.vat),
        shipping=_money(line.shipping),
        currency=(line.currency or "NOK")[:3].upper(),
        quantity=line.quantity.quantize(Decimal("0.001")),
        shipment_id=line.shipment_id[:80],
        payment_ref=line.payment_ref[:60],
        payment_amount=_money(line.payment_amount) if line.payment_amount is not None else None,
        payment_date=line.payment_date,
        payment_instrument=line.payment_instrument[:60],
        buyer=line.buyer[:100],
        category=line.category[:200],
        gl_code=line.gl_code[:40],
        cost_center=line.cost_center[:60],
        department=line.department[:60],
        project=line.project[:60],
        order_date=line.order_date,
        ship_date=line.ship_date,
        item_id=line.item_id[:60],
        source_row=line.source_row,
    )


def to_order_line(row: ShopOrderLine) -> OrderLine:
    """The core :class:`OrderLine` of a stored row (for matching and splitting)."""
    return OrderLine(
        order_id=row.order_id,
        title=row.title,
        net=row.net,
        vat=row.vat,
        shipping=row.shipping,
        currency=row.currency,
        quantity=row.quantity,
        shipment_id=row.shipment_id,
        payment_ref=row.payment_ref,
        payment_amount=row.payment_amount,
        payment_date=row.payment_date,
        payment_instrument=row.payment_instrument,
        buyer=row.buyer,
        category=row.category,
        gl_code=row.gl_code,
        cost_center=row.cost_center,
        department=row.department,
        project=row.project,
        order_date=row.order_date,
        ship_date=row.ship_date,
        item_id=row.item_id,
        source_row=row.source_row,
    )


def to_transaction(charge: CardCharge) -> CardTransaction:
    """The core :class:`CardTransaction` of a stored charge (for matching)."""
    return CardTransaction(
        id=charge.external_id,
        booked_at=charge.booked_at.astimezone(OSLO),
        merchant=charge.merchant,
        amount=charge.amount,
        currency=charge.currency,
        amount_nok=charge.amount_nok,
        card_holder=charge.card_holder,
        reference=charge.reference,
        merchant_payment_ref=charge.merchant_payment_ref,
    )


__all__ = [
    "ReadFile",
    "from_order_line",
    "keyed",
    "line_key",
    "read_card_file",
    "store_charges",
    "store_order_lines",
    "to_order_line",
    "to_transaction",
]
