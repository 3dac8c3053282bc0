"""Sets ``request.company`` and ``request.membership`` from the session's active company.

A new session starts in the company the user last chose (``Membership.last_used_at``).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from fakturaflyt.companies.models import Membership
from fakturaflyt.companies.permissions import membership

SESSION_KEY = "active_company_id"


def last_used_membership(user: object) -> Membership | None:
    """The company the user worked in last (then alphabetical), so a new login continues there."""
    return (
        Membership.objects.select_related("company", "supplier")
        .filter(user_id=getattr(user, "pk", None), is_active=True)
        .order_by(F("last_used_at").desc(nulls_last=True), "company__name")
        .first()
    )


def remember_company(request: HttpRequest, m: Membership) -> None:
    """Make ``m``'s company the active one in this session and the default for the next login."""
    request.session[SESSION_KEY] = m.company_id
    Membership.objects.filter(pk=m.pk).update(last_used_at=timezone.now())


class ActiveCompanyMiddleware:
    """Choose the active company: the one in the session if the user still belongs to it, else the first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.company = None  # type: ignore[attr-defined]
        request.membership = None  # type: ignore[attr-defined]
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith("/api/"):
            company_id = request.session.get(SESSION_KEY)
            m = membership(user, company_id) if company_id else None
            if m is None:
                m = last_used_membership(user)
                if m is not None:
                    remember_company(request, m)
            if m is not None:
                request.company = m.company  # type: ignore[attr-defined]
                request.membership = m  # type: ignore[attr-defined]
        return self.get_response(request)
