"""SAF-T Financial page: choose a year and months, download the file (issue 10).

Both views need :attr:`Perm.VIEW_LEDGER` and :attr:`Perm.VIEW_REPORTS` in the active company
and export only that company's books. The download is a POST (it writes an audit event): the
file is written to a temporary file first, so a refused export (books out of balance) shows
the problems on the page instead of a broken download, and then streamed as an attachment
named per Skatteetaten's convention (``SAF-T Financial_<orgnr>_<timestamp>.xml``).
"""

from __future__ import annotations

import tempfile
from typing import Any

from django import forms
from django.db.models.functions import ExtractYear
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from fakturaflyt.companies.decorators import company_view
from fakturaflyt.companies.models import Membership
from fakturaflyt.companies.permissions import require
from fakturaflyt.companies.roles import Perm
from fakturaflyt.core.errors import FakturaflytError, Problem
from fakturaflyt.ledger.models import Voucher
from fakturaflyt.ledger.saft_export import export_saft

PERIODS = [(m, MONTHS[m]) for m in range(1, 13)]


class SaftExportForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1970, max_value=2100)
    from_period = forms.TypedChoiceField(
        label=_("From month"), choices=PERIODS, coerce=int, initial=1, required=False, empty_value=1
    )
    to_period = forms.TypedChoiceField(
        label=_("To month"), choices=PERIODS, coerce=int, initial=12, required=False, empty_value=12
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("from_period") and data.get("to_period") and data["from_period"] > data["to_period"]:
            raise forms.ValidationError(_("The first month is after the last."), code="period")
        return data


def _years(m: Membership) -> list[int]:
    years = set(
        Voucher.objects.filter(company=m.company).annotate(y=ExtractYear("date")).values_list("y", flat=True).distinct()
    )
    years.add(timezone.localdate().year)
    return sorted(years, reverse=True)


def _page(request: HttpRequest, form: SaftExportForm, problems: list[Problem] | None = None, status: int = 200):
    m = request.membership  # type: ignore[attr-defined]
    context = {"form": form, "years": _years(m), "problems": problems or []}
    return render(request, "ledger/saft.html", context, status=status)


def _member(request: HttpRequest) -> Membership:
    m: Membership = request.membership  # type: ignore[attr-defined]
    require(request.user, m.company, Perm.VIEW_REPORTS)
    return m


@company_view(Perm.VIEW_LEDGER)
def saft_page(request: HttpRequest) -> HttpResponse:
    _member(request)
    today = timezone.localdate()
    form = SaftExportForm(initial={"year": today.year, "from_period": 1, "to_period": 12})
    return _page(request, form)


@require_POST
@company_view(Perm.VIEW_LEDGER)
def export_download(request: HttpRequest) -> HttpResponse:
    m = _member(request)
    form = SaftExportForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    data = form.cleaned_data
    out = tempfile.TemporaryFile()  # closed by the response when sent, or below on failure
    try:
        summary = export_saft(
            m.company,
            out,
            year=data["year"],
            from_period=data["from_period"],
            to_period=data["to_period"],
            created_by=request.user,
        )
    except FakturaflytError as exc:
        out.close()
        return _page(request, form, list(exc.problems), status=422)
    out.seek(0)
    response = FileResponse(out, as_attachment=True, filename=summary.file_name, content_type="application/xml")
    response["Content-Length"] = str(summary.size)
    return response
