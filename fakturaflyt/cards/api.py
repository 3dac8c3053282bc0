"""API of the card inbox (issue 9), mounted under ``/api/companies/{orgnr}/cards``.

| method and path | permission | does |
|---|---|---|
| ``GET  .../cards/charges?status=&holder=&q=&limit=&offset=`` | view_payables | charges (``status``: one of the statuses or ``open``) with their split lines and coding → ``{"count", "charges"}`` |
| ``GET  .../cards/charges/{id}`` | view_payables | one charge: lines, coding, confidence and reasons, candidates when ambiguous |
| ``POST .../cards/imports`` | manage_payables | a card statement (CSV, camt.053/054) or a shop order report, ``multipart/form-data`` field ``file`` (or the raw body, ``?filename=``); ``preset`` names a statement layout → 201 the import result |
| ``POST .../cards/charges/{id}/accept`` | manage_payables | confirm every line as shown and post the voucher (series CARD) → the charge |
| ``POST .../cards/charges/accept`` | manage_payables | ``{"ids": [...]}``: one click for many; those that cannot be posted are skipped → ``{"accepted": n}`` |
| ``POST .../cards/charges/{id}/lines/{line_no}/coding`` | manage_payables | ``{"account", "vat_code", "department", "project"}`` (any of them): a correction, learnt at once → the charge |
| ``POST .../cards/charges/{id}/choose`` | manage_payables | ``{"index": n}``: an ambiguous charge's candidate n (0-based) → the charge, matched |
| ``POST .../cards/charges/{id}/ignore`` | manage_payables | ``{"reason": "..."}`` → the charge, ignored |

Every call starts with :func:`fakturaflyt.companies.api.member_for`: an org.nr the user is not a
member of gives 403 ``FF-NOT-MEMBER``, a role without the permission 403 ``FF-ROLE-FORBIDS``, a
charge of another company 404. A refused action gives 422 ``{code, message, problems}``
(``FF-CARD-*``, see :mod:`fakturaflyt.cards.error_codes`). Amounts are strings (charge
currency; ``total_nok`` in NOK), times ISO 8601 in Europe/Oslo.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from decimal import Decimal
from pathlib import PurePath
from typing import Annotated, Any, Literal

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Path, Query, Router, Schema, Status

from fakturaflyt.cards import services
from fakturaflyt.cards.error_codes import CardCode, CardError
from fakturaflyt.cards.models import CardCharge, ChargeLine, ChargeStatus, ShopOrderLine
from fakturaflyt.companies.api import member_for
from fakturaflyt.companies.models import Membership
from fakturaflyt.companies.roles import Perm
from fakturaflyt.core.cards.statement import PRESETS

router = Router(tags=["cards"])

OrgNr = Annotated[str, Path(description="The company's organisation number (9 digits)")]
MAX_BYTES = services.MAX_FILE_BYTES
TARGETS = ("account", "vat_code", "department", "project")


# ----------------------------------------------------------------------------------- schemas


class CardSuggestionOut(Schema):
    value: str
    confidence: float
    reasons: list[str]


class ChargeLineOut(Schema):
    line_no: int
    order_line: int | None
    order_id: str
    title: str
    buyer: str
    category: str
    net: str
    vat: str
    shipping_share: str
    total: str
    total_nok: str | None
    vat_rule: str
    account: str
    vat_code: str
    department: str
    project: str
    confidence: float | None
    state: str
    suggestion: dict[str, CardSuggestionOut]


class CandidateLineOut(Schema):
    id: int
    order_id: str
    title: str
    total: str
    currency: str
    payment_ref: str
    charge_date: dt.date | None


class CandidateOut(Schema):
    index: int
    total: str
    lines: list[CandidateLineOut]


class ChargeOut(Schema):
    id: int
    external_id: str
    date: dt.date
    booked_at: dt.datetime
    merchant: str
    amount: str
    currency: str
    amount_nok: str | None
    card_holder: str
    reference: str
    merchant_payment_ref: str
    status: str
    status_label: str
    match_method: str
    match_note: str
    confidence: float | None
    voucher: str | None
    ignore_reason: str
    decided_by: str | None
    decided_at: dt.datetime | None
    lines: list[ChargeLineOut]
    candidates: list[CandidateOut]


class ChargeListOut(Schema):
    count: int
    charges: list[ChargeOut]


class CardImportOut(Schema):
    import_id: int
    filename: str
    kind: str
    format: str
    shop: str
    rows: int
    added: int
    duplicates: int
    matched: int
    ambiguous: int
    unmatched: int
    problems: list[dict[str, str]]


class CodingIn(Schema):
    account: str | None = None
    vat_code: str | None = None
    department: str | None = None
    project: str | None = None


class ChooseIn(Schema):
    index: int


class IgnoreIn(Schema):
    reason: str


class AcceptManyIn(Schema):
    ids: list[int]


class AcceptManyOut(Schema):
    accepted: int


class ChargeQuery(Schema):
    status: Literal["open", "unmatched", "ambiguous", "matched", "posted", "ignored"] | None = None
    holder: str | None = None
    q: str | None = None
    limit: int = 100
    offset: int = 0


# ------------------------------------------------------------------------------------ output


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _suggestion(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for target in TARGETS:
        entry = data.get(target)
        if isinstance(entry, dict):
            text = entry.get("text") or []
            out[target] = {
                "value": str(entry.get("value", "")),
                "confidence": float(entry.get("confidence") or 0.0),
                "reasons": [str(t) for t in (text if isinstance(text, list) else [text])],
            }
    return out


def line_data(line: ChargeLine) -> dict[str, Any]:
    """One split line with its coding, as the API and ``cards list --json`` show it."""
    coding = line.coding_line
    order = line.order_line
    return {
        "line_no": line.line_no,
        "order_line": line.order_line_id,
        "order_id": order.order_id if order else "",
        "title": line.title,
        "buyer": order.buyer if order else "",
        "category": order.category if order else "",
        "net": str(line.net),
        "vat": str(line.vat),
        "shipping_share": str(line.shipping_share),
        "total": str(line.total),
        "total_nok": _money(line.total_nok),
        "vat_rule": line.vat_rule,
        "account": coding.account if coding else "",
        "vat_code": coding.vat_code if coding else "",
        "department": coding.department if coding else "",
        "project": coding.project if coding else "",
        "confidence": coding.confidence if coding else None,
        "state": coding.state if coding else "",
        "suggestion": _suggestion(coding.suggestion or {}) if coding else {},
    }


def _candidates(charge: CardCharge) -> list[dict[str, Any]]:
    sets = [list(ids) for ids in (charge.candidates or []) if isinstance(ids, list | tuple)]
    if not sets:
        return []
    wanted = {i for ids in sets for i in ids}
    rows = {r.pk: r for r in ShopOrderLine.objects.filter(company_id=charge.company_id, pk__in=wanted)}
    out = []
    for index, ids in enumerate(sets):
        lines = [rows[i] for i in ids if i in rows]
        out.append(
            {
                "index": index,
                "total": str(sum((r.net + r.vat + r.shipping for r in lines), Decimal("0.00"))),
                "lines": [
                    {
                        "id": r.pk,
                        "order_id": r.order_id,
                        "title": r.title,
                        "total": str(r.net + r.vat + r.shipping),
                        "currency": r.currency,
                        "payment_ref": r.payment_ref,
                        "charge_date": r.payment_date or r.ship_date or r.order_date,
                    }
                    for r in lines
                ],
            }
        )
    return out


def charge_data(charge: CardCharge) -> dict[str, Any]:
    """A charge with its lines, coding and (when ambiguous) candidates; JSON-ready but for dates."""
    booked = timezone.localtime(charge.booked_at)
    voucher = charge.voucher
    return {
        "id": charge.pk,
        "external_id": charge.external_id,
        "date": booked.date(),
        "booked_at": booked,
        "merchant": charge.merchant,
        "amount": str(charge.amount),
        "currency": charge.currency,
        "amount_nok": _money(charge.amount_nok),
        "card_holder": charge.card_holder,
        "reference": charge.reference,
        "merchant_payment_ref": charge.merchant_payment_ref,
        "status": charge.status,
        "status_label": str(charge.get_status_display()),
        "match_method": charge.match_method,
        "match_note": charge.match_note,
        "confidence": charge.confidence,
        "voucher": voucher.label if voucher is not None else None,
        "ignore_reason": charge.ignore_reason,
        "decided_by": charge.decided_by.get_username() if charge.decided_by_id else None,
        "decided_at": timezone.localtime(charge.decided_at) if charge.decided_at else None,
        "lines": [line_data(line) for line in charge.lines.all()],
        "candidates": _candidates(charge) if charge.status == ChargeStatus.AMBIGUOUS else [],
    }


def prefetch_charges(qs: QuerySet[CardCharge]) -> QuerySet[CardCharge]:
    """``qs`` with what :func:`charge_data` reads (``services.inbox`` fetches the lines itself)."""
    lines = ChargeLine.objects.select_related("order_line", "coding_line").order_by("line_no")
    return qs.select_related("voucher__series", "decided_by").prefetch_related(Prefetch("lines", queryset=lines))


# --------------------------------------------------------------------------------- endpoints


def _charge(m: Membership, charge_id: int) -> CardCharge:
    charge: CardCharge = get_object_or_404(prefetch_charges(CardCharge.objects.filter(company=m.company)), pk=charge_id)
    return charge


def _fresh(m: Membership, charge: CardCharge) -> ChargeOut:
    return ChargeOut(**charge_data(_charge(m, charge.pk)))


@router.get("/charges", response=ChargeListOut, summary="Card charges with their split and coding")
def list_charges(request: HttpRequest, orgnr: OrgNr, filters: Query[ChargeQuery]) -> ChargeListOut:
    m = member_for(request, orgnr, Perm.VIEW_PAYABLES)
    qs = services.inbox(m.company, status=filters.status or None, card_holder=filters.holder or None, q=filters.q)
    limit, offset = max(1, min(filters.limit, 500)), max(0, filters.offset)
    page = list(qs.select_related("voucher__series")[offset : offset + limit])
    return ChargeListOut(count=qs.count(), charges=[ChargeOut(**charge_data(c)) for c in page])


@router.get("/charges/{int:charge_id}", response=ChargeOut, summary="One card charge: lines, coding, reasons")
def get_charge(request: HttpRequest, orgnr: OrgNr, charge_id: int) -> ChargeOut:
    m = member_for(request, orgnr, Perm.VIEW_PAYABLES)
    return ChargeOut(**charge_data(_charge(m, charge_id)))


def _upload(request: HttpRequest) -> tuple[str, bytes]:
    if request.content_type == "multipart/form-data":
        f = request.FILES.get("file") or next((f for key in request.FILES for f in request.FILES.getlist(key)), None)
        if f is None:
            raise CardError(CardCode.UNKNOWN_FILE, "No file was sent: send the file in the form field 'file'.", "file")
        if f.size and f.size > MAX_BYTES:
            raise CardError(CardCode.UNKNOWN_FILE, f"The file is larger than {MAX_BYTES // 2**20} MB.", "file")
        return PurePath((f.name or "").replace("\\", "/")).name[:200], f.read()
    data = request.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise CardError(CardCode.UNKNOWN_FILE, f"The body is larger than {MAX_BYTES // 2**20} MB.", "body")
    if not data:
        raise CardError(
            CardCode.UNKNOWN_FILE,
            "No file was sent: send multipart/form-data with the field 'file', or the file itself as the body.",
            "file",
        )
    name = request.GET.get("filename") or request.headers.get("X-Filename") or ""
    return PurePath(name.replace("\\", "/")).name[:200], data


_UPLOAD_DOC = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "preset": {"type": "string", "description": "Statement layout (default: detected)"},
                    },
                    "required": ["file"],
                }
            },
            "text/csv": {"schema": {"type": "string", "format": "binary"}},
            "application/xml": {"schema": {"type": "string", "format": "binary"}},
        }
    }
}


@router.post(
    "/imports",
    response={201: CardImportOut},
    summary="Import a card statement (CSV, camt.053/054) or a shop's order report",
    openapi_extra=_UPLOAD_DOC,
)
def post_import(request: HttpRequest, orgnr: OrgNr) -> Status[CardImportOut]:
    m = member_for(request, orgnr, Perm.MANAGE_PAYABLES)
    preset = request.POST.get("preset") or request.GET.get("preset") or None
    if preset and preset not in PRESETS:
        raise CardError(
            CardCode.UNKNOWN_FILE, f"Unknown statement layout {preset!r}; presets: {', '.join(PRESETS)}.", "preset"
        )
    filename, data = _upload(request)
    result = services.import_card_file(m.company, data, request.user, filename=filename, mapping=preset)
    return Status(201, CardImportOut(**asdict(result)))


@router.post("/charges/{int:charge_id}/accept", response=ChargeOut, summary="Accept the split and post the voucher")
def accept(request: HttpRequest, orgnr: OrgNr, charge_id: int) -> ChargeOut:
    m = member_for(request, orgnr, Perm.MANAGE_PAYABLES)
    charge = services.accept(_charge(m, charge_id), request.user)
    return _fresh(m, charge)


@router.post("/charges/accept", response=AcceptManyOut, summary="Accept many charges at once (one click)")
def accept_many(request: HttpRequest, orgnr: OrgNr, payload: AcceptManyIn) -> AcceptManyOut:
    m = member_for(request, orgnr, Perm.MANAGE_PAYABLES)
    ids = list(CardCharge.objects.filter(company=m.company, pk__in=payload.ids).values_list("pk", flat=True))
    return AcceptManyOut(accepted=services.accept_many(m.company, request.user, ids))


@router.post(
    "/charges/{int:charge_id}/lines/{int:line_no}/coding",
    response=ChargeOut,
    summary="Correct a line's coding (the engine learns it at once)",
)
def code_line(request: HttpRequest, orgnr: OrgNr, charge_id: int, line_no: int, payload: CodingIn) -> ChargeOut:
    m = member_for(request, orgnr, Perm.MANAGE_PAYABLES)
    charge = _charge(m, charge_id)
    line = get_object_or_404(ChargeLine.objects.select_related("charge", "coding_line"), charge=charge, line_no=line_no)
    coding = {k: v for k, v in payload.dict().items() if v is not None}
    services.code_line(line, request.user, coding)
    return _fresh(m, charge)


@router.post("/charges/{int:charge_id}/choose", response=ChargeOut, summary="Choose an ambiguous charge's candidate")
def choose(request: HttpRequest, orgnr: OrgNr, charge_id: int, payload: ChooseIn) -> ChargeOut:
    m = member_for(request, orgnr, Perm.MANAGE_PAYABLES)
    charge = services.choose_candidate(_charge(m, charge_id), payload.index, request.user)
    return _fresh(m, charge)


@router.post("/charges/{int:charge_id}/ignore", response=ChargeOut, summary="Ignore a charge, with a reason")
def ignore(request: HttpRequest, orgnr: OrgNr, charge_id: int, payload: IgnoreIn) -> ChargeOut:
    m = member_for(request, orgnr, Perm.MANAGE_PAYABLES)
    charge = services.ignore(_charge(m, charge_id), payload.reason, request.user)
    return _fresh(m, charge)
