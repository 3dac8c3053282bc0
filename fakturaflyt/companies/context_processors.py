"""Template context: the active company, the membership, its permissions and the user's companies."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from fakturaflyt.companies.permissions import companies_of
from fakturaflyt.companies.roles import permissions_of


def active_company(request: HttpRequest) -> dict[str, Any]:
    m = getattr(request, "membership", None)
    user = getattr(request, "user", None)
    return {
        "company": getattr(request, "company", None),
        "membership": m,
        "perms_in_company": {p.value for p in permissions_of(m.role)} if m else set(),
        "my_companies": companies_of(user).order_by("name") if user is not None else [],
    }
