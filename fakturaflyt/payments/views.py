"""The "Betalinger" pages: proposals, runs, approval, the pain.001 file and the bank's status files.

Thin: each view checks ``manage_payments`` (``@company_view``), calls a service and renders.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fakturaflyt.companies.decorators import company_view
from fakturaflyt.companies.permissions import NotAllowed
from fakturaflyt.companies.roles import Perm
from fakturaflyt.payables import storage
from fakturaflyt.payments import services
from fakturaflyt.payments.error_codes import PaymentCode, PaymentError
from fakturaflyt.payments.forms import BankFileForm, ExportForm, ProposeForm
from fakturaflyt.payments.models import BankFileImport, PaymentRun, PaymentState, RunStatus


def _runs(request: HttpRequest) -> Any:
    return PaymentRun.objects.filter(company_id=request.membership.company_id)  # type: ignore[attr-defined]


def _run(request: HttpRequest, number: int) -> PaymentRun:
    return get_object_or_404(
        _runs(request).select_related("debtor_account", "created_by", "approved_by"), number=number
    )


def _list_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    runs = []
    for run in _runs(request).order_by("-number").prefetch_related("payments")[:50]:  # not a query per run
        live = [p for p in run.payments.all() if p.status != PaymentState.CANCELLED]
        runs.append({"run": run, "count": len(live), "total": sum((p.amount for p in live), Decimal("0.00"))})
    return {
        "runs": runs,
        "propose_form": ProposeForm(),
        "import_form": BankFileForm(),
        "imports": BankFileImport.objects.filter(company_id=request.membership.company_id)[:10],  # type: ignore[attr-defined]
        **extra,
    }


@company_view(Perm.MANAGE_PAYMENTS)
def runs(request: HttpRequest) -> HttpResponse:
    return render(request, "payments/runs.html", _list_context(request))


@require_POST
@company_view(Perm.MANAGE_PAYMENTS)
def propose(request: HttpRequest) -> HttpResponse:
    form = ProposeForm(request.POST)
    if not form.is_valid():
        return render(request, "payments/runs.html", _list_context(request, propose_form=form), status=400)
    try:
        run = services.propose(request.membership.company, form.cleaned_data["until"], request.user)  # type: ignore[attr-defined]
    except PaymentError as exc:
        level = messages.info if exc.code == PaymentCode.NOTHING_DUE else messages.error
        level(request, exc.message)
        return redirect("payments:runs")
    messages.success(request, _("Payment proposal %(number)s made.") % {"number": run.number})
    return redirect("payments:run", number=run.number)


@company_view(Perm.MANAGE_PAYMENTS)
def run_detail(request: HttpRequest, number: int) -> HttpResponse:
    run = _run(request, number)
    payments = list(
        run.payments.select_related("supplier", "document", "voucher__series").order_by("requested_date", "pk")
    )
    by_date: dict[Any, dict[str, Any]] = defaultdict(lambda: {"count": 0, "total": Decimal("0.00")})
    for p in payments:
        if p.status not in (PaymentState.CANCELLED, PaymentState.REJECTED):
            by_date[p.requested_date]["count"] += 1
            by_date[p.requested_date]["total"] += p.amount
    live = [p for p in payments if p.status not in (PaymentState.CANCELLED, PaymentState.REJECTED)]
    return render(
        request,
        "payments/run.html",
        {
            "run": run,
            "payments": payments,
            "per_date": sorted(by_date.items()),
            "total": sum((p.amount for p in live), Decimal("0.00")),
            "count": len(live),
            "export_form": ExportForm(),
            "may_approve": run.status == RunStatus.DRAFT and run.created_by_id != request.user.pk,
            "own_run": run.created_by_id == request.user.pk,
        },
    )


@require_POST
@company_view(Perm.MANAGE_PAYMENTS)
def approve(request: HttpRequest, number: int) -> HttpResponse:
    run = _run(request, number)
    try:
        services.approve_run(run, request.user)
    except (PaymentError, NotAllowed) as exc:
        messages.error(request, getattr(exc, "message", str(exc)))
    else:
        messages.success(request, _("Payment run %(number)s approved.") % {"number": run.number})
    return redirect("payments:run", number=run.number)


@require_POST
@company_view(Perm.MANAGE_PAYMENTS)
def cancel(request: HttpRequest, number: int) -> HttpResponse:
    run = _run(request, number)
    try:
        services.cancel_run(run, request.user, request.POST.get("reason", ""))
    except PaymentError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Payment run %(number)s cancelled; its invoices can be proposed again.") % {"number": run.number}
        )
    return redirect("payments:run", number=run.number)


@require_POST
@company_view(Perm.MANAGE_PAYMENTS)
def export(request: HttpRequest, number: int) -> HttpResponse:
    run = _run(request, number)
    form = ExportForm(request.POST)
    version = form.cleaned_data["format"] if form.is_valid() else "pain.001.001.09"
    try:
        services.export_run(run, version, request.user)
    except PaymentError as exc:
        messages.error(request, exc.message)
        return redirect("payments:run", number=run.number)
    return redirect("payments:file", number=run.number)


@company_view(Perm.MANAGE_PAYMENTS)
def download(request: HttpRequest, number: int) -> HttpResponse:
    run = _run(request, number)
    if run.file is None:
        messages.error(request, _("The run has no file yet: approve it, then create the file."))
        return redirect("payments:run", number=run.number)
    response = HttpResponse(storage.read(run.file), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="betaling-{run.number}-{run.format}.xml"'
    return response


@require_POST
@company_view(Perm.MANAGE_PAYMENTS)
def import_file(request: HttpRequest) -> HttpResponse:
    form = BankFileForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "payments/runs.html", _list_context(request, import_form=form), status=400)
    upload = form.cleaned_data["file"]
    try:
        summary = services.import_bank_file(
            request.membership.company,
            upload.read(),
            request.user,
            filename=upload.name,  # type: ignore[attr-defined]
        )
    except PaymentError as exc:
        messages.error(request, exc.message)
        return redirect("payments:runs")
    messages.success(
        request,
        _("%(file)s: %(accepted)s accepted, %(rejected)s rejected, %(booked)s booked, %(unchanged)s unchanged.")
        % {"file": upload.name, **{k: summary[k] for k in ("accepted", "rejected", "booked", "unchanged")}},
    )
    return render(request, "payments/runs.html", _list_context(request, summary=summary))
