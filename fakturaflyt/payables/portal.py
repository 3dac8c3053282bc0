"""The supplier portal: a supplier contact uploads its invoices and follows their state.

Everything goes through ``scoped``, which narrows a supplier contact to its own supplier's
documents: another supplier's document, its file and its page images answer 404, the same
as a document that does not exist. Uploads are received with channel ``portal`` and the
contact's supplier, so the intake knows who sent them. Each invoice shows its state (received,
in approval, approved, returned or rejected with the reason) and, once approved, its payment
(scheduled with the payment date, paid with the date), with the comments shared with the supplier.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from fakturaflyt.companies.decorators import company_view
from fakturaflyt.companies.models import Membership
from fakturaflyt.companies.permissions import has_perm, require, scoped
from fakturaflyt.companies.roles import Perm
from fakturaflyt.payables import downloads, extracted, presenters
from fakturaflyt.payables.forms import PORTAL_TYPES, UploadForm
from fakturaflyt.payables.models import Channel, DocumentState, PaymentStatus, SupplierDocument
from fakturaflyt.payables.uploads import receive_uploads, upload_response
from fakturaflyt.payables.viewer import viewer_context

DOCUMENTS_PER_PAGE = 25


def _documents(m: Membership) -> QuerySet[SupplierDocument]:
    return (
        scoped(SupplierDocument.objects.all(), m)
        .select_related("receipt", "file", "supplier")
        .prefetch_related("payments")
    )


def _document(request: HttpRequest, pk: int) -> SupplierDocument:
    return get_object_or_404(_documents(request.membership), pk=pk)  # type: ignore[attr-defined]


def payment_of(document: SupplierDocument) -> dict[str, Any] | None:
    """Where an approved invoice is on its way to being paid, as the supplier may see it.

    ``{"key", "label", "date", "reason"}``: scheduled for payment (with the payment date), paid
    (with the date the bank booked it), set off against a credit note; ``None`` before approval.
    A payment the bank rejected shows as approved again (it goes into the next payment run).
    """
    if document.state != DocumentState.APPROVED:
        return None
    status = document.payment_status
    if status == PaymentStatus.PAID:
        return {"key": "paid", "label": _("Paid"), "date": document.paid_at, "reason": ""}
    if status == PaymentStatus.SET_OFF:
        return {"key": "set_off", "label": _("Set off against a credit note"), "date": None, "reason": ""}
    if status == PaymentStatus.SCHEDULED:
        live = [p for p in document.payments.all() if p.status in ("proposed", "exported", "accepted")]
        return {
            "key": "scheduled",
            "label": _("Scheduled for payment"),
            "date": live[0].requested_date if live else None,
            "reason": "",
        }
    if document.on_hold:
        return {"key": "on_hold", "label": _("Payment on hold"), "date": None, "reason": ""}
    return {"key": "approved", "label": _("Approved, awaiting payment"), "date": document.due_date, "reason": ""}


def shared_comments(document: SupplierDocument) -> list[Any]:
    """The comments on the invoice that the accountant or an approver shared with the supplier."""
    comments = getattr(document, "comments", None)
    if comments is None:  # the approval workflow (with comments) is not installed
        return []
    return list(comments.filter(shared_with_supplier=True).order_by("created_at", "pk"))


def _row(document: SupplierDocument) -> dict[str, Any]:
    badge = presenters.state_badge(document.state)
    explanation = badge.supplier_help
    if document.state in ("rejected", "returned") and document.rejected_reason:
        explanation = document.rejected_reason
    return {
        "document": document,
        "badge": badge,
        "explanation": explanation,
        "payment": payment_of(document),
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
        "comments": shared_comments(doc),
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
