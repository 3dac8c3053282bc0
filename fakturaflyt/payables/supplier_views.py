"""Supplier pages: one supplier with its bank account and the changes to it; the changes that wait for approval.

A change of a supplier's bank account is asked for here (``manage_suppliers``) or by the
supplier's own contact in the portal, and takes effect only when a *different* person with
``manage_suppliers`` approves it (see :mod:`.bank_changes`). The views check permission,
call the service and render.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from fakturaflyt.companies.decorators import company_view
from fakturaflyt.companies.permissions import has_perm, scoped
from fakturaflyt.companies.roles import Perm
from fakturaflyt.core.errors import FakturaflytError
from fakturaflyt.payables import bank_changes
from fakturaflyt.payables.models import BankChangeStatus, Supplier, SupplierBankAccountChange


class BankChangeForm(forms.Form):
    bank_account = forms.CharField(label=_("New account number"), max_length=20, required=False)
    iban = forms.CharField(label="IBAN", max_length=42, required=False)
    bic = forms.CharField(label="BIC", max_length=11, required=False)
    reason = forms.CharField(
        label=_("Reason and how it was confirmed"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
        help_text=_("For example: confirmed by phone with the supplier's finance department on a known number."),
    )


class RejectChangeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000)


def _changes(request: HttpRequest):  # type: ignore[no-untyped-def]
    return scoped(SupplierBankAccountChange.objects.all(), request.membership).select_related(  # type: ignore[attr-defined]
        "supplier", "requested_by", "decided_by"
    )


@company_view(Perm.VIEW_SUPPLIERS)
def supplier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    m = request.membership  # type: ignore[attr-defined]
    supplier = get_object_or_404(scoped(Supplier.objects.all(), m), pk=pk)
    changes = list(_changes(request).filter(supplier=supplier)[:20])
    pending = next((c for c in changes if c.status == BankChangeStatus.PENDING), None)
    can_manage = has_perm(m, Perm.MANAGE_SUPPLIERS)
    return render(
        request,
        "payables/supplier_detail.html",
        {
            "supplier": supplier,
            "changes": changes,
            "pending": pending,
            "can_manage": can_manage,
            "can_decide": can_manage and pending is not None and pending.requested_by_id != request.user.pk,
            "form": BankChangeForm(),
            "reject_form": RejectChangeForm(),
        },
    )


@company_view(Perm.VIEW_SUPPLIERS)
def pending_changes(request: HttpRequest) -> HttpResponse:
    changes = _changes(request).filter(status=BankChangeStatus.PENDING).order_by("requested_at")
    return render(
        request,
        "payables/bank_changes.html",
        {"changes": changes, "can_manage": has_perm(request.membership, Perm.MANAGE_SUPPLIERS)},  # type: ignore[attr-defined]
    )


@require_POST
@company_view(Perm.MANAGE_SUPPLIERS)
def request_change(request: HttpRequest, pk: int) -> HttpResponse:
    supplier = get_object_or_404(scoped(Supplier.objects.all(), request.membership), pk=pk)  # type: ignore[attr-defined]
    form = BankChangeForm(request.POST)
    if form.is_valid():
        try:
            bank_changes.request_change(supplier, request.user, via="ui", **form.cleaned_data)
        except FakturaflytError as exc:
            messages.error(request, bank_changes.error_message(exc))
        else:
            messages.success(
                request, gettext("The change was registered. It takes effect when another person approves it.")
            )
    else:
        messages.error(request, gettext("Check the account details."))
    return redirect("payables:supplier", pk=supplier.pk)


@require_POST
@company_view(Perm.MANAGE_SUPPLIERS)
def approve_change(request: HttpRequest, change_id: int) -> HttpResponse:
    change = get_object_or_404(_changes(request), pk=change_id)
    try:
        bank_changes.approve(change, request.user)
    except FakturaflytError as exc:
        messages.error(request, bank_changes.error_message(exc))
    else:
        messages.success(request, gettext("The new bank account is approved and in use."))
    return _back(request, change)


@require_POST
@company_view(Perm.MANAGE_SUPPLIERS)
def reject_change(request: HttpRequest, change_id: int) -> HttpResponse:
    change = get_object_or_404(_changes(request), pk=change_id)
    try:
        bank_changes.reject(change, request.user, request.POST.get("reason", ""))
    except FakturaflytError as exc:
        messages.error(request, bank_changes.error_message(exc))
    else:
        messages.success(request, gettext("The change was rejected; the supplier keeps its account."))
    return _back(request, change)


def _back(request: HttpRequest, change: SupplierBankAccountChange) -> HttpResponse:
    if request.POST.get("next") == "list":
        return redirect("payables:bank_changes")
    return redirect("payables:supplier", pk=change.supplier_id)


@company_view(Perm.SUPPLIER_PORTAL)
def portal_bank_account(request: HttpRequest) -> HttpResponse:
    """The supplier's own contact asks for a new account; the buyer's staff approve it (never the contact)."""
    m = request.membership  # type: ignore[attr-defined]
    supplier = get_object_or_404(scoped(Supplier.objects.all(), m), pk=m.supplier_id)
    form = BankChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            bank_changes.request_change(supplier, request.user, via="portal", **form.cleaned_data)
        except FakturaflytError as exc:
            messages.error(request, bank_changes.error_message(exc))
        else:
            messages.success(
                request,
                gettext("Thank you. %(company)s will confirm the new account before paying to it.")
                % {"company": m.company.name},
            )
            return redirect("portal:bank_account")
    changes = _changes(request).filter(supplier=supplier)[:10]
    return render(
        request, "payables/portal_bank_account.html", {"supplier": supplier, "form": form, "changes": changes}
    )
