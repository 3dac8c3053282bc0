"""API for the supplier-invoice inbox: send documents in, follow their state, correct, retry, reject.

Mounted under ``/api/companies/{orgnr}`` like every per-company router:

| method and path | permission | does |
|---|---|---|
| ``POST   .../payables/documents`` | upload_document | receive files: ``multipart/form-data`` (any number of file fields) or a raw body (``application/xml`` for EHF, ``application/pdf``, ``message/rfc822``, ``application/zip``; name it with ``?filename=``) → 201 |
| ``GET    .../payables/documents`` | view_payables | the inbox; ``?state=needs_review&state=quarantined``, ``?supplier=<number>``, ``limit``/``offset`` |
| ``GET    .../payables/documents/{id}`` | view_payables | one document: fields with confidence, problems, state |
| ``GET    .../payables/documents/{id}/file`` | view_payables | the original bytes as received |
| ``POST   .../payables/documents/{id}/retry`` | manage_payables | read and check a quarantined / uncertain document again |
| ``POST   .../payables/documents/{id}/reject`` | manage_payables | ``{"reason": "..."}`` |
| ``POST   .../payables/documents/{id}/not-duplicate`` | manage_payables | a same-amount, same-date "duplicate" is a separate invoice |
| ``PATCH  .../payables/documents/{id}/fields`` | manage_payables | ``{"invoice_number": "1001", "total": "125.00", ...}`` |

The issue's integrator URL ``POST /api/payables/documents?company=<orgnr>`` is an alias of
the first (``company`` may be left out when the user belongs to one company only).

A **supplier contact** (role ``supplier``) may send documents, which are then tied to its
supplier, and may read only that supplier's documents (everything else answers 404), without
the accountant's problem list (only why a quarantined file could not be read) and without the
payment block. Amounts are strings.
"""

from __future__ import annotations

import datetime as dt
from pathlib import PurePath
from typing import Annotated, Any
from urllib.parse import quote

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Body, Path, Query, Router, Schema, Status

from fakturaflyt.companies.api import company_by_orgnr
from fakturaflyt.companies.models import Membership
from fakturaflyt.companies.permissions import NotAllowed, has_perm, not_member, require, scoped
from fakturaflyt.companies.roles import Perm, Role
from fakturaflyt.core.errors import FakturaflytError, Problem
from fakturaflyt.core.filetypes import EXTENSIONS, served_content_type, sniff
from fakturaflyt.payables import checks, intake, processing, storage
from fakturaflyt.payables.error_codes import IntakeCode, PayablesError
from fakturaflyt.payables.fields import clean_value
from fakturaflyt.payables.models import Channel, DocumentState, SupplierDocument
from fakturaflyt.payables.uploads_guard import too_large_problem

router = Router(tags=["payables"])
alias_router = Router(tags=["payables"])

OrgNr = Annotated[str, Path(description="The company's organisation number (9 digits)")]
MAX_FILES = 50


# ----------------------------------------------------------------------------------- schemas


class SupplierOut(Schema):
    id: int
    number: int
    name: str
    orgnr: str
    vat_id: str


class ProblemOut(Schema):
    code: str
    message: str
    field: str
    severity: str


class FieldOut(Schema):
    value: Any = None
    confidence: float | None = None
    source: str = ""


class DocumentOut(Schema):
    id: int
    state: str
    state_label: str
    format: str
    filename: str
    channel: str
    sender: str
    received_at: dt.datetime
    supplier: SupplierOut | None
    invoice_number: str
    issue_date: dt.date | None
    due_date: dt.date | None
    currency: str
    net_total: str | None
    vat_total: str | None
    total: str | None
    is_credit_note: bool
    payment_blocked: bool | None
    duplicate_of: int | None
    credits: int | None
    rejected_reason: str
    problems: list[ProblemOut]


class AttachmentOut(Schema):
    index: int
    filename: str
    mime: str
    size: int
    sha256: str


class DocumentDetailOut(DocumentOut):
    kid: str
    bank_account: str
    iban: str
    order_reference: str
    credited_invoice_number: str
    fields: dict[str, FieldOut]
    engine: str
    attempts: int
    processed_at: dt.datetime | None
    container: int | None
    subject: str
    message_id: str
    sha256: str
    attachments: list[AttachmentOut]
    has_visual: bool


class DocumentListOut(Schema):
    count: int
    documents: list[DocumentOut]


class RefusedOut(Schema):
    filename: str
    code: str
    message: str


class ReceivedOut(Schema):
    documents: list[DocumentOut]
    errors: list[RefusedOut]


