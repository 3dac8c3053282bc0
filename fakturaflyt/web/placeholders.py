"""Areas that are planned but not built yet: one permission-checked page saying what will come."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise

from fakturaflyt.companies.decorators import View, company_view
from fakturaflyt.companies.roles import Perm

Text = str | Promise


def placeholder(perm: Perm, title: Text, lead: Text, *points: Text) -> View:
    """A view for an area that is not built yet, behind the same permission the real page will use."""

    @company_view(perm)
    def view(request: HttpRequest) -> HttpResponse:
        return render(request, "web/placeholder.html", {"title": title, "lead": lead, "points": points})

    return view
