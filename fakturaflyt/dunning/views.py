"""The "Purring og inkasso" page: the dunning run preview (who gets what and why), sending it,
the notices sent, the cases ready for collection with their handover, and the export files.

Viewing needs ``view_receivables``; sending reminders and handing over need ``manage_receivables``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fakturaflyt.companies.decorators import company_view
from fakturaflyt.companies.permissions import can
from fakturaflyt.companies.roles import Perm
from fakturaflyt.core.errors import FakturaflytError
from fakturaflyt.dunning import collection, services
from fakturaflyt.dunning.models import CollectionCase, DunningNotice
from fakturaflyt.receivables.models import SalesInvoice


class RunForm(forms.Form):
    date = forms.DateField(
        label=gettext_lazy("Run date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Reminders due on this date are sent once; running again sends nothing new."),
    )


def _company(request: HttpRequest) -> Any:
    return request.membership.company  # type: ignore[attr-defined]


def _download(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@company_view(Perm.VIEW_RECEIVABLES)
def index(request: HttpRequest) -> HttpResponse:
    company = _company(request)
    today = timezone.localdate()
    form = RunForm(request.GET or None, initial={"date": today})
    run_date = form.cleaned_data["date"] if form.is_bound and form.is_valid() else today
    result = services.preview(company, run_date)
    context: dict[str, Any] = {
        "form": form,
        "run_date": run_date,
        "result": result,
        "preview_fees": sum((n.fee for n in result.notices), Decimal("0.00")),
        "preview_interest": sum((n.interest for n in result.notices), Decimal("0.00")),
        "may_run": can(request.user, company, Perm.MANAGE_RECEIVABLES),
    }
    if request.headers.get("HX-Request") and form.is_bound:
        return render(request, "dunning/_preview.html", context, status=200 if form.is_valid() else 400)
    context.update(
        notices=services.notices_of(company).order_by("-sent_on", "-pk")[:100],
        ready=collection.ready_cases(company, today),
        cases=CollectionCase.objects.filter(company=company).select_related("invoice", "invoice__customer")[:100],
        dunning_settings=services.settings_for(company),
    )
    return render(request, "dunning/index.html", context)


@require_POST
@company_view(Perm.MANAGE_RECEIVABLES)
def run(request: HttpRequest) -> HttpResponse:
    form = RunForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the run date."))
        return redirect("dunning:index")
    on = form.cleaned_data["date"]
    result = services.run(_company(request), on, request.user)
    if result.notices:
        messages.success(request, _("%(count)s reminders sent.") % {"count": len(result.notices)})
    else:
        messages.info(request, _("No reminders to send on this date."))
    for skipped in result.skipped:
        messages.warning(
            request, _("Invoice %(number)s: %(reason)s") % {"number": skipped.invoice, "reason": skipped.reason}
        )
    return redirect(f"{reverse('dunning:index')}?date={on.isoformat()}")


@require_POST
@company_view(Perm.MANAGE_RECEIVABLES)
def hand_over(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = get_object_or_404(SalesInvoice.objects.filter(company=_company(request)), pk=invoice_id)
    try:
        case = collection.hand_over(invoice, request.user)
    except FakturaflytError as exc:
        messages.error(request, str(exc.problems[0].message))
    else:
        messages.success(
            request, _("%(invoice)s is handed over to collection.") % {"invoice": f"{_('Invoice')} {invoice.number}"}
        )
        return redirect(f"{reverse('dunning:index')}#case-{case.pk}")
    return redirect("dunning:index")


@company_view(Perm.VIEW_RECEIVABLES)
def case_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    from fakturaflyt.payables.downloads import stored_bytes

    case = get_object_or_404(CollectionCase.objects.filter(company=_company(request)), pk=pk)
    stored = case.export_csv if fmt == "csv" else case.export_json
    if stored is None:
        raise Http404
    name = f"inkasso-{case.invoice.number}.{fmt}"
    return _download(stored_bytes(stored), "text/csv" if fmt == "csv" else "application/json", name)


@company_view(Perm.VIEW_RECEIVABLES)
def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from fakturaflyt.payables.downloads import stored_bytes

    notice = get_object_or_404(DunningNotice.objects.filter(company=_company(request)), pk=pk)
    if notice.document is None:
        raise Http404
    name = f"{notice.step}-{notice.invoice.number}-{notice.sent_on.isoformat()}.pdf"
    return _download(stored_bytes(notice.document), "application/pdf", name)
