"""Web pages of data protection: my data, a person's export and erasure (admin), the audit report.

Thin views: permission, call the privacy services, render. The export and the audit report are
also downloadable (JSON, CSV); the CLI gives the same (``fakturaflyt privacy ...``).
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fakturaflyt.companies.decorators import company_view
from fakturaflyt.companies.models import Membership
from fakturaflyt.companies.roles import Perm
from fakturaflyt.core.errors import FakturaflytError
from fakturaflyt.privacy import erasure, export, report

REPORT_LIMIT = 500


def _download_json(data: dict[str, Any], filename: str) -> HttpResponse:
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def me(request: HttpRequest) -> HttpResponse:
    """Art. 15: a user's own data, from every company they belong to."""
    company_ids = list(Membership.objects.filter(user=request.user).values_list("company_id", flat=True))
    data = export.export(export.find_subject(company_ids, user=request.user))
    if request.GET.get("format") == "json":
        return _download_json(data, f"personopplysninger-{request.user.pk}.json")
    return render(request, "privacy/export.html", {"data": data, "summary": export.summary(data), "own": True})


@company_view(Perm.MANAGE_USERS)
def person_export(request: HttpRequest) -> HttpResponse:
    """Art. 15/20 for an administrator: a person of the active company by e-mail or customer number."""
    email = request.GET.get("email", "").strip()
    customer = request.GET.get("customer", "").strip()
    ctx: dict[str, Any] = {"email": email, "customer": customer, "own": False}
    if email or customer.isdecimal():
        subject = export.find_subject(
            [request.company.pk],  # type: ignore[attr-defined]
            email=email,
            customer_number=int(customer) if customer.isdecimal() else None,
        )
        try:
            data = export.export(subject)
        except FakturaflytError as exc:
            ctx["error"] = exc.problems[0].message
        else:
            if request.GET.get("format") == "json":
                return _download_json(data, "personopplysninger.json")
            ctx.update(data=data, summary=export.summary(data), subject=subject)
    return render(request, "privacy/export.html", ctx)


@require_POST
@company_view(Perm.MANAGE_USERS)
def erase(request: HttpRequest) -> HttpResponse:
    """Art. 17: erase a user, a private customer or a contact e-mail of the active company."""
    company = request.company  # type: ignore[attr-defined]
    kind = request.POST.get("kind", "")
    try:
        if kind == "user":
            user = get_user_model().objects.filter(pk=request.POST.get("id", "0"), memberships__company=company).first()
            if user is None:
                raise FakturaflytError([])
            if Membership.objects.filter(user=user).exclude(company=company).exists():
                messages.error(request, _("This user also belongs to another company; ask the operator to erase them."))
                return redirect("privacy:export")
            erasure.erase_user(request.user, user)
        elif kind == "customer":
            from fakturaflyt.receivables.models import Customer

            customer = Customer.objects.filter(company=company, number=request.POST.get("id", "0")).first()
            if customer is None:
                raise FakturaflytError([])
            erasure.erase_customer(request.user, customer)
        elif kind == "contact":
            erasure.erase_contact(request.user, company, request.POST.get("email", ""))
        else:
            raise FakturaflytError([])
    except FakturaflytError as exc:
        messages.error(request, exc.problems[0].message if exc.problems else _("No such person in this company."))
        return redirect("privacy:export")
    messages.success(request, _("The person's data was erased where the law allows; see the erasure record."))
    return redirect("privacy:export")


def _parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@company_view(Perm.VIEW_AUDIT)
def audit_report(request: HttpRequest) -> HttpResponse:
    """Who saw and who changed what in the active company; filter by person, object and period; CSV."""
    company = request.company  # type: ignore[attr-defined]
    date_from, date_to = _parse_date(request.GET.get("from", "")), _parse_date(request.GET.get("to", ""))
    username = request.GET.get("user", "").strip()
    obj = request.GET.get("object", "").strip()
    user = None
    if username:
        user = get_user_model().objects.filter(username=username, memberships__company=company).first()
    as_csv = request.GET.get("format") == "csv"
    rows = (
        []
        if username and user is None
        else report.audit_rows(
            company, date_from=date_from, date_to=date_to, user=user, obj=obj, limit=None if as_csv else REPORT_LIMIT
        )
    )
    if as_csv:
        buffer = io.StringIO()
        report.write_csv(rows, buffer)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="revisjonsrapport-{company.orgnr}.csv"'
        return response
    query = request.GET.copy()
    query["format"] = "csv"
    return render(
        request,
        "privacy/audit.html",
        {
            "rows": rows,
            "limit": REPORT_LIMIT,
            "filters": {"from": date_from, "to": date_to, "user": username, "object": obj},
            "csv_query": query.urlencode(),
        },
    )
