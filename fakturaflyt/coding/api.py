"""API of the coding engine: the coding queue, confirmations, suggestions, rules and the touchless policy.

Mounted under ``/api/companies/{orgnr}/coding``:

| method and path | permission | does |
|---|---|---|
| ``GET    .../coding/lines`` | view_payables | lines; ``?state=queued`` (or auto, confirmed, corrected; repeat for several), ``limit``/``offset`` |
| ``GET    .../coding/lines/{id}`` | view_payables | one line: suggestion per target with confidence and reasons (structured and as text), coding |
| ``POST   .../coding/lines/{id}/confirm`` | manage_payables | ``{"account", "vat_code", "department", "project"}``; a field left out accepts the suggestion → the line, or 422 ``{code, message, field}`` |
| ``POST   .../coding/lines/accept`` | manage_payables | ``{"ids": [...]}``: accept the suggestions of these queued lines → ``{"accepted": n}`` |
| ``POST   .../coding/suggest`` | view_payables | a purchase line (``date``, ``supplier_id``, ``supplier_name``, ``description``, ``amount``, ...) → suggestions with reasons; nothing stored |
| ``GET    .../coding/rules`` | view_payables | the company's rules |
| ``POST   .../coding/rules`` | manage_payables | a supplier rule (``supplier``: its number) or a keyword rule → 201 |
| ``DELETE .../coding/rules/{id}`` | manage_payables | → 204 |
| ``GET    .../coding/settings`` | view_payables | touchless mode, required precision, fixed threshold, measured thresholds (read-only) |
| ``PUT    .../coding/settings`` | manage_payables | ``{"mode", "target_precision", "fixed_threshold", "window_days", "min_rows"}`` |

A supplier contact has no access (403, like the accountant's payables API); another company's
line or rule answers 404. Amounts are strings, confidences numbers from 0 to 1.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router, Schema, Status

from fakturaflyt.coding import services
from fakturaflyt.coding.error_codes import CodingCode, CodingError
from fakturaflyt.coding.models import TARGETS, CodingLine, CodingRule, CodingSettings, LineState
from fakturaflyt.companies.api import company_by_orgnr
from fakturaflyt.companies.models import Company, Membership
from fakturaflyt.companies.permissions import not_member, require, scoped
from fakturaflyt.companies.roles import Perm
from fakturaflyt.core.coding.features import PurchaseLine
from fakturaflyt.payables.models import Supplier

router = Router(tags=["coding"])

OrgNr = Annotated[str, Path(description="The company's organisation number (9 digits)")]


# ----------------------------------------------------------------------------------- schemas


class CodingErrorOut(Schema):
    code: str
    message: str
    field: str


class ReasonOut(Schema):
    kind: str
    key: str
    label: str
    count: int
    total: int
    weight: float
    last_date: dt.date | None = None


class AlternativeOut(Schema):
    value: str
    probability: float


class CodingSuggestionOut(Schema):
    value: str
    confidence: float
    probability: float
    reasons: list[ReasonOut]
    text: list[str]
    alternatives: list[AlternativeOut]


class CodingOut(Schema):
    account: str
    vat_code: str
    department: str
    project: str


class LineSupplierOut(Schema):
    id: int
    number: int
    name: str
    orgnr: str


class CodingLineOut(Schema):
    id: int
    state: str
    state_label: str
    source: str
    source_ref: str
    document: int | None
    line_no: int
    supplier: LineSupplierOut | None
    supplier_name: str
    description: str
    amount: str | None
    currency: str
    date: dt.date | None
    confidence: float | None
    suggestion: dict[str, CodingSuggestionOut]
    coding: CodingOut
    suggested_at: dt.datetime | None
    coded_by: str | None
    coded_at: dt.datetime | None


class LineListOut(Schema):
    count: int
    lines: list[CodingLineOut]


class ConfirmIn(Schema):
    account: str | None = None
    vat_code: str | None = None
    department: str | None = None
    project: str | None = None


class AcceptIn(Schema):
    ids: list[int]


class AcceptOut(Schema):
    accepted: int


class PurchaseLineIn(Schema):
    date: dt.date | None = None
    supplier_id: str = ""
    supplier_name: str = ""
    description: str = ""
    invoice_text: str = ""
    amount: str | None = None
    currency: str = ""
    buyer: str = ""
    po_ref: str = ""
    project_ref: str = ""
    vat_rate: str | None = None
    extra: dict[str, str] = {}


class SuggestOut(Schema):
    confidence: float
    suggestions: dict[str, CodingSuggestionOut]


class RuleIn(Schema):
    kind: str
    keyword: str = ""
    supplier: int | None = None  # the supplier's number
    account: str = ""
    vat_code: str = ""
    department: str = ""
    project: str = ""


class RuleOut(Schema):
    id: int
    kind: str
    keyword: str
    supplier: LineSupplierOut | None
    account: str
    vat_code: str
    department: str
    project: str
    is_active: bool
    created_at: dt.datetime


class MeasuredOut(Schema):
    threshold: float | None = None
    rows: int = 0
    precision: float | None = None
    measured: int = 0


class SettingsOut(Schema):
    mode: str
    target_precision: str
    fixed_threshold: str | None
    window_days: int
    min_rows: int
    thresholds: dict[str, float | None]
    measured: dict[str, MeasuredOut]
    measured_at: dt.datetime | None


class SettingsIn(Schema):
    mode: str | None = None
    target_precision: str | None = None
    fixed_threshold: str | None = None
    window_days: int | None = None
    min_rows: int | None = None


# ------------------------------------------------------------------------------ permissions


def _company(orgnr: str) -> Company:
    company = company_by_orgnr(orgnr.replace(" ", ""))
    if company is None:
        raise not_member()  # the same answer as "not your company"
    return company


def _member(request: HttpRequest, orgnr: str, perm: Perm) -> Membership:
    return require(request.user, _company(orgnr), perm)


def _lines(m: Membership) -> QuerySet[CodingLine]:
    return scoped(CodingLine.objects.all(), m).select_related("supplier", "coded_by")


def _line(m: Membership, line_id: int) -> CodingLine:
    return get_object_or_404(_lines(m).select_related("company"), pk=line_id)


def _error(exc: CodingError) -> Status[CodingErrorOut]:
    return Status(422, CodingErrorOut(code=exc.code, message=exc.message, field=exc.field))


# ---------------------------------------------------------------------------------- output


def _supplier(supplier: Supplier | None) -> LineSupplierOut | None:
    if supplier is None:
        return None
    return LineSupplierOut(id=supplier.pk, number=supplier.number, name=supplier.name, orgnr=supplier.orgnr)


def _suggestion(data: dict[str, Any]) -> dict[str, CodingSuggestionOut]:
    out: dict[str, CodingSuggestionOut] = {}
    for target in TARGETS:
        entry = data.get(target)
        if not isinstance(entry, dict):
            continue
        out[target] = CodingSuggestionOut(
            value=str(entry.get("value", "")),
            confidence=float(entry.get("confidence") or 0.0),
            probability=float(entry.get("probability") or 0.0),
            reasons=[ReasonOut(**r) for r in entry.get("reasons", [])],
            text=[str(t) for t in entry.get("text", [])],
            alternatives=[AlternativeOut(**a) for a in entry.get("alternatives", [])],
        )
    return out


def line_out(line: CodingLine) -> CodingLineOut:
    """A coding line as the API shows it."""
    return CodingLineOut(
        id=line.pk,
        state=line.state,
        state_label=str(line.get_state_display()),
        source=line.source,
        source_ref=line.source_ref,
        document=line.document_id,
        line_no=line.line_no,
        supplier=_supplier(line.supplier),
        supplier_name=str((line.line or {}).get("supplier_name") or (line.supplier.name if line.supplier else "")),
        description=line.description,
        amount=None if line.amount is None else str(line.amount),
        currency=line.currency,
        date=line.line_date,
        confidence=line.confidence,
        suggestion=_suggestion(line.suggestion or {}),
        coding=CodingOut(**line.coding()),
        suggested_at=line.suggested_at,
        coded_by=line.coded_by.get_username() if line.coded_by_id else None,
        coded_at=line.coded_at,
    )


def _rule_out(rule: CodingRule) -> RuleOut:
    return RuleOut(
        id=rule.pk,
        kind=rule.kind,
        keyword=rule.keyword,
        supplier=_supplier(rule.supplier),
        account=rule.account,
        vat_code=rule.vat_code,
        department=rule.department,
        project=rule.project,
        is_active=rule.is_active,
        created_at=rule.created_at,
    )


def _number(value: Any) -> str:
    """A setting's decimal as a plain string without trailing zeros ("0.98")."""
    return f"{Decimal(str(value)).normalize():f}"


