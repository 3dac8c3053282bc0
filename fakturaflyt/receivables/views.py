"""Accounts receivable pages: customers, and the invoices still to be built."""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from fakturaflyt.companies.decorators import company_view
from fakturaflyt.companies.permissions import scoped
from fakturaflyt.companies.roles import Perm
from fakturaflyt.receivables.models import Customer
from fakturaflyt.web.placeholders import placeholder


@company_view(Perm.VIEW_CUSTOMERS)
def customer_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    customers = scoped(Customer.objects.all(), request.membership).order_by("name")  # type: ignore[attr-defined]
    if q:
        customers = customers.filter(
            Q(name__icontains=q) | Q(orgnr__startswith=q.replace(" ", "")) | Q(city__icontains=q)
        )
    return render(request, "receivables/customer_list.html", {"customers": customers, "q": q})


invoices = placeholder(
    Perm.VIEW_RECEIVABLES,
    _("Invoices"),
    _("Customer invoices will be made and followed here."),
    _("Invoices from orders, contracts and subscriptions, each with a KID."),
    _("Sent as EHF to customers in the Peppol network, otherwise as PDF by e-mail."),
    _("Payments are matched from the bank; reminders and collection notices follow the Norwegian rules."),
)
