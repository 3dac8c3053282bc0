"""``@company_view(Perm.X)``: login, an active company and the permission, for every web view."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from fakturaflyt.companies.permissions import require
from fakturaflyt.companies.roles import Perm

View = Callable[..., HttpResponse]


def company_view(perm: Perm) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            request.membership = require(request.user, getattr(request, "company", None), perm)  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