class RejectIn(Schema):
    reason: str


# ------------------------------------------------------------------------------ permissions


def _company(orgnr: str) -> Any:
    company = company_by_orgnr(orgnr.replace(" ", ""))
    if company is None:
        raise not_member()  # the same answer as "not your company": outsiders learn nothing
    return company


def _reader(request: HttpRequest, orgnr: str) -> Membership:
    """View the inbox (accountants, approvers...) or, for a supplier contact, its own supplier's documents."""
    company = _company(orgnr)
    try:
        return require(request.user, company, Perm.VIEW_PAYABLES)
    except NotAllowed as exc:
        m = require(request.user, company, Perm.SUPPLIER_PORTAL) if exc.code == "FF-ROLE-FORBIDS" else None
        if m is None:
            raise
        return m


def _documents(m: Membership) -> QuerySet[SupplierDocument]:
    return scoped(SupplierDocument.objects.all(), m).select_related("supplier", "receipt", "file")


def _document(m: Membership, document_id: int) -> SupplierDocument:
    return get_object_or_404(_documents(m), pk=document_id)


# ---------------------------------------------------------------------------------- output


def _amount(value: Any) -> str | None:
    return None if value is None else str(value)


def _problems(doc: SupplierDocument, m: Membership | None) -> list[ProblemOut]:
    entries = doc.problems or []
    if m is not None and m.role == Role.SUPPLIER:
        # The sender learns why a file could not be read, not the accountant's findings (fraud checks).
        entries = [
            p for p in entries if doc.state == DocumentState.QUARANTINED and p.get("severity") in ("error", "fatal")
        ]
    return [
        ProblemOut(
            code=str(p.get("code", "")),
            message=str(p.get("message", "")),
            field=str(p.get("field", "")),
            severity=str(p.get("severity", "error")),
        )
        for p in entries
        if isinstance(p, dict)
    ]


def _base(doc: SupplierDocument, m: Membership | None) -> dict[str, Any]:
    supplier = doc.supplier
    is_supplier = m is not None and m.role == Role.SUPPLIER
    return {
        "id": doc.pk,
        "state": doc.state,
        "state_label": str(doc.get_state_display()),
        "format": doc.format,
        "filename": doc.receipt.filename,
        "channel": doc.receipt.channel,
        "sender": doc.receipt.sender,
        "received_at": doc.receipt.received_at,
        "supplier": SupplierOut(
            id=supplier.pk, number=supplier.number, name=supplier.name, orgnr=supplier.orgnr, vat_id=supplier.vat_id
        )
        if supplier is not None
        else None,
        "invoice_number": doc.invoice_number,
        "issue_date": doc.issue_date,
        "due_date": doc.due_date,
        "currency": doc.currency,
        "net_total": _amount(doc.net_total),
        "vat_total": _amount(doc.vat_total),
        "total": _amount(doc.total),
        "is_credit_note": doc.is_credit_note,
        "payment_blocked": None if is_supplier else doc.payment_blocked,
        "duplicate_of": doc.duplicate_of_id,
        "credits": doc.credits_id,
        "rejected_reason": doc.rejected_reason,
        "problems": _problems(doc, m),
    }


def document_out(doc: SupplierDocument, m: Membership | None = None) -> DocumentOut:
    return DocumentOut(**_base(doc, m))


def document_detail_out(doc: SupplierDocument, m: Membership | None = None) -> DocumentDetailOut:
    fields = {
        name: FieldOut(
            value=entry.get("value"), confidence=entry.get("confidence"), source=str(entry.get("source", ""))
        )
        for name, entry in (doc.fields or {}).items()
        if isinstance(entry, dict) and not isinstance(entry.get("value"), (dict, list))
    }
    return DocumentDetailOut(
        **_base(doc, m),
        kid=doc.kid,
        bank_account=doc.bank_account,
        iban=doc.iban,
        order_reference=doc.order_reference,
        credited_invoice_number=doc.credited_invoice_number,
        fields=fields,
        engine=doc.extraction_engine,
        attempts=doc.attempts,
        processed_at=doc.processed_at,
        container=doc.receipt.container_id,
        subject=doc.receipt.subject,
        message_id=doc.receipt.message_id,
        sha256=doc.file.sha256,
        attachments=[
            AttachmentOut(
                index=int(a.get("index", 0)),
                filename=str(a.get("filename", "")),
                mime=str(a.get("mime", "")),
                size=int(a.get("size", 0)),
                sha256=str(a.get("sha256", "")),
            )
            for a in doc.attachments or []
        ],
        has_visual=doc.visual_id is not None,
    )


