"""The dashboard page and the monthly report PDF.

Thin, like every view: check the permission (``view_dashboard`` for the page, ``view_reports``
for the PDF), ask :mod:`.services` for the figures of the sections the role may see, render.
The active company is the only one read; figures link to lists only the viewer can open.
"""

from __future__ import annotations

from datetime import date

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from fakturaflyt.companies.decorators import company_view
from fakturaflyt.companies.permissions import permissions_of
from fakturaflyt.companies.roles import Perm
from fakturaflyt.dashboards import charts, report, services
from fakturaflyt.dashboards.periods import month_start, parse_month
from fakturaflyt.receivables.views import today_in_oslo


def _day(value: str | None, default: date) -> date:
    try:
        return min(date.fromisoformat(value), default) if value else default
    except ValueError:
        return default


@company_view(Perm.VIEW_DASHBOARD)
def index(request: HttpRequest) -> HttpResponse:
    m = request.membership  # type: ignore[attr-defined]
    perms = permissions_of(m.role)
    today = today_in_oslo()
    on = _day(request.GET.get("on"), today)
    d = services.dashboard(m.company, on, perms)
    return render(
        request,
        "dashboards/index.html",
        {
            "d": d,
            "on": on,
            "today": today,
            "perms": perms,
            "ap_tiles": charts.ap_tiles(d),
            "ap_charts": charts.ap_charts(d),
            "ar_tiles": charts.ar_tiles(d),
            "ar_charts": charts.ar_charts(d),
            "card_charts": charts.card_charts(d),
            "report_month": f"{month_start(on):%Y-%m}",
            "may_report": Perm.VIEW_REPORTS in perms,
        },
    )


@company_view(Perm.VIEW_REPORTS)
def report_pdf(request: HttpRequest, month: str) -> HttpResponse:
    m = request.membership  # type: ignore[attr-defined]
    try:
        first = parse_month(month)
    except ValueError:
        raise Http404 from None
    today = today_in_oslo()
    if first > today:
        raise Http404
    pdf = report.render_pdf(m.company, first, permissions_of(m.role), today=today)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{report.filename(m.company, first)}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
