"""The "Fakturering" page: what is billed from (subscriptions, open orders, unbilled time,
contracts), the billing run with a preview of what it will make, and each run's result.

Viewing needs ``view_receivables``; making the invoices needs ``manage_receivables``.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fakturaflyt.billing import services
from fakturaflyt.billing.models import (
    BillingRun,
    Contract,
    ContractStatus,
    OrderStatus,
    SalesOrder,
    Subscription,
    SubscriptionStatus,
    TimeEntry,
)
from fakturaflyt.companies.decorators import company_view
from fakturaflyt.companies.permissions import can
from fakturaflyt.companies.roles import Perm
from fakturaflyt.core.invoicing import line_net


class RunForm(forms.Form):
    date = forms.DateField(
        label=gettext_lazy("Run date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Everything due on or before this date is invoiced once."),
    )


def _company(request: HttpRequest) -> Any:
    return request.membership.company  # type: ignore[attr-defined]


def _overview(company: Any, today: date) -> dict[str, Any]:
    subs = list(
        Subscription.objects.filter(company=company)
        .exclude(status=SubscriptionStatus.CANCELLED)
        .select_related("customer", "plan")
        .prefetch_related("changes__new_plan")
        .order_by("customer__name", "start")[:200]
    )
    for sub in subs:  # the plan changes it has had, latest last ("Standard → Premium from 15.10.2026")
        sub.plan_changes = sorted(sub.changes.all(), key=lambda c: c.on)
    orders = list(
        SalesOrder.objects.filter(company=company, status=OrderStatus.OPEN)
        .select_related("customer")
        .prefetch_related("lines")
        .order_by("number")[:200]
    )
    for o in orders:
        # each line as the invoice will state it (EN 16931 line net, in øre)
        o.net = sum((line_net(ln.quantity, ln.unit_price, ln.discount_percent) for ln in o.lines.all()), Decimal(0))
    time: dict[tuple[str, str], dict[str, Any]] = defaultdict(lambda: {"hours": Decimal(0), "amount": Decimal(0)})
    for e in TimeEntry.objects.filter(company=company, billable=True, invoice__isnull=True).select_related(
        "customer", "project"
    ):
        row = time[(e.customer.name, e.project.code if e.project else "")]
        row["hours"] += e.hours
        row["amount"] += line_net(e.hours, e.hourly_rate)
        row["last"] = max(row.get("last", e.date), e.date)
    contracts = []
    for c in (
        Contract.objects.filter(company=company, status=ContractStatus.ACTIVE)
        .select_related("customer")
        .prefetch_related("milestones")
        .order_by("number")
    ):
        open_ms = [m for m in c.milestones.all() if m.invoice_id is None]
        contracts.append({"contract": c, "next": open_ms[0] if open_ms else None, "open": len(open_ms)})
    return {
        "subscriptions": subs,
        "orders": orders,
        "time_rows": [{"customer": k[0], "project": k[1], **v} for k, v in sorted(time.items())],
        "contracts": contracts,
        "runs": BillingRun.objects.filter(company=company).select_related("actor")[:10],
    }


@company_view(Perm.VIEW_RECEIVABLES)
def index(request: HttpRequest) -> HttpResponse:
    company = _company(request)
    today = timezone.localdate()
    form = RunForm(request.GET or None, initial={"date": today})
    context: dict[str, Any] = {
        "form": form,
        "may_run": can(request.user, company, Perm.MANAGE_RECEIVABLES),
    }
    if form.is_bound and form.is_valid():
        planning = services.plan(company, form.cleaned_data["date"])
        context.update(planning=planning, run_date=form.cleaned_data["date"])
        context["preview_total"] = sum((p.total for p in planning.invoices), Decimal("0.00"))
    if request.headers.get("HX-Request") and form.is_bound:
        return render(request, "billing/_preview.html", context, status=200 if form.is_valid() else 400)
    context.update(_overview(company, today))
    return render(request, "billing/index.html", context)


@require_POST
@company_view(Perm.MANAGE_RECEIVABLES)
def run(request: HttpRequest) -> HttpResponse:
    form = RunForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the run date."))
        return redirect("billing:index")
    result = services.run(_company(request), form.cleaned_data["date"], request.user, send=True)
    if result.created:
        messages.success(request, _("%(count)s invoices made.") % {"count": len(result.created)})
    else:
        messages.info(request, _("Nothing new to invoice."))
    return redirect("billing:run", pk=result.run_id)


@company_view(Perm.VIEW_RECEIVABLES)
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    billing_run = get_object_or_404(BillingRun.objects.filter(company=_company(request)), pk=pk)
    total = sum((Decimal(c["total"]) for c in billing_run.created), Decimal("0.00"))
    return render(request, "billing/run.html", {"run": billing_run, "total": total})
