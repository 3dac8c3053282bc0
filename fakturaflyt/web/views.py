"""The web shell: dashboard and company switcher. Area pages live in each app's views."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fakturaflyt.companies.decorators import company_view
from fakturaflyt.companies.roles import Perm


@company_view(Perm.VIEW_DASHBOARD)
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", {})
