"""Request ids, the access log and request metrics: the outermost middleware.

For every request: take the proxy's ``X-Request-ID`` when sane (else make one), keep it in a
context variable for the log lines and tasks the request causes, return it in the response,
time the request, count it in ``fakturaflyt_http_request_duration_seconds`` and write one access
line (method, path without the query string, URL name, status, duration in ms, user id,
company id, request id: no names, no e-mail addresses, no query strings that might hold a token).

The probes and the metrics (``/healthz``, ``/readyz``, ``/metrics``) are answered here, before
the rest of the middleware: no session, no host check, no login, no two-factor, no access log of
personal data, and the database is touched only by ``/readyz`` (and the scrape). A successful
probe or scrape writes no access line (they come every few seconds); a failed one does.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject, empty

from fakturaflyt.monitoring import views
from fakturaflyt.monitoring.context import new_request_id, request_id_var, sane_request_id
from fakturaflyt.monitoring.metrics import REQUEST_LATENCY

access_log = logging.getLogger("fakturaflyt.access")

#: Paths answered by this middleware itself, with their route names for the metrics.
EARLY: dict[str, tuple[str, Callable[[HttpRequest], HttpResponse]]] = {
    "/healthz": ("monitoring:healthz", views.healthz),
    "/readyz": ("monitoring:readyz", views.readyz),
    "/metrics": ("monitoring:metrics", views.metrics),
}
#: The paths the other middlewares (two-factor, privacy access log) never see; for their own guards.
EXEMPT_PATHS = frozenset(EARLY)


class RequestMiddleware:
    """Outermost middleware: gives each request an id (``X-Request-ID``), times it and logs it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rid = sane_request_id(request.headers.get("X-Request-ID")) or new_request_id()
        token = request_id_var.set(rid)
        request.request_id = rid  # type: ignore[attr-defined]
        started = time.perf_counter()
        early = EARLY.get(request.path_info.rstrip("/") or "/")
        try:
            if early is not None:
                route, view = early
                response = view(request)
            else:
                # Django turns a view's exception into a 500 response further in, so this returns.
                response = self.get_response(request)
                route = _route_name(request)
            duration = time.perf_counter() - started
            status = response.status_code
            response["X-Request-ID"] = rid
            # The access line below replaces Django's own "Not Found: /path" warnings (which would come
            # after this middleware, without the request id). Exceptions were logged further in.
            response._has_been_logged = True  # type: ignore[attr-defined]
            REQUEST_LATENCY.labels(route, _method(request), f"{status // 100}xx").observe(duration)
            if early is None or status >= 300:
                self._log(request, route, status, duration, rid)
            return response
        finally:
            request_id_var.reset(token)

    @staticmethod
    def _log(request: HttpRequest, route: str, status: int, duration: float, rid: str) -> None:
        ms = round(duration * 1000, 1)
        user_id = _user_id(request)
        company = getattr(request, "company", None)
        access_log.info(
            "%s %s %s %.1f ms",
            request.method,
            request.path,
            status,
            ms,
            extra={
                "method": request.method,
                "path": request.path,
                "route": route,
                "status": status,
                "duration_ms": ms,
                "user_id": user_id,
                "company_id": getattr(company, "pk", None),
                "request_id": rid,
            },
        )


def _route_name(request: HttpRequest) -> str:
    """The URL's name (``namespace:name``), else its pattern, else ``unmatched``: never the raw path."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return match.view_name or match.route or "unmatched"


def _method(request: HttpRequest) -> str:
    """The HTTP method as a metrics label; made-up methods count as ``other`` (no label explosion)."""
    method = request.method or ""
    return method if method in _METHODS else "other"


_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def _user_id(request: HttpRequest) -> int | None:
    """The user's id if something in the request already loaded the user (never loads it here)."""
    user = request.__dict__.get("user")
    if user is None:
        return None
    if isinstance(user, SimpleLazyObject) and user._wrapped is empty:  # type: ignore[attr-defined]
        return None
    return user.pk if getattr(user, "is_authenticated", False) else None