# ---------------------------------------------------------------------------------- receive


def _raw_body(request: HttpRequest) -> bytes:
    if hasattr(request, "_body"):
        return bytes(request._body)
    data = request.read(intake.MAX_BYTES + 1)
    if len(data) > intake.MAX_BYTES:
        raise PayablesError(
            IntakeCode.TOO_LARGE, f"The body is larger than {intake.MAX_BYTES // (1024 * 1024)} MB.", "body"
        )
    return data


def _uploads(request: HttpRequest) -> list[tuple[str, bytes]]:
    """(file name, bytes) of every file in the request: multipart file fields, or the raw body."""
    if request.content_type == "multipart/form-data":
        files = [f for key in request.FILES for f in request.FILES.getlist(key)]
        if len(files) > MAX_FILES:
            raise PayablesError(IntakeCode.TOO_LARGE, f"At most {MAX_FILES} files in one request.", "file")
        return [(PurePath((f.name or "").replace("\\", "/")).name, f.read()) for f in files]
    data = _raw_body(request)
    if not data:
        return []
    name = request.GET.get("filename") or request.headers.get("X-Filename") or ""
    name = PurePath(name.replace("\\", "/")).name[:200]
    return [(name or f"document{EXTENSIONS.get(sniff(data), '.bin')}", data)]


def _receive(request: HttpRequest, m: Membership) -> Status[ReceivedOut]:
    uploads = _uploads(request)
    if not uploads:
        raise PayablesError(
            IntakeCode.NO_FILE,
            "No file was sent: send multipart/form-data with file fields, or the document itself as the body "
            "(Content-Type: application/xml for EHF).",
            "file",
        )
    supplier = m.supplier if m.role == Role.SUPPLIER else None
    user = request.user
    sender = f"{getattr(user, 'email', '') or user.get_username()} (API)"
    received: list[SupplierDocument] = []
    errors: list[RefusedOut] = []
    for name, data in uploads:
        big = too_large_problem(name, len(data))  # FAKTURAFLYT_MAX_UPLOAD_MB per file
        if big is not None:
            errors.append(RefusedOut(filename=name, code=big.code, message=big.message))
            continue
        try:
            received += intake.receive_all(
                m.company, data, channel=Channel.API, filename=name, sender=sender, user=user, supplier=supplier
            )
        except FakturaflytError as exc:
            errors += [RefusedOut(filename=name, code=p.code, message=p.message) for p in exc.problems]
    if not received:
        raise FakturaflytError([Problem(e.code, f"{e.filename}: {e.message}", "file") for e in errors])
    fresh = {d.pk: d for d in _documents(m).filter(pk__in=[d.pk for d in received])}
    documents = [document_out(fresh[d.pk], m) for d in received if d.pk in fresh]
    return Status(201, ReceivedOut(documents=documents, errors=errors))


_BODY_DOC = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "array", "items": {"type": "string", "format": "binary"}}},
                }
            },
            "application/xml": {"schema": {"type": "string", "format": "binary"}},
            "application/pdf": {"schema": {"type": "string", "format": "binary"}},
        }
    }
}


@router.post(
    "/payables/documents",
    response={201: ReceivedOut},
    summary="Send supplier invoices (EHF XML, PDF, scans, .eml, .zip) into the inbox",
    openapi_extra=_BODY_DOC,
)
def post_documents(request: HttpRequest, orgnr: OrgNr) -> Status[ReceivedOut]:
    m = require(request.user, _company(orgnr), Perm.UPLOAD_DOCUMENT)
    return _receive(request, m)


@alias_router.post(
    "/payables/documents",
    response={201: ReceivedOut},
    summary="Send supplier invoices (alias of /companies/{orgnr}/payables/documents)",
    openapi_extra=_BODY_DOC,
)
def post_documents_alias(request: HttpRequest, company: str | None = None) -> Status[ReceivedOut]:
    if not company:
        memberships = Membership.objects.filter(user_id=request.user.pk, is_active=True).select_related("company")
        allowed = [x for x in memberships if has_perm(x, Perm.UPLOAD_DOCUMENT)]
        if len(allowed) != 1:
            raise PayablesError(
                IntakeCode.NO_FILE if not allowed else IntakeCode.WRONG_STATE,
                "Name the company: ?company=<org.nr> (you may send documents to more than one, or to none).",
                "company",
            )
        company = allowed[0].company.orgnr
    m = require(request.user, _company(company), Perm.UPLOAD_DOCUMENT)
    return _receive(request, m)


