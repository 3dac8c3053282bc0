"""Purchase order pages (Innkjøpsordrer): the list, one order, a new order, goods received, CSV import.

Viewing needs :attr:`Perm.VIEW_PAYABLES`; creating, importing and receiving
:attr:`Perm.MANAGE_PAYABLES`. Orders are looked up through ``scoped``, so another company's
order answers 404. The views check permission, call a service and render.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from fakturaflyt.companies.decorators import company_view
from fakturaflyt.companies.models import Membership
from fakturaflyt.companies.permissions import has_perm, scoped
from fakturaflyt.companies.roles import Perm
from fakturaflyt.purchasing import services
from fakturaflyt.purchasing.error_codes import PurchasingError
from fakturaflyt.purchasing.forms import ImportForm, OrderForm, OrderLineFormSet
from fakturaflyt.purchasing.models import OrderStatus, PurchaseOrder

RULE_LABELS = {
    "price": _("Price"),
    "quantity_over_order": _("Quantity over the order"),
    "quantity_over_receipt": _("Quantity over what was received"),
    "total": _("Invoice total"),
}


def _membership(request: HttpRequest) -> Membership:
    return request.membership  # type: ignore[attr-defined,no-any-return]


def _orders(m: Membership) -> Any:
    return scoped(PurchaseOrder.objects.all(), m).select_related("supplier", "requested_by")


@company_view(Perm.VIEW_PAYABLES)
def orders(request: HttpRequest) -> HttpResponse:
    m = _membership(request)
    status = request.GET.get("status", "open")
    qs = _orders(m).prefetch_related("lines").order_by("-order_date", "-pk")
    if status in OrderStatus.values:
        qs = qs.filter(status=status)
    q = request.GET.get("q", "").strip()[:100]
    if q:
        qs = qs.filter(number__icontains=q) | qs.filter(supplier__name__icontains=q)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "purchasing/orders.html",
        {
            "page": page,
            "status": status,
            "statuses": [("", gettext("All")), *OrderStatus.choices],
            "q": q,
            "can_manage": has_perm(m, Perm.MANAGE_PAYABLES),
        },
    )


def _rule_label(rule: str) -> str:
    return str(RULE_LABELS.get(rule, rule))


@company_view(Perm.VIEW_PAYABLES)
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    m = _membership(request)
    order = get_object_or_404(_orders(m), pk=pk)
    matches = []
    for match in order.matches.select_related("document").order_by("-matched_at"):
        deviations = [{**d, "label": _rule_label(d.get("rule", ""))} for d in match.deviations]
        matches.append({"match": match, "deviations": deviations})
    return render(
        request,
        "purchasing/order.html",
        {
            "order": order,
            "lines": list(order.lines.all()),
            "receipts": order.receipts.select_related("received_by").prefetch_related("lines__order_line"),
            "matches": matches,
            "can_manage": has_perm(m, Perm.MANAGE_PAYABLES) and order.status == OrderStatus.OPEN,
        },
    )


@company_view(Perm.MANAGE_PAYABLES)
def order_new(request: HttpRequest) -> HttpResponse:
    m = _membership(request)
    form = OrderForm(request.POST or None, company=m.company)
    lines = OrderLineFormSet(request.POST or None, prefix="lines")
    problems: list[Any] = []
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        rows = [
            {**row, "line_no": n}
            for n, row in enumerate((r for r in lines.cleaned_data if r and any(r.values())), start=1)
        ]
        data = form.cleaned_data
        try:
            order = services.create_order(
                m.company,
                request.user,
                number=data["number"],
                supplier=data["supplier"],
                order_date=data["order_date"],
                lines=rows,
                requested_by=data["requested_by"],
                note=data["note"],
            )
        except PurchasingError as exc:
            problems = list(exc.problems)
        else:
            messages.success(request, gettext("Order %(number)s created.") % {"number": order.number})
            return redirect("purchasing:order", order.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "purchasing/order_new.html", {"form": form, "lines": lines, "problems": problems}, status=status
    )


@require_POST
@company_view(Perm.MANAGE_PAYABLES)
def receive(request: HttpRequest, pk: int) -> HttpResponse:
    m = _membership(request)
    order = get_object_or_404(_orders(m), pk=pk)
    quantities = {
        int(key[4:]): value.strip()
        for key, value in request.POST.items()
        if key.startswith("qty-") and key[4:].isdecimal() and value.strip()
    }
    try:
        receipt = services.receive_goods(order, quantities, request.user, note=request.POST.get("note", "")[:300])
    except PurchasingError as exc:
        for problem in exc.problems:
            messages.error(request, f"{problem.location}: {problem.message}" if problem.location else problem.message)
    else:
        count = receipt.lines.count()
        messages.success(
            request,
            ngettext("Goods received on %(count)d line.", "Goods received on %(count)d lines.", count)
            % {"count": count},
        )
    return redirect("purchasing:order", order.pk)


@company_view(Perm.MANAGE_PAYABLES)
def order_import(request: HttpRequest) -> HttpResponse:
    m = _membership(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[Any] = []
    if request.method == "POST" and form.is_valid():
        try:
            created = services.import_orders_csv(m.company, form.cleaned_data["file"].read(), request.user)
        except PurchasingError as exc:
            problems = list(exc.problems)
        else:
            messages.success(
                request,
                ngettext("%(count)d order imported.", "%(count)d orders imported.", len(created))
                % {"count": len(created)},
            )
            return redirect("purchasing:orders")
    status = 400 if problems else 200
    return render(request, "purchasing/import.html", {"form": form, "problems": problems}, status=status)
