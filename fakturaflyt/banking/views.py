"""The "Bank" pages: import a bank file (with upload progress), the imports so far, the reconciliation screen.

Thin: each view checks its permission (``@company_view``), calls a service and renders. Seeing
is ``view_bank``; importing books payments both ways, so it takes ``manage_payments``;
confirming or ignoring an entry settles customer invoices, so it takes ``manage_receivables``.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fakturaflyt.banking import services
from fakturaflyt.banking.models import OPEN_STATES, BankEntry, BankStatementImport
from fakturaflyt.companies.decorators import company_view
from fakturaflyt.companies.permissions import can
from fakturaflyt.companies.roles import Perm
from fakturaflyt.core.errors import FakturaflytError
from fakturaflyt.receivables.models import Customer, SalesInvoice
from fakturaflyt.receivables.payments import open_invoices, remaining

METHODS = {
    "kid": gettext_lazy("KID"),
    "text_kid": gettext_lazy("KID in the message"),
    "text_number": gettext_lazy("Invoice number in the message"),
    "amount_payer": gettext_lazy("Amount and payer"),
    "amount_only": gettext_lazy("Amount only"),
    "several_invoices": gettext_lazy("Several invoices"),
    "credited_invoice": gettext_lazy("Credited invoice"),
    "already_paid": gettext_lazy("Already paid"),
    "manual": gettext_lazy("By hand"),
}

#: Files above this size are imported by the background task; the page follows its status.
BACKGROUND_BYTES = 2 * 1024 * 1024


class BankFileForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Bank file"),
        help_text=gettext_lazy("camt.053 statement, camt.054 notification or Nets OCR giro file."),
    )


def _company(request: HttpRequest) -> Any:
    return request.membership.company  # type: ignore[attr-defined]


def _index_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    company = _company(request)
    return {
        "form": BankFileForm(),
        "imports": BankStatementImport.objects.filter(company=company).select_related("imported_by")[:20],
        "to_review": BankEntry.objects.filter(company=company, state__in=OPEN_STATES).count(),
        "may_import": can(request.user, company, Perm.MANAGE_PAYMENTS),
        **extra,
    }


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@company_view(Perm.VIEW_BANK)
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "banking/index.html", _index_context(request))


@require_POST
@company_view(Perm.MANAGE_PAYMENTS)
def upload(request: HttpRequest) -> HttpResponse:
    form = BankFileForm(request.POST, request.FILES)
    template = "banking/_import_result.html" if _is_htmx(request) else "banking/index.html"
    if not form.is_valid():
        return render(request, template, _index_context(request, form=form), status=400)
    upload_file = form.cleaned_data["file"]
    data = upload_file.read()
    company = _company(request)
    imp = services.receive_bank_file(company, data, request.user, filename=upload_file.name)
    if len(data) > BACKGROUND_BYTES:
        from fakturaflyt.banking.tasks import import_bank_file

        import_bank_file.delay(imp.pk, request.user.pk)
        imp.refresh_from_db()
    else:
        try:
            services.run_import(imp, request.user, data=data)
        except FakturaflytError:
            pass  # the import row says what is wrong
        imp.refresh_from_db()
    return render(request, template, _index_context(request, result=imp), status=200)


@company_view(Perm.VIEW_BANK)
def import_status(request: HttpRequest, pk: int) -> HttpResponse:
    imp = get_object_or_404(BankStatementImport, company=_company(request), pk=pk)
    return render(request, "banking/_import_result.html", _index_context(request, result=imp))


# -- reconciliation ------------------------------------------------------------------------------


@company_view(Perm.VIEW_BANK)
def reconcile(request: HttpRequest) -> HttpResponse:
    company = _company(request)
    entries = list(
        BankEntry.objects.filter(company=company, state__in=OPEN_STATES).order_by("booking_date", "pk")[:200]
    )
    for entry in entries:
        entry.rows = [  # type: ignore[attr-defined]
            {"n": n, "c": c, "method": METHODS.get(c.get("method", ""), c.get("method", "")), "percent": _percent(c)}
            for n, c in enumerate(entry.candidates or [], start=1)
        ]
    focus = request.GET.get("focus", "")
    return render(
        request,
        "banking/reconcile.html",
        {
            "entries": entries,
            "focus": focus,
            "may_act": can(request.user, company, Perm.MANAGE_RECEIVABLES),
            "done_today": BankEntry.objects.filter(company=company, state="posted").count(),
        },
    )


def _percent(candidate: dict[str, Any]) -> int:
    try:
        return round(Decimal(candidate.get("confidence", "0")) * 100)
    except InvalidOperation:
        return 0


def _entry(request: HttpRequest, pk: int) -> BankEntry:
    return get_object_or_404(BankEntry.objects.select_related("company"), company=_company(request), pk=pk)


def _next_url(request: HttpRequest, entry: BankEntry) -> str:
    following = (
        BankEntry.objects.filter(company=entry.company, state__in=OPEN_STATES)
        .filter(Q(booking_date__gt=entry.booking_date) | Q(booking_date=entry.booking_date, pk__gt=entry.pk))
        .order_by("booking_date", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    url = reverse("banking:reconcile")
    return f"{url}?focus={following}#entry-{following}" if following else url


@require_POST
@company_view(Perm.MANAGE_RECEIVABLES)
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm candidate ``candidate`` (1-based), or allocate by hand to the invoices ticked."""
    entry = _entry(request, pk)
    try:
        if request.POST.get("candidate"):
            services.confirm_candidate(entry, int(request.POST["candidate"]) - 1, request.user)
        else:
            allocations, customer = _manual_allocations(request, entry)
            services.confirm(entry, allocations, request.user, customer=customer)
    except (FakturaflytError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", str(exc)))
        return redirect(f"{reverse('banking:reconcile')}?focus={entry.pk}#entry-{entry.pk}")
    messages.success(
        request,
        _("%(amount)s from %(payer)s posted.")
        % {"amount": entry.amount, "payer": entry.counterparty_name or entry.kid or entry.ref},
    )
    return redirect(_next_url(request, entry))


def _manual_allocations(request: HttpRequest, entry: BankEntry) -> tuple[list[tuple[SalesInvoice, Decimal]], Any]:
    ids = [int(x) for x in request.POST.getlist("invoice") if x.isdecimal()]
    invoices = SalesInvoice.objects.filter(company=entry.company, pk__in=ids).select_related("customer").in_bulk()
    left = entry.amount
    allocations: list[tuple[SalesInvoice, Decimal]] = []
    for pk in ids:
        inv = invoices.get(pk)
        if inv is None:
            continue
        raw = request.POST.get(f"amount-{pk}", "").replace(",", ".").replace(" ", "")
        try:
            amount = Decimal(raw) if raw else min(left, remaining(inv))
        except InvalidOperation:
            raise ValueError(_("The amount for invoice %(number)s is not a number.") % {"number": inv.number}) from None
        if amount > 0:
            allocations.append((inv, amount))
            left -= amount
    customer = None
    if request.POST.get("customer", "").isdecimal():
        customer = Customer.objects.filter(company=entry.company, pk=int(request.POST["customer"])).first()
    if customer is None and allocations:
        customer = allocations[0][0].customer
    return allocations, customer


@require_POST
@company_view(Perm.MANAGE_RECEIVABLES)
def ignore(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    try:
        services.ignore(entry, request.POST.get("reason", ""), request.user)
    except FakturaflytError as exc:
        messages.error(request, getattr(exc, "message", str(exc)))
        return redirect(f"{reverse('banking:reconcile')}?focus={entry.pk}#entry-{entry.pk}")
    messages.success(request, _("Entry ignored."))
    return redirect(_next_url(request, entry))


@company_view(Perm.VIEW_BANK)
def search_invoices(request: HttpRequest, pk: int) -> HttpResponse:
    """Open invoices by number, customer name or KID, for allocating an entry by hand (htmx fragment)."""
    entry = _entry(request, pk)
    q = request.GET.get("q", "").strip()
    found: list[SalesInvoice] = []
    if q:
        for inv in open_invoices(entry.company):
            hay = f"{inv.number} {inv.kid} {inv.customer.name}".lower()
            if all(word in hay for word in q.lower().split()):
                found.append(inv)
            if len(found) >= 20:
                break
    rows = [{"invoice": inv, "open": remaining(inv)} for inv in found]
    return render(request, "banking/_invoice_search.html", {"entry": entry, "rows": rows, "q": q})


__all__ = ["confirm", "ignore", "import_status", "index", "reconcile", "search_invoices", "upload"]
