"""Two-factor enforcement for the roles that need it, and a brake on guessed API tokens.

``TwoFactorMiddleware`` runs after ``ActiveCompanyMiddleware`` (``request.membership`` is the
active company's membership). A logged-in session that has not given a one-time code is sent
to enter one (if the user has an authenticator) or to set one up (if not) when

* the user has an authenticator (the password login marked the session as pending), or
* ``settings.FAKTURAFLYT_REQUIRE_2FA`` is on and the active membership is admin, accountant or
  has payment rights; switching to such a company triggers it on the next page; or
* the user is staff and opens the Django admin (with enforcement on).

Never stopped (``EXEMPT_PREFIXES`` and the security pages): log in, log out, the two-factor
set-up and code pages, static files, ``/healthz``, ``/readyz``, ``/metrics``, ``/i18n/``
(language switch), the API docs. API calls with a valid bearer token pass: a token is a
separate credential for integrations, created from a verified session (see
:mod:`fakturaflyt.security.tokens`). API calls that rely on the browser session get HTTP 403
``{"code": "FF-2FA-REQUIRED"}`` instead of a redirect.

The same middleware counts bad bearer tokens per client address (django-axes' view of the
address, so the proxy settings apply) in the cache; past ``FAKTURAFLYT_API_TOKEN_FAILURES`` in
15 minutes, bearer calls from that address get HTTP 429 ``FF-API-TOKEN-THROTTLED``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlencode

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext

from fakturaflyt.companies.models import ApiToken, Membership
from fakturaflyt.security import twofactor
from fakturaflyt.security.error_codes import SecurityCode

EXEMPT_PREFIXES = (
    "/static/",
    "/healthz",
    "/readyz",
    "/metrics",
    "/i18n/",
    "/favicon.ico",
    "/api/docs",
    "/api/openapi.json",
)
THROTTLE_WINDOW_SECONDS = 15 * 60
_COMPANY_IN_API_PATH = re.compile(r"^/api/companies/(\d{9})(?:/|$)")


def _bearer(request: HttpRequest) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _throttle_key(request: HttpRequest) -> str:
    return f"ff:api-token-failures:{get_client_ip_address(request) or 'unknown'}"


class TwoFactorMiddleware:
    """Sends a user whose role requires two-factor authentication to set it up or enter a code."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        bearer = _bearer(request) if request.path.startswith("/api/") else None
        if bearer is not None:
            return self._bearer_call(request, bearer)
        refusal = self._two_factor(request)
        return refusal if refusal is not None else self.get_response(request)

    # --- bearer tokens ------------------------------------------------------------------
    def _bearer_call(self, request: HttpRequest, bearer: str) -> HttpResponse:
        limit = int(getattr(settings, "FAKTURAFLYT_API_TOKEN_FAILURES", 20))
        key = _throttle_key(request)
        if limit and cache.get(key, 0) >= limit:
            return JsonResponse(
                {
                    "code": SecurityCode.TOKEN_THROTTLED.value,
                    "message": gettext("Too many requests with an invalid API token. Try again later."),
                },
                status=429,
            )
        valid = ApiToken.objects.filter(
            key_hash=ApiToken.hash_key(bearer), revoked_at__isnull=True, user__is_active=True
        ).exists()
        if not valid:
            # A bad token with a browser session must not ride on an unverified session.
            refusal = self._two_factor(request)
            if refusal is not None:
                return refusal
        response = self.get_response(request)
        if response.status_code == 401 and not valid:
            if cache.add(key, 1, THROTTLE_WINDOW_SECONDS) is False:
                try:
                    cache.incr(key)
                except ValueError:
                    cache.set(key, 1, THROTTLE_WINDOW_SECONDS)
        return response

    # --- two factors --------------------------------------------------------------------
    def _two_factor(self, request: HttpRequest) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        path = request.path
        if path.startswith(EXEMPT_PREFIXES) or path in _exempt_paths():
            return None
        pending = bool(request.session.get(twofactor.PENDING_SESSION_KEY))
        if not pending and not twofactor.enforced():
            return None
        if not pending and not self._role_requires(request, user):
            return None
        if user.is_verified():
            return None
        if path.startswith("/api/"):
            return JsonResponse(
                {
                    "code": SecurityCode.TWO_FACTOR_REQUIRED.value,
                    "message": gettext(
                        "Your role requires two-factor authentication. Log in on the web and enter a code "
                        "from your authenticator app, or use an API token."
                    ),
                },
                status=403,
            )
        target = "security:verify" if twofactor.has_confirmed_device(user) else "security:two_factor"
        url = reverse(target)
        if request.method == "GET" and not getattr(request, "htmx", False):
            url += "?" + urlencode({"next": request.get_full_path()})
        if getattr(request, "htmx", False):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return HttpResponseRedirect(url)

    @staticmethod
    def _role_requires(request: HttpRequest, user: object) -> bool:
        path = request.path
        if path.startswith("/admin/") and getattr(user, "is_staff", False):
            return True
        if path.startswith("/api/"):
            # The active-company middleware skips the API: read the company from the URL.
            match = _COMPANY_IN_API_PATH.match(path)
            orgnr = match.group(1) if match else request.GET.get("company", "")
            members = Membership.objects.filter(user_id=getattr(user, "pk", None), is_active=True)
            if orgnr:
                members = members.filter(company__orgnr=orgnr)
            return any(twofactor.role_requires(m) for m in members)
        return twofactor.role_requires(getattr(request, "membership", None))


_EXEMPT: tuple[str, ...] = ()


def _exempt_paths() -> tuple[str, ...]:
    """Log in, log out and the two-factor pages themselves (resolved once, after the URLconf is loaded)."""
    global _EXEMPT
    if not _EXEMPT:
        _EXEMPT = tuple(reverse(name) for name in ("login", "logout", "security:two_factor", "security:verify"))
    return _EXEMPT
