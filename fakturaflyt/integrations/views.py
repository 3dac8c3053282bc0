"""The Integrations page: the voucher journal as CSV, and Tripletex, Fiken and PowerOffice GO.

Permissions (``companies.roles``): seeing the page and downloading the journal needs
``view_ledger``; marking a download as exported and "Send now" need ``post_voucher`` (it
changes what counts as exported); entering or removing keys needs ``manage_company`` (the
administrator). Keys are shown masked only, never again after they are entered.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from fakturaflyt.companies.decorators import company_view
from fakturaflyt.companies.permissions import has_perm
from fakturaflyt.companies.roles import Perm
from fakturaflyt.core import accounting_systems
from fakturaflyt.core.errors import FakturaflytError
from fakturaflyt.core.journal_csv import PRESETS
from fakturaflyt.integrations import services, transport
from fakturaflyt.integrations.models import JournalLayout
from fakturaflyt.ledger.models import NumberSeries
from fakturaflyt.web.forms import DateInput


class JournalForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
    series = forms.ChoiceField(label=_("Series"), required=False)
    layout = forms.ChoiceField(label=_("Layout"), required=False)
    new_only = forms.BooleanField(label=_("Only vouchers not exported before"), required=False)
    mark = forms.BooleanField(label=_("Mark as exported"), required=False)

    def __init__(self, *args: Any, company: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        series = NumberSeries.objects.filter(company=company).order_by("code").values_list("code", "name")
        self.fields["series"].choices = [("", _("All series")), *[(c, f"{c} {n}") for c, n in series]]  # type: ignore[attr-defined]
        stored = JournalLayout.objects.filter(company=company).order_by("name").values_list("name", flat=True)
        self.fields["layout"].choices = [(p, p) for p in PRESETS] + [(n, n) for n in stored if n not in PRESETS]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data


def _system_or_404(system: str) -> str:
    if system not in accounting_systems.REGISTRY:
        raise Http404
    return system


@company_view(Perm.VIEW_LEDGER)
def index(request: HttpRequest) -> HttpResponse:
    m = request.membership  # type: ignore[attr-defined]
    context = {
        "form": JournalForm(company=m.company),
        "systems": services.statuses(m.company),
        "can_configure": has_perm(m, Perm.MANAGE_COMPANY),
        "can_push": has_perm(m, Perm.POST_VOUCHER),
        "last_push": request.session.pop("integrations.last_push", None),
    }
    return render(request, "integrations/index.html", context)


@require_http_methods(["GET", "POST"])
@company_view(Perm.VIEW_LEDGER)
def journal_download(request: HttpRequest) -> HttpResponse:
    """The journal CSV, streamed; marking the vouchers as exported (a POST) needs ``post_voucher``."""
    m = request.membership  # type: ignore[attr-defined]
    form = JournalForm(request.POST if request.method == "POST" else request.GET, company=m.company)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("integrations:index")
    data = form.cleaned_data
    mark = bool(data["mark"]) and request.method == "POST"
    if mark and not has_perm(m, Perm.POST_VOUCHER):
        messages.error(request, gettext("Your role may download the journal but not mark it as exported."))
        return redirect("integrations:index")
    try:
        layout = services.resolve_layout(m.company, data["layout"] or "standard")
        f = services.JournalFilter(
            data["date_from"], data["date_to"], data["series"] or None, services.CSV if data["new_only"] else None
        )
        body = services.journal_csv(m.company, layout, f, mark=mark, actor=request.user)
    except FakturaflytError as exc:
        for p in exc.problems:
            messages.error(request, f"{p.message} ({p.code})")
        return redirect("integrations:index")
    charset = "windows-1252" if layout.codec == "cp1252" else "utf-8"
    response = StreamingHttpResponse(body, content_type=f"text/csv; charset={charset}")
    name = f"bilagsjournal-{m.company.orgnr}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@company_view(Perm.MANAGE_COMPANY)
def configure(request: HttpRequest, system: str) -> HttpResponse:
    m = request.membership  # type: ignore[attr-defined]
    adapter = accounting_systems.get(_system_or_404(system))
    values = {f.name: request.POST.get(f.name, "") for f in adapter.credentials}
    if not any(v.strip() for v in values.values()):
        messages.error(request, gettext("Enter the keys to save."))
        return redirect("integrations:index")
    services.save_credentials(m.company, system, values, request.user)
    messages.success(request, gettext("The keys for %(system)s were saved.") % {"system": adapter.title})
    return redirect("integrations:index")


@require_POST
@company_view(Perm.MANAGE_COMPANY)
def remove(request: HttpRequest, system: str) -> HttpResponse:
    m = request.membership  # type: ignore[attr-defined]
    adapter = accounting_systems.get(_system_or_404(system))
    services.remove_credentials(m.company, system, request.user)
    messages.success(request, gettext("The keys for %(system)s were removed.") % {"system": adapter.title})
    return redirect("integrations:index")


@require_POST
@company_view(Perm.POST_VOUCHER)
def push_now(request: HttpRequest, system: str) -> HttpResponse:
    m = request.membership  # type: ignore[attr-defined]
    adapter = accounting_systems.get(_system_or_404(system))
    try:
        result = services.push(m.company, system, request.user, transport=transport.default())
    except FakturaflytError as exc:
        for p in exc.problems:
            messages.error(request, f"{p.message} ({p.code})")
        return redirect("integrations:index")
    request.session["integrations.last_push"] = {"title": adapter.title, **result.as_dict()}
    if result.failed:
        messages.error(
            request,
            gettext("%(system)s: %(sent)d sent, %(failed)d failed (they are retried next time).")
            % {"system": adapter.title, "sent": len(result.sent), "failed": len(result.failed)},
        )
    else:
        messages.success(
            request,
            gettext("%(system)s: %(sent)d vouchers sent.") % {"system": adapter.title, "sent": len(result.sent)},
        )
    return redirect("integrations:index")


__all__ = ["configure", "index", "journal_download", "push_now", "remove"]
