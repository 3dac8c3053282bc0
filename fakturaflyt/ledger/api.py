"""API for the books: chart of accounts, VAT codes, vouchers (post, read, reverse), trial balance, audit check.

There is deliberately no PUT, PATCH or DELETE on vouchers: a posted voucher is corrected
by ``POST .../vouchers/{id}/reverse``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Router, Schema, Status

from fakturaflyt.companies.api import member_for
from fakturaflyt.companies.roles import Perm
from fakturaflyt.core.errors import FakturaflytError, FormatError, Problem
from fakturaflyt.core.ledger import VoucherLine
from fakturaflyt.core.money import D
from fakturaflyt.ledger import audit, reports, services
from fakturaflyt.ledger.models import Account, Posting, VatCode, Voucher

router = Router(tags=["ledger"])

# The router is mounted under ``/companies/{orgnr}``: ninja only treats a parameter as part of
# the path when it appears in the operation's own path, so ``orgnr`` must be declared as one.
OrgNr = Annotated[str, Path(description="The company's organisation number (9 digits)")]


_member = member_for


class AccountOut(Schema):
    number: str
    name: str
    account_type: str
    standard_account: str
    default_vat_code: str | None
    is_active: bool


class VatCodeOut(Schema):
    code: str
    name: str
    rate: str
    direction: str
    standard_tax_code: str


class LineIn(Schema):
    account: str
    debit: str = "0"
    credit: str = "0"
    description: str = ""
    vat_code: str | None = None
    department: str | None = None
    project: str | None = None
    currency: str = "NOK"
    currency_amount: str | None = None
    exchange_rate: str | None = None


class VoucherIn(Schema):
    date: dt.date
    description: str
    series: str = "GL"
    lines: list[LineIn] = Field(..., min_length=1)


class LineOut(Schema):
    line: int
    account: str
    account_name: str
    description: str
    debit: str
    credit: str
    vat_code: str | None
    department: str | None
    project: str | None
    currency: str


class VoucherOut(Schema):
    id: int
    label: str
    series: str
    year: int
    number: int
    date: dt.date
    description: str
    source: str
    posted_at: str
    posted_by: str | None
    reverses: str | None
    reversed_by: str | None
    lines: list[LineOut]


class ReverseIn(Schema):
    date: dt.date | None = None
    reason: str = ""


class TrialBalanceRowOut(Schema):
    account: str
    name: str
    opening: str
    debit: str
    credit: str
    closing: str


class AuditVerifyOut(Schema):
    ok: bool
    events: int
    problems: list[dict[str, str]]


def _postings() -> QuerySet[Posting]:
    return Posting.objects.select_related("account", "vat_code", "department", "project").order_by("line")


# A list of vouchers reads their lines and reversals in a fixed number of queries, not one per voucher.
LIST_RELATED = ("series", "reverses__series", "reversed_by__series", "posted_by")


def voucher_out(v: Voucher) -> VoucherOut:
    try:
        reversed_by: Voucher | None = v.reversed_by
    except Voucher.DoesNotExist:
        reversed_by = None
    postings = (
        v.postings.all() if "postings" in getattr(v, "_prefetched_objects_cache", {}) else _postings().filter(voucher=v)
    )
    return VoucherOut(
        id=v.pk,
        label=v.label,
        series=v.series.code,
        year=v.year,
        number=v.number,
        date=v.date,
        description=v.description,
        source=v.source,
        posted_at=v.posted_at.isoformat(),
        posted_by=v.posted_by.get_username() if v.posted_by else None,
        reverses=v.reverses.label if v.reverses else None,
        reversed_by=reversed_by.label if reversed_by else None,
        lines=[
            LineOut(
                line=p.line,
                account=p.account.number,
                account_name=p.account.name,
                description=p.description,
                debit=str(p.debit),
                credit=str(p.credit),
                vat_code=p.vat_code.code if p.vat_code else None,
                department=p.department.code if p.department else None,
                project=p.project.code if p.project else None,
                currency=p.currency,
            )
            for p in postings
        ],
    )


def _lines(lines_in: list[LineIn]) -> list[VoucherLine]:
    """The posted lines as core lines; every unreadable amount is reported, not just the first."""
    problems: list[Problem] = []

    def amount(value: str | None, where: str) -> Decimal | None:
        if value in (None, ""):
            return None
        try:
            return D(value)
        except FormatError as exc:
            problems.extend(Problem(p.code, p.message, where) for p in exc.problems)
            return None

    lines = []
    for i, ln in enumerate(lines_in, start=1):
        debit = amount(ln.debit, f"line {i} debit")
        credit = amount(ln.credit, f"line {i} credit")
        lines.append(
            VoucherLine(
                account=ln.account,
                debit=debit or Decimal(0),
                credit=credit or Decimal(0),
                description=ln.description,
                vat_code=ln.vat_code,
                department=ln.department,
                project=ln.project,
                currency=ln.currency,
                currency_amount=amount(ln.currency_amount, f"line {i} currency_amount"),
                exchange_rate=amount(ln.exchange_rate, f"line {i} exchange_rate"),
            )
        )
    if problems:
        raise FakturaflytError(problems)
    return lines


@router.get("/accounts", response=list[AccountOut], summary="Chart of accounts")
def accounts(request: HttpRequest, orgnr: OrgNr) -> list[AccountOut]:
    m = _member(request, orgnr, Perm.VIEW_LEDGER)
    return [
        AccountOut(
            number=a.number,
            name=a.name,
            account_type=a.account_type,
            standard_account=a.standard_account,
            default_vat_code=a.default_vat_code.code if a.default_vat_code else None,
            is_active=a.is_active,
        )
        for a in Account.objects.filter(company=m.company).select_related("default_vat_code")
    ]


@router.get("/vat-codes", response=list[VatCodeOut], summary="VAT codes")
def vat_codes(request: HttpRequest, orgnr: OrgNr) -> list[VatCodeOut]:
    m = _member(request, orgnr, Perm.VIEW_LEDGER)
    return [
        VatCodeOut(
            code=v.code, name=v.name, rate=str(v.rate), direction=v.direction, standard_tax_code=v.standard_tax_code
        )
        for v in VatCode.objects.filter(company=m.company)
    ]


@router.get("/vouchers", response=list[VoucherOut], summary="Posted vouchers, newest first")
def vouchers(
    request: HttpRequest,
    orgnr: OrgNr,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    limit: int = 100,
) -> list[VoucherOut]:
    m = _member(request, orgnr, Perm.VIEW_LEDGER)
    qs = (
        Voucher.objects.filter(company=m.company)
        .select_related(*LIST_RELATED)
        .prefetch_related(Prefetch("postings", queryset=_postings()))
    )
    if date_from:
        qs = qs.filter(date__gte=date_from)
    if date_to:
        qs = qs.filter(date__lte=date_to)
    return [voucher_out(v) for v in qs.order_by("-date", "-posted_at")[: max(1, min(limit, 1000))]]


@router.post("/vouchers", response={201: VoucherOut}, summary="Post a balanced voucher")
def post_voucher(request: HttpRequest, orgnr: OrgNr, payload: VoucherIn) -> Status[VoucherOut]:
    m = _member(request, orgnr, Perm.POST_VOUCHER)
    lines = _lines(payload.lines)
    voucher = services.post_voucher(
        m.company,
        request.user,
        voucher_date=payload.date,
        description=payload.description,
        lines=lines,
        series=payload.series,
        source="api",
    )
    return Status(201, voucher_out(voucher))


@router.get("/vouchers/{voucher_id}", response=VoucherOut, summary="One voucher with its lines")
def voucher(request: HttpRequest, orgnr: OrgNr, voucher_id: int) -> VoucherOut:
    m = _member(request, orgnr, Perm.VIEW_LEDGER)
    return voucher_out(get_object_or_404(Voucher.objects.select_related("series"), pk=voucher_id, company=m.company))


@router.post("/vouchers/{voucher_id}/reverse", response={201: VoucherOut}, summary="Correct a voucher by reversing it")
def reverse(request: HttpRequest, orgnr: OrgNr, voucher_id: int, payload: ReverseIn) -> Status[VoucherOut]:
    m = _member(request, orgnr, Perm.POST_VOUCHER)
    original = get_object_or_404(Voucher.objects.select_related("series"), pk=voucher_id, company=m.company)
    reversal = services.reverse_voucher(original, request.user, reversal_date=payload.date, reason=payload.reason)
    return Status(201, voucher_out(reversal))


@router.get("/trial-balance", response=list[TrialBalanceRowOut], summary="Trial balance (saldobalanse)")
def trial_balance(request: HttpRequest, orgnr: OrgNr, date_from: dt.date, date_to: dt.date) -> list[TrialBalanceRowOut]:
    m = _member(request, orgnr, Perm.VIEW_LEDGER)
    return [
        TrialBalanceRowOut(
            account=r.account,
            name=r.name,
            opening=str(r.opening),
            debit=str(r.debit),
            credit=str(r.credit),
            closing=str(r.closing),
        )
        for r in reports.trial_balance(m.company, date_from, date_to)
    ]


@router.get("/audit/verify", response=AuditVerifyOut, summary="Check the audit log's hash chain")
def audit_verify(request: HttpRequest, orgnr: OrgNr) -> AuditVerifyOut:
    m = _member(request, orgnr, Perm.VIEW_AUDIT)
    problems = audit.verify(m.company)
    count = m.company.audit_events.count()
    return AuditVerifyOut(ok=not problems, events=count, problems=[p.as_dict() for p in problems])
