"""Accounts payable pages: suppliers, and the inbox, approvals and payments still to be built."""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from fakturaflyt.companies.decorators import company_view
from fakturaflyt.companies.permissions import scoped
from fakturaflyt.companies.roles import Perm
from fakturaflyt.payables.models import Supplier
from fakturaflyt.web.placeholders import placeholder


@company_view(Perm.VIEW_SUPPLIERS)
def supplier_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    suppliers = scoped(Supplier.objects.all(), request.membership).order_by("name")  # type: ignore[attr-defined]
    if q:
        suppliers = suppliers.filter(
            Q(name__icontains=q) | Q(orgnr__startswith=q.replace(" ", "")) | Q(city__icontains=q)
        )
    return render(request, "payables/supplier_list.html", {"suppliers": suppliers, "q": q})


inbox = placeholder(
    Perm.VIEW_PAYABLES,
    _("Inbox"),
    _("Received supplier invoices will land here, before they are approved and posted."),
    _("EHF invoices from the Peppol network, PDFs sent by e-mail and files uploaded by you or the supplier."),
    _("Each document is stored exactly as received, read, checked for duplicates and given a proposed coding."),
    _("Documents that cannot be read are kept with the reason, so nothing is lost."),
)
approvals = placeholder(
    Perm.APPROVE,
    _("Approvals"),
    _("Supplier invoices waiting for your approval will be listed here."),
    _("You will see the invoice, its coding and any purchase order it matches."),
    _("You approve or reject, within your approval limit, also from your phone."),
)
payments = placeholder(
    Perm.MANAGE_PAYMENTS,
    _("Payments"),
    _("Payment proposals and payment files will be made here."),
    _("A proposal gathers approved, unpaid supplier invoices up to a due date."),
    _("The payment file (ISO 20022 pain.001) goes to the bank, with KID or message for each payment."),
    _("The bank's status reports and statements show what was paid."),
)
