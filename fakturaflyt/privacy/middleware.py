"""Records who looked at what: one row per read of a document or a person's data.

Only object *detail* views are logged (the list in :data:`DETAIL_VIEWS`, by URL name), never
list pages, health checks or static files: a read of a supplier invoice, its file, a customer
invoice, a customer, a voucher, a card charge, a person's export. One INSERT per such request,
after the view answered successfully (a refused or failed request showed nothing). The request
id comes from the monitoring middleware when it set one (``request.request_id`` or the
``X-Request-ID`` header).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

logger = logging.getLogger(__name__)

# URL name -> (object type, URL kwarg that names the object)
DETAIL_VIEWS: dict[str, tuple[str, str]] = {
    # web
    "payables:document": ("payables.supplierdocument", "pk"),
    "payables:document_file": ("payables.supplierdocument", "pk"),
    "payables:attachment": ("payables.supplierdocument", "pk"),
    "portal:document": ("payables.supplierdocument", "pk"),
    "portal:file": ("payables.supplierdocument", "pk"),
    "approvals:detail": ("payables.supplierdocument", "pk"),
    "receivables:invoice": ("receivables.salesinvoice", "pk"),
    "receivables:invoice_pdf": ("receivables.salesinvoice", "pk"),
    "receivables:invoice_ehf": ("receivables.salesinvoice", "pk"),
    "payables:supplier": ("payables.supplier", "pk"),
    "receivables:customer_edit": ("receivables.customer", "pk"),
    "receivables_ledger:statement": ("receivables.customer", "pk"),
    "ledger:voucher": ("ledger.voucher", "pk"),
    "cards:charge": ("cards.cardcharge", "pk"),
    "purchasing:order": ("purchasing.purchaseorder", "pk"),
    "payments:run": ("payments.paymentrun", "number"),
    "payments:file": ("payments.paymentrun", "number"),
    "dunning:notice_pdf": ("dunning.dunningnotice", "pk"),
    "privacy:export": ("person", ""),
    # API
    "api:get_document": ("payables.supplierdocument", "document_id"),
    "api:get_file": ("payables.supplierdocument", "document_id"),
    "api:voucher": ("ledger.voucher", "voucher_id"),
    "api:get_invoice": ("receivables.salesinvoice", "number"),
    "api:invoice_pdf": ("receivables.salesinvoice", "number"),
    "api:invoice_ehf": ("receivables.salesinvoice", "number"),
    "api:get_charge": ("cards.cardcharge", "charge_id"),
}
SKIP_PREFIXES = ("/healthz", "/readyz", "/metrics", "/static/", "/media/")


def request_id(request: HttpRequest) -> str:
    value = getattr(request, "request_id", None) or request.META.get("HTTP_X_REQUEST_ID", "")
    return str(value)[:64]


def _company_id(request: HttpRequest) -> int | None:
    match = request.resolver_match
    orgnr = match.kwargs.get("orgnr") if match is not None else None
    if orgnr:
        from fakturaflyt.companies.models import Company

        return Company.objects.filter(orgnr=str(orgnr).replace(" ", "")).values_list("pk", flat=True).first()
    company = getattr(request, "company", None)
    return company.pk if company is not None else None


def record_read(request: HttpRequest, response: HttpResponse) -> None:
    """Write the access-log row for this request when it read a logged object."""
    match = request.resolver_match
    if match is None or response.status_code >= 400:
        return
    spec = DETAIL_VIEWS.get(match.view_name)
    user = getattr(request, "user", None)
    if spec is None or user is None or not user.is_authenticated:
        return
    from fakturaflyt.privacy.models import AccessLog

    object_type, kwarg = spec
    if kwarg and kwarg not in match.kwargs:  # a same-named view of another object (api:get_file of a payment run)
        return
    object_id = str(match.kwargs.get(kwarg, "")) if kwarg else request.GET.get("email", "")
    AccessLog.objects.create(
        company_id=_company_id(request),
        user=user,
        at=timezone.now(),
        channel="api" if request.path.startswith("/api/") else "web",
        view=match.view_name[:80],
        object_type=object_type,
        object_id=object_id[:100],
        path=request.path[:300],
        request_id=request_id(request),
    )


class AccessLogMiddleware:
    """Records a user's reads of documents and personal data for the audit report."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method in ("GET", "HEAD") and not request.path.startswith(SKIP_PREFIXES):
            try:
                record_read(request, response)
            except Exception:  # the log must never turn a good answer into an error page
                logger.exception("access log: could not record %s", request.path)
        return response
