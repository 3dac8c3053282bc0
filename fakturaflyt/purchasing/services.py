"""The purchasing actions: create and import purchase orders, receive goods, set tolerances, match invoices.

One function per business action, each in one transaction with one audit event per change:

* :func:`create_order`: an order with its lines, every line checked (quantity, price, unit,
  and the coding against the company's chart, VAT codes and dimensions); all problems at once;
* :func:`import_orders_csv`: orders from a CSV file (layout in :mod:`.csvimport`), all or nothing;
* :func:`receive_goods`: a goods receipt (varemottak) of quantities per line, the order locked;
* :func:`set_tolerance` / :func:`tolerance_for`: the company's default or a supplier's tolerances;
* :func:`match_document` / :func:`po_coding` / :func:`record_invoiced` (in :mod:`.matching`): a
  supplier invoice matched with its order, the coding it takes from the order lines.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from fakturaflyt.coding.error_codes import CodingError
from fakturaflyt.coding.validation import validate as validate_coding
from fakturaflyt.companies.models import Company
from fakturaflyt.core.errors import FakturaflytError, Problem
from fakturaflyt.core.money import D
from fakturaflyt.ledger import audit
from fakturaflyt.payables.models import Supplier
from fakturaflyt.purchasing.error_codes import PurchasingCode, PurchasingError
from fakturaflyt.purchasing.matching import match_document, po_coding, record_invoiced, tolerance_for
from fakturaflyt.purchasing.models import (
    GoodsReceipt,
    GoodsReceiptLine,
    MatchTolerance,
    OrderStatus,
    PurchaseOrder,
    PurchaseOrderLine,
)

_UNIT = re.compile(r"^[A-Z0-9]{2,3}$")
LINE_FIELDS = (
    "line_no",
    "item_id",
    "description",
    "quantity",
    "unit",
    "unit_price",
    "account",
    "vat_code",
    "department",
    "project",
)


@dataclass
class OrderSpec:
    """An order as given (form, API or CSV), before it is checked: raw strings allowed for numbers and dates."""

    number: str
    supplier: Supplier | None
    order_date: date | None
    lines: list[dict[str, Any]]
    requested_by: Any = None
    currency: str = "NOK"
    note: str = ""
    where: dict[str, str] = field(default_factory=dict)  # field → location prefix ("line 3") for problems


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, Decimal):
        return value
    if value in (None, ""):
        return None
    try:
        return D(str(value))
    except FakturaflytError:
        return None


def check_line(company: Company, raw: Mapping[str, Any], where: str) -> tuple[dict[str, Any], list[Problem]]:
    """One order line, cleaned, and every problem with it (``where`` names the line, e.g. "line 4")."""
    problems: list[Problem] = []

    def problem(code: PurchasingCode, message: str, column: str) -> None:
        problems.append(Problem(str(code), message, f"{where}, column {column}" if where else column))

    line: dict[str, Any] = {name: str(raw.get(name) or "").strip() for name in LINE_FIELDS}
    number = line["line_no"]
    if isinstance(raw.get("line_no"), int):
        line["line_no"] = raw["line_no"]
    elif number.isdecimal() and int(number) > 0:
        line["line_no"] = int(number)
    else:
        problem(PurchasingCode.BAD_LINE_NO, f"The line number {number!r} must be a whole number from 1.", "line_no")
    if not line["description"]:
        problem(PurchasingCode.DESCRIPTION_REQUIRED, "Write what is ordered.", "description")
    quantity = _decimal(raw.get("quantity"))
    if quantity is None or quantity <= 0:
        problem(
            PurchasingCode.BAD_QUANTITY, f"The quantity {raw.get('quantity')!r} must be a number above 0.", "quantity"
        )
    price = _decimal(raw.get("unit_price"))
    if price is None or price < 0:
        problem(
            PurchasingCode.BAD_PRICE,
            f"The unit price {raw.get('unit_price')!r} must be a number, 0 or more.",
            "unit_price",
        )
    line["quantity"], line["unit_price"] = quantity, price
    line["unit"] = (line["unit"] or "EA").upper()
    if not _UNIT.match(line["unit"]):
        problem(PurchasingCode.BAD_UNIT, f"{line['unit']!r} is not a unit code (UN/ECE Rec 20: EA, HUR, KGM…).", "unit")
    coding = {t: line[t] for t in ("account", "vat_code", "department", "project")}
    try:
        validate_coding(company, coding, account_required=False)
    except CodingError as exc:
        problem(PurchasingCode.BAD_CODING, exc.message, exc.field)
    return line, problems


def check_order(company: Company, spec: OrderSpec, *, prefix: str = "") -> tuple[list[dict[str, Any]], list[Problem]]:
    """Every problem of an order spec (none: it can be saved) and its cleaned lines."""
    problems: list[Problem] = []
    loc = spec.where

    def problem(code: PurchasingCode, message: str, name: str) -> None:
        if loc.get(name) == "(reported)":  # the CSV reader reported it already, on its line
            return
        problems.append(Problem(str(code), message, loc.get(name, f"{prefix}{name}")))

    if not spec.number.strip():
        problem(PurchasingCode.NUMBER_REQUIRED, "Give the order a number.", "number")
    elif PurchaseOrder.objects.filter(company=company, number=spec.number.strip()).exists():
        problem(PurchasingCode.DUPLICATE_NUMBER, f"There is already an order number {spec.number}.", "number")
    if spec.supplier is None or spec.supplier.company_id != company.pk:
        problem(PurchasingCode.UNKNOWN_SUPPLIER, "Choose one of the company's suppliers.", "supplier")
    if spec.order_date is None:
        problem(PurchasingCode.BAD_DATE, "Give the order date (YYYY-MM-DD).", "order_date")
    if not spec.lines:
        problem(PurchasingCode.NO_LINES, "An order needs at least one line.", "lines")
    cleaned: list[dict[str, Any]] = []
    seen: set[int] = set()
    for i, raw in enumerate(spec.lines, start=1):
        where = str(raw.get("_where") or f"{prefix}line {i}")
        line, found = check_line(company, raw, where)
        problems.extend(found)
        if isinstance(line["line_no"], int):
            if line["line_no"] in seen:
                problems.append(
                    Problem(
                        str(PurchasingCode.DUPLICATE_LINE),
                        f"Line number {line['line_no']} is used twice in order {spec.number}.",
                        f"{where}, column line_no",
                    )
                )
            seen.add(line["line_no"])
        cleaned.append(line)
    return cleaned, problems


def _save(company: Company, user: Any, spec: OrderSpec, lines: Sequence[Mapping[str, Any]]) -> PurchaseOrder:
    order = PurchaseOrder.objects.create(
        company=company,
        number=spec.number.strip(),
        supplier=spec.supplier,
        requested_by=spec.requested_by,
        order_date=spec.order_date,
        currency=(spec.currency or "NOK").upper(),
        note=spec.note,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    PurchaseOrderLine.objects.bulk_create(
        PurchaseOrderLine(order=order, **{k: v for k, v in line.items() if k in LINE_FIELDS}) for line in lines
    )
    audit.record(
        company,
        user,
        "purchase_order.created",
        order,
        after={
            "number": order.number,
            "supplier": spec.supplier.orgnr or spec.supplier.number if spec.supplier else "",
            "lines": len(lines),
            "total": str(
                sum((ln["quantity"] * ln["unit_price"] for ln in lines), Decimal(0)).quantize(Decimal("0.01"))
            ),
        },
    )
    return order


def create_order(
    company: Company,
    user: Any,
    *,
    number: str,
    supplier: Supplier | None,
    order_date: date | None,
    lines: Sequence[Mapping[str, Any]],
    requested_by: Any = None,
    currency: str = "NOK",
    note: str = "",
) -> PurchaseOrder:
    """Create an order with its lines; raises :class:`PurchasingError` with every problem (each names its field)."""
    spec = OrderSpec(number, supplier, order_date, [dict(x) for x in lines], requested_by, currency, note)
    with transaction.atomic():
        cleaned, problems = check_order(company, spec)
        if problems:
            raise PurchasingError(problems[0].code, problems[0].message, problems[0].location, problems)
        return _save(company, user, spec, cleaned)


def import_orders_csv(company: Company, data: bytes | str, user: Any) -> list[PurchaseOrder]:
    """Orders from a CSV file, all or nothing; see :mod:`.csvimport` for the layout.

    Every problem in the file is reported at once, each naming the line and column; nothing is
    saved unless the whole file is right.
    """
    from fakturaflyt.purchasing.csvimport import parse_orders

    with transaction.atomic():
        specs, problems = parse_orders(company, data)
        checked: list[tuple[OrderSpec, list[dict[str, Any]]]] = []
        for spec in specs:
            cleaned, found = check_order(company, spec)
            problems.extend(found)
            checked.append((spec, cleaned))
        if problems:
            problems.sort(key=_line_of)
            raise PurchasingError(problems[0].code, problems[0].message, problems[0].location, problems)
        orders = [_save(company, user, spec, cleaned) for spec, cleaned in checked]
        audit.record(company, user, "purchase_order.imported", None, after={"orders": [o.number for o in orders]})
        return orders


def _line_of(p: Problem) -> tuple[int, str]:
    m = re.match(r"line (\d+)", p.location)
    return (int(m.group(1)) if m else 0, p.location)


def receive_goods(
    order: PurchaseOrder,
    quantities: Mapping[int, Any],
    user: Any,
    *,
    received_on: date | None = None,
    note: str = "",
) -> GoodsReceipt:
    """A goods receipt: ``{line_no: quantity}`` received now (or on ``received_on``); the order's lines count it.

    More may be received than ordered (it is what arrived); the invoice is then checked against
    what was received. A negative quantity records goods sent back.
    """
    with transaction.atomic():
        locked = PurchaseOrder.objects.select_for_update().get(pk=order.pk)
        if locked.status != OrderStatus.OPEN:
            raise PurchasingError(
                PurchasingCode.NOT_OPEN, f"Order {locked.number} is {locked.get_status_display().lower()}.", "order"
            )
        lines = {ln.line_no: ln for ln in PurchaseOrderLine.objects.select_for_update().filter(order=locked)}
        problems: list[Problem] = []
        amounts: dict[int, Decimal] = {}
        for raw_no, raw_qty in quantities.items():
            line_no = int(raw_no)
            if line_no not in lines:
                problems.append(
                    Problem(
                        str(PurchasingCode.UNKNOWN_LINE),
                        f"Order {locked.number} has no line {line_no}.",
                        f"line {line_no}",
                    )
                )
                continue
            qty = _decimal(raw_qty)
            if qty is None:
                problems.append(
                    Problem(str(PurchasingCode.BAD_QUANTITY), f"{raw_qty!r} is not a quantity.", f"line {line_no}")
                )
            elif qty != 0:
                amounts[line_no] = qty
        if problems:
            raise PurchasingError(problems[0].code, problems[0].message, problems[0].location, problems)
        if not amounts:
            raise PurchasingError(PurchasingCode.NOTHING_RECEIVED, "Enter the quantity received on at least one line.")
        receipt = GoodsReceipt.objects.create(
            company=locked.company,
            order=locked,
            received_on=received_on or timezone.localdate(),
            received_by=user if getattr(user, "is_authenticated", False) else None,
            note=note,
        )
        for line_no, qty in sorted(amounts.items()):
            line = lines[line_no]
            GoodsReceiptLine.objects.create(receipt=receipt, order_line=line, quantity=qty)
            line.quantity_received += qty
            line.save(update_fields=["quantity_received"])
        audit.record(
            locked.company,
            user,
            "purchase_order.received",
            receipt,
            after={"order": locked.number, "lines": {str(k): str(v) for k, v in sorted(amounts.items())}},
        )
        return receipt


def set_tolerance(company: Company, user: Any, supplier: Supplier | None = None, **values: Any) -> MatchTolerance:
    """Set the company's default tolerances (``supplier=None``) or one supplier's, which then override the default.

    Fields: ``price_pct``, ``price_abs``, ``quantity_pct``, ``total_pct``, ``total_abs`` (None: no limit of that kind).
    """
    names = ("price_pct", "price_abs", "quantity_pct", "total_pct", "total_abs")
    unknown = set(values) - set(names)
    if unknown:
        raise PurchasingError(PurchasingCode.BAD_TOLERANCE, f"There is no tolerance {sorted(unknown)[0]!r}.")
    with transaction.atomic():
        row, _created = MatchTolerance.objects.select_for_update().get_or_create(company=company, supplier=supplier)
        before = {n: None if getattr(row, n) is None else str(getattr(row, n)) for n in names}
        for name, raw in values.items():
            value = _decimal(raw)
            if raw not in (None, "") and (value is None or value < 0):
                raise PurchasingError(PurchasingCode.BAD_TOLERANCE, f"{raw!r} must be a number, 0 or more.", name)
            setattr(row, name, value)
        row.save()
        after = {n: None if getattr(row, n) is None else str(getattr(row, n)) for n in names}
        audit.record(company, user, "purchase_order.tolerance", row, before=before, after=after)
        return row


def requester_by_email(company: Company, email: str) -> Any:
    """The active member of the company with this e-mail (or user name), or None."""
    user_model = get_user_model()
    return (
        user_model.objects.filter(memberships__company=company, memberships__is_active=True)
        .filter(email__iexact=email.strip())
        .first()
        or user_model.objects.filter(memberships__company=company, memberships__is_active=True)
        .filter(username__iexact=email.strip())
        .first()
    )


__all__ = [
    "OrderSpec",
    "PurchasingError",
    "check_line",
    "check_order",
    "create_order",
    "import_orders_csv",
    "match_document",
    "po_coding",
    "receive_goods",
    "record_invoiced",
    "requester_by_email",
    "set_tolerance",
    "tolerance_for",
]
