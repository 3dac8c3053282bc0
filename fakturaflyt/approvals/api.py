"""API of the approval workflow, mounted under ``/api/companies/{orgnr}/approvals``.

| method and path | permission | does |
|---|---|---|
| ``GET  .../approvals/pending`` | approve | the current steps the caller may act on (their own and those they substitute for) |
| ``POST .../approvals/{document_id}/approve`` | approve | approve the current step → the document (approved and posted when it was the last) |
| ``POST .../approvals/{document_id}/reject`` | approve | ``{"reason"}`` (required) → the document, returned to the accountant |
| ``GET  .../approvals/{document_id}/comments`` | view_payables or supplier_portal | the comments the caller may read |
| ``POST .../approvals/{document_id}/comments`` | view_payables | ``{"text", "shared_with_supplier"}`` → 201 the comment |

Refusals are 422 ``{code, message, field}`` with ``FF-APPROVAL-...`` codes; another company's
document answers 404. A supplier contact reads only comments shared with it, on its own documents.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from ninja import Path, Router, Schema, Status

from fakturaflyt.approvals import services
from fakturaflyt.approvals.error_codes import ApprovalError
from fakturaflyt.approvals.models import ApprovalStep, Comment
from fakturaflyt.companies.api import company_by_orgnr
from fakturaflyt.companies.models import Company, Membership
from fakturaflyt.companies.permissions import NotAllowed, has_perm, not_member, require, scoped
from fakturaflyt.companies.roles import Perm, Role
from fakturaflyt.payables.models import SupplierDocument

router = Router(tags=["approvals"])

OrgNr = Annotated[str, Path(description="The company's organisation number (9 digits)")]


class ApprovalErrorOut(Schema):
    code: str
    message: str
    field: str


class PendingOut(Schema):
    step: int
    document: int
    round: int
    level: int
    supplier: str
    invoice_number: str
    currency: str
    total: str | None
    due_date: dt.date | None
    approve_by: dt.datetime | None
    approver: str
    on_behalf_of: str | None
    url: str


class ApprovalDocumentOut(Schema):
    id: int
    state: str
    state_label: str
    approved_at: dt.datetime | None
    voucher: str | None
    returned_reason: str


class ApprovalRejectIn(Schema):
    reason: str = ""


class CommentIn(Schema):
    text: str
    shared_with_supplier: bool = False


class CommentOut(Schema):
    id: int
    author: str | None
    text: str
    shared_with_supplier: bool
    created_at: dt.datetime
    voucher: str | None


def _company(orgnr: str) -> Company:
    company = company_by_orgnr(orgnr.replace(" ", ""))
    if company is None:
        raise not_member()
    return company


def _document(m: Membership, document_id: int) -> SupplierDocument:
    return get_object_or_404(
        scoped(SupplierDocument.objects.all(), m).select_related("company", "voucher"), pk=document_id
    )


def _error(exc: ApprovalError) -> Status[ApprovalErrorOut]:
    return Status(422, ApprovalErrorOut(code=exc.code, message=exc.message, field=exc.field))


def _pending_out(step: ApprovalStep, user: Any) -> PendingOut:
    doc = step.document
    return PendingOut(
        step=step.pk,
        document=doc.pk,
        round=step.round,
        level=step.level,
        supplier=doc.supplier.name if doc.supplier else "",
        invoice_number=doc.invoice_number,
        currency=doc.currency or "NOK",
        total=None if doc.total is None else str(doc.total),
        due_date=doc.due_date,
        approve_by=step.due_at,
        approver=step.approver.get_username(),
        on_behalf_of=None if step.approver_id == user.pk else step.approver.get_username(),
        url=services.approval_url(doc),
    )


def _document_out(doc: SupplierDocument) -> ApprovalDocumentOut:
    doc.refresh_from_db()
    return ApprovalDocumentOut(
        id=doc.pk,
        state=doc.state,
        state_label=str(doc.get_state_display()),
        approved_at=doc.approved_at,
        voucher=doc.voucher.label if doc.voucher_id else None,
        returned_reason=services.returned_reason(doc) if doc.state == "returned" else "",
    )


def _comment_out(c: Comment) -> CommentOut:
    return CommentOut(
        id=c.pk,
        author=c.author.get_username() if c.author_id else None,
        text=c.text,
        shared_with_supplier=c.shared_with_supplier,
        created_at=c.created_at,
        voucher=c.document.voucher.label if c.document.voucher_id else None,
    )


@router.get("/pending", response=list[PendingOut], summary="Invoices waiting for the caller's approval")
def pending(request: HttpRequest, orgnr: OrgNr) -> list[PendingOut]:
    m = require(request.user, _company(orgnr), Perm.APPROVE)
    return [_pending_out(s, request.user) for s in services.pending_for(m.company, request.user)]


@router.post(
    "/{int:document_id}/approve",
    response={200: ApprovalDocumentOut, 422: ApprovalErrorOut},
    summary="Approve the current step",
)
def approve(request: HttpRequest, orgnr: OrgNr, document_id: int) -> Any:
    m = require(request.user, _company(orgnr), Perm.APPROVE)
    doc = _document(m, document_id)
    try:
        services.approve(doc, request.user)
    except ApprovalError as exc:
        return _error(exc)
    return _document_out(doc)


@router.post(
    "/{int:document_id}/reject",
    response={200: ApprovalDocumentOut, 422: ApprovalErrorOut},
    summary="Reject with a reason",
)
def reject(request: HttpRequest, orgnr: OrgNr, document_id: int, payload: ApprovalRejectIn) -> Any:
    m = require(request.user, _company(orgnr), Perm.APPROVE)
    doc = _document(m, document_id)
    try:
        services.reject(doc, request.user, payload.reason)
    except ApprovalError as exc:
        return _error(exc)
    return _document_out(doc)


def _reader(request: HttpRequest, orgnr: str) -> Membership:
    company = _company(orgnr)
    try:
        return require(request.user, company, Perm.VIEW_PAYABLES)
    except NotAllowed:
        return require(request.user, company, Perm.SUPPLIER_PORTAL)


@router.get("/{int:document_id}/comments", response=list[CommentOut], summary="Comments on an invoice")
def list_comments(request: HttpRequest, orgnr: OrgNr, document_id: int) -> list[CommentOut]:
    m = _reader(request, orgnr)
    return [_comment_out(c) for c in services.comments_for(_document(m, document_id), m)]


@router.post("/{int:document_id}/comments", response={201: CommentOut, 422: ApprovalErrorOut}, summary="Add a comment")
def add_comment(request: HttpRequest, orgnr: OrgNr, document_id: int, payload: CommentIn) -> Any:
    m = require(request.user, _company(orgnr), Perm.VIEW_PAYABLES)
    if m.role == Role.AUDITOR:  # an auditor (revisor) reads everything and changes nothing, comments included
        raise NotAllowed("FF-ROLE-FORBIDS", gettext("An auditor can read, but not comment."), Perm.VIEW_PAYABLES)
    doc = _document(m, document_id)
    if not has_perm(m, Perm.VIEW_PAYABLES):
        raise not_member()
    try:
        comment = services.add_comment(
            doc, request.user, payload.text, shared_with_supplier=payload.shared_with_supplier
        )
    except ApprovalError as exc:
        return _error(exc)
    return Status(201, _comment_out(comment))
