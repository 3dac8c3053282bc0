"""API of purchase orders and goods receipts. Mounted under ``/api/companies/{orgnr}/purchasing``:

| method and path | permission | does |
|---|---|---|
| ``GET  .../purchasing/orders`` | view_payables | orders, newest first; ``?status=open``, ``?supplier=<orgnr>``, ``limit``/``offset`` |
| ``POST .../purchasing/orders`` | manage_payables | ``{number, supplier (org.nr or number), order_date, requester_email, currency, note, lines: [...]}`` → 201 |
| ``GET  .../purchasing/orders/{number}`` | view_payables | one order: lines (ordered, received, invoiced, remaining), receipts, matched invoices |
| ``POST .../purchasing/orders/import`` | manage_payables | a CSV file (body ``text/csv``, or multipart field ``file``) → 201 ``{"orders": [numbers]}`` |
| ``POST .../purchasing/orders/{number}/receipts`` | manage_payables | ``{received_on, note, lines: {line_no: quantity}}`` → 201 |

Refusals are 422 ``{code, message, field, problems: [{code, message, location}]}``; a CSV import
lists every problem with its line and column. Quantities and amounts are strings.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Path, Router, Schema, Status
from ninja.files import UploadedFile

from fakturaflyt.companies.api import member_for
from fakturaflyt.companies.models import Membership
from fakturaflyt.companies.permissions import scoped
from fakturaflyt.companies.roles import Perm
from fakturaflyt.payables.models import Supplier
from fakturaflyt.purchasing import services
from fakturaflyt.purchasing.error_codes import PurchasingCode, PurchasingError
from fakturaflyt.purchasing.models import PurchaseOrder

router = Router(tags=["purchasing"])

OrgNr = Annotated[str, Path(description="The company's organisation number (9 digits)")]


class OrderProblemOut(Schema):
    code: str
    message: str
    location: str


class OrderErrorOut(Schema):
    code: str
    message: str
    field: str
    problems: list[OrderProblemOut]


class OrderLineIn(Schema):
    line_no: int
    item_id: str = ""
    description: str
    quantity: str
    unit: str = "EA"
    unit_price: str
    account: str = ""
    vat_code: str = ""
    department: str = ""
    project: str = ""


class OrderIn(Schema):
    number: str
    supplier: str
    order_date: dt.date
    requester_email: str = ""
    currency: str = "NOK"
    note: str = ""
    lines: list[OrderLineIn]


class OrderLineOut(Schema):
    line_no: int
    item_id: str
    description: str
    quantity: str
    unit: str
    unit_price: str
    amount: str
    account: str
    vat_code: str
    department: str
    project: str
    quantity_received: str
    quantity_invoiced: str
    remaining: str


class ReceiptOut(Schema):
    id: int
    received_on: dt.date
    received_by: str | None
    note: str
    lines: dict[str, str]


class MatchOut(Schema):
    document: int
    invoice_number: str
    mode: str
    outcome: str
    within_tolerance: bool
    deviations: list[dict[str, Any]]
    lines: list[dict[str, Any]]
    total: dict[str, Any]
    matched_at: dt.datetime


class OrderOut(Schema):
    number: str
    supplier: str
    supplier_name: str
    order_date: dt.date
    currency: str
    status: str
    requested_by: str | None
    note: str
    total: str
    lines: list[OrderLineOut]
    receipts: list[ReceiptOut] = []
    matches: list[MatchOut] = []


class OrderListOut(Schema):
    count: int
    orders: list[OrderOut]


class OrderImportOut(Schema):
    orders: list[str]


class ReceiptIn(Schema):
    received_on: dt.date | None = None
    note: str = ""
    lines: dict[int, str]


_member = member_for


def _error(exc: PurchasingError) -> Status[OrderErrorOut]:
    return Status(422, OrderErrorOut(**exc.as_dict()))  # type: ignore[arg-type]


def _user(user: Any) -> str | None:
    return user.get_username() if user is not None else None


def order_out(order: PurchaseOrder, *, detail: bool = False) -> OrderOut:
    lines = list(order.lines.all())
    out = OrderOut(
        number=order.number,
        supplier=order.supplier.orgnr or str(order.supplier.number),
        supplier_name=order.supplier.name,
        order_date=order.order_date,
        currency=order.currency,
        status=order.status,
        requested_by=_user(order.requested_by),
        note=order.note,
        total=str(sum((ln.amount for ln in lines), start=0)),
        lines=[
            OrderLineOut(
                line_no=ln.line_no,
                item_id=ln.item_id,
                description=ln.description,
                quantity=str(ln.quantity),
                unit=ln.unit,
                unit_price=str(ln.unit_price),
                amount=str(ln.amount),
                account=ln.account,
                vat_code=ln.vat_code,
                department=ln.department,
                project=ln.project,
                quantity_received=str(ln.quantity_received),
                quantity_invoiced=str(ln.quantity_invoiced),
                remaining=str(ln.remaining),
            )
            for ln in lines
        ],
    )
    if detail:
        out.receipts = [
            ReceiptOut(
                id=r.pk,
                received_on=r.received_on,
                received_by=_user(r.received_by),
                note=r.note,
                lines={str(x.order_line.line_no): str(x.quantity) for x in r.lines.select_related("order_line")},
            )
            for r in order.receipts.select_related("received_by").order_by("received_on", "pk")
        ]
        out.matches = [
            MatchOut(
                document=m.document_id,
                invoice_number=m.document.invoice_number,
                mode=m.mode,
                outcome=m.outcome,
                within_tolerance=m.within_tolerance,
                deviations=m.deviations,
                lines=m.lines,
                total=m.total,
                matched_at=m.matched_at,
            )
            for m in order.matches.select_related("document").order_by("matched_at")
        ]
    return out


def _orders(m: Membership) -> Any:
    return scoped(PurchaseOrder.objects.all(), m).select_related("supplier", "requested_by")


@router.get("/orders", response=OrderListOut, summary="Purchase orders")
def list_orders(
    request: HttpRequest, orgnr: OrgNr, status: str = "", supplier: str = "", limit: int = 100, offset: int = 0
) -> OrderListOut:
    m = _member(request, orgnr, Perm.VIEW_PAYABLES)
    qs = _orders(m).prefetch_related("lines").order_by("-order_date", "-pk")
    if status:
        qs = qs.filter(status=status)
    if supplier:
        qs = qs.filter(supplier__orgnr=supplier.replace(" ", ""))
    limit, offset = max(1, min(limit, 500)), max(0, offset)
    return OrderListOut(count=qs.count(), orders=[order_out(o) for o in qs[offset : offset + limit]])


@router.post("/orders", response={201: OrderOut, 422: OrderErrorOut}, summary="Create a purchase order")
def create_order(request: HttpRequest, orgnr: OrgNr, payload: OrderIn) -> Any:
    m = _member(request, orgnr, Perm.MANAGE_PAYABLES)
    key = payload.supplier.replace(" ", "")
    suppliers = Supplier.objects.filter(company=m.company)
    supplier = suppliers.filter(orgnr=key).first() if key else None
    if supplier is None and key.isdecimal() and len(key) < 9:
        supplier = suppliers.filter(number=int(key)).first()
    requester = None
    try:
        if payload.requester_email:
            requester = services.requester_by_email(m.company, payload.requester_email)
            if requester is None:
                raise PurchasingError(
                    PurchasingCode.UNKNOWN_REQUESTER,
                    f"No member of the company has the e-mail {payload.requester_email}.",
                    "requester_email",
                )
        order = services.create_order(
            m.company,
            request.user,
            number=payload.number,
            supplier=supplier,
            order_date=payload.order_date,
            lines=[x.dict() for x in payload.lines],
            requested_by=requester,
            currency=payload.currency,
            note=payload.note,
        )
    except PurchasingError as exc:
        return _error(exc)
    return Status(201, order_out(order, detail=True))


@router.post(
    "/orders/import", response={201: OrderImportOut, 422: OrderErrorOut}, summary="Import purchase orders from CSV"
)
def import_orders(request: HttpRequest, orgnr: OrgNr, file: File[UploadedFile] | None = None) -> Any:
    m = _member(request, orgnr, Perm.MANAGE_PAYABLES)
    data = file.read() if file is not None else request.body
    try:
        orders = services.import_orders_csv(m.company, data, request.user)
    except PurchasingError as exc:
        return _error(exc)
    return Status(201, OrderImportOut(orders=[o.number for o in orders]))


@router.get("/orders/{number}", response=OrderOut, summary="One purchase order with receipts and matched invoices")
def get_order(request: HttpRequest, orgnr: OrgNr, number: str) -> OrderOut:
    m = _member(request, orgnr, Perm.VIEW_PAYABLES)
    return order_out(get_object_or_404(_orders(m), number=number), detail=True)


@router.post(
    "/orders/{number}/receipts", response={201: ReceiptOut, 422: OrderErrorOut}, summary="Receive goods on an order"
)
def receive(request: HttpRequest, orgnr: OrgNr, number: str, payload: ReceiptIn) -> Any:
    m = _member(request, orgnr, Perm.MANAGE_PAYABLES)
    order = get_object_or_404(_orders(m), number=number)
    try:
        receipt = services.receive_goods(
            order, payload.lines, request.user, received_on=payload.received_on, note=payload.note
        )
    except PurchasingError as exc:
        return _error(exc)
    return Status(
        201,
        ReceiptOut(
            id=receipt.pk,
            received_on=receipt.received_on,
            received_by=_user(receipt.received_by),
            note=receipt.note,
            lines={str(x.order_line.line_no): str(x.quantity) for x in receipt.lines.select_related("order_line")},
        ),
    )
