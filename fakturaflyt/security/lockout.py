"""Login lock-out: how failed logins are counted and what a locked-out person sees.

Settings (``settings.py``, security block): after ``AXES_FAILURE_LIMIT`` (5) failed logins for
the same user name from the same address, logging in is paused for ``AXES_COOLOFF_TIME``
(15 minutes, fixed). A successful login resets the count. The page says the same whether the
user name exists or not: attempts on unknown names are counted exactly like real ones.
An administrator unlocks from the company's security page or the Django admin (Access attempts).
"""

from __future__ import annotations

from typing import Any

from axes.helpers import get_cool_off
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext


def username_of(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The name attempts are counted under: trimmed and lower-case, so ``Ola@X.no`` and ``ola@x.no`` count together."""
    name = (credentials or {}).get("username")
    if name is None:
        name = request.POST.get("username", "") if request.method == "POST" else ""
    return str(name).strip().lower()


def lockout_message(request: HttpRequest | None = None) -> str:
    cool_off = get_cool_off(request)
    minutes = int(cool_off.total_seconds() // 60) if cool_off else 0
    return gettext(
        "Too many failed login attempts. For your security, logging in is paused for %(minutes)s minutes. "
        "Try again later, or ask your administrator to unlock it."
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """The login page again, with the lock-out message and HTTP 429 (django-axes' ``AXES_LOCKOUT_CALLABLE``)."""
    context = {
        "form": AuthenticationForm(request),
        "locked_out": True,
        "lockout_message": lockout_message(request),
        "next": request.POST.get("next", "") if request.method == "POST" else "",
    }
    return render(request, "web/login.html", context, status=429)
