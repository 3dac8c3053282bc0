"""API of customer invoicing, mounted under ``/api/companies/{orgnr}``.

| method and path | does | permission |
|---|---|---|
| ``GET  .../invoices?status=&customer=`` | invoices and credit notes, newest first (status as the list shows it; customer by number) | view_receivables |
| ``GET  .../invoices/{number}`` | one issued invoice with its lines and VAT per rate | view_receivables |
| ``POST .../invoices`` | a draft from JSON lines (201) | manage_receivables |
| ``POST .../invoices/{invoice_id}/issue`` | issue a draft: number, KID, due date, voucher | manage_receivables |
| ``POST .../invoices/{invoice_id}/send`` | send by the customer's channel; the dispatch | manage_receivables |
| ``POST .../invoices/{invoice_id}/credit`` | ``{"reason", "lines": [{"line_no", "quantity"}]?}`` → the credit note (201) | manage_receivables |
| ``GET  .../invoices/{number}/pdf`` · ``/ehf`` | the documents | view_receivables |
| ``GET/POST .../customers`` · ``GET/POST .../products`` | master data | view/manage_customers |

Drafts have no number yet, so the actions address an invoice by its ``id`` (in every answer);
reading an issued one goes by its number, as printed. Amounts are strings. Refusals are 422
``{code, message, problems}``; another company answers 403 (not a member), an unknown
number or id 404.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Schema, Status

from fakturaflyt.companies.api import member_for
from fakturaflyt.companies.models import Membership
from fakturaflyt.companies.roles import Perm
from fakturaflyt.core.errors import Problem, RuleViolation
from fakturaflyt.receivables.models import Customer, DeliveryChannel, Product, SalesInvoice

router = Router(tags=["receivables"])

OrgNr = Annotated[str, Path(description="The company's organisation number (9 digits)")]


_member = member_for


def _refuse(code: str, message: str, location: str = "") -> RuleViolation:
    return RuleViolation([Problem(code, message, location)])


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _num(value: Decimal | None) -> str | None:
    if value is None:
        return None
    text = f"{value.normalize():f}"
    return text


def invoice_json(inv: SalesInvoice, *, lines: bool = False, today: dt.date | None = None) -> dict[str, Any]:
    """One invoice as the API and ``invoices list --json`` show it (amounts as strings)."""
    from fakturaflyt.receivables.views import today_in_oslo

    data: dict[str, Any] = {
        "id": inv.pk,
        "number": inv.number,
        "document_type": inv.document_type,
        "status": inv.display_status(today or today_in_oslo()),
        "customer": {"number": inv.customer.number, "name": inv.buyer_name or inv.customer.name},
        "issue_date": inv.issue_date,
        "due_date": inv.due_date,
        "currency": inv.currency,
        "net_total": _money(inv.net_total),
        "vat_total": _money(inv.vat_total),
        "total": _money(inv.total),
        "kid": inv.kid,
        "channel": inv.channel,
        "credits": inv.credits.number if inv.credits_id and inv.credits else None,
    }
    if lines:
        from fakturaflyt.receivables.pdf import vat_rows

        items = list(inv.lines.all())
        data["buyer_reference"] = inv.buyer_reference
        data["credit_reason"] = inv.credit_reason
        data["exchange_rate"] = _num(inv.exchange_rate)
        data["vat_total_nok"] = _money(inv.vat_total_nok) if inv.currency != "NOK" else None
        data["lines"] = [
            {
                "line_no": ln.line_no,
                "description": ln.description,
                "quantity": _num(ln.quantity),
                "unit_code": ln.unit_code,
                "unit_price": _num(ln.unit_price),
                "discount_percent": _num(ln.discount_percent),
                "net_amount": _money(ln.net_amount),
                "vat_code": ln.vat_code,
                "vat_rate": _num(ln.vat_rate),
                "revenue_account": ln.revenue_account,
            }
            for ln in items
        ]
        data["vat"] = [
            {"rate": _num(r.rate), "basis": _money(r.basis), "vat": _money(r.vat), "vat_nok": _money(r.vat_nok)}
            for r in vat_rows(inv, items)
        ]
    return data


def _invoices(m: Membership) -> Any:
    return SalesInvoice.objects.filter(company_id=m.company_id).select_related("customer", "credits", "company")


def _by_number(m: Membership, number: int) -> SalesInvoice:
    return get_object_or_404(_invoices(m), number=number)


def _by_id(m: Membership, pk: int) -> SalesInvoice:
    return get_object_or_404(_invoices(m), pk=pk)


# ------------------------------------------------------------------------------------ invoices


class InvoiceFilter(Schema):
    status: str | None = Field(None, description="draft, sent, delivered, paid, overdue, credited, send_failed")
    customer: int | None = Field(None, description="Customer number")


class InvoiceLineIn(Schema):
    product: str | None = Field(None, description="Product number; fills description, price, unit, VAT code, account")
    description: str | None = None
    quantity: Decimal = Decimal("1")
    unit_price: Decimal | None = None
    discount_percent: Decimal = Decimal("0")
    vat_code: str | None = None
    revenue_account: str | None = None
    unit_code: str | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None


class DraftIn(Schema):
    customer: int = Field(description="Customer number")
    lines: list[InvoiceLineIn]
    issue_date: dt.date | None = None
    delivery_date: dt.date | None = None
    buyer_reference: str = ""
    order_reference: str = ""
    note: str = ""


class CreditLineIn(Schema):
    line_no: int
    quantity: Decimal | None = None


class CreditIn(Schema):
    reason: str
    lines: list[CreditLineIn] | None = None


@router.get("/invoices", response=list[dict[str, Any]], summary="Customer invoices and credit notes")
def list_invoices(request: HttpRequest, orgnr: OrgNr, filters: Query[InvoiceFilter]) -> list[dict[str, Any]]:
    from fakturaflyt.receivables.views import STATUS_FILTERS, filter_invoices, today_in_oslo

    m = _member(request, orgnr, Perm.VIEW_RECEIVABLES)
    today = today_in_oslo()
    status = filters.status or ""
    if status and status not in STATUS_FILTERS:
        raise _refuse("FF-AR-FILTER", f"Unknown status {status!r}; use one of {', '.join(STATUS_FILTERS)}.", "status")
    qs = _invoices(m)
    if filters.customer is not None:
        qs = qs.filter(customer__number=filters.customer)
    qs = filter_invoices(qs, status, "", "", today).order_by("-issue_date", "-number", "-id")[:500]
    return [invoice_json(inv, today=today) for inv in qs]


@router.get("/invoices/{number}", response=dict[str, Any], summary="One invoice or credit note")
def get_invoice(request: HttpRequest, orgnr: OrgNr, number: int) -> dict[str, Any]:
    m = _member(request, orgnr, Perm.VIEW_RECEIVABLES)
    return invoice_json(_by_number(m, number), lines=True)


def _draft_lines(m: Membership, lines: list[InvoiceLineIn]) -> list[Any]:
    from fakturaflyt.receivables.services import DraftLine

    products = {p.code: p for p in Product.objects.filter(company_id=m.company_id)}
    problems: list[Problem] = []
    out = []
    for i, ln in enumerate(lines):
        product = None
        if ln.product:
            product = products.get(ln.product)
            if product is None:
                problems.append(Problem("FF-AR-PRODUCT", f"No product {ln.product!r}.", f"lines[{i}].product"))
                continue
        description = ln.description or (product.description or product.name if product else "")
        price = ln.unit_price if ln.unit_price is not None else (product.price if product else None)
        if not description:
            problems.append(Problem("FF-AR-LINE", "A line needs a description or a product.", f"lines[{i}]"))
        if price is None:
            problems.append(Problem("FF-AR-LINE", "A line needs a unit price or a product.", f"lines[{i}].unit_price"))
        if not ln.quantity.is_finite() or (price is not None and not price.is_finite()):
            problems.append(Problem("FF-AR-LINE", "Quantity and price must be numbers.", f"lines[{i}]"))
        if problems:
            continue
        assert price is not None
        out.append(
            DraftLine(
                description=description,
                quantity=ln.quantity,
                unit_price=price,
                product=product,
                vat_code=ln.vat_code,
                revenue_account=ln.revenue_account,
                unit_code=ln.unit_code,
                discount_percent=ln.discount_percent,
                period_start=ln.period_start,
                period_end=ln.period_end,
            )
        )
    if not lines:
        problems.append(Problem("FF-AR-LINE", "An invoice needs at least one line.", "lines"))
    if problems:
        raise RuleViolation(problems)
    return out


@router.post("/invoices", response={201: dict[str, Any]}, summary="Create a draft invoice")
def create_invoice(request: HttpRequest, orgnr: OrgNr, body: DraftIn) -> Status[dict[str, Any]]:
    from fakturaflyt.receivables.services import create_draft

    m = _member(request, orgnr, Perm.MANAGE_RECEIVABLES)
    customer = Customer.objects.filter(company_id=m.company_id, number=body.customer).first()
    if customer is None:
        raise _refuse("FF-AR-CUSTOMER", f"No customer number {body.customer}.", "customer")
    invoice = create_draft(
        m.company,
        customer,
        _draft_lines(m, body.lines),
        actor=request.user,
        issue_date=body.issue_date,
        delivery_date=body.delivery_date,
        buyer_reference=body.buyer_reference,
        order_reference=body.order_reference,
        note=body.note,
    )
    return Status(201, invoice_json(_by_id(m, invoice.pk), lines=True))


@router.post("/invoices/{invoice_id}/issue", response=dict[str, Any], summary="Issue a draft (number, KID, voucher)")
def issue_invoice(request: HttpRequest, orgnr: OrgNr, invoice_id: int) -> dict[str, Any]:
    from fakturaflyt.receivables.services import issue

    m = _member(request, orgnr, Perm.MANAGE_RECEIVABLES)
    invoice = _by_id(m, invoice_id)
    if not invoice.is_draft:
        raise _refuse("FF-AR-NOT-DRAFT", f"Invoice {invoice.number} is already issued.", "status")
    issued = issue(invoice, request.user)
    return invoice_json(_by_id(m, issued.pk), lines=True)


@router.post("/invoices/{invoice_id}/send", response=dict[str, Any], summary="Send by the customer's channel")
def send_invoice(request: HttpRequest, orgnr: OrgNr, invoice_id: int) -> dict[str, Any]:
    from fakturaflyt.distribution.services import send

    m = _member(request, orgnr, Perm.MANAGE_RECEIVABLES)
    invoice = _by_id(m, invoice_id)
    dispatch = send(invoice, actor=request.user)
    return {
        "invoice": invoice.number,
        "channel": dispatch.channel,
        "status": dispatch.status,
        "last_error": dispatch.last_error,
        "created_at": dispatch.created_at,
    }


@router.post(
    "/invoices/{invoice_id}/credit", response={201: dict[str, Any]}, summary="Credit an invoice (all or some lines)"
)
def credit_invoice(request: HttpRequest, orgnr: OrgNr, invoice_id: int, body: CreditIn) -> Status[dict[str, Any]]:
    from fakturaflyt.receivables.services import credit, credit_lines

    m = _member(request, orgnr, Perm.MANAGE_RECEIVABLES)
    invoice = _by_id(m, invoice_id)
    if not body.reason.strip():
        raise _refuse("FF-AR-CREDIT-REASON", "Give a reason for the credit note; it is printed on it.", "reason")
    lines = credit_lines(invoice, [(w.line_no, w.quantity) for w in body.lines]) if body.lines else None
    note = credit(invoice, request.user, reason=body.reason.strip(), lines=lines)
    return Status(201, invoice_json(_by_id(m, note.pk), lines=True))


def _download(data: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.get("/invoices/{number}/pdf", summary="The invoice as PDF")
def invoice_pdf(request: HttpRequest, orgnr: OrgNr, number: int) -> HttpResponse:
    from fakturaflyt.receivables.pdf import filename
    from fakturaflyt.receivables.views import invoice_pdf_bytes

    invoice = _by_number(_member(request, orgnr, Perm.VIEW_RECEIVABLES), number)
    return _download(invoice_pdf_bytes(invoice), "application/pdf", filename(invoice))


@router.get("/invoices/{number}/ehf", summary="The invoice as EHF (Peppol BIS Billing 3.0 UBL)")
def invoice_ehf(request: HttpRequest, orgnr: OrgNr, number: int) -> HttpResponse:
    from fakturaflyt.receivables.pdf import filename
    from fakturaflyt.receivables.views import invoice_ehf_bytes

    invoice = _by_number(_member(request, orgnr, Perm.VIEW_RECEIVABLES), number)
    return _download(invoice_ehf_bytes(invoice), "application/xml", filename(invoice, "xml"))


# ------------------------------------------------------------------------------------ customers, products


class CustomerIn(Schema):
    name: str
    orgnr: str = ""
    vat_id: str = ""
    is_consumer: bool = False
    address_line: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = "NO"
    email: str = ""
    peppol_id: str = ""
    channel: str = DeliveryChannel.EMAIL
    language: str = "nb"
    currency: str = "NOK"
    payment_terms_days: int = 14
    reference: str = ""


class ProductIn(Schema):
    code: str
    name: str
    description: str = ""
    unit_code: str = "C62"
    price: Decimal
    revenue_account: str = "3000"
    vat_code: str = "3"


def customer_json(c: Customer) -> dict[str, Any]:
    return {
        "number": c.number,
        "name": c.name,
        "orgnr": c.orgnr,
        "email": c.email,
        "peppol_id": c.peppol_id,
        "channel": c.channel,
        "language": c.language,
        "currency": c.currency,
        "payment_terms_days": c.payment_terms_days,
        "is_active": c.is_active,
    }


def product_json(p: Product) -> dict[str, Any]:
    return {
        "code": p.code,
        "name": p.name,
        "unit_code": p.unit_code,
        "price": _num(p.price),
        "revenue_account": p.revenue_account,
        "vat_code": p.vat_code,
        "is_active": p.is_active,
    }


def _form_problems(form: Any) -> RuleViolation:
    return RuleViolation(
        [Problem("FF-AR-INVALID", str(msg), field) for field, msgs in form.errors.items() for msg in msgs]
    )


def _save(request: HttpRequest, m: Membership, form: Any, action: str) -> Any:
    from fakturaflyt.receivables.views import _save_audited

    request.membership = m  # type: ignore[attr-defined]
    with transaction.atomic():
        return _save_audited(request, form, action)


@router.get("/customers", response=list[dict[str, Any]], summary="Customers")
def list_customers(request: HttpRequest, orgnr: OrgNr) -> list[dict[str, Any]]:
    m = _member(request, orgnr, Perm.VIEW_CUSTOMERS)
    return [customer_json(c) for c in Customer.objects.filter(company_id=m.company_id).order_by("number")[:2000]]


@router.post("/customers", response={201: dict[str, Any]}, summary="Create a customer")
def create_customer(request: HttpRequest, orgnr: OrgNr, body: CustomerIn) -> Status[dict[str, Any]]:
    from fakturaflyt.receivables.forms import CustomerForm

    m = _member(request, orgnr, Perm.MANAGE_CUSTOMERS)
    form = CustomerForm({**body.dict(), "is_active": True})
    if not form.is_valid():
        raise _form_problems(form)
    return Status(201, customer_json(_save(request, m, form, "customer.created")))


@router.get("/products", response=list[dict[str, Any]], summary="Products and services")
def list_products(request: HttpRequest, orgnr: OrgNr) -> list[dict[str, Any]]:
    m = _member(request, orgnr, Perm.VIEW_CUSTOMERS)
    return [product_json(p) for p in Product.objects.filter(company_id=m.company_id).order_by("code")[:2000]]


@router.post("/products", response={201: dict[str, Any]}, summary="Create a product")
def create_product(request: HttpRequest, orgnr: OrgNr, body: ProductIn) -> Status[dict[str, Any]]:
    from fakturaflyt.receivables.forms import ProductForm

    m = _member(request, orgnr, Perm.MANAGE_CUSTOMERS)
    form = ProductForm({**body.dict(), "is_active": True}, company=m.company)
    if not form.is_valid():
        raise _form_problems(form)
    return Status(201, product_json(_save(request, m, form, "product.created")))
