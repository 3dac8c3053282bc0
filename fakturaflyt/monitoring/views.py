"""``/healthz`` (liveness), ``/readyz`` (readiness) and ``/metrics`` (Prometheus).

They carry no personal data and need no login; the middleware answers them before sessions,
two-factor and the privacy access log (see :mod:`.middleware`). ``/metrics`` needs the bearer
token ``FAKTURAFLYT_METRICS_TOKEN``; without a token it is closed in production and open only
to this machine (127.0.0.1, ::1) elsewhere.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from fakturaflyt.monitoring import readiness

NO_STORE = {"Cache-Control": "no-store"}
PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. No database, no files: restart the process only if this fails."""
    return JsonResponse({"status": "ok"}, headers=NO_STORE)


def readyz(request: HttpRequest) -> HttpResponse:
    """Readiness: database answers, migrations applied, MEDIA_ROOT writable, broker reachable (if set)."""
    checks = readiness.run_checks()
    failed = [name for name, result in checks.items() if result != "ok" and not result.startswith("skipped")]
    if failed:
        return JsonResponse({"status": "fail", "failed": failed, "checks": checks}, status=503, headers=NO_STORE)
    return JsonResponse({"status": "ok", "checks": checks}, headers=NO_STORE)


def metrics_allowed(request: HttpRequest) -> tuple[bool, int]:
    """(allowed, status when not): the bearer token when one is set, else loopback outside production."""
    token = getattr(settings, "FAKTURAFLYT_METRICS_TOKEN", "")
    if token:
        header = request.headers.get("Authorization", "")
        given = header[7:].strip() if header[:7].lower() == "bearer " else ""
        return (bool(given) and hmac.compare_digest(given.encode(), token.encode()), 401)
    if getattr(settings, "FAKTURAFLYT_PRODUCTION", False):
        return (False, 403)
    return (request.META.get("REMOTE_ADDR") in {"127.0.0.1", "::1"}, 403)


def metrics(request: HttpRequest) -> HttpResponse:
    """The Prometheus scrape (text format 0.0.4)."""
    if request.method not in {"GET", "HEAD"}:
        return JsonResponse({"error": "method not allowed"}, status=405, headers={"Allow": "GET, HEAD"})
    allowed, status = metrics_allowed(request)
    if not allowed:
        headers = {"WWW-Authenticate": 'Bearer realm="metrics"'} if status == 401 else {}
        return JsonResponse({"error": "metrics need the bearer token"}, status=status, headers=headers | NO_STORE)
    from fakturaflyt.monitoring.metrics import render

    return HttpResponse(render(), content_type=PROMETHEUS_CONTENT_TYPE, headers=NO_STORE)