def _settings_out(company: Company, s: CodingSettings) -> SettingsOut:
    return SettingsOut(
        mode=s.mode,
        target_precision=_number(s.target_precision),
        fixed_threshold=None if s.fixed_threshold is None else _number(s.fixed_threshold),
        window_days=s.window_days,
        min_rows=s.min_rows,
        thresholds=services.thresholds_for(company),
        measured={t: MeasuredOut(**v) for t, v in (s.measured or {}).items() if isinstance(v, dict)},
        measured_at=s.measured_at,
    )


# ------------------------------------------------------------------------------------- lines


@router.get("/lines", response=LineListOut, summary="Coding lines (the queue with ?state=queued)")
def list_lines(
    request: HttpRequest,
    orgnr: OrgNr,
    state: Annotated[list[str] | None, Query(description="Only these states (repeat for several)")] = None,
    limit: int = 100,
    offset: int = 0,
) -> LineListOut:
    m = _member(request, orgnr, Perm.VIEW_PAYABLES)
    qs = _lines(m)
    if state:
        qs = qs.filter(state__in=[s for s in state if s in LineState.values])
    qs = qs.order_by("line_date", "supplier__name", "pk") if state == [LineState.QUEUED] else qs.order_by("-pk")
    limit, offset = max(1, min(limit, 500)), max(0, offset)
    return LineListOut(count=qs.count(), lines=[line_out(x) for x in qs[offset : offset + limit]])


