"""The search pages: the full results page ``/search/?q=`` and the dropdown under the box in the header.

Thin, like the other areas: the membership of the active company decides which groups are
searched (:func:`fakturaflyt.search.services.kinds_for`), the service searches, the template
renders. Without a company, or with a role that may search nothing, the answer is the usual
403 with a stable code. The dropdown (``/search/suggest/?q=``) is the htmx partial the box asks
for while typing; without JavaScript the box submits to the full page.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from fakturaflyt.companies.models import Membership
from fakturaflyt.companies.permissions import NotAllowed, require
from fakturaflyt.companies.roles import Perm
from fakturaflyt.core.search_query import MAX_QUERY_LENGTH
from fakturaflyt.search import services

#: Anything longer than this is not read at all (the parser then keeps the first 200 characters).
MAX_RAW_LENGTH = 1000


def member(request: HttpRequest) -> Membership:
    """The active membership, if it may search anything; else the usual 403."""
    m: Membership | None = getattr(request, "membership", None)
    if m is None:
        require(request.user, getattr(request, "company", None), Perm.VIEW_DASHBOARD)  # raises: no company
        raise NotAllowed("FF-NO-COMPANY", gettext("Choose a company first."))  # pragma: no cover
    if not services.kinds_for(m):
        raise NotAllowed(
            "FF-ROLE-FORBIDS",
            gettext("Your role in %(company)s is %(role)s, which does not allow this.")
            % {"company": m.company.name, "role": m.get_role_display()},
        )
    return m


def _q(request: HttpRequest) -> str:
    return request.GET.get("q", "")[:MAX_RAW_LENGTH]


@require_GET
@login_required
def page(request: HttpRequest) -> HttpResponse:
    """Every group the user may see, up to 50 hits each (``kind=`` narrows to one group)."""
    m = member(request)
    kind = request.GET.get("kind", "")
    kinds = [kind] if kind in {k.value for k in services.Kind} else None
    results = services.search(m.company, m, _q(request), limit=services.PAGE_LIMIT, kinds=kinds)
    context = {
        "results": results,
        "search_q": results.query.text,
        "kind": kind if kinds else "",
        "kinds": [(k, services.label_of(k)) for k in services.kinds_for(m)],
        "max_length": MAX_QUERY_LENGTH,
    }
    return render(request, "search/page.html", context)


@require_GET
@login_required
def suggest(request: HttpRequest) -> HttpResponse:
    """The dropdown under the box: up to 5 hits per group and a link to the full page."""
    m = member(request)
    results = services.search(m.company, m, _q(request), limit=services.DROPDOWN_LIMIT)
    return render(request, "search/_dropdown.html", {"results": results})
