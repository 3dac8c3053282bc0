"""Accounts receivable pages: customer invoices (list, draft, issue and send, credit, PDF/EHF), customers, products.

Thin, as everywhere: ``@company_view`` checks the role (viewing needs ``view_receivables``,
every change ``manage_receivables``; customers and products their own pair), queries are
scoped to the user's company (another company's invoice is a 404), and each action calls
one service: ``receivables.services`` (create_draft, update_draft, delete_draft, issue,
credit) and ``distribution.services.send``. Those are imported when used, so the pages load
while an app they call is still being built.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fakturaflyt.companies.decorators import company_view
from fakturaflyt.companies.permissions import can, scoped
from fakturaflyt.companies.roles import Perm
from fakturaflyt.core.errors import FakturaflytError
from fakturaflyt.core.money import ore
from fakturaflyt.receivables import forms as f
from fakturaflyt.receivables.models import Customer, Product, SalesInvoice

OSLO = ZoneInfo("Europe/Oslo")
PAGE_SIZE = 50

# The statuses of the list's filter, as SalesInvoice.display_status() names them.
STATUS_FILTERS = ("draft", "sent", "delivered", "paid", "overdue", "credited", "send_failed")
STATUS_TONES = {
    "draft": "neutral",
    "issued": "info",
    "sent": "info",
    "delivered": "ok",
    "paid": "ok",
    "overdue": "danger",
    "credited": "dup",
    "send_failed": "danger",
}


def status_labels() -> dict[str, str]:
    return {
        "draft": _("Draft"),
        "issued": _("Issued"),
        "sent": _("Sent"),
        "delivered": _("Delivered"),
        "paid": _("Paid"),
        "overdue": _("Overdue"),
        "credited": _("Credited"),
        "send_failed": _("Sending failed"),
    }


def today_in_oslo() -> date:
    return timezone.now().astimezone(OSLO).date()


def badge(invoice: SalesInvoice, today: date) -> dict[str, str]:
    value = invoice.display_status(today)
    return {"value": value, "label": status_labels().get(value, value), "tone": STATUS_TONES.get(value, "neutral")}


def _problem_text(exc: Exception) -> str:
    if isinstance(exc, FakturaflytError):
        return " ".join(p.message for p in exc.problems) or str(exc)
    return getattr(exc, "message", None) or str(exc)


def _invoices(request: HttpRequest) -> QuerySet[SalesInvoice]:
    return scoped(SalesInvoice.objects.all(), request.membership)  # type: ignore[attr-defined]


def _invoice(request: HttpRequest, pk: int) -> SalesInvoice:
    return get_object_or_404(_invoices(request).select_related("company", "customer", "credits", "voucher"), pk=pk)


def _service(name: str) -> Callable[..., Any] | None:
    from fakturaflyt.receivables import services

    fn = getattr(services, name, None)
    return fn if callable(fn) else None


def filter_invoices(
    qs: QuerySet[SalesInvoice], status: str, q: str, customer: str, today: date
) -> QuerySet[SalesInvoice]:
    """Narrow the list by display status (as display_status() computes it), customer and free text."""
    if status == "draft":
        qs = qs.filter(status="draft")
    elif status == "credited":
        qs = qs.exclude(status="draft").filter(settlement="credited")
    elif status == "paid":
        qs = qs.exclude(status="draft").filter(settlement="paid")
    elif status == "overdue":
        qs = (
            qs.exclude(status__in=["draft", "send_failed"])
            .exclude(settlement__in=["paid", "credited"])
            .filter(document_type="invoice", due_date__lt=today)
        )
    elif status == "send_failed":
        qs = qs.filter(status=status).exclude(settlement__in=["paid", "credited"])
    elif status in {"sent", "delivered"}:
        not_overdue = Q(document_type="credit_note") | Q(due_date__gte=today) | Q(due_date__isnull=True)
        qs = qs.filter(status=status).exclude(settlement__in=["paid", "credited"]).filter(not_overdue)
    if customer.isdecimal():
        qs = qs.filter(customer_id=int(customer))
    if q:
        text = Q(customer__name__icontains=q) | Q(buyer_name__icontains=q) | Q(kid__startswith=q.replace(" ", ""))
        if q.isdecimal():
            text |= Q(number=int(q))
        qs = qs.filter(text)
    return qs


@company_view(Perm.VIEW_RECEIVABLES)
def invoices(request: HttpRequest) -> HttpResponse:
    today = today_in_oslo()
    status = request.GET.get("status", "")
    status = status if status in STATUS_FILTERS else ""
    q = request.GET.get("q", "").strip()[:100]
    customer = request.GET.get("customer", "").strip()
    qs = filter_invoices(_invoices(request), status, q, customer, today)
    # drafts (no number yet) first, then by number: the series is gapless, so the list reads like the journal
    qs = qs.select_related("customer", "credits").order_by(F("number").desc(nulls_first=True), "-id")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"invoice": inv, "badge": badge(inv, today)} for inv in page.object_list]
    labels = status_labels()
    context = {
        "rows": rows,
        "page": page,
        "status": status,
        "statuses": [(s, labels[s]) for s in STATUS_FILTERS],
        "q": q,
        "customer": customer,
        "customers": scoped(Customer.objects.all(), request.membership).order_by("name"),  # type: ignore[attr-defined]
        "can_manage": can(request.user, request.membership.company_id, Perm.MANAGE_RECEIVABLES),  # type: ignore[attr-defined]
        "filtered": bool(status or q or customer),
    }
    template = (
        "receivables/_invoice_results.html" if request.headers.get("HX-Request") else "receivables/invoice_list.html"
    )
    return render(request, template, context)


# ------------------------------------------------------------------------------------ draft form


def _line_formset(request: HttpRequest, data: Any = None, initial: list[dict[str, Any]] | None = None) -> Any:
    return f.LineFormSet(
        data,
        initial=initial,
        prefix="lines",
        form_kwargs={"company": request.membership.company},  # type: ignore[attr-defined]
    )


def _product_initial(product: Product | None) -> dict[str, Any]:
    if product is None:
        return {"quantity": Decimal("1"), "unit_code": "C62", "vat_code": "3", "revenue_account": "3000"}
    return {
        "product": product.pk,
        "description": product.description or product.name,
        "quantity": Decimal("1"),
        "unit_code": product.unit_code,
        "unit_price": product.price.normalize(),
        "vat_code": product.vat_code,
        "revenue_account": product.revenue_account,
    }


def _draft_lines(formset: Any) -> list[Any]:
    from fakturaflyt.receivables.services import DraftLine

    lines = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE"):
            continue
        lines.append(
            DraftLine(
                description=data["description"],
                quantity=data["quantity"],
                unit_price=data["unit_price"],
                product=data.get("product"),
                vat_code=data["vat_code"],
                revenue_account=data["revenue_account"],
                unit_code=data["unit_code"],
                discount_percent=data.get("discount_percent") or Decimal("0"),
            )
        )
    return lines


def _draft_fields(form: Any) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "issue_date": data.get("issue_date"),
        "delivery_date": data.get("delivery_date"),
        "buyer_reference": data.get("buyer_reference", ""),
        "order_reference": data.get("order_reference", ""),
        "note": data.get("note", ""),
    }


def _draft_page(
    request: HttpRequest, form: Any, formset: Any, invoice: SalesInvoice | None, status: int = 200
) -> HttpResponse:
    products = scoped(Product.objects.filter(is_active=True), request.membership).order_by("code")  # type: ignore[attr-defined]
    return render(
        request,
        "receivables/invoice_form.html",
        {
            "form": form,
            "formset": formset,
            "invoice": invoice,
            "products": products,
            "totals": preview_totals(request, formset),
        },
        status=status,
    )


@company_view(Perm.MANAGE_RECEIVABLES)
def invoice_new(request: HttpRequest) -> HttpResponse:
    company = request.membership.company  # type: ignore[attr-defined]
    if request.method == "POST":
        form = f.DraftForm(request.POST, company=company)
        formset = _line_formset(request, request.POST)
        if form.is_valid() and formset.is_valid():
            from fakturaflyt.receivables.services import create_draft

            try:
                invoice = create_draft(
                    company,
                    form.cleaned_data["customer"],
                    _draft_lines(formset),
                    actor=request.user,
                    **_draft_fields(form),
                )
            except FakturaflytError as exc:
                messages.error(request, _problem_text(exc))
                return _draft_page(request, form, formset, None, status=422)
            messages.success(request, _("Draft saved. Check the preview, then issue and send it."))
            return redirect("receivables:invoice", pk=invoice.pk)
        return _draft_page(request, form, formset, None, status=400)
    initial: dict[str, Any] = {"issue_date": today_in_oslo()}
    if request.GET.get("customer", "").isdecimal():
        initial["customer"] = int(request.GET["customer"])
    form = f.DraftForm(initial=initial, company=company)
    return _draft_page(request, form, _line_formset(request, initial=[_product_initial(None)]), None)


@company_view(Perm.MANAGE_RECEIVABLES)
def invoice_edit(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = _invoice(request, pk)
    if not invoice.is_draft:
        messages.error(request, _("An issued invoice cannot be changed; correct it with a credit note."))
        return redirect("receivables:invoice", pk=invoice.pk)
    company = request.membership.company  # type: ignore[attr-defined]
    if request.method == "POST":
        form = f.DraftForm(request.POST, company=company)
        formset = _line_formset(request, request.POST)
        if form.is_valid() and formset.is_valid():
            update = _service("update_draft")
            if update is None:
                messages.error(request, _("Drafts cannot be changed yet in this version."))
                return _draft_page(request, form, formset, invoice, status=422)
            try:
                update(
                    invoice,
                    _draft_lines(formset),
                    request.user,
                    customer=form.cleaned_data["customer"],
                    **_draft_fields(form),
                )
            except FakturaflytError as exc:
                messages.error(request, _problem_text(exc))
                return _draft_page(request, form, formset, invoice, status=422)
            messages.success(request, _("Draft saved."))
            return redirect("receivables:invoice", pk=invoice.pk)
        return _draft_page(request, form, formset, invoice, status=400)
    form = f.DraftForm(
        initial={
            "customer": invoice.customer_id,
            "issue_date": invoice.issue_date,
            "delivery_date": invoice.delivery_date,
            "buyer_reference": invoice.buyer_reference,
            "order_reference": invoice.order_reference,
            "note": invoice.note,
        },
        company=company,
    )
    initial = [
        {
            "product": line.product_id,
            "description": line.description,
            "quantity": line.quantity.normalize(),
            "unit_code": line.unit_code,
            "unit_price": line.unit_price.normalize(),
            "discount_percent": line.discount_percent.normalize() if line.discount_percent else None,
            "vat_code": line.vat_code,
            "revenue_account": line.revenue_account,
        }
        for line in invoice.lines.all()
    ]
    return _draft_page(request, form, _line_formset(request, initial=initial), invoice)


@require_GET
@company_view(Perm.MANAGE_RECEIVABLES)
def invoice_line(request: HttpRequest) -> HttpResponse:
    """htmx: one new line row (index from the formset's TOTAL_FORMS), filled from a product when one is chosen."""
    try:
        index = int(request.GET.get("lines-TOTAL_FORMS") or request.GET.get("index") or 0)
    except ValueError:
        index = 0
    index = max(0, min(index, 500))
    product = None
    product_id = request.GET.get("product") or request.GET.get(f"lines-{index}-product") or ""
    if product_id.isdecimal():
        product = scoped(Product.objects.all(), request.membership).filter(pk=int(product_id)).first()  # type: ignore[attr-defined]
    if "replace" in request.GET:  # a product was picked on an existing row: fill that row
        raw = request.GET.get("replace", "")
        index = int(raw) if raw.isdecimal() else index
        form = f.LineForm(
            prefix=f"lines-{index}", initial=_product_initial(product), company=request.membership.company
        )  # type: ignore[attr-defined]
        return render(request, "receivables/_line_row.html", {"line": form, "index": index, "oob_total": None})
    form = f.LineForm(prefix=f"lines-{index}", initial=_product_initial(product), company=request.membership.company)  # type: ignore[attr-defined]
    return render(request, "receivables/_line_row.html", {"line": form, "index": index, "oob_total": index + 1})


def preview_totals(request: HttpRequest, formset: Any) -> dict[str, Any]:
    """Net, VAT per rate and total of the lines as typed (invalid lines count as nothing): the live preview.

    The draft's stored amounts are computed by ``services.create_draft``; this is the same arithmetic
    (line net rounded to øre, VAT per rate rounded once), shown before saving.
    """
    rates = f.vat_rates(request.membership.company)  # type: ignore[attr-defined]
    data = formset.data if formset.is_bound else None
    net_total = Decimal("0.00")
    per_rate: dict[Decimal, Decimal] = {}
    count = 0
    forms_ = formset.forms
    for form in forms_:
        values = _raw_line(form, data)
        if values is None:
            continue
        qty, price, discount, code = values
        net = ore(qty * price * (Decimal(100) - discount) / Decimal(100))
        rate = rates.get(code, Decimal("0"))
        per_rate[rate] = per_rate.get(rate, Decimal("0.00")) + net
        net_total += net
        count += 1
    vat_rows = [
        {"rate": r, "basis": b, "vat": ore(b * r / Decimal(100))} for r, b in sorted(per_rate.items(), reverse=True)
    ]
    vat_total = sum((row["vat"] for row in vat_rows), Decimal("0.00"))
    return {"count": count, "net": net_total, "vat_rows": vat_rows, "vat": vat_total, "total": net_total + vat_total}


def _raw_line(form: Any, data: Any) -> tuple[Decimal, Decimal, Decimal, str] | None:
    def value(name: str) -> str:
        if data is not None:
            return str(data.get(form.add_prefix(name), "") or "")
        return str(form.initial.get(name, "") or "")

    if value("DELETE") in {"on", "true", "1"}:
        return None
    try:
        qty = Decimal(value("quantity").replace(",", ".").replace(" ", "") or "0")
        price = Decimal(value("unit_price").replace(",", ".").replace(" ", "") or "0")
        discount = Decimal(value("discount_percent").replace(",", ".").replace(" ", "") or "0")
    except InvalidOperation:
        return None
    if not (qty.is_finite() and price.is_finite() and discount.is_finite()) or abs(qty * price) > Decimal("1e12"):
        return None
    return qty, price, min(max(discount, Decimal(0)), Decimal(100)), value("vat_code") or "3"


@require_POST
@company_view(Perm.MANAGE_RECEIVABLES)
def invoice_totals(request: HttpRequest) -> HttpResponse:
    """htmx: the live totals of the draft form."""
    formset = _line_formset(request, request.POST)
    try:
        totals = preview_totals(request, formset)
    except Exception:
        totals = {"count": 0, "net": Decimal("0.00"), "vat_rows": [], "vat": Decimal("0.00"), "total": Decimal("0.00")}
    return render(request, "receivables/_totals.html", {"totals": totals})


# ------------------------------------------------------------------------------------ one invoice


def _dispatches(invoice: SalesInvoice) -> list[Any]:
    from fakturaflyt.distribution.models import Dispatch

    return list(Dispatch.objects.filter(invoice=invoice).order_by("-created_at", "-id"))


@company_view(Perm.VIEW_RECEIVABLES)
def invoice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from fakturaflyt.receivables.pdf import vat_rows

    invoice = _invoice(request, pk)
    today = today_in_oslo()
    lines = list(invoice.lines.select_related("product").all())
    units = dict(f.UNIT_CHOICES)
    for line in lines:
        line.unit_name = units.get(line.unit_code, line.unit_code)  # type: ignore[attr-defined]
    credit_notes = list(invoice.credit_notes.order_by("number", "pk"))
    return render(
        request,
        "receivables/invoice_detail.html",
        {
            "invoice": invoice,
            "badge": badge(invoice, today),
            "lines": lines,
            "vat_rows": vat_rows(invoice, lines),
            "credit_notes": credit_notes,
            "dispatches": _dispatches(invoice),
            "can_manage": can(request.user, invoice.company_id, Perm.MANAGE_RECEIVABLES),
            "can_edit": _service("update_draft") is not None,
            "can_delete": _service("delete_draft") is not None,
            "credit_form": f.CreditForm(),
            "creditable": not invoice.is_draft and not invoice.is_credit_note and invoice.settlement != "credited",
            "reverse_charge": any(line.vat_code == "51" for line in lines),
        },
    )


@require_POST
@company_view(Perm.MANAGE_RECEIVABLES)
def invoice_delete(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = _invoice(request, pk)
    delete = _service("delete_draft")
    if not invoice.is_draft or delete is None:
        messages.error(request, _("Only a draft can be deleted; an issued invoice is corrected with a credit note."))
        return redirect("receivables:invoice", pk=invoice.pk)
    try:
        delete(invoice, request.user)
    except FakturaflytError as exc:
        messages.error(request, _problem_text(exc))
        return redirect("receivables:invoice", pk=invoice.pk)
    messages.success(request, _("The draft was deleted."))
    return redirect("receivables:invoices")


def _send(request: HttpRequest, invoice: SalesInvoice, *, resend: bool = False) -> None:
    """Send by the customer's channel and tell how it went (a failure is on the invoice's send log too)."""
    from fakturaflyt.distribution.services import send

    try:
        dispatch = send(invoice, actor=request.user, resend=resend) if resend else send(invoice, actor=request.user)
    except FakturaflytError as exc:
        messages.error(request, _problem_text(exc))
        return
    label = dispatch.get_channel_display() if hasattr(dispatch, "get_channel_display") else dispatch.channel
    if dispatch.status in {"failed", "rejected"}:
        messages.error(
            request,
            _("Sending by %(channel)s failed: %(error)s")
            % {"channel": label, "error": dispatch.last_error or dispatch.status},
        )
    elif dispatch.status == "temporary_failure":
        messages.warning(
            request,
            _("Sending by %(channel)s failed for now; it will be tried again automatically.") % {"channel": label},
        )
    else:
        messages.success(
            request, _("Invoice %(number)s sent by %(channel)s.") % {"number": invoice.number, "channel": label}
        )


@require_POST
@company_view(Perm.MANAGE_RECEIVABLES)
def invoice_issue(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue the draft (number, KID, voucher) and send it by the customer's channel."""
    invoice = _invoice(request, pk)
    if not invoice.is_draft:
        messages.info(request, _("This invoice is already issued."))
        return redirect("receivables:invoice", pk=invoice.pk)
    from fakturaflyt.receivables.services import issue

    try:
        invoice = issue(invoice, request.user)
    except FakturaflytError as exc:
        messages.error(request, _problem_text(exc))
        return redirect("receivables:invoice", pk=pk)
    messages.success(request, _("Invoice %(number)s issued and posted.") % {"number": invoice.number})
    _send(request, invoice)
    return redirect("receivables:invoice", pk=invoice.pk)


@require_POST
@company_view(Perm.MANAGE_RECEIVABLES)
def invoice_send(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = _invoice(request, pk)
    if invoice.is_draft:
        messages.error(request, _("This invoice is a draft: issue it before sending it."))
    else:
        _send(request, invoice, resend=True)
    return redirect("receivables:invoice", pk=invoice.pk)


@require_POST
@company_view(Perm.MANAGE_RECEIVABLES)
def invoice_credit(request: HttpRequest, pk: int) -> HttpResponse:
    """A credit note for the whole invoice, or for the ticked lines (with the quantity to credit)."""
    invoice = _invoice(request, pk)
    form = f.CreditForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason for the credit note; it is printed on it."))
        return redirect("receivables:invoice", pk=pk)
    from fakturaflyt.receivables.services import credit, credit_lines

    chosen = {int(x) for x in request.POST.getlist("line") if x.isdecimal()}
    wanted: list[tuple[int, Decimal | None]] = []
    for line in invoice.lines.filter(pk__in=chosen).order_by("line_no"):
        raw = (request.POST.get(f"quantity-{line.pk}") or "").replace(",", ".").strip()
        try:
            wanted.append((line.line_no, Decimal(raw) if raw else None))
        except InvalidOperation:
            wanted.append((line.line_no, None))
    try:
        lines = credit_lines(invoice, wanted) if wanted else None
        note = credit(invoice, request.user, reason=form.cleaned_data["reason"], lines=lines)
    except FakturaflytError as exc:
        messages.error(request, _problem_text(exc))
        return redirect("receivables:invoice", pk=pk)
    messages.success(request, _("Credit note %(number)s issued.") % {"number": note.number})
    _send(request, note)
    return redirect("receivables:invoice", pk=note.pk)


def _attachment(data: bytes, content_type: str, name: str, inline: bool = False) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def invoice_pdf_bytes(invoice: SalesInvoice) -> bytes:
    """The PDF as sent when it was stored at issue, else rendered now (drafts always now)."""
    if invoice.pdf_file_id and not invoice.is_draft:
        from fakturaflyt.payables import storage

        return storage.read(invoice.pdf_file)  # type: ignore[arg-type]
    from fakturaflyt.receivables.pdf import render_pdf

    return render_pdf(invoice)


def invoice_ehf_bytes(invoice: SalesInvoice) -> bytes:
    if invoice.ehf_file_id:
        from fakturaflyt.payables import storage

        return storage.read(invoice.ehf_file)  # type: ignore[arg-type]
    from fakturaflyt.receivables.ehf import ehf_bytes

    return ehf_bytes(invoice)


@company_view(Perm.VIEW_RECEIVABLES)
def invoice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from fakturaflyt.receivables.pdf import filename

    invoice = _invoice(request, pk)
    inline = request.GET.get("inline") == "1" or invoice.is_draft
    return _attachment(invoice_pdf_bytes(invoice), "application/pdf", filename(invoice), inline=inline)


@company_view(Perm.VIEW_RECEIVABLES)
def invoice_ehf(request: HttpRequest, pk: int) -> HttpResponse:
    from fakturaflyt.receivables.pdf import filename

    invoice = _invoice(request, pk)
    if invoice.is_draft:
        raise Http404("A draft has no EHF")
    data = invoice_ehf_bytes(invoice)
    return _attachment(data, "application/xml", filename(invoice, "xml"))


# ------------------------------------------------------------------------------------ customers, products


@company_view(Perm.VIEW_CUSTOMERS)
def customer_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    customers = scoped(Customer.objects.all(), request.membership).order_by("name")  # type: ignore[attr-defined]
    if q:
        customers = customers.filter(
            Q(name__icontains=q) | Q(orgnr__startswith=q.replace(" ", "")) | Q(city__icontains=q)
        )
    return render(
        request,
        "receivables/customer_list.html",
        {
            "customers": customers,
            "q": q,
            "can_manage": can(request.user, request.membership.company_id, Perm.MANAGE_CUSTOMERS),
        },  # type: ignore[attr-defined]
    )


def _save_audited(request: HttpRequest, form: Any, action: str) -> Any:
    """Save a customer/product form with the company set and an audit event (master data changes are traced)."""
    from django.db import transaction

    from fakturaflyt.ledger import audit

    with transaction.atomic():
        obj = form.save(commit=False)
        obj.company = request.membership.company  # type: ignore[attr-defined]
        if isinstance(obj, Customer) and not obj.number:
            last = (
                Customer.objects.filter(company=obj.company)
                .order_by("-number")
                .values_list("number", flat=True)
                .first()
            )
            obj.number = (last or 10000) + 1
        obj.save()
        audit.record(obj.company, request.user, action, obj, changed=sorted(form.changed_data))
    return obj


@company_view(Perm.MANAGE_CUSTOMERS)
def customer_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    instance = None
    if pk is not None:
        instance = get_object_or_404(scoped(Customer.objects.all(), request.membership), pk=pk)  # type: ignore[attr-defined]
    if request.method == "POST":
        form = f.CustomerForm(request.POST, instance=instance)
        if form.is_valid():
            customer = _save_audited(request, form, "customer.created" if instance is None else "customer.changed")
            messages.success(request, _("Customer %(name)s saved.") % {"name": customer.name})
            return redirect("receivables:customers")
    else:
        form = f.CustomerForm(instance=instance)
    return render(
        request,
        "receivables/customer_form.html",
        {"form": form, "customer": instance},
        status=400 if form.errors else 200,
    )


@company_view(Perm.VIEW_CUSTOMERS)
def product_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    products = scoped(Product.objects.all(), request.membership).order_by("code")  # type: ignore[attr-defined]
    if q:
        products = products.filter(Q(code__icontains=q) | Q(name__icontains=q))
    return render(
        request,
        "receivables/product_list.html",
        {
            "products": products,
            "q": q,
            "can_manage": can(request.user, request.membership.company_id, Perm.MANAGE_CUSTOMERS),
        },  # type: ignore[attr-defined]
    )


@company_view(Perm.MANAGE_CUSTOMERS)
def product_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    company = request.membership.company  # type: ignore[attr-defined]
    instance = None
    if pk is not None:
        instance = get_object_or_404(scoped(Product.objects.all(), request.membership), pk=pk)  # type: ignore[attr-defined]
    if request.method == "POST":
        form = f.ProductForm(request.POST, instance=instance, company=company)
        if form.is_valid():
            product = _save_audited(request, form, "product.created" if instance is None else "product.changed")
            messages.success(request, _("Product %(code)s saved.") % {"code": product.code})
            return redirect("receivables:products")
    else:
        form = f.ProductForm(instance=instance, company=company)
    return render(
        request,
        "receivables/product_form.html",
        {"form": form, "product": instance},
        status=400 if form.errors else 200,
    )