@router.get("/lines/{int:line_id}", response=CodingLineOut, summary="One coding line with its suggestion and reasons")
def get_line(request: HttpRequest, orgnr: OrgNr, line_id: int) -> CodingLineOut:
    m = _member(request, orgnr, Perm.VIEW_PAYABLES)
    return line_out(_line(m, line_id))


@router.post(
    "/lines/accept", response=AcceptOut, summary="Accept the suggestions of queued lines (lines that fail are skipped)"
)
def accept_lines(request: HttpRequest, orgnr: OrgNr, payload: AcceptIn) -> AcceptOut:
    m = _member(request, orgnr, Perm.MANAGE_PAYABLES)
    return AcceptOut(accepted=services.bulk_accept(m.company, request.user, payload.ids[:1000]))


@router.post(
    "/lines/{int:line_id}/confirm",
    response={200: CodingLineOut, 422: CodingErrorOut},
    summary="Confirm or correct a line's coding (fields left out accept the suggestion)",
)
def confirm(request: HttpRequest, orgnr: OrgNr, line_id: int, payload: ConfirmIn) -> Any:
    m = _member(request, orgnr, Perm.MANAGE_PAYABLES)
    line = _line(m, line_id)
    coding = {k: v for k, v in payload.dict().items() if v is not None}
    try:
        services.confirm_line(line, request.user, coding)
    except CodingError as exc:
        return _error(exc)
    return line_out(_line(m, line_id))


@router.post(
    "/suggest",
    response={200: SuggestOut, 422: CodingErrorOut},
    summary="Suggest the coding of a purchase line (stores nothing)",
)
def suggest(request: HttpRequest, orgnr: OrgNr, payload: PurchaseLineIn) -> Any:
    m = _member(request, orgnr, Perm.VIEW_PAYABLES)
    data = payload.dict()
    data["date"] = payload.date.isoformat() if payload.date else None
    line = PurchaseLine.from_json(data)
    for name in ("amount", "vat_rate"):
        if data.get(name) not in (None, "") and getattr(line, name) is None:
            return _error(CodingError(CodingCode.BAD_LINE, f"{name} must be a number such as 1250.00.", name))
    found = services.suggestion_json(services.suggest(m.company, line), line, services.names_for(m.company))
    confidence = min((float((found.get(t) or {}).get("confidence") or 0.0) for t in TARGETS), default=0.0)
    return SuggestOut(confidence=confidence, suggestions=_suggestion(found))


# ------------------------------------------------------------------------------------- rules


@router.get("/rules", response=list[RuleOut], summary="The company's coding rules")
def list_rules(request: HttpRequest, orgnr: OrgNr) -> list[RuleOut]:
    m = _member(request, orgnr, Perm.VIEW_PAYABLES)
    rules = CodingRule.objects.filter(company=m.company).select_related("supplier").order_by("kind", "keyword", "pk")
    return [_rule_out(r) for r in rules]


@router.post("/rules", response={201: RuleOut, 422: CodingErrorOut}, summary="Add a supplier or keyword rule")
def add_rule(request: HttpRequest, orgnr: OrgNr, payload: RuleIn) -> Any:
    m = _member(request, orgnr, Perm.MANAGE_PAYABLES)
    supplier = None
    if payload.supplier is not None:
        supplier = Supplier.objects.filter(company=m.company, number=payload.supplier).first()
        if supplier is None:
            return _error(
                CodingError(CodingCode.BAD_RULE, f"There is no supplier number {payload.supplier}.", "supplier")
            )
    try:
        rule = services.add_rule(
            m.company,
            request.user,
            kind=payload.kind,
            keyword=payload.keyword,
            supplier=supplier,
            account=payload.account,
            vat_code=payload.vat_code,
            department=payload.department,
            project=payload.project,
        )
    except CodingError as exc:
        return _error(exc)
    return Status(201, _rule_out(rule))


@router.delete("/rules/{int:rule_id}", response={204: None}, summary="Remove a coding rule")
def delete_rule(request: HttpRequest, orgnr: OrgNr, rule_id: int) -> Status[None]:
    m = _member(request, orgnr, Perm.MANAGE_PAYABLES)
    services.delete_rule(
        get_object_or_404(CodingRule.objects.select_related("company"), company=m.company, pk=rule_id), request.user
    )
    return Status(204, None)


# ---------------------------------------------------------------------------------- settings


@router.get("/settings", response=SettingsOut, summary="Touchless policy and the measured thresholds")
def get_settings(request: HttpRequest, orgnr: OrgNr) -> SettingsOut:
    m = _member(request, orgnr, Perm.VIEW_PAYABLES)
    return _settings_out(m.company, services.settings_for(m.company))


@router.put("/settings", response={200: SettingsOut, 422: CodingErrorOut}, summary="Change the touchless policy")
def put_settings(request: HttpRequest, orgnr: OrgNr, payload: SettingsIn) -> Any:
    m = _member(request, orgnr, Perm.MANAGE_PAYABLES)
    changes = payload.dict(exclude_unset=True)
    try:
        s = services.update_settings(m.company, request.user, **changes)
    except CodingError as exc:
        return _error(exc)
    return _settings_out(m.company, s)
