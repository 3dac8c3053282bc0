"""The web shell: dashboard, supplier portal home and company switcher.

Area pages live in each app's ``views.py``; this module holds only what belongs to the shell.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from fakturaflyt.companies.decorators import company_view
from fakturaflyt.companies.middleware import remember_company
from fakturaflyt.companies.permissions import has_perm, membership, not_member
from fakturaflyt.companies.roles import Perm, permissions_of
from fakturaflyt.web.dashboard import ledger_figures, welcome_for
from fakturaflyt.web.nav import visible_items


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The start page: the supplier portal for supplier contacts, the dashboard for everyone else."""
    if has_perm(getattr(request, "membership", None), Perm.SUPPLIER_PORTAL):
        return supplier_portal(request)
    return dashboard(request)


@company_view(Perm.VIEW_DASHBOARD)
def dashboard(request: HttpRequest) -> HttpResponse:
    m = request.membership  # type: ignore[attr-defined]
    figures = ledger_figures(m.company, timezone.localdate()) if has_perm(m, Perm.VIEW_LEDGER) else None
    shortcuts = [item for item in visible_items({p.value for p in permissions_of(m.role)}) if item.key != "home"]
    context = {"figures": figures, "welcome": welcome_for(m.role), "shortcuts": shortcuts}
    return render(request, "web/home.html", context)


@company_view(Perm.SUPPLIER_PORTAL)
def supplier_portal(request: HttpRequest) -> HttpResponse:
    """The supplier portal's start page: upload invoices and follow the state of the supplier's own documents."""
    from fakturaflyt.payables.portal import home_context

    context = home_context(request)
    # htmx (the upload script, the auto-refresh) swaps only the list of documents.
    template = "payables/_portal_documents.html" if getattr(request, "htmx", False) else "web/supplier_home.html"
    return render(request, template, context)


@login_required
@require_POST
def switch_company(request: HttpRequest) -> HttpResponse:
    """Make another of the user's companies the active one; refuse one they are not a member of."""
    try:
        company_id = int(request.POST.get("company", ""))
    except ValueError:
        company_id = 0
    m = membership(request.user, company_id) if company_id else None
    if m is None:
        raise not_member()
    remember_company(request, m)
    messages.success(request, gettext("You are now working in %(company)s.") % {"company": m.company.name})
    # Back to the start page: the page the user was on may show a row of the previous company.
    return redirect("home")