# ------------------------------------------------------------------------------------- read


@router.get("/payables/documents", response=DocumentListOut, summary="The inbox of received supplier documents")
def list_documents(
    request: HttpRequest,
    orgnr: OrgNr,
    state: Annotated[list[str] | None, Query(description="Only these states (repeat for several)")] = None,
    supplier: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> DocumentListOut:
    m = _reader(request, orgnr)
    qs = _documents(m)
    if state:
        qs = qs.filter(state__in=state)
    if supplier is not None:
        qs = qs.filter(supplier__number=supplier)
    qs = qs.order_by("-receipt__received_at", "-pk").defer("ehf", "attachments", "fields")  # not in a list row
    limit = max(1, min(limit, 500))
    offset = max(0, offset)
    return DocumentListOut(count=qs.count(), documents=[document_out(d, m) for d in qs[offset : offset + limit]])


@router.get("/payables/documents/{document_id}", response=DocumentDetailOut, summary="One received document")
def get_document(request: HttpRequest, orgnr: OrgNr, document_id: int) -> DocumentDetailOut:
    m = _reader(request, orgnr)
    return document_detail_out(_document(m, document_id), m)


@router.get("/payables/documents/{document_id}/file", summary="The document's file, exactly as received")
def get_file(request: HttpRequest, orgnr: OrgNr, document_id: int) -> HttpResponse:
    m = _reader(request, orgnr)
    doc = _document(m, document_id)
    try:
        data = storage.read(doc.file)
    except OSError:
        raise PayablesError(
            IntakeCode.FILE_MISSING, "The stored file cannot be read; restore it from the backup."
        ) from None
    response = HttpResponse(data, content_type=served_content_type(doc.file.content_type))
    name = PurePath(doc.receipt.filename or f"document-{doc.pk}").name
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["X-Checksum-SHA256"] = doc.file.sha256
    return response


# ---------------------------------------------------------------------------------- actions


def _manager(request: HttpRequest, orgnr: str, document_id: int) -> tuple[Membership, SupplierDocument]:
    m = require(request.user, _company(orgnr), Perm.MANAGE_PAYABLES)
    return m, _document(m, document_id)


def _fresh(m: Membership, doc: SupplierDocument) -> DocumentDetailOut:
    return document_detail_out(_document(m, doc.pk), m)


@router.post("/payables/documents/{document_id}/retry", response=DocumentDetailOut, summary="Process a document again")
def retry(request: HttpRequest, orgnr: OrgNr, document_id: int) -> DocumentDetailOut:
    m, doc = _manager(request, orgnr, document_id)
    processing.retry(doc, request.user)
    return _fresh(m, doc)


@router.post("/payables/documents/{document_id}/reject", response=DocumentDetailOut, summary="Reject a document")
def reject(request: HttpRequest, orgnr: OrgNr, document_id: int, payload: RejectIn) -> DocumentDetailOut:
    m, doc = _manager(request, orgnr, document_id)
    processing.reject(doc, request.user, payload.reason)
    return _fresh(m, doc)


@router.post(
    "/payables/documents/{document_id}/not-duplicate",
    response=DocumentDetailOut,
    summary="A same-amount, same-date invoice is a separate invoice",
)
def not_duplicate(request: HttpRequest, orgnr: OrgNr, document_id: int) -> DocumentDetailOut:
    m, doc = _manager(request, orgnr, document_id)
    processing.dismiss_duplicate(doc, request.user)
    return _fresh(m, doc)


@router.patch("/payables/documents/{document_id}/fields", response=DocumentDetailOut, summary="Correct fields")
def correct_fields(
    request: HttpRequest,
    orgnr: OrgNr,
    document_id: int,
    payload: Annotated[dict[str, str | None], Body(description='{"field": "value", ...}; null clears a field')],
) -> DocumentDetailOut:
    m, doc = _manager(request, orgnr, document_id)
    problems: list[Problem] = []
    for name, value in payload.items():  # every value is checked before any is stored
        try:
            if name not in checks.FIELD_NAMES:
                raise PayablesError(IntakeCode.UNKNOWN_FIELD, f"There is no field {name!r} to correct.", name)
            clean_value(name, value)
        except FakturaflytError as exc:
            problems.extend(exc.problems)
    if problems:
        raise FakturaflytError(problems)
    for name, value in payload.items():
        doc = processing.correct_field(doc, request.user, name, value)
    return _fresh(m, doc)
