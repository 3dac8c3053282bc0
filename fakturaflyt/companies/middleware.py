"""Sets ``request.company`` and ``request.membership`` from the session's active company."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from fakturaflyt.companies.permissions import companies_of, membership

SESSION_KEY = "active_company_id"


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
                first = companies_of(user).order_by("name").first()
                m = membership(user, first) if first else None
                if m is not None:
                    request.session[SESSION_KEY] = m.company_id
            if m is not None:
                request.company = m.company  # type: ignore[attr-defined]
                request.membership = m  # type: ignore[attr-defined]
        return self.get_response(request)
