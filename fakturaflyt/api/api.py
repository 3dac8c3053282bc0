"""The REST API, assembled from each app's ``api.py``. OpenAPI 3 at ``/api/openapi.json``, docs at ``/api/docs``.

Errors are JSON ``{"code": ..., "message": ..., "problems": [...]}`` with a stable code.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from fakturaflyt import __version__
from fakturaflyt.api.auth import AUTH
from fakturaflyt.approvals.api import router as approvals_router
from fakturaflyt.billing.api import router as billing_router
from fakturaflyt.cards.api import router as cards_router
from fakturaflyt.coding.api import router as coding_router
from fakturaflyt.companies.api import router as companies_router
from fakturaflyt.companies.permissions import NotAllowed
from fakturaflyt.core.errors import FakturaflytError
from fakturaflyt.dashboards.api import router as dashboards_router
from fakturaflyt.dunning.api import router as dunning_router
from fakturaflyt.integrations.api import router as integrations_router
from fakturaflyt.ledger.api import router as ledger_router
from fakturaflyt.ledger.saft_api import router as saft_router
from fakturaflyt.ledger.saft_import_api import router as saft_import_router
from fakturaflyt.payables.api import alias_router as payables_alias_router
from fakturaflyt.payables.api import router as payables_router
from fakturaflyt.payables.supplier_api import router as supplier_bank_router
from fakturaflyt.payments.api import router as payments_router
from fakturaflyt.purchasing.api import router as purchasing_router
from fakturaflyt.receivables.api import router as receivables_router
from fakturaflyt.search.api import router as search_router

api = NinjaAPI(
    title="Fakturaflyt API",
    version=__version__,
    description="Invoices, ledger and payments for Norwegian businesses. Amounts are strings (Decimal).",
    auth=AUTH,
    urls_namespace="api",
)
api.add_router("", companies_router)
api.add_router("/companies/{orgnr}", ledger_router)
api.add_router("/companies/{orgnr}", payables_router)
api.add_router("/companies/{orgnr}", supplier_bank_router)
api.add_router("/companies/{orgnr}/coding", coding_router)
api.add_router("/companies/{orgnr}/approvals", approvals_router)
api.add_router("/companies/{orgnr}/billing", billing_router)
api.add_router("/companies/{orgnr}/dunning", dunning_router)
api.add_router("/companies/{orgnr}", receivables_router)
api.add_router("/companies/{orgnr}/payments", payments_router)
api.add_router("/companies/{orgnr}/purchasing", purchasing_router)
api.add_router("/companies/{orgnr}/cards", cards_router)
api.add_router("/companies/{orgnr}/dashboards", dashboards_router)
api.add_router("/companies/{orgnr}/exports", integrations_router)
api.add_router("/companies/{orgnr}/search", search_router)
api.add_router("/companies/{orgnr}/saft", saft_router)
api.add_router("/companies/{orgnr}/saft", saft_import_router)
# The integrator URL, POST /api/payables/documents?company=<orgnr>, as an alias.
api.add_router("", payables_alias_router)


@api.exception_handler(NotAllowed)
def not_allowed(request: HttpRequest, exc: NotAllowed) -> HttpResponse:
    body = {"code": exc.code, "message": str(exc)}
    if exc.perm is not None:
        body["permission"] = exc.perm.value
    return api.create_response(request, body, status=403)


@api.exception_handler(FakturaflytError)
def invalid(request: HttpRequest, exc: FakturaflytError) -> HttpResponse:
    return api.create_response(
        request,
        {"code": exc.code, "message": str(exc), "problems": [p.as_dict() for p in exc.problems]},
        status=422,
    )
