"""The supplier portal: a supplier contact uploads its invoices and follows their state.

Everything goes through ``scoped``, which narrows a supplier contact to its own supplier's
documents: another supplier's document, its file and its page images answer 404, the same
as a document that does not exist. Uploads are received with channel ``portal`` and the
contact's supplier, so the intake knows who sent them.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from fakturaflyt.companies.decorators import company_view
from fakturaflyt.companies.models import Membership
from fakturaflyt.companies.permissions import has_perm, require, scoped
from fakturaflyt.companies.roles import Perm
from fakturaflyt.payables import downloads, extracted, presenters
from fakturaflyt.payables.forms import PORTAL_TYPES, UploadForm
from fakturaflyt.payables.models import Channel, SupplierDocument
from fakturaflyt.payables.uploads import receive_uploads, upload_response
from fakturaflyt.payables.viewer import viewer_context

DOCUMENTS_PER_PAGE = 25


def _documents(m: Membership) -> QuerySet[SupplierDocument]:
    return scoped(SupplierDocument.objects.all(), m).select_related("receipt", "file", "supplier")


def _document(request: HttpRequest, pk: int) -> SupplierDocument:
    return get_object_or_404(_documents(request.membership), pk=pk)  # type: ignore[attr-defined]


def _row(document: SupplierDocument) -> dict[str, Any]:
    badge = presenters.state_badge(document.state)
    return {
        "document": document,
        "badge": badge,
        "explanation": document.rejected_reason
        if document.state == "rejected" and document.rejected_reason
        else badge.supplier_help,
    }


def home_context(request: HttpRequest) -> dict[str, Any]:
    """The portal's start page: the supplier, the upload form and the supplier's own documents."""
    m: Membership = request.membership  # type: ignore[attr-defined]
    documents = _documents(m).order_by("-receipt__received_at", "-pk")
    page = Paginator(documents, DOCUMENTS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [_row(d) for d in page.object_list]
    return {
        "supplier": m.supplier,
        "page": page,
        "rows": rows,
        "pending": any(r["badge"].value in presenters.PENDING_STATES for r in rows),
        "upload_form": UploadForm(allowed=PORTAL_TYPES) if has_perm(m, Perm.UPLOAD_DOCUMENT) else None,
        "portal_types": ", ".join(PORTAL_TYPES),
    }


@require_POST
@company_view(Perm.SUPPLIER_PORTAL)
def upload(request: HttpRequest) -> HttpResponse:
    m: Membership = request.membership  # type: ignore[attr-defined]
    if not has_perm(m, Perm.UPLOAD_DOCUMENT):
        require(request.user, m.company, Perm.UPLOAD_DOCUMENT)
    form = UploadForm(request.POST, request.FILES, allowed=PORTAL_TYPES)
    result = receive_uploads(form, m, channel=Channel.PORTAL, supplier=m.supplier)
    return upload_response(request, result, redirect_to="home", detail_url="portal:document")


@company_view(Perm.SUPPLIER_PORTAL)
def document(request: HttpRequest, pk: int) -> HttpResponse:
    doc = _document(request, pk)
    context: dict[str, Any] = {
        **_row(doc),
        "receipt": doc.receipt,
        "problems": extracted.supplier_problems(doc),
        "urls": {"file": "portal:file", "page": "portal:page"},
    }
    context.update(viewer_context(doc))
    context["attachments"] = []  # the supplier sent them; the portal shows the invoice itself
    return render(request, "payables/portal_document.html", context)


@company_view(Perm.SUPPLIER_PORTAL)
def document_file(request: HttpRequest, pk: int) -> HttpResponse:
    return downloads.original_file(request, _document(request, pk))


@company_view(Perm.SUPPLIER_PORTAL)
def document_page(request: HttpRequest, pk: int, page: int) -> HttpResponse:
    return downloads.page_image(request, _document(request, pk), page)
